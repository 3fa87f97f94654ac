//! Tunnels and the editor from the dashboard. `p` on a running deployment picks a port (a
//! preset or one typed) and starts `ssh -N -L` to it; the tunnel's local URL shows in the row
//! and the details once ssh listens; `p` again stops it, and every tunnel stops with the
//! dashboard (the runtime owns the processes). `E` opens the deployment's home in VS Code or
//! Cursor over Remote-SSH.

use std::collections::BTreeMap;

use super::action::Command;
use super::dialogs;
use super::state::{AppState, FlashKind};
use super::workspace::host_entry;
use crate::api::{Deployment, DeploymentStatus};
use crate::domain::tunnel::{local_url, remote_home};

/// One tunnel, from `p` until it stops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tunnel {
    /// Names this tunnel to the runtime (a stopped tunnel's late answers are not another's).
    pub key: u64,
    pub alias: String,
    /// The instance's port.
    pub remote: u16,
    /// The local port asked for.
    pub want: u16,
    /// The local port ssh listens on; `None` while it connects.
    pub local: Option<u16>,
}

impl Tunnel {
    /// What the row and the details say: `localhost:8888` (or `…` while it connects).
    pub fn short(&self) -> String {
        match self.local {
            Some(l) => format!("localhost:{l}"),
            None => format!("…:{}", self.remote),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct TunnelsView {
    /// At most one tunnel per deployment, by deployment id.
    pub by_deployment: BTreeMap<String, Tunnel>,
    next_key: u64,
}

/// Why `p` or `E` cannot reach `d` now; `None` when it can.
fn unreachable(state: &AppState, d: &Deployment, what: &str) -> Option<String> {
    if d.status != DeploymentStatus::Running {
        return Some(format!(
            "{} is {}: {what} once it is running",
            d.name, d.status
        ));
    }
    if host_entry(state, &d.id).is_none() {
        return Some(format!("{} has no SSH address yet", d.name));
    }
    None
}

/// Whether `p` acts on the selected deployment: it stops its tunnel, or can start one.
pub fn can_toggle(state: &AppState) -> bool {
    state.selected_deployment().is_some_and(|d| {
        state.tunnels.by_deployment.contains_key(&d.id)
            || unreachable(state, d, "a tunnel starts").is_none()
    })
}

/// Whether `E` acts on the selected deployment.
pub fn can_open_editor(state: &AppState) -> bool {
    state
        .selected_deployment()
        .is_some_and(|d| unreachable(state, d, "").is_none())
}

/// `p`: stop the selected deployment's tunnel, or choose a port for a new one.
pub fn toggle(state: &mut AppState) -> Vec<Command> {
    let Some(d) = state.selected_deployment().cloned() else {
        return Vec::new();
    };
    if let Some(t) = state.tunnels.by_deployment.remove(&d.id) {
        let said = match t.local {
            Some(l) => format!(
                "tunnel {} → {} port {} stopped",
                local_url(l),
                t.alias,
                t.remote
            ),
            None => format!("tunnel to {} port {} stopped", t.alias, t.remote),
        };
        state.say(FlashKind::Info, said);
        return vec![Command::StopTunnel { key: t.key }];
    }
    if let Some(why) = unreachable(state, &d, "a tunnel starts") {
        state.say(FlashKind::Warning, why);
        return Vec::new();
    }
    dialogs::tunnel::open(state, &d);
    Vec::new()
}

/// Start a tunnel from `d`'s port `remote` to local port `want` (or the next free one). In the
/// demo nothing is contacted: its addresses are made up and may be a stranger's host.
pub fn start(state: &mut AppState, id: &str, remote: u16, want: u16) -> Vec<Command> {
    let Some(entry) = host_entry(state, id) else {
        state.say(FlashKind::Warning, "the deployment has no SSH address now");
        return Vec::new();
    };
    if state.session.demo {
        state.say(
            FlashKind::Info,
            format!(
                "demo: would run `ssh -N -L 127.0.0.1:{want}:localhost:{remote} {}` (not run: the demo instance does not exist)",
                entry.alias
            ),
        );
        return Vec::new();
    }
    let v = &mut state.tunnels;
    v.next_key += 1;
    let key = v.next_key;
    let alias = entry.alias.clone();
    v.by_deployment.insert(
        id.to_string(),
        Tunnel {
            key,
            alias: alias.clone(),
            remote,
            want,
            local: None,
        },
    );
    state.say(
        FlashKind::Info,
        format!("tunnel to {alias} port {remote}: connecting…"),
    );
    vec![Command::StartTunnel {
        key,
        entry,
        remote,
        want,
    }]
}

fn by_key(state: &mut AppState, key: u64) -> Option<(String, &mut Tunnel)> {
    state
        .tunnels
        .by_deployment
        .iter_mut()
        .find(|(_, t)| t.key == key)
        .map(|(id, t)| (id.clone(), t))
}

/// ssh listens on `local`: the tunnel is up (a port in use here was replaced; say so).
pub fn on_up(state: &mut AppState, key: u64, local: u16) {
    let Some((_, t)) = by_key(state, key) else {
        return;
    };
    t.local = Some(local);
    let (want, remote, alias) = (t.want, t.remote, t.alias.clone());
    let url = local_url(local);
    let said = if local == want {
        format!("tunnel up: {url} → {alias} port {remote} (p stops it)")
    } else {
        format!("port {want} is in use here: tunnel up on {url} → {alias} port {remote} instead")
    };
    state.say(FlashKind::Success, said);
}

/// The tunnel's ssh ended (or never started) on its own: said with why.
pub fn on_down(state: &mut AppState, key: u64, why: String) {
    let Some((id, t)) = by_key(state, key) else {
        return; // stopped with `p`, already said
    };
    let said = format!("tunnel to {} port {} ended: {why}", t.alias, t.remote);
    state.tunnels.by_deployment.remove(&id);
    state.say(FlashKind::Warning, said);
}

/// After a deployments list: the tunnels of deployments no longer running are stopped — one
/// listed as not running, or missing from a complete list (an incomplete one proves nothing).
pub fn stop_ended(state: &mut AppState) -> Vec<Command> {
    let complete = state
        .deployments
        .completeness
        .without_filters()
        .is_complete();
    let ended = |id: &str| match state.deployments.items.iter().find(|d| d.id == id) {
        Some(d) => d.status != DeploymentStatus::Running,
        None => complete,
    };
    let gone: Vec<String> = state
        .tunnels
        .by_deployment
        .keys()
        .filter(|id| ended(id))
        .cloned()
        .collect();
    let mut cmds = Vec::new();
    for id in gone {
        if let Some(t) = state.tunnels.by_deployment.remove(&id) {
            let said = format!(
                "tunnel to {} stopped: the instance is no longer running",
                t.alias
            );
            state.say(FlashKind::Info, said);
            cmds.push(Command::StopTunnel { key: t.key });
        }
    }
    cmds
}

/// The details' tunnel line.
pub fn detail_line(state: &AppState, d: &Deployment) -> Option<String> {
    let row = |v: String| format!("{:<19}{v}", "tunnel");
    match state.tunnels.by_deployment.get(&d.id) {
        Some(Tunnel {
            local: Some(l),
            remote,
            ..
        }) => Some(row(format!(
            "{} → port {remote} (p stops it)",
            local_url(*l)
        ))),
        Some(t) => Some(row(format!("port {}: connecting…", t.remote))),
        None if unreachable(state, d, "").is_none() => Some(row(
            "none (p: Jupyter, TensorBoard, vLLM or a port of your own)".into(),
        )),
        None => None,
    }
}

/// `E`: open the deployment's home folder in VS Code or Cursor over Remote-SSH (the runtime
/// finds the editor on PATH, and checks the alias is in `~/.ssh/config`).
pub fn open_editor(state: &mut AppState) -> Vec<Command> {
    let Some(d) = state.selected_deployment().cloned() else {
        return Vec::new();
    };
    if let Some(why) = unreachable(state, &d, "the editor opens it") {
        state.say(FlashKind::Warning, why);
        return Vec::new();
    }
    let Some(entry) = host_entry(state, &d.id) else {
        return Vec::new();
    };
    let folder = remote_home(&entry.target.user);
    if state.session.demo {
        state.say(
            FlashKind::Info,
            format!(
                "demo: would run `code --remote ssh-remote+{} {folder}` (not run: the demo instance does not exist)",
                entry.alias
            ),
        );
        return Vec::new();
    }
    state.say(
        FlashKind::Info,
        format!("opening {} in the editor…", entry.alias),
    );
    vec![Command::OpenEditor {
        alias: entry.alias,
        folder,
    }]
}

/// The answer to [`Command::OpenEditor`]: the command run, or why it was not.
pub fn on_editor(state: &mut AppState, result: Result<String, String>) {
    match result {
        Ok(ran) => state.say(FlashKind::Success, format!("opened: {ran}")),
        Err(why) => state.say(FlashKind::Warning, why),
    }
}
