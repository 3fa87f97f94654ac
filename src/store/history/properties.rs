//! Random recording sessions against a model of the recorder: what a read returns after any
//! compactions and restarts.

use chrono::Duration;

use super::pack::State;
use super::tests::{obs, open, t0};
use super::{CAP_BYTES, RAW_KEEP};
use crate::domain::history::{Coverage, PriceObservation, to_units};
use crate::store::Store;

/// One step of a random recording session: a load at `minutes` of offers `(id, price in
/// tenths, available)` (3 tenths: a price that could not be read), complete or filtered,
/// then maybe a compaction.
type Step = (u16, Vec<(u8, u8, bool)>, bool, bool);

fn load(offers: &[(u8, u8, bool)]) -> Vec<PriceObservation> {
    let mut seen = std::collections::BTreeSet::new();
    offers
        .iter()
        .filter(|(id, _, _)| seen.insert(*id))
        .map(|&(id, tenths, available)| {
            let mut o = obs(usize::from(id), 1.0 + f64::from(tenths) / 10.0, available);
            if tenths == 3 {
                o.price = None;
            }
            o
        })
        .collect()
}

/// Sessions of up to `len` steps `gap` minutes apart at most, over offers `0..ids`.
fn steps(gap: u16, ids: u8, len: usize) -> impl proptest::strategy::Strategy<Value = Vec<Step>> {
    use proptest::prelude::any;
    proptest::collection::vec(
        (
            0..gap,
            proptest::collection::vec((0..ids, 0u8..4, any::<bool>()), 0..usize::from(ids)),
            any::<bool>(),
            any::<bool>(),
        ),
        1..len,
    )
}

/// Play `steps` into a new store (forgetting the last points every third minute when
/// `restarts`); returns it and the minute of the last load.
fn play(steps: &[Step], restarts: bool) -> (tempfile::TempDir, Store, i64) {
    let (d, mut s) = open();
    let mut t = 0;
    for (gap, offers, complete, compact) in steps {
        t += i64::from(*gap) + 1;
        let at = t0() + Duration::minutes(t);
        let coverage = if *complete {
            Coverage::Complete
        } else {
            Coverage::Partial
        };
        s.record_prices(at, &load(offers), coverage).unwrap();
        if *compact {
            s.compact_history(at, CAP_BYTES).unwrap();
        }
        if restarts && t % 3 == 0 {
            s.forget_history_cache();
        }
    }
    (d, s, t)
}

/// What the recorder must have written: per offer, a point whenever its state differs from
/// its last one, and "gone" when a complete load leaves it out.
fn model(steps: &[Step]) -> std::collections::BTreeMap<String, Vec<(i64, i64, State)>> {
    let mut m: std::collections::BTreeMap<String, Vec<(i64, i64, State)>> = Default::default();
    let mut t = 0;
    for (gap, offers, complete, _) in steps {
        t += i64::from(*gap) + 1;
        let load = load(offers);
        for o in &load {
            let last = m.get(&o.key).and_then(|p| p.last()).copied();
            let (price, state) = match (o.price, last) {
                (Some(p), _) => (p, State::of(o.available, true)),
                (None, Some(l)) => (l.1, State::Unavailable),
                (None, None) => continue,
            };
            if last.is_none_or(|l| (l.1, l.2) != (price, state)) {
                m.entry(o.key.clone()).or_default().push((t, price, state));
            }
        }
        if *complete {
            for (key, pts) in m.iter_mut() {
                let last = *pts.last().unwrap();
                if last.2 != State::Gone && !load.iter().any(|o| &o.key == key) {
                    pts.push((t, last.1, State::Gone));
                }
            }
        }
    }
    m
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

    /// Within the raw window, the tiers are invisible: whatever compactions ran, a read
    /// returns exactly the points the model says were written, and a restart changes
    /// nothing about what the next load writes.
    #[test]
    fn the_tiers_read_back_what_was_written(steps in steps(70, 5, 40)) {
        // At most 40 × 70 minutes: nothing is 48 h old.
        let (_d, s, _) = play(&steps, true);
        let read: std::collections::BTreeMap<String, Vec<(i64, i64, State)>> = s
            .price_history("", t0())
            .unwrap()
            .into_iter()
            .map(|series| {
                let pts = series
                    .points
                    .iter()
                    .map(|p| {
                        (
                            (p.t - t0()).num_minutes(),
                            to_units(p.price),
                            State::of(p.available, p.listed),
                        )
                    })
                    .collect();
                (series.offer.key, pts)
            })
            .collect();
        proptest::prop_assert_eq!(read, model(&steps));
    }
}

/// Per offer key, `(seconds, price, state, lowest, highest)` of each point.
type Rolled = std::collections::BTreeMap<String, Vec<(i64, i64, State, i64, i64)>>;

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(16))]

    /// Over days, with compactions whenever they happen: points older than the last
    /// cut-off read back as one per offer per hour (its last price and state, its lowest
    /// and highest price), newer ones as written.
    #[test]
    fn hours_older_than_48_h_read_back_rolled_up(steps in steps(400, 4, 30)) {
        let (_d, mut s, t) = play(&steps, false);
        let end = t0() + Duration::minutes(t);
        s.compact_history(end, CAP_BYTES).unwrap();
        let cutoff = (end - RAW_KEEP).timestamp().div_euclid(3600) * 3600;
        // (seconds, price, state, lo, hi)
        let mut expected: Rolled = Default::default();
        for (key, pts) in model(&steps) {
            let mut out: Vec<(i64, i64, State, i64, i64)> = Vec::new();
            for (m, price, state) in pts {
                let at = t0().timestamp() + m * 60;
                if at >= cutoff {
                    out.push((at, price, state, price, price));
                    continue;
                }
                let hour = at.div_euclid(3600) * 3600;
                match out.last_mut() {
                    Some(h) if h.0 == hour => {
                        *h = (hour, price, state, h.3.min(price), h.4.max(price));
                    }
                    _ => out.push((hour, price, state, price, price)),
                }
            }
            expected.insert(key, out);
        }
        let read: Rolled = s
            .price_history("", t0() - Duration::hours(1))
            .unwrap()
            .into_iter()
            .map(|series| {
                let pts = series
                    .points
                    .iter()
                    .map(|p| {
                        (
                            p.t.timestamp(),
                            to_units(p.price),
                            State::of(p.available, p.listed),
                            to_units(p.lo),
                            to_units(p.hi),
                        )
                    })
                    .collect();
                (series.offer.key, pts)
            })
            .collect();
        proptest::prop_assert_eq!(read, expected);
    }
}
