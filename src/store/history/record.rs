//! Recording a load: dedup against each offer's last point (kept in memory, read again from
//! the file when another process committed), one transaction per load.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::pack::State;
use super::rows::each_week;
use crate::domain::history::{Coverage, PriceObservation};
use crate::store::{Store, StoreError};

/// The last point of one offer, as the recorder remembers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Last {
    id: i64,
    price: i64,
    state: State,
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
        self.record_loads([(now, obs, coverage)])
    }

    /// Record several loads in time order as [`Self::record_prices`] records each, all in one
    /// transaction (one sync to disk for all of them, as when a history is generated).
    pub fn record_loads<O: AsRef<[PriceObservation]>>(
        &mut self,
        loads: impl IntoIterator<Item = (DateTime<Utc>, O, Coverage)>,
    ) -> Result<usize, StoreError> {
        let mut cache = std::mem::take(self.history_cache()?);
        let path = self.path.clone();
        let e = |e| crate::store::sqlite_err(&path, e);
        let result = (|| {
            let tx = self.conn.transaction().map_err(e)?;
            let mut n = 0;
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
                for (now, obs, coverage) in loads {
                    let (t, obs) = (now.timestamp(), obs.as_ref());
                    let mut written: Vec<(String, Last)> = Vec::new();
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
                    // The next load of the batch compares with this one.
                    n += written.len();
                    cache.extend(written);
                }
            }
            tx.commit().map_err(e)?;
            Ok(n)
        })();
        // The cache holds only what was committed: after a failure it is read from the file
        // again.
        self.history_cache = result.is_ok().then_some(cache);
        result
    }

    /// Drop the in-memory copy of last points (as a restart would).
    pub fn forget_history_cache(&mut self) {
        self.history_cache = None;
    }
}
