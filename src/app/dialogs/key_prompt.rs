//! Masked entry of the API key: opened when a pane needs a key or the API refuses it (401);
//! on `Enter` the key is used at once and saved with the credentials module.

use crossterm::event::KeyEvent;
use tui_input::Input;

use super::{Dialog, DialogKeys, Reply};
use crate::app::action::Command;
use crate::app::keys::KeyCmd;
use crate::app::state::AppState;
use crate::app::{Pane, lists, polling};
use crate::credentials::ApiKey;

/// `Debug` is written by hand: the input is the API key being typed, so it shows only its
/// length (state Debug goes into logs and panic reports).
#[derive(Clone)]
pub struct KeyPrompt {
    pub input: Input,
    pub reason: String,
    pub error: Option<String>,
}

impl std::fmt::Debug for KeyPrompt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPrompt")
            .field(
                "input",
                &format_args!("<{} chars hidden>", self.input.value().chars().count()),
            )
            .field("reason", &self.reason)
            .field("error", &self.error)
            .finish()
    }
}

/// Ask for the key with `reason`, unless the prompt is already open.
pub fn open(state: &mut AppState, reason: &str) {
    if !matches!(state.dialog, Some(Dialog::KeyPrompt(_))) {
        super::open(
            state,
            Dialog::KeyPrompt(KeyPrompt {
                input: Input::default(),
                reason: reason.to_string(),
                error: None,
            }),
        );
    }
}

impl DialogKeys for KeyPrompt {
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
        let key = self.input.value().trim().to_string();
        if key.is_empty() {
            self.error = Some("the key is empty".into());
            return Reply::stay();
        }
        if key.chars().any(char::is_whitespace) {
            self.error = Some("a key has no spaces: paste it again".into());
            return Reply::stay();
        }
        let key = ApiKey::new(key);
        state.session.key_mask = Some(key.mask());
        state.status.last_error = None;
        // Everything loaded with the old (or no) key is stale: load again. Answers to requests
        // sent with the old key may still come; the new key gets its own requests.
        state.schedule = Default::default();
        state.keys.loaded_at = None;
        let mut cmds = vec![Command::UseKey(key), lists::fetch_offers(state, true)];
        cmds.extend(polling::account_loads(state));
        cmds.extend(crate::app::panes::switch_pane(state, state.pane));
        Reply::close().with(cmds)
    }

    fn paste_target(&mut self) -> Option<(&mut Input, &mut Option<String>)> {
        Some((&mut self.input, &mut self.error))
    }

    fn private_key_pasted(&mut self, why: &str) -> bool {
        self.error = Some(why.to_string());
        true
    }

    fn back(&mut self, state: &mut AppState) -> Reply {
        if state.pane != Pane::Offers && !state.session.has_key() {
            state.pane = Pane::Offers;
        }
        Reply::close()
    }
}
