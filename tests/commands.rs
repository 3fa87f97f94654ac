//! The commands for scripts (`offers`, `deployments`, `volumes`, `keys`, `balance`) and the
//! concurrency of `snapshot` and of the commands' loads, through the built binary and through the
//! library, against the demo server over HTTP.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;
use crate::support::binary::against_fresh as run_at;

use std::net::SocketAddr;
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use clap::Parser;
use serde_json::Value;
use spheron_tui::api::teams::Teams;
use spheron_tui::api::{
    Client, DeployRequest, DeploymentsQuery, NewVolume, OffersQuery, PAGE_LIMIT, VolumesQuery,
};
use spheron_tui::commands::cli::{Cli, Command as Cmd, OffersArgs};
use spheron_tui::commands::lists as commands;
use spheron_tui::credentials::ApiKey;
use spheron_tui::demo::{self, DemoOptions, DemoServer, Fault, FaultRule};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

async fn server() -> DemoServer {
    demo::spawn(DemoOptions::for_tests()).await.unwrap()
}

fn client(s: &DemoServer) -> Client {
    Client::new(&s.url(), Some(ApiKey::new(s.key()))).unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok_json(o: &Output) -> Vec<Value> {
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(o));
    match serde_json::from_str(&stdout(o)).unwrap() {
        Value::Array(items) => items,
        other => panic!("not an array: {other}"),
    }
}

/// CSV lines (header first); the demo data has no quoted fields.
fn ok_csv(o: &Output) -> Vec<Vec<String>> {
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(o));
    stdout(o)
        .lines()
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

fn ids(items: &[Value], field: &str) -> Vec<String> {
    items
        .iter()
        .map(|i| i[field].as_str().unwrap().to_string())
        .collect()
}

fn offers_args(args: &[&str]) -> OffersArgs {
    let cli = Cli::try_parse_from(["spheron-tui", "offers"].iter().chain(args)).unwrap();
    match cli.command {
        Some(Cmd::Offers(a)) => a,
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Each command, each format, against the demo server

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deployments_in_every_format_and_status() {
    let s = server().await;
    let c = client(&s);
    // Every team's: the current team's list and the second team's, read by its id.
    let teams = Teams::read(&c).await.unwrap();
    let all = c.deployments_of_teams(&teams, None).await.unwrap().len();
    let active = c
        .deployments_of_teams(&teams, Some("active".into()))
        .await
        .unwrap();
    let own = c
        .deployments(&DeploymentsQuery::default())
        .await
        .unwrap()
        .len();
    assert!(all > own, "the demo's second team has deployments");
    assert!(all > active.len() && !active.is_empty(), "demo data");

    let json = ok_json(&run_at(&s.url(), &["deployments", "--json"]).await);
    assert_eq!(
        ids(&json, "id"),
        active.iter().map(|d| d.id.clone()).collect::<Vec<_>>()
    );
    for field in [
        "id",
        "name",
        "status",
        "gpuType",
        "pricePerHour",
        "sshCommand",
    ] {
        assert!(json[0].get(field).is_some(), "{field} in {}", json[0]);
    }
    assert!(json.iter().all(|d| d["pricePerHour"].is_number()));

    let json = ok_json(&run_at(&s.url(), &["deployments", "--status", "all", "--json"]).await);
    assert_eq!(json.len(), all);
    let json = ok_json(&run_at(&s.url(), &["deployments", "--status", "failed", "--json"]).await);
    assert!(!json.is_empty() && json.iter().all(|d| d["status"] == "failed"));

    let csv = ok_csv(&run_at(&s.url(), &["deployments", "--status", "all", "--csv"]).await);
    assert_eq!(csv[0][0], "id");
    assert!(csv[0].contains(&"pricePerHour".to_string()));
    assert_eq!(csv.len(), all + 1, "header + one line per deployment");

    let table = run_at(&s.url(), &["deployments"]).await;
    assert_eq!(table.status.code(), Some(0));
    let text = stdout(&table);
    assert!(text.starts_with("ID "), "{text}");
    assert_eq!(text.lines().count(), active.len() + 1);
    assert!(text.contains(&active[0].id), "{text}");
    assert!(text.contains('$'), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn volumes_keys_and_balance() {
    let s = server().await;
    let c = client(&s);
    let volumes = c
        .volumes_of_teams(&Teams::read(&c).await.unwrap())
        .await
        .unwrap();
    assert!(volumes.len() > c.volumes(&VolumesQuery::default()).await.unwrap().len());
    let json = ok_json(&run_at(&s.url(), &["volumes", "--json"]).await);
    assert_eq!(
        ids(&json, "id"),
        volumes.iter().map(|v| v.id.clone()).collect::<Vec<_>>()
    );
    assert!(json.iter().all(|v| v["attachedTo"].is_array()));
    let csv = ok_csv(&run_at(&s.url(), &["volumes", "--csv"]).await);
    assert_eq!(csv.len(), volumes.len() + 1);
    assert_eq!(csv[0][..2], ["id".to_string(), "name".to_string()]);

    let keys = c.ssh_keys().await.unwrap();
    let json = ok_json(&run_at(&s.url(), &["keys", "--json"]).await);
    assert_eq!(
        ids(&json, "id"),
        keys.iter().map(|k| k.id.clone()).collect::<Vec<_>>()
    );
    assert!(json[0]["fingerprint"].is_string());
    let csv = ok_csv(&run_at(&s.url(), &["keys", "--csv"]).await);
    assert_eq!(csv.len(), keys.len() + 1);

    let json = ok_json(&run_at(&s.url(), &["balance", "--json"]).await);
    let current: Vec<&Value> = json.iter().filter(|t| t["current"] == true).collect();
    assert_eq!(current.len(), 1, "{json:?}");
    assert_eq!(
        current[0]["balance"].as_f64(),
        s.handle().balance(current[0]["teamId"].as_str().unwrap())
    );
    let table = stdout(&run_at(&s.url(), &["balance"]).await);
    assert!(table.contains("BALANCE") && table.contains('$'), "{table}");
    // balance has no CSV
    assert_eq!(
        run_at(&s.url(), &["balance", "--csv"]).await.status.code(),
        Some(2)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offers_filter_type_and_sort_like_the_dashboard() {
    let s = server().await;
    let json = ok_json(&run_at(&s.url(), &["offers", "--json"]).await);
    let c = client(&s);
    let every: usize = commands::all_offer_pages(&c, &OffersQuery::default(), 100)
        .await
        .unwrap()
        .iter()
        .flat_map(|p| &p.groups)
        .map(|g| g.offers.len())
        .sum();
    assert_eq!(json.len(), every, "every offer of every page");
    let prices: Vec<f64> = json
        .iter()
        .map(|o| o["pricePerHour"].as_f64().unwrap())
        .collect();
    assert!(prices.windows(2).all(|w| w[0] <= w[1]), "cheapest first");
    assert!(json.iter().all(|o| o["offerId"].is_string()));

    let spot = ok_json(&run_at(&s.url(), &["offers", "--type", "spot", "--json"]).await);
    assert!(!spot.is_empty() && spot.len() < json.len());
    assert!(spot.iter().all(|o| o["instanceType"] == "SPOT"));

    let big = ok_json(
        &run_at(
            &s.url(),
            &[
                "offers",
                "--filter",
                "count>=8 price<40",
                "--sort",
                "gpus",
                "--reverse",
                "--json",
            ],
        )
        .await,
    );
    assert!(!big.is_empty());
    assert!(big.iter().all(
        |o| o["gpuCount"].as_u64().unwrap() >= 8 && o["pricePerHour"].as_f64().unwrap() < 40.0
    ));
    let counts: Vec<u64> = big
        .iter()
        .map(|o| o["gpuCount"].as_u64().unwrap())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");

    let csv = ok_csv(&run_at(&s.url(), &["offers", "--csv", "--filter", "gpu:h100"]).await);
    let col = csv[0].iter().position(|c| c == "gpuType").unwrap();
    assert!(csv.len() > 1);
    assert!(
        csv[1..]
            .iter()
            .all(|l| l[col].to_lowercase().contains("h100"))
    );

    // --search is sent to the API, and what it finds is listed
    let found = run_at(&s.url(), &["offers", "--search", "a100", "--json"]).await;
    let found = ok_json(&found);
    assert!(!found.is_empty());
    assert!(
        found.iter().all(|o| o["gpuType"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("a100")),
        "{found:?}"
    );
    assert!(
        s.handle()
            .requests()
            .iter()
            .any(|r| r.path.starts_with("/api/gpu-offers") && r.path.contains("search=a100")),
    );
}

/// `offers` reads every page the answer announces, whatever the page size.
#[tokio::test]
async fn offers_read_every_page() {
    let s = server().await;
    let c = client(&s);
    let args = offers_args(&["--json"]);
    let out = commands::offers(&c, &args, 3).await.unwrap();
    assert_eq!(out.incomplete, None);
    let items: Vec<Value> = serde_json::from_str(&out.text).unwrap();
    let pages: Vec<String> = s
        .handle()
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/gpu-offers"))
        .map(|r| r.path.clone())
        .collect();
    assert!(pages.len() >= 3, "several pages of 3 groups: {pages:?}");
    for n in 1..=pages.len() {
        assert!(
            pages.iter().any(|p| p.contains(&format!("page={n}&"))),
            "page {n} in {pages:?}"
        );
    }
    let whole = commands::offers(&c, &args, 100).await.unwrap();
    assert_eq!(whole.incomplete, None);
    let all: Vec<Value> = serde_json::from_str(&whole.text).unwrap();
    assert_eq!(
        items, all,
        "small pages give the same offers as one big page"
    );
}

/// `deployments` and `volumes` read past the first page of the API's lists.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deployments_and_volumes_read_every_page() {
    let s = demo::spawn(DemoOptions {
        general_limit: 100_000,
        deploy_limit: 100_000,
        ..DemoOptions::for_tests()
    })
    .await
    .unwrap();
    let c = client(&s);
    let extra = PAGE_LIMIT as usize + 5;
    let offer = commands::all_offer_pages(&c, &OffersQuery::default(), 100)
        .await
        .unwrap()
        .into_iter()
        .flat_map(|p| p.groups)
        .flat_map(|g| g.offers)
        .find(|o| o.unavailable_reason().is_none() && o.provider == "spheron-ai")
        .unwrap();
    let deploy = DeployRequest {
        provider: offer.provider.clone(),
        offer_id: offer.offer_id.clone(),
        gpu_type: offer.gpu_type.clone(),
        gpu_count: offer.gpu_count,
        region: offer.regions()[0].to_string(),
        operating_system: offer.os_options[0].clone(),
        instance_type: offer.instance_type.clone(),
        ssh_key_id: Some(c.ssh_keys().await.unwrap()[0].id.clone()),
        ssh_public_key: None,
        team_id: Some("team_demo_01".into()),
        name: None,
        cloud_init: None,
        kubernetes_addon: None,
        volume_ids: vec![],
    };
    for i in 0..extra {
        c.create_deployment(&deploy).await.unwrap();
        c.create_volume(&NewVolume {
            name: format!("bulk-{i}"),
            size_in_gb: 1,
            provider: "spheron-ai".into(),
            region: Some("us-east-1".into()),
            cloud_id: None,
            cloud_name: None,
            team_id: None,
            deployment_id: None,
        })
        .await
        .unwrap();
    }
    let all = |items: Vec<Value>| {
        let ids = ids(&items, "id");
        let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "no item twice");
        ids.len()
    };
    let deployments = all(ok_json(
        &run_at(&s.url(), &["deployments", "--status", "all", "--json"]).await,
    ));
    assert!(deployments > PAGE_LIMIT as usize, "{deployments}");
    let volumes = all(ok_json(&run_at(&s.url(), &["volumes", "--json"]).await));
    assert!(volumes > PAGE_LIMIT as usize, "{volumes}");
    let csv = ok_csv(&run_at(&s.url(), &["volumes", "--csv"]).await);
    assert_eq!(csv.len(), volumes + 1);
    let asked = s.handle().requests();
    for list in ["/api/deployments?", "/api/volumes?"] {
        assert!(
            asked
                .iter()
                .any(|r| r.path.starts_with(list) && r.path.contains("page=2")),
            "{list} page 2 was read"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Exit codes

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_2_before_any_request() {
    let s = server().await;
    for args in [
        &["offers", "--filter", "colour:red"][..],
        &["offers", "--filter", "price<cheap"],
        &["offers", "--type", "reserved"],
        &["offers", "--sort", "colour"],
        &["offers", "--json", "--csv"],
        &["deployments", "--status", "a b"],
        &["deployments", "--status", "weird"],
        &["volumes", "--yaml"],
        // the request log is the embedded demo server's
        &["--log-requests", "/tmp/never-written.log", "deployments"],
    ] {
        let out = run_at(&s.url(), args).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let err = stderr(&run_at(&s.url(), &["offers", "--filter", "colour:red"]).await);
    assert!(err.contains("colour:red"), "{err}");
    let err = stderr(&run_at(&s.url(), &["deployments", "--status", "weird"]).await);
    assert!(
        err.contains(
            "active, inactive, all, deploying, running, failed, terminated, terminated-provider"
        ),
        "the allowed statuses are named: {err}"
    );
    assert!(s.handle().requests().is_empty(), "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_and_network_failures_exit_1_with_the_reason() {
    let s = server().await;
    // A 500 answered twice: the GET's one retry fails too.
    s.handle().inject(FaultRule::new(
        Some("GET"),
        "/api/deployments",
        Fault::ServerError,
        2,
    ));
    let out = run_at(&s.url(), &["deployments", "--json"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(!stderr(&out).trim().is_empty());

    s.handle().inject(FaultRule::new(
        Some("GET"),
        "/api/volumes",
        Fault::HtmlError,
        1,
    ));
    let out = run_at(&s.url(), &["volumes"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("HTML"), "{}", stderr(&out));

    // Nothing listens there: a network failure.
    let dead = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    for cmd in ["offers", "deployments", "volumes", "keys", "balance"] {
        let out = run_at(&url, &[cmd]).await;
        assert_eq!(out.status.code(), Some(1), "{cmd}: {}", stderr(&out));
        assert!(
            stderr(&out).starts_with("error: "),
            "{cmd}: {}",
            stderr(&out)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Concurrency: a proxy in front of the demo server counts requests in flight at once

/// Requests in flight through the proxy now, and the most there ever were.
#[derive(Default)]
struct Gauge {
    now: AtomicUsize,
    peak: AtomicUsize,
}

/// A TCP proxy to `target` that counts a connection as "in flight" from the first byte of a
/// request to the first byte of its answer (HTTP/1.1: one request at a time per connection).
async fn counting_proxy(target: SocketAddr) -> (SocketAddr, Arc<Gauge>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let gauge = Arc::new(Gauge::default());
    let g = gauge.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let g = g.clone();
            tokio::spawn(async move {
                let Ok(upstream) = TcpStream::connect(target).await else {
                    return;
                };
                let busy = Arc::new(AtomicBool::new(false));
                let (mut cr, mut cw) = client.into_split();
                let (mut ur, mut uw) = upstream.into_split();
                let (g2, busy2) = (g.clone(), busy.clone());
                let up = async move {
                    let mut buf = [0u8; 16 * 1024];
                    while let Ok(n @ 1..) = cr.read(&mut buf).await {
                        if !busy.swap(true, Ordering::SeqCst) {
                            let now = g.now.fetch_add(1, Ordering::SeqCst) + 1;
                            g.peak.fetch_max(now, Ordering::SeqCst);
                        }
                        if uw.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                };
                let down = async move {
                    let mut buf = [0u8; 16 * 1024];
                    while let Ok(n @ 1..) = ur.read(&mut buf).await {
                        if busy2.swap(false, Ordering::SeqCst) {
                            g2.now.fetch_sub(1, Ordering::SeqCst);
                        }
                        if cw.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                };
                tokio::join!(up, down);
            });
        }
    });
    (addr, gauge)
}

/// `snapshot` of the offers from a fresh home through a gate of `waves`: it succeeded and no
/// wave starved.
async fn gated_snapshot(s: &DemoServer, waves: &[usize]) -> Arc<support::gate::GateLog> {
    let (proxy, gate) = support::gate::gate(s.addr(), waves).await;
    let out = run_at(
        &format!("http://{proxy}"),
        &["snapshot", "--pane", "offers"],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(gate.starved(), [], "{:?}", gate.requests.lock().unwrap());
    gate
}

/// Every start-up request of `snapshot` goes out at once, and the demo's second team (the one
/// round only a user of several teams needs) is read in one more: a gate holds each wave's
/// answers until the whole wave has arrived, so a request sent only after another's answer
/// would starve its wave.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_loads_in_one_round_and_a_second_for_the_other_team() {
    let s = server().await;
    let waves = [6, 4];
    let gate = gated_snapshot(&s, &waves).await;
    let mut first = gate.wave(&waves, 0);
    first.sort();
    assert_eq!(
        first,
        [
            "/api/balance",
            "/api/deployments",
            "/api/gpu-offers",
            "/api/providers",
            "/api/teams",
            "/api/volumes"
        ]
    );
    // the lists again, naming the second team the teams' answer brought
    let mut second = gate.wave(&waves, 1);
    second.sort();
    assert_eq!(
        second,
        [
            "/api/deployments",
            "/api/deployments",
            "/api/volumes",
            "/api/volumes"
        ]
    );
    let all = gate.requests.lock().unwrap().clone();
    assert_eq!(all.len(), 10, "{all:?}");
    assert_eq!(
        all.iter()
            .filter(|r| r.contains("teamId=team_grant_07"))
            .count(),
        2,
        "{all:?}"
    );
}

/// `deployments` and `volumes`: the teams, the balance and the current team's list at once,
/// then the second team's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_team_lists_load_with_the_teams_and_then_the_other_team() {
    let s = server().await;
    for cmd in ["deployments", "volumes"] {
        let waves = [3, 1];
        let (proxy, gate) = support::gate::gate(s.addr(), &waves).await;
        let out = run_at(&format!("http://{proxy}"), &[cmd, "--json"]).await;
        assert_eq!(out.status.code(), Some(0), "{cmd}: {}", stderr(&out));
        assert_eq!(
            gate.starved(),
            [],
            "{cmd}: {:?}",
            gate.requests.lock().unwrap()
        );
        let mut first = gate.wave(&waves, 0);
        first.sort();
        let mut want = [
            "/api/balance".to_string(),
            format!("/api/{cmd}"),
            "/api/teams".into(),
        ];
        want.sort();
        assert_eq!(first, want);
        let all = gate.requests.lock().unwrap().clone();
        assert_eq!(all.len(), 4, "{cmd}: {all:?}");
        assert!(all[3].contains("teamId=team_grant_07"), "{cmd}: {all:?}");
    }
}

/// The `volumes` table names what each volume is attached to and each provider as the
/// dashboard does: every team's deployments and the providers list are read in the same rounds
/// as the volumes (no round more than `--json` takes), and the table has the names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_volumes_table_reads_its_names_in_the_same_rounds() {
    let s = server().await;
    let waves = [5, 2];
    let (proxy, gate) = support::gate::gate(s.addr(), &waves).await;
    let out = run_at(&format!("http://{proxy}"), &["volumes"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(gate.starved(), [], "{:?}", gate.requests.lock().unwrap());
    let mut first = gate.wave(&waves, 0);
    first.sort();
    assert_eq!(
        first,
        [
            "/api/balance",
            "/api/deployments",
            "/api/providers",
            "/api/teams",
            "/api/volumes"
        ]
    );
    let all = gate.requests.lock().unwrap().clone();
    assert_eq!(all.len(), 7, "{all:?}");
    assert!(
        all[5..].iter().all(|r| r.contains("teamId=team_grant_07")),
        "{all:?}"
    );
    let table = stdout(&out);
    assert!(table.contains("eval-h100-sesterce (terminated)"), "{table}");
    assert!(!table.contains("dep_"), "{table}");
}

/// The teams a run read by `teamId` are kept in the local store: the next `snapshot` from the
/// same home asks for their lists with the teams, and needs one round.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_snapshot_asks_for_the_other_team_in_its_one_round() {
    let s = server().await;
    let home = tempfile::tempdir().unwrap();
    // the first run: two rounds (6, then 4); the second: one (8)
    let waves = [6, 4, 8];
    let (proxy, gate) = support::gate::gate(s.addr(), &waves).await;
    let url = format!("http://{proxy}");
    for run in 0..2 {
        let out =
            support::binary::against(&url, home.path(), &["snapshot", "--pane", "offers"]).await;
        assert_eq!(out.status.code(), Some(0), "run {run}: {}", stderr(&out));
    }
    assert_eq!(gate.starved(), [], "{:?}", gate.requests.lock().unwrap());
    let mut second_run = gate.wave(&waves, 2);
    second_run.sort();
    assert_eq!(
        second_run,
        [
            "/api/balance",
            "/api/deployments",
            "/api/deployments",
            "/api/gpu-offers",
            "/api/providers",
            "/api/teams",
            "/api/volumes",
            "/api/volumes"
        ]
    );
    let all = gate.requests.lock().unwrap().clone();
    assert_eq!(all.len(), 18, "{all:?}");
    assert_eq!(
        all[10..]
            .iter()
            .filter(|r| r.contains("teamId=team_grant_07"))
            .count(),
        2,
        "{all:?}"
    );
}

/// `deployments` and `volumes` from a home that read the teams before: one round. A remembered
/// team that is not one of the user's (here a team the user is not a member of: 403) is left
/// out, its refusal too, and the user's real other team is read in a second round.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_team_lists_ask_for_the_remembered_team_at_once_and_drop_a_wrong_one() {
    let s = server().await;
    for cmd in ["deployments", "volumes"] {
        let home = tempfile::tempdir().unwrap();
        let waves = [3, 1, 4];
        let (proxy, gate) = support::gate::gate(s.addr(), &waves).await;
        let url = format!("http://{proxy}");
        let mut printed = Vec::new();
        for run in 0..2 {
            let out = support::binary::against(&url, home.path(), &[cmd, "--json"]).await;
            assert_eq!(
                out.status.code(),
                Some(0),
                "{cmd} run {run}: {}",
                stderr(&out)
            );
            printed.push(stdout(&out));
        }
        assert_eq!(printed[0], printed[1], "{cmd}");
        assert_eq!(
            gate.starved(),
            [],
            "{cmd}: {:?}",
            gate.requests.lock().unwrap()
        );
        let all = gate.requests.lock().unwrap().clone();
        assert_eq!(all.len(), 8, "{cmd}: {all:?}");
        let mut second_run = gate.wave(&waves, 2);
        second_run.sort();
        let mut want = [
            "/api/balance".to_string(),
            format!("/api/{cmd}"),
            format!("/api/{cmd}"),
            "/api/teams".into(),
        ];
        want.sort();
        assert_eq!(second_run, want, "{cmd}");
        assert!(
            all[4..].iter().any(|r| r.contains("teamId=team_grant_07")),
            "{cmd}: {all:?}"
        );

        // the store says the other team is one the user is not in
        let store = home.path().join("data/spheron-tui/spheron-tui.sqlite3");
        // kept per account (the masked key and the host), whatever the port
        let key = spheron_tui::store::settings::teams_key(&client(&s).account_label());
        assert_eq!(
            spheron_tui::store::settings::peek(&store, &key).as_deref(),
            Some("team_grant_07")
        );
        let waves = [4, 1];
        let (proxy2, gate) = support::gate::gate(s.addr(), &waves).await;
        let url2 = format!("http://{proxy2}");
        let (st, _) = spheron_tui::store::Store::open(&store).unwrap();
        st.set_setting(&key, Some("team_acme_42"), chrono::Utc::now())
            .unwrap();
        drop(st);
        let out = support::binary::against(&url2, home.path(), &[cmd, "--json"]).await;
        assert_eq!(out.status.code(), Some(0), "{cmd}: {}", stderr(&out));
        assert_eq!(stdout(&out), printed[0], "{cmd}");
        assert_eq!(stderr(&out), "", "{cmd}");
        assert_eq!(
            gate.starved(),
            [],
            "{cmd}: {:?}",
            gate.requests.lock().unwrap()
        );
        let all = gate.requests.lock().unwrap().clone();
        assert_eq!(all.len(), 5, "{cmd}: {all:?}");
        assert!(
            all[..4].iter().any(|r| r.contains("teamId=team_acme_42")),
            "{all:?}"
        );
        assert!(all[4].contains("teamId=team_grant_07"), "{cmd}: {all:?}");
        // …and the right team is kept for next time
        assert_eq!(
            spheron_tui::store::settings::peek(&store, &key).as_deref(),
            Some("team_grant_07")
        );
    }
}

/// A user of one team (`demo-server --one-team`): `snapshot` is one round of six requests, the
/// first time too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_team_snapshot_is_one_round() {
    let s = demo::spawn(DemoOptions {
        one_team: true,
        ..DemoOptions::for_tests()
    })
    .await
    .unwrap();
    let waves = [6];
    let gate = gated_snapshot(&s, &waves).await;
    let all = gate.requests.lock().unwrap().clone();
    assert_eq!(all.len(), 6, "{all:?}");
    assert!(!all.iter().any(|r| r.contains("teamId=")), "{all:?}");
}

/// `--demo --log-requests FILE`: a line for every request the embedded server received, with
/// its status, appended run after run.
#[test]
fn the_demo_request_log_holds_every_request_with_its_status() {
    let home = tempfile::tempdir().unwrap();
    let log = home.path().join("requests.log");
    let log_arg = log.to_str().unwrap();
    let out = support::binary::run(
        home.path(),
        &["--demo", "--log-requests", log_arg, "deployments", "--json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let first = std::fs::read_to_string(&log).unwrap();
    let mut lines: Vec<(String, String, String)> = first
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            assert_eq!(f.len(), 5, "{l}");
            assert!(chrono::DateTime::parse_from_rfc3339(f[0]).is_ok(), "{l}");
            assert!(f[4].parse::<u64>().is_ok(), "{l}");
            (f[1].to_string(), f[2].to_string(), f[3].to_string())
        })
        .collect();
    lines.sort();
    let get = |p: &str| ("GET".to_string(), p.to_string(), "200".to_string());
    assert_eq!(
        lines,
        [
            get("/api/balance"),
            get("/api/deployments?page=1&limit=100&status=active"),
            get("/api/deployments?page=1&limit=100&status=active&teamId=team_grant_07"),
            get("/api/teams"),
        ]
    );
    // the next run's lines are appended
    let out = support::binary::run(
        home.path(),
        &["--demo", "--log-requests", log_arg, "deployments", "--json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let all = std::fs::read_to_string(&log).unwrap();
    assert!(all.starts_with(&first), "appended, not rewritten");
    assert_eq!(all.lines().count(), 8, "{all}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offer_pages_after_the_first_are_read_at_once() {
    let s = server().await;
    // page 1 alone, then the answers to pages 2.. held until as many as may go at once have
    // arrived: they are in flight together for certain, and no more can be sent meanwhile
    let waves = [1, commands::PAGES_AT_ONCE];
    let (gated, gate) = support::gate::gate(s.addr(), &waves).await;
    let (proxy, gauge) = counting_proxy(gated).await;
    let c = Client::new(&format!("http://{proxy}"), Some(ApiKey::new(s.key()))).unwrap();
    let pages = commands::all_offer_pages(&c, &OffersQuery::default(), 2)
        .await
        .unwrap();
    assert!(
        pages.len() > commands::PAGES_AT_ONCE,
        "{} pages",
        pages.len()
    );
    assert_eq!(gate.starved(), [], "{:?}", gate.requests.lock().unwrap());
    assert_eq!(
        gauge.peak.load(Ordering::SeqCst),
        commands::PAGES_AT_ONCE,
        "pages 2.. are read {} at a time",
        commands::PAGES_AT_ONCE
    );
    for (i, p) in pages.iter().enumerate() {
        assert_eq!(p.page, i as u64 + 1, "pages come back in order");
    }
}
