//! One method per endpoint of docs/api-rules.md, "Endpoints". Bodies are parsed to JSON by the transport
//! (`client.rs`) and decoded here with the tolerant models' helpers, so both the documented
//! shapes and the "also accepted" ones of `docs/wire-shapes.md` are read.

use reqwest::Method;
use serde::Serialize;
use serde_json::{Value, json};

use super::client::Client;
use super::error::{ApiError, snippet};
use super::listing::{Completeness, Gap, Listing};
use super::models::reader::{Read, Unreadable};
use super::models::*;

impl Client {
    // -----------------------------------------------------------------------------------------
    // Providers and offers

    /// `GET /api/providers` (public): provider names.
    pub async fn providers(&self) -> Result<Vec<String>, ApiError> {
        let v = self.get(&["providers"], &[]).await?;
        let list = match v {
            Value::Object(mut o) => o
                .remove("providers")
                .or_else(|| o.remove("data"))
                .unwrap_or(Value::Null),
            other => other,
        };
        let Value::Array(items) = list else {
            return Err(shape_error("a list of providers"));
        };
        Ok(items
            .into_iter()
            .filter_map(|i| match i {
                Value::String(s) => Some(s),
                Value::Object(o) => o
                    .get("id")
                    .or_else(|| o.get("name"))
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                _ => None,
            })
            .collect())
    }

    /// `GET /api/gpu-offers` (public; discount fields only with a key).
    pub async fn gpu_offers(&self, q: &OffersQuery) -> Result<OffersPage, ApiError> {
        let mut query: Vec<(&str, String)> = Vec::new();
        push(&mut query, "page", q.page);
        push(&mut query, "limit", q.limit);
        push(
            &mut query,
            "search",
            q.search.as_deref().filter(|s| !s.is_empty()),
        );
        push(&mut query, "sortBy", q.sort_by.as_deref());
        push(&mut query, "sortOrder", q.sort_order.map(SortOrder::as_str));
        push(
            &mut query,
            "instanceType",
            q.instance_type.as_ref().map(InstanceType::as_str),
        );
        self.get_with(&["gpu-offers"], &query, OffersPage::from_slice)
            .await
    }

    // -----------------------------------------------------------------------------------------
    // Deployments

    /// Every page of `GET /api/deployments?status&teamId&userId`, how many were read, and what
    /// the answer may be missing (a status asked for is a filter).
    pub async fn deployments(&self, q: &DeploymentsQuery) -> Result<Listing<Deployment>, ApiError> {
        let mut query: Vec<(&str, String)> = Vec::new();
        push(&mut query, "status", q.status.as_deref());
        push(&mut query, "teamId", q.team_id.as_deref());
        push(&mut query, "userId", q.user_id.as_deref());
        let mut listing = self
            .all_pages(
                &["deployments"],
                query,
                &["deployments", "data"],
                |d: &Deployment| &d.id,
            )
            .await?;
        if let Some(status) = q.status.as_deref() {
            listing
                .completeness
                .add(Gap::Filtered(format!("{status} deployments")));
        }
        Ok(listing)
    }

    /// The deployments list with the dashboard's filter (active / inactive / all).
    pub async fn deployments_filtered(
        &self,
        filter: DeploymentFilter,
    ) -> Result<Listing<Deployment>, ApiError> {
        self.deployments(&filter.into()).await
    }

    /// `GET /api/deployments/{id}`.
    pub async fn deployment(&self, id: &str) -> Result<Deployment, ApiError> {
        let v = self.get(&["deployments", id], &[]).await?;
        object(v, &["deployment", "data"])
    }

    /// `POST /api/deployments`. Never retried: after a failure or timeout, read the list before
    /// offering to try again (a retry has created duplicate instances).
    pub async fn create_deployment(&self, req: &DeployRequest) -> Result<Deployment, ApiError> {
        let v = self
            .send(Method::POST, &["deployments"], &[], Some(to_body(req)?))
            .await?;
        object(v, &["deployment", "data"])
    }

    /// `PATCH /api/deployments/{id}` with `{name}` (the only mutable field).
    pub async fn rename_deployment(&self, id: &str, name: &str) -> Result<Deployment, ApiError> {
        let v = self
            .send(
                Method::PATCH,
                &["deployments", id],
                &[],
                Some(json!({ "name": name })),
            )
            .await?;
        object(v, &["deployment", "data"])
    }

    /// `DELETE /api/deployments/{id}`: permanent. A 400 "too early" keeps its numbers: see
    /// [`ApiError::termination_blocked`].
    pub async fn terminate_deployment(&self, id: &str) -> Result<TerminateOutcome, ApiError> {
        let v = self
            .send(Method::DELETE, &["deployments", id], &[], None)
            .await?;
        Ok(TerminateOutcome::decode(v))
    }

    /// `GET /api/deployments/{id}/can-terminate`.
    pub async fn can_terminate(&self, id: &str) -> Result<CanTerminate, ApiError> {
        let v = self.get(&["deployments", id, "can-terminate"], &[]).await?;
        object(v, &["data"])
    }

    // -----------------------------------------------------------------------------------------
    // SSH keys

    pub async fn ssh_keys(&self) -> Result<Listing<SshKey>, ApiError> {
        let v = self.get(&["ssh-keys"], &[]).await?;
        listing(v, &["sshKeys", "keys", "data"])
    }

    pub async fn ssh_key(&self, id: &str) -> Result<SshKey, ApiError> {
        let v = self.get(&["ssh-keys", id], &[]).await?;
        object(v, &["sshKey", "key", "data"])
    }

    pub async fn add_ssh_key(&self, key: &NewSshKey) -> Result<SshKey, ApiError> {
        let v = self
            .send(Method::POST, &["ssh-keys"], &[], Some(to_body(key)?))
            .await?;
        object(v, &["sshKey", "key", "data"])
    }

    /// `DELETE /api/ssh-keys/{id}` (answers 204 with no body).
    pub async fn delete_ssh_key(&self, id: &str) -> Result<(), ApiError> {
        self.send(Method::DELETE, &["ssh-keys", id], &[], None)
            .await
            .map(drop)
    }

    // -----------------------------------------------------------------------------------------
    // Volumes

    /// `GET /api/volumes/regions[?provider=]`. Regions carry their provider even when the
    /// answer names it only once at the top.
    pub async fn volume_regions(
        &self,
        provider: Option<&str>,
    ) -> Result<Vec<VolumeRegion>, ApiError> {
        let mut query: Vec<(&str, String)> = Vec::new();
        push(&mut query, "provider", provider);
        let v = self.get(&["volumes", "regions"], &query).await?;
        let top = v
            .get("provider")
            .and_then(Value::as_str)
            .or(provider)
            .map(str::to_owned);
        let mut regions: Vec<VolumeRegion> = list(v, &["regions", "data"])?;
        if let Some(top) = top {
            for r in regions.iter_mut().filter(|r| r.provider.is_empty()) {
                r.provider = top.clone();
            }
        }
        Ok(regions)
    }

    /// `GET /api/volumes/pricing?provider&region`.
    pub async fn volume_pricing(
        &self,
        provider: &str,
        region: &str,
    ) -> Result<VolumePricing, ApiError> {
        let query = [
            ("provider", provider.to_string()),
            ("region", region.to_string()),
        ];
        let v = self.get(&["volumes", "pricing"], &query).await?;
        object(v, &["pricing", "data"])
    }

    /// `GET /api/volumes?page&limit&status&teamId`: the page asked for, or every page when
    /// `q.page` is `None`; with how many pages were read and what the answer may be missing.
    pub async fn volumes(&self, q: &VolumesQuery) -> Result<Listing<Volume>, ApiError> {
        let mut query: Vec<(&str, String)> = Vec::new();
        if let Some(page) = q.page {
            push(&mut query, "page", Some(page));
            push(&mut query, "limit", q.limit);
            push(&mut query, "status", q.status.as_deref());
            push(&mut query, "teamId", q.team_id.as_deref());
            let v = self.get(&["volumes"], &query).await?;
            let mut one = listing::<Volume>(v, &["volumes", "data"])?;
            if let Some(status) = q.status.as_deref() {
                one.completeness
                    .add(Gap::Filtered(format!("{status} volumes")));
            }
            return Ok(one);
        }
        push(&mut query, "status", q.status.as_deref());
        push(&mut query, "teamId", q.team_id.as_deref());
        let mut listing = self
            .all_pages(&["volumes"], query, &["volumes", "data"], |v: &Volume| {
                &v.id
            })
            .await?;
        if let Some(status) = q.status.as_deref() {
            listing
                .completeness
                .add(Gap::Filtered(format!("{status} volumes")));
        }
        Ok(listing)
    }

    /// Read a paged list to its last page: ask with `page` and `limit` ([`PAGE_LIMIT`]),
    /// follow `totalPages` (a bare array, or an answer without it, is one page). An item seen
    /// on two pages (the list moved while it was read) is kept once. Any page that fails
    /// fails the whole read: a list cut short would hide what bills. What was read but may
    /// not be everything (items unreadable, the page cap reached, fewer items than the answer
    /// announced) is said in the answer's completeness.
    async fn all_pages<T>(
        &self,
        path: &[&str],
        query: Vec<(&'static str, String)>,
        keys: &[&str],
        id: impl Fn(&T) -> &String,
    ) -> Result<Listing<T>, ApiError>
    where
        T: for<'de> serde::Deserialize<'de> + WithRaw + Read + Unreadable,
    {
        let mut items: Vec<T> = Vec::new();
        let mut completeness = Completeness::complete();
        let mut seen = std::collections::HashSet::new();
        let mut read_in_all: u64 = 0;
        let mut announced: Option<u64> = None;
        let mut page: u32 = 1;
        loop {
            let mut q = vec![
                ("page", page.to_string()),
                ("limit", PAGE_LIMIT.to_string()),
            ];
            q.extend(query.iter().cloned());
            let v = self.get(path, &q).await?;
            let listed = decoded(decode_list::<T>(v, keys))?;
            let unreadable = listed.unreadable.len();
            if unreadable > 0 {
                tracing::warn!(unreadable, page, "items the client could not read");
            }
            completeness.add(Gap::Unreadable(unreadable));
            announced = announced.max(listed.total);
            let last = listed.total_pages.unwrap_or(1);
            let read = listed.items.len() + unreadable;
            read_in_all += read as u64;
            for item in listed.rows() {
                if id(&item).is_empty() || seen.insert(id(&item).clone()) {
                    items.push(item);
                }
            }
            let done = u64::from(page) >= last || read == 0;
            if done || page >= MAX_PAGES {
                if !done {
                    completeness.add(Gap::Pages {
                        read: page,
                        of: last,
                    });
                }
                if let Some(expected) = announced.filter(|n| *n > read_in_all) {
                    completeness.add(Gap::Truncated {
                        expected,
                        got: read_in_all,
                    });
                }
                return Ok(Listing {
                    items,
                    pages: page,
                    completeness,
                });
            }
            page += 1;
        }
    }

    /// `GET /api/volumes/{id}` (with fresh usage).
    pub async fn volume(&self, id: &str) -> Result<Volume, ApiError> {
        let v = self.get(&["volumes", id], &[]).await?;
        object(v, &["volume", "data"])
    }

    pub async fn create_volume(&self, new: &NewVolume) -> Result<Volume, ApiError> {
        let v = self
            .send(Method::POST, &["volumes"], &[], Some(to_body(new)?))
            .await?;
        object(v, &["volume", "data"])
    }

    /// `PATCH /api/volumes/{id}`: rename and/or expand, where the provider allows it.
    pub async fn patch_volume(&self, id: &str, patch: &VolumePatch) -> Result<Volume, ApiError> {
        let v = self
            .send(Method::PATCH, &["volumes", id], &[], Some(to_body(patch)?))
            .await?;
        object(v, &["volume", "data"])
    }

    /// `DELETE /api/volumes/{id}` (the volume must be detached).
    pub async fn delete_volume(&self, id: &str) -> Result<(), ApiError> {
        self.send(Method::DELETE, &["volumes", id], &[], None)
            .await
            .map(drop)
    }

    /// `POST /api/volumes/{id}/attach` `{deploymentId}`.
    pub async fn attach_volume(&self, id: &str, deployment_id: &str) -> Result<Volume, ApiError> {
        let body = json!({ "deploymentId": deployment_id });
        let v = self
            .send(Method::POST, &["volumes", id, "attach"], &[], Some(body))
            .await?;
        object(v, &["volume", "data"])
    }

    /// `POST /api/volumes/{id}/detach` `{deploymentId?}`.
    pub async fn detach_volume(
        &self,
        id: &str,
        deployment_id: Option<&str>,
    ) -> Result<Volume, ApiError> {
        let body = match deployment_id {
            Some(d) => json!({ "deploymentId": d }),
            None => json!({}),
        };
        let v = self
            .send(Method::POST, &["volumes", id, "detach"], &[], Some(body))
            .await?;
        object(v, &["volume", "data"])
    }

    // -----------------------------------------------------------------------------------------
    // Kubernetes

    /// `GET /api/kubernetes/versions?provider=` (`{versions:[…]}` or a bare list of strings).
    pub async fn kubernetes_versions(
        &self,
        provider: &str,
    ) -> Result<Vec<KubernetesVersion>, ApiError> {
        let query = [("provider", provider.to_string())];
        let v = self.get(&["kubernetes", "versions"], &query).await?;
        let strings_as_objects = |v: Value| match v {
            Value::String(s) => json!({ "version": s }),
            other => other,
        };
        let v = match v {
            Value::Array(items) => {
                Value::Array(items.into_iter().map(strings_as_objects).collect())
            }
            Value::Object(mut o) => {
                for k in ["versions", "data"] {
                    if let Some(Value::Array(items)) = o.remove(k) {
                        o.insert(
                            k.to_string(),
                            Value::Array(items.into_iter().map(strings_as_objects).collect()),
                        );
                    }
                }
                Value::Object(o)
            }
            other => other,
        };
        list(v, &["versions", "data"])
    }

    /// `GET /api/kubernetes/{clusterId}/health`.
    pub async fn cluster_health(&self, cluster_id: &str) -> Result<ClusterHealth, ApiError> {
        let v = self.get(&["kubernetes", cluster_id, "health"], &[]).await?;
        object(v, &["health", "data"])
    }

    // -----------------------------------------------------------------------------------------
    // Teams and balance

    /// `GET /api/balance[?teamId][&all]` (live balance).
    pub async fn balance(
        &self,
        team_id: Option<&str>,
        all: Option<bool>,
    ) -> Result<Balance, ApiError> {
        let mut query: Vec<(&str, String)> = Vec::new();
        push(&mut query, "teamId", team_id);
        push(&mut query, "all", all);
        let v = self.get(&["balance"], &query).await?;
        decoded(Balance::decode(v))
    }

    /// `GET /api/teams`.
    pub async fn teams(&self) -> Result<Listing<Team>, ApiError> {
        let v = self.get(&["teams"], &[]).await?;
        listing(v, &["teams", "data"])
    }

    /// `GET /api/teams/details/{teamId}` (stored balance; use [`Client::balance`] for live).
    pub async fn team_details(&self, id: &str) -> Result<Team, ApiError> {
        let v = self.get(&["teams", "details", id], &[]).await?;
        object(v, &["team", "data"])
    }
}

/// The `limit` asked for on every page of a paged list (the API's maximum).
pub const PAGE_LIMIT: u32 = 100;

/// Pages read at most for one list (10 000 items at the full limit), so an answer that never
/// ends cannot keep the client asking.
pub const MAX_PAGES: u32 = 100;

fn push<T: ToString>(query: &mut Vec<(&'static str, String)>, k: &'static str, v: Option<T>) {
    if let Some(v) = v {
        query.push((k, v.to_string()));
    }
}

fn to_body<T: Serialize>(t: &T) -> Result<Value, ApiError> {
    serde_json::to_value(t).map_err(|e| ApiError::InvalidInput {
        message: format!("could not encode the request: {e}"),
    })
}

fn shape_error(what: &str) -> ApiError {
    ApiError::Decode {
        status: 200,
        message: format!("expected {what}"),
        snippet: String::new(),
    }
}

fn decoded<T>(r: Result<T, serde_json::Error>) -> Result<T, ApiError> {
    r.map_err(|e| ApiError::Decode {
        status: 200,
        message: e.to_string(),
        snippet: String::new(),
    })
}

fn object<T>(v: Value, keys: &[&str]) -> Result<T, ApiError>
where
    T: for<'de> serde::Deserialize<'de> + WithRaw,
{
    let inner = unwrap_object(v, keys);
    if !inner.is_object() {
        return Err(ApiError::Decode {
            status: 200,
            message: "expected a JSON object".into(),
            snippet: snippet(inner.to_string().as_bytes()),
        });
    }
    decoded(decode::<T>(inner))
}

/// A list answer read in one request: its unreadable items kept as rows and counted, the pages
/// it did not read (an answer of several) said.
fn listing<T>(v: Value, keys: &[&str]) -> Result<Listing<T>, ApiError>
where
    T: for<'de> serde::Deserialize<'de> + WithRaw + Read + Unreadable,
{
    let listed = decoded(decode_list::<T>(v, keys))?;
    let unreadable = listed.unreadable.len();
    if unreadable > 0 {
        tracing::warn!(unreadable, "items the client could not read");
    }
    let mut completeness = Completeness::with(Gap::Unreadable(unreadable));
    if let Some(of) = listed.total_pages.filter(|n| *n > 1) {
        completeness.add(Gap::Pages { read: 1, of });
    }
    Ok(Listing::with(listed.rows(), completeness))
}

fn list<T>(v: Value, keys: &[&str]) -> Result<Vec<T>, ApiError>
where
    T: for<'de> serde::Deserialize<'de> + WithRaw,
{
    let listed = decoded(decode_list::<T>(v, keys))?;
    if !listed.unreadable.is_empty() {
        tracing::warn!(
            unreadable = listed.unreadable.len(),
            "items the client could not read were left out"
        );
    }
    Ok(listed.items)
}
