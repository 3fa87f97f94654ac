//! Volume rules (docs/api-rules.md, "Volumes"): create, rename/expand, delete, attach, detach.
//! Which provider allows what comes from the table in `rules.rs`.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::acts::Part;
use super::error::{ApiError, ApiResult};
use super::world::is_terminal;
use super::world::{Volume, VolumePhase, World};
use crate::domain::volume_rules::{
    ProviderRules as VolumeRules, check_name, check_size, region_fits, rules_for as volume_rules,
    same_provider,
};

/// Seconds a new volume stays `creating`, and a deleted one `deleting`.
pub const CREATE_SECS: i64 = 10;
pub const DELETE_SECS: i64 = 20;

fn supported(provider: &str) -> ApiResult<&'static VolumeRules> {
    volume_rules(provider).ok_or_else(|| {
        ApiError::validation(
            "provider",
            format!("Provider '{provider}' does not support volumes"),
        )
    })
}

fn size_field(body: &Value) -> ApiResult<Option<u64>> {
    match body.get("sizeInGb") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => {
            v.as_u64().filter(|n| *n > 0).map(Some).ok_or_else(|| {
                ApiError::validation("sizeInGb", "sizeInGb must be a positive integer")
            })
        }
    }
}

impl World {
    fn deployment_region(&self, id: &str) -> String {
        self.deployments
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.region.clone())
            .unwrap_or_default()
    }

    /// A deployment as an act names it: `name (id)`, or its id when it is not known.
    fn deployment_label(&self, id: &str) -> String {
        match self.deployments.iter().find(|d| d.id == id) {
            Some(d) => format!("{} ({id})", d.name),
            None => id.to_string(),
        }
    }

    pub fn volume_index(&self, id: &str) -> ApiResult<usize> {
        self.volumes
            .iter()
            .position(|v| v.id == id)
            .ok_or_else(|| ApiError::not_found(format!("Volume {id} not found")))
    }

    /// Can volume `vi` be attached to deployment `di` (attach endpoint or create-and-attach)?
    fn check_attach(&self, vol: &Volume, deployment_id: &str) -> ApiResult<()> {
        let rules = supported(&vol.provider)?;
        let di = self
            .deployments
            .iter()
            .position(|d| d.id == deployment_id)
            .ok_or_else(|| {
                ApiError::validation(
                    "deploymentId",
                    format!("Deployment {deployment_id} not found"),
                )
            })?;
        let d = &self.deployments[di];
        if !same_provider(&d.provider, &vol.provider) {
            return Err(ApiError::validation(
                "deploymentId",
                format!(
                    "Volume is on {} but the deployment is on {}",
                    vol.provider, d.provider
                ),
            ));
        }
        if d.team_id != vol.team_id {
            return Err(ApiError::validation(
                "deploymentId",
                format!(
                    "Volume belongs to team {} but the deployment to team {}",
                    vol.team_id, d.team_id
                ),
            ));
        }
        // Verda / DataCrunch accept an attach across regions; the volume then looks attached
        // and cannot be read (docs/api-rules.md, "Volumes"). Every other provider refuses it.
        if !region_fits(rules, &vol.region, &d.region) && !rules.shareable {
            return Err(ApiError::validation(
                "deploymentId",
                format!(
                    "Volume is in {} but the deployment is in {}",
                    vol.region, d.region
                ),
            ));
        }
        if d.status != "running" {
            return Err(ApiError::validation(
                "deploymentId",
                format!(
                    "Deployment must be running to attach a volume (it is {})",
                    d.status
                ),
            ));
        }
        if vol.attached_to.iter().any(|a| a == deployment_id) {
            return Err(ApiError::validation(
                "deploymentId",
                "Volume is already attached to this deployment",
            ));
        }
        if !rules.shareable && !vol.attached_to.is_empty() {
            return Err(ApiError::validation(
                "deploymentId",
                format!(
                    "{} volumes attach to one instance at a time; detach it first",
                    vol.provider
                ),
            ));
        }
        if self.volume_ids_of(deployment_id).len() >= (rules.max_per_instance as usize) {
            return Err(ApiError::validation(
                "deploymentId",
                format!(
                    "{} allows {} volume(s) per instance",
                    vol.provider,
                    (rules.max_per_instance as usize)
                ),
            ));
        }
        Ok(())
    }

    /// `POST /api/volumes`.
    pub fn create_volume(&mut self, body: &Value, now: DateTime<Utc>) -> ApiResult<Value> {
        self.advance_to(now);
        let name = body["name"]
            .as_str()
            .ok_or_else(|| ApiError::validation("name", "name is required"))?;
        if check_name(name).is_err() {
            return Err(ApiError::validation(
                "name",
                "name must be 1-60 lowercase letters, digits, hyphens or underscores",
            ));
        }
        let size = size_field(body)?
            .ok_or_else(|| ApiError::validation("sizeInGb", "sizeInGb is required"))?;
        let provider = body["provider"]
            .as_str()
            .ok_or_else(|| ApiError::validation("provider", "provider is required"))?;
        let rules = supported(provider)?;
        self.catalog
            .check_listed(provider)
            .map_err(|why| ApiError::validation("provider", why))?;
        let regions = self.catalog.regions_of(provider).unwrap_or_default();
        let region = match body["region"].as_str() {
            Some(r) => regions.iter().find(|x| x.id == r).ok_or_else(|| {
                ApiError::validation("region", format!("Unknown {provider} region '{r}'"))
            })?,
            None if rules.region_required => {
                return Err(ApiError::validation(
                    "region",
                    format!("region is required for {provider}"),
                ));
            }
            None => regions
                .first()
                .ok_or_else(|| ApiError::validation("region", "no regions"))?,
        }
        .clone();
        if rules.cloud_id_required {
            // both from the regions answer (docs/api-rules.md, "Volumes")
            for (field, want) in [
                ("cloudId", region.cloud_id.as_deref()),
                ("cloudName", region.cloud_name.as_deref()),
            ] {
                match body[field].as_str() {
                    None => {
                        return Err(ApiError::validation(
                            field,
                            format!("{field} is required for {provider}"),
                        ));
                    }
                    Some(c) if Some(c) != want => {
                        return Err(ApiError::validation(
                            field,
                            format!("{field} '{c}' does not match region {}", region.id),
                        ));
                    }
                    Some(_) => {}
                }
            }
        }
        if size < region.min_size_gb
            || size > region.max_size_gb
            || check_size(
                rules,
                size,
                Some(region.min_size_gb as f64),
                Some(region.max_size_gb as f64),
            )
            .is_err()
        {
            return Err(ApiError::validation(
                "sizeInGb",
                format!(
                    "sizeInGb must be between {} and {} in {}",
                    region.min_size_gb, region.max_size_gb, region.id
                ),
            ));
        }
        let team_id = match body["teamId"].as_str() {
            Some(t) if self.teams.iter().any(|x| x.id == t) => t.to_string(),
            Some(t) => {
                return Err(ApiError::validation(
                    "teamId",
                    format!("Team '{t}' not found"),
                ));
            }
            None => self.teams[0].id.clone(),
        };
        let mut vol = Volume {
            id: format!("vol_{}", self.hex(10)),
            name: name.to_string(),
            provider: provider.to_string(),
            // Made without a region where none is needed (Voltage Park): it has none, and is
            // priced and sized by the provider's first region.
            region: if body["region"].is_string() {
                region.id.clone()
            } else {
                String::new()
            },
            size_gb: size,
            phase: VolumePhase::Creating,
            attached_to: Vec::new(),
            cross_region: Vec::new(),
            rate_per_gb: region.hourly_rate_per_gb,
            created_at: now,
            phase_until: Some(now + Duration::seconds(CREATE_SECS)),
            team_id,
            cloud_id: region.cloud_id.clone(),
            virtual_ip: None,
            used_gb: 0.0,
        };
        if let Some(dep) = body.get("deploymentId").filter(|v| !v.is_null()) {
            if !rules.attach_at_create {
                return Err(ApiError::validation(
                    "deploymentId",
                    format!(
                        "{provider} volumes cannot be attached at creation; pass volumeIds when deploying"
                    ),
                ));
            }
            let dep = dep.as_str().ok_or_else(|| {
                ApiError::validation("deploymentId", "deploymentId must be a string")
            })?;
            self.check_attach(&vol, dep)?;
            let region = self.deployment_region(dep);
            vol.bind(dep, &region);
            vol.phase = VolumePhase::Ready;
            vol.phase_until = None;
        }
        if rules.virtual_ip {
            vol.virtual_ip = Some(self.virtual_ip());
        }
        let out = vol.to_json();
        let act = format!("volume {} ({}) created", vol.name, vol.id);
        self.acts.note(Part::Volumes, &vol.id, act);
        self.volumes.push(vol);
        Ok(out)
    }

    /// `PATCH /api/volumes/{id}` with `{name?, sizeInGb?}`.
    pub fn update_volume(
        &mut self,
        id: &str,
        body: &Value,
        now: DateTime<Utc>,
    ) -> ApiResult<Value> {
        self.advance_to(now);
        let i = self.volume_index(id)?;
        let m = body
            .as_object()
            .ok_or_else(|| ApiError::validation("body", "Request body must be a JSON object"))?;
        if let Some(k) = m
            .keys()
            .find(|k| !["name", "sizeInGb"].contains(&k.as_str()))
        {
            return Err(ApiError::validation(k, format!("'{k}' cannot be changed")));
        }
        let vol = &self.volumes[i];
        let rules = supported(&vol.provider)?;
        if vol.phase != VolumePhase::Ready {
            return Err(ApiError::validation(
                "volumeId",
                format!("Volume is {}", vol.status()),
            ));
        }
        let name =
            match m.get("name") {
                None | Some(Value::Null) => None,
                Some(n) => {
                    if !rules.rename {
                        return Err(ApiError::validation(
                            "name",
                            format!("{} volumes cannot be renamed", vol.provider),
                        ));
                    }
                    let n = n.as_str().filter(|n| check_name(n).is_ok()).ok_or_else(|| {
                    ApiError::validation(
                        "name",
                        "name must be 1-60 lowercase letters, digits, hyphens or underscores",
                    )
                })?;
                    Some(n.to_string())
                }
            };
        let size = size_field(body)?;
        if let Some(s) = size {
            if !rules.expand {
                return Err(ApiError::validation(
                    "sizeInGb",
                    format!("{} volumes cannot be resized", vol.provider),
                ));
            }
            if s < vol.size_gb {
                return Err(ApiError::validation(
                    "sizeInGb",
                    "Volumes can only grow: shrinking is not supported",
                ));
            }
            let max = self
                .catalog
                .volume_region(&vol.provider, &vol.region)
                .map_or(u64::MAX, |r| r.max_size_gb);
            if s > max {
                return Err(ApiError::validation(
                    "sizeInGb",
                    format!("sizeInGb must be at most {max} in {}", vol.region),
                ));
            }
        }
        let vol = &mut self.volumes[i];
        if let Some(n) = name {
            vol.name = n;
        }
        if let Some(s) = size {
            vol.size_gb = s;
        }
        let out = vol.to_json();
        let act = format!("volume {} ({id}) changed", vol.name);
        self.acts.note(Part::Volumes, id, act);
        Ok(out)
    }

    /// `DELETE /api/volumes/{id}`: only detached volumes.
    pub fn delete_volume(&mut self, id: &str, now: DateTime<Utc>) -> ApiResult<Value> {
        self.advance_to(now);
        let i = self.volume_index(id)?;
        let vol = &mut self.volumes[i];
        match vol.phase {
            VolumePhase::Deleting => {
                return Err(ApiError::validation(
                    "volumeId",
                    "Volume is already being deleted",
                ));
            }
            VolumePhase::Creating => {
                return Err(ApiError::validation(
                    "volumeId",
                    "Volume is still being created",
                ));
            }
            VolumePhase::Ready if !vol.attached_to.is_empty() => {
                return Err(ApiError::validation(
                    "volumeId",
                    "Volume is attached: detach it (or terminate the instance) before deleting",
                ));
            }
            VolumePhase::Ready => {}
        }
        vol.phase = VolumePhase::Deleting;
        vol.phase_until = Some(now + Duration::seconds(DELETE_SECS));
        let act = format!("volume {} ({id}) deleted", vol.name);
        self.acts.note(Part::Volumes, id, act);
        Ok(json!({ "message": format!("Volume {id} is being deleted") }))
    }

    /// `POST /api/volumes/{id}/attach`.
    pub fn attach_volume(
        &mut self,
        id: &str,
        body: &Value,
        now: DateTime<Utc>,
    ) -> ApiResult<Value> {
        self.advance_to(now);
        let i = self.volume_index(id)?;
        let vol = &self.volumes[i];
        let rules = supported(&vol.provider)?;
        if !rules.attach_after_launch {
            return Err(ApiError::validation(
                "volumeId",
                format!(
                    "{} volumes attach only at instance creation (volumeIds)",
                    vol.provider
                ),
            ));
        }
        if vol.phase != VolumePhase::Ready {
            return Err(ApiError::validation(
                "volumeId",
                format!("Volume is {}", vol.status()),
            ));
        }
        let dep = body["deploymentId"]
            .as_str()
            .ok_or_else(|| ApiError::validation("deploymentId", "deploymentId is required"))?;
        self.check_attach(vol, dep)?;
        let region = self.deployment_region(dep);
        self.volumes[i].bind(dep, &region);
        let act = format!(
            "volume {} ({}) attached to {}",
            self.volumes[i].name,
            self.volumes[i].id,
            self.deployment_label(dep)
        );
        let id = self.volumes[i].id.clone();
        self.acts.note(Part::Volumes, &id, act);
        Ok(json!({ "message": "Volume attached", "volume": self.volumes[i].to_json() }))
    }

    /// `POST /api/volumes/{id}/detach` with optional `{deploymentId}`.
    pub fn detach_volume(
        &mut self,
        id: &str,
        body: &Value,
        now: DateTime<Utc>,
    ) -> ApiResult<Value> {
        self.advance_to(now);
        let i = self.volume_index(id)?;
        let vol = &self.volumes[i];
        let rules = supported(&vol.provider)?;
        let dep = match body.get("deploymentId").and_then(Value::as_str) {
            Some(d) if vol.attached_to.iter().any(|a| a == d) => d.to_string(),
            Some(d) => {
                return Err(ApiError::validation(
                    "deploymentId",
                    format!("Volume is not attached to {d}"),
                ));
            }
            None => match vol.attached_to.as_slice() {
                [] => return Err(ApiError::validation("volumeId", "Volume is not attached")),
                [one] => one.clone(),
                _ => {
                    return Err(ApiError::validation(
                        "deploymentId",
                        "Volume is attached to several instances: say which with deploymentId",
                    ));
                }
            },
        };
        if rules.detach_only_when_terminal() {
            let status = self
                .deployments
                .iter()
                .find(|d| d.id == dep)
                .map_or("terminated".to_string(), |d| d.status.clone());
            if !is_terminal(&status) {
                return Err(ApiError::validation(
                    "volumeId",
                    format!(
                        "{} volumes can only be detached once the instance is terminated (it is {status})",
                        vol.provider
                    ),
                ));
            }
        }
        self.volumes[i].attached_to.retain(|a| a != &dep);
        let act = format!(
            "volume {} ({}) detached from {}",
            self.volumes[i].name,
            self.volumes[i].id,
            self.deployment_label(&dep)
        );
        let id = self.volumes[i].id.clone();
        self.acts.note(Part::Volumes, &id, act);
        Ok(json!({ "message": "Volume detached", "volume": self.volumes[i].to_json() }))
    }

    /// `GET /api/volumes` filters: `status`, and `teamId` (the current team's when absent).
    /// Newest first.
    pub fn list_volumes(
        &mut self,
        status: Option<&str>,
        team: Option<&str>,
        now: DateTime<Utc>,
    ) -> ApiResult<Vec<Value>> {
        self.advance_to(now);
        if let Some(s) = status
            && !["creating", "available", "attached", "deleting"].contains(&s)
        {
            return Err(ApiError::validation(
                "status",
                format!("Unknown volume status '{s}'"),
            ));
        }
        let team = self.list_team(team)?;
        let mut v: Vec<&Volume> = self
            .volumes
            .iter()
            .filter(|v| status.is_none_or(|s| v.status() == s))
            .filter(|v| v.team_id == team)
            .collect();
        v.sort_by_key(|v| std::cmp::Reverse(v.created_at));
        Ok(v.into_iter().map(Volume::to_json).collect())
    }
}
