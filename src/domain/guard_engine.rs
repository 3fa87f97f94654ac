//! The guard's enforcement as a pure state machine: time, rules, deployments, the lock and
//! request results come in as [`Event`]s; what to do goes out as [`Effect`]s. No IO, no clock.
//!
//! Per rule: warnings at 15 and 5 minutes before it is due; at the deadline `can-terminate`
//! first; while blocked, wait `timeRemaining` and ask again; then the DELETE. A DELETE that
//! fails is tried again (through `can-terminate` again) until the deployment has ended or the
//! user removes the rule: after 30 s, doubling to at most 5 minutes, or after a 429's wait.
//! When the server may have acted on a failed DELETE (the answer was lost), the deployment is
//! read by id before the next try.
//!
//! A rule ends only on proof: a terminal status, or a 404, read by `GET /api/deployments/{id}`.
//! A list proves nothing: a deployment it shows ended, or does not show at all, is read by id.
//! Only rules the user set are acted on, only while this process holds the enforcer lock; in
//! dry-run or read-only mode nothing is sent and no rule is changed, only reported.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, FixedOffset, Utc};

use super::cost;
use super::guard::{GuardRule, LockState, StoredRule, format_countdown};
pub use super::guard_io::{DeleteFailed, Effect, Event, Observed, Proof};
use super::idle::{self, Verdict};
use super::usage::History;
use crate::api::CanTerminate;

mod retry;
pub use retry::{ALERT_FROM_FAILURE, RETRY_FIRST, RETRY_MAX, backoff, failing_text};

/// Minutes before a rule is due at which the user is warned.
pub const WARN_AT_MINUTES: [i64; 2] = [15, 5];
/// Wait after a failed `can-terminate` before asking again.
pub const RETRY_AFTER_ERROR: Duration = Duration::seconds(60);
/// How long a deployment may still read as running after its DELETE was accepted before the
/// DELETE counts as failed and is tried again.
pub const ACCEPTED_GRACE: Duration = Duration::minutes(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Sends the DELETE when a rule is due.
    Enforce,
    /// `guard run --dry-run`: says what it would do, sends no write, changes no rule.
    DryRun,
    /// `--read-only`: the same, because no write may be sent.
    ReadOnly,
}

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Waiting,
    /// `can-terminate` sent, answer pending.
    Checking,
    /// Minimum runtime not met (or `can-terminate` failed): ask again at this instant.
    Blocked(DateTime<Utc>),
    /// DELETE sent, answer pending.
    Deleting,
    /// The DELETE failed: try again at `at`, reading the deployment first when the server
    /// may have acted.
    Retry {
        at: DateTime<Utc>,
        read_first: bool,
    },
    /// Read by id before a retry, answer pending.
    Confirming,
    /// The DELETE was accepted (or the deployment had already ended) at this instant: the
    /// proof is awaited.
    Sent(DateTime<Utc>),
    /// Read as ended. Enforcing, the rule is being removed; in a dry run it stays as it is.
    Ended,
    /// Dry-run or read-only: the due rule was reported.
    Reported,
}

#[derive(Debug, Clone)]
struct Tracked {
    rule: StoredRule,
    warned: [bool; 2],
    /// When the last warning (5 minutes) was given.
    last_warned: Option<DateTime<Utc>>,
    /// An idle rule's stretch of idle readings, through its newest reading at the last tick: a
    /// stretch that begins after it is another one, warned about afresh.
    stretch_through: Option<DateTime<Utc>>,
    phase: Phase,
    /// Failed DELETEs since the rule was set.
    failures: u32,
    /// A read by id is in flight.
    reading: bool,
    /// Why an idle rule is due (its readings), for the journal.
    evidence: Option<String>,
}

impl Tracked {
    fn new(rule: StoredRule) -> Tracked {
        Tracked {
            rule,
            warned: [false; 2],
            last_warned: None,
            stretch_through: None,
            phase: Phase::Waiting,
            failures: 0,
            reading: false,
            evidence: None,
        }
    }

    /// The next due time is warned about afresh.
    fn forget_warnings(&mut self) {
        self.warned = [false; 2];
        self.last_warned = None;
        self.stretch_through = None;
    }
}

/// The enforcer's state.
#[derive(Debug, Clone)]
pub struct Engine {
    mode: Mode,
    lock: Option<LockState>,
    rules: BTreeMap<String, Tracked>,
    seen: HashMap<String, Observed>,
    /// GPU-use samples of the deployments with an idle rule.
    usage: HashMap<String, History>,
    /// Idle rules snoozed: not due before then.
    snoozed: BTreeMap<String, DateTime<Utc>>,
    /// The user's local offset, for "trying again at HH:MM".
    offset: FixedOffset,
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

fn utc() -> FixedOffset {
    FixedOffset::east_opt(0).expect("UTC")
}

impl Engine {
    pub fn new(mode: Mode) -> Engine {
        Engine {
            mode,
            lock: None,
            rules: BTreeMap::new(),
            seen: HashMap::new(),
            usage: HashMap::new(),
            snoozed: BTreeMap::new(),
            offset: utc(),
        }
    }

    /// Times in messages in this offset (UTC by default).
    pub fn with_offset(mut self, offset: FixedOffset) -> Engine {
        self.offset = offset;
        self
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

    /// The rules held, as stored.
    pub fn stored_rules(&self) -> Vec<StoredRule> {
        self.rules.values().map(|t| t.rule.clone()).collect()
    }

    /// The deployments whose rule is an idle rule (the ones to probe).
    pub fn idle_rule_ids(&self) -> Vec<String> {
        self.rules
            .iter()
            .filter(|(_, t)| matches!(t.rule.rule, GuardRule::Idle { .. }))
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// The idle verdict of one deployment's idle rule at `now`, held back by a snooze and
    /// until its last warning has been out 5 minutes ([`idle::hold`]).
    fn idle_verdict(&self, id: &str, now: DateTime<Utc>) -> Option<Verdict> {
        let t = self.rules.get(id)?;
        let GuardRule::Idle { window, below_pct } = t.rule.rule else {
            return None;
        };
        let (samples, set_at) = (self.usage.get(id), t.rule.created_at);
        let v = idle::evaluate(samples, now, window, below_pct, set_at);
        let lead = Duration::minutes(WARN_AT_MINUTES[WARN_AT_MINUTES.len() - 1]);
        let snoozed = self.snoozed.get(id).copied();
        let warned = t
            .last_warned
            .filter(|_| idle::same_stretch(&v, t.stretch_through));
        Some(idle::hold(v, now, snoozed, warned, lead))
    }

    /// Whether `id`'s rule is an idle rule.
    pub fn is_idle_rule(&self, id: &str) -> bool {
        self.rules
            .get(id)
            .is_some_and(|t| matches!(t.rule.rule, GuardRule::Idle { .. }))
    }

    /// Failed DELETEs of one deployment's rule.
    pub fn failures(&self, id: &str) -> u32 {
        self.rules.get(id).map_or(0, |t| t.failures)
    }

    /// `⏱1h05m`, `$3.20 left`, or the failing DELETE's retry, for every guarded deployment at
    /// `now` (`?` when unknown).
    pub fn row_labels(&self, now: DateTime<Utc>) -> BTreeMap<String, String> {
        self.rules
            .iter()
            .filter_map(|(id, t)| {
                if let Phase::Retry { at, .. } = t.phase {
                    return Some((id.clone(), failing_text(t.failures, at, self.offset)));
                }
                let s = self.row_status(id, now)?;
                let label = match (s.rule, s.usd_left, s.secs_left) {
                    (GuardRule::MaxSpend(_), Some(usd), _) => format!("{} left", cost::usd(usd)),
                    (GuardRule::MaxSpend(max), None, _) => format!("≤{}", cost::usd(max)),
                    (GuardRule::Deadline(_), _, Some(secs)) => {
                        format!("⏱{}", format_countdown(secs))
                    }
                    (GuardRule::Deadline(_), _, None) => "⏱?".to_string(),
                    (GuardRule::Idle { .. }, _, Some(secs)) => {
                        format!("idle ⏱{}", format_countdown(secs))
                    }
                    (GuardRule::Idle { .. }, _, None) => "idle rule".to_string(),
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
            GuardRule::Deadline(_) | GuardRule::Idle { .. } => None,
        };
        let secs_left = match self.idle_verdict(id, now) {
            Some(Verdict::Idle { secs_left, .. }) => Some(secs_left),
            Some(Verdict::Due { .. }) => Some(0),
            Some(Verdict::NotIdle { .. }) => None,
            None => t.rule.rule.secs_left(now, spent, rate),
        };
        Some(RowStatus {
            rule: t.rule.rule.clone(),
            secs_left,
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
            Event::PollFailed { now: _ } => self.poll_failed(),
            Event::Lock(l) => {
                self.lock = Some(l);
                Vec::new()
            }
            Event::CanTerminate { id, now, result } => self.can_terminate(id, now, result),
            Event::Terminated { id, now, result } => self.terminated(id, now, result),
            Event::Read { id, now: _, result } => self.read(id, result),
            Event::Snoozes(snoozes) => {
                // A new or later snooze: its warnings come again before it ends.
                for (id, until) in &snoozes {
                    if self.snoozed.get(id) != Some(until)
                        && let Some(t) = self.rules.get_mut(id)
                    {
                        t.forget_warnings();
                    }
                }
                self.snoozed = snoozes;
                Vec::new()
            }
            Event::Usage { id, sample } => {
                if let Some(GuardRule::Idle { window, .. }) =
                    self.rules.get(&id).map(|t| &t.rule.rule)
                {
                    let keep = *window + Duration::minutes(5);
                    self.usage.entry(id).or_default().push_keeping(sample, keep);
                }
                Vec::new()
            }
        }
    }

    fn set_rules(&mut self, rules: Vec<StoredRule>) {
        let mut next = BTreeMap::new();
        for r in rules {
            let id = r.deployment_id.clone();
            let t = match self.rules.remove(&id) {
                // Same rule: keep its progress.
                Some(t) if t.rule.rule == r.rule => Tracked { rule: r, ..t },
                // A new rule while a DELETE is out or accepted, or the end was read: that
                // progress stands (no second DELETE because the rule changed).
                Some(t) if matches!(t.phase, Phase::Deleting | Phase::Sent(_) | Phase::Ended) => {
                    Tracked { rule: r, ..t }
                }
                _ => Tracked::new(r),
            };
            next.insert(id, t);
        }
        self.rules = next;
        let rules = &self.rules;
        self.seen.retain(|id, _| rules.contains_key(id));
        self.usage.retain(|id, _| rules.contains_key(id));
    }

    /// A read by id of `id`, unless one is in flight or its end is already known.
    fn want_read(&mut self, id: &str) -> Option<Effect> {
        let t = self.rules.get_mut(id)?;
        if t.reading || t.phase == Phase::Ended || t.phase == Phase::Confirming {
            return None;
        }
        t.reading = true;
        Some(Effect::Read { id: id.to_string() })
    }

    fn deployments(&mut self, list: Vec<Observed>) -> Vec<Effect> {
        let mut listed: HashMap<String, Observed> = list
            .into_iter()
            .filter(|o| self.rules.contains_key(&o.id))
            .map(|o| (o.id.clone(), o))
            .collect();
        if !self.enforcing() {
            self.seen.extend(listed);
            return Vec::new();
        }
        let mut out = Vec::new();
        for id in self.rule_ids() {
            match listed.remove(&id) {
                Some(o) if o.active => {
                    self.seen.insert(id, o);
                }
                // Shown ended, or not shown: only a read by id can tell. Until it does, the
                // last sighting stands (an unproven end never stops a rule).
                _ => out.extend(self.want_read(&id)),
            }
        }
        out
    }

    fn poll_failed(&mut self) -> Vec<Effect> {
        if !self.enforcing() {
            return Vec::new();
        }
        let never_seen: Vec<String> = self
            .rules
            .keys()
            .filter(|id| !self.seen.contains_key(*id))
            .cloned()
            .collect();
        never_seen
            .iter()
            .filter_map(|id| self.want_read(id))
            .collect()
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

    fn how(&self) -> &'static str {
        match self.mode {
            Mode::DryRun => "dry run",
            _ => "read-only",
        }
    }

    fn tick(&mut self, now: DateTime<Utc>) -> Vec<Effect> {
        if !self.enforcing() {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut not_taken = Vec::new();
        for id in self.rule_ids() {
            // Act only on a deployment last seen running.
            let Some(seen) = self.seen.get(&id).filter(|o| o.active).cloned() else {
                continue;
            };
            let label = self.label(&id);
            let rate = self.rate_text(&id);
            let (mode, how) = (self.mode, self.how());
            let verdict = self.idle_verdict(&id, now);
            let newest = self.usage.get(&id).and_then(|h| h.last()).map(|s| s.at);
            let t = self.rules.get_mut(&id).expect("listed");
            let spent = seen.spent_at(now);
            match t.phase.clone() {
                Phase::Waiting => {
                    // Another idle stretch than the one warned about: warned about afresh.
                    if let Some(v @ (Verdict::Due { .. } | Verdict::Idle { .. })) = &verdict {
                        if !idle::same_stretch(v, t.stretch_through) {
                            t.forget_warnings();
                        }
                        t.stretch_through = newest;
                    }
                    let (due, left) = match &verdict {
                        Some(Verdict::Due { evidence, .. }) => {
                            t.evidence = Some(evidence.clone());
                            (true, Some(0))
                        }
                        Some(Verdict::Idle { secs_left, .. }) => (false, Some(*secs_left)),
                        Some(Verdict::NotIdle { .. }) => {
                            // Busy again: the next idle stretch is warned about afresh.
                            t.forget_warnings();
                            (false, None)
                        }
                        None => (
                            t.rule.rule.is_due(now, spent),
                            t.rule.rule.secs_left(now, spent, seen.usd_per_hour),
                        ),
                    };
                    if due {
                        t.warned = [true; 2];
                        let why = match &t.rule.rule {
                            GuardRule::Deadline(_) => format!("deadline reached ({})", t.rule.spec),
                            GuardRule::MaxSpend(max) => format!(
                                "spend {} reached the ceiling {}",
                                cost::usd(spent.unwrap_or(*max)),
                                cost::usd(*max)
                            ),
                            GuardRule::Idle { .. } => format!(
                                "{} ({})",
                                t.evidence.as_deref().unwrap_or("idle"),
                                t.rule.spec
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
                    let last = i == WARN_AT_MINUTES.len() - 1;
                    if last {
                        t.last_warned = Some(now);
                    }
                    // An idle rule is due no sooner than its last warning's lead.
                    let left = match t.rule.rule {
                        GuardRule::Idle { .. } if last => left.max(WARN_AT_MINUTES[i] * 60),
                        _ => left,
                    };
                    let verb = if mode == Mode::Enforce {
                        "will be terminated"
                    } else {
                        "is due for termination"
                    };
                    let idle = match &t.rule.rule {
                        GuardRule::Idle { .. } => {
                            format!(
                                " if it stays idle; any key on its row in the dashboard (or `guard snooze {id}`) snoozes it 1 h, and any use of the GPUs waits"
                            )
                        }
                        _ => String::new(),
                    };
                    out.push(Effect::Warn {
                        id: id.clone(),
                        minutes: WARN_AT_MINUTES[i],
                        text: format!(
                            "{label} {verb} in {} by its guard ({}, {rate}){idle}",
                            format_countdown(left),
                            t.rule.spec
                        ),
                    });
                }
                // An idle rule waiting out the minimum runtime: busy again, it waits again.
                Phase::Blocked(_) if matches!(verdict, Some(Verdict::NotIdle { .. })) => {
                    t.phase = Phase::Waiting;
                    t.forget_warnings();
                    t.evidence = None;
                    out.push(Effect::Announce {
                        id: id.clone(),
                        text: format!("{label}: in use again; its idle rule waits"),
                        alert: false,
                    });
                }
                Phase::Blocked(at) if now >= at => {
                    t.phase = Phase::Checking;
                    out.push(Effect::CheckCanTerminate { id: id.clone() });
                }
                Phase::Retry { at, read_first } if now >= at => {
                    if read_first {
                        t.phase = Phase::Confirming;
                        t.reading = true;
                        out.push(Effect::Read { id: id.clone() });
                    } else {
                        t.phase = Phase::Checking;
                        out.push(Effect::CheckCanTerminate { id: id.clone() });
                    }
                }
                // Accepted, yet still seen running well after: the DELETE did not take.
                Phase::Sent(at) if now >= at + ACCEPTED_GRACE && seen.polled_at > at => {
                    let why = format!(
                        "still {} {} after its DELETE was accepted",
                        seen.status,
                        format_countdown((now - at).num_seconds())
                    );
                    not_taken.push((id.clone(), why));
                }
                _ => {}
            }
        }
        for (id, why) in not_taken {
            out.extend(self.failed(&id, now, why, true, None));
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
            Ok(ct) if ct.can_terminate != Some(false) => {
                t.phase = Phase::Deleting;
                let again = match t.failures {
                    0 => String::new(),
                    n => format!(" (try {})", n + 1),
                };
                vec![Effect::Terminate {
                    text: format!(
                        "{label}: terminating ({rate_text}), by its guard ({}){again}",
                        t.rule.spec
                    ),
                    name: self
                        .seen
                        .get(&id)
                        .map(|o| o.name.clone())
                        .filter(|n| !n.is_empty()),
                    id,
                    usd_per_hour: rate,
                    evidence: t.evidence.clone(),
                }]
            }
            Ok(ct) => {
                let minutes = ct.time_remaining.unwrap_or(1.0).max(0.0);
                vec![self.blocked(&id, now, minutes)]
            }
            Err(e) => {
                let at = now + RETRY_AFTER_ERROR;
                t.phase = Phase::Blocked(at);
                vec![Effect::Announce {
                    alert: false,
                    text: format!(
                        "{label}: can-terminate failed ({e}); asking again at {}",
                        self.clock(at)
                    ),
                    id,
                }]
            }
        }
    }

    fn clock(&self, at: DateTime<Utc>) -> String {
        crate::domain::clock::clock_seconds(at, self.offset)
    }

    /// The minimum runtime is not met: wait it out.
    fn blocked(&mut self, id: &str, now: DateTime<Utc>, minutes: f64) -> Effect {
        let label = self.label(id);
        let wait = Duration::seconds(((minutes * 60.0).ceil() as i64).max(30));
        let at = now + wait;
        let text = format!(
            "{label}: minimum runtime not met ({minutes:.0} min remaining); asking again at {}",
            self.clock(at)
        );
        if let Some(t) = self.rules.get_mut(id) {
            t.phase = Phase::Blocked(at);
        }
        Effect::Announce {
            alert: false,
            text,
            id: id.to_string(),
        }
    }

    /// A DELETE that did not take: count it, say when it is tried again.
    fn failed(
        &mut self,
        id: &str,
        now: DateTime<Utc>,
        why: String,
        read_first: bool,
        wait: Option<Duration>,
    ) -> Vec<Effect> {
        let label = self.label(id);
        let rate = self.rate_text(id);
        let offset = self.offset;
        let Some(t) = self.rules.get_mut(id) else {
            return Vec::new();
        };
        t.failures += 1;
        let n = t.failures;
        let at = now + wait.unwrap_or_else(|| backoff(n)).max(Duration::seconds(1));
        t.phase = Phase::Retry { at, read_first };
        let alert = n == ALERT_FROM_FAILURE || (n > ALERT_FROM_FAILURE && n % 10 == 0);
        vec![Effect::Failing {
            id: id.to_string(),
            failures: n,
            next_try: at,
            text: format!(
                "{label}: {} ({why}); it still costs {rate}; `guard rm {id}` stops the tries",
                failing_text(n, at, offset)
            ),
            alert,
        }]
    }

    fn terminated(
        &mut self,
        id: String,
        now: DateTime<Utc>,
        result: Result<(), DeleteFailed>,
    ) -> Vec<Effect> {
        let label = self.label(&id);
        let rate_text = self.rate_text(&id);
        match self.rules.get(&id) {
            Some(t) if t.phase == Phase::Deleting => {}
            _ => return Vec::new(),
        }
        let accepted = |e: &mut Engine, text: String| {
            if let Some(t) = e.rules.get_mut(&id) {
                t.phase = Phase::Sent(now);
            }
            let mut out = vec![Effect::Announce {
                id: id.clone(),
                text,
                alert: true,
            }];
            out.extend(e.want_read(&id));
            out
        };
        match result {
            Ok(()) => accepted(
                self,
                format!("{label}: terminated by its guard; {rate_text} no longer billed"),
            ),
            Err(DeleteFailed::AlreadyEnded(e)) => accepted(
                self,
                format!("{label}: the API says it already ended ({e}); reading it to be sure"),
            ),
            Err(DeleteFailed::TooEarly { minutes, .. }) => vec![self.blocked(&id, now, minutes)],
            Err(DeleteFailed::RateLimited { wait, text }) => {
                self.failed(&id, now, text, false, Some(wait))
            }
            Err(f @ DeleteFailed::Unknown(_)) => {
                let why = format!("{}; the outcome is unknown", f.text());
                self.failed(&id, now, why, true, None)
            }
            Err(f @ DeleteFailed::Refused(_)) => {
                self.failed(&id, now, f.text().to_string(), false, None)
            }
        }
    }

    fn read(&mut self, id: String, result: Proof) -> Vec<Effect> {
        let how = self.how();
        let mode = self.mode;
        let Some(t) = self.rules.get_mut(&id) else {
            return Vec::new();
        };
        t.reading = false;
        let confirming = t.phase == Phase::Confirming;
        let ended = match &result {
            Proof::Read(o) if !o.active => Some(format!("ended ({})", o.status)),
            Proof::NotFound => Some("no longer exists (404)".to_string()),
            _ => None,
        };
        if let Proof::Read(o) = &result {
            self.seen.insert(id.clone(), o.clone());
        }
        let label = self.label(&id);
        let t = self.rules.get_mut(&id).expect("checked");
        if let Some(what) = ended {
            if t.phase == Phase::Ended {
                return Vec::new();
            }
            t.phase = Phase::Ended;
            let text = format!("{label}: deployment {what}");
            return vec![match mode {
                Mode::Enforce => {
                    // Gone from memory at once; should the store keep it (a failed write), it
                    // is read again, seen ended again, and its removal tried again.
                    self.rules.remove(&id);
                    Effect::RemoveRule {
                        text: format!("{text}; guard rule removed"),
                        id,
                    }
                }
                _ => Effect::Announce {
                    text: format!("{text}; its guard rule would be removed — {how}, rule kept"),
                    id,
                    alert: false,
                },
            }];
        }
        if confirming {
            // Before a retry: still there (or unreadable, which proves nothing): try again.
            t.phase = Phase::Checking;
            return vec![Effect::CheckCanTerminate { id }];
        }
        Vec::new()
    }
}
