//! Prices and availability that move with the world clock (`DemoOptions::price_drift`): each
//! offer's price moves within ±12% of its catalog price, changing every 6 hours of world time,
//! and each offer is unavailable for about one 2-hour slot in seven. Deterministic in the offer
//! id and the time, so the past can be replayed: the dashboard's demo history is generated
//! from the same functions.

use chrono::{DateTime, Utc};

use super::catalog::{Catalog, Moved, Offer, round};

const PRICE_SLOT_SECS: i64 = 6 * 3600;
const AVAIL_SLOT_SECS: i64 = 2 * 3600;

fn mix(id: &str, slot: i64, salt: u64) -> u64 {
    // FNV-1a over the id, then splitmix64 with the slot.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ salt;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    let mut z = h ^ (slot as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The factor on the catalog price at `t`: 0.88–1.12.
pub fn price_factor(offer_id: &str, t: DateTime<Utc>) -> f64 {
    let slot = t.timestamp().div_euclid(PRICE_SLOT_SECS);
    0.88 + (mix(offer_id, slot, 1) % 25) as f64 / 100.0
}

/// Whether the offer is up at `t` (before its own `available` and maintenance flags).
pub fn up(offer_id: &str, t: DateTime<Utc>) -> bool {
    let slot = t.timestamp().div_euclid(AVAIL_SLOT_SECS);
    !mix(offer_id, slot, 2).is_multiple_of(7)
}

/// `o` as it is at `t`: price, `available` and units moved, in the fields and in the wire JSON
/// ([`Offer::moved`]).
pub fn apply(o: &mut Offer, t: DateTime<Utc>) {
    o.price = round(o.price * price_factor(&o.offer_id, t), 2);
    let up = up(&o.offer_id, t);
    if !up {
        o.units_available = 0;
    }
    o.moved = Some(Moved { price: o.price, up });
}

/// Whether the offer, as served at `t`, is available.
pub fn available(o: &Offer) -> bool {
    o.moved.is_none_or(|m| m.up) && o.available
}

/// The catalog as it is at `t`.
pub fn catalog_at(c: &Catalog, t: DateTime<Utc>) -> Catalog {
    let mut c = c.clone();
    for g in &mut c.groups {
        for o in &mut g.offers {
            apply(o, t);
        }
    }
    c
}

/// What a dashboard with a key records of the catalog at `t` (the discounted $/GPU·h and
/// whether it can be deployed).
pub fn observations_at(
    c: &Catalog,
    t: DateTime<Utc>,
) -> Vec<crate::domain::history::PriceObservation> {
    use crate::domain::history::{PriceObservation, to_units};
    c.groups
        .iter()
        .flat_map(|g| g.offers.iter())
        .map(|base| {
            let mut o = base.clone();
            apply(&mut o, t);
            PriceObservation {
                key: crate::domain::history::key_of(&o.provider, &o.offer_id),
                gpu_model: o.gpu_type.clone(),
                provider: o.provider.clone(),
                instance_type: o.instance_type.clone(),
                gpu_count: o.gpu_count,
                region: o.clusters.first().cloned().or(o.region.clone()),
                price: Some(to_units(
                    o.discounted_price() / f64::from(o.gpu_count.max(1)),
                )),
                available: available(&o) && !o.maintenance,
            }
        })
        .collect()
}

/// Fill `store` (the demo's own) with the demo's history up to `now`: from the last point it
/// holds, or from 7 days back, one load every 20 minutes. Returns the points written.
pub fn seed_history(
    store: &mut crate::store::Store,
    now: DateTime<Utc>,
) -> Result<usize, crate::store::StoreError> {
    let week = now - chrono::Duration::days(7);
    let step = chrono::Duration::minutes(20);
    let from = match store.latest_price_time()? {
        // The last load is recent: nothing to add, nothing to compact.
        Some(last) if last + step > now => return Ok(0),
        Some(last) => last.max(week),
        None => week,
    };
    let c = Catalog::shared();
    let times = std::iter::successors(Some(from), |t| Some(*t + step)).take_while(|t| *t < now);
    // One transaction for the whole stretch: a week is 504 loads.
    let n = store.record_loads(times.map(|t| {
        (
            t,
            observations_at(&c, t),
            crate::domain::history::Coverage::Complete,
        )
    }))?;
    store.compact_history(now, crate::store::history::CAP_BYTES)?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_and_availability_move_with_the_clock_and_replay() {
        let c = Catalog::load().unwrap();
        let t0 = crate::demo::test_epoch();
        let a = catalog_at(&c, t0);
        let b = catalog_at(&c, t0 + chrono::Duration::hours(6));
        let prices = |c: &Catalog| c.offers().map(|o| o.price).collect::<Vec<_>>();
        assert_ne!(prices(&a), prices(&b), "prices move");
        assert_eq!(
            prices(&a),
            prices(&catalog_at(&c, t0)),
            "the same time, the same prices"
        );
        let down = (0..84)
            .filter(|h| !up("x", t0 + chrono::Duration::hours(*h)))
            .count();
        assert!(down > 0 && down < 40, "{down}");
        for o in a.offers() {
            let base = c.offer(&o.offer_id).unwrap().price;
            assert!((o.price - base).abs() <= base * 0.13 + 0.01);
        }
    }

    #[test]
    fn the_wire_json_says_what_the_clock_moved_over_the_shared_catalog_json() {
        let c = Catalog::load().unwrap();
        let t0 = crate::demo::test_epoch();
        // An hour in which some offer is down.
        let (at, o) = (0..200)
            .map(|h| t0 + chrono::Duration::hours(h))
            .find_map(|t| {
                let moved = catalog_at(&c, t);
                let down = moved.offers().find(|o| !available(o))?.clone();
                Some((t, down))
            })
            .expect("an offer down within 200 hours");
        let base = c.offer(&o.offer_id).unwrap();
        assert!(std::ptr::eq(o.raw, base.raw), "not copied");
        let wire = o.to_json(false);
        assert_eq!(wire["price"], serde_json::json!(o.price));
        assert_eq!(wire["available"], serde_json::json!(false));
        assert_eq!(wire["extras"]["technical"]["units_available"], 0);
        assert_eq!(o.units_available, 0);
        // The catalog itself is untouched, and an offer that is up keeps its own flag.
        assert_ne!(base.to_json(false)["available"], serde_json::json!(false));
        let up_one = catalog_at(&c, at)
            .offers()
            .find(|x| available(x))
            .unwrap()
            .to_json(false);
        assert_ne!(up_one["available"], serde_json::json!(false));
    }
}
