//! The guard's enforcement as a pure state machine: time, rules, deployments, the lock and
//! request results come in as [`Event`]s; what to do goes out as [`Effect`]s. No IO, no clock.
//!
//! Per rule: warnings at 15 and 5 minutes before it is due; at the deadline `can-terminate`
//! first; while blocked, wait `timeRemaining` and ask again; then exactly one DELETE, whose
//! result is announced. A failed DELETE is not retried (the user is told to act). The rule goes
//! when its deployment ends. Only rules the user set are acted on, only while this process
//! holds the enforcer lock, and in dry-run or read-only mode a due rule is reported, never sent.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};

use super::cost;
use super::guard::{GuardRule, LockState, StoredRule, format_countdown};
use crate::api::{CanTerminate, Deployment};

/// Minutes before a rule is due at which the user is warned.
pub const WARN_AT_MINUTES: [i64; 2] = [15, 5];
/// Wait after a failed `can-terminate` before asking again.
pub const RETRY_AFTER_ERROR: Duration = Duration::seconds(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Sends the DELETE when a rule is due.
    Enforce,
    /// `guard run --dry-run`: says what it would do, sends no write.
    DryRun,
    /// `--read-only`: the same, because no write may be sent.
    ReadOnly,
}

/// One deployment as a poll saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    pub id: String,
    pub name: String,
    /// Running or deploying (costs money now).
    pub active: bool,
    /// USD spent when polled (`totalCost`, else rate × uptime), if known.
    pub spent: Option<f64>,
    pub usd_per_hour: Option<f64>,
    pub polled_at: DateTime<Utc>,
}

impl Observed {
    pub fn from_deployment(d: &Deployment, now: DateTime<Utc>) -> Observed {
        Observed {
            id: d.id.clone(),
            name: d.name.clone(),
            // Unknown statuses count as billing.
            active: !d.status.is_terminal(),
            spent: d.spent(now),
            usd_per_hour: d.hourly_rate,
            polled_at: now,
        }
    }

    /// Spend at `now`, carried forward from the poll at the hourly rate.
    pub fn spent_at(&self, now: DateTime<Utc>) -> Option<f64> {
        let base = self.spent?;
        let rate = self.usd_per_hour.unwrap_or(0.0);
        let secs = (now - self.polled_at).num_seconds().max(0) as f64;
        Some(base + rate * secs / 3600.0)
    }
}

/// Why a DELETE did not end the deployment.
#[derive(Debug, Clone, PartialEq)]
pub struct DeleteFailed(pub String);

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Time passes.
    Tick(DateTime<Utc>),
    /// The rules as stored now (set or cleared elsewhere meanwhile).
    Rules(Vec<StoredRule>),
    /// A complete, successful list of deployments (every status).
    Deployments {
        now: DateTime<Utc>,
        list: Vec<Observed>,
    },
    /// Who holds the enforcer lock.
    Lock(LockState),
    CanTerminate {
        id: String,
        now: DateTime<Utc>,
        result: Result<CanTerminate, String>,
    },
    Terminated {
        id: String,
        now: DateTime<Utc>,
        result: Result<(), DeleteFailed>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Bell, message and a desktop notification.
    Warn {
        id: String,
        minutes: i64,
        text: String,
    },
    /// `GET /api/deployments/{id}/can-terminate`.
    CheckCanTerminate { id: String },
    /// `DELETE /api/deployments/{id}`: sent once per rule, ever.
    Terminate {
        id: String,
        usd_per_hour: Option<f64>,
        text: String,
    },
    /// Dry-run or read-only: what would have been sent.
    WouldTerminate { id: String, text: String },
    /// A decision or an outcome, for the user; `alert` for the outcome of a DELETE (bell and
    /// desktop notification).
    Announce {
        id: String,
        text: String,
        alert: bool,
    },
    /// Delete the stored rule (its deployment ended).
    RemoveRule { id: String, text: String },
}

impl Effect {
    /// One line for `guard run` and the message log.
    pub fn line(&self) -> &str {
        match self {
            Effect::Warn { text, .. }
            | Effect::Terminate { text, .. }
            | Effect::WouldTerminate { text, .. }
            | Effect::Announce { text, .. }
            | Effect::RemoveRule { text, .. } => text,
            Effect::CheckCanTerminate { .. } => "checking can-terminate",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Waiting,
    /// `can-terminate` sent, answer pending.
    Checking,
    /// Minimum runtime not met: ask again at this instant.
    Blocked(DateTime<Utc>),
    /// DELETE sent, answer pending.
    Deleting,
    Terminated,
    /// The DELETE failed; nothing more is sent for this rule.
    Failed,
    /// Dry-run or read-only: reported once.
    Reported,
}

#[derive(Debug, Clone)]
struct Tracked {
    rule: StoredRule,
    warned: [bool; 2],
    phase: Phase,
}

/// The enforcer's state.
#[derive(Debug, Clone)]
pub struct Engine {
    mode: Mode,
    lock: Option<LockState>,
    rules: BTreeMap<String, Tracked>,
    seen: HashMap<String, Observed>,
}

/// What the dashboard shows in a guarded row.
#[derive(Debug, Clone, PartialEq)]
pub struct RowStatus {
    pub rule: GuardRule,
    /// Seconds left, if it can be told.
    pub secs_left: Option<i64>,
    /// USD left under a spend ceiling.
    pub usd_left: Option<f64>,
}

impl Engine {
    pub fn new(mode: Mode) -> Engine {
        Engine {
            mode,
            lock: None,
            rules: BTreeMap::new(),
            seen: HashMap::new(),
        }
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Whether this process enforces (holds the lock).
    pub fn enforcing(&self) -> bool {
        self.lock == Some(LockState::Held)
    }

    /// Who enforces when another process does.
    pub fn other_enforcer(&self) -> Option<&str> {
        match &self.lock {
            Some(LockState::Other { label, .. }) => Some(label),
            _ => None,
        }
    }

    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// The deployments that have a rule.
    pub fn rule_ids(&self) -> Vec<String> {
        self.rules.keys().cloned().collect()
    }

    /// `⏱1h05m` or `$3.20 left` for every guarded deployment at `now` (`?` when unknown).
    pub fn row_labels(&self, now: DateTime<Utc>) -> BTreeMap<String, String> {
        self.rules
            .keys()
            .filter_map(|id| {
                let s = self.row_status(id, now)?;
                let label = match (s.rule, s.usd_left, s.secs_left) {
                    (GuardRule::MaxSpend(_), Some(usd), _) => format!("{} left", cost::usd(usd)),
                    (GuardRule::MaxSpend(max), None, _) => format!("≤{}", cost::usd(max)),
                    (GuardRule::Deadline(_), _, Some(secs)) => {
                        format!("⏱{}", format_countdown(secs))
                    }
                    (GuardRule::Deadline(_), _, None) => "⏱?".to_string(),
                };
                Some((id.clone(), label))
            })
            .collect()
    }

    /// Countdown or spend left of one deployment's rule at `now`.
    pub fn row_status(&self, id: &str, now: DateTime<Utc>) -> Option<RowStatus> {
        let t = self.rules.get(id)?;
        let seen = self.seen.get(id);
        let spent = seen.and_then(|o| o.spent_at(now));
        let rate = seen.and_then(|o| o.usd_per_hour);
        let usd_left = match t.rule.rule {
            GuardRule::MaxSpend(max) => spent.map(|s| (max - s).max(0.0)),
            GuardRule::Deadline(_) => None,
        };
        Some(RowStatus {
            rule: t.rule.rule.clone(),
            secs_left: t.rule.rule.secs_left(now, spent, rate),
            usd_left,
        })
    }

    pub fn handle(&mut self, ev: Event) -> Vec<Effect> {
        match ev {
            Event::Tick(now) => self.tick(now),
            Event::Rules(rules) => {
                self.set_rules(rules);
                Vec::new()
            }
            Event::Deployments { now: _, list } => self.deployments(list),
            Event::Lock(l) => {
                self.lock = Some(l);
                Vec::new()
            }
            Event::CanTerminate { id, now, result } => self.can_terminate(id, now, result),
            Event::Terminated { id, now: _, result } => self.terminated(id, result),
        }
    }

    fn set_rules(&mut self, rules: Vec<StoredRule>) {
        let mut next = BTreeMap::new();
        for r in rules {
            let id = r.deployment_id.clone();
            let t = match self.rules.remove(&id) {
                // Same rule: keep its progress.
                Some(t) if t.rule.rule == r.rule => Tracked { rule: r, ..t },
                // A DELETE already went out (or failed): a new rule does not send another.
                Some(t)
                    if matches!(t.phase, Phase::Deleting | Phase::Terminated | Phase::Failed) =>
                {
                    Tracked { rule: r, ..t }
                }
                _ => Tracked {
                    rule: r,
                    warned: [false; 2],
                    phase: Phase::Waiting,
                },
            };
            next.insert(id, t);
        }
        self.rules = next;
    }

    fn deployments(&mut self, list: Vec<Observed>) -> Vec<Effect> {
        self.seen = list.into_iter().map(|o| (o.id.clone(), o)).collect();
        if !self.enforcing() {
            return Vec::new();
        }
        let mut out = Vec::new();
        let ended: Vec<String> = self
            .rules
            .iter()
            .filter(|(id, t)| {
                t.phase != Phase::Deleting && self.seen.get(*id).is_none_or(|o| !o.active)
            })
            .map(|(id, _)| id.clone())
            .collect();
        for id in ended {
            self.rules.remove(&id);
            let what = match self.seen.get(&id) {
                Some(_) => "ended",
                None => "is gone from the list",
            };
            out.push(Effect::RemoveRule {
                text: format!("{}: deployment {what}; guard rule removed", self.label(&id)),
                id,
            });
        }
        out
    }

    fn label(&self, id: &str) -> String {
        match self.seen.get(id) {
            Some(o) if !o.name.is_empty() => format!("{} ({id})", o.name),
            _ => id.to_string(),
        }
    }

    fn rate_text(&self, id: &str) -> String {
        cost::usd_h(self.seen.get(id).and_then(|o| o.usd_per_hour))
    }

    fn tick(&mut self, now: DateTime<Utc>) -> Vec<Effect> {
        if !self.enforcing() {
            return Vec::new();
        }
        let mut out = Vec::new();
        let ids: Vec<String> = self.rules.keys().cloned().collect();
        for id in ids {
            // Act only on a deployment the last poll saw running.
            let Some(seen) = self.seen.get(&id).filter(|o| o.active).cloned() else {
                continue;
            };
            let label = self.label(&id);
            let rate = self.rate_text(&id);
            let mode = self.mode;
            let t = self.rules.get_mut(&id).expect("listed");
            let spent = seen.spent_at(now);
            match t.phase.clone() {
                Phase::Waiting => {
                    let left = t.rule.rule.secs_left(now, spent, seen.usd_per_hour);
                    if t.rule.rule.is_due(now, spent) {
                        t.warned = [true; 2];
                        let why = match &t.rule.rule {
                            GuardRule::Deadline(_) => format!("deadline reached ({})", t.rule.spec),
                            GuardRule::MaxSpend(max) => format!(
                                "spend {} reached the ceiling {}",
                                cost::usd(spent.unwrap_or(*max)),
                                cost::usd(*max)
                            ),
                        };
                        if mode == Mode::Enforce {
                            t.phase = Phase::Checking;
                            out.push(Effect::Announce {
                                alert: false,
                                id: id.clone(),
                                text: format!("{label}: {why}; checking can-terminate"),
                            });
                            out.push(Effect::CheckCanTerminate { id: id.clone() });
                        } else {
                            t.phase = Phase::Reported;
                            let how = if mode == Mode::DryRun {
                                "dry run"
                            } else {
                                "read-only"
                            };
                            out.push(Effect::WouldTerminate {
                                id: id.clone(),
                                text: format!(
                                    "{label}: {why}; would terminate it now ({rate}) — {how}, nothing sent"
                                ),
                            });
                        }
                        continue;
                    }
                    let Some(left) = left else { continue };
                    // The closest warning level reached; a closer one covers the earlier.
                    let Some(i) = WARN_AT_MINUTES.iter().rposition(|m| left <= m * 60) else {
                        continue;
                    };
                    if t.warned[i] {
                        continue;
                    }
                    for w in t.warned.iter_mut().take(i + 1) {
                        *w = true;
                    }
                    let verb = if mode == Mode::Enforce {
                        "will be terminated"
                    } else {
                        "is due for termination"
                    };
                    out.push(Effect::Warn {
                        id: id.clone(),
                        minutes: WARN_AT_MINUTES[i],
                        text: format!(
                            "{label} {verb} in {} by its guard ({}, {rate})",
                            format_countdown(left),
                            t.rule.spec
                        ),
                    });
                }
                Phase::Blocked(at) if now >= at => {
                    t.phase = Phase::Checking;
                    out.push(Effect::CheckCanTerminate { id: id.clone() });
                }
                _ => {}
            }
        }
        out
    }

    fn can_terminate(
        &mut self,
        id: String,
        now: DateTime<Utc>,
        result: Result<CanTerminate, String>,
    ) -> Vec<Effect> {
        let label = self.label(&id);
        let rate = self.seen.get(&id).and_then(|o| o.usd_per_hour);
        let rate_text = self.rate_text(&id);
        let Some(t) = self.rules.get_mut(&id) else {
            return Vec::new();
        };
        if t.phase != Phase::Checking {
            return Vec::new();
        }
        match result {
            Ok(ct) if ct.can_terminate => {
                t.phase = Phase::Deleting;
                vec![Effect::Terminate {
                    text: format!(
                        "{label}: terminating ({rate_text}), by its guard ({})",
                        t.rule.spec
                    ),
                    id,
                    usd_per_hour: rate,
                }]
            }
            Ok(ct) => {
                let minutes = ct.time_remaining.unwrap_or(1.0).max(0.0);
                let wait = Duration::seconds(((minutes * 60.0).ceil() as i64).max(30));
                let at = now + wait;
                t.phase = Phase::Blocked(at);
                vec![Effect::Announce {
                    alert: false,
                    text: format!(
                        "{label}: minimum runtime not met ({minutes:.0} min remaining); asking again at {}",
                        at.format("%H:%M:%SZ")
                    ),
                    id,
                }]
            }
            Err(e) => {
                let at = now + RETRY_AFTER_ERROR;
                t.phase = Phase::Blocked(at);
                vec![Effect::Announce {
                    alert: false,
                    text: format!(
                        "{label}: can-terminate failed ({e}); asking again at {}",
                        at.format("%H:%M:%SZ")
                    ),
                    id,
                }]
            }
        }
    }

    fn terminated(&mut self, id: String, result: Result<(), DeleteFailed>) -> Vec<Effect> {
        let label = self.label(&id);
        let rate_text = self.rate_text(&id);
        if let Some(t) = self.rules.get_mut(&id) {
            if t.phase != Phase::Deleting {
                return Vec::new();
            }
            t.phase = match result {
                Ok(()) => Phase::Terminated,
                Err(_) => Phase::Failed,
            };
        }
        let text = match result {
            Ok(()) => format!("{label}: terminated by its guard; {rate_text} no longer billed"),
            Err(DeleteFailed(e)) => format!(
                "{label}: terminate FAILED ({e}); the guard sends no second DELETE — it still costs {rate_text}, terminate it by hand"
            ),
        };
        vec![Effect::Announce {
            id,
            text,
            alert: true,
        }]
    }
}
