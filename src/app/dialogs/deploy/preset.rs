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

/// The presets of `config.toml` (and in the demo, of the demo's own presets file) as the
/// dashboard holds them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Presets {
    /// Where "save as preset" adds one: `config.toml`, or in the demo the demo's own presets
    /// file; `None`: no config directory is known.
    pub file: Option<std::path::PathBuf>,
    pub saved: std::collections::BTreeMap<String, Preset>,
    /// Each preset's cloud-init file as read at start-up, by preset name.
    pub cloud_inits: std::collections::BTreeMap<String, Result<CloudInit, String>>,
}

/// The wizard's preset question, over its current step.
#[derive(Debug, Clone)]
pub enum PresetMode {
    /// Choosing the preset to start from (the cursor among the saved ones, by name).
    Pick(usize),
    /// Naming the preset the choices are saved as.
    Save(Input),
}

/// "Start from preset" with the preset `name`: its choices put into the wizard (on the offer
/// it was opened on), then the Name step, the one thing a preset does not hold (the SSH step
/// when it holds no key either). Nothing changes when a choice does not fit the offer or the
/// account: the error says which.
pub fn start(state: &mut AppState, w: &mut DeployWizard, name: &str) -> Result<(), String> {
    let Some(mut p) = state.presets.saved.get(name).cloned() else {
        return Err(format!("no preset {name:?}"));
    };
    let cloud_init = match state.presets.cloud_inits.get(name) {
        Some(Err(e)) => return Err(format!("preset {name}: {e}")),
        Some(Ok(ci)) => Some(ci.clone()),
        None => None,
    };
    // `~/.ssh/k.pub` names the key file the wizard read from the home's `.ssh`.
    if let Some(rest) = p.ssh_key_file.as_deref().and_then(|f| f.strip_prefix('~'))
        && let Some(k) = state
            .cache
            .local_pub_keys
            .iter()
            .flatten()
            .find(|k| k.path.ends_with(rest))
    {
        p.ssh_key_file = Some(k.path.clone());
    }
    let mut changed = w.clone();
    apply(state, &mut changed, &p, cloud_init).map_err(|e| format!("preset {name}: {e}"))?;
    changed.preset = None;
    changed.from_preset = Some(name.to_string());
    changed.error = None;
    // A preset without a key leaves the key to choose first; else the name.
    let (next, what) = match changed.ssh {
        None => (super::Step::Ssh, "choose the SSH key"),
        Some(_) => (super::Step::Name, "name the deployment"),
    };
    changed.go(next);
    *w = changed;
    let offer_note = match (&p.offer, &p.cheapest) {
        (Some(id), _) if *id != w.offer.offer_id => " (its offer is another: this one is kept)",
        (_, Some(_)) => " (its `cheapest` is for the command line: this offer is kept)",
        _ => "",
    };
    state.say(
        crate::app::state::FlashKind::Success,
        format!("Started from preset {name}{offer_note}: {what}, then check the summary"),
    );
    Ok(())
}

/// What "save as preset" sends for the name typed: the wizard's choices ([`from_wizard`]),
/// keeping the cloud-init file of the preset it started from while its content is unchanged.
/// `Err` says why nothing is saved (a bad or taken name, no `config.toml` known).
pub fn save_command(
    state: &AppState,
    w: &DeployWizard,
    name: &str,
) -> Result<(crate::app::action::Command, Option<String>), String> {
    crate::domain::preset::check_name(name)?;
    if state.presets.saved.contains_key(name) {
        return Err(format!(
            "a preset called {name} exists: choose another name"
        ));
    }
    let Some(file) = state.presets.file.clone() else {
        return Err("no config directory is known: the preset cannot be saved".into());
    };
    let typed = CloudInit {
        packages: w.packages.clone(),
        runcmd: w.runcmd.clone(),
        write_files: w.write_files.clone(),
    };
    let kept = w.from_preset.as_ref().and_then(|from| {
        let path = state.presets.saved.get(from)?.cloud_init.clone()?;
        match state.presets.cloud_inits.get(from) {
            Some(Ok(ci)) if *ci == typed => Some(path),
            _ => None,
        }
    });
    let note = (kept.is_none() && !typed.is_empty()).then(|| {
        "the cloud-init typed in the wizard is not saved: a preset names a cloud-init file"
            .to_string()
    });
    let preset = from_wizard(state, w, kept);
    Ok((
        crate::app::action::Command::SavePreset {
            file,
            name: name.to_string(),
            preset: Box::new(preset),
        },
        note,
    ))
}

/// The answer of a save: the preset is offered at once when saved.
pub fn saved(state: &mut AppState, name: String, preset: Preset, result: Result<(), String>) {
    use crate::app::state::FlashKind;
    match result {
        Ok(()) => {
            let file = state
                .presets
                .file
                .as_deref()
                .and_then(|f| f.file_name())
                .map_or("config.toml".into(), |f| f.to_string_lossy());
            let demo = if state.session.demo { " --demo" } else { "" };
            state.say(
                FlashKind::Success,
                format!(
                    "Saved preset {name} in {file}: `spheron-tui{demo} deploy --preset {name} --name NAME` uses it"
                ),
            );
            state.presets.saved.insert(name, preset);
        }
        Err(e) => state.say(FlashKind::Warning, format!("preset {name} not saved: {e}")),
    }
}
