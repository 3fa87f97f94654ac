//! Criterion benchmarks of the model planner (README, Performance): ranking 10,000 offers for a
//! job (what `plan` does after reading them), and the filter's `fit:` term over them.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use spheron_tui::api::{Offer, OffersPage};
use spheron_tui::app::filter::{OfferFilter, OfferHay};
use spheron_tui::demo::synth;
use spheron_tui::domain::planner::{Job, Precision, find, rank};

fn offers(n: usize) -> Vec<Offer> {
    let body = serde_json::to_vec(&synth::offers_page(n)).unwrap();
    let page = OffersPage::from_slice(&body).unwrap();
    page.groups.into_iter().flat_map(|g| g.offers).collect()
}

fn plan_10000(c: &mut Criterion) {
    let all = offers(10_000);
    let mut job = Job::new(find("llama-3.1-70b").unwrap().model());
    job.precision = Precision::Fp8;
    job.context = 32_768;
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

criterion_group!(benches, plan_10000);
criterion_main!(benches);
