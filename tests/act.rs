//! The commands that act (`deploy`, `wait`, `ssh`, `terminate`, `rename`, `volume`, `key`)
//! through the built binary against the demo server over HTTP: what they send (the server's
//! request log), their exit codes, and that they decide as the dashboard does.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;
use crate::support::binary::{against as run, against_env as run_env};

use std::path::Path;
use std::process::Output;

use serde_json::Value;
use spheron_tui::api::{Client, OffersQuery};
use spheron_tui::app::dialogs::deploy::{self as wizard, SshSel};
use spheron_tui::credentials::ApiKey;
use spheron_tui::demo::{self, DemoOptions, DemoServer, RequestRecord, parse_fault_spec};
use support::harness::Harness;

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
        if c.can_terminate(id).await.unwrap().can_terminate == Some(true) {
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
    let key = c.ssh_keys().await.unwrap().items[0].clone();
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

/// Every offer of every page, read by the library.
async fn every_offer(srv: &DemoServer) -> Vec<spheron_tui::api::Offer> {
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
    all
}

/// `--cheapest 'fit:MODEL@PRECISION/CONTEXT'` plans the model onto every offer and takes the
/// cheapest available one it fits on (not a cheaper single 80 GB card it does not fit), and the
/// summary repeats the plan's verdict; the deploy is one POST of that offer.
#[tokio::test(flavor = "multi_thread")]
async fn cheapest_with_fit_deploys_the_cheapest_offer_the_model_fits_on() {
    use spheron_tui::domain::planner::{Fit, parse_job, plan_offer};
    let srv = server().await;
    let home = tempfile::tempdir().unwrap();
    let (key, _) = seed(&srv, home.path()).await;
    let job = parse_job("llama-3.1-70b@fp8/32k").unwrap();
    let deployable: Vec<_> = every_offer(&srv)
        .await
        .into_iter()
        .filter(|o| o.unavailable_reason().is_none() && o.hourly_rate().is_some())
        .collect();
    let by_price = |a: &&spheron_tui::api::Offer, b: &&spheron_tui::api::Offer| {
        a.hourly_rate()
            .partial_cmp(&b.hourly_rate())
            .unwrap()
            .then(a.offer_id.cmp(&b.offer_id))
    };
    let best = deployable
        .iter()
        .filter(|o| plan_offer(&job, o).fit == Some(Fit::Fits))
        .min_by(by_price)
        .unwrap();
    // the filter matters: a cheaper single 80 GB card is there, and the job does not fit it
    let cheaper_80 = deployable.iter().find(|o| {
        o.gpu_count == 1
            && o.gpu_memory == Some(80.0)
            && o.hourly_rate() < best.hourly_rate()
            && plan_offer(&job, o).fit != Some(Fit::Fits)
    });
    assert!(cheaper_80.is_some(), "the demo has a cheaper 80 GB card");
    let before = srv.handle().requests().len();
    let fit = "fit:llama-3.1-70b@fp8/32k";
    let o = deploy_cheapest(&srv.url(), home.path(), fit, &key, "seventy", &["--yes"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let summary = out(&o);
    let line = summary
        .lines()
        .find(|l| l.starts_with("Model plan"))
        .unwrap_or_else(|| panic!("no plan line:\n{summary}"));
    assert!(line.contains("llama-3.1-70b fp8 32k: fits "), "{line}");
    let posts: Vec<_> = srv.handle().requests()[before..]
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/api/deployments")
        .cloned()
        .collect();
    assert_eq!(posts.len(), 1);
    let listed: Value = serde_json::from_str(&out(&run(
        &srv.url(),
        home.path(),
        &["deployments", "--json"],
    )
    .await))
    .unwrap();
    let made = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "seventy")
        .unwrap();
    assert_eq!(made["offerId"], best.offer_id.as_str(), "{made}");
}

#[tokio::test(flavor = "multi_thread")]
async fn cheapest_picks_the_cheapest_available_matching_offer() {
    let srv = server().await;
    let home = tempfile::tempdir().unwrap();
    let (key, _) = seed(&srv, home.path()).await;
    // Independently: every page, H100 by model, deployable, lowest price (ties: offer id).
    let all = every_offer(&srv).await;
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
        err(&o).contains("NOT sending it again") && err(&o).contains("NOT retrying"),
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

/// A deployment made by the binary, by its name; its id.
async fn deployed(url: &str, home: &Path, key: &str, name: &str) -> String {
    deployed_with(url, home, key, name, &[]).await
}

/// `deploy --cheapest FILTER --ssh-key KEY --name NAME`, then `more`.
async fn deploy_cheapest(
    url: &str,
    home: &Path,
    filter: &str,
    key: &str,
    name: &str,
    more: &[&str],
) -> Output {
    let mut args = vec![
        "deploy",
        "--cheapest",
        filter,
        "--ssh-key",
        key,
        "--name",
        name,
    ];
    args.extend_from_slice(more);
    run(url, home, &args).await
}

/// [`deployed`], with `extra` flags for the deploy.
async fn deployed_with(url: &str, home: &Path, key: &str, name: &str, extra: &[&str]) -> String {
    let mut more = vec!["--yes", "--json"];
    more.extend_from_slice(extra);
    let o = deploy_cheapest(url, home, H100, key, name, &more).await;
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v: Value = serde_json::from_str(&out(&o)).unwrap();
    v["deployment"]["id"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn wait_exits_0_when_reached_1_when_ended_and_124_on_timeout() {
    let srv = server().await;
    let home = tempfile::tempdir().unwrap();
    let (key, deps) = seed(&srv, home.path()).await;
    let with = |status: &str| {
        deps.as_array()
            .unwrap()
            .iter()
            .find(|d| d["status"] == status)
            .map(|d| d["name"].as_str().unwrap().to_string())
            .unwrap()
    };
    let o = run(
        &srv.url(),
        home.path(),
        &["wait", &with("running"), "--for", "running"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let all: Value = serde_json::from_str(&out(&run(
        &srv.url(),
        home.path(),
        &["deployments", "--status", "inactive", "--json"],
    )
    .await))
    .unwrap();
    let ended = all[0]["id"].as_str().unwrap().to_string();
    let status = all[0]["status"].as_str().unwrap().to_string();
    let o = run(
        &srv.url(),
        home.path(),
        &["wait", &ended, "--for", "running"],
    )
    .await;
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(err(&o).contains(&status), "the status is said: {}", err(&o));
    // the world's clock stands still: a new deployment stays deploying
    let id = deployed(&srv.url(), home.path(), &key, "slow").await;
    let o = run(
        &srv.url(),
        home.path(),
        &["wait", "slow", "--for", "ssh", "--timeout", "1s"],
    )
    .await;
    assert_eq!(o.status.code(), Some(124), "{}", err(&o));
    assert!(
        err(&o).contains("timed out") && err(&o).contains(&id),
        "{}",
        err(&o)
    );
    let o = run(&srv.url(), home.path(), &["wait", "nosuch", "--for", "ssh"]).await;
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
}

/// The reads of one deployment by id, as the server's clock saw them.
fn reads_of(reqs: &[RequestRecord], id: &str) -> Vec<chrono::DateTime<chrono::Utc>> {
    let path = format!("/api/deployments/{id}");
    reqs.iter()
        .filter(|r| r.method == "GET" && r.path == path)
        .map(|r| r.at)
        .collect()
}

/// On a server whose clock is the wall clock: `--wait running` polls no faster than every 10 s
/// (`--poll-interval 10`, the least allowed), and exits 0 once the deployment runs.
#[tokio::test(flavor = "multi_thread")]
async fn waiting_polls_at_10_s_or_more_until_it_runs() {
    let opts = DemoOptions {
        clock: demo::ClockMode::Real,
        deploy_delay_secs: (15, 15),
        ..DemoOptions::for_tests()
    };
    let srv = demo::spawn(opts).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let (key, _) = seed(&srv, home.path()).await;
    let o = run(
        &srv.url(),
        home.path(),
        &[
            "--poll-interval",
            "10",
            "deploy",
            "--cheapest",
            H100,
            "--ssh-key",
            &key,
            "--name",
            "polled",
            "--yes",
            "--json",
            "--wait",
            "running",
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v: Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["deployment"]["status"], "running");
    let id = v["deployment"]["id"].as_str().unwrap();
    let reads = reads_of(&srv.handle().requests(), id);
    assert!(reads.len() >= 2, "{reads:?}");
    for pair in reads.windows(2) {
        let gap = (pair[1] - pair[0]).num_milliseconds();
        assert!(gap >= 10_000, "two reads {gap} ms apart: {reads:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn terminate_goes_on_when_can_terminate_does_not_say_and_the_delete_decides() {
    let srv = server().await;
    let home = tempfile::tempdir().unwrap();
    let (key, _) = seed(&srv, home.path()).await;
    let a = deployed(&srv.url(), home.path(), &key, "unsaid-1").await;
    srv.handle().force_status(&a, "running");
    let omit = format!("GET /api/deployments/{a}/can-terminate=omit:canTerminate");
    srv.handle().inject(parse_fault_spec(&omit).unwrap());
    let before = srv.handle().requests().len();
    let o = run(&srv.url(), home.path(), &["terminate", &a, "--yes"]).await;
    // too early: the DELETE refuses it, with the minutes left
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(
        err(&o).contains(&format!("unsaid-1 ({a}): the platform did not say whether it can be terminated yet (its answer to can-terminate does not say); the DELETE is sent anyway")),
        "{}",
        err(&o)
    );
    assert!(
        err(&o).contains(&format!("error: unsaid-1 ({a}): Cannot terminate yet: 20 minutes remain of the 20-minute minimum runtime. Nothing was terminated.")),
        "{}",
        err(&o)
    );
    let reqs = srv.handle().requests()[before..].to_vec();
    let deletes: Vec<_> = reqs.iter().filter(|r| r.method == "DELETE").collect();
    assert_eq!(deletes.len(), 1, "{reqs:?}");
    assert_eq!(deletes[0].path, format!("/api/deployments/{a}"));
}

#[tokio::test(flavor = "multi_thread")]
async fn terminate_asks_can_terminate_first_and_sends_no_delete_too_early() {
    let srv = server().await;
    let home = tempfile::tempdir().unwrap();
    let (key, _) = seed(&srv, home.path()).await;
    let a = deployed(&srv.url(), home.path(), &key, "sweep-1").await;
    let b = deployed(&srv.url(), home.path(), &key, "sweep-2").await;
    srv.handle().force_status(&a, "running");
    srv.handle().force_status(&b, "running");
    let before = srv.handle().requests().len();
    let o = run(&srv.url(), home.path(), &["terminate", "sweep-*", "--yes"]).await;
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(err(&o).contains("minutes remain"), "{}", err(&o));
    let reqs = srv.handle().requests()[before..].to_vec();
    assert!(writes(&reqs).is_empty(), "no DELETE: {:?}", writes(&reqs));
    for id in [&a, &b] {
        let check = format!("/api/deployments/{id}/can-terminate");
        assert!(reqs.iter().any(|r| r.path == check), "{check} asked");
    }
    // past the minimum runtime: one confirm for both, one DELETE each, after its check
    srv.handle()
        .advance(std::time::Duration::from_secs(25 * 60));
    let before = srv.handle().requests().len();
    let o = run(&srv.url(), home.path(), &["terminate", "sweep-*", "--yes"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let text = out(&o);
    assert!(text.contains("DELETES the instance and its disk"), "{text}");
    assert!(text.contains("now →"), "{text}");
    let reqs = srv.handle().requests()[before..].to_vec();
    for id in [&a, &b] {
        let check = reqs
            .iter()
            .position(|r| r.path == format!("/api/deployments/{id}/can-terminate"))
            .unwrap();
        let delete = reqs
            .iter()
            .position(|r| r.method == "DELETE" && r.path == format!("/api/deployments/{id}"))
            .unwrap();
        assert!(check < delete);
    }
    assert_eq!(writes(&reqs).len(), 2);
    // ended: nothing to terminate, no request sent
    let before = srv.handle().requests().len();
    let o = run(&srv.url(), home.path(), &["terminate", &a, "--yes"]).await;
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(writes(&srv.handle().requests()[before..]).is_empty());
}

/// `terminate --when-allowed`: too early, it waits out the minimum runtime the platform names,
/// asking can-terminate again at the poll interval and sending nothing else, then checks as
/// on a first run and sends one DELETE. A wait longer than `--timeout` gives up at once (124,
/// nothing sent). The demo's clock is moved while the binary waits.
#[tokio::test(flavor = "multi_thread")]
async fn terminate_when_allowed_waits_out_the_minimum_runtime_then_terminates() {
    let srv = server().await;
    let home = tempfile::tempdir().unwrap();
    let (key, _) = seed(&srv, home.path()).await;
    let id = deployed(&srv.url(), home.path(), &key, "late-1").await;
    srv.handle().force_status(&id, "running");
    let check = format!("/api/deployments/{id}/can-terminate");
    let args = [
        "terminate",
        "late-1",
        "--yes",
        "--when-allowed",
        "--poll-interval",
        "10",
    ];
    let before = srv.handle().requests().len();
    let mut short = args.to_vec();
    short.extend(["--timeout", "5m"]);
    let o = run(&srv.url(), home.path(), &short).await;
    assert_eq!(o.status.code(), Some(124), "{}", err(&o));
    assert!(
        err(&o).contains("20 minutes remain of the 20-minute minimum runtime"),
        "{}",
        err(&o)
    );
    assert!(err(&o).contains("would pass the --timeout"), "{}", err(&o));
    assert!(writes(&srv.handle().requests()[before..]).is_empty());

    // two minutes left: it waits; the clock passes them while it does
    srv.handle()
        .advance(std::time::Duration::from_secs(18 * 60));
    let before = srv.handle().requests().len();
    let url = srv.url();
    let dir = home.path().to_path_buf();
    let waiting = tokio::spawn(async move { run(&url, &dir, &args).await });
    let asked = |n: usize| {
        srv.handle().requests()[before..]
            .iter()
            .filter(|r| r.path == check)
            .count()
            >= n
    };
    while !asked(2) {
        assert!(!waiting.is_finished(), "it waits");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(writes(&srv.handle().requests()[before..]).is_empty());
    srv.handle().advance(std::time::Duration::from_secs(3 * 60));
    let o = waiting.await.unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(
        err(&o).contains("2 minutes remain of the 20-minute minimum runtime"),
        "{}",
        err(&o)
    );
    assert!(err(&o).contains("waiting (--when-allowed)"), "{}", err(&o));
    assert!(out(&o).contains("Terminated late-1"), "{}", out(&o));
    let reqs = srv.handle().requests()[before..].to_vec();
    assert_eq!(writes(&reqs), [format!("DELETE /api/deployments/{id}")]);
    let delete = reqs.iter().position(|r| r.method == "DELETE").unwrap();
    let last_check = reqs.iter().rposition(|r| r.path == check).unwrap();
    assert!(last_check < delete, "{reqs:?}");
    assert!(reqs[..delete].iter().filter(|r| r.path == check).count() >= 3);
}

/// The guard rules in the real store the binary used (`HOME/data/spheron-tui`).
fn stored_rules(home: &Path) -> Vec<String> {
    let path = home.join("data/spheron-tui/spheron-tui.sqlite3");
    let (store, _) = spheron_tui::store::Store::open(&path).unwrap();
    store
        .rules()
        .unwrap()
        .into_iter()
        .map(|r| r.deployment_id)
        .collect()
}

/// A guarded deployment terminated from the command line takes its guard rule with it once a
/// read by id shows it ended (as the guard ends a rule); a read that fails proves nothing, and
/// the rule stays for the guard to settle.
#[tokio::test(flavor = "multi_thread")]
async fn terminate_removes_the_guard_rule_once_a_read_shows_it_ended() {
    let srv = server().await;
    let home = tempfile::tempdir().unwrap();
    let (key, _) = seed(&srv, home.path()).await;
    let mut ids = Vec::new();
    for name in ["guarded-1", "guarded-2"] {
        let extra = ["--guard-after", "8h"];
        let id = deployed_with(&srv.url(), home.path(), &key, name, &extra).await;
        srv.handle().force_status(&id, "running");
        ids.push(id);
    }
    assert_eq!(stored_rules(home.path()), ids);
    srv.handle()
        .advance(std::time::Duration::from_secs(25 * 60));
    let before = srv.handle().requests().len();
    let o = run(
        &srv.url(),
        home.path(),
        &["terminate", "guarded-1", "--yes", "--json"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(err(&o).contains("guard rule removed"), "{}", err(&o));
    let v: Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v[0]["guardRule"], "removed");
    assert_eq!(stored_rules(home.path()), ids[1..].to_vec());
    // the proof is a read by id after the DELETE
    let reqs = srv.handle().requests()[before..].to_vec();
    let path = format!("/api/deployments/{}", ids[0]);
    let delete = reqs
        .iter()
        .position(|r| r.method == "DELETE" && r.path == path)
        .unwrap();
    assert!(
        reqs[delete..]
            .iter()
            .any(|r| r.method == "GET" && r.path == path)
    );
    let listed = run(&srv.url(), home.path(), &["guard", "list"]).await;
    assert!(!out(&listed).contains(&ids[0]), "{}", out(&listed));
    assert!(out(&listed).contains(&ids[1]), "{}", out(&listed));
    // the read after the DELETE fails (and its one retry): nothing is proven, the rule stays.
    // The first rule is used up by the can-terminate before it, which it leaves as it was.
    let by_id = format!("GET /api/deployments/{}", ids[1]);
    for spec in [
        format!("{by_id}/can-terminate=slow:0"),
        format!("{by_id}=500x2"),
    ] {
        srv.handle().inject(parse_fault_spec(&spec).unwrap());
    }
    let o = run(
        &srv.url(),
        home.path(),
        &["terminate", "guarded-2", "--yes"],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(
        out(&o).contains("Its guard rule stays until the guard reads it ended"),
        "{}",
        out(&o)
    );
    assert_eq!(stored_rules(home.path()), ids[1..].to_vec());
}

/// `ssh NAME -- CMD` runs the system `ssh` (here a stand-in on PATH that records its argv) with
/// the deployment's user, address and port, and the command after `--`.
#[tokio::test(flavor = "multi_thread")]
async fn ssh_runs_the_system_ssh_with_the_deployments_address() {
    let srv = server().await;
    let home = tempfile::tempdir().unwrap();
    let (key, _) = seed(&srv, home.path()).await;
    let id = deployed(&srv.url(), home.path(), &key, "shell").await;
    let o = run(
        &srv.url(),
        home.path(),
        &["ssh", "shell", "--", "nvidia-smi"],
    )
    .await;
    assert_eq!(o.status.code(), Some(1), "not running yet: {}", err(&o));
    srv.handle().force_status(&id, "running");
    let c = Client::new(&srv.url(), Some(ApiKey::new(srv.key()))).unwrap();
    let d = c.deployment(&id).await.unwrap();
    let bin = home.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = home.path().join("ssh-argv");
    let fake = bin.join("ssh");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done > {}\nexit 7\n",
            log.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let o = run_env(
        &srv.url(),
        home.path(),
        &["ssh", "shell", "--", "nvidia-smi", "-L"],
        &[("PATH", path)],
    )
    .await;
    assert_eq!(o.status.code(), Some(7), "ssh's own exit code: {}", err(&o));
    let argv: Vec<String> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let target = format!(
        "{}@{}",
        d.user.as_deref().unwrap_or("ubuntu"),
        d.ip_address.unwrap()
    );
    let port = d.ssh_port.unwrap_or(22).to_string();
    assert_eq!(
        argv,
        [
            "-p",
            port.as_str(),
            "--",
            target.as_str(),
            "nvidia-smi",
            "-L"
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn volume_and_key_commands_follow_the_provider_rules() {
    let srv = server().await;
    let home = tempfile::tempdir().unwrap();
    seed(&srv, home.path()).await;
    let vols: Value =
        serde_json::from_str(&out(
            &run(&srv.url(), home.path(), &["volumes", "--json"]).await
        ))
        .unwrap();
    let of = |provider: &str| {
        vols.as_array()
            .unwrap()
            .iter()
            .find(|v| v["provider"] == provider)
            .map(|v| v["name"].as_str().unwrap().to_string())
    };
    let before = srv.handle().requests().len();
    // Spheron AI volumes are neither renamed nor resized; Sesterce ones never attach later.
    if let Some(v) = of("spheron-ai") {
        let o = run(
            &srv.url(),
            home.path(),
            &["volume", "rename", &v, "new-name"],
        )
        .await;
        assert_eq!(o.status.code(), Some(1), "{}", err(&o));
        let o = run(
            &srv.url(),
            home.path(),
            &["volume", "expand", &v, "--size", "99999", "--yes"],
        )
        .await;
        assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    } else {
        panic!("the demo has a spheron-ai volume");
    }
    let o = run(
        &srv.url(),
        home.path(),
        &[
            "volume",
            "create",
            "Bad Name",
            "--provider",
            "spheron-ai",
            "--size",
            "10",
            "--yes",
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    let o = run(
        &srv.url(),
        home.path(),
        &[
            "volume",
            "create",
            "big",
            "--provider",
            "sesterce",
            "--size",
            "1",
            "--yes",
        ],
    )
    .await;
    assert_ne!(
        o.status.code(),
        Some(0),
        "sesterce takes 50 GB or more: {}",
        err(&o)
    );
    // a private key is refused and nothing is sent
    let k = home.path().join("id_test");
    std::fs::write(&k, "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n").unwrap();
    let o = run(
        &srv.url(),
        home.path(),
        &["key", "add", "oops", k.to_str().unwrap()],
    )
    .await;
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("PRIVATE key"), "{}", err(&o));
    assert!(writes(&srv.handle().requests()[before..]).is_empty());
    // a public key is added, then removed
    let pubk = home.path().join("id_test.pub");
    std::fs::write(
        &pubk,
        spheron_tui::domain::ssh_key::sample_key("ssh-ed25519", "me@test"),
    )
    .unwrap();
    let o = run(
        &srv.url(),
        home.path(),
        &["key", "add", "ci-key", pubk.to_str().unwrap()],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let o = run(&srv.url(), home.path(), &["key", "rm", "ci-key", "--yes"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(
        writes(&srv.handle().requests()[before..]).len(),
        2,
        "{:?}",
        writes(&srv.handle().requests()[before..])
    );
    // a volume created within the rules, with its spend confirmed
    let o = run(
        &srv.url(),
        home.path(),
        &[
            "volume",
            "create",
            "ci-data",
            "--provider",
            "voltage-park",
            "--region",
            "166e655a:culpeper-usa-1",
            "--size",
            "100",
            "--yes",
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("now →"), "{}", out(&o));
}

/// A preset saved from the wizard's choices (the one mapping both use, written by the one
/// writer) gives `deploy --preset` the wizard's body.
#[tokio::test(flavor = "multi_thread")]
async fn a_preset_round_trips_between_the_wizard_and_the_command_line() {
    let mut h = Harness::new().await;
    let url = h.server.url();
    let home = tempfile::tempdir().unwrap();
    let c = Client::new(&url, Some(ApiKey::new(h.server.key()))).unwrap();
    let key = c.ssh_keys().await.unwrap().items[0].clone();
    h.state.keys.items = c.ssh_keys().await.unwrap().items;
    let offer = h
        .state
        .offers
        .all
        .iter()
        .find(|o| o.unavailable_reason().is_none() && o.os_options.len() > 1)
        .unwrap()
        .clone();
    let team = h.state.current_team_id().map(str::to_owned);
    let mut w = wizard::DeployWizard::new(offer.clone(), team);
    w.ssh = Some(SshSel::Saved(key.id.clone()));
    w.os = 1;
    w.guard = tui_input::Input::new("8h".to_string());
    let p = wizard::preset::from_wizard(&h.state, &w, None);
    w.name = tui_input::Input::new("from-preset".to_string());
    let body = serde_json::to_value(wizard::summary(&h.state, &w).request.unwrap()).unwrap();
    // written as the wizard's "save as preset" writes it
    let cfg = home.path().join("config/spheron-tui/config.toml");
    spheron_tui::config::save_preset(&cfg, "train", &p).unwrap();
    let o = run(
        &url,
        home.path(),
        &[
            "deploy",
            "--preset",
            "train",
            "--name",
            "from-preset",
            "--dry-run",
            "--json",
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v: Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["request"], body);
    assert!(out(&o).contains("request"));
    let o = run(
        &url,
        home.path(),
        &["deploy", "--preset", "nope", "--name", "x", "--dry-run"],
    )
    .await;
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
}

/// With `--demo` the addresses are made up and may be a stranger's host: `ssh NAME` shows the
/// command it would run and runs nothing (the stand-in `ssh` on PATH is never started).
#[test]
fn demo_ssh_shows_the_command_and_runs_nothing() {
    let home = tempfile::tempdir().unwrap();
    let listed = support::binary::bin(home.path())
        .args(["--demo", "deployments", "--json"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(listed.status.success(), "{}", err(&listed));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&listed.stdout).unwrap();
    let name = rows
        .iter()
        .find(|r| r["status"] == "running")
        .and_then(|r| r["name"].as_str())
        .expect("the demo has a running deployment")
        .to_string();
    let bin = home.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = home.path().join("ssh-ran");
    let fake = bin.join("ssh");
    std::fs::write(&fake, format!("#!/bin/sh\ntouch {}\n", log.display())).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let o = support::binary::bin(home.path())
        .args(["--demo", "ssh", &name, "--", "nvidia-smi"])
        .env("PATH", path)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(err(&o).contains("demo: would run `ssh"), "{}", err(&o));
    assert!(!log.exists(), "the demo ran ssh");
}
