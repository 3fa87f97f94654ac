//! The real client over real HTTP against a recording server in the shapes of
//! `docs/wire-shapes.md`: every endpoint (paths, queries, bodies, headers), the default and the
//! "also accepted" answer shapes, and every error class.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use std::time::Duration;

use serde_json::{Value, json};
use spheron_tui::api::*;
use spheron_tui::credentials::ApiKey;
use support::http::{Canned, Dropper, Mock};

const KEY: &str = "sai_pk_contract_test_key_0123456789";

fn client(m: &Mock) -> Client {
    Client::with_options(opts(&m.url())).unwrap()
}

fn opts(url: &str) -> ClientOptions {
    let mut o = ClientOptions::new(url, Some(ApiKey::new(KEY)));
    o.get_retry_delay = Duration::from_millis(10);
    o
}

fn offer(id: &str) -> Value {
    json!({"provider": "spheron-ai", "offerId": id, "name": "1x H100", "description": "",
        "vcpus": 26, "memory": 200, "storage": 1000, "gpuCount": 1, "price": 2.5,
        "available": true, "clusters": ["166e655a:culpeper-usa-1"], "gpu_memory": 80,
        "os_options": ["ubuntu-22.04"], "maintenance": false, "interconnectType": "PCIe",
        "interconnectDescription": "", "instanceType": "DEDICATED", "supportsCloudInit": true,
        "extras": {"deployment_type": "vm", "nvlink": false,
                   "technical": {"units_available": 3, "availability_level": "high"}},
        "originalPrice": 2.5, "discountedPrice": 2.0, "discountPercentage": 20, "hasDiscount": true})
}

fn deployment(id: &str, status: &str) -> Value {
    json!({"id": id, "name": "train", "provider": "spheron-ai", "providerId": "spheron-ai-x",
        "gpuType": "H100_80G", "offerId": "o1", "gpuCount": 1, "region": "us-east-1",
        "instanceType": "DEDICATED", "operatingSystem": "ubuntu-22.04", "sshKeyId": "k1",
        "user": "ubuntu", "status": status, "createdAt": "2026-11-28T14:30:00.000Z",
        "totalCost": 0.5, "hourlyRate": 2.0, "originalHourlyRate": 2.5,
        "discountPercentage": 20, "hasDiscount": true, "vcpus": 26, "memory": 200,
        "storage": 1000, "teamId": "t1", "volumeIds": []})
}

fn volume(id: &str) -> Value {
    json!({"id": id, "name": "data", "provider": "spheron-ai", "region": "us-east-1",
        "sizeInGb": 100, "status": "available", "attachedTo": [], "hourlyRate": 0.01,
        "hourlyRatePerGb": 0.0001, "createdAt": "2026-11-28T14:30:00.000Z", "teamId": "t1"})
}

fn ssh_key(id: &str) -> Value {
    json!({"id": id, "name": "laptop", "fingerprint": "SHA256:abc",
        "publicKey": "ssh-ed25519 AAAA me@host", "createdAt": "2026-11-28T14:30:00.000Z"})
}

/// A deploy request copied from one offer (the `offer("o1")` above).
fn deploy_request() -> DeployRequest {
    DeployRequest {
        provider: "spheron-ai".into(),
        offer_id: "o1".into(),
        gpu_type: "H100_80G".into(),
        gpu_count: 1,
        region: "166e655a:culpeper-usa-1".into(),
        operating_system: "ubuntu-22.04".into(),
        instance_type: InstanceType::Dedicated,
        ssh_key_id: Some("k1".into()),
        ssh_public_key: None,
        team_id: Some("t1".into()),
        name: Some("train".into()),
        cloud_init: None,
        kubernetes_addon: None,
        volume_ids: vec!["v1".into()],
    }
}

// ---------------------------------------------------------------------------------------------
// Headers

#[tokio::test]
async fn user_agent_always_and_bearer_only_with_a_key() {
    let m = Mock::start().await;
    m.on_json("GET /api/providers", 200, json!(["spheron-ai"]));
    let anon = Client::new(&m.url(), None).unwrap();
    assert!(!anon.has_key());
    anon.providers().await.unwrap();
    let r = m.last();
    assert_eq!(r.header("user-agent"), Some(USER_AGENT_VALUE));
    assert!(USER_AGENT_VALUE.starts_with("spheron-tui/"));
    assert_eq!(r.header("authorization"), None);

    anon.set_key(ApiKey::new(KEY));
    assert!(anon.has_key());
    anon.providers().await.unwrap();
    assert_eq!(
        m.last().header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(m.last().header("user-agent"), Some(USER_AGENT_VALUE));
}

#[tokio::test]
async fn rate_headers_feed_the_budget() {
    let m = Mock::start().await;
    m.on_json("GET /api/providers", 200, json!([]));
    let c = client(&m);
    assert_eq!(c.rate_status(), RateStatus::default());
    c.providers().await.unwrap();
    let s = c.rate_status();
    assert_eq!((s.limit, s.remaining), (Some(250), Some(240)));
    assert!(s.reset_in.unwrap() > Duration::from_secs(890));
    assert_eq!(s.blocked_for, None);
    assert_eq!(c.pace_hint(), Duration::ZERO);

    m.on(
        "GET /api/teams",
        Canned::json(200, json!([])).header("x-ratelimit-remaining", "0"),
    );
    c.teams().await.unwrap();
    assert!(c.rate_status().is_low());
    assert!(
        c.pace_hint() > Duration::from_secs(800),
        "{:?}",
        c.pace_hint()
    );
}

// ---------------------------------------------------------------------------------------------
// Providers and offers

#[tokio::test]
async fn providers_bare_and_wrapped() {
    let m = Mock::start().await;
    m.on_json(
        "GET /api/providers",
        200,
        json!(["spheron-ai", "voltage-park"]),
    );
    m.on_json(
        "GET /api/providers",
        200,
        json!({"data": ["sesterce", {"name": "verda"}]}),
    );
    let c = client(&m);
    assert_eq!(
        c.providers().await.unwrap(),
        vec!["spheron-ai", "voltage-park"]
    );
    assert_eq!(c.providers().await.unwrap(), vec!["sesterce", "verda"]);
    assert_eq!(m.last().query, None);
}

#[tokio::test]
async fn gpu_offers_sends_every_query_field_and_decodes_groups() {
    let m = Mock::start().await;
    m.on_json(
        "GET /api/gpu-offers",
        200,
        json!({"data": [{"gpuType": "H100_80G", "gpuModel": "H100", "displayName": "H100 80GB",
            "popularity": 9, "totalAvailable": 3, "lowestPrice": 2.0, "highestPrice": 2.5,
            "averagePrice": 2.2, "providers": ["spheron-ai"], "offers": [offer("o1"), offer("o2")]}],
            "total": 21, "page": 2, "limit": 5, "totalPages": 5}),
    );
    let c = client(&m);
    let q = OffersQuery {
        page: Some(2),
        limit: Some(5),
        search: Some("h100".into()),
        sort_by: Some("lowestPrice".into()),
        sort_order: Some(SortOrder::Asc),
        instance_type: Some(InstanceType::Spot),
    };
    let page = c.gpu_offers(&q).await.unwrap();
    let r = m.last();
    assert_eq!(r.method, "GET");
    assert_eq!(
        r.query.as_deref(),
        Some("page=2&limit=5&search=h100&sortBy=lowestPrice&sortOrder=asc&instanceType=SPOT")
    );
    assert_eq!(
        (page.page, page.total, page.total_pages, page.limit),
        (2, 21, 5, 5)
    );
    assert_eq!(page.groups.len(), 1);
    let o = &page.groups[0].offers[1];
    assert_eq!(o.offer_id, "o2");
    assert_eq!(o.gpu_type, "H100_80G");
    assert_eq!(o.hourly_rate(), Some(2.0));
    assert_eq!(o.regions(), vec!["166e655a:culpeper-usa-1"]);
    assert_eq!(o.os_options, vec!["ubuntu-22.04"]);
    assert_eq!(o.gpu_memory, Some(80.0));
    assert_eq!(
        o.extras.technical.as_ref().unwrap().units_available,
        Some(3)
    );
    assert!(o.has_discount && o.supports_cloud_init);

    // The default query sends nothing; an empty search is not sent.
    c.gpu_offers(&OffersQuery {
        search: Some(String::new()),
        ..Default::default()
    })
    .await
    .unwrap();
    assert_eq!(m.last().query, None);
}

#[tokio::test]
async fn gpu_offers_public_without_a_key() {
    let m = Mock::start().await;
    m.on_json(
        "GET /api/gpu-offers",
        200,
        json!({"data": [], "total": 0, "page": 1, "limit": 10, "totalPages": 0}),
    );
    let c = Client::new(&m.url(), None).unwrap();
    let page = c.gpu_offers(&OffersQuery::default()).await.unwrap();
    assert!(page.groups.is_empty());
    assert_eq!(m.last().header("authorization"), None);
}

// ---------------------------------------------------------------------------------------------
// Deployments

#[tokio::test]
async fn deployments_list_in_every_shape_with_filters() {
    let m = Mock::start().await;
    m.on_json(
        "GET /api/deployments",
        200,
        json!({"deployments": [deployment("d1", "running")], "total": 1, "page": 1, "totalPages": 1}),
    );
    m.on_json(
        "GET /api/deployments",
        200,
        json!([deployment("d2", "deploying")]),
    );
    m.on_json(
        "GET /api/deployments",
        200,
        json!({"data": [{"id": "d3", "gpuModelId": "A100", "status": "terminated-provider"}]}),
    );
    let c = client(&m);
    let q = DeploymentsQuery {
        status: Some("active".into()),
        team_id: Some("t1".into()),
        user_id: Some("u 1".into()),
    };
    let l = c.deployments(&q).await.unwrap();
    assert_eq!(
        m.last().query.as_deref(),
        Some("page=1&limit=100&status=active&teamId=t1&userId=u+1")
    );
    assert_eq!(l[0].id, "d1");
    assert_eq!(l[0].status, DeploymentStatus::Running);
    assert_eq!(l[0].ssh_command(), None);

    let l = c
        .deployments_filtered(DeploymentFilter::Inactive)
        .await
        .unwrap();
    assert_eq!(
        m.last().query.as_deref(),
        Some("page=1&limit=100&status=inactive")
    );
    assert_eq!(l[0].status, DeploymentStatus::Deploying);

    let l = c.deployments_filtered(DeploymentFilter::All).await.unwrap();
    assert_eq!(m.last().query.as_deref(), Some("page=1&limit=100"));
    assert_eq!(l[0].gpu_type, "A100");
    assert_eq!(l[0].status, DeploymentStatus::TerminatedProvider);
}

#[tokio::test]
async fn one_deployment_bare_or_wrapped() {
    let m = Mock::start().await;
    m.on_json("GET /api/deployments/d1", 200, deployment("d1", "running"));
    m.on_json(
        "GET /api/deployments/d1",
        200,
        json!({"deployment": deployment("d1", "failed")}),
    );
    m.on_json(
        "GET /api/deployments/d1",
        200,
        json!({"data": deployment("d1", "terminated")}),
    );
    let c = client(&m);
    assert_eq!(
        c.deployment("d1").await.unwrap().status,
        DeploymentStatus::Running
    );
    assert_eq!(
        c.deployment("d1").await.unwrap().status,
        DeploymentStatus::Failed
    );
    let d = c.deployment("d1").await.unwrap();
    assert_eq!(d.status, DeploymentStatus::Terminated);
    assert_eq!(d.raw["providerId"], "spheron-ai-x");
}

#[tokio::test]
async fn ids_are_percent_encoded_into_one_segment() {
    let m = Mock::start().await;
    let c = client(&m);
    let _ = c.deployment("a/../../b?x=1#f").await;
    let r = m.last();
    assert_eq!(r.path, "/api/deployments/a%2F..%2F..%2Fb%3Fx%3D1%23f");
    assert_eq!(r.query, None);
    let n = m.count();
    assert!(matches!(
        c.volume("..").await,
        Err(ApiError::InvalidInput { .. })
    ));
    assert_eq!(m.count(), n, "nothing sent for an id of ..");
}

#[tokio::test]
async fn create_deployment_posts_the_request_and_reads_deploy_limits() {
    let m = Mock::start().await;
    let mut answer = deployment("d9", "deploying");
    answer["message"] = json!("Deployment created");
    m.on(
        "POST /api/deployments",
        Canned::json(201, answer)
            .header("x-ratelimit-limit", "10")
            .header("x-ratelimit-remaining", "9"),
    );
    let c = client(&m);
    let req = deploy_request();
    let d = c.create_deployment(&req).await.unwrap();
    assert_eq!(d.id, "d9");
    assert_eq!(d.status, DeploymentStatus::Deploying);
    let r = m.last();
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/api/deployments");
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.json(), serde_json::to_value(&req).unwrap());
    assert_eq!(r.json()["region"], "166e655a:culpeper-usa-1");
    let s = c.rate_status();
    assert_eq!((s.deploy_limit, s.deploy_remaining), (Some(10), Some(9)));
    assert_eq!(
        s.limit, None,
        "deploy headers do not overwrite the general budget"
    );
}

#[tokio::test]
async fn rename_terminate_and_can_terminate() {
    let m = Mock::start().await;
    let mut renamed = deployment("d1", "running");
    renamed["name"] = json!("new-name");
    m.on_json("PATCH /api/deployments/d1", 200, renamed);
    m.on_json(
        "DELETE /api/deployments/d1",
        200,
        json!({"message": "Deployment terminated", "deployment": {"id": "d1", "status": "terminated", "stoppedAt": "2026-11-28T15:00:00.000Z"}}),
    );
    m.on_json(
        "GET /api/deployments/d1/can-terminate",
        200,
        json!({"canTerminate": false, "reason": "Minimum runtime not met", "minimumRuntime": 20, "timeRemaining": 12, "runtime": 8}),
    );
    let c = client(&m);
    let d = c.rename_deployment("d1", "new-name").await.unwrap();
    assert_eq!(d.name, "new-name");
    let r = m.last();
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("PATCH", "/api/deployments/d1")
    );
    assert_eq!(r.json(), json!({"name": "new-name"}));

    let ct = c.can_terminate("d1").await.unwrap();
    assert_eq!(ct.can_terminate, Some(false));
    assert_eq!(
        (ct.minimum_runtime, ct.time_remaining, ct.runtime),
        (Some(20.0), Some(12.0), Some(8.0))
    );
    assert_eq!(ct.reason.as_deref(), Some("Minimum runtime not met"));

    let out = c.terminate_deployment("d1").await.unwrap();
    assert_eq!(out.message.as_deref(), Some("Deployment terminated"));
    let d = out.deployment.unwrap();
    assert_eq!(
        (d.id.as_str(), &d.status),
        ("d1", &DeploymentStatus::Terminated)
    );
    assert!(d.stopped_at.is_some());
    assert_eq!(m.last().method, "DELETE");
}

#[tokio::test]
async fn terminate_too_early_keeps_time_remaining() {
    let m = Mock::start().await;
    m.on_json(
        "DELETE /api/deployments/d1",
        400,
        json!({"error": "Minimum runtime of 20 minutes not met", "code": "VALIDATION_ERROR",
               "canTerminate": false, "timeRemaining": 12, "minimumRuntime": 20}),
    );
    let c = client(&m);
    let e = c.terminate_deployment("d1").await.unwrap_err();
    let blocked = e.termination_blocked().expect("the 400 says why");
    assert_eq!(blocked.time_remaining, Some(12.0));
    assert_eq!(e.details().unwrap()["minimumRuntime"], 20);
    assert_eq!(e.status(), Some(400));
    assert_eq!(m.count(), 1, "a DELETE is never retried");
}

// ---------------------------------------------------------------------------------------------
// SSH keys

#[tokio::test]
async fn ssh_keys_crud() {
    let m = Mock::start().await;
    m.on_json("GET /api/ssh-keys", 200, json!([ssh_key("k1")]));
    m.on_json("GET /api/ssh-keys", 200, json!({"data": [ssh_key("k2")]}));
    m.on_json("GET /api/ssh-keys/k1", 200, ssh_key("k1"));
    m.on_json("POST /api/ssh-keys", 201, ssh_key("k3"));
    m.on(
        "DELETE /api/ssh-keys/k1",
        Canned::text(204, "application/json", ""),
    );
    let c = client(&m);
    assert_eq!(c.ssh_keys().await.unwrap()[0].id, "k1");
    assert_eq!(c.ssh_keys().await.unwrap()[0].id, "k2");
    let k = c.ssh_key("k1").await.unwrap();
    assert_eq!(k.fingerprint.as_deref(), Some("SHA256:abc"));
    let new = NewSshKey {
        name: "laptop".into(),
        public_key: "ssh-ed25519 AAAA me@host".into(),
        team_id: None,
    };
    assert_eq!(c.add_ssh_key(&new).await.unwrap().id, "k3");
    assert_eq!(
        m.last().json(),
        json!({"name": "laptop", "publicKey": "ssh-ed25519 AAAA me@host"})
    );
    c.delete_ssh_key("k1").await.unwrap();
    let r = m.last();
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("DELETE", "/api/ssh-keys/k1")
    );
}

// ---------------------------------------------------------------------------------------------
// Volumes

#[tokio::test]
async fn volume_regions_and_pricing() {
    let m = Mock::start().await;
    m.on_json(
        "GET /api/volumes/regions",
        200,
        json!({"provider": "sesterce", "regions": [{"id": "eu-1", "name": "Europe 1",
            "minSizeGb": 50, "maxSizeGb": 10000, "hourlyRatePerGb": 0.0001,
            "hasGpuOffers": true, "cloudId": "c9", "cloudName": "Sesterce EU"}]}),
    );
    m.on_json(
        "GET /api/volumes/regions",
        200,
        json!({"regions": [{"id": "us-east-1", "provider": "spheron-ai", "minSizeGb": 1, "maxSizeGb": 51200}]}),
    );
    m.on_json(
        "GET /api/volumes/pricing",
        200,
        json!({"provider": "spheron-ai", "region": "us-east-1", "hourlyRatePerGb": 0.0001, "currency": "USD"}),
    );
    let c = client(&m);
    let r = c.volume_regions(Some("sesterce")).await.unwrap();
    assert_eq!(m.last().query.as_deref(), Some("provider=sesterce"));
    assert_eq!(r[0].provider, "sesterce");
    assert_eq!(r[0].cloud_id.as_deref(), Some("c9"));
    assert_eq!(r[0].min_size_gb, Some(50.0));
    let r = c.volume_regions(None).await.unwrap();
    assert_eq!(m.last().query, None);
    assert_eq!(r[0].provider, "spheron-ai");
    let p = c.volume_pricing("spheron-ai", "us-east-1").await.unwrap();
    assert_eq!(
        m.last().query.as_deref(),
        Some("provider=spheron-ai&region=us-east-1")
    );
    assert_eq!(p.hourly_rate_per_gb, Some(0.0001));
}

#[tokio::test]
async fn volumes_crud_attach_detach() {
    let m = Mock::start().await;
    m.on_json(
        "GET /api/volumes",
        200,
        json!({"volumes": [volume("v1")], "total": 1, "page": 1, "totalPages": 1}),
    );
    let mut fresh = volume("v1");
    fresh["usedGb"] = json!(12.5);
    m.on_json("GET /api/volumes/v1", 200, fresh);
    m.on_json("POST /api/volumes", 201, volume("v2"));
    let mut patched = volume("v1");
    patched["sizeInGb"] = json!(200);
    m.on_json("PATCH /api/volumes/v1", 200, patched);
    m.on_json(
        "DELETE /api/volumes/v1",
        200,
        json!({"message": "Volume deleted"}),
    );
    let mut attached = volume("v1");
    attached["status"] = json!("attached");
    attached["attachedTo"] = json!(["d1"]);
    m.on_json(
        "POST /api/volumes/v1/attach",
        200,
        json!({"message": "attached", "volume": attached}),
    );
    m.on_json(
        "POST /api/volumes/v1/detach",
        200,
        json!({"message": "detached", "volume": volume("v1")}),
    );
    let c = client(&m);

    let q = VolumesQuery {
        page: Some(1),
        limit: Some(50),
        status: Some("available".into()),
        team_id: Some("t1".into()),
    };
    let l = c.volumes(&q).await.unwrap();
    assert_eq!(
        m.last().query.as_deref(),
        Some("page=1&limit=50&status=available&teamId=t1")
    );
    assert_eq!(l[0].cost_per_hour(), Some(0.01));
    assert_eq!(c.volume("v1").await.unwrap().used_gb, Some(12.5));

    let new = NewVolume {
        name: "data".into(),
        size_in_gb: 100,
        provider: "spheron-ai".into(),
        region: Some("us-east-1".into()),
        cloud_id: None,
        cloud_name: None,
        team_id: None,
        deployment_id: None,
    };
    assert_eq!(c.create_volume(&new).await.unwrap().id, "v2");
    assert_eq!(
        m.last().json(),
        json!({"name": "data", "sizeInGb": 100, "provider": "spheron-ai", "region": "us-east-1"})
    );

    let patch = VolumePatch {
        name: None,
        size_in_gb: Some(200),
    };
    assert_eq!(
        c.patch_volume("v1", &patch).await.unwrap().size_in_gb,
        Some(200.0)
    );
    assert_eq!(m.last().method, "PATCH");
    assert_eq!(m.last().json(), json!({"sizeInGb": 200}));

    let v = c.attach_volume("v1", "d1").await.unwrap();
    assert_eq!(v.attachments(), vec!["d1"]);
    assert_eq!(m.last().json(), json!({"deploymentId": "d1"}));
    let v = c.detach_volume("v1", None).await.unwrap();
    assert!(v.attachments().is_empty());
    assert_eq!(m.last().json(), json!({}));
    c.detach_volume("v1", Some("d1")).await.unwrap();
    assert_eq!(m.last().json(), json!({"deploymentId": "d1"}));

    c.delete_volume("v1").await.unwrap();
    let r = m.last();
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("DELETE", "/api/volumes/v1")
    );
}

// ---------------------------------------------------------------------------------------------
// Kubernetes, teams, balance

#[tokio::test]
async fn kubernetes_versions_both_shapes_and_health() {
    let m = Mock::start().await;
    m.on_json(
        "GET /api/kubernetes/versions",
        200,
        json!({"versions": [{"version": "1.35", "default": true}, {"version": "1.34", "default": false}]}),
    );
    m.on_json("GET /api/kubernetes/versions", 200, json!(["1.33", "1.32"]));
    m.on_json(
        "GET /api/kubernetes/c-1/health",
        200,
        json!({"clusterId": "c-1", "status": "healthy", "nodesReady": 2, "nodesTotal": 2, "checkedAt": "2026-11-28T15:00:00.000Z"}),
    );
    let c = client(&m);
    let v = c.kubernetes_versions("voltage-park").await.unwrap();
    assert_eq!(m.last().query.as_deref(), Some("provider=voltage-park"));
    assert_eq!((v[0].version.as_str(), v[0].default), ("1.35", true));
    let v = c.kubernetes_versions("voltage-park").await.unwrap();
    assert_eq!(
        v.iter().map(|v| v.version.as_str()).collect::<Vec<_>>(),
        ["1.33", "1.32"]
    );
    let h = c.cluster_health("c-1").await.unwrap();
    assert_eq!(
        (h.status.as_str(), h.nodes_ready, h.nodes_total),
        ("healthy", Some(2), Some(2))
    );
    assert_eq!(h.cluster_id.as_deref(), Some("c-1"));
    assert!(h.checked_at.is_some());
}

#[tokio::test]
async fn balance_teams_and_details() {
    let m = Mock::start().await;
    m.on_json(
        "GET /api/balance",
        200,
        json!({"teams": [{"teamId": "t1", "teamName": "Me", "balance": 42.5, "isCurrentTeam": true, "role": "owner"}], "currency": "USD"}),
    );
    m.on_json(
        "GET /api/teams",
        200,
        json!([{"id": "t1", "name": "Me", "balance": 42.5, "role": "owner", "isDefault": true, "createdAt": "2026-11-28T14:30:00.000Z"}]),
    );
    m.on_json(
        "GET /api/teams",
        200,
        json!({"teams": [{"id": "t2", "name": "Lab"}]}),
    );
    m.on_json(
        "GET /api/teams",
        200,
        json!({"data": [{"id": "t3", "name": "Org"}]}),
    );
    m.on_json(
        "GET /api/teams/details/t1",
        200,
        json!({"id": "t1", "name": "Me", "balance": 40.0, "role": "owner", "isDefault": true, "members": []}),
    );
    let c = client(&m);
    let b = c.balance(Some("t1"), Some(false)).await.unwrap();
    assert_eq!(m.last().query.as_deref(), Some("teamId=t1&all=false"));
    assert_eq!(b.current().unwrap().balance, Some(42.5));
    assert_eq!(b.currency, "USD");
    c.balance(None, None).await.unwrap();
    assert_eq!(m.last().query, None);
    assert_eq!(c.teams().await.unwrap()[0].id, "t1");
    assert_eq!(c.teams().await.unwrap()[0].id, "t2");
    assert_eq!(c.teams().await.unwrap()[0].id, "t3");
    let t = c.team_details("t1").await.unwrap();
    assert_eq!((t.id.as_str(), t.balance), ("t1", Some(40.0)));
    assert_eq!(m.last().path, "/api/teams/details/t1");
}

// ---------------------------------------------------------------------------------------------
// Errors

#[tokio::test]
async fn error_envelopes_map_to_variants() {
    let m = Mock::start().await;
    m.on_json(
        "GET /api/deployments/v",
        400,
        json!({"error": "Region not offered", "code": "VALIDATION_ERROR", "details": {"field": "region"}}),
    );
    m.on_json(
        "GET /api/deployments/u",
        401,
        json!({"error": "Invalid API key", "code": "UNAUTHORIZED"}),
    );
    m.on_json(
        "GET /api/deployments/f",
        403,
        json!({"error": "Forbidden", "message": "Not your team", "code": "FORBIDDEN"}),
    );
    m.on_json(
        "GET /api/deployments/n",
        404,
        json!({"error": "Deployment not found", "code": "NOT_FOUND"}),
    );
    let c = client(&m);

    let e = c.deployment("v").await.unwrap_err();
    match &e {
        ApiError::Validation {
            message,
            field,
            code,
            ..
        } => {
            assert_eq!(message, "Region not offered");
            assert_eq!(field.as_deref(), Some("region"));
            assert_eq!(code.as_deref(), Some("VALIDATION_ERROR"));
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("region"));
    assert!(!e.is_retryable_get());

    let e = c.deployment("u").await.unwrap_err();
    assert!(matches!(e, ApiError::Unauthorized { .. }), "{e:?}");
    assert!(e.to_string().contains("key"));
    let e = c.deployment("f").await.unwrap_err();
    assert!(matches!(&e, ApiError::Forbidden { message, .. } if message == "Not your team"));
    assert!(e.to_string().contains("FORBIDDEN"));
    let e = c.deployment("n").await.unwrap_err();
    assert!(matches!(e, ApiError::NotFound { .. }));
    assert_eq!(e.status(), Some(404));
    assert_eq!(m.count(), 4, "4xx answers are not retried");
    assert!(!e.to_string().contains(KEY));
}

#[tokio::test]
async fn a_500_on_get_is_retried_exactly_once() {
    let m = Mock::start().await;
    let boom = json!({"error": "Internal error", "code": "INTERNAL_ERROR"});
    m.on_json("GET /api/teams", 500, boom.clone());
    let c = client(&m);
    let e = c.teams().await.unwrap_err();
    assert!(matches!(e, ApiError::Server { status: 500, .. }), "{e:?}");
    assert_eq!(m.count(), 2);

    // A 500 then a 200: the retry succeeds.
    m.on_json("GET /api/ssh-keys", 500, boom);
    m.on_json("GET /api/ssh-keys", 200, json!([ssh_key("k1")]));
    assert_eq!(c.ssh_keys().await.unwrap().len(), 1);
    assert_eq!(m.count(), 4);
}

#[tokio::test]
async fn writes_are_never_retried() {
    let m = Mock::start().await;
    let boom = json!({"error": "Internal error", "code": "INTERNAL_ERROR"});
    for key in [
        "POST /api/deployments",
        "PATCH /api/deployments/d1",
        "DELETE /api/deployments/d1",
        "POST /api/volumes",
    ] {
        m.on_json(key, 500, boom.clone());
    }
    let c = client(&m);
    let req = deploy_request();
    assert!(matches!(
        c.create_deployment(&req).await,
        Err(ApiError::Server { .. })
    ));
    assert_eq!(m.count(), 1);
    assert!(c.rename_deployment("d1", "x").await.is_err());
    assert_eq!(m.count(), 2);
    assert!(c.terminate_deployment("d1").await.is_err());
    assert_eq!(m.count(), 3);
    let nv = NewVolume {
        name: "x".into(),
        size_in_gb: 1,
        provider: "spheron-ai".into(),
        region: None,
        cloud_id: None,
        cloud_name: None,
        team_id: None,
        deployment_id: None,
    };
    assert!(c.create_volume(&nv).await.is_err());
    assert_eq!(m.count(), 4);
}

#[tokio::test]
async fn html_pages_and_malformed_json_are_decode_errors() {
    let m = Mock::start().await;
    m.on(
        "GET /api/teams",
        Canned::text(
            502,
            "text/html",
            "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>",
        ),
    );
    m.on(
        "GET /api/balance",
        Canned::text(200, "application/json", "{\"teams\": [ {\"teamId\": "),
    );
    m.on(
        "GET /api/ssh-keys",
        Canned::text(200, "text/html", "<html>Login</html>"),
    );
    m.on_json("GET /api/volumes", 200, json!("a string, not a list"));
    let c = client(&m);
    let e = c.teams().await.unwrap_err();
    match &e {
        ApiError::Decode {
            status,
            message,
            snippet,
        } => {
            assert_eq!(*status, 502);
            assert!(message.contains("HTML"), "{message}");
            assert!(snippet.contains("502 Bad Gateway"), "{snippet}");
        }
        other => panic!("{other:?}"),
    }
    assert!(!e.to_string().contains('\n'));
    let e = c.balance(None, None).await.unwrap_err();
    assert!(matches!(e, ApiError::Decode { status: 200, .. }), "{e:?}");
    let e = c.ssh_keys().await.unwrap_err();
    assert!(
        matches!(&e, ApiError::Decode { message, .. } if message.contains("HTML")),
        "{e:?}"
    );
    let e = c.volumes(&VolumesQuery::default()).await.unwrap_err();
    assert!(matches!(e, ApiError::Decode { .. }), "{e:?}");
}

#[tokio::test]
async fn a_decode_snippet_never_carries_the_key() {
    let m = Mock::start().await;
    m.on(
        "GET /api/teams",
        Canned::text(200, "text/plain", &format!("echo {KEY}")),
    );
    let e = client(&m).teams().await.unwrap_err();
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains(KEY), "{shown}");
    assert!(shown.contains("[key]"), "{shown}");

    m.on_json(
        "GET /api/balance",
        400,
        json!({"error": format!("bad key {KEY}"), "details": {"field": KEY}}),
    );
    let e = client(&m).balance(None, None).await.unwrap_err();
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains(KEY), "{shown}");
}

#[tokio::test]
async fn a_dropped_connection_is_a_network_error_retried_once_for_get() {
    let d = Dropper::start().await;
    let c = Client::with_options(opts(&d.url())).unwrap();
    let e = c.providers().await.unwrap_err();
    assert!(matches!(e, ApiError::Network { .. }), "{e:?}");
    assert_eq!(d.accepted(), 2, "one GET, one retry");
    assert!(e.to_string().contains("network"), "{e}");

    let before = d.accepted();
    let e = c.delete_ssh_key("k1").await.unwrap_err();
    assert!(matches!(e, ApiError::Network { .. }), "{e:?}");
    assert_eq!(d.accepted() - before, 1, "a DELETE is not retried");
}

#[tokio::test]
async fn connection_refused_is_a_network_error() {
    // Bound and kept, never listening: connections are refused, and nothing else can take
    // the port while the test runs.
    let refusing = tokio::net::TcpSocket::new_v4().unwrap();
    refusing.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = refusing.local_addr().unwrap();
    let c = Client::with_options(opts(&format!("http://{addr}"))).unwrap();
    let e = c.providers().await.unwrap_err();
    assert!(matches!(e, ApiError::Network { .. }), "{e:?}");
    drop(refusing);
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout() {
    let m = Mock::start().await;
    m.on(
        "POST /api/deployments",
        Canned::json(201, deployment("d1", "deploying")).delay(Duration::from_secs(5)),
    );
    let mut o = opts(&m.url());
    o.request_timeout = Duration::from_millis(200);
    let c = Client::with_options(o).unwrap();
    let req = deploy_request();
    let e = c.create_deployment(&req).await.unwrap_err();
    assert!(matches!(e, ApiError::Timeout { .. }), "{e:?}");
    assert!(e.to_string().contains("deployments list"), "{e}");
    assert_eq!(m.count(), 1, "a timed-out POST is not retried");
}

#[tokio::test]
async fn read_only_refuses_every_write_and_sends_nothing() {
    let m = Mock::start().await;
    m.on_json("GET /api/deployments", 200, json!([]));
    let mut o = opts(&m.url());
    o.read_only = true;
    let c = Client::with_options(o).unwrap();
    assert!(c.is_read_only());
    let patch = VolumePatch::default();
    let results = vec![
        c.rename_deployment("d1", "x").await.map(drop),
        c.terminate_deployment("d1").await.map(drop),
        c.delete_ssh_key("k1").await.map(drop),
        c.patch_volume("v1", &patch).await.map(drop),
        c.delete_volume("v1").await.map(drop),
        c.attach_volume("v1", "d1").await.map(drop),
        c.detach_volume("v1", None).await.map(drop),
        c.add_ssh_key(&NewSshKey {
            name: "n".into(),
            public_key: "ssh-ed25519 A".into(),
            team_id: None,
        })
        .await
        .map(drop),
    ];
    for r in results {
        let e = r.unwrap_err();
        assert!(matches!(e, ApiError::ReadOnly { .. }), "{e:?}");
        assert!(e.to_string().contains("--read-only"));
    }
    assert_eq!(m.count(), 0);
    c.deployments_filtered(DeploymentFilter::All).await.unwrap();
    assert_eq!(m.count(), 1, "reads still work");
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_the_key_stays_home() {
    let other = Mock::start().await;
    other.on_json("GET /api/providers", 200, json!(["stolen"]));
    let m = Mock::start().await;
    m.on(
        "GET /api/providers",
        Canned::text(302, "text/plain", "")
            .header("location", &format!("{}/api/providers", other.url())),
    );
    let c = client(&m);
    let e = c.providers().await.unwrap_err();
    assert!(matches!(e, ApiError::Redirect { status: 302, .. }), "{e:?}");
    assert!(e.to_string().contains("redirect"), "{e}");
    assert_eq!(
        other.count(),
        0,
        "the other listener never saw a request (nor the key)"
    );
    assert_eq!(
        m.requests()[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}

// ---------------------------------------------------------------------------------------------
// 429 on a virtual clock

/// Generous timeouts: on a paused clock an idle runtime jumps to the next timer, which must be
/// the wait under test, not a request timeout.
fn on_paused_clock(mut o: ClientOptions) -> ClientOptions {
    o.request_timeout = Duration::from_secs(24 * 3600);
    o.connect_timeout = Duration::from_secs(24 * 3600);
    o
}

#[tokio::test(start_paused = true)]
async fn after_a_429_gets_wait_and_writes_fail_fast() {
    let m = Mock::start().await;
    m.on(
        "GET /api/deployments",
        Canned::json(
            429,
            json!({"error": "Too many requests", "code": "RATE_LIMIT_EXCEEDED", "retryAfter": 30}),
        )
        .header("retry-after", "30"),
    );
    m.on_json("GET /api/deployments", 200, json!([]));
    let o = on_paused_clock(opts(&m.url()));
    let c = Client::with_options(o).unwrap();

    let e = c
        .deployments_filtered(DeploymentFilter::All)
        .await
        .unwrap_err();
    assert_eq!(e.retry_after(), Some(Duration::from_secs(30)));
    assert!(e.to_string().contains("30 s"), "{e}");
    assert_eq!(m.count(), 1, "a 429 is not retried at once");
    let blocked = c.rate_status().blocked_for.expect("blocked after a 429");
    assert!(blocked <= Duration::from_secs(30) && blocked > Duration::from_secs(29));

    // A write during the block fails fast, sending nothing.
    let e = c.delete_volume("v1").await.unwrap_err();
    let left = e.retry_after().expect("RateLimited");
    assert!(left <= Duration::from_secs(30), "{left:?}");
    assert_eq!(m.count(), 1);

    // A GET during the block waits for it, then goes.
    let t0 = tokio::time::Instant::now();
    c.deployments_filtered(DeploymentFilter::All).await.unwrap();
    let reqs = m.requests();
    assert_eq!(reqs.len(), 2);
    assert!(
        reqs[1].at - reqs[0].at >= Duration::from_secs(30),
        "second GET sent {:?} after the 429",
        reqs[1].at - reqs[0].at
    );
    assert!(t0.elapsed() >= Duration::from_secs(29));
    assert_eq!(c.rate_status().blocked_for, None);
}

#[tokio::test(start_paused = true)]
async fn a_deploy_429_blocks_deploys_only() {
    let m = Mock::start().await;
    m.on_json(
        "POST /api/deployments",
        429,
        json!({"error": "Deploy limit", "code": "RATE_LIMIT_EXCEEDED", "retryAfter": 600}),
    );
    m.on_json("GET /api/deployments", 200, json!([]));
    let o = on_paused_clock(opts(&m.url()));
    let c = Client::with_options(o).unwrap();
    let req = deploy_request();
    assert!(matches!(
        c.create_deployment(&req).await,
        Err(ApiError::RateLimited { .. })
    ));
    let t0 = tokio::time::Instant::now();
    c.deployments_filtered(DeploymentFilter::All).await.unwrap();
    assert!(
        t0.elapsed() < Duration::from_secs(600),
        "reads are not blocked by the deploy limit"
    );
    let e = c.create_deployment(&req).await.unwrap_err();
    assert!(e.retry_after().unwrap() > Duration::from_secs(500));
    assert_eq!(m.count(), 2, "the second deploy was refused locally");
    assert!(c.rate_status().deploy_blocked_for.is_some());
}

#[tokio::test(start_paused = true)]
async fn the_get_retry_comes_after_the_retry_delay() {
    let m = Mock::start().await;
    m.on_json(
        "GET /api/teams",
        500,
        json!({"error": "Internal error", "code": "INTERNAL_ERROR"}),
    );
    m.on_json("GET /api/teams", 200, json!([]));
    let o = on_paused_clock(ClientOptions::new(m.url(), None));
    assert_eq!(
        o.get_retry_delay,
        Duration::from_millis(500),
        "the default short delay"
    );
    let c = Client::with_options(o).unwrap();
    c.teams().await.unwrap();
    let reqs = m.requests();
    assert_eq!(reqs.len(), 2);
    assert!(reqs[1].at - reqs[0].at >= Duration::from_millis(500));
}

#[tokio::test]
async fn a_body_cut_off_mid_stream_is_a_network_error_retried_once_for_get() {
    let m = Mock::start().await;
    m.on(
        "GET /api/deployments",
        Canned::json(200, json!({"deployments": [deployment("d1", "running")]})).abort_body(),
    );
    m.on(
        "POST /api/ssh-keys",
        Canned::json(201, ssh_key("k1")).abort_body(),
    );
    let c = client(&m);
    let e = c
        .deployments_filtered(DeploymentFilter::All)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Network { .. }), "{e:?}");
    assert_eq!(m.count(), 2, "one GET, one retry");
    let new = NewSshKey {
        name: "n".into(),
        public_key: "ssh-ed25519 A".into(),
        team_id: None,
    };
    let e = c.add_ssh_key(&new).await.unwrap_err();
    assert!(matches!(e, ApiError::Network { .. }), "{e:?}");
    assert_eq!(m.count(), 3, "a POST is not retried");
}
