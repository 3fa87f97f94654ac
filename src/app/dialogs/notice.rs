//! A refusal or a fact, with its reason: read, then `Esc`/`Enter`.

use super::{Dialog, DialogKeys, Reply};
use crate::app::keys::KeyCmd;
use crate::app::state::AppState;

#[derive(Debug, Clone)]
pub struct Notice {
    pub title: String,
    pub lines: Vec<String>,
}

/// Open a notice in place of any dialog.
pub fn show(state: &mut AppState, title: impl Into<String>, lines: Vec<String>) {
    super::open(
        state,
        Dialog::Notice(Notice {
            title: title.into(),
            lines,
        }),
    );
}

impl DialogKeys for Notice {
    fn commands(&self, _state: &AppState) -> Vec<KeyCmd> {
        vec![KeyCmd::Close]
    }

    fn on_command(&mut self, _state: &mut AppState, _cmd: KeyCmd) -> Reply {
        Reply::close()
    }
}
