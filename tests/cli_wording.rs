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
