//! `w` on an offer: a price watch pre-filled from it. The maximum $/GPU·h is editable; the model,
//! type, GPU count, provider and region are the offer's. `e` in the list of watches opens the
//! same dialog on a stored watch, to change its maximum.

use crossterm::event::KeyEvent;

use crate::app::keys::KeyCmd;
use tui_input::Input;

use super::{Dialog, DialogKeys, Reply};
use crate::app::action::Command;
use crate::app::prices::PriceCmd;
use crate::app::state::AppState;
use crate::domain::watch::WatchSpec;

#[derive(Debug, Clone)]
pub struct NewWatch {
    pub spec: WatchSpec,
    pub price: Input,
    pub error: Option<String>,
    /// The stored watch being changed; `None` for a new one.
    pub editing: Option<i64>,
}

pub fn open(state: &mut AppState) {
    let Some(o) = state.offers.selected() else {
        return;
    };
    let spec = WatchSpec::from_offer(o);
    let price = Input::new(format!("{:.2}", spec.max_gpu_price));
    super::open(
        state,
        Dialog::NewWatch(Box::new(NewWatch {
            spec,
            price,
            error: None,
            editing: None,
        })),
    );
}

/// The dialog on a stored watch.
pub fn edit(w: &crate::domain::watch::Watch) -> Dialog {
    Dialog::NewWatch(Box::new(NewWatch {
        spec: w.spec.clone(),
        price: Input::new(format!("{:.2}", w.spec.max_gpu_price)),
        error: None,
        editing: Some(w.id),
    }))
}

impl DialogKeys for NewWatch {
    fn commands(&self, _state: &AppState) -> Vec<KeyCmd> {
        vec![KeyCmd::Submit]
    }

    fn text_focus(&self) -> bool {
        true
    }

    fn on_text(&mut self, _state: &mut AppState, ev: &KeyEvent) -> Reply {
        super::edit_field(&mut self.price, &mut self.error, ev)
    }

    fn on_command(&mut self, _state: &mut AppState, _cmd: KeyCmd) -> Reply {
        {
            match self
                .price
                .value()
                .trim()
                .trim_start_matches('$')
                .parse::<f64>()
            {
                Ok(p) if p.is_finite() && p > 0.0 => {
                    let mut spec = self.spec.clone();
                    spec.max_gpu_price = p;
                    let cmd = match self.editing {
                        Some(id) => PriceCmd::UpdateWatch { id, spec },
                        None => PriceCmd::AddWatch(spec),
                    };
                    Reply::close().with(vec![Command::Prices(cmd)])
                }
                _ => {
                    self.error = Some("a price in USD per GPU·hour, e.g. 2.00".into());
                    Reply::stay()
                }
            }
        }
    }

    fn paste_target(&mut self) -> Option<(&mut Input, &mut Option<String>)> {
        Some((&mut self.price, &mut self.error))
    }
}
