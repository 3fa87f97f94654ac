//! The built binary's `guard` and `journal` commands: exit codes, the store's place, signals.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

mod support;
use support::binary::{bin, run, text};

#[test]
fn usage_errors_exit_2_and_store_nothing() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["guard", "add", "dep_1", "--after", "soon"][..],
        &["guard", "add", "dep_1", "--max-spend", "-3"],
        &["guard", "add", "dep_1"],
        &["guard", "add", "dep_1", "--after", "1h", "--max-spend", "3"],
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
fn guard_run_stops_on_sigint_and_sigterm_with_130_and_143() {
    for (sig, code) in [("-INT", 130), ("-TERM", 143)] {
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
    }
}

#[test]
fn a_corrupt_store_is_moved_aside_and_the_dashboard_still_starts() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data/spheron-tui");
    std::fs::create_dir_all(&data).unwrap();
    let store = data.join("spheron-tui-demo.sqlite3");
    std::fs::write(&store, b"not a database at all, just some text ".repeat(40)).unwrap();
    let out = run(
        home.path(),
        &[
            "snapshot",
            "--demo",
            "--pane",
            "deployments",
            "--size",
            "200x30",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let screen = text(&out.stdout);
    assert!(
        screen.contains("the local store was not a usable database: moved aside"),
        "the notice is shown:\n{screen}"
    );
    let moved: Vec<_> = std::fs::read_dir(&data)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".corrupt-"))
        .collect();
    assert_eq!(moved.len(), 1, "{moved:?}");
}
