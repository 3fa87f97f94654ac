//! Request bodies and queries sent to the API.

use serde::Serialize;
use serde_json::Value;

use super::*;

/// `POST /api/deployments`. Build it with `domain::deploy::build_request` from ONE offer so the
/// seven offer fields cannot be mixed between offers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeployRequest {
    pub provider: String,
    pub offer_id: String,
    pub gpu_type: String,
    pub gpu_count: u32,
    pub region: String,
    pub operating_system: String,
    pub instance_type: InstanceType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssh_key_id: Option<String>,
    #[serde(rename = "ssh_public_key", skip_serializing_if = "Option::is_none")]
    pub ssh_public_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_init: Option<CloudInit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kubernetes_addon: Option<KubernetesAddonRequest>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volume_ids: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CloudInit {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub runcmd: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub packages: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub write_files: Vec<WriteFile>,
}

impl CloudInit {
    pub fn is_empty(&self) -> bool {
        self.runcmd.is_empty() && self.packages.is_empty() && self.write_files.is_empty()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WriteFile {
    pub path: String,
    pub content: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KubernetesAddonRequest {
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_config_b64: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewSshKey {
    pub name: String,
    pub public_key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewVolume {
    pub name: String,
    pub size_in_gb: u64,
    pub provider: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Sesterce: the region's `cloudId` and `cloudName`, both from the regions answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment_id: Option<String>,
}

/// `PATCH /api/volumes/{id}`: rename and/or expand, where the provider allows it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumePatch {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size_in_gb: Option<u64>,
}

/// Query of `GET /api/gpu-offers`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffersQuery {
    pub page: Option<u32>,
    pub limit: Option<u32>,
    pub search: Option<String>,
    pub sort_by: Option<String>,
    pub sort_order: Option<SortOrder>,
    pub instance_type: Option<InstanceType>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    Asc,
    Desc,
}

impl SortOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Asc => "asc",
            Self::Desc => "desc",
        }
    }
}

/// The `status` filter of `GET /api/deployments`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeploymentFilter {
    #[default]
    Active,
    Inactive,
    All,
}

impl DeploymentFilter {
    /// The query value, or `None` for all.
    pub fn query(self) -> Option<&'static str> {
        match self {
            Self::Active => Some("active"),
            Self::Inactive => Some("inactive"),
            Self::All => None,
        }
    }
}

/// Query of `GET /api/deployments`: `status` is `active`, `inactive` or an exact status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeploymentsQuery {
    pub status: Option<String>,
    pub team_id: Option<String>,
    pub user_id: Option<String>,
}

impl From<DeploymentFilter> for DeploymentsQuery {
    fn from(f: DeploymentFilter) -> Self {
        DeploymentsQuery {
            status: f.query().map(str::to_owned),
            ..Default::default()
        }
    }
}

/// Query of `GET /api/volumes`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VolumesQuery {
    pub page: Option<u32>,
    pub limit: Option<u32>,
    /// `available`, `attached`, `deleting`, …
    pub status: Option<String>,
    pub team_id: Option<String>,
}

/// The answer of `DELETE /api/deployments/{id}`: `{message, deployment: {id, status, stoppedAt}}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TerminateOutcome {
    pub message: Option<String>,
    /// The deployment as the API reported it after terminating (often only id/status/stoppedAt).
    pub deployment: Option<Deployment>,
    pub raw: Value,
}

impl TerminateOutcome {
    pub fn decode(v: Value) -> Self {
        let message = v.get("message").and_then(Value::as_str).map(str::to_owned);
        let deployment = match v.get("deployment").or_else(|| v.get("data")) {
            Some(d @ Value::Object(_)) => decode::<Deployment>(d.clone()).ok(),
            _ if v.get("id").is_some() => decode::<Deployment>(v.clone()).ok(),
            _ => None,
        };
        TerminateOutcome {
            message,
            deployment,
            raw: v,
        }
    }
}
