//! What a newcomer reads in the panes: a deployment's details name its guard rule (in local time
//! with the zone) and say when an ended one has no SSH.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use spheron_tui::app::dialogs::Dialog;
use spheron_tui::app::guard::GuardUpdate;
use spheron_tui::app::{Action, AppState, Pane, update};
use spheron_tui::domain::guard::{GuardRule, StoredRule};
use support::fixtures::*;

/// The details of the selected deployment, as their lines read.
fn details(s: &mut AppState) -> Vec<String> {
    enter(s);
    match &s.dialog {
        Some(Dialog::DeploymentInfo(i)) => i.fields.clone(),
        other => panic!("expected the details, got {other:?}"),
    }
}

fn field(lines: &[String], name: &str) -> String {
    lines
        .iter()
        .find(|l| l.starts_with(&format!("{name:<19}")))
        .unwrap_or_else(|| panic!("no {name} line in {lines:#?}"))
        .clone()
}

fn rule(id: &str, rule: GuardRule, spec: &str) -> StoredRule {
    StoredRule {
        deployment_id: id.into(),
        rule,
        spec: spec.into(),
        created_at: t0(),
    }
}

#[test]
fn deployment_details_name_the_guard_rule_in_local_time() {
    let mut s = ready(vec![vp_cluster()], 500.0);
    s.guard.local_offset = chrono::FixedOffset::east_opt(3600);
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![
            running("d1", "train-run"),
            running("d2", "spender"),
            running("d3", "notebook"),
            running("d4", "bare"),
        ]
        .into())),
    );
    s.pane = Pane::Deployments;
    let rules = vec![
        rule(
            "d1",
            GuardRule::Deadline(t0() + chrono::Duration::minutes(90)),
            "--after 90m",
        ),
        rule("d2", GuardRule::MaxSpend(50.0), "--max-spend 50.00"),
        rule(
            "d3",
            GuardRule::Idle {
                window: chrono::Duration::minutes(30),
                below_pct: 5.0,
            },
            "--idle 30m --below 5",
        ),
    ];
    update(&mut s, Action::Guard(GuardUpdate::Rules(rules)));
    let rows = [("d2".to_string(), "$12.00 left".to_string())]
        .into_iter()
        .collect();
    update(&mut s, Action::Guard(GuardUpdate::Rows(rows)));
    let select = |s: &mut AppState, id: &str| {
        s.dialog = None;
        let at = s
            .visible_deployments()
            .iter()
            .position(|d| d.id == id)
            .unwrap();
        s.deployments.cursor.selected = at;
    };

    select(&mut s, "d1");
    assert_eq!(
        field(&details(&mut s), "guard"),
        format!(
            "{:<19}terminate at 14:30 UTC+1, in 1h 30m (set as --after 90m)",
            "guard"
        )
    );
    select(&mut s, "d2");
    assert_eq!(
        field(&details(&mut s), "guard"),
        format!(
            "{:<19}terminate once $50.00 is spent · now $12.00 left (set as --max-spend 50.00)",
            "guard"
        )
    );
    select(&mut s, "d3");
    let idle = field(&details(&mut s), "guard");
    assert!(
        idle.contains("terminate after 30m 00s with every GPU below 5% and no terminal session"),
        "{idle}"
    );
    select(&mut s, "d4");
    assert_eq!(
        field(&details(&mut s), "guard"),
        format!("{:<19}none (T sets one)", "guard")
    );
    // The drawn details show it too.
    select(&mut s, "d1");
    details(&mut s);
    assert!(
        render(&s).contains("terminate at 14:30 UTC+1"),
        "{}",
        render(&s)
    );
}

#[test]
fn an_ended_deployment_says_it_has_no_ssh() {
    let mut s = ready(vec![vp_cluster()], 500.0);
    let mut ended = running("d1", "old-run");
    ended.status = spheron_tui::api::DeploymentStatus::Terminated;
    s.deployment_filter = spheron_tui::api::DeploymentFilter::All;
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![ended].into())));
    s.pane = Pane::Deployments;
    let lines = details(&mut s);
    assert_eq!(
        field(&lines, "ssh"),
        format!("{:<19}– ended (terminated): no SSH", "ssh")
    );
    assert!(!lines.iter().any(|l| l.contains("no address yet")));
    assert_eq!(field(&lines, "guard"), format!("{:<19}none", "guard"));
    // `c` copies nothing and says why, though the ended row still lists its last address.
    s.dialog = None;
    let cmds = chr(&mut s, 'c');
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(flash(&s), "old-run has ended (terminated): no SSH");
}
