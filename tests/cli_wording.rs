//! What the command line shows people: regions as the dashboard shows them in tables (raw in
//! JSON and CSV), and the wording of refused input.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;
use support::binary::{run, text};

#[test]
fn tables_show_regions_as_the_dashboard_does_and_json_keeps_them_raw() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    for list in ["deployments", "volumes", "offers"] {
        let out = run(h, &["--demo", list]);
        assert_eq!(out.status.code(), Some(0), "{list}: {}", text(&out.stderr));
        let table = text(&out.stdout);
        assert!(table.contains("culpeper-usa-1"), "{list}: {table}");
        assert!(!table.contains("166e655a:"), "{list}: {table}");
        let out = run(h, &["--demo", list, "--json"]);
        assert_eq!(out.status.code(), Some(0), "{list}: {}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains("166e655a:culpeper-usa-1"),
            "{list} --json keeps the region as the API sends it"
        );
    }
}

/// A provider known by two names has one in every table: the providers list's, as the
/// dashboard shows it (`data-crunch` for the demo's `verda` volume and offers); JSON and CSV
/// keep the name the API gives each object.
#[test]
fn tables_name_providers_as_the_dashboard_does_and_json_keeps_them_raw() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let dashboard = support::binary::run_ok(
        h,
        &[
            "--demo", "snapshot", "--pane", "volumes", "--size", "160x45",
        ],
    );
    let row = dashboard
        .lines()
        .find(|l| l.contains("fin-cache"))
        .unwrap_or_else(|| panic!("no fin-cache row:\n{dashboard}"));
    assert!(row.contains("data-crunch"), "{row}");
    let deployments = support::binary::run_ok(h, &["--demo", "deployments", "--status", "all"]);
    // (an offer's id may hold the word: `a100-80g-verda-dedicated-1x-038`)
    assert!(!deployments.contains(" verda "), "{deployments}");
    let offers = support::binary::run_ok(h, &["--demo", "offers"]);
    assert!(!offers.contains(" verda "), "{offers}");
    assert!(offers.contains("data-crunch"), "{offers}");
    let table = support::binary::run_ok(h, &["--demo", "volumes"]);
    assert!(!table.contains(" verda "), "{table}");
    let row = table
        .lines()
        .find(|l| l.contains("fin-cache"))
        .unwrap_or_else(|| panic!("no fin-cache row:\n{table}"));
    assert!(row.contains("data-crunch"), "{row}");
    for format in ["--json", "--csv"] {
        let raw = support::binary::run_ok(h, &["--demo", "volumes", format]);
        assert!(
            raw.contains("verda"),
            "{format} keeps the API's name: {raw}"
        );
    }
}

/// The `volumes` table names the deployment each volume is attached to (an ended one with its
/// status, as the Volumes pane says it); JSON keeps the ids.
#[test]
fn the_volumes_table_names_the_deployments_and_json_keeps_their_ids() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let table = support::binary::run_ok(h, &["--demo", "volumes"]);
    let row = |name: &str| {
        table
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("no {name} row:\n{table}"))
            .to_string()
    };
    assert!(
        row("eval-results").ends_with("eval-h100-sesterce (terminated)"),
        "{table}"
    );
    assert!(row("datasets ").ends_with("llm-finetune"), "{table}");
    assert!(!table.contains("dep_"), "{table}");
    let json: serde_json::Value = serde_json::from_str(&support::binary::run_ok(
        h,
        &["--demo", "volumes", "--json"],
    ))
    .unwrap();
    let results = json
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "eval-results")
        .unwrap();
    assert_eq!(
        results["attachedTo"],
        serde_json::json!(["dep_0a1b2c3d4e5f"])
    );
}

#[test]
fn an_unknown_deployment_status_is_a_usage_error_naming_the_statuses() {
    let home = tempfile::tempdir().unwrap();
    let out = run(home.path(), &["--demo", "deployments", "--status", "weird"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("deploying, running, failed, terminated"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

/// Tables show times in local time with the zone said; JSON keeps UTC RFC 3339.
#[test]
fn tables_show_local_times_with_their_zone_and_json_keeps_utc() {
    let home = tempfile::tempdir().unwrap();
    let out = support::binary::bin(home.path())
        .env("TZ", "IST-5:30") // a POSIX rule: needs no zone files
        .args(["--demo", "keys"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        support::binary::text(&out.stderr)
    );
    let table = support::binary::text(&out.stdout);
    assert!(table.contains(" UTC+5:30"), "{table}");
    let out = support::binary::bin(home.path())
        .env("TZ", "IST-5:30") // a POSIX rule: needs no zone files
        .args(["--demo", "keys", "--json"])
        .output()
        .unwrap();
    let json = support::binary::text(&out.stdout);
    assert!(json.contains("Z\""), "{json}");
    assert!(!json.contains("UTC+5:30"), "{json}");
}

/// The README and the docs say each thing once: no sentence of their prose (tables and code
/// blocks aside) appears twice, in one paragraph or across the file.
#[test]
fn the_readme_and_the_docs_say_no_sentence_twice() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut files = vec![format!("{root}/README.md")];
    for e in std::fs::read_dir(format!("{root}/docs")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            files.push(p.display().to_string());
        }
    }
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let mut prose = Vec::new();
        let mut in_code = false;
        for line in text.lines() {
            if line.trim_start().starts_with("```") {
                in_code = !in_code;
            } else if !in_code && !line.trim_start().starts_with('|') {
                prose.push(line.trim());
            }
        }
        let prose = prose.join(" ");
        let mut seen = std::collections::HashSet::new();
        let mut sentence = String::new();
        for word in prose.split_whitespace() {
            if !sentence.is_empty() {
                sentence.push(' ');
            }
            sentence.push_str(word);
            if word.ends_with(['.', '!', '?']) {
                if sentence.len() > 40 {
                    assert!(seen.insert(sentence.clone()), "{f} says twice: {sentence}");
                }
                sentence.clear();
            }
        }
    }
}

/// A GPU model has one name wherever people read it — the panes, an offer's chart, the tables
/// of the commands — and `--json` keeps the API's id.
#[test]
fn a_gpu_model_has_one_name_on_screen_and_in_tables_and_json_keeps_its_id() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let ids = [
        "H100_SXM5",
        "H200_SXM5",
        "A100_80G",
        "rtx-4090",
        "L40S-PCIE",
        "A6000-PCIE",
    ];
    let raw_in = |what: &str, shown: &str| {
        for id in ids {
            assert!(!shown.contains(id), "{what} shows the id {id}:\n{shown}");
        }
    };
    let ok = |args: &[&str]| support::binary::run_ok(h, args);
    for pane in ["offers", "deployments"] {
        let frame = ok(&["--demo", "snapshot", "--pane", pane, "--size", "160x40"]);
        raw_in(pane, &frame);
        assert!(frame.contains("RTX 4090"), "{frame}");
    }
    let chart = ok(&[
        "--demo", "snapshot", "--keys", "<Enter>", "--size", "120x40",
    ]);
    // Its "Offer id" line is the offer's id, which may contain the model's.
    let words: String = chart.lines().filter(|l| !l.contains("Offer id")).collect();
    raw_in("the offer's details", &words);
    assert!(chart.contains("RTX 4090 lowest"), "{chart}");
    let deployments = ok(&["--demo", "deployments"]);
    raw_in("deployments", &deployments);
    assert!(deployments.contains("H100 SXM5"), "{deployments}");
    // The offers table's last column is the offer's id, which may contain the model's.
    let offers = ok(&["--demo", "offers"]);
    let gpus: String = offers
        .lines()
        .map(|l| l.split("  ").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    raw_in("offers' GPU column", &gpus);
    raw_in("prices", &ok(&["--demo", "prices", "--gpu", "h100"]));
    let json = ok(&["--demo", "deployments", "--json"]);
    assert!(json.contains("\"gpuType\": \"rtx-4090\""), "{json}");
}

/// The README's legend of the columns says what `?` says, value by value (the README marks
/// values as code: its backticks aside, the rows are the same).
#[test]
fn the_readme_explains_the_columns_as_help_does() {
    use spheron_tui::app::keys::hints::OFFER_COLUMNS_LEGEND;
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let rows: Vec<String> = readme
        .lines()
        .filter(|l| l.starts_with('|'))
        .map(|l| l.replace('`', ""))
        .collect();
    for (value, means) in OFFER_COLUMNS_LEGEND {
        let row = format!("| {value} | {means} |").replace('`', "");
        assert!(
            rows.contains(&row),
            "README.md lacks the legend row (backticks aside):\n{row}"
        );
    }
}
