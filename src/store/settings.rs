//! Settings the dashboard keeps between runs, one value per key.

use rusqlite::{OptionalExtension, params};

use super::rules::ts;
use super::{Store, StoreError};

/// The key of the model plan (its spec line, `domain::planner::spec::job_spec`).
pub const PLAN: &str = "plan";

/// The key of the teams the last run for `account` (`Client::account_label`) read by
/// `teamId` (every team but the current one), asked for in the next run's first round
/// (`api::teams::remembered`).
pub fn teams_key(account: &str) -> String {
    format!("teams {account}")
}

/// The value of `key` in the store at `path`, read without opening it for writing (nothing is
/// created, migrated or checked); `None` when there is no such store, table or key. For a
/// guess that may be missing, such as [`teams_key`]'s.
pub fn peek(path: &std::path::Path, key: &str) -> Option<String> {
    use rusqlite::{Connection, OpenFlags};
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).ok()?;
    conn.busy_timeout(std::time::Duration::from_millis(200))
        .ok()?;
    conn.query_row(
        "SELECT value FROM settings WHERE key = ?1",
        params![key],
        |r| r.get(0),
    )
    .ok()
}

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
