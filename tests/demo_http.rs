//! The demo server over real HTTP: every endpoint of docs/api-rules.md, "Endpoints", the main rules, the 401
//! envelope, rate limits and each injected fault. The world clock is moved, never waited for.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use std::time::{Duration, Instant};

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use spheron_tui::demo::{self, DEMO_API_KEY, DemoOptions, DemoServer, Fault, FaultRule};

const TEAM: &str = "team_demo_01";
const KEY_ID: &str = "sshk_5d2e8a41";

struct T {
    srv: DemoServer,
    http: Client,
}

impl T {
    async fn new(opts: DemoOptions) -> T {
        T {
            srv: demo::spawn(opts).await.unwrap(),
            http: Client::new(),
        }
    }

    async fn default() -> T {
        T::new(DemoOptions::for_tests()).await
    }

    async fn raw(
        &self,
        m: Method,
        path: &str,
        auth: bool,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut r = self.http.request(m, format!("{}{path}", self.srv.url()));
        if auth {
            r = r.bearer_auth(self.srv.key());
        }
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send().await.unwrap()
    }

    async fn call(&self, m: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let r = self.raw(m, path, true, body).await;
        let s = r.status();
        let text = r.text().await.unwrap();
        (
            s,
            if text.is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text).unwrap()
            },
        )
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(body)).await
    }

    fn advance(&self, secs: u64) {
        self.srv.handle().advance(Duration::from_secs(secs));
    }

    /// A deployable offer body (first non-maintenance offer of `provider`).
    async fn offer_body(&self, provider: &str) -> Value {
        let (_, v) = self.get("/api/gpu-offers?limit=100").await;
        let o = v["data"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| g["offers"].as_array().unwrap().iter().map(move |o| (g, o)))
            .find(|(_, o)| {
                o["provider"] == provider && o["maintenance"] == false && o["available"] == true
            })
            .map(|(g, o)| (g.clone(), o.clone()))
            .unwrap();
        let (g, o) = o;
        json!({
            "provider": provider, "offerId": o["offerId"], "gpuType": g["gpuType"],
            "gpuCount": o["gpuCount"], "region": o["clusters"][0], "operatingSystem": o["os_options"][0],
            "instanceType": o["instanceType"], "sshKeyId": KEY_ID, "teamId": TEAM,
        })
    }
}

fn header(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
}

#[tokio::test]
async fn public_endpoints_and_discounts() {
    let t = T::default().await;
    let r = t.raw(Method::GET, "/api/providers", false, None).await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "x-ratelimit-limit").as_deref(), Some("250"));
    assert_eq!(header(&r, "x-ratelimit-remaining").as_deref(), Some("249"));
    assert_eq!(header(&r, "x-ratelimit-reset").as_deref(), Some("900"));
    let p: Vec<String> = r.json().await.unwrap();
    assert_eq!(
        p,
        [
            "spheron-ai",
            "voltage-park",
            "data-crunch",
            "sesterce",
            "massed-compute",
        ],
        "one name per provider (verda is data-crunch)"
    );

    let anon: Value = t
        .raw(
            Method::GET,
            "/api/gpu-offers?search=H100&limit=5",
            false,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(
        anon["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["gpuType"].as_str().unwrap().contains("H100"))
    );
    assert!(
        anon["data"][0]["offers"][0]
            .get("discountedPrice")
            .is_none()
    );
    assert_eq!(anon["page"], 1);
    assert_eq!(anon["limit"], 5);
    let (s, authed) = t.get("/api/gpu-offers?search=h100&limit=5").await;
    assert_eq!(s, 200);
    assert!(
        authed["data"][0]["offers"][0]
            .get("discountedPrice")
            .is_some()
    );
    // a bad key on a public endpoint: served, without discounts
    let r = t
        .http
        .get(format!("{}/api/gpu-offers", t.srv.url()))
        .bearer_auth("sai_pk_wrong")
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert!(v["data"][0]["offers"][0].get("hasDiscount").is_none());
    let (_, v) = t
        .get(
            "/api/gpu-offers?instanceType=cluster&sortBy=lowestPrice&sortOrder=asc&page=1&limit=50",
        )
        .await;
    assert!(v["total"].as_u64().unwrap() >= 1);
    let (s, e) = t.get("/api/gpu-offers?sortOrder=sideways").await;
    assert_eq!(
        (s.as_u16(), e["details"]["field"].as_str()),
        (400, Some("sortOrder"))
    );
}

#[tokio::test]
async fn missing_or_wrong_key_gets_the_401_envelope() {
    let t = T::default().await;
    for path in [
        "/api/deployments",
        "/api/ssh-keys",
        "/api/volumes",
        "/api/balance",
        "/api/teams",
    ] {
        let r = t.raw(Method::GET, path, false, None).await;
        assert_eq!(r.status(), 401, "{path}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["code"], "UNAUTHORIZED");
        assert!(v["error"].is_string());
    }
    let r = t
        .http
        .get(format!("{}/api/deployments", t.srv.url()))
        .bearer_auth("sai_pk_nope")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let h = t.srv.handle();
    let reqs = h.requests();
    assert_eq!(reqs.len(), 6);
    assert!(!reqs[0].had_auth && reqs[5].had_auth);
    assert_eq!(reqs[0].path, "/api/deployments");
    assert_eq!(reqs[0].at, demo::test_epoch());
}

#[tokio::test]
async fn deployment_lifecycle_over_http() {
    let t = T::default().await;
    let h = t.srv.handle();
    let before = h.deployment_count();
    let body = t.offer_body("spheron-ai").await;
    let (s, d) = t.post("/api/deployments", body.clone()).await;
    assert_eq!(s, 201, "{d}");
    assert_eq!(d["status"], "deploying");
    assert!(d["message"].is_string());
    assert_eq!(h.deployment_count(), before + 1);
    let id = d["id"].as_str().unwrap().to_string();
    let path = format!("/api/deployments/{id}");

    t.advance(61);
    let (_, d) = t.get(&path).await;
    assert_eq!(d["status"], "running");
    assert_eq!(
        d["sshCommand"],
        json!(format!(
            "ssh -p {} ubuntu@{}",
            d["sshPort"],
            d["ipAddress"].as_str().unwrap()
        ))
    );

    let (_, list) = t.get("/api/deployments?status=active").await;
    assert!(
        list["deployments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == json!(id))
    );
    assert!(list["total"].as_u64().unwrap() >= 1);

    let (s, d) = t
        .call(Method::PATCH, &path, Some(json!({"name": "renamed"})))
        .await;
    assert_eq!((s.as_u16(), d["name"].as_str()), (200, Some("renamed")));
    let (s, e) = t
        .call(Method::PATCH, &path, Some(json!({"gpuCount": 2})))
        .await;
    assert_eq!(
        (s.as_u16(), e["details"]["field"].as_str()),
        (400, Some("gpuCount"))
    );

    let (_, c) = t.get(&format!("{path}/can-terminate")).await;
    assert_eq!(
        (c["canTerminate"].as_bool(), c["minimumRuntime"].as_u64()),
        (Some(false), Some(20))
    );
    let (s, e) = t.call(Method::DELETE, &path, None).await;
    assert_eq!(s, 400);
    assert_eq!(
        (e["canTerminate"].as_bool(), e["minimumRuntime"].as_u64()),
        (Some(false), Some(20))
    );
    assert_eq!(e["timeRemaining"], c["timeRemaining"]);

    t.advance(20 * 60);
    let (_, c) = t.get(&format!("{path}/can-terminate")).await;
    assert_eq!(
        (c["canTerminate"].as_bool(), c["timeRemaining"].as_u64()),
        (Some(true), Some(0))
    );
    let (s, r) = t.call(Method::DELETE, &path, None).await;
    assert_eq!(
        (s.as_u16(), r["deployment"]["status"].as_str()),
        (200, Some("terminated"))
    );
    let (s, _) = t.call(Method::DELETE, &path, None).await;
    assert_eq!(s, 400);
    let (s, e) = t
        .call(Method::DELETE, "/api/deployments/dep_unknown", None)
        .await;
    assert_eq!((s.as_u16(), e["code"].as_str()), (404, Some("NOT_FOUND")));
    let (_, d) = t.get(&path).await;
    assert!(d["totalCost"].as_f64().unwrap() > 0.0);
}

#[tokio::test]
async fn deploy_refusals_name_the_field() {
    let t = T::default().await;
    let h = t.srv.handle();
    let body = t.offer_body("data-crunch").await;
    let mut no_team = body.clone();
    no_team.as_object_mut().unwrap().remove("teamId");
    let (s, e) = t.post("/api/deployments", no_team).await;
    assert_eq!(
        (
            s.as_u16(),
            e["error"].as_str(),
            e["details"]["field"].as_str()
        ),
        (400, Some("Team ID is required"), Some("teamId"))
    );
    for (k, v) in [
        ("region", json!("nowhere")),
        ("gpuCount", json!(99)),
        ("operatingSystem", json!("dos")),
    ] {
        let mut b = body.clone();
        b[k] = v;
        let (s, e) = t.post("/api/deployments", b).await;
        assert_eq!(
            (
                s.as_u16(),
                e["code"].as_str(),
                e["details"]["field"].as_str()
            ),
            (400, Some("VALIDATION_ERROR"), Some(k))
        );
    }
    let (s, e) = t.call(Method::POST, "/api/deployments", None).await;
    assert_eq!(s, 400, "{e}");
    h.set_balance(TEAM, 0.0);
    let (s, e) = t.post("/api/deployments", body.clone()).await;
    assert_eq!(
        (s.as_u16(), e["code"].as_str()),
        (400, Some("INSUFFICIENT_BALANCE"))
    );
    h.set_balance(TEAM, 100.0);
    h.set_fail_share(1.0);
    let (_, d) = t.post("/api/deployments", body).await;
    t.advance(60);
    let (_, d) = t
        .get(&format!("/api/deployments/{}", d["id"].as_str().unwrap()))
        .await;
    assert_eq!(d["status"], "failed");
    assert!(d["failureReason"].is_string());
}

#[tokio::test]
async fn ssh_keys_crud() {
    let t = T::default().await;
    let (_, keys) = t.get("/api/ssh-keys").await;
    assert_eq!(keys.as_array().unwrap().len(), 1);
    // The seeded key's fingerprint, as `ssh-keygen -l` prints it.
    assert_eq!(
        keys[0]["fingerprint"],
        "SHA256:qoFQ1HoG4BOSArYfY+Yz280V36iDFiF+NQ2AG+1iJdM"
    );
    let (s, k) = t
        .post(
            "/api/ssh-keys",
            json!({"name": "ci", "publicKey": spheron_tui::domain::ssh_key::sample_key("ssh-rsa", "ci@host")}),
        )
        .await;
    assert_eq!(s, 201);
    // What `ssh-keygen -l -f` prints for that key.
    assert_eq!(
        k["fingerprint"],
        "SHA256:h09BCVidKuwABGyEXD3chMyqnuICF/L9QqhROTsjsQw"
    );
    // A truncated key (type string, no key material) is refused.
    let (s, e) = t
        .post(
            "/api/ssh-keys",
            json!({"name": "cut", "publicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIci ci@host"}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), e["details"]["field"].as_str()),
        (400, Some("publicKey"))
    );
    let path = format!("/api/ssh-keys/{}", k["id"].as_str().unwrap());
    let (s, got) = t.get(&path).await;
    assert_eq!((s.as_u16(), &got["name"]), (200, &json!("ci")));
    let (s, e) = t
        .post("/api/ssh-keys", json!({"name": "bad", "publicKey": "nope"}))
        .await;
    assert_eq!(
        (s.as_u16(), e["details"]["field"].as_str()),
        (400, Some("publicKey"))
    );
    let r = t.raw(Method::DELETE, &path, true, None).await;
    assert_eq!(r.status(), 204);
    assert!(r.text().await.unwrap().is_empty());
    assert_eq!(t.get(&path).await.0, 404);
}

#[tokio::test]
async fn volumes_over_http() {
    let t = T::default().await;
    let (_, r) = t.get("/api/volumes/regions?provider=sesterce").await;
    assert_eq!(r["provider"], "sesterce");
    assert!(r["regions"][0]["cloudId"].is_string() && r["regions"][0]["cloudName"].is_string());
    let (_, all) = t.get("/api/volumes/regions").await;
    assert!(
        all["regions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["provider"] == "voltage-park")
    );
    let (s, _) = t.get("/api/volumes/regions?provider=massed-compute").await;
    assert_eq!(s, 400);
    let (_, p) = t
        .get("/api/volumes/pricing?provider=data-crunch&region=FIN-01")
        .await;
    assert_eq!(
        (p["hourlyRatePerGb"].as_f64(), p["currency"].as_str()),
        (Some(0.0001), Some("USD"))
    );

    let (_, list) = t.get("/api/volumes?status=attached").await;
    assert!(
        list["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["status"] == "attached")
    );
    let (s, v) = t
        .post(
            "/api/volumes",
            json!({"name": "my-data-volume", "sizeInGb": 100, "provider": "voltage-park"}),
        )
        .await;
    assert_eq!(s, 201);
    assert!(v["virtualIp"].is_string());
    let id = v["id"].as_str().unwrap().to_string();
    t.advance(10);
    let (_, v) = t.get(&format!("/api/volumes/{id}")).await;
    assert_eq!(v["status"], "available");
    let (s, v) = t
        .call(
            Method::PATCH,
            &format!("/api/volumes/{id}"),
            Some(json!({"sizeInGb": 150, "name": "bigger"})),
        )
        .await;
    assert_eq!((s.as_u16(), v["sizeInGb"].as_u64()), (200, Some(150)));
    // the seeded voltage-park cluster already has its one volume
    let (s, e) = t
        .post(
            &format!("/api/volumes/{id}/attach"),
            json!({"deploymentId": "dep_c41e9a7b3d55"}),
        )
        .await;
    assert_eq!(s, 400, "{e}");
    // spheron-ai: attach to a running instance in the same region, detach, delete
    let (s, v) = t.post("/api/volumes/vol_ckpt0002/detach", json!({})).await;
    assert_eq!(
        (s.as_u16(), v["volume"]["status"].as_str()),
        (200, Some("available"))
    );
    let (s, v) = t
        .post(
            "/api/volumes/vol_ckpt0002/attach",
            json!({"deploymentId": "dep_2b8c4d6e1f90"}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), v["volume"]["status"].as_str()),
        (200, Some("attached"))
    );
    let (s, _) = t
        .call(Method::DELETE, "/api/volumes/vol_ckpt0002", None)
        .await;
    assert_eq!(s, 400);
    let (s, _) = t
        .post(
            "/api/volumes/vol_results05/attach",
            json!({"deploymentId": "dep_0a1b2c3d4e5f"}),
        )
        .await;
    assert_eq!(s, 400);
    let (s, m) = t
        .call(Method::DELETE, &format!("/api/volumes/{id}"), None)
        .await;
    assert_eq!((s.as_u16(), m["message"].is_string()), (200, true));
    t.advance(20);
    assert_eq!(t.get(&format!("/api/volumes/{id}")).await.0, 404);
}

#[tokio::test]
async fn kubernetes_teams_and_balance() {
    let t = T::default().await;
    let (_, v) = t
        .get("/api/kubernetes/versions?provider=voltage-park")
        .await;
    assert_eq!(
        v["versions"][0],
        json!({"version": "1.35", "default": true})
    );
    assert_eq!(
        t.get("/api/kubernetes/versions?provider=sesterce").await.0,
        400
    );
    let (_, d) = t.get("/api/deployments/dep_c41e9a7b3d55").await;
    let cluster = d["kubernetesAddon"]["k8s_cluster_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(d["kubernetesAddon"]["kubeconfig"].is_string());
    let (_, hlth) = t.get(&format!("/api/kubernetes/{cluster}/health")).await;
    assert_eq!(
        (hlth["status"].as_str(), hlth["nodesTotal"].as_u64()),
        (Some("healthy"), Some(2))
    );
    assert_eq!(t.get("/api/kubernetes/unknown/health").await.0, 404);

    let (_, teams) = t.get("/api/teams").await;
    assert_eq!(teams[0]["id"], TEAM);
    let (_, det) = t.get(&format!("/api/teams/details/{TEAM}")).await;
    assert_eq!(det["members"].as_array().unwrap().len(), 2);
    assert_eq!(t.get("/api/teams/details/nope").await.0, 404);
    let (s, e) = t.get("/api/teams/details/team_acme_42").await;
    assert_eq!((s.as_u16(), e["code"].as_str()), (403, Some("FORBIDDEN")));
    assert_eq!(t.get("/api/balance?teamId=team_acme_42").await.0, 403);
    assert_eq!(t.get("/api/balance?teamId=team_nope").await.0, 404);
    let (_, b0) = t.get(&format!("/api/balance?teamId={TEAM}")).await;
    assert_eq!(
        (
            b0["currency"].as_str(),
            b0["teams"][0]["isCurrentTeam"].as_bool()
        ),
        (Some("USD"), Some(true))
    );
    let before = b0["teams"][0]["balance"].as_f64().unwrap();
    t.advance(3600);
    let (_, b1) = t.get("/api/balance?all=false").await;
    let after = b1["teams"][0]["balance"].as_f64().unwrap();
    assert!(after < before - 10.0, "{before} -> {after}");
}

#[tokio::test]
async fn rate_limits_per_bucket_on_the_world_clock() {
    let t = T::new(DemoOptions {
        general_limit: 3,
        deploy_limit: 1,
        ..DemoOptions::for_tests()
    })
    .await;
    for _ in 0..3 {
        assert_eq!(
            t.raw(Method::GET, "/api/providers", false, None)
                .await
                .status(),
            200
        );
    }
    let r = t.raw(Method::GET, "/api/providers", false, None).await;
    assert_eq!(r.status(), 429);
    assert_eq!(header(&r, "retry-after").as_deref(), Some("900"));
    assert_eq!(header(&r, "x-ratelimit-remaining").as_deref(), Some("0"));
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        (v["code"].as_str(), v["retryAfter"].as_u64()),
        (Some("RATE_LIMIT_EXCEEDED"), Some(900))
    );
    // the deploy bucket is separate and reports its own limit
    let r = t
        .raw(Method::POST, "/api/deployments", true, Some(json!({})))
        .await;
    assert_eq!(header(&r, "x-ratelimit-limit").as_deref(), Some("1"));
    assert_eq!(r.status(), 400);
    assert_eq!(
        t.raw(Method::POST, "/api/deployments", true, Some(json!({})))
            .await
            .status(),
        429
    );
    t.advance(15 * 60);
    let r = t.raw(Method::GET, "/api/providers", false, None).await;
    assert_eq!(
        (
            r.status().as_u16(),
            header(&r, "x-ratelimit-remaining").as_deref()
        ),
        (200, Some("2"))
    );
}

#[tokio::test]
async fn injected_faults() {
    let t = T::default().await;
    let h = t.srv.handle();
    let rule = |m: &str, p: &str, f: Fault, n: u32| FaultRule {
        method: Some(m.into()),
        path_prefix: p.into(),
        fault: f,
        count: n,
    };

    h.inject(rule("GET", "/api/deployments", Fault::ServerError, 2));
    assert_eq!(
        t.get("/api/deployments").await,
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"error": "Internal server error (injected)", "code": "INTERNAL_ERROR", "details": {}})
        )
    );
    assert_eq!(t.get("/api/deployments/dep_7f3a91c2e0b4").await.0, 500);
    assert_eq!(t.get("/api/deployments").await.0, 200);

    h.inject(rule(
        "GET",
        "/api/balance",
        Fault::RateLimited {
            retry_after_secs: 7,
        },
        1,
    ));
    let r = t.raw(Method::GET, "/api/balance", true, None).await;
    assert_eq!(
        (r.status().as_u16(), header(&r, "retry-after").as_deref()),
        (429, Some("7"))
    );
    assert_eq!(r.json::<Value>().await.unwrap()["retryAfter"], 7);

    h.inject(rule(
        "GET",
        "/api/providers",
        Fault::Slow(Duration::from_millis(200)),
        1,
    ));
    let started = Instant::now();
    assert_eq!(
        t.raw(Method::GET, "/api/providers", false, None)
            .await
            .status(),
        200
    );
    assert!(started.elapsed() >= Duration::from_millis(200));

    h.inject(rule("GET", "/api/gpu-offers", Fault::MalformedJson, 1));
    let r = t.raw(Method::GET, "/api/gpu-offers", false, None).await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(!text.is_empty() && serde_json::from_str::<Value>(&text).is_err());

    h.inject(rule("GET", "/api/teams", Fault::HtmlError, 1));
    let r = t.raw(Method::GET, "/api/teams", true, None).await;
    assert_eq!(r.status(), 502);
    assert!(header(&r, "content-type").unwrap().starts_with("text/html"));
    assert!(r.text().await.unwrap().contains("<html>"));

    h.inject(rule("GET", "/api/volumes", Fault::DropConnection, 1));
    let failed = match t
        .http
        .get(format!("{}/api/volumes", t.srv.url()))
        .bearer_auth(DEMO_API_KEY)
        .send()
        .await
    {
        Err(_) => true,
        Ok(r) => r.bytes().await.is_err(),
    };
    assert!(failed, "the dropped connection must surface as an error");

    let body = t.offer_body("spheron-ai").await;
    let before = h.deployment_count();
    h.inject(rule(
        "POST",
        "/api/deployments",
        Fault::CreatedButServerError,
        1,
    ));
    assert_eq!(t.post("/api/deployments", body).await.0, 500);
    assert_eq!(h.deployment_count(), before + 1, "created despite the 500");

    h.inject(rule("GET", "/api/ssh-keys", Fault::ServerError, 5));
    h.clear_faults();
    assert_eq!(t.get("/api/ssh-keys").await.0, 200);
    // faults from a --fault spec
    h.inject(demo::parse_fault_spec("GET /api/ssh-keys=500x1").unwrap());
    assert_eq!(t.get("/api/ssh-keys").await.0, 500);
}

#[tokio::test]
async fn alt_shapes_for_tolerant_readers() {
    let t = T::new(DemoOptions {
        alt_shapes: true,
        ..DemoOptions::for_tests()
    })
    .await;
    let (_, list) = t.get("/api/deployments").await;
    let first = &list.as_array().expect("bare array")[0];
    assert!(first.get("gpuModelId").is_some() && first.get("gpuType").is_none());
    let (_, one) = t.get("/api/deployments/dep_7f3a91c2e0b4").await;
    assert_eq!(one["deployment"]["id"], "dep_7f3a91c2e0b4");
    assert!(t.get("/api/ssh-keys").await.1["data"].is_array());
    assert!(t.get("/api/teams").await.1["teams"].is_array());
    assert_eq!(
        t.get("/api/kubernetes/versions?provider=voltage-park")
            .await
            .1[0],
        "1.35"
    );
    let (_, e) = t.get("/api/deployments/nope").await;
    assert_eq!(e["message"], e["error"]);
}

#[tokio::test]
async fn force_status_and_unknown_routes() {
    let t = T::default().await;
    t.srv
        .handle()
        .force_status("dep_2b8c4d6e1f90", "terminated-provider");
    let (_, d) = t.get("/api/deployments/dep_2b8c4d6e1f90").await;
    assert_eq!(d["status"], "terminated-provider");
    assert_eq!(d["volumeIds"], json!([]));
    let (s, v) = t
        .get("/api/deployments?page=18446744073709551615&limit=200")
        .await;
    assert_eq!((s.as_u16(), &v["deployments"]), (200, &json!([])));
    let (s, v) = t.get("/api/gpu-offers?page=18446744073709551615").await;
    assert_eq!((s.as_u16(), &v["data"]), (200, &json!([])));
    let (s, e) = t.get("/api/deployments?page=0").await;
    assert_eq!(
        (s.as_u16(), e["details"]["field"].as_str()),
        (400, Some("page"))
    );
    let (s, e) = t.get("/api/nothing-here").await;
    assert_eq!((s.as_u16(), e["code"].as_str()), (404, Some("NOT_FOUND")));
    assert!(t.srv.url().starts_with("http://127.0.0.1:"));
    assert_eq!(t.srv.key(), DEMO_API_KEY);
}
