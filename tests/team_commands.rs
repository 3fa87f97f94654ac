//! The commands for scripts and the guard across teams, against the demo server: `deployments`,
//! `volumes` and `balance` show the second team's items (every page of each team) with their
//! team, and `guard add` / `guard run` find and read a deployment of another team.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Parser;
use serde_json::{Value, json};
use spheron_tui::api::{Client, ClientOptions};
use spheron_tui::commands::cli::{Cli, Command};
use spheron_tui::commands::context::Ctx;
use spheron_tui::commands::guard;
use spheron_tui::commands::lists as commands;
use spheron_tui::credentials::ApiKey;
use spheron_tui::demo::{self, DemoOptions, DemoServer};
use spheron_tui::runtime::usage::Instances;
use spheron_tui::runtime::worker::Runner;
use spheron_tui::store::{Store, StoreHandle};

const GRANT: &str = "team_grant_07";
const GRANT_DEPLOYMENT: &str = "dep_51a7c0de2f44";
const GRANT_VOLUME: &str = "vol_grant008";

fn client(s: &DemoServer) -> Client {
    let mut o = ClientOptions::new(s.url(), Some(ApiKey::new(s.key())));
    o.get_retry_delay = Duration::from_millis(10);
    Client::with_options(o).unwrap()
}

async fn run(c: &Client, args: &[&str]) -> String {
    let mut argv = vec!["spheron-tui"];
    argv.extend(args);
    let cmd = Cli::try_parse_from(argv).unwrap().command.unwrap();
    let printed = commands::run(c, &cmd, &[]).await.unwrap();
    assert_eq!(printed.incomplete, None, "{args:?}");
    printed.text
}

fn json_items(s: &str) -> Vec<Value> {
    serde_json::from_str::<Value>(s)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn by_id<'a>(items: &'a [Value], id: &str) -> &'a Value {
    items
        .iter()
        .find(|x| x["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in {items:?}"))
}

#[tokio::test]
async fn deployments_list_every_team_with_its_team() {
    let srv = demo::spawn(DemoOptions::for_tests()).await.unwrap();
    let c = client(&srv);
    let items = json_items(&run(&c, &["deployments", "--status", "all", "--json"]).await);
    let grant = by_id(&items, GRANT_DEPLOYMENT);
    assert_eq!(grant["team"], "Grant Research");
    assert_eq!(grant["teamId"], GRANT);
    let own: Vec<&Value> = items.iter().filter(|x| x["teamId"] != GRANT).collect();
    assert!(!own.is_empty(), "{items:?}");
    assert!(own.iter().all(|x| x["team"] == "Demo Lab"), "{own:?}");
    // The table names the team of each row when the items span two teams.
    let table = run(&c, &["deployments", "--status", "all"]).await;
    let header = table.lines().next().unwrap();
    assert!(header.contains("TEAM"), "{table}");
    let row = table
        .lines()
        .find(|l| l.contains(GRANT_DEPLOYMENT))
        .unwrap();
    assert!(row.contains("Grant Research"), "{table}");
    // The other team was read by its id.
    assert!(
        srv.handle()
            .requests()
            .iter()
            .any(|r| r.path.starts_with("/api/deployments")
                && r.path.contains("teamId=team_grant_07")),
    );
}

#[tokio::test]
async fn one_teams_items_have_no_team_column_in_the_table() {
    let srv = demo::spawn(DemoOptions::for_tests()).await.unwrap();
    let c = client(&srv);
    // Only the second team's deployment is active once the current team's have ended.
    let items = json_items(&run(&c, &["deployments", "--status", "all", "--json"]).await);
    for d in items.iter().filter(|x| x["teamId"] != GRANT) {
        srv.handle()
            .force_status(d["id"].as_str().unwrap(), "terminated");
    }
    let table = run(&c, &["deployments"]).await;
    assert!(table.contains(GRANT_DEPLOYMENT), "{table}");
    assert!(!table.lines().next().unwrap().contains("TEAM"), "{table}");
    let items = json_items(&run(&c, &["deployments", "--json"]).await);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["team"], "Grant Research");
}

#[tokio::test]
async fn volumes_list_every_team_with_its_team_in_csv() {
    let srv = demo::spawn(DemoOptions::for_tests()).await.unwrap();
    let c = client(&srv);
    let csv = run(&c, &["volumes", "--csv"]).await;
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let team = header
        .iter()
        .position(|h| *h == "team")
        .expect("a team field");
    let row: Vec<&str> = lines
        .find(|l| l.starts_with(GRANT_VOLUME))
        .unwrap_or_else(|| panic!("{csv}"))
        .split(',')
        .collect();
    assert_eq!(row[team], "Grant Research");
    let table = run(&c, &["volumes"]).await;
    assert!(table.lines().next().unwrap().contains("TEAM"), "{table}");
}

/// `n` deployments and `n` volumes in the second team.
async fn fill_grant(srv: &DemoServer, n: usize) {
    let http = reqwest::Client::new();
    let url = srv.url();
    let offers: Value = http
        .get(format!("{url}/api/gpu-offers?limit=100&search=rtx"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let body = support::fixtures::demo_deploy_body(&offers, GRANT);
    for _ in 0..n {
        let r = http
            .post(format!("{url}/api/deployments"))
            .bearer_auth(srv.key())
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{:?}", r.text().await);
    }
    for i in 0..n {
        let r = http
            .post(format!("{url}/api/volumes"))
            .bearer_auth(srv.key())
            .json(
                &json!({"name": format!("bulk-{i}"), "sizeInGb": 1, "teamId": GRANT,
                          "provider": "spheron-ai", "region": "us-east-1"}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{:?}", r.text().await);
    }
}

#[tokio::test]
async fn every_page_of_the_second_team_is_read() {
    let srv = demo::spawn(DemoOptions {
        general_limit: 100_000,
        deploy_limit: 100_000,
        ..DemoOptions::for_tests()
    })
    .await
    .unwrap();
    srv.handle().set_balance(GRANT, 1_000_000.0);
    fill_grant(&srv, 120).await;
    let c = client(&srv);
    let deps = json_items(&run(&c, &["deployments", "--status", "all", "--json"]).await);
    let grant = deps.iter().filter(|x| x["teamId"] == GRANT).count();
    assert_eq!(grant, 121, "the seeded one and 120 more");
    let vols = json_items(&run(&c, &["volumes", "--json"]).await);
    assert_eq!(vols.iter().filter(|x| x["teamId"] == GRANT).count(), 121);
    let pages = srv
        .handle()
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/deployments") && r.path.contains("teamId="))
        .count();
    assert!(pages >= 2, "the second team's deployments span pages");
}

#[tokio::test]
async fn balance_shows_each_team_and_the_total() {
    let srv = demo::spawn(DemoOptions::for_tests()).await.unwrap();
    srv.handle().set_balance("team_demo_01", 250.0);
    srv.handle().set_balance(GRANT, 1240.0);
    let c = client(&srv);
    let items = json_items(&run(&c, &["balance", "--json"]).await);
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items.iter().any(|t| t["teamId"] == GRANT));
    let table = run(&c, &["balance"]).await;
    assert!(table.contains("Grant Research"), "{table}");
    assert!(table.contains("Demo Lab"), "{table}");
    let last = table.lines().last().unwrap();
    assert!(last.starts_with("TOTAL (2 teams): $1,490.00"), "{table}");
}

fn guard_ctx(srv: &DemoServer, dir: &std::path::Path, lines: Arc<Mutex<Vec<String>>>) -> Ctx {
    let h = srv.handle();
    ctx_with(client(srv), Arc::new(move || h.now()), dir, lines)
}

fn ctx_with(
    client: Client,
    clock: spheron_tui::commands::context::Clock,
    dir: &std::path::Path,
    lines: Arc<Mutex<Vec<String>>>,
) -> Ctx {
    let (store, _) = Store::open(&dir.join("store.sqlite3")).unwrap();
    Ctx {
        client,
        store: StoreHandle::spawn(store),
        clock,
        local_offset: chrono::FixedOffset::east_opt(0).unwrap(),
        poll_interval: Duration::from_secs(20),
        read_only: false,
        sink: Arc::new(move |_, line| lines.lock().unwrap().push(line.to_string())),
    }
}

fn guard_cmd(args: &[&str]) -> guard::args::GuardCommand {
    let mut argv = vec!["spheron-tui", "guard"];
    argv.extend(args);
    match Cli::try_parse_from(argv).unwrap().command {
        Some(Command::Guard(g)) => g,
        other => panic!("not a guard command: {other:?}"),
    }
}

#[tokio::test]
async fn guard_add_accepts_and_guard_run_reads_another_teams_deployment() {
    let srv = demo::spawn(DemoOptions::for_tests()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let lines: Arc<Mutex<Vec<String>>> = Arc::default();
    let ctx = guard_ctx(&srv, dir.path(), lines.clone());
    let code = guard::guard(
        &ctx,
        &guard_cmd(&["add", GRANT_DEPLOYMENT, "--after", "30m"]),
        &Instances::Ssh,
    )
    .await;
    assert_eq!(code, 0, "{:?}", lines.lock().unwrap());
    assert!(
        lines.lock().unwrap()[0].contains("guard set on grant-eval-a100"),
        "{:?}",
        lines.lock().unwrap()
    );
    let before = srv.handle().requests().len();
    let mut run = Runner::new(ctx.clone(), false, "guard run");
    run.step().await;
    let sent: Vec<String> = srv.handle().requests()[before..]
        .iter()
        .map(|r| r.path.clone())
        .collect();
    // The poll reads the other team's list by its id, not the deployment by itself.
    assert!(
        sent.iter().any(|p| p.contains("teamId=team_grant_07")),
        "{sent:?}"
    );
    assert!(
        !sent
            .iter()
            .any(|p| p.starts_with(&format!("/api/deployments/{GRANT_DEPLOYMENT}"))),
        "{sent:?}"
    );
    srv.handle().advance(Duration::from_secs(31 * 60));
    run.step().await;
    assert!(
        srv.handle()
            .requests()
            .iter()
            .any(|r| r.method == "DELETE"
                && r.path == format!("/api/deployments/{GRANT_DEPLOYMENT}")),
        "{:?}",
        lines.lock().unwrap()
    );
}

#[tokio::test]
async fn guard_add_finds_another_teams_deployment_in_its_list_when_the_read_by_id_does_not() {
    use support::http::Mock;
    let m = Mock::start().await;
    m.on_json(
        "GET /api/teams",
        200,
        json!([{"id": "t1", "name": "Mine", "isDefault": true}, {"id": "t2", "name": "Theirs"}]),
    );
    m.on_json(
        "GET /api/balance",
        200,
        json!({"teams": [
            {"teamId": "t1", "teamName": "Mine", "balance": 10, "isCurrentTeam": true},
            {"teamId": "t2", "teamName": "Theirs", "balance": 10, "isCurrentTeam": false}
        ], "currency": "USD"}),
    );
    // The read without teamId (the current team's), then the one with `teamId=t2`.
    m.on_json("GET /api/deployments", 200, json!([]));
    m.on_json(
        "GET /api/deployments",
        200,
        json!([{"id": "dep_t2", "name": "theirs-box", "status": "running", "hourlyRate": 1.5,
                "startedAt": "2026-11-28T10:00:00Z"}]),
    );
    let mut o = ClientOptions::new(m.url(), Some(ApiKey::new("sk_test_key_0123456789")));
    o.get_retry_delay = Duration::from_millis(10);
    let c = Client::with_options(o).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let lines: Arc<Mutex<Vec<String>>> = Arc::default();
    let now = chrono::Utc::now();
    let ctx = ctx_with(c, Arc::new(move || now), dir.path(), lines.clone());
    let code = guard::guard(
        &ctx,
        &guard_cmd(&["add", "dep_t2", "--after", "1h"]),
        &Instances::Ssh,
    )
    .await;
    assert_eq!(code, 0, "{:?}", lines.lock().unwrap());
    assert!(
        lines.lock().unwrap()[0].contains("guard set on theirs-box"),
        "{:?}",
        lines.lock().unwrap()
    );
    assert!(
        m.requests()
            .iter()
            .any(|r| r.query.as_deref().is_some_and(|q| q.contains("teamId=t2"))),
    );
}

#[tokio::test]
async fn a_team_whose_read_fails_fails_the_command_instead_of_a_partial_list() {
    use spheron_tui::demo::{Fault, FaultRule};
    let srv = demo::spawn(DemoOptions::for_tests()).await.unwrap();
    srv.handle().inject(FaultRule::new(
        Some("GET"),
        "/api/volumes?teamId=team_grant_07",
        Fault::ServerError,
        10,
    ));
    let c = client(&srv);
    let cmd = Cli::try_parse_from(["spheron-tui", "volumes", "--json"])
        .unwrap()
        .command
        .unwrap();
    let failed = commands::run(&c, &cmd, &[]).await.unwrap_err();
    assert_eq!(failed.exit_code(), spheron_tui::exit::FAILURE);
}

/// A teams answer with an item that cannot be read: that team's lists were not read, so the
/// deployments printed are marked incomplete (the command exits 1), never taken as all.
#[tokio::test]
async fn a_team_that_cannot_be_read_makes_the_list_incomplete() {
    let m = support::http::Mock::start().await;
    m.on_json(
        "GET /api/teams",
        200,
        json!([{"id": "t1", "name": "Lab", "isDefault": true}, 42]),
    );
    m.on_json(
        "GET /api/balance",
        200,
        json!({"teams": [{"teamId": "t1", "teamName": "Lab", "balance": 10, "isCurrentTeam": true}], "currency": "USD"}),
    );
    m.on_json("GET /api/deployments", 200, json!([]));
    let mut o = ClientOptions::new(m.url(), Some(ApiKey::new("sai_pk_test")));
    o.get_retry_delay = Duration::from_millis(10);
    let c = Client::with_options(o).unwrap();
    let cmd = Cli::try_parse_from(["spheron-tui", "deployments", "--json"])
        .unwrap()
        .command
        .unwrap();
    let printed = commands::run(&c, &cmd, &[]).await.unwrap();
    assert_eq!(
        printed.incomplete.as_deref(),
        Some("not every team is known (1 item could not be read)")
    );
    assert_eq!(json_items(&printed.text), Vec::<Value>::new());
}
