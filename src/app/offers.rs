//! Offers view logic: the local filter (and editing it), the instance type, the sort, and
//! selection by identity.

use std::cmp::Ordering;

use crossterm::event::{KeyCode, KeyEvent};

use super::action::Command;
use super::filter::{OfferFilter, OfferHay};
use super::lists::fetch_offers;
use super::state::{AppState, OfferSort, OffersView};
use crate::api::{InstanceType, Offer, OffersPage, OffersQuery};

/// Groups per request when paging through the offers endpoint.
pub const PAGE_LIMIT: u32 = 50;

impl OffersView {
    /// The query for `page` under the current search and instance type.
    pub fn query(&self, page: u32) -> OffersQuery {
        OffersQuery {
            page: Some(page),
            limit: Some(PAGE_LIMIT),
            search: self.search_sent.clone(),
            instance_type: self.instance_type.clone(),
            ..OffersQuery::default()
        }
    }

    /// Take one page of answers. Page 1 replaces what was loaded; later pages append.
    pub fn absorb(&mut self, page: u32, answer: OffersPage) {
        let keep = self.selected().map(offer_key);
        if page <= 1 {
            self.all.clear();
            self.hay.clear();
        }
        self.total_groups = answer.total;
        self.total_pages = answer.total_pages.max(1);
        self.pages_loaded = u64::from(page);
        let start = self.all.len();
        self.all
            .extend(answer.groups.into_iter().flat_map(|g| g.offers));
        self.hay.extend(self.all[start..].iter().map(OfferHay::of));
        self.loaded_once = true;
        self.error = None;
        self.recompute(keep);
    }

    /// Re-apply filter, type and sort; keep the cursor on `keep` when it is still visible.
    pub fn recompute(&mut self, keep: Option<(String, String)>) {
        let filter: &OfferFilter = &self.filter;
        let ty = self.instance_type.as_ref();
        let mut visible: Vec<usize> = self
            .all
            .iter()
            .enumerate()
            .filter(|(_, o)| ty.is_none_or(|t| &o.instance_type == t))
            .filter(|(i, o)| filter.matches_hay(o, &self.hay[*i]))
            .map(|(i, _)| i)
            .collect();
        let all = &self.all;
        let sort = self.sort;
        visible.sort_by(|&a, &b| {
            let ord = compare(&all[a], &all[b], sort);
            // Ties: cheaper first, then by id, so the order is stable across refreshes.
            ord.then_with(|| compare(&all[a], &all[b], OfferSort::Price))
                .then_with(|| all[a].offer_id.cmp(&all[b].offer_id))
        });
        if self.descending {
            visible.reverse();
        }
        self.visible = visible;
        let found = keep.and_then(|k| {
            self.visible
                .iter()
                .position(|&i| offer_key(&self.all[i]) == k)
        });
        self.cursor.selected = match found {
            Some(pos) => pos,
            None => self
                .cursor
                .selected
                .min(self.visible.len().saturating_sub(1)),
        };
    }

    /// Re-parse the filter text (as the user types).
    pub fn set_filter_text(&mut self, text: &str) {
        let keep = self.selected().map(offer_key);
        self.filter = OfferFilter::parse(text);
        self.recompute(keep);
    }

    pub fn cycle_type(&mut self) {
        self.instance_type = match self.instance_type {
            None => Some(InstanceType::Spot),
            Some(InstanceType::Spot) => Some(InstanceType::Dedicated),
            Some(InstanceType::Dedicated) => Some(InstanceType::Cluster),
            _ => None,
        };
    }
}

/// Identity of an offer across refreshes.
pub fn offer_key(o: &Offer) -> (String, String) {
    (o.provider.clone(), o.offer_id.clone())
}

fn compare(a: &Offer, b: &Offer, sort: OfferSort) -> Ordering {
    let f = |x: f64, y: f64| x.partial_cmp(&y).unwrap_or(Ordering::Equal);
    match sort {
        OfferSort::Price => f(a.hourly_rate(), b.hourly_rate()),
        OfferSort::GpuPrice => f(a.per_gpu_rate(), b.per_gpu_rate()),
        OfferSort::GpuCount => a.gpu_count.cmp(&b.gpu_count),
        OfferSort::Vram => f(a.gpu_memory.unwrap_or(0.0), b.gpu_memory.unwrap_or(0.0)),
        OfferSort::Provider => a.provider.cmp(&b.provider),
    }
}

/// Sort again, keeping the selected offer selected.
pub(crate) fn resort(state: &mut AppState) {
    let keep = state.offers.selected().map(offer_key);
    state.offers.recompute(keep);
}

/// Keys while the filter line is edited: `Enter` sends the words as the search, `Esc` clears,
/// `↑↓` leave the line and move.
pub(crate) fn on_filter_key(state: &mut AppState, ev: KeyEvent) -> Vec<Command> {
    match ev.code {
        KeyCode::Esc => return clear_filter(state),
        KeyCode::Enter => {
            state.offers.editing_filter = false;
            let search = state.offers.filter.search_text();
            if search != state.offers.search_sent {
                state.offers.search_sent = search;
                return vec![fetch_offers(state, true)];
            }
        }
        KeyCode::Up | KeyCode::Down => {
            state.offers.editing_filter = false;
            super::cursor::move_by(state, if ev.code == KeyCode::Up { -1 } else { 1 });
        }
        _ => {
            if super::text::edit(&mut state.offers.filter_input, &ev) {
                let text = state.offers.filter_input.value().to_string();
                state.offers.set_filter_text(&text);
            }
        }
    }
    Vec::new()
}

pub(crate) fn clear_filter(state: &mut AppState) -> Vec<Command> {
    state.offers.editing_filter = false;
    state.offers.filter_input.reset();
    state.offers.set_filter_text("");
    if state.offers.search_sent.take().is_some() {
        return vec![fetch_offers(state, true)];
    }
    Vec::new()
}
