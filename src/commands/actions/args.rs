//! Command-line shapes of the acting commands (parsing only).

use clap::{ArgGroup, Args, Subcommand, ValueEnum};

use crate::domain::guard::{parse_duration, parse_span, parse_usd};

/// What `--wait` and `wait --for` wait for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WaitFor {
    /// The API says `running`.
    Running,
    /// Running, and its SSH port answered with an SSH banner.
    Ssh,
}

#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("offer_source").multiple(false).args(["offer", "cheapest"])))]
#[command(group(ArgGroup::new("key_source").multiple(false).args(["ssh_key", "ssh_key_file"])))]
#[command(group(ArgGroup::new("guard").multiple(false).args(["guard_after", "guard_at", "guard_max_spend"])))]
pub struct DeployArgs {
    /// Deploy this offer (its id, from `offers`).
    #[arg(long, value_name = "OFFER_ID")]
    pub offer: Option<String>,
    /// Deploy the cheapest available offer matching this filter (the Offers pane's language,
    /// as `offers --filter`); says which it picked.
    #[arg(long, value_name = "FILTER", allow_hyphen_values = true)]
    pub cheapest: Option<String>,
    /// Start from `[presets.NAME]` in config.toml; flags given here win.
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// A saved SSH key, by name or id (`keys` lists them).
    #[arg(long, value_name = "NAME|ID")]
    pub ssh_key: Option<String>,
    /// A public key file, sent inline (`~/.ssh/id_ed25519.pub`); a private key is refused.
    #[arg(long, value_name = "PATH.pub")]
    pub ssh_key_file: Option<String>,
    /// The deployment's name (a re-run script is refused a second one of the same name).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// One of the offer's regions [default: its first].
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// One of the offer's operating systems [default: its first].
    #[arg(long, value_name = "OS")]
    pub os: Option<String>,
    /// The team that pays, by name or id [default: the current team].
    #[arg(long, value_name = "NAME|ID")]
    pub team: Option<String>,
    /// First-boot automation: a JSON or TOML file with `packages`, `runcmd`, `writeFiles`.
    #[arg(long, value_name = "FILE")]
    pub cloud_init: Option<String>,
    /// Attach this volume at launch, by name or id (repeatable; the provider's rules apply).
    #[arg(long = "volume", value_name = "NAME|ID")]
    pub volumes: Vec<String>,
    /// The Kubernetes add-on at this version (Voltage Park CLUSTER offers only).
    #[arg(long, value_name = "VERSION")]
    pub kubernetes: Option<String>,
    /// Guard: terminate this long after the deploy is accepted (`8h`, `1h30m`).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_text)]
    pub guard_after: Option<String>,
    /// Guard: terminate at this time (local `HH:MM`, or RFC 3339).
    #[arg(long, value_name = "TIME")]
    pub guard_at: Option<String>,
    /// Guard: terminate when its spend reaches this many USD.
    #[arg(long, value_name = "USD", value_parser = parse_usd)]
    pub guard_max_spend: Option<f64>,
    /// Deploy even though an active deployment already has this name.
    #[arg(long)]
    pub allow_duplicate_name: bool,
    /// Print the summary and the request body; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Confirm without asking (needed without a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Then wait until it is running, or until its SSH server answers.
    #[arg(long, value_enum, value_name = "WHAT")]
    pub wait: Option<WaitFor>,
    /// How long `--wait` waits (exit 124 after it).
    #[arg(long, value_name = "DURATION", default_value = "15m", value_parser = parse_timeout)]
    pub timeout: chrono::Duration,
    /// Machine output: one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
}

/// A duration, checked but kept as typed (the wizard's guard takes the text).
fn parse_duration_text(s: &str) -> Result<String, String> {
    parse_duration(s).map(|_| s.trim().to_string())
}

/// A wait's limit: at least a second, at most a day.
fn parse_timeout(s: &str) -> Result<chrono::Duration, String> {
    let d = parse_span(s)?;
    if d.num_seconds() < 1 || d.num_days() > 1 {
        return Err(format!("`{s}` is out of range: from 1s to 1d"));
    }
    Ok(d)
}

#[derive(Debug, Clone, Args)]
pub struct WaitArgs {
    /// The deployment: its id or exact name.
    pub deployment: String,
    /// What to wait for.
    #[arg(long = "for", value_enum, value_name = "WHAT")]
    pub what: WaitFor,
    /// Give up after this long (exit 124): `90s`, `15m`, `1h`.
    #[arg(long, value_name = "DURATION", default_value = "15m", value_parser = parse_timeout)]
    pub timeout: chrono::Duration,
    /// Machine output: the deployment as JSON once reached.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct SshArgs {
    /// The deployment: its id or exact name.
    pub deployment: String,
    /// A private key for `ssh -i` [default: the one whose public half is the deployment's key, in ~/.ssh].
    #[arg(long, short = 'i', value_name = "PATH")]
    pub identity: Option<String>,
    /// The command to run there (after `--`); none: an interactive session.
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct TunnelArgs {
    /// The deployment: its id or exact name.
    pub deployment: String,
    /// The instance's port, and the local one: `8888`, `8888:9000`, or jupyter (8888),
    /// tensorboard (6006), vllm (8000). A local port in use here gets the next free one.
    #[arg(value_name = "PORT[:LOCAL]")]
    pub ports: String,
}

/// The editors `open` knows; each takes `--remote ssh-remote+HOST FOLDER`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Editor {
    Code,
    Cursor,
}

impl From<Editor> for crate::domain::tunnel::Editor {
    fn from(e: Editor) -> Self {
        match e {
            Editor::Code => Self::Code,
            Editor::Cursor => Self::Cursor,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct OpenArgs {
    /// The deployment: its id or exact name.
    pub deployment: String,
    /// The editor, over Remote-SSH on the deployment's `<name>.spheron` alias.
    #[arg(long, value_enum, default_value = "code")]
    pub editor: Editor,
    /// The folder on the instance [default: the home of the deployment's user].
    #[arg(long, value_name = "PATH")]
    pub folder: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct TerminateArgs {
    /// Deployments: ids, exact names, or glob patterns of names (`train-*`).
    #[arg(required = true, value_name = "NAME|ID|GLOB")]
    pub deployments: Vec<String>,
    /// Confirm without asking (needed without a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Machine output: one JSON object per deployment.
    #[arg(long)]
    pub json: bool,
    /// When the platform says the minimum runtime has not passed, wait until it has (nothing is
    /// sent meanwhile; Ctrl-C stops), then check again and terminate as without it.
    #[arg(long)]
    pub when_allowed: bool,
    /// With --when-allowed: give up, terminating nothing, when the wait would be longer than
    /// this (exit 124): `90s`, `25m`, `1h`.
    #[arg(long, value_name = "DURATION", default_value = "30m", value_parser = parse_timeout, requires = "when_allowed")]
    pub timeout: chrono::Duration,
}

#[derive(Debug, Clone, Args)]
pub struct RenameArgs {
    /// The deployment: its id or exact name.
    pub deployment: String,
    /// Its new name.
    pub new_name: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Subcommand)]
pub enum VolumeCommand {
    /// Create a volume: the provider's region and size rules, the spend confirmed.
    #[command(
        after_help = "Example:\n  spheron-tui volume create data --provider voltage-park --region 166e655a:culpeper-usa-1 --size 500 --yes"
    )]
    Create(VolumeCreateArgs),
    /// Rename a volume (providers that allow it).
    #[command(after_help = "Example:\n  spheron-tui volume rename data data-2026")]
    Rename {
        /// The volume: its id or exact name.
        volume: String,
        new_name: String,
        #[arg(long)]
        json: bool,
    },
    /// Grow a volume (providers that allow it); the added spend confirmed.
    #[command(after_help = "Example:\n  spheron-tui volume expand data --size 1000 --yes")]
    Expand {
        /// The volume: its id or exact name.
        volume: String,
        /// The new size in GB (larger than now).
        #[arg(long, value_name = "GB")]
        size: u64,
        #[arg(long, short = 'y')]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
    /// Attach a volume to a running deployment of the same provider and region.
    #[command(after_help = "Example:\n  spheron-tui volume attach data train-7")]
    Attach {
        volume: String,
        /// The deployment: its id or exact name.
        deployment: String,
        #[arg(long)]
        json: bool,
    },
    /// Detach a volume from its deployment.
    #[command(after_help = "Example:\n  spheron-tui volume detach data --yes")]
    Detach {
        volume: String,
        /// The deployment, when it is attached to several.
        deployment: Option<String>,
        #[arg(long, short = 'y')]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
    /// Delete a detached volume and its data.
    #[command(after_help = "Example:\n  spheron-tui volume delete data --yes")]
    Delete {
        volume: String,
        #[arg(long, short = 'y')]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Args)]
pub struct VolumeCreateArgs {
    /// Lowercase letters, digits, `-` and `_`, at most 60.
    pub name: String,
    /// The provider (`volume` regions are read from the API).
    #[arg(long)]
    pub provider: String,
    /// The region (the provider's list; not needed for voltage-park).
    #[arg(long)]
    pub region: Option<String>,
    /// Size in GB, within the region's limits.
    #[arg(long, value_name = "GB")]
    pub size: u64,
    /// The team that pays, by name or id [default: the current team].
    #[arg(long, value_name = "NAME|ID")]
    pub team: Option<String>,
    /// Attach it at once to this deployment (providers that allow it).
    #[arg(long, value_name = "NAME|ID")]
    pub attach: Option<String>,
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Subcommand)]
pub enum KeyCommand {
    /// Save a public key on the account (a private key is refused and not read further).
    #[command(after_help = "Example:\n  spheron-tui key add laptop ~/.ssh/id_ed25519.pub")]
    Add {
        /// The key's name on the account.
        name: String,
        /// The public key file (`~/.ssh/id_ed25519.pub`).
        path: String,
        #[arg(long)]
        json: bool,
    },
    /// Remove a saved key (deployments made with it keep working).
    #[command(after_help = "Example:\n  spheron-tui key rm laptop --yes")]
    Rm {
        /// The key: its id or exact name.
        key: String,
        #[arg(long, short = 'y')]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
}
