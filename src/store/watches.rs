//! Price watches in the store.

use rusqlite::params;

use super::rules::{parse_ts, ts};
use super::{Store, StoreError};
use crate::domain::history::Coverage;
use crate::domain::watch::{Hit, Watch, WatchSpec};

impl Store {
    /// The GPU models the price history holds, sorted.
    pub fn recorded_gpu_models(&self) -> Result<Vec<String>, StoreError> {
        let e = |e| self.err(e);
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT gpu_model FROM price_offers ORDER BY gpu_model")
            .map_err(e)?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(e)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(e)
    }

    /// Store a watch; returns its id.
    pub fn add_watch(
        &self,
        spec: &WatchSpec,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<i64, StoreError> {
        self.conn
            .execute(
                "INSERT INTO watches (gpu, max_gpu_price, instance_type, min_count, provider, region, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    spec.gpu,
                    spec.max_gpu_price,
                    spec.instance_type,
                    spec.min_count,
                    spec.provider,
                    spec.region,
                    ts(now)
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Change what a watch asks for (its id and creation time stay; a match of the new terms
    /// is a new episode); whether there was one.
    pub fn update_watch(&self, id: i64, spec: &WatchSpec) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute(
                "UPDATE watches SET gpu = ?2, max_gpu_price = ?3, instance_type = ?4,
                 min_count = ?5, provider = ?6, region = ?7, matching_since = NULL WHERE id = ?1",
                params![
                    id,
                    spec.gpu,
                    spec.max_gpu_price,
                    spec.instance_type,
                    spec.min_count,
                    spec.provider,
                    spec.region
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(n > 0)
    }

    /// Remove a watch; whether there was one.
    pub fn remove_watch(&self, id: i64) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute("DELETE FROM watches WHERE id = ?1", [id])
            .map_err(|e| self.err(e))?;
        Ok(n > 0)
    }

    /// Every watch, oldest first.
    pub fn watches(&self) -> Result<Vec<Watch>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, gpu, max_gpu_price, instance_type, min_count, provider, region, created_at
                 FROM watches ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map([], |r| {
            Ok(Watch {
                id: r.get(0)?,
                spec: WatchSpec {
                    gpu: r.get(1)?,
                    max_gpu_price: r.get(2)?,
                    instance_type: r.get(3)?,
                    min_count: r.get(4)?,
                    provider: r.get(5)?,
                    region: r.get(6)?,
                },
                created_at: parse_ts(&r.get::<_, String>(7)?).unwrap_or_default(),
            })
        })
        .map_err(|e| self.err(e))?
        .collect::<Result<_, _>>()
        .map_err(|e| self.err(e))
    }

    /// Take the watches a load matched and return those whose episode starts now: they are
    /// to be announced, by this process only. A complete load ends the
    /// episode of every other watch; a filtered one ends none. One transaction that takes the
    /// write lock first, so two processes seeing the same match announce it once between them.
    pub fn watch_episodes(
        &mut self,
        now: chrono::DateTime<chrono::Utc>,
        matching: Vec<Hit>,
        coverage: Coverage,
    ) -> Result<Vec<Hit>, StoreError> {
        let path = self.path.clone();
        let e = |e| super::sqlite_err(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(e)?;
        let mut started = Vec::new();
        {
            let mut stmt = tx
                .prepare("SELECT id, matching_since IS NOT NULL FROM watches")
                .map_err(e)?;
            let rows: Vec<(i64, bool)> = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(e)?
                .collect::<Result<_, _>>()
                .map_err(e)?;
            let mut set = tx
                .prepare("UPDATE watches SET matching_since = ?2 WHERE id = ?1")
                .map_err(e)?;
            for (id, was) in rows {
                let is = matching.iter().any(|h| h.watch_id == id);
                if is && !was {
                    set.execute(params![id, ts(now)]).map_err(e)?;
                    started.push(id);
                } else if was && !is && coverage == Coverage::Complete {
                    set.execute(params![id, Option::<String>::None])
                        .map_err(e)?;
                }
            }
        }
        tx.commit().map_err(e)?;
        Ok(matching
            .into_iter()
            .filter(|h| started.contains(&h.watch_id))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn hits(ids: &[i64]) -> Vec<Hit> {
        ids.iter()
            .map(|&watch_id| Hit {
                watch_id,
                text: format!("watch {watch_id}"),
            })
            .collect()
    }

    /// The ids of the hits to announce.
    fn ids(started: Vec<Hit>) -> Vec<i64> {
        started.into_iter().map(|h| h.watch_id).collect()
    }

    fn spec() -> WatchSpec {
        WatchSpec {
            gpu: "h100".into(),
            max_gpu_price: 2.0,
            instance_type: None,
            min_count: None,
            provider: None,
            region: None,
        }
    }

    #[test]
    fn an_episode_is_announced_once_across_processes_and_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sqlite3");
        let t0 = crate::demo::test_epoch();
        let at = |m: i64| t0 + Duration::minutes(m);
        let (mut a, _) = Store::open(&path).unwrap();
        let (mut b, _) = Store::open(&path).unwrap();
        let id = a.add_watch(&spec(), t0).unwrap();
        let other = a.add_watch(&spec(), t0).unwrap();
        // The dashboard sees the match first: it announces; guard run, a moment later, not.
        assert_eq!(
            ids(a
                .watch_episodes(at(1), hits(&[id]), Coverage::Complete)
                .unwrap()),
            [id]
        );
        assert!(
            b.watch_episodes(at(2), hits(&[id]), Coverage::Complete)
                .unwrap()
                .is_empty()
        );
        // A restart changes nothing.
        drop(a);
        let (mut a, _) = Store::open(&path).unwrap();
        assert!(
            a.watch_episodes(at(3), hits(&[id]), Coverage::Complete)
                .unwrap()
                .is_empty()
        );
        // A filtered load without it does not end the episode; a complete one does.
        assert!(
            a.watch_episodes(at(4), hits(&[]), Coverage::Partial)
                .unwrap()
                .is_empty()
        );
        assert!(
            b.watch_episodes(at(5), hits(&[id]), Coverage::Complete)
                .unwrap()
                .is_empty()
        );
        assert!(
            a.watch_episodes(at(6), hits(&[]), Coverage::Complete)
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            ids(b
                .watch_episodes(at(7), hits(&[id, other]), Coverage::Complete)
                .unwrap()),
            [id, other],
            "a new episode for each"
        );
        // New terms: the next match is a new episode.
        assert!(a.update_watch(id, &spec()).unwrap());
        assert_eq!(
            ids(a
                .watch_episodes(at(8), hits(&[id, other]), Coverage::Complete)
                .unwrap()),
            [id]
        );
    }
}
