//! Every `--json` command of the built binary speaks one convention: camelCase keys at every
//! depth, and times in UTC RFC 3339 (`…Z`). The list of commands is read from the command
//! definitions, so a new `--json` command fails here until it is covered.

use chrono::{DateTime, NaiveDate, Utc};
use clap::CommandFactory;
use serde_json::Value;
use spheron_tui::cli::Cli;
use spheron_tui::domain::history::{Coverage, PriceObservation, to_units};
use spheron_tui::store::{NewJournalEntry, Store};

mod support;
use support::binary::{run, text};

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

#[test]
fn every_json_command_uses_camel_case_keys_and_utc_rfc3339_times() {
    let mut found = Vec::new();
    json_commands(&Cli::command(), Vec::new(), &mut found);
    found.sort();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    // A write in the journal, so its rows are looked at (not an empty array).
    let (mut store, _) = Store::open(&h.join("data/spheron-tui/spheron-tui.sqlite3")).unwrap();
    store
        .record(&NewJournalEntry {
            at: Utc::now(),
            source: "dashboard".into(),
            method: "DELETE".into(),
            path: "/api/deployments/dep_1".into(),
            target_id: Some("dep_1".into()),
            result: "ok".into(),
            usd_per_hour: Some(2.5),
        })
        .unwrap();
    // Two loads of one offer's price, so `prices` has days to show.
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
    let covered: &[(&str, &[&str])] = &[
        ("balance", &["--demo", "balance", "--json"]),
        (
            "deployments",
            &["--demo", "deployments", "--status", "all", "--json"],
        ),
        ("journal", &["journal", "--json"]),
        ("keys", &["--demo", "keys", "--json"]),
        ("offers", &["--demo", "offers", "--json"]),
        (
            "prices",
            &["prices", "--gpu", "h100", "--days", "3", "--json"],
        ),
        ("volumes", &["--demo", "volumes", "--json"]),
    ];
    let names: Vec<String> = covered.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(found, names, "every --json command is checked here");
    for (name, args) in covered {
        let out = run(h, args);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out.stderr));
        let v: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{name}: {e}: {}", text(&out.stdout)));
        let rows = v
            .as_array()
            .unwrap_or_else(|| panic!("{name}: not an array"));
        assert!(!rows.is_empty(), "{name}: something to look at");
        let mut times = 0;
        check(&v, name, &mut times);
        if ["deployments", "journal", "keys", "prices", "volumes"].contains(name) {
            assert!(times > 0, "{name}: its times were looked at");
        }
    }
}
