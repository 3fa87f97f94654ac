//! `K` on a Kubernetes deployment: the kubeconfig shown and saved to a file with mode 0600,
//! never over an existing file without asking.

use crossterm::event::KeyEvent;
use tui_input::Input;

use super::confirm::Quiet;
use super::{Dialog, DialogKeys, Reply, notice, scroll};
use crate::app::action::{Command, SaveError};
use crate::app::keys::KeyCmd;
use crate::app::state::{AppState, FlashKind};
use crate::app::text;

#[derive(Debug, Clone)]
pub struct Kubeconfig {
    pub deployment_id: String,
    pub deployment_name: String,
    pub text: String,
    pub path: Input,
    /// The path exists: `y` overwrites it (once the question has been on screen half a second
    /// without a key), `n` or any other key keeps it.
    pub confirm_overwrite: Option<String>,
    pub saved_to: Option<String>,
    pub error: Option<String>,
    pub busy: bool,
    pub scroll: u16,
    /// Since when the overwrite question has been on screen without a key.
    pub quiet: Quiet,
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
            quiet: Quiet::new(state.now),
        }),
    );
    Vec::new()
}

impl DialogKeys for Kubeconfig {
    /// The overwrite question takes `y` (after a quiet half second) or `n`; the form takes
    /// Enter (not while a save is out) and scrolls the kubeconfig.
    fn commands(&self, _state: &AppState) -> Vec<KeyCmd> {
        if self.confirm_overwrite.is_some() {
            return vec![KeyCmd::Confirm, KeyCmd::Cancel];
        }
        let mut out = Vec::new();
        if !self.busy {
            out.push(KeyCmd::Submit);
        }
        if self.scroll > 0 {
            out.extend([KeyCmd::Up, KeyCmd::PageUp]);
        }
        out.extend([KeyCmd::Down, KeyCmd::PageDown]);
        out
    }

    fn on_command(&mut self, state: &mut AppState, cmd: KeyCmd) -> Reply {
        let k = self;
        match cmd {
            KeyCmd::Confirm => {
                let Some(path) = k.confirm_overwrite.clone() else {
                    return Reply::stay();
                };
                // a y too soon is ignored, and the half second starts again
                if !k.quiet.key_at(state.now) {
                    return Reply::stay();
                }
                k.confirm_overwrite = None;
                k.busy = true;
                return Reply::send(vec![Command::SaveFile {
                    path,
                    contents: k.text.clone(),
                    overwrite: true,
                }]);
            }
            KeyCmd::Cancel => k.cancel_overwrite(),
            KeyCmd::Submit => {
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
            cmd => {
                scroll(cmd, &mut k.scroll);
            }
        }
        Reply::stay()
    }

    fn text_focus(&self) -> bool {
        self.confirm_overwrite.is_none()
    }

    /// On the overwrite question any other key keeps the file; in the form it edits the path.
    fn on_text(&mut self, _state: &mut AppState, ev: &KeyEvent) -> Reply {
        if self.confirm_overwrite.is_some() {
            self.cancel_overwrite();
        } else if text::edit(&mut self.path, ev) {
            self.error = None;
            self.saved_to = None;
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
            Err(SaveError::Exists) => {
                k.confirm_overwrite = Some(path);
                k.quiet = Quiet::new(state.now);
            }
            Err(SaveError::Failed(e)) => k.error = Some(format!("not saved: {e}")),
        }
    }
}
