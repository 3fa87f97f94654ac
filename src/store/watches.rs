//! Price watches in the store.

use rusqlite::params;

use super::rules::{parse_ts, ts};
use super::{Store, StoreError};
use crate::domain::watch::{Watch, WatchSpec};

impl Store {
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

    /// Change what a watch asks for (its id and creation time stay); whether there was one.
    pub fn update_watch(&self, id: i64, spec: &WatchSpec) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute(
                "UPDATE watches SET gpu = ?2, max_gpu_price = ?3, instance_type = ?4,
                 min_count = ?5, provider = ?6, region = ?7 WHERE id = ?1",
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
}
