//! `AppState`: everything the dashboard knows. Only the reducer writes it; the UI reads it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use tui_input::Input;

use super::Pane;
use super::dialogs::Dialog;
use super::filter::{OfferFilter, OfferHay};
use super::tracking::{Arrival, Cache, DeployTrack, Leaving, SshReady};
use crate::api::{
    Balance, Completeness, Deployment, DeploymentFilter, Gap, InstanceType, Offer, RateStatus,
    SshKey, Team, Volume,
};

/// Facts about this session that do not change while it runs (except the key).
#[derive(Debug, Clone, Default)]
pub struct Session {
    pub demo: bool,
    pub read_only: bool,
    /// "app.spheron.ai", or "127.0.0.1:PORT".
    pub host: String,
    /// `sai_…9f2c`, when a key is loaded.
    pub key_mask: Option<String>,
    pub poll_interval_secs: u64,
}

impl Session {
    pub fn has_key(&self) -> bool {
        self.key_mask.is_some()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OfferSort {
    #[default]
    Price,
    GpuPrice,
    GpuCount,
    Vram,
    Provider,
    /// The model plan's columns (only while there is a plan).
    PerMtok,
    TokensPerSecond,
    Fit,
}

impl OfferSort {
    pub const ALL: [OfferSort; 8] = [
        OfferSort::Price,
        OfferSort::GpuPrice,
        OfferSort::GpuCount,
        OfferSort::Vram,
        OfferSort::Provider,
        OfferSort::PerMtok,
        OfferSort::TokensPerSecond,
        OfferSort::Fit,
    ];
    pub fn label(self) -> &'static str {
        match self {
            OfferSort::Price => "$/h",
            OfferSort::GpuPrice => "$/GPU·h",
            OfferSort::GpuCount => "GPUs",
            OfferSort::Vram => "VRAM",
            OfferSort::Provider => "provider",
            OfferSort::PerMtok => "$/Mtok",
            OfferSort::TokensPerSecond => "tok/s",
            OfferSort::Fit => "fit",
        }
    }
    /// Whether this sort reads the model plan's figures.
    pub fn needs_plan(self) -> bool {
        matches!(
            self,
            OfferSort::PerMtok | OfferSort::TokensPerSecond | OfferSort::Fit
        )
    }
    /// The sort `s` moves to; the plan's columns only while there is a plan.
    pub fn next(self, plan: bool) -> Self {
        let i = Self::ALL.iter().position(|s| *s == self).unwrap_or(0);
        (1..=Self::ALL.len())
            .map(|k| Self::ALL[(i + k) % Self::ALL.len()])
            .find(|s| plan || !s.needs_plan())
            .unwrap_or_default()
    }
}

/// The lowest and highest of the visible offers' amounts, per money column.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct OfferAmounts {
    /// $/h.
    pub rate: crate::domain::cost::Extremes,
    /// The struck list price of the discounted ones.
    pub list: crate::domain::cost::Extremes,
    /// $/GPU·h.
    pub per_gpu: crate::domain::cost::Extremes,
    /// $/Mtok under the model plan.
    pub per_mtok: crate::domain::cost::Extremes,
}

/// A table's cursor. `offset` is derived at render time from `selected` and the viewport.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor {
    pub selected: usize,
}

#[derive(Debug, Clone, Default)]
pub struct OffersView {
    /// Every offer of every loaded page, flattened (one row per offer).
    pub all: Vec<Offer>,
    /// Lowercased text of each offer in `all` (same index), prepared once per load.
    pub hay: Vec<OfferHay>,
    /// Indices into `all` that pass the filter and type, in sort order. Recomputed on change.
    pub visible: Vec<usize>,
    /// The extremes of the visible rows' prices, kept with `visible` so a frame sizes its money
    /// columns without reading every row.
    pub amounts: OfferAmounts,
    /// GPU models among `visible`.
    pub visible_models: usize,
    pub cursor: Cursor,
    pub filter_input: Input,
    pub filter: OfferFilter,
    pub editing_filter: bool,
    /// The `search` last sent to the API.
    pub search_sent: Option<String>,
    pub instance_type: Option<InstanceType>,
    pub sort: OfferSort,
    pub descending: bool,
    /// The model plan and each offer's figures under it (`app::planning`).
    pub plan: Option<super::planning::PlanView>,
    /// Bumped on every new query, so answers to an old query are dropped.
    pub seq: u64,
    pub pages_loaded: u64,
    pub total_pages: u64,
    pub total_groups: u64,
    /// Groups and offers of the pages loaded that could not be read.
    pub unreadable: usize,
    pub loading: bool,
    pub loaded_once: bool,
    /// When the last page of the last load came.
    pub loaded_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
}

impl OffersView {
    pub fn selected(&self) -> Option<&Offer> {
        self.visible
            .get(self.cursor.selected)
            .and_then(|&i| self.all.get(i))
    }

    /// What the offers loaded may be missing: pages not (yet) read, items unreadable, and the
    /// search or instance type sent. Only a complete load says an offer is gone.
    pub fn completeness(&self) -> Completeness {
        let mut c = Completeness::with(Gap::Unreadable(self.unreadable));
        if self.pages_loaded < self.total_pages.max(1) {
            c.add(Gap::Pages {
                read: u32::try_from(self.pages_loaded).unwrap_or(u32::MAX),
                of: self.total_pages,
            });
        }
        if let Some(search) = &self.search_sent {
            c.add(Gap::Filtered(format!("offers matching \"{search}\"")));
        }
        if let Some(t) = &self.instance_type {
            c.add(Gap::Filtered(format!("{t} offers")));
        }
        c
    }
}

/// A list whose selection follows the id of the selected item across refreshes.
#[derive(Debug, Clone)]
pub struct ListView<T> {
    pub items: Vec<T>,
    pub selected_id: Option<String>,
    pub cursor: Cursor,
    pub loading: bool,
    pub loaded_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
    /// What the last answer may be missing: only a complete one proves that something is
    /// absent. Nothing loaded yet proves nothing either.
    pub completeness: Completeness,
}

impl<T> Default for ListView<T> {
    fn default() -> Self {
        ListView {
            items: Vec::new(),
            selected_id: None,
            cursor: Cursor::default(),
            loading: false,
            loaded_at: None,
            error: None,
            completeness: Completeness::with(Gap::NotRead("not loaded yet".into())),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct AccountView {
    pub balance: Option<Balance>,
    pub teams: Vec<Team>,
    /// What the last teams list may be missing: a team not read is a team whose deployments and
    /// volumes are not read, so those lists prove nothing absent either.
    pub teams_completeness: Completeness,
    pub balance_at: Option<DateTime<Utc>>,
    pub cursor: Cursor,
    pub loading: bool,
    pub error: Option<String>,
    /// The team new deploys and volumes go to, chosen on the Account pane (`u`).
    pub chosen_team: Option<String>,
    /// The account cap (`max_burn_usd_per_hour` in `config.toml`): a deploy that would take
    /// the account's $/h past it is refused.
    pub max_burn_usd_per_hour: Option<f64>,
}

/// When each poll is next due and whether one is in flight. The reducer owns this schedule, so
/// request pacing is a pure function of the Actions it is fed (and tests can move time).
#[derive(Debug, Clone, Default)]
pub struct Schedule {
    pub deployments_due: Option<DateTime<Utc>>,
    pub deployments_last: Option<DateTime<Utc>>,
    pub deployments_in_flight: bool,
    pub balance_due: Option<DateTime<Utc>>,
    pub balance_in_flight: bool,
    pub volumes_due: Option<DateTime<Utc>>,
    pub volumes_in_flight: bool,
    pub keys_in_flight: bool,
    pub teams_in_flight: bool,
    /// Pages the last deployments / volumes read took (0 before the first): each poll interval
    /// grows with it, so requests per window stay the same however long the lists are.
    pub deployment_pages: u32,
    pub volume_pages: u32,
    /// The deployments request out asks for every status (not only active ones).
    pub deployments_requested_full: bool,
    /// The deployments list held is every status: inactive ones are known.
    pub deployments_full: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlashKind {
    Info,
    Success,
    Warning,
}

/// How long a status message stays: long enough for one that matters (a deployment came up,
/// a deploy error that created it anyway); the next message replaces it.
pub const STATUS_SECS: i64 = 30;

/// A message shown in the status bar until `until`.
#[derive(Debug, Clone, PartialEq)]
pub struct Flash {
    pub text: String,
    pub kind: FlashKind,
    pub until: DateTime<Utc>,
}

/// Messages the log keeps (the oldest go first).
pub const LOG_KEEP: usize = 200;

/// One message as it was said, with its time.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub at: DateTime<Utc>,
    pub kind: LogKind,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogKind {
    Info,
    Success,
    Warning,
    Error,
}

#[derive(Debug, Clone, Default)]
pub struct Status {
    pub last_error: Option<String>,
    /// Every status message and error, newest last, at most [`LOG_KEEP`].
    pub log: std::collections::VecDeque<LogEntry>,
    pub flash: Option<Flash>,
    /// The rate budget of the last answer; its reset times count from `rate_at`.
    pub rate: RateStatus,
    /// When `rate` arrived.
    pub rate_at: Option<DateTime<Utc>>,
    /// After a 429: when requests may go out again. Absolute, because `rate.blocked_for` is
    /// relative to the last answer and no new answer comes while blocked.
    pub blocked_until: Option<DateTime<Utc>>,
    /// The store's file was deleted, replaced or truncated under the dashboard: shown for as
    /// long as it runs.
    pub store_lost: Option<String>,
    /// Lines said for another process's writes, waiting for the other watcher's half.
    pub elsewhere: super::elsewhere::Pending,
}

impl Status {
    /// Take the rate budget of an answer that arrived at `now`.
    pub fn set_rate(&mut self, rate: RateStatus, now: DateTime<Utc>) {
        self.rate = rate;
        self.rate_at = Some(now);
    }

    /// Time left at `now` until the request window resets, counting down from the answer.
    pub fn resets_in(&self, now: DateTime<Utc>) -> Option<std::time::Duration> {
        self.left(self.rate.reset_in, now)
    }

    /// The same for the deploy window.
    pub fn deploy_resets_in(&self, now: DateTime<Utc>) -> Option<std::time::Duration> {
        self.left(self.rate.deploy_reset_in, now)
    }

    fn left(
        &self,
        at_answer: Option<std::time::Duration>,
        now: DateTime<Utc>,
    ) -> Option<std::time::Duration> {
        let since = self
            .rate_at
            .map_or(chrono::Duration::zero(), |at| now - at)
            .to_std()
            .unwrap_or_default();
        at_answer.map(|d| d.saturating_sub(since))
    }
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub now: DateTime<Utc>,
    pub started: bool,
    pub pane: Pane,
    pub session: Session,
    pub offers: OffersView,
    pub deployments: ListView<Deployment>,
    pub deployment_filter: DeploymentFilter,
    /// The Deployments pane's sort (`s`, `S`).
    pub deployment_order: super::deployment_sort::DeploymentOrder,
    pub volumes: ListView<Volume>,
    pub keys: ListView<SshKey>,
    pub account: AccountView,
    /// The open dialog: it takes the keys before the panes.
    pub dialog: Option<Dialog>,
    pub status: Status,
    pub schedule: Schedule,
    /// The deploy being sent, and the check after an unclear failure.
    pub deploy: DeployTrack,
    /// Deployments created (or seen coming up) in this session, by id.
    pub arrivals: BTreeMap<String, Arrival>,
    /// Deployments that left the active list, read by id once; said once the read answers.
    pub leaving: BTreeMap<String, Leaving>,
    /// SSH readiness of every running deployment, by id: probed on the poll schedule until its
    /// port answers with an SSH banner; forgotten when it stops running.
    pub ssh: BTreeMap<String, SshReady>,
    /// Answers dialogs share between openings.
    pub cache: Cache,
    /// `GET /api/providers`, read once per run: `None` until it answers. A deploy or volume
    /// for a provider it does not list is refused before sending.
    pub providers: Option<Vec<String>>,
    /// Terminal size, for mouse hit-testing with the same layout the UI draws.
    pub size: (u16, u16),
    /// What the spend guard reports.
    pub guard: super::guard::GuardView,
    /// Teams whose part of a list read failed: their items are the last known ones.
    pub team_lists: super::teams::TeamLists,
    /// Price history and watches.
    pub prices: super::prices::PricesView,
    /// The instance workspace: the ssh_config file.
    pub workspace: super::workspace::WorkspaceView,
    /// Where a copy (OSC 52) goes: straight to the terminal, or through tmux.
    pub clipboard: Clipboard,
    /// GPU use of the running deployments followed.
    pub usage: super::usage::UsageView,
    /// Tunnels started with `p`, by deployment.
    pub tunnels: super::tunnels::TunnelsView,
    /// The deploy presets of `config.toml`.
    pub presets: super::dialogs::deploy::preset::Presets,
    pub quit: bool,
}

/// The route of an OSC 52 copy. Inside tmux it reaches the outer terminal's clipboard only
/// when tmux passes it on (`set-clipboard on`; its default `external` keeps it in tmux).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clipboard {
    #[default]
    Terminal,
    Tmux,
}

impl AppState {
    pub fn new(session: Session, now: DateTime<Utc>) -> Self {
        AppState {
            now,
            started: false,
            pane: Pane::Offers,
            session,
            offers: OffersView::default(),
            deployments: ListView::default(),
            deployment_filter: DeploymentFilter::Active,
            deployment_order: Default::default(),
            volumes: ListView::default(),
            keys: ListView::default(),
            account: AccountView::default(),
            dialog: None,
            status: Status::default(),
            schedule: Schedule::default(),
            deploy: DeployTrack::default(),
            arrivals: BTreeMap::new(),
            leaving: BTreeMap::new(),
            ssh: BTreeMap::new(),
            cache: Cache::default(),
            providers: None,
            size: (120, 40),
            guard: Default::default(),
            team_lists: Default::default(),
            prices: Default::default(),
            workspace: Default::default(),
            clipboard: Clipboard::default(),
            usage: Default::default(),
            tunnels: Default::default(),
            presets: Default::default(),
            quit: false,
        }
    }

    /// Deployments shown under the current `f` filter, in list order.
    pub fn visible_deployments(&self) -> Vec<&Deployment> {
        self.deployments
            .items
            .iter()
            .filter(|d| match self.deployment_filter {
                DeploymentFilter::Active => d.status.is_active(),
                DeploymentFilter::Inactive => !d.status.is_active(),
                DeploymentFilter::All => true,
            })
            .collect()
    }

    pub fn selected_deployment(&self) -> Option<&Deployment> {
        self.visible_deployments()
            .get(self.deployments.cursor.selected)
            .copied()
    }

    /// The team new deploys and volumes go to: the one chosen on the Account pane, else the
    /// platform's current team.
    pub fn current_team_id(&self) -> Option<&str> {
        if let Some(t) = self.account.chosen_team.as_deref() {
            return Some(t);
        }
        self.account
            .balance
            .as_ref()
            .and_then(|b| b.current())
            .map(|t| t.team_id.as_str())
            .or_else(|| {
                self.account
                    .teams
                    .iter()
                    .find(|t| t.is_default)
                    .or(self.account.teams.first())
                    .map(|t| t.id.as_str())
            })
    }

    /// A team's name, from the balance answer or the teams list.
    pub fn team_name(&self, id: &str) -> Option<&str> {
        let from_balance = self
            .account
            .balance
            .as_ref()
            .and_then(|b| b.teams.iter().find(|t| t.team_id == id))
            .map(|t| t.team_name.as_str());
        from_balance.or_else(|| {
            self.account
                .teams
                .iter()
                .find(|t| t.id == id)
                .map(|t| t.name.as_str())
        })
    }

    /// Keep `text` in the message log, with the time (the same text again in a row is kept
    /// once, so a poll failing every 20 s does not push everything else out).
    pub fn log(&mut self, kind: LogKind, text: impl Into<String>) {
        let text = text.into();
        let log = &mut self.status.log;
        if let Some(last) = log.back_mut()
            && last.text == text
            && last.kind == kind
        {
            last.at = self.now;
            return;
        }
        if log.len() >= LOG_KEEP {
            log.pop_front();
        }
        log.push_back(LogEntry {
            at: self.now,
            kind,
            text,
        });
    }

    /// An error from `source` (the request or pane it comes from): the status bar and the log
    /// both name it.
    pub fn error_from(&mut self, source: &str, e: impl std::fmt::Display) {
        let text = format!("{source}: {e}");
        self.log(LogKind::Error, text.clone());
        self.status.last_error = Some(text);
    }

    /// Whether the deployments held answer the current filter: the inactive and all views need
    /// a list of every status.
    pub fn deployments_cover_filter(&self) -> bool {
        self.deployment_filter == DeploymentFilter::Active || self.schedule.deployments_full
    }

    /// A team's live balance (`GET /api/balance`), when loaded.
    pub fn team_balance(&self, id: &str) -> Option<f64> {
        self.account
            .balance
            .as_ref()
            .and_then(|b| b.teams.iter().find(|t| t.team_id == id))
            .and_then(|t| t.balance)
    }

    /// Put `text` in the status bar for [`STATUS_SECS`]: the one way a status message is made.
    /// The offset local times are shown in (taken once at start; UTC until then and in tests).
    pub fn local_offset(&self) -> chrono::FixedOffset {
        self.guard
            .local_offset
            .unwrap_or(chrono::FixedOffset::east_opt(0).expect("UTC"))
    }

    pub fn say(&mut self, kind: FlashKind, text: impl Into<String>) {
        let text = text.into();
        self.log(
            match kind {
                FlashKind::Info => LogKind::Info,
                FlashKind::Success => LogKind::Success,
                FlashKind::Warning => LogKind::Warning,
            },
            text.clone(),
        );
        self.status.flash = Some(Flash {
            text,
            kind,
            until: self.now + chrono::Duration::seconds(STATUS_SECS),
        });
    }
}
