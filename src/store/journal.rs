//! The journal: one row for every write the program sent (dashboard and guard). A row is
//! written before its request is sent (pending), and its outcome recorded after: a row still
//! pending when nobody is sending it (the process was killed mid-request) reads "outcome
//! unknown" — the write may or may not have been done.

use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::Serialize;

use super::rules::{parse_ts, ts};
use super::{Store, StoreError};

/// A write about to be recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewJournalEntry {
    pub at: DateTime<Utc>,
    /// `dashboard` or `guard`.
    pub source: String,
    pub method: String,
    /// e.g. `/api/deployments/abc`.
    pub path: String,
    /// The deployment, volume or key the write was about.
    pub target_id: Option<String>,
    /// Its name when the write was sent, when known.
    pub target_name: Option<String>,
    /// `ok`, or the error as the user saw it.
    pub result: String,
    /// What the account paid per hour for the thing written, when known.
    pub usd_per_hour: Option<f64>,
}

/// What a write was about, as its answer says it (the id and name of what it created).
#[derive(Debug, Clone, Copy, Default)]
pub struct Target<'a> {
    pub id: Option<&'a str>,
    pub name: Option<&'a str>,
}

/// What a pending row's result reads.
pub const OUTCOME_UNKNOWN: &str = "outcome unknown: sent, no answer was recorded";

/// A recorded write.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalEntry {
    pub id: i64,
    #[serde(flatten)]
    pub entry: NewJournalEntry,
    /// Whether the outcome was recorded (false: the request was sent and no answer recorded).
    pub outcome_known: bool,
}

impl Store {
    /// Record one write with its outcome; returns its row id once committed.
    pub fn record(&self, e: &NewJournalEntry) -> Result<i64, StoreError> {
        self.insert(e, false)
    }

    /// Record a write before it is sent: its row reads "outcome unknown" until
    /// [`Store::record_outcome`].
    pub fn record_intent(&self, e: &NewJournalEntry) -> Result<i64, StoreError> {
        self.insert(e, true)
    }

    fn insert(&self, e: &NewJournalEntry, pending: bool) -> Result<i64, StoreError> {
        self.conn
            .execute(
                "INSERT INTO journal (at, source, method, path, target_id, result, usd_per_hour, pending,
                   target_name)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    ts(e.at),
                    e.source,
                    e.method,
                    e.path,
                    e.target_id,
                    e.result,
                    e.usd_per_hour,
                    pending,
                    e.target_name
                ],
            )
            .map_err(|x| self.err(x))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The outcome of a write recorded ahead with [`Store::record_intent`], with what only
    /// the answer tells (the id and name of what was created, its rate) where the row lacks it.
    pub fn record_outcome(
        &self,
        id: i64,
        result: &str,
        target: Target<'_>,
        usd_per_hour: Option<f64>,
    ) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE journal SET result = ?2, pending = 0,
                   target_id = COALESCE(target_id, ?3), usd_per_hour = COALESCE(usd_per_hour, ?4),
                   target_name = COALESCE(target_name, ?5)
                 WHERE id = ?1",
                params![id, result, target.id, usd_per_hour, target.name],
            )
            .map_err(|x| self.err(x))?;
        Ok(())
    }

    /// The journal, oldest first.
    pub fn journal(&self) -> Result<Vec<JournalEntry>, StoreError> {
        self.journal_after(0)
    }

    /// The entries after entry `id`, oldest first.
    pub fn journal_after(&self, id: i64) -> Result<Vec<JournalEntry>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, at, source, method, path, target_id, result, usd_per_hour, pending,
                   target_name
                 FROM journal WHERE id > ?1 ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([id], |r| {
                let pending: bool = r.get(8)?;
                Ok(JournalEntry {
                    outcome_known: !pending,
                    id: r.get(0)?,
                    entry: NewJournalEntry {
                        at: parse_ts(&r.get::<_, String>(1)?).unwrap_or_default(),
                        source: r.get(2)?,
                        method: r.get(3)?,
                        path: r.get(4)?,
                        target_id: r.get(5)?,
                        target_name: r.get(9)?,
                        result: if pending {
                            OUTCOME_UNKNOWN.to_string()
                        } else {
                            r.get(6)?
                        },
                        usd_per_hour: r.get(7)?,
                    },
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// The id of the last entry (0 when there is none).
    pub fn last_journal_id(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("SELECT COALESCE(MAX(id), 0) FROM journal", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }
}
