//! `e` on a deployment: rename it (one PATCH of the name only).

use crossterm::event::KeyEvent;
use tui_input::Input;

use super::{Dialog, DialogKeys, Reply};
use crate::api::Deployment;
use crate::app::action::{ApiResult, Command};
use crate::app::keys::KeyCmd;
use crate::app::state::{AppState, FlashKind, LogKind};
use crate::app::text;
use crate::domain::deploy::check_name;

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
pub fn open(state: &mut AppState) -> Vec<Command> {
    let Some(d) = state.selected_deployment() else {
        return Vec::new();
    };
    let dialog = Dialog::Rename(RenameDialog {
        id: d.id.clone(),
        original: d.name.clone(),
        input: Input::new(d.name.clone()),
        error: None,
        sending: false,
    });
    super::open(state, dialog);
    Vec::new()
}

impl DialogKeys for RenameDialog {
    /// Nothing acts while the PATCH is out (its answer closes the dialog).
    fn commands(&self, _state: &AppState) -> Vec<KeyCmd> {
        if self.sending {
            Vec::new()
        } else {
            vec![KeyCmd::Submit]
        }
    }

    fn text_focus(&self) -> bool {
        !self.sending
    }

    fn on_text(&mut self, _state: &mut AppState, ev: &KeyEvent) -> Reply {
        if !self.sending && text::edit(&mut self.input, ev) {
            self.error = None;
        }
        Reply::stay()
    }

    fn on_command(&mut self, _state: &mut AppState, _cmd: KeyCmd) -> Reply {
        let r = self;
        let name = r.input.value().trim().to_string();
        if name.is_empty() {
            r.error = Some("the name is empty".into());
        } else if name == r.original {
            return Reply::close();
        } else if let Err(e) = check_name(&name) {
            r.error = Some(e.to_string());
        } else {
            r.sending = true;
            r.error = None;
            return Reply::send(vec![Command::RenameDeployment {
                id: r.id.clone(),
                name,
            }]);
        }
        Reply::stay()
    }

    /// `Esc` closes, except while the PATCH is out (its answer closes it).
    fn can_go_back(&self) -> bool {
        !self.sending
    }

    fn refused(&mut self, why: &str) {
        self.sending = false;
        self.error = Some(why.to_string());
    }

    fn paste_target(&mut self) -> Option<(&mut Input, &mut Option<String>)> {
        (!self.sending).then_some((&mut self.input, &mut self.error))
    }

    fn private_key_pasted(&mut self, why: &str) -> bool {
        self.error = Some(why.to_string());
        true
    }
}

pub fn on_renamed(state: &mut AppState, id: &str, result: ApiResult<Deployment>) -> Vec<Command> {
    let open = matches!(&state.dialog, Some(Dialog::Rename(r)) if r.id == id);
    match result {
        Ok(d) => {
            let sent = match &state.dialog {
                Some(Dialog::Rename(r)) if open => r.input.value().trim().to_string(),
                _ => String::new(),
            };
            let name = if d.name.is_empty() { sent } else { d.name };
            if let Some(x) = state.deployments.items.iter_mut().find(|x| x.id == id)
                && !name.is_empty()
            {
                x.name = name.clone();
            }
            if open {
                state.dialog = None;
            }
            state.say(FlashKind::Success, format!("renamed to {name}"));
            // the list again (the timer restarts from it): the names elsewhere follow
            return crate::app::polling::refresh_deployments(state);
        }
        Err(e) => {
            let text = e.to_string();
            state.log(LogKind::Error, format!("rename: {text}"));
            match state.dialog.as_mut() {
                Some(Dialog::Rename(r)) if open => {
                    r.sending = false;
                    r.error = Some(text);
                }
                _ => state.say(FlashKind::Warning, format!("rename failed: {text}")),
            }
        }
    }
    Vec::new()
}
