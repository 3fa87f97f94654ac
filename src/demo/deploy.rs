//! Deployment rules (docs/api-rules.md, "Deploying", "Polling"): create with validation, rename, terminate,
//! minimum runtime, listing, Kubernetes cluster health.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::acts::Part;
use super::catalog::Offer;
use super::error::{ApiError, ApiResult};
use super::world::is_terminal;
use super::world::{K8sAddon, MINIMUM_RUNTIME_MIN, VolumePhase, World, ts};
use crate::domain::volume_rules::{rules_for as volume_rules, same_provider, same_region};

const FAILURE_REASONS: &[&str] = &[
    "Provider capacity exhausted: no nodes available in the selected region",
    "Instance failed health checks during provisioning (GPU not detected)",
    "Provider API timeout while allocating the instance",
];

fn req_str<'a>(body: &'a Value, field: &str) -> ApiResult<&'a str> {
    match body.get(field) {
        None | Some(Value::Null) => {
            Err(ApiError::validation(field, format!("{field} is required")))
        }
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s),
        Some(_) => Err(ApiError::validation(
            field,
            format!("{field} must be a non-empty string"),
        )),
    }
}

fn present(body: &Value, field: &str) -> bool {
    !matches!(body.get(field), None | Some(Value::Null))
}

fn string_array(v: &Value) -> bool {
    v.as_array().is_some_and(|a| a.iter().all(Value::is_string))
}

fn valid_cloud_init(v: &Value) -> bool {
    let Some(m) = v.as_object() else { return false };
    let arrays_ok = ["runcmd", "packages"]
        .iter()
        .all(|k| m.get(*k).is_none_or(string_array));
    let files_ok = m.get("writeFiles").is_none_or(|f| {
        f.as_array().is_some_and(|a| {
            a.iter()
                .all(|e| e["path"].is_string() && e["content"].is_string())
        })
    });
    arrays_ok
        && files_ok
        && m.keys()
            .all(|k| ["runcmd", "packages", "writeFiles"].contains(&k.as_str()))
}

/// The same check the client makes (`domain::ssh_key`): parsed whole, a type the platform
/// takes, long enough. Answers the fingerprint, computed as `ssh-keygen -l` does.
pub fn checked_public_key(field: &str, k: &str) -> ApiResult<crate::domain::ssh_key::PublicKey> {
    use crate::domain::ssh_key::{KeyProblem, check_public_key};
    check_public_key(k).map_err(|p| {
        let why = match p {
            KeyProblem::PrivateKey => format!("{field} holds a private key, not a public key"),
            other => format!("{field} is not an OpenSSH public key: {other}"),
        };
        ApiError::validation(field, why)
    })
}

impl World {
    /// Check the 7 offer fields of a deploy body against one offer of the catalog.
    fn match_offer(&self, body: &Value) -> ApiResult<Offer> {
        let provider = req_str(body, "provider")?;
        self.catalog
            .check_listed(provider)
            .map_err(|why| ApiError::validation("provider", why))?;
        let offer_id = req_str(body, "offerId")?;
        let offer = self.catalog.offer(offer_id).ok_or_else(|| {
            ApiError::validation("offerId", format!("Offer '{offer_id}' not found"))
        })?;
        // an offer may still carry another name of its provider
        if !same_provider(&offer.provider, provider) {
            return Err(ApiError::validation(
                "provider",
                format!(
                    "Offer '{offer_id}' belongs to provider '{}'",
                    offer.provider
                ),
            ));
        }
        let gpu_type = req_str(body, "gpuType")?;
        if !gpu_type.eq_ignore_ascii_case(&offer.gpu_type) {
            return Err(ApiError::validation(
                "gpuType",
                format!(
                    "gpuType '{gpu_type}' does not match the offer ({})",
                    offer.gpu_type
                ),
            ));
        }
        match body.get("gpuCount").and_then(Value::as_u64) {
            None => {
                return Err(ApiError::validation(
                    "gpuCount",
                    "gpuCount is required and must be a number",
                ));
            }
            Some(n) if n != u64::from(offer.gpu_count) => {
                return Err(ApiError::validation(
                    "gpuCount",
                    format!(
                        "gpuCount {n} does not match the offer ({})",
                        offer.gpu_count
                    ),
                ));
            }
            Some(_) => {}
        }
        let region = req_str(body, "region")?;
        if !offer.has_region(region) {
            return Err(ApiError::validation(
                "region",
                format!(
                    "Region '{region}' is not offered (choose one of {:?})",
                    offer.clusters
                ),
            ));
        }
        let os = req_str(body, "operatingSystem")?;
        if !offer.os_options.iter().any(|o| o == os) {
            return Err(ApiError::validation(
                "operatingSystem",
                format!(
                    "Operating system '{os}' is not available (choose one of {:?})",
                    offer.os_options
                ),
            ));
        }
        let it = req_str(body, "instanceType")?;
        if !it.eq_ignore_ascii_case(&offer.instance_type) {
            return Err(ApiError::validation(
                "instanceType",
                format!(
                    "instanceType '{it}' does not match the offer ({})",
                    offer.instance_type
                ),
            ));
        }
        if offer.maintenance {
            return Err(ApiError::validation(
                "offerId",
                format!("Offer '{offer_id}' is under maintenance and cannot be deployed now"),
            ));
        }
        if !offer.available {
            return Err(ApiError::validation(
                "offerId",
                format!(
                    "Offer '{offer_id}' is not available now (available: false) and cannot be deployed"
                ),
            ));
        }
        Ok(offer.clone())
    }

    /// `volumeIds` rules (docs/api-rules.md, "Volumes") for a deployment of `provider` in `region`.
    pub fn check_volume_ids(
        &self,
        provider: &str,
        region: &str,
        team_id: &str,
        v: &Value,
    ) -> ApiResult<Vec<String>> {
        let err = |m: String| ApiError::validation("volumeIds", m);
        let ids: Vec<String> = v
            .as_array()
            .filter(|a| a.iter().all(Value::is_string))
            .ok_or_else(|| err("volumeIds must be an array of volume IDs".into()))?
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect();
        if ids.is_empty() {
            return Ok(ids);
        }
        let rules = volume_rules(provider)
            .ok_or_else(|| err(format!("Provider '{provider}' does not support volumes")))?;
        if ids.len() > (rules.max_per_instance as usize) {
            return Err(err(if (rules.max_per_instance as usize) == 1 {
                format!("{provider} accepts a single volume per instance")
            } else {
                format!(
                    "At most {} volumes per instance on {provider}",
                    (rules.max_per_instance as usize)
                )
            }));
        }
        for (n, id) in ids.iter().enumerate() {
            if ids[..n].contains(id) {
                return Err(err(format!("Volume {id} listed twice")));
            }
            let vol = self
                .volumes
                .iter()
                .find(|x| &x.id == id)
                .ok_or_else(|| err(format!("Volume {id} not found")))?;
            if !same_provider(&vol.provider, provider) {
                return Err(err(format!(
                    "Volume {id} is on {}, not {provider}",
                    vol.provider
                )));
            }
            if vol.team_id != team_id {
                return Err(err(format!(
                    "Volume {id} belongs to team {}, not {team_id}",
                    vol.team_id
                )));
            }
            // Verda / DataCrunch take a volume from another region without a word; it then
            // cannot be read (docs/api-rules.md, "Volumes").
            if !same_region(&vol.region, region) && !rules.shareable {
                return Err(err(format!(
                    "Volume {id} is in {}, not {region}",
                    vol.region
                )));
            }
            if vol.phase != VolumePhase::Ready {
                return Err(err(format!("Volume {id} is {}", vol.status())));
            }
            if !rules.shareable && !vol.attached_to.is_empty() {
                return Err(err(format!(
                    "Volume {id} is already attached to another instance"
                )));
            }
        }
        Ok(ids)
    }

    /// `POST /api/deployments`.
    pub fn create_deployment(&mut self, body: &Value, now: DateTime<Utc>) -> ApiResult<Value> {
        self.advance_to(now);
        if !body.is_object() {
            return Err(ApiError::validation(
                "body",
                "Request body must be a JSON object",
            ));
        }
        let team_id = match body.get("teamId") {
            None | Some(Value::Null) => {
                return Err(ApiError::validation("teamId", "Team ID is required"));
            }
            Some(v) => v
                .as_str()
                .ok_or_else(|| ApiError::validation("teamId", "teamId must be a string"))?
                .to_string(),
        };
        if !self.teams.iter().any(|t| t.id == team_id) {
            return Err(ApiError::validation(
                "teamId",
                format!("Team '{team_id}' not found"),
            ));
        }
        let mut offer = self.match_offer(body)?;
        if self.params.price_drift {
            super::drift::apply(&mut offer, now);
            if !super::drift::available(&offer) {
                return Err(ApiError::validation(
                    "offerId",
                    format!(
                        "Offer '{}' is not available now: no capacity",
                        offer.offer_id
                    ),
                ));
            }
        }
        let region = req_str(body, "region")?.to_string();
        let os = req_str(body, "operatingSystem")?.to_string();
        let ssh_key_id = match (present(body, "sshKeyId"), present(body, "ssh_public_key")) {
            (true, true) => {
                return Err(ApiError::validation(
                    "sshKeyId",
                    "Provide exactly one of sshKeyId or ssh_public_key, not both",
                ));
            }
            (false, false) => {
                return Err(ApiError::validation(
                    "sshKeyId",
                    "An SSH key is required: provide sshKeyId or ssh_public_key",
                ));
            }
            (true, false) => {
                let id = req_str(body, "sshKeyId")?;
                if !self.ssh_keys.iter().any(|k| k.id == id) {
                    return Err(ApiError::validation(
                        "sshKeyId",
                        format!("SSH key '{id}' not found"),
                    ));
                }
                Some(id.to_string())
            }
            (false, true) => {
                let k = req_str(body, "ssh_public_key")?;
                checked_public_key("ssh_public_key", k)?;
                None
            }
        };
        let name = match body.get("name") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if !s.trim().is_empty() && s.len() <= 100 => Some(s.clone()),
            Some(_) => {
                return Err(ApiError::validation(
                    "name",
                    "name must be a string of 1 to 100 characters",
                ));
            }
        };
        if present(body, "cloudInit") {
            if !offer.supports_cloud_init {
                return Err(ApiError::validation(
                    "cloudInit",
                    "This offer does not support cloud-init",
                ));
            }
            if !valid_cloud_init(&body["cloudInit"]) {
                return Err(ApiError::validation(
                    "cloudInit",
                    "cloudInit must be {runcmd?: [string], packages?: [string], writeFiles?: [{path, content, owner?, permissions?}]}",
                ));
            }
        }
        let mut k8s = None;
        if present(body, "kubernetesAddon") {
            let Some(cost) = offer.kubernetes_cost_per_hour else {
                return Err(ApiError::validation(
                    "kubernetesAddon",
                    "The Kubernetes add-on is only available on Voltage Park CLUSTER offers",
                ));
            };
            let addon = &body["kubernetesAddon"];
            let version = addon["version"].as_str().unwrap_or_default();
            let known = self
                .catalog
                .k8s_versions(&offer.provider)
                .is_some_and(|vs| vs.iter().any(|v| v.version == version));
            if !known {
                return Err(ApiError::validation(
                    "kubernetesAddon",
                    format!("Unknown Kubernetes version '{version}'"),
                ));
            }
            if let Some(a) = addon.get("authentication_config_b64")
                && !a.is_string()
            {
                return Err(ApiError::validation(
                    "kubernetesAddon",
                    "authentication_config_b64 must be a string",
                ));
            }
            k8s = Some((version.to_string(), cost));
        }
        let volume_ids = match body.get("volumeIds") {
            None | Some(Value::Null) => Vec::new(),
            Some(v) => self.check_volume_ids(&offer.provider, &region, &team_id, v)?,
        };
        let balance = self
            .teams
            .iter()
            .find(|t| t.id == team_id)
            .map_or(0.0, |t| t.balance);
        if balance <= 0.0 {
            let mut e = ApiError::validation(
                "teamId",
                "Insufficient balance: add credit to the team before deploying",
            );
            e.code = "INSUFFICIENT_BALANCE";
            return Err(e);
        }
        let mut d = self.new_deployment(&offer, &region, &os, ssh_key_id, &team_id, now);
        if let Some(n) = name {
            d.name = n;
        }
        if let Some((version, cost)) = k8s {
            d.hourly_rate = super::catalog::round(d.hourly_rate + cost, 4);
            d.kubernetes = Some(K8sAddon {
                version,
                cluster_id: self.uuid(),
                cost_per_hour: cost,
            });
        }
        let (lo, hi) = self.params.deploy_delay_secs;
        let delay = self.rng.u64(lo.min(hi)..=hi.max(lo));
        d.ready_at = Some(now + Duration::seconds(delay as i64));
        if self.rng.f64() < self.params.fail_share {
            d.will_fail =
                Some(FAILURE_REASONS[self.rng.usize(..FAILURE_REASONS.len())].to_string());
        }
        for v in &mut self.volumes {
            if volume_ids.contains(&v.id) {
                v.bind(&d.id, &region);
            }
        }
        let mut out = self.deployment_json(&d, false);
        out["message"] = json!("Deployment created");
        let act = format!("deployment {} ({}) created", d.name, d.id);
        self.acts.note(Part::Deployments, &d.id, act);
        self.deployments.push(d);
        Ok(out)
    }

    /// `PATCH /api/deployments/{id}`: only `name`.
    pub fn rename_deployment(
        &mut self,
        id: &str,
        body: &Value,
        now: DateTime<Utc>,
    ) -> ApiResult<usize> {
        self.advance_to(now);
        let i = self.deployment_index(id)?;
        let m = body
            .as_object()
            .ok_or_else(|| ApiError::validation("body", "Request body must be a JSON object"))?;
        if let Some(k) = m.keys().find(|k| k.as_str() != "name") {
            return Err(ApiError::validation(
                k,
                format!("'{k}' cannot be changed: only name is mutable"),
            ));
        }
        let name = match m.get("name") {
            Some(Value::String(s)) if !s.trim().is_empty() && s.len() <= 100 => s.clone(),
            _ => {
                return Err(ApiError::validation(
                    "name",
                    "name must be a string of 1 to 100 characters",
                ));
            }
        };
        let act = format!(
            "deployment {} ({id}) renamed to {name}",
            self.deployments[i].name
        );
        self.deployments[i].name = name;
        self.acts.note(Part::Deployments, id, act);
        Ok(i)
    }

    /// `(canTerminate, runtime minutes, timeRemaining minutes)`.
    fn runtime(&self, i: usize, now: DateTime<Utc>) -> (bool, i64, i64) {
        let d = &self.deployments[i];
        let since = d.started_at.unwrap_or(d.created_at);
        let secs = (now - since).num_seconds().max(0);
        let left = (MINIMUM_RUNTIME_MIN * 60 - secs).max(0);
        (left == 0, secs / 60, (left + 59) / 60)
    }

    /// `GET /api/deployments/{id}/can-terminate`.
    pub fn can_terminate(&mut self, id: &str, now: DateTime<Utc>) -> ApiResult<Value> {
        self.advance_to(now);
        let i = self.deployment_index(id)?;
        let (ok, runtime, left) = self.runtime(i, now);
        let status = self.deployments[i].status.clone();
        let mut v = json!({
            "canTerminate": ok && !is_terminal(&status), "minimumRuntime": MINIMUM_RUNTIME_MIN,
            "timeRemaining": if is_terminal(&status) { 0 } else { left }, "runtime": runtime,
        });
        if is_terminal(&status) {
            v["reason"] = json!(format!("Deployment is already {status}"));
        } else if !ok {
            v["reason"] = json!(format!(
                "Minimum runtime of {MINIMUM_RUNTIME_MIN} minutes not reached ({left} min remaining)"
            ));
        }
        Ok(v)
    }

    /// `DELETE /api/deployments/{id}`.
    pub fn terminate(&mut self, id: &str, now: DateTime<Utc>) -> ApiResult<Value> {
        self.advance_to(now);
        let i = self.deployment_index(id)?;
        let status = self.deployments[i].status.clone();
        if is_terminal(&status) {
            return Err(ApiError::validation(
                "deploymentId",
                format!("Deployment is already {status}"),
            ));
        }
        let (ok, _, left) = self.runtime(i, now);
        if !ok {
            return Err(ApiError::validation(
                "deploymentId",
                format!("Cannot terminate before the minimum runtime of {MINIMUM_RUNTIME_MIN} minutes ({left} min remaining)"),
            )
            .with("canTerminate", json!(false))
            .with("timeRemaining", json!(left))
            .with("minimumRuntime", json!(MINIMUM_RUNTIME_MIN)));
        }
        self.end_deployment(i, "terminated", now);
        let act = format!("deployment {} ({id}) terminated", self.deployments[i].name);
        self.acts.note(Part::Deployments, id, act);
        Ok(json!({
            "message": "Deployment terminated",
            "deployment": {"id": id, "status": "terminated", "stoppedAt": ts(now)},
        }))
    }

    /// `GET /api/deployments` filters: `status`, and `teamId` (the current team's when absent).
    /// Newest first.
    pub fn list_deployments(
        &mut self,
        status: Option<&str>,
        team: Option<&str>,
        now: DateTime<Utc>,
    ) -> ApiResult<Vec<usize>> {
        self.advance_to(now);
        let keep: Box<dyn Fn(&str) -> bool> = match status {
            None | Some("") | Some("all") => Box::new(|_| true),
            Some("active") => Box::new(|s| s == "running" || s == "deploying"),
            Some("inactive") => Box::new(is_terminal),
            Some(
                s @ ("running"
                | "deploying"
                | "terminated"
                | "failed"
                | "terminated-provider"
                | "stopped"),
            ) => {
                let s = s.to_string();
                Box::new(move |x| x == s)
            }
            Some(s) => {
                return Err(ApiError::validation(
                    "status",
                    format!(
                        "Unknown status filter '{s}' (active, inactive, running, deploying, terminated, failed)"
                    ),
                ));
            }
        };
        let team = self.list_team(team)?;
        let mut idx: Vec<usize> = (0..self.deployments.len())
            .filter(|&i| keep(&self.deployments[i].status))
            .filter(|&i| self.deployments[i].team_id == team)
            .collect();
        idx.sort_by_key(|&i| std::cmp::Reverse(self.deployments[i].created_at));
        Ok(idx)
    }

    /// `GET /api/kubernetes/{clusterId}/health`.
    pub fn cluster_health(&mut self, cluster_id: &str, now: DateTime<Utc>) -> ApiResult<Value> {
        self.advance_to(now);
        let d = self
            .deployments
            .iter()
            .find(|d| {
                d.kubernetes
                    .as_ref()
                    .is_some_and(|k| k.cluster_id == cluster_id)
                    && !is_terminal(&d.status)
            })
            .ok_or_else(|| ApiError::not_found(format!("Cluster {cluster_id} not found")))?;
        let total = (d.gpu_count / 8).max(1);
        let (status, ready) = if d.status == "running" {
            ("healthy", total)
        } else {
            ("provisioning", 0)
        };
        Ok(json!({
            "clusterId": cluster_id, "status": status, "nodesReady": ready,
            "nodesTotal": total, "checkedAt": ts(now),
        }))
    }
}
