//! The offers filter language: free words plus terms, applied locally as the user types.
//!
//! `h100 gpu:h100 provider:voltage-park type:spot region:us count>=8 vram>=80 price<3 gpuprice<2`
//! `fit:llama-3.1-70b@fp8/32k` (the model planner's verdict is `fits`: see [`FitCheck`])
//!
//! Words and `key:value` terms match case-insensitive substrings; numeric terms take
//! `< <= > >= =`. Terms of the same key are OR-ed (`provider:a provider:b`), different keys AND-ed.
//! Free words are also what is sent to the API as `search` (see [`OfferFilter::search_text`]).

use crate::api::{InstanceType, Offer};
use crate::domain::planner::{Fit, FitCheck, parse_job};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
}

impl Cmp {
    fn holds(self, left: f64, right: f64) -> bool {
        match self {
            Cmp::Lt => left < right,
            Cmp::Le => left <= right,
            Cmp::Gt => left > right,
            Cmp::Ge => left >= right,
            Cmp::Eq => (left - right).abs() < 1e-9,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumField {
    Count,
    Vram,
    Price,
    GpuPrice,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct OfferFilter {
    pub words: Vec<String>,
    pub gpu: Vec<String>,
    pub provider: Vec<String>,
    pub instance_type: Vec<String>,
    pub region: Vec<String>,
    pub numeric: Vec<(NumField, Cmp, f64)>,
    /// `fit:MODEL[@PRECISION][/CONTEXT]`: offers the job fits on (within the serving engine's
    /// usable share of each GPU's memory).
    pub fit: Vec<FitCheck>,
    /// Terms that could not be read, to show under the filter bar.
    pub errors: Vec<String>,
}

impl OfferFilter {
    pub fn parse(input: &str) -> Self {
        let mut f = OfferFilter::default();
        for tok in input.split_whitespace() {
            let lower = tok.to_lowercase();
            if let Some((field, cmp, rest)) = split_numeric(&lower) {
                match rest.trim_start_matches('$').parse::<f64>() {
                    Ok(v) if v.is_finite() => f.numeric.push((field, cmp, v)),
                    _ => f.errors.push(format!("`{tok}` not a number")),
                }
                continue;
            }
            if let Some(spec) = lower.strip_prefix("fit:") {
                match parse_job(spec) {
                    Ok(job) => f.fit.push(FitCheck::new(job)),
                    Err(e) => f.errors.push(format!("`{tok}`: {e}")),
                }
                continue;
            }
            if let Some((key, value)) = lower.split_once(':') {
                let list = match key {
                    "gpu" => &mut f.gpu,
                    "provider" | "p" => &mut f.provider,
                    "type" | "t" => &mut f.instance_type,
                    "region" | "r" => &mut f.region,
                    _ => {
                        f.errors.push(format!("`{tok}` unknown term"));
                        continue;
                    }
                };
                if value.is_empty() {
                    f.errors.push(format!("`{tok}` needs a value"));
                } else {
                    list.push(value.to_string());
                }
                continue;
            }
            f.words.push(lower);
        }
        f
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
            && self.gpu.is_empty()
            && self.provider.is_empty()
            && self.instance_type.is_empty()
            && self.region.is_empty()
            && self.numeric.is_empty()
            && self.fit.is_empty()
    }

    /// The one instance type the `type:` terms name, when they name exactly one known type:
    /// that is what `t` shows and what is asked of the API.
    pub fn single_type(&self) -> Option<InstanceType> {
        match self.instance_type.as_slice() {
            [one] => match InstanceType::parse(one) {
                InstanceType::Other(_) => None,
                t => Some(t),
            },
            _ => None,
        }
    }

    /// The free text, as sent to the API's `search` parameter (`None` when there is none).
    pub fn search_text(&self) -> Option<String> {
        (!self.words.is_empty()).then(|| self.words.join(" "))
    }

    pub fn matches(&self, o: &Offer) -> bool {
        self.matches_hay(o, &OfferHay::of(o))
    }

    /// [`OfferFilter::matches`] with the offer's lowercase text prepared once (per load, not
    /// per keystroke).
    pub fn matches_hay(&self, o: &Offer, hay: &OfferHay) -> bool {
        if !self.words.iter().all(|w| hay.all.contains(w.as_str())) {
            return false;
        }
        if !self.gpu.is_empty()
            && !self.gpu.iter().any(|g| {
                hay.gpu.contains(g.as_str()) || hay.gpu_compact.contains(&g.replace(['_', '-'], ""))
            })
        {
            return false;
        }
        if !any_contains(&self.provider, &hay.provider) {
            return false;
        }
        if !self.instance_type.is_empty()
            && !self.instance_type.iter().any(|v| {
                InstanceType::parse(v) == o.instance_type
                    || hay.instance_type.starts_with(v.as_str())
            })
        {
            return false;
        }
        if !any_contains(&self.region, &hay.regions) {
            return false;
        }
        if !self.fit.is_empty() && !self.fit.iter().any(|c| c.fit(o) == Some(Fit::Fits)) {
            return false;
        }
        self.numeric.iter().all(|&(field, cmp, v)| {
            let left = match field {
                NumField::Count => Some(f64::from(o.gpu_count)),
                NumField::Vram => o.gpu_memory,
                NumField::Price => o.hourly_rate(),
                NumField::GpuPrice => o.per_gpu_rate(),
            };
            left.is_some_and(|l| cmp.holds(l, v))
        })
    }
}

/// The terms the filter knows, shown once when a term could not be read.
pub const TERMS_HINT: &str =
    "terms: gpu: provider: type: region: fit:MODEL@PREC/CTX count vram price gpuprice";

/// `text` with its `type:` terms replaced by one for `ty` (none for `None`): how `t` writes the
/// instance type into the filter, so the two are one setting.
pub fn with_type(text: &str, ty: Option<&InstanceType>) -> String {
    let mut words: Vec<String> = text
        .split_whitespace()
        .filter(|w| {
            let l = w.to_lowercase();
            !(l.starts_with("type:") || l.starts_with("t:"))
        })
        .map(str::to_string)
        .collect();
    if let Some(t) = ty {
        words.push(format!("type:{}", t.as_str().to_lowercase()));
    }
    words.join(" ")
}

/// An offer's text, lowercased once, for matching as the user types.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OfferHay {
    gpu: String,
    gpu_compact: String,
    provider: String,
    instance_type: String,
    regions: String,
    /// Everything free words are matched against.
    all: String,
}

impl OfferHay {
    pub fn of(o: &Offer) -> Self {
        let gpu = format!(
            "{} {} {} {}",
            o.gpu_type,
            crate::domain::names::gpu_name(&o.gpu_type),
            o.gpu_display,
            o.name
        )
        .to_lowercase();
        let provider = o.provider.to_lowercase();
        let instance_type = o.instance_type.as_str().to_lowercase();
        let regions = o.regions().join(" ").to_lowercase();
        OfferHay {
            gpu_compact: gpu.replace(['_', '-', ' '], ""),
            all: format!("{gpu} {provider} {instance_type} {regions}"),
            gpu,
            provider,
            instance_type,
            regions,
        }
    }
}

fn any_contains(needles: &[String], hay: &str) -> bool {
    needles.is_empty() || needles.iter().any(|n| hay.contains(n.as_str()))
}

fn split_numeric(tok: &str) -> Option<(NumField, Cmp, &str)> {
    const FIELDS: [(&str, NumField); 8] = [
        ("gpuprice", NumField::GpuPrice),
        ("count", NumField::Count),
        ("gpus", NumField::Count),
        ("vram", NumField::Vram),
        ("price", NumField::Price),
        ("$/gpu", NumField::GpuPrice),
        ("gpu$", NumField::GpuPrice),
        ("mem", NumField::Vram),
    ];
    const OPS: [(&str, Cmp); 6] = [
        ("<=", Cmp::Le),
        (">=", Cmp::Ge),
        ("<", Cmp::Lt),
        (">", Cmp::Gt),
        ("==", Cmp::Eq),
        ("=", Cmp::Eq),
    ];
    FIELDS.iter().find_map(|(name, field)| {
        let rest = tok.strip_prefix(name)?;
        OPS.iter()
            .find_map(|(op, cmp)| rest.strip_prefix(op).map(|r| (*field, *cmp, r)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::decode;
    use serde_json::json;

    fn offer(v: serde_json::Value) -> Offer {
        let mut o: Offer = decode(v).unwrap();
        if o.gpu_display.is_empty() {
            o.gpu_display = "H100 SXM 80GB".into();
        }
        o
    }

    fn h100() -> Offer {
        offer(
            json!({"gpuType": "H100_80G", "provider": "voltage-park", "gpuCount": 8,
            "price": 20.0, "gpu_memory": 80, "instanceType": "CLUSTER",
            "clusters": ["us-central-1"]}),
        )
    }

    #[test]
    fn parses_every_term_of_the_language() {
        let f = OfferFilter::parse(
            "h100 gpu:h100 provider:voltage-park type:spot region:us count>=8 vram>=80 price<3 gpuprice<2",
        );
        assert_eq!(f.words, vec!["h100"]);
        assert_eq!(f.gpu, vec!["h100"]);
        assert_eq!(f.provider, vec!["voltage-park"]);
        assert_eq!(f.instance_type, vec!["spot"]);
        assert_eq!(f.region, vec!["us"]);
        assert_eq!(
            f.numeric,
            vec![
                (NumField::Count, Cmp::Ge, 8.0),
                (NumField::Vram, Cmp::Ge, 80.0),
                (NumField::Price, Cmp::Lt, 3.0),
                (NumField::GpuPrice, Cmp::Lt, 2.0),
            ]
        );
        assert!(f.errors.is_empty());
        assert_eq!(f.search_text().as_deref(), Some("h100"));
    }

    #[test]
    fn bad_terms_are_reported_not_dropped_silently() {
        let f = OfferFilter::parse("color:red price<abc");
        assert_eq!(f.errors.len(), 2);
        assert!(f.errors[0].contains("color:red") && f.errors[1].contains("price<abc"));
        assert!(f.is_empty());
    }

    #[test]
    fn type_terms_and_the_type_setting_are_one() {
        assert_eq!(
            OfferFilter::parse("h100 type:spot").single_type(),
            Some(InstanceType::Spot)
        );
        assert_eq!(
            OfferFilter::parse("type:spot type:cluster").single_type(),
            None
        );
        assert_eq!(OfferFilter::parse("type:weird").single_type(), None);
        assert_eq!(
            with_type("h100 type:spot count>=8", Some(&InstanceType::Dedicated)),
            "h100 count>=8 type:dedicated"
        );
        assert_eq!(with_type("T:spot h100", None), "h100");
    }

    #[test]
    fn matching_applies_each_term() {
        let o = h100();
        for (q, want) in [
            ("", true),
            ("h100", true),
            ("H100 voltage", true),
            ("a100", false),
            ("gpu:h100", true),
            ("gpu:h100_80g", true),
            ("provider:voltage", true),
            ("provider:sesterce", false),
            ("provider:sesterce provider:voltage", true),
            ("type:cluster", true),
            ("type:spot", false),
            ("region:us", true),
            ("region:fin", false),
            ("count>=8", true),
            ("count>8", false),
            ("vram>=80", true),
            ("price<20", false),
            ("price<=20", true),
            ("gpuprice<2.6", true),
            ("gpuprice<2.4", false),
        ] {
            assert_eq!(OfferFilter::parse(q).matches(&o), want, "{q}");
        }
    }

    #[test]
    fn fit_terms_keep_the_offers_a_model_fits_on() {
        let one = |count: u32| {
            offer(
                json!({"gpuType": "H100_SXM5", "gpuCount": count, "gpu_memory": 80,
                "price": 2.0 * f64::from(count), "clusters": ["r"]}),
            )
        };
        let f = OfferFilter::parse("fit:llama-3.1-70b@fp8/32k");
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        assert!(!f.is_empty());
        assert!(!f.matches(&one(1)), "70B fp8 32k is `no` on one 80 GB GPU");
        assert!(f.matches(&one(2)));
        assert!(OfferFilter::parse("fit:llama-3.1-8b").matches(&one(1)));
        // Same key: any of them.
        assert!(OfferFilter::parse("fit:llama-3.1-70b@fp8/32k fit:llama-3.1-8b").matches(&one(1)));
        let bad = OfferFilter::parse("fit:llama-9 fit:llama-3.1-8b@fp7 fit:llama-3.1-8b/abc");
        assert_eq!(bad.errors.len(), 3, "{:?}", bad.errors);
        assert!(bad.errors[0].contains("closest known"), "{}", bad.errors[0]);
    }

    #[test]
    fn unknown_vram_never_passes_a_vram_bound() {
        let o = offer(json!({"gpuCount": 1, "price": 1.0}));
        assert!(!OfferFilter::parse("vram>=1").matches(&o));
        assert!(OfferFilter::parse("count=1").matches(&o));
    }
}
