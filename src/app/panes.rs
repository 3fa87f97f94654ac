//! Switching panes (loading what the pane shows, or asking for the key it needs) and `r`.

use chrono::{DateTime, Utc};

use super::Pane;
use super::action::Command;
use super::dialogs;
use super::keys::KeyCmd;
use super::state::AppState;
use super::{lists, polling};

/// Whether `cmd` does something on the pane as it stands (the footer offers only these): an
/// action on a row needs a row, one that manages what the account owns needs a key.
pub fn acts(state: &AppState, cmd: KeyCmd) -> bool {
    let key = state.session.has_key();
    let row = || match state.pane {
        Pane::Offers => state.offers.selected().is_some(),
        Pane::Deployments => state.selected_deployment().is_some(),
        Pane::Volumes => state
            .volumes
            .items
            .get(state.volumes.cursor.selected)
            .is_some(),
        Pane::Keys => state.keys.items.get(state.keys.cursor.selected).is_some(),
        Pane::Account => state
            .account
            .balance
            .as_ref()
            .is_some_and(|b| b.teams.get(state.account.cursor.selected).is_some()),
    };
    match cmd {
        KeyCmd::AddKey | KeyCmd::CreateVolume => key,
        KeyCmd::Refresh => !reading(state),
        KeyCmd::Details
        | KeyCmd::Deploy
        | KeyCmd::NewWatch
        | KeyCmd::Terminate
        | KeyCmd::Rename
        | KeyCmd::Guard => row(),
        // an SSH command exists once the instance has an address; ssh runs once it is running
        KeyCmd::CopySsh => state
            .selected_deployment()
            .is_some_and(|d| d.ssh_command().is_some()),
        KeyCmd::OpenSsh => state.selected_deployment().is_some_and(|d| {
            d.status == crate::api::DeploymentStatus::Running
                && crate::domain::ssh::ssh_argv(d).is_ok()
        }),
        KeyCmd::Tunnel => super::tunnels::can_toggle(state),
        KeyCmd::Editor => super::tunnels::can_open_editor(state),
        KeyCmd::FollowUsage => super::usage::can_follow(state),
        KeyCmd::SshConfig => state.workspace.ssh_paths.is_some(),
        KeyCmd::Kubeconfig
        | KeyCmd::Attach
        | KeyCmd::Detach
        | KeyCmd::EditVolume
        | KeyCmd::DeleteVolume
        | KeyCmd::DeleteKey
        | KeyCmd::UseTeam => key && row(),
        _ => true,
    }
}

pub(crate) fn switch_pane(state: &mut AppState, pane: Pane) -> Vec<Command> {
    state.pane = pane;
    let mut cmds = Vec::new();
    if pane != Pane::Offers && !state.session.has_key() {
        dialogs::key_prompt::open(
            state,
            "This pane needs your Spheron API key (app.spheron.ai → Settings → API):",
        );
        return cmds;
    }
    if pane == Pane::Volumes {
        cmds.extend(super::deployment_names::lookups(state));
    }
    if pane == Pane::Keys {
        cmds.extend(lists::load_keys_once(state));
        // The pane marks which ~/.ssh/*.pub are already on the account.
        if state.cache.local_pub_keys.is_none() {
            cmds.push(Command::ScanPubKeys);
        }
    }
    cmds.extend(polling::polls_due(state));
    cmds
}

/// Whether the pane's list is being read now (a refresh then adds nothing).
fn reading(state: &AppState) -> bool {
    let s = &state.schedule;
    match state.pane {
        Pane::Offers => false,
        Pane::Deployments => s.deployments_in_flight,
        Pane::Volumes => s.volumes_in_flight,
        Pane::Keys => s.keys_in_flight,
        Pane::Account => s.balance_in_flight && s.teams_in_flight,
    }
}

pub(crate) fn refresh(state: &mut AppState) -> Vec<Command> {
    if reading(state) && state.session.has_key() {
        return Vec::new();
    }
    match state.pane {
        Pane::Offers => vec![lists::fetch_offers(state, true)],
        _ if !state.session.has_key() => {
            dialogs::key_prompt::open(state, "Enter your Spheron API key:");
            Vec::new()
        }
        Pane::Deployments => polling::refresh_deployments(state),
        Pane::Volumes => {
            state.schedule.volumes_due = None;
            polling::polls_due(state)
        }
        Pane::Keys => lists::fetch_keys(state),
        Pane::Account => {
            state.schedule.balance_due = None;
            let mut c = polling::polls_due(state);
            if !state.schedule.teams_in_flight {
                state.schedule.teams_in_flight = true;
                c.push(Command::FetchTeams);
            }
            c
        }
    }
}

/// When what `pane` shows was last read: the status line's "refreshed Ns ago" follows the
/// pane in view, so `r` on any pane resets it.
pub fn refreshed_at(state: &AppState, pane: Pane) -> Option<DateTime<Utc>> {
    match pane {
        Pane::Offers => state.offers.loaded_at,
        Pane::Deployments => state.deployments.loaded_at,
        Pane::Volumes => state.volumes.loaded_at,
        Pane::Keys => state.keys.loaded_at,
        Pane::Account => state.account.balance_at,
    }
}
