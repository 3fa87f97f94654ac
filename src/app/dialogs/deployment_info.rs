//! `Enter` on a deployment with the Kubernetes add-on: add-on, cluster id, cluster health, the
//! versions the platform offers now, service links and every field (the kubeconfig body
//! redacted: `K` shows it on purpose).

use crossterm::event::{KeyCode, KeyEvent};

use super::{Dialog, DialogKeys, Loading, Reply, kubeconfig, pick, scroll};
use crate::api::{ClusterHealth, Deployment, KubernetesVersion};
use crate::app::action::{ApiResult, Command};
use crate::app::state::AppState;
use crate::app::volume_access::PickKind;

#[derive(Debug, Clone)]
pub struct DeploymentInfo {
    pub deployment_id: String,
    pub title: String,
    pub cluster_id: Option<String>,
    pub health: Loading<ClusterHealth>,
    /// What the platform offers now (`GET /api/kubernetes/versions`), to compare with ours.
    pub versions: Loading<Vec<KubernetesVersion>>,
    /// Everything else, ready to draw (add-on, links, raw JSON).
    pub lines: Vec<String>,
    pub scroll: u16,
}

/// `Enter` on a deployment with the add-on: add-on, cluster id, health, service links.
/// `None` for other deployments (the plain details view shows them).
pub fn open(state: &mut AppState) -> Option<Vec<Command>> {
    let d = state.selected_deployment()?.clone();
    let addon = d.kubernetes_addon.clone()?;
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
    lines.push(String::new());
    lines.push("Every field:".into());
    let raw = serde_json::to_string_pretty(&redact_kubeconfig(&d)).unwrap_or_default();
    lines.extend(raw.lines().map(str::to_owned));
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
            lines,
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
    fn on_key(&mut self, state: &mut AppState, ev: KeyEvent) -> Reply {
        match ev.code {
            KeyCode::Enter | KeyCode::Char('q') => Reply::close(),
            KeyCode::Char('K') if self.cluster_id.is_some() => {
                Reply::close().with(kubeconfig::open(state))
            }
            KeyCode::Char('A') => {
                Reply::close().with(pick::open_from_deployment(state, PickKind::Attach))
            }
            KeyCode::Char('D') => {
                Reply::close().with(pick::open_from_deployment(state, PickKind::Detach))
            }
            code => {
                scroll(code, &mut self.scroll);
                Reply::stay()
            }
        }
    }
}
