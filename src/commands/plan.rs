//! `plan`: a model planned onto every offer. What the job needs on one GPU (weights, KV cache,
//! overhead), then each deployable offer with its verdict, estimated tokens per second and cost
//! per million tokens, cheapest per token first (then per hour). Every page of offers is read,
//! with the account's discounts when a key is known.

use serde_json::{Map, Value, json};

use super::lists::output::{Cell, Column, Format, Records, col};
use super::lists::{Failure, Printed, load_offers, parse_filter};
use crate::api::{Client, Offer};
use crate::app::state::OffersView;
use crate::commands::cli::PlanArgs;
use crate::domain::cost::group_thousands;
use crate::domain::planner::memory::{ACTIVATION_SHARE, RUNTIME_BYTES_PER_GPU, need};
use crate::domain::planner::model::{Attention, by_hand, from_config};
use crate::domain::planner::offers::{DECODE_EFFICIENCY, OfferPlan, TRAINING_MFU, USABLE_SHARE};
use crate::domain::planner::{GB, Job, Task, find, rank, unknown_model};

/// The job `a` describes; a usage error when the model is unknown or its description incomplete.
pub fn job(a: &PlanArgs) -> Result<Job, Failure> {
    let usage = |m: String| Failure::Usage(m);
    let model = match (&a.model, &a.config, a.params) {
        (Some(name), None, None) => find(name)
            .ok_or_else(|| usage(unknown_model(name)))?
            .model(),
        (None, Some(path), params) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| usage(format!("--config {}: {e}", path.display())))?;
            let name = path
                .file_stem()
                .map_or("config".into(), |s| s.to_string_lossy().into_owned());
            from_config(&name, &text, params.map(|b| b * 1e9))
                .map_err(|e| usage(format!("--config {}: {e}", path.display())))?
        }
        (None, None, Some(params)) => match (a.layers, a.kv_heads, a.head_dim) {
            (Some(l), Some(k), Some(d)) => by_hand(params, l, k, d),
            _ => {
                return Err(usage(
                    "--params needs --layers, --kv-heads and --head-dim (or a --config)".into(),
                ));
            }
        },
        (None, None, None) => {
            return Err(usage(
                "give the model: --model NAME, --config FILE or --params B with --layers, --kv-heads, --head-dim"
                    .into(),
            ));
        }
        _ => {
            return Err(usage(
                "give the model one way: --model, --config or --params".into(),
            ));
        }
    };
    if !(a.params.is_none_or(|p| p.is_finite() && p > 0.0)) {
        return Err(usage(
            "--params must be a positive number of billions".into(),
        ));
    }
    Ok(Job {
        model,
        precision: a.precision,
        kv_precision: a.kv_precision,
        context: a.context,
        batch: a.batch,
        task: a.task,
    })
}

/// Read every page of offers (`limit` groups a page) and print the plan.
pub async fn run(client: &Client, a: &PlanArgs, limit: u32) -> Result<Printed, Failure> {
    let job = job(a)?;
    let filter = parse_filter(a.filter.as_deref())?;
    let view = OffersView {
        search_sent: filter.search_text(),
        instance_type: filter.single_type(),
        filter,
        ..OffersView::default()
    };
    let view = load_offers(client, view, limit).await?;
    let shown: Vec<Offer> = view.visible.iter().map(|&i| view.all[i].clone()).collect();
    let (deployable, left_out): (Vec<Offer>, Vec<Offer>) = shown
        .into_iter()
        .partition(|o| o.unavailable_reason().is_none());
    let ranked = rank(&job, &deployable);
    let records = records(&ranked);
    let text = match Format::from(a.output) {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&document(&job, &records)).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Csv => records.csv(),
        Format::Table => {
            let mut s = summary(&job);
            s.push('\n');
            s.push_str(&records.table());
            let mut unknown: Vec<String> = ranked
                .iter()
                .filter(|(p, _)| p.speed_unknown())
                .map(|(p, o)| p.gpu.map_or_else(|| o.gpu_type.clone(), |g| g.name.clone()))
                .collect();
            unknown.sort();
            unknown.dedup();
            if !unknown.is_empty() {
                s.push_str(&format!(
                    "speed unknown (not in the GPU table, or its bandwidth not confirmed): {}\n",
                    unknown.join(", ")
                ));
            }
            if !left_out.is_empty() {
                s.push_str(&format!(
                    "{} offer{} not deployable now (maintenance, unavailable, no region or no price) left out\n",
                    left_out.len(),
                    if left_out.len() == 1 { "" } else { "s" }
                ));
            }
            s
        }
    };
    // An offer missing from an incomplete list could have been the cheapest: say so.
    Ok(Printed::of(text, view.completeness()))
}

const COLUMNS: &[Column] = &[
    col("offerId", "OFFER ID"),
    col("gpu", "GPU"),
    col("gpuCount", "GPUS"),
    col("vramGb", "VRAM"),
    col("needGb", "NEED/GPU"),
    col("fit", "FIT"),
    col("tokensPerSecond", "EST TOK/S"),
    col("usdPerMillionTokens", "$/MTOK"),
    col("pricePerHour", "$/H"),
];

fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (v * f).round() / f
}

fn records(ranked: &[(OfferPlan, &Offer)]) -> Records {
    Records::of(COLUMNS, ranked, |(p, o)| {
        let gpu = p.gpu.map_or_else(
            || {
                if o.gpu_display.is_empty() {
                    o.gpu_type.clone()
                } else {
                    o.gpu_display.clone()
                }
            },
            |g| g.name.clone(),
        );
        vec![
            Cell::Text(o.offer_id.clone()),
            Cell::Text(gpu),
            Cell::Int(Some(u64::from(o.gpu_count))),
            Cell::Num(p.vram_gb),
            Cell::Num(Some(round(p.need_gb(), 2))),
            Cell::MaybeText(p.fit.map(|f| f.as_str().to_string())),
            Cell::Num(p.tokens_per_second.map(|t| round(t, 1))),
            Cell::Num(p.usd_per_million_tokens.map(|u| round(u, 4))),
            Cell::Usd(p.price_per_hour),
        ]
    })
}

/// The `--json` document: the job, its need on one GPU, and the ranked offers.
fn document(job: &Job, records: &Records) -> Value {
    let one = need(job, 1);
    let offers: Vec<Value> = records.objects();
    let mut doc = Map::new();
    doc.insert("model".into(), Value::from(job.model.name.as_str()));
    doc.insert("precision".into(), Value::from(job.precision.as_str()));
    doc.insert("context".into(), Value::from(job.context));
    doc.insert("batch".into(), Value::from(job.batch));
    doc.insert("needGb".into(), json!(round(one.total() / GB, 2)));
    doc.insert(
        "breakdown".into(),
        json!({
            "weightsGb": round(one.weights / GB, 2),
            "kvGb": round(one.kv / GB, 2),
            "overheadGb": round(one.overhead / GB, 2),
        }),
    );
    doc.insert("offers".into(), Value::Array(offers));
    Value::Object(doc)
}

fn thousands(n: u32) -> String {
    group_thousands(u64::from(n))
}

/// The lines above the table: the job, its need on one GPU, and how the estimates are made.
pub fn summary(job: &Job) -> String {
    let one = need(job, 1);
    let gb = |b: f64| format!("{:.1}", b / GB);
    let mut s = format!(
        "{} ({}) at {}, KV cache {}, {} tokens × {} sequence{}, {}\n",
        job.model.name,
        job.model.display,
        job.precision.as_str(),
        job.kv_precision.as_str(),
        thousands(job.context),
        job.batch,
        if job.batch == 1 { "" } else { "s" },
        job.task.as_str(),
    );
    let weights = if job.task == Task::Infer {
        "weights"
    } else {
        "weights, gradients and optimizer"
    };
    let kv = if job.task == Task::Infer {
        "KV cache"
    } else {
        "KV cache (none when training)"
    };
    s.push_str(&format!(
        "needs {} GB on one GPU: {weights} {} + {kv} {} + overhead {} (activations {:.0}% of the weights, {:.0} GB runtime per GPU)\n",
        gb(one.total()),
        gb(one.weights),
        gb(one.kv),
        gb(one.overhead),
        ACTIVATION_SHARE * 100.0,
        RUNTIME_BYTES_PER_GPU / GB,
    ));
    s.push_str(&format!(
        "fit: fits within {:.0}% of each GPU's memory (a serving engine's usable share), tight within 100%, no beyond; weights split over an offer's GPUs\n",
        USABLE_SHARE * 100.0
    ));
    if job.task == Task::Infer {
        s.push_str(&format!(
            "estimates: tok/s = decode over all sequences, memory bandwidth × {DECODE_EFFICIENCY} ÷ bytes read per token; $/Mtok = $/h ÷ (tok/s × 3600) × 10⁶\n"
        ));
    } else {
        s.push_str(&format!(
            "estimates: tok/s = training tokens, bf16 TFLOPS × {TRAINING_MFU} ÷ FLOPs per token; $/Mtok = $/h ÷ (tok/s × 3600) × 10⁶\n"
        ));
    }
    if let Some(max) = job.model.arch.max_context.filter(|&m| job.context > m) {
        s.push_str(&format!(
            "warning: {} tokens is beyond the model's {} (max_position_embeddings)\n",
            thousands(job.context),
            thousands(max)
        ));
    }
    if matches!(job.model.arch.attention, Attention::Latent { .. }) {
        s.push_str(
            "KV cache: multi-head latent attention, one latent per token and layer on every GPU\n",
        );
    }
    s
}
