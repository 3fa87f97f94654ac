//! SSH keys, volumes, Kubernetes, teams and balance.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::reader::{Fields, Read, Spellings, Unreadable, read_through_spellings, spelling_index};
use super::*;
use crate::api::lenient as le;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SshKey {
    pub id: String,
    pub name: String,
    pub fingerprint: Option<String>,
    pub public_key: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    /// Why the list item could not be read (it is then a row with its id, if one was found).
    pub unreadable: Option<String>,
    pub raw: Value,
}

impl Read for SshKey {
    const SPELLINGS: Spellings = &[
        &["id", "_id", "keyId", "sshKeyId"],
        &["name", "keyName"],
        &["fingerprint"],
        &["publicKey", "public_key", "key"],
        &["createdAt", "created_at"],
    ];
    spelling_index!();
    fn build(f: &Fields) -> Self {
        SshKey {
            id: f.string("id"),
            name: f.string("name"),
            fingerprint: f.opt_string("fingerprint"),
            public_key: f.opt_string("publicKey"),
            created_at: f.time("createdAt"),
            unreadable: None,
            raw: Value::Null,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Volume {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub region: String,
    pub size_in_gb: Option<f64>,
    pub status: String,
    pub deployment_id: Option<String>,
    pub attached_to: Vec<String>,
    pub hourly_rate: Option<f64>,
    pub hourly_rate_per_gb: Option<f64>,
    pub created_at: Option<DateTime<Utc>>,
    pub team_id: Option<String>,
    pub cloud_id: Option<String>,
    pub virtual_ip: Option<String>,
    pub used_gb: Option<f64>,
    /// Why the list item could not be read (it is then a row with its id, if one was found).
    pub unreadable: Option<String>,
    pub raw: Value,
}

impl Read for Volume {
    const SPELLINGS: Spellings = &[
        &["id", "_id", "volumeId", "volume_id"],
        &["name", "volumeName"],
        &["provider", "providerName"],
        &["region"],
        &["sizeInGb", "size", "size_in_gb", "sizeGb"],
        &["status", "state"],
        &["deploymentId", "deployment_id"],
        &["attachedTo", "attachedDeployments", "attached_to"],
        &["hourlyRate", "hourly_rate"],
        &["hourlyRatePerGb", "hourly_rate_per_gb"],
        &["createdAt", "created_at"],
        &["teamId", "team_id"],
        &["cloudId", "cloud_id"],
        &["virtualIp", "virtual_ip"],
        &["usedGb", "usedSizeGb", "usage", "used_gb"],
    ];
    spelling_index!();
    fn build(f: &Fields) -> Self {
        Volume {
            id: f.string("id"),
            name: f.string("name"),
            provider: f.string("provider"),
            region: f.string("region"),
            size_in_gb: f.f64("sizeInGb"),
            status: f.string("status"),
            deployment_id: f.opt_string("deploymentId"),
            attached_to: f.strings("attachedTo"),
            hourly_rate: f.f64("hourlyRate"),
            hourly_rate_per_gb: f.f64("hourlyRatePerGb"),
            created_at: f.time("createdAt"),
            team_id: f.opt_string("teamId"),
            cloud_id: f.opt_string("cloudId"),
            virtual_ip: f.opt_string("virtualIp"),
            used_gb: f.f64("usedGb"),
            unreadable: None,
            raw: Value::Null,
        }
    }
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

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TeamBalance {
    pub team_id: String,
    pub team_name: String,
    /// `None` when missing or unreadable: shown as "unknown", never as $0.00.
    pub balance: Option<f64>,
    pub is_current_team: bool,
    pub role: Option<String>,
    pub raw: Value,
}

impl Read for TeamBalance {
    const SPELLINGS: Spellings = &[
        &["teamId", "id", "_id", "team_id"],
        &["teamName", "name", "team_name"],
        &["balance", "amount"],
        &["isCurrentTeam", "is_current_team", "current"],
        &["role"],
    ];
    spelling_index!();
    fn build(f: &Fields) -> Self {
        TeamBalance {
            team_id: f.string("teamId"),
            team_name: f.string("teamName"),
            balance: f.f64("balance"),
            is_current_team: f.bool("isCurrentTeam").unwrap_or(false),
            role: f.opt_string("role"),
            raw: Value::Null,
        }
    }
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

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Team {
    pub id: String,
    pub name: String,
    pub balance: Option<f64>,
    pub role: Option<String>,
    pub is_default: bool,
    /// Why the list item could not be read (it is then a row with its id, if one was found).
    pub unreadable: Option<String>,
    pub raw: Value,
}

impl Read for Team {
    const SPELLINGS: Spellings = &[
        &["id", "teamId", "_id", "team_id"],
        &["name", "teamName", "team_name"],
        &["balance"],
        &["role"],
        &["isDefault", "isCurrentTeam", "is_default", "default"],
    ];
    spelling_index!();
    fn build(f: &Fields) -> Self {
        Team {
            id: f.string("id"),
            name: f.string("name"),
            balance: f.f64("balance"),
            role: f.opt_string("role"),
            is_default: f.bool("isDefault").unwrap_or(false),
            unreadable: None,
            raw: Value::Null,
        }
    }
}

read_through_spellings!(SshKey, Volume, TeamBalance, Team);

macro_rules! unreadable_rows {
    ($($t:ident),*) => {$(
        impl Unreadable for $t {
            fn unreadable(id: String, why: String) -> Self {
                $t {
                    id,
                    unreadable: Some(why),
                    ..$t::default()
                }
            }
            fn unreadable_reason(&self) -> Option<&str> {
                self.unreadable.as_deref()
            }
        }
    )*};
}

unreadable_rows!(SshKey, Team);

impl Unreadable for Volume {
    /// Counted as billing (it is not known to be deleted) at an unknown rate.
    fn unreadable(id: String, why: String) -> Self {
        Volume {
            id,
            status: UNREADABLE.into(),
            unreadable: Some(why),
            ..Volume::default()
        }
    }
    fn unreadable_reason(&self) -> Option<&str> {
        self.unreadable.as_deref()
    }
}
