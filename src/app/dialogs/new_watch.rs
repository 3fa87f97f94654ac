//! `w` on an offer: a price watch pre-filled from it. The maximum $/GPU·h is editable; the model,
//! type, GPU count, provider and region are the offer's.

use crossterm::event::{KeyCode, KeyEvent};
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
        })),
    );
}

impl DialogKeys for NewWatch {
    fn on_key(&mut self, _state: &mut AppState, ev: KeyEvent) -> Reply {
        if ev.code == KeyCode::Enter {
            return match self
                .price
                .value()
                .trim()
                .trim_start_matches('$')
                .parse::<f64>()
            {
                Ok(p) if p.is_finite() && p > 0.0 => {
                    let mut spec = self.spec.clone();
                    spec.max_gpu_price = p;
                    Reply::close().with(vec![Command::Prices(PriceCmd::AddWatch(spec))])
                }
                _ => {
                    self.error = Some("a price in USD per GPU·hour, e.g. 2.00".into());
                    Reply::stay()
                }
            };
        }
        if crate::app::text::edit(&mut self.price, &ev) {
            self.error = None;
        }
        Reply::stay()
    }

    fn paste_target(&mut self) -> Option<(&mut Input, &mut Option<String>)> {
        Some((&mut self.price, &mut self.error))
    }
}
