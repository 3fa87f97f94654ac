//! Masked entry of the API key: opened when a pane needs a key or the API refuses it (401).
//! On `Enter` the key is checked with one authenticated request; only a key the API accepts is
//! used and saved (credentials module). A refused key is said plainly and nothing is saved.

use crossterm::event::KeyEvent;
use tui_input::Input;

use super::{Dialog, DialogKeys, Reply};
use crate::api::ApiError;
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
    /// The key's check is under way: the typed key is kept, further `Enter`s wait for it.
    pub checking: bool,
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
            .field("checking", &self.checking)
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
                checking: false,
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
        if self.checking {
            return Reply::stay();
        }
        super::edit_field(&mut self.input, &mut self.error, ev)
    }

    fn on_command(&mut self, _state: &mut AppState, _cmd: KeyCmd) -> Reply {
        if self.checking {
            return Reply::stay();
        }
        let key = self.input.value().trim().to_string();
        if key.is_empty() {
            self.error = Some("the key is empty".into());
            return Reply::stay();
        }
        if key.chars().any(char::is_whitespace) {
            self.error = Some("a key has no spaces: paste it again".into());
            return Reply::stay();
        }
        self.error = None;
        self.checking = true;
        Reply::stay().with(vec![Command::CheckKey(ApiKey::new(key))])
    }

    fn paste_target(&mut self) -> Option<(&mut Input, &mut Option<String>)> {
        if self.checking {
            return None;
        }
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

/// The answer to [`Command::CheckKey`]. A key the API accepted is used from now on, saved, and
/// everything is loaded again with it; any other answer leaves the prompt open saying why, and
/// nothing is saved. An answer for a key no longer in the prompt changes nothing.
pub fn key_checked(
    state: &mut AppState,
    key: ApiKey,
    result: Result<(), ApiError>,
) -> Vec<Command> {
    let Some(Dialog::KeyPrompt(prompt)) = &mut state.dialog else {
        return Vec::new();
    };
    if !prompt.checking || prompt.input.value().trim() != key.expose() {
        return Vec::new();
    }
    prompt.checking = false;
    if let Err(e) = result {
        prompt.error = Some(match e {
            ApiError::Unauthorized { .. } => format!(
                "The API refused this key ({}): it was not saved. Copy it again from \
                 app.spheron.ai → Settings → API and paste it here.",
                e.status()
                    .map_or("unauthorized".to_string(), |s| s.to_string())
            ),
            ApiError::Forbidden { .. } => "The API accepted the key but refused to show its \
                 balance (403): it was not saved. Use a key with access to your team."
                .to_string(),
            other => {
                format!("Could not check the key ({other}): it was not saved. Enter tries again.")
            }
        });
        return Vec::new();
    }
    state.dialog = None;
    state.session.key_mask = Some(key.mask());
    state.status.last_error = None;
    // Everything loaded with the old (or no) key is stale: load again. Answers to requests
    // sent with the old key may still come; the new key gets its own requests.
    state.schedule = Default::default();
    state.keys.loaded_at = None;
    let mut cmds = vec![Command::UseKey(key), lists::fetch_offers(state, true)];
    cmds.extend(polling::account_loads(state));
    cmds.extend(crate::app::panes::switch_pane(state, state.pane));
    cmds
}
