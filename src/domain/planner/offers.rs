//! A job on an offer: the verdict (`fits` / `tight` / `no`), the estimated speed and the cost per
//! million tokens, and the ranking of many offers by that cost.

use std::cmp::Ordering;
use std::collections::HashMap;

use super::gpus::{GpuSpec, gpu_for};
use super::memory::{Need, need};
use super::{GB, Job, Task};
use crate::api::Offer;

/// The share of a GPU's memory a serving engine lets itself use: vLLM's `gpu_memory_utilization`
/// defaults to 0.9 (the rest is left for the CUDA graphs and other processes).
pub const USABLE_SHARE: f64 = 0.9;

/// The share of peak memory bandwidth decoding achieves. Decoding one token reads the active
/// weights and the KV cache once, so it is bandwidth-bound; llmfit's estimator uses 0.55.
pub const DECODE_EFFICIENCY: f64 = 0.55;

/// The share of peak bf16 throughput training achieves (model FLOPs utilisation): PaLM reports
/// 46% (Chowdhery et al. 2022, §4); 0.40 is kept.
pub const TRAINING_MFU: f64 = 0.40;

/// Training FLOPs per parameter and token: 6 for full training (forward 2, backward 4; Kaplan et
/// al. 2020); LoRA skips the frozen weights' gradients, about 4.
pub const FULL_TRAINING_FLOPS_PER_PARAM: f64 = 6.0;
pub const LORA_TRAINING_FLOPS_PER_PARAM: f64 = 4.0;

/// Whether a job's per-GPU need fits an offer's per-GPU memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fit {
    /// Within the usable share of the memory.
    Fits,
    /// Above the usable share, but within the whole memory: it may load, with little room.
    Tight,
    /// Beyond the memory.
    No,
}

impl Fit {
    pub fn of(need_bytes: f64, vram_bytes: f64) -> Fit {
        if need_bytes <= vram_bytes * USABLE_SHARE {
            Fit::Fits
        } else if need_bytes <= vram_bytes {
            Fit::Tight
        } else {
            Fit::No
        }
    }

    /// The verdict in words: `fits`, `tight`, `does not fit`.
    pub fn in_words(self) -> &'static str {
        match self {
            Fit::No => "does not fit",
            other => other.as_str(),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Fit::Fits => "fits",
            Fit::Tight => "tight",
            Fit::No => "no",
        }
    }
}

/// A job on one offer.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferPlan {
    /// What each GPU must hold (weights split over the offer's GPUs, their KV heads, overheads).
    pub need: Need,
    /// Memory per GPU: the offer's report, else the GPU table's; `None` when neither says.
    pub vram_gb: Option<f64>,
    /// `None` when the memory is unknown.
    pub fit: Option<Fit>,
    /// The GPU table's entry, `None` when the offer's GPU is not in it.
    pub gpu: Option<&'static GpuSpec>,
    /// Estimated tokens per second over all sequences (decode for inference, training tokens for
    /// fine-tuning); `None` when it does not fit or the GPU's figures are unknown.
    pub tokens_per_second: Option<f64>,
    /// `None` when the price or the speed is unknown.
    pub usd_per_million_tokens: Option<f64>,
    pub price_per_hour: Option<f64>,
}

impl OfferPlan {
    pub fn need_gb(&self) -> f64 {
        self.need.total() / GB
    }

    /// `fits 90/160 GB`: the verdict, and what all of an offer's `gpus` GPUs need against
    /// their memory; `None` when the memory is unknown.
    pub fn fit_text(&self, gpus: u32) -> Option<String> {
        let gpus = f64::from(gpus.max(1));
        Some(format!(
            "{} {:.0}/{:.0} GB",
            self.fit?.as_str(),
            self.need_gb() * gpus,
            self.vram_gb? * gpus
        ))
    }

    /// The plan on one offer as the deploy summaries (the wizard's, `deploy`'s) say it:
    /// `llama-3.1-70b fp8 32k: fits 84/94 GB · est. 45 tok/s · est. $1.20/Mtok`, the verdict
    /// in words (fits, tight, does not fit).
    pub fn summary_text(&self, job: &Job, gpus: u32) -> String {
        let n = f64::from(gpus.max(1));
        let verdict = match (self.fit, self.vram_gb) {
            (Some(f), Some(vram)) => format!(
                "{} {:.0}/{:.0} GB",
                f.in_words(),
                self.need_gb() * n,
                vram * n
            ),
            _ => "memory unknown".to_string(),
        };
        let mut s = format!("{}: {verdict}", job.label());
        if self.tokens_per_second.is_some() {
            s.push_str(&format!(" · est. {} tok/s", self.speed_text()));
        }
        if let Some(c) = self.usd_per_million_tokens {
            s.push_str(&format!(" · est. {}/Mtok", crate::domain::cost::usd(c)));
        }
        s
    }

    /// The estimated speed as the dashboard prints it: `45`, `8.4`; `unknown` where the job
    /// fits but the GPU's figures are not known; `–` where it does not fit.
    pub fn speed_text(&self) -> String {
        match (self.tokens_per_second, self.fit) {
            (Some(t), _) if t >= 10.0 => format!("{t:.0}"),
            (Some(t), _) => format!("{t:.1}"),
            (None, Some(Fit::Fits | Fit::Tight)) => "unknown".into(),
            (None, _) => "–".into(),
        }
    }

    /// Whether the job fits but its speed cannot be estimated (the GPU is not in the table, or
    /// its figures are not confirmed).
    pub fn speed_unknown(&self) -> bool {
        self.tokens_per_second.is_none() && matches!(self.fit, Some(Fit::Fits | Fit::Tight))
    }
}

/// The figures of one offer the plan depends on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OfferFacts<'a> {
    pub gpu_count: u32,
    pub reported_vram_gb: Option<f64>,
    pub gpu: Option<&'a GpuSpec>,
    pub price_per_hour: Option<f64>,
}

impl OfferFacts<'static> {
    pub fn of(offer: &Offer) -> Self {
        OfferFacts {
            gpu: gpu_for(&offer.gpu_type, &offer.gpu_display),
            ..Self::of_without_gpu(offer)
        }
    }

    fn of_without_gpu(offer: &Offer) -> Self {
        OfferFacts {
            gpu_count: offer.gpu_count.max(1),
            reported_vram_gb: offer.gpu_memory.filter(|v| v.is_finite() && *v > 0.0),
            gpu: None,
            price_per_hour: offer.hourly_rate(),
        }
    }
}

/// `job` on an offer described by `facts`, given what each GPU needs for that GPU count.
pub fn plan_facts(job: &Job, facts: OfferFacts<'static>, need: Need) -> OfferPlan {
    let vram_gb = facts
        .reported_vram_gb
        .or_else(|| facts.gpu.map(|g| g.vram_gb));
    let fit = vram_gb.map(|v| Fit::of(need.total(), v * GB));
    let gpus = f64::from(facts.gpu_count);
    let tokens_per_second = match (fit, facts.gpu) {
        (Some(Fit::Fits | Fit::Tight), Some(gpu)) => match job.task {
            Task::Infer => gpu.bandwidth_gbs.map(|bw| {
                // One decode step reads this GPU's share of the active weights and its KV cache,
                // and yields one token for each sequence.
                let active = job.model.active_params * job.precision.bytes() / gpus;
                f64::from(job.batch) * bw * GB * DECODE_EFFICIENCY / (active + need.kv)
            }),
            Task::FinetuneFull | Task::FinetuneLora => gpu.bf16_tflops.map(|tf| {
                let per_param = if job.task == Task::FinetuneFull {
                    FULL_TRAINING_FLOPS_PER_PARAM
                } else {
                    LORA_TRAINING_FLOPS_PER_PARAM
                };
                gpus * tf * 1e12 * TRAINING_MFU / (per_param * job.model.active_params)
            }),
        },
        _ => None,
    };
    let usd_per_million_tokens = match (tokens_per_second, facts.price_per_hour) {
        (Some(t), Some(p)) if t > 0.0 => Some(p / (t * 3600.0) * 1e6),
        _ => None,
    };
    OfferPlan {
        need,
        vram_gb,
        fit,
        gpu: facts.gpu,
        tokens_per_second,
        usd_per_million_tokens,
        price_per_hour: facts.price_per_hour,
    }
}

/// `job` on one offer.
pub fn plan_offer(job: &Job, offer: &Offer) -> OfferPlan {
    let facts = OfferFacts::of(offer);
    plan_facts(job, facts, need(job, facts.gpu_count))
}

/// Plans many offers at once, computing each GPU count's need and each GPU type's table entry
/// once (offers share a handful of each).
#[derive(Debug, Default)]
pub struct Planner<'a> {
    needs: HashMap<u32, Need>,
    gpus: HashMap<(&'a str, &'a str), Option<&'static GpuSpec>>,
}

impl<'a> Planner<'a> {
    pub fn plan(&mut self, job: &Job, offer: &'a Offer) -> OfferPlan {
        let gpu_count = offer.gpu_count.max(1);
        let need = *self
            .needs
            .entry(gpu_count)
            .or_insert_with(|| need(job, gpu_count));
        let key = (offer.gpu_type.as_str(), offer.gpu_display.as_str());
        let gpu = *self
            .gpus
            .entry(key)
            .or_insert_with(|| gpu_for(&offer.gpu_type, &offer.gpu_display));
        let facts = OfferFacts {
            gpu,
            ..OfferFacts::of_without_gpu(offer)
        };
        plan_facts(job, facts, need)
    }
}

/// Known amounts in order, unknown after all of them.
fn known_first(a: Option<f64>, b: Option<f64>) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// The order offers are ranked in: those the job fits on, then the tight ones, then the rest
/// (a serving engine refuses to start where the usable share is exceeded, so a tight offer is
/// never the cheapest way to serve); within each, cheapest per million tokens first, then
/// cheapest per hour, then by offer id; unknown amounts last.
pub fn rank_order(a: (&OfferPlan, &Offer), b: (&OfferPlan, &Offer)) -> Ordering {
    let group = |p: &OfferPlan| match p.fit {
        Some(Fit::Fits) => 0,
        Some(Fit::Tight) => 1,
        _ => 2,
    };
    group(a.0)
        .cmp(&group(b.0))
        .then_with(|| known_first(a.0.usd_per_million_tokens, b.0.usd_per_million_tokens))
        .then_with(|| known_first(a.0.price_per_hour, b.0.price_per_hour))
        .then_with(|| a.1.offer_id.cmp(&b.1.offer_id))
}

/// Every offer with its plan, ranked by [`rank_order`].
pub fn rank<'a>(job: &Job, offers: &'a [Offer]) -> Vec<(OfferPlan, &'a Offer)> {
    let mut planner = Planner::default();
    let mut planned: Vec<(OfferPlan, &Offer)> =
        offers.iter().map(|o| (planner.plan(job, o), o)).collect();
    planned.sort_by(|a, b| rank_order((&a.0, a.1), (&b.0, b.1)));
    planned
}
