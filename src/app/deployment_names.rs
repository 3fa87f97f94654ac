//! What a deployment that a volume refers to is called, for people, when the deployments list
//! does not hold it (an ended one, while only the active ones are read): each such deployment
//! is read by id once, so that a volume names its deployment instead of showing only an id.

use super::action::{ApiResult, Command};
use super::state::AppState;
use crate::api::{ApiError, Deployment, DeploymentStatus};

/// A deployment outside the list, as far as it is known.
#[derive(Debug, Clone, PartialEq)]
pub enum Named {
    /// Asked by id; no answer yet.
    Reading,
    /// Read by id: its name and status.
    Read {
        name: String,
        status: DeploymentStatus,
    },
    /// The API no longer knows it (404): its name cannot be known.
    Gone,
}

/// What a deployment id refers to, for people.
#[derive(Debug, Clone, Copy)]
pub enum Called<'a> {
    /// In the deployments list held.
    Listed(&'a Deployment),
    /// Outside the list, asked or read by id.
    Outside(&'a Named),
    /// Outside the list and not asked for (no key, or the list has not loaded yet).
    Unasked,
}

pub fn called<'a>(state: &'a AppState, id: &str) -> Called<'a> {
    if let Some(d) = state.deployments.items.iter().find(|d| d.id == id) {
        return Called::Listed(d);
    }
    match state.cache.deployment_names.get(id) {
        Some(n) => Called::Outside(n),
        None => Called::Unasked,
    }
}

/// For a column: the name; a deployment outside the list with its status
/// (`eval-h100-sesterce (terminated)`); the id only while it is being read.
pub fn short(state: &AppState, id: &str) -> String {
    match called(state, id) {
        Called::Listed(d) => d.name.clone(),
        Called::Outside(Named::Read { name, status }) => format!("{name} ({status})"),
        Called::Outside(Named::Gone) => format!("ended ({id})"),
        Called::Outside(Named::Reading) | Called::Unasked => id.to_string(),
    }
}

/// In words, with the id: `llm-finetune (dep_…)`, `eval-h100-sesterce (dep_…, terminated: not
/// in the active list)`, or why the name is not known.
pub fn long(state: &AppState, id: &str) -> String {
    match called(state, id) {
        Called::Listed(d) => format!("{} ({id})", d.name),
        Called::Outside(Named::Read { name, status }) => {
            format!("{name} ({id}, {status})")
        }
        Called::Outside(Named::Reading) => {
            format!("a deployment not in the list shown ({id}): reading its name…")
        }
        Called::Outside(Named::Gone) => format!(
            "an ended deployment ({id}): the API no longer knows it, so its name cannot be known"
        ),
        Called::Unasked => format!("a deployment not in the list shown ({id})"),
    }
}

/// Read by id each deployment a volume is attached to that the loaded list does not hold, once
/// (and not one already being read because it left the list); only while the Volumes pane,
/// where the names are shown, is in view, so a session that never looks sends none.
pub fn lookups(state: &mut AppState) -> Vec<Command> {
    if state.pane != super::Pane::Volumes
        || !state.session.has_key()
        || state.deployments.loaded_at.is_none()
    {
        return Vec::new();
    }
    let mut ids: Vec<String> = state
        .volumes
        .items
        .iter()
        .flat_map(|v| v.attachments())
        .filter(|id| matches!(called(state, id), Called::Unasked))
        .filter(|id| !state.leaving.contains_key(*id))
        .map(str::to_owned)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .map(|id| {
            state
                .cache
                .deployment_names
                .insert(id.clone(), Named::Reading);
            Command::FetchDeployment { id }
        })
        .collect()
}

/// A deployment read by id (whoever asked): its name kept. A failed read other than a 404 is
/// forgotten, so the next volumes load asks again.
pub fn fetched(state: &mut AppState, id: &str, result: &ApiResult<Box<Deployment>>) {
    let names = &mut state.cache.deployment_names;
    match result {
        Ok(d) => {
            // a deployment without a name is still known by its id
            let name = if d.name.trim().is_empty() {
                id
            } else {
                &d.name
            };
            names.insert(
                id.to_string(),
                Named::Read {
                    name: name.to_string(),
                    status: d.status.clone(),
                },
            );
        }
        Err(ApiError::NotFound { .. }) => {
            names.insert(id.to_string(), Named::Gone);
        }
        Err(_) => {
            names.remove(id);
        }
    }
}
