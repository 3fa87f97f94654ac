//! Watching deployments come up: transitions are found by id when a list answer arrives
//! (deploying → running rings the bell and probes SSH; failed shows the reason; a SPOT
//! instance reclaimed by its provider is announced).

use std::collections::HashMap;

use super::action::Command;
use super::flows::SshReady;
use super::state::{AppState, FlashKind};
use super::update::flash;
use crate::api::{Deployment, DeploymentStatus, InstanceType};
use crate::domain::ssh::ssh_endpoint;

/// What was known before a list answer.
#[derive(Debug, Clone, Default)]
pub struct Before {
    status: HashMap<String, DeploymentStatus>,
}

pub fn before_load(state: &AppState) -> Before {
    Before {
        status: state
            .deployments
            .items
            .iter()
            .map(|d| (d.id.clone(), d.status.clone()))
            .collect(),
    }
}

/// After a list answer (state already updated): announce transitions, probe SSH, and let an
/// unclear deploy settle by what the list shows.
pub fn after_load(state: &mut AppState, before: Before) -> Vec<Command> {
    let list_ok = state.deployments.error.is_none();
    let mut cmds = super::deploy::after_list(state, list_ok);
    if !list_ok {
        return cmds;
    }
    let mut notes: Vec<(String, FlashKind)> = Vec::new();
    let mut bell = false;
    for d in &state.deployments.items {
        let prev = before.status.get(&d.id);
        let watched = state.flows.watch.contains_key(&d.id);
        // Only changes seen in this session: the first load announces nothing.
        let changed = match prev {
            Some(p) => p != &d.status,
            None => watched,
        };
        if !changed {
            continue;
        }
        match &d.status {
            DeploymentStatus::Running => {
                bell = true;
                let ssh = d
                    .ssh_command()
                    .unwrap_or_else(|| "no SSH command yet".into());
                let ip = d.ip_address.as_deref().unwrap_or("no IP yet");
                notes.push((
                    format!("{} is running · {ip} · {ssh}", label(d)),
                    FlashKind::Success,
                ));
            }
            DeploymentStatus::Failed => {
                let why = d
                    .failure_reason
                    .as_deref()
                    .unwrap_or("the API gave no reason (Enter shows every field)");
                notes.push((format!("{} failed: {why}", label(d)), FlashKind::Warning));
            }
            DeploymentStatus::TerminatedProvider if prev.is_some() || watched => {
                let text = if d.instance_type == InstanceType::Spot {
                    format!(
                        "SPOT instance {} was reclaimed by its provider (terminated-provider): it is gone. DEDICATED instances are not interrupted.",
                        label(d)
                    )
                } else {
                    format!(
                        "{} was terminated by its provider (terminated-provider)",
                        label(d)
                    )
                };
                notes.push((text, FlashKind::Warning));
            }
            _ => {}
        }
    }
    // Probe every watched running deployment whose SSH is not known to be ready; start
    // watching the ones that just came up.
    let running: Vec<(String, Option<(String, u16)>)> = state
        .deployments
        .items
        .iter()
        .filter(|d| d.status == DeploymentStatus::Running)
        .filter(|d| {
            state.flows.watch.contains_key(&d.id)
                || before
                    .status
                    .get(&d.id)
                    .is_some_and(|p| *p != DeploymentStatus::Running)
        })
        .map(|d| (d.id.clone(), ssh_endpoint(d)))
        .collect();
    for (id, endpoint) in running {
        let w = state.flows.watch.entry(id.clone()).or_default();
        if matches!(w.ssh, SshReady::Unknown | SshReady::NotYet)
            && let Some((host, port)) = endpoint
        {
            w.ssh = SshReady::Probing;
            cmds.push(Command::ProbeSsh { id, host, port });
        }
    }
    // Nothing more to watch once a deployment has ended.
    let ended: Vec<String> = state
        .deployments
        .items
        .iter()
        .filter(|d| d.status.is_terminal())
        .map(|d| d.id.clone())
        .collect();
    for id in ended {
        state.flows.watch.remove(&id);
    }
    if bell {
        cmds.push(Command::Bell);
    }
    if let Some((text, kind)) = notes.pop() {
        let more = notes.len();
        let text = if more > 0 {
            format!("{text} (+{more} more changes)")
        } else {
            text
        };
        flash(state, text, kind);
    }
    cmds
}

pub fn on_ssh_probed(state: &mut AppState, id: &str, ok: bool) {
    let Some(w) = state.flows.watch.get_mut(id) else {
        return;
    };
    if !ok {
        w.ssh = SshReady::NotYet;
        return;
    }
    let first = w.ssh != SshReady::Ready;
    w.ssh = SshReady::Ready;
    if first && let Some(d) = state.deployments.items.iter().find(|d| d.id == id) {
        let text = format!(
            "{}: ssh ready · {} (o opens it, c copies it)",
            label(d),
            d.ssh_command().unwrap_or_default()
        );
        flash(state, text, FlashKind::Success);
    }
}

/// The status cell: `running · ssh ready` once the port has accepted a connection.
pub fn status_label(state: &AppState, d: &Deployment) -> String {
    match state.flows.watch.get(&d.id).map(|w| w.ssh) {
        Some(SshReady::Ready) if d.status == DeploymentStatus::Running => {
            format!("{} · ssh ready", d.status)
        }
        Some(SshReady::Probing | SshReady::NotYet) if d.status == DeploymentStatus::Running => {
            format!("{} · ssh…", d.status)
        }
        _ => d.status.to_string(),
    }
}

fn label(d: &Deployment) -> &str {
    if d.name.is_empty() { &d.id } else { &d.name }
}
