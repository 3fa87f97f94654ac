//! Exit statuses of the real binary for each kind of failure that needs no terminal: usage (2),
//! the network (1), the API (1), success (0). The reason of a failure is on stderr. The
//! interactive ones (Ctrl-C, SIGINT, SIGTERM) are in `tests/terminal.rs`.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_spheron-tui");

fn run(key: Option<&str>, args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let env: Vec<(&str, &str)> = key.map(|k| ("SPHERON_API_KEY", k)).into_iter().collect();
    run_in(home.path(), &env, args)
}

/// The binary with `home` as its HOME and nothing else from the environment but `env`.
fn run_in(home: &std::path::Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    Command::new(BIN)
        .env_clear()
        .env("HOME", home)
        .env("PATH", "/usr/bin:/bin")
        .envs(env.iter().copied())
        .args(args)
        .output()
        .unwrap()
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
fn demo_with_an_api_url_exits_2_naming_the_conflict() {
    // A loopback URL (one the check would accept) is refused too: --demo has its own server.
    for (args, env, named) in [
        (
            &["--demo", "--api-url", "https://evil.com"][..],
            None,
            "--api-url https://evil.com",
        ),
        (
            &["--demo", "deployments", "--api-url", "http://127.0.0.1:9"],
            None,
            "--api-url http://127.0.0.1:9",
        ),
        (
            &["snapshot", "--demo", "--api-url", "http://127.0.0.1:9"],
            None,
            "--api-url",
        ),
        (
            &["--demo", "guard", "list"],
            Some("https://app.spheron.ai"),
            "SPHERON_API_URL=https://app.spheron.ai",
        ),
    ] {
        let home = tempfile::tempdir().unwrap();
        let env: Vec<(&str, &str)> = env.map(|u| ("SPHERON_API_URL", u)).into_iter().collect();
        let o = run_in(home.path(), &env, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains("--demo") && err.contains(named),
            "{args:?}: {err}"
        );
        assert!(o.stdout.is_empty(), "{args:?}");
        assert_eq!(
            std::fs::read_dir(home.path()).unwrap().count(),
            0,
            "{args:?}: nothing is created"
        );
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
