//! `guard run`: the pollers and the engine without a terminal. Each tick it renews the enforcer
//! lock, polls (at the dashboard's interval, slower when the rate budget says so), feeds the
//! engine and performs what it decides: `can-terminate`, the DELETE (journaled before it is
//! sent), reads by id, rule removal. Deployments with an idle rule have their GPU use probed
//! over SSH once a minute. Every decision is one line.
//!
//! The store failing (a full disk, a lost file) never stops enforcement: the rules already read
//! stay in force, the user is alerted, and what could not be written is written again later.

use std::io::{IsTerminal, Write as _};

use chrono::{DateTime, Duration, Utc};

use crate::api::teams::Teams;
use crate::api::{ApiError, Deployment, DeploymentStatus, SshKey};
use crate::commands::context::Ctx;
use crate::domain::guard_engine::{DeleteFailed, Effect, Engine, Event, Mode, Observed, Proof};
use crate::domain::ssh_config::{SshPaths, entries};
use crate::domain::usage::{PROBE_EVERY, Sample};
use crate::store::{Failing, LockState, NewJournalEntry};

/// How long the lock lasts without a heartbeat, and how often it is renewed.
pub const LOCK_TTL: Duration = Duration::seconds(60);
pub const LOCK_RENEW: Duration = Duration::seconds(15);
/// The shortest time between two offers loads for the watches.
pub const OFFERS_EVERY: Duration = Duration::seconds(60);
/// The user's teams are read again after this many polls (a team joined later is covered).
pub const TEAMS_EVERY_POLLS: u32 = 30;

/// What a runner reports to a dashboard (instead of printing lines).
#[derive(Debug, Clone, PartialEq)]
pub enum Report {
    /// A decision; `alert` for warnings.
    Line { text: String, alert: bool },
    /// Deployment id → countdown or spend left, after each step.
    Rows(std::collections::BTreeMap<String, String>),
    /// Who else enforces, after each lock check.
    Enforcer(Option<String>),
    /// A DELETE of this deployment is about to be sent by the guard (whatever its answer, it
    /// is not the provider's doing if the deployment ends).
    Terminating { id: String },
    /// An idle rule's warning: any key on its row in the dashboard snoozes it.
    IdleWarning { id: String },
    /// The rules held, whenever they change (the details of a deployment show its rule).
    Rules(Vec<crate::domain::guard::StoredRule>),
}

pub type Reporter = Box<dyn Fn(Report) + Send + Sync>;

/// A journal write the store refused, kept to be written again.
#[derive(Debug, Clone)]
enum Unwritten {
    /// A whole row (its intent could not be written either).
    Row(NewJournalEntry),
    /// The outcome of a row written ahead.
    Outcome { row: i64, result: String },
}

/// Who else enforces, the row labels, and the rules held.
type Shown = (
    Option<String>,
    std::collections::BTreeMap<String, String>,
    Vec<crate::domain::guard::StoredRule>,
);

/// The loop's state between ticks.
pub struct Runner {
    ctx: Ctx,
    engine: Engine,
    holder: String,
    label: String,
    next_lock: Option<DateTime<Utc>>,
    next_poll: Option<DateTime<Utc>>,
    lock_line: Option<String>,
    /// The store's trouble, while it lasts (said once, with an alert, not every second).
    store_error: Option<String>,
    /// The store's file was deleted, replaced or truncated (said once; rules are no longer
    /// read from it).
    store_lost: bool,
    /// Journal rows that could not be written yet (a full disk): written again each step.
    unwritten: Vec<Unwritten>,
    /// Ring the bell and send desktop notifications (stdout is a terminal).
    alerts: bool,
    /// Set for the dashboard: reports go there instead of stdout.
    reporter: Option<Reporter>,
    /// Price watches: when offers are next loaded (whose episodes the store keeps).
    next_offers: Option<DateTime<Utc>>,
    next_compact: Option<DateTime<Utc>>,
    /// Whether this runner loads offers for the watches (`guard run`; the dashboard loads its
    /// own).
    watches: bool,
    /// What the dashboard was last sent: who enforces, the row labels, the rules.
    shown: Option<Shown>,
    /// The teams whose deployments each poll reads, and the polls since they were read.
    teams: Option<Teams>,
    polls_since_teams: u32,
    /// Where our SSH files are (`None`: no home directory; nothing is probed, so no idle rule
    /// is ever due).
    ssh_paths: Option<SshPaths>,
    /// Where the readings come from.
    instances: crate::runtime::usage::Instances,
    /// The deployments the last poll listed (the addresses idle probes reach).
    listed: Vec<Deployment>,
    /// The account's SSH keys (read once, when there is an idle rule), naming IdentityFile.
    account_keys: Option<Vec<SshKey>>,
    /// When each deployment with an idle rule may be probed next, and its last probe's error.
    probe_due: std::collections::HashMap<String, DateTime<Utc>>,
    probe_error: std::collections::HashMap<String, String>,
}

impl Runner {
    pub fn new(ctx: Ctx, dry_run: bool, label: &str) -> Runner {
        let mode = if ctx.read_only {
            Mode::ReadOnly
        } else if dry_run {
            Mode::DryRun
        } else {
            Mode::Enforce
        };
        let pid = std::process::id();
        let engine = Engine::new(mode).with_offset(ctx.local_offset);
        Runner {
            ctx,
            engine,
            holder: crate::store::rules::lock_holder_id(),
            label: format!("{label}, pid {pid}"),
            next_lock: None,
            next_poll: None,
            lock_line: None,
            store_error: None,
            store_lost: false,
            unwritten: Vec::new(),
            alerts: std::io::stdout().is_terminal(),
            reporter: None,
            next_offers: None,
            next_compact: None,
            teams: None,
            polls_since_teams: 0,
            watches: true,
            shown: None,
            ssh_paths: crate::credentials::home_dir().map(|h| SshPaths::under(&h)),
            instances: Default::default(),
            listed: Vec::new(),
            account_keys: None,
            probe_due: Default::default(),
            probe_error: Default::default(),
        }
    }

    /// Our SSH files under another home (tests), or none.
    pub fn with_ssh_paths(mut self, paths: Option<SshPaths>) -> Runner {
        self.ssh_paths = paths;
        self
    }

    /// Read GPU use from `instances` (the demo world's, with `--demo`).
    pub fn with_instances(mut self, instances: crate::runtime::usage::Instances) -> Runner {
        self.instances = instances;
        self
    }

    /// Report to `r` instead of printing (the dashboard).
    pub fn with_reporter(mut self, r: Reporter) -> Runner {
        self.alerts = false;
        self.reporter = Some(r);
        self.watches = false;
        self
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    fn say(&self, now: DateTime<Utc>, line: &str) {
        match &self.reporter {
            Some(r) => r(Report::Line {
                text: line.to_string(),
                alert: false,
            }),
            None => {
                // The log keeps the record whatever becomes of stdout.
                tracing::info!(%line, "guard");
                self.ctx.out(&format!(
                    "{} guard: {line}",
                    now.format("%Y-%m-%dT%H:%M:%SZ")
                ));
            }
        }
    }

    /// Who enforces: a line for `guard run`; the dashboard shows it from [`Report::Enforcer`].
    fn status(&self, now: DateTime<Utc>, line: &str) {
        if self.reporter.is_none() {
            self.say(now, line);
        }
    }

    /// One tick: lock, poll when due, engine, effects.
    pub async fn step(&mut self) {
        let now = (self.ctx.clock)();
        if self.next_lock.is_none_or(|t| now >= t) {
            self.next_lock = Some(now + LOCK_RENEW);
            self.renew_lock(now).await;
        }
        // The rules are re-read every step (a local read), so a rule set or cleared elsewhere
        // counts at once. When the store cannot be read, or its file is no longer the one
        // opened (deleted, replaced, truncated), the rules already held stay in force: what
        // such a file says, "no rules" included, proves nothing.
        let read = self
            .ctx
            .store
            .call(|s| match s.check_file() {
                Ok(()) => s.rules().map(Ok),
                Err(t) => Ok(Err(t.text(s.path()))),
            })
            .await;
        match read {
            Ok(Ok(rules)) => {
                self.engine.handle(Event::Rules(rules));
            }
            Ok(Err(lost)) => self.store_lost(now, lost),
            Err(e) => self.store_failed(now, "read the guard rules", &e.to_string()),
        }
        if let Ok(snoozes) = self.ctx.store.call(|s| s.snoozes()).await {
            self.engine.handle(Event::Snoozes(snoozes));
        }
        let mut effects = Vec::new();
        if self.next_poll.is_none_or(|t| now >= t) {
            effects.extend(self.poll(now).await);
        }
        self.probe_idle(now).await;
        effects.extend(self.engine.handle(Event::Tick(now)));
        self.perform(effects).await;
        self.write_unwritten(now).await;
        if self.watches && self.next_offers.is_none_or(|t| now >= t) {
            self.watch_offers(now).await;
        }
        if let Some(r) = &self.reporter {
            // Only changes are sent: each one redraws the dashboard.
            let shown = (
                self.engine.other_enforcer().map(str::to_owned),
                self.engine.row_labels(now),
                self.engine.stored_rules(),
            );
            if self.shown.as_ref() != Some(&shown) {
                if self.shown.as_ref().is_none_or(|s| s.0 != shown.0) {
                    r(Report::Enforcer(shown.0.clone()));
                }
                if self.shown.as_ref().is_none_or(|s| s.1 != shown.1) {
                    r(Report::Rows(shown.1.clone()));
                }
                if self.shown.as_ref().is_none_or(|s| s.2 != shown.2) {
                    r(Report::Rules(shown.2.clone()));
                }
                self.shown = Some(shown);
            }
        }
    }

    /// The store failed doing `what`: said once, with an alert, while the trouble lasts.
    fn store_failed(&mut self, now: DateTime<Utc>, what: &str, e: &str) {
        if self.store_error.is_some() {
            return;
        }
        let n = self.engine.rule_count();
        let text = format!(
            "the local store failed ({e}) trying to {what}: the guard keeps enforcing the {n} rule{} it holds, and writes what it could not once the store works again",
            if n == 1 { "" } else { "s" }
        );
        self.say_alert(now, &format!("WARNING: {text}"), text.clone());
        self.store_error = Some(text);
    }

    /// The store's file was deleted, replaced or truncated under this process: said once, with
    /// an alert, naming the rules held and how to set them again should they not come back.
    fn store_lost(&mut self, now: DateTime<Utc>, lost: String) {
        if self.store_lost {
            return;
        }
        self.store_lost = true;
        let rules = self.engine.stored_rules();
        let n = rules.len();
        let mut text = format!(
            "{lost}: the guard keeps enforcing the {n} rule{} it holds and reads no rule from that file again. When restarted, the program moves the file aside and recovers what can be read; if a rule is missing from `guard list` then, set it again",
            if n == 1 { "" } else { "s" }
        );
        if !rules.is_empty() {
            let again: Vec<String> = rules.iter().map(|r| r.add_command()).collect();
            text.push_str(&format!(": {}", again.join(" ; ")));
        }
        self.say_alert(now, &format!("WARNING: {text}"), text.clone());
    }

    /// The store answered a write again: the trouble is over.
    fn store_ok(&mut self, now: DateTime<Utc>) {
        if self.store_error.take().is_some() {
            self.say(now, "the local store works again");
        }
    }

    /// Write again the journal rows a failing store refused.
    async fn write_unwritten(&mut self, now: DateTime<Utc>) {
        while let Some(u) = self.unwritten.first().cloned() {
            let done = match u.clone() {
                Unwritten::Row(entry) => self
                    .ctx
                    .store
                    .call(move |s| s.record(&entry))
                    .await
                    .map(drop),
                Unwritten::Outcome { row, result } => {
                    self.ctx
                        .store
                        .call(move |s| s.record_outcome(row, &result, Default::default(), None))
                        .await
                }
            };
            match done {
                Ok(()) => {
                    self.unwritten.remove(0);
                    self.store_ok(now);
                }
                Err(e) => {
                    self.store_failed(now, "write the journal", &e.to_string());
                    return;
                }
            }
        }
    }

    async fn renew_lock(&mut self, now: DateTime<Utc>) {
        // A dry run (or read-only) sends nothing, so it does not take the lock from a real
        // enforcer: it only says who enforces.
        if self.engine.mode() != Mode::Enforce {
            let how = match self.engine.mode() {
                Mode::DryRun => "dry run",
                _ => "read-only",
            };
            let line = match self.ctx.store.call(move |s| s.lock_holder(now)).await {
                Ok(Some(who)) => format!("{who} enforces the guard; this {how} only reports"),
                Ok(None) => format!(
                    "nobody else enforces the guard; this {how} only reports, no write is sent"
                ),
                Err(e) => format!("the store is unavailable ({e})"),
            };
            self.engine.handle(Event::Lock(LockState::Held));
            if self.lock_line.as_deref() != Some(line.as_str()) {
                self.status(now, &line);
                self.lock_line = Some(line);
            }
            return;
        }
        let (holder, label) = (self.holder.clone(), self.label.clone());
        let state = self
            .ctx
            .store
            .call(move |s| s.acquire_lock(&holder, &label, now, LOCK_TTL))
            .await;
        let (line, state) = match state {
            Ok(LockState::Held) => ("enforcing the guard rules".to_string(), LockState::Held),
            Ok(other @ LockState::Other { .. }) => {
                let who = match &other {
                    LockState::Other { label, .. } => label.clone(),
                    LockState::Held => String::new(),
                };
                (format!("{who} enforces the guard; this one waits"), other)
            }
            // The lock cannot be written (a full disk…): unless another process is seen holding
            // it, this one enforces — a guard that stops for want of a lock fails open.
            Err(e) => {
                let e = e.to_string();
                self.store_failed(now, "renew the enforcer lock", &e);
                match self.ctx.store.call(move |s| s.lock_holder(now)).await {
                    Ok(Some(who)) if !self.engine.enforcing() => (
                        format!("{who} enforces the guard; this one waits"),
                        LockState::Other {
                            label: who,
                            expires_at: now,
                        },
                    ),
                    _ => (
                        format!("enforcing the guard rules (the lock could not be written: {e})"),
                        LockState::Held,
                    ),
                }
            }
        };
        self.engine.handle(Event::Lock(state));
        if self.lock_line.as_deref() != Some(line.as_str()) {
            self.status(now, &line);
            self.lock_line = Some(line);
        }
    }

    async fn poll(&mut self, now: DateTime<Utc>) -> Vec<Effect> {
        let interval = Duration::from_std(self.ctx.poll_interval).unwrap_or(Duration::seconds(20));
        self.next_poll = Some(now + interval);
        if self.engine.rule_count() == 0 {
            return Vec::new(); // nothing to enforce: no request
        }
        if self.teams.is_none() || self.polls_since_teams >= TEAMS_EVERY_POLLS {
            // Unknown teams: the current team's list this time, and asked again next poll.
            // A guarded deployment not in the list is read by itself.
            match Teams::read(&self.ctx.client).await {
                Ok(t) => {
                    self.teams = Some(t);
                    self.polls_since_teams = 0;
                }
                Err(e) => self.say(now, &format!("could not read your teams: {e}")),
            }
        }
        self.polls_since_teams += 1;
        let teams = self.teams.clone().unwrap_or_default();
        // Every status: an ended one is seen as ended (and then read by id for proof). Whether
        // the list is complete does not matter here: the engine concludes no end from a list.
        match self.ctx.client.deployments_of_teams(&teams, None).await {
            Ok(list) => {
                let pace = Duration::from_std(self.ctx.client.pace_hint()).unwrap_or_default();
                self.next_poll = Some(now + interval + pace);
                self.listed = list.items.clone();
                let list = list
                    .items
                    .iter()
                    .map(|d| Observed::from_deployment(d, now))
                    .collect();
                self.engine.handle(Event::Deployments { now, list })
            }
            Err(e) => {
                self.say(now, &format!("deployments poll failed: {e}"));
                if let ApiError::RateLimited { retry_after } = &e {
                    let wait = Duration::from_std(*retry_after).unwrap_or(interval);
                    self.next_poll = Some(now + wait.max(interval));
                    return Vec::new();
                }
                self.engine.handle(Event::PollFailed { now })
            }
        }
    }

    /// Probe the GPU use of each running deployment with an idle rule, once a minute at most
    /// each; every answer (a failure too, which counts as busy) goes to the engine.
    async fn probe_idle(&mut self, now: DateTime<Utc>) {
        let ids = self.engine.idle_rule_ids();
        self.probe_due.retain(|id, _| ids.contains(id));
        self.probe_error.retain(|id, _| ids.contains(id));
        if ids.is_empty() {
            return;
        }
        let Some(paths) = self.ssh_paths.clone() else {
            return;
        };
        let running: Vec<&String> = ids
            .iter()
            .filter(|id| {
                self.listed
                    .iter()
                    .any(|d| &d.id == *id && d.status == DeploymentStatus::Running)
            })
            .filter(|id| self.probe_due.get(*id).is_none_or(|t| now >= *t))
            .collect();
        if running.is_empty() {
            return;
        }
        if self.account_keys.is_none() {
            let keys = match self.ctx.client.ssh_keys().await {
                Ok(l) => l.items,
                Err(e) => {
                    self.say(
                        now,
                        &format!(
                            "could not read the SSH keys ({e}): idle probes use your default keys"
                        ),
                    );
                    Vec::new()
                }
            };
            self.account_keys = Some(keys);
        }
        let ssh_dir = paths
            .user_config
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_default();
        let local: Vec<(String, String)> = crate::runtime::files::scan_pub_keys(&ssh_dir)
            .into_iter()
            .map(|k| (k.path, k.text))
            .collect();
        let (hosts, _) = entries(
            &self.listed,
            &local,
            self.account_keys.as_deref().unwrap_or_default(),
        );
        let running: Vec<String> = running.into_iter().cloned().collect();
        for id in running {
            let Some(entry) = hosts.iter().find(|e| e.deployment_id == id) else {
                continue;
            };
            self.probe_due.insert(id.clone(), now + PROBE_EVERY);
            let result = self
                .instances
                .probe(&self.ctx.client, entry, Some(&paths))
                .await;
            match &result {
                Err(e) if self.probe_error.get(&id) != Some(e) => {
                    self.say(
                        now,
                        &format!("{id}: GPU-use probe failed ({e}); it counts as busy"),
                    );
                    self.probe_error.insert(id.clone(), e.clone());
                }
                Err(_) => {}
                Ok(_) => {
                    self.probe_error.remove(&id);
                }
            }
            let at = (self.ctx.clock)();
            self.engine.handle(Event::Usage {
                id,
                sample: Sample { at, result },
            });
        }
    }

    async fn perform(&mut self, effects: Vec<Effect>) {
        let mut queue: std::collections::VecDeque<Effect> = effects.into();
        while let Some(fx) = queue.pop_front() {
            let now = (self.ctx.clock)();
            match fx {
                Effect::CheckCanTerminate { id } => {
                    let result = self
                        .ctx
                        .client
                        .can_terminate(&id)
                        .await
                        .map_err(|e| e.to_string());
                    queue.extend(self.engine.handle(Event::CanTerminate { id, now, result }));
                }
                Effect::Read { id } => {
                    let result = match self.ctx.client.deployment(&id).await {
                        Ok(d) => Proof::Read(Observed::from_deployment(&d, now)),
                        Err(ApiError::NotFound { .. }) => Proof::NotFound,
                        Err(e) => {
                            self.say(now, &format!("could not read deployment {id}: {e}"));
                            Proof::Failed(e.to_string())
                        }
                    };
                    queue.extend(self.engine.handle(Event::Read { id, now, result }));
                }
                Effect::Terminate {
                    id,
                    name,
                    usd_per_hour,
                    text,
                    evidence,
                } => {
                    self.say(now, &text);
                    let about = (id.as_str(), name);
                    let result = self
                        .terminate(now, about, usd_per_hour, evidence.as_deref())
                        .await;
                    let now = (self.ctx.clock)();
                    queue.extend(self.engine.handle(Event::Terminated { id, now, result }));
                }
                Effect::RemoveRule { id, text } => {
                    let key = id.clone();
                    match self.ctx.store.call(move |s| s.remove_rule(&key)).await {
                        Ok(_) => {
                            self.say(now, &text);
                            self.store_ok(now);
                        }
                        Err(e) => {
                            self.say(now, &format!("{text} — but the store failed: {e}"));
                            self.store_failed(now, "remove a guard rule", &e.to_string());
                        }
                    }
                }
                Effect::Failing {
                    id,
                    failures,
                    next_try,
                    text,
                    alert,
                } => {
                    if alert {
                        self.say_alert(now, &format!("ALERT: {text}"), text.clone());
                    } else {
                        self.say(now, &text);
                    }
                    let f = Failing {
                        failures,
                        next_try,
                        error: text,
                    };
                    if let Err(e) = self
                        .ctx
                        .store
                        .call(move |s| s.set_rule_failing(&id, &f))
                        .await
                    {
                        self.store_failed(now, "note the failure with its rule", &e.to_string());
                    }
                }
                Effect::Warn { id, text, .. } => {
                    if let (Some(r), true) = (&self.reporter, self.engine.is_idle_rule(&id)) {
                        r(Report::IdleWarning { id: id.clone() });
                    }
                    self.say_alert(now, &format!("WARNING: {text}"), text)
                }
                Effect::Announce {
                    text, alert: true, ..
                } => self.say_alert(now, &text, text.clone()),
                Effect::WouldTerminate { text, .. } | Effect::Announce { text, .. } => {
                    self.say(now, &text);
                }
            }
        }
    }

    /// Send one DELETE, journaled ahead: the row says "sent" before the request leaves, and
    /// its outcome after. A row the store refuses is kept and written later; the DELETE goes
    /// out regardless (enforcement comes first). An idle rule's evidence is kept in the row.
    async fn terminate(
        &mut self,
        now: DateTime<Utc>,
        (id, name): (&str, Option<String>),
        usd_per_hour: Option<f64>,
        evidence: Option<&str>,
    ) -> Result<(), DeleteFailed> {
        let with_evidence = |text: &str| match evidence {
            Some(e) => format!("{text} — {e}"),
            None => text.to_string(),
        };
        if let Some(r) = &self.reporter {
            r(Report::Terminating { id: id.to_string() });
        }
        let mut entry = NewJournalEntry {
            at: now,
            source: "guard".into(),
            method: "DELETE".into(),
            path: format!("/api/deployments/{id}"),
            target_id: Some(id.to_string()),
            target_name: name,
            result: with_evidence("DELETE sent"),
            usd_per_hour,
        };
        let ahead = entry.clone();
        let row = match self.ctx.store.call(move |s| s.record_intent(&ahead)).await {
            Ok(row) => Some(row),
            Err(e) => {
                self.store_failed(now, "journal a DELETE before sending it", &e.to_string());
                None
            }
        };
        let sent = self.ctx.client.terminate_deployment(id).await;
        let outcome = with_evidence(&match &sent {
            Ok(_) => "ok".to_string(),
            Err(e) if e.is_local() => format!("not sent: {e}"),
            Err(e) => e.to_string(),
        });
        let written = match row {
            Some(row) => {
                let text = outcome.clone();
                let r = self
                    .ctx
                    .store
                    .call(move |s| s.record_outcome(row, &text, Default::default(), None))
                    .await;
                r.map_err(|e| {
                    (
                        e,
                        Unwritten::Outcome {
                            row,
                            result: outcome,
                        },
                    )
                })
            }
            None => {
                entry.result = outcome;
                let whole = entry.clone();
                let r = self.ctx.store.call(move |s| s.record(&whole)).await;
                r.map(drop).map_err(|e| (e, Unwritten::Row(entry)))
            }
        };
        if let Err((e, u)) = written {
            self.store_failed(now, "journal a DELETE's outcome", &e.to_string());
            self.unwritten.push(u);
        }
        sent.map(drop).map_err(|e| DeleteFailed::from_api(&e))
    }

    /// Load the offers (only while there are watches), record them in the price history and
    /// announce each watch that starts matching. Offers are loaded at most once a minute.
    async fn watch_offers(&mut self, now: DateTime<Utc>) {
        let interval = Duration::from_std(self.ctx.poll_interval)
            .unwrap_or(Duration::seconds(20))
            .max(OFFERS_EVERY);
        self.next_offers = Some(now + interval);
        let watches = match self.ctx.store.call(|s| s.watches()).await {
            Ok(w) => w,
            Err(e) => {
                self.say(now, &format!("could not read the watches: {e}"));
                return;
            }
        };
        if watches.is_empty() {
            return;
        }
        let offers = match crate::commands::history::fetch_all_offers(&self.ctx.client).await {
            Ok(o) => o,
            Err(e) => {
                self.say(now, &format!("offers load failed: {e}"));
                return;
            }
        };
        let obs = offers
            .iter()
            .map(crate::domain::history::PriceObservation::of)
            .collect();
        let compact = self.next_compact.is_none_or(|t| now >= t);
        if compact {
            self.next_compact = Some(now + Duration::hours(1));
        }
        // Every page, no filter, every offer read: an offer it does not list is gone.
        let coverage = if offers.is_complete() {
            crate::domain::history::Coverage::Complete
        } else {
            crate::domain::history::Coverage::Partial
        };
        if let Err(e) =
            crate::commands::history::record_load(&self.ctx.store, now, obs, coverage, compact)
                .await
        {
            self.say(
                now,
                &format!("the price history could not be recorded: {e}"),
            );
        }
        let hits = crate::domain::watch::matching(&watches, &offers);
        let started = match self
            .ctx
            .store
            .call(move |s| s.watch_episodes(now, hits, coverage))
            .await
        {
            Ok(started) => started,
            Err(e) => {
                self.say(now, &format!("could not read the watches' state: {e}"));
                return;
            }
        };
        for hit in &started {
            self.say_alert(now, &hit.text, hit.text.clone());
        }
    }

    /// A line with the bell and a desktop notification (the dashboard: an alerting notice).
    fn say_alert(&self, now: DateTime<Utc>, line: &str, text: String) {
        match &self.reporter {
            Some(r) => r(Report::Line { text, alert: true }),
            None => {
                self.say(now, line);
                self.alert(&text);
            }
        }
    }

    fn alert(&self, text: &str) {
        if !self.alerts {
            return;
        }
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(b"\x07");
        if let Some(seq) = crate::commands::guard::notify::osc(text, |k| std::env::var(k).ok()) {
            let _ = out.write_all(seq.as_bytes());
        }
        let _ = out.flush();
    }

    /// Give the lock up (on exit).
    pub async fn release(&self) {
        if self.engine.mode() != Mode::Enforce {
            return;
        }
        let holder = self.holder.clone();
        let _ = self.ctx.store.call(move |s| s.release_lock(&holder)).await;
    }
}
