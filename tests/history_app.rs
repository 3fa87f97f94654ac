//! Price history and watches in the dashboard, against the demo server with drifting prices on
//! a manual clock and a store seeded with the demo's generated week: the trend column and the
//! chart (snapshots), `w` / `W`, a watch announced once per episode.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use crossterm::event::KeyCode;
use spheron_tui::app::Command;
use spheron_tui::app::dialogs::Dialog;
use spheron_tui::demo::DemoOptions;
use spheron_tui::runtime::SnapshotFormat;
use spheron_tui::runtime::journal::Journal;
use spheron_tui::runtime::snapshot::render;
use spheron_tui::store::{Store, StoreHandle};
use spheron_tui::ui::Theme;
use support::harness::Harness;

struct Setup {
    h: Harness,
    store: StoreHandle,
    _dir: tempfile::TempDir,
}

async fn setup() -> Setup {
    let opts = DemoOptions {
        price_drift: true,
        ..DemoOptions::for_tests()
    };
    let mut h = Harness::with(opts, true).await;
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = Store::open(&dir.path().join("demo.sqlite3")).unwrap();
    let n = spheron_tui::demo::drift::seed_history(&mut store, h.demo.now()).unwrap();
    assert!(n > 100, "a week of history was generated ({n} points)");
    let store = StoreHandle::spawn(store);
    h.exec.journal = Journal::new(Some(store.clone()));
    h.press("r").await; // a load that is recorded and brings the history back
    Setup {
        h,
        store,
        _dir: dir,
    }
}

fn screen(h: &Harness, cols: u16) -> String {
    render(&h.state, cols, 40, SnapshotFormat::Text, &Theme::default()).unwrap()
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(r"resets \d+s", "resets [N]s");
    s.add_filter(r"budget \d+/\d+", "budget [N]/[N]");
    s.add_filter(r"refreshed \d+s ago", "refreshed [N]s ago");
    s
}

#[tokio::test]
async fn the_offers_pane_shows_a_trend_and_the_7_day_low() {
    let s = setup().await;
    assert!(!s.h.state.prices.history.offers.is_empty());
    let wide = screen(&s.h, 170);
    assert!(
        wide.contains("7d trend") && wide.contains("7d low"),
        "{wide}"
    );
    settings().bind(|| insta::assert_snapshot!("history_offers_wide", wide));
    let narrow = screen(&s.h, 120);
    settings().bind(|| insta::assert_snapshot!("history_offers_narrow", narrow));
}

#[tokio::test]
async fn the_details_of_an_offer_chart_its_price_and_its_models_low() {
    let mut s = setup().await;
    s.h.key(KeyCode::Enter).await;
    match &s.h.state.dialog {
        Some(Dialog::Details(d)) if d.chart.is_some() => {
            let c = d.chart.as_ref().unwrap();
            assert_eq!(c.offer.len(), 42);
            assert!(
                c.offer.iter().any(Option::is_none),
                "availability gaps are kept"
            );
            assert!(c.offer.iter().any(Option::is_some));
        }
        other => panic!("no chart: {other:?}"),
    }
    let shot = screen(&s.h, 120);
    settings().bind(|| insta::assert_snapshot!("history_details_chart", shot));
    // At 80 columns the caption wraps and long JSON lines fold under themselves: nothing is
    // cut at the popup's edge.
    let narrow = screen(&s.h, 80);
    assert!(narrow.contains("gap: not available"), "{narrow}");
    settings().bind(|| insta::assert_snapshot!("history_details_chart_80", narrow));
}

/// The "7d low" is over the model's available offers: `?` says so, and the details of an offer
/// not available now whose own price is below that low say why (GH200 SPOT at $0.88 beside a
/// low of $1.70 in the demo).
#[tokio::test]
async fn the_7d_low_says_it_is_over_available_offers_and_why_one_reads_below_it() {
    let mut s = setup().await;
    let st = &s.h.state;
    let lows = &st.prices.history.model_low;
    let below = |o: &spheron_tui::api::Offer| {
        o.unavailable_reason().is_some()
            && o.per_gpu_rate()
                .zip(lows.get(&o.gpu_type))
                .is_some_and(|(own, low)| own < *low)
    };
    let at = st
        .offers
        .visible
        .iter()
        .position(|&i| below(&st.offers.all[i]))
        .expect("the demo has an offer not available now below its model's 7d low");
    let offer = st.offers.all[st.offers.visible[at]].clone();
    let words = |text: &str| {
        text.replace('│', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    s.h.state.offers.cursor.selected = at;
    s.h.key(KeyCode::Enter).await;
    let shot = words(&screen(&s.h, 120));
    let model = spheron_tui::domain::names::gpu_name(&offer.gpu_type);
    assert!(
        shot.contains(&format!("/GPU·h for {model}"))
            && shot.contains("the lowest while available, last 168 h"),
        "{shot}"
    );
    assert!(
        shot.contains(&format!(
            "this ${:.2} is not counted: not available",
            offer.per_gpu_rate().unwrap()
        )),
        "{shot}"
    );
    // an available offer's details say what the low is over, and nothing about being below it
    s.h.key(KeyCode::Esc).await;
    let available = st_position(&s.h.state, |o| o.unavailable_reason().is_none());
    s.h.state.offers.cursor.selected = available;
    s.h.key(KeyCode::Enter).await;
    let shot = words(&screen(&s.h, 120));
    assert!(
        shot.contains("the lowest while available, last 168 h"),
        "{shot}"
    );
    assert!(!shot.contains("is not counted"), "{shot}");
    // `?` (and the README, whose legend equals it: cli_wording) says what the low is over
    let help = spheron_tui::app::keys::hints::OFFER_COLUMNS_LEGEND
        .iter()
        .find(|(v, _)| *v == "7d low")
        .unwrap()
        .1;
    assert!(help.contains("available offers"), "{help}");
    assert!(help.contains("not counted"), "{help}");
}

fn st_position(
    st: &spheron_tui::app::AppState,
    pred: impl Fn(&spheron_tui::api::Offer) -> bool,
) -> usize {
    st.offers
        .visible
        .iter()
        .position(|&i| pred(&st.offers.all[i]))
        .unwrap()
}

#[tokio::test]
async fn w_stores_a_watch_from_the_offer_and_it_is_announced_once_per_episode() {
    let mut s = setup().await;
    s.h.press("w").await;
    assert!(matches!(s.h.state.dialog, Some(Dialog::NewWatch(_))));
    // Pre-filled from the offer; the price is the shared text field; hints from the key table.
    let shot = screen(&s.h, 120);
    assert!(shot.contains("max $/GPU·h"), "{shot}");
    assert!(
        shot.contains("Enter save · Tab/Shift-Tab next field · Esc back/close"),
        "{shot}"
    );
    settings().bind(|| insta::assert_snapshot!("history_new_watch", shot));
    // A price no offer of this kind reaches: the watch is stored but does not match.
    for _ in 0..6 {
        s.h.key(KeyCode::Backspace).await;
    }
    s.h.press("0.01").await;
    s.h.key(KeyCode::Enter).await;
    assert!(s.h.state.dialog.is_none());
    let stored = s.store.call(|s| s.watches()).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].spec.max_gpu_price, 0.01);
    assert_eq!(s.h.state.prices.watches.len(), 1);
    // A second watch from the same offer at its own price matches at the next load.
    s.h.press("w").await;
    s.h.key(KeyCode::Enter).await;
    let notifies = |h: &Harness| h.count(|c| matches!(c, Command::Notify(_)));
    s.h.press("r").await;
    assert_eq!(notifies(&s.h), 1, "announced");
    assert!(s.h.screen().contains('◆'), "the matching row is marked");
    s.h.press("r").await;
    assert_eq!(notifies(&s.h), 1, "not again while it still matches");
    // W lists them; e changes the maximum of the selected one; x removes it from the store.
    s.h.press("W").await;
    s.h.press("e").await;
    assert!(matches!(s.h.state.dialog, Some(Dialog::NewWatch(_))));
    for _ in 0..6 {
        s.h.key(KeyCode::Backspace).await;
    }
    s.h.press("0.02").await;
    s.h.key(KeyCode::Enter).await;
    let stored = s.store.call(|s| s.watches()).await.unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].spec.max_gpu_price, 0.02, "changed in place");
    assert_eq!(stored[0].id, 1);
    s.h.press("W").await;
    s.h.press("x").await;
    assert_eq!(s.store.call(|s| s.watches()).await.unwrap().len(), 1);
    assert_eq!(s.h.state.prices.watches.len(), 1);
}

/// Clear the focused text field (Ctrl-U).
async fn clear_field(h: &mut Harness) {
    use crossterm::event::{KeyEvent, KeyModifiers};
    let ctrl_u = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL);
    h.dispatch(spheron_tui::app::Action::Key(ctrl_u)).await;
}

#[tokio::test]
async fn the_watch_dialog_edits_or_clears_provider_and_region() {
    let mut s = setup().await;
    s.h.press("w").await;
    let Some(Dialog::NewWatch(w)) = &s.h.state.dialog else {
        panic!("{:?}", s.h.state.dialog)
    };
    let (provider, region) = (w.provider.value().to_string(), w.region.value().to_string());
    assert!(!provider.is_empty() && !region.is_empty(), "pre-filled");
    let shot = screen(&s.h, 120);
    assert!(shot.contains(&format!("provider    {provider}")), "{shot}");
    assert!(shot.contains(&format!("region      {region}")), "{shot}");
    assert!(shot.contains("An empty provider or region: any."), "{shot}");
    assert!(
        shot.contains("Enter save · Tab/Shift-Tab next field"),
        "{shot}"
    );
    // The model is named as every pane names it.
    assert!(!shot.contains("GPU A6000-PCIE"), "{shot}");
    // Tab to the provider: one that no offer has is refused, naming those there are.
    s.h.key(KeyCode::Tab).await;
    clear_field(&mut s.h).await;
    s.h.press("nosuch").await;
    s.h.key(KeyCode::Enter).await;
    let Some(Dialog::NewWatch(w)) = &s.h.state.dialog else {
        panic!("refused, the dialog stays")
    };
    let why = w.error.clone().unwrap();
    assert!(
        why.starts_with("no offer is at `nosuch`: one of ") && why.contains("data-crunch"),
        "{why}"
    );
    // Cleared: any provider. Then the region, typed as the Offers pane shows it.
    clear_field(&mut s.h).await;
    s.h.key(KeyCode::Tab).await;
    clear_field(&mut s.h).await;
    s.h.press("FIN-01").await;
    s.h.key(KeyCode::BackTab).await;
    s.h.key(KeyCode::BackTab).await;
    clear_field(&mut s.h).await;
    s.h.press("100").await;
    s.h.key(KeyCode::Enter).await;
    assert!(s.h.state.dialog.is_none());
    let stored = s.store.call(|s| s.watches()).await.unwrap();
    assert_eq!(stored.len(), 1);
    let spec = &stored[0].spec;
    assert_eq!(spec.provider, None, "any provider");
    assert_eq!(spec.region.as_deref(), Some("FIN-01"));
    assert_eq!(spec.max_gpu_price, 100.0);
    // $100 per GPU·h: an offer in FIN-01 matches at once, without a load.
    s.h.press("W").await;
    let list = screen(&s.h, 120);
    assert!(list.contains("in FIN-01"), "{list}");
    assert!(list.contains("◆ matching"), "{list}");
    // Lowered below every offer: the mark goes at once, not at the next load.
    let loads = |h: &Harness| h.count(|c| matches!(c, Command::FetchOffers { .. }));
    let before = loads(&s.h);
    s.h.press("e").await;
    clear_field(&mut s.h).await;
    s.h.press("0.01").await;
    s.h.key(KeyCode::Enter).await;
    s.h.press("W").await;
    let list = screen(&s.h, 120);
    assert!(list.contains("≤ $0.01/GPU·h"), "{list}");
    assert!(!list.contains("◆ matching"), "{list}");
    // Raised again: marked at once. The region field left as it was keeps the region.
    s.h.press("e").await;
    clear_field(&mut s.h).await;
    s.h.press("100").await;
    s.h.key(KeyCode::Enter).await;
    s.h.press("W").await;
    assert!(screen(&s.h, 120).contains("◆ matching"));
    assert_eq!(loads(&s.h), before, "no offers load was needed");
    let stored = s.store.call(|s| s.watches()).await.unwrap();
    assert_eq!(stored[0].spec.region.as_deref(), Some("FIN-01"));
    // Clearing the region: any region.
    s.h.press("e").await;
    s.h.key(KeyCode::Up).await;
    clear_field(&mut s.h).await;
    s.h.key(KeyCode::Enter).await;
    let stored = s.store.call(|s| s.watches()).await.unwrap();
    assert_eq!(stored[0].spec.region, None);
}
