//! A refusal or a fact, with its reason: read, then `Esc`/`Enter`.

use crossterm::event::{KeyCode, KeyEvent};

use super::{Dialog, DialogKeys, Reply};
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
    fn on_key(&mut self, _state: &mut AppState, ev: KeyEvent) -> Reply {
        match ev.code {
            KeyCode::Enter | KeyCode::Char('q') | KeyCode::Char('n') => Reply::close(),
            _ => Reply::stay(),
        }
    }
}
