//! How a failed DELETE is tried again: the wait before each try and what the user is told.

use chrono::{DateTime, Duration, FixedOffset, Utc};

/// The first wait after a failed DELETE; each failure doubles it, up to [`RETRY_MAX`].
pub const RETRY_FIRST: Duration = Duration::seconds(30);
pub const RETRY_MAX: Duration = Duration::minutes(5);
/// The failure from which each failed DELETE alerts (bell and desktop notification).
pub const ALERT_FROM_FAILURE: u32 = 3;

/// The wait before the next try after `failures` failed DELETEs: 30 s, doubling, at most 5 min.
pub fn backoff(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(10);
    (RETRY_FIRST * 2i32.pow(doublings)).min(RETRY_MAX)
}

/// "terminate failed 3 times, trying again at 14:05".
pub fn failing_text(failures: u32, next_try: DateTime<Utc>, offset: FixedOffset) -> String {
    let times = if failures == 1 { "once" } else { "times" };
    let n = if failures == 1 {
        String::new()
    } else {
        format!("{failures} ")
    };
    format!(
        "terminate failed {n}{times}, trying again at {}",
        crate::domain::clock::clock(next_try, offset, next_try)
    )
}
