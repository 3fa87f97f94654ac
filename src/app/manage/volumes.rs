//! Volumes: details with fresh usage, rename/expand, attach/detach (from a volume or from a
//! deployment), delete (the create wizard is `create.rs`). Every rule comes from
//! `domain::volume_rules`; a refused action shows its reason and sends nothing.

use crossterm::event::{KeyCode, KeyEvent};
use tui_input::Input;

use super::dialog::{
    Confirm, ConfirmOp, Dialog, EditField, EditVolume, Pick, PickFrom, PickKind, Target, VolumeInfo,
};
use super::{ManageCmd, cmd, flash, notice, open, refresh_volumes, refused_read_only};
use crate::api::{DeploymentStatus, Volume, VolumePatch};
use crate::app::action::{ApiResult, Command};
use crate::app::state::{AppState, FlashKind};
use crate::app::text;
use crate::domain::volume_rules::{
    AttachTarget, VolumeFacts, check_attach, check_attach_at_create, check_delete, check_detach,
    check_expand, check_name, check_rename, rules_for, same_provider,
};

fn selected(state: &AppState) -> Option<Volume> {
    state
        .volumes
        .items
        .get(state.volumes.cursor.selected)
        .cloned()
}

/// A deployment's status when the list holds it. The list may hold only the active ones, so a
/// missing deployment is looked up (`GET /api/deployments/{id}`) rather than guessed.
pub fn deployment_status(state: &AppState, id: &str) -> Option<DeploymentStatus> {
    state
        .deployments
        .items
        .iter()
        .find(|d| d.id == id)
        .map(|d| d.status.clone())
}

/// A picker row whose verdict waits for the deployment's status.
pub const CHECKING: &str = "checking the instance's status…";

fn deployment_label(state: &AppState, id: &str) -> String {
    match state.deployments.items.iter().find(|d| d.id == id) {
        Some(d) => format!("{} · {} · {} · {}", d.name, d.provider, d.region, d.status),
        None => format!("{id} · not active"),
    }
}

/// Volumes a deployment has now: the volumes list is refreshed after every volume write, so it
/// decides; the deployment's own `volumeIds` only until it has loaded.
fn volumes_on(state: &AppState, deployment_id: &str) -> usize {
    let listed = state
        .volumes
        .items
        .iter()
        .filter(|v| v.attachments().contains(&deployment_id))
        .count();
    let own = state
        .deployments
        .items
        .iter()
        .find(|d| d.id == deployment_id)
        .map_or(0, |d| d.volume_ids.len());
    if state.volumes.loaded_at.is_some() {
        listed
    } else {
        own
    }
}

/// Active deployments of the same provider (volumes never cross providers), each with whether
/// `volume` may attach to it (after launch) or whether a new volume in `region` of `provider`
/// may attach at creation (`volume` None).
pub(super) fn targets(
    state: &AppState,
    provider: &str,
    region: &str,
    volume: Option<&Volume>,
) -> Vec<Target> {
    state
        .deployments
        .items
        .iter()
        .filter(|d| d.status.is_active() && same_provider(&d.provider, provider))
        .map(|d| {
            let t = AttachTarget {
                provider: &d.provider,
                region: &d.region,
                status: &d.status,
                volumes_attached: volumes_on(state, &d.id),
            };
            let verdict = match volume {
                Some(v) if v.attachments().contains(&d.id.as_str()) => {
                    Err("already attached to this instance".to_string())
                }
                Some(v) => check_attach(
                    VolumeFacts {
                        provider: &v.provider,
                        region: &v.region,
                        attached_to: v.attachments().len(),
                    },
                    t,
                ),
                None => check_attach_at_create(provider, region, t),
            };
            Target {
                id: d.id.clone(),
                label: deployment_label(state, &d.id),
                verdict,
            }
        })
        .collect()
}

fn size_gb(v: &Volume) -> u64 {
    v.size_in_gb.map_or(0, |s| s.round() as u64)
}

/// Creating, deleting or errored volumes take no action.
fn busy_status(v: &Volume) -> Option<String> {
    match v.status.as_str() {
        "available" | "attached" | "" => None,
        s => Some(format!(
            "{} is {s}: wait until it is available (r refreshes)",
            v.name
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Details

pub fn open_info(state: &mut AppState) -> Option<Vec<Command>> {
    let v = selected(state)?;
    let id = v.id.clone();
    open(
        state,
        Dialog::VolumeInfo(VolumeInfo {
            id: id.clone(),
            volume: v,
            loading: true,
            error: None,
            scroll: 0,
        }),
    );
    Some(vec![cmd(ManageCmd::FetchVolume { id })])
}

pub fn fetched(state: &mut AppState, id: &str, r: ApiResult<Volume>) {
    if let Some(Dialog::VolumeInfo(i)) = super::dialog_mut(state)
        && i.id == id
    {
        i.loading = false;
        match r {
            Ok(v) => {
                i.volume = v;
                i.error = None;
            }
            Err(e) => i.error = Some(e.to_string()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Rename / expand

pub fn open_edit(state: &mut AppState) -> Vec<Command> {
    let Some(v) = selected(state) else {
        return Vec::new();
    };
    let Some(rules) = rules_for(&v.provider) else {
        notice(
            state,
            format!("Cannot edit {}", v.name),
            vec![format!("{} does not offer volumes", v.provider)],
        );
        return Vec::new();
    };
    let current = size_gb(&v);
    let rename_refused = check_rename(&v.provider).err();
    let expand_refused = if rules.expand {
        None
    } else {
        check_expand(&v.provider, current, current + 1).err()
    };
    if rename_refused.is_some() && expand_refused.is_some() {
        notice(
            state,
            format!("Cannot edit {}", v.name),
            vec![
                format!("{} volumes cannot be renamed or resized.", rules.provider),
                rules.note.to_string(),
            ],
        );
        return Vec::new();
    }
    if let Some(why) = busy_status(&v) {
        notice(state, format!("Cannot edit {}", v.name), vec![why]);
        return Vec::new();
    }
    if refused_read_only(state, "renaming or expanding a volume") {
        return Vec::new();
    }
    let focus = if rename_refused.is_none() {
        EditField::Name
    } else {
        EditField::Size
    };
    open(
        state,
        Dialog::EditVolume(EditVolume {
            id: v.id.clone(),
            provider: v.provider.clone(),
            current_name: v.name.clone(),
            current_gb: current,
            name: Input::new(v.name.clone()),
            size: Input::new(current.to_string()),
            focus,
            rename_refused,
            expand_refused,
            error: None,
            busy: false,
        }),
    );
    Vec::new()
}

pub fn on_edit_key(
    state: &mut AppState,
    mut e: EditVolume,
    ev: KeyEvent,
) -> (Option<Dialog>, Vec<Command>) {
    match ev.code {
        KeyCode::Esc => return (None, Vec::new()),
        KeyCode::Tab | KeyCode::BackTab | KeyCode::Up | KeyCode::Down => {
            let other = match e.focus {
                EditField::Name => EditField::Size,
                EditField::Size => EditField::Name,
            };
            let allowed = match other {
                EditField::Name => e.rename_refused.is_none(),
                EditField::Size => e.expand_refused.is_none(),
            };
            if allowed {
                e.focus = other;
            }
        }
        KeyCode::Enter => return submit_edit(state, e),
        _ => {
            let input = match e.focus {
                EditField::Name => &mut e.name,
                EditField::Size => &mut e.size,
            };
            if text::edit(input, &ev) {
                e.error = None;
            }
        }
    }
    (Some(Dialog::EditVolume(e)), Vec::new())
}

fn submit_edit(state: &mut AppState, mut e: EditVolume) -> (Option<Dialog>, Vec<Command>) {
    if e.busy {
        return (Some(Dialog::EditVolume(e)), Vec::new());
    }
    let name = e.name.value().trim().to_string();
    let mut patch = VolumePatch::default();
    let mut problem = None;
    if name != e.current_name {
        match check_rename(&e.provider).and_then(|()| check_name(&name)) {
            Ok(()) => patch.name = Some(name),
            Err(why) => problem = Some(why),
        }
    }
    let size_text = e.size.value().trim().to_string();
    if problem.is_none() && size_text != e.current_gb.to_string() {
        match size_text.parse::<u64>() {
            Err(_) => problem = Some("the size is a whole number of GB".into()),
            Ok(n) => match check_expand(&e.provider, e.current_gb, n) {
                Ok(()) => patch.size_in_gb = Some(n),
                Err(why) => problem = Some(why),
            },
        }
    }
    if problem.is_none() && patch == VolumePatch::default() {
        problem = Some("nothing changed".into());
    }
    if problem.is_none() && state.session.read_only {
        problem = Some("read-only session (--read-only): nothing is sent".into());
    }
    if let Some(p) = problem {
        e.error = Some(p);
        return (Some(Dialog::EditVolume(e)), Vec::new());
    }
    e.busy = true;
    e.error = None;
    let id = e.id.clone();
    (
        Some(Dialog::EditVolume(e)),
        vec![cmd(ManageCmd::PatchVolume { id, patch })],
    )
}

// ---------------------------------------------------------------------------------------------
// Attach / detach / delete

/// What the table says about the provider (Verda's says that a cross-region attach looks
/// attached and silently cannot be read).
fn provider_note(provider: &str) -> String {
    rules_for(provider).map_or(String::new(), |r| r.note.to_string())
}

pub fn open_attach(state: &mut AppState) -> Vec<Command> {
    let Some(v) = selected(state) else {
        return Vec::new();
    };
    let title = format!("Cannot attach {}", v.name);
    let Some(rules) = rules_for(&v.provider) else {
        notice(
            state,
            title,
            vec![format!("{} does not offer volumes", v.provider)],
        );
        return Vec::new();
    };
    if !rules.attach_after_launch {
        let why = check_attach(
            VolumeFacts {
                provider: &v.provider,
                region: &v.region,
                attached_to: 0,
            },
            AttachTarget {
                provider: &v.provider,
                region: &v.region,
                status: &DeploymentStatus::Running,
                volumes_attached: 0,
            },
        )
        .err()
        .unwrap_or_default();
        notice(state, title, vec![why, rules.note.to_string()]);
        return Vec::new();
    }
    if let Some(why) = busy_status(&v) {
        notice(state, title, vec![why]);
        return Vec::new();
    }
    if !rules.shareable && !v.attachments().is_empty() {
        let why = check_attach(
            VolumeFacts {
                provider: &v.provider,
                region: &v.region,
                attached_to: v.attachments().len(),
            },
            AttachTarget {
                provider: &v.provider,
                region: &v.region,
                status: &DeploymentStatus::Running,
                volumes_attached: 0,
            },
        )
        .err()
        .unwrap_or_default();
        notice(state, title, vec![why]);
        return Vec::new();
    }
    if refused_read_only(state, "attaching a volume") {
        return Vec::new();
    }
    let rows = targets(state, &v.provider, &v.region, Some(&v));
    if rows.is_empty() {
        notice(
            state,
            title,
            vec![
                format!(
                    "No active {} instance to attach to. Volumes attach to running instances of the same provider and region ({}, {}).",
                    v.provider, v.provider, v.region
                ),
                provider_note(&v.provider),
            ],
        );
        return Vec::new();
    }
    let from = PickFrom::Volume {
        id: v.id.clone(),
        name: v.name.clone(),
    };
    open_pick(state, PickKind::Attach, from, &v.provider, rows);
    Vec::new()
}

pub fn open_detach(state: &mut AppState) -> Vec<Command> {
    let Some(v) = selected(state) else {
        return Vec::new();
    };
    let title = format!("Cannot detach {}", v.name);
    if v.attachments().is_empty() {
        notice(state, title, vec![format!("{} is not attached.", v.name)]);
        return Vec::new();
    }
    let rules = rules_for(&v.provider);
    let mut lookups = Vec::new();
    let rows: Vec<Target> = v
        .attachments()
        .into_iter()
        .map(|dep| {
            let verdict = match deployment_status(state, dep) {
                Some(s) => check_detach(&v.provider, &s),
                None if rules.is_some_and(|r| r.detach_only_when_terminal()) => {
                    lookups.push(cmd(ManageCmd::FetchDeployment {
                        id: dep.to_string(),
                    }));
                    Err(CHECKING.to_string())
                }
                None => Ok(()),
            };
            Target {
                id: dep.to_string(),
                label: deployment_label(state, dep),
                verdict,
            }
        })
        .collect();
    if let [only] = rows.as_slice()
        && let Err(why) = &only.verdict
        && lookups.is_empty()
    {
        notice(state, title, vec![why.clone(), provider_note(&v.provider)]);
        return Vec::new();
    }
    if refused_read_only(state, "detaching a volume") {
        return Vec::new();
    }
    if let [only] = rows.as_slice()
        && only.verdict.is_ok()
    {
        let c = detach_confirm(&v, &only.id, &only.label);
        open(state, Dialog::Confirm(c));
        return Vec::new();
    }
    let from = PickFrom::Volume {
        id: v.id.clone(),
        name: v.name.clone(),
    };
    open_pick(state, PickKind::Detach, from, &v.provider, rows);
    lookups
}

fn detach_confirm(v: &Volume, deployment_id: &str, deployment: &str) -> Confirm {
    Confirm::new(
        ConfirmOp::Detach {
            volume_id: v.id.clone(),
            volume_name: v.name.clone(),
            deployment_id: deployment_id.to_string(),
        },
        format!("Detach volume {}", v.name),
        vec![
            format!("Detach {} ({} GB) from", v.name, size_gb(v)),
            format!("  {deployment}?"),
            String::new(),
            "Unmount it inside the instance first: writes in flight may be lost.".into(),
            "The volume and its data stay; it keeps costing until deleted.".into(),
        ],
    )
}

fn attach_confirm(v: &Volume, deployment_id: &str, deployment: &str) -> Confirm {
    Confirm::new(
        ConfirmOp::Attach {
            volume_id: v.id.clone(),
            volume_name: v.name.clone(),
            deployment_id: deployment_id.to_string(),
        },
        format!("Attach volume {}", v.name),
        vec![
            format!("Attach {} ({} GB) to", v.name, size_gb(v)),
            format!("  {deployment}?"),
            String::new(),
            provider_note(&v.provider),
        ],
    )
}

pub fn on_pick_key(
    state: &mut AppState,
    mut p: Pick,
    ev: KeyEvent,
) -> (Option<Dialog>, Vec<Command>) {
    match ev.code {
        KeyCode::Esc | KeyCode::Char('n') => return (None, Vec::new()),
        KeyCode::Enter => match p.rows.get(p.cursor) {
            Some(Target {
                verdict: Err(why), ..
            }) => p.error = Some(why.clone()),
            Some(t) if state.session.read_only => {
                let _ = t;
                p.error = Some("read-only session (--read-only): nothing is sent".into());
            }
            Some(t) => {
                let (volume_id, deployment_id, label) = match &p.from {
                    PickFrom::Volume { id, .. } => (id.clone(), t.id.clone(), t.label.clone()),
                    PickFrom::Deployment { id, .. } => {
                        (t.id.clone(), id.clone(), deployment_label(state, id))
                    }
                };
                let Some(v) = state.volumes.items.iter().find(|v| v.id == volume_id) else {
                    p.error = Some("the volume is no longer listed: r refreshes".into());
                    return (Some(Dialog::Pick(p)), Vec::new());
                };
                let c = match p.kind {
                    PickKind::Attach => attach_confirm(v, &deployment_id, &label),
                    PickKind::Detach => detach_confirm(v, &deployment_id, &label),
                };
                return (Some(Dialog::Confirm(c)), Vec::new());
            }
            None => {}
        },
        code => {
            if super::list_step(code, &mut p.cursor, p.rows.len()) {
                p.error = None;
            }
        }
    }
    (Some(Dialog::Pick(p)), Vec::new())
}

// ---------------------------------------------------------------------------------------------
// Attach / detach from the Deployments pane

fn volume_label(v: &Volume) -> String {
    format!(
        "{} · {} · {} · {} GB · {}",
        v.name,
        v.provider,
        v.region,
        size_gb(v),
        v.status
    )
}

/// `A` on a deployment: its provider's volumes, each with the table's verdict.
pub fn open_attach_to_deployment(state: &mut AppState) -> Vec<Command> {
    let Some(d) = state.selected_deployment().cloned() else {
        return Vec::new();
    };
    let title = format!("Cannot attach to {}", d.name);
    let Some(rules) = rules_for(&d.provider) else {
        notice(
            state,
            title,
            vec![format!("{} does not offer volumes", d.provider)],
        );
        return Vec::new();
    };
    if !rules.attach_after_launch {
        notice(
            state,
            title,
            vec![
                format!(
                    "{} volumes attach only when the instance is created (volumeIds in the deploy wizard)",
                    rules.provider
                ),
                rules.note.to_string(),
            ],
        );
        return Vec::new();
    }
    if refused_read_only(state, "attaching a volume") {
        return Vec::new();
    }
    let target = AttachTarget {
        provider: &d.provider,
        region: &d.region,
        status: &d.status,
        volumes_attached: volumes_on(state, &d.id),
    };
    let rows: Vec<Target> = state
        .volumes
        .items
        .iter()
        .filter(|v| same_provider(&v.provider, &d.provider))
        .map(|v| {
            let verdict = if v.attachments().contains(&d.id.as_str()) {
                Err("already attached to this instance".to_string())
            } else if let Some(why) = busy_status(v) {
                Err(why)
            } else {
                check_attach(
                    VolumeFacts {
                        provider: &v.provider,
                        region: &v.region,
                        attached_to: v.attachments().len(),
                    },
                    target,
                )
            };
            Target {
                id: v.id.clone(),
                label: volume_label(v),
                verdict,
            }
        })
        .collect();
    if rows.is_empty() {
        notice(
            state,
            title,
            vec![format!(
                "No {} volumes yet: create one on the Volumes pane (a), in {}.",
                rules.provider, d.region
            )],
        );
        return Vec::new();
    }
    let from = PickFrom::Deployment {
        id: d.id.clone(),
        name: d.name.clone(),
    };
    open_pick(state, PickKind::Attach, from, &d.provider, rows);
    Vec::new()
}

/// A picker of targets (volumes or deployments), the cursor on the first allowed row.
fn open_pick(
    state: &mut AppState,
    kind: PickKind,
    from: PickFrom,
    provider: &str,
    rows: Vec<Target>,
) {
    let cursor = rows.iter().position(|r| r.verdict.is_ok()).unwrap_or(0);
    open(
        state,
        Dialog::Pick(Pick {
            kind,
            from,
            note: provider_note(provider),
            rows,
            cursor,
            error: None,
        }),
    );
}

/// `D` on a deployment: the volumes attached to it, each with the table's verdict.
pub fn open_detach_from_deployment(state: &mut AppState) -> Vec<Command> {
    let Some(d) = state.selected_deployment().cloned() else {
        return Vec::new();
    };
    let title = format!("Cannot detach from {}", d.name);
    let rows: Vec<Target> = state
        .volumes
        .items
        .iter()
        .filter(|v| v.attachments().contains(&d.id.as_str()))
        .map(|v| Target {
            id: v.id.clone(),
            label: volume_label(v),
            verdict: check_detach(&v.provider, &d.status),
        })
        .collect();
    match rows.as_slice() {
        [] => {
            notice(
                state,
                title,
                vec![format!("{} has no volume attached.", d.name)],
            );
            return Vec::new();
        }
        [only] if only.verdict.is_err() => {
            let why = only.verdict.clone().err().unwrap_or_default();
            notice(state, title, vec![why, provider_note(&d.provider)]);
            return Vec::new();
        }
        _ => {}
    }
    if refused_read_only(state, "detaching a volume") {
        return Vec::new();
    }
    let from = PickFrom::Deployment {
        id: d.id.clone(),
        name: d.name.clone(),
    };
    open_pick(state, PickKind::Detach, from, &d.provider, rows);
    Vec::new()
}

/// The status of a deployment the detach picker was waiting for.
pub fn deployment_fetched(
    state: &mut AppState,
    id: &str,
    r: ApiResult<Box<crate::api::Deployment>>,
) {
    let provider = match super::dialog_mut(state) {
        Some(Dialog::Pick(Pick {
            from: PickFrom::Volume { id: vol, .. },
            kind: PickKind::Detach,
            ..
        })) => {
            let vol = vol.clone();
            state
                .volumes
                .items
                .iter()
                .find(|v| v.id == vol)
                .map(|v| v.provider.clone())
        }
        _ => None,
    };
    let Some(provider) = provider else {
        return;
    };
    let Some(Dialog::Pick(p)) = super::dialog_mut(state) else {
        return;
    };
    let Some(row) = p
        .rows
        .iter_mut()
        .find(|r| r.id == id && r.verdict.as_ref().err().is_some_and(|e| e == CHECKING))
    else {
        return;
    };
    match r {
        Ok(d) => {
            row.label = format!("{} · {} · {} · {}", d.name, d.provider, d.region, d.status);
            row.verdict = check_detach(&provider, &d.status);
        }
        Err(crate::api::ApiError::NotFound { .. }) => {
            row.label = format!("{id} · no longer exists");
            row.verdict = Ok(());
        }
        Err(e) => row.verdict = Err(format!("the instance's status is unknown: {e}")),
    }
    if p.rows.get(p.cursor).is_none_or(|r| r.verdict.is_err())
        && let Some(i) = p.rows.iter().position(|r| r.verdict.is_ok())
    {
        p.cursor = i;
    }
}

pub fn open_delete(state: &mut AppState) -> Vec<Command> {
    let Some(v) = selected(state) else {
        return Vec::new();
    };
    let attached = v.attachments();
    if let Err(why) = check_delete(attached.len(), &v.status) {
        let mut lines = vec![why];
        for d in &attached {
            lines.push(format!("  attached to {}", deployment_label(state, d)));
        }
        notice(state, format!("Cannot delete {}", v.name), lines);
        return Vec::new();
    }
    if refused_read_only(state, "deleting a volume") {
        return Vec::new();
    }
    let c = Confirm::new(
        ConfirmOp::DeleteVolume {
            id: v.id.clone(),
            name: v.name.clone(),
        },
        format!("Delete volume {}", v.name),
        vec![
            format!(
                "Delete {} ({} GB, {} {})?",
                v.name,
                size_gb(&v),
                v.provider,
                v.region
            ),
            String::new(),
            "Its data is deleted for good: this cannot be undone.".into(),
        ],
    );
    open(state, Dialog::Confirm(c));
    Vec::new()
}

/// The answer to a volume write (patch, delete, attach, detach).
pub fn written(state: &mut AppState, id: &str, r: ApiResult<()>, verb: &str) -> Vec<Command> {
    let mine = match super::dialog_mut(state) {
        Some(Dialog::Confirm(c)) => c.op.target_id() == id,
        Some(Dialog::EditVolume(e)) => e.id == id,
        _ => false,
    };
    let name = state
        .volumes
        .items
        .iter()
        .find(|v| v.id == id)
        .map_or(id.to_string(), |v| v.name.clone());
    match r {
        Ok(()) => {
            if mine {
                state.modal = None;
            }
            flash(state, format!("Volume {name} {verb}"), FlashKind::Success);
        }
        Err(e) => match (mine, super::dialog_mut(state)) {
            (true, Some(Dialog::Confirm(c))) => {
                c.busy = false;
                c.error = Some(e.to_string());
            }
            (true, Some(Dialog::EditVolume(d))) => {
                d.busy = false;
                d.error = Some(e.to_string());
            }
            _ => flash(state, format!("Volume {name}: {e}"), FlashKind::Warning),
        },
    }
    vec![refresh_volumes(state)]
}
