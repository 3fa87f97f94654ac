//! Money is never cut: every pane at 80×24 and at 200×60 with amounts over $1,000, the deploy
//! summary at 80×24 with its totals, and the notice below the minimum size.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;
use spheron_tui::api::{Balance, decode};
use spheron_tui::app::dialogs::Dialog;
use spheron_tui::app::dialogs::deploy::Step;
use spheron_tui::app::{Action, AppState, Pane, update};
use spheron_tui::ui::{self, Theme, svg};
use support::fixtures::*;

fn big_offers() -> Vec<serde_json::Value> {
    vec![
        json!({"provider": "voltage-park", "offerId": "vp-b200-64", "gpuCount": 64,
               "price": 2437.0, "discountedPrice": 2193.3, "originalPrice": 2437.0,
               "instanceType": "CLUSTER", "gpu_memory": 192, "vcpus": 1792, "memory": 16000,
               "clusters": ["166e655a:culpeper-usa-1", "a7f3:dallas-usa-2"],
               "os_options": ["Ubuntu 22.04"], "available": true, "gpuType": "H100_SXM5",
               "extras": {"kubernetes_addon": {"version": "1.35", "total_cost_per_hour": 3.2}}}),
        json!({"provider": "massed-compute", "offerId": "mc-a100-8", "gpuCount": 8,
               "price": 1234.56, "instanceType": "DEDICATED", "gpu_memory": 80, "vcpus": 224,
               "memory": 2000, "clusters": ["us-central-kc"], "os_options": ["ubuntu-22.04"],
               "available": true, "gpuType": "A100_80G"}),
        json!({"provider": "spheron-ai", "offerId": "sp-4090-1", "gpuCount": 1, "price": 0.31,
               "instanceType": "SPOT", "gpu_memory": 24, "clusters": ["us-east-1"],
               "os_options": ["ubuntu-22.04"], "available": true, "gpuType": "RTX4090"}),
        json!({"provider": "sesterce", "offerId": "ses-unpriced", "gpuCount": 1,
               "instanceType": "DEDICATED", "gpu_memory": 80, "clusters": ["fr-par-1"],
               "os_options": ["ubuntu-22.04"], "available": true, "gpuType": "A100_80G"}),
    ]
}

/// A world where the amounts run past $1,000 in every pane that shows money.
fn big_world(cols: u16, rows: u16) -> AppState {
    let mut s = ready(big_offers(), 0.0);
    s.size = (cols, rows);
    let bal = Balance::decode(json!({"teams": [
        {"teamId": "t1", "teamName": "Personal", "balance": 1234567.89, "isCurrentTeam": true},
        {"teamId": "t2", "teamName": "Research lab with a long name", "balance": "n/a"}
    ], "currency": "USD"}))
    .unwrap();
    update(&mut s, Action::BalanceLoaded(Ok(bal)));
    let deps = vec![
        deployment(
            json!({"id": "d1", "name": "pretraining-run-with-a-very-long-name",
            "status": "running", "gpuType": "B200_SXM6", "gpuCount": 64,
            "provider": "voltage-park", "region": "166e655a:culpeper-usa-1",
            "instanceType": "CLUSTER", "hourlyRate": 2193.3, "totalCost": 24370.55,
            "ipAddress": "147.185.41.180", "startedAt": "2026-11-28T01:00:00Z"}),
        ),
        deployment(
            json!({"id": "d2", "name": "a100-box", "status": "hibernating",
            "gpuType": "A100_80G", "gpuCount": 8, "provider": "massed-compute",
            "region": "us-central-kc", "instanceType": "DEDICATED", "hourlyRate": 1234.56,
            "totalCost": 1000.0, "startedAt": "2026-11-28T11:00:00Z"}),
        ),
        deployment(
            json!({"id": "d3", "name": "small", "status": "running", "gpuType": "RTX4090",
            "gpuCount": 1, "provider": "spheron-ai", "region": "us-east-1",
            "instanceType": "SPOT", "hourlyRate": 0.31, "startedAt": "2026-11-28T11:30:00Z"}),
        ),
    ];
    update(&mut s, Action::DeploymentsLoaded(Ok(deps.into())));
    let vols: Vec<_> = [
        json!({"id": "v1", "name": "archive-of-everything-we-ever-trained", "provider": "voltage-park",
               "region": "culpeper-usa-1", "sizeInGb": 64000, "hourlyRate": 1536.75,
               "status": "attached", "deploymentId": "d1"}),
        json!({"id": "v2", "name": "scratch", "provider": "spheron-ai", "region": "us-east-1",
               "sizeInGb": 100, "hourlyRatePerGb": 0.0001, "status": "available"}),
    ]
    .into_iter()
    .map(|v| decode(v).unwrap())
    .collect();
    update(&mut s, Action::VolumesLoaded(Ok(vols.into())));
    s
}

fn draw(s: &AppState, cols: u16, rows: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(cols, rows)).unwrap();
    t.draw(|f| ui::draw(f, s, &Theme::default())).unwrap();
    svg::to_text(t.backend().buffer())
}

const PANES: [(Pane, &str, &[&str]); 5] = [
    (
        Pane::Offers,
        "offers",
        &["$2,193.30 $2,437.00", "$1,234.56", "$34.27", "$0.31"],
    ),
    (
        Pane::Deployments,
        "deployments",
        &[
            "$2,193.30",
            "$24,370.55",
            "$1,234.56",
            "$1,000.00",
            "hibernating",
        ],
    ),
    (Pane::Volumes, "volumes", &["$1,536.75", "$0.01"]),
    (Pane::Keys, "keys", &["laptop"]),
    (Pane::Account, "account", &["$1,234,567.89", "unknown"]),
];

#[test]
fn every_pane_shows_whole_amounts_at_80x24_and_200x60() {
    for (cols, rows) in [(80, 24), (200, 60)] {
        for (pane, name, amounts) in PANES {
            let mut s = big_world(cols, rows);
            s.pane = pane;
            let text = draw(&s, cols, rows);
            for a in amounts {
                assert!(
                    text.contains(a),
                    "{name} at {cols}×{rows}: {a:?} is not whole:\n{text}"
                );
            }
            insta::assert_snapshot!(format!("{name}_{cols}x{rows}"), text);
        }
    }
}

#[test]
fn the_unpriced_offer_shows_a_question_mark_and_sorts_last() {
    let s = big_world(200, 60);
    let text = draw(&s, 200, 60);
    let row = text
        .lines()
        .find(|l| l.contains("sesterce"))
        .expect("the unpriced offer is listed");
    assert!(row.contains(" ? "), "{row}");
    assert!(!row.contains("$0.00"), "{row}");
    let last = s.offers.visible.last().map(|&i| &s.offers.all[i].offer_id);
    assert_eq!(last.map(String::as_str), Some("ses-unpriced"));
}

#[test]
fn the_deploy_summary_at_80x24_keeps_its_totals() {
    let mut s = big_world(80, 24);
    chr(&mut s, 'S'); // dearest first: the $2,193.30/h cluster
    chr(&mut s, 'g');
    chr(&mut s, 'd');
    let step = |s: &AppState| match &s.dialog {
        Some(Dialog::Deploy(w)) => w.step(),
        other => panic!("the wizard closed: {other:?}"),
    };
    while step(&s) != Step::Summary {
        enter(&mut s);
    }
    let text = draw(&s, 80, 24);
    for needle in [
        "Total",
        "$2,193.30/h",
        "24 h $52,639.20",
        "Minimum",
        "$731.10",
        "runway",
        "[ Deploy",
    ] {
        assert!(text.contains(needle), "{needle:?} missing:\n{text}");
    }
    insta::assert_snapshot!("summary_80x24", text);
}

#[test]
fn below_the_minimum_size_a_notice_says_what_is_needed() {
    let s = big_world(50, 15);
    let text = draw(&s, 50, 15);
    assert!(text.contains("terminal too small"), "{text}");
    assert!(text.contains("need 64×20, have 50×15"), "{text}");
    assert!(!text.contains('$'), "no amount is drawn cut:\n{text}");
    // at the minimum itself the dashboard draws
    let text = draw(&big_world(64, 20), 64, 20);
    assert!(!text.contains("terminal too small"));
}
