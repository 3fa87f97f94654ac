//! Command-line shapes of `guard …` (parsing only).

use clap::{ArgGroup, Args, Subcommand};

use crate::domain::guard::{parse_duration, parse_usd};
use crate::domain::idle::parse_below;

#[derive(Debug, Clone, Subcommand)]
pub enum GuardCommand {
    /// Set the guard of a deployment: terminate it after a duration, at a time, when its spend
    /// reaches an amount, or once it has stayed idle. Checks (one request) that it exists and is active.
    Add(GuardAddArgs),
    /// List the guard rules.
    List,
    /// Remove the guard of a deployment.
    Rm {
        /// The deployment id.
        deployment_id: String,
    },
    /// Snooze the idle rule of a deployment: it is not terminated for this long (what any key
    /// on its row does in the dashboard once it has warned).
    Snooze {
        /// The deployment id.
        deployment_id: String,
        /// How long [default: 1h].
        #[arg(long = "for", value_name = "DURATION", value_parser = parse_duration)]
        duration: Option<chrono::Duration>,
    },
    /// Acknowledge that the local store was lost and replaced (`guard list` exits 1 until
    /// then): after checking the rules `guard list` shows and the old file it names.
    AckLoss,
    /// Enforce the guard rules without a terminal, until SIGINT/SIGTERM; one line per decision.
    Run {
        /// Say what would be done; send no write.
        #[arg(long)]
        dry_run: bool,
    },
    /// Have the system run `guard run` in the background: a systemd user unit (Linux) or a
    /// launchd agent (macOS), with its own log. Nothing is enabled without you.
    Service {
        #[command(subcommand)]
        action: super::service::ServiceCommand,
    },
}

#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("rule").required(true).multiple(false).args(["after", "at", "max_spend", "idle"])))]
pub struct GuardAddArgs {
    /// The deployment id.
    pub deployment_id: String,
    /// Terminate after this long from now: `90m`, `8h`, `1h30m` (1m to 90d).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub after: Option<chrono::Duration>,
    /// Terminate at this time: local `HH:MM` (the next one, on that day's clock), or RFC 3339;
    /// more than a year ahead needs `--force`.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Terminate when the deployment's spend reaches this many USD ($0.01 to $1,000,000).
    #[arg(long, value_name = "USD", value_parser = parse_usd)]
    pub max_spend: Option<f64>,
    /// Terminate once every GPU has stayed below --below % with no terminal session for this
    /// long (5m to 24h) from now, read over SSH once a minute; a failed probe counts as busy,
    /// and a warning comes at least 5 minutes before it terminates.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub idle: Option<chrono::Duration>,
    /// With --idle: the GPU use in percent under which a GPU counts as idle [default: 5].
    #[arg(long, value_name = "PERCENT", requires = "idle", value_parser = parse_below)]
    pub below: Option<f64>,
    /// Accept an `--at` more than a year ahead.
    #[arg(long)]
    pub force: bool,
}
