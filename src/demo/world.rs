//! The simulated platform: teams, SSH keys, deployments, volumes, and how they move with time.
//!
//! Pure: no IO and no clock reads. Every operation takes `now`; [`World::advance_to`] moves the
//! world (deploying → running/failed, SPOT interruptions, costs and balances, volume phases).
//! Deployment rules live in `deploy.rs`, volume rules in `volumes.rs`.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::acts::Acts;
use super::catalog::{Catalog, round};
use super::error::{ApiError, ApiResult};
use crate::domain::volume_rules::rules_for as volume_rules;

/// Minutes between syncs of a team's stored balance.
pub const BALANCE_SYNC_MIN: i64 = 5;

/// Minimum runtime before a deployment can be terminated, in minutes.
pub const MINIMUM_RUNTIME_MIN: i64 = 20;

/// Knobs of the simulation (a subset of `DemoOptions`).
#[derive(Debug, Clone)]
pub struct WorldParams {
    pub seed: u64,
    pub fail_share: f64,
    pub deploy_delay_secs: (u64, u64),
    pub spot_interruptions_per_hour: f64,
    /// Prices and availability move with the clock (`demo::drift`).
    pub price_drift: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Team {
    pub id: String,
    pub name: String,
    /// Live balance (`/api/balance`).
    pub balance: f64,
    /// Stored balance (`/api/teams`, team details): synced from the live one every
    /// [`BALANCE_SYNC_MIN`] minutes of world time, as the reference says it is not recomputed.
    pub stored_balance: f64,
    pub stored_at: DateTime<Utc>,
    pub role: String,
    pub created_at: DateTime<Utc>,
    pub members: Vec<Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SshKey {
    pub id: String,
    pub name: String,
    pub fingerprint: String,
    pub public_key: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct K8sAddon {
    pub version: String,
    pub cluster_id: String,
    pub cost_per_hour: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Deployment {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub provider_id: String,
    pub gpu_type: String,
    pub offer_id: String,
    pub gpu_count: u32,
    pub region: String,
    pub instance_type: String,
    pub operating_system: String,
    pub ssh_key_id: Option<String>,
    pub ssh_key_name: Option<String>,
    pub ip_address: Option<String>,
    pub user: String,
    pub ssh_port: Option<u16>,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub stopped_at: Option<DateTime<Utc>>,
    pub total_cost: f64,
    pub hourly_rate: f64,
    pub original_hourly_rate: f64,
    pub discount_percentage: f64,
    pub vcpus: u32,
    pub memory: u32,
    pub storage: u32,
    pub team_id: String,
    pub failure_reason: Option<String>,
    pub kubernetes: Option<K8sAddon>,
    /// When a `deploying` instance finishes provisioning.
    pub ready_at: Option<DateTime<Utc>>,
    /// Decided at creation: the failure reason if this deploy will fail.
    pub will_fail: Option<String>,
    /// What runs on the instance, as a GPU-use probe finds it ([`super::usage`]).
    #[serde(default)]
    pub workload: super::usage::Workload,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VolumePhase {
    Creating,
    Ready,
    Deleting,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Volume {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub region: String,
    pub size_gb: u64,
    pub phase: VolumePhase,
    pub attached_to: Vec<String>,
    /// Deployments it was attached to from another region (Verda / DataCrunch accept that):
    /// attached on paper, its data cannot be read there.
    pub cross_region: Vec<String>,
    pub rate_per_gb: f64,
    pub created_at: DateTime<Utc>,
    /// End of `creating` or of `deleting`.
    pub phase_until: Option<DateTime<Utc>>,
    pub team_id: String,
    pub cloud_id: Option<String>,
    pub virtual_ip: Option<String>,
    pub used_gb: f64,
}

impl Volume {
    pub fn status(&self) -> &'static str {
        match self.phase {
            VolumePhase::Creating => "creating",
            VolumePhase::Deleting => "deleting",
            VolumePhase::Ready if self.attached_to.is_empty() => "available",
            VolumePhase::Ready => "attached",
        }
    }

    pub fn hourly_rate(&self) -> f64 {
        self.size_gb as f64 * self.rate_per_gb
    }

    /// Attach to a deployment in `region`; an attach across regions is recorded as unreadable.
    pub fn bind(&mut self, deployment_id: &str, region: &str) {
        self.attached_to.push(deployment_id.to_string());
        let fits = crate::domain::volume_rules::rules_for(&self.provider)
            .is_some_and(|r| crate::domain::volume_rules::region_fits(r, &self.region, region));
        if !fits {
            self.cross_region.push(deployment_id.to_string());
        }
    }

    /// Deployments it is attached to whose instance cannot read it.
    pub fn unreadable_from(&self) -> Vec<&String> {
        self.cross_region
            .iter()
            .filter(|d| self.attached_to.contains(d))
            .collect()
    }

    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "id": self.id, "name": self.name, "provider": self.provider, "region": self.region,
            "sizeInGb": self.size_gb, "status": self.status(),
            "attachedTo": self.attached_to, "hourlyRate": round(self.hourly_rate(), 6),
            "hourlyRatePerGb": self.rate_per_gb, "createdAt": ts(self.created_at),
            "teamId": self.team_id, "usedGb": round(self.used_gb, 1),
        });
        let m = v.as_object_mut().expect("object");
        if let Some(d) = self.attached_to.first() {
            m.insert("deploymentId".into(), json!(d));
        }
        if let Some(c) = &self.cloud_id {
            m.insert("cloudId".into(), json!(c));
        }
        if let Some(ip) = &self.virtual_ip {
            m.insert("virtualIp".into(), json!(ip));
        }
        let unreadable = self.unreadable_from();
        if !unreadable.is_empty() {
            m.insert("dataAccessible".into(), json!(false));
            m.insert("inaccessibleFrom".into(), json!(unreadable));
        }
        v
    }
}

/// RFC 3339 with milliseconds and `Z`.
/// Statuses after which a deployment no longer runs (the client's own reading of them).
pub fn is_terminal(status: &str) -> bool {
    crate::api::DeploymentStatus::parse(status).is_terminal()
}

pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub struct World {
    pub catalog: Arc<Catalog>,
    pub params: WorldParams,
    pub rng: fastrand::Rng,
    pub teams: Vec<Team>,
    pub ssh_keys: Vec<SshKey>,
    pub deployments: Vec<Deployment>,
    pub volumes: Vec<Volume>,
    /// The instant the world was last advanced to.
    pub last: DateTime<Utc>,
    /// What requests did to it lately, for the other processes sharing it.
    pub acts: Acts,
}

fn ago(now: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
    now - Duration::minutes(minutes)
}

impl World {
    /// The seeded world, its relative timestamps made absolute against `now`.
    pub fn new(catalog: Arc<Catalog>, params: WorldParams, now: DateTime<Utc>) -> World {
        let seed = catalog.seed.clone();
        let teams: Vec<Team> = std::iter::once(&seed.team)
            .chain(&seed.other_teams)
            .map(|t| Team {
                id: t.id.clone(),
                name: t.name.clone(),
                balance: t.balance,
                stored_balance: t.balance,
                stored_at: now,
                role: t.role.clone(),
                created_at: ago(now, t.created_minutes_ago),
                members: t.members.clone(),
            })
            .collect();
        let ssh_keys: Vec<SshKey> = seed
            .ssh_keys
            .iter()
            .map(|k| SshKey {
                id: k.id.clone(),
                name: k.name.clone(),
                // The seed's keys are real ones (a test loads them all).
                fingerprint: crate::domain::ssh_key::fingerprint(&k.public_key)
                    .unwrap_or_else(|| panic!("seed SSH key {} is not a valid key", k.id)),
                public_key: k.public_key.clone(),
                created_at: ago(now, k.created_minutes_ago),
            })
            .collect();
        let mut w = World {
            rng: fastrand::Rng::with_seed(params.seed),
            params,
            teams,
            ssh_keys,
            deployments: Vec::new(),
            volumes: Vec::new(),
            last: now,
            catalog: catalog.clone(),
            acts: Acts::new(now),
        };
        for s in &seed.deployments {
            let offer = catalog
                .offer(&s.offer_id)
                .expect("seed offer exists")
                .clone();
            let mut d = w.new_deployment(
                &offer,
                &s.region,
                &s.operating_system,
                s.ssh_key_id.clone(),
                &s.team_id.clone().unwrap_or_else(|| w.teams[0].id.clone()),
                ago(now, s.created_minutes_ago),
            );
            d.id = s.id.clone();
            d.name = s.name.clone();
            d.status = s.status.clone();
            d.started_at = s.started_minutes_ago.map(|m| ago(now, m));
            d.stopped_at = s.stopped_minutes_ago.map(|m| ago(now, m));
            d.failure_reason = s.failure_reason.clone();
            d.workload = s.workload;
            if let Some(v) = &s.kubernetes_version {
                let cost = offer.kubernetes_cost_per_hour.unwrap_or(0.0);
                d.hourly_rate = round(d.hourly_rate + cost, 4);
                d.kubernetes = Some(K8sAddon {
                    version: v.clone(),
                    cluster_id: w.uuid(),
                    cost_per_hour: cost,
                });
            }
            if let Some(secs) = s.ready_in_seconds {
                d.ready_at = Some(now + Duration::seconds(secs));
            }
            if let (Some(ip), Some(port)) = (&s.ip_address, s.ssh_port) {
                d.ip_address = Some(ip.clone());
                d.ssh_port = Some(port);
            }
            if let Some(start) = d.started_at {
                let end = d.stopped_at.unwrap_or(now);
                d.total_cost = round(d.hourly_rate * hours(end - start), 4);
            }
            w.deployments.push(d);
        }
        for s in &seed.volumes {
            let region = catalog
                .volume_region(&s.provider, &s.region)
                .expect("seed volume region exists");
            w.volumes.push(Volume {
                id: s.id.clone(),
                name: s.name.clone(),
                provider: s.provider.clone(),
                region: s.region.clone(),
                size_gb: s.size_in_gb,
                phase: if s.status.as_deref() == Some("deleting") {
                    VolumePhase::Deleting
                } else {
                    VolumePhase::Ready
                },
                phase_until: (s.status.as_deref() == Some("deleting"))
                    .then(|| now + Duration::seconds(30)),
                attached_to: s.attached_to.clone(),
                cross_region: Vec::new(),
                rate_per_gb: region.hourly_rate_per_gb,
                created_at: ago(now, s.created_minutes_ago),
                team_id: s.team_id.clone().unwrap_or_else(|| w.teams[0].id.clone()),
                cloud_id: region.cloud_id.clone(),
                virtual_ip: None,
                used_gb: s.used_gb,
            });
            if volume_rules(&s.provider).is_some_and(|r| r.virtual_ip) {
                let ip = w.virtual_ip();
                w.volumes.last_mut().expect("pushed").virtual_ip = Some(ip);
            }
        }
        w
    }

    pub fn hex(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from_digit(self.rng.u32(0..16), 16).expect("hex digit"))
            .collect()
    }

    pub fn uuid(&mut self) -> String {
        format!(
            "{}-{}-4{}-a{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(3),
            self.hex(3),
            self.hex(12)
        )
    }

    pub fn virtual_ip(&mut self) -> String {
        format!("10.42.{}.{}", self.rng.u8(0..255), self.rng.u8(2..254))
    }

    /// A deployment built from one offer, not yet pushed, in status `deploying`.
    pub fn new_deployment(
        &mut self,
        offer: &super::catalog::Offer,
        region: &str,
        os: &str,
        ssh_key_id: Option<String>,
        team_id: &str,
        now: DateTime<Utc>,
    ) -> Deployment {
        let ssh_key_name = ssh_key_id
            .as_ref()
            .and_then(|id| self.ssh_keys.iter().find(|k| &k.id == id))
            .map(|k| k.name.clone());
        let id = format!("dep_{}", self.hex(12));
        Deployment {
            name: format!("{}-{}", offer.gpu_type.to_lowercase(), &id[4..10]),
            provider_id: format!("{}-{}", offer.provider, self.hex(8)),
            id,
            provider: offer.provider.clone(),
            gpu_type: offer.gpu_type.clone(),
            offer_id: offer.offer_id.clone(),
            gpu_count: offer.gpu_count,
            region: region.to_string(),
            instance_type: offer.instance_type.clone(),
            operating_system: os.to_string(),
            ssh_key_id,
            ssh_key_name,
            ip_address: None,
            user: "ubuntu".into(),
            ssh_port: None,
            status: "deploying".into(),
            created_at: now,
            started_at: None,
            stopped_at: None,
            total_cost: 0.0,
            hourly_rate: offer.discounted_price(),
            original_hourly_rate: offer.price,
            discount_percentage: offer.discount_percent,
            vcpus: offer.vcpus,
            memory: offer.memory,
            storage: offer.storage,
            team_id: team_id.to_string(),
            failure_reason: None,
            kubernetes: None,
            ready_at: None,
            will_fail: None,
            workload: Default::default(),
        }
    }

    /// The world of a user of one team: every team but the first (the current one) is left
    /// out, with its deployments and volumes.
    pub fn keep_first_team(&mut self) {
        self.teams.truncate(1);
        if let Some(first) = self.teams.first().map(|t| t.id.clone()) {
            self.deployments.retain(|d| d.team_id == first);
            self.volumes.retain(|v| v.team_id == first);
        }
    }

    pub fn team_mut(&mut self, id: &str) -> Option<&mut Team> {
        self.teams.iter_mut().find(|t| t.id == id)
    }

    pub fn deployment_index(&self, id: &str) -> ApiResult<usize> {
        self.deployments
            .iter()
            .position(|d| d.id == id)
            .ok_or_else(|| ApiError::not_found(format!("Deployment {id} not found")))
    }

    /// Move the world to `now`. Idempotent; never moves backwards.
    pub fn advance_to(&mut self, now: DateTime<Utc>) {
        if now <= self.last {
            return;
        }
        let from = self.last;
        for i in 0..self.deployments.len() {
            let d = &self.deployments[i];
            if d.status == "deploying" && d.ready_at.is_some_and(|r| r <= now) {
                let at = d.ready_at.expect("checked");
                self.finish_provisioning(i, at);
            }
        }
        let rate = self.params.spot_interruptions_per_hour;
        for i in 0..self.deployments.len() {
            let d = &self.deployments[i];
            if rate > 0.0 && d.status == "running" && d.instance_type.eq_ignore_ascii_case("SPOT") {
                let start = d.started_at.unwrap_or(from).max(from);
                let p = 1.0 - (-rate * hours(now - start)).exp();
                if self.rng.f64() < p {
                    let at = start + (now - start) / 2;
                    self.accrue_deployment(i, from, at);
                    self.end_deployment(i, "terminated-provider", at);
                    self.deployments[i].failure_reason =
                        Some("Spot capacity reclaimed by the provider".into());
                    continue;
                }
            }
            self.accrue_deployment(i, from, now);
        }
        let mut volume_cost: Vec<(String, f64)> = Vec::new();
        for v in &mut self.volumes {
            let start = v.created_at.max(from);
            if now > start {
                volume_cost.push((v.team_id.clone(), v.hourly_rate() * hours(now - start)));
                if v.attached_to.len() > v.unreadable_from().len() {
                    let grown = v.used_gb + 0.05 * (now - start).num_seconds() as f64 / 60.0;
                    v.used_gb = grown.min(v.size_gb as f64 * 0.98);
                }
            }
            if v.phase == VolumePhase::Creating && v.phase_until.is_some_and(|t| t <= now) {
                v.phase = VolumePhase::Ready;
                v.phase_until = None;
            }
        }
        for (team, cost) in volume_cost {
            if let Some(t) = self.team_mut(&team) {
                t.balance = (t.balance - cost).max(0.0);
            }
        }
        for t in &mut self.teams {
            if now - t.stored_at >= Duration::minutes(BALANCE_SYNC_MIN) {
                t.stored_balance = t.balance;
                t.stored_at = now;
            }
        }
        self.volumes.retain(|v| {
            !(v.phase == VolumePhase::Deleting && v.phase_until.is_some_and(|t| t <= now))
        });
        self.last = now;
    }

    fn accrue_deployment(&mut self, i: usize, from: DateTime<Utc>, to: DateTime<Utc>) {
        let d = &self.deployments[i];
        let Some(started) = d.started_at else { return };
        let start = started.max(from);
        let end = d.stopped_at.map_or(to, |s| s.min(to));
        if end <= start {
            return;
        }
        let cost = d.hourly_rate * hours(end - start);
        let team = d.team_id.clone();
        self.deployments[i].total_cost += cost;
        if let Some(t) = self.team_mut(&team) {
            t.balance = (t.balance - cost).max(0.0);
        }
    }

    fn finish_provisioning(&mut self, i: usize, at: DateTime<Utc>) {
        if let Some(reason) = self.deployments[i].will_fail.take() {
            self.end_deployment(i, "failed", at);
            self.deployments[i].failure_reason = Some(reason);
            return;
        }
        let ip = self.public_ip(&self.deployments[i].provider.clone());
        let port = if self.deployments[i].provider == "spheron-ai" {
            self.rng.u16(20000..40000)
        } else {
            22
        };
        let d = &mut self.deployments[i];
        d.status = "running".into();
        d.started_at = Some(at);
        d.ready_at = None;
        d.ip_address = Some(ip);
        d.ssh_port = Some(port);
    }

    fn public_ip(&mut self, provider: &str) -> String {
        let prefix = match provider {
            "spheron-ai" => "38.140",
            "voltage-park" => "147.185",
            "data-crunch" => "65.108",
            "verda" => "65.109",
            "sesterce" => "51.159",
            _ => "216.153",
        };
        format!("{prefix}.{}.{}", self.rng.u8(1..255), self.rng.u8(2..254))
    }

    /// Put a deployment in a terminal status at `at` and detach its volumes, except Sesterce
    /// volumes, which stay bound until detached by hand (docs/api-rules.md, "Volumes").
    pub fn end_deployment(&mut self, i: usize, status: &str, at: DateTime<Utc>) {
        let d = &mut self.deployments[i];
        d.status = status.to_string();
        d.stopped_at = Some(at);
        d.ready_at = None;
        let id = d.id.clone();
        for v in &mut self.volumes {
            if volume_rules(&v.provider).is_some_and(|r| r.detach_only_when_terminal()) {
                continue;
            }
            v.attached_to.retain(|a| a != &id);
        }
    }

    /// For tests: force a status now (`running` finishes provisioning at once).
    pub fn force_status(&mut self, id: &str, status: &str, now: DateTime<Utc>) -> ApiResult<()> {
        self.advance_to(now);
        let i = self.deployment_index(id)?;
        match status {
            "running" if self.deployments[i].status == "deploying" => {
                self.deployments[i].will_fail = None;
                self.finish_provisioning(i, now);
            }
            s if is_terminal(s) => self.end_deployment(i, s, now),
            s => self.deployments[i].status = s.to_string(),
        }
        Ok(())
    }

    /// For tests: where a deployment's SSH server is (a real one on loopback).
    pub fn set_ssh(&mut self, id: &str, ip: &str, port: u16, user: &str) -> ApiResult<()> {
        let i = self.deployment_index(id)?;
        let d = &mut self.deployments[i];
        d.ip_address = Some(ip.to_string());
        d.ssh_port = Some(port);
        d.user = user.to_string();
        Ok(())
    }

    /// Volumes attached to a deployment.
    pub fn volume_ids_of(&self, deployment_id: &str) -> Vec<String> {
        self.volumes
            .iter()
            .filter(|v| v.attached_to.iter().any(|a| a == deployment_id))
            .map(|v| v.id.clone())
            .collect()
    }

    /// The wire JSON of a deployment (`alt`: `gpuModelId` instead of `gpuType`).
    pub fn deployment_json(&self, d: &Deployment, alt: bool) -> Value {
        let mut v = json!({
            "id": d.id, "name": d.name, "provider": d.provider, "providerId": d.provider_id,
            "offerId": d.offer_id, "gpuCount": d.gpu_count, "region": d.region,
            "instanceType": d.instance_type, "operatingSystem": d.operating_system,
            "user": d.user, "status": d.status, "createdAt": ts(d.created_at),
            "totalCost": round(d.total_cost, 4), "hourlyRate": d.hourly_rate,
            "originalHourlyRate": d.original_hourly_rate,
            "discountPercentage": d.discount_percentage, "hasDiscount": d.discount_percentage > 0.0,
            "vcpus": d.vcpus, "memory": d.memory, "storage": d.storage, "teamId": d.team_id,
            "volumeIds": self.volume_ids_of(&d.id),
        });
        let m = v.as_object_mut().expect("object");
        m.insert(
            if alt { "gpuModelId" } else { "gpuType" }.into(),
            json!(d.gpu_type),
        );
        let mut opt = |k: &str, val: Option<Value>| {
            if let Some(val) = val {
                m.insert(k.into(), val);
            }
        };
        opt("sshKeyId", d.ssh_key_id.as_ref().map(|x| json!(x)));
        opt("sshKeyName", d.ssh_key_name.as_ref().map(|x| json!(x)));
        opt("startedAt", d.started_at.map(|t| json!(ts(t))));
        opt("stoppedAt", d.stopped_at.map(|t| json!(ts(t))));
        opt("failureReason", d.failure_reason.as_ref().map(|x| json!(x)));
        if d.status == "running" {
            opt("ipAddress", d.ip_address.as_ref().map(|x| json!(x)));
            opt("sshPort", d.ssh_port.map(|x| json!(x)));
            if let (Some(ip), Some(port)) = (&d.ip_address, d.ssh_port) {
                opt(
                    "sshCommand",
                    Some(json!(format!("ssh -p {port} {}@{ip}", d.user))),
                );
                if d.provider == "spheron-ai" {
                    opt(
                        "portForwards",
                        Some(json!([{"external": port, "internal": 22}])),
                    );
                }
            }
        }
        if let Some(k) = &d.kubernetes {
            let addon = if d.status == "running" {
                let ip = d.ip_address.clone().unwrap_or_default();
                json!({
                    "version": k.version, "k8s_cluster_id": k.cluster_id,
                    "kubeconfig": kubeconfig(&k.cluster_id, &ip),
                    "service_links": [
                        {"name": "Kubernetes API", "url": format!("https://{ip}:6443")},
                        {"name": "Grafana", "url": format!("https://{ip}:3000")},
                    ],
                })
            } else {
                json!({ "version": k.version })
            };
            opt("kubernetesAddon", Some(addon));
        }
        v
    }
}

fn kubeconfig(cluster_id: &str, ip: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: {cluster_id}\n  cluster:\n    server: https://{ip}:6443\n    insecure-skip-tls-verify: true\nusers:\n- name: admin\n  user:\n    token: demo-token-{}\ncontexts:\n- name: default\n  context:\n    cluster: {cluster_id}\n    user: admin\ncurrent-context: default\n",
        &cluster_id[..8]
    )
}

pub fn hours(d: Duration) -> f64 {
    d.num_milliseconds() as f64 / 3_600_000.0
}
