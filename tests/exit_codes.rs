//! Exit statuses of the real binary for each kind of failure that needs no terminal: usage (2),
//! the network (1), the API (1), success (0). The reason of a failure is on stderr. The
//! interactive ones (Ctrl-C, SIGINT, SIGTERM) are in `tests/terminal.rs`.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_spheron-tui");

fn run(key: Option<&str>, args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("HOME", home.path())
        .env("PATH", "/usr/bin:/bin")
        .args(args);
    if let Some(k) = key {
        cmd.env("SPHERON_API_KEY", k);
    }
    cmd.output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn demo() -> (tokio::runtime::Runtime, spheron_tui::demo::DemoServer) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = rt
        .block_on(spheron_tui::demo::spawn(
            spheron_tui::demo::DemoOptions::for_tests(),
        ))
        .unwrap();
    (rt, server)
}

#[test]
fn usage_errors_exit_2_before_any_request() {
    for args in [
        &["--no-such-flag"][..],
        &["snapshot", "--size", "axb"],
        &["--poll-interval", "3", "snapshot"],
        &["--api-url", "https://example.com", "snapshot"],
    ] {
        let o = run(Some("sai_pk_x"), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).is_empty(), "{args:?}: no reason given");
    }
}

#[test]
fn an_unreachable_api_makes_snapshot_exit_1_with_the_reason() {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    let o = run(
        Some("sai_pk_exit_test"),
        &[
            "snapshot",
            "--pane",
            "deployments",
            "--api-url",
            "http://127.0.0.1:1",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("Could not reach the API"), "{err}");
}

#[test]
fn an_api_failure_makes_snapshot_exit_1_with_the_reason() {
    let (_rt, server) = demo();
    // A key the API refuses (401).
    let o = run(
        Some("sai_pk_not_the_demo_key_000000"),
        &[
            "snapshot",
            "--pane",
            "deployments",
            "--api-url",
            &server.url(),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("key was refused"), "{}", stderr(&o));
}

#[test]
fn a_good_snapshot_exits_0() {
    let (_rt, server) = demo();
    let o = run(
        Some(server.key()),
        &[
            "snapshot",
            "--pane",
            "deployments",
            "--api-url",
            &server.url(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn help_lists_the_exit_codes() {
    let o = run(None, &["--help"]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    for line in ["130", "143", "usage", "the API or the network failed"] {
        assert!(out.contains(line), "--help lacks {line:?}:\n{out}");
    }
}
