//! Price watches, pure: what a watch asks for, whether an offer matches it, and the episodes
//! (a watch is announced when it starts matching, and again only after it stopped).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::api::Offer;
use crate::domain::history::Coverage;
use crate::domain::names::{gpu_name, region_label};

/// A stored watch.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Watch {
    pub id: i64,
    #[serde(flatten)]
    pub spec: WatchSpec,
    pub created_at: DateTime<Utc>,
}

/// What a watch asks for.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WatchSpec {
    /// Part of the GPU model, any case (`h100` matches `H100_SXM5`).
    pub gpu: String,
    /// Highest $/GPU·h.
    pub max_gpu_price: f64,
    /// `SPOT`, `DEDICATED`, `CLUSTER`; any when unset.
    pub instance_type: Option<String>,
    /// Fewest GPUs.
    pub min_count: Option<u32>,
    pub provider: Option<String>,
    pub region: Option<String>,
}

fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether a watch's GPU text names this GPU model (any case, spaces and dashes ignored, a part
/// is enough): the one test [`WatchSpec::matches`] and `watch add` use.
pub fn names_gpu(gpu: &str, model: &str) -> bool {
    norm(model).contains(&norm(gpu))
}

impl WatchSpec {
    /// Pre-filled from an offer: its model, type, GPU count, provider and region, at its
    /// current $/GPU·h.
    pub fn from_offer(o: &Offer) -> WatchSpec {
        WatchSpec {
            gpu: o.gpu_type.clone(),
            max_gpu_price: o
                .per_gpu_rate()
                .map_or(0.0, |p| (p * 100.0).round() / 100.0),
            instance_type: Some(o.instance_type.as_str().to_string()),
            min_count: Some(o.gpu_count),
            provider: Some(o.provider.clone()).filter(|p| !p.is_empty()),
            region: o.regions().first().map(|r| r.to_string()),
        }
    }

    pub fn matches(&self, o: &Offer) -> bool {
        let eq = |want: &Option<String>, have: &str| {
            want.as_deref().is_none_or(|w| w.eq_ignore_ascii_case(have))
        };
        o.available
            && !o.maintenance
            && names_gpu(&self.gpu, &o.gpu_type)
            && o.per_gpu_rate()
                .is_some_and(|p| p <= self.max_gpu_price + 1e-9)
            && eq(&self.instance_type, o.instance_type.as_str())
            && self.min_count.is_none_or(|n| o.gpu_count >= n)
            // one provider known by two names (`verda`, `data-crunch`) is one provider
            && self
                .provider
                .as_deref()
                .is_none_or(|p| super::volume_rules::same_provider(p, &o.provider))
            && self
                .region
                .as_deref()
                .is_none_or(|r| o.regions().iter().any(|x| Self::names_region(r, x)))
    }

    /// Whether a watch's region names an offer's: the region as the API sends it
    /// (`166e655a:culpeper-usa-1`) or as the dashboard shows it (`culpeper-usa-1`), any case.
    pub fn names_region(wanted: &str, region: &str) -> bool {
        region.eq_ignore_ascii_case(wanted) || region_label(region).eq_ignore_ascii_case(wanted)
    }
}

impl std::fmt::Display for WatchSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The GPU as the panes name it (`rtx-4090` → RTX 4090, `h100` → H100); `--json` and
        // the store keep the text as given.
        write!(
            f,
            "{} ≤ ${:.2}/GPU·h",
            gpu_name(&self.gpu),
            self.max_gpu_price
        )?;
        if let Some(t) = &self.instance_type {
            write!(f, " {t}")?;
        }
        if let Some(n) = self.min_count {
            write!(f, " ≥{n} GPU{}", if n == 1 { "" } else { "s" })?;
        }
        if let Some(p) = &self.provider {
            write!(f, " at {p}")?;
        }
        if let Some(r) = &self.region {
            write!(f, " in {}", region_label(r))?;
        }
        Ok(())
    }
}

/// A watch that matches a load.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub watch_id: i64,
    /// e.g. `watch 3 (H100 ≤ $2.00/GPU·h): 2 offers, lowest $1.85/GPU·h at acme (8× H100 SXM5)`.
    pub text: String,
}

/// Every watch that some offer of `offers` matches, with what to announce.
pub fn matching(watches: &[Watch], offers: &[Offer]) -> Vec<Hit> {
    let mut hits = Vec::new();
    for w in watches {
        let found: Vec<&Offer> = offers.iter().filter(|o| w.spec.matches(o)).collect();
        let Some(best) = found.iter().min_by(|a, b| {
            let p = |o: &Offer| o.per_gpu_rate().unwrap_or(f64::INFINITY);
            p(a).total_cmp(&p(b))
        }) else {
            continue;
        };
        let n = found.len();
        hits.push(Hit {
            watch_id: w.id,
            text: format!(
                "watch {} ({}): {n} offer{} match, lowest ${:.2}/GPU·h at {} ({}× {})",
                w.id,
                w.spec,
                if n == 1 { "" } else { "s" },
                best.per_gpu_rate().unwrap_or_default(),
                best.provider,
                best.gpu_count,
                gpu_name(&best.gpu_type)
            ),
        });
    }
    hits
}

/// Which watches match, as this process last saw them (the rows and watches it marks). Whether
/// a match starts an episode, and so is announced, is the store's to say: it is shared by every
/// process and outlives a restart ([`crate::store::Store::watch_episodes`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Episodes {
    matching: BTreeSet<i64>,
}

impl Episodes {
    /// Take the watches a load matched: a complete load says which match now; a filtered one
    /// only adds (it cannot tell that a watch stopped matching).
    pub fn observe(&mut self, hits: &[Hit], coverage: Coverage) {
        if coverage == Coverage::Complete {
            self.matching.clear();
        }
        self.matching.extend(hits.iter().map(|h| h.watch_id));
    }

    /// Watches `changed` (new, or with new terms) were matched against the offers loaded now:
    /// their marks follow `hits`, whatever the last load said; a watch not in `kept` (removed)
    /// loses its mark.
    pub fn rematch(&mut self, changed: &[i64], hits: &[Hit], kept: &[i64]) {
        self.matching
            .retain(|id| kept.contains(id) && !changed.contains(id));
        self.matching.extend(hits.iter().map(|h| h.watch_id));
    }

    pub fn is_matching(&self, id: i64) -> bool {
        self.matching.contains(&id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::InstanceType;

    fn offer(price: f64) -> Offer {
        Offer {
            provider: "acme".into(),
            offer_id: "o1".into(),
            gpu_type: "H100_SXM5".into(),
            gpu_count: 8,
            price: Some(price * 8.0),
            available: true,
            instance_type: InstanceType::Spot,
            region: Some("us-east".into()),
            ..Offer::default()
        }
    }

    fn watch() -> Watch {
        Watch {
            id: 1,
            spec: WatchSpec {
                gpu: "h100".into(),
                max_gpu_price: 2.0,
                instance_type: Some("spot".into()),
                min_count: Some(8),
                ..WatchSpec::default()
            },
            created_at: crate::demo::test_epoch(),
        }
    }

    #[test]
    fn a_load_names_each_matching_watch_with_its_lowest_offer() {
        let w = [watch()];
        let hits = matching(&w, &[offer(2.5), offer(1.95), offer(1.99)]);
        assert_eq!(hits.len(), 1);
        assert!(
            hits[0]
                .text
                .contains("2 offers match, lowest $1.95/GPU·h at acme"),
            "{}",
            hits[0].text
        );
        assert!(matching(&w, &[offer(2.5)]).is_empty());
        let mut e = Episodes::default();
        e.observe(&hits, Coverage::Complete);
        assert!(e.is_matching(1));
        e.observe(&[], Coverage::Partial);
        assert!(e.is_matching(1), "a filtered load does not end a match");
        e.observe(&[], Coverage::Complete);
        assert!(!e.is_matching(1));
    }

    #[test]
    fn every_condition_counts() {
        let w = watch().spec;
        assert!(w.matches(&offer(2.0)));
        assert!(!w.matches(&offer(2.01)));
        let mut o = offer(1.0);
        o.available = false;
        assert!(!w.matches(&o));
        let mut o = offer(1.0);
        o.gpu_count = 4;
        assert!(!w.matches(&o));
        let mut o = offer(1.0);
        o.instance_type = InstanceType::Dedicated;
        assert!(!w.matches(&o));
        let mut o = offer(1.0);
        o.gpu_type = "A100".into();
        assert!(!w.matches(&o));
        let f = WatchSpec::from_offer(&offer(1.9));
        assert!(f.matches(&offer(1.9)));
        assert_eq!(f.region.as_deref(), Some("us-east"));
    }

    #[test]
    fn a_region_matches_as_sent_or_as_shown() {
        let mut o = offer(1.0);
        o.region = Some("166e655a:culpeper-usa-1".into());
        let mut w = watch().spec;
        for r in [
            "166e655a:culpeper-usa-1",
            "culpeper-usa-1",
            "Culpeper-USA-1",
        ] {
            w.region = Some(r.into());
            assert!(w.matches(&o), "{r}");
        }
        w.region = Some("culpeper".into());
        assert!(!w.matches(&o), "a part of a region is not the region");
        w.region = Some("166e655a:culpeper-usa-1".into());
        assert_eq!(
            w.to_string(),
            "H100 ≤ $2.00/GPU·h spot ≥8 GPUs in culpeper-usa-1"
        );
    }

    #[test]
    fn a_provider_known_by_two_names_is_matched_by_either() {
        let mut w = watch().spec;
        let mut o = offer(1.5);
        o.provider = "verda".into();
        w.provider = Some("data-crunch".into());
        assert!(w.matches(&o));
        o.provider = "Data-Crunch".into();
        w.provider = Some("verda".into());
        assert!(w.matches(&o));
        w.provider = Some("sesterce".into());
        assert!(!w.matches(&o));
    }
}
