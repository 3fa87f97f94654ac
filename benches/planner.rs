//! Criterion benchmarks of the model planner (README, Performance): ranking 10,000 offers for a
//! job (what `plan` does after reading them), the filter's `fit:` term over them, and an Offers
//! frame at 10,000 offers with a plan against one without.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

mod common;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use spheron_tui::api::{Offer, OffersPage};
use spheron_tui::app::filter::{OfferFilter, OfferHay};
use spheron_tui::demo::synth;
use spheron_tui::domain::planner::{Job, Precision, find, rank};
use spheron_tui::ui::{self, Theme};

fn offers(n: usize) -> Vec<Offer> {
    let body = serde_json::to_vec(&synth::offers_page(n)).unwrap();
    let page = OffersPage::from_slice(&body).unwrap();
    page.groups.into_iter().flat_map(|g| g.offers).collect()
}

fn llama_70b_fp8_32k() -> Job {
    let mut job = Job::new(find("llama-3.1-70b").unwrap().model());
    job.precision = Precision::Fp8;
    job.context = 32_768;
    job
}

fn plan_10000(c: &mut Criterion) {
    let all = offers(10_000);
    let job = llama_70b_fp8_32k();
    c.bench_function("plan_rank_10000_offers", |b| {
        b.iter(|| black_box(rank(black_box(&job), black_box(&all))).len())
    });
    // As the dashboard filters: each offer's text prepared once per load.
    let hay: Vec<OfferHay> = all.iter().map(OfferHay::of).collect();
    let filter = OfferFilter::parse("fit:llama-3.1-70b@fp8/32k");
    c.bench_function("filter_fit_term_10000_offers", |b| {
        b.iter(|| {
            all.iter()
                .zip(&hay)
                .filter(|(o, h)| filter.matches_hay(black_box(o), h))
                .count()
        })
    });
}

fn frame(c: &mut Criterion) {
    let mut state = common::state_with(10_000, 0);
    let theme = Theme::default();
    let mut g = c.benchmark_group("offers_frame_10000_200x60");
    for (name, plan) in [
        ("without_plan", None),
        ("with_plan", Some(llama_70b_fp8_32k())),
    ] {
        state.offers.set_plan(plan);
        // The same order in both, so the same rows are drawn.
        state.offers.sort = spheron_tui::app::state::OfferSort::Price;
        state.offers.recompute(None);
        let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();
        g.bench_with_input(BenchmarkId::from_parameter(name), &name, |b, _| {
            b.iter(|| {
                term.draw(|f| ui::draw(f, black_box(&state), &theme))
                    .unwrap();
            })
        });
    }
    g.finish();
}

criterion_group!(benches, plan_10000, frame);
criterion_main!(benches);
