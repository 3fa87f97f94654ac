//! Every integration test in one test binary: each file under tests/ is a module of this
//! crate, so the whole crate is linked once instead of once per file.
//! Run one file's tests with `cargo test --test it <module>::`.
#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

mod act;
mod base_url;
mod cli;
mod cli_wording;
mod client_contract;
mod column_widths;
mod commands;
mod credentials;
mod demo_http;
mod demo_strict;
mod demo_world;
mod deploy_demo;
mod deploy_flows;
mod deploy_presets;
mod deploy_snapshots;
mod dialogs;
mod exit_codes;
mod faults;
mod first_session;
mod footer;
mod fuzz_keys;
mod guard_app;
mod guard_cli;
mod guard_e2e;
mod guard_engine;
mod guard_idle;
mod history_app;
mod history_cli;
mod json_output;
mod look;
mod money_layout;
mod newcomer_panes;
mod paged_lists;
mod paste;
mod plan_cli;
mod planner;
mod planner_pane;
mod properties;
mod proxy;
mod read_only;
mod reducer_flows;
mod request_budget;
mod secrets;
mod ssh_keys;
mod store;
mod support;
mod team_commands;
mod team_lists;
mod terminal;
mod tolerant_reader;
mod tunnels;
mod ui_panes;
mod volume_key_team_demo;
mod volume_key_team_flows;
mod volume_key_team_snapshots;
mod wire_shapes;
mod wording_flows;
mod workspace;

/// Cargo builds only the test targets Cargo.toml names (`autotests = false`), so a file added
/// under tests/ without its `mod` line here would never run: this fails instead.
#[test]
fn every_test_file_is_a_module_of_this_binary() {
    let declared: std::collections::BTreeSet<String> = include_str!("it.rs")
        .lines()
        .filter_map(|l| l.strip_prefix("mod ")?.strip_suffix(';'))
        .map(str::to_owned)
        .collect();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(dir).expect("tests/ is readable") {
        let name = entry.expect("a directory entry").file_name();
        let name = name.to_string_lossy();
        let Some(stem) = name.strip_suffix(".rs") else {
            continue;
        };
        // it.rs is this crate's root; keys_config.rs is a test binary of its own (Cargo.toml).
        if stem != "it" && stem != "keys_config" && !declared.contains(stem) {
            missing.push(stem.to_owned());
        }
    }
    assert!(
        missing.is_empty(),
        "tests/ files not declared in tests/it.rs: {missing:?}"
    );
}
