//! Reading the tiers' rows: a raw point's columns, and the packed weeks a statement answers.

use super::pack::{self, Packed, State};

/// A raw point's row: `t, price, avail, lo, hi` from column `at` on (`lo`/`hi` are set only
/// on rows a version-3 file rolled up in place).
pub(super) fn raw_point(r: &rusqlite::Row, at: usize) -> rusqlite::Result<Packed> {
    let price: i64 = r.get(at + 1)?;
    let lo: Option<i64> = r.get(at + 3)?;
    let hi: Option<i64> = r.get(at + 4)?;
    Ok(Packed {
        t: r.get(at)?,
        price,
        state: State::from_code(r.get(at + 2)?),
        lo: lo.unwrap_or(price),
        hi: hi.unwrap_or(price),
    })
}

/// Every packed week `sql` answers, unpacked: the week and its blob in the first two columns,
/// anything else `each` reads after them.
pub(super) fn each_week<P: rusqlite::Params>(
    conn: &rusqlite::Connection,
    sql: &str,
    params: P,
    mut each: impl FnMut(&rusqlite::Row, Vec<Packed>) -> rusqlite::Result<()>,
) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query(params)?;
    while let Some(r) = rows.next()? {
        let week = r.get(0)?;
        each(
            r,
            pack::decode(week, r.get_ref(1)?.as_blob().unwrap_or_default()),
        )?;
    }
    Ok(())
}
