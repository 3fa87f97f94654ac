//! `m`: the message log — every status message and error of this run, with its time, newest
//! first, scrollable.

use crossterm::event::{KeyCode, KeyEvent};

use super::{DialogKeys, Reply, scroll};
use crate::app::state::AppState;

#[derive(Debug, Clone, Default)]
pub struct Messages {
    pub scroll: u16,
}

impl DialogKeys for Messages {
    fn on_key(&mut self, _state: &mut AppState, ev: KeyEvent) -> Reply {
        match ev.code {
            KeyCode::Char('q') | KeyCode::Char('m') | KeyCode::Enter => Reply::close(),
            code => {
                scroll(code, &mut self.scroll);
                Reply::stay()
            }
        }
    }
}
