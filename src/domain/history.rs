//! Price history, pure: what one offers load says about each offer (an observation), the
//! stored points read back (series), and what is computed from them: per-day lowest and median
//! $/GPU·h with hours available, the trend of an offer, the lowest price of a model.
//!
//! A point at `t` means "from `t` on, the offer costs `price` and is (or is not) available",
//! until the offer's next point. Points older than 48 h are rolled up to one per offer per hour
//! carrying the hour's lowest and highest price (`lo`, `hi`).

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;

use crate::api::Offer;

/// Prices are stored as whole ten-thousandths of a dollar per GPU·hour.
pub const PRICE_SCALE: f64 = 10_000.0;

pub fn to_units(usd: f64) -> i64 {
    (usd * PRICE_SCALE).round() as i64
}

pub fn from_units(u: i64) -> f64 {
    u as f64 / PRICE_SCALE
}

/// One offer as one load saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceObservation {
    /// `provider/offer_id`: the offer's identity across loads.
    pub key: String,
    pub gpu_model: String,
    pub provider: String,
    pub instance_type: String,
    pub gpu_count: u32,
    pub region: Option<String>,
    /// $/GPU·h in [`PRICE_SCALE`] units; `None` when the listing's price could not be read:
    /// the offer is listed but cannot be deployed, so it is recorded as not available at its
    /// last known price (nothing, for an offer never priced).
    pub price: Option<i64>,
    pub available: bool,
}

impl PriceObservation {
    pub fn of(o: &Offer) -> PriceObservation {
        PriceObservation {
            key: offer_key(o),
            gpu_model: o.gpu_type.clone(),
            provider: o.provider.clone(),
            instance_type: o.instance_type.as_str().to_string(),
            gpu_count: o.gpu_count,
            region: o.regions().first().map(|r| r.to_string()),
            price: o.per_gpu_rate().map(to_units),
            available: o.available && !o.maintenance,
        }
    }
}

/// The key an offer's history is stored under.
pub fn offer_key(o: &Offer) -> String {
    key_of(&o.provider, &o.offer_id)
}

/// `provider/offer_id`, the same whichever of its provider's names the offer carries.
pub fn key_of(provider: &str, offer_id: &str) -> String {
    format!(
        "{}/{offer_id}",
        super::volume_rules::canonical_provider(provider)
    )
}

/// One stored point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub t: DateTime<Utc>,
    /// $/GPU·h at the end of the point's span.
    pub price: f64,
    pub available: bool,
    /// Lowest and highest price within a rolled-up hour (equal to `price` for a raw point).
    pub lo: f64,
    pub hi: f64,
    /// False from the load the offer was missing from (a complete load: see [`Coverage`]) to
    /// the load it is listed again; such a point is never available.
    pub listed: bool,
}

/// What one recorded load covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    /// Every offer the platform lists (all pages, no filter): an offer recorded before and
    /// missing from it is gone, and is recorded as not listed.
    Complete,
    /// Some offers only (a filtered load, or only those that changed): nothing is concluded
    /// about the others.
    Partial,
}

/// What the history knows about one offer.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferMeta {
    pub key: String,
    pub gpu_model: String,
    pub provider: String,
    pub instance_type: String,
    pub gpu_count: u32,
    pub region: Option<String>,
}

/// One offer's points in time order. The first point may be older than the window asked for:
/// it gives the state at the window's start.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub offer: OfferMeta,
    pub points: Vec<Point>,
}

impl Series {
    /// `(from, to, point)` spans clipped to `[start, end)`.
    pub fn spans(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>, &Point)> {
        let n = self.points.len();
        (0..n).filter_map(move |i| {
            let p = &self.points[i];
            let next = self.points.get(i + 1).map_or(end, |q| q.t.min(end));
            let from = p.t.max(start);
            (from < next).then_some((from, next, p))
        })
    }

    /// The state at `t` (the last point at or before it).
    pub fn at(&self, t: DateTime<Utc>) -> Option<&Point> {
        self.points.iter().rev().find(|p| p.t <= t)
    }
}

/// One day of `prices`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DaySummary {
    pub date: NaiveDate,
    /// Lowest $/GPU·h of an available offer that day.
    pub lowest: Option<f64>,
    /// Median of the prices available offers had that day (one per span).
    pub median: Option<f64>,
    /// Hours (rounded to 0.1) in which at least one offer was available.
    pub hours_available: f64,
    /// Offers listed at some time that day.
    pub offers: usize,
}

/// Per UTC day from `first` to the day of `now`: lowest and median price, hours available.
pub fn daily(series: &[Series], first: NaiveDate, now: DateTime<Utc>) -> Vec<DaySummary> {
    let mut out = Vec::new();
    let mut day = first;
    while day <= now.date_naive() {
        let start = day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
        let end = (start + Duration::days(1)).min(now);
        let mut prices = Vec::new();
        let mut offers = 0;
        // Available spans of every offer, merged into the union of time covered.
        let mut covered: Vec<(i64, i64)> = Vec::new();
        for s in series {
            let mut seen = false;
            for (from, to, p) in s.spans(start, end) {
                seen |= p.listed;
                if p.available {
                    prices.push(p.lo);
                    covered.push((from.timestamp(), to.timestamp()));
                }
            }
            offers += usize::from(seen);
        }
        covered.sort_unstable();
        let mut secs = 0;
        let mut cur: Option<(i64, i64)> = None;
        for (a, b) in covered {
            cur = match cur {
                Some((ca, cb)) if a <= cb => Some((ca, cb.max(b))),
                Some((ca, cb)) => {
                    secs += cb - ca;
                    Some((a, b))
                }
                None => Some((a, b)),
            };
        }
        if let Some((a, b)) = cur {
            secs += b - a;
        }
        prices.sort_by(f64::total_cmp);
        out.push(DaySummary {
            date: day,
            lowest: prices.first().copied(),
            median: median(&prices),
            hours_available: (secs as f64 / 360.0).round() / 10.0,
            offers,
        });
        match day.succ_opt() {
            Some(d) => day = d,
            None => break,
        }
    }
    out
}

fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// How many buckets a trend sparkline has over its 7 days (4 h each).
pub const TREND_BUCKETS: usize = 42;
pub const TREND_DAYS: i64 = 7;

/// What the Offers pane shows of one offer's history.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OfferTrend {
    /// The price 24 h ago, when the offer was known then.
    pub day_ago: Option<f64>,
    /// Lowest available price per bucket over 7 days, oldest first; `None`: unavailable or
    /// unknown.
    pub buckets: Vec<Option<f64>>,
}

/// The history the dashboard shows: per offer key a trend; per GPU model the 7-day low and its
/// lowest price per bucket.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HistoryView {
    pub at: Option<DateTime<Utc>>,
    pub offers: HashMap<String, OfferTrend>,
    pub model_low: HashMap<String, f64>,
    pub model_buckets: HashMap<String, Vec<Option<f64>>>,
}

/// Trends for every offer in `series` over the 7 days before `now`.
pub fn view(series: &[Series], now: DateTime<Utc>) -> HistoryView {
    let start = now - Duration::days(TREND_DAYS);
    let width = (now - start).num_seconds() / TREND_BUCKETS as i64;
    let mut v = HistoryView {
        at: Some(now),
        ..HistoryView::default()
    };
    for s in series {
        let mut buckets: Vec<Option<f64>> = vec![None; TREND_BUCKETS];
        for (from, to, p) in s.spans(start, now) {
            if !p.available {
                continue;
            }
            let a = ((from - start).num_seconds() / width).clamp(0, TREND_BUCKETS as i64 - 1);
            let b = (((to - start).num_seconds() - 1) / width).clamp(0, TREND_BUCKETS as i64 - 1);
            for slot in &mut buckets[a as usize..=b as usize] {
                *slot = Some(slot.map_or(p.lo, |x: f64| x.min(p.lo)));
            }
        }
        let low = buckets.iter().flatten().copied().reduce(f64::min);
        if let Some(low) = low {
            let m = v.model_low.entry(s.offer.gpu_model.clone()).or_insert(low);
            *m = m.min(low);
        }
        let mb = v
            .model_buckets
            .entry(s.offer.gpu_model.clone())
            .or_insert_with(|| vec![None; TREND_BUCKETS]);
        for (m, b) in mb.iter_mut().zip(&buckets) {
            if let Some(b) = b {
                *m = Some(m.map_or(*b, |x| x.min(*b)));
            }
        }
        let day_ago = s
            .at(now - Duration::hours(24))
            .filter(|p| p.listed)
            .map(|p| p.price);
        v.offers
            .insert(s.offer.key.clone(), OfferTrend { day_ago, buckets });
    }
    v
}

/// `↑12%`, `↓3%`, `→` against the price 24 h ago; empty without one.
pub fn arrow(now: f64, day_ago: Option<f64>) -> String {
    let Some(then) = day_ago.filter(|t| *t > 0.0) else {
        return String::new();
    };
    let pct = (now - then) / then * 100.0;
    if pct.abs() < 0.5 {
        "→".to_string()
    } else if pct > 0.0 {
        format!("↑{:.0}%", pct)
    } else {
        format!("↓{:.0}%", -pct)
    }
}

/// A one-line sparkline of `buckets` (`·` where unavailable), scaled between their extremes.
pub fn sparkline(buckets: &[Option<f64>], width: usize) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    if buckets.is_empty() || width == 0 {
        return String::new();
    }
    // Merge buckets down to `width` cells (lowest of each group).
    let per = buckets.len().div_ceil(width);
    let cells: Vec<Option<f64>> = buckets
        .chunks(per)
        .map(|c| c.iter().flatten().copied().reduce(f64::min))
        .collect();
    let lo = cells.iter().flatten().copied().reduce(f64::min);
    let hi = cells.iter().flatten().copied().reduce(f64::max);
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return "·".repeat(cells.len());
    };
    cells
        .iter()
        .map(|c| match c {
            None => '·',
            Some(_) if hi - lo < 1e-9 => BARS[3],
            Some(x) => BARS[(((x - lo) / (hi - lo)) * 7.0).round() as usize],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: i64) -> DateTime<Utc> {
        crate::demo::test_epoch() + Duration::hours(h)
    }

    fn series(points: &[(i64, f64, bool)]) -> Series {
        Series {
            offer: OfferMeta {
                key: "p/1".into(),
                gpu_model: "H100".into(),
                provider: "p".into(),
                instance_type: "SPOT".into(),
                gpu_count: 8,
                region: None,
            },
            points: points
                .iter()
                .map(|&(h, price, available)| Point {
                    t: t(h),
                    price,
                    available,
                    lo: price,
                    hi: price,
                    listed: true,
                })
                .collect(),
        }
    }

    #[test]
    fn daily_lowest_median_and_hours_available() {
        let day0 = t(0).date_naive();
        let start_h = -(t(0) - day0.and_hms_opt(0, 0, 0).unwrap().and_utc()).num_hours();
        let s = series(&[
            (start_h, 2.0, true),
            (start_h + 6, 1.5, false),
            (start_h + 12, 1.8, true),
        ]);
        let days = daily(&[s], day0, t(start_h + 30));
        assert_eq!(days.len(), 2);
        assert_eq!(days[0].lowest, Some(1.8));
        assert_eq!(days[0].median, Some(1.9));
        assert_eq!(days[0].hours_available, 18.0);
        assert_eq!(days[1].hours_available, 6.0);
    }

    #[test]
    fn trend_arrow_and_sparkline() {
        assert_eq!(arrow(2.2, Some(2.0)), "↑10%");
        assert_eq!(arrow(1.8, Some(2.0)), "↓10%");
        assert_eq!(arrow(2.0, Some(2.0)), "→");
        assert_eq!(arrow(2.0, None), "");
        assert_eq!(sparkline(&[Some(1.0), None, Some(2.0)], 3), "▁·█");
    }

    #[test]
    fn view_takes_the_model_low_of_seven_days() {
        let s = series(&[(-300, 0.5, true), (-200, 2.0, true), (-30, 1.5, true)]);
        let v = view(&[s], t(0));
        assert_eq!(v.model_low["H100"], 1.5);
        assert_eq!(v.offers["p/1"].day_ago, Some(1.5));
        assert_eq!(v.offers["p/1"].buckets.len(), TREND_BUCKETS);
    }

    #[test]
    fn a_gone_offer_is_neither_seen_nor_available_nor_a_price_a_day_ago() {
        let day0 = t(0).date_naive();
        let midnight = -(t(0) - day0.and_hms_opt(0, 0, 0).unwrap().and_utc()).num_hours();
        let mut s = series(&[(midnight - 30, 2.0, true), (midnight - 20, 2.0, false)]);
        s.points[1].listed = false;
        let days = daily(std::slice::from_ref(&s), day0, t(midnight + 12));
        assert_eq!(days[0].offers, 0, "{days:?}");
        assert_eq!(days[0].hours_available, 0.0);
        assert_eq!(days[0].lowest, None);
        let v = view(&[s], t(midnight - 20 + 24));
        assert_eq!(v.offers["p/1"].day_ago, None);
    }
}
