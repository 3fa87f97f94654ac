//! The polling schedule: when each list is asked for again, stretched when the rate budget runs
//! low and held back after a 429. Status requests stay at least `MIN_POLL_SECS` apart.

use chrono::{DateTime, Duration as ChronoDuration, Utc};

use super::Pane;
use super::action::Command;
use super::state::AppState;
use crate::api::DeploymentFilter;

/// Status requests stay at least this far apart, whatever asks for them (docs/api-rules.md, "Polling").
pub const MIN_POLL_SECS: i64 = 10;
pub const BALANCE_EVERY_SECS: i64 = 60;
pub const VOLUMES_EVERY_SECS: i64 = 60;

pub(crate) fn secs(s: i64) -> ChronoDuration {
    ChronoDuration::seconds(s)
}

/// The window the platform counts requests in (15 minutes).
const RATE_WINDOW_SECS: i64 = 15 * 60;

/// The deployments poll interval: the base interval once per request a poll takes (pages, and
/// teams: a poll of three requests comes a third as often), rounded up so that no 15-minute
/// window holds more requests than one-request polls at the base interval would make; and
/// stretched when the rate budget runs low.
pub fn poll_interval(state: &AppState) -> ChronoDuration {
    let one = (state.session.poll_interval_secs as i64).max(MIN_POLL_SECS);
    let requests = i64::from(state.schedule.deployment_pages.max(1));
    // polls a window may hold, at most: as many requests as one-request polls would make
    let polls = (RATE_WINDOW_SECS / one) / requests;
    let base = if polls > 0 {
        (one * requests).max((RATE_WINDOW_SECS + polls - 1) / polls)
    } else {
        one * requests
    };
    let rate = &state.status.rate;
    let low = match (rate.remaining, rate.limit) {
        (Some(rem), Some(lim)) if lim > 0 => f64::from(rem) / f64::from(lim) < 0.2,
        _ => false,
    };
    secs(if low { base * 3 } else { base })
}

/// When the API said to wait (429), nothing is due before then.
pub(crate) fn blocked_until(state: &AppState) -> Option<DateTime<Utc>> {
    state.status.blocked_until.filter(|t| *t > state.now)
}

fn due(at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    at.is_none_or(|t| now >= t)
}

/// Teams and balance: needed for the Account pane and for every deploy's `teamId`.
pub(crate) fn account_loads(state: &mut AppState) -> Vec<Command> {
    let mut cmds = Vec::new();
    if !state.schedule.teams_in_flight {
        state.schedule.teams_in_flight = true;
        cmds.push(Command::FetchTeams);
    }
    if !state.schedule.balance_in_flight {
        state.schedule.balance_in_flight = true;
        state.account.loading = true;
        state.schedule.balance_due = Some(state.now + secs(BALANCE_EVERY_SECS));
        cmds.push(Command::FetchBalance);
    }
    cmds
}

/// Every poll whose time has come. One deployments request covers all deployments.
pub(crate) fn polls_due(state: &mut AppState) -> Vec<Command> {
    let mut cmds = Vec::new();
    if !state.started || !state.session.has_key() || blocked_until(state).is_some() {
        return cmds;
    }
    let now = state.now;
    let s = &mut state.schedule;
    if !s.deployments_in_flight && due(s.deployments_due, now) {
        cmds.push(deployments_request(state));
    }
    let s = &mut state.schedule;
    if !s.balance_in_flight && due(s.balance_due, now) {
        s.balance_in_flight = true;
        s.balance_due = Some(now + secs(BALANCE_EVERY_SECS));
        cmds.push(Command::FetchBalance);
    }
    let wants_volumes =
        matches!(state.pane, Pane::Volumes | Pane::Account) || state.volumes.loaded_at.is_none();
    if wants_volumes && !state.schedule.volumes_in_flight && due(state.schedule.volumes_due, now) {
        cmds.push(super::lists::volumes_request(state));
    }
    cmds
}

pub(crate) fn deployments_request(state: &mut AppState) -> Command {
    let interval = poll_interval(state);
    let s = &mut state.schedule;
    s.deployments_in_flight = true;
    s.deployments_last = Some(state.now);
    s.deployments_due = Some(state.now + interval);
    state.deployments.loading = true;
    let status = match state.deployment_filter {
        // A new deployment coming up, or an unclear deploy being settled, may have failed.
        _ if super::arrivals::wants_full_list(state) => None,
        DeploymentFilter::Active => Some("active"),
        // Inactive and all both fetch everything and filter locally, so the active ones
        // (which cost money) are always known.
        DeploymentFilter::Inactive | DeploymentFilter::All => None,
    };
    state.schedule.deployments_requested_full = status.is_none();
    Command::FetchDeployments {
        status,
        teams: super::teams::deployments_teams(state),
    }
}

/// `f` to a view that needs the ended deployments: when the list held has only active ones,
/// read every status at once (a different question than the poll asked, so not held to the
/// poll spacing), or right after the request already out.
pub(crate) fn load_for_filter(state: &mut AppState) -> Vec<Command> {
    if state.deployments_cover_filter() || !state.session.has_key() {
        return Vec::new();
    }
    if state.schedule.deployments_in_flight || blocked_until(state).is_some() {
        state.schedule.deployments_due = Some(state.now);
        return Vec::new();
    }
    vec![deployments_request(state)]
}

/// Refresh deployments as soon as allowed: now, or `MIN_POLL_SECS` after the last request.
/// Either way the poll timer restarts from that request.
pub(crate) fn refresh_deployments(state: &mut AppState) -> Vec<Command> {
    if !state.session.has_key() || state.schedule.deployments_in_flight {
        return Vec::new();
    }
    let earliest = state
        .schedule
        .deployments_last
        .map(|t| t + secs(MIN_POLL_SECS));
    if due(earliest, state.now) && blocked_until(state).is_none() {
        vec![deployments_request(state)]
    } else {
        state.schedule.deployments_due = earliest;
        Vec::new()
    }
}

/// Deployments and volumes again, when another process is known to have changed them: a
/// different question than the poll's, so not held to the poll spacing. A list whose request
/// is out (which may predate the change) is asked again right after its answer; volumes not
/// shown wait for their pane, as their poll does; nothing goes out while the API said to wait.
pub(crate) fn reload_changed(state: &mut AppState) -> Vec<Command> {
    let mut cmds = Vec::new();
    if blocked_until(state).is_some() {
        return cmds;
    }
    if state.schedule.deployments_in_flight {
        state.schedule.deployments_due = Some(state.now);
    } else {
        cmds.push(deployments_request(state));
    }
    let shown = matches!(state.pane, Pane::Volumes | Pane::Account);
    if state.schedule.volumes_in_flight || !shown {
        state.schedule.volumes_due = Some(state.now);
    } else {
        cmds.push(super::lists::volumes_request(state));
    }
    cmds
}

/// After a 429: no poll is due before the API's `Retry-After`.
pub(crate) fn hold_until(state: &mut AppState, until: DateTime<Utc>) {
    let s = &mut state.schedule;
    for d in [
        &mut s.deployments_due,
        &mut s.balance_due,
        &mut s.volumes_due,
    ] {
        *d = Some(d.map_or(until, |t| t.max(until)));
    }
}
