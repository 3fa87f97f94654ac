//! What the volume rules table (`domain::volume_rules`) says about this account's volumes and
//! instances, in one place: the rows of an attach/detach pick with each row's verdict, the
//! refusal of a whole pick with its reason, and what a volume change does to the hourly spend.
//! Every attach and detach — from a volume or from a deployment — goes through [`pick_rows`].

use super::action::Command;
use super::dialogs::confirm::Spend;
use super::state::AppState;
use crate::api::{Deployment, DeploymentStatus, Volume};
use crate::domain::spend::Tally;
use crate::domain::volume_rules::{
    AttachTarget, VolumeFacts, check_attach, check_attach_at_create, check_detach, rules_for,
    same_provider,
};

/// The one `POST /api/volumes` body, for the create dialog and `volume create`: after the
/// provider's rules on exactly what is sent (the size within the region's range, the placement
/// the provider needs). `Err` says which rule refuses it.
pub fn new_volume(
    name: &str,
    size: u64,
    provider: &str,
    region: &crate::api::VolumeRegion,
    team_id: Option<String>,
    deployment_id: Option<String>,
) -> Result<crate::api::NewVolume, String> {
    use crate::domain::volume_rules::{check_placement, check_size};
    let rules = rules_for(provider).ok_or_else(|| format!("{provider} does not offer volumes"))?;
    check_size(rules, size, region.min_size_gb, region.max_size_gb)?;
    check_placement(
        provider,
        Some(&region.id),
        region.cloud_id.as_deref(),
        region.cloud_name.as_deref(),
    )?;
    let placed = |v: &Option<String>| v.clone().filter(|_| rules.cloud_id_required);
    Ok(crate::api::NewVolume {
        name: name.to_string(),
        size_in_gb: size,
        provider: provider.to_string(),
        region: Some(region.id.clone()),
        cloud_id: placed(&region.cloud_id),
        cloud_name: placed(&region.cloud_name),
        team_id,
        deployment_id,
    })
}

/// A picker row whose verdict waits for the deployment's status.
pub const CHECKING: &str = "checking the instance's status…";

/// A row of a picker: a deployment a volume could attach to (or be detached from) — or, when
/// picking from a deployment, a volume — and whether the rules allow it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The deployment's id (the volume's, when the pick starts from a deployment).
    pub id: String,
    pub label: String,
    pub verdict: Result<(), String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickKind {
    Attach,
    Detach,
}

/// Where a pick starts: from a volume (rows are deployments) or from a deployment (rows are
/// volumes).
#[derive(Debug, Clone, PartialEq)]
pub enum PickFrom {
    Volume { id: String, name: String },
    Deployment { id: String, name: String },
}

/// A pick the rules allow to open: its rows, and the status lookups its verdicts wait for.
#[derive(Debug, Clone)]
pub struct PickRows {
    pub provider: String,
    pub rows: Vec<Candidate>,
    pub lookups: Vec<Command>,
}

/// Why a pick cannot open: a title and the reasons, for a notice.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub title: String,
    pub lines: Vec<String>,
}

pub fn selected_volume(state: &AppState) -> Option<Volume> {
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

pub fn deployment_label(state: &AppState, id: &str) -> String {
    match state.deployments.items.iter().find(|d| d.id == id) {
        Some(d) => format!("{} · {} · {} · {}", d.name, d.provider, d.region, d.status),
        None => format!("{} · not active", super::deployment_names::short(state, id)),
    }
}

pub fn volume_label(v: &Volume) -> String {
    format!(
        "{} · {} · {} · {} GB · {}",
        v.name,
        v.provider,
        v.region,
        size_gb(v),
        v.status
    )
}

pub fn size_gb(v: &Volume) -> u64 {
    v.size_in_gb.map_or(0, |s| s.round() as u64)
}

/// Creating, deleting or errored volumes take no action.
pub fn busy_status(v: &Volume) -> Option<String> {
    match v.status.as_str() {
        "available" | "attached" | "" => None,
        s => Some(format!(
            "{} is {s}: wait until it is available (r refreshes)",
            v.name
        )),
    }
}

/// What the table says about the provider (Verda's says that a cross-region attach looks
/// attached and silently cannot be read).
pub fn provider_note(provider: &str) -> String {
    rules_for(provider).map_or(String::new(), |r| r.note.to_string())
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

fn facts(v: &Volume) -> VolumeFacts<'_> {
    VolumeFacts {
        provider: &v.provider,
        region: &v.region,
        attached_to: v.attachments().len(),
    }
}

fn target_of<'a>(state: &AppState, d: &'a Deployment) -> AttachTarget<'a> {
    AttachTarget {
        provider: &d.provider,
        region: &d.region,
        status: &d.status,
        volumes_attached: volumes_on(state, &d.id),
    }
}

/// The verdict on attaching `v` to `d`: the one attach check every caller uses.
pub fn attach_verdict(state: &AppState, v: &Volume, d: &Deployment) -> Result<(), String> {
    if v.attachments().contains(&d.id.as_str()) {
        return Err("already attached to this instance".to_string());
    }
    if let Some(why) = busy_status(v) {
        return Err(why);
    }
    check_attach(facts(v), target_of(state, d))
}

/// Active deployments of the same provider (volumes never cross providers), each with whether
/// a new volume in `region` of `provider` may attach to it at creation.
pub fn create_targets(state: &AppState, provider: &str, region: &str) -> Vec<Candidate> {
    state
        .deployments
        .items
        .iter()
        .filter(|d| d.status.is_live() && same_provider(&d.provider, provider))
        .map(|d| Candidate {
            id: d.id.clone(),
            label: deployment_label(state, &d.id),
            verdict: check_attach_at_create(provider, region, target_of(state, d)),
        })
        .collect()
}

/// Whether a pick of `kind` may open from `from`, and its rows: the one rule check behind every
/// attach and detach. A refusal holds the reason (and the provider's note).
pub fn pick_rows(state: &AppState, kind: PickKind, from: &PickFrom) -> Result<PickRows, Refusal> {
    let refuse = |title: String, lines: Vec<String>| Err(Refusal { title, lines });
    match from {
        PickFrom::Volume { id, .. } => {
            let Some(v) = state.volumes.items.iter().find(|v| &v.id == id) else {
                return refuse("Volume not listed".into(), vec!["r refreshes".into()]);
            };
            let verb = if kind == PickKind::Attach {
                "attach"
            } else {
                "detach"
            };
            let title = format!("Cannot {verb} {}", v.name);
            let note = provider_note(&v.provider);
            let rules = rules_for(&v.provider);
            let (rows, lookups) = match kind {
                PickKind::Attach => {
                    let Some(rules) = rules else {
                        return refuse(
                            title,
                            vec![format!("{} does not offer volumes", v.provider)],
                        );
                    };
                    // a refusal of the volume itself, whatever the instance
                    let any = AttachTarget {
                        provider: &v.provider,
                        region: &v.region,
                        status: &DeploymentStatus::Running,
                        volumes_attached: 0,
                    };
                    if !rules.attach_after_launch {
                        let why = check_attach(
                            VolumeFacts {
                                attached_to: 0,
                                ..facts(v)
                            },
                            any,
                        );
                        return refuse(title, vec![why.err().unwrap_or_default(), note]);
                    }
                    if let Some(why) = busy_status(v) {
                        return refuse(title, vec![why]);
                    }
                    if !rules.shareable && !v.attachments().is_empty() {
                        let why = check_attach(facts(v), any).err().unwrap_or_default();
                        return refuse(title, vec![why]);
                    }
                    let rows: Vec<Candidate> = state
                        .deployments
                        .items
                        .iter()
                        .filter(|d| d.status.is_live() && same_provider(&d.provider, &v.provider))
                        .map(|d| Candidate {
                            id: d.id.clone(),
                            label: deployment_label(state, &d.id),
                            verdict: attach_verdict(state, v, d),
                        })
                        .collect();
                    if rows.is_empty() {
                        return refuse(
                            title,
                            vec![
                                format!(
                                    "No active {} instance to attach to. Volumes attach to running instances of the same provider and region ({}, {}).",
                                    v.provider, v.provider, v.region
                                ),
                                note,
                            ],
                        );
                    }
                    (rows, Vec::new())
                }
                PickKind::Detach => {
                    if v.attachments().is_empty() {
                        return refuse(title, vec![format!("{} is not attached.", v.name)]);
                    }
                    let mut lookups = Vec::new();
                    let rows = v
                        .attachments()
                        .into_iter()
                        .map(|dep| {
                            let verdict = match deployment_status(state, dep) {
                                Some(s) => check_detach(&v.provider, &s),
                                None if rules.is_some_and(|r| r.detach_only_when_terminal()) => {
                                    lookups.push(Command::FetchDeployment {
                                        id: dep.to_string(),
                                    });
                                    Err(CHECKING.to_string())
                                }
                                None => Ok(()),
                            };
                            Candidate {
                                id: dep.to_string(),
                                label: deployment_label(state, dep),
                                verdict,
                            }
                        })
                        .collect();
                    (rows, lookups)
                }
            };
            one_refused(title, rows, lookups, &v.provider, note)
        }
        PickFrom::Deployment { id, .. } => {
            let Some(d) = state.deployments.items.iter().find(|d| &d.id == id) else {
                return refuse("Deployment not listed".into(), vec!["r refreshes".into()]);
            };
            let note = provider_note(&d.provider);
            match kind {
                PickKind::Attach => {
                    let title = format!("Cannot attach to {}", d.name);
                    let Some(rules) = rules_for(&d.provider) else {
                        return refuse(
                            title,
                            vec![format!("{} does not offer volumes", d.provider)],
                        );
                    };
                    if !rules.attach_after_launch {
                        return refuse(
                            title,
                            vec![
                                format!(
                                    "{} volumes attach only when the instance is created (volumeIds in the deploy wizard)",
                                    rules.provider
                                ),
                                note,
                            ],
                        );
                    }
                    let rows: Vec<Candidate> = state
                        .volumes
                        .items
                        .iter()
                        .filter(|v| same_provider(&v.provider, &d.provider))
                        .map(|v| Candidate {
                            id: v.id.clone(),
                            label: volume_label(v),
                            verdict: attach_verdict(state, v, d),
                        })
                        .collect();
                    if rows.is_empty() {
                        return refuse(
                            title,
                            vec![format!(
                                "No {} volumes yet: create one on the Volumes pane (a), in {}.",
                                rules.provider, d.region
                            )],
                        );
                    }
                    Ok(PickRows {
                        provider: d.provider.clone(),
                        rows,
                        lookups: Vec::new(),
                    })
                }
                PickKind::Detach => {
                    let title = format!("Cannot detach from {}", d.name);
                    let rows: Vec<Candidate> = state
                        .volumes
                        .items
                        .iter()
                        .filter(|v| v.attachments().contains(&d.id.as_str()))
                        .map(|v| Candidate {
                            id: v.id.clone(),
                            label: volume_label(v),
                            verdict: check_detach(&v.provider, &d.status),
                        })
                        .collect();
                    if rows.is_empty() {
                        return refuse(title, vec![format!("{} has no volume attached.", d.name)]);
                    }
                    one_refused(title, rows, Vec::new(), &d.provider, note)
                }
            }
        }
    }
}

/// A pick whose only row is refused (and waits for nothing) is refused as a whole.
fn one_refused(
    title: String,
    rows: Vec<Candidate>,
    lookups: Vec<Command>,
    provider: &str,
    note: String,
) -> Result<PickRows, Refusal> {
    if let [only] = rows.as_slice()
        && let Err(why) = &only.verdict
        && lookups.is_empty()
    {
        return Err(Refusal {
            title,
            lines: vec![why.clone(), note],
        });
    }
    Ok(PickRows {
        provider: provider.to_string(),
        rows,
        lookups,
    })
}

/// What the account pays per hour now (instances and volumes).
pub fn spend_now(state: &AppState) -> Tally {
    super::spend::account_burn(state)
}

/// `$/h now → after` when `v` is deleted (after unknown when its rate is).
pub fn spend_without(state: &AppState, v: &Volume) -> Spend {
    let now = spend_now(state);
    Spend {
        now,
        after: now.minus(v.cost_per_hour()),
    }
}

/// $/GB·h of `v`: its own, else its hourly rate over its size.
pub fn rate_per_gb(v: &Volume) -> Option<f64> {
    let size = v.size_in_gb.filter(|s| *s > 0.0)?;
    v.hourly_rate_per_gb
        .or_else(|| v.hourly_rate.map(|h| h / size))
}

/// `$/h now → after` when `v` grows to `new_gb` (after unknown when its rate is).
pub fn spend_expanded(state: &AppState, v: &Volume, new_gb: u64) -> Spend {
    let now = spend_now(state);
    let added = v
        .size_in_gb
        .zip(rate_per_gb(v))
        .map(|(size, per_gb)| (new_gb as f64 - size) * per_gb);
    Spend {
        now,
        after: now.with(added),
    }
}

/// `$/h now → after` when a volume costing `per_hour` is created.
pub fn spend_created(state: &AppState, per_hour: Option<f64>) -> Spend {
    let now = spend_now(state);
    Spend {
        now,
        after: now.with(per_hour),
    }
}

/// `$/h now → after` when deployment `id` is terminated (its volumes keep billing).
pub fn spend_terminated(state: &AppState, id: &str) -> Spend {
    let now = spend_now(state);
    let rate = state
        .deployments
        .items
        .iter()
        .find(|d| d.id == id)
        .map(|d| d.hourly_rate.or_else(|| super::spend::offer_rate(state)(d)));
    Spend {
        now,
        after: match rate {
            Some(r) => now.minus(r),
            // Not among the deployments held: what it cost was not counted either.
            None => now,
        },
    }
}
