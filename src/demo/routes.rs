//! The axum handlers of docs/api-rules.md, "Endpoints". Each one checks the key, locks the world, calls the
//! world model with the world clock's `now`, and shapes the answer (default or `alt_shapes`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::Shared;
use super::accounts::key_json;
use super::error::{ApiError, ApiResult};
use super::faults::{error_response, json_response};
use super::world::World;
use super::{live, offers};

type S = State<Arc<Shared>>;
type Q = Query<HashMap<String, String>>;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/api/providers", get(providers))
        .route("/api/gpu-offers", get(gpu_offers))
        .route(
            "/api/deployments",
            get(list_deployments).post(create_deployment),
        )
        .route(
            "/api/deployments/{id}",
            get(get_deployment)
                .patch(patch_deployment)
                .delete(delete_deployment),
        )
        .route("/api/deployments/{id}/can-terminate", get(can_terminate))
        .route("/api/ssh-keys", get(list_keys).post(add_key))
        .route("/api/ssh-keys/{id}", get(get_key).delete(delete_key))
        .route("/api/volumes/regions", get(volume_regions))
        .route("/api/volumes/pricing", get(volume_pricing))
        .route("/api/volumes", get(list_volumes).post(create_volume))
        .route(
            "/api/volumes/{id}",
            get(get_volume).patch(patch_volume).delete(delete_volume),
        )
        .route("/api/volumes/{id}/attach", post(attach_volume))
        .route("/api/volumes/{id}/detach", post(detach_volume))
        .route("/api/kubernetes/versions", get(k8s_versions))
        .route("/api/kubernetes/{id}/health", get(k8s_health))
        .route("/api/balance", get(balance))
        .route("/api/teams", get(teams))
        .route("/api/teams/details/{id}", get(team_details))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(shared)
}

/// Whether the request carries the demo key (`Authorization: Bearer KEY`).
pub fn has_valid_key(headers: &HeaderMap, key: &str) -> bool {
    bearer(headers).is_some_and(|k| k == key)
}

pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn ok(v: Value) -> ApiResult<Response> {
    Ok(json_response(200, &v))
}

fn parse_body(b: &Bytes) -> ApiResult<Value> {
    if b.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(b)
        .map_err(|e| ApiError::validation("body", format!("Invalid JSON body: {e}")))
}

impl Shared {
    /// Authenticate, then run `f` on the world at the world clock's `now`.
    fn authed(
        &self,
        h: &HeaderMap,
        f: impl FnOnce(&mut World, DateTime<Utc>, bool) -> ApiResult<Response>,
    ) -> Response {
        let result = match bearer(h) {
            None => Err(ApiError::unauthorized(
                "Authentication required: missing API key",
            )),
            Some(k) if k != self.key => Err(ApiError::unauthorized("Invalid API key")),
            Some(_) => self
                .with_world(|w, now| f(w, now, self.alt))
                .and_then(|r| r),
        };
        result.unwrap_or_else(|e| error_response(&e, self.alt))
    }
}

async fn not_found(State(s): S) -> Response {
    error_response(&ApiError::not_found("Route not found"), s.alt)
}

async fn method_not_allowed(State(s): S) -> Response {
    let e = ApiError::new(
        405,
        "METHOD_NOT_ALLOWED",
        "Method not allowed on this route",
    );
    error_response(&e, s.alt)
}

async fn providers(State(s): S) -> Response {
    json_response(200, &json!(s.catalog.providers))
}

async fn gpu_offers(State(s): S, h: HeaderMap, Query(q): Q) -> Response {
    let authed = has_valid_key(&h, &s.key);
    let drifted;
    let catalog = if s.price_drift {
        drifted = super::drift::catalog_at(&s.catalog, s.clock.now());
        &drifted
    } else {
        &*s.catalog
    };
    match offers::search(catalog, &q, authed, s.alt) {
        Ok(v) if s.alt => json_response(200, &live::offers_page(v)),
        Ok(v) => json_response(200, &v),
        Err(e) => error_response(&e, s.alt),
    }
}

/// Most items one page of a list holds; a larger `limit` is served as this one.
pub const MAX_PAGE_LIMIT: usize = 100;

/// `page` (from 1) and `limit` (clamped to [`MAX_PAGE_LIMIT`]) of a paged list.
fn page_of(q: &HashMap<String, String>, default_limit: usize) -> ApiResult<(usize, usize)> {
    let num = |k: &str, d: usize| -> ApiResult<usize> {
        q.get(k).map_or(Ok(d), |v| {
            v.parse::<usize>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| ApiError::validation(k, format!("{k} must be a positive integer")))
        })
    };
    Ok((
        num("page", 1)?,
        num("limit", default_limit)?.min(MAX_PAGE_LIMIT),
    ))
}

fn paged(items: Vec<Value>, key: &str, page: usize, limit: usize) -> Value {
    let total = items.len();
    let items: Vec<Value> = items
        .into_iter()
        .skip((page - 1).saturating_mul(limit))
        .take(limit)
        .collect();
    json!({
        key: items, "total": total, "page": page, "limit": limit,
        "totalPages": total.div_ceil(limit).max(1),
    })
}

async fn list_deployments(State(s): S, h: HeaderMap, Query(q): Q) -> Response {
    s.authed(&h, |w, now, alt| {
        let (page, limit) = page_of(&q, 50)?;
        let idx = w.list_deployments(
            q.get("status").map(String::as_str),
            q.get("teamId").map(String::as_str),
            now,
        )?;
        let items: Vec<Value> = idx
            .iter()
            .map(|&i| w.deployment_json(&w.deployments[i], alt))
            .collect();
        if alt {
            // The live service has sent the whole list as one bare array.
            return ok(Value::Array(
                items.into_iter().map(live::deployment).collect(),
            ));
        }
        ok(paged(items, "deployments", page, limit))
    })
}

async fn create_deployment(State(s): S, h: HeaderMap, body: Bytes) -> Response {
    s.authed(&h, |w, now, alt| {
        let v = w.create_deployment(&parse_body(&body)?, now)?;
        Ok(json_response(
            201,
            &if alt { live::deployment(v) } else { v },
        ))
    })
}

async fn get_deployment(State(s): S, h: HeaderMap, Path(id): Path<String>) -> Response {
    s.authed(&h, |w, now, alt| {
        w.advance_to(now);
        let i = w.deployment_index(&id)?;
        let d = w.deployment_json(&w.deployments[i], alt);
        ok(if alt {
            json!({ "deployment": live::deployment(d) })
        } else {
            d
        })
    })
}

async fn patch_deployment(
    State(s): S,
    h: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    s.authed(&h, |w, now, alt| {
        let i = w.rename_deployment(&id, &parse_body(&body)?, now)?;
        let d = w.deployment_json(&w.deployments[i], alt);
        ok(if alt { live::deployment(d) } else { d })
    })
}

async fn delete_deployment(State(s): S, h: HeaderMap, Path(id): Path<String>) -> Response {
    s.authed(&h, |w, now, _| ok(w.terminate(&id, now)?))
}

async fn can_terminate(State(s): S, h: HeaderMap, Path(id): Path<String>) -> Response {
    s.authed(&h, |w, now, _| ok(w.can_terminate(&id, now)?))
}

async fn list_keys(State(s): S, h: HeaderMap) -> Response {
    s.authed(&h, |w, _, alt| {
        let keys: Vec<Value> = w.ssh_keys.iter().map(key_json).collect();
        ok(if alt {
            json!({ "data": keys })
        } else {
            json!(keys)
        })
    })
}

async fn add_key(State(s): S, h: HeaderMap, body: Bytes) -> Response {
    s.authed(&h, |w, now, _| {
        Ok(json_response(
            201,
            &w.add_ssh_key(&parse_body(&body)?, now)?,
        ))
    })
}

async fn get_key(State(s): S, h: HeaderMap, Path(id): Path<String>) -> Response {
    s.authed(&h, |w, _, _| ok(w.ssh_key(&id)?))
}

async fn delete_key(State(s): S, h: HeaderMap, Path(id): Path<String>) -> Response {
    s.authed(&h, |w, _, _| {
        w.delete_ssh_key(&id)?;
        Ok(StatusCode::NO_CONTENT.into_response())
    })
}

fn volume_provider<'a>(s: &'a Shared, p: &str) -> ApiResult<&'a [super::catalog::VolumeRegion]> {
    s.catalog
        .regions_of(p)
        .filter(|_| crate::domain::volume_rules::rules_for(p).is_some())
        .ok_or_else(|| {
            ApiError::validation(
                "provider",
                format!("Provider '{p}' does not support volumes"),
            )
        })
}

async fn volume_regions(State(s): S, h: HeaderMap, Query(q): Q) -> Response {
    s.authed(&h, |_, _, _| match q.get("provider") {
        Some(p) => {
            let regions: Vec<Value> = volume_provider(&s, p)?
                .iter()
                .map(|r| r.to_json(None))
                .collect();
            ok(json!({ "provider": p, "regions": regions }))
        }
        None => {
            let regions: Vec<Value> = s
                .catalog
                .volume_regions
                .iter()
                .flat_map(|(p, rs)| rs.iter().map(move |r| r.to_json(Some(p))))
                .collect();
            ok(json!({ "regions": regions }))
        }
    })
}

async fn volume_pricing(State(s): S, h: HeaderMap, Query(q): Q) -> Response {
    s.authed(&h, |_, _, _| {
        let p = q
            .get("provider")
            .ok_or_else(|| ApiError::validation("provider", "provider is required"))?;
        let regions = volume_provider(&s, p)?;
        let r = match q.get("region") {
            Some(id) => regions
                .iter()
                .find(|r| &r.id == id)
                .ok_or_else(|| ApiError::validation("region", format!("Unknown {p} region '{id}'")))?,
            None => &regions[0],
        };
        ok(json!({ "provider": p, "region": r.id, "hourlyRatePerGb": r.hourly_rate_per_gb, "currency": "USD" }))
    })
}

async fn list_volumes(State(s): S, h: HeaderMap, Query(q): Q) -> Response {
    s.authed(&h, |w, now, alt| {
        let (page, limit) = page_of(&q, 20)?;
        let items = w.list_volumes(
            q.get("status").map(String::as_str),
            q.get("teamId").map(String::as_str),
            now,
        )?;
        if alt {
            // `{data, totalPages}` with `totalPages` as a string.
            let items = items.into_iter().map(live::volume).collect();
            let mut v = paged(items, "data", page, limit);
            v["totalPages"] = json!(v["totalPages"].to_string());
            return ok(v);
        }
        ok(paged(items, "volumes", page, limit))
    })
}

async fn create_volume(State(s): S, h: HeaderMap, body: Bytes) -> Response {
    s.authed(&h, |w, now, alt| {
        let v = w.create_volume(&parse_body(&body)?, now)?;
        Ok(json_response(201, &if alt { live::volume(v) } else { v }))
    })
}

async fn get_volume(State(s): S, h: HeaderMap, Path(id): Path<String>) -> Response {
    s.authed(&h, |w, now, alt| {
        w.advance_to(now);
        let i = w.volume_index(&id)?;
        let v = w.volumes[i].to_json();
        ok(if alt {
            json!({ "data": live::volume(v) })
        } else {
            v
        })
    })
}

async fn patch_volume(State(s): S, h: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    s.authed(&h, |w, now, alt| {
        let v = w.update_volume(&id, &parse_body(&body)?, now)?;
        ok(if alt { live::volume(v) } else { v })
    })
}

async fn delete_volume(State(s): S, h: HeaderMap, Path(id): Path<String>) -> Response {
    s.authed(&h, |w, now, _| ok(w.delete_volume(&id, now)?))
}

async fn attach_volume(State(s): S, h: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    s.authed(&h, |w, now, _| {
        ok(w.attach_volume(&id, &parse_body(&body)?, now)?)
    })
}

async fn detach_volume(State(s): S, h: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    s.authed(&h, |w, now, _| {
        ok(w.detach_volume(&id, &parse_body(&body)?, now)?)
    })
}

async fn k8s_versions(State(s): S, h: HeaderMap, Query(q): Q) -> Response {
    s.authed(&h, |_, _, alt| {
        let p = q.get("provider").map_or("voltage-park", String::as_str);
        let versions = s.catalog.k8s_versions(p).ok_or_else(|| {
            ApiError::validation(
                "provider",
                format!("The Kubernetes add-on is not available on '{p}'"),
            )
        })?;
        if alt {
            return ok(json!(
                versions
                    .iter()
                    .map(|v| v.version.clone())
                    .collect::<Vec<_>>()
            ));
        }
        let vs: Vec<Value> = versions
            .iter()
            .map(|v| json!({ "version": v.version, "default": v.default }))
            .collect();
        ok(json!({ "versions": vs }))
    })
}

async fn k8s_health(State(s): S, h: HeaderMap, Path(id): Path<String>) -> Response {
    s.authed(&h, |w, now, _| ok(w.cluster_health(&id, now)?))
}

async fn balance(State(s): S, h: HeaderMap, Query(q): Q) -> Response {
    s.authed(&h, |w, now, alt| {
        let all = q.get("all").is_none_or(|a| a != "false");
        let v = w.balance(q.get("teamId").map(String::as_str), all, now)?;
        ok(if alt { live::balance(v) } else { v })
    })
}

async fn teams(State(s): S, h: HeaderMap) -> Response {
    s.authed(&h, |w, now, alt| {
        let t = w.teams_json(now);
        ok(if alt { json!({ "teams": t }) } else { json!(t) })
    })
}

async fn team_details(State(s): S, h: HeaderMap, Path(id): Path<String>) -> Response {
    s.authed(&h, |w, now, _| ok(w.team_details(&id, now)?))
}
