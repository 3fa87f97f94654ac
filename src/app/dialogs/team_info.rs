//! `Enter` on a team: its details and live balance; `u` makes it the team new deploys and
//! volumes go to (also `u` on the Account pane).

use super::{Dialog, DialogKeys, Loading, Reply};
use crate::api::{Balance, Team, TeamBalance};
use crate::app::action::{ApiResult, Command};
use crate::app::keys::KeyCmd;
use crate::app::state::{AppState, FlashKind};
use crate::domain::cost;

#[derive(Debug, Clone)]
pub struct TeamInfo {
    pub id: String,
    pub listed: TeamBalance,
    pub loaded: Loading<(Team, Option<TeamBalance>)>,
}

fn selected_team(state: &AppState) -> Option<TeamBalance> {
    state
        .account
        .balance
        .as_ref()
        .and_then(|b| b.teams.get(state.account.cursor.selected))
        .cloned()
}

/// `Enter` on the Account pane: the team's details and its live balance.
pub fn open(state: &mut AppState) -> Option<Vec<Command>> {
    let t = selected_team(state)?;
    let id = t.team_id.clone();
    super::open(
        state,
        Dialog::TeamInfo(TeamInfo {
            id: id.clone(),
            listed: t,
            loaded: Loading::Loading,
        }),
    );
    Some(vec![Command::FetchTeam { id }])
}

pub fn team_loaded(state: &mut AppState, id: &str, r: ApiResult<(Team, Balance)>) {
    // The fresher live balance replaces the listed one, so the pane and the dialog agree.
    if let Ok((_, fresh)) = &r
        && let Some(new) = fresh.teams.iter().find(|b| b.team_id == id)
        && let Some(listed) = state
            .account
            .balance
            .as_mut()
            .and_then(|b| b.teams.iter_mut().find(|t| t.team_id == id))
    {
        listed.balance = new.balance;
    }
    if let Some(Dialog::TeamInfo(t)) = state.dialog.as_mut()
        && t.id == id
    {
        t.loaded = match r {
            Ok((team, bal)) => {
                let live = bal.teams.into_iter().find(|b| b.team_id == id);
                Loading::Loaded((team, live))
            }
            Err(e) => Loading::Failed(e.to_string()),
        };
    }
}

/// `u` on the Account pane.
pub fn use_team(state: &mut AppState) -> Vec<Command> {
    if let Some(t) = selected_team(state) {
        choose_team(state, &t.team_id);
    }
    Vec::new()
}

/// Teams the account can deploy under (from the live balance answer).
fn team_count(state: &AppState) -> usize {
    state.account.balance.as_ref().map_or(0, |b| b.teams.len())
}

pub fn choose_team(state: &mut AppState, id: &str) {
    if team_count(state) == 1 {
        let name = state.team_name(id).unwrap_or(id).to_string();
        state.say(
            FlashKind::Info,
            format!("{name} is your only team: new deploys and volumes already go to it"),
        );
        return;
    }
    let name = state.team_name(id).unwrap_or(id).to_string();
    if state.current_team_id() == Some(id) {
        state.say(
            FlashKind::Info,
            format!("New deploys and volumes already go to team {name}: nothing changed"),
        );
        return;
    }
    state.account.chosen_team = Some(id.to_string());
    match state.team_balance(id) {
        Some(b) if b <= 0.0 => state.say(
            FlashKind::Warning,
            format!(
                "New deploys and volumes go to team {name} — its balance is $0: deploys will be refused until credit is added {}",
                cost::ADD_CREDIT_WHERE
            ),
        ),
        _ => state.say(
            FlashKind::Success,
            format!("New deploys and volumes go to team {name}"),
        ),
    }
}

impl DialogKeys for TeamInfo {
    fn commands(&self, _state: &AppState) -> Vec<KeyCmd> {
        vec![KeyCmd::UseTeam, KeyCmd::Close]
    }

    fn on_command(&mut self, state: &mut AppState, cmd: KeyCmd) -> Reply {
        if cmd == KeyCmd::UseTeam {
            choose_team(state, &self.id);
            return Reply::stay();
        }
        Reply::close()
    }
}
