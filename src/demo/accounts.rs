//! Teams, balance and SSH keys.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::acts::Part;
use super::catalog::round;
use super::deploy::checked_public_key;
use super::error::{ApiError, ApiResult};
use super::world::{SshKey, Team, World, ts};

fn team_json(t: &Team, is_default: bool) -> Value {
    json!({
        "id": t.id, "name": t.name, "balance": round(t.stored_balance, 2), "role": t.role,
        "isDefault": is_default, "createdAt": ts(t.created_at),
    })
}

pub fn key_json(k: &SshKey) -> Value {
    json!({
        "id": k.id, "name": k.name, "fingerprint": k.fingerprint,
        "publicKey": k.public_key, "createdAt": ts(k.created_at),
    })
}

impl World {
    /// The team a list without `teamId` shows (the user's current team), or the one asked for;
    /// 403/404 for a team the user is not in.
    pub(crate) fn list_team(&self, team: Option<&str>) -> ApiResult<String> {
        match team {
            None | Some("") => Ok(self.teams[0].id.clone()),
            Some(t) if self.teams.iter().any(|x| x.id == t) => Ok(t.to_string()),
            Some(t) => Err(self.missing_team(t)),
        }
    }

    /// 403 for a team the user is not a member of, 404 for one that does not exist.
    pub(crate) fn missing_team(&self, id: &str) -> ApiError {
        if self.catalog.seed.foreign_teams.iter().any(|t| t == id) {
            ApiError::new(
                403,
                "FORBIDDEN",
                format!("You are not a member of team {id}"),
            )
        } else {
            ApiError::not_found(format!("Team {id} not found"))
        }
    }

    pub fn teams_json(&mut self, now: DateTime<Utc>) -> Vec<Value> {
        self.advance_to(now);
        self.teams
            .iter()
            .enumerate()
            .map(|(i, t)| team_json(t, i == 0))
            .collect()
    }

    pub fn team_details(&mut self, id: &str, now: DateTime<Utc>) -> ApiResult<Value> {
        self.advance_to(now);
        let (i, t) = self
            .teams
            .iter()
            .enumerate()
            .find(|(_, t)| t.id == id)
            .ok_or_else(|| self.missing_team(id))?;
        let mut v = team_json(t, i == 0);
        v["members"] = json!(t.members);
        Ok(v)
    }

    /// `GET /api/balance[?teamId][&all=false]`.
    pub fn balance(
        &mut self,
        team: Option<&str>,
        all: bool,
        now: DateTime<Utc>,
    ) -> ApiResult<Value> {
        self.advance_to(now);
        if let Some(t) = team
            && !self.teams.iter().any(|x| x.id == t)
        {
            return Err(self.missing_team(t));
        }
        let teams: Vec<Value> = self
            .teams
            .iter()
            .enumerate()
            .filter(|(i, t)| team.map_or(all || *i == 0, |id| t.id == id))
            .map(|(i, t)| {
                json!({
                    "teamId": t.id, "teamName": t.name, "balance": round(t.balance, 2),
                    "isCurrentTeam": i == 0, "role": t.role,
                })
            })
            .collect();
        Ok(json!({ "teams": teams, "currency": "USD" }))
    }

    pub fn ssh_key(&self, id: &str) -> ApiResult<Value> {
        self.ssh_keys
            .iter()
            .find(|k| k.id == id)
            .map(key_json)
            .ok_or_else(|| ApiError::not_found(format!("SSH key {id} not found")))
    }

    /// `POST /api/ssh-keys`.
    pub fn add_ssh_key(&mut self, body: &Value, now: DateTime<Utc>) -> ApiResult<Value> {
        let name = body["name"]
            .as_str()
            .map(str::trim)
            .filter(|n| !n.is_empty() && n.len() <= 100)
            .ok_or_else(|| {
                ApiError::validation("name", "name is required (1 to 100 characters)")
            })?;
        let key = body["publicKey"]
            .as_str()
            .map(str::trim)
            .ok_or_else(|| ApiError::validation("publicKey", "publicKey is required"))?;
        let checked = checked_public_key("publicKey", key)?;
        if let Some(t) = body["teamId"].as_str()
            && !self.teams.iter().any(|x| x.id == t)
        {
            return Err(ApiError::validation(
                "teamId",
                format!("Team '{t}' not found"),
            ));
        }
        if self
            .ssh_keys
            .iter()
            .any(|k| k.fingerprint == checked.fingerprint)
        {
            return Err(ApiError::validation(
                "publicKey",
                "This public key is already saved",
            ));
        }
        let k = SshKey {
            id: format!("sshk_{}", self.hex(8)),
            name: name.to_string(),
            fingerprint: checked.fingerprint,
            public_key: key.to_string(),
            created_at: now,
        };
        let out = key_json(&k);
        let act = format!("SSH key {} ({}) added", k.name, k.id);
        self.acts.note(Part::Keys, &k.id, act);
        self.ssh_keys.push(k);
        Ok(out)
    }

    pub fn delete_ssh_key(&mut self, id: &str) -> ApiResult<()> {
        let Some(i) = self.ssh_keys.iter().position(|k| k.id == id) else {
            return Err(ApiError::not_found(format!("SSH key {id} not found")));
        };
        let k = self.ssh_keys.remove(i);
        self.acts
            .note(Part::Keys, id, format!("SSH key {} ({id}) deleted", k.name));
        Ok(())
    }
}
