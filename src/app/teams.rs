//! Lists across teams: which teams the deployments and volumes reads cover, whose part of a read
//! failed (its last known items stay, marked stale), and what each team spends.
//!
//! A list read without `teamId` holds the platform's current team only; every other team the
//! user belongs to is read with its `teamId`, so nothing bills unseen.

use std::collections::BTreeMap;

use super::action::{Command, PagedList};
use super::spend::{coverage, offer_rate, team_coverage};
use super::state::AppState;
use super::{lists, polling};
use crate::api::{ApiError, Deployment, Gap, Volume, teams};
use crate::domain::spend::{self, Runway, Tally};

/// Teams whose part of the last read of a list failed, by team id, with the error. An empty
/// id is the current team's list (read without `teamId`).
#[derive(Debug, Clone, Default)]
pub struct TeamLists {
    pub deployments_stale: BTreeMap<String, String>,
    pub volumes_stale: BTreeMap<String, String>,
    /// The teams the last read of each list asked for by `teamId`.
    pub read_deployments: Vec<String>,
    pub read_volumes: Vec<String>,
    /// The last read of each list went out before any team was known (at start, teams, balance
    /// and lists are asked at once): it could name no other team, so the other teams are read
    /// as soon as they are known.
    pub deployments_blind: bool,
    pub volumes_blind: bool,
    /// The teams read by `teamId` in the last run (from the local store), and since then the
    /// ones this run learnt: until the teams answer, the lists ask for these as well, so that
    /// a user whose teams have not changed needs one round at start.
    pub remembered: Vec<String>,
    /// Failures reported for the read in flight, taken by its `…Loaded` answer.
    pending_deployments: BTreeMap<String, ApiError>,
    pending_volumes: BTreeMap<String, ApiError>,
}

impl TeamLists {
    pub fn stale(&self, list: PagedList) -> &BTreeMap<String, String> {
        match list {
            PagedList::Deployments => &self.deployments_stale,
            PagedList::Volumes => &self.volumes_stale,
        }
    }
}

/// The platform's current team (the one a list without `teamId` holds), when known.
pub fn platform_team(state: &AppState) -> Option<&str> {
    teams::platform_team(&state.account.teams, state.account.balance.as_ref())
}

/// Every team the user belongs to: `GET /api/teams`, else the teams the balance lists.
pub fn known_teams(state: &AppState) -> Vec<String> {
    teams::known_teams(&state.account.teams, state.account.balance.as_ref())
}

/// The teams a list read asks for by `teamId`, besides the read without it: every team but the
/// platform's current one, and the team an unclear deploy went to. One team: none (one request).
pub fn other_teams(state: &AppState) -> Vec<String> {
    let mut teams = teams::other_teams(&state.account.teams, state.account.balance.as_ref());
    if let Some(t) = super::deploys::other_team_to_read(state)
        && !teams.contains(&t)
    {
        teams.push(t);
    }
    teams
}

/// The team an item belongs to: its own `teamId`, else the platform's current team (a list read
/// without `teamId` holds only that team's).
pub fn team_of<'a>(state: &'a AppState, team_id: Option<&'a str>) -> Option<&'a str> {
    team_id
        .filter(|t| !t.is_empty())
        .or_else(|| platform_team(state))
}

/// A team's name for the panes and messages (its id when the name is not known).
pub fn team_label(state: &AppState, id: &str) -> String {
    if id.is_empty() {
        return platform_team(state)
            .and_then(|t| state.team_name(t))
            .unwrap_or("current team")
            .to_string();
    }
    state.team_name(id).unwrap_or(id).to_string()
}

/// The teams a list read names now: [`other_teams`]; before any team is known, the teams the
/// last run read as well ([`TeamLists::remembered`]). Such a read stays incomplete until the
/// teams answer: only then is it known whether it asked for every team.
fn teams_to_read(state: &AppState) -> Vec<String> {
    let mut teams = other_teams(state);
    if known_teams(state).is_empty() {
        for t in &state.team_lists.remembered {
            if !teams.contains(t) {
                teams.push(t.clone());
            }
        }
    }
    teams
}

/// The teams of the next deployments read (remembered, so a team learnt later is read soon).
pub(crate) fn deployments_teams(state: &mut AppState) -> Vec<String> {
    let teams = teams_to_read(state);
    state.team_lists.read_deployments.clone_from(&teams);
    state.team_lists.deployments_blind = known_teams(state).is_empty();
    teams
}

/// The teams of the next volumes read (remembered, so a team learnt later is read soon).
pub(crate) fn volumes_teams(state: &mut AppState) -> Vec<String> {
    let teams = teams_to_read(state);
    state.team_lists.read_volumes.clone_from(&teams);
    state.team_lists.volumes_blind = known_teams(state).is_empty();
    teams
}

/// The teams now known, kept for the next start when they differ from the remembered ones.
fn remember_teams(state: &mut AppState) -> Option<Command> {
    let others = teams::other_teams(&state.account.teams, state.account.balance.as_ref());
    if others.is_empty() && known_teams(state).is_empty() {
        return None;
    }
    if others == state.team_lists.remembered {
        return None;
    }
    state.team_lists.remembered.clone_from(&others);
    Some(Command::RememberTeams(others.join("\n")))
}

/// The teams now known that the last read of `list` did not ask for.
fn unasked_teams(state: &AppState, list: PagedList) -> Vec<String> {
    let read = match list {
        PagedList::Deployments => &state.team_lists.read_deployments,
        PagedList::Volumes => &state.team_lists.read_volumes,
    };
    other_teams(state)
        .into_iter()
        .filter(|t| !read.contains(t))
        .collect()
}

/// Whether the last read of `list` left out a team now known.
fn missing_teams(state: &AppState, list: PagedList) -> bool {
    !unasked_teams(state, list).is_empty()
}

/// What `list` shows lacks the teams its last read did not ask for: incomplete (so it proves
/// nothing absent) while a team is known that it did not ask for, or while no team is known
/// and it went out before any was; complete again once the teams answer and none is missing.
pub(crate) fn mark_unasked_teams(state: &mut AppState, list: PagedList) {
    let blind = match list {
        PagedList::Deployments => state.team_lists.deployments_blind,
        PagedList::Volumes => state.team_lists.volumes_blind,
    };
    let gap = if blind && known_teams(state).is_empty() {
        Some(Gap::TeamsNotAsked(Vec::new()))
    } else {
        let unasked = unasked_teams(state, list);
        (!unasked.is_empty())
            .then(|| Gap::TeamsNotAsked(unasked.iter().map(|t| team_label(state, t)).collect()))
    };
    let c = match list {
        PagedList::Deployments => &mut state.deployments.completeness,
        PagedList::Volumes => &mut state.volumes.completeness,
    };
    c.drop_teams_not_asked();
    c.extend(gap);
}

/// The teams or the balance answered: a team the last reads did not cover is read as soon as
/// allowed (deployments at most every `MIN_POLL_SECS`; volumes at the next tick that wants them)
/// instead of a whole poll interval later — at once when the last read went out before any
/// team was known ([`read_unseen_teams`]). A read still out is left to its answer.
pub(crate) fn cover_new_teams(state: &mut AppState) -> Vec<Command> {
    mark_unasked_teams(state, PagedList::Deployments);
    mark_unasked_teams(state, PagedList::Volumes);
    let mut cmds: Vec<Command> = remember_teams(state).into_iter().collect();
    cmds.extend(read_unseen_teams(state, PagedList::Deployments));
    cmds.extend(read_unseen_teams(state, PagedList::Volumes));
    let s = &state.schedule;
    if missing_teams(state, PagedList::Deployments)
        && s.deployments_last.is_some()
        && !s.deployments_in_flight
    {
        cmds.extend(polling::refresh_deployments(state));
    }
    let s = &state.schedule;
    if missing_teams(state, PagedList::Volumes) && s.volumes_due.is_some() && !s.volumes_in_flight {
        state.schedule.volumes_due = Some(state.now);
    }
    cmds
}

/// The second round that only a user of several teams needs: a read of `list` that went out
/// before any team was known held the current team alone; once the others are known (and that
/// read has answered) the list is read again at once, naming them. Not a poll of the same
/// question, so not held to the poll spacing.
pub(crate) fn read_unseen_teams(state: &mut AppState, list: PagedList) -> Vec<Command> {
    let (blind, in_flight, started) = match list {
        PagedList::Deployments => (
            state.team_lists.deployments_blind,
            state.schedule.deployments_in_flight,
            state.schedule.deployments_last.is_some(),
        ),
        PagedList::Volumes => (
            state.team_lists.volumes_blind,
            state.schedule.volumes_in_flight,
            state.schedule.volumes_due.is_some(),
        ),
    };
    if !blind || in_flight || !started || !missing_teams(state, list) {
        return Vec::new();
    }
    if polling::blocked_until(state).is_some() {
        return Vec::new();
    }
    vec![match list {
        PagedList::Deployments => polling::deployments_request(state),
        PagedList::Volumes => lists::volumes_request(state),
    }]
}

/// Whether the items of a list span more than one team (panes then show a Team column).
pub fn several_teams(state: &AppState, list: PagedList) -> bool {
    let teams: Vec<Option<&str>> = match list {
        PagedList::Deployments => state
            .deployments
            .items
            .iter()
            .map(|d| team_of(state, d.team_id.as_deref()))
            .collect(),
        PagedList::Volumes => state
            .volumes
            .items
            .iter()
            .map(|v| team_of(state, v.team_id.as_deref()))
            .collect(),
    };
    teams.iter().any(|t| *t != teams[0])
}

/// Whether an item's team is one whose last read failed (its row is the last known one).
pub fn is_stale(state: &AppState, list: PagedList, team_id: Option<&str>) -> bool {
    let stale = state.team_lists.stale(list);
    if stale.is_empty() {
        return false;
    }
    let team = team_of(state, team_id);
    stale.keys().any(|k| {
        if k.is_empty() {
            team == platform_team(state) || team_id.is_none_or(str::is_empty)
        } else {
            Some(k.as_str()) == team
        }
    })
}

/// One team's part of a list read failed: remembered until the list's answer arrives.
pub(crate) fn team_failed(state: &mut AppState, list: PagedList, team: String, error: ApiError) {
    let pending = match list {
        PagedList::Deployments => &mut state.team_lists.pending_deployments,
        PagedList::Volumes => &mut state.team_lists.pending_volumes,
    };
    pending.insert(team, error);
}

/// The failures reported for the read now answered.
pub(crate) fn take_failed(state: &mut AppState, list: PagedList) -> BTreeMap<String, ApiError> {
    std::mem::take(match list {
        PagedList::Deployments => &mut state.team_lists.pending_deployments,
        PagedList::Volumes => &mut state.team_lists.pending_volumes,
    })
}

/// A read that asked for a remembered team the teams' answer (complete) does not name: that
/// team is not the user's any more, and its refusal says nothing about the user's lists. Its
/// failure is left out of `failed` and of `completeness`.
pub(crate) fn leave_out_former_teams(
    state: &AppState,
    failed: &mut BTreeMap<String, ApiError>,
    completeness: Option<&mut crate::api::Completeness>,
) {
    let known = known_teams(state);
    if known.is_empty() || !state.account.teams_completeness.is_complete() {
        return;
    }
    let former: Vec<String> = failed
        .keys()
        .filter(|t| !t.is_empty() && !known.contains(t))
        .cloned()
        .collect();
    let mut completeness = completeness;
    for t in former {
        failed.remove(&t);
        if let Some(c) = completeness.as_deref_mut() {
            c.drop_team(&t);
        }
    }
}

/// The teams' items that were not read this time stay as last known: added to `items` from
/// `old` when their team failed.
pub(crate) fn keep_failed<T: Clone>(
    state: &AppState,
    items: &mut Vec<T>,
    old: &[T],
    failed: &BTreeMap<String, ApiError>,
    team: impl Fn(&T) -> Option<&str>,
    id: impl Fn(&T) -> &str,
) {
    if failed.is_empty() {
        return;
    }
    let current = platform_team(state);
    let lost = |t: Option<&str>| {
        failed.keys().any(|k| {
            if k.is_empty() {
                t.is_none_or(str::is_empty) || t == current
            } else {
                t == Some(k.as_str()) || (t.is_none_or(str::is_empty) && current == Some(k))
            }
        })
    };
    for o in old {
        if lost(team(o)) && !items.iter().any(|x| id(x) == id(o)) {
            items.push(o.clone());
        }
    }
}

/// After a list's answer: the teams that failed are marked stale and named in the error (the
/// pane's, the status bar's and the log's); a 429 or 401 among them is handled as for any list.
pub(crate) fn settle(
    state: &mut AppState,
    list: PagedList,
    failed: BTreeMap<String, ApiError>,
    whole_list_failed: bool,
) {
    let source = match list {
        PagedList::Deployments => "deployments list",
        PagedList::Volumes => "volumes list",
    };
    let stale: BTreeMap<String, String> = failed
        .iter()
        .map(|(t, e)| (t.clone(), e.to_string()))
        .collect();
    if !whole_list_failed {
        for e in failed.values() {
            lists::react(state, e);
        }
    }
    let message = (!failed.is_empty()).then(|| {
        let parts: Vec<String> = failed
            .iter()
            .map(|(t, e)| format!("team {}: {e}", team_label(state, t)))
            .collect();
        format!("{} (last known rows kept, stale)", parts.join("; "))
    });
    match list {
        PagedList::Deployments => {
            state.team_lists.deployments_stale = stale;
            if message.is_some() {
                state.deployments.error.clone_from(&message);
            }
        }
        PagedList::Volumes => {
            state.team_lists.volumes_stale = stale;
            if message.is_some() {
                state.volumes.error.clone_from(&message);
            }
        }
    }
    if let Some(m) = message {
        state.error_from(source, m);
    }
}

/// A list read across teams when not every team is known is incomplete too, and so is one
/// that did not ask for a team now known ([`mark_unasked_teams`]).
pub(crate) fn unknown_teams(state: &mut AppState, list: PagedList) {
    mark_unasked_teams(state, list);
    let t = &state.account.teams_completeness;
    if t.is_complete() {
        return;
    }
    let gap = Gap::TeamsUnknown(t.to_string());
    match list {
        PagedList::Deployments => state.deployments.completeness.add(gap),
        PagedList::Volumes => state.volumes.completeness.add(gap),
    }
}

/// What one team spends and how long its balance lasts at that rate.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamSpend {
    pub team_id: String,
    pub name: String,
    /// Live balance (`GET /api/balance`), when known.
    pub balance: Option<f64>,
    /// Active deployments and volumes of this team, $/h (unknown parts say so).
    pub burn: Tally,
    /// How long its own balance lasts at its own burn (unknown with the balance).
    pub runway: Runway,
    /// Its last read failed: the figures are from the last known items.
    pub stale: bool,
}

/// The items of one team (by [`team_of`]).
fn of_team<'a, T>(
    state: &'a AppState,
    items: &'a [T],
    team: &'a str,
    team_id: impl Fn(&T) -> Option<&str> + 'a,
) -> impl Iterator<Item = &'a T> + 'a {
    items
        .iter()
        .filter(move |x| team_of(state, team_id(x)) == Some(team))
}

/// Burn rate and runway of every team: the balance's teams, then any team only the lists name.
pub fn spend_by_team(state: &AppState) -> Vec<TeamSpend> {
    let mut ids: Vec<String> = state
        .account
        .balance
        .as_ref()
        .map(|b| b.teams.iter().map(|t| t.team_id.clone()).collect())
        .unwrap_or_default();
    for t in known_teams(state) {
        if !ids.contains(&t) {
            ids.push(t);
        }
    }
    let listed = state
        .deployments
        .items
        .iter()
        .map(|d| team_of(state, d.team_id.as_deref()))
        .chain(
            state
                .volumes
                .items
                .iter()
                .map(|v| team_of(state, v.team_id.as_deref())),
        );
    for t in listed.flatten() {
        if !ids.iter().any(|x| x == t) {
            ids.push(t.to_string());
        }
    }
    ids.into_iter()
        .map(|id| {
            let ds: Vec<&Deployment> = of_team(state, &state.deployments.items, &id, |d| {
                d.team_id.as_deref()
            })
            .collect();
            let vs: Vec<&Volume> =
                of_team(state, &state.volumes.items, &id, |v| v.team_id.as_deref()).collect();
            let stale = is_stale(state, PagedList::Deployments, Some(&id))
                || is_stale(state, PagedList::Volumes, Some(&id));
            let seen = team_coverage(state, stale);
            let burn = spend::burn_rate(ds, vs, seen, &offer_rate(state));
            let balance = state.team_balance(&id);
            TeamSpend {
                name: team_label(state, &id),
                runway: balance.map_or(Runway::Unknown, |b| spend::runway(b, &burn)),
                balance,
                burn,
                stale,
                team_id: id,
            }
        })
        .collect()
}

/// One team's burn rate: its active deployments and its volumes.
pub fn team_burn(state: &AppState, team: &str) -> Tally {
    let ds = of_team(state, &state.deployments.items, team, |d| {
        d.team_id.as_deref()
    });
    let vs = of_team(state, &state.volumes.items, team, |v| v.team_id.as_deref());
    spend::burn_rate(ds, vs, coverage(state), &offer_rate(state))
}
