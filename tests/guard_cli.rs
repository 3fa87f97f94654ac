//! The built binary's `guard` and `journal` commands: exit codes, the store's place, signals.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::support;
use support::binary::{bin, run, text};

#[test]
fn usage_errors_exit_2_and_store_nothing() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["guard", "add", "dep_1", "--after", "soon"][..],
        &["guard", "add", "dep_1", "--max-spend", "-3"],
        &["guard", "add", "dep_1"],
        &["guard", "add", "dep_1", "--after", "1h", "--max-spend", "3"],
        &["guard", "add", "dep_1", "--max-spend", "0.001"],
        &["guard", "add", "dep_1", "--after", "99999999h"],
        &["guard", "run", "--poll-interval", "99999999999999"],
        &["guard", "run", "--poll-interval", "3601"],
    ] {
        let out = run(home.path(), args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    assert!(!home.path().join("data").exists(), "no store was created");
}

#[test]
fn out_of_range_values_name_their_range() {
    let home = tempfile::tempdir().unwrap();
    for (args, range) in [
        (
            &["guard", "add", "dep_1", "--max-spend", "0.001"][..],
            "$0.01 to $1,000,000",
        ),
        (
            &["guard", "add", "dep_1", "--after", "99999999h"],
            "1m to 90d",
        ),
        (
            &["guard", "run", "--poll-interval", "99999999999999"],
            "10 to 3600 s",
        ),
    ] {
        let out = run(home.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(text(&out.stderr).contains(range), "{}", text(&out.stderr));
    }
    // The same interval from config.toml.
    let config = home.path().join("config/spheron-tui");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        "poll_interval_secs = 99999999999999\n",
    )
    .unwrap();
    let out = run(home.path(), &["--demo", "guard", "list"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("10 to 3600 s"));
}

#[test]
fn a_deadline_over_a_year_ahead_needs_force_and_a_new_rule_says_what_it_replaces() {
    let home = tempfile::tempdir().unwrap();
    let id = "dep_7f3a91c2e0b4";
    let far = (chrono::Utc::now() + chrono::Duration::days(400))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let out = run(home.path(), &["--demo", "guard", "add", id, "--at", &far]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("more than a year: give --force"),
        "{}",
        text(&out.stderr)
    );
    let out = run(home.path(), &["--demo", "guard", "list"]);
    assert_eq!(text(&out.stdout).trim(), "no guard rules");
    let out = run(
        home.path(),
        &["--demo", "guard", "add", id, "--at", &far, "--force"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains("replaces"));
    let out = run(
        home.path(),
        &["--demo", "guard", "add", id, "--after", "2h"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.contains("it replaces the rule set") && said.contains(&format!("(--at {far})")),
        "{said}"
    );
}

/// What `guard add --idle` says of its readings is true in each mode: `--demo` reads the demo
/// world's simulated GPU use; against another local API (a standalone `demo-server`) the
/// instance's made-up address is never contacted, so the rule can never fire, and it says so.
#[tokio::test(flavor = "multi_thread")]
async fn guard_add_idle_says_where_its_readings_come_from() {
    let id = "dep_7f3a91c2e0b4"; // llm-finetune, at 65.108.32.14 in the demo
    let home = tempfile::tempdir().unwrap();
    let demo = support::binary::run_ok(
        home.path(),
        &["--demo", "guard", "add", id, "--idle", "30m"],
    );
    assert!(
        demo.contains("in the demo it reads the demo world's simulated GPU use once a minute (no instance is contacted); a failed probe counts as busy"),
        "{demo}"
    );
    assert!(!demo.contains("ssh must reach"), "{demo}");
    assert!(
        demo.contains("its window counts from now (earlier readings do not count), and a warning comes at least 5 minutes before it terminates"),
        "{demo}"
    );
    let srv = spheron_tui::demo::spawn(spheron_tui::demo::DemoOptions::for_tests())
        .await
        .unwrap();
    let out =
        support::binary::against_fresh(&srv.url(), &["guard", "add", id, "--idle", "30m"]).await;
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let host = srv.url().trim_start_matches("http://").to_string();
    assert!(
        said.contains(&format!("but the instance is never probed (not contacted: 65.108.32.14 comes from the API at {host}, not app.spheron.ai (its addresses may be made up)): every probe counts as busy, so this rule never terminates it")),
        "{said}"
    );
}

#[test]
fn an_unknown_deployment_exits_1_and_the_demo_store_stays_empty() {
    let home = tempfile::tempdir().unwrap();
    let out = run(
        home.path(),
        &["--demo", "guard", "add", "dep_nope", "--after", "1h"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("not found"),
        "{}",
        text(&out.stderr)
    );
    let out = run(home.path(), &["--demo", "guard", "list"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("no guard rules"));
    let out = run(home.path(), &["--demo", "journal", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout).trim(), "[]");
    // The demo keeps its own store file, apart from the real one.
    let data = home.path().join("data/spheron-tui");
    assert!(data.join("spheron-tui-demo.sqlite3").exists());
    assert!(!data.join("spheron-tui.sqlite3").exists());
    let out = run(home.path(), &["info"]);
    assert!(
        text(&out.stdout).contains("spheron-tui.sqlite3"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn guard_run_stops_on_each_ending_signal_with_its_code_and_frees_the_lock() {
    for (sig, code) in [("-INT", 130), ("-TERM", 143), ("-HUP", 129), ("-QUIT", 131)] {
        let home = tempfile::tempdir().unwrap();
        let mut child = bin(home.path())
            .args(["--demo", "guard", "run"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        assert!(first.contains("enforcing the guard rules"), "{first}");
        let pid = child.id().to_string();
        let killed = Command::new("kill").args([sig, &pid]).status().unwrap();
        assert!(killed.success());
        assert_eq!(child.wait().unwrap().code(), Some(code), "{sig}");
        // Given up at once: the next enforcer need not wait for it to expire.
        let store = home
            .path()
            .join("data/spheron-tui/spheron-tui-demo.sqlite3");
        let (s, _) = spheron_tui::store::Store::open(&store).unwrap();
        assert_eq!(s.lock_holder(chrono::Utc::now()).unwrap(), None, "{sig}");
    }
}

#[test]
fn a_corrupt_store_is_moved_aside_and_the_dashboard_still_starts_and_logs_it() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data/spheron-tui");
    std::fs::create_dir_all(&data).unwrap();
    let store = data.join("spheron-tui-demo.sqlite3");
    std::fs::write(&store, b"not a database at all, just some text ".repeat(40)).unwrap();
    let snapshot = |keys: &str| {
        let out = run(
            home.path(),
            &[
                "snapshot",
                "--demo",
                "--pane",
                "deployments",
                "--size",
                "200x30",
                "--keys",
                keys,
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let screen = snapshot("");
    assert!(
        screen.contains("the local store was not a usable database (")
            && screen.contains("moved aside"),
        "the notice is shown:\n{screen}"
    );
    let moved: Vec<_> = std::fs::read_dir(&data)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".corrupt-"))
        .collect();
    assert_eq!(moved.len(), 1, "{moved:?}");
    // Next time, in the message log too, until it is acknowledged.
    let log = snapshot("m");
    assert!(
        log.contains("the local store was not a usable database"),
        "in the message log:\n{log}"
    );
}

/// The demo store under `home`, holding a rule for each of `ids` (and its marker: a store
/// this program made).
fn demo_store_with_rules(home: &std::path::Path, ids: &[&str]) -> std::path::PathBuf {
    let path = home.join("data/spheron-tui/spheron-tui-demo.sqlite3");
    let (s, _) = spheron_tui::store::Store::open(&path).unwrap();
    let now = chrono::Utc::now();
    for id in ids {
        s.put_rule(&spheron_tui::store::StoredRule {
            deployment_id: id.to_string(),
            rule: spheron_tui::domain::guard::GuardRule::Deadline(now + chrono::Duration::hours(3)),
            spec: "--after 3h".into(),
            created_at: now,
        })
        .unwrap();
    }
    path
}

#[test]
fn a_store_truncated_to_zero_bytes_makes_guard_list_fail_until_acknowledged() {
    let home = tempfile::tempdir().unwrap();
    let store = demo_store_with_rules(home.path(), &["dep_a", "dep_b", "dep_c"]);
    std::fs::File::create(&store).unwrap();
    let out = run(home.path(), &["--demo", "guard", "list"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the local store read empty")
            && err.contains(".empty-")
            && err.contains("guard rules, watches and journal are gone")
            && err.contains("spheron-tui guard ack-loss"),
        "{err}"
    );
    // Said again at every list until acknowledged; then a plain empty list.
    let out = run(home.path(), &["--demo", "guard", "list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("the local store read empty"));
    let out = run(home.path(), &["--demo", "guard", "ack-loss"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = run(home.path(), &["--demo", "guard", "list"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "no guard rules");
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn a_corrupt_store_is_moved_aside_and_its_rules_come_back_with_guard_list_failing() {
    let home = tempfile::tempdir().unwrap();
    let store = demo_store_with_rules(home.path(), &["dep_a", "dep_b", "dep_c"]);
    // Break a page the rules do not live on (the journal's index).
    let (page_size, root): (i64, i64) = {
        let c = rusqlite::Connection::open(&store).unwrap();
        let size = c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
        let root = c
            .query_row(
                "SELECT rootpage FROM sqlite_master WHERE name = 'journal_at'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        (size, root)
    };
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(&store)
            .unwrap();
        f.seek(SeekFrom::Start(((root - 1) * page_size) as u64))
            .unwrap();
        f.write_all(&vec![0xA5; page_size as usize]).unwrap();
    }
    let out = run(home.path(), &["--demo", "guard", "list"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("not a usable database")
            && stderr.contains(".corrupt-")
            && stderr.contains("read from it and kept: 3 guard rules"),
        "{stderr}"
    );
    for id in ["dep_a", "dep_b", "dep_c"] {
        assert!(stdout.contains(id), "{id} is listed again:\n{stdout}");
    }
    let out = run(home.path(), &["--demo", "guard", "ack-loss"]);
    assert_eq!(out.status.code(), Some(0));
    let out = run(home.path(), &["--demo", "guard", "list"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("dep_b"));
}

/// `guard list` names each rule's deployment as the account's lists do, and says so where
/// no list shows it instead of guessing.
#[test]
fn guard_list_shows_each_deployment_by_id_and_name() {
    let home = tempfile::tempdir().unwrap();
    demo_store_with_rules(home.path(), &["dep_7f3a91c2e0b4", "dep_gone"]);
    let out = run(home.path(), &["--demo", "guard", "list"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("DEPLOYMENT") && lines[0].contains(" NAME "),
        "{stdout}"
    );
    let row = |id: &str| {
        let r = lines.iter().find(|l| l.starts_with(id)).unwrap();
        r.split_whitespace().collect::<Vec<_>>()
    };
    assert_eq!(row("dep_7f3a91c2e0b4")[1], "llm-finetune", "{stdout}");
    assert_eq!(row("dep_gone")[1..3], ["(name", "unknown)"], "{stdout}");
    assert!(
        !stdout.contains("dep_gone (") && stderr.is_empty(),
        "{stderr}"
    );
}

/// `guard snooze` and `guard rm` name the deployment they acted on, with its id; one the API no
/// longer knows is named by its id and why its name is not said.
#[test]
fn guard_rm_and_snooze_name_the_deployment() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let id = "dep_7f3a91c2e0b4";
    let out = run(h, &["--demo", "guard", "add", id, "--idle", "30m"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = run(h, &["--demo", "guard", "snooze", id]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.starts_with(&format!("idle rule of llm-finetune ({id}) snoozed until ")),
        "{said}"
    );
    assert!(said.contains(" UTC"), "a local time with its zone: {said}");
    let out = run(h, &["--demo", "guard", "rm", id]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!("guard removed from llm-finetune ({id})\n")
    );
    demo_store_with_rules(h, &["dep_gone"]);
    let out = run(h, &["--demo", "guard", "rm", "dep_gone"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.starts_with("guard removed from dep_gone (its name could not be read: "),
        "{said}"
    );
}

/// The journal's DELETE rows in the demo store under `home`, once one has an outcome (or
/// after 60 s of waiting for one).
fn deletes_recorded(home: &std::path::Path) -> Vec<(String, String)> {
    let path = home.join("data/spheron-tui/spheron-tui-demo.sqlite3");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let rows: Vec<(String, String)> = spheron_tui::store::Store::open(&path)
            .and_then(|(s, _)| s.journal())
            .unwrap_or_default()
            .into_iter()
            .filter(|r| r.entry.method == "DELETE" && r.outcome_known)
            .map(|r| (r.entry.path, r.entry.result))
            .collect();
        if !rows.is_empty() || std::time::Instant::now() > deadline {
            return rows;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn guard_run_still_terminates_with_its_output_closed_or_full() {
    // A seeded demo deployment, running for hours: past a one-cent ceiling at once.
    let id = "dep_7f3a91c2e0b4";
    for how in ["closed pipe", "/dev/full"] {
        let home = tempfile::tempdir().unwrap();
        let out = run(
            home.path(),
            &["--demo", "guard", "add", id, "--max-spend", "0.01"],
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let mut cmd = bin(home.path());
        cmd.args(["--demo", "guard", "run"]).stderr(Stdio::null());
        let mut child = if how == "/dev/full" {
            let full = std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap();
            cmd.stdout(full).spawn().unwrap()
        } else {
            // `guard run | head -c 1`: one byte read, then the reader goes away.
            let mut child = cmd.stdout(Stdio::piped()).spawn().unwrap();
            let mut byte = [0u8; 1];
            use std::io::Read as _;
            child.stdout.take().unwrap().read_exact(&mut byte).unwrap();
            child
        };
        let rows = deletes_recorded(home.path());
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let code = child.wait().unwrap().code();
        assert_eq!(
            rows,
            vec![(format!("/api/deployments/{id}"), "ok".to_string())],
            "{how}"
        );
        assert_eq!(code, Some(143), "{how}: ended by SIGTERM, not a panic");
    }
}

/// `journal` names what each write was about as it was called when the write was sent, beside
/// its id (a key deleted by `key rm`, a deployment the guard terminated); `--json` keeps
/// `targetId` and adds `targetName`.
#[test]
fn the_journal_names_each_target_beside_its_id() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let id = "dep_7f3a91c2e0b4";
    let out = run(h, &["--demo", "guard", "add", id, "--max-spend", "0.01"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut child = bin(h)
        .args(["--demo", "guard", "run"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let rows = deletes_recorded(h);
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    child.wait().unwrap();
    assert!(
        rows.iter().any(|(p, _)| p.ends_with(id)),
        "the guard terminated it: {rows:?}"
    );
    let out = run(h, &["--demo", "key", "rm", "laptop-ed25519", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let table = text(&run(h, &["--demo", "journal"]).stdout);
    let row = |what: &str| {
        table
            .lines()
            .find(|l| l.contains(what))
            .unwrap_or_else(|| panic!("no {what} row:\n{table}"))
            .to_string()
    };
    assert!(
        row("/api/ssh-keys/").contains(" laptop-ed25519 (sshk_5d2e8a41) "),
        "{table}"
    );
    assert!(
        row("/api/deployments/").contains(&format!(" llm-finetune ({id}) ")),
        "{table}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&run(h, &["--demo", "journal", "--json"]).stdout).unwrap();
    let names: Vec<(&str, &str)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["targetId"].as_str().unwrap_or(""),
                r["targetName"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(
        names.contains(&("sshk_5d2e8a41", "laptop-ed25519")),
        "{json}"
    );
    assert!(names.contains(&(id, "llm-finetune")), "{json}");
}

/// Wait (at most 60 s) until `done` holds.
fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !done() {
        assert!(std::time::Instant::now() < deadline, "timed out: {what}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn an_enforcer_killed_mid_delete_leaves_the_next_one_one_more_delete_and_the_journal_both() {
    use spheron_tui::demo::{self, DemoOptions};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let srv = rt.block_on(demo::spawn(DemoOptions::for_tests())).unwrap();
    let h = srv.handle();
    // A running deployment past its minimum runtime.
    let setup = spheron_tui::api::Client::new(
        &srv.url(),
        Some(spheron_tui::credentials::ApiKey::new(srv.key())),
    )
    .unwrap();
    let id = rt.block_on(async {
        let list = setup.deployments(&Default::default()).await.unwrap();
        list.into_iter()
            .find(|d| d.status.to_string() == "running")
            .expect("a running demo deployment")
            .id
    });
    h.advance(std::time::Duration::from_secs(25 * 60));
    // Its rule is overdue (the store of a real account: `--api-url`, not `--demo`).
    let home = tempfile::tempdir().unwrap();
    let store = home.path().join("data/spheron-tui/spheron-tui.sqlite3");
    let (s, _) = spheron_tui::store::Store::open(&store).unwrap();
    let now = chrono::Utc::now();
    s.put_rule(&spheron_tui::store::StoredRule {
        deployment_id: id.clone(),
        rule: spheron_tui::domain::guard::GuardRule::Deadline(now - chrono::Duration::minutes(1)),
        spec: "--after 1m".into(),
        created_at: now - chrono::Duration::minutes(2),
    })
    .unwrap();
    // The first DELETE reaches the server and hangs there, unanswered.
    h.inject(spheron_tui::demo::parse_fault_spec("DELETE /api/deployments=slow:600000").unwrap());
    let enforcer = || {
        bin(home.path())
            .args(["--api-url", &srv.url(), "guard", "run"])
            .env("SPHERON_API_KEY", srv.key())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let deletes = || {
        h.requests()
            .into_iter()
            .filter(|r| r.method == "DELETE")
            .count()
    };
    let mut first = enforcer();
    wait_until("the first DELETE to reach the server", || deletes() == 1);
    first.kill().unwrap();
    first.wait().unwrap();
    let mut second = enforcer();
    let rules = || s.rules().unwrap().len();
    wait_until("the second enforcer to end the rule", || rules() == 0);
    let _ = Command::new("kill")
        .args(["-TERM", &second.id().to_string()])
        .status();
    assert_eq!(second.wait().unwrap().code(), Some(143));
    assert_eq!(deletes(), 2, "at most one more DELETE");
    // The journal shows both: the first with no answer, the second done.
    let rows: Vec<(bool, String)> = s
        .journal()
        .unwrap()
        .into_iter()
        .map(|r| (r.outcome_known, r.entry.result))
        .collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(
        !rows[0].0 && rows[0].1.contains("outcome unknown"),
        "{rows:?}"
    );
    assert_eq!(rows[1], (true, "ok".to_string()));
    let out = run(home.path(), &["journal"]);
    assert!(
        text(&out.stdout).contains("outcome unknown"),
        "{}",
        text(&out.stdout)
    );
    drop(srv);
}

/// Fill the file system holding `dir` (write until it is full): the error is "no space".
fn fill(dir: &std::path::Path) {
    use std::io::Write as _;
    let mut f = std::fs::File::create(dir.join("filler")).unwrap();
    let chunk = vec![0u8; 16 * 1024];
    let e = loop {
        if let Err(e) = f.write_all(&chunk).and_then(|()| f.sync_all()) {
            break e;
        }
    };
    assert_eq!(e.raw_os_error(), Some(28), "ENOSPC, got {e}");
}

#[test]
fn guard_run_keeps_enforcing_on_a_full_disk_and_writes_the_journal_when_space_is_back() {
    use spheron_tui::demo::{self, DemoOptions};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let srv = rt.block_on(demo::spawn(DemoOptions::for_tests())).unwrap();
    let h = srv.handle();
    let client = spheron_tui::api::Client::new(
        &srv.url(),
        Some(spheron_tui::credentials::ApiKey::new(srv.key())),
    )
    .unwrap();
    let status = |id: &str| h.deployment_status(id).unwrap_or_default();
    let id = rt.block_on(async {
        let list = client.deployments(&Default::default()).await.unwrap();
        list.into_iter()
            .find(|d| d.status.to_string() == "running")
            .expect("a running demo deployment")
            .id
    });
    // Past its minimum runtime, and past a one-cent ceiling.
    h.advance(std::time::Duration::from_secs(25 * 60));
    // Its DELETE fails until the disk is full.
    h.inject(spheron_tui::demo::parse_fault_spec("DELETE /api/deployments=500x100000").unwrap());
    // The data directory is a 1 MiB tmpfs of its own (a mount namespace: `unshare`).
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let script = r#"mount -t tmpfs -o size=1m tmpfs "$XDG_DATA_HOME" \
        && "$BIN" --api-url "$URL" guard add "$ID" --max-spend 0.01 >&2 \
        && exec "$BIN" --api-url "$URL" guard run"#;
    let mut cmd = Command::new("unshare");
    cmd.args(["-Urm", "sh", "-c", script])
        .env_clear()
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", &data)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("BIN", env!("CARGO_BIN_EXE_spheron-tui"))
        .env("URL", srv.url())
        .env("ID", &id)
        .env("SPHERON_API_KEY", srv.key())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .expect("unshare (util-linux) runs this test: install it");
    let pid = child.id();
    let out = child.stdout.take().unwrap();
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen = lines.clone();
    let reader = std::thread::spawn(move || {
        for l in BufReader::new(out).lines().map_while(Result::ok) {
            seen.lock().unwrap().push(l);
        }
    });
    let said = |what: &str| lines.lock().unwrap().iter().any(|l| l.contains(what));
    let deletes = || {
        h.requests()
            .into_iter()
            .filter(|r| r.method == "DELETE")
            .count()
    };
    wait_until("the first DELETE (failing)", || deletes() >= 1);
    // The store, as guard run sees it inside its namespace.
    let inside = std::path::PathBuf::from(format!("/proc/{pid}/root"))
        .join(data.strip_prefix("/").unwrap().join("spheron-tui"));
    fill(&inside);
    let before = deletes();
    h.clear_faults();
    // The next try goes out with the store refusing every write, and ends the deployment.
    wait_until("the deployment to be terminated", || {
        status(&id) == "terminated"
    });
    assert!(deletes() > before);
    wait_until("the store's failure said", || {
        said("WARNING: the local store failed")
    });
    assert!(
        said("the guard keeps enforcing the 1 rule it holds"),
        "{:?}",
        lines.lock().unwrap()
    );
    // Space again: what could not be written is written (the journal's rows, the rule's end).
    std::fs::remove_file(inside.join("filler")).unwrap();
    wait_until("the store to work again", || {
        said("the local store works again")
    });
    // SQLite resolves /proc/PID/root to this namespace's `/`: the store is read from a copy.
    let copies = tempfile::tempdir().unwrap();
    let copy = || {
        let to = copies
            .path()
            .join(format!("{}.sqlite3", std::process::id()));
        for suffix in ["", "-wal"] {
            let from = inside.join(format!("spheron-tui.sqlite3{suffix}"));
            let to = std::path::PathBuf::from(format!("{}{suffix}", to.display()));
            let _ = std::fs::remove_file(&to);
            if from.exists() {
                std::fs::copy(&from, &to).unwrap();
            }
        }
        to
    };
    let rules_left = || {
        let c = rusqlite::Connection::open(copy()).map_err(|e| e.to_string())?;
        c.query_row("SELECT count(*) FROM guard_rules", [], |r| {
            r.get::<_, i64>(0)
        })
        .map_err(|e| e.to_string())
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
    while rules_left() != Ok(0) {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out: the rule to end ({:?}); guard run said {:#?}",
            rules_left(),
            lines.lock().unwrap()
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let (s, _) = spheron_tui::store::Store::open(&copy()).unwrap();
    let journal: Vec<(String, bool, String)> = s
        .journal()
        .unwrap()
        .into_iter()
        .filter(|r| r.entry.method == "DELETE")
        .map(|r| (r.entry.path, r.outcome_known, r.entry.result))
        .collect();
    assert!(
        journal
            .iter()
            .any(|(p, known, result)| p.ends_with(&id) && *known && result == "ok"),
        "the DELETE sent on the full disk is journaled once space is back: {journal:?}"
    );
    let _ = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
    let code = child.wait().unwrap().code();
    reader.join().unwrap();
    assert_eq!(code, Some(143), "{:?}", lines.lock().unwrap());
    // Exactly one DELETE succeeded: the deployment ended once.
    assert_eq!(status(&id), "terminated");
    drop(srv);
}

/// A directory for PATH holding only a stand-in `systemctl` that answers `is-enabled` and
/// `is-active` with these words (no real service manager is asked).
fn stand_in_systemctl(dir: &std::path::Path, enabled: &str, active: &str) {
    use std::os::unix::fs::PermissionsExt as _;
    let script = dir.join("systemctl");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\ncase \"$2\" in is-enabled) echo {enabled};; is-active) echo {active};; *) exit 9;; esac\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// `systemd-analyze --user verify` on `unit`: the unit's syntax and its ExecStart program.
fn systemd_verify(unit: &std::path::Path) -> std::process::Output {
    let runtime = tempfile::tempdir().unwrap();
    Command::new("systemd-analyze")
        .args(["--user", "verify"])
        .arg(unit)
        .env("XDG_RUNTIME_DIR", runtime.path())
        .output()
        .expect("systemd-analyze (package systemd) is needed for this test")
}

#[test]
fn guard_service_writes_a_systemd_user_unit_reads_it_back_and_removes_it() {
    let home = tempfile::tempdir().unwrap();
    let no_tools = tempfile::tempdir().unwrap();
    let service = |args: &[&str], path: &std::path::Path| {
        let mut c = bin(home.path());
        c.env("PATH", path).args(["guard", "service"]).args(args);
        c.output().unwrap()
    };
    let unit = home
        .path()
        .join("config/systemd/user/spheron-guard.service");
    let exe = std::fs::canonicalize(env!("CARGO_BIN_EXE_spheron-tui")).unwrap();
    let log = home.path().join("data/spheron-tui/spheron-guard.log");

    // Not installed yet: status says so and exits 1.
    let out = service(&["status"], no_tools.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("not installed"), "{out:?}");

    let out = service(&["install"], no_tools.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    let written = std::fs::read_to_string(&unit).unwrap();
    assert!(
        written.contains(&format!("ExecStart={} guard run\n", exe.display())),
        "{written}"
    );
    for line in [
        format!("StandardOutput=append:{}", log.display()),
        format!("StandardError=append:{}", log.display()),
        "Restart=on-failure".to_string(),
        "WantedBy=default.target".to_string(),
    ] {
        assert!(written.contains(&line), "{line} in\n{written}");
    }
    assert!(log.parent().unwrap().is_dir(), "the log's directory exists");
    // It shows the file and what to run, and enables nothing itself.
    assert!(said.contains(&unit.display().to_string()), "{said}");
    assert!(
        said.contains(&format!("    ExecStart={} guard run", exe.display())),
        "{said}"
    );
    assert!(
        said.contains("systemctl --user enable --now spheron-guard.service"),
        "{said}"
    );
    assert!(
        text(&out.stderr).contains("no API key is saved"),
        "a service with no key cannot enforce: {}",
        text(&out.stderr)
    );
    let verified = systemd_verify(&unit);
    assert!(verified.status.success(), "{verified:?}");

    // Installing again changes nothing.
    let out = service(&["install"], no_tools.path());
    assert!(text(&out.stdout).contains("already installed"), "{out:?}");

    // Status reads it back; without systemctl it says what it cannot tell.
    let out = service(&["status"], no_tools.path());
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let said = text(&out.stdout);
    for line in [
        format!("installed: systemd user unit {}", unit.display()),
        format!("runs: {} … guard run", exe.display()),
        format!("log: {}", log.display()),
        "current: it is what `guard service install` writes now".to_string(),
        "systemctl is not on PATH: whether it is enabled and running is not known".to_string(),
    ] {
        assert!(said.contains(&line), "{line} in\n{said}");
    }

    // While systemctl says it is enabled and running, uninstall removes nothing.
    let tools = tempfile::tempdir().unwrap();
    stand_in_systemctl(tools.path(), "enabled", "active");
    let out = service(&["status"], tools.path());
    assert!(
        text(&out.stdout).contains("systemctl --user: enabled, active"),
        "{out:?}"
    );
    let out = service(&["uninstall"], tools.path());
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        text(&out.stderr).contains("systemctl --user disable --now spheron-guard.service"),
        "{out:?}"
    );
    assert!(unit.exists(), "kept while it runs");

    // Stopped: uninstall removes the file, and status says it is gone.
    stand_in_systemctl(tools.path(), "disabled", "inactive");
    let out = service(&["uninstall"], tools.path());
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(!unit.exists());
    assert!(
        text(&out.stdout).contains(&format!("removed {}", unit.display())),
        "{out:?}"
    );
    let out = service(&["status"], no_tools.path());
    assert_eq!(out.status.code(), Some(1));
    // Uninstalling what is not there is no error.
    let out = service(&["uninstall"], no_tools.path());
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

#[test]
fn a_service_unit_quotes_a_program_path_with_spaces_and_percent_signs() {
    use spheron_tui::domain::guard_service::{Manager, Spec, program};
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("my tools 100%");
    std::fs::create_dir_all(&odd).unwrap();
    let exe = odd.join("spheron-tui");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_spheron-tui"), &exe).unwrap();
    let spec = Spec {
        exe: exe.clone(),
        global_args: vec!["--api-url".into(), "http://127.0.0.1:9/a b".into()],
        log: dir.path().join("log 50%.log"),
    };
    let unit_text = Manager::Systemd.text(&spec);
    assert_eq!(
        program(Manager::Systemd, &unit_text).as_deref(),
        Some(exe.to_str().unwrap())
    );
    let unit = dir.path().join("spheron-guard.service");
    std::fs::write(&unit, &unit_text).unwrap();
    let verified = systemd_verify(&unit);
    assert!(verified.status.success(), "{verified:?}\n{unit_text}");
    let plist = Manager::Launchd.text(&spec);
    assert_eq!(
        program(Manager::Launchd, &plist).as_deref(),
        Some(exe.to_str().unwrap())
    );
    assert!(plist.contains("<string>--api-url</string>"), "{plist}");
}

#[test]
fn the_demo_and_read_only_install_no_service() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["--demo", "guard", "service", "install"][..],
        &["--read-only", "guard", "service", "install"],
    ] {
        let out = run(home.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
    }
    assert!(!home.path().join("config/systemd").exists());
}
