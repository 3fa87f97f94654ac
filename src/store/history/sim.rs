//! A polling simulation on a virtual clock, to measure what the history costs in space.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use chrono::{DateTime, Duration, Utc};

use super::CAP_BYTES;
use crate::domain::history::{Coverage, PriceObservation};
use crate::store::{Store, StoreError};

/// How the simulated market moves.
#[derive(Debug, Clone, Copy)]
pub struct Model {
    pub offers: usize,
    pub days: i64,
    pub poll: Duration,
    /// Mean time between two price changes of one offer.
    pub price_every: Duration,
    /// Mean time between two availability flips of one offer.
    pub avail_every: Duration,
    pub seed: u64,
}

/// What the simulation measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    pub polls: u64,
    pub changes: u64,
    pub points: u64,
    pub file_bytes: u64,
    pub used_bytes: u64,
    /// Days of history still held at the end.
    pub days_kept: f64,
}

/// Turn off the fsync of each commit on `store`, to measure what a write costs besides the
/// disk (measurements only: the store a program opens always syncs).
pub fn without_fsync(store: &mut Store) -> Result<(), StoreError> {
    store
        .conn
        .pragma_update(None, "synchronous", "OFF")
        .map_err(|e| store.err(e))
}

/// Drive `store` with `m.offers` offers polled every `m.poll` for `m.days` from `start`,
/// compacting every three simulated hours. A poll in which no offer
/// changed is not sent to the recorder: it would write nothing (the de-duplication tests
/// show it), so leaving it out changes no byte and keeps the run short. Durability is
/// turned off on this store: only sizes are measured.
pub fn run(store: &mut Store, m: Model, start: DateTime<Utc>) -> Result<Outcome, StoreError> {
    without_fsync(store)?;
    let mut rng = fastrand::Rng::with_seed(m.seed);
    let models = ["H100_SXM5", "A100_80G", "RTX4090", "L40S", "H200", "B200"];
    let mut offers: Vec<PriceObservation> = (0..m.offers)
        .map(|i| PriceObservation {
            key: format!("prov{}/offer-{i}", i % 7),
            gpu_model: models[i % models.len()].to_string(),
            provider: format!("prov{}", i % 7),
            instance_type: if i % 3 == 0 { "SPOT" } else { "DEDICATED" }.to_string(),
            gpu_count: [1, 2, 4, 8][i % 4],
            region: Some(format!("region-{}", i % 5)),
            price: Some(10_000 + rng.i64(0..30_000)),
            available: rng.bool(),
        })
        .collect();
    let poll = m.poll.num_seconds().max(1);
    let exp = |rng: &mut fastrand::Rng, mean: Duration| {
        let u = rng.f64().max(1e-12);
        (-(u.ln()) * mean.num_seconds() as f64) as i64
    };
    // (when, offer, is_price)
    let mut next: BinaryHeap<Reverse<(i64, usize, bool)>> = BinaryHeap::new();
    for i in 0..m.offers {
        next.push(Reverse((exp(&mut rng, m.price_every), i, true)));
        next.push(Reverse((exp(&mut rng, m.avail_every), i, false)));
    }
    store.record_prices(start, &offers, Coverage::Complete)?;
    let total = m.days * 86_400;
    let mut out = Outcome {
        polls: (total / poll) as u64,
        changes: 0,
        points: 0,
        file_bytes: 0,
        used_bytes: 0,
        days_kept: 0.0,
    };
    let mut next_compact = 3 * 3600;
    let mut s = poll;
    while s <= total {
        let mut changed = Vec::new();
        while let Some(Reverse((at, i, is_price))) = next.peek().copied() {
            if at > s {
                break;
            }
            next.pop();
            if is_price {
                let p = offers[i].price.get_or_insert(10_000);
                *p = (*p + rng.i64(-2_000..=2_000)).clamp(3_000, 60_000);
                next.push(Reverse((at + exp(&mut rng, m.price_every).max(1), i, true)));
            } else {
                offers[i].available = !offers[i].available;
                next.push(Reverse((
                    at + exp(&mut rng, m.avail_every).max(1),
                    i,
                    false,
                )));
            }
            changed.push(i);
        }
        if !changed.is_empty() {
            changed.sort_unstable();
            changed.dedup();
            let obs: Vec<PriceObservation> = changed.iter().map(|&i| offers[i].clone()).collect();
            out.changes +=
                store.record_prices(start + Duration::seconds(s), &obs, Coverage::Partial)? as u64;
        }
        if s >= next_compact {
            next_compact += 3 * 3600;
            store.compact_history(start + Duration::seconds(s), CAP_BYTES)?;
        }
        s += poll;
    }
    let end = start + Duration::seconds(total);
    store.compact_history(end, CAP_BYTES)?;
    out.points = store.price_point_count()?;
    out.used_bytes = store.used_bytes()?;
    out.file_bytes = std::fs::metadata(store.path())
        .map(|m| m.len())
        .unwrap_or(0);
    let oldest = store.oldest_price_time_after(start.timestamp())?;
    out.days_kept = oldest.map_or(0.0, |o| (end.timestamp() - o) as f64 / 86_400.0);
    Ok(out)
}
