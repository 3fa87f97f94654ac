//! The hourly compaction of the price history: recent points move to the raw tier, raw points
//! older than [`RAW_KEEP`] are rolled up into packed hours, points older than [`KEEP`] go
//! (each offer's last point stays: it is its state), and past the cap the oldest days go.

use chrono::{DateTime, Utc};
use rusqlite::{Transaction, params};

use super::pack::{self, Packed, week_of};
use super::rows::{each_week, raw_point};
use super::{KEEP, RAW_KEEP};
use crate::store::{Store, StoreError};

/// What one compaction did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Compaction {
    pub rolled_up: usize,
    pub expired: usize,
    pub capped: usize,
}

impl Store {
    /// Move recent points to the raw tier, roll raw points older than [`RAW_KEEP`] into
    /// hourly points, delete points older than [`KEEP`] (but each offer's last), and keep the
    /// history under `cap` bytes. One transaction.
    pub fn compact_history(
        &mut self,
        now: DateTime<Utc>,
        cap: u64,
    ) -> Result<Compaction, StoreError> {
        let cutoff = (now - RAW_KEEP).timestamp().div_euclid(3600) * 3600;
        let path = self.path.clone();
        let e = |e| crate::store::sqlite_err(&path, e);
        let tx = self.conn.transaction().map_err(e)?;
        fold(&tx).map_err(e)?;
        let mut report = Compaction {
            rolled_up: roll_up(&tx, cutoff).map_err(e)?,
            expired: expire_before(&tx, (now - KEEP).timestamp()).map_err(e)?,
            capped: 0,
        };
        // Past the cap, whole oldest days go (each offer keeps its last point).
        if let Some(oldest) = oldest(&tx).map_err(e)? {
            let mut until = oldest + 86_400;
            while used_bytes(&tx).map_err(e)? > cap && until <= now.timestamp() + 86_400 {
                report.capped += expire_before(&tx, until).map_err(e)?;
                until += 86_400;
            }
        }
        tx.commit().map_err(e)?;
        Ok(report)
    }
}

/// The bytes the file's pages take (what the cap is measured on).
pub(super) fn used_bytes(conn: &rusqlite::Connection) -> rusqlite::Result<u64> {
    conn.query_row(
        "SELECT (page_count - freelist_count) * page_size
         FROM pragma_page_count, pragma_freelist_count, pragma_page_size",
        [],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n.max(0) as u64)
}

/// Recent points into the raw tier.
fn fold(tx: &Transaction) -> rusqlite::Result<usize> {
    let n = tx.execute(
        "INSERT INTO price_points (offer, t, price, avail)
         SELECT offer, t, price, avail FROM price_recent WHERE true
         ON CONFLICT (offer, t) DO UPDATE SET price = excluded.price, avail = excluded.avail,
           lo = NULL, hi = NULL",
        [],
    )?;
    tx.execute("DELETE FROM price_recent", [])?;
    Ok(n)
}

/// Raw points of whole hours before `cutoff` (and any row a version-3 file rolled up in
/// place) become one packed point per offer per hour: the hour's last price and availability,
/// its lowest and highest price. Returns how many rows were rolled up.
fn roll_up(tx: &Transaction, cutoff: i64) -> rusqlite::Result<usize> {
    let mut stmt = tx.prepare(
        "SELECT offer, t, price, avail, lo, hi FROM price_points
         WHERE t < ?1 OR lo IS NOT NULL ORDER BY offer, t",
    )?;
    let rows: Vec<(i64, Packed)> = stmt
        .query_map([cutoff], |r| Ok((r.get(0)?, raw_point(r, 1)?)))?
        .collect::<Result<_, _>>()?;
    let rolled = rows.len();
    // Per (offer, week), the hours in order.
    let mut weeks: Vec<((i64, i64), Vec<Packed>)> = Vec::new();
    for (offer, p) in rows {
        let hour = p.t.div_euclid(3600) * 3600;
        let key = (offer, week_of(hour));
        if weeks.last().is_none_or(|(k, _)| *k != key) {
            weeks.push((key, Vec::new()));
        }
        let hours = &mut weeks.last_mut().expect("pushed above").1;
        match hours.last_mut() {
            Some(h) if h.t == hour => {
                *h = Packed {
                    lo: h.lo.min(p.lo),
                    hi: h.hi.max(p.hi),
                    ..Packed { t: hour, ..p }
                };
            }
            _ => hours.push(Packed { t: hour, ..p }),
        }
    }
    tx.execute(
        "DELETE FROM price_points WHERE t < ?1 OR lo IS NOT NULL",
        [cutoff],
    )?;
    let mut get = tx.prepare("SELECT points FROM price_hours WHERE offer = ?1 AND week = ?2")?;
    let mut put = tx.prepare(
        "INSERT INTO price_hours (offer, week, points) VALUES (?1, ?2, ?3)
         ON CONFLICT (offer, week) DO UPDATE SET points = ?3",
    )?;
    for ((offer, week), hours) in weeks {
        let old: Vec<Packed> = get
            .query([offer, week])?
            .next()?
            .map(|r| {
                let blob = r.get_ref(0)?.as_blob().unwrap_or_default();
                Ok::<_, rusqlite::Error>(pack::decode(week, blob))
            })
            .transpose()?
            .unwrap_or_default();
        let merged = pack::merge(old, &hours);
        put.execute(params![offer, week, pack::encode(week, &merged)])?;
    }
    Ok(rolled)
}

/// Delete every point older than `until`, except each offer's last point. Returns how many
/// points went.
fn expire_before(tx: &Transaction, until: i64) -> rusqlite::Result<usize> {
    // The raw tier is newer than every packed week: an offer with a raw point keeps its last
    // there, and all of its packed points may go.
    let mut gone = tx.execute(
        "DELETE FROM price_points WHERE t < ?1
         AND t < (SELECT max(t) FROM price_points q WHERE q.offer = price_points.offer)",
        [until],
    )?;
    let mut changed: Vec<(i64, i64, Vec<Packed>)> = Vec::new();
    each_week(
        tx,
        "SELECT week, points, offer,
           NOT EXISTS (SELECT 1 FROM price_points p WHERE p.offer = h.offer)
           AND week = (SELECT max(week) FROM price_hours q WHERE q.offer = h.offer)
         FROM price_hours h WHERE week <= ?1",
        [week_of(until)],
        |r, points| {
            let (week, offer, holds_last): (i64, i64, bool) = (r.get(0)?, r.get(2)?, r.get(3)?);
            let mut keep: Vec<Packed> = points.iter().copied().filter(|p| p.t >= until).collect();
            if keep.is_empty() && holds_last {
                keep.extend(points.last().copied());
            }
            if keep.len() < points.len() {
                gone += points.len() - keep.len();
                changed.push((offer, week, keep));
            }
            Ok(())
        },
    )?;
    let mut put =
        tx.prepare("UPDATE price_hours SET points = ?3 WHERE offer = ?1 AND week = ?2")?;
    let mut del = tx.prepare("DELETE FROM price_hours WHERE offer = ?1 AND week = ?2")?;
    for (offer, week, keep) in changed {
        if keep.is_empty() {
            del.execute([offer, week])?;
        } else {
            put.execute(params![offer, week, pack::encode(week, &keep)])?;
        }
    }
    Ok(gone)
}

/// The time of the oldest point in the raw and packed tiers.
fn oldest(tx: &Transaction) -> rusqlite::Result<Option<i64>> {
    let mut out: Option<i64> = tx.query_row("SELECT min(t) FROM price_points", [], |r| r.get(0))?;
    each_week(
        tx,
        "SELECT week, points FROM price_hours WHERE week = (SELECT min(week) FROM price_hours)",
        [],
        |_, points| {
            if let Some(p) = points.first() {
                out = Some(out.map_or(p.t, |o| o.min(p.t)));
            }
            Ok(())
        },
    )?;
    Ok(out)
}
