//! `K` on a Kubernetes deployment: the kubeconfig shown and saved to a file with mode 0600,
//! never over an existing file without asking.

use crossterm::event::{KeyCode, KeyEvent};
use tui_input::Input;

use super::{Dialog, DialogKeys, Reply, notice};
use crate::app::action::{Command, SaveError};
use crate::app::state::{AppState, FlashKind};
use crate::app::text;

#[derive(Debug, Clone)]
pub struct Kubeconfig {
    pub deployment_id: String,
    pub deployment_name: String,
    pub text: String,
    pub path: Input,
    /// The path exists: `y` overwrites it, `n` keeps it.
    pub confirm_overwrite: Option<String>,
    pub saved_to: Option<String>,
    pub error: Option<String>,
    pub busy: bool,
    pub scroll: u16,
}

/// `K` on the Deployments pane.
pub fn open(state: &mut AppState) -> Vec<Command> {
    let Some(d) = state.selected_deployment().cloned() else {
        return Vec::new();
    };
    let Some(addon) = &d.kubernetes_addon else {
        notice::show(
            state,
            "No kubeconfig",
            vec![
                format!("{} has no Kubernetes add-on.", d.name),
                "The add-on exists only on Voltage Park CLUSTER bare-metal offers, chosen when deploying.".into(),
            ],
        );
        return Vec::new();
    };
    let Some(text) = addon.kubeconfig.clone() else {
        notice::show(
            state,
            "No kubeconfig yet",
            vec![format!(
                "{} is {}: the kubeconfig comes once the cluster is running.",
                d.name, d.status
            )],
        );
        return Vec::new();
    };
    let safe: String = d
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    super::open(
        state,
        Dialog::Kubeconfig(Kubeconfig {
            deployment_id: d.id.clone(),
            deployment_name: d.name.clone(),
            text,
            path: Input::new(format!("~/.kube/spheron-{safe}.yaml")),
            confirm_overwrite: None,
            saved_to: None,
            error: None,
            busy: false,
            scroll: 0,
        }),
    );
    Vec::new()
}

impl DialogKeys for Kubeconfig {
    fn on_key(&mut self, _state: &mut AppState, ev: KeyEvent) -> Reply {
        let k = self;
        if let Some(path) = k.confirm_overwrite.clone() {
            match ev.code {
                KeyCode::Char('y') => {
                    k.confirm_overwrite = None;
                    k.busy = true;
                    return Reply::send(vec![Command::SaveFile {
                        path,
                        contents: k.text.clone(),
                        overwrite: true,
                    }]);
                }
                KeyCode::Char('n') => k.cancel_overwrite(),
                _ => {}
            }
            return Reply::stay();
        }
        match ev.code {
            KeyCode::Enter if !k.busy => {
                let path = k.path.value().trim().to_string();
                if path.is_empty() {
                    k.error = Some("name the file to save it to".into());
                } else {
                    k.busy = true;
                    k.error = None;
                    return Reply::send(vec![Command::SaveFile {
                        path,
                        contents: k.text.clone(),
                        overwrite: false,
                    }]);
                }
            }
            KeyCode::Up => k.scroll = k.scroll.saturating_sub(1),
            KeyCode::Down => k.scroll = k.scroll.saturating_add(1),
            KeyCode::PageUp => k.scroll = k.scroll.saturating_sub(10),
            KeyCode::PageDown => k.scroll = k.scroll.saturating_add(10),
            _ => {
                if text::edit(&mut k.path, &ev) {
                    k.error = None;
                    k.saved_to = None;
                }
            }
        }
        Reply::stay()
    }

    fn paste_target(&mut self) -> Option<(&mut Input, &mut Option<String>)> {
        if self.busy || self.confirm_overwrite.is_some() {
            return None;
        }
        self.saved_to = None;
        Some((&mut self.path, &mut self.error))
    }

    fn private_key_pasted(&mut self, why: &str) -> bool {
        self.error = Some(why.to_string());
        true
    }

    /// `Esc` on the overwrite question keeps the file (a step back); else it closes.
    fn back(&mut self, _state: &mut AppState) -> Reply {
        if self.confirm_overwrite.is_some() {
            self.cancel_overwrite();
            return Reply::stay();
        }
        Reply::close()
    }
}

impl Kubeconfig {
    fn cancel_overwrite(&mut self) {
        self.confirm_overwrite = None;
        self.error = Some("not overwritten: choose another file name".into());
    }
}

pub fn file_saved(state: &mut AppState, path: String, r: Result<String, SaveError>) {
    let open_now = matches!(state.dialog.as_mut(), Some(Dialog::Kubeconfig(_)));
    match (&r, open_now) {
        (Ok(full), _) => state.say(
            FlashKind::Success,
            format!("kubeconfig saved to {full} (mode 0600)"),
        ),
        (Err(SaveError::Failed(e)), false) => {
            state.say(FlashKind::Warning, format!("kubeconfig not saved: {e}"))
        }
        _ => {}
    }
    if let Some(Dialog::Kubeconfig(k)) = state.dialog.as_mut() {
        k.busy = false;
        match r {
            Ok(full) => {
                k.saved_to = Some(full);
                k.error = None;
            }
            Err(SaveError::Exists) => k.confirm_overwrite = Some(path),
            Err(SaveError::Failed(e)) => k.error = Some(format!("not saved: {e}")),
        }
    }
}
