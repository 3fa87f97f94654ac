//! Every `--json` command of the built binary speaks one convention: camelCase keys at every
//! depth, and times in UTC RFC 3339 (`…Z`). The list of commands is read from the command
//! definitions, so a new `--json` command fails here until it is covered.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use chrono::{DateTime, NaiveDate, Utc};
use clap::CommandFactory;
use serde_json::Value;
use spheron_tui::commands::cli::Cli;
use spheron_tui::demo::{self, DemoOptions};
use spheron_tui::domain::history::{Coverage, PriceObservation, to_units};
use spheron_tui::store::Store;

use crate::support;
use support::binary::{against as run_at, text};

/// Every command path (`["watch", "add"]`) that takes `--json`.
fn json_commands(c: &clap::Command, path: Vec<String>, out: &mut Vec<String>) {
    if c.get_arguments().any(|a| a.get_long() == Some("json")) {
        out.push(path.join(" "));
    }
    for sub in c.get_subcommands() {
        let mut p = path.clone();
        p.push(sub.get_name().to_string());
        json_commands(sub, p, out);
    }
}

fn is_camel(k: &str) -> bool {
    let mut chars = k.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}

/// Every key is camelCase; every string that reads as a time is RFC 3339 in UTC with `Z`;
/// every key naming a time or date holds one. Returns how many times were seen.
fn check(v: &Value, at: &str, times: &mut usize) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                assert!(is_camel(k), "{at}: key `{k}` is not camelCase");
                let timeish = k == "at" || k.ends_with("At") || k == "date";
                if timeish && !x.is_null() {
                    let s = x.as_str().unwrap_or_else(|| panic!("{at}.{k}: {x}"));
                    let ok = match k.as_str() {
                        "date" => NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok(),
                        _ => DateTime::parse_from_rfc3339(s).is_ok() && s.ends_with('Z'),
                    };
                    assert!(ok, "{at}.{k} = {s}: not UTC RFC 3339");
                    *times += 1;
                }
                check(x, &format!("{at}.{k}"), times);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| check(x, at, times)),
        Value::String(s) => {
            if let Ok(t) = DateTime::parse_from_rfc3339(s) {
                assert!(
                    s.ends_with('Z') && t.offset().local_minus_utc() == 0,
                    "{at} = {s}: a time not in UTC"
                );
            }
        }
        _ => {}
    }
}

/// A valid public key for `key add` (its private half was thrown away).
const PUBLIC_KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIImUXlvh6r/kIQOhwG3u24wQ3Bh80O7FiAvRvNyZB6dV json-test";

#[tokio::test(flavor = "multi_thread")]
async fn every_json_command_uses_camel_case_keys_and_utc_rfc3339_times() {
    let mut found = Vec::new();
    json_commands(&Cli::command(), Vec::new(), &mut found);
    found.sort();
    let srv = demo::spawn(DemoOptions::for_tests()).await.unwrap();
    let url = srv.url();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    // Two loads of one offer's price, so `prices` has days to show.
    let (mut store, _) = Store::open(&h.join("data/spheron-tui/spheron-tui.sqlite3")).unwrap();
    for hours_ago in [30, 1] {
        store
            .record_prices(
                Utc::now() - chrono::Duration::hours(hours_ago),
                &[PriceObservation {
                    key: "voltage-park/off_1".into(),
                    gpu_model: "H100_SXM5".into(),
                    provider: "voltage-park".into(),
                    instance_type: "SPOT".into(),
                    gpu_count: 1,
                    region: Some("us-east-1".into()),
                    price: Some(to_units(2.1)),
                    available: true,
                }],
                Coverage::Partial,
            )
            .unwrap();
    }
    drop(store);
    let pub_file = h.join("json-test.pub");
    std::fs::write(&pub_file, PUBLIC_KEY).unwrap();
    let pub_file = pub_file.to_str().unwrap();
    // In order: the writes act on the demo's seeded world (and on what the ones before made),
    // and the journal comes after them.
    let covered: &[(&str, &[&str])] = &[
        ("balance", &["balance", "--json"]),
        ("deployments", &["deployments", "--status", "all", "--json"]),
        ("keys", &["keys", "--json"]),
        ("offers", &["offers", "--json"]),
        (
            "plan",
            &[
                "plan",
                "--model",
                "llama-3.1-70b",
                "--precision",
                "fp8",
                "--json",
            ],
        ),
        ("volumes", &["volumes", "--json"]),
        (
            "prices",
            &["prices", "--gpu", "h100", "--days", "3", "--json"],
        ),
        ("key add", &["key", "add", "json-test", pub_file, "--json"]),
        ("key rm", &["key", "rm", "json-test", "--yes", "--json"]),
        (
            "wait",
            &["wait", "sdxl-batch-spot", "--for", "running", "--json"],
        ),
        ("rename", &["rename", "sdxl-batch-spot", "sdxl-2", "--json"]),
        (
            "volume detach",
            &["volume", "detach", "checkpoints", "--yes", "--json"],
        ),
        (
            "volume attach",
            &["volume", "attach", "checkpoints", "sdxl-2", "--json"],
        ),
        (
            "volume rename",
            &["volume", "rename", "shared-models", "sm2", "--json"],
        ),
        (
            "volume expand",
            &[
                "volume", "expand", "sm2", "--size", "2100", "--yes", "--json",
            ],
        ),
        (
            "volume delete",
            &["volume", "delete", "scratch", "--yes", "--json"],
        ),
        (
            "volume create",
            &[
                "volume",
                "create",
                "json-vol",
                "--provider",
                "spheron-ai",
                "--region",
                "us-west-2",
                "--size",
                "10",
                "--yes",
                "--json",
            ],
        ),
        (
            "deploy",
            &[
                "deploy",
                "--cheapest",
                "gpu:h100",
                "--ssh-key",
                "laptop-ed25519",
                "--name",
                "json-dep",
                "--yes",
                "--json",
            ],
        ),
        (
            "terminate",
            &["terminate", "llm-finetune", "--yes", "--json"],
        ),
        ("journal", &["journal", "--json"]),
    ];
    let mut names: Vec<String> = covered.iter().map(|(n, _)| n.to_string()).collect();
    names.sort();
    assert_eq!(found, names, "every --json command is checked here");
    for (name, args) in covered {
        let out = run_at(&url, h, args).await;
        assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out.stderr));
        let v: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{name}: {e}: {}", text(&out.stdout)));
        let empty = match &v {
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => o.is_empty(),
            _ => panic!("{name}: neither an array nor an object: {v}"),
        };
        assert!(!empty, "{name}: something to look at");
        let mut times = 0;
        check(&v, name, &mut times);
        if [
            "deployments",
            "journal",
            "keys",
            "prices",
            "volumes",
            "wait",
            "deploy",
        ]
        .contains(name)
        {
            assert!(times > 0, "{name}: its times were looked at");
        }
    }
}
