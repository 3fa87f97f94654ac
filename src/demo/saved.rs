//! The demo world on disk, so that every `--demo` process (dashboards, `demo-server`, the
//! commands for scripts, `guard run`) serves one world: a deploy made in one is listed by the
//! next, and a guard rule set in one can be enforced by another.
//!
//! One SQLite file beside the demo store, with the store's discipline: mode 0600, WAL, a busy
//! timeout, a file that is not a database moved aside. It holds one row: the world's state as
//! JSON and a version that every change bumps. Each request runs in one write transaction
//! (`BEGIN IMMEDIATE`): the world is read again only when another process changed it (the
//! version moved), the request is applied, and the state is written back only when it changed.
//!
//! Time: the world's clock is the wall clock, so it keeps moving while no process runs — a demo
//! deployment left running has gone on costing demo money, as a real one would. The first
//! request after a pause moves the world over the gap (provisioning finished, costs accrued,
//! SPOT interruptions drawn). Prices move with that same clock ([`super::drift`]), so every
//! process sees the same prices at the same moment. `demo reset` starts a fresh world.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use super::acts::{Act, Acts};
use super::world::{Deployment, SshKey, Team, Volume, World};

/// How long a request waits for another process's transaction.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// What of the world is kept: everything but the catalog (embedded, the same in every
/// process) and the simulation's knobs (each process's own options). Borrowed to write,
/// owned when read.
#[derive(Debug, Serialize, Deserialize)]
struct Saved<'a> {
    teams: Cow<'a, [Team]>,
    ssh_keys: Cow<'a, [SshKey]>,
    deployments: Cow<'a, [Deployment]>,
    volumes: Cow<'a, [Volume]>,
    /// The instant the world was last moved to.
    last: DateTime<Utc>,
    /// The random generator's state: ids, delays and failures continue, whichever process
    /// draws next.
    rng: u64,
    /// What requests did lately (absent from files written before they were kept).
    #[serde(default)]
    acts: Cow<'a, Acts>,
}

impl Saved<'_> {
    fn of(w: &World) -> Saved<'_> {
        Saved {
            teams: Cow::Borrowed(&w.teams),
            ssh_keys: Cow::Borrowed(&w.ssh_keys),
            deployments: Cow::Borrowed(&w.deployments),
            volumes: Cow::Borrowed(&w.volumes),
            last: w.last,
            rng: w.rng.get_seed(),
            acts: Cow::Borrowed(&w.acts),
        }
    }

    fn restore(self, w: &mut World) {
        w.teams = self.teams.into_owned();
        w.ssh_keys = self.ssh_keys.into_owned();
        w.deployments = self.deployments.into_owned();
        w.volumes = self.volumes.into_owned();
        w.last = self.last;
        w.rng = fastrand::Rng::with_seed(self.rng);
        w.acts = self.acts.into_owned();
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WorldFileError {
    #[error("demo world {path}: {source}")]
    Sqlite {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("demo world {path}: {msg}")]
    Other { path: String, msg: String },
}

/// An open world file, and what this process last read from or wrote to it.
pub struct WorldFile {
    conn: Connection,
    path: PathBuf,
    known: Known,
}

/// What this process last read from or wrote to the file.
#[derive(Debug, Default)]
struct Known {
    /// The version the in-memory world matches; `None` before the first transaction.
    seen: Option<i64>,
    /// The state as last read or written: a request that changed nothing writes nothing.
    text: String,
    /// What other processes did to the world, found when this one read it again, until
    /// [`WorldFile::peek`] hands it out.
    elsewhere: Vec<Act>,
}

impl std::fmt::Debug for WorldFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorldFile")
            .field("path", &self.path)
            .field("seen", &self.known.seen)
            .finish_non_exhaustive()
    }
}

impl WorldFile {
    /// Open (creating it, mode 0600, and its directory) the world file at `path`. A file that is
    /// not a database is moved aside (`<name>.corrupt-<time>`, logged) and a new one started.
    pub fn open(path: &Path) -> Result<WorldFile, WorldFileError> {
        let other = |msg: String| WorldFileError::Other {
            path: path.display().to_string(),
            msg,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| other(e.to_string()))?;
        }
        crate::store::create_private(path).map_err(|e| other(e.to_string()))?;
        match Self::open_once(path) {
            Err(WorldFileError::Sqlite { source, .. }) if crate::store::is_corruption(&source) => {
                let aside =
                    crate::store::move_aside(path, "corrupt").map_err(|e| other(e.to_string()))?;
                tracing::warn!(path = %path.display(), moved_to = %aside.display(),
                    "demo world: not a database; moved aside, a fresh world starts");
                crate::store::create_private(path).map_err(|e| other(e.to_string()))?;
                Self::open_once(path)
            }
            r => r,
        }
    }

    fn open_once(path: &Path) -> Result<WorldFile, WorldFileError> {
        let err = |source| WorldFileError::Sqlite {
            path: path.display().to_string(),
            source,
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(err)?;
        // Two processes creating the file at once: the loser waits for the winner.
        let started = std::time::Instant::now();
        loop {
            let r = conn
                .query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))
                .and_then(|_| {
                    // NORMAL: a commit survives the process (not a power cut); a demo world
                    // needs no fsync per request.
                    conn.pragma_update(None, "synchronous", "NORMAL")?;
                    conn.execute_batch(
                        "CREATE TABLE IF NOT EXISTS world (
                            id       INTEGER PRIMARY KEY CHECK (id = 1),
                            version  INTEGER NOT NULL,
                            state    TEXT NOT NULL
                        );",
                    )
                });
            match r {
                Err(e) if crate::store::is_busy(&e) && started.elapsed() < BUSY_TIMEOUT => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => return Err(err(e)),
                Ok(()) => break,
            }
        }
        Ok(WorldFile {
            conn,
            path: path.to_path_buf(),
            known: Known::default(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// In one transaction: bring `world` to the file's state (a new file takes `world` as it
    /// is), run `f` on it at `now()` (never before the world's own last instant), and write back
    /// what changed.
    pub fn with<R>(
        &mut self,
        world: &mut World,
        now: impl FnOnce() -> DateTime<Utc>,
        f: impl FnOnce(&mut World, DateTime<Utc>) -> R,
    ) -> Result<R, WorldFileError> {
        let r = self.transact(world, now, f);
        if r.is_err() {
            // What is in memory may be ahead of the file: read it again next time.
            self.known.seen = None;
        }
        r
    }

    fn transact<R>(
        &mut self,
        world: &mut World,
        now: impl FnOnce() -> DateTime<Utc>,
        f: impl FnOnce(&mut World, DateTime<Utc>) -> R,
    ) -> Result<R, WorldFileError> {
        let path = self.path.clone();
        let sqlite = |source| WorldFileError::Sqlite {
            path: path.display().to_string(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sqlite)?;
        let version = read_version(&tx).map_err(sqlite)?;
        if version.is_some() && version != self.known.seen {
            let text: String = tx
                .query_row("SELECT state FROM world WHERE id = 1", [], |r| r.get(0))
                .map_err(sqlite)?;
            self.known.take_in(&path, world, text);
        }
        let now = now().max(world.last);
        let out = f(world, now);
        let text = state_text(world, &path)?;
        let mut seen = version;
        if version.is_none() || text != self.known.text {
            let v = version.unwrap_or(0) + 1;
            tx.execute(
                "INSERT INTO world (id, version, state) VALUES (1, ?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET version = ?1, state = ?2",
                params![v, text],
            )
            .map_err(sqlite)?;
            seen = Some(v);
            self.known.text = text;
        }
        tx.commit().map_err(sqlite)?;
        self.known.seen = seen;
        Ok(out)
    }

    /// What other processes did to the world since this one last looked, oldest first; the
    /// world in memory is brought to the file's state on the way. Nothing is written, and a
    /// file nobody changed costs one small read.
    pub fn peek(&mut self, world: &mut World) -> Result<Vec<Act>, WorldFileError> {
        let sqlite = |source| WorldFileError::Sqlite {
            path: self.path.display().to_string(),
            source,
        };
        let version = read_version(&self.conn).map_err(sqlite)?;
        if version.is_some() && version != self.known.seen {
            // Version and state in one statement: another process may commit in between.
            let (v, text): (i64, String) = self
                .conn
                .query_row("SELECT version, state FROM world WHERE id = 1", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .map_err(sqlite)?;
            self.known.take_in(&self.path, world, text);
            self.known.seen = Some(v);
        }
        Ok(std::mem::take(&mut self.known.elsewhere))
    }

    /// Put `fresh` in place of whatever world the file holds (`demo reset`). Every process
    /// reads it at its next request.
    pub fn replace(&mut self, fresh: &World) -> Result<(), WorldFileError> {
        let text = state_text(fresh, &self.path)?;
        self.conn
            .execute(
                "INSERT INTO world (id, version, state) VALUES (1, 1, ?1)
                 ON CONFLICT (id) DO UPDATE SET version = version + 1, state = ?1",
                [text],
            )
            .map_err(|source| WorldFileError::Sqlite {
                path: self.path.display().to_string(),
                source,
            })?;
        self.known.seen = None;
        Ok(())
    }
}

impl Known {
    /// Bring `world` to `text`, the file's state. What another process did since this one last
    /// read or wrote the file is kept for [`WorldFile::peek`] (not on the first read:
    /// what came before this process is not news).
    fn take_in(&mut self, path: &Path, world: &mut World, text: String) {
        match serde_json::from_str::<Saved>(&text) {
            Ok(saved) => {
                if self.seen.is_some() {
                    self.elsewhere.extend(world.acts.since(&saved.acts));
                }
                saved.restore(world);
                self.text = text;
            }
            // A state this version cannot read (another version of the program wrote it):
            // this process's world replaces it.
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e,
                    "demo world: unreadable state replaced");
                self.text.clear();
            }
        }
    }
}

/// The version the file holds (`None`: no world in it yet).
fn read_version(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    conn.query_row("SELECT version FROM world WHERE id = 1", [], |r| r.get(0))
        .optional()
}

fn state_text(w: &World, path: &Path) -> Result<String, WorldFileError> {
    serde_json::to_string(&Saved::of(w)).map_err(|e| WorldFileError::Other {
        path: path.display().to_string(),
        msg: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::{ClockMode, DemoHandle, DemoOptions, build, reset_world, test_epoch};
    use super::*;

    /// A demo (no server, its handle) keeping its world in `path`, its clock at `at`.
    fn demo(path: &Path, at: DateTime<Utc>) -> DemoHandle {
        let opts = DemoOptions {
            clock: ClockMode::Manual(at),
            world_file: Some(path.to_path_buf()),
            ..DemoOptions::for_tests()
        };
        DemoHandle {
            shared: build(opts).unwrap(),
        }
    }

    fn name_of(h: &DemoHandle, id: &str) -> String {
        h.world(|w, _| {
            w.deployments
                .iter()
                .find(|d| d.id == id)
                .unwrap()
                .name
                .clone()
        })
    }

    const DEP: &str = "dep_7f3a91c2e0b4";

    fn told(h: &DemoHandle) -> Vec<String> {
        let acts = h.acts_elsewhere().unwrap();
        acts.into_iter().map(|a| a.text).collect()
    }

    #[test]
    fn what_another_process_did_is_told_once_and_never_what_this_one_did() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("world.sqlite3");
        let (a, b) = (demo(&path, test_epoch()), demo(&path, test_epoch()));
        // The world as each first reads it is not news.
        for h in [&a, &b] {
            h.world(|_, _| ());
            assert!(told(h).is_empty());
        }
        let rename = |h: &DemoHandle, name: &str| {
            h.world(|w, now| w.rename_deployment(DEP, &serde_json::json!({"name": name}), now))
                .unwrap();
        };
        rename(&a, "first");
        assert_eq!(
            told(&b),
            [format!("deployment llm-finetune ({DEP}) renamed to first")]
        );
        assert!(told(&a).is_empty() && told(&b).is_empty());
        // Read by a request of b's own before b looked: still told, once.
        rename(&a, "second");
        rename(&b, "third");
        assert_eq!(
            told(&b),
            [format!("deployment first ({DEP}) renamed to second")]
        );
        assert_eq!(
            told(&a),
            [format!("deployment second ({DEP}) renamed to third")]
        );
        // Time passing writes the file too, and is no act.
        a.advance(std::time::Duration::from_secs(600));
        assert!(told(&b).is_empty());
        reset_world(&path).unwrap();
        assert_eq!(told(&a), ["demo world started afresh"]);
    }

    #[test]
    fn two_processes_share_one_world() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("world.sqlite3");
        let (a, b) = (demo(&path, test_epoch()), demo(&path, test_epoch()));
        a.world(|w, now| w.rename_deployment(DEP, &serde_json::json!({"name": "renamed"}), now))
            .unwrap();
        assert_eq!(name_of(&b, DEP), "renamed");
        b.set_balance("team_demo_01", 123.0);
        assert_eq!(a.balance("team_demo_01"), Some(123.0));
        // One random sequence, whichever process draws: ids are never handed out twice.
        let seed = a.world(|w, _| w.rng.get_seed());
        let drawn = [a.world(|w, _| w.hex(12)), b.world(|w, _| w.hex(12))];
        let alone = DemoHandle {
            shared: build(DemoOptions::for_tests()).unwrap(),
        };
        let expected = alone.world(|w, _| {
            w.rng = fastrand::Rng::with_seed(seed);
            [w.hex(12), w.hex(12)]
        });
        assert_eq!(drawn, expected);
    }

    #[test]
    fn the_world_moves_over_the_time_no_process_ran_and_never_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("world.sqlite3");
        let early = demo(&path, test_epoch());
        let spent = |h: &DemoHandle| {
            h.world(|w, now| {
                w.advance_to(now);
                let d = w.deployments.iter().find(|d| d.id == DEP).unwrap();
                (d.total_cost, w.last)
            })
        };
        let (cost0, at0) = spent(&early);
        assert_eq!(at0, test_epoch());
        // A process started two hours later finds the world two hours on: costs accrued.
        let later = demo(&path, test_epoch() + chrono::Duration::hours(2));
        let (cost2, at2) = spent(&later);
        assert_eq!(at2, test_epoch() + chrono::Duration::hours(2));
        let rate = early.world(|w, _| {
            w.deployments
                .iter()
                .find(|d| d.id == DEP)
                .unwrap()
                .hourly_rate
        });
        assert!(
            (cost2 - cost0 - 2.0 * rate).abs() < 1e-6,
            "{cost0} → {cost2} at {rate}/h"
        );
        // The process whose clock is behind sees that world, not an older one.
        assert_eq!(spent(&early), (cost2, at2));
    }

    #[test]
    fn a_reset_replaces_the_world_for_every_process() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("world.sqlite3");
        let a = demo(&path, test_epoch());
        a.world(|w, now| w.rename_deployment(DEP, &serde_json::json!({"name": "renamed"}), now))
            .unwrap();
        assert_eq!(name_of(&a, DEP), "renamed");
        super::super::reset_world(&path).unwrap();
        assert_eq!(name_of(&a, DEP), "llm-finetune");
    }

    #[test]
    fn a_file_that_is_not_a_database_is_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("world.sqlite3");
        std::fs::write(&path, vec![b'x'; 8192]).unwrap();
        let a = demo(&path, test_epoch());
        assert_eq!(name_of(&a, DEP), "llm-finetune");
        let aside = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
            .count();
        assert_eq!(aside, 1);
    }
}
