//! A preset ([`Preset`]) applied to the wizard, and the wizard's choices as a preset: the one
//! mapping `deploy --preset` and the wizard's "start from preset" / "save as preset" share, so
//! the two cannot read a preset differently.

use tui_input::Input;

use super::{DeployWizard, SshSel, k8s_versions, team_options};
use crate::api::CloudInit;
use crate::app::state::AppState;
use crate::domain::preset::Preset;

/// The item whose id is `arg`, else the one item named `arg`: `Err` holds every item of that
/// name (none, or several: the caller names them).
pub fn by_id_or_name<'a, T>(
    items: &'a [T],
    arg: &str,
    id: fn(&T) -> &str,
    name: fn(&T) -> &str,
) -> Result<&'a T, Vec<&'a T>> {
    if let Some(x) = items.iter().find(|x| id(x) == arg) {
        return Ok(x);
    }
    let named: Vec<&T> = items.iter().filter(|x| name(x) == arg).collect();
    match named.as_slice() {
        [one] => Ok(*one),
        _ => Err(named),
    }
}

/// Put `p`'s choices into `w` (whose offer is already chosen): region and OS among the offer's,
/// the SSH key among the saved ones (a key file must be among `state.cache.local_pub_keys`,
/// by the path `p` names), team, volumes and Kubernetes version by name or id, the guard as
/// typed. `cloud_init` is the content of `p.cloud_init`, read by the caller. A name that
/// matches nothing, or several, is an error naming the choices.
pub fn apply(
    state: &AppState,
    w: &mut DeployWizard,
    p: &Preset,
    cloud_init: Option<CloudInit>,
) -> Result<(), String> {
    if let Some(r) = &p.region {
        let regions = w.offer.regions();
        w.region = regions.iter().position(|x| x == r).ok_or_else(|| {
            format!(
                "region {r:?} is not one of the offer's: {}",
                regions.join(", ")
            )
        })?;
    }
    if let Some(os) = &p.os {
        let list = &w.offer.os_options;
        w.os = list.iter().position(|x| x == os).ok_or_else(|| {
            format!(
                "operating system {os:?} is not one of the offer's: {}",
                list.join(", ")
            )
        })?;
    }
    if let Some(k) = &p.ssh_key {
        let keys = &state.keys.items;
        let key = match by_id_or_name(keys, k, |x| &x.id, |x| &x.name) {
            Ok(x) => x,
            Err(none) if none.is_empty() => {
                let names: Vec<&str> = keys.iter().map(|x| x.name.as_str()).collect();
                return Err(format!(
                    "no saved SSH key is called {k:?} (saved: {})",
                    if names.is_empty() {
                        "none".into()
                    } else {
                        names.join(", ")
                    }
                ));
            }
            Err(many) => {
                let ids: Vec<&str> = many.iter().map(|x| x.id.as_str()).collect();
                return Err(format!(
                    "{} saved SSH keys are called {k:?}: name one by its id ({})",
                    many.len(),
                    ids.join(", ")
                ));
            }
        };
        w.ssh = Some(SshSel::Saved(key.id.clone()));
    }
    if let Some(path) = &p.ssh_key_file {
        let known = state
            .cache
            .local_pub_keys
            .iter()
            .flatten()
            .any(|k| &k.path == path);
        if !known {
            return Err(format!("{path} was not read as a public key"));
        }
        w.ssh = Some(SshSel::Local(path.clone()));
    }
    if let Some(t) = &p.team {
        let teams = team_options(state);
        let team = match by_id_or_name(&teams, t, |x| &x.0, |x| &x.1) {
            Ok(x) => x,
            Err(_) => {
                let all: Vec<String> = teams.iter().map(|x| format!("{} ({})", x.1, x.0)).collect();
                return Err(format!(
                    "team {t:?} is not one team of yours: {}",
                    all.join(", ")
                ));
            }
        };
        w.team = Some(team.0.clone());
    }
    if let Some(ci) = cloud_init {
        w.packages = ci.packages;
        w.runcmd = ci.runcmd;
        w.write_files = ci.write_files;
    }
    w.volumes.clear();
    for v in &p.volumes {
        match by_id_or_name(&state.volumes.items, v, |x| &x.id, |x| &x.name) {
            Ok(x) => w.volumes.push(x.id.clone()),
            Err(none) if none.is_empty() => return Err(format!("no volume is called {v:?}")),
            Err(many) => {
                let ids: Vec<&str> = many.iter().map(|x| x.id.as_str()).collect();
                return Err(format!(
                    "{} volumes are called {v:?}: name one by its id ({})",
                    many.len(),
                    ids.join(", ")
                ));
            }
        }
    }
    w.k8s = 0;
    if let Some(v) = &p.kubernetes {
        let versions = k8s_versions(state);
        w.k8s = versions
            .iter()
            .position(|x| x == v)
            .map(|i| i + 1)
            .ok_or_else(|| {
                format!(
                    "Kubernetes version {v:?} is not one the API lists ({})",
                    if versions.is_empty() {
                        "none listed".into()
                    } else {
                        versions.join(", ")
                    }
                )
            })?;
    }
    w.guard = Input::new(p.guard_spec().unwrap_or_default());
    Ok(())
}

/// The wizard's choices as a preset: the offer by id, names where there are names (a key, a
/// team, volumes), the guard as typed. The cloud-init the wizard holds is not a file: it is
/// not saved (the preset keeps the file `keep_cloud_init` names, if any).
pub fn from_wizard(state: &AppState, w: &DeployWizard, keep_cloud_init: Option<String>) -> Preset {
    let mut p = Preset {
        offer: Some(w.offer.offer_id.clone()),
        region: Some(w.region()).filter(|r| !r.is_empty()),
        os: Some(w.os()).filter(|o| !o.is_empty()),
        team: w.team.clone(),
        cloud_init: keep_cloud_init,
        ..Preset::default()
    };
    match &w.ssh {
        Some(SshSel::Saved(id)) => {
            p.ssh_key = Some(
                state
                    .keys
                    .items
                    .iter()
                    .find(|k| &k.id == id)
                    .map_or(id.clone(), |k| k.name.clone()),
            );
        }
        Some(SshSel::Local(path)) => p.ssh_key_file = Some(path.clone()),
        Some(SshSel::Paste) | None => {}
    }
    p.volumes = w
        .volumes
        .iter()
        .map(|id| {
            state
                .volumes
                .items
                .iter()
                .find(|v| &v.id == id)
                .map_or(id.clone(), |v| v.name.clone())
        })
        .collect();
    p.kubernetes = w
        .k8s
        .checked_sub(1)
        .and_then(|i| k8s_versions(state).get(i).cloned());
    p.set_guard_spec(w.guard.value());
    p
}
