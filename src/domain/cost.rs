//! Cost arithmetic: what a configuration costs per hour, what it has cost, how long money lasts.
//! Every price the API sends is USD per hour for the whole configuration (docs/api-rules.md, "Cost").

use crate::api::{Deployment, Offer, Volume};

/// Where credit is added: the platform's own billing page (this dashboard cannot add any).
pub const ADD_CREDIT_WHERE: &str = "on the Billing page of app.spheron.ai";

/// Hourly spend of a deploy, itemised so a summary can show each part.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Estimate {
    /// The offer: `discountedPrice` when present, else `price`.
    pub instance: f64,
    /// Volumes attached at launch: Σ sizeInGb × hourlyRatePerGb.
    pub volumes: f64,
    /// Kubernetes add-on, when chosen.
    pub addon: f64,
}

impl Estimate {
    pub fn for_offer(offer: &Offer, volumes_per_hour: f64, with_addon: bool) -> Self {
        let addon = if with_addon {
            offer
                .kubernetes_addon()
                .and_then(|k| k.total_cost_per_hour)
                .unwrap_or(0.0)
        } else {
            0.0
        };
        Estimate {
            instance: offer.hourly_rate(),
            volumes: volumes_per_hour,
            addon,
        }
    }

    pub fn per_hour(&self) -> f64 {
        self.instance + self.volumes + self.addon
    }

    pub fn for_hours(&self, hours: f64) -> f64 {
        self.per_hour() * hours
    }
}

/// `sizeInGb × hourlyRatePerGb`.
pub fn volume_per_hour(size_gb: f64, rate_per_gb: f64) -> f64 {
    size_gb * rate_per_gb
}

/// USD per hour of everything that costs money now: active deployments and volumes.
pub fn burn_rate<'a>(
    deployments: impl IntoIterator<Item = &'a Deployment>,
    volumes: impl IntoIterator<Item = &'a Volume>,
) -> f64 {
    let d: f64 = deployments
        .into_iter()
        .filter(|d| d.status.is_active())
        .filter_map(|d| d.hourly_rate)
        .sum();
    let v: f64 = volumes
        .into_iter()
        .filter(|v| v.status != "deleting" && v.status != "deleted")
        .filter_map(Volume::cost_per_hour)
        .sum();
    d + v
}

/// Money spent since UTC midnight by the deployments in view: each one's hourly rate times
/// the part of its run that falls inside today.
pub fn spent_today<'a>(
    deployments: impl IntoIterator<Item = &'a Deployment>,
    now: chrono::DateTime<chrono::Utc>,
) -> f64 {
    let midnight = now
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .map(|m| m.and_utc())
        .unwrap_or(now);
    deployments
        .into_iter()
        .filter_map(|d| {
            let rate = d.hourly_rate?;
            let start = d.since()?.max(midnight);
            let end = if d.status.is_terminal() {
                d.stopped_at.unwrap_or(now)
            } else {
                now
            }
            .min(now);
            let secs = (end - start).num_seconds();
            (secs > 0).then(|| rate * secs as f64 / 3600.0)
        })
        .sum()
}

/// Hours the balance lasts at `per_hour`; `None` when nothing is spending.
pub fn runway_hours(balance: f64, per_hour: f64) -> Option<f64> {
    (per_hour > 1e-9).then(|| (balance.max(0.0)) / per_hour)
}

/// "$1,234.56" style: always two decimals, thousands separated. Small rates get more precision
/// ("$0.0042") so a per-GB rate never shows as $0.00.
pub fn usd(v: f64) -> String {
    if v.abs() > 0.0 && v.abs() < 0.01 {
        return format!("${v:.4}");
    }
    let neg = v < 0.0;
    let cents = (v.abs() * 100.0).round() as u64;
    let whole = (cents / 100).to_string();
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!(
        "{}${grouped}.{:02}",
        if neg { "-" } else { "" },
        cents % 100
    )
}

/// "3d 4h", "2h 05m", "7m 12s", "45s".
pub fn duration_short(secs: i64) -> String {
    let s = secs.max(0);
    let (d, h, m, sec) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60, s % 60);
    if d > 0 {
        format!("{d}d {h}h")
    } else if h > 0 {
        format!("{h}h {m:02}m")
    } else if m > 0 {
        format!("{m}m {sec:02}s")
    } else {
        format!("{sec}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::decode;
    use serde_json::json;

    #[test]
    fn estimate_uses_discount_volumes_and_addon() {
        let offer: Offer = decode(json!({
            "price": 21.52, "discountedPrice": 19.0, "gpuCount": 8,
            "extras": {"kubernetes_addon": {"version": "1.35", "total_cost_per_hour": 0.8}}
        }))
        .unwrap();
        let e = Estimate::for_offer(&offer, volume_per_hour(1000.0, 0.0001), true);
        assert!((e.per_hour() - (19.0 + 0.1 + 0.8)).abs() < 1e-9);
        assert!((e.for_hours(24.0) - 24.0 * 19.9).abs() < 1e-9);
        let e = Estimate::for_offer(&offer, 0.0, false);
        assert_eq!(e.per_hour(), 19.0);
    }

    #[test]
    fn burn_rate_counts_only_what_spends() {
        let ds: Vec<Deployment> = [
            json!({"status": "running", "hourlyRate": 2.0}),
            json!({"status": "deploying", "hourlyRate": 1.0}),
            json!({"status": "terminated", "hourlyRate": 9.0}),
        ]
        .into_iter()
        .map(|v| decode(v).unwrap())
        .collect();
        let vs: Vec<Volume> =
            [json!({"status": "available", "sizeInGb": 100, "hourlyRatePerGb": 0.001})]
                .into_iter()
                .map(|v| decode(v).unwrap())
                .collect();
        assert!((burn_rate(&ds, &vs) - 3.1).abs() < 1e-9);
        assert_eq!(runway_hours(31.0, 3.1).map(|h| h.round()), Some(10.0));
        assert_eq!(runway_hours(31.0, 0.0), None);
    }

    #[test]
    fn spend_today_counts_only_today() {
        use chrono::TimeZone;
        let now = chrono::Utc.with_ymd_and_hms(2026, 11, 28, 6, 0, 0).unwrap();
        let ds: Vec<Deployment> = [
            // started yesterday 22:00, still running: 6 h today
            json!({"status": "running", "hourlyRate": 2.0, "startedAt": "2026-11-27T22:00:00Z"}),
            // ran 01:00-02:00 today
            json!({"status": "terminated", "hourlyRate": 1.0, "startedAt": "2026-11-28T01:00:00Z",
                   "stoppedAt": "2026-11-28T02:00:00Z"}),
            // ended yesterday
            json!({"status": "terminated", "hourlyRate": 5.0, "startedAt": "2026-11-27T01:00:00Z",
                   "stoppedAt": "2026-11-27T02:00:00Z"}),
        ]
        .into_iter()
        .map(|v| decode(v).unwrap())
        .collect();
        assert!((spent_today(&ds, now) - 13.0).abs() < 1e-9);
    }

    #[test]
    fn money_and_durations_read_well() {
        assert_eq!(usd(1234.5), "$1,234.50");
        assert_eq!(usd(0.0), "$0.00");
        assert_eq!(usd(2.685), "$2.69");
        assert_eq!(usd(0.0001), "$0.0001");
        assert_eq!(usd(-5.0), "-$5.00");
        assert_eq!(duration_short(45), "45s");
        assert_eq!(duration_short(432), "7m 12s");
        assert_eq!(duration_short(7500), "2h 05m");
        assert_eq!(duration_short(3 * 86_400 + 4 * 3600), "3d 4h");
    }
}
