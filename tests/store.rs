//! The local store: migrations, recovery from a bad file, crash safety, two writers, the
//! enforcer lock. Crash and concurrency tests run this test binary again as child processes
//! (`child_writer`), so the writers really are other processes.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;
use spheron_tui::domain::guard::GuardRule;
use spheron_tui::store::{LockState, NewJournalEntry, Store, StoredRule, schema};

fn t0() -> DateTime<Utc> {
    spheron_tui::demo::test_epoch()
}

fn entry(n: usize, source: &str) -> NewJournalEntry {
    NewJournalEntry {
        at: t0() + Duration::seconds(n as i64),
        source: source.to_string(),
        method: "DELETE".into(),
        path: format!("/api/deployments/d{n}"),
        target_id: Some(format!("d{n}")),
        target_name: Some(format!("train-{n}")),
        result: "ok".into(),
        usd_per_hour: Some(2.5),
    }
}

fn rule(id: &str) -> StoredRule {
    StoredRule {
        deployment_id: id.into(),
        rule: GuardRule::Deadline(t0() + Duration::hours(1)),
        spec: "--after 1h".into(),
        created_at: t0(),
    }
}

#[test]
fn a_new_file_is_created_at_the_latest_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/store.sqlite3");
    let (store, report) = Store::open(&path).unwrap();
    assert_eq!(report.notice, None);
    assert_eq!(store.schema_version().unwrap(), schema::LATEST);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "the journal is private");
    store.put_rule(&rule("d1")).unwrap();
    store.record(&entry(1, "guard")).unwrap();
    drop(store);
    // Reopening keeps everything and migrates nothing.
    let (store, report) = Store::open(&path).unwrap();
    assert_eq!(report.notice, None);
    assert_eq!(store.rules().unwrap(), vec![rule("d1")]);
    assert_eq!(store.journal().unwrap().len(), 1);
    let mode: String = Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

/// The journal keeps the name of what a write was about; a row written before names were kept
/// reads with none (its id alone), and an outcome fills a name the row lacks, never another.
#[test]
fn the_journal_keeps_each_targets_name_and_older_rows_read_without_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite3");
    {
        let c = Connection::open(&path).unwrap();
        for m in &schema::MIGRATIONS[..10] {
            c.execute_batch(m).unwrap();
        }
        c.pragma_update(None, "user_version", 10).unwrap();
        c.execute(
            "INSERT INTO journal (at, source, method, path, target_id, result, usd_per_hour, pending)
             VALUES ('2026-11-28T12:00:00.000Z', 'cli', 'DELETE', '/api/ssh-keys/k1', 'k1', 'ok', NULL, 0)",
            [],
        )
        .unwrap();
    }
    let (store, _) = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), schema::LATEST);
    store.record(&entry(1, "guard")).unwrap();
    let mut ahead = entry(2, "dashboard");
    ahead.target_id = None;
    ahead.target_name = None;
    let row = store.record_intent(&ahead).unwrap();
    let created = spheron_tui::store::Target {
        id: Some("d2"),
        name: Some("fresh"),
    };
    store.record_outcome(row, "ok", created, None).unwrap();
    let named: Vec<(Option<String>, Option<String>)> = store
        .journal()
        .unwrap()
        .into_iter()
        .map(|r| (r.entry.target_id, r.entry.target_name))
        .collect();
    assert_eq!(
        named,
        [
            (Some("k1".into()), None),
            (Some("d1".into()), Some("train-1".into())),
            (Some("d2".into()), Some("fresh".into())),
        ]
    );
}

#[test]
fn an_older_file_is_migrated_and_keeps_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite3");
    {
        let c = Connection::open(&path).unwrap();
        c.execute_batch(schema::MIGRATIONS[0]).unwrap();
        c.pragma_update(None, "user_version", 1).unwrap();
        c.execute(
            "INSERT INTO guard_rules VALUES ('old', 'max_spend', NULL, 50.0, '--max-spend 50', '2026-11-28T12:00:00.000Z')",
            [],
        )
        .unwrap();
    }
    let (mut store, report) = Store::open(&path).unwrap();
    assert_eq!(report.notice, None);
    assert_eq!(store.schema_version().unwrap(), schema::LATEST);
    let rules = store.rules().unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].rule, GuardRule::MaxSpend(50.0));
    // The table migration 2 added works.
    let lock = store
        .acquire_lock("a", "guard run", t0(), Duration::seconds(60))
        .unwrap();
    assert_eq!(lock, LockState::Held);
}

#[test]
fn a_corrupt_file_is_moved_aside_and_a_new_one_started() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite3");
    let garbage = b"this is not a database, it is a shopping list: milk, eggs, bread. ".repeat(20);
    std::fs::write(&path, &garbage).unwrap();
    let (store, report) = Store::open(&path).unwrap();
    let notice = report.notice.expect("a notice");
    assert!(notice.contains("moved aside to"), "{notice}");
    let aside = report.moved_to.expect("moved");
    assert!(aside.to_string_lossy().contains(".corrupt-"));
    assert_eq!(
        std::fs::read(&aside).unwrap(),
        garbage,
        "the old file is kept"
    );
    store.put_rule(&rule("d1")).unwrap();
    assert_eq!(store.rules().unwrap().len(), 1);
}

/// A store at `path` holding three rules, a watch and two journal rows, closed again.
fn filled_store(path: &Path) {
    let (s, report) = Store::open(path).unwrap();
    assert_eq!(report.loss, None);
    for id in ["d1", "d2", "d3"] {
        s.put_rule(&rule(id)).unwrap();
    }
    let watch = spheron_tui::domain::watch::WatchSpec {
        gpu: "h100".into(),
        max_gpu_price: 2.5,
        instance_type: None,
        min_count: None,
        provider: None,
        region: None,
    };
    s.add_watch(&watch, t0()).unwrap();
    s.record(&entry(1, "guard")).unwrap();
    s.record(&entry(2, "dashboard")).unwrap();
    let plan = "llama-3.1-70b@fp8/32768 kv:bf16 batch:1 task:infer";
    s.set_setting(spheron_tui::store::settings::PLAN, Some(plan), t0())
        .unwrap();
}

/// Overwrite the root page of index `index` with garbage: the file is no longer a sound
/// database, but the tables' own pages still read.
fn break_index(path: &Path, index: &str) {
    let (page_size, root): (i64, i64) = {
        let c = Connection::open(path).unwrap();
        let size = c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
        let root = c
            .query_row(
                "SELECT rootpage FROM sqlite_master WHERE name = ?1",
                [index],
                |r| r.get(0),
            )
            .unwrap();
        (size, root)
    };
    use std::io::{Seek, SeekFrom, Write};
    let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    f.seek(SeekFrom::Start(((root - 1) * page_size) as u64))
        .unwrap();
    f.write_all(&vec![0xA5; page_size as usize]).unwrap();
}

#[test]
fn a_store_truncated_to_zero_bytes_is_a_loss_said_and_kept_until_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite3");
    filled_store(&path);
    std::fs::File::create(&path).unwrap(); // truncated to 0 bytes
    let (store, report) = Store::open(&path).unwrap();
    let loss = report.loss.expect("the loss is reported");
    let aside = report.moved_to.expect("moved aside");
    assert!(aside.to_string_lossy().contains(".empty-"), "{aside:?}");
    assert_eq!(
        std::fs::metadata(&aside).unwrap().len(),
        0,
        "the old file is kept"
    );
    let notice = report.notice.unwrap();
    assert!(
        notice.starts_with("the local store read empty")
            && notice.contains(&aside.display().to_string())
            && notice.contains("nothing could be read from it"),
        "{notice}"
    );
    assert_eq!(store.unacknowledged_losses().unwrap(), vec![loss]);
    drop(store);
    // Still there at the next open, until acknowledged; then gone, and no new loss is seen.
    let (store, report) = Store::open(&path).unwrap();
    assert_eq!(report.loss, None);
    assert_eq!(store.unacknowledged_losses().unwrap().len(), 1);
    assert_eq!(store.acknowledge_losses(t0()).unwrap(), 1);
    assert!(store.unacknowledged_losses().unwrap().is_empty());
}

#[test]
fn a_corrupt_store_is_moved_aside_and_its_readable_rows_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite3");
    filled_store(&path);
    break_index(&path, "journal_at");
    let (store, report) = Store::open(&path).unwrap();
    let loss = report.loss.expect("the loss is reported");
    assert!(
        loss.what.starts_with("was not a usable database"),
        "{loss:?}"
    );
    assert!(loss.moved_to.as_deref().unwrap().contains(".corrupt-"));
    assert_eq!(
        (
            loss.salvaged.rules,
            loss.salvaged.watches,
            loss.salvaged.journal
        ),
        (3, 1, 2),
        "{loss:?}"
    );
    let notice = report.notice.unwrap();
    assert!(
        notice.contains("read from it and kept: 3 guard rules, 1 watch, 2 journal rows"),
        "{notice}"
    );
    // The rules are back in force, and the journal and the watch with them.
    let ids: Vec<String> = store
        .rules()
        .unwrap()
        .into_iter()
        .map(|r| r.deployment_id)
        .collect();
    assert_eq!(ids, ["d1", "d2", "d3"]);
    assert_eq!(store.rules().unwrap()[0], rule("d1"));
    assert_eq!(store.journal().unwrap().len(), 2);
    assert_eq!(store.watches().unwrap().len(), 1);
    // and the settings: the model plan is still planned
    let plan = store.setting(spheron_tui::store::settings::PLAN).unwrap();
    assert_eq!(
        plan.as_deref(),
        Some("llama-3.1-70b@fp8/32768 kv:bf16 batch:1 task:infer")
    );
}

#[test]
fn a_missing_store_that_was_there_is_a_loss_but_a_first_store_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite3");
    let (_, report) = Store::open(&path).unwrap();
    assert_eq!(report.loss, None, "a first store is no loss");
    std::fs::remove_file(&path).unwrap();
    let (store, report) = Store::open(&path).unwrap();
    let loss = report.loss.expect("the loss is reported");
    assert!(loss.what.contains("missing"), "{loss:?}");
    assert_eq!(loss.moved_to, None);
    assert_eq!(store.unacknowledged_losses().unwrap().len(), 1);
}

#[test]
fn a_file_from_a_newer_version_is_refused_and_left_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite3");
    {
        let c = Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE future (x INTEGER); INSERT INTO future VALUES (42);")
            .unwrap();
        c.pragma_update(None, "user_version", schema::LATEST + 7)
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).err().expect("refused");
    let msg = err.to_string();
    assert!(
        msg.contains("newer") && msg.contains("left as it is"),
        "{msg}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file is untouched"
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        names.iter().all(|n| !n.contains(".newer")),
        "nothing moved aside: {names:?}"
    );
    let c = Connection::open(&path).unwrap();
    let x: i64 = c
        .query_row("SELECT x FROM future", [], |r| r.get(0))
        .unwrap();
    assert_eq!(x, 42);
}

#[test]
fn the_lock_has_one_holder_until_it_expires() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite3");
    let (mut a, _) = Store::open(&path).unwrap();
    let (mut b, _) = Store::open(&path).unwrap();
    let ttl = Duration::seconds(60);
    assert_eq!(
        a.acquire_lock("A", "dashboard, pid 1", t0(), ttl).unwrap(),
        LockState::Held
    );
    let seen = b.acquire_lock("B", "guard run, pid 2", t0(), ttl).unwrap();
    assert!(matches!(&seen, LockState::Other { label, .. } if label == "dashboard, pid 1"));
    // A's heartbeat keeps it.
    let t1 = t0() + Duration::seconds(50);
    assert_eq!(
        a.acquire_lock("A", "dashboard, pid 1", t1, ttl).unwrap(),
        LockState::Held
    );
    assert!(matches!(
        b.acquire_lock("B", "guard run, pid 2", t1 + Duration::seconds(30), ttl)
            .unwrap(),
        LockState::Other { .. }
    ));
    // A stops beating: B takes over after expiry, and A sees B.
    let t2 = t1 + Duration::seconds(61);
    assert_eq!(
        b.acquire_lock("B", "guard run, pid 2", t2, ttl).unwrap(),
        LockState::Held
    );
    assert!(
        matches!(a.acquire_lock("A", "dashboard, pid 1", t2, ttl).unwrap(), LockState::Other { label, .. } if label == "guard run, pid 2")
    );
    // Released: free at once.
    b.release_lock("B").unwrap();
    assert_eq!(
        a.acquire_lock("A", "dashboard, pid 1", t2, ttl).unwrap(),
        LockState::Held
    );
}

/// Not a test: the other process of the crash and concurrency tests, started by [`child`]
/// (ignored, so a normal run never counts it as passed). With `STORE_CHILD_PATH` it writes
/// journal rows to that store and prints `committed <id>` after each commit;
/// `STORE_CHILD_ROWS` rows, or forever when unset.
#[test]
#[ignore = "the child process of the store's crash and concurrency tests, not a test"]
fn child_writer() {
    let path = std::env::var("STORE_CHILD_PATH")
        .expect("run only as the child of a store test, with STORE_CHILD_PATH set");
    let source = std::env::var("STORE_CHILD_SOURCE").unwrap_or_else(|_| "child".into());
    let rows: Option<usize> = std::env::var("STORE_CHILD_ROWS")
        .ok()
        .and_then(|r| r.parse().ok());
    let (store, _) = Store::open(Path::new(&path)).unwrap();
    let mut n = 0;
    while rows.is_none_or(|r| n < r) {
        let id = store.record(&entry(n, &source)).unwrap();
        println!("committed {id}");
        n += 1;
    }
}

fn child(path: &Path, source: &str, rows: Option<usize>) -> std::process::Child {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "store::child_writer",
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .env("STORE_CHILD_PATH", path)
    .env("STORE_CHILD_SOURCE", source)
    .stdout(Stdio::piped())
    .stderr(Stdio::inherit());
    if let Some(r) = rows {
        cmd.env("STORE_CHILD_ROWS", r.to_string());
    }
    cmd.spawn().unwrap()
}

#[test]
fn a_writer_killed_mid_writes_loses_no_committed_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite3");
    drop(Store::open(&path).unwrap());
    let mut c = child(&path, "killed", None);
    let mut committed = Vec::new();
    let mut lines = BufReader::new(c.stdout.take().unwrap()).lines();
    while committed.len() < 200 {
        let line = lines.next().expect("the child writes").unwrap();
        // libtest may print its own `test store::child_writer ... ` before the first line.
        if let Some((_, id)) = line.rsplit_once("committed ") {
            committed.push(id.trim().parse::<i64>().unwrap());
        }
    }
    c.kill().unwrap(); // SIGKILL, in the middle of its next writes
    c.wait().unwrap();
    let (store, report) = Store::open(&path).unwrap();
    assert_eq!(report.notice, None, "the file is intact");
    let ok: String = Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let ids: std::collections::HashSet<i64> =
        store.journal().unwrap().iter().map(|e| e.id).collect();
    for id in committed {
        assert!(ids.contains(&id), "committed row {id} lost");
    }
}

#[test]
fn two_writers_at_once_both_land() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite3");
    // Both children create and migrate the file at the same time too.
    let a = child(&path, "a", Some(300));
    let b = child(&path, "b", Some(300));
    for c in [a, b] {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success());
        let n = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.contains("committed "))
            .count();
        assert_eq!(n, 300);
    }
    let (store, report) = Store::open(&path).unwrap();
    assert_eq!(report.notice, None);
    let rows = store.journal().unwrap();
    assert_eq!(rows.iter().filter(|e| e.entry.source == "a").count(), 300);
    assert_eq!(rows.iter().filter(|e| e.entry.source == "b").count(), 300);
}

#[tokio::test]
async fn the_writer_thread_serves_async_callers() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(&dir.path().join("s.sqlite3")).unwrap();
    let h = spheron_tui::store::StoreHandle::spawn(store);
    let h2 = h.clone();
    h.call(|s| s.put_rule(&rule("d1"))).await.unwrap();
    let rules = h2.call(|s| s.rules()).await.unwrap();
    assert_eq!(rules, vec![rule("d1")]);
}

#[test]
fn a_store_file_deleted_replaced_truncated_or_overwritten_while_open_is_told() {
    use spheron_tui::store::FileTrouble;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite3");
    let open = || {
        let _ = std::fs::remove_file(&path);
        let (s, _) = Store::open(&path).unwrap();
        s.put_rule(&rule("d1")).unwrap();
        s
    };
    // A fresh store, and one with a rule: its own file, fine.
    let s = open();
    assert_eq!(s.check_file(), Ok(()));

    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(0)
        .unwrap();
    assert_eq!(s.check_file(), Err(FileTrouble::Truncated(0)));
    assert!(
        FileTrouble::Truncated(0)
            .text(&path)
            .contains("was truncated to zero bytes while this process had it open"),
    );
    drop(s);

    let s = open();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(s.check_file(), Err(FileTrouble::Deleted));
    drop(s);

    // Another store moved into its place (a restored backup): SQLite goes on with the old file.
    let s = open();
    let other = dir.path().join("other.sqlite3");
    drop(Store::open(&other).unwrap());
    std::fs::rename(&other, &path).unwrap();
    assert_eq!(s.check_file(), Err(FileTrouble::Replaced));
    assert_eq!(
        s.rules().unwrap().len(),
        1,
        "the old file is what it still reads"
    );
    drop(s);

    let s = open();
    {
        use std::io::Write as _;
        let mut f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        f.write_all(b"not a database, not at all").unwrap();
    }
    assert_eq!(s.check_file(), Err(FileTrouble::Overwritten));
}
