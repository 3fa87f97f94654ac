//! Volume provider rules (spheron-api.md §6 volumeIds and §7), as one table keyed by provider.
//!
//! Kept in one place so it can move to `src/domain/volume_rules.rs` without rewriting: nothing
//! here depends on the demo server.

/// What a provider allows for persistent volumes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VolumeRules {
    pub provider: &'static str,
    /// Volumes attached to one instance at most.
    pub max_per_instance: usize,
    /// A volume can be attached to several instances at once.
    pub shareable: bool,
    /// `POST /api/volumes/{id}/attach` works after launch (Sesterce: only via `volumeIds`).
    pub attach_after_launch: bool,
    /// Manual detach only once the deployment is terminal (Sesterce); volumes stay bound
    /// to a terminated instance until detached.
    pub detach_only_when_terminal: bool,
    pub rename: bool,
    pub expand: bool,
    /// `region` is required on create (otherwise the provider's first region is used).
    pub region_required: bool,
    /// `cloudId` is required on create (Sesterce).
    pub cloud_id_required: bool,
    /// `deploymentId` accepted on create.
    pub deployment_id_at_create: bool,
    /// The volume carries a `virtualIp` for NFS mounting (Voltage Park).
    pub virtual_ip: bool,
}

const fn base(provider: &'static str) -> VolumeRules {
    VolumeRules {
        provider,
        max_per_instance: 10,
        shareable: false,
        attach_after_launch: true,
        detach_only_when_terminal: false,
        rename: false,
        expand: false,
        region_required: true,
        cloud_id_required: false,
        deployment_id_at_create: true,
        virtual_ip: false,
    }
}

pub const VOLUME_RULES: &[VolumeRules] = &[
    VolumeRules {
        max_per_instance: 1,
        rename: true,
        expand: true,
        region_required: false,
        virtual_ip: true,
        ..base("voltage-park")
    },
    VolumeRules {
        shareable: true,
        rename: true,
        ..base("data-crunch")
    },
    VolumeRules {
        shareable: true,
        rename: true,
        ..base("verda")
    },
    VolumeRules {
        max_per_instance: 1,
        attach_after_launch: false,
        detach_only_when_terminal: true,
        cloud_id_required: true,
        deployment_id_at_create: false,
        ..base("sesterce")
    },
    base("spheron-ai"),
];

/// The rules of a provider, `None` when it has no volumes (e.g. massed-compute).
pub fn volume_rules(provider: &str) -> Option<&'static VolumeRules> {
    VOLUME_RULES.iter().find(|r| r.provider == provider)
}

/// `^[a-z0-9_-]{1,60}$`
pub fn valid_volume_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 60
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// Statuses after which a deployment no longer runs.
pub fn is_terminal(status: &str) -> bool {
    matches!(
        status,
        "failed" | "terminated" | "terminated-provider" | "stopped"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_the_reference() {
        assert_eq!(volume_rules("sesterce").unwrap().max_per_instance, 1);
        assert!(!volume_rules("sesterce").unwrap().attach_after_launch);
        assert_eq!(volume_rules("voltage-park").unwrap().max_per_instance, 1);
        assert!(volume_rules("verda").unwrap().shareable);
        assert!(!volume_rules("spheron-ai").unwrap().shareable);
        assert!(!volume_rules("spheron-ai").unwrap().rename);
        assert!(volume_rules("massed-compute").is_none());
    }

    #[test]
    fn volume_names() {
        assert!(valid_volume_name("my-data_01"));
        assert!(!valid_volume_name("My-Data"));
        assert!(!valid_volume_name(""));
        assert!(!valid_volume_name(&"a".repeat(61)));
        assert!(valid_volume_name(&"a".repeat(60)));
        assert!(!valid_volume_name("has space"));
    }
}
