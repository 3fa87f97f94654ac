//! Every pane and overlay, drawn from demo data fetched through the real client, at 120×40.
//! The demo world runs on a manual clock, so times and money are stable; ids are masked anyway.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use crossterm::event::KeyCode;
use ratatui::style::{Color, Modifier};
use support::harness::Harness;

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(r"resets \d+s", "resets [N]s");
    s.add_filter(r"budget \d+/\d+", "budget [N]/[N]");
    s
}

macro_rules! snap {
    ($name:expr, $h:expr) => {
        settings().bind(|| insta::assert_snapshot!($name, $h.screen()));
    };
}

#[tokio::test]
async fn offers_pane() {
    let h = Harness::new().await;
    assert!(
        h.state.offers.all.len() >= 60,
        "the whole catalog is paged in"
    );
    snap!("offers", h);
}

#[tokio::test]
async fn offers_filtered_sorted_and_typed() {
    let mut h = Harness::new().await;
    h.press("/").await;
    h.press("gpu:h100 count>=8").await;
    h.key(KeyCode::Enter).await;
    h.press("sS").await; // sort by $/GPU·h, descending
    snap!("offers_filtered", h);
    h.key(KeyCode::Esc).await;
    h.press("t").await; // SPOT only
    assert!(
        h.state
            .offers
            .visible
            .iter()
            .all(|&i| h.state.offers.all[i].instance_type.as_str() == "SPOT")
    );
    snap!("offers_spot", h);
}

#[tokio::test]
async fn offers_without_a_key_show_list_prices() {
    let h = Harness::with(spheron_tui::demo::DemoOptions::for_tests(), false).await;
    assert!(
        h.state
            .offers
            .all
            .iter()
            .all(|o| o.discounted_price.is_none())
    );
    assert!(h.screen().contains("list prices (no key)"));
}

#[tokio::test]
async fn deployments_pane_all_states() {
    let mut h = Harness::new().await;
    h.press("2").await;
    snap!("deployments_active", h);
    h.advance(11).await;
    h.press("ff").await; // all
    snap!("deployments_all", h);
}

#[tokio::test]
async fn volumes_keys_account_panes() {
    let mut h = Harness::new().await;
    h.press("3").await;
    snap!("volumes", h);
    h.press("4").await;
    snap!("keys", h);
    h.press("5").await;
    snap!("account", h);
}

#[tokio::test]
async fn help_details_and_key_prompt_overlays() {
    let mut h = Harness::new().await;
    h.press("?").await;
    snap!("help", h);
    h.key(KeyCode::Esc).await;
    h.press("2").await;
    h.key(KeyCode::Enter).await;
    snap!("details", h);

    let mut h = Harness::with(spheron_tui::demo::DemoOptions::for_tests(), false).await;
    h.press("2").await;
    h.press("not-a-real-key").await;
    let screen = h.screen();
    assert!(
        !screen.contains("not-a-real-key"),
        "the typed key is never drawn"
    );
    snap!("key_prompt", h);
}

#[tokio::test]
async fn status_colours_are_on_the_cells() {
    let mut h = Harness::new().await;
    h.press("2").await;
    let buf = h.buffer();
    let find = |word: &str| {
        let area = buf.area;
        for y in 0..area.height {
            let line: String = (0..area.width).map(|x| buf[(x, y)].symbol()).collect();
            if let Some(col) = line.find(word) {
                let x = line[..col].chars().count() as u16;
                return buf[(x, y)].clone();
            }
        }
        panic!("{word} not on screen");
    };
    let running = find("running");
    assert_eq!(running.fg, Color::Green);
    assert!(running.modifier.contains(Modifier::BOLD));
    assert_eq!(find("deploying").fg, Color::Yellow);
    h.press("5").await;
    // The demo's burn rate leaves < 24 h of runway: shown as a warning in red.
    let buf = h.buffer();
    let area = buf.area;
    let runway_row = (0..area.height)
        .find(|&y| {
            (0..area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .contains("balance lasts")
        })
        .expect("runway line");
    let x = (0..area.width)
        .find(|&x| buf[(x, runway_row)].symbol() == "b" && buf[(x + 1, runway_row)].symbol() == "a")
        .unwrap();
    assert_eq!(buf[(x, runway_row)].fg, Color::Red);
}

#[tokio::test]
async fn one_session_driven_by_keys_against_the_demo_server() {
    let mut h = Harness::new().await;
    // Browse and filter offers, look at one, then watch deployments move with the clock.
    h.press("/").await;
    h.press("a100").await;
    h.key(KeyCode::Enter).await;
    // The search went to the API: only A100 offers came back.
    assert!(!h.state.offers.all.is_empty());
    assert!(
        h.state
            .offers
            .all
            .iter()
            .all(|o| o.gpu_type.contains("A100"))
    );
    h.key(KeyCode::Enter).await;
    assert!(h.screen().contains("every field"));
    h.key(KeyCode::Esc).await;
    h.press("2").await;
    let deploying: Vec<String> = h
        .state
        .deployments
        .items
        .iter()
        .filter(|d| d.status.as_str() == "deploying")
        .map(|d| d.id.clone())
        .collect();
    assert!(
        !deploying.is_empty(),
        "the demo seed has a deploying instance"
    );
    let before = h.demo.requests().len();
    // Two minutes of polling: the deploying instance comes up.
    for _ in 0..120 {
        h.advance(1).await;
    }
    let d = h
        .state
        .deployments
        .items
        .iter()
        .find(|d| d.id == deploying[0])
        .unwrap();
    assert_eq!(d.status.as_str(), "running");
    assert!(d.ip_address.is_some());
    let polls = h.demo.requests()[before..]
        .iter()
        .filter(|r| r.path.starts_with("/api/deployments"))
        .count();
    // About one list request per 20 s: a poll reads both teams (two requests) and comes half
    // as often, once the first read across teams has told the schedule it takes two.
    assert!(
        (5..=8).contains(&polls),
        "one list request per 20 s, got {polls}: {:?}",
        h.demo.requests()[before..]
            .iter()
            .map(|r| (r.at, r.path.clone()))
            .collect::<Vec<_>>()
    );
    h.press("q").await;
    assert!(h.state.quit);
}

#[tokio::test]
async fn the_runway_warning_says_where_to_add_credit_at_80_columns() {
    let mut h = Harness::new().await;
    h.press("5").await;
    let screen = spheron_tui::runtime::snapshot::render(
        &h.state,
        80,
        24,
        spheron_tui::runtime::SnapshotFormat::Text,
        &spheron_tui::ui::Theme::default(),
    )
    .unwrap();
    assert!(screen.contains("add credit soon"), "{screen}");
    assert!(screen.contains("app.spheron.ai"), "{screen}");
    assert!(screen.contains("Teams"), "{screen}");
}
