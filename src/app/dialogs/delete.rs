//! `x` on an SSH key or a volume: the refusal with its reason, or the confirm that sends one
//! DELETE; and the answers to those DELETEs.

use super::confirm::{self, Confirm, Op};
use super::{Dialog, notice};
use crate::app::action::{ApiResult, Command};
use crate::app::state::{AppState, FlashKind};
use crate::app::{lists, volume_access};
use crate::domain::volume_rules::check_delete;

pub fn open_key(state: &mut AppState) -> Vec<Command> {
    let Some(k) = state.keys.items.get(state.keys.cursor.selected).cloned() else {
        return Vec::new();
    };
    let mut lines = vec![format!("Delete the SSH key {}?", k.name)];
    if let Some(f) = &k.fingerprint {
        lines.push(format!("fingerprint {f}"));
    }
    lines.push(String::new());
    lines.push("New deploys can no longer pick it. This cannot be undone.".into());
    super::open(
        state,
        Dialog::Confirm(Confirm::new(
            Op::DeleteKey {
                id: k.id.clone(),
                name: k.name.clone(),
            },
            format!("Delete SSH key {}", k.name),
            lines,
            state.now,
        )),
    );
    Vec::new()
}

pub fn key_deleted(state: &mut AppState, id: &str, r: ApiResult<()>) -> Vec<Command> {
    let failed = r.as_ref().err().map(ToString::to_string);
    let mine = confirm::settle(state, id, r.map_err(|e| e.to_string()));
    let name = state
        .keys
        .items
        .iter()
        .find(|k| k.id == id)
        .map_or_else(|| id.to_string(), |k| format!("{} ({id})", k.name));
    match failed {
        None => state.say(FlashKind::Success, format!("SSH key {name} deleted")),
        Some(e) if !mine => state.say(
            FlashKind::Warning,
            format!("SSH key {name} not deleted: {e}"),
        ),
        Some(_) => {}
    }
    lists::reload_keys(state)
}

pub fn open_volume(state: &mut AppState) -> Vec<Command> {
    let Some(v) = volume_access::selected_volume(state) else {
        return Vec::new();
    };
    let attached = v.attachments();
    if let Err(why) = check_delete(attached.len(), &v.status) {
        let mut lines = vec![why];
        for d in &attached {
            lines.push(format!(
                "  attached to {}",
                volume_access::deployment_label(state, d)
            ));
        }
        notice::show(state, format!("Cannot delete {}", v.name), lines);
        return Vec::new();
    }
    let spend = volume_access::spend_without(state, &v);
    let c = Confirm::new(
        Op::DeleteVolume {
            id: v.id.clone(),
            name: v.name.clone(),
        },
        format!("Delete volume {}", v.name),
        vec![
            format!(
                "Delete {} ({} GB, {} {})?",
                v.name,
                volume_access::size_gb(&v),
                v.provider,
                v.region
            ),
            String::new(),
            "Its data is deleted for good: this cannot be undone.".into(),
        ],
        state.now,
    );
    let c = c.with_spend(spend);
    super::open(state, Dialog::Confirm(c));
    Vec::new()
}
