//! The built binary's `prices` and `watch` commands: exit codes, watches kept across runs,
//! `guard run` announcing a matching watch against the demo server.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::support;
use support::binary::{bin, run, text};

/// `--demo watch add --gpu GPU --max-gpu-price 2 EXTRA…` in `home`.
fn watch_add(home: &std::path::Path, gpu: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "--demo",
        "watch",
        "add",
        "--gpu",
        gpu,
        "--max-gpu-price",
        "2",
    ];
    args.extend_from_slice(extra);
    run(home, &args)
}

#[test]
fn watches_persist_across_runs_and_are_removed_by_id() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let out = run(
        h,
        &[
            "--demo",
            "watch",
            "add",
            "--gpu",
            "h100",
            "--max-gpu-price",
            "2.00",
            "--type",
            "spot",
            "--count",
            "8",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("watch 1 added: H100 ≤ $2.00/GPU·h SPOT ≥8 GPUs"));
    // Another process, later: the watch is still there.
    let out = run(h, &["--demo", "watch", "list"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("H100 ≤ $2.00/GPU·h SPOT ≥8 GPUs"));
    let out = run(h, &["--demo", "watch", "rm", "1"]);
    assert_eq!(out.status.code(), Some(0));
    let out = run(h, &["--demo", "watch", "rm", "1"]);
    assert_eq!(out.status.code(), Some(1));
    let out = run(h, &["--demo", "watch", "list"]);
    assert!(text(&out.stdout).contains("no watches"));
}

#[test]
fn usage_errors_exit_2_and_no_history_exits_1() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    for args in [
        &["watch", "add", "--gpu", "h100", "--max-gpu-price", "cheap"][..],
        &["watch", "add", "--gpu", "h100"],
        &[
            "watch",
            "add",
            "--gpu",
            "h100",
            "--max-gpu-price",
            "2",
            "--type",
            "odd",
        ],
        &["prices", "--gpu", "h100", "--days", "0"],
        &["prices", "--gpu", "h100", "--days", "-1"],
        &["prices", "--gpu", "h100", "--days", "91"],
        &["prices"],
    ] {
        let out = run(h, args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    // a model the offers name, with nothing recorded yet
    let out = run(h, &["--demo", "prices", "--gpu", "h100"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("no price history"));
}

/// `prices --gpu` names a model the way `watch add --gpu` does: a name no model has is a usage
/// error (exit 2) naming the known models, with the same words.
#[test]
fn prices_of_an_unknown_gpu_exit_2_naming_the_known_models() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let out = run(h, &["--demo", "prices", "--gpu", "nosuch"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("no GPU model matches `nosuch`"), "{err}");
    assert!(err.contains("H100_SXM5 (H100 SXM5)"), "{err}");
    assert!(!err.contains("no price history"), "{err}");
    let watch = watch_add(h, "nosuch", &[]);
    assert_eq!(watch.status.code(), Some(2));
    assert_eq!(text(&watch.stderr), err, "one wording for both commands");
}

/// `watch add --provider` must name a provider of the platform's list (or another name of one:
/// `verda` is `data-crunch`); anything else is refused with exit 2 naming the providers, and
/// nothing is kept.
#[test]
fn a_watch_on_an_unknown_provider_is_refused_naming_the_providers() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let add = |provider: &str| watch_add(h, "h100", &["--provider", provider]);
    let out = add("nosuch");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("no provider is called `nosuch`"), "{err}");
    assert!(
        err.contains("spheron-ai, voltage-park, data-crunch, sesterce, massed-compute"),
        "{err}"
    );
    let out = run(h, &["--demo", "watch", "list"]);
    assert!(text(&out.stdout).contains("no watches"), "nothing was kept");
    // by any name of a listed provider, kept by the list's name (the one the dashboard shows)
    for (given, kept) in [("Voltage-Park", "voltage-park"), ("verda", "data-crunch")] {
        let out = add(given);
        assert_eq!(out.status.code(), Some(0), "{given}: {}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains(&format!("at {kept}")),
            "{given}: {}",
            text(&out.stdout)
        );
    }
}

#[test]
fn guard_run_records_prices_and_announces_a_matching_watch_once() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let out = run(
        h,
        &[
            "--demo",
            "watch",
            "add",
            "--gpu",
            "h100",
            "--max-gpu-price",
            "100",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut child = bin(h)
        .args(["--demo", "guard", "run"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let hit = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.contains("watch 1"))
        .unwrap();
    assert!(hit.contains("offers match, lowest $"), "{hit}");
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    assert_eq!(child.wait().unwrap().code(), Some(130));
    let out = run(h, &["--demo", "prices", "--gpu", "h100", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let days: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let today = days.as_array().unwrap().last().unwrap();
    assert!(today["lowest"].as_f64().unwrap() > 0.0, "{today}");
}

#[test]
fn days_out_of_range_says_the_allowed_range() {
    let home = tempfile::tempdir().unwrap();
    for days in ["-1", "0", "91", "week"] {
        let out = run(home.path(), &["prices", "--gpu", "h100", "--days", days]);
        assert_eq!(out.status.code(), Some(2), "{days}");
        let err = text(&out.stderr);
        assert!(err.contains("1 to 90"), "{days}: {err}");
        assert!(!err.contains("unexpected argument"), "{days}: {err}");
    }
}

#[test]
fn a_watch_on_an_unknown_gpu_is_refused_naming_the_known_models() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let add = |gpu: &str| watch_add(h, gpu, &[]);
    let out = add("nosuchgpu");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("no GPU model matches `nosuchgpu`"), "{err}");
    // The demo catalog's models, by id and display name.
    assert!(err.contains("H100_SXM5 (H100 SXM5)"), "{err}");
    assert!(err.contains("rtx-4090"), "{err}");
    let out = run(h, &["--demo", "watch", "list"]);
    assert!(text(&out.stdout).contains("no watches"), "nothing was kept");
    // A part of a model, any case, is what a watch matches and is accepted.
    let out = add("H100");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

/// The dashboard's "7d low" is a rolling 168 hours and `prices` lists calendar days: `prices`
/// says the rolling low apart, labelled, and it is the figure the Offers column shows.
#[test]
fn prices_says_the_rolling_seven_day_low_the_offers_column_shows() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    // The demo seeds a week of history on the first load.
    let frame = run(
        h,
        &[
            "--demo", "snapshot", "--pane", "offers", "--size", "200x110",
        ],
    );
    assert_eq!(frame.status.code(), Some(0), "{}", text(&frame.stderr));
    let frame = text(&frame.stdout);
    let row = frame
        .lines()
        .find(|l| l.contains("H100 SXM5 "))
        .unwrap_or_else(|| panic!("no H100 SXM5 row:\n{frame}"));
    let column_low = row
        .trim_end_matches(['│', ' '])
        .rsplit(' ')
        .next()
        .unwrap()
        .trim_start_matches('$')
        .to_string();
    let out = run(
        h,
        &["--demo", "prices", "--gpu", "H100_SXM5", "--days", "2"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("per UTC day"), "{said}");
    let line = said
        .lines()
        .find(|l| l.starts_with("7d low (of the available offers in the last 168 hours, rolling"))
        .unwrap_or_else(|| panic!("no 7d low line:\n{said}"));
    assert!(
        line.ends_with(&format!("H100 SXM5 {column_low}")),
        "{line} vs the column's {column_low}"
    );
}
