//! What the dashboard says, through the reducer alone: where a copy went (through tmux or
//! straight to the terminal).

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use serde_json::json;
use spheron_tui::api::{Deployment, decode};
use spheron_tui::app::state::Clipboard;
use spheron_tui::app::{Action, AppState, Command, Pane, update};
use support::accounts::{chr, select, session, t0};

fn reachable() -> Deployment {
    decode(
        json!({"id": "dep_ssh1", "name": "trainer", "provider": "spheron-ai",
        "region": "us-east-1", "status": "running", "gpuType": "H100", "gpuCount": 1,
        "hourlyRate": 2.0, "instanceType": "DEDICATED", "ipAddress": "203.0.113.7",
        "sshCommand": "ssh ubuntu@203.0.113.7", "startedAt": "2026-11-28T11:00:00Z"}),
    )
    .unwrap()
}

fn started() -> AppState {
    let mut s = AppState::new(session(false), t0());
    s.size = (120, 40);
    update(&mut s, Action::Start(t0()));
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![reachable()].into())),
    );
    select(&mut s, Pane::Deployments, "dep_ssh1");
    s
}

fn flash(s: &AppState) -> String {
    s.status
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default()
}

#[test]
fn a_copy_inside_tmux_says_where_it_went_and_what_to_set() {
    let mut s = started();
    s.clipboard = Clipboard::Tmux;
    let cmds = chr(&mut s, 'c');
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::Copy(t) if t == "ssh ubuntu@203.0.113.7"))
    );
    let said = flash(&s);
    assert!(said.contains("through tmux (OSC 52)"), "{said}");
    assert!(said.contains("set -g set-clipboard on"), "{said}");
    assert!(!said.starts_with("copied"), "{said}");

    let mut s = started();
    let cmds = chr(&mut s, 'c');
    assert!(cmds.iter().any(|c| matches!(c, Command::Copy(_))));
    let said = flash(&s);
    assert!(said.starts_with("copied (OSC 52): ssh ubuntu@"), "{said}");
    assert!(!said.contains("tmux"), "{said}");
}

/// "refreshed Ns ago" on the status line is the age of the pane in view: a volumes read resets
/// it on Volumes and leaves the deployments' age on Deployments.
#[test]
fn refreshed_ago_follows_the_pane_in_view() {
    let mut s = support::accounts::loaded(false);
    let later = t0() + chrono::Duration::seconds(45);
    update(&mut s, Action::Now(later));
    chr(&mut s, '3');
    let vols = s.volumes.items.clone();
    update(&mut s, Action::VolumesLoaded(Ok(vols.into())));
    let status = |s: &AppState| {
        let screen = support::fixtures::render(s);
        let rows: Vec<String> = screen.lines().map(str::to_string).collect();
        rows[rows.len() - 2].clone()
    };
    assert_eq!(
        spheron_tui::app::panes::refreshed_at(&s, Pane::Volumes),
        Some(later)
    );
    assert!(status(&s).contains("refreshed 0s ago"), "{}", status(&s));
    chr(&mut s, '2');
    assert!(status(&s).contains("refreshed 45s ago"), "{}", status(&s));
    chr(&mut s, '5');
    assert_eq!(
        spheron_tui::app::panes::refreshed_at(&s, Pane::Account),
        s.account.balance_at
    );
}

/// The status line's "resets Ns" counts down with the dashboard's tick between answers, and
/// says "resets now" once the window has reset and no answer has brought the new count.
#[test]
fn the_rate_budget_reset_counts_down_between_answers() {
    let mut s = support::accounts::loaded(false);
    let status = |s: &AppState| {
        let screen = support::harness::screen_at(s, s.size.0, s.size.1);
        let rows: Vec<String> = screen.lines().map(str::to_string).collect();
        rows[rows.len() - 2].clone()
    };
    let rate = spheron_tui::api::RateStatus {
        limit: Some(250),
        remaining: Some(240),
        reset_in: Some(std::time::Duration::from_secs(900)),
        deploy_reset_in: Some(std::time::Duration::from_secs(600)),
        ..Default::default()
    };
    update(&mut s, Action::Rate(rate));
    assert!(
        status(&s).contains("budget 240/250, resets 900s"),
        "{}",
        status(&s)
    );
    // ticks only, no answer: the reset comes nearer
    for secs in [1, 2, 30] {
        update(&mut s, Action::Tick(t0() + chrono::Duration::seconds(secs)));
    }
    assert!(
        status(&s).contains("budget 240/250, resets 870s"),
        "{}",
        status(&s)
    );
    assert_eq!(
        s.status.deploy_resets_in(s.now),
        Some(std::time::Duration::from_secs(570))
    );
    update(&mut s, Action::Tick(t0() + chrono::Duration::seconds(901)));
    assert!(
        status(&s).contains("budget 240/250, resets now"),
        "{}",
        status(&s)
    );
    // the next answer brings its own count and reset
    let fresh = spheron_tui::api::RateStatus {
        remaining: Some(249),
        reset_in: Some(std::time::Duration::from_secs(899)),
        ..rate
    };
    update(&mut s, Action::Rate(fresh));
    assert!(
        status(&s).contains("budget 249/250, resets 899s"),
        "{}",
        status(&s)
    );
    // narrower, the reset goes whole, then the budget: nothing is cut mid-word
    chr(&mut s, '2');
    assert!(status(&s).contains("refreshed"), "{}", status(&s));
    s.size = (80, 24);
    assert!(
        status(&s).trim_end().ends_with("budget 249/250"),
        "{}",
        status(&s)
    );
    s.size = (64, 20);
    let line = status(&s);
    assert!(line.trim_end().ends_with("s ago"), "{line}");
}
