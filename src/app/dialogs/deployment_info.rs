//! `Enter` on a deployment: readable fields (status as the API said it, the failure reason,
//! cost, the SSH command, volumes, when terminate becomes possible); with the Kubernetes add-on
//! also cluster id, cluster health, the versions offered now and service links. `J` shows every
//! field as raw JSON (the kubeconfig body redacted: `K` shows it on purpose).

use super::{Dialog, DialogKeys, Loading, Reply, kubeconfig, pick, scroll, scroll_commands};
use crate::api::{ClusterHealth, Deployment, KubernetesVersion};
use crate::app::action::{ApiResult, Command};
use crate::app::keys::KeyCmd;
use crate::app::state::AppState;
use crate::app::volume_access::PickKind;
use crate::domain::cost;

#[derive(Debug, Clone)]
pub struct DeploymentInfo {
    pub deployment_id: String,
    pub title: String,
    pub cluster_id: Option<String>,
    pub health: Loading<ClusterHealth>,
    /// What the platform offers now (`GET /api/kubernetes/versions`), to compare with ours.
    pub versions: Loading<Vec<KubernetesVersion>>,
    /// The readable fields, ready to draw.
    pub fields: Vec<String>,
    /// The add-on section (add-on, cluster id, kubeconfig, links); empty without the add-on.
    pub lines: Vec<String>,
    /// Every field as pretty JSON, shown with `J`.
    pub raw: Vec<String>,
    pub show_raw: bool,
    pub scroll: u16,
}

/// The readable fields of `d`.
fn fields(state: &AppState, d: &Deployment) -> Vec<String> {
    let row = |k: &str, v: String| format!("{k:<19}{v}");
    let mut out = vec![
        row("status", d.status.as_str().to_string()),
        row(
            "reason",
            d.failure_reason.clone().unwrap_or_else(|| "–".into()),
        ),
        row(
            "cost",
            format!(
                "{}  ·  spent {}",
                cost::usd_h(d.hourly_rate),
                cost::usd_opt(d.spent(state.now))
            ),
        ),
        row("ssh", crate::app::connect::ssh_text(d)),
    ];
    let fates = super::terminate::volume_fates(state, &d.id);
    if fates.is_empty() {
        out.push(row("volumes", "none attached".into()));
    }
    for (i, v) in fates.iter().enumerate() {
        out.push(row(
            if i == 0 { "volumes" } else { "" },
            format!("{} · {}", v.name, cost::usd_h(v.per_hour)),
        ));
    }
    out.push(row("terminate", terminate_when(state, d)));
    out.push(row("guard", guard_rule(state, d)));
    out.extend(crate::app::tunnels::detail_line(state, d));
    out.extend(crate::app::usage::detail_lines(state, d));
    out
}

/// The spend guard's rule on `d` in words: what ends it and when (a local time with its zone),
/// with what is left as the enforcer last counted it, and how it was set.
fn guard_rule(state: &AppState, d: &Deployment) -> String {
    use crate::domain::guard::GuardRule;
    let left = state.guard.rows.get(&d.id);
    let Some(r) = state.guard.rules.get(&d.id) else {
        return match left {
            Some(l) => format!("{l} (rule not read yet)"),
            None if d.status.is_terminal() => "none".into(),
            None => "none (T sets one)".into(),
        };
    };
    let left = left.map_or(String::new(), |l| format!(" · now {l}"));
    let what = match &r.rule {
        GuardRule::Deadline(at) => {
            let secs = (*at - state.now).num_seconds();
            let when = if secs > 0 {
                format!("in {}", cost::duration_short(secs))
            } else {
                "due now".into()
            };
            format!(
                "terminate at {}, {when}",
                crate::domain::clock::clock(*at, state.local_offset(), state.now)
            )
        }
        GuardRule::MaxSpend(max) => {
            format!("terminate once {} is spent{left}", cost::usd(*max))
        }
        GuardRule::Idle { window, below_pct } => format!(
            "terminate after {} with every GPU below {below_pct:.0}% and no terminal session{left}",
            cost::duration_short(window.num_seconds())
        ),
    };
    format!("{what} (set as {})", r.spec)
}

/// When `x` can end `d`: the API refuses before the minimum runtime has passed.
fn terminate_when(state: &AppState, d: &Deployment) -> String {
    let min = cost::MINIMUM_RUNTIME_MINUTES;
    if d.status.is_terminal() {
        return format!("it has already ended ({}): nothing to terminate", d.status);
    }
    let Some(start) = d.since() else {
        return format!("after the {min:.0}-minute minimum runtime (start time unknown)");
    };
    let at = start + chrono::Duration::minutes(min as i64);
    if at <= state.now {
        format!("possible now (the {min:.0}-minute minimum has passed)")
    } else {
        let left = (at - state.now).num_seconds();
        format!(
            "possible from {}, in {} ({min:.0}-minute minimum runtime)",
            crate::domain::clock::clock(at, state.local_offset(), state.now),
            cost::duration_short(left)
        )
    }
}

/// Redraw the readable fields of open details from the live row (uptime, spend and the
/// terminate countdown move with the clock; a refresh may change the status).
pub fn refresh(state: &mut AppState) {
    let Some(Dialog::DeploymentInfo(i)) = state.dialog.as_ref() else {
        return;
    };
    let Some(d) = state
        .deployments
        .items
        .iter()
        .find(|d| d.id == i.deployment_id)
    else {
        return;
    };
    let fields = fields(state, d);
    if let Some(Dialog::DeploymentInfo(i)) = state.dialog.as_mut() {
        i.fields = fields;
    }
}

/// `Enter` on a deployment: its readable fields, and with the add-on its cluster.
pub fn open(state: &mut AppState) -> Option<Vec<Command>> {
    let d = state.selected_deployment()?.clone();
    let fields = fields(state, &d);
    let raw = serde_json::to_string_pretty(&redact_kubeconfig(&d)).unwrap_or_default();
    let raw: Vec<String> = raw.lines().map(str::to_owned).collect();
    let Some(addon) = d.kubernetes_addon.clone() else {
        super::open(
            state,
            Dialog::DeploymentInfo(DeploymentInfo {
                deployment_id: d.id.clone(),
                title: format!("Deployment {} · {} · {}", d.name, d.provider, d.status),
                cluster_id: None,
                health: Loading::Failed("no Kubernetes add-on".into()),
                versions: Loading::Failed("no Kubernetes add-on".into()),
                fields,
                lines: Vec::new(),
                raw,
                show_raw: false,
                scroll: 0,
            }),
        );
        return Some(Vec::new());
    };
    let mut lines = vec![
        format!("Kubernetes add-on  {}", non_empty(&addon.version)),
        format!(
            "cluster id         {}",
            addon
                .k8s_cluster_id
                .as_deref()
                .unwrap_or("– (not assigned yet)")
        ),
        format!(
            "kubeconfig         {}",
            if addon.kubeconfig.is_some() {
                "ready: press K to show and save it"
            } else {
                "not ready yet (it comes once the cluster runs)"
            }
        ),
    ];
    if addon.service_links.is_empty() {
        lines.push("service links      –".into());
    } else {
        lines.push("service links".into());
        for l in &addon.service_links {
            lines.push(format!("  {:<16} {}", l.name, l.url));
        }
    }
    let cluster_id = addon.k8s_cluster_id.clone();
    let health = if cluster_id.is_some() {
        Loading::Loading
    } else {
        Loading::Failed("no cluster id yet".into())
    };
    super::open(
        state,
        Dialog::DeploymentInfo(DeploymentInfo {
            deployment_id: d.id.clone(),
            title: format!("Deployment {} · {} · {}", d.name, d.provider, d.status),
            cluster_id: cluster_id.clone(),
            health,
            versions: Loading::Loading,
            fields,
            lines,
            raw,
            show_raw: false,
            scroll: 0,
        }),
    );
    let mut cmds: Vec<Command> = cluster_id
        .map(|cluster_id| Command::FetchClusterHealth { cluster_id })
        .into_iter()
        .collect();
    cmds.extend(crate::app::lists::fetch_k8s_versions(state, true));
    Some(cmds)
}

fn non_empty(s: &str) -> &str {
    if s.is_empty() { "–" } else { s }
}

/// The raw JSON without the kubeconfig body (it holds credentials; `K` shows it on purpose).
fn redact_kubeconfig(d: &Deployment) -> serde_json::Value {
    let mut raw = d.raw.clone();
    for key in ["kubernetesAddon", "kubernetes_addon"] {
        if let Some(a) = raw.get_mut(key).and_then(|a| a.as_object_mut())
            && a.contains_key("kubeconfig")
        {
            a.insert("kubeconfig".into(), "… (K shows it)".into());
        }
    }
    raw
}

pub fn health_loaded(state: &mut AppState, cluster_id: &str, r: ApiResult<ClusterHealth>) {
    if let Some(Dialog::DeploymentInfo(i)) = state.dialog.as_mut()
        && i.cluster_id.as_deref() == Some(cluster_id)
    {
        i.health = match r {
            Ok(h) => Loading::Loaded(h),
            Err(e) => Loading::Failed(e.to_string()),
        };
    }
}

/// The versions answer (shared with the deploy wizard's cache, which takes it too).
pub fn versions_loaded(state: &mut AppState, r: &ApiResult<Vec<KubernetesVersion>>) {
    if let Some(Dialog::DeploymentInfo(i)) = state.dialog.as_mut() {
        i.versions = match r {
            Ok(v) => Loading::Loaded(v.clone()),
            Err(e) => Loading::Failed(e.to_string()),
        };
    }
}

impl DialogKeys for DeploymentInfo {
    /// `K` only with a cluster to ask a kubeconfig of.
    fn commands(&self, _state: &AppState) -> Vec<KeyCmd> {
        let mut out = vec![KeyCmd::Close, KeyCmd::RawJson];
        if self.cluster_id.is_some() {
            out.push(KeyCmd::Kubeconfig);
        }
        out.extend([KeyCmd::Attach, KeyCmd::Detach]);
        out.extend(scroll_commands(self.scroll, None));
        out
    }

    fn on_command(&mut self, state: &mut AppState, cmd: KeyCmd) -> Reply {
        match cmd {
            KeyCmd::Close => Reply::close(),
            KeyCmd::RawJson => {
                self.show_raw = !self.show_raw;
                Reply::stay()
            }
            KeyCmd::Kubeconfig => Reply::close().with(kubeconfig::open(state)),
            KeyCmd::Attach => {
                Reply::close().with(pick::open_from_deployment(state, PickKind::Attach))
            }
            KeyCmd::Detach => {
                Reply::close().with(pick::open_from_deployment(state, PickKind::Detach))
            }
            cmd => {
                scroll(cmd, &mut self.scroll);
                Reply::stay()
            }
        }
    }
}
