//! The spend guard end to end against the demo server on its manual clock: `guard add` checks
//! the deployment, `guard run`'s loop terminates exactly the guarded instance (after waiting
//! out the minimum runtime), `journal` shows the DELETE. Commands are parsed by the real CLI.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use clap::Parser;
use spheron_tui::api::{Client, ClientOptions, Deployment};
use spheron_tui::commands::cli::{Cli, Command};
use spheron_tui::commands::context::Ctx;
use spheron_tui::commands::guard::{self, args::GuardCommand};
use spheron_tui::commands::journal::{self, JournalArgs};
use spheron_tui::credentials::ApiKey;
use spheron_tui::demo::{self, DemoOptions, DemoServer};
use spheron_tui::runtime::usage::Instances;
use spheron_tui::runtime::worker::Runner;
use spheron_tui::store::{Store, StoreHandle};

struct Rig {
    srv: DemoServer,
    /// A writable client for setting the world up (the guard's own may be read-only).
    setup: Client,
    ctx: Ctx,
    lines: Arc<Mutex<Vec<String>>>,
    _dir: tempfile::TempDir,
}

impl Rig {
    async fn new(read_only: bool) -> Rig {
        let srv = demo::spawn(DemoOptions::for_tests()).await.unwrap();
        let mut o = ClientOptions::new(srv.url(), Some(ApiKey::new(srv.key())));
        o.get_retry_delay = StdDuration::from_millis(10);
        let setup = Client::with_options(o.clone()).unwrap();
        o.read_only = read_only;
        let client = Client::with_options(o).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = Store::open(&dir.path().join("store.sqlite3")).unwrap();
        let lines: Arc<Mutex<Vec<String>>> = Arc::default();
        let sink_lines = lines.clone();
        let h = srv.handle();
        let ctx = Ctx {
            client,
            store: StoreHandle::spawn(store),
            clock: Arc::new(move || h.now()),
            local_offset: chrono::FixedOffset::east_opt(0).unwrap(),
            poll_interval: StdDuration::from_secs(20),
            read_only,
            sink: Arc::new(move |to_err, line| {
                let tag = if to_err { "ERR " } else { "" };
                sink_lines.lock().unwrap().push(format!("{tag}{line}"));
            }),
        };
        Rig {
            srv,
            setup,
            ctx,
            lines,
            _dir: dir,
        }
    }

    fn take_lines(&self) -> Vec<String> {
        std::mem::take(&mut *self.lines.lock().unwrap())
    }

    async fn deploy(&self, name: &str) -> Deployment {
        self.deploy_in(name, "team_demo_01").await
    }

    async fn deploy_in(&self, name: &str, team: &str) -> Deployment {
        let d =
            support::deploying::deploy_first_offer(&self.setup, name, team, "sshk_5d2e8a41").await;
        self.srv.handle().force_status(&d.id, "running");
        d
    }

    fn advance(&self, minutes: u64) {
        self.srv
            .handle()
            .advance(StdDuration::from_secs(minutes * 60));
    }

    fn deletes(&self) -> Vec<String> {
        self.srv
            .handle()
            .requests()
            .into_iter()
            .filter(|r| r.method == "DELETE")
            .map(|r| r.path)
            .collect()
    }

    async fn status(&self, id: &str) -> String {
        self.ctx
            .client
            .deployment(id)
            .await
            .unwrap()
            .status
            .to_string()
    }
}

fn guard_cmd(args: &[&str]) -> GuardCommand {
    let mut argv = vec!["spheron-tui", "guard"];
    argv.extend(args);
    match Cli::try_parse_from(argv).unwrap().command {
        Some(Command::Guard(g)) => g,
        other => panic!("not a guard command: {other:?}"),
    }
}

#[tokio::test]
async fn guard_add_then_run_terminates_exactly_that_instance_and_journals_it() {
    let r = Rig::new(false).await;
    let keep = r.deploy("keep-me").await;
    let doomed = r.deploy("doomed").await;
    let code = guard::guard(
        &r.ctx,
        &guard_cmd(&["add", &doomed.id, "--after", "1m"]),
        &Instances::Ssh,
    )
    .await;
    assert_eq!(code, 0, "{:?}", r.take_lines());
    let added = r.take_lines().join("\n");
    assert!(added.contains("guard set on doomed"), "{added}");

    let mut run = Runner::new(r.ctx.clone(), false, "guard run");
    run.step().await;
    assert!(
        r.take_lines()
            .iter()
            .any(|l| l.contains("enforcing the guard rules"))
    );

    // Due after 1 minute, but the demo's minimum runtime is 20 minutes: blocked, asks later.
    r.advance(2);
    run.step().await;
    let lines = r.take_lines();
    assert!(
        lines.iter().any(|l| l.contains("deadline reached")),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("minimum runtime not met")),
        "{lines:?}"
    );
    assert!(r.deletes().is_empty(), "no DELETE while blocked");

    // Still inside timeRemaining: nothing is asked.
    r.advance(10);
    let before = r.srv.handle().requests().len();
    run.step().await;
    let asked: Vec<_> = r.srv.handle().requests()[before..]
        .iter()
        .map(|q| q.path.clone())
        .collect();
    assert!(
        asked.iter().all(|p| !p.contains("can-terminate")),
        "{asked:?}"
    );
    assert!(r.deletes().is_empty());

    // Past it: can-terminate allows, exactly one DELETE, for that instance only.
    r.advance(10);
    run.step().await;
    let lines = r.take_lines();
    assert!(
        lines.iter().any(|l| l.contains("terminated by its guard")),
        "{lines:?}"
    );
    // Read by id at once: terminated, the proof that ends the rule.
    assert!(
        lines
            .iter()
            .any(|l| l.contains("deployment ended (terminated); guard rule removed")),
        "{lines:?}"
    );
    for _ in 0..5 {
        r.advance(1);
        run.step().await;
    }
    assert_eq!(r.deletes(), vec![format!("/api/deployments/{}", doomed.id)]);
    assert_eq!(r.status(&doomed.id).await, "terminated");
    assert_eq!(r.status(&keep.id).await, "running");
    assert!(r.ctx.store.call(|s| s.rules()).await.unwrap().is_empty());

    // The journal shows the DELETE, from the guard, with its rate.
    assert_eq!(
        journal::journal(&r.ctx, &JournalArgs { json: true }).await,
        0
    );
    let json: serde_json::Value = serde_json::from_str(&r.take_lines().join("\n")).unwrap();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{json:#}");
    assert_eq!(rows[0]["method"], "DELETE");
    assert_eq!(rows[0]["source"], "guard");
    assert_eq!(rows[0]["targetId"], doomed.id.as_str());
    assert_eq!(rows[0]["result"], "ok");
    assert!(rows[0]["usdPerHour"].as_f64().unwrap() > 0.0);
    assert_eq!(
        journal::journal(&r.ctx, &JournalArgs { json: false }).await,
        0
    );
    let table = r.take_lines().join("\n");
    assert!(
        table.contains(&doomed.id) && table.contains("DELETE"),
        "{table}"
    );
}

#[tokio::test]
async fn guard_add_refuses_unknown_and_ended_deployments_and_stores_nothing() {
    let r = Rig::new(false).await;
    let code = guard::guard(
        &r.ctx,
        &guard_cmd(&["add", "dep_nope", "--after", "1h"]),
        &Instances::Ssh,
    )
    .await;
    assert_eq!(code, 1);
    assert!(r.take_lines().join("\n").contains("not found"));
    let d = r.deploy("gone").await;
    r.srv.handle().force_status(&d.id, "terminated");
    let code = guard::guard(
        &r.ctx,
        &guard_cmd(&["add", &d.id, "--max-spend", "5"]),
        &Instances::Ssh,
    )
    .await;
    assert_eq!(code, 1);
    assert!(r.take_lines().join("\n").contains("not active"));
    assert!(r.ctx.store.call(|s| s.rules()).await.unwrap().is_empty());
    // A bad --at is a usage error (2); a bad --after is refused by the parser (exit code 2).
    let d = r.deploy("live").await;
    let code = guard::guard(
        &r.ctx,
        &guard_cmd(&["add", &d.id, "--at", "25:99"]),
        &Instances::Ssh,
    )
    .await;
    assert_eq!(code, 2);
    let err =
        Cli::try_parse_from(["spheron-tui", "guard", "add", &d.id, "--after", "soon"]).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    let err = Cli::try_parse_from(["spheron-tui", "guard", "add", &d.id]).unwrap_err();
    assert_eq!(err.exit_code(), 2, "a rule is required");
    assert!(r.ctx.store.call(|s| s.rules()).await.unwrap().is_empty());
    // list and rm.
    assert_eq!(
        guard::guard(
            &r.ctx,
            &guard_cmd(&["add", &d.id, "--at", "23:59"]),
            &Instances::Ssh
        )
        .await,
        0
    );
    r.take_lines();
    assert_eq!(
        guard::guard(&r.ctx, &guard_cmd(&["list"]), &Instances::Ssh).await,
        0
    );
    assert!(r.take_lines().join("\n").contains(&d.id));
    assert_eq!(
        guard::guard(&r.ctx, &guard_cmd(&["rm", &d.id]), &Instances::Ssh).await,
        0
    );
    assert_eq!(
        guard::guard(&r.ctx, &guard_cmd(&["rm", &d.id]), &Instances::Ssh).await,
        1
    );
}

#[tokio::test]
async fn read_only_and_dry_run_say_what_they_would_do_and_send_no_write() {
    for read_only in [true, false] {
        let r = Rig::new(read_only).await;
        let d = r.deploy("spared").await;
        assert_eq!(
            guard::guard(
                &r.ctx,
                &guard_cmd(&["add", &d.id, "--after", "1m"]),
                &Instances::Ssh
            )
            .await,
            0
        );
        let mut run = Runner::new(r.ctx.clone(), !read_only, "guard run");
        run.step().await;
        r.advance(30);
        run.step().await;
        r.advance(30);
        run.step().await;
        let lines = r.take_lines().join("\n");
        assert!(lines.contains("would terminate"), "{lines}");
        assert!(r.deletes().is_empty());
        assert_eq!(r.status(&d.id).await, "running");
        assert!(r.ctx.store.call(|s| s.journal()).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_second_enforcer_waits_and_says_who_enforces() {
    let r = Rig::new(false).await;
    let mut first = Runner::new(r.ctx.clone(), false, "dashboard");
    let mut second = Runner::new(r.ctx.clone(), false, "guard run");
    first.step().await;
    second.step().await;
    let lines = r.take_lines();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("dashboard, pid")
                && l.contains("enforces the guard; this one waits")),
        "{lines:?}"
    );
    assert!(first.engine().enforcing());
    assert!(!second.engine().enforcing());
    // The first goes away: the second takes over once the lock expires.
    first.release().await;
    r.advance(1);
    second.step().await;
    assert!(second.engine().enforcing());
}

#[tokio::test]
async fn every_write_the_dashboard_sends_is_journaled_with_its_rate() {
    use spheron_tui::app::Command as AppCommand;
    use spheron_tui::runtime::executor::Executor;
    use spheron_tui::runtime::journal::Journal;
    let r = Rig::new(false).await;
    let d = r.deploy("from-dashboard").await;
    r.advance(25); // past the minimum runtime
    let ex = Executor {
        client: r.setup.clone(),
        credentials_path: None,
        home: None,
        journal: Journal::new(Some(r.ctx.store.clone())),
        tunnels: Default::default(),
        instances: Default::default(),
    };
    ex.perform(AppCommand::FetchDeployments {
        status: None,
        teams: vec![],
    })
    .await;
    ex.perform(AppCommand::RenameDeployment {
        id: d.id.clone(),
        name: "renamed".into(),
    })
    .await;
    ex.perform(AppCommand::Terminate { id: d.id.clone() }).await;
    // A second terminate fails: journaled with its error.
    ex.perform(AppCommand::Terminate { id: d.id.clone() }).await;
    let rows = r.ctx.store.call(|s| s.journal()).await.unwrap();
    let got: Vec<(String, String, Option<String>, Option<String>)> = rows
        .iter()
        .map(|e| {
            (
                e.entry.method.clone(),
                e.entry.path.clone(),
                e.entry.target_id.clone(),
                e.entry.target_name.clone(),
            )
        })
        .collect();
    let path = format!("/api/deployments/{}", d.id);
    let (id, was, is) = (
        Some(d.id.clone()),
        Some(d.name.clone()),
        Some("renamed".into()),
    );
    assert_eq!(
        got,
        vec![
            // each named as it was called when sent
            ("PATCH".to_string(), path.clone(), id.clone(), was),
            ("DELETE".to_string(), path.clone(), id.clone(), is.clone()),
            ("DELETE".to_string(), path, id, is),
        ],
        "GETs are not journaled"
    );
    assert!(rows.iter().all(|e| e.entry.source == "dashboard"));
    // The guard dialog's commands go to the store (not to the API, not to the journal).
    let rule = spheron_tui::store::StoredRule {
        deployment_id: "dep_x".into(),
        rule: spheron_tui::domain::guard::GuardRule::MaxSpend(5.0),
        spec: "--max-spend 5.00".into(),
        created_at: r.srv.handle().now(),
    };
    let notice = |a: &[spheron_tui::app::Action]| format!("{a:?}");
    let said = ex
        .perform(AppCommand::SetGuard {
            rule: rule.clone(),
            name: "trainer".into(),
        })
        .await;
    assert!(
        notice(&said).contains("set on trainer: terminate"),
        "{said:?}"
    );
    assert_eq!(r.ctx.store.call(|s| s.rules()).await.unwrap(), vec![rule]);
    let said = ex
        .perform(AppCommand::ClearGuard {
            id: "dep_x".into(),
            name: "trainer".into(),
        })
        .await;
    assert!(
        notice(&said).contains("cleared on trainer (dep_x)"),
        "{said:?}"
    );
    assert!(r.ctx.store.call(|s| s.rules()).await.unwrap().is_empty());
    assert_eq!(r.ctx.store.call(|s| s.journal()).await.unwrap().len(), 3);
    assert_eq!(rows[1].entry.result, "ok");
    assert_ne!(rows[2].entry.result, "ok");
    assert_eq!(rows[1].entry.usd_per_hour, d.hourly_rate);
    assert!(d.hourly_rate.is_some());
}

#[tokio::test]
async fn the_dashboard_runner_reports_countdowns_and_alerts_instead_of_printing() {
    use spheron_tui::runtime::worker::Report;
    let r = Rig::new(false).await;
    let d = r.deploy("watched").await;
    assert_eq!(
        guard::guard(
            &r.ctx,
            &guard_cmd(&["add", &d.id, "--after", "20m"]),
            &Instances::Ssh
        )
        .await,
        0
    );
    r.take_lines();
    let reports: Arc<Mutex<Vec<Report>>> = Arc::default();
    let sink = reports.clone();
    let mut run = Runner::new(r.ctx.clone(), false, "dashboard")
        .with_reporter(Box::new(move |rep| sink.lock().unwrap().push(rep)));
    run.step().await;
    let got = std::mem::take(&mut *reports.lock().unwrap());
    assert!(
        got.contains(&Report::Rows(
            [(d.id.clone(), "⏱20m".to_string())].into_iter().collect()
        )),
        "{got:?}"
    );
    assert!(got.contains(&Report::Enforcer(None)));
    r.advance(6);
    run.step().await;
    let got = std::mem::take(&mut *reports.lock().unwrap());
    assert!(
        got.iter().any(|x| matches!(x, Report::Line { text, alert: true } if text.contains("will be terminated in 14m"))),
        "{got:?}"
    );
    assert!(r.take_lines().is_empty(), "nothing printed");
}

#[tokio::test]
async fn a_guarded_deployment_of_another_team_is_read_by_itself_not_dropped() {
    let r = Rig::new(false).await;
    r.srv.handle().set_balance("team_grant_07", 500.0);
    let d = r.deploy_in("acme-box", "team_grant_07").await;
    // The list without teamId (the current team's) does not have it.
    let listed = r.ctx.client.deployments(&Default::default()).await.unwrap();
    assert!(listed.iter().all(|x| x.id != d.id));
    assert_eq!(
        guard::guard(
            &r.ctx,
            &guard_cmd(&["add", &d.id, "--after", "30m"]),
            &Instances::Ssh
        )
        .await,
        0
    );
    let mut run = Runner::new(r.ctx.clone(), false, "guard run");
    run.step().await;
    r.advance(1);
    run.step().await;
    assert_eq!(
        r.ctx.store.call(|s| s.rules()).await.unwrap().len(),
        1,
        "{:?}",
        r.take_lines()
    );
    r.advance(30);
    run.step().await;
    assert_eq!(r.deletes(), vec![format!("/api/deployments/{}", d.id)]);
}

/// A guarded deployment past its minimum runtime, with its rule due, and a runner on it.
async fn due_rule(r: &Rig, name: &str) -> (Deployment, Runner) {
    let d = r.deploy(name).await;
    assert_eq!(
        guard::guard(
            &r.ctx,
            &guard_cmd(&["add", &d.id, "--after", "1m"]),
            &Instances::Ssh
        )
        .await,
        0
    );
    r.take_lines();
    r.advance(25);
    (d, Runner::new(r.ctx.clone(), false, "guard run"))
}

fn fault(spec: &str) -> spheron_tui::demo::FaultRule {
    spheron_tui::demo::parse_fault_spec(spec).unwrap()
}

#[tokio::test]
async fn a_500_a_drop_and_a_429_on_delete_are_tried_again_until_it_ends() {
    let r = Rig::new(false).await;
    let (d, mut run) = due_rule(&r, "stubborn").await;
    let h = r.srv.handle();
    // The first DELETE answers 500, the second is dropped, the third rate-limited.
    for spec in ["500", "drop", "429:1"] {
        h.inject(fault(&format!("DELETE /api/deployments={spec}")));
    }
    for _ in 0..60 {
        run.step().await;
        h.advance(StdDuration::from_secs(10));
    }
    let lines = r.take_lines();
    assert_eq!(r.status(&d.id).await, "terminated", "{lines:#?}");
    assert_eq!(r.deletes().len(), 4, "{lines:#?}");
    let text = lines.join("\n");
    assert!(
        text.contains("terminate failed once, trying again at"),
        "{text}"
    );
    assert!(
        text.contains("ALERT:") && text.contains("terminate failed 3 times"),
        "{text}"
    );
    assert!(text.contains("guard rule removed"), "{text}");
    assert!(r.ctx.store.call(|s| s.rules()).await.unwrap().is_empty());
    // Each try is in the journal, written ahead, with its outcome.
    let rows = r.ctx.store.call(|s| s.journal()).await.unwrap();
    assert_eq!(rows.len(), 4);
    assert!(
        rows.iter()
            .all(|e| e.outcome_known && e.entry.method == "DELETE")
    );
    assert_eq!(rows[3].entry.result, "ok");
    assert!(rows[..3].iter().all(|e| e.entry.result != "ok"));
}

#[tokio::test]
async fn a_store_truncated_under_guard_run_leaves_its_rules_in_force_and_says_how_to_set_them_again()
 {
    let r = Rig::new(false).await;
    let doomed = r.deploy("doomed").await;
    let code = guard::guard(
        &r.ctx,
        &guard_cmd(&["add", &doomed.id, "--after", "30m"]),
        &Instances::Ssh,
    )
    .await;
    assert_eq!(code, 0, "{:?}", r.take_lines());
    let mut run = Runner::new(r.ctx.clone(), false, "guard run");
    run.step().await;
    r.take_lines();

    // The file is truncated to zero bytes while guard run has it open.
    std::fs::OpenOptions::new()
        .write(true)
        .open(r.ctx.store.path())
        .unwrap()
        .set_len(0)
        .unwrap();
    r.advance(1);
    run.step().await;
    let lines = r.take_lines();
    let said = lines
        .iter()
        .find(|l| l.contains("was truncated to zero bytes"))
        .unwrap_or_else(|| panic!("said: {lines:?}"));
    assert!(
        said.contains("keeps enforcing the 1 rule it holds"),
        "{said}"
    );
    assert!(
        said.contains(&format!("spheron-tui guard add {} --at ", doomed.id)),
        "{said}"
    );
    assert_eq!(run.engine().rule_count(), 1, "the rule stays in force");
    // Said once, not every step.
    run.step().await;
    assert!(
        !r.take_lines().iter().any(|l| l.contains("truncated")),
        "said once"
    );

    // Due (past the demo's 20-minute minimum runtime): terminated all the same.
    for _ in 0..4 {
        r.advance(10);
        run.step().await;
    }
    assert_eq!(r.deletes(), vec![format!("/api/deployments/{}", doomed.id)]);
    assert_eq!(r.status(&doomed.id).await, "terminated");
}
