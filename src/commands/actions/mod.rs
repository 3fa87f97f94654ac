//! The commands that act: `deploy`, `wait`, `ssh`, `terminate`, `rename`, `volume …`, `key …`.
//! Each runs the dashboard's own rules and texts: the account is read into an [`AppState`] as
//! the dashboard holds it, the wizard and the dialogs' functions decide (request, summary,
//! refusals, provider rules), and the write goes through the same client (read-only switch,
//! rate budget) and into the journal.
//!
//! Exit codes (`crate::exit`): 0 done; 1 refused or failed; 2 usage, or a write without
//! `--yes` and no terminal; 3 the outcome is unknown; 124 a wait timed out.

pub mod args;
pub mod deploy;
pub mod key;
pub mod ssh;
pub mod terminate;
pub mod volume;
pub mod wait;
pub mod workspace;

use std::io::{BufRead, IsTerminal, Write};

use crate::api::teams::{self, Teams};
use crate::api::{ApiError, Deployment, DeploymentsQuery, VolumesQuery};
use crate::app::AppState;
use crate::app::state::{ListView, Session};
use crate::commands::context::Ctx;
use crate::exit::{FAILURE, USAGE};
use crate::runtime::journal::{Journal, Write as JournalWrite};

/// The settings of `config.toml` the acting commands use.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub max_burn_usd_per_hour: Option<f64>,
    pub presets: std::collections::BTreeMap<String, crate::domain::preset::Preset>,
}

/// What the acting commands know beyond the [`Ctx`]: settings of the run.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// Against the embedded demo server (its addresses are made up: never contacted).
    pub demo: bool,
    /// `max_burn_usd_per_hour` from `config.toml`.
    pub max_burn_usd_per_hour: Option<f64>,
    /// `[presets.NAME]` from `config.toml`.
    pub presets: std::collections::BTreeMap<String, crate::domain::preset::Preset>,
    /// Whether a person is at a terminal to answer a question (stdin and stderr are terminals).
    pub interactive: bool,
    /// The user's home, for `~` in paths.
    pub home: Option<std::path::PathBuf>,
}

impl Env {
    /// Whether stdin and stderr are both terminals.
    pub fn terminal_attached() -> bool {
        std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
    }
}

/// A command's end: its exit code, after what it said.
pub type Exit = u8;

/// Say `msg` on stderr as an error and give `code`.
pub fn fail(ctx: &Ctx, code: Exit, msg: &str) -> Exit {
    ctx.err(&format!("error: {msg}"));
    code
}

/// The one question before a write: `--yes` answers it; at a terminal it is asked
/// (`QUESTION [y/N]`); without a terminal and without `--yes` nothing is sent (exit 2).
pub fn confirm(ctx: &Ctx, env: &Env, question: &str, yes: bool) -> Result<(), Exit> {
    if yes {
        return Ok(());
    }
    if !env.interactive {
        return Err(fail(
            ctx,
            USAGE,
            "no terminal to ask on: add --yes to confirm; nothing was sent",
        ));
    }
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        return Err(fail(ctx, FAILURE, "no answer read; nothing was sent"));
    }
    match line.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => {
            ctx.err("not confirmed: nothing was sent");
            Err(FAILURE)
        }
    }
}

/// Refuse a write under `--read-only`, with the dialogs' wording, before anything is read.
pub fn refuse_read_only(ctx: &Ctx, what: &str) -> Result<(), Exit> {
    if ctx.read_only {
        return Err(fail(
            ctx,
            FAILURE,
            &crate::app::dialogs::read_only_refusal(what),
        ));
    }
    Ok(())
}

/// What to read into the state.
#[derive(Debug, Clone, Copy, Default)]
pub struct Needs {
    pub volumes: bool,
    pub keys: bool,
    pub providers: bool,
}

/// Why the account could not be read into a state.
#[derive(Debug)]
pub enum LoadError {
    Api(ApiError),
    /// A list came back incomplete: nothing may be decided on it.
    Incomplete(String),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Api(e) => write!(f, "{e}"),
            LoadError::Incomplete(what) => write!(f, "{what}"),
        }
    }
}

impl From<ApiError> for LoadError {
    fn from(e: ApiError) -> Self {
        LoadError::Api(e)
    }
}

/// Hold `l` in `view` as the dashboard does (read at `now`, complete), or say why it proves
/// nothing (`what` names the list).
fn hold<T>(
    view: &mut ListView<T>,
    what: &str,
    l: crate::api::Listing<T>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), LoadError> {
    if !l.is_complete() {
        return Err(LoadError::Incomplete(format!(
            "the {what} could not be read whole ({})",
            l.completeness
        )));
    }
    view.items = l.items;
    view.completeness = l.completeness;
    view.loaded_at = Some(now);
    Ok(())
}

/// The account as the dashboard holds it: teams and balance, every deployment (every status,
/// every page, every team), and what `needs` asks for. Any list that cannot be read whole is
/// an error: nothing is decided on a partial list.
pub async fn load(ctx: &Ctx, env: &Env, needs: Needs) -> Result<(AppState, Teams), LoadError> {
    let c = &ctx.client;
    let deployments_read = |team: Option<String>| {
        let q = DeploymentsQuery {
            team_id: team,
            ..DeploymentsQuery::default()
        };
        async move { c.deployments(&q).await }
    };
    let volumes_read = |team: Option<String>| {
        let q = VolumesQuery {
            team_id: team,
            ..VolumesQuery::default()
        };
        async move { c.volumes(&q).await }
    };
    // The teams, and every list that need not wait for them, at once: the other teams' lists
    // wait only when the teams of the last run were not all of them.
    let guess = ctx.team_guess().await;
    let (teams, deployments, volumes, keys, providers) = tokio::join!(
        Teams::read(c),
        teams::first_round(&deployments_read, &guess),
        async {
            match needs.volumes {
                true => Some(teams::first_round(&volumes_read, &guess).await),
                false => None,
            }
        },
        async {
            match needs.keys {
                true => c.ssh_keys().await.map(Some),
                false => Ok(None),
            }
        },
        async {
            match needs.providers {
                // Not known is no refusal: the API still checks (as in the dashboard).
                true => c.providers().await.ok(),
                false => None,
            }
        },
    );
    let teams = teams?;
    ctx.remember_teams(&teams, &guess).await;
    let (deployments, volumes) = tokio::join!(
        teams::second_round(
            &teams,
            &deployments_read,
            &guess,
            deployments,
            teams::deployment_team,
            |d| d.id.as_str()
        ),
        async {
            match volumes {
                Some(first) => teams::second_round(
                    &teams,
                    &volumes_read,
                    &guess,
                    first,
                    teams::volume_team,
                    |v| v.id.as_str(),
                )
                .await
                .map(Some),
                None => Ok(None),
            }
        },
    );
    let now = (ctx.clock)();
    let session = Session {
        demo: env.demo,
        read_only: ctx.read_only,
        host: c.host_label(),
        key_mask: c.has_key().then(|| "key".to_string()),
        poll_interval_secs: ctx.poll_interval.as_secs(),
    };
    let mut state = AppState::new(session, now);
    state.account.max_burn_usd_per_hour = env.max_burn_usd_per_hour;
    state.account.balance = teams.balance.clone();
    state.account.teams = teams.teams.clone();
    state.account.teams_completeness = teams.completeness.clone();
    state.guard.local_offset = Some(ctx.local_offset);
    state.guard.zone = Some(ctx.zone());
    hold(&mut state.deployments, "deployments", deployments?, now)?;
    if let Some(v) = volumes? {
        hold(&mut state.volumes, "volumes", v, now)?;
    }
    if let Some(k) = keys? {
        hold(&mut state.keys, "SSH keys", k, now)?;
    }
    state.providers = providers;
    state.status.set_rate(c.rate_status(), state.now);
    Ok((state, teams))
}

/// The account read whole into a state ([`load`]), or the exit code after saying why: nothing
/// is decided, and nothing sent, on a partial read.
pub async fn account(ctx: &Ctx, env: &Env, needs: Needs) -> Result<(AppState, Teams), Exit> {
    load(ctx, env, needs).await.map_err(|e| {
        fail(
            ctx,
            FAILURE,
            &format!("the account could not be read whole: {e}; nothing was sent"),
        )
    })
}

/// [`account`], and the deployment `arg` names in it ([`resolve`]).
pub async fn account_and_deployment(
    ctx: &Ctx,
    env: &Env,
    needs: Needs,
    arg: &str,
) -> Result<(AppState, Teams, Deployment), Exit> {
    let (state, teams) = account(ctx, env, needs).await?;
    let d = resolve(&state.deployments.items, &teams, arg)
        .map_err(|e| fail(ctx, FAILURE, &e))?
        .clone();
    Ok((state, teams, d))
}

/// A deployment named on the command line: its id, or its exact name. A name is looked up
/// among the active deployments first (a name is often reused after a terminate), then among
/// the ended ones; two of the same name are refused, listing them with their teams.
pub fn resolve<'a>(
    list: &'a [Deployment],
    teams: &Teams,
    arg: &str,
) -> Result<&'a Deployment, String> {
    let arg = arg.trim();
    if arg.is_empty() {
        return Err("the deployment name or id is empty".into());
    }
    if let Some(d) = list.iter().find(|d| d.id == arg) {
        return Ok(d);
    }
    let named: Vec<&Deployment> = list.iter().filter(|d| d.name == arg).collect();
    let active: Vec<&Deployment> = named
        .iter()
        .copied()
        .filter(|d| d.status.is_active())
        .collect();
    let pick = if active.is_empty() { named } else { active };
    match pick.as_slice() {
        [one] => Ok(one),
        [] => Err(format!("no deployment has the id or the name {arg:?}")),
        many => {
            let lines: Vec<String> = many
                .iter()
                .map(|d| {
                    let team = d.team_id.as_deref().map_or("?".into(), |t| teams.name(t));
                    format!("  {}  {}  team {team}", d.id, d.status)
                })
                .collect();
            Err(format!(
                "{} deployments are called {arg:?}; name one by its id:\n{}",
                many.len(),
                lines.join("\n")
            ))
        }
    }
}

/// `name (id)`, or the id when it has no name.
pub fn label(d: &Deployment) -> String {
    if d.name.is_empty() {
        d.id.clone()
    } else {
        format!("{} ({})", d.name, d.id)
    }
}

/// The journal of the commands: the local store's, source `cli`.
pub fn journal(ctx: &Ctx) -> Journal {
    Journal::new(Some(ctx.store.clone()))
}

/// Record a write before it is sent (source `cli`): the row [`record`] completes. A store
/// that cannot take it is said on stderr, and the outcome is then recorded whole.
pub async fn intent(
    ctx: &Ctx,
    method: &'static str,
    path: &str,
    target: Option<String>,
    name: &str,
    usd_per_hour: Option<f64>,
) -> Option<i64> {
    let entry = crate::store::NewJournalEntry {
        at: (ctx.clock)(),
        source: "cli".to_string(),
        method: method.to_string(),
        path: path.to_string(),
        target_id: target,
        target_name: Some(name.to_string()).filter(|n| !n.is_empty()),
        result: format!("{method} sent"),
        usd_per_hour,
    };
    match ctx.store.call(move |s| s.record_intent(&entry)).await {
        Ok(row) => Some(row),
        Err(e) => {
            ctx.err(&format!(
                "warning: the journal could not record this write before it was sent: {e}"
            ));
            None
        }
    }
}

/// Record the outcome of a write recorded ahead (`row`), with what it was about: the id (of
/// what it created, for a create) and the name.
pub async fn record(
    ctx: &Ctx,
    row: Option<i64>,
    method: &'static str,
    path: String,
    (target, name): (Option<String>, &str),
    result: &Result<(), String>,
    usd_per_hour: Option<f64>,
) {
    let name = Some(name.to_string()).filter(|n| !n.is_empty());
    let text = match result {
        Ok(()) => "ok".to_string(),
        Err(e) => e.clone(),
    };
    if let Some(row) = row {
        let (t, id, n) = (text.clone(), target.clone(), name.clone());
        let about = move |s: &mut crate::store::Store| {
            let target = crate::store::Target {
                id: id.as_deref(),
                name: n.as_deref(),
            };
            s.record_outcome(row, &t, target, usd_per_hour)
        };
        match ctx.store.call(about).await {
            Ok(()) => return,
            Err(e) => ctx.err(&format!(
                "warning: the journal could not record the outcome: {e}"
            )),
        }
    }
    let write = JournalWrite {
        method,
        path,
        target_id: target.clone(),
        target_name: name,
    };
    journal(ctx)
        .record("cli", write, target, text, usd_per_hour)
        .await;
}

/// The text of an API failure for the user, and its exit code: a refusal (4xx) or a failure
/// is 1.
pub fn api_failure(ctx: &Ctx, what: &str, e: &ApiError) -> Exit {
    fail(ctx, FAILURE, &format!("{what}: {e}"))
}

/// Print `v` as pretty JSON on stdout.
pub fn print_json(ctx: &Ctx, v: &serde_json::Value) {
    ctx.out(&serde_json::to_string_pretty(v).unwrap_or_else(|_| "null".into()));
}

/// `~/x` → `$HOME/x`.
pub fn expand_home(env: &Env, path: &str) -> std::path::PathBuf {
    match (path.strip_prefix("~/"), &env.home) {
        (Some(rest), Some(h)) => h.join(rest),
        _ => std::path::PathBuf::from(path),
    }
}
