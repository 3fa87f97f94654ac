//! A store that was lost: a file that is not a database, one that reads empty (truncated to
//! zero bytes), or one that is missing although a store was here before. The old file is moved
//! aside and named, what can still be read from it (guard rules, watches, journal rows, the
//! dashboard's settings) is copied into the new store, and the loss is kept in the new store until the user
//! acknowledges it (`guard ack-loss`): until then `guard list` exits 1 and says where the old
//! file went.
//!
//! A store that was here is known by its marker, `<store>.marker`, written next to it once it
//! is created: a store file that is missing or reads empty while the marker is there was lost,
//! not never made.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags, params};

use super::rules::{parse_ts, ts};
use super::{Store, StoreError};

/// The tables whose rows are copied from a lost store (what the user made or what was done).
/// The price history is not: it is collected again. The settings (the model plan) are copied
/// but not counted in the loss's words, which name what guards money.
const SALVAGED: [&str; 4] = ["guard_rules", "watches", "journal", "settings"];

/// Why a store was replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LossKind {
    /// The file was not a usable database (SQLite's words).
    Corrupt(String),
    /// The file read empty (zero bytes, or no tables) although a store was here.
    Empty,
    /// The file was gone although a store was here.
    Missing,
}

impl LossKind {
    fn text(&self) -> String {
        match self {
            LossKind::Corrupt(e) => format!("was not a usable database ({e})"),
            LossKind::Empty => {
                "read empty (zero bytes or no tables) although a store was there".to_string()
            }
            LossKind::Missing => "was missing although a store was there before".to_string(),
        }
    }
}

/// How many rows of each kind were read from the lost file and kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Salvaged {
    pub rules: u32,
    pub watches: u32,
    pub journal: u32,
}

/// One loss, as kept in the new store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loss {
    pub at: DateTime<Utc>,
    /// The store file that was lost.
    pub path: String,
    /// Why, in words.
    pub what: String,
    /// Where the old file went (none when it was missing).
    pub moved_to: Option<String>,
    pub salvaged: Salvaged,
    /// What went wrong reading the old file, if anything did.
    pub salvage_error: Option<String>,
}

impl Loss {
    /// What happened, in one paragraph for the user; what matters first (a status bar may
    /// show only the start of it).
    pub fn text(&self) -> String {
        let mut s = format!("the local store {}", self.what);
        match &self.moved_to {
            Some(to) => s.push_str(&format!(": moved aside to {to}")),
            None => s.push_str(": there was no file to keep"),
        }
        let Salvaged {
            rules,
            watches,
            journal,
        } = self.salvaged;
        if rules + watches + journal == 0 {
            s.push_str(
                "; nothing could be read from it: its guard rules, watches and journal are gone",
            );
        } else {
            s.push_str(&format!(
                "; read from it and kept: {rules} guard rule{}, {watches} watch{}, {journal} journal row{}",
                plural(rules),
                if watches == 1 { "" } else { "es" },
                plural(journal)
            ));
        }
        if let Some(e) = &self.salvage_error {
            s.push_str(&format!(
                " (reading stopped at: {e}; the old file may hold more)"
            ));
        }
        s.push_str(&format!(
            "; a new store was started at {} on {}",
            self.path,
            self.at.format("%Y-%m-%d %H:%M UTC")
        ));
        s
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The marker that says a store was created at `store`.
pub fn marker_path(store: &Path) -> PathBuf {
    let mut p = store.as_os_str().to_owned();
    p.push(".marker");
    PathBuf::from(p)
}

/// Write the marker (once; an existing one is kept). A marker that cannot be written only
/// weakens the detection of a later loss: logged, not an error.
pub(super) fn write_marker(store: &Path) {
    let marker = marker_path(store);
    if marker.exists() {
        return;
    }
    let text = format!(
        "spheron-tui: a local store was created at {} on {}. While this file is here, a store file that is missing or empty is reported as lost.\n",
        store.display(),
        Utc::now().format("%Y-%m-%dT%H:%M:%SZ")
    );
    if let Err(e) = std::fs::write(&marker, text) {
        tracing::warn!(error = %e, path = %marker.display(), "store: marker not written");
    }
}

/// Copy what can be read of [`SALVAGED`] from the old file at `old` into `store`: each table
/// row by row, the columns both have; a row that cannot be read ends that table's copy.
pub(super) fn salvage(store: &Store, old: &Path) -> (Salvaged, Option<String>) {
    let mut counts = Salvaged::default();
    let mut error = None;
    let conn = match open_old(old) {
        Ok(c) => c,
        Err(e) => return (counts, Some(e.to_string())),
    };
    for table in SALVAGED {
        match copy_table(&conn, &store.conn, table) {
            Ok((n, e)) => {
                match table {
                    "guard_rules" => counts.rules = n,
                    "watches" => counts.watches = n,
                    "journal" => counts.journal = n,
                    _ => {}
                }
                if error.is_none() {
                    error = e.map(|e| format!("{table}: {e}"));
                }
            }
            // A table that cannot be read at all.
            Err(e) => {
                if error.is_none() {
                    error = Some(format!("{table}: {e}"));
                }
            }
        }
    }
    (counts, error)
}

/// The old file, read-only (its `-wal` companion moved with it is read too); read-write if
/// SQLite cannot open it read-only (a WAL file without its `-shm`).
fn open_old(old: &Path) -> rusqlite::Result<Connection> {
    let ro = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let probe = |c: Connection| -> rusqlite::Result<Connection> {
        c.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })?;
        Ok(c)
    };
    match Connection::open_with_flags(old, ro).and_then(probe) {
        Ok(c) => Ok(c),
        Err(_) => Connection::open_with_flags(
            old,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .and_then(probe),
    }
}

/// The columns of `table`; none when there is no such table (an older file).
fn columns(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info({table})"))?;
    stmt.query_map([], |r| r.get::<_, String>(1))?
        .collect::<rusqlite::Result<Vec<_>>>()
}

/// Copy the rows of `table` from `from` into `to` (rows already there are kept); how many were
/// copied, and the error that stopped the reading early, if one did.
fn copy_table(
    from: &Connection,
    to: &Connection,
    table: &str,
) -> rusqlite::Result<(u32, Option<String>)> {
    let theirs = columns(from, table)?;
    let ours = columns(to, table)?;
    let shared: Vec<&String> = theirs.iter().filter(|c| ours.contains(c)).collect();
    if shared.is_empty() {
        return Ok((0, None));
    }
    let list = shared
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let marks = vec!["?"; shared.len()].join(", ");
    let mut read = from.prepare(&format!("SELECT {list} FROM {table}"))?;
    let mut insert = to.prepare(&format!(
        "INSERT OR IGNORE INTO {table} ({list}) VALUES ({marks})"
    ))?;
    let mut rows = read.query([])?;
    let mut n = 0;
    loop {
        let row = match rows.next() {
            Ok(Some(row)) => row,
            Ok(None) => return Ok((n, None)),
            Err(e) => return Ok((n, Some(e.to_string()))),
        };
        let values = (0..shared.len())
            .map(|i| row.get::<_, Value>(i))
            .collect::<rusqlite::Result<Vec<_>>>();
        let values = match values {
            Ok(v) => v,
            Err(e) => return Ok((n, Some(e.to_string()))),
        };
        match insert.execute(rusqlite::params_from_iter(values)) {
            Ok(1) => n += 1,
            Ok(_) => {}
            // A row the new table refuses (a value its checks reject): not copied.
            Err(e) => tracing::warn!(table, error = %e, "store: a salvaged row was refused"),
        }
    }
}

impl Store {
    /// Keep a loss in this (new) store.
    pub(super) fn record_loss(&self, loss: &Loss) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO store_losses (at, path, what, moved_to, rules, watches, journal, salvage_error)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    ts(loss.at),
                    loss.path,
                    loss.what,
                    loss.moved_to,
                    loss.salvaged.rules,
                    loss.salvaged.watches,
                    loss.salvaged.journal,
                    loss.salvage_error
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// The losses the user has not acknowledged yet, oldest first.
    pub fn unacknowledged_losses(&self) -> Result<Vec<Loss>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT at, path, what, moved_to, rules, watches, journal, salvage_error
                 FROM store_losses WHERE acknowledged_at IS NULL ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                let at: String = r.get(0)?;
                Ok(Loss {
                    at: parse_ts(&at).unwrap_or(DateTime::<Utc>::MIN_UTC),
                    path: r.get(1)?,
                    what: r.get(2)?,
                    moved_to: r.get(3)?,
                    salvaged: Salvaged {
                        rules: r.get(4)?,
                        watches: r.get(5)?,
                        journal: r.get(6)?,
                    },
                    salvage_error: r.get(7)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))
    }

    /// Mark every loss as seen by the user; how many were.
    pub fn acknowledge_losses(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        self.conn
            .execute(
                "UPDATE store_losses SET acknowledged_at = ?1 WHERE acknowledged_at IS NULL",
                [ts(now)],
            )
            .map_err(|e| self.err(e))
    }
}

/// Build the loss of the store at `path` (moved to `moved_to`), salvage into `store`, and keep
/// the loss there. A loss that cannot be kept is still returned (the caller says it).
pub(super) fn settle(store: &Store, path: &Path, kind: &LossKind, moved_to: Option<&Path>) -> Loss {
    let (salvaged, salvage_error) = match moved_to {
        Some(old) => salvage(store, old),
        None => (Salvaged::default(), None),
    };
    let loss = Loss {
        // As the store keeps it (milliseconds).
        at: chrono::SubsecRound::trunc_subsecs(Utc::now(), 3),
        path: path.display().to_string(),
        what: kind.text(),
        moved_to: moved_to.map(|p| p.display().to_string()),
        salvaged,
        salvage_error,
    };
    if let Err(e) = store.record_loss(&loss) {
        tracing::error!(error = %e, "store: the loss could not be kept in the new store");
    }
    tracing::warn!(loss = %loss.text(), "store lost");
    loss
}
