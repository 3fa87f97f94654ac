//! The idle rule's decision: terminate once every GPU has stayed below a threshold, with no
//! terminal session open, for a whole window. Fail closed: a failed probe, a missing reading or
//! too few readings never make an instance idle. Pure; the samples come from the probes.

use chrono::{DateTime, Duration, Utc};

use super::usage::{History, PROBE_EVERY, Sample};

/// The share of the window's expected readings (one a probe interval) that must be there.
pub const COVERAGE: f64 = 0.8;
/// The newest reading may be at most this old (a probe a minute, and a late answer).
pub const FRESH: Duration = Duration::seconds(150);
/// The shortest and longest idle windows.
pub const SHORTEST: Duration = Duration::minutes(5);
pub const LONGEST: Duration = Duration::hours(24);
/// GPU use in percent below which a GPU counts as idle, unless the user says otherwise.
pub const DEFAULT_BELOW: f64 = 5.0;

/// What the samples say at one instant.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Idle for the whole window: the rule is due. `evidence` goes into the journal.
    Due { evidence: String },
    /// Idle so far, the window not yet covered: due in about this many seconds.
    Idle { secs_left: i64 },
    /// Not idle: busy, a session open, a failed or missing probe, too few readings.
    NotIdle { why: String },
}

/// A window the rule accepts: 5 minutes to 24 hours.
pub fn check_window(window: Duration) -> Result<Duration, String> {
    if window < SHORTEST || window > LONGEST {
        return Err(format!(
            "an idle window is at least {} and at most {}",
            super::guard::format_countdown(SHORTEST.num_seconds()),
            super::guard::format_countdown(LONGEST.num_seconds())
        ));
    }
    Ok(window)
}

/// A threshold the rule accepts: more than 0 and at most 100 (percent).
pub fn parse_below(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("`{s}` is not a GPU use in percent, e.g. 5"))?;
    if !v.is_finite() || v <= 0.0 || v > 100.0 {
        return Err(format!("`{s}` is out of range: more than 0, at most 100"));
    }
    Ok(v)
}

/// One sample is idle: read, every GPU below `below` %, no terminal session.
pub fn is_idle(s: &Sample, below: f64) -> bool {
    matches!(&s.result, Ok(r) if r.max_util() < below && r.sessions == 0)
}

/// Why a sample is not idle.
fn why_busy(s: &Sample, below: f64) -> String {
    match &s.result {
        Err(e) => format!("the last probe failed ({e}), which counts as busy"),
        Ok(r) if r.sessions > 0 => format!("{} terminal session(s) open", r.sessions),
        Ok(r) => format!("a GPU at {:.0}% (idle is below {below:.0}%)", r.max_util()),
    }
}

/// How many readings a window needs: [`COVERAGE`] of one per [`PROBE_EVERY`].
pub fn readings_needed(window: Duration) -> usize {
    let expected = window.num_seconds() as f64 / PROBE_EVERY.num_seconds() as f64;
    (expected * COVERAGE).ceil() as usize
}

/// The verdict at `now` for a rule of `window` below `below` %, from the instance's samples.
pub fn evaluate(h: Option<&History>, now: DateTime<Utc>, window: Duration, below: f64) -> Verdict {
    let not = |why: String| Verdict::NotIdle { why };
    let samples: Vec<&Sample> = h
        .map(|h| h.samples.iter().filter(|s| s.at <= now).collect())
        .unwrap_or_default();
    let Some(last) = samples.last() else {
        return not("no GPU reading yet".into());
    };
    let age = now - last.at;
    if age > FRESH {
        return not(format!(
            "no GPU reading for {}, which counts as busy",
            super::guard::format_countdown(age.num_seconds())
        ));
    }
    // The current idle streak: the newest samples that are all idle, back to the first that
    // is not (a busy reading, a session, a failed probe).
    let streak: Vec<&Sample> = samples
        .iter()
        .rev()
        .take_while(|s| is_idle(s, below))
        .copied()
        .collect();
    let Some(start) = streak.last().map(|s| s.at) else {
        return not(why_busy(last, below));
    };
    let covered = now - start;
    if covered < window {
        return Verdict::Idle {
            secs_left: (window - covered).num_seconds(),
        };
    }
    let from = now - window;
    let in_window: Vec<&Sample> = streak.into_iter().filter(|s| s.at >= from).collect();
    let needed = readings_needed(window);
    if in_window.len() < needed {
        return not(format!(
            "{} readings in the last {}, {needed} needed: too few to call it idle",
            in_window.len(),
            super::guard::format_countdown(window.num_seconds())
        ));
    }
    Verdict::Due {
        evidence: evidence(&in_window, window, below),
    }
}

/// The journal's evidence: the window, how many readings, the highest use seen, the last ones.
fn evidence(in_window: &[&Sample], window: Duration, below: f64) -> String {
    let readings: Vec<&super::usage::Reading> = in_window
        .iter()
        .filter_map(|s| s.result.as_ref().ok())
        .collect();
    let max = readings.iter().map(|r| r.max_util()).fold(0.0, f64::max);
    let (first, last) = (in_window[in_window.len() - 1].at, in_window[0].at);
    let recent: Vec<String> = in_window
        .iter()
        .take(3)
        .filter_map(|s| {
            let r = s.result.as_ref().ok()?;
            Some(format!("{} {}", s.at.format("%H:%M:%SZ"), r.short()))
        })
        .collect();
    format!(
        "idle {}: {} readings from {} to {}, every GPU below {below:.0}% (at most {max:.0}%), no terminal session; last: {}",
        super::guard::format_countdown(window.num_seconds()),
        in_window.len(),
        first.format("%H:%M:%SZ"),
        last.format("%H:%M:%SZ"),
        recent.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::usage::{Gpu, Reading};

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .to_utc()
    }

    fn reading(util: f64, sessions: u32) -> Result<Reading, String> {
        Ok(Reading {
            gpus: vec![Gpu {
                util_pct: util,
                mem_used_mib: 1000.0,
                mem_total_mib: 81920.0,
            }],
            sessions,
        })
    }

    /// A sample a minute for `minutes` minutes from t0, each from `f(minute)`.
    fn history(minutes: i64, f: impl Fn(i64) -> Result<Reading, String>) -> History {
        let mut h = History::default();
        for m in 0..minutes {
            h.push(Sample {
                at: t0() + Duration::minutes(m),
                result: f(m),
            });
        }
        h
    }

    const W: Duration = Duration::minutes(30);

    #[test]
    fn idle_for_the_whole_window_is_due_with_its_evidence() {
        let h = history(32, |_| reading(2.0, 0));
        let now = t0() + Duration::minutes(31);
        match evaluate(Some(&h), now, W, 5.0) {
            Verdict::Due { evidence } => {
                assert!(evidence.starts_with("idle 30m: 31 readings"), "{evidence}");
                assert!(evidence.contains("at most 2%"), "{evidence}");
            }
            v => panic!("{v:?}"),
        }
        // Ten minutes in: idle, twenty minutes left.
        let now = t0() + Duration::minutes(10);
        assert_eq!(
            evaluate(Some(&h), now, W, 5.0),
            Verdict::Idle { secs_left: 1200 }
        );
    }

    #[test]
    fn a_busy_reading_a_session_or_a_failed_probe_starts_the_window_again() {
        let now = t0() + Duration::minutes(31);
        let busy = history(32, |m| reading(if m == 20 { 50.0 } else { 1.0 }, 0));
        assert_eq!(
            evaluate(Some(&busy), now, W, 5.0),
            Verdict::Idle { secs_left: 1200 }
        );
        let session = history(32, |m| reading(1.0, u32::from(m == 20)));
        assert_eq!(
            evaluate(Some(&session), now, W, 5.0),
            Verdict::Idle { secs_left: 1200 }
        );
        let failed = history(32, |m| {
            if m % 7 == 6 {
                Err("ssh: connect timed out".into())
            } else {
                reading(0.0, 0)
            }
        });
        assert!(matches!(
            evaluate(Some(&failed), now, W, 5.0),
            Verdict::Idle { .. }
        ));
        // Every probe failing: never idle, whatever the time.
        let down = history(120, |_| Err("ssh: connect timed out".into()));
        let v = evaluate(Some(&down), t0() + Duration::minutes(119), W, 5.0);
        assert!(
            matches!(&v, Verdict::NotIdle { why } if why.contains("counts as busy")),
            "{v:?}"
        );
    }

    #[test]
    fn too_few_or_stale_readings_are_not_idle() {
        // A reading every other minute: 16 of the 30 expected, 24 needed.
        let mut h = History::default();
        for m in (0..32).step_by(2) {
            h.push(Sample {
                at: t0() + Duration::minutes(m),
                result: reading(0.0, 0),
            });
        }
        let v = evaluate(Some(&h), t0() + Duration::minutes(31), W, 5.0);
        assert!(
            matches!(&v, Verdict::NotIdle { why } if why.contains("24 needed")),
            "{v:?}"
        );
        // The probes stopped five minutes ago.
        let h = history(32, |_| reading(0.0, 0));
        let v = evaluate(Some(&h), t0() + Duration::minutes(36), W, 5.0);
        assert!(matches!(&v, Verdict::NotIdle { why } if why.contains("no GPU reading for")));
        assert!(matches!(
            evaluate(None, t0(), W, 5.0),
            Verdict::NotIdle { .. }
        ));
    }

    #[test]
    fn windows_and_thresholds_are_checked() {
        assert!(check_window(Duration::minutes(4)).is_err());
        assert!(check_window(Duration::minutes(30)).is_ok());
        assert!(check_window(Duration::hours(25)).is_err());
        assert_eq!(parse_below("5"), Ok(5.0));
        assert_eq!(parse_below("7.5%"), Ok(7.5));
        assert!(parse_below("0").is_err());
        assert!(parse_below("101").is_err());
        assert!(parse_below("x").is_err());
        assert_eq!(readings_needed(W), 24);
    }
}
