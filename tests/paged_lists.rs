//! Complete lists: deployments and volumes read to their last page (`page`/`limit`, following
//! `totalPages`; a bare array is one page), by the client and by the dashboard, against the
//! demo server and against a recording server in every shape; a page that fails; the check
//! after an unclear deploy searching every page and the team the deploy went to.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::Duration as ChronoDuration;
use serde_json::{Value, json};
use spheron_tui::api::{
    ApiError, Client, ClientOptions, DeploymentsQuery, KubernetesVersion, PAGE_LIMIT, VolumesQuery,
    decode,
};
use spheron_tui::app::dialogs::Dialog;
use spheron_tui::app::dialogs::deploy::Step;
use spheron_tui::app::{Action, AppState, Command, teams, update};
use spheron_tui::credentials::ApiKey;
use spheron_tui::demo::DemoOptions;
use spheron_tui::runtime::executor::Executor;
use support::fixtures::{chr, confirm_deploy, deploys, enter, err, ready, t0, vp_cluster};
use support::http::{Canned, Mock};

/// A demo server whose limits let a test create a few hundred things.
fn roomy() -> DemoOptions {
    DemoOptions {
        general_limit: 100_000,
        deploy_limit: 100_000,
        ..DemoOptions::for_tests()
    }
}

async fn fill(url: &str, key: &str, deployments: usize, volumes: usize) {
    let http = reqwest::Client::new();
    let (_, offers) = (
        (),
        http.get(format!("{url}/api/gpu-offers?limit=100&search=rtx"))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap(),
    );
    let body = support::fixtures::demo_deploy_body(&offers, "team_demo_01");
    for _ in 0..deployments {
        let r = http
            .post(format!("{url}/api/deployments"))
            .bearer_auth(key)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
    for i in 0..volumes {
        let r = http
            .post(format!("{url}/api/volumes"))
            .bearer_auth(key)
            .json(&json!({"name": format!("bulk-{i}"), "sizeInGb": 1,
                          "provider": "spheron-ai", "region": "us-east-1"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
}

fn client(url: &str, key: &str) -> Client {
    let mut o = ClientOptions::new(url, Some(ApiKey::new(key)));
    o.get_retry_delay = Duration::from_millis(10);
    Client::with_options(o).unwrap()
}

#[tokio::test]
async fn the_demo_pages_both_lists_and_the_client_reads_every_page() {
    let srv = spheron_tui::demo::spawn(roomy()).await.unwrap();
    fill(&srv.url(), srv.key(), 120, 120).await;
    let http = reqwest::Client::new();
    let get = |path: &str| {
        http.get(format!("{}{path}", srv.url()))
            .bearer_auth(srv.key())
            .send()
    };
    // The server's own paging: defaults 50 (deployments) and 20 (volumes), at most 100.
    let d: Value = get("/api/deployments").await.unwrap().json().await.unwrap();
    assert_eq!(
        (d["limit"].as_u64(), d["totalPages"].as_u64()),
        (Some(50), Some(3))
    );
    let d: Value = get("/api/deployments?limit=500&page=2")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(d["limit"], 100);
    assert_eq!(d["deployments"].as_array().unwrap().len(), 26);
    let v: Value = get("/api/volumes").await.unwrap().json().await.unwrap();
    assert_eq!(
        (v["limit"].as_u64(), v["totalPages"].as_u64()),
        (Some(20), Some(7))
    );

    let c = client(&srv.url(), srv.key());
    let all = c.deployments(&DeploymentsQuery::default()).await.unwrap();
    assert_eq!(all.pages, 2);
    assert_eq!(all.items.len(), 126);
    let ids: BTreeSet<&str> = all.items.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids.len(), 126);
    let vols = c.volumes(&VolumesQuery::default()).await.unwrap();
    assert_eq!((vols.pages, vols.items.len()), (2, 127));
    let asked: Vec<String> = srv
        .handle()
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/deployments?page"))
        .map(|r| r.path)
        .collect();
    assert_eq!(
        asked,
        [
            "/api/deployments?page=1&limit=100",
            "/api/deployments?page=2&limit=100"
        ]
    );
}

#[tokio::test]
async fn the_dashboard_shows_every_page_and_polls_less_often_for_it() {
    let mut h = support::harness::Harness::with(roomy(), true).await;
    // both teams are read at start: every poll then reads both
    h.advance(1).await;
    let before = h.state.deployments.items.len();
    fill(&h.server.url(), h.server.key(), 120, 120).await;
    // the next poll, whenever it is due (two requests a poll: every 40 s)
    for _ in 0..30 {
        if h.state.deployments.items.len() > before {
            break;
        }
        h.advance(5).await;
    }
    // Active filter: the seed's active ones and the 120 new (deploying) ones, both pages of the
    // current team and the one page of the second team.
    assert_eq!(h.state.deployments.items.len(), before + 120);
    assert_eq!(h.state.schedule.deployment_pages, 3);
    assert_eq!(
        spheron_tui::app::polling::poll_interval(&h.state),
        ChronoDuration::seconds(60)
    );
    h.press("3").await;
    h.advance(60).await;
    let all = h
        .exec
        .client
        .volumes(&VolumesQuery::default())
        .await
        .unwrap();
    assert!(all.len() > 120);
    // the current team's two pages, and the second team's one volume on a page of its own
    assert_eq!(h.state.volumes.items.len(), all.len() + 1);
    assert_eq!(h.state.schedule.volume_pages, 3);
}

/// A deployment listed by the mock; `new` was created just after the deploy was sent.
/// A deployment; `new` is the one the wizard's deploy creates (its name is the one sent).
fn dep(id: &str, offer: &str) -> Value {
    let (at, name) = if id == "new" {
        ("2026-11-28T12:00:01Z", "h100-sxm5-x8-voltage-park")
    } else {
        ("2026-11-28T11:00:00Z", id)
    };
    json!({"id": id, "name": name, "provider": "voltage-park", "offerId": offer,
           "status": "deploying", "hourlyRate": 1.0, "createdAt": at})
}

fn deps(range: std::ops::Range<usize>) -> Vec<Value> {
    range.map(|i| dep(&format!("d{i}"), "other")).collect()
}

#[tokio::test]
async fn every_shape_every_page_and_a_page_that_fails() {
    let m = Mock::start().await;
    let c = client(&m.url(), "sai_pk_test");
    // A bare array is one page.
    m.on_json("GET /api/deployments", 200, json!(deps(0..3)));
    let p = c.deployments(&DeploymentsQuery::default()).await.unwrap();
    assert_eq!((p.pages, p.items.len()), (1, 3));
    assert_eq!(m.count(), 1);
    assert_eq!(
        m.last().query.as_deref(),
        Some(format!("page=1&limit={PAGE_LIMIT}").as_str())
    );

    // `{data, totalPages}`: three pages; an item seen twice (the list moved) is kept once.
    let m = Mock::start().await;
    let c = client(&m.url(), "sai_pk_test");
    for (items, page) in [(deps(0..100), 1), (deps(99..199), 2), (deps(199..230), 3)] {
        m.on_json(
            "GET /api/deployments",
            200,
            json!({"data": items, "page": page, "totalPages": 3}),
        );
    }
    let p = c
        .deployments(&DeploymentsQuery {
            status: Some("active".into()),
            ..DeploymentsQuery::default()
        })
        .await
        .unwrap();
    assert_eq!((p.pages, p.items.len()), (3, 230));
    let queries: Vec<String> = m.requests().into_iter().filter_map(|r| r.query).collect();
    assert_eq!(
        queries,
        [1, 2, 3].map(|n| format!("page={n}&limit=100&status=active"))
    );

    // Volumes with `totalPages` as a string.
    let m = Mock::start().await;
    let c = client(&m.url(), "sai_pk_test");
    let vol = |id: &str| json!({"id": id, "name": id, "provider": "spheron-ai", "sizeInGb": 10});
    m.on_json(
        "GET /api/volumes",
        200,
        json!({"volumes": [vol("v1")], "totalPages": "2"}),
    );
    m.on_json(
        "GET /api/volumes",
        200,
        json!({"volumes": [vol("v2")], "totalPages": "2"}),
    );
    let p = c.volumes(&VolumesQuery::default()).await.unwrap();
    assert_eq!((p.pages, p.items.len()), (2, 2));

    // Without `totalPages`: `total` over `limit`.
    let m = Mock::start().await;
    let c = client(&m.url(), "sai_pk_test");
    m.on_json(
        "GET /api/deployments",
        200,
        json!({"data": deps(0..100), "total": 150, "limit": 100}),
    );
    m.on_json(
        "GET /api/deployments",
        200,
        json!({"data": deps(100..150), "total": 150, "limit": 100}),
    );
    let p = c.deployments(&DeploymentsQuery::default()).await.unwrap();
    assert_eq!((p.pages, p.items.len()), (2, 150));

    // A page that fails fails the read: a list cut short would hide what bills.
    let m = Mock::start().await;
    let c = client(&m.url(), "sai_pk_test");
    m.on_json(
        "GET /api/deployments",
        200,
        json!({"deployments": deps(0..100), "totalPages": 2}),
    );
    m.on(
        "GET /api/deployments",
        Canned::json(500, json!({"error": "boom", "code": "INTERNAL_ERROR"})),
    );
    let e = c
        .deployments(&DeploymentsQuery::default())
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Server { .. }), "{e:?}");
    // ... and the dashboard keeps what it had, with the error shown.
    let mut s = ready(vec![vp_cluster()], 120.0);
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![decode(dep("d0", "other")).unwrap()].into())),
    );
    let exec = Executor {
        client: c,
        credentials_path: None,
        home: None,
        journal: Default::default(),
        tunnels: Default::default(),
        instances: Default::default(),
    };
    for a in exec
        .perform(Command::FetchDeployments {
            status: None,
            teams: vec![],
        })
        .await
    {
        update(&mut s, a);
    }
    assert_eq!(s.deployments.items.len(), 1);
    assert!(s.deployments.error.is_some());
}

/// Walk the wizard to the summary and confirm: the one Deploy command.
fn deploy(s: &mut AppState) {
    chr(s, 'd');
    let v: Vec<KubernetesVersion> = vec![decode(json!({"version": "1.35"})).unwrap()];
    update(s, Action::KubernetesVersions(Ok(v)));
    for _ in 0..20 {
        match &s.dialog {
            Some(Dialog::Deploy(w)) if w.step() == Step::Summary => break,
            _ => {
                enter(s);
            }
        }
    }
    assert_eq!(deploys(&confirm_deploy(s)), 1);
}

/// Feed an unclear deploy answer and run what follows against `exec`; the commands sent.
async fn settle_unclear(s: &mut AppState, exec: &Executor) -> Vec<Command> {
    let mut queue = update(s, Action::Deployed(Err(err::server())));
    // The list was read at start: the check's read waits out the 10 s between status requests.
    queue.extend(update(s, Action::Tick(t0() + ChronoDuration::seconds(10))));
    let mut sent = Vec::new();
    while let Some(cmd) = queue.pop() {
        sent.push(cmd.clone());
        for a in exec.perform(cmd).await {
            queue.extend(update(s, a));
        }
    }
    sent
}

fn found_and_not_retried(s: &AppState) -> bool {
    s.status
        .flash
        .as_ref()
        .is_some_and(|f| f.text.contains("NOT retrying"))
        && s.deployments.items.iter().any(|d| d.id == "new")
        && s.dialog.is_none()
}

#[tokio::test]
async fn the_duplicate_check_searches_every_page() {
    let m = Mock::start().await;
    let c = client(&m.url(), "sai_pk_test");
    // The new instance is on page 2 of 2.
    m.on_json(
        "GET /api/deployments",
        200,
        json!({"deployments": deps(0..100), "totalPages": 2}),
    );
    let mut page2 = deps(100..120);
    page2.push(dep("new", "vp-h100-8"));
    m.on_json(
        "GET /api/deployments",
        200,
        json!({"deployments": page2, "totalPages": 2}),
    );
    let exec = Executor {
        client: c,
        credentials_path: None,
        home: None,
        journal: Default::default(),
        tunnels: Default::default(),
        instances: Default::default(),
    };
    let mut s = ready(vec![vp_cluster()], 120.0);
    deploy(&mut s);
    settle_unclear(&mut s, &exec).await;
    assert!(found_and_not_retried(&s), "{:?}", s.status.flash);
    // both pages of the current team, then the second team's list (the mock's last answer,
    // two pages again)
    assert_eq!(m.count(), 4);
}

#[tokio::test]
async fn the_duplicate_check_searches_the_team_the_deploy_went_to() {
    let m = Mock::start().await;
    let c = client(&m.url(), "sai_pk_test");
    // The current team's list does not have it; the other team's does.
    m.on_json("GET /api/deployments", 200, json!(deps(0..5)));
    m.on_json(
        "GET /api/deployments",
        200,
        json!([dep("new", "vp-h100-8")]),
    );
    let exec = Executor {
        client: c,
        credentials_path: None,
        home: None,
        journal: Default::default(),
        tunnels: Default::default(),
        instances: Default::default(),
    };
    let mut s = ready(vec![vp_cluster()], 120.0);
    // Deploys go to the second team ("t2"; "t1" is the platform's current one).
    s.account.chosen_team = Some("t2".into());
    deploy(&mut s);
    let sent = settle_unclear(&mut s, &exec).await;
    assert!(
        sent.iter()
            .any(|c| matches!(c, Command::FetchDeployments { teams, .. } if teams.iter().any(|t| t == "t2"))),
        "{sent:?}"
    );
    let queries: Vec<String> = m.requests().into_iter().filter_map(|r| r.query).collect();
    assert_eq!(queries, ["page=1&limit=100", "page=1&limit=100&teamId=t2"]);
    assert!(found_and_not_retried(&s), "{:?}", s.status.flash);
    // The poll reads every team the user belongs to, whichever one deploys go to.
    let cmds = update(&mut s, Action::Tick(t0() + ChronoDuration::seconds(120)));
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::FetchDeployments { teams, .. } if teams.iter().any(|t| t == "t2"))),
        "{cmds:?}"
    );
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![].into())));
    s.account.chosen_team = Some("t1".into());
    let cmds = update(&mut s, Action::Tick(t0() + ChronoDuration::seconds(240)));
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::FetchDeployments { teams, .. } if teams == &["t2"])),
        "{cmds:?}"
    );
}

#[tokio::test]
async fn every_team_is_listed_and_counted_without_being_picked() {
    let mut h = support::harness::Harness::new().await;
    h.press("2ff").await; // all statuses
    h.advance(20).await;
    // Nobody picked the second team: its deployment and volume are listed all the same.
    assert_eq!(h.state.account.chosen_team, None);
    let grant = |d: &&spheron_tui::api::Deployment| d.id == "dep_51a7c0de2f44";
    let d = h
        .state
        .deployments
        .items
        .iter()
        .find(grant)
        .expect("listed")
        .clone();
    assert_eq!(d.team_id.as_deref(), Some("team_grant_07"));
    h.press("3").await;
    h.advance(60).await;
    assert!(h.state.volumes.items.iter().any(|v| v.id == "vol_grant008"));
    // ... and counted: its own burn and runway, and in the total.
    let rate = d.hourly_rate.unwrap();
    let vol_rate = h
        .state
        .volumes
        .items
        .iter()
        .find(|v| v.id == "vol_grant008")
        .and_then(|v| v.cost_per_hour())
        .unwrap();
    let spend = teams::spend_by_team(&h.state);
    let grant_team = spend.iter().find(|t| t.team_id == "team_grant_07").unwrap();
    let burn = grant_team.burn.value().unwrap();
    assert!((burn - (rate + vol_rate)).abs() < 1e-9, "{spend:?}");
    let balance = h.state.team_balance("team_grant_07").unwrap();
    assert_eq!(
        grant_team.runway,
        spheron_tui::domain::spend::Runway::Hours(balance / burn)
    );
    let total = spheron_tui::app::spend::account_burn(&h.state)
        .value()
        .unwrap();
    let sum: f64 = spend.iter().filter_map(|t| t.burn.value()).sum();
    assert!((total - sum).abs() < 1e-9, "{spend:?}");
    assert!(
        h.demo
            .requests()
            .iter()
            .any(|r| r.path.contains("teamId=team_grant_07"))
    );
    // The panes name the team of each row (wide enough), and Account the team's burn.
    let wide = |s: &AppState| {
        spheron_tui::runtime::snapshot::render(
            s,
            160,
            48,
            spheron_tui::runtime::SnapshotFormat::Text,
            &spheron_tui::ui::Theme::default(),
        )
        .unwrap()
    };
    let grant_name = h.state.team_name("team_grant_07").unwrap().to_string();
    for pane in ["2", "3"] {
        h.press(pane).await;
        let screen = wide(&h.state);
        let header = screen.lines().find(|l| l.starts_with("│Name")).unwrap();
        assert!(header.contains(" Team "), "{screen}");
        assert!(screen.contains(&grant_name), "{screen}");
    }
    h.press("5").await;
    let screen = wide(&h.state);
    let usd = spheron_tui::domain::cost::usd;
    assert!(screen.contains(&usd(burn)), "{screen}");
}
