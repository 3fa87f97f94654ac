//! Reading the history: a GPU model's series merged from the three tiers, and the figures
//! (newest and oldest point, point count, bytes used).

use std::collections::HashMap;

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::params;

use super::compact;
use super::pack::{self, Packed, week_of};
use super::rows::{each_week, raw_point};
use crate::domain::history::{OfferMeta, Point, Series, from_units};
use crate::store::{Store, StoreError};

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
}
