//! Price history and watches as the dashboard sees them. The reducer asks the runtime to record
//! each complete offers load (it gets the history back as [`PriceEvent::History`]), keeps the
//! watches the store holds, announces each watch once per episode, and runs the two small
//! dialogs: a new watch pre-filled from an offer (`w`) and the list of watches (`W`).

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyEvent};
use tui_input::Input;

use super::action::Command;
use super::modal::Modal;
use super::state::{AppState, FlashKind};
use crate::api::Offer;
use crate::domain::history::{HistoryView, PriceObservation, offer_key};
use crate::domain::watch::{Episodes, Watch, WatchSpec};

/// How often a load may also compact the history.
pub const COMPACT_EVERY: Duration = Duration::hours(1);
/// How often offers are loaded again while there are watches.
pub const RELOAD_EVERY: Duration = Duration::seconds(60);

#[derive(Debug, Clone, Default)]
pub struct PricesView {
    /// The 7-day history of the offers, from the store (shared: it can be large).
    pub history: Arc<HistoryView>,
    pub watches: Vec<Watch>,
    pub episodes: Episodes,
    pub next_compact: Option<DateTime<Utc>>,
    pub reload_due: Option<DateTime<Utc>>,
}

impl PricesView {
    /// Whether `o` matches a watch (its row is marked).
    pub fn watched(&self, o: &Offer) -> bool {
        self.watches.iter().any(|w| w.spec.matches(o))
    }
}

/// Store work the runtime performs.
#[derive(Debug, Clone)]
pub enum PriceCmd {
    /// Record a complete load; then read the 7-day history back.
    Record {
        at: DateTime<Utc>,
        offers: Vec<PriceObservation>,
        compact: bool,
    },
    LoadWatches,
    AddWatch(WatchSpec),
    RemoveWatch(i64),
}

/// What comes back.
#[derive(Debug, Clone)]
pub enum PriceEvent {
    History(Arc<HistoryView>),
    Watches(Result<Vec<Watch>, String>),
    Added(Result<i64, String>),
    Failed(String),
}

/// The two dialogs (boxed in `Modal`, so the size of the larger one costs nothing there).
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub enum Dialog {
    /// A new watch from an offer: the maximum $/GPU·h is editable; the rest is shown.
    New {
        spec: WatchSpec,
        price: Input,
        error: Option<String>,
    },
    /// Every watch; `x` removes the selected one.
    List { selected: usize },
}

/// After a complete offers load: record it, announce watches that start matching.
pub fn on_load_complete(state: &mut AppState) -> Vec<Command> {
    let mut cmds = Vec::new();
    let now = state.now;
    let compact = state.prices.next_compact.is_none_or(|t| now >= t);
    if compact {
        state.prices.next_compact = Some(now + COMPACT_EVERY);
    }
    state.prices.reload_due = Some(now + RELOAD_EVERY);
    cmds.push(Command::Prices(PriceCmd::Record {
        at: now,
        offers: state.offers.all.iter().map(PriceObservation::of).collect(),
        compact,
    }));
    let hits = state
        .prices
        .episodes
        .observe(&state.prices.watches, &state.offers.all);
    for hit in hits {
        super::update::flash(state, hit.text.clone(), FlashKind::Success);
        cmds.push(Command::Notify(hit.text));
    }
    cmds
}

pub fn on_event(state: &mut AppState, ev: PriceEvent) -> Vec<Command> {
    match ev {
        PriceEvent::History(h) => state.prices.history = h,
        PriceEvent::Watches(Ok(w)) => state.prices.watches = w,
        PriceEvent::Watches(Err(e)) | PriceEvent::Failed(e) => {
            super::update::flash(state, format!("price history: {e}"), FlashKind::Warning)
        }
        PriceEvent::Added(Ok(id)) => {
            super::update::flash(state, format!("watch {id} added"), FlashKind::Success);
            return vec![Command::Prices(PriceCmd::LoadWatches)];
        }
        PriceEvent::Added(Err(e)) => {
            super::update::flash(
                state,
                format!("the watch was not stored: {e}"),
                FlashKind::Warning,
            );
        }
    }
    Vec::new()
}

/// `w` on an offer.
pub fn open_new(state: &mut AppState) {
    let Some(o) = state.offers.selected() else {
        return;
    };
    let spec = WatchSpec::from_offer(o);
    let price = Input::new(format!("{:.2}", spec.max_gpu_price));
    state.modal = Some(Modal::PriceWatch(Box::new(Dialog::New {
        spec,
        price,
        error: None,
    })));
}

/// `W`.
pub fn open_list(state: &mut AppState) {
    state.modal = Some(Modal::PriceWatch(Box::new(Dialog::List { selected: 0 })));
}

pub fn on_key(state: &mut AppState, ev: KeyEvent) -> Vec<Command> {
    let Some(Modal::PriceWatch(d)) = state.modal.as_mut() else {
        return Vec::new();
    };
    match d.as_mut() {
        Dialog::New { spec, price, error } => match ev.code {
            KeyCode::Esc => state.modal = None,
            KeyCode::Enter => match price.value().trim().trim_start_matches('$').parse::<f64>() {
                Ok(p) if p.is_finite() && p > 0.0 => {
                    let mut spec = spec.clone();
                    spec.max_gpu_price = p;
                    state.modal = None;
                    return vec![Command::Prices(PriceCmd::AddWatch(spec))];
                }
                _ => *error = Some("a price in USD per GPU·hour, e.g. 2.00".into()),
            },
            _ => {
                if super::text::edit(price, &ev) {
                    *error = None;
                }
            }
        },
        Dialog::List { selected } => {
            let n = state.prices.watches.len();
            match ev.code {
                KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('W') => state.modal = None,
                KeyCode::Down | KeyCode::Char('j') => *selected = (*selected + 1).min(n.max(1) - 1),
                KeyCode::Up | KeyCode::Char('k') => *selected = selected.saturating_sub(1),
                KeyCode::Char('x') | KeyCode::Delete => {
                    if let Some(w) = state.prices.watches.get(*selected) {
                        let id = w.id;
                        *selected = selected.saturating_sub(1);
                        state.prices.watches.retain(|w| w.id != id);
                        return vec![Command::Prices(PriceCmd::RemoveWatch(id))];
                    }
                }
                _ => {}
            }
        }
    }
    Vec::new()
}

/// The chart of an offer's Details: its lowest price per 4-hour bucket over 7 days and its
/// model's, `None` where nothing was available.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceChart {
    pub offer: Vec<Option<f64>>,
    pub model: Vec<Option<f64>>,
    pub model_name: String,
}

pub fn chart_for(state: &AppState, o: &Offer) -> Option<PriceChart> {
    let h = &state.prices.history;
    let offer = h.offers.get(&offer_key(o))?.buckets.clone();
    let model = h
        .model_buckets
        .get(&o.gpu_type)
        .cloned()
        .unwrap_or_default();
    Some(PriceChart {
        offer,
        model,
        model_name: o.gpu_type.clone(),
    })
}
