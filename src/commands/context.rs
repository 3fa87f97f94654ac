//! What every command that acts or reads the local store runs with: one client (key, read-only
//! switch, rate budget), the store, the clock and where lines go. [`open`] builds it from a
//! [`Target`]; [`run`](super::run) dispatches a command on it.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, Utc};

use crate::api::Client;
use crate::store::StoreHandle;

/// Where "now" comes from: the wall clock, or the demo server's clock.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Where lines go: `(to_stderr, line)`.
pub type Sink = Arc<dyn Fn(bool, &str) + Send + Sync>;

/// What every command runs with.
#[derive(Clone)]
pub struct Ctx {
    pub client: Client,
    pub store: StoreHandle,
    pub clock: Clock,
    /// The local offset, for `--at HH:MM`.
    pub local_offset: FixedOffset,
    pub poll_interval: std::time::Duration,
    pub read_only: bool,
    pub sink: Sink,
}

impl Ctx {
    pub fn out(&self, line: &str) {
        (self.sink)(false, line);
    }
    pub fn err(&self, line: &str) {
        (self.sink)(true, line);
    }
}

/// The sink that prints to stdout and stderr. A closed or full output is ignored (never a
/// panic): what a command prints must not stop what it does (the guard's DELETE above all).
pub fn stdio_sink() -> Sink {
    Arc::new(|to_err, line| {
        use std::io::Write as _;
        let _ = if to_err {
            writeln!(std::io::stderr().lock(), "{line}")
        } else {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{line}").and_then(|()| out.flush())
        };
    })
}

impl Ctx {
    /// The teams the last run read by `teamId` ([`crate::api::teams::remembered`]), asked
    /// for with the teams so that a user whose teams have not changed waits one round.
    pub async fn team_guess(&self) -> Vec<String> {
        let key = crate::store::settings::teams_key(&self.client.account_label());
        let value = self.store.call(move |s| s.setting(&key)).await;
        crate::api::teams::remembered(value.ok().flatten().as_deref())
    }

    /// Keep `teams` for the next run's first round, when they are not `guess`. Only a guess:
    /// a store that cannot keep it costs the next run a second round.
    pub async fn remember_teams(&self, teams: &crate::api::teams::Teams, guess: &[String]) {
        let now = crate::api::teams::to_remember(teams);
        if now == guess.join("\n") {
            return;
        }
        let key = crate::store::settings::teams_key(&self.client.account_label());
        let at = (self.clock)();
        let kept = self
            .store
            .call(move |s| s.set_setting(&key, Some(&now), at))
            .await;
        if let Err(e) = kept {
            tracing::warn!(error = %e, "store: the teams were not remembered");
        }
    }

    /// The zone a local `HH:MM` is read in: the system zone's rules (a change of the clocks
    /// counted) when [`Ctx::local_offset`] is the system's offset, as it is outside tests;
    /// that offset all year otherwise.
    pub fn zone(&self) -> crate::domain::guard::LocalZone {
        use crate::domain::guard::LocalZone;
        if *chrono::Local::now().offset() == self.local_offset {
            LocalZone::of(chrono::Local)
        } else {
            LocalZone::fixed(self.local_offset)
        }
    }
}

/// Where a command connects and keeps its store.
#[derive(Debug, Clone)]
pub struct Target {
    pub api_url: String,
    pub api_key: Option<crate::credentials::ApiKey>,
    pub read_only: bool,
    pub poll_interval: std::time::Duration,
    pub store_path: Option<std::path::PathBuf>,
    /// The user's home (`~/.ssh`, `~/.spheron`).
    pub home: Option<std::path::PathBuf>,
    /// Against the embedded demo server.
    pub demo: bool,
    /// Where GPU-use readings come from (the demo world's instances with `--demo`).
    pub instances: crate::runtime::usage::Instances,
}

/// Open the store and build the client of `target`, printing to `sink`; `Err` holds the
/// message (the caller exits 1).
pub fn open(target: &Target, clock: Clock, sink: Sink) -> Result<Ctx, String> {
    let Some(path) = target.store_path.as_deref() else {
        return Err("no data directory is known, so there is no local store".into());
    };
    let store = match crate::store::Store::open(path) {
        Ok((store, report)) => {
            if let Some(n) = report.notice {
                sink(true, &format!("warning: {n}"));
            }
            if target.demo
                && let Err(e) = store.relax_sync_for_demo()
            {
                tracing::warn!(error = %e, "demo store: every commit synced");
            }
            StoreHandle::spawn(store)
        }
        Err(e) => return Err(e.to_string()),
    };
    let client = Client::with_options(crate::api::ClientOptions {
        read_only: target.read_only,
        ..crate::api::ClientOptions::new(&target.api_url, target.api_key.clone())
    })
    .map_err(|e| e.to_string())?;
    Ok(Ctx {
        client,
        store,
        clock,
        local_offset: *chrono::Local::now().offset(),
        poll_interval: target.poll_interval,
        read_only: target.read_only,
        sink,
    })
}
