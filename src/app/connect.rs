//! Connect (`o` runs ssh, the dashboard suspends) and rename (`e`, PATCH of the name only).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_input::Input;

use super::action::{ApiResult, Command};
use super::modal::Modal;
use super::state::{AppState, FlashKind};
use super::terminate::read_only_refusal;
use super::text;
use super::update::flash;
use crate::api::{Deployment, DeploymentStatus};
use crate::domain::deploy::check_name;
use crate::domain::ssh::ssh_argv;

/// `o`: run ssh to the selected deployment, no shell in between.
pub fn open_ssh(state: &mut AppState) -> Vec<Command> {
    let Some(d) = state.selected_deployment() else {
        return Vec::new();
    };
    if d.status != DeploymentStatus::Running {
        let text = format!("{} is {}: ssh opens once it is running", d.name, d.status);
        flash(state, text, FlashKind::Warning);
        return Vec::new();
    }
    if state.session.demo {
        // Demo addresses are made up and may belong to someone: nothing is contacted.
        let text = match ssh_argv(d) {
            Ok(argv) => format!(
                "demo: would run `{}` (not run: the demo instance does not exist)",
                argv.join(" ")
            ),
            Err(why) => why,
        };
        flash(state, text, FlashKind::Info);
        return Vec::new();
    }
    match ssh_argv(d) {
        Ok(argv) => {
            let text = format!(
                "ssh session: {} (the dashboard returns when it ends)",
                argv.join(" ")
            );
            flash(state, text, FlashKind::Info);
            vec![Command::OpenSsh { argv }]
        }
        Err(why) => {
            flash(state, why, FlashKind::Warning);
            Vec::new()
        }
    }
}

pub fn on_ssh_exited(state: &mut AppState, result: Result<Option<i32>, String>) {
    let (text, kind) = match result {
        Ok(Some(0)) => ("ssh session ended".to_string(), FlashKind::Info),
        Ok(Some(255)) => (
            "ssh could not connect (exit 255): is the instance up and the key yours?".to_string(),
            FlashKind::Warning,
        ),
        Ok(Some(code)) => (format!("ssh exited with {code}"), FlashKind::Info),
        Ok(None) => ("ssh was ended by a signal".to_string(), FlashKind::Warning),
        Err(e) => (format!("could not run ssh: {e}"), FlashKind::Warning),
    };
    flash(state, text, kind);
}

#[derive(Debug, Clone)]
pub struct RenameDialog {
    /// The deployment, fixed when the dialog opened.
    pub id: String,
    pub original: String,
    pub input: Input,
    pub error: Option<String>,
    pub sending: bool,
}

/// `e`: rename the selected deployment.
pub fn open_rename(state: &mut AppState) -> Vec<Command> {
    if read_only_refusal(state, "rename") {
        return Vec::new();
    }
    let Some(d) = state.selected_deployment() else {
        return Vec::new();
    };
    state.modal = Some(Modal::Rename(RenameDialog {
        id: d.id.clone(),
        original: d.name.clone(),
        input: Input::new(d.name.clone()),
        error: None,
        sending: false,
    }));
    Vec::new()
}

pub fn on_rename_key(state: &mut AppState, ev: KeyEvent) -> Vec<Command> {
    if ev.code == KeyCode::Char('c') && ev.modifiers.contains(KeyModifiers::CONTROL) {
        state.quit = true;
        return vec![Command::Quit];
    }
    if read_only_refusal(state, "rename") {
        state.modal = None;
        return Vec::new();
    }
    let Some(Modal::Rename(r)) = state.modal.as_mut() else {
        return Vec::new();
    };
    if r.sending {
        return Vec::new();
    }
    match ev.code {
        KeyCode::Esc => state.modal = None,
        KeyCode::Enter => {
            let name = r.input.value().trim().to_string();
            if name.is_empty() {
                r.error = Some("the name is empty".into());
            } else if name == r.original {
                state.modal = None;
            } else if let Err(e) = check_name(&name) {
                r.error = Some(e.to_string());
            } else {
                r.sending = true;
                r.error = None;
                return vec![Command::RenameDeployment {
                    id: r.id.clone(),
                    name,
                }];
            }
        }
        _ => {
            if text::edit(&mut r.input, &ev) {
                r.error = None;
            }
        }
    }
    Vec::new()
}

pub fn on_renamed(state: &mut AppState, id: &str, result: ApiResult<Deployment>) {
    let open = matches!(&state.modal, Some(Modal::Rename(r)) if r.id == id);
    match result {
        Ok(d) => {
            let sent = match &state.modal {
                Some(Modal::Rename(r)) if open => r.input.value().trim().to_string(),
                _ => String::new(),
            };
            let name = if d.name.is_empty() { sent } else { d.name };
            if let Some(x) = state.deployments.items.iter_mut().find(|x| x.id == id)
                && !name.is_empty()
            {
                x.name = name.clone();
            }
            if open {
                state.modal = None;
            }
            flash(state, format!("renamed to {name}"), FlashKind::Success);
        }
        Err(e) => {
            let text = e.to_string();
            match state.modal.as_mut() {
                Some(Modal::Rename(r)) if open => {
                    r.sending = false;
                    r.error = Some(text);
                }
                _ => flash(state, format!("rename failed: {text}"), FlashKind::Warning),
            }
        }
    }
}
