//! Deployments, their statuses and `can-terminate`.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

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

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ServiceLink {
    #[serde(default, deserialize_with = "le::string")]
    pub name: String,
    #[serde(default, deserialize_with = "le::string")]
    pub url: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KubernetesAddon {
    #[serde(default, deserialize_with = "le::string")]
    pub version: String,
    #[serde(
        default,
        alias = "k8s_cluster_id",
        alias = "clusterId",
        deserialize_with = "le::opt_string"
    )]
    pub k8s_cluster_id: Option<String>,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub kubeconfig: Option<String>,
    #[serde(default, alias = "service_links")]
    pub service_links: Vec<ServiceLink>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct PortForward {
    #[serde(default, deserialize_with = "le::opt_u32")]
    pub external: Option<u32>,
    #[serde(default, deserialize_with = "le::opt_u32")]
    pub internal: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    #[serde(
        default,
        alias = "_id",
        alias = "deploymentId",
        deserialize_with = "le::string"
    )]
    pub id: String,
    #[serde(default, deserialize_with = "le::string")]
    pub name: String,
    #[serde(default, deserialize_with = "le::string")]
    pub provider: String,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub provider_id: Option<String>,
    #[serde(
        default,
        alias = "gpuModelId",
        alias = "gpu_type",
        deserialize_with = "le::string"
    )]
    pub gpu_type: String,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub offer_id: Option<String>,
    #[serde(default, deserialize_with = "le::u32_or_zero")]
    pub gpu_count: u32,
    #[serde(default, deserialize_with = "le::string")]
    pub region: String,
    #[serde(default)]
    pub instance_type: InstanceType,
    #[serde(default, alias = "os", deserialize_with = "le::opt_string")]
    pub operating_system: Option<String>,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub ssh_key_id: Option<String>,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub ssh_key_name: Option<String>,
    #[serde(default, alias = "ip", deserialize_with = "le::opt_string")]
    pub ip_address: Option<String>,
    #[serde(default, alias = "username", deserialize_with = "le::opt_string")]
    pub user: Option<String>,
    #[serde(default, deserialize_with = "le::opt_u32")]
    pub ssh_port: Option<u32>,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub ssh_command: Option<String>,
    #[serde(default)]
    pub status: DeploymentStatus,
    #[serde(default, deserialize_with = "le::opt_time")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "le::opt_time")]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "le::opt_time")]
    pub stopped_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub total_cost: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub hourly_rate: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub original_hourly_rate: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub discount_percentage: Option<f64>,
    #[serde(default, deserialize_with = "le::bool_or_false")]
    pub has_discount: bool,
    #[serde(default, deserialize_with = "le::opt_u32")]
    pub vcpus: Option<u32>,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub memory: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub storage: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub team_id: Option<String>,
    #[serde(default, alias = "volumes", deserialize_with = "le::string_list")]
    pub volume_ids: Vec<String>,
    #[serde(
        default,
        alias = "error",
        alias = "failure_reason",
        alias = "statusMessage",
        deserialize_with = "le::opt_string"
    )]
    pub failure_reason: Option<String>,
    #[serde(default)]
    pub kubernetes_addon: Option<KubernetesAddon>,
    #[serde(default)]
    pub port_forwards: Vec<PortForward>,
    #[serde(skip)]
    pub raw: Value,
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

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CanTerminate {
    #[serde(
        default,
        alias = "can_terminate",
        deserialize_with = "le::bool_or_false"
    )]
    pub can_terminate: bool,
    #[serde(default, alias = "message", deserialize_with = "le::opt_string")]
    pub reason: Option<String>,
    /// Minutes.
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub minimum_runtime: Option<f64>,
    /// Minutes.
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub time_remaining: Option<f64>,
    /// Minutes.
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub runtime: Option<f64>,
    #[serde(skip)]
    pub raw: Value,
}
