//! Spend-guard rules: when a deployment the user named should be terminated. A rule is a
//! deadline (after a duration, or at a time), a spend ceiling, or idleness (`super::idle`). Parsing and evaluation only; the
//! enforcement state machine is [`super::guard_engine`].

use std::fmt;

use chrono::{DateTime, Duration, FixedOffset, NaiveTime, TimeZone, Utc};

/// What ends a guarded deployment.
#[derive(Debug, Clone, PartialEq)]
pub enum GuardRule {
    /// Terminate at this instant (`--after D` is resolved to now + D when the rule is set).
    Deadline(DateTime<Utc>),
    /// Terminate when the deployment's spend reaches this many USD.
    MaxSpend(f64),
    /// Terminate once every GPU has stayed below `below_pct` % with no terminal session for
    /// the whole `window` (decided from GPU-use probes by the engine, never from missing data).
    Idle { window: Duration, below_pct: f64 },
}

impl GuardRule {
    /// `after 8h` style rule set at `now`.
    pub fn after(d: Duration, now: DateTime<Utc>) -> GuardRule {
        GuardRule::Deadline(now + d)
    }

    /// Seconds until the rule fires at `now`, if that can be told: the deadline, or the spend
    /// left divided by the hourly rate. Negative or zero once it is due.
    pub fn secs_left(
        &self,
        now: DateTime<Utc>,
        spent: Option<f64>,
        rate: Option<f64>,
    ) -> Option<i64> {
        match self {
            GuardRule::Deadline(at) => Some((*at - now).num_seconds()),
            GuardRule::MaxSpend(max) => {
                let spent = spent?;
                if spent >= *max {
                    return Some(0);
                }
                let rate = rate.filter(|r| *r > 0.0)?;
                Some(((max - spent) / rate * 3600.0).ceil() as i64)
            }
            // Only the probes can tell (the engine asks `super::idle`).
            GuardRule::Idle { .. } => None,
        }
    }

    /// Whether the rule is due at `now`. A spend rule whose spend is unknown is never due.
    pub fn is_due(&self, now: DateTime<Utc>, spent: Option<f64>) -> bool {
        match self {
            GuardRule::Deadline(at) => now >= *at,
            GuardRule::MaxSpend(max) => spent.is_some_and(|s| s >= *max),
            GuardRule::Idle { .. } => false,
        }
    }
}

/// A rule as the user set it: which deployment, what ends it, what the user typed.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRule {
    pub deployment_id: String,
    pub rule: GuardRule,
    /// What the user asked for, e.g. `--after 90m`, for lists and messages.
    pub spec: String,
    pub created_at: DateTime<Utc>,
}

/// Who holds the enforcer lock, as seen by one contender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockState {
    /// This contender holds it (taken or renewed now).
    Held,
    /// Another process holds it; `label` says who (e.g. `guard run, pid 4242`).
    Other {
        label: String,
        expires_at: DateTime<Utc>,
    },
}

impl fmt::Display for GuardRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GuardRule::Deadline(at) => write!(f, "at {}", at.format("%Y-%m-%dT%H:%M:%SZ")),
            GuardRule::MaxSpend(usd) => {
                write!(f, "when spend reaches {}", crate::domain::cost::usd(*usd))
            }
            GuardRule::Idle { window, below_pct } => write!(
                f,
                "after {} idle (GPUs below {below_pct:.0}%, no session)",
                format_countdown(window.num_seconds())
            ),
        }
    }
}

impl GuardRule {
    /// As the dashboard says it: a deadline as a local time with how far off it is
    /// (`at 19:17 local, in 2h00m`; the day too when it is not today), a ceiling as an amount.
    pub fn in_local(&self, now: DateTime<Utc>, offset: FixedOffset) -> String {
        match self {
            GuardRule::Deadline(at) => {
                let local = at.with_timezone(&offset);
                let when = if local.date_naive() == now.with_timezone(&offset).date_naive() {
                    local.format("%H:%M")
                } else {
                    local.format("%a %-d %b %H:%M")
                };
                let left = format_countdown((*at - now).num_seconds());
                format!("at {when} local, in {left}")
            }
            GuardRule::MaxSpend(_) | GuardRule::Idle { .. } => self.to_string(),
        }
    }
}

/// `90m`, `8h`, `1h30m`, `45s`, `2d`: one or more number+unit pairs, units `d`, `h`, `m`, `s`,
/// each at most once and in that order. At least one minute, at most 90 days.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let too_long = || format!("`{s}` is too long: a guard duration is 1m to 90d");
    let total = match span(s) {
        Ok(d) => d.num_seconds(),
        Err(Span::TooBig) => return Err(too_long()),
        Err(Span::Bad(e)) => return Err(e),
    };
    if total < 60 {
        return Err(format!("`{s}` is too short: a guard duration is 1m to 90d"));
    }
    if total > 90 * 86_400 {
        return Err(too_long());
    }
    Ok(Duration::seconds(total))
}

/// Why a duration was not read.
enum Span {
    Bad(String),
    /// A number of more than six digits.
    TooBig,
}

/// A duration as [`parse_duration`] reads it, without its bounds.
pub fn parse_span(s: &str) -> Result<Duration, String> {
    span(s).map_err(|e| match e {
        Span::Bad(e) => e,
        Span::TooBig => format!("`{s}` is out of range: at most six digits for each unit"),
    })
}

fn span(s: &str) -> Result<Duration, Span> {
    let t = s.trim().to_ascii_lowercase();
    let bad = || {
        Span::Bad(format!(
            "`{s}` is not a duration: use e.g. 90m, 8h or 1h30m"
        ))
    };
    if t.is_empty() {
        return Err(bad());
    }
    let units = ['d', 'h', 'm', 's'];
    let mut next_unit = 0;
    let mut total: i64 = 0;
    let mut digits = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let pos = units[next_unit..]
            .iter()
            .position(|u| *u == c)
            .ok_or_else(bad)?;
        if digits.is_empty() {
            return Err(bad());
        }
        if digits.len() > 6 {
            return Err(Span::TooBig);
        }
        let n: i64 = digits.parse().map_err(|_| bad())?;
        let unit = next_unit + pos;
        total += n * [86_400, 3_600, 60, 1][unit];
        next_unit = unit + 1;
        digits.clear();
    }
    if !digits.is_empty() {
        return Err(bad());
    }
    Ok(Duration::seconds(total))
}

/// An RFC 3339 instant (`2026-12-01T18:00:00Z`, `…+01:00`), or a local `HH:MM`: the next time
/// the local clock (`now`, with its offset) shows it — today, or tomorrow when it has passed.
/// A time that is not in the future is refused.
pub fn parse_at<Tz: TimeZone>(s: &str, now: DateTime<Tz>) -> Result<DateTime<Utc>, String> {
    let t = s.trim();
    let now_utc = now.to_utc();
    if let Ok(at) = DateTime::parse_from_rfc3339(t) {
        let at = at.to_utc();
        if at <= now_utc {
            return Err(format!("`{s}` is in the past"));
        }
        return Ok(at);
    }
    let hm = NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| {
        format!("`{s}` is not a time: use HH:MM (local) or RFC 3339, e.g. 2026-12-01T18:00:00Z")
    })?;
    // Each day in the zone's own offset that day, so a change of the clocks (daylight saving)
    // in between is counted: `09:00` after the change is 09:00 on the clock then.
    let tz = now.timezone();
    let today = now.date_naive();
    for day in [today, today + Duration::days(1)] {
        let at = match tz.from_local_datetime(&day.and_time(hm)) {
            chrono::LocalResult::Single(at) => at,
            // Shown twice when the clocks go back: the first.
            chrono::LocalResult::Ambiguous(first, _) => first,
            chrono::LocalResult::None => {
                return Err(format!(
                    "`{s}` does not exist on {day}: the clocks skip it (daylight saving); give another time"
                ));
            }
        };
        if at.to_utc() > now_utc {
            return Ok(at.to_utc());
        }
    }
    Err(format!("`{s}` is not a valid local time"))
}

/// A spend ceiling in USD: one cent to $1,000,000, a `$` allowed. Below a cent is refused
/// rather than rounded (it would show as `<$0.01` and fire at once).
pub fn parse_usd(s: &str) -> Result<f64, String> {
    let t = s.trim().trim_start_matches('$');
    let v: f64 = t
        .parse()
        .map_err(|_| format!("`{s}` is not an amount in USD, e.g. 50 or 12.50"))?;
    if !v.is_finite() || !(0.01..=1_000_000.0).contains(&v) {
        return Err(format!(
            "`{s}` is out of range: a spend ceiling is $0.01 to $1,000,000"
        ));
    }
    Ok(v)
}

/// A deadline further ahead than this is asked again (`--force`): most likely a typo.
pub const FAR_AHEAD: Duration = Duration::days(365);

/// `1h05m`, `12m`, `45s`, `overdue` for a countdown.
pub fn format_countdown(secs: i64) -> String {
    if secs <= 0 {
        return "due".to_string();
    }
    let (d, h, m) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    if d > 0 {
        format!("{d}d{h:02}h")
    } else if h > 0 {
        format!("{h}h{m:02}m")
    } else if m > 0 {
        format!("{m}m")
    } else {
        format!("{secs}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90m"), Ok(Duration::minutes(90)));
        assert_eq!(parse_duration("8h"), Ok(Duration::hours(8)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::minutes(90)));
        assert_eq!(parse_duration(" 2D "), Ok(Duration::days(2)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::seconds(90)));
        for bad in [
            "", "90", "m", "30m1h", "1h1h", "1.5h", "-5m", "5 m", "10s", "91d", "1x",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?} accepted");
        }
        for far in ["91d", "99999999h"] {
            let e = parse_duration(far).unwrap_err();
            assert!(e.contains("1m to 90d"), "{far}: {e}");
        }
    }

    #[test]
    fn times() {
        let now = at("2026-12-01T14:00:00+01:00");
        assert_eq!(
            parse_at("18:00", now).unwrap(),
            at("2026-12-01T17:00:00Z").to_utc()
        );
        // Passed today: tomorrow.
        assert_eq!(
            parse_at("09:30", now).unwrap(),
            at("2026-12-02T08:30:00Z").to_utc()
        );
        assert_eq!(
            parse_at("2026-12-01T18:00:00Z", now).unwrap(),
            at("2026-12-01T18:00:00Z").to_utc()
        );
        assert!(parse_at("2026-11-30T18:00:00Z", now).is_err());
        for bad in ["25:00", "18", "tomorrow", "18:00:00:00", ""] {
            assert!(parse_at(bad, now).is_err(), "{bad:?} accepted");
        }
    }

    /// Central Europe around its spring change: +01:00 until 2027-03-28T01:00Z, then +02:00
    /// (local 02:00 jumps to 03:00).
    #[derive(Debug, Clone, Copy)]
    struct SpringForward;

    impl SpringForward {
        fn change() -> chrono::NaiveDateTime {
            at("2027-03-28T01:00:00Z").naive_utc()
        }
        fn plus(h: i32) -> FixedOffset {
            FixedOffset::east_opt(h * 3600).unwrap()
        }
    }

    impl TimeZone for SpringForward {
        type Offset = FixedOffset;
        fn from_offset(_: &FixedOffset) -> Self {
            SpringForward
        }
        fn offset_from_local_date(
            &self,
            local: &chrono::NaiveDate,
        ) -> chrono::LocalResult<FixedOffset> {
            self.offset_from_local_datetime(&local.and_hms_opt(0, 0, 0).unwrap())
        }
        fn offset_from_local_datetime(
            &self,
            local: &chrono::NaiveDateTime,
        ) -> chrono::LocalResult<FixedOffset> {
            let before = *local - Duration::hours(1); // as UTC, read at +01:00
            let after = *local - Duration::hours(2); // as UTC, read at +02:00
            match (before < Self::change(), after >= Self::change()) {
                (true, false) => chrono::LocalResult::Single(Self::plus(1)),
                (false, true) => chrono::LocalResult::Single(Self::plus(2)),
                (true, true) => chrono::LocalResult::Ambiguous(Self::plus(1), Self::plus(2)),
                (false, false) => chrono::LocalResult::None,
            }
        }
        fn offset_from_utc_date(&self, utc: &chrono::NaiveDate) -> FixedOffset {
            self.offset_from_utc_datetime(&utc.and_hms_opt(0, 0, 0).unwrap())
        }
        fn offset_from_utc_datetime(&self, utc: &chrono::NaiveDateTime) -> FixedOffset {
            if *utc < Self::change() {
                Self::plus(1)
            } else {
                Self::plus(2)
            }
        }
    }

    #[test]
    fn a_local_time_across_the_spring_change_lands_on_the_clock_of_that_day() {
        // Saturday 23:30 at +01:00; 09:00 on Sunday is at +02:00, i.e. 07:00Z (not 08:00Z).
        let now = SpringForward.from_utc_datetime(&at("2027-03-27T22:30:00Z").naive_utc());
        assert_eq!(
            parse_at("09:00", now).unwrap(),
            at("2027-03-28T07:00:00Z").to_utc()
        );
        // Before the change on the same night: still +01:00.
        assert_eq!(
            parse_at("23:45", now).unwrap(),
            at("2027-03-27T22:45:00Z").to_utc()
        );
        // 02:30 does not exist that night: refused, not moved by an hour.
        let e = parse_at("02:30", now).unwrap_err();
        assert!(e.contains("does not exist on 2027-03-28"), "{e}");
    }

    #[test]
    fn amounts() {
        assert_eq!(parse_usd("50"), Ok(50.0));
        assert_eq!(parse_usd("$12.5"), Ok(12.5));
        assert_eq!(parse_usd("0.01"), Ok(0.01));
        for bad in ["0", "-1", "abc", "NaN", "inf", "2000000", "0.001", "0.0099"] {
            assert!(parse_usd(bad).is_err(), "{bad:?} accepted");
        }
        assert!(
            parse_usd("0.001")
                .unwrap_err()
                .contains("$0.01 to $1,000,000")
        );
    }

    #[test]
    fn due_and_left() {
        let now = at("2026-12-01T12:00:00Z").to_utc();
        let r = GuardRule::after(Duration::minutes(90), now);
        assert_eq!(r.secs_left(now, None, None), Some(5400));
        assert!(!r.is_due(now, None));
        assert!(r.is_due(now + Duration::minutes(90), None));
        let s = GuardRule::MaxSpend(10.0);
        assert_eq!(s.secs_left(now, Some(8.0), Some(4.0)), Some(1800));
        assert_eq!(s.secs_left(now, None, Some(4.0)), None);
        assert!(!s.is_due(now, None), "unknown spend is never due");
        assert!(!s.is_due(now, Some(9.99)));
        assert!(s.is_due(now, Some(10.0)));
        assert_eq!(format_countdown(3900), "1h05m");
        assert_eq!(format_countdown(0), "due");
    }

    #[test]
    fn a_deadline_reads_in_local_time_with_the_time_left() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 17, 18, 0).unwrap();
        let plus2 = FixedOffset::east_opt(2 * 3600).unwrap();
        let r = GuardRule::Deadline(now + Duration::hours(2));
        assert_eq!(r.in_local(now, plus2), "at 21:18 local, in 2h00m");
        // Past local midnight: the day is named.
        let r = GuardRule::Deadline(now + Duration::hours(5));
        assert_eq!(r.in_local(now, plus2), "at Wed 2 Dec 00:18 local, in 5h00m");
        assert_eq!(
            GuardRule::MaxSpend(50.0).in_local(now, plus2),
            "when spend reaches $50.00"
        );
    }
}
