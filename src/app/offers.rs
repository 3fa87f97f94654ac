//! Offers view logic: the local filter (and editing it), the instance type, the sort, and
//! selection by identity.

use std::cmp::Ordering;

use crossterm::event::KeyEvent;

use super::keys::{Focus, KeyCmd, Routed, route};
use tui_input::Input;

use super::action::Command;
use super::filter::{OfferFilter, OfferHay, with_type};
use super::lists::fetch_offers;
use super::state::{AppState, OfferAmounts, OfferSort, OffersView};
use crate::api::{InstanceType, Offer, OffersPage, OffersQuery};
use crate::domain::cost::Extremes;

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
            self.unreadable = 0;
        }
        self.unreadable += answer.unreadable;
        self.total_groups = answer.total;
        self.total_pages = answer.total_pages.max(1);
        self.pages_loaded = u64::from(page);
        let start = self.all.len();
        self.all
            .extend(answer.groups.into_iter().flat_map(|g| g.offers));
        self.hay.extend(self.all[start..].iter().map(OfferHay::of));
        self.plan_from(start);
        self.loaded_once = true;
        self.error = None;
        self.recompute(keep);
    }

    /// Every offer's provider by the name the providers list gives it (`verda` and
    /// `data-crunch` are one provider): the name shown, filtered on and sent with a deploy.
    pub fn name_providers(&mut self, listed: &[String]) {
        let keep = self.selected().map(|o| o.offer_id.clone());
        let mut renamed = false;
        for (o, hay) in self.all.iter_mut().zip(self.hay.iter_mut()) {
            if rename_provider(&mut o.provider, listed) {
                *hay = OfferHay::of(o);
                renamed = true;
            }
        }
        if renamed {
            let keep = keep.and_then(|id| {
                let o = self.all.iter().find(|o| o.offer_id == id)?;
                Some(offer_key(o))
            });
            self.recompute(keep);
        }
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
        let plan = self.plan.as_ref();
        let sort = if self.sort.needs_plan() && plan.is_none() {
            OfferSort::Price
        } else {
            self.sort
        };
        visible.sort_by(|&a, &b| {
            let ord = super::planning::plan_order(plan, all, sort, a, b)
                .unwrap_or_else(|| compare(&all[a], &all[b], sort));
            // Ties: cheaper first, then by id, so the order is stable across refreshes.
            ord.then_with(|| compare(&all[a], &all[b], OfferSort::Price))
                .then_with(|| all[a].offer_id.cmp(&all[b].offer_id))
        });
        if self.descending {
            visible.reverse();
        }
        // An unknown amount is not small or large: it goes last whichever way the column runs.
        match sort {
            OfferSort::Price | OfferSort::GpuPrice => {
                visible.sort_by_key(|&i| all[i].hourly_rate().is_none())
            }
            OfferSort::Vram => visible.sort_by_key(|&i| all[i].gpu_memory.is_none()),
            _ => {}
        }
        let mut models: Vec<&str> = visible
            .iter()
            .map(|&i| self.all[i].gpu_type.as_str())
            .collect();
        models.sort_unstable();
        models.dedup();
        self.visible_models = models.len();
        let shown = || visible.iter().map(|&i| &self.all[i]);
        self.amounts = OfferAmounts {
            rate: Extremes::of(shown().map(Offer::hourly_rate)),
            list: Extremes::of(shown().filter_map(|o| o.list_price_if_discounted().map(Some))),
            per_gpu: Extremes::of(shown().map(Offer::per_gpu_rate)),
            per_mtok: self.plan.as_ref().map_or_else(Extremes::default, |p| {
                Extremes::of(
                    visible
                        .iter()
                        .map(|&i| p.rows.get(i).and_then(|r| r.usd_per_million_tokens)),
                )
            }),
        };
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

    /// `t`: the next instance type, written into the filter text as its `type:` term (the
    /// term and `t` are one setting).
    pub fn cycle_type(&mut self) {
        self.instance_type = match self.instance_type {
            None => Some(InstanceType::Spot),
            Some(InstanceType::Spot) => Some(InstanceType::Dedicated),
            Some(InstanceType::Dedicated) => Some(InstanceType::Cluster),
            _ => None,
        };
        let text = with_type(self.filter_input.value(), self.instance_type.as_ref());
        self.filter_input = Input::new(text.clone());
        self.set_filter_text(&text);
    }
}

/// Identity of an offer across refreshes.
/// `provider` replaced by the providers list's name for it, when that differs. Whether it did.
pub fn rename_provider(provider: &mut String, listed: &[String]) -> bool {
    let name = crate::domain::volume_rules::listed_name(provider, Some(listed));
    if name == provider.as_str() {
        return false;
    }
    *provider = name.to_string();
    true
}

pub fn offer_key(o: &Offer) -> (String, String) {
    (o.provider.clone(), o.offer_id.clone())
}

fn compare(a: &Offer, b: &Offer, sort: OfferSort) -> Ordering {
    match sort {
        OfferSort::Price => known_first(a.hourly_rate(), b.hourly_rate()),
        OfferSort::GpuPrice => known_first(a.per_gpu_rate(), b.per_gpu_rate()),
        OfferSort::GpuCount => a.gpu_count.cmp(&b.gpu_count),
        OfferSort::Vram => known_first(a.gpu_memory, b.gpu_memory),
        OfferSort::Provider => a.provider.cmp(&b.provider),
        // Ordered by `planning::plan_order`; without a plan, by price.
        OfferSort::PerMtok | OfferSort::TokensPerSecond | OfferSort::Fit => {
            known_first(a.hourly_rate(), b.hourly_rate())
        }
    }
}

/// Known amounts (prices, memory) in order; an unknown one after all of them.
fn known_first(a: Option<f64>, b: Option<f64>) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Sort again and show the top of the list: the selected offer stays selected only if it is
/// still on the first screen, else the first row is.
pub(crate) fn resort(state: &mut AppState) {
    let keep = state.offers.selected().map(offer_key);
    state.offers.recompute(keep);
    let first_screen = if state.pane == super::Pane::Offers {
        super::cursor::page_rows(state)
    } else {
        0
    };
    if state.offers.cursor.selected >= first_screen {
        state.offers.cursor.selected = 0;
    }
}

/// Keys while the filter line is edited, through the key table: `Enter` sends the words as the
/// search, `Esc` clears, `↑↓` leave the line and move; the rest edits the line.
pub(crate) fn on_filter_key(state: &mut AppState, ev: &KeyEvent) -> Vec<Command> {
    match route(ev, Focus::Filter) {
        Routed::Cmd(KeyCmd::Back) => return clear_filter(state),
        Routed::Cmd(KeyCmd::Submit) => {
            state.offers.editing_filter = false;
            let search = state.offers.filter.search_text();
            let ty = state.offers.filter.single_type();
            if search != state.offers.search_sent || ty != state.offers.instance_type {
                state.offers.search_sent = search;
                state.offers.instance_type = ty;
                resort(state);
                return vec![fetch_offers(state, true)];
            }
        }
        Routed::Cmd(cmd @ (KeyCmd::Up | KeyCmd::Down)) => {
            state.offers.editing_filter = false;
            super::cursor::move_by(state, if cmd == KeyCmd::Up { -1 } else { 1 });
        }
        Routed::Cmd(_) => {}
        Routed::Other => {
            if super::text::edit(&mut state.offers.filter_input, ev) {
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
    let had_type = state.offers.instance_type.take().is_some();
    if state.offers.search_sent.take().is_some() || had_type {
        return vec![fetch_offers(state, true)];
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{GpuGroup, decode};
    use serde_json::json;

    fn page(prices: &[serde_json::Value]) -> OffersPage {
        let offers: Vec<Offer> = prices
            .iter()
            .enumerate()
            .map(|(i, p)| decode(json!({"offerId": format!("o{i}"), "price": p})).unwrap())
            .collect();
        OffersPage {
            groups: vec![GpuGroup {
                offers,
                ..GpuGroup::default()
            }],
            ..OffersPage::default()
        }
    }

    #[test]
    fn an_unknown_price_sorts_last_either_way() {
        let mut v = OffersView {
            sort: OfferSort::Price,
            ..OffersView::default()
        };
        v.absorb(
            1,
            page(&[json!(3.0), json!(null), json!(1.0), json!("n/a")]),
        );
        let order = |v: &OffersView| -> Vec<String> {
            v.visible
                .iter()
                .map(|&i| v.all[i].offer_id.clone())
                .collect()
        };
        assert_eq!(order(&v), ["o2", "o0", "o1", "o3"]);
        v.descending = true;
        v.recompute(None);
        assert_eq!(order(&v), ["o0", "o2", "o3", "o1"]);
    }
}
