//! The demo server as strict as the reference, over real HTTP and through the real client:
//! the `instanceType` filter per offer, `available: false` refused, a second team, Verda
//! cross-region attach (accepted by the server as on the live service, refused by the client
//! first), the deploy limit's own reset time, and the providers list.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use std::time::Duration;

use serde_json::{Value, json};
use spheron_tui::api::{
    Client, ClientOptions, DeployRequest, DeploymentStatus, DeploymentsQuery, InstanceType, Offer,
    OffersQuery, VolumesQuery,
};
use spheron_tui::app::{Action, AppState, update};
use spheron_tui::credentials::ApiKey;
use spheron_tui::demo::{self, DemoOptions, DemoServer};
use spheron_tui::domain::volume_rules::{AttachTarget, VolumeFacts, check_attach};

const TEAM: &str = "team_demo_01";
const OTHER_TEAM: &str = "team_grant_07";
const KEY_ID: &str = "sshk_5d2e8a41";

struct T {
    srv: DemoServer,
    http: reqwest::Client,
    client: Client,
}

impl T {
    async fn new(opts: DemoOptions) -> T {
        let srv = demo::spawn(opts).await.unwrap();
        let client =
            Client::with_options(ClientOptions::new(srv.url(), Some(ApiKey::new(srv.key()))))
                .unwrap();
        T {
            srv,
            http: reqwest::Client::new(),
            client,
        }
    }

    async fn send(&self, m: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut r = self
            .http
            .request(m, format!("{}{path}", self.srv.url()))
            .bearer_auth(self.srv.key());
        if let Some(b) = body {
            r = r.json(&b);
        }
        let r = r.send().await.unwrap();
        let s = r.status().as_u16();
        let text = r.text().await.unwrap();
        (s, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    fn advance(&self, secs: u64) {
        self.srv.handle().advance(Duration::from_secs(secs));
    }

    /// Every offer of the catalog with its group's `gpuType`.
    async fn offers(&self) -> Vec<(String, Value)> {
        let (_, v) = self.get("/api/gpu-offers?limit=100").await;
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| {
                g["offers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(move |o| (g["gpuType"].as_str().unwrap().to_string(), o.clone()))
            })
            .collect()
    }

    /// The offer `id` names, as the real client reads it.
    async fn client_offer(&self, id: &Value) -> Offer {
        let offers = self
            .client
            .gpu_offers(&OffersQuery {
                limit: Some(100),
                ..OffersQuery::default()
            })
            .await
            .unwrap();
        offers
            .groups
            .into_iter()
            .flat_map(|g| g.offers)
            .find(|o| json!(o.offer_id) == *id)
            .unwrap()
    }

    /// A deploy body for the first offer `pick` accepts, in `region` (or its first one).
    async fn deploy_body(&self, pick: impl Fn(&Value) -> bool, region: Option<&str>) -> Value {
        let (gpu, o) = self
            .offers()
            .await
            .into_iter()
            .find(|(_, o)| pick(o))
            .expect("an offer for the test");
        json!({
            "provider": o["provider"], "offerId": o["offerId"], "gpuType": gpu,
            "gpuCount": o["gpuCount"], "region": region.map_or(o["clusters"][0].clone(), |r| json!(r)),
            "operatingSystem": o["os_options"][0], "instanceType": o["instanceType"],
            "sshKeyId": KEY_ID, "teamId": TEAM,
        })
    }
}

fn deployable(o: &Value) -> bool {
    o["available"] == true && o["maintenance"] == false
}

#[tokio::test]
async fn the_instance_type_filter_applies_to_each_offer() {
    let t = T::new(DemoOptions::for_tests()).await;
    let all = t.offers().await;
    for asked in ["spot", "SPOT", "Dedicated", "cluster"] {
        let ty = asked.to_uppercase();
        let (s, v) = t
            .get(&format!("/api/gpu-offers?instanceType={asked}&limit=100"))
            .await;
        assert_eq!(s, 200);
        let groups = v["data"].as_array().unwrap();
        let mut n = 0;
        for g in groups {
            let offers = g["offers"].as_array().unwrap();
            assert!(!offers.is_empty(), "{asked}: an empty group was kept");
            for o in offers {
                assert_eq!(o["instanceType"], json!(ty), "{asked}: {o}");
            }
            n += offers.len();
        }
        let expected = all.iter().filter(|(_, o)| o["instanceType"] == ty).count();
        assert_eq!(n, expected, "{asked}");
        assert_eq!(v["total"], json!(groups.len()));
    }
    // The client reads the filtered answer as it is.
    let page = t
        .client
        .gpu_offers(&OffersQuery {
            instance_type: Some(InstanceType::Spot),
            limit: Some(100),
            ..OffersQuery::default()
        })
        .await
        .unwrap();
    assert!(
        page.groups
            .iter()
            .flat_map(|g| &g.offers)
            .all(|o| o.instance_type == InstanceType::Spot)
    );
}

#[tokio::test]
async fn an_unavailable_offer_is_listed_and_its_deploy_refused() {
    let t = T::new(DemoOptions::for_tests()).await;
    let body = t
        .deploy_body(
            |o| o["available"] == false && o["maintenance"] == false,
            None,
        )
        .await;
    let before = t.srv.handle().deployment_count();
    let (s, e) = t.post("/api/deployments", body.clone()).await;
    assert_eq!(s, 400, "{e}");
    assert_eq!(e["details"]["field"], "offerId");
    assert!(
        e["error"].as_str().unwrap().contains("not available"),
        "{e}"
    );
    assert_eq!(t.srv.handle().deployment_count(), before);
    // The client says so before sending anything.
    let o = t.client_offer(&body["offerId"]).await;
    assert_eq!(o.unavailable_reason(), Some("the offer is not available"));
}

#[tokio::test]
async fn a_second_team_has_its_own_balance_deployments_and_volumes() {
    let t = T::new(DemoOptions::for_tests()).await;
    let c = &t.client;
    let b = c.balance(None, None).await.unwrap();
    assert_eq!(b.teams.len(), 2);
    assert_eq!(b.current().unwrap().team_id, TEAM);
    let other = b.teams.iter().find(|x| x.team_id == OTHER_TEAM).unwrap();
    assert_eq!(other.balance, Some(1240.0));
    assert_eq!(c.teams().await.unwrap().len(), 2);

    // Lists without teamId are the current team's; with it, that team's.
    let mine = c.deployments(&DeploymentsQuery::default()).await.unwrap();
    assert!(!mine.is_empty());
    assert!(mine.iter().all(|d| d.team_id.as_deref() == Some(TEAM)));
    let q = DeploymentsQuery {
        team_id: Some(OTHER_TEAM.into()),
        ..DeploymentsQuery::default()
    };
    let theirs = c.deployments(&q).await.unwrap();
    assert_eq!(
        theirs.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["dep_51a7c0de2f44"]
    );
    let vq = VolumesQuery {
        team_id: Some(OTHER_TEAM.into()),
        ..VolumesQuery::default()
    };
    let their_vols = c.volumes(&vq).await.unwrap();
    assert_eq!(their_vols.len(), 1);
    assert_eq!(their_vols[0].id, "vol_grant008");
    let my_vols = c.volumes(&VolumesQuery::default()).await.unwrap();
    assert!(my_vols.iter().all(|v| v.team_id.as_deref() == Some(TEAM)));
    // A team the user is not in.
    let (s, _) = t.get("/api/deployments?teamId=team_acme_42").await;
    assert_eq!(s, 403);

    // Deploys and volumes can target it.
    let mut body = t.deploy_body(deployable, None).await;
    body["teamId"] = json!(OTHER_TEAM);
    let (s, d) = t.post("/api/deployments", body).await;
    assert_eq!(s, 201, "{d}");
    assert_eq!(d["teamId"], OTHER_TEAM);
    let theirs = c.deployments(&q).await.unwrap();
    assert!(theirs.iter().any(|x| x.id == d["id"].as_str().unwrap()));
    let mine = c.deployments(&DeploymentsQuery::default()).await.unwrap();
    assert!(!mine.iter().any(|x| x.id == d["id"].as_str().unwrap()));
    let (s, v) = t
        .post(
            "/api/volumes",
            json!({"name": "grant-scratch", "sizeInGb": 10, "provider": "spheron-ai",
                   "region": "us-east-1", "teamId": OTHER_TEAM}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(c.volumes(&vq).await.unwrap().len(), 2);

    // A volume of one team does not attach to an instance of the other.
    let (s, e) = t
        .post(
            "/api/volumes/vol_grant008/attach",
            json!({"deploymentId": "dep_2b8c4d6e1f90"}),
        )
        .await;
    assert_eq!(s, 400);
    assert!(e["error"].as_str().unwrap().contains("team"), "{e}");

    // Each team pays for its own: an hour later the other team's balance fell by its rate
    // (the new instance bills from when it runs, within its first minute).
    let deps = c.deployments(&q).await.unwrap();
    let rate_of = |s: DeploymentStatus| -> f64 {
        deps.iter()
            .filter(|d| d.status == s)
            .filter_map(|d| d.hourly_rate)
            .sum()
    };
    let volumes: f64 = c
        .volumes(&vq)
        .await
        .unwrap()
        .iter()
        .filter_map(|v| v.cost_per_hour())
        .sum();
    let steady = rate_of(DeploymentStatus::Running) + volumes;
    let starting = rate_of(DeploymentStatus::Deploying);
    assert!(starting > 0.0);
    let before = t.srv.handle().balance(OTHER_TEAM).unwrap();
    let mine_before = t.srv.handle().balance(TEAM).unwrap();
    t.advance(3600);
    let spent = before - t.srv.handle().balance(OTHER_TEAM).unwrap();
    let (lo, hi) = (steady + starting * 59.0 / 60.0, steady + starting);
    assert!(
        spent >= lo - 0.01 && spent <= hi + 0.01,
        "{spent} not in {lo}..{hi}"
    );
    assert!(t.srv.handle().balance(TEAM).unwrap() < mine_before);
}

#[tokio::test]
async fn a_verda_cross_region_attach_is_accepted_and_the_client_refuses_it_first() {
    let t = T::new(DemoOptions::for_tests()).await;
    let body = t
        .deploy_body(
            |o| {
                deployable(o)
                    && o["provider"] == "verda"
                    && o["clusters"].as_array().unwrap().contains(&json!("FIN-02"))
            },
            Some("FIN-02"),
        )
        .await;
    // The offer still carries the provider's other name; the providers list says
    // `data-crunch`, and only that name is taken.
    let (s, d) = t.post("/api/deployments", body.clone()).await;
    assert_eq!(s, 400, "{d}");
    assert!(
        d["error"]
            .as_str()
            .unwrap()
            .contains("names it 'data-crunch'"),
        "{d}"
    );
    let mut body = body;
    body["provider"] = json!("data-crunch");
    let (s, d) = t.post("/api/deployments", body.clone()).await;
    assert_eq!(s, 201, "{d}");
    let id = d["id"].as_str().unwrap().to_string();
    t.srv.handle().force_status(&id, "running");

    // What the client knows: the volume in FIN-03, the instance in FIN-02.
    let vol = t.client.volume("vol_fincache6").await.unwrap();
    let dep = t.client.deployment(&id).await.unwrap();
    let why = check_attach(
        VolumeFacts {
            provider: &vol.provider,
            region: &vol.region,
            attached_to: vol.attachments().len(),
        },
        AttachTarget {
            provider: &dep.provider,
            region: &dep.region,
            status: &dep.status,
            volumes_attached: dep.volume_ids.len(),
        },
    )
    .unwrap_err();
    assert!(why.contains("silently cannot be read"), "{why}");
    // The deploy wizard does not offer it at launch either.
    let offer = t.client_offer(&body["offerId"]).await;
    assert!(spheron_tui::domain::deploy::volume_unfit(&offer, "FIN-02", &vol).is_some());

    // The server, like the live one, takes it: the volume looks attached and says its data
    // cannot be read from there. Only the client stands in the way.
    let (s, r) = t
        .post(
            "/api/volumes/vol_fincache6/attach",
            json!({ "deploymentId": id }),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    let vol = t.client.volume("vol_fincache6").await.unwrap();
    assert_eq!(vol.status, "attached");
    assert_eq!(vol.raw["dataAccessible"], json!(false));
    assert_eq!(vol.raw["inaccessibleFrom"], json!([id]));
    // Other providers refuse it outright.
    let sp = t
        .deploy_body(
            |o| {
                deployable(o)
                    && o["provider"] == "spheron-ai"
                    && o["clusters"]
                        .as_array()
                        .unwrap()
                        .contains(&json!("us-west-2"))
            },
            Some("us-west-2"),
        )
        .await;
    let (_, d) = t.post("/api/deployments", sp).await;
    let sid = d["id"].as_str().unwrap();
    t.srv.handle().force_status(sid, "running");
    let (s, e) = t
        .post(
            "/api/volumes/vol_scratch03/attach",
            json!({ "deploymentId": sid }),
        )
        .await;
    assert_eq!(s, 400, "{e}");
}

#[tokio::test]
async fn the_deploy_limit_message_gives_the_deploy_limits_own_reset() {
    let t = T::new(DemoOptions {
        deploy_limit: 1,
        ..DemoOptions::for_tests()
    })
    .await;
    // The general window starts now, the deploy window five minutes later.
    t.client.providers().await.unwrap();
    t.advance(300);
    // The client's last general answer: its window resets in ten minutes.
    t.client.providers().await.unwrap();
    let b = t.deploy_body(deployable, None).await;
    let req = DeployRequest {
        provider: b["provider"].as_str().unwrap().into(),
        offer_id: b["offerId"].as_str().unwrap().into(),
        gpu_type: b["gpuType"].as_str().unwrap().into(),
        gpu_count: b["gpuCount"].as_u64().unwrap() as u32,
        region: b["region"].as_str().unwrap().into(),
        operating_system: b["operatingSystem"].as_str().unwrap().into(),
        instance_type: InstanceType::parse(b["instanceType"].as_str().unwrap()),
        ssh_key_id: Some(KEY_ID.into()),
        ssh_public_key: None,
        team_id: Some(TEAM.into()),
        name: None,
        cloud_init: None,
        kubernetes_addon: None,
        volume_ids: vec![],
    };
    t.client.create_deployment(&req).await.unwrap();
    let rate = t.client.rate_status();
    assert_eq!(rate.deploy_remaining, Some(0));
    let deploy_reset = rate.deploy_reset_in.unwrap().as_secs();
    let general_reset = rate.reset_in.unwrap().as_secs();
    assert!((899..=900).contains(&deploy_reset), "{deploy_reset}");
    assert!(general_reset <= 600, "{general_reset}");

    // The wizard's refusal names the deploy window's reset, not the general one.
    let mut s = support::fixtures::ready(vec![support::fixtures::vp_cluster()], 120.0);
    update(&mut s, Action::Rate(rate));
    let blocked = summary_blocked(&mut s);
    assert_eq!(
        blocked,
        format!(
            "Deploy limit reached: 0 of 1 deploys left in this 15-minute window (resets in {deploy_reset}s)."
        )
    );
}

#[tokio::test]
async fn the_providers_list_is_read_once_and_an_unlisted_provider_is_refused() {
    let t = T::new(DemoOptions::for_tests()).await;
    let listed = t.client.providers().await.unwrap();
    assert!(listed.contains(&"voltage-park".to_string()));
    // Listed: nothing in the way.
    let mut s = support::fixtures::ready(vec![support::fixtures::vp_cluster()], 120.0);
    update(&mut s, Action::ProvidersLoaded(Ok(listed.clone())));
    let blocked = summary_blocked(&mut s);
    assert_eq!(blocked, "", "listed: nothing blocks the deploy");
    // Not listed: refused before sending, with the reason.
    let without: Vec<String> = listed.into_iter().filter(|p| p != "voltage-park").collect();
    let mut s = support::fixtures::ready(vec![support::fixtures::vp_cluster()], 120.0);
    update(&mut s, Action::ProvidersLoaded(Ok(without)));
    let blocked = summary_blocked(&mut s);
    assert!(
        blocked.contains("voltage-park is not in the platform's providers list"),
        "{blocked}"
    );
    assert_eq!(
        support::fixtures::deploys(&support::fixtures::chr(&mut s, 'y')),
        0
    );
}

#[tokio::test]
async fn the_dashboard_reads_the_providers_once_per_run() {
    let mut h = support::harness::Harness::new().await;
    for _ in 0..30 {
        h.advance(120).await;
    }
    let asked = h
        .demo
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/providers"))
        .count();
    assert_eq!(asked, 1);
    assert!(h.state.providers.as_ref().is_some_and(|p| p.len() == 5));
}

#[tokio::test]
async fn a_volume_for_an_unlisted_provider_is_refused_before_sending() {
    use crossterm::event::KeyCode;
    use spheron_tui::app::Command;
    use support::accounts as ms;
    let t = T::new(DemoOptions::for_tests()).await;
    let listed = t.client.providers().await.unwrap();
    let create = |providers: Vec<String>| {
        let mut s = ms::loaded(false);
        update(&mut s, Action::ProvidersLoaded(Ok(providers)));
        s.pane = spheron_tui::app::Pane::Volumes;
        ms::chr(&mut s, 'a');
        for _ in 0..3 {
            ms::key(&mut s, KeyCode::Down); // spheron-ai
        }
        ms::key(&mut s, KeyCode::Enter);
        ms::event(
            &mut s,
            Action::VolumeRegions {
                provider: "spheron-ai".into(),
                result: Ok(vec![ms::region(
                    "spheron-ai",
                    "us-east-1",
                    1.0,
                    20_000.0,
                    None,
                )]),
            },
        );
        ms::key(&mut s, KeyCode::Enter);
        ms::type_text(&mut s, "data");
        ms::key(&mut s, KeyCode::Enter);
        ms::type_text(&mut s, "100");
        ms::key(&mut s, KeyCode::Enter);
        ms::key(&mut s, KeyCode::Enter); // attached to no instance: the summary
        ms::chr(&mut s, 'y'); // the confirm
        let sent: Vec<Command> = ms::manage_cmds(&ms::chr(&mut s, 'y'))
            .into_iter()
            .filter(|c| matches!(c, Command::CreateVolume(_)))
            .collect();
        (sent.len(), s.dialog.is_some().then(|| ms::dialog_text(&s)))
    };
    let (sent, _) = create(listed.clone());
    assert_eq!(sent, 1, "listed: the volume is created");
    let without: Vec<String> = listed.into_iter().filter(|p| p != "spheron-ai").collect();
    let (sent, dialog) = create(without);
    assert_eq!(sent, 0);
    let dialog = dialog.unwrap();
    assert!(
        dialog.contains("spheron-ai is not in the platform's providers list"),
        "{dialog}"
    );
}

/// Open the wizard on the first offer, walk to the summary, and return why it is blocked
/// (empty when it is not).
fn summary_blocked(s: &mut AppState) -> String {
    use spheron_tui::app::dialogs::Dialog;
    use spheron_tui::app::dialogs::deploy::Step;
    support::fixtures::chr(s, 'd');
    let v: Vec<spheron_tui::api::KubernetesVersion> = ["1.35"]
        .iter()
        .map(|v| spheron_tui::api::decode(json!({ "version": v })).unwrap())
        .collect();
    update(s, Action::KubernetesVersions(Ok(v)));
    let wizard = |s: &AppState| match &s.dialog {
        Some(Dialog::Deploy(w)) => w.clone(),
        other => panic!("expected the deploy wizard, got {other:?}"),
    };
    for _ in 0..20 {
        if wizard(s).step() == Step::Summary {
            break;
        }
        support::fixtures::enter(s);
    }
    assert_eq!(wizard(s).step(), Step::Summary);
    spheron_tui::app::dialogs::deploy::summary(s, &wizard(s))
        .blocked
        .unwrap_or_default()
}

#[tokio::test]
async fn a_provider_known_by_two_names_is_shown_and_sent_by_the_listed_one() {
    let mut h = support::harness::Harness::new().await;
    // the demo's objects still say `verda` here and there; its providers list says `data-crunch`
    assert!(
        h.state
            .providers
            .as_ref()
            .unwrap()
            .iter()
            .all(|p| p != "verda")
    );
    assert!(
        h.demo
            .requests()
            .iter()
            .any(|r| r.path.starts_with("/api/providers"))
    );
    h.press("3").await;
    let screen = h.screen();
    // every row of that provider under the one name, and no other name anywhere
    let rows: Vec<&str> = screen
        .lines()
        .filter(|l| l.contains("fin-cache") || l.contains("datasets"))
        .collect();
    assert_eq!(rows.len(), 2, "{screen}");
    assert!(rows.iter().all(|r| r.contains(" data-crunch ")), "{screen}");
    assert!(!screen.contains("verda"), "{screen}");
    assert!(
        h.state
            .volumes
            .items
            .iter()
            .any(|v| v.name == "fin-cache" && v.provider == "data-crunch")
    );
    // a deploy of an offer that says `verda` sends the listed name, and the demo takes it
    let offer = h
        .state
        .offers
        .all
        .iter()
        .find(|o| o.offer_id.contains("-verda-") && o.unavailable_reason().is_none())
        .expect("an offer the demo lists as verda's")
        .clone();
    assert_eq!(offer.provider, "data-crunch");
    let choices = spheron_tui::domain::deploy::DeployChoices {
        region: offer.regions()[0].to_string(),
        operating_system: offer.os_options[0].clone(),
        ssh: spheron_tui::domain::deploy::SshChoice::Saved {
            id: "sshk_5d2e8a41".into(),
        },
        team_id: Some("team_demo_01".into()),
        ..Default::default()
    };
    let req = spheron_tui::domain::deploy::build_request(&offer, &choices).unwrap();
    assert_eq!(req.provider, "data-crunch");
    h.exec.client.create_deployment(&req).await.unwrap();
}
