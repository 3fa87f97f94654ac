//! The headless spend-guard commands: `guard add|list|rm|ack-loss|run|service`. Rules live in the local store;
//! `guard run` feeds the pure engine ([`crate::domain::guard_engine`]) from the same pollers as
//! the dashboard.

pub mod args;
pub mod notify;
pub mod service;

use crate::api::{ApiError, Deployment};
use crate::commands::context::Ctx;
use crate::domain::guard::{FAR_AHEAD, GuardRule, format_countdown, parse_at};
use crate::exit::{FAILURE as EXIT_FAILED, OK as EXIT_OK, USAGE as EXIT_USAGE};
use crate::runtime::usage::{Instances, idle_note};
use crate::store::StoredRule;
use args::{GuardAddArgs, GuardCommand};

/// `guard add|list|rm|ack-loss` (`run` is [`run_until_signal`], with its ticks and signals);
/// `instances` is where an idle rule's readings come from (what `add` says of them).
pub async fn guard(ctx: &Ctx, cmd: &GuardCommand, instances: &Instances) -> u8 {
    match cmd {
        GuardCommand::Add(a) => add(ctx, a, instances).await,
        GuardCommand::List => list(ctx).await,
        GuardCommand::Rm { deployment_id } => rm(ctx, deployment_id).await,
        GuardCommand::Snooze {
            deployment_id,
            duration,
        } => snooze(ctx, deployment_id, *duration).await,
        GuardCommand::AckLoss => ack_loss(ctx).await,
        GuardCommand::Run { .. } | GuardCommand::Service { .. } => {
            ctx.err("error: `guard run` and `guard service` run from the command line only");
            EXIT_USAGE
        }
    }
}

async fn add(ctx: &Ctx, a: &GuardAddArgs, instances: &Instances) -> u8 {
    let now = (ctx.clock)();
    let id = a.deployment_id.trim().to_string();
    let (rule, spec) = if let Some(d) = a.after {
        (
            GuardRule::after(d, now),
            format!("--after {}", format_countdown(d.num_seconds())),
        )
    } else if let Some(at) = &a.at {
        // The zone's rules, not only today's offset: a change of the clocks before it counts.
        match parse_at(at, now, &ctx.zone()) {
            Ok(t) if t - now > FAR_AHEAD && !a.force => {
                ctx.err(&format!(
                    "error: --at {at} is {} days ahead ({}), more than a year: give --force if you mean it",
                    (t - now).num_days(),
                    crate::domain::clock::date_time(t, ctx.local_offset)
                ));
                return EXIT_USAGE;
            }
            Ok(t) => (GuardRule::Deadline(t), format!("--at {at}")),
            Err(e) => {
                ctx.err(&format!("error: --at: {e}"));
                return EXIT_USAGE;
            }
        }
    } else if let Some(usd) = a.max_spend {
        (GuardRule::MaxSpend(usd), format!("--max-spend {usd:.2}"))
    } else if let Some(window) = a.idle {
        if let Err(e) = crate::domain::idle::check_window(window) {
            ctx.err(&format!("error: --idle: {e}"));
            return EXIT_USAGE;
        }
        let below_pct = a.below.unwrap_or(crate::domain::idle::DEFAULT_BELOW);
        (
            GuardRule::Idle { window, below_pct },
            format!(
                "--idle {} --below {below_pct}",
                format_countdown(window.num_seconds())
            ),
        )
    } else {
        ctx.err("error: give one of --after, --at, --max-spend, --idle");
        return EXIT_USAGE;
    };
    if id.is_empty() {
        ctx.err("error: the deployment id is empty");
        return EXIT_USAGE;
    }
    let d = match find_deployment(ctx, &id).await {
        Ok(d) => d,
        Err(e) => {
            let why = match &e {
                ApiError::NotFound { .. } => format!("deployment {id} was not found"),
                _ => format!("could not check deployment {id}: {e}"),
            };
            ctx.err(&format!("error: {why}; no guard was stored"));
            return EXIT_FAILED;
        }
    };
    if !d.status.is_active() {
        ctx.err(&format!(
            "error: deployment {id} is {} (not active); no guard was stored",
            d.status
        ));
        return EXIT_FAILED;
    }
    let stored = StoredRule {
        deployment_id: id.clone(),
        rule: rule.clone(),
        spec: spec.clone(),
        created_at: now,
    };
    // The rule it replaces, read and replaced in one store call.
    let replaced = ctx
        .store
        .call(move |s| {
            let old = s
                .rules()?
                .into_iter()
                .find(|r| r.deployment_id == stored.deployment_id);
            s.put_rule(&stored)?;
            Ok(old)
        })
        .await;
    let replaced = match replaced {
        Ok(old) => old,
        Err(e) => {
            ctx.err(&format!("error: {e}"));
            return EXIT_FAILED;
        }
    };
    let name = if d.name.is_empty() {
        id.clone()
    } else {
        format!("{} ({id})", d.name)
    };
    let rate = crate::domain::cost::usd_h(d.hourly_rate);
    ctx.out(&format!(
        "guard set on {name}, {rate}: terminate {} ({spec})",
        rule_local(&rule, ctx.local_offset)
    ));
    if let Some(old) = replaced {
        ctx.out(&format!(
            "it replaces the rule set {}: terminate {} ({})",
            crate::domain::clock::date_time(old.created_at, ctx.local_offset),
            rule_local(&old.rule, ctx.local_offset),
            old.spec
        ));
    }
    if let GuardRule::MaxSpend(max) = rule
        && let Some(spent) = d.spent(now).filter(|s| *s >= max)
    {
        ctx.out(&format!(
            "note: it has already spent {}: it will be terminated as soon as the guard runs",
            crate::domain::cost::usd(spent)
        ));
    }
    if matches!(rule, GuardRule::Idle { .. }) {
        let host = crate::domain::ssh::ssh_endpoint(&d).map(|(h, _)| h);
        ctx.out(crate::domain::idle::COUNTED_FROM_NOW);
        ctx.out(&idle_note(instances, &ctx.client, host.as_deref()));
    }
    ctx.out("the guard acts only while the dashboard or `spheron-tui guard run` is running");
    EXIT_OK
}

/// The deployment `id` of any of the user's teams: read by id, else found in every team's
/// list (a read by id may hold the current team's only).
async fn find_deployment(ctx: &Ctx, id: &str) -> Result<Deployment, ApiError> {
    match ctx.client.deployment(id).await {
        Err(ApiError::NotFound { .. }) => {
            let guess = ctx.team_guess().await;
            let (teams, list) = ctx.client.deployments_across_teams(None, &guess).await?;
            ctx.remember_teams(&teams, &guess).await;
            list.into_iter()
                .find(|d| d.id == id)
                .ok_or_else(|| ApiError::NotFound {
                    message: format!("Deployment {id} not found"),
                    code: None,
                })
        }
        other => other,
    }
}

/// Say each store loss the user has not acknowledged (on stderr); whether there was one.
/// A loss that cannot be read is said as such and counts as one.
pub async fn say_losses(ctx: &Ctx, prefix: &str) -> bool {
    match ctx.store.call(|s| s.unacknowledged_losses()).await {
        Ok(losses) if losses.is_empty() => false,
        Ok(losses) => {
            for l in &losses {
                ctx.err(&format!("{prefix}: {}", l.text()));
            }
            ctx.err(&format!(
                "{prefix}: check the rules below and the old file, then run `spheron-tui guard ack-loss` (until then `guard list` exits 1)"
            ));
            true
        }
        Err(e) => {
            ctx.err(&format!(
                "{prefix}: whether the local store was lost is unknown: {e}"
            ));
            true
        }
    }
}

async fn ack_loss(ctx: &Ctx) -> u8 {
    let now = (ctx.clock)();
    match ctx.store.call(move |s| s.acknowledge_losses(now)).await {
        Ok(0) => {
            ctx.out("no store loss to acknowledge");
            EXIT_OK
        }
        Ok(n) => {
            ctx.out(&format!(
                "acknowledged {n} store loss{}: `guard list` exits 0 again",
                if n == 1 { "" } else { "es" }
            ));
            EXIT_OK
        }
        Err(e) => {
            ctx.err(&format!("error: {e}"));
            EXIT_FAILED
        }
    }
}

/// `guard list`: exits 1 while a store loss is not acknowledged (its rules may be fewer than
/// the user set), and when the rules cannot be read.
async fn list(ctx: &Ctx) -> u8 {
    let lost = say_losses(ctx, "error").await;
    let code = if lost { EXIT_FAILED } else { EXIT_OK };
    let rules = match ctx.store.call(|s| s.rules()).await {
        Ok(r) => r,
        Err(e) => {
            ctx.err(&format!("error: {e}"));
            return EXIT_FAILED;
        }
    };
    if rules.is_empty() {
        ctx.out("no guard rules");
        return code;
    }
    // The rules whose DELETE keeps failing (an enforcer keeps trying them).
    let failing: std::collections::HashMap<String, crate::store::Failing> =
        match ctx.store.call(|s| s.rules_failing()).await {
            Ok(f) => f.into_iter().collect(),
            Err(e) => {
                ctx.err(&format!(
                    "warning: whether a DELETE is failing is unknown: {e}"
                ));
                Default::default()
            }
        };
    let now = (ctx.clock)();
    let names = deployment_names(ctx).await;
    let name_of = |id: &str| match names.get(id) {
        Some(n) if n.is_empty() => "(no name)".to_string(),
        Some(n) => n.clone(),
        None => UNKNOWN_NAME.to_string(),
    };
    let wide = rules
        .iter()
        .map(|r| name_of(&r.deployment_id).chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    ctx.out(&format!(
        "{:<28} {:<wide$} {:<40} {:<10} SET",
        "DEPLOYMENT", "NAME", "RULE", "LEFT"
    ));
    for r in rules {
        let left = match r.rule {
            GuardRule::Deadline(at) => format_countdown((at - now).num_seconds()),
            GuardRule::MaxSpend(_) | GuardRule::Idle { .. } => "-".into(),
        };
        ctx.out(&format!(
            "{:<28} {:<wide$} {:<40} {:<10} {}",
            r.deployment_id,
            name_of(&r.deployment_id),
            rule_local(&r.rule, ctx.local_offset),
            left,
            crate::domain::clock::date_time(r.created_at, ctx.local_offset)
        ));
        if let Some(f) = failing.get(&r.deployment_id) {
            let what =
                crate::domain::guard_engine::failing_text(f.failures, f.next_try, ctx.local_offset);
            ctx.out(&format!("  {what}"));
        }
    }
    code
}

/// What `guard list` says of a deployment the account's list does not show (or that could not
/// be read): its name is not guessed.
const UNKNOWN_NAME: &str = "(name unknown)";

/// The names of the deployments of every team, by id: one read of the lists, as `guard add`
/// finds a deployment. A failed read is said on stderr and leaves every name unknown.
async fn deployment_names(ctx: &Ctx) -> std::collections::HashMap<String, String> {
    let guess = ctx.team_guess().await;
    match ctx.client.deployments_across_teams(None, &guess).await {
        Ok((teams, list)) => {
            ctx.remember_teams(&teams, &guess).await;
            list.items.into_iter().map(|d| (d.id, d.name)).collect()
        }
        Err(e) => {
            ctx.err(&format!("warning: deployment names unknown: {e}"));
            Default::default()
        }
    }
}

/// The deployment `id` as a message names it: `llm-finetune (dep_…)`; where its name cannot be
/// read, the id and why.
async fn named(ctx: &Ctx, id: &str) -> String {
    match find_deployment(ctx, id).await {
        Ok(d) if !d.name.is_empty() => format!("{} ({id})", d.name),
        Ok(_) => id.to_string(),
        Err(e) => format!("{id} (its name could not be read: {e})"),
    }
}

async fn rm(ctx: &Ctx, id: &str) -> u8 {
    let key = id.trim().to_string();
    match ctx.store.call(move |s| s.remove_rule(&key)).await {
        Ok(true) => {
            ctx.out(&format!(
                "guard removed from {}",
                named(ctx, id.trim()).await
            ));
            EXIT_OK
        }
        Ok(false) => {
            ctx.err(&format!("error: no guard on {id}"));
            EXIT_FAILED
        }
        Err(e) => {
            ctx.err(&format!("error: {e}"));
            EXIT_FAILED
        }
    }
}

/// `guard snooze ID [--for 1h]`: the idle rule waits at least that long.
async fn snooze(ctx: &Ctx, id: &str, duration: Option<chrono::Duration>) -> u8 {
    let key = id.trim().to_string();
    let d = duration.unwrap_or(crate::app::guard::SNOOZE);
    let now = (ctx.clock)();
    let until = now + d;
    match ctx.store.call(move |s| s.snooze_rule(&key, until)).await {
        Ok(true) => {
            ctx.out(&format!(
                "idle rule of {} snoozed until {} (not terminated before then)",
                named(ctx, id.trim()).await,
                crate::domain::clock::clock(until, ctx.local_offset, now)
            ));
            EXIT_OK
        }
        Ok(false) => {
            ctx.err(&format!("error: {id} has no idle rule"));
            EXIT_FAILED
        }
        Err(e) => {
            ctx.err(&format!("error: {e}"));
            EXIT_FAILED
        }
    }
}

/// `guard run`: ticks once a second until SIGINT (130), SIGTERM (143), SIGHUP (129) or
/// SIGQUIT (131).
pub async fn run_until_signal(ctx: Ctx, dry_run: bool, instances: Instances) -> u8 {
    let mut signals = crate::runtime::signals::Signals::new();
    let mut every = tokio::time::interval(std::time::Duration::from_secs(1));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    // The rules it enforces may be fewer than the user set: said first, on stderr.
    say_losses(&ctx, "WARNING").await;
    let mut runner =
        crate::runtime::worker::Runner::new(ctx, dry_run, "guard run").with_instances(instances);
    let ending = loop {
        // A signal ends the loop at once, even in the middle of a request.
        tokio::select! {
            sig = signals.recv() => break sig,
            _ = every.tick() => {
                tokio::select! {
                    _ = runner.step() => {}
                    sig = signals.recv() => break sig,
                }
            }
        }
    };
    // Given up at once, so the next enforcer need not wait for it to expire.
    runner.release().await;
    ending.code()
}

/// A rule as a person reads it: a deadline in local time with its zone.
fn rule_local(rule: &GuardRule, offset: chrono::FixedOffset) -> String {
    match rule {
        GuardRule::Deadline(at) => format!("at {}", crate::domain::clock::date_time(*at, offset)),
        other => other.to_string(),
    }
}
