//! Price history and watches as the dashboard sees them. The reducer asks the runtime to record
//! each complete offers load (it gets the history back as [`PriceEvent::History`]), keeps the
//! watches the store holds and announces each watch once per episode. Its two dialogs are in
//! `app::dialogs` (`new_watch`: `w` on an offer; `watches`: `W`).

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::action::Command;
use super::state::{AppState, FlashKind};
use crate::api::Offer;
use crate::domain::history::{
    Coverage, HistoryView, PriceObservation, arrow, offer_key, sparkline,
};
use crate::domain::watch::{self, Episodes, Hit, Watch, WatchSpec};

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
    /// What the Offers pane shows of each offer's history, by its index in `offers.all`,
    /// prepared when the history or the offers change (not per frame).
    pub rows: Vec<Option<RowTrend>>,
}

/// The trend cells of one offer, ready to draw.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RowTrend {
    /// One cell per day of the 7, `·` where it was not available.
    pub spark: String,
    /// `↑8%`, `↓5%`, `→` against 24 h ago; empty without a price then.
    pub change: String,
    /// The lowest $/GPU·h of its model over 7 days.
    pub low: Option<f64>,
}

/// Cells a trend sparkline has: one per day.
pub const SPARK_CELLS: usize = 7;

/// Prepare [`PricesView::rows`] for the offers loaded now.
pub fn refresh_rows(state: &mut AppState) {
    let h = &state.prices.history;
    if h.offers.is_empty() {
        state.prices.rows.clear();
        return;
    }
    state.prices.rows = state
        .offers
        .all
        .iter()
        .map(|o| {
            let t = h.offers.get(&offer_key(o))?;
            Some(RowTrend {
                spark: sparkline(&t.buckets, SPARK_CELLS),
                change: o
                    .per_gpu_rate()
                    .map(|p| arrow(p, t.day_ago))
                    .unwrap_or_default(),
                low: h.model_low.get(&o.gpu_type).copied(),
            })
        })
        .collect();
}

impl PricesView {
    /// Whether `o` matches a watch (its row is marked).
    pub fn watched(&self, o: &Offer) -> bool {
        self.watches.iter().any(|w| w.spec.matches(o))
    }
}

/// Store work the runtime performs.
#[derive(Debug, Clone, PartialEq)]
pub enum PriceCmd {
    /// Record a load read to its last page; then read the 7-day history back.
    Record {
        at: DateTime<Utc>,
        offers: Vec<PriceObservation>,
        /// Complete when no search or type filter narrowed the load: then an offer missing
        /// from it is recorded as gone.
        coverage: Coverage,
        compact: bool,
    },
    /// Which watches a load matched: the store says whose episode starts now, and those are
    /// announced.
    Episodes {
        at: DateTime<Utc>,
        hits: Vec<Hit>,
        coverage: Coverage,
    },
    LoadWatches,
    AddWatch(WatchSpec),
    RemoveWatch(i64),
    /// A new maximum (or other terms) for an existing watch.
    UpdateWatch {
        id: i64,
        spec: WatchSpec,
    },
}

/// What comes back.
#[derive(Debug, Clone)]
pub enum PriceEvent {
    History(Arc<HistoryView>),
    Watches(Result<Vec<Watch>, String>),
    Added(Result<i64, String>),
    /// Watches whose episode started with the last load: announce them.
    Announce(Vec<Hit>),
    Failed(String),
}

/// Take the watches as they are now (after an edit here, or one another process made): a watch
/// that is new or changed is matched at once against the offers loaded, its `◆ matching` mark
/// follows, and a match starts its episode now (the store says whether it is new, so it is
/// announced once) rather than at the next load.
pub fn set_watches(state: &mut AppState, watches: Vec<Watch>) -> Vec<Command> {
    let changed: Vec<Watch> = watches
        .iter()
        .filter(|w| !state.prices.watches.contains(w))
        .cloned()
        .collect();
    state.prices.watches = watches;
    let hits = watch::matching(&changed, &state.offers.all);
    let ids: Vec<i64> = changed.iter().map(|w| w.id).collect();
    let kept: Vec<i64> = state.prices.watches.iter().map(|w| w.id).collect();
    state.prices.episodes.rematch(&ids, &hits, &kept);
    if hits.is_empty() {
        return Vec::new();
    }
    // Only these watches were looked at: nothing is concluded of the others.
    vec![Command::Prices(PriceCmd::Episodes {
        at: state.now,
        hits,
        coverage: Coverage::Partial,
    })]
}

/// After a complete offers load: record it, announce watches that start matching.
pub fn on_load_complete(state: &mut AppState) -> Vec<Command> {
    let now = state.now;
    let compact = state.prices.next_compact.is_none_or(|t| now >= t);
    if compact {
        state.prices.next_compact = Some(now + COMPACT_EVERY);
    }
    state.prices.reload_due = Some(now + RELOAD_EVERY);
    let coverage = if state.offers.completeness().is_complete() {
        Coverage::Complete
    } else {
        Coverage::Partial
    };
    let mut cmds = vec![Command::Prices(PriceCmd::Record {
        at: now,
        offers: state.offers.all.iter().map(PriceObservation::of).collect(),
        coverage,
        compact,
    })];
    let hits = watch::matching(&state.prices.watches, &state.offers.all);
    state.prices.episodes.observe(&hits, coverage);
    if !state.prices.watches.is_empty() {
        cmds.push(Command::Prices(PriceCmd::Episodes {
            at: now,
            hits,
            coverage,
        }));
    }
    cmds
}

pub fn on_event(state: &mut AppState, ev: PriceEvent) -> Vec<Command> {
    match ev {
        PriceEvent::History(h) => {
            state.prices.history = h;
            refresh_rows(state);
        }
        PriceEvent::Watches(Ok(w)) => return set_watches(state, w),
        PriceEvent::Watches(Err(e)) | PriceEvent::Failed(e) => {
            state.say(FlashKind::Warning, format!("price history: {e}"))
        }
        PriceEvent::Added(Ok(id)) => {
            state.say(FlashKind::Success, format!("watch {id} added"));
            return vec![Command::Prices(PriceCmd::LoadWatches)];
        }
        PriceEvent::Announce(hits) => {
            let mut cmds = Vec::new();
            for hit in hits {
                state.say(FlashKind::Success, hit.text.clone());
                cmds.push(Command::Notify(hit.text));
            }
            return cmds;
        }
        PriceEvent::Added(Err(e)) => {
            state.say(FlashKind::Warning, format!("the watch was not stored: {e}"));
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
        model_name: crate::domain::names::gpu_name(&o.gpu_type),
    })
}
