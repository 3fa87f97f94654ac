//! `W` on Offers: the price watches; `e` changes the maximum of the selected one, `x` removes it
//! (in the local store: nothing is sent to the platform).

use crossterm::event::{KeyCode, KeyEvent};

use super::{Dialog, DialogKeys, Reply, list_step};
use crate::app::action::Command;
use crate::app::prices::PriceCmd;
use crate::app::state::AppState;

#[derive(Debug, Clone, Default)]
pub struct Watches {
    pub selected: usize,
}

pub fn open(state: &mut AppState) {
    super::open(state, Dialog::Watches(Watches::default()));
}

impl DialogKeys for Watches {
    fn on_key(&mut self, state: &mut AppState, ev: KeyEvent) -> Reply {
        let n = state.prices.watches.len();
        match ev.code {
            KeyCode::Char('q') | KeyCode::Char('W') => Reply::close(),
            KeyCode::Char('e') => match state.prices.watches.get(self.selected) {
                Some(w) => Reply::open(super::new_watch::edit(w)),
                None => Reply::stay(),
            },
            KeyCode::Char('x') | KeyCode::Delete => {
                let Some(id) = state.prices.watches.get(self.selected).map(|w| w.id) else {
                    return Reply::stay();
                };
                self.selected = self.selected.saturating_sub(1);
                state.prices.watches.retain(|w| w.id != id);
                Reply::send(vec![Command::Prices(PriceCmd::RemoveWatch(id))])
            }
            code => {
                list_step(code, &mut self.selected, n);
                Reply::stay()
            }
        }
    }
}
