//! The packed form of rolled-up price points: one blob per offer per week, each point a fixed
//! 17 bytes (seconds into the week, price, lowest, highest, [`State`]), in time order.
//! A 30-day read of one GPU model then steps through a few rows per offer instead of one row
//! per point.

/// A week, in seconds: the span one blob covers.
pub const WEEK: i64 = 7 * 86_400;

/// Bytes one packed point takes.
pub const POINT_BYTES: usize = 17;

/// One rolled-up point as stored: time in seconds, prices in store units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packed {
    pub t: i64,
    pub price: i64,
    pub state: State,
    pub lo: i64,
    pub hi: i64,
}

/// An offer's state at a point, as the store's `avail` columns and the packed byte hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Unavailable = 0,
    Available = 1,
    /// Missing from a complete load.
    Gone = 2,
}

impl State {
    pub fn of(available: bool, listed: bool) -> State {
        match (listed, available) {
            (false, _) => State::Gone,
            (true, true) => State::Available,
            (true, false) => State::Unavailable,
        }
    }

    /// Any other code reads as unavailable: never as a price one could have had.
    pub fn from_code(code: i64) -> State {
        match code {
            1 => State::Available,
            2 => State::Gone,
            _ => State::Unavailable,
        }
    }

    pub fn code(self) -> i64 {
        self as i64
    }

    pub fn available(self) -> bool {
        self == State::Available
    }

    pub fn listed(self) -> bool {
        self != State::Gone
    }
}

/// The week a time falls in (weeks counted from the Unix epoch).
pub fn week_of(t: i64) -> i64 {
    t.div_euclid(WEEK)
}

/// Store units fit an `i32` up to $214,748/GPU·h; a larger price is stored as that.
fn unit(x: i64) -> [u8; 4] {
    (x.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32).to_le_bytes()
}

/// Pack points of one week (`points` in time order, each within `week`).
pub fn encode(week: i64, points: &[Packed]) -> Vec<u8> {
    let start = week * WEEK;
    let mut out = Vec::with_capacity(points.len() * POINT_BYTES);
    for p in points {
        let off = (p.t - start).clamp(0, WEEK - 1) as u32;
        out.extend_from_slice(&off.to_le_bytes());
        out.extend_from_slice(&unit(p.price));
        out.extend_from_slice(&unit(p.lo));
        out.extend_from_slice(&unit(p.hi));
        out.push(p.state as u8);
    }
    out
}

/// Unpack a week's blob, appending to `out`. A trailing partial point (a damaged blob) is
/// ignored rather than read past.
pub fn decode_into(week: i64, blob: &[u8], out: &mut Vec<Packed>) {
    let start = week * WEEK;
    let int = |b: &[u8]| i64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    out.extend(blob.chunks_exact(POINT_BYTES).map(|c| Packed {
        t: start + i64::from(u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
        price: int(&c[4..8]),
        lo: int(&c[8..12]),
        hi: int(&c[12..16]),
        state: State::from_code(i64::from(c[16])),
    }));
}

pub fn decode(week: i64, blob: &[u8]) -> Vec<Packed> {
    let mut out = Vec::with_capacity(blob.len() / POINT_BYTES);
    decode_into(week, blob, &mut out);
    out
}

/// Merge `new` points into `old` (both in time order): a point at a time both hold takes the
/// new price and availability and the wider of the two lowest/highest ranges.
pub fn merge(old: Vec<Packed>, new: &[Packed]) -> Vec<Packed> {
    let mut out = Vec::with_capacity(old.len() + new.len());
    let mut a = old.into_iter().peekable();
    let mut b = new.iter().copied().peekable();
    loop {
        match (a.peek().copied(), b.peek().copied()) {
            (Some(x), Some(y)) if x.t == y.t => {
                out.push(Packed {
                    lo: x.lo.min(y.lo),
                    hi: x.hi.max(y.hi),
                    ..y
                });
                a.next();
                b.next();
            }
            (Some(x), Some(y)) if x.t < y.t => {
                out.push(x);
                a.next();
            }
            (_, Some(y)) => {
                out.push(y);
                b.next();
            }
            (Some(x), None) => {
                out.push(x);
                a.next();
            }
            (None, None) => return out,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(t: i64, price: i64) -> Packed {
        Packed {
            t,
            price,
            state: [State::Unavailable, State::Available, State::Gone]
                [price.rem_euclid(3) as usize],
            lo: price - 1,
            hi: price + 1,
        }
    }

    #[test]
    fn a_week_round_trips_and_a_damaged_tail_is_ignored() {
        let w = week_of(1_790_000_000);
        let pts = [
            p(w * WEEK, 20_000),
            p(w * WEEK + 3600, 19_999),
            p(w * WEEK + WEEK - 1, 5),
        ];
        let mut blob = encode(w, &pts);
        assert_eq!(blob.len(), 3 * POINT_BYTES);
        assert_eq!(decode(w, &blob), pts);
        blob.pop();
        assert_eq!(decode(w, &blob), pts[..2]);
    }

    #[test]
    fn weeks_before_the_epoch_hold_their_own_times() {
        let w = week_of(-1);
        assert_eq!(w, -1);
        let pts = [p(-3600, 7)];
        assert_eq!(decode(w, &encode(w, &pts)), pts);
    }

    #[test]
    fn merging_keeps_time_order_and_widens_a_shared_hour() {
        let old = vec![p(0, 10), p(7200, 30)];
        let new = [p(3600, 20), p(7200, 40)];
        let m = merge(old, &new);
        let ts: Vec<i64> = m.iter().map(|x| x.t).collect();
        assert_eq!(ts, [0, 3600, 7200]);
        assert_eq!((m[2].price, m[2].lo, m[2].hi), (40, 29, 41));
    }

    proptest! {
        #[test]
        fn any_points_of_a_week_round_trip(
            week in -3_000i64..3_000,
            raw in proptest::collection::vec((0i64..WEEK, -2_000_000i64..2_000_000, 0i64..3), 0..50),
        ) {
            let mut pts: Vec<Packed> = raw
                .into_iter()
                .map(|(off, price, code)| Packed {
                    t: week * WEEK + off,
                    price,
                    state: State::from_code(code),
                    lo: price - 3,
                    hi: price + 3,
                })
                .collect();
            pts.sort_by_key(|x| x.t);
            prop_assert_eq!(decode(week, &encode(week, &pts)), pts);
        }
    }
}
