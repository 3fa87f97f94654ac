//! Volume provider rules (docs/api-rules.md, "Volumes") in ONE table. The volume dialogs, the deploy
//! wizard and the demo server all read it, so the UI never offers what the platform refuses.

use crate::api::DeploymentStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detach {
    /// Hot-detach any time.
    Always,
    /// Only when the deployment is terminal (failed, terminated, terminated-provider), so a
    /// stranded volume can be recovered.
    OnlyWhenTerminal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderRules {
    pub provider: &'static str,
    /// Other names the platform has used for the same provider.
    pub aliases: &'static [&'static str],
    pub min_size_gb: u64,
    pub max_size_gb: u64,
    pub region_required: bool,
    /// Sesterce: the region's `cloudId` and `cloudName` (from the regions answer) must both be
    /// sent on create.
    pub cloud_id_required: bool,
    /// `deploymentId` accepted on create (attach during creation).
    pub attach_at_create: bool,
    /// The attach endpoint works after launch.
    pub attach_after_launch: bool,
    pub detach: Detach,
    /// Volumes one instance may have.
    pub max_per_instance: u32,
    /// One volume may be attached to several instances at once.
    pub shareable: bool,
    pub rename: bool,
    pub expand: bool,
    /// Volumes carry a `virtualIp` for NFS mounting (Voltage Park).
    pub virtual_ip: bool,
    /// What to tell the user about this provider's volumes, beside [`ProviderRules::limits`]
    /// (which says the sizes and whether they can be renamed or resized).
    pub note: &'static str,
}

pub const RULES: &[ProviderRules] = &[
    ProviderRules {
        provider: "voltage-park",
        aliases: &[],
        min_size_gb: 1,
        max_size_gb: 64_000,
        region_required: false,
        cloud_id_required: false,
        attach_at_create: true,
        attach_after_launch: true,
        detach: Detach::Always,
        max_per_instance: 1,
        shareable: false,
        rename: true,
        expand: true,
        virtual_ip: true,
        note: "One volume per instance; mount over NFS at its virtualIp.",
    },
    ProviderRules {
        provider: "data-crunch",
        aliases: &["verda"],
        min_size_gb: 1,
        max_size_gb: 10_000,
        region_required: true,
        cloud_id_required: false,
        attach_at_create: true,
        attach_after_launch: true,
        detach: Detach::Always,
        max_per_instance: 10,
        shareable: true,
        rename: false,
        expand: false,
        virtual_ip: false,
        note: "Up to 10 per instance and shareable, but only in the instance's region: a cross-region attach looks attached and silently cannot be read.",
    },
    ProviderRules {
        provider: "sesterce",
        aliases: &[],
        min_size_gb: 50,
        max_size_gb: 10_000,
        region_required: true,
        cloud_id_required: true,
        attach_at_create: false,
        attach_after_launch: false,
        detach: Detach::OnlyWhenTerminal,
        max_per_instance: 1,
        shareable: false,
        rename: false,
        expand: false,
        virtual_ip: false,
        note: "Immutable: one volume, bound when the instance is created (choose it in the deploy wizard); detach only after the instance has ended.",
    },
    ProviderRules {
        provider: "spheron-ai",
        aliases: &[],
        min_size_gb: 1,
        max_size_gb: 51_200,
        region_required: true,
        cloud_id_required: false,
        attach_at_create: true,
        attach_after_launch: true,
        detach: Detach::Always,
        max_per_instance: 10,
        shareable: false,
        rename: false,
        expand: false,
        virtual_ip: false,
        note: "Up to 10 per instance, one instance per volume, hot-detach supported. To grow, create a larger volume and migrate the data.",
    },
];

impl ProviderRules {
    /// Sesterce: manual detach only once the deployment is terminal.
    pub fn detach_only_when_terminal(&self) -> bool {
        self.detach == Detach::OnlyWhenTerminal
    }

    /// What its volumes allow once created, said where the provider is chosen (before one is
    /// made): the size range and whether a volume can be renamed or resized.
    pub fn limits(&self) -> String {
        let change = match (self.rename, self.expand) {
            (true, true) => "can be renamed and resized",
            (true, false) => "can be renamed, not resized",
            (false, true) => "can be resized, not renamed",
            (false, false) => "cannot be renamed or resized",
        };
        format!("{}–{} GB · {change}", self.min_size_gb, self.max_size_gb)
    }
}

/// The rules of `provider` (or of a provider it is also known as); `None` when the provider
/// offers no volumes.
pub fn rules_for(provider: &str) -> Option<&'static ProviderRules> {
    let p = provider.trim().to_ascii_lowercase();
    RULES
        .iter()
        .find(|r| r.provider == p || r.aliases.contains(&p.as_str()))
}

/// Whether two region strings name the same region: the one comparison every volume and
/// deploy check uses. An opaque `xxxx:` prefix and case are ignored (`166e655a:FIN-01` is
/// `fin-01`); an empty region matches nothing.
pub fn same_region(a: &str, b: &str) -> bool {
    let bare = |r: &str| {
        r.rsplit_once(':')
            .map_or(r, |(_, tail)| tail)
            .trim()
            .to_ascii_lowercase()
    };
    !bare(a).is_empty() && bare(a) == bare(b)
}

/// One name for each provider whatever an object calls it (`verda` → `data-crunch`): what
/// identifies an offer across loads, whichever name the providers list uses that day.
pub fn canonical_provider(provider: &str) -> &str {
    rules_for(provider).map_or(provider, |r| r.provider)
}

/// Whether two provider names mean the same provider (`verda` is `data-crunch`).
pub fn same_provider(a: &str, b: &str) -> bool {
    match (rules_for(a), rules_for(b)) {
        (Some(x), Some(y)) => x.provider == y.provider,
        _ => a.eq_ignore_ascii_case(b),
    }
}

/// The name the platform's providers list (`GET /api/providers`) gives `provider`: the listed
/// name of the same provider (`verda` when the list says `verda` and an object says
/// `data-crunch`), else `provider` as it is. What is shown and what is sent.
pub fn listed_name<'a>(provider: &'a str, listed: Option<&'a [String]>) -> &'a str {
    listed
        .and_then(|l| {
            l.iter()
                .find(|p| *p == provider)
                .or_else(|| l.iter().find(|p| same_provider(p, provider)))
        })
        .map_or(provider, String::as_str)
}

/// Whether a volume in `volume_region` can serve an instance in `instance_region`: the same
/// region, or no region at all for a provider whose volumes need none (a Voltage Park volume
/// created without one attaches at launch and after it alike).
pub fn region_fits(rules: &ProviderRules, volume_region: &str, instance_region: &str) -> bool {
    (!rules.region_required && volume_region.trim().is_empty())
        || same_region(volume_region, instance_region)
}

/// Lowercase letters, digits, `-` and `_`; 1 to 60 characters.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a volume needs a name".into());
    }
    if name.chars().count() > 60 {
        return Err("at most 60 characters".into());
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_'))
    {
        return Err(format!(
            "`{bad}` is not allowed: use lowercase letters, digits, - and _"
        ));
    }
    Ok(())
}

/// Size within the provider's limits and, when known, the region's (`minSizeGb`/`maxSizeGb`).
pub fn check_size(
    rules: &ProviderRules,
    size_gb: u64,
    region_min: Option<f64>,
    region_max: Option<f64>,
) -> Result<(), String> {
    let min = region_min.map_or(rules.min_size_gb, |m| {
        (m.ceil() as u64).max(rules.min_size_gb)
    });
    let max = region_max.map_or(rules.max_size_gb, |m| {
        (m.floor() as u64).min(rules.max_size_gb)
    });
    if size_gb < min || size_gb > max {
        return Err(format!(
            "{} volumes here take {min} to {max} GB",
            rules.provider
        ));
    }
    Ok(())
}

/// What the attach dialog needs to know about the target.
#[derive(Debug, Clone, Copy)]
pub struct AttachTarget<'a> {
    pub provider: &'a str,
    pub region: &'a str,
    pub status: &'a DeploymentStatus,
    /// Volumes the deployment already has.
    pub volumes_attached: usize,
}

/// What the dialog needs to know about the volume.
#[derive(Debug, Clone, Copy)]
pub struct VolumeFacts<'a> {
    pub provider: &'a str,
    pub region: &'a str,
    /// Deployments it is attached to now.
    pub attached_to: usize,
}

pub fn check_attach(v: VolumeFacts, d: AttachTarget) -> Result<(), String> {
    let rules =
        rules_for(v.provider).ok_or_else(|| format!("{} does not offer volumes", v.provider))?;
    if !rules.attach_after_launch {
        return Err(format!(
            "{} volumes attach only when the instance is created (pick it in the deploy wizard)",
            rules.provider
        ));
    }
    check_target(rules, v, d)
}

/// Attach a new volume during creation (`deploymentId` on `POST /api/volumes`).
pub fn check_attach_at_create(provider: &str, region: &str, d: AttachTarget) -> Result<(), String> {
    let rules = rules_for(provider).ok_or_else(|| format!("{provider} does not offer volumes"))?;
    if !rules.attach_at_create {
        return Err(format!(
            "{} volumes cannot be attached when they are created: they bind to an instance at its launch (volumeIds in the deploy wizard)",
            rules.provider
        ));
    }
    let v = VolumeFacts {
        provider,
        region,
        attached_to: 0,
    };
    check_target(rules, v, d)
}

/// Where a new volume goes: `region` where the provider requires one, `cloudId` and
/// `cloudName` for Sesterce.
pub fn check_placement(
    provider: &str,
    region: Option<&str>,
    cloud_id: Option<&str>,
    cloud_name: Option<&str>,
) -> Result<&'static ProviderRules, String> {
    let rules = rules_for(provider).ok_or_else(|| format!("{provider} does not offer volumes"))?;
    if rules.region_required && region.is_none_or(str::is_empty) {
        return Err(format!("{} volumes need a region", rules.provider));
    }
    if rules.cloud_id_required
        && (cloud_id.is_none_or(str::is_empty) || cloud_name.is_none_or(str::is_empty))
    {
        return Err(format!(
            "{} volumes need the region's cloudId and cloudName (from the regions list)",
            rules.provider
        ));
    }
    Ok(rules)
}

fn check_target(rules: &ProviderRules, v: VolumeFacts, d: AttachTarget) -> Result<(), String> {
    if !same_provider(v.provider, d.provider) {
        return Err(format!(
            "the volume is on {} and the instance on {}: they must be the same provider",
            v.provider, d.provider
        ));
    }
    if !region_fits(rules, v.region, d.region) {
        return Err(format!(
            "the volume is in {} and the instance in {}: they must be in the same region{}",
            v.region,
            d.region,
            if rules.shareable {
                " (a cross-region attach looks attached but silently cannot be read)"
            } else {
                ""
            }
        ));
    }
    if *d.status != DeploymentStatus::Running {
        return Err(format!(
            "the instance is {}: volumes attach to running instances",
            d.status
        ));
    }
    if !rules.shareable && v.attached_to > 0 {
        return Err(format!(
            "{} volumes attach to one instance at a time: detach it first",
            rules.provider
        ));
    }
    if d.volumes_attached >= rules.max_per_instance as usize {
        return Err(format!(
            "{} allows {} volume{} per instance and this one has {}",
            rules.provider,
            rules.max_per_instance,
            if rules.max_per_instance == 1 { "" } else { "s" },
            d.volumes_attached
        ));
    }
    Ok(())
}

pub fn check_detach(provider: &str, deployment_status: &DeploymentStatus) -> Result<(), String> {
    let rules = rules_for(provider).ok_or_else(|| format!("{provider} does not offer volumes"))?;
    match rules.detach {
        Detach::Always => Ok(()),
        Detach::OnlyWhenTerminal if deployment_status.is_terminal() => Ok(()),
        Detach::OnlyWhenTerminal => Err(format!(
            "{} volumes detach only after the instance has ended (it is {})",
            rules.provider, deployment_status
        )),
    }
}

pub fn check_rename(provider: &str) -> Result<(), String> {
    match rules_for(provider) {
        Some(r) if r.rename => Ok(()),
        Some(r) => Err(format!(
            "{} volumes cannot be renamed. {}",
            r.provider, r.note
        )),
        None => Err(format!("{provider} does not offer volumes")),
    }
}

pub fn check_expand(provider: &str, current_gb: u64, new_gb: u64) -> Result<(), String> {
    let r = rules_for(provider).ok_or_else(|| format!("{provider} does not offer volumes"))?;
    if !r.expand {
        return Err(format!(
            "{} volumes cannot be resized. {}",
            r.provider, r.note
        ));
    }
    if new_gb <= current_gb {
        return Err(format!(
            "a volume can only grow: choose more than {current_gb} GB"
        ));
    }
    check_size(r, new_gb, None, None)
}

/// Volumes are deleted only when detached.
pub fn check_delete(attached_to: usize, status: &str) -> Result<(), String> {
    if attached_to > 0 || status == "attached" {
        return Err("the volume is attached: detach it (or terminate its instance) first".into());
    }
    if status == "deleting" {
        return Err("the volume is already being deleted".into());
    }
    Ok(())
}

/// How many volumes a deploy may attach at launch on `provider` (0: none).
pub fn max_at_launch(provider: &str) -> u32 {
    rules_for(provider).map_or(0, |r| r.max_per_instance)
}

#[cfg(test)]
mod tests;
