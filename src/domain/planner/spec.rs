//! A job written in one word, as the filter's `fit:` term takes it:
//! `MODEL[@PRECISION][/CONTEXT]`, e.g. `llama-3.1-70b@fp8/32k`.

use super::memory::need;
use super::model::{closest, find};
use super::offers::Fit;
use super::{GB, Job, Precision};
use crate::api::Offer;

/// A context length: `32768`, `32k` (×1024) or `1m` (×1024²).
pub fn parse_context(text: &str) -> Option<u32> {
    let t = text.trim().to_lowercase();
    let (digits, unit) = match t.strip_suffix('k') {
        Some(d) => (d, 1024),
        None => match t.strip_suffix('m') {
            Some(d) => (d, 1024 * 1024),
            None => (t.as_str(), 1),
        },
    };
    let n: u32 = digits.parse().ok()?;
    n.checked_mul(unit).filter(|&c| c > 0)
}

/// The message for a model name the catalogue does not know, naming the closest ones.
pub fn unknown_model(name: &str) -> String {
    format!(
        "unknown model `{name}`; closest known: {}",
        closest(name, 3).join(", ")
    )
}

/// `MODEL[@PRECISION][/CONTEXT]` as a job (bf16 and 8,192 tokens when not given).
pub fn parse_job(spec: &str) -> Result<Job, String> {
    let (rest, context) = match spec.split_once('/') {
        Some((r, c)) => (
            r,
            Some(parse_context(c).ok_or_else(|| format!("`{c}` is not a context length"))?),
        ),
        None => (spec, None),
    };
    let (name, precision) = match rest.split_once('@') {
        Some((n, p)) => (
            n,
            Some(
                Precision::parse(p)
                    .ok_or_else(|| format!("`{p}` is not a precision (fp32, bf16, fp8, int4)"))?,
            ),
        ),
        None => (rest, None),
    };
    let entry = find(name).ok_or_else(|| unknown_model(name))?;
    let mut job = Job::new(entry.model());
    if let Some(p) = precision {
        job.precision = p;
    }
    if let Some(c) = context {
        job.context = c;
    }
    Ok(job)
}

/// GPU counts whose need is worked out in advance; larger offers are planned on the spot.
const PRECOMPUTED_GPUS: u32 = 64;

/// A job checked against many offers, quickly: each GPU count's need is computed once.
#[derive(Debug, Clone, PartialEq)]
pub struct FitCheck {
    pub job: Job,
    /// What each GPU needs, in bytes, for 1..=PRECOMPUTED_GPUS GPUs.
    per_gpu: Vec<f64>,
}

impl FitCheck {
    pub fn new(job: Job) -> Self {
        let per_gpu = (1..=PRECOMPUTED_GPUS)
            .map(|g| need(&job, g).total())
            .collect();
        FitCheck { job, per_gpu }
    }

    /// The verdict for `offer` (`None` when its memory is unknown), as [`super::plan_offer`]
    /// gives it.
    pub fn fit(&self, offer: &Offer) -> Option<Fit> {
        let gpus = offer.gpu_count.max(1);
        let need = match self.per_gpu.get(gpus as usize - 1) {
            Some(&n) => n,
            None => need(&self.job, gpus).total(),
        };
        let vram = offer
            .gpu_memory
            .filter(|v| v.is_finite() && *v > 0.0)
            .or_else(|| super::gpu_for(&offer.gpu_type, &offer.gpu_display).map(|g| g.vram_gb))?;
        Some(Fit::of(need, vram * GB))
    }
}

/// A job as one line the store keeps: `MODEL@PRECISION/CONTEXT kv:P batch:N task:T`.
pub fn job_spec(job: &Job) -> String {
    format!(
        "{}@{}/{} kv:{} batch:{} task:{}",
        job.model.name,
        job.precision.as_str(),
        job.context,
        job.kv_precision.as_str(),
        job.batch,
        job.task.as_str()
    )
}

/// A job from [`job_spec`]'s line.
pub fn job_from_spec(line: &str) -> Result<Job, String> {
    let mut words = line.split_whitespace();
    let mut job = parse_job(words.next().ok_or("an empty plan")?)?;
    for w in words {
        let (key, value) = w.split_once(':').ok_or_else(|| format!("`{w}`"))?;
        match key {
            "kv" => {
                job.kv_precision = Precision::parse(value).ok_or_else(|| format!("`{w}`"))?;
            }
            "batch" => {
                job.batch = value
                    .parse()
                    .ok()
                    .filter(|&b| b > 0)
                    .ok_or_else(|| format!("`{w}`"))?;
            }
            "task" => job.task = super::Task::parse(value).ok_or_else(|| format!("`{w}`"))?,
            _ => return Err(format!("`{w}`")),
        }
    }
    Ok(job)
}
