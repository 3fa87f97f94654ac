//! The guard key on a deployment: set or clear its spend guard in one line (`8h`, `1h30m`,
//! `18:00`, `$50`; empty clears). A local rule, not a platform write: it needs no confirm and
//! read-only mode allows it (the guard then only reports).

use crossterm::event::KeyEvent;
use tui_input::Input;

use super::{Dialog, DialogKeys, Reply};
use crate::app::action::Command;
use crate::app::guard::parse_spec;
use crate::app::keys::KeyCmd;
use crate::app::state::{AppState, FlashKind};
use crate::domain::guard::StoredRule;

#[derive(Debug, Clone)]
pub struct GuardDialog {
    /// The deployment, fixed when the dialog opened.
    pub id: String,
    pub name: String,
    /// The countdown of the rule it has now, if any.
    pub current: Option<String>,
    pub input: Input,
    pub error: Option<String>,
}

/// Open the guard dialog on the selected deployment (an active one only).
pub fn open(state: &mut AppState) -> Vec<Command> {
    let Some(d) = state.selected_deployment() else {
        return Vec::new();
    };
    if d.status.is_terminal() {
        let text = format!("{} has ended: there is nothing to guard", d.name);
        state.say(FlashKind::Info, text);
        return Vec::new();
    }
    let (id, name) = (d.id.clone(), d.name.clone());
    let dialog = Dialog::Guard(GuardDialog {
        current: state.guard.rows.get(&id).cloned(),
        id,
        name,
        input: Input::default(),
        error: None,
    });
    super::open(state, dialog);
    Vec::new()
}

impl DialogKeys for GuardDialog {
    fn commands(&self, _state: &AppState) -> Vec<KeyCmd> {
        vec![KeyCmd::Submit]
    }

    fn text_focus(&self) -> bool {
        true
    }

    fn on_text(&mut self, _state: &mut AppState, ev: &KeyEvent) -> Reply {
        super::edit_field(&mut self.input, &mut self.error, ev)
    }

    fn on_command(&mut self, state: &mut AppState, _cmd: KeyCmd) -> Reply {
        let text = self.input.value().trim().to_string();
        if text.is_empty() || text.eq_ignore_ascii_case("none") {
            return match self.current {
                Some(_) => Reply::close().with(vec![Command::ClearGuard {
                    id: self.id.clone(),
                }]),
                None => Reply::close(),
            };
        }
        match parse_spec(&text, state.now, &state.guard.zone()) {
            Ok((rule, spec)) => Reply::close().with(vec![Command::SetGuard(StoredRule {
                deployment_id: self.id.clone(),
                rule,
                spec,
                created_at: state.now,
            })]),
            Err(e) => {
                self.error = Some(e);
                Reply::stay()
            }
        }
    }

    fn paste_target(&mut self) -> Option<(&mut Input, &mut Option<String>)> {
        Some((&mut self.input, &mut self.error))
    }
}
