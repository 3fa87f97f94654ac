//! Kubernetes (the add-on of Voltage Park CLUSTER deployments): details with cluster health,
//! the kubeconfig shown and saved to a file; teams: details with live balance, and the team new
//! deploys and volumes go to.

use crossterm::event::{KeyCode, KeyEvent};
use tui_input::Input;

use super::dialog::{DeploymentInfo, Dialog, Kubeconfig, Loading, TeamInfo};
use super::{ManageCmd, SaveError, cmd, flash, notice, open};
use crate::api::{Balance, ClusterHealth, Deployment, Team};
use crate::app::action::{ApiResult, Command};
use crate::app::state::{AppState, FlashKind};
use crate::app::text;

// ---------------------------------------------------------------------------------------------
// Kubernetes

/// `Enter` on a deployment with the add-on: add-on, cluster id, health, service links.
/// `None` for other deployments (the plain details view shows them).
pub fn open_deployment_info(state: &mut AppState) -> Option<Vec<Command>> {
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
                "ready: press k to show and save it"
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
    open(
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
        .map(|cluster_id| cmd(ManageCmd::FetchClusterHealth { cluster_id }))
        .into_iter()
        .collect();
    cmds.push(cmd(ManageCmd::FetchKubernetesVersions));
    Some(cmds)
}

fn non_empty(s: &str) -> &str {
    if s.is_empty() { "–" } else { s }
}

/// The raw JSON without the kubeconfig body (it holds credentials; `k` shows it on purpose).
fn redact_kubeconfig(d: &Deployment) -> serde_json::Value {
    let mut raw = d.raw.clone();
    for key in ["kubernetesAddon", "kubernetes_addon"] {
        if let Some(a) = raw.get_mut(key).and_then(|a| a.as_object_mut())
            && a.contains_key("kubeconfig")
        {
            a.insert("kubeconfig".into(), "… (k shows it)".into());
        }
    }
    raw
}

pub fn health_loaded(state: &mut AppState, cluster_id: &str, r: ApiResult<ClusterHealth>) {
    if let Some(Dialog::DeploymentInfo(i)) = super::dialog_mut(state)
        && i.cluster_id.as_deref() == Some(cluster_id)
    {
        i.health = match r {
            Ok(h) => Loading::Loaded(h),
            Err(e) => Loading::Failed(e.to_string()),
        };
    }
}

pub fn versions_loaded(state: &mut AppState, r: ApiResult<Vec<crate::api::KubernetesVersion>>) {
    if let Some(Dialog::DeploymentInfo(i)) = super::dialog_mut(state) {
        i.versions = match r {
            Ok(v) => Loading::Loaded(v),
            Err(e) => Loading::Failed(e.to_string()),
        };
    }
}

/// `k` on the Deployments pane.
pub fn open_kubeconfig(state: &mut AppState) -> Vec<Command> {
    let Some(d) = state.selected_deployment().cloned() else {
        return Vec::new();
    };
    let Some(addon) = &d.kubernetes_addon else {
        notice(
            state,
            "No kubeconfig",
            vec![
                format!("{} has no Kubernetes add-on.", d.name),
                "The add-on exists only on Voltage Park CLUSTER bare-metal offers, chosen when deploying.".into(),
            ],
        );
        return Vec::new();
    };
    let Some(text) = addon.kubeconfig.clone() else {
        notice(
            state,
            "No kubeconfig yet",
            vec![format!(
                "{} is {}: the kubeconfig comes once the cluster is running.",
                d.name, d.status
            )],
        );
        return Vec::new();
    };
    let safe: String = d
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    open(
        state,
        Dialog::Kubeconfig(Kubeconfig {
            deployment_id: d.id.clone(),
            deployment_name: d.name.clone(),
            text,
            path: Input::new(format!("~/.kube/spheron-{safe}.yaml")),
            confirm_overwrite: None,
            saved_to: None,
            error: None,
            busy: false,
            scroll: 0,
        }),
    );
    Vec::new()
}

pub fn on_kube_key(
    state: &mut AppState,
    mut k: Kubeconfig,
    ev: KeyEvent,
) -> (Option<Dialog>, Vec<Command>) {
    let _ = state;
    if let Some(path) = k.confirm_overwrite.clone() {
        match ev.code {
            KeyCode::Char('y') => {
                k.confirm_overwrite = None;
                k.busy = true;
                let c = cmd(ManageCmd::SaveFile {
                    path,
                    contents: k.text.clone(),
                    overwrite: true,
                });
                return (Some(Dialog::Kubeconfig(k)), vec![c]);
            }
            KeyCode::Char('n') | KeyCode::Esc => {
                k.confirm_overwrite = None;
                k.error = Some("not overwritten: choose another file name".into());
            }
            _ => {}
        }
        return (Some(Dialog::Kubeconfig(k)), Vec::new());
    }
    match ev.code {
        KeyCode::Esc => return (None, Vec::new()),
        KeyCode::Enter if !k.busy => {
            let path = k.path.value().trim().to_string();
            if path.is_empty() {
                k.error = Some("name the file to save it to".into());
            } else {
                k.busy = true;
                k.error = None;
                let c = cmd(ManageCmd::SaveFile {
                    path,
                    contents: k.text.clone(),
                    overwrite: false,
                });
                return (Some(Dialog::Kubeconfig(k)), vec![c]);
            }
        }
        KeyCode::Up => k.scroll = k.scroll.saturating_sub(1),
        KeyCode::Down => k.scroll = k.scroll.saturating_add(1),
        KeyCode::PageUp => k.scroll = k.scroll.saturating_sub(10),
        KeyCode::PageDown => k.scroll = k.scroll.saturating_add(10),
        _ => {
            if text::edit(&mut k.path, &ev) {
                k.error = None;
                k.saved_to = None;
            }
        }
    }
    (Some(Dialog::Kubeconfig(k)), Vec::new())
}

pub fn file_saved(state: &mut AppState, path: String, r: Result<String, SaveError>) {
    let open_now = matches!(super::dialog_mut(state), Some(Dialog::Kubeconfig(_)));
    match (&r, open_now) {
        (Ok(full), _) => flash(
            state,
            format!("kubeconfig saved to {full} (mode 0600)"),
            FlashKind::Success,
        ),
        (Err(SaveError::Failed(e)), false) => flash(
            state,
            format!("kubeconfig not saved: {e}"),
            FlashKind::Warning,
        ),
        _ => {}
    }
    if let Some(Dialog::Kubeconfig(k)) = super::dialog_mut(state) {
        k.busy = false;
        match r {
            Ok(full) => {
                k.saved_to = Some(full);
                k.error = None;
            }
            Err(SaveError::Exists) => k.confirm_overwrite = Some(path),
            Err(SaveError::Failed(e)) => k.error = Some(format!("not saved: {e}")),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Teams

fn selected_team(state: &AppState) -> Option<crate::api::TeamBalance> {
    state
        .account
        .balance
        .as_ref()
        .and_then(|b| b.teams.get(state.account.cursor.selected))
        .cloned()
}

/// `Enter` on the Account pane: the team's details and its live balance.
pub fn open_team(state: &mut AppState) -> Option<Vec<Command>> {
    let t = selected_team(state)?;
    let id = t.team_id.clone();
    open(
        state,
        Dialog::TeamInfo(TeamInfo {
            id: id.clone(),
            listed: t,
            loaded: Loading::Loading,
        }),
    );
    Some(vec![cmd(ManageCmd::FetchTeam { id })])
}

pub fn team_loaded(state: &mut AppState, id: &str, r: ApiResult<(Team, Balance)>) {
    if let Some(Dialog::TeamInfo(t)) = super::dialog_mut(state)
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

pub fn choose_team(state: &mut AppState, id: &str) {
    state.account.chosen_team = Some(id.to_string());
    let name = state.team_name(id).unwrap_or(id).to_string();
    match state.team_balance(id) {
        Some(b) if b <= 0.0 => flash(
            state,
            format!(
                "New deploys and volumes go to team {name} — its balance is $0: deploys will be refused until it is topped up"
            ),
            FlashKind::Warning,
        ),
        _ => flash(
            state,
            format!("New deploys and volumes go to team {name}"),
            FlashKind::Success,
        ),
    }
}
