//! What the account spends, summed honestly: the burn rate, what was spent today, how long a
//! balance lasts, and the account cap. A part whose amount is unknown (a deployment without a
//! rate, a list never loaded or not read whole) is never counted as $0: the sum becomes "at
//! least $X", or `?` when nothing is known, and the cap refuses what it cannot check.

use chrono::{DateTime, Utc};

use super::cost::{usd, usd_h};
use crate::api::{Deployment, DeploymentStatus, Volume};

/// How much of the account the lists behind a sum cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coverage {
    /// The deployments list was read at least once.
    pub loaded: bool,
    /// Every list behind the sum was read whole (every page, team and item).
    pub complete: bool,
    /// What is missing when it is not complete, in a few words.
    pub missing: &'static str,
}

/// The label of what every team of the account spends together (the burn rate is summed over
/// every team), wherever a figure of that scope is shown beside the selected team's.
pub const ALL_TEAMS: &str = "All teams";

/// What an incomplete sum says by default.
pub const NOT_READ_WHOLE: &str = "a list was not read whole";

impl Coverage {
    /// Lists read whole.
    pub const FULL: Coverage = Coverage {
        loaded: true,
        complete: true,
        missing: NOT_READ_WHOLE,
    };
}

/// A sum of amounts some of which may be unknown. The default is unknown (`?`), never $0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tally {
    /// The sum of the amounts known.
    pub known: f64,
    /// Parts whose amount is unknown: `known` is then only a lower bound.
    pub unknown: usize,
    /// Parts priced from their offer's price, because the deployment gave no rate.
    pub from_offer: usize,
    /// The lists behind it may miss parts: what they miss.
    pub incomplete: Option<&'static str>,
    /// Nothing is known: the deployments list was never read.
    pub unloaded: bool,
}

impl Default for Tally {
    fn default() -> Tally {
        Tally::unknown()
    }
}

impl Tally {
    /// A sum known exactly.
    pub fn exact(v: f64) -> Tally {
        Tally {
            known: v,
            unknown: 0,
            from_offer: 0,
            incomplete: None,
            unloaded: false,
        }
    }

    /// Nothing is known.
    pub fn unknown() -> Tally {
        Tally {
            unloaded: true,
            ..Tally::exact(0.0)
        }
    }

    fn covering(c: Coverage) -> Tally {
        Tally {
            incomplete: (!c.complete).then_some(c.missing),
            unloaded: !c.loaded,
            ..Tally::exact(0.0)
        }
    }

    /// Add one part: `None` when its amount is unknown.
    pub fn add(&mut self, part: Option<f64>) {
        match part {
            Some(v) if v.is_finite() => self.known += v,
            _ => self.unknown += 1,
        }
    }

    /// Both sums together.
    pub fn plus(self, o: Tally) -> Tally {
        Tally {
            known: self.known + o.known,
            unknown: self.unknown + o.unknown,
            from_offer: self.from_offer + o.from_offer,
            incomplete: self.incomplete.or(o.incomplete),
            unloaded: self.unloaded || o.unloaded,
        }
    }

    /// This sum without one of its parts (`None`: one whose amount was unknown).
    pub fn minus(mut self, part: Option<f64>) -> Tally {
        match part {
            Some(v) => self.known = (self.known - v).max(0.0),
            None => self.unknown = self.unknown.saturating_sub(1),
        }
        self
    }

    /// This sum with `v` added, or with one more unknown part.
    pub fn with(mut self, v: Option<f64>) -> Tally {
        self.add(v);
        self
    }

    /// The amount, when every part of it is known.
    pub fn value(&self) -> Option<f64> {
        self.is_exact().then_some(self.known)
    }

    /// What it is at least, unless nothing is known.
    pub fn at_least(&self) -> Option<f64> {
        (!self.unloaded).then_some(self.known)
    }

    pub fn is_exact(&self) -> bool {
        !self.unloaded && self.incomplete.is_none() && self.unknown == 0
    }

    /// `$3.20`, `at least $3.20`, or `?`.
    pub fn text(&self) -> String {
        match (self.unloaded, self.is_exact()) {
            (true, _) => "?".into(),
            (_, true) => usd(self.known),
            _ => format!("at least {}", usd(self.known)),
        }
    }

    /// `$3.20/h`, `at least $3.20/h`, or `?/h`.
    pub fn text_h(&self) -> String {
        match (self.unloaded, self.is_exact()) {
            (true, _) => usd_h(None),
            (_, true) => usd_h(Some(self.known)),
            _ => format!("at least {}", usd_h(Some(self.known))),
        }
    }

    /// Why it is not exact, and where a figure came from, in a few words (`None`: exact and
    /// from the deployments' own rates).
    pub fn note(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.unloaded {
            parts.push("the deployments list has not loaded".to_string());
        }
        match self.unknown {
            0 => {}
            1 => parts.push("1 rate unknown".into()),
            n => parts.push(format!("{n} rates unknown")),
        }
        if let Some(missing) = self.incomplete.filter(|_| !self.unloaded) {
            parts.push(missing.into());
        }
        match self.from_offer {
            0 => {}
            1 => parts.push("1 rate from its offer's price".into()),
            n => parts.push(format!("{n} rates from their offers' prices")),
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// A deployment's rate: its own, else its offer's price (`offer_rate`, by `offerId`), else
/// unknown. The second says whether the offer's price was used.
fn rate_of(d: &Deployment, offer_rate: &dyn Fn(&Deployment) -> Option<f64>) -> (Option<f64>, bool) {
    match d.hourly_rate {
        Some(r) => (Some(r), false),
        None => match offer_rate(d) {
            Some(r) => (Some(r), true),
            None => (None, false),
        },
    }
}

/// USD per hour of everything that costs money now: deployments not known to have ended (a
/// status this client does not know counts as billing) and volumes.
pub fn burn_rate<'a>(
    deployments: impl IntoIterator<Item = &'a Deployment>,
    volumes: impl IntoIterator<Item = &'a Volume>,
    coverage: Coverage,
    offer_rate: &dyn Fn(&Deployment) -> Option<f64>,
) -> Tally {
    let mut t = Tally::covering(coverage);
    for d in deployments.into_iter().filter(|d| d.status.is_active()) {
        let (rate, from_offer) = rate_of(d, offer_rate);
        t.add(rate);
        t.from_offer += usize::from(from_offer);
    }
    for v in volumes
        .into_iter()
        .filter(|v| v.status != "deleting" && v.status != "deleted")
    {
        t.add(v.cost_per_hour());
    }
    t
}

/// Money spent since UTC midnight by the deployments listed: each one's hourly rate times the
/// part of its run inside today. `coverage.complete` must say whether ended ones are listed too.
pub fn spent_today<'a>(
    deployments: impl IntoIterator<Item = &'a Deployment>,
    now: DateTime<Utc>,
    coverage: Coverage,
    offer_rate: &dyn Fn(&Deployment) -> Option<f64>,
) -> Tally {
    let midnight = now
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .map(|m| m.and_utc())
        .unwrap_or(now);
    let mut t = Tally::covering(coverage);
    for d in deployments {
        let end = if d.status.is_terminal() {
            d.stopped_at.unwrap_or(now)
        } else {
            now
        }
        .min(now);
        let Some(start) = d.since() else {
            // Running with no start known: it spent something today, how much is unknown.
            if d.status.is_active() && d.status != DeploymentStatus::Deploying {
                t.add(None);
            }
            continue;
        };
        let secs = (end - start.max(midnight)).num_seconds();
        if secs <= 0 {
            continue;
        }
        let (rate, from_offer) = rate_of(d, offer_rate);
        t.add(rate.map(|r| r * secs as f64 / 3600.0));
        t.from_offer += usize::from(from_offer);
    }
    t
}

/// How long a balance lasts at a burn rate.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Runway {
    /// Hours, exactly (the rate is known).
    Hours(f64),
    /// At most this many hours: the rate is only known to be at least something.
    AtMost(f64),
    /// Nothing spends.
    Forever,
    /// The rate is unknown.
    #[default]
    Unknown,
}

impl Runway {
    /// The hours, exact or an upper bound.
    pub fn hours(&self) -> Option<f64> {
        match self {
            Runway::Hours(h) | Runway::AtMost(h) => Some(*h),
            _ => None,
        }
    }
}

/// Hours `balance` lasts at `burn`.
pub fn runway(balance: f64, burn: &Tally) -> Runway {
    let Some(rate) = burn.at_least() else {
        return Runway::Unknown;
    };
    let hours = balance.max(0.0) / rate;
    match (rate > 1e-9, burn.is_exact()) {
        (true, true) => Runway::Hours(hours),
        (true, false) => Runway::AtMost(hours),
        (false, true) => Runway::Forever,
        (false, false) => Runway::Unknown,
    }
}

/// The account cap: a deploy that would take what the account pays per hour (`spend_after`,
/// everything running plus this deploy) past `cap` is refused, saying where the cap is set. So
/// is one whose `spend_after` is not known whole: the cap cannot be checked.
pub fn check_burn_cap(spend_after: &Tally, cap: Option<f64>) -> Result<(), String> {
    let Some(cap) = cap else { return Ok(()) };
    let where_set =
        "The cap is max_burn_usd_per_hour in config.toml (`spheron-tui info` shows where)";
    match spend_after.at_least() {
        Some(after) if after > cap + 1e-9 => Err(format!(
            "This deploy would take the account to {}, past its cap of {}/h. {where_set}; raise or remove it there, or terminate something first.",
            spend_after.text_h(),
            usd(cap)
        )),
        _ if !spend_after.is_exact() => Err(format!(
            "What the account spends per hour is not known ({}: {}), so the cap of {}/h cannot be checked and the deploy is refused. Refresh with r once the lists load, or raise or remove the cap. {where_set}.",
            spend_after.text_h(),
            spend_after.note().unwrap_or_default(),
            usd(cap)
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::decode;
    use serde_json::json;

    fn deps(v: Vec<serde_json::Value>) -> Vec<Deployment> {
        v.into_iter().map(|v| decode(v).unwrap()).collect()
    }

    fn none(_: &Deployment) -> Option<f64> {
        None
    }

    #[test]
    fn burn_rate_counts_only_what_spends() {
        let ds = deps(vec![
            json!({"status": "running", "hourlyRate": 2.0}),
            json!({"status": "deploying", "hourlyRate": 1.0}),
            json!({"status": "terminated", "hourlyRate": 9.0}),
            json!({"status": "failed", "hourlyRate": 9.0}),
            // a status the client does not know bills until the API says it ended
            json!({"status": "suspended-by-provider", "hourlyRate": 0.5}),
        ]);
        let vs: Vec<Volume> = vec![
            decode(json!({"status": "available", "sizeInGb": 100, "hourlyRatePerGb": 0.001}))
                .unwrap(),
        ];
        let b = burn_rate(&ds, &vs, Coverage::FULL, &none);
        assert!((b.value().unwrap() - 3.6).abs() < 1e-9);
        assert_eq!(runway(36.0, &b).hours().map(f64::round), Some(10.0));
        assert_eq!(runway(31.0, &Tally::exact(0.0)), Runway::Forever);
    }

    #[test]
    fn an_unknown_rate_makes_at_least_and_never_zero() {
        let ds = deps(vec![
            json!({"status": "running", "hourlyRate": 2.0}),
            json!({"status": "running", "offerId": "o-1"}),
        ]);
        let b = burn_rate(&ds, &[], Coverage::FULL, &none);
        assert_eq!(b.value(), None);
        assert_eq!(b.text_h(), "at least $2.00/h");
        assert_eq!(b.note().as_deref(), Some("1 rate unknown"));
        assert_eq!(runway(20.0, &b), Runway::AtMost(10.0));
        // Only unknown rates: no runway can be told.
        let b = burn_rate(&ds[1..], &[], Coverage::FULL, &none);
        assert_eq!(b.text_h(), "at least $0.00/h");
        assert_eq!(runway(20.0, &b), Runway::Unknown);
        // The offer's price stands in, and says so.
        let by_offer = |d: &Deployment| (d.offer_id.as_deref() == Some("o-1")).then_some(1.5);
        let b = burn_rate(&ds, &[], Coverage::FULL, &by_offer);
        assert_eq!(b.value(), Some(3.5));
        assert_eq!(b.note().as_deref(), Some("1 rate from its offer's price"));
        // A list never loaded: unknown; one not read whole: at least.
        let never = Coverage {
            loaded: false,
            complete: false,
            missing: NOT_READ_WHOLE,
        };
        assert_eq!(burn_rate(&[], &[], never, &none).text_h(), "?/h");
        let partial = Coverage {
            loaded: true,
            complete: false,
            missing: NOT_READ_WHOLE,
        };
        assert_eq!(
            burn_rate(&ds[..1], &[], partial, &none).text_h(),
            "at least $2.00/h"
        );
    }

    #[test]
    fn spend_today_counts_only_today_and_unknown_rates_as_unknown() {
        use chrono::TimeZone;
        let now = chrono::Utc.with_ymd_and_hms(2026, 11, 28, 6, 0, 0).unwrap();
        let mut ds = deps(vec![
            // started yesterday 22:00, still running: 6 h today
            json!({"status": "running", "hourlyRate": 2.0, "startedAt": "2026-11-27T22:00:00Z"}),
            // ran 01:00-02:00 today
            json!({"status": "terminated", "hourlyRate": 1.0, "startedAt": "2026-11-28T01:00:00Z",
                   "stoppedAt": "2026-11-28T02:00:00Z"}),
            // ended yesterday
            json!({"status": "terminated", "hourlyRate": 5.0, "startedAt": "2026-11-27T01:00:00Z",
                   "stoppedAt": "2026-11-27T02:00:00Z"}),
        ]);
        let t = spent_today(&ds, now, Coverage::FULL, &none);
        assert!((t.value().unwrap() - 13.0).abs() < 1e-9);
        ds.extend(deps(vec![
            json!({"status": "running", "startedAt": "2026-11-28T05:00:00Z"}),
        ]));
        let t = spent_today(&ds, now, Coverage::FULL, &none);
        assert_eq!(t.text(), "at least $13.00");
    }

    #[test]
    fn the_cap_refuses_what_passes_it_and_what_it_cannot_check() {
        assert_eq!(check_burn_cap(&Tally::exact(99.0), None), Ok(()));
        assert_eq!(check_burn_cap(&Tally::exact(10.0), Some(10.0)), Ok(()));
        let e = check_burn_cap(&Tally::exact(10.01), Some(10.0)).unwrap_err();
        assert!(
            e.contains("$10.01/h") && e.contains("max_burn_usd_per_hour"),
            "{e}"
        );
        // Unknown: refused, saying why and how to retry.
        let e = check_burn_cap(&Tally::unknown().with(Some(1.0)), Some(50.0)).unwrap_err();
        assert!(e.contains("cannot be checked") && e.contains("r "), "{e}");
        let e = check_burn_cap(&Tally::exact(1.0).with(None), Some(50.0)).unwrap_err();
        assert!(
            e.contains("at least $1.00/h") && e.contains("1 rate unknown"),
            "{e}"
        );
        // Known to be past it even as a lower bound: refused as past it.
        let e = check_burn_cap(&Tally::exact(60.0).with(None), Some(50.0)).unwrap_err();
        assert!(e.contains("past its cap"), "{e}");
        // No cap: nothing to check.
        assert_eq!(check_burn_cap(&Tally::unknown(), None), Ok(()));
    }
}
