//! The idle rule: on the engine's virtual clock (idle → warnings → terminate; failed probes,
//! an open session, too few readings → never), and end to end: `guard add --idle`, `guard
//! run`'s loop probing a real sshd on loopback (a stand-in `nvidia-smi`) against the demo
//! server on its manual clock, the DELETE in the journal with its evidence; and the same loop
//! reading the demo world's simulated instances, as `--demo` does.

use crate::support;

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use clap::Parser;
use spheron_tui::api::{CanTerminate, Client, ClientOptions, NewSshKey};
use spheron_tui::commands::cli::{Cli, Command};
use spheron_tui::commands::context::Ctx;
use spheron_tui::commands::guard::{self, args::GuardCommand};
use spheron_tui::credentials::ApiKey;
use spheron_tui::demo::{self, DemoOptions};
use spheron_tui::domain::guard::GuardRule;
use spheron_tui::domain::guard_engine::{Effect, Engine, Event, Mode, Observed};
use spheron_tui::domain::ssh_config::SshPaths;
use spheron_tui::domain::usage::{Gpu, Reading, Sample};
use spheron_tui::runtime::usage::Instances;
use spheron_tui::runtime::worker::Runner;
use spheron_tui::store::{LockState, Store, StoreHandle, StoredRule};
use support::sshd::Sshd;

fn t0() -> DateTime<Utc> {
    spheron_tui::demo::test_epoch()
}

fn idle_rule() -> GuardRule {
    GuardRule::Idle {
        window: Duration::minutes(30),
        below_pct: 5.0,
    }
}

/// An engine holding the lock, with d1 running under a 30-minute idle rule below 5 %.
fn engine() -> Engine {
    let mut e = Engine::new(Mode::Enforce);
    e.handle(Event::Lock(LockState::Held));
    e.handle(Event::Rules(vec![StoredRule {
        deployment_id: "d1".into(),
        rule: idle_rule(),
        spec: "--idle 30m --below 5".into(),
        created_at: t0(),
    }]));
    e.handle(Event::Deployments {
        now: t0(),
        list: vec![Observed {
            id: "d1".into(),
            name: "box".into(),
            status: "running".into(),
            active: true,
            spent: Some(1.0),
            usd_per_hour: Some(2.0),
            polled_at: t0(),
        }],
    });
    e
}

fn reading(util: f64, sessions: u32) -> Result<Reading, String> {
    Ok(Reading {
        gpus: vec![Gpu {
            util_pct: util,
            mem_used_mib: 2048.0,
            mem_total_mib: 81920.0,
        }],
        sessions,
    })
}

/// For `minutes` minutes: a probe a minute when `probe(m)` says so (its result), then a tick
/// ten seconds later; can-terminate answers yes. The effects with their minute.
fn run(
    e: &mut Engine,
    minutes: i64,
    probe: impl Fn(i64) -> Option<Result<Reading, String>>,
) -> Vec<(i64, Effect)> {
    run_between(e, 0..minutes, probe)
}

/// [`run`] over the minutes `span`.
fn run_between(
    e: &mut Engine,
    span: std::ops::Range<i64>,
    probe: impl Fn(i64) -> Option<Result<Reading, String>>,
) -> Vec<(i64, Effect)> {
    let mut out = Vec::new();
    for m in span {
        let at = t0() + Duration::minutes(m);
        if let Some(result) = probe(m) {
            e.handle(Event::Usage {
                id: "d1".into(),
                sample: Sample { at, result },
            });
        }
        let now = at + Duration::seconds(10);
        let mut queue = e.handle(Event::Tick(now));
        while let Some(fx) = queue.pop() {
            if let Effect::CheckCanTerminate { id } = &fx {
                queue.extend(e.handle(Event::CanTerminate {
                    id: id.clone(),
                    now,
                    result: Ok(CanTerminate {
                        can_terminate: Some(true),
                        ..Default::default()
                    }),
                }));
            }
            out.push((m, fx));
        }
    }
    out
}

fn terminates(fx: &[(i64, Effect)]) -> Vec<(i64, Option<String>)> {
    fx.iter()
        .filter_map(|(m, f)| match f {
            Effect::Terminate { evidence, .. } => Some((*m, evidence.clone())),
            _ => None,
        })
        .collect()
}

fn warnings(fx: &[(i64, Effect)]) -> Vec<(i64, i64)> {
    fx.iter()
        .filter_map(|(m, f)| match f {
            Effect::Warn { minutes, .. } => Some((*m, *minutes)),
            _ => None,
        })
        .collect()
}

/// A warning answered (any key on the row, or `guard snooze`): not terminated before the
/// snooze ends, warned again 15 and 5 minutes before it ends, then terminated if still idle.
#[test]
fn a_snooze_after_the_warning_waits_an_hour_and_warns_again() {
    let mut e = engine();
    let idle = |_| Some(reading(1.0, 0));
    let fx = run(&mut e, 16, idle);
    assert_eq!(warnings(&fx), vec![(15, 15)]);
    // snoozed at minute 16 for an hour: until minute 76
    let until = t0() + Duration::minutes(16) + Duration::hours(1);
    e.handle(Event::Snoozes([("d1".to_string(), until)].into()));
    let fx = run_between(&mut e, 16..90, idle);
    assert_eq!(warnings(&fx), vec![(61, 15), (71, 5)], "{fx:?}");
    let t = terminates(&fx);
    assert_eq!(
        t.iter().map(|x| x.0).collect::<Vec<_>>(),
        vec![76],
        "{fx:?}"
    );
}

#[test]
fn idle_for_the_window_warns_at_15_and_5_minutes_then_terminates_with_evidence() {
    let mut e = engine();
    let fx = run(&mut e, 40, |_| Some(reading(1.0, 0)));
    let warns: Vec<(i64, i64)> = fx
        .iter()
        .filter_map(|(m, f)| match f {
            Effect::Warn { minutes, text, .. } => {
                assert!(text.contains("if it stays idle"), "{text}");
                Some((*m, *minutes))
            }
            _ => None,
        })
        .collect();
    assert_eq!(warns, vec![(15, 15), (25, 5)]);
    let t = terminates(&fx);
    assert_eq!(t.len(), 1, "{fx:?}");
    assert_eq!(t[0].0, 30);
    let evidence = t[0].1.clone().expect("the idle rule's evidence");
    let hm = |m: i64| {
        (t0() + Duration::minutes(m))
            .format("%H:%M:%SZ")
            .to_string()
    };
    assert!(
        evidence.starts_with(&format!(
            "idle 30m: 31 readings from {} to {}",
            hm(0),
            hm(30)
        )),
        "{evidence}"
    );
    assert!(
        evidence.contains("every GPU below 5% (at most 1%)"),
        "{evidence}"
    );
}

/// An idle rule set (here: a 30-minute one replaced by a 5-minute one on an instance idle
/// for 20 minutes) counts only readings taken since: its 5-minute warning comes first, and
/// the DELETE no sooner than 5 minutes after it, never at once.
#[test]
fn a_shorter_rule_on_an_instance_long_idle_warns_five_minutes_before_it_terminates() {
    let mut e = engine();
    let idle = |_| Some(reading(1.0, 0));
    let fx = run(&mut e, 20, idle);
    assert_eq!(warnings(&fx), vec![(15, 15)]);
    assert!(terminates(&fx).is_empty());
    e.handle(Event::Rules(vec![StoredRule {
        deployment_id: "d1".into(),
        rule: GuardRule::Idle {
            window: Duration::minutes(5),
            below_pct: 5.0,
        },
        spec: "--idle 5m --below 5".into(),
        created_at: t0() + Duration::minutes(20),
    }]));
    let fx = run_between(&mut e, 20..40, idle);
    assert_eq!(warnings(&fx), vec![(20, 5)], "{fx:?}");
    // Its first reading came 4m50s before the window could be covered, yet the DELETE waits
    // the warning's whole lead, and the warning says so.
    assert!(
        fx.iter().any(|(_, f)| matches!(f, Effect::Warn { text, .. }
            if text.contains("will be terminated in 5m by its guard (--idle 5m"))),
        "{fx:?}"
    );
    let t = terminates(&fx);
    assert_eq!(
        t.iter().map(|x| x.0).collect::<Vec<_>>(),
        vec![25],
        "{fx:?}"
    );
    let evidence = t[0].1.clone().unwrap();
    assert!(
        evidence.starts_with("idle 5m: 6 readings from 12:20:00Z to 12:25:00Z"),
        "{evidence}"
    );
}

/// [`engine`] read idle for 40 minutes while another process held the lock, then holding it;
/// the effects of those 40 minutes.
fn idle_40_minutes_under_another_enforcer() -> (Engine, Vec<(i64, Effect)>) {
    let mut e = engine();
    e.handle(Event::Lock(LockState::Other {
        label: "dashboard, pid 1".into(),
        expires_at: t0() + Duration::minutes(40),
    }));
    let fx = run(&mut e, 40, |_| Some(reading(0.0, 0)));
    e.handle(Event::Lock(LockState::Held));
    (e, fx)
}

/// However the window comes to be covered, the DELETE waits for a warning given 5 minutes
/// before: here a second enforcer, which read the instance idle for 40 minutes while another
/// process held the lock (and warned nobody), takes the lock over.
#[test]
fn taking_over_an_idle_window_already_covered_warns_before_it_terminates() {
    let (mut e, fx) = idle_40_minutes_under_another_enforcer();
    assert!(fx.is_empty(), "{fx:?}");
    let fx = run_between(&mut e, 40..60, |_| Some(reading(0.0, 0)));
    assert_eq!(warnings(&fx), vec![(40, 5)], "{fx:?}");
    let warned = fx
        .iter()
        .find_map(|(_, f)| match f {
            Effect::Warn { text, .. } => Some(text.clone()),
            _ => None,
        })
        .unwrap();
    assert!(
        warned.contains("will be terminated in 5m by its guard"),
        "{warned}"
    );
    assert_eq!(
        terminates(&fx).iter().map(|x| x.0).collect::<Vec<_>>(),
        vec![45],
        "{fx:?}"
    );
}

/// While a warned rule waits out its lead, its row counts down to the DELETE, not to zero.
#[test]
fn the_row_counts_down_to_the_delete_after_the_warning() {
    let (mut e, _) = idle_40_minutes_under_another_enforcer();
    run_between(&mut e, 40..42, |_| Some(reading(0.0, 0)));
    // Warned at 12:40:10; at 12:41:10 four minutes are left.
    let now = t0() + Duration::minutes(41) + Duration::seconds(10);
    assert_eq!(e.row_labels(now)["d1"], "idle ⏱4m");
}

#[test]
fn failed_probes_never_terminate() {
    // Every probe fails: three hours, nothing.
    let mut e = engine();
    let fx = run(&mut e, 180, |_| Some(Err("ssh: connect timed out".into())));
    assert!(terminates(&fx).is_empty(), "{fx:?}");
    assert!(!fx.iter().any(|(_, f)| matches!(f, Effect::Warn { .. })));
    // One probe in seven fails: the idle stretch never lasts 30 minutes.
    let mut e = engine();
    let fx = run(&mut e, 180, |m| {
        Some(if m % 7 == 6 {
            Err("ssh: connect timed out".into())
        } else {
            reading(0.0, 0)
        })
    });
    assert!(terminates(&fx).is_empty(), "{fx:?}");
}

#[test]
fn an_open_session_never_terminates() {
    let mut e = engine();
    let fx = run(&mut e, 180, |_| Some(reading(0.0, 1)));
    assert!(terminates(&fx).is_empty(), "{fx:?}");
}

#[test]
fn too_few_readings_never_terminate() {
    // A reading every other minute: 15 of the 30 a window expects, 24 needed.
    let mut e = engine();
    let fx = run(&mut e, 180, |m| (m % 2 == 0).then(|| reading(0.0, 0)));
    assert!(terminates(&fx).is_empty(), "{fx:?}");
    // No reading at all.
    let mut e = engine();
    assert!(terminates(&run(&mut e, 180, |_| None)).is_empty());
}

#[test]
fn busy_again_starts_over_and_warns_again() {
    let mut e = engine();
    // Idle 20 minutes (warned at 15 left), busy at minute 20, then idle.
    let fx = run(&mut e, 60, |m| {
        Some(reading(if m == 20 { 80.0 } else { 0.0 }, 0))
    });
    let warns: Vec<i64> = fx
        .iter()
        .filter_map(|(m, f)| matches!(f, Effect::Warn { .. }).then_some(*m))
        .collect();
    assert_eq!(warns, vec![15, 36, 46]);
    assert_eq!(
        terminates(&fx).iter().map(|t| t.0).collect::<Vec<_>>(),
        vec![51]
    );
}

// ---- end to end: guard run probing a real sshd ----

fn guard_cmd(args: &[&str]) -> GuardCommand {
    let mut argv = vec!["spheron-tui", "guard"];
    argv.extend(args);
    match Cli::try_parse_from(argv).unwrap().command {
        Some(Command::Guard(g)) => g,
        other => panic!("not a guard command: {other:?}"),
    }
}

/// What `guard run`'s loop saw: the DELETEs sent, its lines, the journal.
struct Ran {
    deletes: Vec<String>,
    lines: Vec<String>,
    journal: Vec<spheron_tui::store::JournalEntry>,
}

/// Where the instance under the idle rule is.
enum Instance<'a> {
    /// A real sshd on loopback (a stand-in `nvidia-smi`), probed over `ssh`.
    Sshd(&'a Sshd),
    /// The demo world's own simulated instance, read through `Instances::Demo`.
    Demo,
}

/// Deploy `idle-box` on the demo server (manual clock), `guard add ID --idle 30m --below 5` on
/// it and on each of the seed deployments `also`, then `guard run`'s loop a virtual minute a
/// step for `minutes`, probing `instance`; at minute `shorter`, if given, `guard add` sets
/// `--idle 5m` on `idle-box` instead.
async fn guard_run_on(
    instance: Instance<'_>,
    also: &[&str],
    minutes: u64,
    shorter: Option<u64>,
) -> Ran {
    let srv = demo::spawn(DemoOptions::for_tests()).await.unwrap();
    let mut o = ClientOptions::new(srv.url(), Some(ApiKey::new(srv.key())));
    o.get_retry_delay = StdDuration::from_millis(10);
    let client = Client::with_options(o).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(&dir.path().join("store.sqlite3")).unwrap();
    let store = StoreHandle::spawn(store);
    let lines: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink_lines = lines.clone();
    let h = srv.handle();
    let ctx = Ctx {
        client: client.clone(),
        store: store.clone(),
        clock: Arc::new(move || h.now()),
        local_offset: chrono::FixedOffset::east_opt(0).unwrap(),
        poll_interval: StdDuration::from_secs(20),
        read_only: false,
        sink: Arc::new(move |_, line| sink_lines.lock().unwrap().push(line.to_string())),
    };
    let home = tempfile::tempdir().unwrap();
    let (key_id, instances) = match instance {
        Instance::Sshd(sshd) => {
            // The instance's key on the account and in the user's ~/.ssh, so the probe names it.
            let ssh = home.path().join(".ssh");
            std::fs::create_dir_all(&ssh).unwrap();
            std::fs::copy(sshd.client_key(), ssh.join("id_work")).unwrap();
            std::fs::write(ssh.join("id_work.pub"), sshd.client_pub()).unwrap();
            let key = client
                .add_ssh_key(&NewSshKey {
                    name: "work".into(),
                    public_key: sshd.client_pub().trim().into(),
                    team_id: None,
                })
                .await
                .unwrap();
            (key.id, Instances::Ssh)
        }
        Instance::Demo => ("sshk_5d2e8a41".to_string(), Instances::Demo(srv.handle())),
    };
    let d =
        support::deploying::deploy_first_offer(&client, "idle-box", "team_demo_01", &key_id).await;
    if let Instance::Sshd(sshd) = instance {
        srv.handle().force_status(&d.id, "running");
        srv.handle()
            .set_ssh(&d.id, "127.0.0.1", sshd.port, &sshd.user);
    }
    for id in std::iter::once(d.id.as_str()).chain(also.iter().copied()) {
        let add = guard_cmd(&["add", id, "--idle", "30m", "--below", "5"]);
        let code = guard::guard(&ctx, &add, &instances).await;
        assert_eq!(code, 0, "{:?}", lines.lock().unwrap());
    }
    let mut run = Runner::new(ctx.clone(), false, "guard run")
        .with_ssh_paths(Some(SshPaths::under(home.path())))
        .with_instances(instances);
    for m in 0..minutes {
        if shorter == Some(m) {
            let add = guard_cmd(&["add", &d.id, "--idle", "5m"]);
            assert_eq!(guard::guard(&ctx, &add, &Instances::Ssh).await, 0);
        }
        run.step().await;
        srv.handle().advance(StdDuration::from_secs(60));
    }
    run.step().await;
    let deletes = srv
        .handle()
        .requests()
        .into_iter()
        .filter(|r| r.method == "DELETE")
        .map(|r| r.path)
        .collect();
    let journal = store.call(|s| s.journal()).await.unwrap();
    let lines = lines.lock().unwrap().clone();
    Ran {
        deletes,
        lines,
        journal,
    }
}

/// [`guard_run_on`] a real sshd, alone.
async fn guard_run_on_instance(
    sshd: &Sshd,
    minutes: u64,
) -> (
    Vec<String>,
    Vec<String>,
    Vec<spheron_tui::store::JournalEntry>,
) {
    let r = guard_run_on(Instance::Sshd(sshd), &[], minutes, None).await;
    (r.deletes, r.lines, r.journal)
}

#[tokio::test(flavor = "multi_thread")]
async fn guard_run_terminates_an_instance_idle_for_30_minutes_and_journals_why() {
    let sshd = Sshd::start();
    sshd.script_gpu(&["2, 1024, 81920|0, 1024, 81920"]);
    sshd.script_sessions(0);
    let (deletes, lines, journal) = guard_run_on_instance(&sshd, 40).await;
    assert_eq!(deletes.len(), 1, "{lines:#?}");
    let all = lines.join("\n");
    assert!(all.contains("guard set on idle-box"), "{all}");
    assert!(
        all.contains("it reads GPU use over SSH once a minute (ssh must reach the instance without a question)"),
        "{all}"
    );
    assert!(all.contains("WARNING: idle-box"), "{all}");
    let row = journal
        .iter()
        .find(|j| j.entry.method == "DELETE")
        .expect("the DELETE journaled");
    assert_eq!(row.entry.source, "guard");
    assert!(
        row.entry.result.starts_with("ok — idle 30m: "),
        "{}",
        row.entry.result
    );
    assert!(
        row.entry.result.contains("every GPU below 5% (at most 2%)"),
        "{}",
        row.entry.result
    );
    // A probe a minute over the one connection.
    let calls = sshd.gpu_calls().len();
    assert!((30..=41).contains(&calls), "{calls} probes");
    println!("journal: {}", serde_json::to_string(&row).unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn guard_run_never_terminates_an_instance_it_cannot_read_or_someone_uses() {
    let sshd = Sshd::start();
    sshd.script_gpu(&["FAIL:NVIDIA-SMI has failed"]);
    sshd.script_sessions(0);
    let (deletes, lines, _) = guard_run_on_instance(&sshd, 45).await;
    assert!(deletes.is_empty(), "{lines:#?}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("GPU-use probe failed") && l.contains("counts as busy")),
        "{lines:#?}"
    );
    let sshd = Sshd::start();
    sshd.script_gpu(&["0, 1024, 81920"]);
    sshd.script_sessions(1);
    let (deletes, lines, _) = guard_run_on_instance(&sshd, 45).await;
    assert!(deletes.is_empty(), "{lines:#?}");
}

/// `--demo`'s instances through the same loop: a fresh deploy (nothing runs on it) and the
/// seed's paused notebook are warned 15 and 5 minutes ahead, then terminated with the evidence
/// in the journal; the seed's busy cluster and its instance that never answers are not.
#[tokio::test(flavor = "multi_thread")]
async fn in_the_demo_a_fresh_deploy_left_idle_is_warned_then_terminated() {
    const PAUSED: &str = "dep_7f3a91c2e0b4"; // llm-finetune
    const BUSY: &str = "dep_c41e9a7b3d55"; // k8s-training-cluster
    const UNREACHABLE: &str = "dep_2b8c4d6e1f90"; // sdxl-batch-spot
    let r = guard_run_on(Instance::Demo, &[PAUSED, BUSY, UNREACHABLE], 45, None).await;
    let all = r.lines.join("\n");
    assert!(
        all.contains("in the demo it reads the demo world's simulated GPU use")
            && !all.contains("ssh must reach"),
        "{all}"
    );
    assert_eq!(r.deletes.len(), 2, "{all}");
    assert!(
        r.deletes.iter().any(|p| p.ends_with(PAUSED)),
        "{:?}",
        r.deletes
    );
    assert!(
        !r.deletes
            .iter()
            .any(|p| p.ends_with(BUSY) || p.ends_with(UNREACHABLE))
    );
    let idle_box = r.deletes.iter().find(|p| !p.ends_with(PAUSED)).unwrap();
    // Warned at 15 and 5 minutes before, in that order, before the DELETE.
    let warned: Vec<&String> = r
        .lines
        .iter()
        .filter(|l| l.contains("WARNING: idle-box (") && l.contains(") will be terminated in"))
        .collect();
    assert_eq!(warned.len(), 2, "{all}");
    assert!(
        warned[0].contains(
            "terminated in 15m by its guard (--idle 30m --below 5, $2.53/h) if it stays idle"
        ),
        "{}",
        warned[0]
    );
    assert!(
        warned[1].contains("terminated in 5m by its guard"),
        "{}",
        warned[1]
    );
    assert!(
        r.lines.iter().any(|l| l.contains(UNREACHABLE)
            && l.contains("GPU-use probe failed (ssh: connect to host 38.140.17.203 port 31722: Connection timed out); it counts as busy")),
        "{all}"
    );
    let row = r
        .journal
        .iter()
        .find(|j| j.entry.method == "DELETE" && &j.entry.path == idle_box)
        .expect("the DELETE journaled");
    assert_eq!(row.entry.source, "guard");
    let result = &row.entry.result;
    assert!(result.starts_with("ok — idle 30m: "), "{result}");
    assert!(
        result.contains("every GPU below 5% (at most 1%)"),
        "{result}"
    );
    assert!(result.contains("no terminal session; last: "), "{result}");
    println!("journal: {}", serde_json::to_string(&row).unwrap());
}

/// `guard run` on the demo's fresh deploy, idle: its 30-minute rule replaced after 20 minutes
/// by a 5-minute one. The readings of those 20 minutes do not count: the new rule warns 5
/// minutes ahead, then terminates, never at once.
#[tokio::test(flavor = "multi_thread")]
async fn guard_run_warns_before_a_shorter_idle_rule_terminates() {
    let r = guard_run_on(Instance::Demo, &[], 35, Some(20)).await;
    let all = r.lines.join("\n");
    assert_eq!(r.deletes.len(), 1, "{all}");
    let at = |l: &str| -> DateTime<Utc> { l[..20].parse().unwrap() };
    let set = t0() + Duration::minutes(20);
    let delete = r
        .journal
        .iter()
        .find(|j| j.entry.method == "DELETE")
        .expect("the DELETE journaled");
    let warned: Vec<DateTime<Utc>> = r
        .lines
        .iter()
        .filter(|l| l.contains("WARNING: idle-box (") && l.contains("will be terminated in 5m"))
        .map(|l| at(l))
        .collect();
    assert_eq!(warned, vec![set], "{all}");
    assert!(
        delete.entry.at >= set + Duration::minutes(5),
        "DELETE at {} {all}",
        delete.entry.at
    );
    assert!(
        delete
            .entry
            .result
            .starts_with("ok — idle 5m: 6 readings from 12:20:00Z"),
        "{}",
        delete.entry.result
    );
}

/// The dashboard's guard (the dashboard's runner, reporting to the app) on the demo's paused
/// notebook, llm-finetune: `T` `idle 30m`, then 20 idle minutes later `T` `idle 5m`. The
/// message log shows the 5-minute warning as the rule is set, and the DELETE comes 5 minutes
/// after it, never at once.
#[tokio::test(flavor = "multi_thread")]
async fn the_dashboards_guard_warns_before_a_shorter_idle_rule_set_with_t_terminates() {
    use spheron_tui::app::{Action, Pane};
    use spheron_tui::runtime::guard::update_of;
    use spheron_tui::runtime::journal::Journal;
    use spheron_tui::runtime::worker::Report;
    const PAUSED: &str = "dep_7f3a91c2e0b4"; // llm-finetune
    let mut h = support::harness::Harness::new().await;
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(&dir.path().join("store.sqlite3")).unwrap();
    let store = StoreHandle::spawn(store);
    h.exec.journal = Journal::new(Some(store.clone()));
    let clock = h.demo.clone();
    let ctx = Ctx {
        client: h.exec.client.clone(),
        store: store.clone(),
        clock: Arc::new(move || clock.now()),
        local_offset: chrono::FixedOffset::east_opt(0).unwrap(),
        poll_interval: StdDuration::from_secs(20),
        read_only: false,
        sink: Arc::new(|_, _| {}),
    };
    let reports: Arc<Mutex<Vec<Report>>> = Arc::default();
    let sink = reports.clone();
    let mut guard = Runner::new(ctx, false, "dashboard")
        .with_reporter(Box::new(move |r| sink.lock().unwrap().push(r)))
        .with_instances(Instances::Demo(h.demo.clone()));
    h.press("2").await;
    let set_in_t = async |h: &mut support::harness::Harness, rule: &str| {
        support::accounts::select(&mut h.state, Pane::Deployments, PAUSED);
        if h.state.guard.idle_warned.contains(PAUSED) {
            // The first key on a warned row answers the warning (a snooze, which the new
            // rule clears); the second opens the dialog.
            h.press("T").await;
        }
        h.press("T").await;
        h.press(rule).await;
        h.key(crossterm::event::KeyCode::Enter).await;
    };
    set_in_t(&mut h, "idle 30m").await;
    let mut deleted_at = None;
    for m in 0..35 {
        if m == 20 {
            set_in_t(&mut h, "idle 5m").await;
        }
        guard.step().await;
        let got = std::mem::take(&mut *reports.lock().unwrap());
        for r in got {
            h.dispatch(Action::Guard(update_of(r))).await;
        }
        let deleted = h.demo.requests().into_iter().any(|r| r.method == "DELETE");
        if deleted && deleted_at.is_none() {
            deleted_at = Some(m);
        }
        h.advance(60).await;
    }
    let log: Vec<String> = h.state.status.log.iter().map(|m| m.text.clone()).collect();
    let all = log.join("\n");
    assert!(
        all.contains(&format!("guard: set on llm-finetune: terminate after 5m idle (GPUs below 5%, no session) (--idle 5m --below 5); {}", spheron_tui::domain::idle::COUNTED_FROM_NOW)),
        "{all}"
    );
    let warned = log
        .iter()
        .position(|l| {
            l.contains(
                "llm-finetune (dep_7f3a91c2e0b4) will be terminated in 5m by its guard (--idle 5m",
            )
        })
        .unwrap_or_else(|| panic!("no warning of the 5-minute rule:\n{all}"));
    let terminated = log
        .iter()
        .position(|l| l.contains("terminated by its guard"))
        .unwrap_or_else(|| panic!("not terminated:\n{all}"));
    assert!(warned < terminated, "{all}");
    assert_eq!(deleted_at, Some(25), "{all}");
}

/// The store keeps a snooze with its idle rule (what `guard run` elsewhere reads); setting the
/// rule again clears it; a deployment without an idle rule has nothing to snooze.
#[test]
fn a_snooze_is_kept_with_its_idle_rule_until_the_rule_is_set_again() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(&dir.path().join("store.sqlite3")).unwrap();
    let idle = StoredRule {
        deployment_id: "d1".into(),
        rule: idle_rule(),
        spec: "--idle 30m --below 5".into(),
        created_at: t0(),
    };
    let deadline = StoredRule {
        deployment_id: "d2".into(),
        rule: GuardRule::Deadline(t0() + Duration::hours(8)),
        spec: "--after 8h".into(),
        created_at: t0(),
    };
    store.put_rule(&idle).unwrap();
    store.put_rule(&deadline).unwrap();
    let until = t0() + Duration::hours(1);
    assert!(store.snooze_rule("d1", until).unwrap());
    assert!(!store.snooze_rule("d2", until).unwrap());
    assert!(!store.snooze_rule("d3", until).unwrap());
    assert_eq!(store.snoozes().unwrap(), [("d1".to_string(), until)].into());
    store.put_rule(&idle).unwrap();
    assert!(store.snoozes().unwrap().is_empty());
}

/// In the dashboard, once the idle rule of a deployment has warned, the next key on its row
/// snoozes the rule for an hour and does nothing else; the key after that acts as usual.
#[test]
fn any_key_on_a_warned_row_snoozes_its_idle_rule_for_an_hour() {
    use spheron_tui::app::guard::GuardUpdate;
    use spheron_tui::app::{Action, Pane, update};
    use support::accounts::{chr, loaded, select};
    let mut s = loaded(false);
    select(&mut s, Pane::Deployments, "dep_sp2");
    update(
        &mut s,
        Action::Guard(GuardUpdate::IdleWarning {
            id: "dep_sp1".into(),
        }),
    );
    // another row: keys act as usual
    assert!(chr(&mut s, 'e').is_empty());
    assert!(s.dialog.is_some());
    s.dialog = None;
    select(&mut s, Pane::Deployments, "dep_sp1");
    let cmds = chr(&mut s, 'x');
    assert_eq!(
        cmds,
        vec![spheron_tui::app::Command::SnoozeGuard {
            id: "dep_sp1".into(),
            name: "sp-train".into(),
            until: s.now + Duration::hours(1),
        }]
    );
    assert!(s.dialog.is_none());
    let said = s.status.flash.as_ref().unwrap().text.clone();
    assert_eq!(
        said,
        "sp-train: idle rule snoozed for 1 h (the key did nothing else)"
    );
    // answered: x opens the terminate dialog again
    chr(&mut s, 'x');
    assert!(s.dialog.is_some());
}

/// A warned row whose rule has gone (its deployment ended, or the rule was removed) takes keys
/// as usual again: nothing is left to snooze.
#[test]
fn a_warned_row_whose_rule_has_gone_takes_keys_as_usual() {
    use spheron_tui::app::guard::GuardUpdate;
    use spheron_tui::app::{Action, Pane, update};
    use support::accounts::{chr, loaded, select};
    let mut s = loaded(false);
    let rule = StoredRule {
        deployment_id: "dep_sp1".into(),
        rule: idle_rule(),
        spec: "--idle 30m --below 5".into(),
        created_at: s.now,
    };
    update(
        &mut s,
        Action::Guard(GuardUpdate::Rules(vec![rule.clone()])),
    );
    let warned = GuardUpdate::IdleWarning {
        id: "dep_sp1".into(),
    };
    update(&mut s, Action::Guard(warned));
    // Still its rule: the mark stays.
    update(&mut s, Action::Guard(GuardUpdate::Rules(vec![rule])));
    assert!(s.guard.idle_warned.contains("dep_sp1"));
    update(&mut s, Action::Guard(GuardUpdate::Rules(vec![])));
    assert!(s.guard.idle_warned.is_empty());
    select(&mut s, Pane::Deployments, "dep_sp1");
    let cmds = chr(&mut s, 'x');
    assert!(
        !cmds
            .iter()
            .any(|c| matches!(c, spheron_tui::app::Command::SnoozeGuard { .. })),
        "{cmds:?}"
    );
    assert!(s.dialog.is_some(), "x opens the terminate dialog");
}
