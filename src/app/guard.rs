//! The spend guard as the dashboard sees it: what the enforcer task reports (notices, the
//! countdown or spend left per guarded deployment, who enforces). The enforcement itself runs in
//! the runtime (`runtime::guard`) on the pure engine; here it is only shown.

use std::collections::BTreeMap;

use super::action::Command;
use super::state::{AppState, FlashKind};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct GuardView {
    /// Deployment id → `⏱1h05m` / `$3.20 left`, for guarded deployments.
    pub rows: BTreeMap<String, String>,
    /// Deployment id → its rule as the enforcer holds it (for the deployment's details).
    pub rules: BTreeMap<String, crate::domain::guard::StoredRule>,
    /// Another process enforces the guard (its label); `None` when this one does or none.
    pub other_enforcer: Option<String>,
    /// The local UTC offset, for `18:00` in the guard dialog (set by the runtime; UTC if unset).
    pub local_offset: Option<chrono::FixedOffset>,
    /// Deployments whose idle rule warned, unanswered: any key on the row snoozes it.
    pub idle_warned: std::collections::BTreeSet<String>,
    /// The local zone's rules (set by the runtime), so that `18:00` across a change of the
    /// clocks is the right instant; without them, [`Self::local_offset`] all year.
    pub zone: Option<crate::domain::guard::LocalZone>,
    /// Deployments this program sent (or is sending) a DELETE for, with who asked ("the spend
    /// guard", "you"): when one ends, it is said who ended it, never its provider.
    pub terminated_by: BTreeMap<String, &'static str>,
}

impl GuardView {
    /// The zone a local `HH:MM` is read in.
    pub fn zone(&self) -> crate::domain::guard::LocalZone {
        self.zone.clone().unwrap_or_else(|| {
            crate::domain::guard::LocalZone::fixed(
                self.local_offset
                    .unwrap_or(chrono::FixedOffset::east_opt(0).expect("UTC")),
            )
        })
    }
}

/// What the enforcer task sends.
#[derive(Debug, Clone, PartialEq)]
pub enum GuardUpdate {
    /// A decision or outcome; `alert` for warnings (bell and desktop notification).
    Notice {
        text: String,
        alert: bool,
    },
    Rows(BTreeMap<String, String>),
    Enforcer(Option<String>),
    /// The guard is about to send a DELETE for this deployment.
    Terminating {
        id: String,
    },
    /// The local store refused a write (a full disk, a lost file): for the message log, with
    /// an alert.
    Store(String),
    /// An idle rule warned: until answered, any key on its row snoozes it.
    IdleWarning {
        id: String,
    },
    /// The rules the enforcer holds, whenever they change.
    Rules(Vec<crate::domain::guard::StoredRule>),
    /// The store's file was deleted, replaced or truncated while the dashboard had it open:
    /// a lasting mark in the status bar, the message log and an alert.
    StoreLost(String),
}

/// How long a key on a warned row snoozes its idle rule.
pub const SNOOZE: chrono::Duration = chrono::Duration::hours(1);

/// A key on the Deployments pane while the selected row's idle rule has warned: the key
/// snoozes the rule for an hour and does nothing else. `None`: the key goes on as usual.
pub fn snooze_on_key(state: &mut AppState) -> Option<Vec<Command>> {
    if state.pane != super::Pane::Deployments || state.session.read_only {
        return None;
    }
    let d = state.selected_deployment()?;
    let (id, name) = (d.id.clone(), d.name.clone());
    if !state.guard.idle_warned.remove(&id) {
        return None;
    }
    let until = state.now + SNOOZE;
    state.say(
        FlashKind::Info,
        format!("{name}: idle rule snoozed for 1 h (the key did nothing else)"),
    );
    Some(vec![Command::SnoozeGuard { id, name, until }])
}

pub fn on_update(state: &mut AppState, u: GuardUpdate) -> Vec<Command> {
    match u {
        GuardUpdate::Notice { text, alert } => {
            let kind = if alert {
                FlashKind::Warning
            } else {
                FlashKind::Info
            };
            state.say(kind, format!("guard: {text}"));
            if alert {
                return vec![Command::Notify(text)];
            }
        }
        GuardUpdate::Rows(rows) => state.guard.rows = rows,
        GuardUpdate::Rules(rules) => {
            state.guard.rules = rules
                .into_iter()
                .map(|r| (r.deployment_id.clone(), r))
                .collect();
            // Once its rule is gone (the deployment ended, the rule removed), a warned row's
            // keys act as usual again.
            let g = &mut state.guard;
            g.idle_warned.retain(|id| g.rules.contains_key(id));
        }
        GuardUpdate::Enforcer(e) => state.guard.other_enforcer = e,
        GuardUpdate::IdleWarning { id } => {
            state.guard.idle_warned.insert(id);
        }
        GuardUpdate::Terminating { id } => {
            state.guard.terminated_by.insert(id, "the spend guard");
        }
        GuardUpdate::Store(text) => {
            let text = format!("local store: {text}");
            state.say(FlashKind::Warning, text.clone());
            return vec![Command::Notify(text)];
        }
        GuardUpdate::StoreLost(text) => {
            let text = format!(
                "{text}: the guard keeps the rules it holds; restart to recover what can be read from the file"
            );
            state.status.store_lost = Some(text.clone());
            state.say(FlashKind::Warning, text.clone());
            return vec![Command::Notify(text)];
        }
    }
    Vec::new()
}

/// The question quitting asks while this dashboard is the one enforcing guard rules (it holds
/// the enforcer lock: no `guard run` elsewhere does): `None` when closing it stops nothing.
pub fn quit_question(state: &AppState) -> Option<super::dialogs::Confirm> {
    let n = state.guard.rows.len();
    if n == 0 || state.session.read_only || state.guard.other_enforcer.is_some() {
        return None;
    }
    let (rules, them) = if n == 1 {
        ("1 guard rule stops".to_string(), "it")
    } else {
        (format!("{n} guard rules stop"), "them")
    };
    let run = if state.session.demo {
        "spheron-tui --demo guard run"
    } else {
        "spheron-tui guard run"
    };
    let mut lines = vec![
        format!("{rules} being enforced when the dashboard closes:"),
        format!("this dashboard enforces {them}; no other process holds the enforcer lock."),
        String::new(),
        format!("To keep {them} enforced without the dashboard, run `{run}`"),
    ];
    if !state.session.demo {
        lines.push(
            "(or `spheron-tui guard service install` to have it run in the background).".into(),
        );
    }
    Some(super::dialogs::Confirm::new(
        super::dialogs::Op::Quit { rules: n },
        "Quit?",
        lines,
        state.now,
    ))
}

/// What the dialog accepts: a duration (`8h`, `1h30m`: from now), a time (`18:00` local, or
/// RFC 3339), or an amount (`$50`: a spend ceiling). Returns the rule and how it was asked.
pub fn parse_spec(
    s: &str,
    now: chrono::DateTime<chrono::Utc>,
    zone: &crate::domain::guard::LocalZone,
) -> Result<(crate::domain::guard::GuardRule, String), String> {
    use crate::domain::guard::{GuardRule, parse_at, parse_duration, parse_usd};
    let t = s.trim();
    if let Some(rest) = t.strip_prefix("idle") {
        // `idle 30m`, `idle 30m 5` (below 5 %).
        let mut words = rest.split_whitespace();
        let bad = || format!("`{t}` is not an idle rule: type idle 30m, or idle 30m 5 (below 5 %)");
        let window = words
            .next()
            .ok_or_else(bad)
            .and_then(|w| parse_duration(w).map_err(|_| bad()))?;
        let window = crate::domain::idle::check_window(window)?;
        let below_pct = match words.next() {
            Some(b) => crate::domain::idle::parse_below(b)?,
            None => crate::domain::idle::DEFAULT_BELOW,
        };
        if words.next().is_some() {
            return Err(bad());
        }
        let spec = format!(
            "--idle {} --below {below_pct}",
            crate::domain::guard::format_countdown(window.num_seconds())
        );
        return Ok((GuardRule::Idle { window, below_pct }, spec));
    }
    if t.starts_with('$') {
        let usd = parse_usd(t)?;
        return Ok((GuardRule::MaxSpend(usd), format!("--max-spend {usd:.2}")));
    }
    if t.contains(':') {
        let at = parse_at(t, now, zone)?;
        if at - now > crate::domain::guard::FAR_AHEAD {
            return Err(format!(
                "`{t}` is more than a year ahead: give a nearer time (or `spheron-tui guard add ID --at {t} --force`)"
            ));
        }
        return Ok((GuardRule::Deadline(at), format!("--at {t}")));
    }
    let d = parse_duration(t)
        .map_err(|_| format!("`{t}` is not a guard: type 8h, 1h30m, 18:00, $50 or idle 30m"))?;
    Ok((GuardRule::after(d, now), format!("--after {t}")))
}

/// The rule typed in the deploy wizard's guard step, for a deployment created at `now`:
/// `Ok(None)` when none was typed.
pub fn wizard_rule(
    w: &super::dialogs::DeployWizard,
    state: &AppState,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<(crate::domain::guard::GuardRule, String)>, String> {
    let text = w.guard.value().trim();
    if text.is_empty() || text.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    parse_spec(text, now, &state.guard.zone()).map(Some)
}

/// The command that stores the wizard's rule for the deployment it created (`id`), if one
/// was typed. Durations count from `now`, when the deploy was answered.
pub fn wizard_guard_command(
    w: &super::dialogs::DeployWizard,
    state: &AppState,
    id: &str,
) -> Option<Command> {
    let (rule, spec) = wizard_rule(w, state, state.now).ok()??;
    Some(Command::SetGuard {
        rule: crate::domain::guard::StoredRule {
            deployment_id: id.to_string(),
            rule,
            spec,
            created_at: state.now,
        },
        name: w.name.value().trim().to_string(),
    })
}
