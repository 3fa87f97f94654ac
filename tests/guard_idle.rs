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
            "idle 30m: 30 readings from {} to {}",
            hm(1),
            hm(30)
        )),
        "{evidence}"
    );
    assert!(
        evidence.contains("every GPU below 5% (at most 1%)"),
        "{evidence}"
    );
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
/// step for `minutes`, probing `instance`.
async fn guard_run_on(instance: Instance<'_>, also: &[&str], minutes: u64) -> Ran {
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
        let code = guard::guard(
            &ctx,
            &guard_cmd(&["add", id, "--idle", "30m", "--below", "5"]),
        )
        .await;
        assert_eq!(code, 0, "{:?}", lines.lock().unwrap());
    }
    let mut run = Runner::new(ctx.clone(), false, "guard run")
        .with_ssh_paths(Some(SshPaths::under(home.path())))
        .with_instances(instances);
    for _ in 0..minutes {
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
    let r = guard_run_on(Instance::Sshd(sshd), &[], minutes).await;
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
    let r = guard_run_on(Instance::Demo, &[PAUSED, BUSY, UNREACHABLE], 45).await;
    let all = r.lines.join("\n");
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
