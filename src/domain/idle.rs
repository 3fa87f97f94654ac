//! The idle rule's decision: terminate once every GPU has stayed below a threshold, with no
//! terminal session open, for a whole window. Fail closed: a failed probe, a missing reading or
//! too few readings never make an instance idle. Pure; the samples come from the probes.
//!
//! What counts: only readings taken since the rule was set (a rule set or changed starts its
//! window then, so its warnings come before it can be due), all idle, never more than
//! [`MAX_GAP`] apart (a longer gap is time nobody looked: the stretch starts again after it).
//! The window is covered when that stretch began at least a window ago, the readings from the
//! last one at or before the window's start to the newest span at least the window less one
//! probe interval, and they number at least [`COVERAGE`] of one a probe interval.

use chrono::{DateTime, Duration, Utc};

use super::usage::{History, PROBE_EVERY, Sample};

/// The share of the window's expected readings (one a probe interval) that must be there.
pub const COVERAGE: f64 = 0.8;
/// The newest reading may be at most this old (a probe a minute, and a late answer).
pub const FRESH: Duration = Duration::seconds(150);
/// Two readings of an idle stretch are at most this far apart (one probe missed or late).
pub const MAX_GAP: Duration = Duration::seconds(150);
/// The shortest and longest idle windows.
pub const SHORTEST: Duration = Duration::minutes(5);
pub const LONGEST: Duration = Duration::hours(24);
/// GPU use in percent below which a GPU counts as idle, unless the user says otherwise.
pub const DEFAULT_BELOW: f64 = 5.0;
/// What setting an idle rule says of when it can act.
pub const COUNTED_FROM_NOW: &str = "its window counts from now (earlier readings do not count), and a warning comes at least 5 minutes before it terminates";

/// What the samples say at one instant. `since` is when the idle stretch began (its first
/// reading): the stretch a warning was given for.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Idle for the whole window: the rule is due. `evidence` goes into the journal.
    Due {
        evidence: String,
        since: DateTime<Utc>,
    },
    /// Idle so far, the window not yet covered: due in about this many seconds.
    Idle {
        secs_left: i64,
        since: DateTime<Utc>,
    },
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

/// The verdict at `now` for a rule of `window` below `below` %, set at `set_at`, from the
/// instance's samples (those before `set_at` do not count).
pub fn evaluate(
    h: Option<&History>,
    now: DateTime<Utc>,
    window: Duration,
    below: f64,
    set_at: DateTime<Utc>,
) -> Verdict {
    let not = |why: String| Verdict::NotIdle { why };
    let samples: Vec<&Sample> = h
        .map(|h| {
            h.samples
                .iter()
                .filter(|s| s.at <= now && s.at >= set_at)
                .collect()
        })
        .unwrap_or_default();
    let Some(last) = samples.last() else {
        return not("no GPU reading since the rule was set".into());
    };
    let age = now - last.at;
    if age > FRESH {
        return not(format!(
            "no GPU reading for {}, which counts as busy",
            super::guard::format_countdown(age.num_seconds())
        ));
    }
    // The idle stretch, newest first: back from the newest reading while each is idle and
    // none is more than MAX_GAP older than the one after it.
    let mut stretch: Vec<&Sample> = Vec::new();
    for s in samples.iter().rev() {
        let gap = stretch
            .last()
            .is_some_and(|newer| newer.at - s.at > MAX_GAP);
        if gap || !is_idle(s, below) {
            break;
        }
        stretch.push(s);
    }
    let Some(since) = stretch.last().map(|s| s.at) else {
        return not(why_busy(last, below));
    };
    let covered = now - since;
    if covered < window {
        return Verdict::Idle {
            secs_left: (window - covered).num_seconds(),
            since,
        };
    }
    // The evidence: the last reading at or before the window's start, and all after it.
    let from = now - window;
    let opening = stretch.iter().position(|s| s.at <= from).unwrap_or(0);
    let readings = &stretch[..=opening];
    let needed = readings_needed(window);
    if readings.len() < needed {
        return not(format!(
            "{} readings in the last {}, {needed} needed: too few to call it idle",
            readings.len(),
            super::guard::format_countdown(window.num_seconds())
        ));
    }
    if readings[0].at - readings[opening].at < window - PROBE_EVERY {
        // The newest reading is late: wait for the next.
        return Verdict::Idle {
            secs_left: (PROBE_EVERY - age).num_seconds().max(1),
            since,
        };
    }
    Verdict::Due {
        evidence: evidence(readings, window, below),
        since,
    }
}

/// Whether verdict `v`'s idle stretch is the one seen through `through` at the last tick (it
/// began no later; a stretch longer than the readings kept begins at the oldest one kept).
pub fn same_stretch(v: &Verdict, through: Option<DateTime<Utc>>) -> bool {
    match v {
        Verdict::Due { since, .. } | Verdict::Idle { since, .. } => {
            through.is_some_and(|t| *since <= t)
        }
        Verdict::NotIdle { .. } => false,
    }
}

/// What the guard acts on: `v` held back while the rule is snoozed (until `snoozed`), and
/// never due before a warning given for this idle stretch (at `warned_at`) has been out for
/// `lead`, however the window came to be covered. Not yet warned, it is due in `lead`: the
/// warning goes out, and the DELETE comes `lead` after it.
pub fn hold(
    v: Verdict,
    now: DateTime<Utc>,
    snoozed: Option<DateTime<Utc>>,
    warned_at: Option<DateTime<Utc>>,
    lead: Duration,
) -> Verdict {
    let snooze = snoozed.map(|u| (u - now).num_seconds()).filter(|s| *s > 0);
    match (snooze, v) {
        (Some(s), Verdict::Due { since, .. }) => Verdict::Idle {
            secs_left: s,
            since,
        },
        (Some(s), Verdict::Idle { secs_left, since }) => Verdict::Idle {
            secs_left: secs_left.max(s),
            since,
        },
        (None, Verdict::Due { since, evidence }) => match warned_at {
            Some(at) if now >= at + lead => Verdict::Due { evidence, since },
            at => Verdict::Idle {
                secs_left: at.map_or(lead, |at| at + lead - now).num_seconds(),
                since,
            },
        },
        (_, v) => v,
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
        match evaluate(Some(&h), now, W, 5.0, t0()) {
            Verdict::Due { evidence, since } => {
                assert_eq!(since, t0());
                assert!(evidence.starts_with("idle 30m: 31 readings"), "{evidence}");
                assert!(evidence.contains("at most 2%"), "{evidence}");
            }
            v => panic!("{v:?}"),
        }
        // Ten minutes in: idle, twenty minutes left.
        let now = t0() + Duration::minutes(10);
        assert_eq!(
            evaluate(Some(&h), now, W, 5.0, t0()),
            Verdict::Idle {
                secs_left: 1200,
                since: t0()
            }
        );
    }

    #[test]
    fn a_busy_reading_a_session_or_a_failed_probe_starts_the_window_again() {
        let now = t0() + Duration::minutes(31);
        let busy = history(32, |m| reading(if m == 20 { 50.0 } else { 1.0 }, 0));
        let after_20 = Verdict::Idle {
            secs_left: 1200,
            since: t0() + Duration::minutes(21),
        };
        assert_eq!(evaluate(Some(&busy), now, W, 5.0, t0()), after_20);
        let session = history(32, |m| reading(1.0, u32::from(m == 20)));
        assert_eq!(evaluate(Some(&session), now, W, 5.0, t0()), after_20);
        let failed = history(32, |m| {
            if m % 7 == 6 {
                Err("ssh: connect timed out".into())
            } else {
                reading(0.0, 0)
            }
        });
        assert!(matches!(
            evaluate(Some(&failed), now, W, 5.0, t0()),
            Verdict::Idle { .. }
        ));
        // Every probe failing: never idle, whatever the time.
        let down = history(120, |_| Err("ssh: connect timed out".into()));
        let v = evaluate(Some(&down), t0() + Duration::minutes(119), W, 5.0, t0());
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
        let v = evaluate(Some(&h), t0() + Duration::minutes(31), W, 5.0, t0());
        assert!(
            matches!(&v, Verdict::NotIdle { why } if why.contains("24 needed")),
            "{v:?}"
        );
        // The probes stopped five minutes ago.
        let h = history(32, |_| reading(0.0, 0));
        let v = evaluate(Some(&h), t0() + Duration::minutes(36), W, 5.0, t0());
        assert!(matches!(&v, Verdict::NotIdle { why } if why.contains("no GPU reading for")));
        assert!(matches!(
            evaluate(None, t0(), W, 5.0, t0()),
            Verdict::NotIdle { .. }
        ));
    }

    /// Idle readings at these seconds after t0.
    fn at_secs(secs: &[i64]) -> History {
        let mut h = History::default();
        for s in secs {
            h.push(Sample {
                at: t0() + Duration::seconds(*s),
                result: reading(0.0, 0),
            });
        }
        h
    }

    const FIVE: Duration = Duration::minutes(5);

    #[test]
    fn readings_from_before_the_rule_was_set_do_not_count() {
        let h = history(40, |_| reading(1.0, 0));
        let set = t0() + Duration::minutes(28);
        // Idle for 31 minutes, but the rule was set 3 minutes ago: 2 minutes left.
        let now = t0() + Duration::minutes(31);
        assert_eq!(
            evaluate(Some(&h), now, FIVE, 5.0, set),
            Verdict::Idle {
                secs_left: 120,
                since: set
            }
        );
        let now = t0() + Duration::minutes(33);
        assert!(matches!(
            evaluate(Some(&h), now, FIVE, 5.0, set),
            Verdict::Due { since, .. } if since == set
        ));
        // No reading yet since it was set.
        let set = t0() + Duration::seconds(39 * 60 + 30);
        let v = evaluate(Some(&h), t0() + Duration::minutes(40), FIVE, 5.0, set);
        assert!(
            matches!(&v, Verdict::NotIdle { why } if why.contains("since the rule was set")),
            "{v:?}"
        );
    }

    #[test]
    fn a_short_window_needs_readings_across_all_of_it() {
        // Four readings a minute apart span three minutes of a five-minute window: not yet.
        let h = at_secs(&[0, 60, 120, 180]);
        let now = t0() + FIVE;
        assert_eq!(
            evaluate(Some(&h), now, FIVE, 5.0, t0()),
            Verdict::Idle {
                secs_left: 1,
                since: t0()
            }
        );
        // A reading seven minutes before the last four: the gap starts the stretch again.
        let h = at_secs(&[0, 420, 480, 540, 600]);
        let now = t0() + Duration::seconds(600);
        assert_eq!(
            evaluate(Some(&h), now, FIVE, 5.0, t0()),
            Verdict::Idle {
                secs_left: 120,
                since: t0() + Duration::seconds(420)
            }
        );
        // Readings across the whole window: due, from the one at its start.
        let h = at_secs(&[0, 60, 120, 180, 240, 300]);
        match evaluate(Some(&h), t0() + FIVE, FIVE, 5.0, t0()) {
            Verdict::Due { evidence, .. } => assert!(
                evidence.starts_with("idle 5m: 6 readings from 00:00:00Z to 00:05:00Z"),
                "{evidence}"
            ),
            v => panic!("{v:?}"),
        }
    }

    /// Probes a little slower than one a minute (ssh takes its time): the window comes due when
    /// it is covered and stays due, and the verdict never turns to not idle on the way (which
    /// would start the warnings again).
    #[test]
    fn a_probe_every_61_seconds_comes_due_without_a_break() {
        let h = at_secs(&(0..20).map(|i| i * 61).collect::<Vec<_>>());
        let mut first_due = None;
        for s in 0..=900 {
            let now = t0() + Duration::seconds(s);
            match evaluate(Some(&h), now, FIVE, 5.0, t0()) {
                Verdict::Due { since, .. } => {
                    assert_eq!(since, t0());
                    first_due.get_or_insert(s);
                }
                Verdict::Idle { since, .. } => {
                    assert_eq!(since, t0());
                    assert!(first_due.is_none(), "due, then not at {s}");
                }
                v => panic!("{s}: {v:?}"),
            }
        }
        assert_eq!(first_due, Some(300));
    }

    #[test]
    fn a_due_window_waits_for_its_warning_and_its_snooze() {
        let now = t0() + Duration::hours(1);
        let due = || Verdict::Due {
            evidence: "idle 5m: …".into(),
            since: t0(),
        };
        let idle = |secs_left| Verdict::Idle {
            secs_left,
            since: t0(),
        };
        // Never warned: due in 5 minutes (the warning goes out now).
        assert_eq!(hold(due(), now, None, None, FIVE), idle(300));
        // Warned 2 minutes ago: 3 minutes left; 5 minutes ago: due.
        let two_ago = Some(now - Duration::minutes(2));
        assert_eq!(hold(due(), now, None, two_ago, FIVE), idle(180));
        assert_eq!(hold(due(), now, None, Some(now - FIVE), FIVE), due());
        // Snoozed for 10 more minutes: due no sooner, warned or not.
        let until = Some(now + Duration::minutes(10));
        assert_eq!(hold(due(), now, until, Some(now - FIVE), FIVE), idle(600));
        assert_eq!(hold(idle(60), now, until, None, FIVE), idle(600));
        // A snooze that has ended holds nothing back.
        assert_eq!(hold(idle(60), now, Some(now - FIVE), None, FIVE), idle(60));
        // A stretch is the one seen through an instant when it began no later.
        assert!(same_stretch(&due(), Some(t0())));
        assert!(!same_stretch(&due(), Some(t0() - Duration::seconds(1))));
        assert!(!same_stretch(&due(), None));
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
