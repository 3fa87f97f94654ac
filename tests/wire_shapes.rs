//! The client contract in three shapes of the server, through the real client over HTTP: the
//! same demo world served the documented (strict) way, the live way (`docs/wire-shapes.md`,
//! "Live shapes"; `demo-server --live-shapes`) and the hostile way (every spelling at once,
//! numbers as strings, absent fields as `null`; `demo-server --hostile-shapes`) reads into the
//! same values, every list complete, and every pane shows the same.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use std::collections::BTreeSet;

use serde_json::Value;
use spheron_tui::api::{
    Client, ClientOptions, Deployment, DeploymentFilter, DeploymentsQuery, Offer, OffersQuery,
    RawJson, Volume, VolumesQuery,
};
use spheron_tui::app::dialogs::terminate::{Check, check_of};
use spheron_tui::credentials::ApiKey;
use spheron_tui::demo::{self, DemoOptions, DemoServer, parse_fault_spec};
use support::harness::Harness;

/// The other shapes, each compared with the documented one.
fn other_shapes() -> [(&'static str, DemoOptions); 2] {
    [
        ("live", DemoOptions::live_shapes_for_tests()),
        ("hostile", DemoOptions::hostile_shapes_for_tests()),
    ]
}

struct Pair {
    servers: (DemoServer, DemoServer),
    documented: Client,
    live: Client,
}

/// The documented shapes and `other` (the second client is named `live` whichever it is).
async fn pair(other: DemoOptions) -> Pair {
    let a = demo::spawn(DemoOptions::for_tests()).await.unwrap();
    let b = demo::spawn(other).await.unwrap();
    let client = |s: &DemoServer| {
        Client::with_options(ClientOptions::new(s.url(), Some(ApiKey::new(s.key())))).unwrap()
    };
    Pair {
        documented: client(&a),
        live: client(&b),
        servers: (a, b),
    }
}

/// An offer with its regions in one sorted list (`region` folded into `clusters`) and no raw.
fn offer(mut o: Offer) -> Offer {
    let regions: BTreeSet<String> = o.regions().iter().map(|r| r.to_string()).collect();
    o.clusters = regions.into_iter().collect();
    o.region = None;
    o.raw = RawJson::default();
    o
}

/// A deployment without raw, its SSH command as the client would run it, its login port
/// wherever it was read from.
fn deployment(mut d: Deployment) -> Deployment {
    let cmd = d.ssh_command().map(|c| c.replace(" -p 22 ", " "));
    d.ssh_command = cmd;
    d.ssh_port = d.login_port();
    d.raw = Value::Null;
    d
}

fn volume(mut v: Volume) -> Volume {
    v.raw = Value::Null;
    v
}

#[tokio::test]
async fn the_live_shapes_are_served() {
    let p = pair(DemoOptions::live_shapes_for_tests()).await;
    // The shapes really differ on the wire (or this test would prove nothing).
    let http = reqwest::Client::new();
    let get = |base: String, path: &'static str| {
        let http = http.clone();
        async move {
            http.get(format!("{base}{path}"))
                .bearer_auth(demo::DEMO_API_KEY)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let live = p.servers.1.url();
    let list = get(live.clone(), "/api/deployments").await;
    assert!(list.is_array());
    // a running Spheron AI instance says its SSH port only through `portForwards`
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|d| d["provider"] == "spheron-ai"
                && d["status"] == "running"
                && d["portForwards"][0]["internal"] == 22
                && d.get("sshPort").is_none()),
        "{list}"
    );
    let v = get(live.clone(), "/api/volumes").await;
    assert!(v["data"].is_array() && v["totalPages"].is_string());
    let b = get(live.clone(), "/api/balance").await;
    assert!(b["teams"][0]["balance"].is_string());
    let o = get(live.clone(), "/api/gpu-offers?limit=100").await;
    let offers: Vec<&Value> = o["data"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["offers"].as_array().unwrap())
        .collect();
    assert!(offers.iter().all(|o| o.get("region").is_none()));
    assert!(offers.iter().all(|o| o["price"].is_string()));
    let d = get(live, "/api/deployments/dep_7f3a91c2e0b4").await;
    assert!(d["deployment"]["gpuModelId"].is_string());
    assert!(d["deployment"].get("sshCommand").is_none());
}

#[tokio::test]
async fn every_list_and_object_reads_the_same_in_every_shape() {
    for (shape, options) in other_shapes() {
        reads_the_same(shape, options).await;
    }
}

/// Every list and object of the documented shapes and of `other` read into the same values,
/// every list complete.
async fn reads_the_same(shape: &str, other: DemoOptions) {
    let p = pair(other).await;
    let (a, b) = (&p.documented, &p.live);

    let q = OffersQuery {
        limit: Some(100),
        ..OffersQuery::default()
    };
    let offers = |page: spheron_tui::api::OffersPage| -> Vec<Offer> {
        page.groups
            .into_iter()
            .flat_map(|g| g.offers)
            .map(offer)
            .collect()
    };
    let (pa, pb) = (
        a.gpu_offers(&q).await.unwrap(),
        b.gpu_offers(&q).await.unwrap(),
    );
    assert_eq!((pa.unreadable, pb.unreadable), (0, 0), "{shape}");
    let (oa, ob) = (offers(pa), offers(pb));
    assert!(oa.len() > 50);
    assert_eq!(oa, ob, "{shape}");

    for filter in [DeploymentFilter::All, DeploymentFilter::Active] {
        let (la, lb) = (
            a.deployments_filtered(filter).await.unwrap(),
            b.deployments_filtered(filter).await.unwrap(),
        );
        assert_eq!(
            la.completeness.without_filters(),
            lb.completeness.without_filters(),
            "{shape}"
        );
        assert!(lb.completeness.without_filters().is_complete(), "{shape}");
        let da: Vec<Deployment> = la.into_iter().map(deployment).collect();
        let db: Vec<Deployment> = lb.into_iter().map(deployment).collect();
        assert!(!da.is_empty());
        assert_eq!(da, db, "{shape} {filter:?}");
    }
    let team = DeploymentsQuery {
        team_id: Some("team_grant_07".into()),
        ..DeploymentsQuery::default()
    };
    assert_eq!(
        a.deployments(&team).await.unwrap().len(),
        b.deployments(&team).await.unwrap().len()
    );
    for id in ["dep_7f3a91c2e0b4", "dep_c41e9a7b3d55", "dep_9988aabbccdd"] {
        assert_eq!(
            deployment(a.deployment(id).await.unwrap()),
            deployment(b.deployment(id).await.unwrap()),
            "{id}"
        );
    }

    let va: Vec<Volume> = a
        .volumes(&VolumesQuery::default())
        .await
        .unwrap()
        .into_iter()
        .map(volume)
        .collect();
    let vb: Vec<Volume> = b
        .volumes(&VolumesQuery::default())
        .await
        .unwrap()
        .into_iter()
        .map(volume)
        .collect();
    assert!(va.iter().any(|v| !v.attached_to.is_empty()));
    assert_eq!(va, vb, "{shape}");
    for v in &va {
        assert_eq!(
            volume(a.volume(&v.id).await.unwrap()),
            volume(b.volume(&v.id).await.unwrap())
        );
    }

    let strip_b = |mut x: spheron_tui::api::Balance| {
        for t in &mut x.teams {
            t.raw = Value::Null;
        }
        x
    };
    assert_eq!(
        strip_b(a.balance(None, None).await.unwrap()),
        strip_b(b.balance(None, None).await.unwrap())
    );
    let keys = |mut k: Vec<spheron_tui::api::SshKey>| {
        k.iter_mut().for_each(|k| k.raw = Value::Null);
        k
    };
    let (ka, kb) = (a.ssh_keys().await.unwrap(), b.ssh_keys().await.unwrap());
    assert!(ka.is_complete() && kb.is_complete(), "{shape}");
    assert_eq!(keys(ka.items), keys(kb.items), "{shape}");
    let teams = |mut t: Vec<spheron_tui::api::Team>| {
        t.iter_mut().for_each(|t| t.raw = Value::Null);
        t
    };
    let (ta, tb) = (a.teams().await.unwrap(), b.teams().await.unwrap());
    assert!(ta.is_complete() && tb.is_complete(), "{shape}");
    assert_eq!(teams(ta.items), teams(tb.items), "{shape}");
    assert_eq!(a.providers().await.unwrap(), b.providers().await.unwrap());
    let names = |v: Vec<spheron_tui::api::KubernetesVersion>| -> Vec<String> {
        v.into_iter().map(|v| v.version).collect()
    };
    assert_eq!(
        names(a.kubernetes_versions("voltage-park").await.unwrap()),
        names(b.kubernetes_versions("voltage-park").await.unwrap())
    );
}

#[tokio::test]
async fn what_a_write_answers_reads_the_same_in_every_shape() {
    for (shape, options) in other_shapes() {
        writes_answer_the_same(shape, options).await;
    }
}

async fn writes_answer_the_same(shape: &str, other: DemoOptions) {
    use spheron_tui::api::{DeployRequest, InstanceType, NewVolume};
    let p = pair(other).await;
    let req = DeployRequest {
        provider: "spheron-ai".into(),
        offer_id: "rtx-4090-spheron-ai-dedicated-1x-053".into(),
        gpu_type: "rtx-4090".into(),
        gpu_count: 1,
        region: "eu-north-1".into(),
        operating_system: "ubuntu-24.04".into(),
        instance_type: InstanceType::Dedicated,
        ssh_key_id: Some("sshk_5d2e8a41".into()),
        ssh_public_key: None,
        team_id: Some("team_demo_01".into()),
        name: Some("same-in-both".into()),
        cloud_init: None,
        kubernetes_addon: None,
        volume_ids: vec![],
    };
    let (a, b) = (
        p.documented.create_deployment(&req).await.unwrap(),
        p.live.create_deployment(&req).await.unwrap(),
    );
    assert_eq!(deployment(a.clone()), deployment(b), "{shape}");
    let (ra, rb) = (
        p.documented
            .rename_deployment(&a.id, "renamed")
            .await
            .unwrap(),
        p.live.rename_deployment(&a.id, "renamed").await.unwrap(),
    );
    assert_eq!(deployment(ra), deployment(rb), "{shape}");
    let new = NewVolume {
        name: "same-vol".into(),
        size_in_gb: 10,
        provider: "spheron-ai".into(),
        region: Some("eu-north-1".into()),
        cloud_id: None,
        cloud_name: None,
        team_id: None,
        deployment_id: None,
    };
    assert_eq!(
        volume(p.documented.create_volume(&new).await.unwrap()),
        volume(p.live.create_volume(&new).await.unwrap()),
        "{shape}"
    );
}

#[tokio::test]
async fn every_pane_shows_the_same_in_every_shape() {
    for (shape, options) in other_shapes() {
        panes_show_the_same(shape, options).await;
    }
}

async fn panes_show_the_same(shape: &str, other: DemoOptions) {
    let mut a = Harness::with(DemoOptions::for_tests(), true).await;
    let mut b = Harness::with(other, true).await;
    // Offers, then SPOT only (the live service's filter keeps whole groups: the client filters
    // each offer itself), deployments (all of them), volumes, keys, account.
    // The offers header counts what was loaded ("20 shown of 95" when the live filter sent
    // whole groups); the rows must be the same.
    for keys in ["1", "t", "2", "f", "f", "3", "4", "5"] {
        a.press(keys).await;
        b.press(keys).await;
        assert_eq!(
            mask_loaded_count(&a.screen()),
            mask_loaded_count(&b.screen()),
            "{shape}: after {keys}"
        );
    }
}

/// The screen with the offers header's "shown of N" count masked.
fn mask_loaded_count(screen: &str) -> String {
    let Some(at) = screen.find(" shown of ") else {
        return screen.to_string();
    };
    let rest = &screen[at + " shown of ".len()..];
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    format!("{} shown of N{}", &screen[..at], &rest[digits..])
}

#[test]
fn demo_server_has_a_switch_for_each_shape() {
    use clap::Parser;
    use spheron_tui::commands::cli::{Cli, Command};
    for (args, live, hostile) in [
        (&["spheron-tui", "demo-server"][..], false, false),
        (
            &["spheron-tui", "demo-server", "--live-shapes"][..],
            true,
            false,
        ),
        (
            &["spheron-tui", "demo-server", "--hostile-shapes"][..],
            false,
            true,
        ),
    ] {
        match Cli::try_parse_from(args).unwrap().command {
            Some(Command::DemoServer(a)) => {
                assert_eq!((a.live_shapes, a.hostile_shapes), (live, hostile))
            }
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn the_hostile_shapes_are_served() {
    // Every spelling at once, numbers as strings, absent fields as null: on the wire.
    let s = demo::spawn(DemoOptions::hostile_shapes_for_tests())
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let get = |path: &'static str| {
        let (http, url) = (http.clone(), s.url());
        async move {
            http.get(format!("{url}{path}"))
                .bearer_auth(demo::DEMO_API_KEY)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let list = get("/api/deployments?status=active").await;
    let items = list["deployments"].as_array().unwrap();
    assert!(items.len() >= 2);
    for d in items {
        assert_eq!(d["id"], d["_id"], "{d}");
        assert_eq!(d["gpuType"], d["gpuModelId"], "{d}");
        assert!(
            d["gpuCount"].is_string() && d["hourlyRate"].is_string(),
            "{d}"
        );
        assert!(d.as_object().unwrap().contains_key("portForwards"), "{d}");
    }
    assert!(items.iter().any(|d| d["portForwards"].is_null()));
    assert!(list["totalPages"].is_string());
}

/// A fresh deployment on `p`'s second server, deployed from the documented server's first
/// deployable offer (both serve the same world): too young to end yet.
async fn fresh_deployment(p: &Pair) -> String {
    let http = reqwest::Client::new();
    let answer = |r: reqwest::RequestBuilder| async move {
        r.bearer_auth(demo::DEMO_API_KEY)
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
    };
    let offers = answer(http.get(format!("{}/api/gpu-offers?limit=100", p.servers.0.url()))).await;
    let mut body = support::fixtures::demo_deploy_body(&offers, "team_demo_01");
    body["name"] = "too-young".into();
    let made = answer(
        http.post(format!("{}/api/deployments", p.servers.1.url()))
            .json(&body),
    )
    .await;
    let made: Deployment = spheron_tui::api::decode(made).unwrap();
    assert!(!made.id.is_empty());
    made.id
}

#[tokio::test]
async fn a_can_terminate_that_does_not_say_leaves_it_to_the_delete_in_every_shape() {
    let shapes = [("documented", DemoOptions::for_tests())]
        .into_iter()
        .chain(other_shapes());
    for (shape, options) in shapes {
        let p = pair(options).await;
        let id = fresh_deployment(&p).await;
        let c = &p.live;
        // said: too early is a "no", with the minutes left
        let said = c.can_terminate(&id).await.unwrap();
        assert_eq!(said.can_terminate, Some(false), "{shape}: {said:?}");
        assert_eq!(said.time_remaining, Some(20.0), "{shape}");
        assert!(matches!(check_of(Ok(said)), Check::Blocked(_)), "{shape}");
        // not said: an answer without `canTerminate` is neither yes nor no
        let path = format!("GET /api/deployments/{id}/can-terminate=omit:canTerminate");
        p.servers
            .1
            .handle()
            .inject(parse_fault_spec(&path).unwrap());
        let unsaid = c.can_terminate(&id).await.unwrap();
        assert_eq!(unsaid.can_terminate, None, "{shape}: {unsaid:?}");
        assert_eq!(unsaid.minimum_runtime, Some(20.0), "{shape}");
        assert!(matches!(check_of(Ok(unsaid)), Check::Unsaid(_)), "{shape}");
        // terminated anyway: the DELETE refuses, with the time left and the server's words
        let e = c.terminate_deployment(&id).await.unwrap_err();
        let blocked = e.termination_blocked().unwrap();
        assert_eq!(blocked.time_remaining, Some(20.0), "{shape}");
        assert_eq!(
            e.to_string(),
            "Not terminated: Cannot terminate before the minimum runtime of 20 minutes (20 min remaining). The minimum runtime is not met yet; try again in 20 min",
            "{shape}"
        );
        // past the minimum runtime (counted from its start, after its provisioning) the same
        // DELETE ends it
        let later = std::time::Duration::from_secs(40 * 60);
        p.servers.1.handle().advance(later);
        c.terminate_deployment(&id).await.unwrap();
        let after = c.deployment(&id).await.unwrap();
        assert_eq!(after.status.to_string(), "terminated", "{shape}");
    }
}
