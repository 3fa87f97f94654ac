//! SSH keys, volumes, Kubernetes, teams and balance.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::*;
use crate::api::lenient as le;

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SshKey {
    #[serde(default, alias = "_id", deserialize_with = "le::string")]
    pub id: String,
    #[serde(default, deserialize_with = "le::string")]
    pub name: String,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub fingerprint: Option<String>,
    #[serde(
        default,
        alias = "public_key",
        alias = "key",
        deserialize_with = "le::opt_string"
    )]
    pub public_key: Option<String>,
    #[serde(default, deserialize_with = "le::opt_time")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub raw: Value,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Volume {
    #[serde(
        default,
        alias = "_id",
        alias = "volumeId",
        deserialize_with = "le::string"
    )]
    pub id: String,
    #[serde(default, deserialize_with = "le::string")]
    pub name: String,
    #[serde(default, deserialize_with = "le::string")]
    pub provider: String,
    #[serde(default, deserialize_with = "le::string")]
    pub region: String,
    #[serde(
        default,
        alias = "size",
        alias = "size_in_gb",
        deserialize_with = "le::opt_f64"
    )]
    pub size_in_gb: Option<f64>,
    #[serde(default, deserialize_with = "le::string")]
    pub status: String,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub deployment_id: Option<String>,
    #[serde(
        default,
        alias = "attachedDeployments",
        deserialize_with = "le::string_list"
    )]
    pub attached_to: Vec<String>,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub hourly_rate: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub hourly_rate_per_gb: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_time")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub team_id: Option<String>,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub cloud_id: Option<String>,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub virtual_ip: Option<String>,
    #[serde(
        default,
        alias = "usedSizeGb",
        alias = "usage",
        deserialize_with = "le::opt_f64"
    )]
    pub used_gb: Option<f64>,
    #[serde(skip)]
    pub raw: Value,
}

impl Volume {
    /// Every deployment this volume is attached to (`attachedTo[]` and/or `deploymentId`).
    pub fn attachments(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.attached_to.iter().map(String::as_str).collect();
        if let Some(d) = self.deployment_id.as_deref().filter(|d| !d.is_empty())
            && !out.contains(&d)
        {
            out.push(d);
        }
        out
    }

    /// USD per hour: `hourlyRate`, else size × per-GB rate.
    pub fn cost_per_hour(&self) -> Option<f64> {
        self.hourly_rate
            .or_else(|| Some(self.size_in_gb? * self.hourly_rate_per_gb?))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumeRegion {
    #[serde(
        default,
        alias = "region",
        alias = "regionId",
        deserialize_with = "le::string"
    )]
    pub id: String,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "le::string")]
    pub provider: String,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub min_size_gb: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub max_size_gb: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub hourly_rate_per_gb: Option<f64>,
    #[serde(default, deserialize_with = "le::bool_or_false")]
    pub has_gpu_offers: bool,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub cloud_id: Option<String>,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub cloud_name: Option<String>,
    #[serde(skip)]
    pub raw: Value,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumePricing {
    #[serde(default, deserialize_with = "le::string")]
    pub provider: String,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub region: Option<String>,
    #[serde(default, alias = "pricePerGbHour", deserialize_with = "le::opt_f64")]
    pub hourly_rate_per_gb: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub currency: Option<String>,
    #[serde(skip)]
    pub raw: Value,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KubernetesVersion {
    #[serde(default, alias = "name", deserialize_with = "le::string")]
    pub version: String,
    #[serde(default, alias = "isDefault", deserialize_with = "le::bool_or_false")]
    pub default: bool,
    #[serde(skip)]
    pub raw: Value,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterHealth {
    #[serde(default, alias = "cluster_id", deserialize_with = "le::opt_string")]
    pub cluster_id: Option<String>,
    #[serde(
        default,
        alias = "health",
        alias = "state",
        deserialize_with = "le::string"
    )]
    pub status: String,
    #[serde(default, deserialize_with = "le::opt_time")]
    pub checked_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "le::opt_u32")]
    pub nodes_ready: Option<u32>,
    #[serde(default, deserialize_with = "le::opt_u32")]
    pub nodes_total: Option<u32>,
    #[serde(skip)]
    pub raw: Value,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamBalance {
    #[serde(default, alias = "id", deserialize_with = "le::string")]
    pub team_id: String,
    #[serde(default, alias = "name", deserialize_with = "le::string")]
    pub team_name: String,
    /// `None` when missing or unreadable: shown as "unknown", never as $0.00.
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub balance: Option<f64>,
    #[serde(default, deserialize_with = "le::bool_or_false")]
    pub is_current_team: bool,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub role: Option<String>,
    #[serde(skip)]
    pub raw: Value,
}

/// `GET /api/balance`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Balance {
    pub teams: Vec<TeamBalance>,
    pub currency: String,
}

impl Balance {
    pub fn decode(v: Value) -> Result<Self, serde_json::Error> {
        let currency = v
            .get("currency")
            .and_then(Value::as_str)
            .unwrap_or("USD")
            .to_string();
        // A single-team answer may come as one object with a `balance` field.
        let teams = if v.get("balance").is_some() && v.get("teams").is_none() {
            vec![decode::<TeamBalance>(v)?]
        } else {
            decode_list::<TeamBalance>(v, &["teams", "data"])?.items
        };
        Ok(Balance { teams, currency })
    }

    pub fn current(&self) -> Option<&TeamBalance> {
        self.teams
            .iter()
            .find(|t| t.is_current_team)
            .or(self.teams.first())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Team {
    #[serde(
        default,
        alias = "teamId",
        alias = "_id",
        deserialize_with = "le::string"
    )]
    pub id: String,
    #[serde(default, alias = "teamName", deserialize_with = "le::string")]
    pub name: String,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub balance: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub role: Option<String>,
    #[serde(
        default,
        alias = "isCurrentTeam",
        deserialize_with = "le::bool_or_false"
    )]
    pub is_default: bool,
    #[serde(skip)]
    pub raw: Value,
}
