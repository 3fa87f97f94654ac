//! Price history in the store: a point per offer only when its price or availability changes,
//! hourly roll-ups (lowest and highest) after 48 h, 90 days kept, and a cap on the space the
//! history may use. Dedup uses an in-memory copy of each offer's last point, filled from the
//! file on first use, so an unchanged load costs no write at all.

use std::collections::HashMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};
use crate::domain::history::{OfferMeta, Point, PriceObservation, Series, from_units};

/// Raw points are kept this long; older ones are rolled up to one per offer per hour.
pub const RAW_KEEP: Duration = Duration::hours(48);
/// Points older than this are deleted (the last one of each offer stays: it is its state).
pub const KEEP: Duration = Duration::days(90);
/// The most space the history may take; the oldest roll-ups go first past it.
pub const CAP_BYTES: u64 = 48 * 1024 * 1024;

/// The last point of one offer, as the recorder remembers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Last {
    id: i64,
    price: i64,
    available: bool,
}

/// `(offer, hour start)` and `(last price, last availability, lowest, highest)` of a roll-up.
type HourKey = (i64, i64);
type HourAcc = (i64, bool, i64, i64);

/// What one compaction did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Compaction {
    pub rolled_up: usize,
    pub expired: usize,
    pub capped: usize,
}

impl Store {
    fn history_cache(&mut self) -> Result<&mut HashMap<String, Last>, StoreError> {
        if self.history_cache.is_none() {
            let mut map = HashMap::new();
            let mut stmt = self
                .conn
                .prepare(
                    "SELECT o.offer_key, o.id, p.price, p.avail FROM price_offers o
                     JOIN price_points p ON p.offer = o.id
                     AND p.t = (SELECT max(t) FROM price_points WHERE offer = o.id)",
                )
                .map_err(|e| self.err(e))?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        Last {
                            id: r.get(1)?,
                            price: r.get(2)?,
                            available: r.get(3)?,
                        },
                    ))
                })
                .map_err(|e| self.err(e))?;
            for row in rows {
                let (k, last) = row.map_err(|e| self.err(e))?;
                map.insert(k, last);
            }
            drop(stmt);
            self.history_cache = Some(map);
        }
        Ok(self.history_cache.get_or_insert_with(HashMap::new))
    }

    /// Record one load: a point for each offer whose price or availability changed since its
    /// last point (or that is new), all in one transaction. Returns how many were written.
    pub fn record_prices(
        &mut self,
        now: DateTime<Utc>,
        obs: &[PriceObservation],
    ) -> Result<usize, StoreError> {
        let t = now.timestamp();
        let mut cache = std::mem::take(self.history_cache()?);
        let path = self.path.clone();
        let e = |e| super::sqlite_err(&path, e);
        let result = (|| {
            let tx = self.conn.transaction().map_err(e)?;
            let mut written = Vec::new();
            {
                let mut new_offer = tx
                    .prepare(
                        "INSERT INTO price_offers (offer_key, gpu_model, provider, instance_type, gpu_count, region)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                         ON CONFLICT (offer_key) DO UPDATE SET gpu_model = ?2
                         RETURNING id",
                    )
                    .map_err(e)?;
                let mut point = tx
                    .prepare(
                        "INSERT INTO price_points (offer, t, price, avail) VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (offer, t) DO UPDATE SET price = ?3, avail = ?4",
                    )
                    .map_err(e)?;
                for o in obs {
                    let id = match cache.get(&o.key) {
                        Some(l) if l.price == o.price && l.available == o.available => continue,
                        Some(l) => l.id,
                        None => new_offer
                            .query_row(
                                params![
                                    o.key,
                                    o.gpu_model,
                                    o.provider,
                                    o.instance_type,
                                    o.gpu_count,
                                    o.region
                                ],
                                |r| r.get::<_, i64>(0),
                            )
                            .map_err(e)?,
                    };
                    point
                        .execute(params![id, t, o.price, o.available])
                        .map_err(e)?;
                    written.push((
                        o.key.clone(),
                        Last {
                            id,
                            price: o.price,
                            available: o.available,
                        },
                    ));
                }
            }
            tx.commit().map_err(e)?;
            Ok(written)
        })();
        // The cache learns only what was committed.
        let n = match result {
            Ok(written) => {
                let n = written.len();
                cache.extend(written);
                Ok(n)
            }
            Err(err) => Err(err),
        };
        self.history_cache = Some(cache);
        n
    }

    /// Roll raw points older than [`RAW_KEEP`] into hourly points, delete points older than
    /// [`KEEP`] (but each offer's last), and keep the history under `cap` bytes.
    pub fn compact_history(
        &mut self,
        now: DateTime<Utc>,
        cap: u64,
    ) -> Result<Compaction, StoreError> {
        let cutoff = (now - RAW_KEEP).timestamp().div_euclid(3600) * 3600;
        let path = self.path.clone();
        let e = |e| super::sqlite_err(&path, e);
        let tx = self.conn.transaction().map_err(e)?;
        let mut report = Compaction::default();
        {
            // Raw points (lo IS NULL) of whole hours before the cut-off, in order.
            let mut stmt = tx
                .prepare(
                    "SELECT offer, t, price, avail FROM price_points
                     WHERE lo IS NULL AND t < ?1 ORDER BY offer, t",
                )
                .map_err(e)?;
            let rows: Vec<(i64, i64, i64, bool)> = stmt
                .query_map([cutoff], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })
                .map_err(e)?
                .collect::<Result<_, _>>()
                .map_err(e)?;
            // (offer, hour) → (last price, last avail, lo, hi)
            let mut hours: Vec<(HourKey, HourAcc)> = Vec::new();
            for (offer, t, price, avail) in rows {
                let h = t.div_euclid(3600) * 3600;
                match hours.last_mut() {
                    Some((k, v)) if *k == (offer, h) => {
                        *v = (price, avail, v.2.min(price), v.3.max(price));
                    }
                    _ => hours.push(((offer, h), (price, avail, price, price))),
                }
                report.rolled_up += 1;
            }
            tx.execute(
                "DELETE FROM price_points WHERE lo IS NULL AND t < ?1",
                [cutoff],
            )
            .map_err(e)?;
            let mut put = tx
                .prepare(
                    "INSERT INTO price_points (offer, t, price, avail, lo, hi)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (offer, t) DO UPDATE SET price = ?3, avail = ?4,
                       lo = min(coalesce(lo, ?5), ?5), hi = max(coalesce(hi, ?6), ?6)",
                )
                .map_err(e)?;
            for ((offer, h), (price, avail, lo, hi)) in hours {
                put.execute(params![offer, h, price, avail, lo, hi])
                    .map_err(e)?;
            }
        }
        let expire = (now - KEEP).timestamp();
        report.expired = tx
            .execute(
                "DELETE FROM price_points WHERE t < ?1
                 AND t < (SELECT max(t) FROM price_points q WHERE q.offer = price_points.offer)",
                [expire],
            )
            .map_err(e)?;
        // Past the cap, whole oldest days go (each offer keeps its last point).
        loop {
            let used: u64 = tx
                .query_row(
                    "SELECT (page_count - freelist_count) * page_size
                     FROM pragma_page_count, pragma_freelist_count, pragma_page_size",
                    [],
                    |r| r.get::<_, i64>(0),
                )
                .map_err(e)?
                .max(0) as u64;
            if used <= cap {
                break;
            }
            let oldest: Option<i64> = tx
                .query_row("SELECT min(t) FROM price_points", [], |r| r.get(0))
                .optional()
                .map_err(e)?
                .flatten();
            let Some(oldest) = oldest else { break };
            let n = tx
                .execute(
                    "DELETE FROM price_points WHERE t < ?1
                     AND t < (SELECT max(t) FROM price_points q WHERE q.offer = price_points.offer)",
                    [oldest + 86_400],
                )
                .map_err(e)?;
            if n == 0 {
                break;
            }
            report.capped += n;
        }
        tx.commit().map_err(e)?;
        Ok(report)
    }

    /// The bytes the file's pages take (what the cap is measured on).
    pub fn used_bytes(&self) -> Result<u64, StoreError> {
        self.conn
            .query_row(
                "SELECT (page_count - freelist_count) * page_size
                 FROM pragma_page_count, pragma_freelist_count, pragma_page_size",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n.max(0) as u64)
            .map_err(|e| self.err(e))
    }

    /// Every offer whose GPU model contains `gpu` (any case; empty: all), with its points from
    /// `since` on (and the one before, which gives the state at `since`).
    pub fn price_history(
        &self,
        gpu: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<Series>, StoreError> {
        let pattern = format!("%{}%", gpu.replace(['%', '_'], ""));
        let mut offers = self
            .conn
            .prepare(
                "SELECT id, offer_key, gpu_model, provider, instance_type, gpu_count, region
                 FROM price_offers WHERE gpu_model LIKE ?1 ORDER BY offer_key",
            )
            .map_err(|e| self.err(e))?;
        let metas: Vec<(i64, OfferMeta)> = offers
            .query_map([&pattern], |r| {
                Ok((
                    r.get(0)?,
                    OfferMeta {
                        key: r.get(1)?,
                        gpu_model: r.get(2)?,
                        provider: r.get(3)?,
                        instance_type: r.get(4)?,
                        gpu_count: r.get(5)?,
                        region: r.get(6)?,
                    },
                ))
            })
            .map_err(|e| self.err(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.err(e))?;
        // Per offer, two seeks in the (offer, t) key: its state at `since` (its last point
        // before it), then its points from `since` on, already in time order.
        let since = since.timestamp();
        let row = |r: &rusqlite::Row| -> rusqlite::Result<Point> {
            let price: i64 = r.get(1)?;
            let lo: Option<i64> = r.get(3)?;
            let hi: Option<i64> = r.get(4)?;
            Ok(Point {
                t: Utc.timestamp_opt(r.get(0)?, 0).single().unwrap_or_default(),
                price: from_units(price),
                available: r.get(2)?,
                lo: from_units(lo.unwrap_or(price)),
                hi: from_units(hi.unwrap_or(price)),
            })
        };
        let mut before = self
            .conn
            .prepare(
                "SELECT t, price, avail, lo, hi FROM price_points
                 WHERE offer = ?1 AND t < ?2 ORDER BY t DESC LIMIT 1",
            )
            .map_err(|e| self.err(e))?;
        let mut from = self
            .conn
            .prepare(
                "SELECT t, price, avail, lo, hi FROM price_points
                 WHERE offer = ?1 AND t >= ?2 ORDER BY t",
            )
            .map_err(|e| self.err(e))?;
        let mut out = Vec::with_capacity(metas.len());
        for (id, offer) in metas {
            let mut points: Vec<Point> = before
                .query_row(params![id, since], row)
                .optional()
                .map_err(|e| self.err(e))?
                .into_iter()
                .collect();
            let rows = from
                .query_map(params![id, since], row)
                .map_err(|e| self.err(e))?;
            for p in rows {
                points.push(p.map_err(|e| self.err(e))?);
            }
            if !points.is_empty() {
                out.push(Series { offer, points });
            }
        }
        Ok(out)
    }

    /// The time of the newest point, if any.
    pub fn latest_price_time(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let t: Option<i64> = self
            .conn
            .query_row("SELECT max(t) FROM price_points", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        Ok(t.and_then(|t| Utc.timestamp_opt(t, 0).single()))
    }

    /// How many points the history holds (tests and figures).
    pub fn price_point_count(&self) -> Result<u64, StoreError> {
        self.conn
            .query_row("SELECT count(*) FROM price_points", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n as u64)
            .map_err(|e| self.err(e))
    }

    /// Drop the in-memory copy of last points (as a restart would).
    pub fn forget_history_cache(&mut self) {
        self.history_cache = None;
    }
}

/// A polling simulation on a virtual clock, to measure what the history costs in space.
pub mod sim {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    use chrono::{DateTime, Duration, Utc};

    use super::{CAP_BYTES, Store, StoreError};
    use crate::domain::history::PriceObservation;

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
                price: 10_000 + rng.i64(0..30_000),
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
        store.record_prices(start, &offers)?;
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
                    let p = &mut offers[i].price;
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
                let obs: Vec<PriceObservation> =
                    changed.iter().map(|&i| offers[i].clone()).collect();
                out.changes += store.record_prices(start + Duration::seconds(s), &obs)? as u64;
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
        let oldest: Option<i64> = store
            .conn
            .query_row(
                "SELECT min(t) FROM price_points WHERE t > ?1",
                [start.timestamp()],
                |r| r.get(0),
            )
            .map_err(|e| store.err(e))?;
        out.days_kept = oldest.map_or(0.0, |o| (end.timestamp() - o) as f64 / 86_400.0);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::history::{PriceObservation, to_units};

    fn t0() -> DateTime<Utc> {
        crate::demo::test_epoch()
    }

    fn obs(i: usize, price: f64, available: bool) -> PriceObservation {
        PriceObservation {
            key: format!("p/{i}"),
            gpu_model: "H100_SXM5".into(),
            provider: "p".into(),
            instance_type: "SPOT".into(),
            gpu_count: 8,
            region: None,
            price: to_units(price),
            available,
        }
    }

    fn open() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let (s, _) = Store::open(&dir.path().join("s.sqlite3")).unwrap();
        (dir, s)
    }

    #[test]
    fn an_unchanged_price_records_nothing() {
        let (_d, mut s) = open();
        let load: Vec<_> = (0..3).map(|i| obs(i, 2.0, true)).collect();
        assert_eq!(s.record_prices(t0(), &load).unwrap(), 3);
        assert_eq!(
            s.record_prices(t0() + Duration::seconds(20), &load)
                .unwrap(),
            0
        );
        // After a restart the last points come from the file: still nothing new.
        s.forget_history_cache();
        assert_eq!(
            s.record_prices(t0() + Duration::seconds(40), &load)
                .unwrap(),
            0
        );
        let mut changed = load.clone();
        changed[1].price = to_units(1.9);
        changed[2].available = false;
        assert_eq!(
            s.record_prices(t0() + Duration::seconds(60), &changed)
                .unwrap(),
            2
        );
        assert_eq!(s.price_point_count().unwrap(), 5);
    }

    #[test]
    fn after_48_hours_one_point_per_offer_per_hour_with_min_and_max() {
        let (_d, mut s) = open();
        // One offer changing every 20 minutes for 3 hours.
        for k in 0..9 {
            let price = [2.0, 1.5, 2.5][k % 3];
            let at = t0() + Duration::minutes(20 * k as i64);
            s.record_prices(at, &[obs(0, price, true)]).unwrap();
        }
        assert_eq!(s.price_point_count().unwrap(), 9);
        s.compact_history(t0() + Duration::hours(49), CAP_BYTES)
            .unwrap();
        // Nothing is 48 h old yet beyond the first hour boundary...
        let later = t0() + Duration::hours(60);
        let r = s.compact_history(later, CAP_BYTES).unwrap();
        assert!(r.rolled_up > 0);
        let h = s.price_history("h100", t0() - Duration::hours(1)).unwrap();
        assert_eq!(h.len(), 1);
        let pts = &h[0].points;
        assert_eq!(pts.len(), 3, "{pts:?}");
        for p in pts {
            assert_eq!((p.lo, p.hi), (1.5, 2.5));
            assert_eq!(p.t.timestamp() % 3600, 0);
        }
        // The last state of each hour is kept.
        assert_eq!(pts[2].price, 2.5);
    }

    #[test]
    fn a_model_history_holds_the_state_at_its_start_then_every_point_in_order() {
        let (_d, mut s) = open();
        let mut other = obs(9, 5.0, true);
        other.gpu_model = "A100_80G".into();
        s.record_prices(t0(), &[obs(0, 2.0, true), obs(1, 3.0, true), other])
            .unwrap();
        for (h, price) in [(1, 2.1), (2, 2.2), (3, 2.3)] {
            s.record_prices(t0() + Duration::hours(h), &[obs(0, price, h != 2)])
                .unwrap();
        }
        let h = s
            .price_history("h100", t0() + Duration::minutes(90))
            .unwrap();
        let keys: Vec<&str> = h.iter().map(|s| s.offer.key.as_str()).collect();
        assert_eq!(keys, ["p/0", "p/1"]);
        let p0: Vec<(i64, f64, bool)> = h[0]
            .points
            .iter()
            .map(|p| ((p.t - t0()).num_hours(), p.price, p.available))
            .collect();
        assert_eq!(p0, [(1, 2.1, true), (2, 2.2, false), (3, 2.3, true)]);
        // An offer with no point since the start is there with its state at the start.
        assert_eq!(h[1].points.len(), 1);
        assert_eq!(h[1].points[0].t, t0());
    }

    #[test]
    fn points_older_than_90_days_go_but_each_offer_keeps_its_last() {
        let (_d, mut s) = open();
        s.record_prices(t0(), &[obs(0, 2.0, true), obs(1, 3.0, true)])
            .unwrap();
        s.record_prices(t0() + Duration::days(50), &[obs(0, 2.1, true)])
            .unwrap();
        let r = s
            .compact_history(t0() + Duration::days(95), CAP_BYTES)
            .unwrap();
        assert_eq!(r.expired, 1);
        assert_eq!(s.price_point_count().unwrap(), 2);
    }

    #[test]
    fn the_size_stays_bounded_on_the_virtual_clock() {
        // 250 offers for 90 days at one poll per 20 s; the space grows with the number of
        // offers, so twenty times this is the 5,000-offer figure (benches/history.rs runs
        // that one): at most 2.5 MB here is at most 50 MB there.
        let (_d, mut s) = open();
        let m = sim::Model {
            offers: 250,
            days: 90,
            poll: Duration::seconds(20),
            price_every: Duration::hours(12),
            avail_every: Duration::hours(24),
            seed: 7,
        };
        let out = sim::run(&mut s, m, t0()).unwrap();
        eprintln!("{out:?}");
        assert!(out.file_bytes <= 5 * 1024 * 1024 / 2, "{out:?}");
        assert!(out.days_kept > 89.0, "{out:?}");
    }

    #[test]
    fn past_the_cap_the_oldest_days_go() {
        let (_d, mut s) = open();
        let m = sim::Model {
            offers: 200,
            days: 10,
            poll: Duration::seconds(20),
            price_every: Duration::minutes(30),
            avail_every: Duration::hours(2),
            seed: 1,
        };
        sim::run(&mut s, m, t0()).unwrap();
        let before = s.used_bytes().unwrap();
        let cap = before / 2;
        let r = s.compact_history(t0() + Duration::days(10), cap).unwrap();
        assert!(r.capped > 0);
        assert!(s.used_bytes().unwrap() <= cap);
    }
}
