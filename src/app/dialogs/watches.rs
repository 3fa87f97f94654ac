//! `W` on Offers: the price watches; `e` changes the maximum of the selected one, `x` removes it
//! (in the local store: nothing is sent to the platform).

use super::{Dialog, DialogKeys, Reply, list_commands, list_step};
use crate::app::action::Command;
use crate::app::keys::KeyCmd;
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
    fn commands(&self, state: &AppState) -> Vec<KeyCmd> {
        let n = state.prices.watches.len();
        let mut out = list_commands(self.selected, n);
        if self.selected < n {
            out.extend([KeyCmd::EditWatch, KeyCmd::RemoveWatch]);
        }
        out.push(KeyCmd::Close);
        out
    }

    fn on_command(&mut self, state: &mut AppState, cmd: KeyCmd) -> Reply {
        let n = state.prices.watches.len();
        match cmd {
            KeyCmd::Close => Reply::close(),
            KeyCmd::EditWatch => match state.prices.watches.get(self.selected) {
                Some(w) => Reply::open(super::new_watch::edit(w)),
                None => Reply::stay(),
            },
            KeyCmd::RemoveWatch => {
                let Some(id) = state.prices.watches.get(self.selected).map(|w| w.id) else {
                    return Reply::stay();
                };
                self.selected = self.selected.saturating_sub(1);
                state.prices.watches.retain(|w| w.id != id);
                Reply::send(vec![Command::Prices(PriceCmd::RemoveWatch(id))])
            }
            cmd => {
                list_step(cmd, &mut self.selected, n);
                Reply::stay()
            }
        }
    }
}
