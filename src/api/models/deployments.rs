//! Deployments, their statuses and `can-terminate`.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::reader::{Fields, Read, Spellings, Unreadable, read_through_spellings, spelling_index};
use super::*;
use crate::api::lenient as le;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum DeploymentStatus {
    #[default]
    Deploying,
    Running,
    Failed,
    Terminated,
    TerminatedProvider,
    Stopped,
    Other(String),
}

impl DeploymentStatus {
    pub fn parse(s: &str) -> Self {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "deploying" | "pending" | "provisioning" => Self::Deploying,
            "running" | "active" => Self::Running,
            "failed" | "error" => Self::Failed,
            "terminated" => Self::Terminated,
            "terminated-provider" => Self::TerminatedProvider,
            "stopped" => Self::Stopped,
            _ => Self::Other(s.to_string()),
        }
    }
    pub fn as_str(&self) -> &str {
        match self {
            Self::Deploying => "deploying",
            Self::Running => "running",
            Self::Failed => "failed",
            Self::Terminated => "terminated",
            Self::TerminatedProvider => "terminated-provider",
            Self::Stopped => "stopped",
            Self::Other(s) => s,
        }
    }
    /// Costs money now: running, deploying, `stopped` (seen on the live service, not in the
    /// reference: there is no stop, so the instance is still there) or a status this client does
    /// not know. Shown as it came, counted as billing and offered for terminate until the API
    /// says it ended.
    pub fn is_active(&self) -> bool {
        !self.is_terminal()
    }
    /// Known to be up or coming up: what a volume may be attached to (a status this client does
    /// not know bills, but is not offered as a target).
    pub fn is_live(&self) -> bool {
        matches!(self, Self::Deploying | Self::Running)
    }
    /// Ended: the reference's `failed`, `terminated` and `terminated-provider`, nothing else.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Failed | Self::Terminated | Self::TerminatedProvider
        )
    }
}

impl fmt::Display for DeploymentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for DeploymentStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::parse(&le::string(d)?))
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceLink {
    pub name: String,
    pub url: String,
}

impl Read for ServiceLink {
    const SPELLINGS: Spellings = &[&["name", "label"], &["url", "href", "link"]];
    spelling_index!();
    fn build(f: &Fields) -> Self {
        ServiceLink {
            name: f.string("name"),
            url: f.string("url"),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct KubernetesAddon {
    pub version: String,
    pub k8s_cluster_id: Option<String>,
    pub kubeconfig: Option<String>,
    pub service_links: Vec<ServiceLink>,
}

impl Read for KubernetesAddon {
    const SPELLINGS: Spellings = &[
        &["version"],
        &["k8sClusterId", "k8s_cluster_id", "clusterId", "cluster_id"],
        &["kubeconfig", "kubeConfig"],
        &["serviceLinks", "service_links"],
    ];
    spelling_index!();
    fn build(f: &Fields) -> Self {
        KubernetesAddon {
            version: f.string("version"),
            k8s_cluster_id: f.opt_string("k8sClusterId"),
            kubeconfig: f.opt_string("kubeconfig"),
            service_links: f.objects("serviceLinks"),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PortForward {
    pub external: Option<u32>,
    pub internal: Option<u32>,
}

impl Read for PortForward {
    const SPELLINGS: Spellings = &[
        &["external", "externalPort", "external_port"],
        &["internal", "internalPort", "internal_port"],
    ];
    spelling_index!();
    fn build(f: &Fields) -> Self {
        PortForward {
            external: f.u32("external"),
            internal: f.u32("internal"),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Deployment {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub provider_id: Option<String>,
    pub gpu_type: String,
    pub offer_id: Option<String>,
    pub gpu_count: u32,
    pub region: String,
    pub instance_type: InstanceType,
    pub operating_system: Option<String>,
    pub ssh_key_id: Option<String>,
    pub ssh_key_name: Option<String>,
    pub ip_address: Option<String>,
    pub user: Option<String>,
    pub ssh_port: Option<u32>,
    pub ssh_command: Option<String>,
    pub status: DeploymentStatus,
    pub created_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub stopped_at: Option<DateTime<Utc>>,
    pub total_cost: Option<f64>,
    pub hourly_rate: Option<f64>,
    pub original_hourly_rate: Option<f64>,
    pub discount_percentage: Option<f64>,
    pub has_discount: bool,
    pub vcpus: Option<u32>,
    pub memory: Option<f64>,
    pub storage: Option<f64>,
    pub team_id: Option<String>,
    pub volume_ids: Vec<String>,
    pub failure_reason: Option<String>,
    pub kubernetes_addon: Option<KubernetesAddon>,
    pub port_forwards: Vec<PortForward>,
    /// Why the list item could not be read (it is then a row with its id, if one was found).
    pub unreadable: Option<String>,
    pub raw: Value,
}

/// The spellings of a deployment's id, first preferred.
pub const DEPLOYMENT_ID: &[&str] = &["id", "_id", "deploymentId", "deployment_id"];

impl Read for Deployment {
    const SPELLINGS: Spellings = &[
        DEPLOYMENT_ID,
        &["name", "deploymentName"],
        &["provider", "providerName"],
        &["providerId", "provider_id"],
        &["gpuType", "gpuModelId", "gpu_type", "gpuModel"],
        &["offerId", "offer_id"],
        &["gpuCount", "gpu_count"],
        &["region", "cluster"],
        &["instanceType", "instance_type"],
        &["operatingSystem", "os", "operating_system"],
        &["sshKeyId", "ssh_key_id"],
        &["sshKeyName", "ssh_key_name"],
        &["ipAddress", "ip", "ip_address"],
        &["user", "username", "sshUser"],
        &["sshPort", "ssh_port"],
        &["sshCommand", "ssh_command"],
        &["status", "state"],
        &["createdAt", "created_at"],
        &["startedAt", "started_at"],
        &["stoppedAt", "stopped_at", "terminatedAt"],
        &["totalCost", "total_cost"],
        &["hourlyRate", "hourly_rate", "pricePerHour"],
        &["originalHourlyRate", "original_hourly_rate"],
        &["discountPercentage", "discount_percentage"],
        &["hasDiscount", "has_discount"],
        &["vcpus", "vcpu", "cpus"],
        &["memory", "ram"],
        &["storage", "disk"],
        &["teamId", "team_id"],
        &["volumeIds", "volumes", "volume_ids"],
        &["failureReason", "error", "failure_reason", "statusMessage"],
        &["kubernetesAddon", "kubernetes_addon"],
        &["portForwards", "port_forwards"],
    ];
    spelling_index!();
    fn build(f: &Fields) -> Self {
        Deployment {
            id: f.string("id"),
            name: f.string("name"),
            provider: f.string("provider"),
            provider_id: f.opt_string("providerId"),
            gpu_type: f.string("gpuType"),
            offer_id: f.opt_string("offerId"),
            gpu_count: f.u32("gpuCount").unwrap_or(0),
            region: f.string("region"),
            instance_type: f
                .opt_string("instanceType")
                .map(|t| InstanceType::parse(&t))
                .unwrap_or_default(),
            operating_system: f.opt_string("operatingSystem"),
            ssh_key_id: f.opt_string("sshKeyId"),
            ssh_key_name: f.opt_string("sshKeyName"),
            ip_address: f.opt_string("ipAddress"),
            user: f.opt_string("user"),
            ssh_port: f.u32("sshPort"),
            ssh_command: f.opt_string("sshCommand"),
            status: f
                .opt_string("status")
                .map(|s| DeploymentStatus::parse(&s))
                .unwrap_or_default(),
            created_at: f.time("createdAt"),
            started_at: f.time("startedAt"),
            stopped_at: f.time("stoppedAt"),
            total_cost: f.f64("totalCost"),
            hourly_rate: f.f64("hourlyRate"),
            original_hourly_rate: f.f64("originalHourlyRate"),
            discount_percentage: f.f64("discountPercentage"),
            has_discount: f.bool("hasDiscount").unwrap_or(false),
            vcpus: f.u32("vcpus"),
            memory: f.f64("memory"),
            storage: f.f64("storage"),
            team_id: f.opt_string("teamId"),
            volume_ids: f.strings("volumeIds"),
            failure_reason: f.opt_string("failureReason"),
            kubernetes_addon: f.object("kubernetesAddon"),
            port_forwards: f.objects("portForwards"),
            unreadable: None,
            raw: Value::Null,
        }
    }
}

read_through_spellings!(ServiceLink, KubernetesAddon, PortForward, Deployment);

impl Unreadable for Deployment {
    /// Counted as billing (its status is not known to have ended) at an unknown rate.
    fn unreadable(id: String, why: String) -> Self {
        Deployment {
            id,
            status: DeploymentStatus::Other(UNREADABLE.into()),
            unreadable: Some(why),
            ..Deployment::default()
        }
    }
    fn unreadable_reason(&self) -> Option<&str> {
        self.unreadable.as_deref()
    }
}

impl Deployment {
    /// The command to reach the instance: `sshCommand` when sent, else built from
    /// `user`, `ipAddress` and [`Deployment::login_port`] (docs/wire-shapes.md).
    pub fn ssh_command(&self) -> Option<String> {
        if let Some(cmd) = self.ssh_command.as_deref().filter(|c| !c.trim().is_empty()) {
            return Some(cmd.trim().to_string());
        }
        let ip = self.ip_address.as_deref().filter(|s| !s.is_empty())?;
        let user = self
            .user
            .as_deref()
            .filter(|s| !s.is_empty())
            .unwrap_or("ubuntu");
        Some(match self.login_port() {
            Some(p) if p != 22 => format!("ssh -p {p} {user}@{ip}"),
            _ => format!("ssh {user}@{ip}"),
        })
    }

    /// The port SSH answers on from outside: `sshPort`, else the external port `portForwards`
    /// maps to 22. `None` when neither says.
    pub fn login_port(&self) -> Option<u32> {
        self.ssh_port.or_else(|| {
            self.port_forwards
                .iter()
                .find(|f| f.internal == Some(22))
                .and_then(|f| f.external)
        })
    }

    /// When the meter started: `startedAt`, else `createdAt`.
    pub fn since(&self) -> Option<DateTime<Utc>> {
        self.started_at.or(self.created_at)
    }

    /// Seconds it has been up (or was up, for a stopped one) at `now`.
    pub fn uptime_secs(&self, now: DateTime<Utc>) -> Option<i64> {
        let start = self.since()?;
        let end = if self.status.is_terminal() {
            self.stopped_at.unwrap_or(now)
        } else {
            now
        };
        Some((end - start).num_seconds().max(0))
    }

    /// Money spent so far: the API's `totalCost`, else the hourly rate times uptime.
    pub fn spent(&self, now: DateTime<Utc>) -> Option<f64> {
        self.total_cost.or_else(|| {
            let secs = self.uptime_secs(now)?;
            Some(self.hourly_rate? * secs as f64 / 3600.0)
        })
    }
}

/// The answer of `can-terminate`. `can_terminate` is `None` when the answer does not say
/// (the field missing or unreadable): not a refusal, the DELETE decides.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CanTerminate {
    pub can_terminate: Option<bool>,
    pub reason: Option<String>,
    /// Minutes.
    pub minimum_runtime: Option<f64>,
    /// Minutes.
    pub time_remaining: Option<f64>,
    /// Minutes.
    pub runtime: Option<f64>,
    pub raw: Value,
}

impl Read for CanTerminate {
    const SPELLINGS: Spellings = &[
        &["canTerminate", "can_terminate"],
        &["reason", "message"],
        &["minimumRuntime", "minimum_runtime"],
        &["timeRemaining", "time_remaining"],
        &["runtime"],
    ];
    spelling_index!();
    fn build(f: &Fields) -> Self {
        CanTerminate {
            can_terminate: f.bool("canTerminate"),
            reason: f.opt_string("reason"),
            minimum_runtime: f.f64("minimumRuntime"),
            time_remaining: f.f64("timeRemaining"),
            runtime: f.f64("runtime"),
            raw: Value::Null,
        }
    }
}

read_through_spellings!(CanTerminate);
