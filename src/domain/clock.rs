//! Times as a person reads them, in one place: the local time with its zone said
//! (`14:05 UTC+1`), the day too when it is not today. Every screen, message and table uses
//! these; JSON output keeps UTC RFC 3339.

use chrono::{DateTime, FixedOffset, Utc};

/// The zone of `offset` as it is said after a time: `UTC`, `UTC+1`, `UTC-5`, `UTC+5:30`.
pub fn zone(offset: FixedOffset) -> String {
    let secs = offset.local_minus_utc();
    if secs == 0 {
        return "UTC".into();
    }
    let sign = if secs < 0 { '-' } else { '+' };
    let (h, m) = (secs.abs() / 3600, secs.abs() % 3600 / 60);
    if m == 0 {
        format!("UTC{sign}{h}")
    } else {
        format!("UTC{sign}{h}:{m:02}")
    }
}

/// `14:05 UTC+1`; `Wed 2 Dec 14:05 UTC+1` when `t` is not on today's local date.
pub fn clock(t: DateTime<Utc>, offset: FixedOffset, now: DateTime<Utc>) -> String {
    let local = t.with_timezone(&offset);
    let same_day = local.date_naive() == now.with_timezone(&offset).date_naive();
    let when = if same_day {
        local.format("%H:%M")
    } else {
        local.format("%a %-d %b %H:%M")
    };
    format!("{when} {}", zone(offset))
}

/// `14:05:09 UTC+1`: a message log's time.
pub fn clock_seconds(t: DateTime<Utc>, offset: FixedOffset) -> String {
    format!(
        "{} {}",
        t.with_timezone(&offset).format("%H:%M:%S"),
        zone(offset)
    )
}

/// `2026-12-06 14:05 UTC+1`: a date and time in a table or a details view.
pub fn date_time(t: DateTime<Utc>, offset: FixedOffset) -> String {
    format!(
        "{} {}",
        t.with_timezone(&offset).format("%Y-%m-%d %H:%M"),
        zone(offset)
    )
}

/// The offset the machine's clock is at now (for the command line; the dashboard takes it once
/// at start, in its state).
pub fn here() -> FixedOffset {
    *chrono::Local::now().offset()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_are_local_with_the_zone_said() {
        let t = Utc.with_ymd_and_hms(2026, 12, 1, 19, 18, 5).unwrap();
        let utc = FixedOffset::east_opt(0).unwrap();
        let plus1 = FixedOffset::east_opt(3600).unwrap();
        let india = FixedOffset::east_opt(19800).unwrap();
        let ny = FixedOffset::west_opt(5 * 3600).unwrap();
        assert_eq!(clock(t, utc, t), "19:18 UTC");
        assert_eq!(clock(t, plus1, t), "20:18 UTC+1");
        assert_eq!(clock(t, india, t), "00:48 UTC+5:30");
        let earlier = t - chrono::Duration::hours(6);
        assert_eq!(clock(t, india, earlier), "Wed 2 Dec 00:48 UTC+5:30");
        assert_eq!(clock(t, ny, t), "14:18 UTC-5");
        assert_eq!(clock_seconds(t, plus1), "20:18:05 UTC+1");
        assert_eq!(date_time(t, india), "2026-12-02 00:48 UTC+5:30");
    }
}
