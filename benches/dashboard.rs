//! Criterion benchmarks for the budgets of the Performance section of the README:
//! key press (reducer + render) at 100 and 10,000 offers, filter per keystroke, parsing a
//! 5,000-offer page, applying a 300-deployment refresh.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

mod common;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use spheron_tui::api::OffersPage;
use spheron_tui::app::{Action, update};
use spheron_tui::demo::synth;
use spheron_tui::ui::{self, Theme};

fn key_press_and_render(c: &mut Criterion) {
    let mut g = c.benchmark_group("key_press_render_200x60");
    for n in [100usize, 10_000] {
        let mut state = common::state_with(n, 0);
        let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();
        let theme = Theme::default();
        let mut down = true;
        g.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| {
                // Alternate j/k so the cursor stays in the same place over many iterations.
                let code = if down {
                    KeyCode::Char('j')
                } else {
                    KeyCode::Char('k')
                };
                down = !down;
                update(
                    &mut state,
                    Action::Key(KeyEvent::new(code, KeyModifiers::NONE)),
                );
                term.draw(|f| ui::draw(f, black_box(&state), &theme))
                    .unwrap();
            })
        });
    }
    g.finish();
}

fn filter_keystroke(c: &mut Criterion) {
    let mut g = c.benchmark_group("filter_10000_offers");
    let mut state = common::state_with(10_000, 0);
    for (name, text) in [
        ("free_text", "h100 spheron"),
        (
            "terms",
            "gpu:h100 provider:voltage count>=8 vram>=80 price<30 gpuprice<3",
        ),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| state.offers.set_filter_text(black_box(text)))
        });
    }
    g.finish();
}

fn parse_offers(c: &mut Criterion) {
    let body = serde_json::to_vec(&synth::offers_page(5_000)).unwrap();
    c.bench_function("parse_5000_offer_page", |b| {
        b.iter(|| OffersPage::from_slice(black_box(&body)).unwrap())
    });
}

fn apply_refresh(c: &mut Criterion) {
    let mut state = common::state_with(100, 300);
    let fleet = common::fleet(300);
    c.bench_function("apply_300_deployment_refresh", |b| {
        b.iter_batched(
            || fleet.clone(),
            |f| update(&mut state, Action::DeploymentsLoaded(Ok(f.into()))),
            criterion::BatchSize::SmallInput,
        )
    });
}

criterion_group!(
    benches,
    key_press_and_render,
    filter_keystroke,
    parse_offers,
    apply_refresh
);
criterion_main!(benches);
