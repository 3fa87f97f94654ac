//! Price history in the store: a point per offer only when its price or availability changes,
//! hourly roll-ups (lowest and highest) after 48 h, 90 days kept, and a cap on the space the
//! history may use. Dedup uses an in-memory copy of each offer's last point, filled from the
//! file on first use, so an unchanged load costs no write at all.
//!
//! Points live in three tiers, newest first:
//! - `price_recent`, keyed by time: a load's points are appended there, a few pages per load
//!   whichever offers changed;
//! - `price_points`, keyed by offer and time: the raw points of the last 48 hours, moved there
//!   from `price_recent` by the hourly compaction ([`compact`]);
//! - `price_hours`: the hourly roll-ups, packed one blob per offer per week ([`pack`]).
//!
//! A read merges the three; a time two tiers both hold reads as the newer tier says.

mod compact;
pub mod pack;
pub mod sim;

use std::collections::HashMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use rusqlite::params;

pub use compact::Compaction;
use pack::{Packed, State, week_of};

use super::{Store, StoreError};
use crate::domain::history::{Coverage, OfferMeta, Point, PriceObservation, Series, from_units};

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
    state: State,
}

/// A raw point's row: `t, price, avail, lo, hi` from column `at` on (`lo`/`hi` are set only
/// on rows a version-3 file rolled up in place).
fn raw_point(r: &rusqlite::Row, at: usize) -> rusqlite::Result<Packed> {
    let price: i64 = r.get(at + 1)?;
    let lo: Option<i64> = r.get(at + 3)?;
    let hi: Option<i64> = r.get(at + 4)?;
    Ok(Packed {
        t: r.get(at)?,
        price,
        state: State::from_code(r.get(at + 2)?),
        lo: lo.unwrap_or(price),
        hi: hi.unwrap_or(price),
    })
}

fn to_point(p: &Packed) -> Point {
    Point {
        t: Utc.timestamp_opt(p.t, 0).single().unwrap_or_default(),
        price: from_units(p.price),
        available: p.state.available(),
        lo: from_units(p.lo),
        hi: from_units(p.hi),
        listed: p.state.listed(),
    }
}

/// Every packed week `sql` answers, unpacked: the week and its blob in the first two columns,
/// anything else `each` reads after them.
fn each_week<P: rusqlite::Params>(
    conn: &rusqlite::Connection,
    sql: &str,
    params: P,
    mut each: impl FnMut(&rusqlite::Row, Vec<Packed>) -> rusqlite::Result<()>,
) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query(params)?;
    while let Some(r) = rows.next()? {
        let week = r.get(0)?;
        each(
            r,
            pack::decode(week, r.get_ref(1)?.as_blob().unwrap_or_default()),
        )?;
    }
    Ok(())
}

/// Sort one offer's points gathered from the tiers (oldest tier first) by time; where two
/// share a time the one gathered later (the newer tier) stays.
fn settle(points: &mut Vec<Packed>) {
    if !points.is_sorted_by_key(|p| p.t) {
        points.sort_by_key(|p| p.t);
    }
    points.dedup_by(|later, kept| {
        let same = later.t == kept.t;
        if same {
            *kept = *later;
        }
        same
    });
}

impl Store {
    /// The last point of every offer: the newest of the three tiers.
    fn load_last_points(&self) -> Result<HashMap<String, Last>, StoreError> {
        let e = |e| self.err(e);
        let mut last: HashMap<i64, (i64, i64, State)> = HashMap::new();
        let mut keep = |offer: i64, t: i64, price: i64, state: State| {
            let slot = last.entry(offer).or_insert((i64::MIN, price, state));
            if t >= slot.0 {
                *slot = (t, price, state);
            }
        };
        // SQLite fills the bare columns of a max() aggregate from the row holding the max.
        each_week(
            &self.conn,
            "SELECT max(week), points, offer FROM price_hours GROUP BY offer",
            [],
            |r, points| {
                if let Some(p) = points.last() {
                    keep(r.get(2)?, p.t, p.price, p.state);
                }
                Ok(())
            },
        )
        .map_err(e)?;
        for sql in [
            "SELECT offer, max(t), price, avail FROM price_points GROUP BY offer",
            "SELECT offer, max(t), price, avail FROM price_recent GROUP BY offer",
        ] {
            let mut stmt = self.conn.prepare(sql).map_err(e)?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .map_err(e)?;
            for row in rows {
                let (offer, t, price, code) = row.map_err(e)?;
                keep(offer, t, price, State::from_code(code));
            }
        }
        let mut stmt = self
            .conn
            .prepare("SELECT id, offer_key FROM price_offers")
            .map_err(e)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .map_err(e)?;
        let mut map = HashMap::new();
        for row in rows {
            let (id, key) = row.map_err(e)?;
            if let Some(&(_, price, state)) = last.get(&id) {
                map.insert(key, Last { id, price, state });
            }
        }
        Ok(map)
    }

    /// Each offer's last point: kept between loads, read again from the file when another
    /// process has committed since (two recorders, the dashboard and `guard run`, then agree on
    /// what changed; this process's own commits do not count).
    fn history_cache(&mut self) -> Result<&mut HashMap<String, Last>, StoreError> {
        let seen: i64 = self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        if self.history_cache.is_none() || seen != self.history_seen {
            self.history_cache = Some(self.load_last_points()?);
            self.history_seen = seen;
        }
        Ok(self.history_cache.get_or_insert_with(HashMap::new))
    }
    /// Record one load: a point for each offer whose price or availability changed since its
    /// last point (or that is new, or listed again), and, after a [`Coverage::Complete`] load,
    /// a "gone" point for each offer it no longer lists; all in one transaction. Returns how
    /// many points were written.
    pub fn record_prices(
        &mut self,
        now: DateTime<Utc>,
        obs: &[PriceObservation],
        coverage: Coverage,
    ) -> Result<usize, StoreError> {
        let t = now.timestamp();
        let mut cache = std::mem::take(self.history_cache()?);
        let path = self.path.clone();
        let e = |e| super::sqlite_err(&path, e);
        let result = (|| {
            let tx = self.conn.transaction().map_err(e)?;
            let mut written: Vec<(String, Last)> = Vec::new();
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
                        "INSERT INTO price_recent (offer, t, price, avail) VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (t, offer) DO UPDATE SET price = ?3, avail = ?4",
                    )
                    .map_err(e)?;
                let mut put = |key: &str, last: Last| -> Result<(), StoreError> {
                    point
                        .execute(params![last.id, t, last.price, last.state.code()])
                        .map_err(e)?;
                    written.push((key.to_string(), last));
                    Ok(())
                };
                for o in obs {
                    let last = cache.get(&o.key);
                    // A listing without a readable price cannot be deployed: not available,
                    // at the last price known (an offer never priced records nothing).
                    let (price, state) = match (o.price, last) {
                        (Some(p), _) => (p, State::of(o.available, true)),
                        (None, Some(l)) => (l.price, State::Unavailable),
                        (None, None) => continue,
                    };
                    let id = match last {
                        Some(l) if l.price == price && l.state == state => continue,
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
                    put(&o.key, Last { id, price, state })?;
                }
                if coverage == Coverage::Complete {
                    let listed: std::collections::HashSet<&str> =
                        obs.iter().map(|o| o.key.as_str()).collect();
                    for (key, last) in &cache {
                        if last.state.listed() && !listed.contains(key.as_str()) {
                            put(
                                key,
                                Last {
                                    state: State::Gone,
                                    ..*last
                                },
                            )?;
                        }
                    }
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

    /// The bytes the file's pages take (what the cap is measured on).
    pub fn used_bytes(&self) -> Result<u64, StoreError> {
        compact::used_bytes(&self.conn).map_err(|e| self.err(e))
    }

    /// Every offer whose GPU model contains `gpu` (any case; empty: all), with its points from
    /// `since` on (and the one before, which gives the state at `since`).
    ///
    /// One statement per tier for all the model's offers: the packed weeks from the one holding
    /// the state at `since`, every raw point (the raw tier holds about 48 hours), every recent
    /// point.
    pub fn price_history(
        &self,
        gpu: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<Series>, StoreError> {
        let e = |e| self.err(e);
        // The models first (a walk of the model index), then a seek per model into each
        // tier: no scan of the points, and no scan of the offers per tier.
        let wanted = gpu.to_lowercase();
        let mut models: Vec<String> = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare("SELECT DISTINCT gpu_model FROM price_offers")
                .map_err(e)?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(e)?;
            for m in rows {
                let m = m.map_err(e)?;
                if m.to_lowercase().contains(&wanted) {
                    models.push(m);
                }
            }
        }
        let mut offers = self
            .conn
            .prepare(
                "SELECT id, offer_key, gpu_model, provider, instance_type, gpu_count, region
                 FROM price_offers WHERE gpu_model = ?1",
            )
            .map_err(e)?;
        let mut metas: Vec<(i64, OfferMeta)> = Vec::new();
        for m in &models {
            let rows = offers
                .query_map([m], |r| {
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
                .map_err(e)?;
            for row in rows {
                metas.push(row.map_err(e)?);
            }
        }
        metas.sort_unstable_by(|a, b| a.1.key.cmp(&b.1.key));
        let slot: HashMap<i64, usize> = metas
            .iter()
            .enumerate()
            .map(|(i, (id, _))| (*id, i))
            .collect();
        let mut points: Vec<Vec<Packed>> = vec![Vec::new(); metas.len()];
        let since = since.timestamp();
        // `CROSS JOIN` keeps the offers outside: a seek into the tier per offer. The packed
        // weeks start at the last one before `since`'s week, which holds the state at `since`
        // when that week does not.
        let mut weeks = self
            .conn
            .prepare(
                "SELECT h.offer, h.week, h.points FROM price_offers o
                 CROSS JOIN price_hours h ON h.offer = o.id AND h.week >= coalesce(
                   (SELECT max(week) FROM price_hours q WHERE q.offer = o.id AND q.week < ?2), ?2)
                 WHERE o.gpu_model = ?1",
            )
            .map_err(e)?;
        let mut raw = self
            .conn
            .prepare(
                "SELECT p.offer, p.t, p.price, p.avail, p.lo, p.hi FROM price_offers o
                 CROSS JOIN price_points p ON p.offer = o.id WHERE o.gpu_model = ?1",
            )
            .map_err(e)?;
        for m in &models {
            let mut rows = weeks.query(params![m, week_of(since)]).map_err(e)?;
            while let Some(r) = rows.next().map_err(e)? {
                let Some(&i) = slot.get(&r.get::<_, i64>(0).map_err(e)?) else {
                    continue;
                };
                let week = r.get(1).map_err(e)?;
                let blob = r.get_ref(2).map_err(e)?.as_blob().unwrap_or_default();
                pack::decode_into(week, blob, &mut points[i]);
            }
            let mut rows = raw.query([m]).map_err(e)?;
            while let Some(r) = rows.next().map_err(e)? {
                if let Some(&i) = slot.get(&r.get::<_, i64>(0).map_err(e)?) {
                    points[i].push(raw_point(r, 1).map_err(e)?);
                }
            }
        }
        // Recent points are few (those since the last compaction): one scan.
        let mut recent = self
            .conn
            .prepare("SELECT offer, t, price, avail, NULL, NULL FROM price_recent")
            .map_err(e)?;
        let mut rows = recent.query([]).map_err(e)?;
        while let Some(r) = rows.next().map_err(e)? {
            if let Some(&i) = slot.get(&r.get::<_, i64>(0).map_err(e)?) {
                points[i].push(raw_point(r, 1).map_err(e)?);
            }
        }
        let mut out = Vec::with_capacity(metas.len());
        for ((_, offer), mut pts) in metas.into_iter().zip(points) {
            settle(&mut pts);
            // The state at `since` (the last point before it), then every point from it on.
            let from = pts.partition_point(|p| p.t < since);
            let state = from.checked_sub(1).map(|i| pts[i]);
            let series: Vec<Point> = state.iter().chain(&pts[from..]).map(to_point).collect();
            if !series.is_empty() {
                out.push(Series {
                    offer,
                    points: series,
                });
            }
        }
        Ok(out)
    }

    /// The time of the newest point, if any.
    pub fn latest_price_time(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let e = |e| self.err(e);
        let mut newest: Option<i64> = self
            .conn
            .query_row(
                "SELECT max(t) FROM (SELECT max(t) AS t FROM price_recent
                 UNION ALL SELECT max(t) FROM price_points)",
                [],
                |r| r.get(0),
            )
            .map_err(e)?;
        each_week(
            &self.conn,
            "SELECT week, points FROM price_hours WHERE week = (SELECT max(week) FROM price_hours)",
            [],
            |_, points| {
                if let Some(p) = points.last() {
                    newest = Some(newest.map_or(p.t, |n| n.max(p.t)));
                }
                Ok(())
            },
        )
        .map_err(e)?;
        Ok(newest.and_then(|t| Utc.timestamp_opt(t, 0).single()))
    }

    /// The time of the oldest point after `t` (figures: how many days the history holds).
    pub fn oldest_price_time_after(&self, t: i64) -> Result<Option<i64>, StoreError> {
        let e = |e| self.err(e);
        let mut oldest: Option<i64> = self
            .conn
            .query_row(
                "SELECT min(t) FROM (SELECT min(t) AS t FROM price_recent WHERE t > ?1
                 UNION ALL SELECT min(t) FROM price_points WHERE t > ?1)",
                [t],
                |r| r.get(0),
            )
            .map_err(e)?;
        each_week(
            &self.conn,
            "SELECT week, points FROM price_hours WHERE week >= ?1",
            [week_of(t)],
            |_, points| {
                if let Some(p) = points.into_iter().find(|p| p.t > t) {
                    oldest = Some(oldest.map_or(p.t, |o| o.min(p.t)));
                }
                Ok(())
            },
        )
        .map_err(e)?;
        Ok(oldest)
    }

    /// How many points the history holds (tests and figures).
    pub fn price_point_count(&self) -> Result<u64, StoreError> {
        self.conn
            .query_row(
                "SELECT (SELECT count(*) FROM price_recent) + (SELECT count(*) FROM price_points)
                 + coalesce((SELECT sum(length(points)) FROM price_hours), 0) / ?1",
                [pack::POINT_BYTES as i64],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n as u64)
            .map_err(|e| self.err(e))
    }

    /// Drop the in-memory copy of last points (as a restart would).
    pub fn forget_history_cache(&mut self) {
        self.history_cache = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::history::{PriceObservation, to_units};
    use crate::store::schema;

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
            price: Some(to_units(price)),
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
        assert_eq!(s.record_prices(t0(), &load, Coverage::Complete).unwrap(), 3);
        assert_eq!(
            s.record_prices(t0() + Duration::seconds(20), &load, Coverage::Complete)
                .unwrap(),
            0
        );
        // After a restart the last points come from the file: still nothing new.
        s.forget_history_cache();
        assert_eq!(
            s.record_prices(t0() + Duration::seconds(40), &load, Coverage::Complete)
                .unwrap(),
            0
        );
        let mut changed = load.clone();
        changed[1].price = Some(to_units(1.9));
        changed[2].available = false;
        assert_eq!(
            s.record_prices(t0() + Duration::seconds(60), &changed, Coverage::Complete)
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
            s.record_prices(at, &[obs(0, price, true)], Coverage::Partial)
                .unwrap();
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
        s.record_prices(
            t0(),
            &[obs(0, 2.0, true), obs(1, 3.0, true), other],
            Coverage::Partial,
        )
        .unwrap();
        for (h, price) in [(1, 2.1), (2, 2.2), (3, 2.3)] {
            s.record_prices(
                t0() + Duration::hours(h),
                &[obs(0, price, h != 2)],
                Coverage::Partial,
            )
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
        s.record_prices(
            t0(),
            &[obs(0, 2.0, true), obs(1, 3.0, true)],
            Coverage::Partial,
        )
        .unwrap();
        s.record_prices(
            t0() + Duration::days(50),
            &[obs(0, 2.1, true)],
            Coverage::Partial,
        )
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

    /// `(minutes from t0, price, available, listed)`.
    type Seen = (i64, f64, bool, bool);

    fn keys(h: &[Series]) -> Vec<(String, Vec<Seen>)> {
        h.iter()
            .map(|s| {
                let pts = s
                    .points
                    .iter()
                    .map(|p| ((p.t - t0()).num_minutes(), p.price, p.available, p.listed))
                    .collect();
                (s.offer.key.clone(), pts)
            })
            .collect()
    }

    #[test]
    fn a_complete_load_records_an_offer_missing_from_it_as_gone_once() {
        let (_d, mut s) = open();
        let all: Vec<_> = (0..3).map(|i| obs(i, 2.0, true)).collect();
        let at = |m: i64| t0() + Duration::minutes(m);
        assert_eq!(s.record_prices(at(0), &all, Coverage::Complete).unwrap(), 3);
        // p/1 is no longer listed: one "gone" point, then nothing while it stays away.
        let two = [all[0].clone(), all[2].clone()];
        assert_eq!(s.record_prices(at(1), &two, Coverage::Complete).unwrap(), 1);
        assert_eq!(s.record_prices(at(2), &two, Coverage::Complete).unwrap(), 0);
        // A filtered load says nothing of the offers it leaves out.
        assert_eq!(
            s.record_prices(at(3), &all[..1], Coverage::Partial)
                .unwrap(),
            0
        );
        // After a restart the gone state is read back from the file.
        s.forget_history_cache();
        assert_eq!(s.record_prices(at(4), &two, Coverage::Complete).unwrap(), 0);
        // Listed again at the same price: a point, listed and available.
        assert_eq!(s.record_prices(at(5), &all, Coverage::Complete).unwrap(), 1);
        let h = s.price_history("h100", t0()).unwrap();
        assert_eq!(
            keys(&h)[1],
            (
                "p/1".to_string(),
                vec![
                    (0, 2.0, true, true),
                    (1, 2.0, false, false),
                    (5, 2.0, true, true)
                ]
            )
        );
    }

    #[test]
    fn reads_are_the_same_before_and_after_recent_points_move_to_the_raw_tier() {
        let (_d, mut s) = open();
        let mut rng = fastrand::Rng::with_seed(3);
        for m in 0..40 {
            let load: Vec<_> = (0..6)
                .map(|i| obs(i, 1.0 + f64::from(rng.u8(0..4)) / 4.0, rng.u8(0..5) > 0))
                .collect();
            let n = 6 - usize::from(m % 7 == 3);
            s.record_prices(
                t0() + Duration::minutes(15 * m),
                &load[..n],
                Coverage::Complete,
            )
            .unwrap();
        }
        let now = t0() + Duration::hours(10);
        let before = s.price_history("", t0() + Duration::hours(2)).unwrap();
        let r = s.compact_history(now, CAP_BYTES).unwrap();
        assert_eq!(r.rolled_up, 0, "nothing is 48 h old yet");
        let after = s.price_history("", t0() + Duration::hours(2)).unwrap();
        assert_eq!(keys(&before), keys(&after));
        assert!(before.iter().all(|s| s.points.len() > 3));
        // A restart reads the last points back from the raw tier: the next equal load
        // writes nothing.
        let last: Vec<_> = after
            .iter()
            .map(|s| {
                let p = s.points.last().unwrap();
                let i: usize = s.offer.key[2..].parse().unwrap();
                obs(i, p.price, p.available)
            })
            .collect();
        s.forget_history_cache();
        let gone = after
            .iter()
            .filter(|s| !s.points.last().unwrap().listed)
            .count();
        assert_eq!(
            s.record_prices(now, &last, Coverage::Partial).unwrap(),
            gone,
            "only offers that were gone are written again"
        );
    }

    #[test]
    fn the_state_at_the_start_of_a_window_comes_from_an_older_packed_week() {
        let (_d, mut s) = open();
        s.record_prices(t0(), &[obs(0, 2.0, true)], Coverage::Partial)
            .unwrap();
        s.record_prices(
            t0() + Duration::days(20),
            &[obs(0, 1.5, true)],
            Coverage::Partial,
        )
        .unwrap();
        s.compact_history(t0() + Duration::days(25), CAP_BYTES)
            .unwrap();
        let h = s.price_history("h100", t0() + Duration::days(15)).unwrap();
        let pts: Vec<(i64, f64)> = h[0]
            .points
            .iter()
            .map(|p| ((p.t - t0()).num_hours(), p.price))
            .collect();
        // The first point is the offer's state at day 15: its day-0 price (rolled up to the
        // start of its hour), three weeks back.
        let hour0 = (t0().timestamp().div_euclid(3600) * 3600 - t0().timestamp()) / 3600;
        assert_eq!(pts, [(hour0, 2.0), (20 * 24, 1.5)]);
        let packed: i64 = s
            .conn
            .query_row("SELECT count(*) FROM price_hours", [], |r| r.get(0))
            .unwrap();
        assert_eq!(packed, 2, "two weeks hold a point each");
    }

    #[test]
    fn a_version_3_file_is_read_as_it_was_then_packed_by_its_first_compaction() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v3.sqlite3");
        let hour = t0().timestamp().div_euclid(3600) * 3600;
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            for m in &schema::MIGRATIONS[..3] {
                conn.execute_batch(m).unwrap();
            }
            conn.pragma_update(None, "user_version", 3).unwrap();
            conn.execute_batch(&format!(
                "INSERT INTO price_offers (id, offer_key, gpu_model, provider, instance_type, gpu_count)
                 VALUES (1, 'p/0', 'H100_SXM5', 'p', 'SPOT', 8);
                 INSERT INTO price_points (offer, t, price, avail, lo, hi) VALUES
                   (1, {h0}, 20000, 1, 18000, 21000),
                   (1, {h1}, 19000, 0, 19000, 19000),
                   (1, {raw}, 17000, 1, NULL, NULL);",
                h0 = hour - 5 * 86_400,
                h1 = hour - 4 * 86_400,
                raw = hour - 3600,
            ))
            .unwrap();
        }
        let (mut s, report) = Store::open(&path).unwrap();
        assert_eq!(report.notice, None);
        assert_eq!(s.schema_version().unwrap(), schema::LATEST);
        let read = |s: &Store| {
            s.price_history("h100", t0() - Duration::days(6))
                .unwrap()
                .into_iter()
                .flat_map(|s| s.points)
                .map(|p| (p.t.timestamp() - hour, p.price, p.available, p.lo, p.hi))
                .collect::<Vec<_>>()
        };
        let expected = vec![
            (-5 * 86_400, 2.0, true, 1.8, 2.1),
            (-4 * 86_400, 1.9, false, 1.9, 1.9),
            (-3600, 1.7, true, 1.7, 1.7),
        ];
        assert_eq!(read(&s), expected);
        // The same load as the file's last point writes nothing.
        assert_eq!(
            s.record_prices(t0(), &[obs(0, 1.7, true)], Coverage::Partial)
                .unwrap(),
            0
        );
        s.compact_history(t0(), CAP_BYTES).unwrap();
        let rolled_rows: i64 = s
            .conn
            .query_row(
                "SELECT count(*) FROM price_points WHERE lo IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(rolled_rows, 0, "the version-3 roll-ups are packed");
        assert_eq!(read(&s), expected);
    }

    #[test]
    fn a_recorder_learns_what_another_process_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sqlite3");
        let (mut a, _) = Store::open(&path).unwrap();
        let (mut b, _) = Store::open(&path).unwrap();
        let at = |m: i64| t0() + Duration::minutes(m);
        assert_eq!(
            a.record_prices(at(0), &[obs(0, 2.0, true)], Coverage::Complete)
                .unwrap(),
            1
        );
        // The other process sees the price move and records it.
        assert_eq!(
            b.record_prices(at(1), &[obs(0, 3.0, true)], Coverage::Complete)
                .unwrap(),
            1
        );
        // Back at 2.0 for this one: a change against the file, not against its own last load.
        assert_eq!(
            a.record_prices(at(2), &[obs(0, 2.0, true)], Coverage::Complete)
                .unwrap(),
            1
        );
        // The other process misses the offer in a load: gone; this one lists it again.
        assert_eq!(b.record_prices(at(3), &[], Coverage::Complete).unwrap(), 1);
        assert_eq!(
            a.record_prices(at(4), &[obs(0, 2.0, true)], Coverage::Complete)
                .unwrap(),
            1
        );
        let h = a.price_history("h100", t0()).unwrap();
        let seen: Vec<(i64, f64, bool)> = h[0]
            .points
            .iter()
            .map(|p| ((p.t - t0()).num_minutes(), p.price, p.listed))
            .collect();
        assert_eq!(
            seen,
            [
                (0, 2.0, true),
                (1, 3.0, true),
                (2, 2.0, true),
                (3, 2.0, false),
                (4, 2.0, true)
            ]
        );
    }

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
    fn steps(
        gap: u16,
        ids: u8,
        len: usize,
    ) -> impl proptest::strategy::Strategy<Value = Vec<Step>> {
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

    #[test]
    fn a_listing_without_a_readable_price_is_unavailable_at_its_last_price() {
        let (_d, mut s) = open();
        let mut unpriced = obs(0, 2.0, true);
        unpriced.price = None;
        // Never priced: nothing to record, and it is not gone either.
        assert_eq!(
            s.record_prices(t0(), &[unpriced.clone()], Coverage::Complete)
                .unwrap(),
            0
        );
        let at = |m: i64| t0() + Duration::minutes(m);
        assert_eq!(
            s.record_prices(at(1), &[obs(0, 2.0, true)], Coverage::Complete)
                .unwrap(),
            1
        );
        assert_eq!(
            s.record_prices(at(2), &[unpriced.clone()], Coverage::Complete)
                .unwrap(),
            1
        );
        assert_eq!(
            s.record_prices(at(3), &[unpriced], Coverage::Complete)
                .unwrap(),
            0
        );
        let h = s.price_history("h100", t0()).unwrap();
        let p = h[0].points.last().unwrap();
        assert_eq!((p.price, p.available, p.listed), (2.0, false, true));
    }
}
