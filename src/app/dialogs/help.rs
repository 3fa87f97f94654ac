//! `?`: the key table, scrollable. Drawn from `keymap::BINDINGS`.

use crossterm::event::{KeyCode, KeyEvent};

use super::{DialogKeys, Reply, scroll};
use crate::app::state::AppState;

#[derive(Debug, Clone, Default)]
pub struct Help {
    pub scroll: u16,
}

impl DialogKeys for Help {
    fn on_key(&mut self, _state: &mut AppState, ev: KeyEvent) -> Reply {
        match ev.code {
            KeyCode::Char('q') | KeyCode::Char('?') | KeyCode::Enter => Reply::close(),
            code => {
                scroll(code, &mut self.scroll);
                Reply::stay()
            }
        }
    }
}
