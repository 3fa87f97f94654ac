//! `A` / `D` on a volume or a deployment: choose what to attach to or detach from. Each row
//! carries the rules' verdict (`volume_access::pick_rows`); `Enter` on an allowed row opens the
//! confirm. Also the answers to attach and detach.

use chrono::{DateTime, Utc};

use super::confirm::{self, Confirm, Op};
use super::{Dialog, DialogKeys, Reply, list_commands, list_step, notice};
use crate::api::{ApiError, Deployment, Volume};
use crate::app::action::{ApiResult, Command};
use crate::app::keys::KeyCmd;
use crate::app::lists;
use crate::app::state::{AppState, FlashKind, LogKind};
use crate::app::volume_access::{
    self, CHECKING, Candidate, PickFrom, PickKind, deployment_label, pick_rows, provider_note,
    size_gb,
};
use crate::domain::volume_rules::check_detach;

#[derive(Debug, Clone)]
pub struct Pick {
    pub kind: PickKind,
    pub from: PickFrom,
    /// What the provider's rules say (e.g. Verda's cross-region warning).
    pub note: String,
    pub rows: Vec<Candidate>,
    pub cursor: usize,
    pub error: Option<String>,
}

/// `A` / `D` on the Volumes pane.
pub fn open_from_volume(state: &mut AppState, kind: PickKind) -> Vec<Command> {
    let Some(v) = volume_access::selected_volume(state) else {
        return Vec::new();
    };
    let from = PickFrom::Volume {
        id: v.id.clone(),
        name: v.name.clone(),
    };
    open(state, kind, from)
}

/// `A` / `D` on the Deployments pane.
pub fn open_from_deployment(state: &mut AppState, kind: PickKind) -> Vec<Command> {
    let Some(d) = state.selected_deployment().cloned() else {
        return Vec::new();
    };
    let from = PickFrom::Deployment {
        id: d.id.clone(),
        name: d.name.clone(),
    };
    open(state, kind, from)
}

fn open(state: &mut AppState, kind: PickKind, from: PickFrom) -> Vec<Command> {
    let picked = match pick_rows(state, kind, &from) {
        Ok(p) => p,
        Err(r) => {
            notice::show(state, r.title, r.lines);
            return Vec::new();
        }
    };
    // one instance to detach a volume from, and the rules allow it: straight to the confirm
    if let (PickKind::Detach, PickFrom::Volume { id, .. }, [only]) =
        (kind, &from, picked.rows.as_slice())
        && only.verdict.is_ok()
        && let Some(v) = state.volumes.items.iter().find(|v| &v.id == id)
    {
        let c = detach_confirm(v, &only.id, &only.label, state.now);
        super::open(state, Dialog::Confirm(c));
        return Vec::new();
    }
    let cursor = picked
        .rows
        .iter()
        .position(|r| r.verdict.is_ok())
        .unwrap_or(0);
    super::open(
        state,
        Dialog::Pick(Pick {
            kind,
            from,
            note: provider_note(&picked.provider),
            rows: picked.rows,
            cursor,
            error: None,
        }),
    );
    picked.lookups
}

fn detach_confirm(
    v: &Volume,
    deployment_id: &str,
    deployment: &str,
    now: DateTime<Utc>,
) -> Confirm {
    Confirm::new(
        Op::Detach {
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
        now,
    )
}

fn attach_confirm(
    v: &Volume,
    deployment_id: &str,
    deployment: &str,
    now: DateTime<Utc>,
) -> Confirm {
    Confirm::new(
        Op::Attach {
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
        now,
    )
}

impl DialogKeys for Pick {
    fn commands(&self, _state: &AppState) -> Vec<KeyCmd> {
        let mut out = list_commands(self.cursor, self.rows.len());
        // Enter only on a row the rules allow (a refused row says why on it)
        if self
            .rows
            .get(self.cursor)
            .is_some_and(|t| t.verdict.is_ok())
        {
            out.push(KeyCmd::Submit);
        }
        out.push(KeyCmd::Cancel);
        out
    }

    /// `Enter` on an allowed row opens the confirm.
    fn on_command(&mut self, state: &mut AppState, cmd: KeyCmd) -> Reply {
        let p = self;
        match cmd {
            KeyCmd::Cancel => return Reply::close(),
            KeyCmd::Submit => match p.rows.get(p.cursor) {
                Some(Candidate {
                    verdict: Err(why), ..
                }) => p.error = Some(why.clone()),
                Some(t) => {
                    let (volume_id, deployment_id, label) = match &p.from {
                        PickFrom::Volume { id, .. } => (id.clone(), t.id.clone(), t.label.clone()),
                        PickFrom::Deployment { id, .. } => {
                            (t.id.clone(), id.clone(), deployment_label(state, id))
                        }
                    };
                    let Some(v) = state.volumes.items.iter().find(|v| v.id == volume_id) else {
                        p.error = Some("the volume is no longer listed: r refreshes".into());
                        return Reply::stay();
                    };
                    let c = match p.kind {
                        PickKind::Attach => attach_confirm(v, &deployment_id, &label, state.now),
                        PickKind::Detach => detach_confirm(v, &deployment_id, &label, state.now),
                    };
                    return Reply::open(Dialog::Confirm(c));
                }
                None => {}
            },
            cmd => {
                if list_step(cmd, &mut p.cursor, p.rows.len()) {
                    p.error = None;
                }
            }
        }
        Reply::stay()
    }
}

/// The status of a deployment the detach picker was waiting for.
pub fn deployment_fetched(state: &mut AppState, id: &str, r: ApiResult<Box<Deployment>>) {
    let provider = match state.dialog.as_ref() {
        Some(Dialog::Pick(Pick {
            from: PickFrom::Volume { id: vol, .. },
            kind: PickKind::Detach,
            ..
        })) => state
            .volumes
            .items
            .iter()
            .find(|v| &v.id == vol)
            .map(|v| v.provider.clone()),
        _ => None,
    };
    let Some(provider) = provider else {
        return;
    };
    let Some(Dialog::Pick(p)) = state.dialog.as_mut() else {
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
        Err(ApiError::NotFound { .. }) => {
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

/// The answer to a volume write made through a confirm (or the edit dialog): the dialog that
/// asked closes or shows the error; otherwise the status bar says it.
pub fn volume_written(
    state: &mut AppState,
    id: &str,
    r: ApiResult<()>,
    verb: &str,
) -> Vec<Command> {
    let name = state
        .volumes
        .items
        .iter()
        .find(|v| v.id == id)
        .map_or(id.to_string(), |v| v.name.clone());
    let failed = r.as_ref().err().map(ToString::to_string);
    let result = r.map_err(|e| e.to_string());
    let mine =
        confirm::settle(state, id, result.clone()) || super::edit_volume::settle(state, id, result);
    let request = match verb {
        "attached" => "volume attach",
        "detached" => "volume detach",
        "is being deleted" => "volume delete",
        _ => "volume update",
    };
    match failed {
        None => state.say(FlashKind::Success, format!("Volume {name} {verb}")),
        Some(e) if !mine => state.say(FlashKind::Warning, format!("{request} {name}: {e}")),
        // the dialog shows it; the log keeps it
        Some(e) => state.log(LogKind::Error, format!("{request} {name}: {e}")),
    }
    // the volume changed: the list again at once; an attach or detach changes what the
    // deployments show too
    let mut cmds = lists::reload_volumes(state);
    if matches!(verb, "attached" | "detached") {
        cmds.extend(crate::app::polling::refresh_deployments(state));
    }
    cmds
}
