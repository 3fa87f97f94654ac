//! The commands that act (`deploy`, `wait`, `ssh`, `terminate`, `rename`, `volume`, `key`)
//! through the built binary against the demo server over HTTP: what they send (the server's
//! request log), their exit codes, and that they decide as the dashboard does.

mod support;

use std::path::Path;
use std::process::Output;

use serde_json::Value;
use spheron_tui::api::{Client, OffersQuery};
use spheron_tui::app::dialogs::deploy::{self as wizard, SshSel};
use spheron_tui::credentials::ApiKey;
use spheron_tui::demo::{self, DemoOptions, DemoServer, RequestRecord, parse_fault_spec};
use support::harness::Harness;

/// The binary with `args` against `url`, with HOME `home` (its store and config), no terminal.
async fn run(url: &str, home: &Path, args: &[&str]) -> Output {
    run_env(url, home, args, &[]).await
}

async fn run_env(url: &str, home: &Path, args: &[&str], env: &[(&str, String)]) -> Output {
    let url = url.to_string();
    let home = home.to_path_buf();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    tokio::task::spawn_blocking(move || {
        let mut c = support::binary::bin(&home);
        c.env("SPHERON_API_KEY", demo::DEMO_API_KEY)
            .arg("--api-url")
            .arg(&url)
            .args(&args)
            .stdin(std::process::Stdio::null());
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().unwrap()
    })
    .await
    .unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn writes(reqs: &[RequestRecord]) -> Vec<String> {
    reqs.iter()
        .filter(|r| r.method != "GET")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

async fn server() -> DemoServer {
    demo::spawn(DemoOptions::for_tests()).await.unwrap()
}

/// The demo's saved key and an active deployment's name.
async fn seed(srv: &DemoServer, home: &Path) -> (String, Value) {
    let keys: Value =
        serde_json::from_str(&out(&run(&srv.url(), home, &["keys", "--json"]).await)).unwrap();
    let key = keys[0]["name"].as_str().unwrap().to_string();
    let deps: Value =
        serde_json::from_str(&out(
            &run(&srv.url(), home, &["deployments", "--json"]).await
        ))
        .unwrap();
    (key, deps)
}

const H100: &str = "gpu:h100";

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_prints_the_summary_and_the_body_and_sends_nothing() {
    let srv = server().await;
    let home = tempfile::tempdir().unwrap();
    let (key, _) = seed(&srv, home.path()).await;
    let count = srv.handle().deployment_count();
    let before = srv.handle().requests().len();
    let o = run(
        &srv.url(),
        home.path(),
        &[
            "deploy",
            "--cheapest",
            H100,
            "--ssh-key",
            &key,
            "--name",
            "dry",
            "--dry-run",
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let text = out(&o);
    for want in [
        "Total",
        "/h  ·  24 h $",
        "Minimum",
        "at least",
        "now →",
        "runway",
        "\"offerId\"",
        "dry run: nothing sent",
    ] {
        assert!(text.contains(want), "{want:?} missing:\n{text}");
    }
    assert!(writes(&srv.handle().requests()[before..]).is_empty());
    assert_eq!(srv.handle().deployment_count(), count);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_yes_and_without_a_terminal_nothing_is_sent_and_read_only_refuses() {
    let srv = server().await;
    let home = tempfile::tempdir().unwrap();
    let (key, deps) = seed(&srv, home.path()).await;
    let c = Client::new(&srv.url(), Some(ApiKey::new(srv.key()))).unwrap();
    let mut running = String::new();
    for d in deps
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["status"] == "running")
    {
        let id = d["id"].as_str().unwrap();
        if c.can_terminate(id).await.unwrap().can_terminate {
            running = id.to_string();
            break;
        }
    }
    assert!(
        !running.is_empty(),
        "a running deployment past its minimum runtime"
    );
    let before = srv.handle().requests().len();
    let deploy = [
        "deploy",
        "--cheapest",
        H100,
        "--ssh-key",
        &key,
        "--name",
        "noyes",
    ];
    let o = run(&srv.url(), home.path(), &deploy).await;
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("--yes"), "{}", err(&o));
    let o = run(&srv.url(), home.path(), &["terminate", &running]).await;
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    let o = run(&srv.url(), home.path(), &["key", "rm", &key]).await;
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    // --read-only: refused, even with --yes
    let mut ro = vec!["--read-only"];
    ro.extend(deploy);
    ro.push("--yes");
    let o = run(&srv.url(), home.path(), &ro).await;
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(err(&o).contains("Read-only mode"), "{}", err(&o));
    let o = run(
        &srv.url(),
        home.path(),
        &["--read-only", "terminate", &running, "--yes"],
    )
    .await;
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let o = run(
        &srv.url(),
        home.path(),
        &["--read-only", "rename", &running, "x"],
    )
    .await;
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(writes(&srv.handle().requests()[before..]).is_empty());
    let o = run(&srv.url(), home.path(), &["journal", "--json"]).await;
    assert_eq!(out(&o).trim(), "[]", "nothing was sent, nothing journaled");
}

/// The wizard on the same offer with the same choices, set as its keys would set them.
async fn wizard_body(h: &mut Harness, offer_id: &str, key_id: &str, name: &str) -> Value {
    let i = h
        .state
        .offers
        .all
        .iter()
        .position(|o| o.offer_id == offer_id)
        .expect("the offer is on the first page");
    let offer = h.state.offers.all[i].clone();
    let team = h.state.current_team_id().map(str::to_owned);
    let mut w = wizard::DeployWizard::new(offer, team);
    w.ssh = Some(SshSel::Saved(key_id.to_string()));
    w.name = tui_input::Input::new(name.to_string());
    let s = wizard::summary(&h.state, &w);
    assert_eq!(s.blocked, None);
    serde_json::to_value(s.request.unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn one_post_with_the_wizards_body_then_a_duplicate_name_is_refused() {
    let mut h = Harness::new().await;
    let url = h.server.url();
    let home = tempfile::tempdir().unwrap();
    let c = Client::new(&url, Some(ApiKey::new(h.server.key()))).unwrap();
    let key = c.ssh_keys().await.unwrap()[0].clone();
    let offer_id = h
        .state
        .offers
        .all
        .iter()
        .find(|o| o.unavailable_reason().is_none())
        .unwrap()
        .offer_id
        .clone();
    let args = [
        "deploy",
        "--offer",
        &offer_id,
        "--ssh-key",
        &key.name,
        "--name",
        "same-body",
    ];
    let mut dry = args.to_vec();
    dry.extend(["--dry-run", "--json"]);
    let o = run(&url, home.path(), &dry).await;
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let cli: Value = serde_json::from_str(&out(&o)).unwrap();
    let body = wizard_body(&mut h, &offer_id, &key.id, "same-body").await;
    assert_eq!(cli["request"], body);
    let before = h.demo.requests().len();
    let mut go = args.to_vec();
    go.extend(["--yes", "--json"]);
    let o = run(&url, home.path(), &go).await;
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let made: Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(made["deployment"]["name"], "same-body");
    assert_eq!(made["deployment"]["offerId"], offer_id.as_str());
    assert_eq!(
        writes(&h.demo.requests()[before..]),
        ["POST /api/deployments"]
    );
    // a re-run of the same script does not rent twice
    let before = h.demo.requests().len();
    let o = run(&url, home.path(), &go).await;
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(err(&o).contains("--allow-duplicate-name"), "{}", err(&o));
    assert!(writes(&h.demo.requests()[before..]).is_empty());
    let o = run(&url, home.path(), &["journal", "--json"]).await;
    let j: Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(j.as_array().unwrap().len(), 1, "{j}");
    assert_eq!(j[0]["source"], "cli");
}

#[tokio::test(flavor = "multi_thread")]
async fn cheapest_picks_the_cheapest_available_matching_offer() {
    let srv = server().await;
    let home = tempfile::tempdir().unwrap();
    let (key, _) = seed(&srv, home.path()).await;
    // Independently: every page, H100 by model, deployable, lowest price (ties: offer id).
    let c = Client::new(&srv.url(), Some(ApiKey::new(srv.key()))).unwrap();
    let mut all = Vec::new();
    for page in 1.. {
        let p = c
            .gpu_offers(&OffersQuery {
                page: Some(page),
                limit: Some(50),
                ..OffersQuery::default()
            })
            .await
            .unwrap();
        all.extend(p.groups.into_iter().flat_map(|g| g.offers));
        if u64::from(page) >= p.total_pages {
            break;
        }
    }
    let best = all
        .iter()
        .filter(|o| {
            let hay = format!("{} {}", o.gpu_type, o.gpu_display).to_lowercase();
            hay.contains("h100") && o.unavailable_reason().is_none() && o.hourly_rate().is_some()
        })
        .min_by(|a, b| {
            a.hourly_rate()
                .partial_cmp(&b.hourly_rate())
                .unwrap()
                .then(a.offer_id.cmp(&b.offer_id))
        })
        .unwrap();
    let o = run(
        &srv.url(),
        home.path(),
        &[
            "deploy",
            "--cheapest",
            H100,
            "--ssh-key",
            &key,
            "--name",
            "c",
            "--dry-run",
            "--json",
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v: Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["request"]["offerId"], best.offer_id.as_str());
    assert!(err(&o).contains("cheapest available offer"), "{}", err(&o));
    // a filter nothing matches: exit 1, nothing sent
    let o = run(
        &srv.url(),
        home.path(),
        &[
            "deploy",
            "--cheapest",
            "gpu:nosuchgpu",
            "--ssh-key",
            &key,
            "--name",
            "c",
            "--yes",
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let o = run(
        &srv.url(),
        home.path(),
        &[
            "deploy",
            "--cheapest",
            "price<<3",
            "--ssh-key",
            &key,
            "--name",
            "c",
            "--yes",
        ],
    )
    .await;
    assert_eq!(
        o.status.code(),
        Some(2),
        "a bad filter is a usage error: {}",
        err(&o)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_500_on_post_is_never_retried_and_is_settled_by_name() {
    let srv = server().await;
    let home = tempfile::tempdir().unwrap();
    let (key, _) = seed(&srv, home.path()).await;
    let posts = |srv: &DemoServer| {
        srv.handle()
            .requests()
            .iter()
            .filter(|r| r.method == "POST" && r.path == "/api/deployments")
            .count()
    };
    let deploy = |name: &'static str| {
        vec![
            "deploy",
            "--cheapest",
            H100,
            "--ssh-key",
            &key,
            "--name",
            name,
            "--yes",
        ]
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<String>>()
    };
    let argv = |v: &Vec<String>| {
        v.iter()
            .map(String::as_str)
            .collect::<Vec<&str>>()
            .join("\u{1}")
    };
    let go = |v: Vec<String>| {
        let url = srv.url();
        let home = home.path().to_path_buf();
        async move {
            let a = argv(&v);
            let args: Vec<&str> = a.split('\u{1}').collect();
            run(&url, &home, &args).await
        }
    };
    // created, but the answer was a 500: found by name, exit 0
    srv.handle()
        .inject(parse_fault_spec("POST /api/deployments=created500").unwrap());
    let o = go(deploy("lost-answer")).await;
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(
        err(&o).contains("NOT sending it again") && err(&o).contains("It was created"),
        "{}",
        err(&o)
    );
    assert_eq!(posts(&srv), 1);
    // a 500 and nothing created: the whole list says so, exit 1
    srv.handle()
        .inject(parse_fault_spec("POST /api/deployments=500").unwrap());
    let o = go(deploy("not-made")).await;
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(err(&o).contains("it was not created"), "{}", err(&o));
    assert_eq!(posts(&srv), 2);
    // (a list that cannot be read whole after the failure: "unknown", exit 3 — domain::settle)
    assert_eq!(posts(&srv), 2, "one POST per run, never a second");
}
