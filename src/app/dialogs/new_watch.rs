//! `w` on an offer: a price watch pre-filled from it. The maximum $/GPU·h, the provider and the
//! region are text fields (Tab moves between them); an empty provider or region means any. The
//! model, type and GPU count are the offer's. `e` in the list of watches opens the same dialog
//! on a stored watch, to change it.

use crossterm::event::KeyEvent;

use crate::app::keys::KeyCmd;
use tui_input::Input;

use super::{Dialog, DialogKeys, Reply};
use crate::app::action::Command;
use crate::app::prices::PriceCmd;
use crate::app::state::AppState;
use crate::domain::names::region_label;
use crate::domain::watch::WatchSpec;

/// The fields, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchField {
    Price,
    Provider,
    Region,
}

impl WatchField {
    const ORDER: [WatchField; 3] = [WatchField::Price, WatchField::Provider, WatchField::Region];

    fn step(self, forward: bool) -> WatchField {
        let i = Self::ORDER.iter().position(|f| *f == self).unwrap_or(0);
        let n = Self::ORDER.len();
        Self::ORDER[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }
}

#[derive(Debug, Clone)]
pub struct NewWatch {
    pub spec: WatchSpec,
    pub price: Input,
    /// Empty: any provider.
    pub provider: Input,
    /// Empty: any region. Shown as the dashboard shows regions (`culpeper-usa-1`).
    pub region: Input,
    pub focus: WatchField,
    pub error: Option<String>,
    /// The stored watch being changed; `None` for a new one.
    pub editing: Option<i64>,
}

impl NewWatch {
    fn new(spec: WatchSpec, editing: Option<i64>) -> NewWatch {
        NewWatch {
            price: Input::new(format!("{:.2}", spec.max_gpu_price)),
            provider: Input::new(spec.provider.clone().unwrap_or_default()),
            region: Input::new(
                spec.region
                    .as_deref()
                    .map(region_label)
                    .unwrap_or_default()
                    .to_string(),
            ),
            spec,
            focus: WatchField::Price,
            error: None,
            editing,
        }
    }

    /// The focused field, with the error line an edit clears.
    fn focused(&mut self) -> (&mut Input, &mut Option<String>) {
        let input = match self.focus {
            WatchField::Price => &mut self.price,
            WatchField::Provider => &mut self.provider,
            WatchField::Region => &mut self.region,
        };
        (input, &mut self.error)
    }

    /// The watch as the fields say, or what is wrong with them.
    fn read(&self, state: &AppState) -> Result<WatchSpec, (WatchField, String)> {
        let price = self.price.value().trim().trim_start_matches('$');
        let max = match price.parse::<f64>() {
            Ok(p) if p.is_finite() && p > 0.0 => p,
            _ => {
                return Err((
                    WatchField::Price,
                    "a price in USD per GPU·hour, e.g. 2.00".into(),
                ));
            }
        };
        let mut spec = self.spec.clone();
        spec.max_gpu_price = max;
        let provider = self.provider.value().trim();
        spec.provider = (!provider.is_empty()).then(|| provider.to_string());
        let region = self.region.value().trim();
        // The region shown unchanged keeps the one stored (it may carry the API's prefix).
        let same = self
            .spec
            .region
            .as_deref()
            .is_some_and(|r| region_label(r) == region);
        if !same {
            spec.region = (!region.is_empty()).then(|| region.to_string());
        }
        known(state, &spec)?;
        Ok(spec)
    }
}

/// A provider or region no offer of a complete load has would never match: refused, naming
/// those there are. An incomplete load proves nothing, so then it is taken as typed.
fn known(state: &AppState, spec: &WatchSpec) -> Result<(), (WatchField, String)> {
    let offers = &state.offers.all;
    if offers.is_empty() || !state.offers.completeness().is_complete() {
        return Ok(());
    }
    let list = |mut v: Vec<&str>| {
        v.sort_unstable();
        v.dedup();
        v.join(", ")
    };
    if let Some(p) = &spec.provider
        && !offers
            .iter()
            .any(|o| crate::domain::volume_rules::same_provider(&o.provider, p))
    {
        let there = list(offers.iter().map(|o| o.provider.as_str()).collect());
        return Err((
            WatchField::Provider,
            format!("no offer is at `{p}`: one of {there}, or empty for any"),
        ));
    }
    if let Some(r) = &spec.region
        && !offers
            .iter()
            .any(|o| o.regions().iter().any(|x| WatchSpec::names_region(r, x)))
    {
        let mut there: Vec<&str> = offers
            .iter()
            .flat_map(|o| o.regions())
            .map(region_label)
            .collect();
        there.sort_unstable();
        there.dedup();
        let n = there.len();
        let shown = there.into_iter().take(8).collect::<Vec<_>>().join(", ");
        let more = if n > 8 { " …" } else { "" };
        return Err((
            WatchField::Region,
            format!("no offer is in `{r}`: e.g. {shown}{more}, or empty for any"),
        ));
    }
    Ok(())
}

pub fn open(state: &mut AppState) {
    let Some(o) = state.offers.selected() else {
        return;
    };
    let d = NewWatch::new(WatchSpec::from_offer(o), None);
    super::open(state, Dialog::NewWatch(Box::new(d)));
}

/// The dialog on a stored watch.
pub fn edit(w: &crate::domain::watch::Watch) -> Dialog {
    Dialog::NewWatch(Box::new(NewWatch::new(w.spec.clone(), Some(w.id))))
}

impl DialogKeys for NewWatch {
    fn commands(&self, _state: &AppState) -> Vec<KeyCmd> {
        vec![KeyCmd::FocusNext, KeyCmd::FocusPrev, KeyCmd::Submit]
    }

    fn text_focus(&self) -> bool {
        true
    }

    fn on_text(&mut self, _state: &mut AppState, ev: &KeyEvent) -> Reply {
        let (input, error) = self.focused();
        super::edit_field(input, error, ev)
    }

    fn on_command(&mut self, state: &mut AppState, cmd: KeyCmd) -> Reply {
        match cmd {
            KeyCmd::FocusNext | KeyCmd::FocusPrev => {
                self.focus = self.focus.step(cmd == KeyCmd::FocusNext);
                Reply::stay()
            }
            _ => match self.read(state) {
                Ok(spec) => {
                    let cmd = match self.editing {
                        Some(id) => PriceCmd::UpdateWatch { id, spec },
                        None => PriceCmd::AddWatch(spec),
                    };
                    Reply::close().with(vec![Command::Prices(cmd)])
                }
                Err((field, why)) => {
                    self.focus = field;
                    self.error = Some(why);
                    Reply::stay()
                }
            },
        }
    }

    fn paste_target(&mut self) -> Option<(&mut Input, &mut Option<String>)> {
        Some(self.focused())
    }
}
