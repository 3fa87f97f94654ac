//! Watching deployments come up: transitions are found by id when a list answer arrives
//! (deploying → running rings the bell and probes SSH; failed shows the reason; a SPOT
//! instance reclaimed by its provider is announced).

use std::collections::HashMap;

use super::action::Command;
use super::state::{AppState, FlashKind};
use super::tracking::SshReady;
use crate::api::{Deployment, DeploymentStatus, InstanceType};
use crate::domain::ssh::ssh_endpoint;

/// What was known before a list answer.
#[derive(Debug, Clone, Default)]
pub struct Before {
    status: HashMap<String, DeploymentStatus>,
    /// `(id, name, SPOT?)` of the ones that were active.
    active: Vec<(String, String, bool)>,
    /// The answer is the full list (not only active ones).
    full: bool,
}

pub fn before_load(state: &AppState) -> Before {
    let items = &state.deployments.items;
    Before {
        status: items
            .iter()
            .map(|d| (d.id.clone(), d.status.clone()))
            .collect(),
        active: items
            .iter()
            .filter(|d| d.status.is_active())
            .map(|d| {
                let spot = d.instance_type == InstanceType::Spot;
                (d.id.clone(), label(d).to_string(), spot)
            })
            .collect(),
        full: wants_full_list(state)
            || state.deployment_filter != crate::api::DeploymentFilter::Active,
    }
}

/// Whether the deployments poll should ask for every status, not only active ones: while a
/// watched deployment is still coming up (so `failed` and its reason are seen), and while an
/// unclear deploy is being checked (one that failed at once must be found too).
pub fn wants_full_list(state: &AppState) -> bool {
    state.deploy.check.is_some()
        || state.watch.keys().any(|id| {
            state
                .deployments
                .items
                .iter()
                .find(|d| &d.id == id)
                .is_none_or(|d| d.status == DeploymentStatus::Deploying)
        })
}

/// After a list answer (state already updated): announce transitions, probe SSH, and let an
/// unclear deploy settle by what the list shows.
pub fn after_load(state: &mut AppState, before: Before) -> Vec<Command> {
    let list_ok = state.deployments.error.is_none();
    let mut cmds = super::dialogs::deploy::answer::after_list(state, list_ok);
    if !list_ok {
        return cmds;
    }
    let mut notes: Vec<(String, FlashKind)> = Vec::new();
    let mut bell = false;
    for d in &state.deployments.items {
        let prev = before.status.get(&d.id);
        let watched = state.watch.contains_key(&d.id);
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
            state.watch.contains_key(&d.id)
                || before
                    .status
                    .get(&d.id)
                    .is_some_and(|p| *p != DeploymentStatus::Running)
        })
        .map(|d| (d.id.clone(), ssh_endpoint(d)))
        .collect();
    // The demo's addresses are made up (some are real hosts of strangers): never probed; its
    // instances count as reachable once running.
    let demo = state.session.demo;
    for (id, endpoint) in running {
        let w = state.watch.entry(id.clone()).or_default();
        if matches!(w.ssh, SshReady::Unknown | SshReady::NotYet)
            && let Some((host, port)) = endpoint
        {
            if demo {
                w.ssh = SshReady::Ready;
            } else {
                w.ssh = SshReady::Probing;
                cmds.push(Command::ProbeSsh { id, host, port });
            }
        }
    }
    // Active ones that left an active-only list: ended. A SPOT one was most likely reclaimed.
    if !before.full {
        for (id, name, spot) in &before.active {
            if state.deployments.items.iter().any(|d| &d.id == id) {
                continue;
            }
            if *spot {
                notes.push((
                    format!("SPOT instance {name} is no longer active: most likely reclaimed by its provider (terminated-provider). f shows inactive ones."),
                    FlashKind::Warning,
                ));
            } else if state.watch.contains_key(id) {
                notes.push((
                    format!("{name} is no longer active. f shows inactive ones."),
                    FlashKind::Warning,
                ));
            }
        }
    }
    // Nothing more to watch once a deployment has ended (or, in a full list, is gone).
    let now = state.now;
    let items = &state.deployments.items;
    let ended: Vec<String> = state
        .watch
        .iter()
        .filter(|(id, w)| match items.iter().find(|d| &d.id == *id) {
            Some(d) => d.status.is_terminal(),
            // Missing from a full list: gone, unless just created (lists may lag a little).
            None => {
                before.full
                    && w.created_here
                        .is_none_or(|t| (now - t).num_seconds() > super::tracking::GRACE_SECS)
            }
        })
        .map(|(id, _)| id.clone())
        .collect();
    for id in ended {
        state.watch.remove(&id);
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
        state.say(kind, text);
    }
    cmds
}

pub fn on_ssh_probed(state: &mut AppState, id: &str, ok: bool) {
    let Some(w) = state.watch.get_mut(id) else {
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
        state.say(FlashKind::Success, text);
    }
}

/// The status cell: `base` (the pane's label for the status), or `ssh ready` once the SSH
/// port of a running deployment has accepted a connection (the row is green: running).
pub fn status_label(state: &AppState, d: &Deployment, base: &str) -> String {
    match state.watch.get(&d.id).map(|w| w.ssh) {
        Some(SshReady::Ready) if d.status == DeploymentStatus::Running => "ssh ready".into(),
        _ => base.to_string(),
    }
}

fn label(d: &Deployment) -> &str {
    if d.name.is_empty() { &d.id } else { &d.name }
}
