//! Cost arithmetic: what a configuration costs per hour, what it has cost, how long money lasts.
//! Every price the API sends is USD per hour for the whole configuration (docs/api-rules.md, "Cost").

use crate::api::Offer;

/// Minutes every instance is billed for at least, even when terminated at once
/// (`can-terminate`'s `minimumRuntime`; docs/api-rules.md, "Deploying").
pub const MINIMUM_RUNTIME_MINUTES: f64 = 20.0;

/// Where credit is added: the platform's own billing page (this dashboard cannot add any).
pub const ADD_CREDIT_WHERE: &str = "on the Billing page of app.spheron.ai";

/// Hourly spend of a deploy, itemised so a summary can show each part. A part whose price the
/// API did not give is `None`, and so is every total it enters: unknown is never $0.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Estimate {
    /// The offer: `discountedPrice` when present, else `price`.
    pub instance: Option<f64>,
    /// Volumes attached at launch: Σ sizeInGb × hourlyRatePerGb (`None`: one is unpriced).
    pub volumes: Option<f64>,
    /// The Kubernetes add-on, when chosen.
    pub addon: Option<AddonCost>,
}

/// The Kubernetes add-on is priced per GPU (docs/api-rules.md, "Cost"): its rate per GPU-hour times the
/// offer's GPU count. Offers state the product as `extras.kubernetes_addon.total_cost_per_hour`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct AddonCost {
    pub gpus: u32,
    /// `None` when the offer's extras do not say.
    pub per_hour: Option<f64>,
}

impl AddonCost {
    pub fn per_gpu_hour(&self) -> Option<f64> {
        Some(self.per_hour? / f64::from(self.gpus.max(1)))
    }
}

impl Estimate {
    pub fn for_offer(offer: &Offer, volumes_per_hour: Option<f64>, with_addon: bool) -> Self {
        let addon = with_addon.then(|| AddonCost {
            gpus: offer.gpu_count.max(1),
            per_hour: offer
                .kubernetes_addon()
                .and_then(|k| k.total_cost_per_hour)
                .filter(|c| c.is_finite() && *c >= 0.0),
        });
        Estimate {
            instance: offer.hourly_rate(),
            volumes: volumes_per_hour,
            addon,
        }
    }

    /// The add-on's hourly cost: 0 when not chosen, `None` when chosen but unpriced.
    pub fn addon_per_hour(&self) -> Option<f64> {
        self.addon.map_or(Some(0.0), |a| a.per_hour)
    }

    /// What this deploy adds to the account's hourly spend (volumes already bill).
    pub fn added_per_hour(&self) -> Option<f64> {
        Some(self.instance? + self.addon_per_hour()?)
    }

    pub fn per_hour(&self) -> Option<f64> {
        Some(self.added_per_hour()? + self.volumes?)
    }

    pub fn for_hours(&self, hours: f64) -> Option<f64> {
        Some(self.per_hour()? * hours)
    }

    /// What the instance costs at least, even if terminated at once: the minimum runtime
    /// of the instance and its add-on.
    pub fn minimum_charge(&self) -> Option<f64> {
        Some(self.added_per_hour()? * MINIMUM_RUNTIME_MINUTES / 60.0)
    }
}

/// `sizeInGb × hourlyRatePerGb`.
pub fn volume_per_hour(size_gb: f64, rate_per_gb: f64) -> f64 {
    size_gb * rate_per_gb
}

/// The one money format: `-$1,234.57`. Sign before `$`, thousands separated, rounded half-up
/// (away from zero) to cents; a positive amount under half a cent reads `<$0.01`, so nothing
/// that bills ever reads as free. Every amount the dashboard shows goes through here, through
/// [`usd_opt`] (unknown shows `?`) or, for per-GB rates only, [`usd_per_gb`].
pub fn usd(v: f64) -> String {
    if !v.is_finite() {
        return "?".into();
    }
    // The small bias makes amounts that are a half cent in decimal (2.675, stored as
    // 2.67499999…) round up, as they read.
    let cents = (v.abs() * 100.0 * (1.0 + 1e-12) + 0.5).floor() as u64;
    if cents == 0 && v > 0.0 {
        return "<$0.01".into();
    }
    let sign = if v < 0.0 && cents > 0 { "-" } else { "" };
    format!("{sign}${}.{:02}", group_thousands(cents / 100), cents % 100)
}

/// The lowest and highest of some amounts, and whether one was unknown: all it takes to size a
/// column so that every one of them shows whole (the widest text is at an extreme).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Extremes {
    pub lo: Option<f64>,
    pub hi: Option<f64>,
    pub unknown: bool,
}

impl Extremes {
    pub fn of(amounts: impl IntoIterator<Item = Option<f64>>) -> Extremes {
        let mut e = Extremes::default();
        for a in amounts {
            match a {
                Some(v) => {
                    e.hi = Some(e.hi.map_or(v, |h| h.max(v)));
                    e.lo = Some(e.lo.map_or(v, |l| l.min(v)));
                }
                None => e.unknown = true,
            }
        }
        e
    }

    /// Whether there was any amount at all.
    pub fn is_empty(&self) -> bool {
        self.lo.is_none() && !self.unknown
    }

    /// Columns the widest of them takes as `fmt` writes it.
    pub fn width(&self, fmt: impl Fn(Option<f64>) -> String) -> u16 {
        let mut w = [self.hi, self.lo]
            .into_iter()
            .filter(Option::is_some)
            .map(|v| fmt(v).chars().count())
            .max()
            .unwrap_or(0);
        if self.unknown {
            w = w.max(fmt(None).chars().count());
        }
        u16::try_from(w).unwrap_or(u16::MAX)
    }
}

/// An amount that may be unknown: `?`, never `$0.00`.
pub fn usd_opt(v: Option<f64>) -> String {
    v.map_or_else(|| "?".into(), usd)
}

/// A per-hour amount: `$1.20/h`, or `?/h` when unknown.
pub fn usd_h(v: Option<f64>) -> String {
    format!("{}/h", usd_opt(v))
}

/// A rate per GB-hour, the one kind of amount shown with more than cents (`$0.00012`):
/// up to six decimals, trailing zeros dropped but never below cents.
pub fn usd_per_gb(v: f64) -> String {
    if !v.is_finite() {
        return "?".into();
    }
    let text = format!("{:.6}", v.abs());
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    let frac = frac.trim_end_matches('0');
    let frac = format!("{frac:0<2}");
    let sign = if v < 0.0 && text.bytes().any(|b| matches!(b, b'1'..=b'9')) {
        "-"
    } else {
        ""
    };
    let whole: u64 = whole.parse().unwrap_or(0);
    format!("{sign}${}.{frac}", group_thousands(whole))
}

pub fn group_thousands(n: u64) -> String {
    let whole = n.to_string();
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    grouped
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
        let e = Estimate::for_offer(&offer, Some(volume_per_hour(1000.0, 0.0001)), true);
        assert!((e.per_hour().unwrap() - (19.0 + 0.1 + 0.8)).abs() < 1e-9);
        assert!((e.for_hours(24.0).unwrap() - 24.0 * 19.9).abs() < 1e-9);
        assert!((e.addon.unwrap().per_gpu_hour().unwrap() - 0.1).abs() < 1e-9);
        assert!((e.minimum_charge().unwrap() - 19.8 / 3.0).abs() < 1e-9);
        let e = Estimate::for_offer(&offer, Some(0.0), false);
        assert_eq!(e.per_hour(), Some(19.0));
        // an attached volume without a price: the total is unknown, the instance still known
        let e = Estimate::for_offer(&offer, None, false);
        assert_eq!(e.per_hour(), None);
        assert_eq!(e.added_per_hour(), Some(19.0));
    }

    #[test]
    fn unknown_prices_make_unknown_totals() {
        // no price at all
        let offer: Offer = decode(json!({"gpuCount": 1})).unwrap();
        let e = Estimate::for_offer(&offer, Some(0.5), false);
        assert_eq!(e.per_hour(), None);
        assert_eq!(e.minimum_charge(), None);
        // the add-on chosen on an offer whose extras do not price it: no $0 fallback
        let offer: Offer = decode(json!({"price": 10.0, "gpuCount": 8})).unwrap();
        let e = Estimate::for_offer(&offer, Some(0.0), true);
        assert_eq!(e.addon_per_hour(), None);
        assert_eq!(e.per_hour(), None);
        assert_eq!(e.for_hours(24.0), None);
        let e = Estimate::for_offer(&offer, Some(0.0), false);
        assert_eq!(e.per_hour(), Some(10.0));
    }

    #[test]
    fn money_and_durations_read_well() {
        assert_eq!(usd(1234.5), "$1,234.50");
        assert_eq!(usd(0.0), "$0.00");
        assert_eq!(usd(2.685), "$2.69");
        assert_eq!(usd(2.675), "$2.68");
        assert_eq!(usd(0.005), "$0.01");
        // Something that bills never reads as free.
        assert_eq!(usd(0.0001), "<$0.01");
        assert_eq!(usd(0.004999), "<$0.01");
        assert_eq!(usd(-0.0001), "$0.00");
        assert_eq!(usd(-5.0), "-$5.00");
        assert_eq!(usd(-1234.565), "-$1,234.57");
        assert_eq!(usd(-0.001), "$0.00");
        assert_eq!(usd(1_234_567.0), "$1,234,567.00");
        assert_eq!(usd(f64::NAN), "?");
        assert_eq!(usd_opt(None), "?");
        assert_eq!(usd_h(Some(44.22)), "$44.22/h");
        assert_eq!(usd_per_gb(0.00012), "$0.00012");
        assert_eq!(usd_per_gb(0.0001), "$0.0001");
        assert_eq!(usd_per_gb(0.5), "$0.50");
        assert_eq!(duration_short(45), "45s");
        assert_eq!(duration_short(432), "7m 12s");
        assert_eq!(duration_short(7500), "2h 05m");
        assert_eq!(duration_short(3 * 86_400 + 4 * 3600), "3d 4h");
    }
}
