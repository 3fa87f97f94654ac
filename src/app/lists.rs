//! Loading the lists: the one place each list request is made (offers, SSH keys, volumes,
//! Kubernetes versions, local public keys), and taking their answers with the selection kept on
//! the same id.

use chrono::{DateTime, Utc};

use super::action::{ApiResult, Command, LocalPubKey};
use super::dialogs::key_prompt;
use super::polling::{VOLUMES_EVERY_SECS, hold_until, secs};
use super::state::{AppState, ListView};
use crate::api::{ApiError, Completeness, Gap, KubernetesVersion, Listing};

/// The offers query from page 1; `new_query` drops answers to the one before.
pub(crate) fn fetch_offers(state: &mut AppState, new_query: bool) -> Command {
    if new_query {
        state.offers.seq += 1;
    }
    state.offers.loading = true;
    Command::FetchOffers {
        seq: state.offers.seq,
        page: 1,
        query: state.offers.query(1),
    }
}

fn keys_request(state: &mut AppState) -> Command {
    state.schedule.keys_in_flight = true;
    state.keys.loading = true;
    Command::FetchKeys
}

/// The SSH keys, unless a request is already out.
pub(crate) fn fetch_keys(state: &mut AppState) -> Vec<Command> {
    if state.schedule.keys_in_flight {
        return Vec::new();
    }
    vec![keys_request(state)]
}

/// The SSH keys, unless loaded or on the way.
pub(crate) fn load_keys_once(state: &mut AppState) -> Vec<Command> {
    if state.keys.loaded_at.is_some() {
        return Vec::new();
    }
    fetch_keys(state)
}

/// The SSH keys again at once, after a write (a request already out may predate it).
pub(crate) fn reload_keys(state: &mut AppState) -> Vec<Command> {
    vec![keys_request(state)]
}

pub(crate) fn volumes_request(state: &mut AppState) -> Command {
    state.schedule.volumes_in_flight = true;
    // once per page the list takes, so requests per window do not grow with it
    let pages = i64::from(state.schedule.volume_pages.max(1));
    state.schedule.volumes_due = Some(state.now + secs(VOLUMES_EVERY_SECS * pages));
    state.volumes.loading = true;
    Command::FetchVolumes {
        teams: super::teams::volumes_teams(state),
    }
}

/// The volumes again at once, after a write (a request already out may predate it).
pub(crate) fn reload_volumes(state: &mut AppState) -> Vec<Command> {
    vec![volumes_request(state)]
}

/// The Kubernetes versions the platform offers, unless on the way — or, unless `fresh`, already
/// loaded. The deploy wizard and the Kubernetes details share the one answer.
pub(crate) fn fetch_k8s_versions(state: &mut AppState, fresh: bool) -> Vec<Command> {
    let loaded = matches!(state.cache.k8s_versions, Some(Ok(_)));
    if state.cache.k8s_in_flight || (loaded && !fresh) {
        return Vec::new();
    }
    state.cache.k8s_in_flight = true;
    vec![Command::FetchKubernetesVersions]
}

/// Kept for the deploy wizard (the Kubernetes details take the answer too: `answers`).
pub(crate) fn k8s_versions_loaded(state: &mut AppState, r: &ApiResult<Vec<KubernetesVersion>>) {
    state.cache.k8s_in_flight = false;
    state.cache.k8s_versions = Some(r.clone().map_err(|e| e.to_string()));
}

/// Kept for the deploy wizard (the add-key dialog takes the answer too: `answers`).
pub(crate) fn pub_keys_found(state: &mut AppState, found: &[LocalPubKey]) {
    state.cache.local_pub_keys = Some(found.to_vec());
}

/// Which objects [`name_providers`] renames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Named {
    Offers,
    Deployments,
    Volumes,
}

/// The providers of `which` by the name the providers list gives them, once that list is
/// known: one name for a provider known by two (`verda`, `data-crunch`), shown and sent alike.
pub(crate) fn name_providers(state: &mut AppState, which: &[Named]) {
    let Some(listed) = state.providers.as_deref() else {
        return;
    };
    let rename = super::offers::rename_provider;
    for w in which {
        match w {
            Named::Offers => state.offers.name_providers(listed),
            Named::Deployments => {
                for d in &mut state.deployments.items {
                    rename(&mut d.provider, listed);
                }
            }
            Named::Volumes => {
                for v in &mut state.volumes.items {
                    rename(&mut v.provider, listed);
                }
            }
        }
    }
}

/// Take a list answer; on success keep the selection on the same id. A failed read leaves the
/// last known items, and the list incomplete.
pub(crate) fn absorb_list<T>(
    view: &mut ListView<T>,
    result: ApiResult<Listing<T>>,
    now: DateTime<Utc>,
    id: impl Fn(&T) -> &String,
) -> Option<ApiError> {
    view.loading = false;
    match result {
        Ok(listing) => {
            view.items = listing.items;
            view.completeness = listing.completeness;
            view.loaded_at = Some(now);
            view.error = None;
            let found = view
                .selected_id
                .as_ref()
                .and_then(|sel| view.items.iter().position(|x| id(x) == sel));
            view.cursor.selected = found
                .unwrap_or_else(|| view.cursor.selected.min(view.items.len().saturating_sub(1)));
            view.selected_id = view.items.get(view.cursor.selected).map(|x| id(x).clone());
            None
        }
        Err(e) => {
            view.error = Some(e.to_string());
            view.completeness = Completeness::with(Gap::NotRead(e.to_string()));
            Some(e)
        }
    }
}

/// Deployments are shown filtered: find the selected id among the visible rows.
pub(crate) fn reselect_deployment(state: &mut AppState) {
    let visible = state.visible_deployments();
    let found = state
        .deployments
        .selected_id
        .as_ref()
        .and_then(|sel| visible.iter().position(|d| &d.id == sel));
    let idx = found.unwrap_or_else(|| {
        state
            .deployments
            .cursor
            .selected
            .min(visible.len().saturating_sub(1))
    });
    let id = visible.get(idx).map(|d| d.id.clone());
    state.deployments.cursor.selected = idx;
    state.deployments.selected_id = id;
}

/// A load that failed before now succeeded: its error leaves the status bar (any other error
/// stays until its own source recovers).
pub(crate) fn clear_stale_error(state: &mut AppState, source: &str, was: Option<String>) {
    let Some(was) = was else { return };
    if state.status.last_error.as_deref() == Some(format!("{source}: {was}").as_str()) {
        state.status.last_error = None;
    }
}

/// A list request failed: the status bar and the log say so, naming `source`; a 401 asks for a
/// key, a 429 holds the polls.
pub(crate) fn on_error(state: &mut AppState, source: &str, e: &ApiError) {
    state.error_from(source, e);
    react(state, e);
}

/// What a failed list request makes the dashboard do, besides saying so: a 401 asks for a key,
/// a 429 holds the polls.
pub(crate) fn react(state: &mut AppState, e: &ApiError) {
    match e {
        ApiError::Unauthorized { .. } => {
            key_prompt::open(state, "The API refused the key (401). Enter a valid key:");
        }
        ApiError::RateLimited { retry_after } => {
            let until = state.now + chrono::Duration::from_std(*retry_after).unwrap_or_default();
            hold_until(state, until);
        }
        _ => {}
    }
}
