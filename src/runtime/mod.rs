//! The event loop, the command executor and the snapshot renderer. Performs effects; never
//! writes `AppState` except through the reducer.

pub mod account_watch;
pub mod event_loop;
pub mod executor;
pub mod files;
pub mod guard;
pub mod journal;
pub mod planning;
pub mod prices;
pub mod signals;
pub mod snapshot;
pub mod ssh;
pub mod ssh_config;
pub mod store_watch;
pub mod test_fault;
pub mod tunnels;
pub mod usage;
pub mod worker;

use std::path::PathBuf;
use std::time::Duration;

use chrono::Utc;

use crate::api::{Client, ClientOptions};
use crate::app::state::{Flash, FlashKind, Session};
use crate::app::{AppState, Pane};
use crate::credentials::ApiKey;
use crate::store::{Store, StoreHandle};
use crate::ui::Theme;
use executor::Executor;

/// Everything the dashboard needs to start, resolved by `main.rs` from flags, env and files.
#[derive(Debug, Clone)]
pub struct Launch {
    /// Base URL, already accepted by the guard.
    pub api_url: String,
    pub api_key: Option<ApiKey>,
    /// Where a key typed into the prompt is saved.
    pub credentials_path: PathBuf,
    /// Talking to the embedded demo server.
    pub demo: bool,
    pub poll_interval: Duration,
    pub read_only: bool,
    /// Theme and mouse capture, from `config.toml`.
    pub look: crate::config::Look,
    /// The local store (guard rules, journal); `None` runs without one.
    pub store_path: Option<PathBuf>,
    /// The account cap from `config.toml`.
    pub max_burn_usd_per_hour: Option<f64>,
    /// `ssh_config` in `config.toml`: keep the Host file for `ssh NAME.spheron` current.
    pub ssh_config: Option<bool>,
    /// `gpu_usage` in `config.toml`: probe every running deployment's GPUs (on in the demo
    /// unless set).
    pub gpu_usage: Option<bool>,
    /// Where the deploy wizard saves a preset: `config.toml`, or with `--demo` the demo's own
    /// presets file; `None`: no config directory.
    pub config_file: Option<PathBuf>,
    /// `[presets.NAME]` of `config.toml`.
    pub presets: std::collections::BTreeMap<String, crate::domain::preset::Preset>,
    /// Where the dashboard learns what another process did to the account (the demo's shared
    /// world); `None` for the live API, which has no such channel.
    pub account_watch: Option<account_watch::AccountWatch>,
    /// Where GPU-use readings come from (the demo world's instances with `--demo`).
    pub instances: usage::Instances,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotFormat {
    Text,
    Svg,
}

/// The client for a launch: the dashboard, `snapshot` and the commands for scripts share it.
pub fn client(launch: &Launch) -> Result<Client, crate::api::ApiError> {
    Client::with_options(ClientOptions {
        read_only: launch.read_only,
        ..ClientOptions::new(&launch.api_url, launch.api_key.clone())
    })
}

/// The client, the first state and the executor for a launch.
fn prepare(launch: &Launch) -> eyre::Result<(AppState, Executor)> {
    let client = client(launch)?;
    let session = Session {
        demo: launch.demo,
        read_only: launch.read_only,
        host: client.host_label(),
        key_mask: launch.api_key.as_ref().map(ApiKey::mask),
        poll_interval_secs: launch.poll_interval.as_secs(),
    };
    let now = Utc::now();
    let mut state = AppState::new(session, now);
    state.account.max_burn_usd_per_hour = launch.max_burn_usd_per_hour;
    state.guard.local_offset = Some(*chrono::Local::now().offset());
    state.guard.zone = Some(crate::domain::guard::LocalZone::of(chrono::Local));
    let home = crate::credentials::home_dir();
    state.workspace.ssh_paths = home
        .as_deref()
        .map(crate::domain::ssh_config::SshPaths::under);
    state.workspace.ssh_config = launch.ssh_config;
    if std::env::var_os("TMUX").is_some() {
        state.clipboard = crate::app::state::Clipboard::Tmux;
    }
    state.usage.all = launch.gpu_usage.unwrap_or(launch.demo);
    state.presets = presets(launch, home.as_deref());
    let key = crate::store::settings::teams_key(&client.account_label());
    let (store, notice) = open_store(launch.store_path.as_deref(), launch.demo, |s| {
        // Only a guess: a store that cannot say costs a second round at start.
        state.team_lists.remembered =
            crate::api::teams::remembered(s.setting(&key).ok().flatten().as_deref());
    });
    if let Some(text) = notice {
        // In the message log too (`m`), not only for the 30 s it shows.
        state.log(crate::app::state::LogKind::Warning, text.clone());
        state.status.flash = Some(Flash {
            text,
            kind: FlashKind::Warning,
            until: now + chrono::Duration::seconds(30),
        });
    }
    if launch.demo
        && let Some(store) = &store
    {
        // The demo's own store gets a week of the demo's prices, so the charts show at once.
        // Queued first: it is written before the first load is recorded.
        store.enqueue(move |s| {
            if let Err(e) = crate::demo::drift::seed_history(s, now) {
                tracing::warn!(error = %e, "demo: no price history generated");
            }
        });
    }
    let exec = Executor {
        client,
        credentials_path: Some(launch.credentials_path.clone()),
        home,
        journal: journal::Journal::new(store),
        tunnels: Default::default(),
        instances: launch.instances.clone(),
    };
    Ok((state, exec))
}

/// The presets as the wizard offers them, each one's cloud-init file read now.
fn presets(
    launch: &Launch,
    home: Option<&std::path::Path>,
) -> crate::app::dialogs::deploy::preset::Presets {
    let cloud_inits = launch
        .presets
        .iter()
        .filter_map(|(name, p)| {
            let file = p.cloud_init.as_deref()?;
            Some((name.clone(), files::read_cloud_init(file, home)))
        })
        .collect();
    crate::app::dialogs::deploy::preset::Presets {
        file: launch.config_file.clone(),
        saved: launch.presets.clone(),
        cloud_inits,
    }
}

/// Open the store on its writer thread. The program runs on without one: the notice says why.
/// A store lost and replaced (now, or earlier and not yet acknowledged) is said too.
/// The demo's store (`demo`) syncs less ([`Store::relax_sync_for_demo`]).
/// `read` runs on the store before it moves to its writer thread.
pub fn open_store(
    path: Option<&std::path::Path>,
    demo: bool,
    read: impl FnOnce(&Store),
) -> (Option<StoreHandle>, Option<String>) {
    let Some(path) = path else {
        return (None, None);
    };
    match Store::open(path) {
        Ok((store, report)) => {
            read(&store);
            if demo && let Err(e) = store.relax_sync_for_demo() {
                tracing::warn!(error = %e, "demo store: every commit synced");
            }
            let notice = match report.notice {
                Some(n) => Some(n),
                None => match store.unacknowledged_losses() {
                    Ok(l) => l.last().map(|l| {
                        format!(
                            "{} (not yet acknowledged: `spheron-tui guard ack-loss`)",
                            l.text()
                        )
                    }),
                    Err(e) => Some(format!("whether the local store was lost is unknown: {e}")),
                },
            };
            if let Some(n) = &notice {
                tracing::warn!(notice = %n, "store");
            }
            (Some(StoreHandle::spawn(store)), notice)
        }
        Err(e) => {
            tracing::error!(error = %e, "store unavailable");
            (
                None,
                Some(format!(
                    "{e}. The guard, the journal, the price history and the watches are off"
                )),
            )
        }
    }
}

fn theme(launch: &Launch) -> Theme {
    let t = Theme::from_env(std::env::var("NO_COLOR").ok().as_deref());
    match launch.look.theme {
        crate::config::ThemeName::Dark => t,
        crate::config::ThemeName::Light => t.light(),
    }
}

/// Run the dashboard until the user quits (or a signal ends it).
pub async fn run_dashboard(launch: Launch) -> eyre::Result<crate::exit::Ending> {
    run_dashboard_warned(launch, Vec::new()).await
}

/// [`run_dashboard`], with the warnings met while reading the settings shown on its first
/// frame and kept in its message log.
pub async fn run_dashboard_warned(
    launch: Launch,
    warnings: Vec<String>,
) -> eyre::Result<crate::exit::Ending> {
    let (state, exec) = prepare(&launch)?;
    crate::terminal::set_mouse(launch.look.mouse);
    let watch = launch.account_watch.clone();
    event_loop::run(state, exec, theme(&launch), warnings, watch).await
}

/// One frame, and what failed while loading it.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The frame as text or SVG.
    pub frame: String,
    /// The API or network failure met while loading, if any (the frame shows it too).
    pub failure: Option<String>,
}

/// Load the data once, render one frame of `pane` at `cols`×`rows`, return it as text or SVG.
pub async fn snapshot(
    launch: Launch,
    pane: Pane,
    keys: &[crossterm::event::KeyEvent],
    cols: u16,
    rows: u16,
    format: SnapshotFormat,
) -> eyre::Result<Snapshot> {
    let (state, exec) = prepare(&launch)?;
    let theme = theme(&launch);
    snapshot::snapshot(state, exec, pane, keys, cols, rows, format, theme).await
}
