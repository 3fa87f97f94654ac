//! The order of the Deployments pane: as the API lists them, or by $/h, uptime, spent, name or
//! status (`s` next, `S` reverses). The list is put in order when it loads and when the sort
//! changes, not at every tick, so a row does not move under the cursor as spend grows; the
//! selection stays on the same deployment. An unknown amount sorts last whichever way.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};

use super::state::AppState;
use crate::api::{Deployment, DeploymentStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeploymentSort {
    /// The API's order.
    #[default]
    Listed,
    Rate,
    Uptime,
    Spent,
    Name,
    Status,
}

impl DeploymentSort {
    pub const ALL: [DeploymentSort; 6] = [
        DeploymentSort::Listed,
        DeploymentSort::Rate,
        DeploymentSort::Uptime,
        DeploymentSort::Spent,
        DeploymentSort::Name,
        DeploymentSort::Status,
    ];

    pub fn label(self) -> &'static str {
        match self {
            DeploymentSort::Listed => "listed",
            DeploymentSort::Rate => "$/h",
            DeploymentSort::Uptime => "uptime",
            DeploymentSort::Spent => "spent",
            DeploymentSort::Name => "name",
            DeploymentSort::Status => "status",
        }
    }

    /// The sort `s` moves to.
    pub fn next(self) -> Self {
        let i = Self::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }
}

/// The sort chosen, and the API's order of the last load (to go back to).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeploymentOrder {
    pub sort: DeploymentSort,
    pub descending: bool,
    /// Ids in the order of the last answer.
    pub listed: Vec<String>,
}

/// The uptime a row shows: counted from the API's start time only, and none while deploying.
pub fn shown_uptime(d: &Deployment, now: DateTime<Utc>) -> Option<i64> {
    match d.status {
        DeploymentStatus::Deploying => None,
        _ if d.started_at.is_none() => None,
        _ => d.uptime_secs(now),
    }
}

/// Up or coming up first, ended last.
fn status_rank(s: &DeploymentStatus) -> u8 {
    match s {
        DeploymentStatus::Running => 0,
        DeploymentStatus::Deploying => 1,
        DeploymentStatus::Stopped | DeploymentStatus::Other(_) => 2,
        DeploymentStatus::Failed => 3,
        DeploymentStatus::Terminated => 4,
        DeploymentStatus::TerminatedProvider => 5,
    }
}

/// Known amounts in the direction asked; an unknown one after all of them either way.
fn known_first(a: Option<f64>, b: Option<f64>, descending: bool) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) if descending => y.total_cmp(&x),
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// The list taken from an answer: its order is remembered, then the sort applied.
pub fn on_load(state: &mut AppState) {
    state.deployment_order.listed = state
        .deployments
        .items
        .iter()
        .map(|d| d.id.clone())
        .collect();
    apply(state);
}

/// Put the list in the chosen order, the selected deployment still selected.
pub fn apply(state: &mut AppState) {
    let order = &state.deployment_order;
    let now = state.now;
    let listed = |d: &Deployment| {
        order
            .listed
            .iter()
            .position(|id| *id == d.id)
            .unwrap_or(usize::MAX)
    };
    let desc = order.descending;
    let dir = |o: Ordering| if desc { o.reverse() } else { o };
    state.deployments.items.sort_by(|a, b| {
        let by = match order.sort {
            DeploymentSort::Listed => Ordering::Equal,
            DeploymentSort::Rate => known_first(a.hourly_rate, b.hourly_rate, desc),
            DeploymentSort::Uptime => known_first(
                shown_uptime(a, now).map(|s| s as f64),
                shown_uptime(b, now).map(|s| s as f64),
                desc,
            ),
            DeploymentSort::Spent => known_first(a.spent(now), b.spent(now), desc),
            DeploymentSort::Name => dir(a.name.to_lowercase().cmp(&b.name.to_lowercase())),
            DeploymentSort::Status => dir(status_rank(&a.status).cmp(&status_rank(&b.status))),
        };
        // Ties (and the listed order itself) as the API listed them.
        by.then_with(|| match order.sort {
            DeploymentSort::Listed => dir(listed(a).cmp(&listed(b))),
            _ => listed(a).cmp(&listed(b)),
        })
    });
    super::lists::reselect_deployment(state);
}

/// `s`: the next sort.
pub fn next(state: &mut AppState) {
    state.deployment_order.sort = state.deployment_order.sort.next();
    apply(state);
}

/// `S`: the other direction.
pub fn reverse(state: &mut AppState) {
    state.deployment_order.descending = !state.deployment_order.descending;
    apply(state);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_amounts_go_last_either_way() {
        for desc in [false, true] {
            let mut v = [Some(2.0), None, Some(1.0), Some(3.0)];
            v.sort_by(|a, b| known_first(*a, *b, desc));
            let want = if desc {
                [Some(3.0), Some(2.0), Some(1.0), None]
            } else {
                [Some(1.0), Some(2.0), Some(3.0), None]
            };
            assert_eq!(v, want);
        }
    }

    #[test]
    fn s_goes_round_every_sort() {
        let mut s = DeploymentSort::default();
        let mut seen = vec![s];
        for _ in 1..DeploymentSort::ALL.len() {
            s = s.next();
            seen.push(s);
        }
        assert_eq!(seen, DeploymentSort::ALL);
        assert_eq!(s.next(), DeploymentSort::Listed);
    }
}
