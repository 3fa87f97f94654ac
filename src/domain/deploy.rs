//! The deploy request, built from ONE offer (docs/api-rules.md, "Deploying"), and the rules that
//! decide what the wizard may offer: regions, OS, SSH source, cloud-init, volumes, the
//! Kubernetes add-on. Pure: everything it needs comes in as arguments.

use super::volume_rules;
use crate::api::{CloudInit, DeployRequest, InstanceType, KubernetesAddonRequest, Offer, Volume};

/// Where the instance's login key comes from: exactly one (docs/api-rules.md, "Deploying").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SshChoice {
    #[default]
    None,
    /// A key saved on the account (`sshKeyId`).
    Saved { id: String },
    /// An OpenSSH public key sent inline (`ssh_public_key`): from `~/.ssh/*.pub` or pasted.
    Inline { public_key: String },
}

/// What the user chose in the wizard, plus the catalog the choices are checked against
/// (volumes as listed, Kubernetes versions as listed by the API).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeployChoices {
    pub region: String,
    pub operating_system: String,
    pub ssh: SshChoice,
    pub team_id: Option<String>,
    pub name: Option<String>,
    pub cloud_init: Option<CloudInit>,
    /// The volumes to attach at launch (full objects, so their provider/region can be checked).
    pub volumes: Vec<Volume>,
    /// The Kubernetes add-on version, if chosen.
    pub kubernetes_version: Option<String>,
    /// Versions `GET /api/kubernetes/versions` listed.
    pub kubernetes_versions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeployError {
    #[error("this offer cannot be deployed now: {0}")]
    Unavailable(&'static str),
    #[error("region {0:?} is not one this offer lists")]
    Region(String),
    #[error("operating system {0:?} is not one this offer lists")]
    OperatingSystem(String),
    #[error("choose an SSH key: a saved key or a public key")]
    NoSsh,
    #[error(
        "that is not an OpenSSH public key (it should start with ssh-ed25519, ssh-rsa, ecdsa-…)"
    )]
    BadPublicKey,
    #[error("the name is too long (at most {MAX_NAME} characters)")]
    NameTooLong,
    #[error("the name has control characters")]
    NameChars,
    #[error("this offer does not support cloud-init")]
    CloudInitUnsupported,
    #[error("{0}")]
    Volume(String),
    #[error("the Kubernetes add-on exists only on Voltage Park CLUSTER offers")]
    AddonUnsupported,
    #[error("Kubernetes version {0:?} is not one the API lists")]
    AddonVersion(String),
}

pub const MAX_NAME: usize = 63;

/// The POST body: the seven offer fields copied from `offer`, the choices checked against it.
pub fn build_request(offer: &Offer, choices: &DeployChoices) -> Result<DeployRequest, DeployError> {
    if let Some(why) = offer.unavailable_reason() {
        return Err(DeployError::Unavailable(why));
    }
    if !offer.regions().contains(&choices.region.as_str()) {
        return Err(DeployError::Region(choices.region.clone()));
    }
    if !offer.os_options.contains(&choices.operating_system) {
        return Err(DeployError::OperatingSystem(
            choices.operating_system.clone(),
        ));
    }
    let (ssh_key_id, ssh_public_key) = match &choices.ssh {
        SshChoice::None => return Err(DeployError::NoSsh),
        SshChoice::Saved { id } if id.trim().is_empty() => return Err(DeployError::NoSsh),
        SshChoice::Saved { id } => (Some(id.clone()), None),
        SshChoice::Inline { public_key } => {
            let k = public_key.trim();
            if !is_public_key(k) {
                return Err(DeployError::BadPublicKey);
            }
            (None, Some(k.to_string()))
        }
    };
    let name = match choices.name.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(n) => {
            check_name(n)?;
            Some(n.to_string())
        }
    };
    let cloud_init = match &choices.cloud_init {
        Some(ci) if !ci.is_empty() => {
            if !offer.supports_cloud_init {
                return Err(DeployError::CloudInitUnsupported);
            }
            Some(ci.clone())
        }
        _ => None,
    };
    check_volumes(offer, &choices.region, &choices.volumes)?;
    let kubernetes_addon = match &choices.kubernetes_version {
        None => None,
        Some(v) => {
            if !addon_possible(offer) {
                return Err(DeployError::AddonUnsupported);
            }
            if !choices.kubernetes_versions.contains(v) {
                return Err(DeployError::AddonVersion(v.clone()));
            }
            Some(KubernetesAddonRequest {
                version: v.clone(),
                authentication_config_b64: None,
            })
        }
    };
    Ok(DeployRequest {
        provider: offer.provider.clone(),
        offer_id: offer.offer_id.clone(),
        gpu_type: offer.gpu_type.clone(),
        gpu_count: offer.gpu_count,
        region: choices.region.clone(),
        operating_system: choices.operating_system.clone(),
        instance_type: offer.instance_type.clone(),
        ssh_key_id,
        ssh_public_key,
        team_id: choices.team_id.clone().filter(|t| !t.is_empty()),
        name,
        cloud_init,
        kubernetes_addon,
        volume_ids: choices.volumes.iter().map(|v| v.id.clone()).collect(),
    })
}

/// A deployment name: printable, at most [`MAX_NAME`] characters.
pub fn check_name(name: &str) -> Result<(), DeployError> {
    if name.chars().count() > MAX_NAME {
        return Err(DeployError::NameTooLong);
    }
    if name.chars().any(char::is_control) {
        return Err(DeployError::NameChars);
    }
    Ok(())
}

/// An OpenSSH public key line, as `domain::ssh_key` checks it (one check for both the deploy
/// wizard and the SSH keys pane).
pub fn is_public_key(s: &str) -> bool {
    super::ssh_key::check_public_key(s).is_ok()
}

/// The Kubernetes add-on exists only on Voltage Park CLUSTER offers (docs/api-rules.md, "Deploying").
pub fn addon_possible(offer: &Offer) -> bool {
    offer.provider == "voltage-park" && offer.instance_type == InstanceType::Cluster
}

/// How many volumes one instance of `provider` may have at launch; `None` when the provider
/// has no volumes (the shared table in `volume_rules`, docs/api-rules.md, "Volumes").
pub fn volume_limit(provider: &str) -> Option<usize> {
    volume_rules::rules_for(provider).map(|r| r.max_per_instance as usize)
}

/// Volumes that attach to one instance at a time: one attached elsewhere is not offered.
/// (Verda / data-crunch volumes can be shared.)
fn exclusive_volumes(provider: &str) -> bool {
    volume_rules::rules_for(provider).is_some_and(|r| !r.shareable)
}

/// `data-crunch` is also known as `verda` (docs/api-rules.md, "Volumes").
pub fn same_provider(a: &str, b: &str) -> bool {
    volume_rules::same_provider(a, b)
}

pub use volume_rules::same_region;

/// Why `provider` cannot be deployed to or hold a volume: the platform's providers list
/// (`GET /api/providers`) names neither it nor a name it is also known by. `None` when it is
/// listed, or while the list is not known (the API still checks then).
pub fn provider_unlisted(provider: &str, listed: Option<&[String]>) -> Option<String> {
    let listed = listed?;
    if listed.iter().any(|p| same_provider(p, provider)) {
        return None;
    }
    Some(format!(
        "{provider} is not in the platform's providers list ({}): it cannot be used now",
        if listed.is_empty() {
            "empty".to_string()
        } else {
            listed.join(", ")
        }
    ))
}

/// Why `volume` cannot be attached at launch of `offer` in `region`, or `None` when it can.
pub fn volume_unfit(offer: &Offer, region: &str, volume: &Volume) -> Option<String> {
    let Some(rules) = volume_rules::rules_for(&offer.provider) else {
        return Some(format!("{} instances take no volumes", offer.provider));
    };
    if !same_provider(&volume.provider, &offer.provider) {
        return Some(format!("{} is a {} volume", volume.name, volume.provider));
    }
    if !volume_rules::region_fits(rules, &volume.region, region) {
        return Some(format!(
            "{} is in {}, not {region}",
            volume.name, volume.region
        ));
    }
    if matches!(volume.status.as_str(), "deleting" | "deleted") {
        return Some(format!("{} is being deleted", volume.name));
    }
    if exclusive_volumes(&offer.provider) && !volume.attachments().is_empty() {
        return Some(format!("{} is attached to another instance", volume.name));
    }
    None
}

/// The volumes the wizard offers for `offer` in `region`.
pub fn offerable_volumes<'a>(
    offer: &Offer,
    region: &str,
    volumes: &'a [Volume],
) -> Vec<&'a Volume> {
    volumes
        .iter()
        .filter(|v| volume_unfit(offer, region, v).is_none())
        .collect()
}

fn check_volumes(offer: &Offer, region: &str, volumes: &[Volume]) -> Result<(), DeployError> {
    if volumes.is_empty() {
        return Ok(());
    }
    let Some(limit) = volume_limit(&offer.provider) else {
        return Err(DeployError::Volume(format!(
            "{} instances take no volumes",
            offer.provider
        )));
    };
    if volumes.len() > limit {
        return Err(DeployError::Volume(format!(
            "{} allows {limit} volume{} per instance",
            offer.provider,
            if limit == 1 { "" } else { "s" }
        )));
    }
    for (i, v) in volumes.iter().enumerate() {
        if volumes[..i].iter().any(|w| w.id == v.id) {
            return Err(DeployError::Volume(format!("{} is chosen twice", v.name)));
        }
        if let Some(why) = volume_unfit(offer, region, v) {
            return Err(DeployError::Volume(why));
        }
    }
    Ok(())
}

/// Which wizard step a field named in a 400 answer belongs to.
pub fn step_of_field(field: &str) -> Option<&'static str> {
    let f = field.to_ascii_lowercase();
    Some(match f.as_str() {
        "region" => "region",
        "operatingsystem" | "os" => "os",
        "sshkeyid" | "ssh_public_key" | "sshpublickey" => "ssh",
        "teamid" => "team",
        "name" => "name",
        _ if f.starts_with("cloudinit") => "cloud-init",
        _ if f.starts_with("volumeids") => "volumes",
        _ if f.starts_with("kubernetesaddon") => "kubernetes",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::decode;
    use serde_json::json;

    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f me@host";

    fn offer(provider: &str, ty: &str) -> Offer {
        decode(json!({
            "provider": provider, "offerId": "o-1", "gpuType": "H100_80G", "gpuCount": 8,
            "price": 21.52, "instanceType": ty, "available": true,
            "clusters": ["166e655a:culpeper-usa-1", "fin-01"],
            "os_options": ["Ubuntu 22.04", "Ubuntu 24.04"], "supportsCloudInit": true
        }))
        .unwrap()
    }

    fn volume(id: &str, provider: &str, region: &str, attached: Option<&str>) -> Volume {
        decode(
            json!({"id": id, "name": id, "provider": provider, "region": region,
                      "status": "available", "deploymentId": attached}),
        )
        .unwrap()
    }

    fn choices() -> DeployChoices {
        DeployChoices {
            region: "166e655a:culpeper-usa-1".into(),
            operating_system: "Ubuntu 22.04".into(),
            ssh: SshChoice::Saved { id: "k1".into() },
            team_id: Some("t1".into()),
            name: Some(" trainer ".into()),
            ..DeployChoices::default()
        }
    }

    #[test]
    fn the_seven_fields_come_from_the_one_offer() {
        let o = offer("spheron-ai", "DEDICATED");
        let r = build_request(&o, &choices()).unwrap();
        assert_eq!(r.provider, "spheron-ai");
        assert_eq!(r.offer_id, "o-1");
        assert_eq!(r.gpu_type, "H100_80G");
        assert_eq!(r.gpu_count, 8);
        assert_eq!(r.region, "166e655a:culpeper-usa-1"); // verbatim, prefix included
        assert_eq!(r.operating_system, "Ubuntu 22.04");
        assert_eq!(r.instance_type, InstanceType::Dedicated);
        assert_eq!(r.ssh_key_id.as_deref(), Some("k1"));
        assert_eq!(r.ssh_public_key, None);
        assert_eq!(r.team_id.as_deref(), Some("t1"));
        assert_eq!(r.name.as_deref(), Some("trainer"));
    }

    #[test]
    fn providers_must_be_listed() {
        let listed: Vec<String> = ["spheron-ai", "data-crunch"].map(String::from).to_vec();
        assert_eq!(provider_unlisted("spheron-ai", Some(&listed)), None);
        // also-known-as names count
        assert_eq!(provider_unlisted("verda", Some(&listed)), None);
        let why = provider_unlisted("sesterce", Some(&listed)).unwrap();
        assert!(why.contains("sesterce") && why.contains("spheron-ai, data-crunch"));
        assert!(provider_unlisted("sesterce", Some(&[])).is_some());
        assert_eq!(provider_unlisted("sesterce", None), None);
    }

    #[test]
    fn region_and_os_must_be_the_offers() {
        let o = offer("spheron-ai", "DEDICATED");
        let mut c = choices();
        c.region = "culpeper-usa-1".into();
        assert_eq!(
            build_request(&o, &c),
            Err(DeployError::Region("culpeper-usa-1".into()))
        );
        let mut c = choices();
        c.operating_system = "ubuntu-22.04".into();
        assert!(matches!(
            build_request(&o, &c),
            Err(DeployError::OperatingSystem(_))
        ));
    }

    #[test]
    fn exactly_one_ssh_source_and_it_must_be_a_key() {
        let o = offer("spheron-ai", "DEDICATED");
        let mut c = choices();
        c.ssh = SshChoice::None;
        assert_eq!(build_request(&o, &c), Err(DeployError::NoSsh));
        c.ssh = SshChoice::Inline {
            public_key: "hello world".into(),
        };
        assert_eq!(build_request(&o, &c), Err(DeployError::BadPublicKey));
        c.ssh = SshChoice::Inline {
            public_key: format!("  {KEY}\n"),
        };
        let r = build_request(&o, &c).unwrap();
        assert_eq!(r.ssh_public_key.as_deref(), Some(KEY));
        assert_eq!(r.ssh_key_id, None);
    }

    #[test]
    fn maintenance_offers_are_refused() {
        let mut o = offer("spheron-ai", "DEDICATED");
        o.maintenance = true;
        assert!(matches!(
            build_request(&o, &choices()),
            Err(DeployError::Unavailable(_))
        ));
    }

    #[test]
    fn cloud_init_only_when_supported() {
        let mut o = offer("spheron-ai", "DEDICATED");
        let mut c = choices();
        c.cloud_init = Some(CloudInit {
            packages: vec!["htop".into()],
            ..CloudInit::default()
        });
        assert!(build_request(&o, &c).unwrap().cloud_init.is_some());
        o.supports_cloud_init = false;
        assert_eq!(
            build_request(&o, &c),
            Err(DeployError::CloudInitUnsupported)
        );
        // An empty cloud-init is simply not sent.
        c.cloud_init = Some(CloudInit::default());
        assert!(build_request(&o, &c).unwrap().cloud_init.is_none());
    }

    #[test]
    fn addon_only_on_voltage_park_cluster_with_a_listed_version() {
        let mut c = choices();
        c.kubernetes_version = Some("1.35".into());
        c.kubernetes_versions = vec!["1.34".into(), "1.35".into()];
        let vp = offer("voltage-park", "CLUSTER");
        let r = build_request(&vp, &c).unwrap();
        assert_eq!(r.kubernetes_addon.unwrap().version, "1.35");
        for o in [
            offer("voltage-park", "DEDICATED"),
            offer("spheron-ai", "CLUSTER"),
        ] {
            assert_eq!(build_request(&o, &c), Err(DeployError::AddonUnsupported));
        }
        c.kubernetes_version = Some("1.20".into());
        assert!(matches!(
            build_request(&vp, &c),
            Err(DeployError::AddonVersion(_))
        ));
    }

    #[test]
    fn volume_rules_per_provider() {
        let region = "166e655a:culpeper-usa-1";
        // sesterce and voltage-park: one volume
        for p in ["sesterce", "voltage-park"] {
            let o = offer(p, "DEDICATED");
            let mut c = choices();
            c.volumes = vec![
                volume("a", p, "culpeper-usa-1", None),
                volume("b", p, "culpeper-usa-1", None),
            ];
            assert!(matches!(build_request(&o, &c), Err(DeployError::Volume(_))));
            c.volumes.pop();
            assert_eq!(build_request(&o, &c).unwrap().volume_ids, vec!["a"]);
        }
        // spheron-ai: up to 10, never one attached elsewhere, same region
        let o = offer("spheron-ai", "DEDICATED");
        let vols: Vec<Volume> = (0..11)
            .map(|i| volume(&format!("v{i}"), "spheron-ai", region, None))
            .collect();
        let mut c = choices();
        c.volumes = vols[..10].to_vec();
        assert_eq!(build_request(&o, &c).unwrap().volume_ids.len(), 10);
        c.volumes = vols.clone();
        assert!(build_request(&o, &c).is_err());
        let busy = volume("busy", "spheron-ai", region, Some("d9"));
        let far = volume("far", "spheron-ai", "fin-01", None);
        let other = volume("other", "sesterce", region, None);
        assert!(volume_unfit(&o, region, &busy).is_some());
        assert!(volume_unfit(&o, region, &far).is_some());
        assert!(volume_unfit(&o, region, &other).is_some());
        let all = [busy, far, other, vols[0].clone()];
        let ok = offerable_volumes(&o, region, &all);
        assert_eq!(ok.len(), 1);
        assert_eq!(ok[0].id, "v0");
        // verda / data-crunch: shared volumes are fine, the names are one provider
        let dc = offer("data-crunch", "DEDICATED");
        let shared = volume("shared", "verda", "FIN-01", Some("d1"));
        assert_eq!(volume_unfit(&dc, "fin-01", &shared), None);
        // providers without volumes take none
        let mc = offer("massed-compute", "DEDICATED");
        assert!(volume_unfit(&mc, region, &vols[0]).is_some());
    }

    #[test]
    fn public_keys_and_field_steps() {
        assert!(is_public_key(KEY));
        // The type outside must match the type inside the body (domain::ssh_key).
        assert!(!is_public_key(&KEY.replacen("ssh-ed25519", "ssh-rsa", 1)));
        assert!(!is_public_key("-----BEGIN OPENSSH PRIVATE KEY-----"));
        assert!(!is_public_key("ssh-ed25519"));
        assert_eq!(step_of_field("operatingSystem"), Some("os"));
        assert_eq!(step_of_field("volumeIds[0]"), Some("volumes"));
        assert_eq!(step_of_field("whatever"), None);
    }
}
