//! The journal: one row for every write the program sent (dashboard and guard).

use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::Serialize;

use super::rules::{parse_ts, ts};
use super::{Store, StoreError};

/// A write about to be recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewJournalEntry {
    pub at: DateTime<Utc>,
    /// `dashboard` or `guard`.
    pub source: String,
    pub method: String,
    /// e.g. `/api/deployments/abc`.
    pub path: String,
    /// The deployment, volume or key the write was about.
    pub target_id: Option<String>,
    /// `ok`, or the error as the user saw it.
    pub result: String,
    /// What the account paid per hour for the thing written, when known.
    pub usd_per_hour: Option<f64>,
}

/// A recorded write.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JournalEntry {
    pub id: i64,
    #[serde(flatten)]
    pub entry: NewJournalEntry,
}

impl Store {
    /// Record one write; returns its row id once committed.
    pub fn record(&self, e: &NewJournalEntry) -> Result<i64, StoreError> {
        self.conn
            .execute(
                "INSERT INTO journal (at, source, method, path, target_id, result, usd_per_hour)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    ts(e.at),
                    e.source,
                    e.method,
                    e.path,
                    e.target_id,
                    e.result,
                    e.usd_per_hour
                ],
            )
            .map_err(|x| self.err(x))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The journal, oldest first.
    pub fn journal(&self) -> Result<Vec<JournalEntry>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, at, source, method, path, target_id, result, usd_per_hour
                 FROM journal ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(JournalEntry {
                    id: r.get(0)?,
                    entry: NewJournalEntry {
                        at: parse_ts(&r.get::<_, String>(1)?).unwrap_or_default(),
                        source: r.get(2)?,
                        method: r.get(3)?,
                        path: r.get(4)?,
                        target_id: r.get(5)?,
                        result: r.get(6)?,
                        usd_per_hour: r.get(7)?,
                    },
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }
}
