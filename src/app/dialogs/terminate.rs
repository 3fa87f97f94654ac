//! Terminate (`x` on a deployment): the one confirm, carrying [`Op::Terminate`] with the id
//! captured when it opened (never a row index), gated by `can-terminate`: no action button
//! while the API says the minimum runtime is not met. When the check fails or its answer does
//! not say, the user may terminate anyway: the DELETE goes out and its answer decides. One
//! DELETE on an explicit confirm.

use super::Dialog;
use super::confirm::{Confirm, Op};
use crate::api::{ApiError, CanTerminate, DeploymentStatus};
use crate::app::action::{ApiResult, Command};
use crate::app::lists;
use crate::app::polling::refresh_deployments;
use crate::app::state::{AppState, FlashKind};
use crate::app::volume_access;
use crate::domain::cost;
use crate::domain::volume_rules::{Detach, rules_for};

#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// `can-terminate` asked, no answer yet: no confirm button.
    Pending,
    Allowed(CanTerminate),
    /// The API says no (minimum runtime not reached): `timeRemaining` shown, no confirm.
    Blocked(CanTerminate),
    /// The answer does not say whether it can be terminated (`canTerminate` missing or
    /// unreadable): `r` asks again, or Enter goes on to terminate anyway.
    Unsaid(CanTerminate),
    /// The check failed: `r` asks again, or Enter goes on to terminate anyway.
    Failed(String),
    /// Terminate anyway, without the API's yes: the word and Enter send the DELETE, whose
    /// answer decides.
    Anyway,
}

impl Check {
    /// The API has not said yes or no: the user may ask again or terminate anyway.
    pub fn unsettled(&self) -> bool {
        matches!(self, Check::Unsaid(_) | Check::Failed(_))
    }
}

/// A volume attached to a deployment being terminated, and what becomes of it.
#[derive(Debug, Clone, PartialEq)]
pub struct VolumeFate {
    pub name: String,
    pub per_hour: Option<f64>,
    /// The provider keeps it bound to the ended instance (Sesterce: detach only once the
    /// deployment is terminal); otherwise it is detached. Either way it keeps billing.
    pub stays_bound: bool,
}

/// The volumes attached to deployment `id`, by what the provider does with them at terminate.
pub fn volume_fates(state: &AppState, id: &str) -> Vec<VolumeFate> {
    state
        .volumes
        .items
        .iter()
        .filter(|v| v.attachments().contains(&id))
        .map(|v| VolumeFate {
            name: v.name.clone(),
            per_hour: v.cost_per_hour(),
            stays_bound: rules_for(&v.provider)
                .is_some_and(|r| r.detach == Detach::OnlyWhenTerminal),
        })
        .collect()
}

/// What terminating deletes, said before every terminate (dialog and command).
pub const LOSS: [&str; 2] = [
    "Terminating DELETES the instance and its disk: the OS, installed packages, models and any data not on a volume.",
    "It cannot be undone or resumed. There is no stop or pause: terminate is the only way to end billing.",
];

/// What becomes of an attached volume at terminate (`detach_hint` names how to detach it).
pub fn fate_text(v: &VolumeFate, detach_hint: &str) -> String {
    if v.stays_bound {
        format!(
            "stays bound to the ended instance and keeps billing: detach it ({detach_hint}) once the instance has ended, then delete it if unneeded"
        )
    } else {
        "is detached and kept: it keeps billing until you delete it".into()
    }
}

/// The answer to `can-terminate` as the terminate flow reads it.
pub fn check_of(result: ApiResult<CanTerminate>) -> Check {
    match result {
        Ok(c) => match c.can_terminate {
            Some(true) => Check::Allowed(c),
            Some(false) => Check::Blocked(c),
            None => Check::Unsaid(c),
        },
        Err(ApiError::NotFound { .. }) => Check::Failed(
            "The API does not know this deployment (404): it may already be terminated.".into(),
        ),
        Err(e) => Check::Failed(e.to_string()),
    }
}

/// Why a terminate must wait, said once: the minutes left of the minimum runtime when the
/// answer gives them, else the API's own reason.
pub fn blocked_text(b: &CanTerminate) -> String {
    let minutes = |m: Option<f64>| m.map_or("?".into(), |m| format!("{:.0}", m.ceil()));
    match (b.time_remaining.filter(|m| *m > 0.0), &b.reason) {
        (None, Some(reason)) => format!("Cannot terminate: {reason}"),
        (None, None) if b.minimum_runtime.is_none() => {
            "Cannot terminate yet; the platform gave no reason.".into()
        }
        _ => {
            let left = minutes(b.time_remaining);
            let remain = if left == "1" {
                "minute remains"
            } else {
                "minutes remain"
            };
            format!(
                "Cannot terminate yet: {left} {remain} of the {}-minute minimum runtime.",
                minutes(b.minimum_runtime)
            )
        }
    }
}

/// What the dialog says while the platform has not said whether it can be terminated.
pub const UNSETTLED: &str = "The platform did not say whether it can be terminated yet. Enter goes on to terminate anyway: the DELETE is sent and the platform's answer decides.";

/// What the dialog says once the user has chosen to terminate anyway.
pub const ANYWAY: &str = "Terminating without the platform's yes: if the minimum runtime is not met, the platform refuses and says how long is left.";

/// What the status says after a terminate about the volumes that keep billing.
fn volumes_after(fates: &[VolumeFate]) -> String {
    if fates.is_empty() {
        return "no volume was attached.".into();
    }
    let rate: Option<f64> = fates.iter().map(|f| f.per_hour).sum();
    let names = |bound: bool| -> Vec<&str> {
        fates
            .iter()
            .filter(|f| f.stays_bound == bound)
            .map(|f| f.name.as_str())
            .collect()
    };
    let mut parts = Vec::new();
    let detached = names(false);
    if !detached.is_empty() {
        parts.push(format!("detached: {}", detached.join(", ")));
    }
    let bound = names(true);
    if !bound.is_empty() {
        parts.push(format!(
            "still bound (detach with D, then delete if unneeded): {}",
            bound.join(", ")
        ));
    }
    format!(
        "volumes keep billing ({}) until deleted — {}.",
        cost::usd_h(rate),
        parts.join("; ")
    )
}

/// `x` on the Deployments pane.
pub fn open(state: &mut AppState) -> Vec<Command> {
    let Some(d) = state.selected_deployment() else {
        return Vec::new();
    };
    if d.status.is_terminal() {
        // said once, with the reason, instead of a terminate that cannot happen
        let name = if d.name.is_empty() { &d.id } else { &d.name };
        let reason = d
            .failure_reason
            .as_deref()
            .map_or(String::new(), |r| format!(": {r}"));
        let text = format!(
            "{name} has already ended ({}){reason}. Nothing to terminate.",
            d.status
        );
        state.say(FlashKind::Info, text);
        return Vec::new();
    }
    let name = if d.name.is_empty() {
        d.id.clone()
    } else {
        d.name.clone()
    };
    let op = Op::Terminate {
        id: d.id.clone(),
        name: name.clone(),
        gpu: format!(
            "{}×{}",
            crate::domain::names::gpu_name(&d.gpu_type),
            d.gpu_count.max(1)
        ),
        instance_type: d.instance_type.to_string(),
    };
    let id = d.id.clone();
    let c = Confirm::new(op, format!("Terminate {name}"), Vec::new(), state.now)
        .gated(Check::Pending)
        .with_spend(volume_access::spend_terminated(state, &id));
    super::open(state, Dialog::Confirm(c));
    vec![Command::CheckCanTerminate { id }]
}

/// The terminate confirm about `id`, if it is open.
fn dialog_for<'a>(state: &'a mut AppState, id: &str) -> Option<&'a mut Confirm> {
    match state.dialog.as_mut() {
        Some(Dialog::Confirm(c)) if matches!(&c.op, Op::Terminate { id: x, .. } if x == id) => {
            Some(c)
        }
        _ => None,
    }
}

pub fn on_checked(state: &mut AppState, id: &str, result: ApiResult<CanTerminate>) {
    let Some(d) = dialog_for(state, id) else {
        return; // the dialog was closed, or is about another deployment
    };
    d.on_action = false;
    d.check = Some(match check_of(result) {
        Check::Failed(why) if why.contains("(404)") => {
            Check::Failed(format!("{why} Refresh with r on the pane."))
        }
        other => other,
    });
}

pub fn on_terminated(state: &mut AppState, id: &str, result: ApiResult<()>) -> Vec<Command> {
    match result {
        Ok(()) => {
            let fates = volume_fates(state, id);
            let name = match dialog_for(state, id).map(|c| c.op.clone()) {
                Some(Op::Terminate { name, .. }) => {
                    state.dialog = None;
                    name
                }
                _ => id.to_string(),
            };
            if let Some(d) = state.deployments.items.iter_mut().find(|d| d.id == id) {
                d.status = DeploymentStatus::Terminated;
                d.stopped_at.get_or_insert(state.now);
            }
            // The row may leave the "active" view: keep cursor and selected id on one row.
            lists::reselect_deployment(state);
            state.arrivals.remove(id);
            state.say(
                FlashKind::Success,
                format!(
                    "Terminated {name}: the instance stopped billing; {}",
                    volumes_after(&fates)
                ),
            );
            // its volumes were detached (or stay bound): both lists again at once
            let mut cmds = refresh_deployments(state);
            cmds.extend(lists::reload_volumes(state));
            cmds
        }
        Err(e) => {
            let blocked = e.termination_blocked();
            let text = e.to_string();
            state.error_from("terminate", &e);
            match dialog_for(state, id) {
                Some(d) => match blocked {
                    Some(c) => {
                        d.busy = false;
                        d.on_action = false;
                        d.check = Some(Check::Blocked(c));
                    }
                    None => d.ask_again(format!("{text} · nothing was terminated")),
                },
                None => state.say(FlashKind::Warning, format!("terminate failed: {text}")),
            }
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn left(minutes: f64) -> CanTerminate {
        CanTerminate {
            can_terminate: Some(false),
            reason: None,
            minimum_runtime: Some(20.0),
            time_remaining: Some(minutes),
            runtime: None,
            raw: serde_json::Value::Null,
        }
    }

    #[test]
    fn the_minutes_left_are_counted_in_words() {
        assert_eq!(
            blocked_text(&left(1.0)),
            "Cannot terminate yet: 1 minute remains of the 20-minute minimum runtime."
        );
        assert_eq!(
            blocked_text(&left(0.2)),
            "Cannot terminate yet: 1 minute remains of the 20-minute minimum runtime."
        );
        assert_eq!(
            blocked_text(&left(12.0)),
            "Cannot terminate yet: 12 minutes remain of the 20-minute minimum runtime."
        );
    }
}
