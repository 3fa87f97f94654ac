//! Deploys followed past the wizard (their state is `tracking::DeployTrack`): the answer to a
//! deploy — created (shown and watched at once), refused (the wizard kept as it was, the field
//! shown), or unclear (5xx, timeout, dropped connection: the list is read before anything
//! else, and a retry needs a new confirm — docs/api-rules.md, "Deploying") — and, after every
//! deployments answer, an unclear deploy settled by what the list shows.

use super::dialogs::Dialog;
use super::dialogs::deploy::{DeployWizard, Phase, Step, offer_gpu_name};
use crate::api::{ApiError, Deployment};
use crate::app::Pane;
use crate::app::action::{ApiResult, Command};
use crate::app::polling::refresh_deployments;
use crate::app::state::{AppState, FlashKind};
use crate::app::tracking::PendingCheck;
use crate::domain::cost;
use crate::domain::unclear_deploy::{Sent, Settlement, settle};

/// Errors after which the deployment may or may not exist: the request may have reached the
/// server and been acted on. (A redirect is an answer too: it is not followed, so look.)
pub fn unclear(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::Server { .. }
            | ApiError::Network { .. }
            | ApiError::Timeout { .. }
            | ApiError::Decode { .. }
            | ApiError::Redirect { .. }
    )
}

pub fn on_deployed(state: &mut AppState, result: ApiResult<Deployment>) -> Vec<Command> {
    state.deploy.in_flight = false;
    let posted_at = state.deploy.posted_at.unwrap_or(state.now);
    match result {
        Ok(d) => {
            let name = d.name.clone();
            let mut cmds = Vec::new();
            let wiz = take_wizard(state);
            // The guard typed in the wizard, stored for the new deployment.
            if let Some(set) = wiz
                .as_ref()
                .and_then(|w| crate::app::guard::wizard_guard_command(w, state, &d.id))
            {
                cmds.push(set);
            }
            let what = wiz
                .as_ref()
                .map(|w| {
                    format!(
                        "{}×{} on {} at {}",
                        offer_gpu_name(&w.offer),
                        w.offer.gpu_count,
                        w.offer.provider,
                        cost::usd_h(w.offer.hourly_rate())
                    )
                })
                .unwrap_or_default();
            adopt(state, d);
            state.say(
                FlashKind::Success,
                format!("Deploying {name} {what}: watching it (status every poll)"),
            );
            cmds.extend(refresh_deployments(state));
            cmds
        }
        Err(e) if unclear(&e) => {
            let Some(request) = state.deploy.last_request.clone() else {
                state.say(FlashKind::Warning, format!("deploy failed: {e}"));
                return Vec::new();
            };
            let skip = u8::from(state.schedule.deployments_in_flight);
            state.deploy.check = Some(PendingCheck {
                request,
                posted_at,
                known_ids: state.deploy.known_at_post.clone(),
                skip_answers: skip,
                error: e.to_string(),
            });
            state.error_from("deploy, unclear answer", &e);
            set_phase(state, Phase::Checking, None);
            refresh_deployments(state)
        }
        Err(e) => {
            let step = match &e {
                ApiError::Validation { field, .. } => field.as_deref().and_then(Step::of_field),
                _ => None,
            };
            let msg = match &e {
                ApiError::RateLimited { retry_after } => {
                    let until =
                        state.now + chrono::Duration::from_std(*retry_after).unwrap_or_default();
                    state.deploy.blocked_until = Some(until);
                    format!(
                        "The API rate-limited deploys (429): nothing was created. Wait {}s; the deploy button returns then.",
                        retry_after.as_secs()
                    )
                }
                ApiError::Unauthorized { .. } => {
                    "The API refused the key (401): nothing was created. Esc closes the wizard; enter a valid key in the prompt that opens on the next refresh (r).".to_string()
                }
                ApiError::Validation { .. } => format!("{e} — nothing was created; fix it and confirm again."),
                _ => format!("{e} — nothing was created."),
            };
            state.error_from("deploy", &e);
            set_phase(state, Phase::Editing, Some((msg, step)));
            Vec::new()
        }
    }
}

fn take_wizard(state: &mut AppState) -> Option<Box<DeployWizard>> {
    match state.dialog.take() {
        Some(Dialog::Deploy(w)) => Some(w),
        other => {
            state.dialog = other;
            None
        }
    }
}

fn set_phase(state: &mut AppState, phase: Phase, error: Option<(String, Option<Step>)>) {
    if let Some(Dialog::Deploy(w)) = state.dialog.as_mut() {
        w.phase = phase;
        w.on_action = false;
        if let Some((msg, step)) = error {
            w.error = Some(msg);
            w.error_step = step;
            match step {
                Some(s) => w.go(s),
                None => w.go(Step::Summary),
            }
        }
    }
}

/// A deployment this session created: shown at once, selected, watched.
fn adopt(state: &mut AppState, mut d: Deployment) {
    if d.created_at.is_none() && d.started_at.is_none() {
        d.created_at = Some(state.now);
    }
    let id = d.id.clone();
    let now = state.now;
    let w = state.arrivals.entry(id.clone()).or_default();
    w.created_here.get_or_insert(now);
    match state.deployments.items.iter_mut().find(|x| x.id == id) {
        Some(x) => *x = d,
        None => state.deployments.items.insert(0, d),
    }
    state.pane = Pane::Deployments;
    // Shown at once even when the `f` filter would hide it (e.g. on "inactive").
    if !state.visible_deployments().iter().any(|x| x.id == id) {
        state.deployment_filter = crate::api::DeploymentFilter::All;
    }
    state.deployments.selected_id = Some(id.clone());
    if let Some(pos) = state.visible_deployments().iter().position(|x| x.id == id) {
        state.deployments.cursor.selected = pos;
    }
}

/// The team whose deployments list is read besides the platform's current one (the list
/// without `teamId` is only that team's): while an unclear deploy is being settled, the team
/// it went to; otherwise the team chosen for new deploys on the Account pane, so what is
/// deployed there is shown, watched and counted.
pub(crate) fn other_team_to_read(state: &AppState) -> Option<String> {
    let f = &state.deploy;
    let team = match f.check.as_ref().or(f.recheck.as_ref()) {
        Some(check) => check.request.team_id.as_deref(),
        None => state.account.chosen_team.as_deref(),
    }?;
    let current = state
        .account
        .balance
        .as_ref()
        .and_then(|b| b.current())
        .map(|t| t.team_id.as_str());
    (current != Some(team)).then(|| team.to_string())
}

/// Called after every deployments answer: settles an unclear deploy by what the list shows
/// ([`unclear_deploy::settle`]): found, not created (only from a complete list), or unknown.
pub fn after_list(state: &mut AppState, list_ok: bool) -> Vec<Command> {
    let Some(check) = state.deploy.check.clone() else {
        return Vec::new();
    };
    let sent = Sent {
        request: &check.request,
        posted_at: check.posted_at,
        known_before: &check.known_ids,
    };
    let deployments = &state.deployments;
    let settled = if list_ok {
        settle(&sent, &deployments.items, &deployments.completeness)
    } else {
        // The items are the last known ones: a find among them still counts.
        match settle(&sent, &deployments.items, &deployments.completeness) {
            found @ Settlement::Created(_) => found,
            _ => Settlement::Unknown("the deployments list could not be read".into()),
        }
    };
    let text = settled.explain(&check.error);
    match settled {
        Settlement::Created(d) => {
            state.deploy.check = None;
            let guard = take_wizard(state)
                .and_then(|w| crate::app::guard::wizard_guard_command(&w, state, &d.id));
            adopt(state, *d);
            state.say(FlashKind::Warning, format!("{text} Watching it."));
            guard.into_iter().collect()
        }
        // An answer to a request sent before the failure may predate what the POST did.
        _ if list_ok && check.skip_answers > 0 => {
            if let Some(c) = state.deploy.check.as_mut() {
                c.skip_answers -= 1;
            }
            refresh_deployments(state)
        }
        Settlement::NotCreated => {
            state.deploy.check = None;
            set_phase(state, Phase::NotCreated { error: text }, None);
            Vec::new()
        }
        Settlement::Unknown(_) => {
            state.deploy.check = None;
            let msg = format!("{text} r reads the list again; Esc closes.");
            set_phase(state, Phase::Unknown { error: msg }, None);
            // Keep what `r` needs: the request and what was known before the POST.
            state.deploy.recheck = Some(check);
            Vec::new()
        }
    }
}

/// `r` in the "cannot tell" state: the check starts again with what it knew.
pub(crate) fn recheck(state: &mut AppState, w: &mut DeployWizard) -> Vec<Command> {
    let Some(mut check) = state.deploy.recheck.take() else {
        return Vec::new();
    };
    check.skip_answers = u8::from(state.schedule.deployments_in_flight);
    state.deploy.check = Some(check);
    w.phase = Phase::Checking;
    refresh_deployments(state)
}
