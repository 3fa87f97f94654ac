//! The store's schema as an ordered list of migrations. `PRAGMA user_version` holds how many
//! have been applied; each runs in its own transaction, so a file is always at one version.
//! New tables (price history, watches) are new entries at the end; entries are never edited.

use rusqlite::Connection;

/// Migration `i` (0-based) brings a file from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: guard rules and the journal of writes.
    "CREATE TABLE guard_rules (
        deployment_id TEXT PRIMARY KEY NOT NULL,
        kind          TEXT NOT NULL CHECK (kind IN ('deadline', 'max_spend')),
        deadline      TEXT,
        max_spend_usd REAL,
        spec          TEXT NOT NULL,
        created_at    TEXT NOT NULL
    );
    CREATE TABLE journal (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        at            TEXT NOT NULL,
        source        TEXT NOT NULL,
        method        TEXT NOT NULL,
        path          TEXT NOT NULL,
        target_id     TEXT,
        result        TEXT NOT NULL,
        usd_per_hour  REAL
    );
    CREATE INDEX journal_at ON journal (at);",
    // 2: the enforcer lock (one row) so that one process at a time enforces the guard.
    "CREATE TABLE enforcer_lock (
        id            INTEGER PRIMARY KEY CHECK (id = 1),
        holder        TEXT NOT NULL,
        label         TEXT NOT NULL,
        heartbeat     TEXT NOT NULL,
        expires_at    TEXT NOT NULL
    );",
    // 3: price history (one row per offer, points keyed by offer and time) and price watches.
    "CREATE TABLE price_offers (
        id            INTEGER PRIMARY KEY,
        offer_key     TEXT NOT NULL UNIQUE,
        gpu_model     TEXT NOT NULL,
        provider      TEXT NOT NULL,
        instance_type TEXT NOT NULL,
        gpu_count     INTEGER NOT NULL,
        region        TEXT
    );
    CREATE INDEX price_offers_model ON price_offers (gpu_model);
    CREATE TABLE price_points (
        offer         INTEGER NOT NULL,
        t             INTEGER NOT NULL,
        price         INTEGER NOT NULL,
        avail         INTEGER NOT NULL,
        lo            INTEGER,
        hi            INTEGER,
        PRIMARY KEY (offer, t)
    ) WITHOUT ROWID;
    CREATE TABLE watches (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        gpu           TEXT NOT NULL,
        max_gpu_price REAL NOT NULL,
        instance_type TEXT,
        min_count     INTEGER,
        provider      TEXT,
        region        TEXT,
        created_at    TEXT NOT NULL
    );",
    // 4: price history in tiers (see store::history). A load's points are appended to
    // price_recent, keyed by time, so a load where every offer changed writes a few pages
    // instead of one page per offer; the hourly compaction moves them to price_points and
    // packs the hours older than 48 h into price_hours, one blob per offer per week. The rows
    // a version-3 file rolled up in place (lo set) are packed by its first compaction.
    "CREATE TABLE price_recent (
        t             INTEGER NOT NULL,
        offer         INTEGER NOT NULL,
        price         INTEGER NOT NULL,
        avail         INTEGER NOT NULL,
        PRIMARY KEY (t, offer)
    ) WITHOUT ROWID;
    CREATE TABLE price_hours (
        offer         INTEGER NOT NULL,
        week          INTEGER NOT NULL,
        points        BLOB NOT NULL,
        PRIMARY KEY (offer, week)
    ) WITHOUT ROWID;",
    // 5: when each watch's current episode began (NULL: it does not match), so a match is
    // announced once by whichever process sees it first, and not again after a restart.
    "ALTER TABLE watches ADD COLUMN matching_since TEXT;",
    // 6: a failing guard DELETE is kept with its rule (how often it failed, when it is tried
    // next, why), so `guard list` can say so; a journal row is written before its request is
    // sent (`pending` until its outcome is recorded).
    "ALTER TABLE guard_rules ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE guard_rules ADD COLUMN next_try TEXT;
    ALTER TABLE guard_rules ADD COLUMN last_error TEXT;
    ALTER TABLE journal ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;",
    // 7: stores that were lost (a file not a database, empty, or missing) and replaced by
    // this one: where the old file went, what was read from it, and whether the user has
    // acknowledged it (until then `guard list` exits 1).
    "CREATE TABLE store_losses (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        at              TEXT NOT NULL,
        path            TEXT NOT NULL,
        what            TEXT NOT NULL,
        moved_to        TEXT,
        rules           INTEGER NOT NULL,
        watches         INTEGER NOT NULL,
        journal         INTEGER NOT NULL,
        salvage_error   TEXT,
        acknowledged_at TEXT
    );",
    // 8: settings the dashboard keeps between runs, one row per key (the model plan).
    "CREATE TABLE settings (
        key           TEXT PRIMARY KEY NOT NULL,
        value         TEXT NOT NULL,
        updated_at    TEXT NOT NULL
    );",
    // 9: idle rules (a window in seconds and a GPU-use threshold); the kind's CHECK names
    // them, so the table is made again with its rows.
    "CREATE TABLE guard_rules_9 (
        deployment_id TEXT PRIMARY KEY NOT NULL,
        kind          TEXT NOT NULL CHECK (kind IN ('deadline', 'max_spend', 'idle')),
        deadline      TEXT,
        max_spend_usd REAL,
        spec          TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        failures      INTEGER NOT NULL DEFAULT 0,
        next_try      TEXT,
        last_error    TEXT,
        idle_secs     INTEGER,
        idle_below    REAL
    );
    INSERT INTO guard_rules_9 (deployment_id, kind, deadline, max_spend_usd, spec, created_at,
        failures, next_try, last_error)
      SELECT deployment_id, kind, deadline, max_spend_usd, spec, created_at, failures,
        next_try, last_error FROM guard_rules;
    DROP TABLE guard_rules;
    ALTER TABLE guard_rules_9 RENAME TO guard_rules;",
    // 10: an idle rule snoozed (its warning answered): not terminated before this time.
    "ALTER TABLE guard_rules ADD COLUMN snoozed_until TEXT;",
    // 11: the name of what a write was about, as it was called when the write was sent (a
    // deleted key or an ended deployment is named afterwards too).
    "ALTER TABLE journal ADD COLUMN target_name TEXT;",
];

/// The version this program writes.
pub const LATEST: u32 = MIGRATIONS.len() as u32;

pub fn version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.query_row("PRAGMA user_version", [], |r| r.get::<_, u32>(0))
}

/// Whether the file has no tables of ours (version 0), read under the write lock: a process
/// creating the store at this moment is waited for, so its new file is not taken for empty.
/// Nothing is written.
pub fn unmigrated(conn: &mut Connection) -> rusqlite::Result<bool> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let v = version(&tx)?;
    tx.rollback()?;
    Ok(v == 0)
}

/// Apply the migrations after `from`, each with its version bump in one transaction.
/// `BEGIN IMMEDIATE` takes the write lock first, so two processes starting at once cannot both
/// apply the same migration: the second sees the new version and skips it.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<u32> {
    loop {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let v = version(&tx)?;
        if v >= LATEST {
            tx.commit()?;
            return Ok(v);
        }
        tx.execute_batch(MIGRATIONS[v as usize])?;
        tx.pragma_update(None, "user_version", v + 1)?;
        tx.commit()?;
    }
}
