//! GPU use as the dashboard follows it: which running deployments are probed (all, when
//! `gpu_usage = true`, but the ones turned off; else the ones turned on, with `U` on a row),
//! when (one probe a minute at most each, paced here so tests can move time), and the samples
//! of the last hour.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use super::action::Command;
use super::state::{AppState, FlashKind};
use crate::api::{Deployment, DeploymentStatus};
use crate::domain::ssh_config::HostEntry;
use crate::domain::usage::{History, PROBE_EVERY, Reading, Sample};

#[derive(Debug, Clone, Default)]
pub struct UsageView {
    /// Probe every running deployment (`gpu_usage` in `config.toml`; on in the demo).
    pub all: bool,
    /// Deployments probed one by one, besides `all`.
    pub on: BTreeSet<String>,
    /// Deployments not probed although `all` is on.
    pub off: BTreeSet<String>,
    /// The last hour of samples, by deployment id.
    pub history: BTreeMap<String, History>,
    /// When each deployment may be probed next.
    pub due: BTreeMap<String, DateTime<Utc>>,
    /// Probes on the wire.
    pub in_flight: BTreeSet<String>,
}

impl UsageView {
    pub fn followed(&self, id: &str) -> bool {
        self.on.contains(id) || (self.all && !self.off.contains(id))
    }
    /// The last sample of `id`, when it is followed.
    pub fn last(&self, id: &str) -> Option<&Sample> {
        self.history.get(id).and_then(History::last)
    }
}

/// The running deployments followed, each with its Host entry (the same options as the
/// ssh_config block).
fn followed(state: &AppState) -> Vec<(&Deployment, HostEntry)> {
    super::workspace::host_entries(state)
        .into_iter()
        .filter_map(|e| {
            let d = state
                .deployments
                .items
                .iter()
                .find(|d| d.id == e.deployment_id)?;
            let on = d.status == DeploymentStatus::Running && state.usage.followed(&d.id);
            on.then_some((d, e))
        })
        .collect()
}

/// Each tick: the probes that are due. Samples of deployments no longer running are
/// forgotten.
pub(crate) fn on_tick(state: &mut AppState) -> Vec<Command> {
    let now = state.now;
    let live: BTreeSet<String> = state
        .deployments
        .items
        .iter()
        .filter(|d| d.status == DeploymentStatus::Running)
        .map(|d| d.id.clone())
        .collect();
    let u = &mut state.usage;
    u.history.retain(|id, _| live.contains(id));
    u.due.retain(|id, _| live.contains(id));
    let due: Vec<(String, HostEntry)> = followed(state)
        .into_iter()
        .filter(|(d, _)| !state.usage.in_flight.contains(&d.id))
        .filter(|(d, _)| state.usage.due.get(&d.id).is_none_or(|t| now >= *t))
        .map(|(d, e)| (d.id.clone(), e))
        .collect();
    due.into_iter()
        .map(|(id, entry)| {
            state.usage.due.insert(id.clone(), now + PROBE_EVERY);
            state.usage.in_flight.insert(id.clone());
            Command::ProbeUsage { id, entry }
        })
        .collect()
}

/// Whether `U` acts: the selected deployment runs and has an address.
pub fn can_follow(state: &AppState) -> bool {
    state.selected_deployment().is_some_and(|d| {
        d.status == DeploymentStatus::Running
            && super::workspace::host_entry(state, &d.id).is_some()
    })
}

/// `U`: follow the selected deployment's GPU use (its first probe now), or stop following it
/// (its samples are forgotten).
pub(crate) fn toggle(state: &mut AppState) -> Vec<Command> {
    if !can_follow(state) {
        return Vec::new();
    }
    let Some(d) = state.selected_deployment() else {
        return Vec::new();
    };
    let (id, name) = (d.id.clone(), d.name.clone());
    let key = super::keys::rebind::key_for(super::keys::KeyCmd::FollowUsage);
    let u = &mut state.usage;
    if u.followed(&id) {
        u.on.remove(&id);
        if u.all {
            u.off.insert(id.clone());
        }
        u.history.remove(&id);
        u.due.remove(&id);
        state.say(
            FlashKind::Info,
            format!("gpu use: {name} no longer followed ({key} follows it again)"),
        );
        return Vec::new();
    }
    u.off.remove(&id);
    u.on.insert(id);
    state.say(
        FlashKind::Info,
        format!("gpu use: following {name}, a reading a minute ({key} again stops)"),
    );
    on_tick(state)
}

/// The answer to [`Command::ProbeUsage`] (dropped when the deployment is no longer followed).
pub(crate) fn on_sampled(state: &mut AppState, id: String, result: Result<Reading, String>) {
    state.usage.in_flight.remove(&id);
    if !state.usage.followed(&id) {
        return;
    }
    let at = state.now;
    state
        .usage
        .history
        .entry(id)
        .or_default()
        .push(Sample { at, result });
}

/// `▁▂▃▄▅▆▇█` for 0–100 %, a space where there was no reading.
pub fn sparkline(values: &[Option<f64>]) -> String {
    const MARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    values
        .iter()
        .map(|v| match v {
            Some(p) => MARKS[((p.clamp(0.0, 100.0) / 100.0) * 7.0).round() as usize],
            None => ' ',
        })
        .collect()
}

/// The table cell: `37% · 12/80G`, `?` after a failed probe, `…` before the first, `–` when not
/// followed.
pub fn cell(state: &AppState, d: &Deployment) -> String {
    if d.status != DeploymentStatus::Running || !state.usage.followed(&d.id) {
        return "–".into();
    }
    match state.usage.last(&d.id).map(|s| &s.result) {
        Some(Ok(r)) => r.short(),
        Some(Err(_)) => "?".into(),
        None => "…".into(),
    }
}

/// Whether the Deployments pane has a GPU-use column: some running deployment is followed.
pub fn any_followed(state: &AppState) -> bool {
    state
        .deployments
        .items
        .iter()
        .any(|d| d.status == DeploymentStatus::Running && state.usage.followed(&d.id))
}

/// The details' GPU-use lines: the last reading (per GPU when there are several), the open
/// sessions, the last hour a mark a minute; a failed probe with its reason.
pub fn detail_lines(state: &AppState, d: &Deployment) -> Vec<String> {
    let row = |k: &str, v: String| format!("{k:<19}{v}");
    if d.status != DeploymentStatus::Running {
        return Vec::new();
    }
    if !state.usage.followed(&d.id) {
        let key = super::keys::rebind::key_for(super::keys::KeyCmd::FollowUsage);
        return vec![row(
            "gpu use",
            format!(
                "not followed ({key} follows this one; gpu_usage = true in config.toml follows every instance)"
            ),
        )];
    }
    let Some(h) = state.usage.history.get(&d.id) else {
        return vec![row("gpu use", "waiting for the first reading…".into())];
    };
    let mut out = Vec::new();
    let mut gpus = Vec::new();
    if let Some(last) = h.last() {
        let ago = (state.now - last.at).num_seconds().max(0);
        match &last.result {
            Ok(r) => {
                let sessions = match r.sessions {
                    1 => "1 terminal session".to_string(),
                    n => format!("{n} terminal sessions"),
                };
                out.push(row(
                    "gpu use",
                    format!("{} · {sessions} · {ago}s ago", r.short()),
                ));
                if r.gpus.len() > 1 {
                    gpus = r
                        .gpus
                        .iter()
                        .enumerate()
                        .map(|(i, g)| {
                            row(
                                "",
                                format!(
                                    "GPU {i}  {:>3.0}% · {:.1}/{:.0} GiB",
                                    g.util_pct,
                                    g.mem_used_mib / 1024.0,
                                    g.mem_total_mib / 1024.0
                                ),
                            )
                        })
                        .collect();
                }
            }
            Err(why) => out.push(row("gpu use", format!("? ({why}) · {ago}s ago"))),
        }
    }
    let minutes = h.per_minute(state.now, 60);
    out.push(row(
        "last hour",
        format!("{}│ a mark a minute", sparkline(&minutes)),
    ));
    out.extend(gpus);
    out
}
