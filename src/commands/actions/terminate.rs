//! `terminate NAME|ID|GLOB… [--yes]` and `rename NAME|ID NEW_NAME`. Terminate runs the dialog's
//! flow: `can-terminate` first for each (too early: the minutes left, and no DELETE at all),
//! what is lost and what was spent, one confirm listing them all with their total $/h, then
//! one DELETE each; a guarded deployment's rule is removed once a read by id shows it ended.

use super::args::{RenameArgs, TerminateArgs};
use super::{
    Env, Exit, Needs, account, account_and_deployment, fail, intent, label, print_json, record,
    refuse_read_only, resolve,
};
use crate::api::teams::Teams;
use crate::api::{CanTerminate, Deployment};
use crate::app::dialogs::confirm::Spend;
use crate::app::dialogs::terminate::{
    Check, LOSS, blocked_text, check_of, fate_text, volume_fates,
};
use crate::commands::context::Ctx;
use crate::domain::cost::{duration_short, usd_h, usd_opt};
use crate::exit::{FAILURE, OK, TIMED_OUT, USAGE};

/// `*` any run of characters, `?` one: a name pattern.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// The deployments the arguments name: ids and exact names resolve one each (an ambiguous
/// name is refused); a pattern with `*` or `?` takes every active deployment whose name it
/// matches (and must match one).
fn targets(list: &[Deployment], teams: &Teams, args: &[String]) -> Result<Vec<Deployment>, String> {
    let mut out: Vec<Deployment> = Vec::new();
    for a in args {
        let found: Vec<&Deployment> = if a.contains(['*', '?']) {
            let m: Vec<&Deployment> = list
                .iter()
                .filter(|d| d.status.is_active() && glob_match(a, &d.name))
                .collect();
            if m.is_empty() {
                return Err(format!("no active deployment's name matches {a:?}"));
            }
            m
        } else {
            vec![resolve(list, teams, a)?]
        };
        for d in found {
            if !out.iter().any(|x| x.id == d.id) {
                out.push(d.clone());
            }
        }
    }
    Ok(out)
}

/// The deployments a `terminate` names, read with the account, and what can-terminate said of
/// each live one.
struct Checked {
    state: crate::app::AppState,
    ended: Vec<Deployment>,
    live: Vec<Deployment>,
    /// The live ones the platform said no for, with its answer.
    blocked: Vec<(Deployment, CanTerminate)>,
}

/// The account, the deployments `a` names and can-terminate for each live one. `Err`: the exit
/// code, already explained.
async fn check(ctx: &Ctx, env: &Env, a: &TerminateArgs) -> Result<Checked, Exit> {
    let needs = Needs {
        volumes: true,
        ..Needs::default()
    };
    let (state, teams) = account(ctx, env, needs).await?;
    let chosen = targets(&state.deployments.items, &teams, &a.deployments)
        .map_err(|e| fail(ctx, USAGE, &e))?;
    let (ended, live): (Vec<Deployment>, Vec<Deployment>) =
        chosen.into_iter().partition(|d| d.status.is_terminal());
    for d in &ended {
        ctx.err(&format!(
            "{} has already ended ({}): nothing to terminate",
            label(d),
            d.status
        ));
    }
    if live.is_empty() {
        return Err(if ended.is_empty() { USAGE } else { FAILURE });
    }
    // can-terminate for each, before anything is sent. Only a "no" stops it: when the answer
    // does not say, or the check fails, the DELETE is sent (once confirmed) and decides.
    let mut blocked = Vec::new();
    for d in &live {
        let unsaid = match check_of(ctx.client.can_terminate(&d.id).await) {
            Check::Allowed(_) | Check::Pending | Check::Anyway => None,
            Check::Blocked(b) => {
                blocked.push((d.clone(), b));
                None
            }
            Check::Unsaid(_) => Some("its answer to can-terminate does not say".to_string()),
            Check::Failed(why) => Some(format!("can-terminate failed: {why}")),
        };
        if let Some(why) = unsaid {
            ctx.err(&format!(
                "{}: the platform did not say whether it can be terminated yet ({why}); the DELETE is sent anyway and the platform's answer decides",
                label(d)
            ));
        }
    }
    Ok(Checked {
        state,
        ended,
        live,
        blocked,
    })
}

/// How long until every "no" in `blocked` is past the minimum runtime, when every one is that
/// (its time remaining said); `None` when a block is of another kind.
fn time_left(blocked: &[(Deployment, CanTerminate)]) -> Option<std::time::Duration> {
    let mut longest = 0.0_f64;
    for (_, b) in blocked {
        let m = b.time_remaining.filter(|m| *m > 0.0 && m.is_finite())?;
        longest = longest.max(m);
    }
    Some(std::time::Duration::from_secs_f64(longest * 60.0))
}

/// `--when-allowed`: while the platform says the minimum runtime has not passed, wait and ask
/// can-terminate again (every 5 minutes at most while more than two remain, then at the poll
/// interval, at least 10 s),
/// saying how long remains on stderr (a countdown on a terminal). Nothing else is sent. `Ok`
/// once no deployment is refused for its runtime any more (its can-terminate says yes, or
/// does not say: the check before the DELETE decides); `Err`: the exit code, said — a refusal
/// of another kind (1), or a wait that would end after `deadline` (124).
async fn wait_out(
    ctx: &Ctx,
    mut blocked: Vec<(Deployment, CanTerminate)>,
    deadline: tokio::time::Instant,
) -> Result<(), Exit> {
    use std::io::IsTerminal;
    let interval = ctx
        .poll_interval
        .max(std::time::Duration::from_secs(crate::config::MIN_POLL_SECS));
    let secs = |d: std::time::Duration| duration_short(d.as_secs().try_into().unwrap_or(i64::MAX));
    let terminal = std::io::stderr().is_terminal();
    let mut said = String::new();
    while !blocked.is_empty() {
        let Some(left) = time_left(&blocked) else {
            for (d, b) in &blocked {
                ctx.err(&format!("error: {}: {}", label(d), blocked_text(b)));
            }
            return Err(fail(ctx, FAILURE, "nothing was terminated"));
        };
        let text: Vec<String> = blocked
            .iter()
            .map(|(d, b)| format!("{}: {}", label(d), blocked_text(b)))
            .collect();
        let text = text.join("\n");
        let now = tokio::time::Instant::now();
        if now + left > deadline {
            ctx.err(&text);
            return Err(fail(
                ctx,
                TIMED_OUT,
                &format!(
                    "waiting {} more for the minimum runtime would pass the --timeout; nothing was terminated",
                    secs(left)
                ),
            ));
        }
        if text != said {
            if terminal && !said.is_empty() {
                eprintln!();
            }
            ctx.err(&text);
            if said.is_empty() {
                ctx.err(&format!(
                    "waiting (--when-allowed): can-terminate is asked again as the time nears (every {} in the last two minutes); nothing else is sent, Ctrl-C stops",
                    secs(interval)
                ));
            }
            said = text;
        }
        // Far from the end, the platform's minutes are trusted (asked again at most every 5
        // minutes, a minute before they run out); near it, at the poll interval.
        let nap = if left > std::time::Duration::from_secs(120) {
            (left - std::time::Duration::from_secs(60))
                .min(std::time::Duration::from_secs(300))
                .max(interval)
        } else {
            (left + std::time::Duration::from_secs(3)).min(interval)
        };
        if terminal {
            countdown(now + nap, &secs).await;
        } else {
            tokio::time::sleep(nap).await;
        }
        let mut still = Vec::new();
        for (d, _) in blocked {
            if let Check::Blocked(b) = check_of(ctx.client.can_terminate(&d.id).await) {
                still.push((d, b));
            }
        }
        blocked = still;
    }
    if terminal {
        eprintln!();
    }
    Ok(())
}

/// `\r`-rewritten seconds left until `until`, on a terminal's stderr.
async fn countdown(until: tokio::time::Instant, secs: &impl Fn(std::time::Duration) -> String) {
    use std::io::Write as _;
    loop {
        let now = tokio::time::Instant::now();
        if now >= until {
            return;
        }
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\rasking again in {}   ", secs(until - now));
        let _ = err.flush();
        drop(err);
        tokio::time::sleep((until - now).min(std::time::Duration::from_secs(1))).await;
    }
}

/// `terminate …`.
pub async fn terminate(ctx: &Ctx, env: &Env, a: &TerminateArgs) -> Exit {
    if let Err(code) = refuse_read_only(ctx, "the terminate") {
        return code;
    }
    let deadline = tokio::time::Instant::now() + a.timeout.to_std().unwrap_or_default();
    let Checked {
        state, ended, live, ..
    } = loop {
        let checked = match check(ctx, env, a).await {
            Ok(c) => c,
            Err(code) => return code,
        };
        if checked.blocked.is_empty() {
            break checked;
        }
        if a.when_allowed && time_left(&checked.blocked).is_some() {
            // then everything is read and checked again, as on a first run
            if let Err(code) = wait_out(ctx, checked.blocked, deadline).await {
                return code;
            }
            continue;
        }
        for (d, b) in &checked.blocked {
            ctx.err(&format!("error: {}: {}", label(d), blocked_text(b)));
        }
        return fail(ctx, FAILURE, "nothing was terminated");
    };
    let now = state.now;
    let say = |line: &str| if a.json { ctx.err(line) } else { ctx.out(line) };
    for d in &live {
        say(&format!(
            "Terminate {}: {}×{} · {} · up {} · spent {} (at {})",
            label(d),
            d.gpu_type,
            d.gpu_count.max(1),
            d.instance_type,
            d.uptime_secs(now).map_or("–".into(), duration_short),
            usd_opt(d.spent(now)),
            usd_h(d.hourly_rate)
        ));
        let fates = volume_fates(&state, &d.id);
        if fates.is_empty() {
            say("  No volume is attached.");
        }
        for v in &fates {
            say(&format!(
                "  Volume {} {} {}.",
                v.name,
                usd_h(v.per_hour),
                fate_text(v, "`spheron-tui volume detach`")
            ));
        }
    }
    for l in LOSS {
        say(l);
    }
    let total: Option<f64> = live.iter().map(|d| d.hourly_rate).sum();
    let now = crate::app::volume_access::spend_now(&state);
    let offer_rate = crate::app::spend::offer_rate(&state);
    let spend = Spend {
        now,
        after: live.iter().fold(now, |after, d| {
            after.minus(d.hourly_rate.or_else(|| offer_rate(d)))
        }),
    };
    say(&format!("{:<13}{}", "Spend", spend.text()));
    if let Some(why) = spend.after.note() {
        say(&format!("{:<13}({why})", ""));
    }
    let question = match live.as_slice() {
        [one] => format!("Terminate {} ({})?", label(one), usd_h(one.hourly_rate)),
        many => format!(
            "Terminate these {} deployments ({} in all)?",
            many.len(),
            usd_h(total)
        ),
    };
    if let Err(code) = super::confirm(ctx, env, &question, a.yes) {
        return code;
    }
    let mut code = if ended.is_empty() { OK } else { FAILURE };
    let mut results = Vec::new();
    for d in &live {
        let path = format!("/api/deployments/{}", d.id);
        let row = intent(
            ctx,
            "DELETE",
            &path,
            Some(d.id.clone()),
            &d.name,
            d.hourly_rate,
        )
        .await;
        let answer = ctx.client.terminate_deployment(&d.id).await;
        let result = answer.as_ref().map(drop).map_err(|e| e.to_string());
        record(
            ctx,
            row,
            "DELETE",
            format!("/api/deployments/{}", d.id),
            (Some(d.id.clone()), &d.name),
            &result,
            d.hourly_rate,
        )
        .await;
        let mut guard_rule = None;
        match &answer {
            Ok(_) => {
                say(&format!("Terminated {}: it stopped billing.", label(d)));
                guard_rule = end_guard_rule(ctx, d, &say).await;
            }
            Err(e) => {
                code = FAILURE;
                let why = match e.termination_blocked() {
                    Some(b) => blocked_text(&b),
                    None => e.to_string(),
                };
                ctx.err(&format!(
                    "error: {}: {why} Nothing was terminated.",
                    label(d)
                ));
            }
        }
        results.push(serde_json::json!({
            "id": d.id, "name": d.name,
            "terminated": answer.is_ok(),
            "error": answer.as_ref().err().map(|e| e.to_string()),
            "guardRule": guard_rule,
        }));
    }
    if a.json {
        print_json(ctx, &serde_json::Value::Array(results));
    }
    code
}

/// After an accepted DELETE, the deployment's guard rule (if it has one) ends as the guard
/// ends one: on proof, a read by id that shows it ended (or a 404). Without that proof the rule
/// stays, and the guard settles it when it reads the deployment ended. What became of the
/// rule: `None` when there was none, else `removed` or `kept`.
async fn end_guard_rule(ctx: &Ctx, d: &Deployment, say: &impl Fn(&str)) -> Option<&'static str> {
    let id = d.id.clone();
    let has_rule = match ctx.store.call(move |s| s.rules()).await {
        Ok(rules) => rules.iter().any(|r| r.deployment_id == id),
        Err(e) => {
            ctx.err(&format!(
                "warning: the guard rules could not be read ({e}): a rule for {} stays until \
                 the guard reads it ended",
                label(d)
            ));
            return Some("kept");
        }
    };
    if !has_rule {
        return None;
    }
    let ended = match ctx.client.deployment(&d.id).await {
        Ok(now) if now.status.is_terminal() => format!("ended ({})", now.status),
        Err(crate::api::ApiError::NotFound { .. }) => "no longer exists (404)".to_string(),
        Ok(now) => {
            say(&format!(
                "  Its guard rule stays until the guard reads it ended (it reads {} now).",
                now.status
            ));
            return Some("kept");
        }
        Err(e) => {
            say(&format!(
                "  Its guard rule stays until the guard reads it ended (the read failed: {e})."
            ));
            return Some("kept");
        }
    };
    let key = d.id.clone();
    match ctx.store.call(move |s| s.remove_rule(&key)).await {
        Ok(_) => {
            say(&format!(
                "  {}: deployment {ended}; guard rule removed.",
                label(d)
            ));
            Some("removed")
        }
        Err(e) => {
            ctx.err(&format!(
                "warning: {}: deployment {ended}, but its guard rule could not be removed ({e}); \
             `spheron-tui guard rm {}` removes it",
                label(d),
                d.id
            ));
            Some("kept")
        }
    }
}

/// `rename …`.
pub async fn rename(ctx: &Ctx, env: &Env, a: &RenameArgs) -> Exit {
    let new = a.new_name.trim();
    if new.is_empty() {
        return fail(ctx, USAGE, "the new name is empty");
    }
    if let Err(e) = crate::domain::deploy::check_name(new) {
        return fail(ctx, USAGE, &e.to_string());
    }
    if let Err(code) = refuse_read_only(ctx, "the rename") {
        return code;
    }
    let (_, _, d) = match account_and_deployment(ctx, env, Needs::default(), &a.deployment).await {
        Ok(x) => x,
        Err(code) => return code,
    };
    let path = format!("/api/deployments/{}", d.id);
    let row = intent(
        ctx,
        "PATCH",
        &path,
        Some(d.id.clone()),
        &d.name,
        d.hourly_rate,
    )
    .await;
    let answer = ctx.client.rename_deployment(&d.id, new).await;
    let result = answer.as_ref().map(drop).map_err(|e| e.to_string());
    record(
        ctx,
        row,
        "PATCH",
        format!("/api/deployments/{}", d.id),
        (Some(d.id.clone()), &d.name),
        &result,
        d.hourly_rate,
    )
    .await;
    match answer {
        Ok(renamed) => {
            if a.json {
                print_json(ctx, &super::deploy::deployment_json(&renamed));
            } else {
                ctx.out(&format!("Renamed {} to {new}", label(&d)));
            }
            OK
        }
        Err(e) => fail(ctx, FAILURE, &format!("rename {}: {e}", label(&d))),
    }
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        assert!(glob_match("train-*", "train-7"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "ac"));
        assert!(glob_match("*-x*", "run-x8"));
        assert!(!glob_match("train-*", "test-7"));
    }
}
