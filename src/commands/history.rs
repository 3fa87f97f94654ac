//! The price commands: `prices` (per day, the lowest and median $/GPU·h seen and the hours
//! available, from the local history) and `watch add|list|rm`. Offers loads are recorded by
//! the dashboard and by `guard run`; [`record_load`] is what both call.

use chrono::{Duration, Utc};
use clap::{Args, Subcommand};

use crate::api::{ApiError, Client, Completeness, Gap, Listing, Offer, OffersQuery};
use crate::commands::context::Ctx;
use crate::domain::history::{self, Coverage, DaySummary, PriceObservation, daily};
use crate::domain::names::gpu_name;
use crate::domain::volume_rules::same_provider;
use crate::domain::watch::{WatchSpec, names_gpu};
use crate::exit::{FAILURE as EXIT_FAILED, OK as EXIT_OK, USAGE as EXIT_USAGE};
use crate::store::{StoreHandle, history::CAP_BYTES};

#[derive(Debug, Clone, Args)]
pub struct PricesArgs {
    /// Part of the GPU model, any case: `h100`, `a100`, `4090`.
    #[arg(long)]
    pub gpu: String,
    /// How many days back, today included (1–90).
    #[arg(
        long,
        default_value_t = 7,
        allow_negative_numbers = true,
        value_parser = parse_days
    )]
    pub days: u32,
    /// One JSON array instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Subcommand)]
pub enum WatchCommand {
    /// Watch for an offer: announced (bell, message, desktop notification) once each time one
    /// starts matching, by the dashboard or by `guard run`.
    Add(WatchAddArgs),
    /// List the watches.
    List,
    /// Remove a watch.
    Rm {
        /// The watch id (from `watch list`).
        id: i64,
    },
}

#[derive(Debug, Clone, Args)]
pub struct WatchAddArgs {
    /// Part of the GPU model, any case: `h100`.
    #[arg(long)]
    pub gpu: String,
    /// Highest $/GPU·h.
    #[arg(long, value_name = "USD", value_parser = crate::domain::guard::parse_usd)]
    pub max_gpu_price: f64,
    /// Instance type: spot, dedicated or cluster.
    #[arg(long = "type", value_name = "TYPE", value_parser = ["spot", "dedicated", "cluster"])]
    pub instance_type: Option<String>,
    /// Fewest GPUs.
    #[arg(long, value_name = "N")]
    pub count: Option<u32>,
    /// Only offers of this provider (as the Offers pane names it: `voltage-park`).
    #[arg(long)]
    pub provider: Option<String>,
    /// Only offers in this region, as the tables show it (`culpeper-usa-1`) or as the API
    /// sends it (`166e655a:culpeper-usa-1`).
    #[arg(long)]
    pub region: Option<String>,
}

/// `--days`: a whole number from 1 to 90, said as such whatever was typed (`-1`, `0`, `week`).
fn parse_days(s: &str) -> Result<u32, String> {
    match s.trim().parse::<i64>() {
        Ok(n) if (1..=90).contains(&n) => Ok(n as u32),
        _ => Err("the number of days, 1 to 90 (today included)".into()),
    }
}

/// Every page of offers (what one load is), and whether every offer of them was read.
pub async fn fetch_all_offers(client: &Client) -> Result<Listing<Offer>, ApiError> {
    let mut out = Vec::new();
    let mut unreadable = 0;
    let mut page = 1;
    loop {
        let q = OffersQuery {
            page: Some(page),
            limit: Some(crate::app::offers::PAGE_LIMIT),
            ..OffersQuery::default()
        };
        let answer = client.gpu_offers(&q).await?;
        unreadable += answer.unreadable;
        out.extend(answer.groups.into_iter().flat_map(|g| g.offers));
        if u64::from(page) >= answer.total_pages.max(1) {
            return Ok(Listing {
                items: out,
                pages: page,
                completeness: Completeness::with(Gap::Unreadable(unreadable)),
            });
        }
        page += 1;
    }
}

/// Record one load in the history (and compact it at most once an hour: `compact` holds when
/// it last ran).
pub async fn record_load(
    store: &StoreHandle,
    now: chrono::DateTime<Utc>,
    obs: Vec<PriceObservation>,
    coverage: Coverage,
    compact: bool,
) -> Result<usize, crate::store::StoreError> {
    store
        .call(move |s| {
            let n = s.record_prices(now, &obs, coverage)?;
            if compact {
                s.compact_history(now, CAP_BYTES)?;
            }
            Ok(n)
        })
        .await
}

/// `prices --gpu G [--days N] [--json]`.
pub async fn prices(ctx: &Ctx, a: &PricesArgs) -> u8 {
    if !(1..=90).contains(&a.days) {
        ctx.err("error: --days must be between 1 and 90");
        return EXIT_USAGE;
    }
    let gpu = a.gpu.trim().to_string();
    if gpu.is_empty() {
        ctx.err("error: --gpu is empty");
        return EXIT_USAGE;
    }
    let now = (ctx.clock)();
    let first = now.date_naive() - Duration::days(i64::from(a.days) - 1);
    // From the first day, or from 7 days back when that is earlier: the rolling 7-day low is
    // said beside the days (the dashboard's "7d low" column).
    let since = first
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc()
        .min(now - Duration::days(history::TREND_DAYS));
    let key = gpu.clone();
    let series = match ctx.store.call(move |s| s.price_history(&key, since)).await {
        Ok(s) => s,
        Err(e) => {
            ctx.err(&format!("error: {e}"));
            return EXIT_FAILED;
        }
    };
    if series.is_empty() {
        // A name no model has is a usage error naming the models, as `watch add --gpu` says.
        if let Err(code) = check_gpu_model(ctx, &gpu).await {
            return code;
        }
        ctx.err(&format!(
            "error: no price history for `{gpu}` yet: the dashboard and `guard run` record it as they load offers"
        ));
        return EXIT_FAILED;
    }
    let days: Vec<DaySummary> = daily(&series, first, now);
    if a.json {
        match serde_json::to_string_pretty(&days) {
            Ok(s) => ctx.out(&s),
            Err(e) => {
                ctx.err(&format!("error: {e}"));
                return EXIT_FAILED;
            }
        }
        return EXIT_OK;
    }
    let mut models: Vec<String> = series
        .iter()
        .map(|s| gpu_name(&s.offer.gpu_model))
        .collect();
    models.sort_unstable();
    models.dedup();
    ctx.out(&format!(
        "{} ({} offers), $/GPU·h per UTC day",
        models.join(", "),
        series.len()
    ));
    ctx.out(&format!(
        "{:<10} {:>8} {:>8} {:>10} {:>7}",
        "DAY", "LOWEST", "MEDIAN", "AVAILABLE", "OFFERS"
    ));
    let usd = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{v:.2}"));
    for d in days {
        ctx.out(&format!(
            "{:<10} {:>8} {:>8} {:>9.1}h {:>7}",
            d.date.format("%Y-%m-%d"),
            usd(d.lowest),
            usd(d.median),
            d.hours_available,
            d.offers
        ));
    }
    // The dashboard's "7d low" is a rolling 168 hours, not these calendar days: said apart.
    let mut lows: Vec<(String, f64)> = history::view(&series, now)
        .model_low
        .into_iter()
        .map(|(m, low)| (gpu_name(&m), low))
        .collect();
    lows.sort_by(|a, b| a.0.cmp(&b.0));
    let lows: Vec<String> = lows
        .iter()
        .map(|(m, low)| format!("{m} {}", usd(Some(*low))))
        .collect();
    ctx.out(&format!(
        "7d low (of the available offers in the last 168 hours, rolling, as the dashboard's column): {}",
        joined(&lows, "none available")
    ));
    EXIT_OK
}

/// `items` joined with commas, or `none` when there is none.
fn joined(items: &[String], none: &str) -> String {
    if items.is_empty() {
        none.to_string()
    } else {
        items.join(", ")
    }
}

/// `watch add --gpu G`: G must name a GPU model the watch can match, among the offers listed
/// now or the models of the price history. Refused (usage, exit 2) naming the known models when
/// the offers were read; when they could not be read and the history does not know G either,
/// refused with the reason (exit 1): a watch on a model nobody can check is not kept silently.
async fn check_gpu_model(ctx: &Ctx, gpu: &str) -> Result<(), u8> {
    let recorded = ctx
        .store
        .call(|s| s.recorded_gpu_models())
        .await
        .unwrap_or_default();
    if recorded.iter().any(|m| names_gpu(gpu, m)) {
        return Ok(());
    }
    let offers = match fetch_all_offers(&ctx.client).await {
        Ok(l) => l,
        Err(e) => {
            ctx.err(&format!(
                "error: `{gpu}` could not be checked against the GPU models offered: {e}"
            ));
            return Err(EXIT_FAILED);
        }
    };
    let mut known: Vec<(String, String)> = offers
        .items
        .iter()
        .map(|o| (o.gpu_type.clone(), gpu_name(&o.gpu_type)))
        .chain(recorded.into_iter().map(|m| (m, String::new())))
        .collect();
    if known.iter().any(|(id, _)| names_gpu(gpu, id)) {
        return Ok(());
    }
    known.sort_by_key(|(id, _)| id.to_lowercase());
    known.dedup_by(|a, b| a.0.eq_ignore_ascii_case(&b.0));
    let names: Vec<String> = known
        .iter()
        .map(|(id, display)| match display.is_empty() || display == id {
            true => id.clone(),
            false => format!("{id} ({display})"),
        })
        .collect();
    ctx.err(&format!(
        "error: no GPU model matches `{gpu}`; the known models are: {}",
        joined(&names, "none listed")
    ));
    if !offers.is_complete() {
        ctx.err(
            "note: the offers list was read incomplete; the model may be among what was not read",
        );
    }
    Err(EXIT_USAGE)
}

/// `watch add --provider P`: P must be a provider of the platform's providers list, or another
/// name of one (`verda` is `data-crunch`). Refused (usage, exit 2) naming the listed providers;
/// when the list cannot be read, refused with the reason (exit 1): a watch that can never match
/// is not kept silently. The provider by the list's name (what the dashboard shows).
async fn check_provider(ctx: &Ctx, provider: &str) -> Result<String, u8> {
    let listed = match ctx.client.providers().await {
        Ok(l) => l,
        Err(e) => {
            ctx.err(&format!(
                "error: `{provider}` could not be checked against the providers list: {e}"
            ));
            return Err(EXIT_FAILED);
        }
    };
    if let Some(p) = listed.iter().find(|p| same_provider(p, provider)) {
        return Ok(p.clone());
    }
    ctx.err(&format!(
        "error: no provider is called `{provider}`; the providers are: {}",
        joined(&listed, "none listed")
    ));
    Err(EXIT_USAGE)
}

/// `watch add|list|rm`.
pub async fn watch(ctx: &Ctx, cmd: &WatchCommand) -> u8 {
    match cmd {
        WatchCommand::Add(a) => {
            let gpu = a.gpu.trim().to_string();
            if gpu.is_empty() {
                ctx.err("error: --gpu is empty");
                return EXIT_USAGE;
            }
            if let Err(code) = check_gpu_model(ctx, &gpu).await {
                return code;
            }
            let provider = match a.provider.as_deref().map(str::trim) {
                Some(p) if !p.is_empty() => match check_provider(ctx, p).await {
                    Ok(listed) => Some(listed),
                    Err(code) => return code,
                },
                _ => None,
            };
            let spec = WatchSpec {
                gpu,
                max_gpu_price: a.max_gpu_price,
                instance_type: a.instance_type.as_ref().map(|t| t.to_ascii_uppercase()),
                min_count: a.count,
                provider,
                region: a.region.clone().filter(|r| !r.trim().is_empty()),
            };
            let now = (ctx.clock)();
            let stored = spec.clone();
            match ctx.store.call(move |s| s.add_watch(&stored, now)).await {
                Ok(id) => {
                    ctx.out(&format!("watch {id} added: {spec}"));
                    ctx.out(
                        "it is announced while the dashboard or `spheron-tui guard run` is running",
                    );
                    EXIT_OK
                }
                Err(e) => {
                    ctx.err(&format!("error: {e}"));
                    EXIT_FAILED
                }
            }
        }
        WatchCommand::List => match ctx.store.call(|s| s.watches()).await {
            Ok(w) if w.is_empty() => {
                ctx.out("no watches");
                EXIT_OK
            }
            Ok(w) => {
                ctx.out(&format!("{:>4}  {:<60} SET", "ID", "WATCH"));
                for w in w {
                    ctx.out(&format!(
                        "{:>4}  {:<60} {}",
                        w.id,
                        w.spec.to_string(),
                        crate::domain::clock::date_time(w.created_at, ctx.local_offset)
                    ));
                }
                EXIT_OK
            }
            Err(e) => {
                ctx.err(&format!("error: {e}"));
                EXIT_FAILED
            }
        },
        WatchCommand::Rm { id } => {
            let id = *id;
            match ctx.store.call(move |s| s.remove_watch(id)).await {
                Ok(true) => {
                    ctx.out(&format!("watch {id} removed"));
                    EXIT_OK
                }
                Ok(false) => {
                    ctx.err(&format!("error: no watch {id}"));
                    EXIT_FAILED
                }
                Err(e) => {
                    ctx.err(&format!("error: {e}"));
                    EXIT_FAILED
                }
            }
        }
    }
}
