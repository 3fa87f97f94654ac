//! Watching deployments come up: transitions are found by id when a list answer arrives
//! (deploying → running rings the bell; failed shows the reason; a SPOT instance reclaimed by
//! its provider is announced), and the SSH readiness of every running deployment is probed.

use std::collections::HashMap;

use super::action::ApiResult;
use super::action::Command;
use super::state::{AppState, FlashKind};
use super::tracking::{Leaving, SshReady};
use crate::api::{ApiError, Deployment, DeploymentStatus, InstanceType};
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
        || state.arrivals.keys().any(|id| {
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
    let mut cmds = super::deploys::after_list(state, list_ok);
    if !list_ok {
        return cmds;
    }
    let mut notes: Vec<(String, FlashKind)> = Vec::new();
    let mut bell = false;
    for d in &state.deployments.items {
        let prev = before.status.get(&d.id);
        let watched = state.arrivals.contains_key(&d.id);
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
                let by = state.guard.terminated_by.get(&d.id);
                let text = if let Some(who) = by {
                    format!("{} was terminated by {who}", label(d))
                } else if d.instance_type == InstanceType::Spot {
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
    // Start watching the ones that just came up (their SSH readiness is announced).
    let came_up: Vec<String> = state
        .deployments
        .items
        .iter()
        .filter(|d| d.status == DeploymentStatus::Running)
        .filter(|d| {
            before
                .status
                .get(&d.id)
                .is_some_and(|p| *p != DeploymentStatus::Running)
        })
        .map(|d| d.id.clone())
        .collect();
    for id in came_up {
        state.arrivals.entry(id).or_default();
    }
    cmds.extend(probe_ssh(state));
    // Active ones that left a complete active-only list: read once by id, and said from the
    // status that read finds (an incomplete list proves nothing has left).
    if !before.full
        && state
            .deployments
            .completeness
            .without_filters()
            .is_complete()
    {
        for (id, name, spot) in before.active {
            if state.deployments.items.iter().any(|d| d.id == id) || state.leaving.contains_key(&id)
            {
                continue;
            }
            // Ended here: who ended it is known; it is never guessed to be the provider.
            if let Some(who) = state.guard.terminated_by.get(&id) {
                notes.push((
                    format!("{name} was terminated by {who}: it is no longer active. f shows inactive ones."),
                    FlashKind::Info,
                ));
                continue;
            }
            let watched = state.arrivals.contains_key(&id);
            state.leaving.insert(
                id.clone(),
                Leaving {
                    name,
                    spot,
                    watched,
                },
            );
            cmds.push(Command::FetchDeployment { id });
        }
    }
    // Nothing more to watch once a deployment has ended (or, in a full list, is gone).
    let now = state.now;
    let items = &state.deployments.items;
    let ended: Vec<String> = state
        .arrivals
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
        state.arrivals.remove(&id);
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

/// The read by id of a deployment that left the active list answered: what it became is said
/// from its real status (a SPOT instance is "reclaimed" only when the API says
/// terminated-provider). Still active: the list lagged, nothing is said.
pub fn on_left_fetched(state: &mut AppState, id: &str, result: &ApiResult<Box<Deployment>>) {
    let Some(left) = state.leaving.remove(id) else {
        return;
    };
    let name = &left.name;
    let said = match result {
        Ok(d) => match &d.status {
            DeploymentStatus::TerminatedProvider if d.instance_type == InstanceType::Spot => {
                Some(format!(
                    "SPOT instance {name} was reclaimed by its provider (terminated-provider): it is gone. DEDICATED instances are not interrupted."
                ))
            }
            DeploymentStatus::TerminatedProvider => Some(format!(
                "{name} was terminated by its provider (terminated-provider)"
            )),
            DeploymentStatus::Failed => Some(format!(
                "{name} failed: {}",
                d.failure_reason
                    .as_deref()
                    .unwrap_or("the API gave no reason (Enter shows every field)")
            )),
            s if s.is_active() => None,
            s if left.spot || left.watched => Some(format!(
                "{name} is no longer active ({s}). f shows inactive ones."
            )),
            _ => None,
        },
        Err(ApiError::NotFound { .. }) if left.spot || left.watched => Some(format!(
            "{name} is no longer active: the API no longer knows it (404)."
        )),
        Err(e) if left.spot || left.watched => Some(format!(
            "{name} left the active list; its status could not be read ({e}). f shows inactive ones."
        )),
        Err(_) => None,
    };
    if let Some(text) = said {
        state.say(FlashKind::Warning, text);
    }
}

/// Most SSH probes out at once; the others wait for a later poll.
pub const MAX_PROBES: usize = 16;

/// SSH readiness, the same for every running deployment whoever started it: each one not known
/// to be ready is probed on every deployments poll until its port answers with a banner. The
/// demo's addresses are made up (some are real hosts of strangers): never probed; its running
/// instances count as ready.
fn probe_ssh(state: &mut AppState) -> Vec<Command> {
    let items = &state.deployments.items;
    let ready = &mut state.ssh;
    ready.retain(|id, _| {
        items
            .iter()
            .any(|d| &d.id == id && d.status == DeploymentStatus::Running)
    });
    let mut out = ready.values().filter(|r| **r == SshReady::Probing).count();
    let mut cmds = Vec::new();
    for d in items
        .iter()
        .filter(|d| d.status == DeploymentStatus::Running)
    {
        let r = ready.entry(d.id.clone()).or_default();
        if !matches!(r, SshReady::Unknown | SshReady::NotYet) {
            continue;
        }
        let Some((host, port)) = ssh_endpoint(d) else {
            continue;
        };
        if state.session.demo {
            *r = SshReady::Ready;
        } else if out < MAX_PROBES {
            out += 1;
            *r = SshReady::Probing;
            cmds.push(Command::ProbeSsh {
                id: d.id.clone(),
                host,
                port,
            });
        }
    }
    cmds
}

pub fn on_ssh_probed(state: &mut AppState, id: &str, ok: bool) {
    let Some(r) = state.ssh.get_mut(id) else {
        return; // it stopped running meanwhile
    };
    if !ok {
        *r = SshReady::NotYet;
        return;
    }
    let first = *r != SshReady::Ready;
    *r = SshReady::Ready;
    // Announced for the ones this session saw come up; the status cell shows it for all.
    if first
        && state.arrivals.contains_key(id)
        && let Some(d) = state.deployments.items.iter().find(|d| d.id == id)
    {
        let text = format!(
            "{}: ssh ready · {} ({} opens it, {} copies it)",
            label(d),
            d.ssh_command().unwrap_or_default(),
            super::keys::rebind::key_for(super::keys::KeyCmd::OpenSsh),
            super::keys::rebind::key_for(super::keys::KeyCmd::CopySsh),
        );
        state.say(FlashKind::Success, text);
    }
}

/// The status cell: `base` (the pane's label for the API's status word), then for a running
/// deployment its SSH readiness (`ssh✓` once the port answered with an SSH banner, `ssh…` until
/// then), and for a deploying one how long it has been deploying.
pub fn status_label(state: &AppState, d: &Deployment, base: &str) -> String {
    match d.status {
        DeploymentStatus::Running => match state.ssh.get(&d.id) {
            Some(SshReady::Ready) => format!("{base} ssh✓"),
            _ => format!("{base} ssh…"),
        },
        DeploymentStatus::Deploying => match d.since() {
            Some(t) => format!("{base} {}", elapsed_short((state.now - t).num_seconds())),
            None => base.to_string(),
        },
        _ => base.to_string(),
    }
}

/// At most three characters: `48s`, `12m`, `5h`, `3d`.
fn elapsed_short(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

fn label(d: &Deployment) -> &str {
    if d.name.is_empty() { &d.id } else { &d.name }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use serde_json::json;

    use super::*;
    use crate::app::state::Session;
    use crate::app::{Action, update};

    fn live_session() -> AppState {
        let session = Session {
            demo: false,
            read_only: false,
            host: "127.0.0.1:1".into(),
            key_mask: Some("sai_…test".into()),
            poll_interval_secs: 20,
        };
        let t0 = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
        let mut s = AppState::new(session, t0);
        update(&mut s, Action::Start(t0));
        s
    }

    fn running(id: &str) -> Deployment {
        crate::api::decode(json!({"id": id, "name": id, "status": "running",
            "ipAddress": "203.0.113.9", "user": "ubuntu", "sshPort": 22,
            "startedAt": "2026-11-28T11:00:00Z"}))
        .unwrap()
    }

    fn probes(cmds: &[Command]) -> Vec<String> {
        cmds.iter()
            .filter_map(|c| match c {
                Command::ProbeSsh { id, .. } => Some(id.clone()),
                _ => None,
            })
            .collect()
    }

    fn label(s: &AppState, id: &str) -> String {
        let d = s.deployments.items.iter().find(|d| d.id == id).unwrap();
        status_label(s, d, d.status.as_str())
    }

    /// Running before this session started (so never watched): probed on every poll until its
    /// port answers with a banner, shown as running and not ready until then, never probed twice
    /// at once, and not probed once ready.
    #[test]
    fn every_running_deployment_is_probed_until_ready_whoever_started_it() {
        let mut s = live_session();
        let list = || Action::DeploymentsLoaded(Ok(vec![running("old")].into()));
        assert_eq!(probes(&update(&mut s, list())), ["old"]);
        assert_eq!(label(&s, "old"), "running ssh…");
        assert!(
            probes(&update(&mut s, list())).is_empty(),
            "probe in flight"
        );
        update(
            &mut s,
            Action::SshProbed {
                id: "old".into(),
                ok: false,
            },
        );
        assert_eq!(label(&s, "old"), "running ssh…");
        assert_eq!(probes(&update(&mut s, list())), ["old"], "probed again");
        update(
            &mut s,
            Action::SshProbed {
                id: "old".into(),
                ok: true,
            },
        );
        assert_eq!(label(&s, "old"), "running ssh✓");
        assert!(s.status.flash.is_none(), "only watched ones are announced");
        assert!(
            probes(&update(&mut s, list())).is_empty(),
            "ready: no probe"
        );
        // Stopped and gone: readiness forgotten.
        update(&mut s, Action::DeploymentsLoaded(Ok(vec![].into())));
        assert!(s.ssh.is_empty());
    }

    #[test]
    fn a_deploying_row_says_how_long_it_has_been_deploying() {
        let mut s = live_session();
        let d: Deployment = crate::api::decode(json!({"id": "new", "name": "new",
            "status": "deploying", "createdAt": "2026-11-28T11:59:12Z"}))
        .unwrap();
        update(&mut s, Action::DeploymentsLoaded(Ok(vec![d].into())));
        assert_eq!(label(&s, "new"), "deploying 48s");
        let later = s.now + chrono::Duration::minutes(12);
        update(&mut s, Action::Tick(later));
        assert_eq!(label(&s, "new"), "deploying 12m");
    }

    #[test]
    fn at_most_max_probes_are_out_at_once() {
        let mut s = live_session();
        let many: Vec<Deployment> = (0..MAX_PROBES + 5)
            .map(|i| running(&format!("d{i}")))
            .collect();
        let first = probes(&update(
            &mut s,
            Action::DeploymentsLoaded(Ok(many.clone().into())),
        ));
        assert_eq!(first.len(), MAX_PROBES);
        for id in &first {
            update(
                &mut s,
                Action::SshProbed {
                    id: id.clone(),
                    ok: true,
                },
            );
        }
        let rest = probes(&update(&mut s, Action::DeploymentsLoaded(Ok(many.into()))));
        assert_eq!(rest.len(), 5);
    }
}
