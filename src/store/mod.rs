//! The local store: one SQLite file (WAL, busy timeout, versioned schema) holding the guard
//! rules, the enforcer lock, the journal of writes, the price history, the price watches and the
//! dashboard's settings (the model plan). The runtime owns it through one writer
//! thread ([`StoreHandle`]); the reducer and the drawing never touch it.
//!
//! A file that is not a database is moved aside (`<name>.corrupt-<time>`), as is one that reads
//! empty although a store was there (`<name>.empty-<time>`), and a fresh one is created: what
//! can still be read from the old file is copied in, and the loss is kept until the user
//! acknowledges it ([`loss`]). A file a newer version of the program
//! wrote is refused and left untouched ([`StoreError::Newer`]): its guard rules belong to that
//! version, and moving the file would lose them for it too. The program then runs without a
//! store (the dashboard says so; the store commands fail).

pub mod changes;
pub mod file_check;
pub mod history;
pub mod journal;
pub mod loss;
pub mod rules;
pub mod schema;
pub mod settings;
pub mod watches;
pub mod writer;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

pub use file_check::FileTrouble;
pub use journal::{JournalEntry, NewJournalEntry, Target};
pub use loss::{Loss, Salvaged};
pub use rules::{Failing, LockState, StoredRule};
pub use writer::StoreHandle;

/// SQLite's page cache, in KiB as `PRAGMA cache_size` takes it (negative: a size, not pages).
/// 8 MiB: a 30-day read of one model at 5,000 offers takes 4.0 ms (4.9 ms with SQLite's 2 MiB,
/// the same at 16 MiB), and the process holds at most 8 MiB for it.
const CACHE_KIB: i64 = -8 * 1024;

/// How long a writer waits for another process's lock before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store {path}: {source}")]
    Sqlite {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("store {path}: {msg}")]
    Io { path: String, msg: String },
    #[error("the store is closed")]
    Closed,
    #[error(
        "store {path} was written by a newer spheron-tui (schema {found}; this one knows {known}) and is left as it is: run the newer spheron-tui, or move the file away to start a new store"
    )]
    Newer {
        path: String,
        found: u32,
        known: u32,
    },
}

/// An open store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The last price point of each offer, loaded on first use (`history`).
    history_cache: Option<std::collections::HashMap<String, history::Last>>,
    /// `PRAGMA data_version` when the cache was filled: another process's commit changes it,
    /// and the cache is read again (that process may have recorded points this one has not).
    history_seen: i64,
    /// What this process knows of the store, to tell other processes' writes apart
    /// ([`changes`]); `None` until [`Store::track_changes`].
    tracker: Option<changes::Tracker>,
    /// The file opened, to tell when another takes its place ([`file_check`]).
    file_id: Option<file_check::FileId>,
}

/// What [`Store::open`] did besides opening.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OpenReport {
    /// Set when the store was lost and replaced: a message for the user.
    pub notice: Option<String>,
    /// Where the old file went.
    pub moved_to: Option<PathBuf>,
    /// The loss, when the store was replaced (also kept in the new store).
    pub loss: Option<Loss>,
}

/// Why an existing file cannot be used as it is.
enum Unusable {
    Corrupt(String),
    /// No tables of ours, where a store was before.
    Empty,
    Newer(u32),
}

impl Store {
    /// Open (creating it and its directory) and migrate the store at `path`. A store that was
    /// there before ([`loss::marker_path`]) and is now missing or reads empty, or a file that
    /// is not a database, is a loss: see [`loss`].
    pub fn open(path: &Path) -> Result<(Store, OpenReport), StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io_err(path, e))?;
        }
        let was_here = loss::marker_path(path).exists();
        let existed = path.exists();
        create_private(path)?;
        let mut lost = (was_here && !existed).then_some((loss::LossKind::Missing, None));
        let opened = match Self::try_open(path, was_here && existed) {
            Ok(store) => Some(store),
            Err(Ok(Unusable::Empty)) => {
                tracing::warn!(path = %path.display(), "store: reads empty");
                lost = Some((loss::LossKind::Empty, Some(move_aside(path, "empty")?)));
                None
            }
            Err(Err(e)) => return Err(e),
            // A newer program's file holds what this one cannot read (guard rules among it):
            // it is left for that program, never moved away from it.
            Err(Ok(Unusable::Newer(found))) => {
                return Err(StoreError::Newer {
                    path: path.display().to_string(),
                    found,
                    known: schema::LATEST,
                });
            }
            Err(Ok(Unusable::Corrupt(e))) => {
                tracing::warn!(path = %path.display(), error = %e, "store: not a database");
                let aside = move_aside(path, "corrupt")?;
                lost = Some((loss::LossKind::Corrupt(e), Some(aside)));
                None
            }
        };
        let store = match opened {
            Some(store) => store,
            None => {
                create_private(path)?;
                match Self::try_open(path, false) {
                    Ok(store) => store,
                    Err(Err(e)) => return Err(e),
                    Err(Ok(_)) => {
                        return Err(StoreError::Io {
                            path: path.display().to_string(),
                            msg: "a fresh store could not be created in place of the old one"
                                .to_string(),
                        });
                    }
                }
            }
        };
        loss::write_marker(path);
        let mut report = OpenReport::default();
        if let Some((kind, aside)) = lost {
            let loss = loss::settle(&store, path, &kind, aside.as_deref());
            report.notice = Some(loss.text());
            report.moved_to = aside;
            report.loss = Some(loss);
        }
        Ok((store, report))
    }

    /// `Err(Ok(_))`: the file exists but cannot be used (move it aside); `Err(Err(_))`: an
    /// error that moving would not fix (permissions, a full disk, a lock held too long).
    /// [`Self::open_once`], tried again while another process holds the file busy in a way
    /// SQLite's busy timeout does not wait for (two processes switching a new file to WAL at
    /// the same moment answer "database is locked" at once), for at most [`BUSY_TIMEOUT`].
    fn try_open(path: &Path, was_store: bool) -> Result<Store, Result<Unusable, StoreError>> {
        let started = std::time::Instant::now();
        loop {
            match Self::open_once(path, was_store) {
                Err(Err(StoreError::Sqlite { source, .. }))
                    if is_busy(&source) && started.elapsed() < BUSY_TIMEOUT =>
                {
                    std::thread::sleep(Duration::from_millis(20));
                }
                other => return other,
            }
        }
    }

    /// `was_store`: the file held a store before, so one that reads empty is unusable (and is
    /// told before anything is written to it).
    fn open_once(path: &Path, was_store: bool) -> Result<Store, Result<Unusable, StoreError>> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        // Corruption means "move it aside"; anything else is reported as it is.
        let classify = |e: rusqlite::Error| {
            if is_corruption(&e) {
                Ok(Unusable::Corrupt(e.to_string()))
            } else {
                Err(sqlite_err(path, e))
            }
        };
        let mut conn = Connection::open_with_flags(path, flags).map_err(classify)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(classify)?;
        // The first read of the header tells a database from anything else.
        let v = schema::version(&conn).map_err(classify)?;
        if v > schema::LATEST {
            return Err(Ok(Unusable::Newer(v)));
        }
        if v == 0 && was_store && schema::unmigrated(&mut conn).map_err(classify)? {
            return Err(Ok(Unusable::Empty));
        }
        let check: String = conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(classify)?;
        if check != "ok" {
            return Err(Ok(Unusable::Corrupt(check)));
        }
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(classify)?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(%mode, "store: WAL refused; running in this journal mode");
        }
        // FULL: a committed row survives a crash of the machine, not only of the process.
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(classify)?;
        // A page cache large enough for one model's history: its reads come from memory rather
        // than a system call per page.
        conn.pragma_update(None, "cache_size", CACHE_KIB)
            .map_err(classify)?;
        schema::migrate(&mut conn).map_err(classify)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            history_cache: None,
            history_seen: 0,
            tracker: None,
            file_id: file_check::file_id(path),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// For the demo's own store: a commit is written to the file but not synced to the disk
    /// (SQLite's `synchronous = NORMAL` in WAL mode). It survives the process ending, killed
    /// or not; a power cut may lose the last commits, which in the demo guard nothing real.
    /// A demo command then waits for no disk sync: each took milliseconds on a busy disk.
    pub fn relax_sync_for_demo(&self) -> Result<(), StoreError> {
        self.conn
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| self.err(e))
    }

    pub fn schema_version(&self) -> Result<u32, StoreError> {
        schema::version(&self.conn).map_err(|e| self.err(e))
    }

    fn err(&self, e: rusqlite::Error) -> StoreError {
        sqlite_err(&self.path, e)
    }
}

pub(crate) fn is_corruption(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
    )
}

pub(crate) fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

fn sqlite_err(path: &Path, source: rusqlite::Error) -> StoreError {
    StoreError::Sqlite {
        path: path.display().to_string(),
        source,
    }
}

fn io_err(path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.display().to_string(),
        msg: e.to_string(),
    }
}

/// Create `path` empty with mode 0600 if it does not exist (the journal says what the account
/// did; SQLite gives its `-wal`/`-shm` files the same mode).
pub(crate) fn create_private(path: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(io_err(path, e)),
    }
}

/// Rename `path` (and its `-wal`/`-shm` companions) to `<path>.<tag>-<unix time>`.
pub(crate) fn move_aside(path: &Path, tag: &str) -> Result<PathBuf, StoreError> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(".{tag}-{stamp}"));
    let aside = PathBuf::from(aside);
    std::fs::rename(path, &aside).map_err(|e| io_err(path, e))?;
    for suffix in ["-wal", "-shm"] {
        let mut from = path.as_os_str().to_owned();
        from.push(suffix);
        let mut to = aside.as_os_str().to_owned();
        to.push(suffix);
        let _ = std::fs::rename(&from, &to);
    }
    Ok(aside)
}

/// Where the store lives: `spheron-tui.sqlite3` in the platform's data dir.
pub fn default_path() -> Option<PathBuf> {
    crate::config::paths().map(|p| p.store_file)
}
