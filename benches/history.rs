//! Price history budgets: recording a 5,000-offer load (one transaction), one GPU model's 30-day
//! history, an Offers frame with trends at 10,000 offers against one without; and, printed
//! before the benchmarks, the store's size after 90 days of polling 5,000 offers every 20 s
//! on a virtual clock (`HISTORY_SIZE=0` skips it), and how long the hourly compaction takes
//! (`HISTORY_COMPACTION=0` skips that).

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

mod common;

use std::hint::black_box;
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use spheron_tui::domain::history::{
    Coverage, HistoryView, OfferTrend, PriceObservation, TREND_BUCKETS, offer_key, to_units,
};
use spheron_tui::store::Store;
use spheron_tui::store::history::sim;
use spheron_tui::ui::{self, Theme};

fn model(offers: usize, days: i64) -> sim::Model {
    sim::Model {
        offers,
        days,
        poll: Duration::seconds(20),
        price_every: Duration::hours(12),
        avail_every: Duration::hours(24),
        seed: 7,
    }
}

fn size_report() {
    if std::env::var("HISTORY_SIZE").as_deref() == Ok("0") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _) = Store::open(&dir.path().join("size.sqlite3")).unwrap();
    let t0 = Utc.with_ymd_and_hms(2026, 9, 1, 0, 0, 0).unwrap();
    let started = std::time::Instant::now();
    let out = sim::run(&mut s, model(5_000, 90), t0).unwrap();
    println!(
        "history size, 5,000 offers, 90 days, one poll per 20 s ({} polls), a price change per offer every 12 h and an availability flip every 24 h on average: {:.1} MB file ({} points, {} changes recorded, {:.1} days kept; simulated in {:.0?})",
        out.polls,
        out.file_bytes as f64 / 1_048_576.0,
        out.points,
        out.changes,
        out.days_kept,
        started.elapsed()
    );
}

/// How long the hourly compaction takes after an hour of loads of 5,000 offers in which each
/// offer changed `per_hour` times (180: at every 20 s poll): moving that hour's points to the
/// raw tier and packing the hour that turned 48 h old, which saw as many changes. The other
/// hours of the 61 have one change per offer. Printed (the median of three) before the
/// benchmarks.
fn compaction_report(per_hour: usize) {
    let mut times = Vec::new();
    for _ in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let (mut s, _) = Store::open(&dir.path().join("c.sqlite3")).unwrap();
        let t0 = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        let loads = [obs(5_000, 0), obs(5_000, 1)];
        let mut k = 0;
        let mut took = Default::default();
        for h in 0..=60 {
            let n = if h == 12 || h == 60 { per_hour } else { 1 };
            for i in 0..n {
                let at = t0 + Duration::seconds(h * 3600 + (i * 3600 / n) as i64);
                s.record_prices(at, &loads[k % 2], Coverage::Complete)
                    .unwrap();
                k += 1;
            }
            let started = std::time::Instant::now();
            s.compact_history(
                t0 + Duration::hours(h + 1),
                spheron_tui::store::history::CAP_BYTES,
            )
            .unwrap();
            took = started.elapsed();
        }
        times.push(took);
    }
    times.sort();
    println!(
        "history compaction, 5,000 offers, each changed {per_hour} time(s) in the hour and in the hour packed ({} points moved, {} packed): {:.1?}",
        5_000 * per_hour,
        5_000 * per_hour,
        times[1]
    );
}

fn obs(n: usize, bump: i64) -> Vec<PriceObservation> {
    (0..n)
        .map(|i| PriceObservation {
            key: format!("prov{}/offer-{i}", i % 7),
            gpu_model: ["H100_SXM5", "A100_80G", "RTX4090", "L40S", "H200", "B200"][i % 6].into(),
            provider: format!("prov{}", i % 7),
            instance_type: "SPOT".into(),
            gpu_count: 8,
            region: Some("us-east-1".into()),
            price: Some(to_units(1.0 + (i % 300) as f64 / 100.0) + bump),
            available: true,
        })
        .collect()
}

fn record(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _) = Store::open(&dir.path().join("rec.sqlite3")).unwrap();
    let mut t = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
    let loads = [obs(5_000, 0), obs(5_000, 1)];
    s.record_prices(t, &loads[0], Coverage::Complete).unwrap();
    let mut g = c.benchmark_group("history_record_5000");
    g.sample_size(30);
    let mut k = 1;
    g.bench_function("every_offer_changed", |b| {
        b.iter(|| {
            t += Duration::seconds(20);
            let n = s
                .record_prices(t, black_box(&loads[k % 2]), Coverage::Complete)
                .unwrap();
            assert_eq!(n, 5_000);
            k += 1;
        })
    });
    g.bench_function("nothing_changed", |b| {
        b.iter(|| {
            t += Duration::seconds(20);
            let n = s
                .record_prices(t, black_box(&loads[(k + 1) % 2]), Coverage::Complete)
                .unwrap();
            assert_eq!(n, 0);
        })
    });
    let dir2 = tempfile::tempdir().unwrap();
    let (mut s2, _) = Store::open(&dir2.path().join("rec2.sqlite3")).unwrap();
    sim::without_fsync(&mut s2).unwrap();
    s2.record_prices(t, &loads[0], Coverage::Complete).unwrap();
    let mut k2 = 1;
    g.bench_function("every_offer_changed_without_fsync", |b| {
        b.iter(|| {
            t += Duration::seconds(20);
            let n = s2
                .record_prices(t, black_box(&loads[k2 % 2]), Coverage::Complete)
                .unwrap();
            assert_eq!(n, 5_000);
            k2 += 1;
        })
    });
    g.finish();
}

fn query(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _) = Store::open(&dir.path().join("q.sqlite3")).unwrap();
    let t0 = Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap();
    let out = sim::run(&mut s, model(5_000, 30), t0).unwrap();
    let end = t0 + Duration::days(30);
    let mut g = c.benchmark_group("history_query_30d");
    g.bench_function(format!("one_model_of_6_over_{}_points", out.points), |b| {
        b.iter(|| {
            let h = s
                .price_history(black_box("h100"), end - Duration::days(30))
                .unwrap();
            assert!(!h.is_empty());
        })
    });
    // What a recorder reads before its first load, and again after another process (the
    // dashboard, `guard run`) committed: every offer's last point.
    g.bench_function("every_offers_last_point", |b| {
        b.iter(|| {
            s.forget_history_cache();
            s.record_prices(end, &[], Coverage::Partial).unwrap();
        })
    });
    // What the dashboard reads after each load: every offer's last 7 days (its trends).
    g.bench_function("every_offer_7_days", |b| {
        b.iter(|| {
            let h = s
                .price_history(black_box(""), end - Duration::days(7))
                .unwrap();
            assert_eq!(h.len(), 5_000);
        })
    });
    g.finish();
}

fn frame(c: &mut Criterion) {
    let mut state = common::state_with(10_000, 0);
    let mut view = HistoryView::default();
    for (i, o) in state.offers.all.iter().enumerate() {
        let rate = o.per_gpu_rate().unwrap_or(1.0);
        let buckets = (0..TREND_BUCKETS)
            .map(|b| (b % 5 != i % 5).then_some(rate * (0.9 + (b % 7) as f64 / 30.0)))
            .collect();
        view.offers.insert(
            offer_key(o),
            OfferTrend {
                day_ago: Some(rate * 1.05),
                buckets,
            },
        );
        let low = view.model_low.entry(o.gpu_type.clone()).or_insert(f64::MAX);
        *low = low.min(rate * 0.9);
    }
    let with = Arc::new(view);
    let theme = Theme::default();
    let mut g = c.benchmark_group("offers_frame_10000_200x60");
    for (name, history) in [("without_trends", Arc::default()), ("with_trends", with)] {
        state.prices.history = history;
        spheron_tui::app::prices::refresh_rows(&mut state);
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

fn main() {
    size_report();
    if std::env::var("HISTORY_COMPACTION").as_deref() != Ok("0") {
        compaction_report(1);
        compaction_report(180);
    }
    let mut c = Criterion::default().configure_from_args();
    record(&mut c);
    query(&mut c);
    frame(&mut c);
    c.final_summary();
}
