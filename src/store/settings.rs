//! Settings the dashboard keeps between runs, one value per key.

use rusqlite::{OptionalExtension, params};

use super::rules::ts;
use super::{Store, StoreError};

/// The key of the model plan (its spec line, `domain::planner::spec::job_spec`).
pub const PLAN: &str = "plan";

impl Store {
    /// The value of `key`, `None` when it is not set.
    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                params![key],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Set `key` to `value`, or clear it (`None`).
    pub fn set_setting(
        &self,
        key: &str,
        value: Option<&str>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        match value {
            Some(v) => self.conn.execute(
                "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                params![key, v, ts(now)],
            ),
            None => self
                .conn
                .execute("DELETE FROM settings WHERE key = ?1", params![key]),
        }
        .map(|_| ())
        .map_err(|e| self.err(e))
    }
}
