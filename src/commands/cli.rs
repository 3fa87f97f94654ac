//! The command line (the user-facing contract: README, "Running" and "Commands for scripts").
//! Parsing only; `main.rs` and the other modules of `commands/` act on it.

use std::net::SocketAddr;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::api::InstanceType;
use crate::app::Pane;
use crate::app::state::OfferSort;
use crate::config::check_poll_secs;
use crate::domain::planner::{Precision, Task, parse_context};
use crate::runtime::SnapshotFormat;

pub const DEFAULT_DEMO_ADDR: &str = "127.0.0.1:4567";

#[derive(Debug, Clone, Parser)]
#[command(
    name = "spheron-tui",
    version,
    about = "A terminal dashboard for renting and running NVIDIA GPU instances on Spheron AI",
    long_about = "A terminal dashboard for renting and running NVIDIA GPU instances on Spheron AI.\n\n\
        Without a command it opens the dashboard against https://app.spheron.ai; with --demo, against \
        an embedded simulated API (no key, no network, nothing spent).\n\n\
        The API key is read from SPHERON_API_KEY, then ~/.spheron/credentials.",
    after_help = after_help()
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Run the dashboard against the embedded demo server (no key, no network, nothing spent).
    #[arg(long)]
    pub demo: bool,

    /// With --demo: append one line for every request the embedded demo server receives to
    /// FILE (time, method, path, status, milliseconds).
    #[arg(long, value_name = "FILE")]
    pub log_requests: Option<std::path::PathBuf>,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// Flags every command accepts.
#[derive(Debug, Clone, Default, Args)]
pub struct CommonArgs {
    /// Base URL of the API: https://app.spheron.ai or a loopback address only.
    #[arg(long, global = true, env = "SPHERON_API_URL", value_name = "URL")]
    pub api_url: Option<String>,

    /// Seconds between polls of the deployments list [default: 20; 10 to 3600].
    #[arg(long, global = true, value_name = "SECS", value_parser = parse_poll_interval)]
    pub poll_interval: Option<u64>,

    /// Send nothing that creates, changes or deletes.
    #[arg(long, global = true)]
    pub read_only: bool,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Load the data once, render one frame of a pane, print it and exit.
    #[command(
        after_help = "Example:\n  spheron-tui snapshot --demo --pane deployments --size 100x30"
    )]
    Snapshot(SnapshotArgs),
    /// Serve the simulated Spheron API alone.
    #[command(
        after_help = "Example:\n  spheron-tui demo-server --addr 127.0.0.1:4567 --fault '/api=slow:300x1000'"
    )]
    DemoServer(DemoServerArgs),
    /// The demo world every `--demo` process shares: `demo reset` starts it afresh.
    #[command(subcommand, after_help = "Example:\n  spheron-tui demo reset")]
    Demo(DemoCommand),
    /// Show config, log and credentials paths, and whether a key was found (masked).
    #[command(after_help = "Example:\n  spheron-tui info")]
    Info,
    /// List GPU offers: every page, filtered and sorted like the dashboard's offers pane.
    #[command(
        after_help = "Examples:\n  spheron-tui offers --filter 'gpu:h100 count>=8 price<30' --sort gpu-price\n  spheron-tui offers --type spot --json | jq '.[0].offerId'"
    )]
    Offers(OffersArgs),
    /// Plan a model onto every offer: memory per GPU, fits/tight/no, estimated tok/s and $/Mtok,
    /// cheapest per token first.
    #[command(
        after_help = "Examples:\n  spheron-tui plan --model llama-3.1-70b --precision fp8 --context 32k\n  spheron-tui plan --config ./config.json --batch 8 --json | jq '.offers[0]'\n  spheron-tui plan --params 13 --layers 40 --kv-heads 40 --head-dim 128 --task finetune-lora"
    )]
    Plan(PlanArgs),
    /// List deployments (every page).
    #[command(
        after_help = "Examples:\n  spheron-tui deployments\n  spheron-tui deployments --status all --csv > deployments.csv"
    )]
    Deployments(DeploymentsArgs),
    /// List persistent volumes (every page).
    #[command(
        after_help = "Example:\n  spheron-tui volumes --json | jq -r '.[] | select(.attachedTo == []) | .id'"
    )]
    Volumes(ListArgs),
    /// List the SSH keys on the account.
    #[command(after_help = "Example:\n  spheron-tui keys --csv")]
    Keys(ListArgs),
    /// Show the live balance of each team.
    #[command(
        after_help = "Example:\n  spheron-tui balance --json | jq '.[] | select(.current) | .balance'"
    )]
    Balance(BalanceArgs),
    /// Print the man page (roff), generated from these command definitions.
    #[command(after_help = "Example:\n  spheron-tui man > spheron-tui.1 && man ./spheron-tui.1")]
    Man,
    /// The spend guard: terminate a deployment after a duration, at a time, or at a spend.
    #[command(
        subcommand,
        after_help = "Examples:\n  spheron-tui guard add dep_7f3a91c2e0b4 --after 8h\n  spheron-tui guard run --dry-run"
    )]
    Guard(crate::commands::guard::args::GuardCommand),
    /// Every write the program sent (dashboard and guard).
    #[command(after_help = "Example:\n  spheron-tui journal --json")]
    Journal(crate::commands::journal::JournalArgs),
    /// Price history of a GPU model: per day, the lowest and median $/GPU·h and hours available.
    #[command(after_help = "Example:\n  spheron-tui prices --gpu h100 --days 7 --json")]
    Prices(crate::commands::history::PricesArgs),
    /// Price watches: announced when an offer matches (dashboard and `guard run`).
    #[command(
        subcommand,
        after_help = "Examples:\n  spheron-tui watch add --gpu h100 --max-gpu-price 2.00 --type spot\n  spheron-tui watch list"
    )]
    Watch(crate::commands::history::WatchCommand),
    /// Deploy an offer with the wizard's rules: its summary, one confirm, one POST (never
    /// retried), the guard stored when accepted.
    #[command(
        after_help = "Examples:\n  spheron-tui deploy --cheapest 'gpu:h100' --ssh-key laptop --name train-7 --guard-after 8h --yes --wait ssh\n  spheron-tui deploy --preset h100-train --name run-7 --dry-run"
    )]
    Deploy(Box<crate::commands::actions::args::DeployArgs>),
    /// Wait until a deployment runs, or until its SSH server answers (polls every 10 s or more).
    #[command(after_help = "Example:\n  spheron-tui wait train-7 --for ssh --timeout 20m")]
    Wait(crate::commands::actions::args::WaitArgs),
    /// Open an SSH session on a deployment, or run a command there.
    #[command(after_help = "Example:\n  spheron-tui ssh train-7 -- nvidia-smi")]
    Ssh(crate::commands::actions::args::SshArgs),
    /// Reach a port of a running deployment on localhost through `ssh -N -L` (Ctrl-C stops it).
    #[command(
        after_help = "Examples:\n  spheron-tui tunnel llm-finetune jupyter\n  spheron-tui tunnel llm-finetune 6006:16006"
    )]
    Tunnel(crate::commands::actions::args::TunnelArgs),
    /// Open a running deployment in VS Code or Cursor over Remote-SSH (after `ssh-config --write`).
    #[command(
        after_help = "Example:\n  spheron-tui ssh-config --write && spheron-tui open llm-finetune --editor code"
    )]
    Open(crate::commands::actions::args::OpenArgs),
    /// Terminate deployments: can-terminate first, what is lost, one confirm, one DELETE each.
    #[command(
        after_help = "Examples:\n  spheron-tui terminate train-7 --yes\n  spheron-tui terminate 'sweep-*'\n  spheron-tui terminate train-7 --yes --when-allowed   # waits out the minimum runtime"
    )]
    Terminate(crate::commands::actions::args::TerminateArgs),
    /// Rename a deployment.
    #[command(after_help = "Example:\n  spheron-tui rename train-7 train-7-done")]
    Rename(crate::commands::actions::args::RenameArgs),
    /// Persistent volumes: create, rename, expand, attach, detach, delete (provider rules apply).
    #[command(
        subcommand,
        after_help = "Examples:\n  spheron-tui volume create data --provider spheron-ai --region us-east-1 --size 500 --yes\n  spheron-tui volume attach data train-7"
    )]
    Volume(crate::commands::actions::args::VolumeCommand),
    /// SSH keys on the account: add a public key, remove one.
    #[command(
        subcommand,
        after_help = "Examples:\n  spheron-tui key add laptop ~/.ssh/id_ed25519.pub\n  spheron-tui key rm laptop --yes"
    )]
    Key(crate::commands::actions::args::KeyCommand),
    /// `Host <name>.spheron` blocks for every active deployment with an address: printed, or
    /// written to a file of ours included from ~/.ssh/config (`ssh llm-finetune.spheron`).
    #[command(
        after_help = "Examples:\n  spheron-tui ssh-config --dry-run\n  spheron-tui ssh-config --write && ssh llm-finetune.spheron\n  spheron-tui ssh-config --remove"
    )]
    SshConfig(crate::commands::ssh_config::SshConfigArgs),
    /// Print shell completions.
    #[command(
        after_help = "Example:\n  spheron-tui completions bash > ~/.local/share/bash-completion/completions/spheron-tui"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// The environment variables the program reads, with what each does.
pub const ENVIRONMENT: [(&str, &str); 4] = [
    (
        "SPHERON_API_KEY",
        "the API key (else ~/.spheron/credentials, else a prompt in the dashboard)",
    ),
    (
        "SPHERON_API_URL",
        "the base URL, as --api-url: https://app.spheron.ai or a loopback address",
    ),
    (
        "SPHERON_LOG",
        "the log file's filter, e.g. debug or spheron_tui=trace (else RUST_LOG, else info)",
    ),
    ("NO_COLOR", "set to anything non-empty: no colour"),
];

/// Examples of the whole program (each command has its own under its `--help`).
pub const EXAMPLES: [(&str, &str); 4] = [
    (
        "spheron-tui --demo",
        "the dashboard against the embedded demo server",
    ),
    (
        "spheron-tui info",
        "where the files are, and whether a key was found",
    ),
    (
        "spheron-tui --read-only",
        "the dashboard with a real key, unable to change anything",
    ),
    (
        "spheron-tui offers --filter 'gpu:h100 price<30' --json",
        "offers for scripts",
    ),
];

/// Environment, exit codes and examples, under `spheron-tui --help`.
pub fn after_help() -> String {
    let mut s = String::from("Environment:\n");
    for (name, what) in ENVIRONMENT {
        s.push_str(&format!("  {name:<16}  {what}\n"));
    }
    s.push('\n');
    s.push_str(crate::exit::HELP);
    s.push_str("\n\nExamples:\n");
    for (cmd, what) in EXAMPLES {
        s.push_str(&format!("  {cmd}\n      {what}\n"));
    }
    s.trim_end().to_string()
}

/// The man page (roff), generated from the command definitions: clap_mangen's sections, then
/// one subsection per command with its options and example, then environment, exit status and
/// examples.
pub fn man_page() -> std::io::Result<Vec<u8>> {
    use clap::CommandFactory;
    let cmd = Cli::command();
    let man = clap_mangen::Man::new(cmd.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    let mut text = String::from(".SH COMMANDS\n");
    for sub in cmd.get_subcommands() {
        command_section(&mut text, sub, "");
    }
    text.push_str(".SH ENVIRONMENT\n");
    for (name, what) in ENVIRONMENT {
        text.push_str(&format!(".TP\n\\fB{name}\\fR\n{}\n", roff_escape(what)));
    }
    text.push_str(".SH \"EXIT STATUS\"\n");
    // The rows of the one exit-code table (`exit::HELP`): a code, spaces, what it means.
    for row in crate::exit::HELP.lines().skip(1) {
        let (code, what) = row.trim().split_once(' ').unwrap_or((row.trim(), ""));
        text.push_str(&format!(
            ".TP\n\\fB{code}\\fR\n{}\n",
            roff_escape(what.trim())
        ));
    }
    text.push_str(".SH EXAMPLES\n");
    for (cmd, what) in EXAMPLES {
        text.push_str(&format!(
            ".TP\n\\fB{}\\fR\n{}\n",
            roff_escape(cmd),
            roff_escape(what)
        ));
    }
    text.push_str(".SH FILES\nThe config file (config.toml), the log file and the credentials file: \\fBspheron\\-tui info\\fR prints where they are.\n");
    out.extend_from_slice(text.as_bytes());
    man.render_version_section(&mut out)?;
    Ok(out)
}

/// One `.SS` subsection of the man page per command (and per command of a command group): its
/// description, its own options, its example.
fn command_section(text: &mut String, sub: &clap::Command, prefix: &str) {
    let name = format!("{prefix}{}", sub.get_name());
    text.push_str(&format!(".SS {}\n", roff_escape(&name)));
    if let Some(about) = sub.get_long_about().or(sub.get_about()) {
        text.push_str(&format!("{}\n", roff_escape(&about.to_string())));
    }
    for arg in sub.get_arguments().filter(|a| !a.is_global_set()) {
        let takes = arg.get_action().takes_values();
        let value = match arg.get_value_names() {
            Some(v) => v.join(" "),
            None => format!("<{}>", arg.get_id().as_str().to_uppercase()),
        };
        let name = match arg.get_long() {
            Some(l) if takes => format!("--{l} {value}"),
            Some(l) => format!("--{l}"),
            None => value,
        };
        text.push_str(&format!(".TP\n\\fB{}\\fR\n", roff_escape(&name)));
        if let Some(h) = arg.get_long_help().or(arg.get_help()) {
            let h = h.to_string();
            let stop = if h.ends_with('.') { "" } else { "." };
            text.push_str(&format!("{}{stop}\n", roff_escape(&h)));
        }
        let values: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|_| takes)
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_string())
            .collect();
        if !values.is_empty() {
            text.push_str(&format!("One of: {}.\n", roff_escape(&values.join(", "))));
        }
    }
    if let Some(example) = sub.get_after_help() {
        text.push_str(".PP\n.nf\n");
        text.push_str(&roff_escape(&example.to_string()));
        text.push_str("\n.fi\n");
    }
    for nested in sub.get_subcommands() {
        command_section(text, nested, &format!("{name} "));
    }
}

/// Text safe inside a roff paragraph: backslashes, hyphens and non-ASCII characters escaped, no
/// line starting with a control character.
fn roff_escape(s: &str) -> String {
    let ascii: String = s
        .chars()
        .map(|c| match c {
            '\\' => "\\e".to_string(),
            '-' => "\\-".to_string(),
            c if c.is_ascii() => c.to_string(),
            // Any other character by its code point, so troff needs no input encoding.
            c => format!("\\[u{:04X}]", u32::from(c)),
        })
        .collect();
    ascii
        .lines()
        .map(|l| {
            if l.starts_with(['.', '\'']) {
                format!("\\&{l}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// How a list command prints: an aligned table unless `--json` or `--csv`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Args)]
pub struct OutputArgs {
    /// Print a JSON array of objects (stable field names: see the README).
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV: a header line, then one line per item.
    #[arg(long)]
    pub csv: bool,
}

#[derive(Debug, Clone, Default, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Default, Args)]
pub struct BalanceArgs {
    /// Print a JSON array of objects, one per team.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct OffersArgs {
    /// Text sent to the API's search (GPU model); without it, the free words of --filter.
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,

    /// Only this instance type.
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    pub instance_type: Option<TypeArg>,

    /// The dashboard's filter language, e.g. 'gpu:h100 provider:voltage region:us count>=8
    /// vram>=80 price<30 gpuprice<3'.
    #[arg(long, value_name = "EXPR", allow_hyphen_values = true)]
    pub filter: Option<String>,

    /// Sort by this column (ties: cheaper first, then offer id).
    #[arg(long, value_enum, value_name = "KEY", default_value_t = SortArg::Price)]
    pub sort: SortArg,

    /// Reverse the order.
    #[arg(long)]
    pub reverse: bool,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TypeArg {
    Spot,
    Dedicated,
    Cluster,
}

impl From<TypeArg> for InstanceType {
    fn from(t: TypeArg) -> Self {
        match t {
            TypeArg::Spot => InstanceType::Spot,
            TypeArg::Dedicated => InstanceType::Dedicated,
            TypeArg::Cluster => InstanceType::Cluster,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    /// Price per hour of the whole offer.
    Price,
    /// Price per GPU-hour.
    GpuPrice,
    /// Number of GPUs.
    Gpus,
    /// GPU memory.
    Vram,
    Provider,
}

impl From<SortArg> for OfferSort {
    fn from(s: SortArg) -> Self {
        match s {
            SortArg::Price => OfferSort::Price,
            SortArg::GpuPrice => OfferSort::GpuPrice,
            SortArg::Gpus => OfferSort::GpuCount,
            SortArg::Vram => OfferSort::Vram,
            SortArg::Provider => OfferSort::Provider,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct DeploymentsArgs {
    /// `active` (deploying or running), `inactive`, `all`, or an exact status: `deploying`,
    /// `running`, `failed`, `terminated` or `terminated-provider`.
    #[arg(long, value_name = "STATUS", default_value = "active", value_parser = parse_status)]
    pub status: String,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// What `deployments --status` takes: the reference's filters and its five statuses.
pub const STATUS_FILTERS: [&str; 8] = [
    "active",
    "inactive",
    "all",
    "deploying",
    "running",
    "failed",
    "terminated",
    "terminated-provider",
];

fn parse_status(s: &str) -> Result<String, String> {
    let s = s.trim().to_ascii_lowercase();
    if STATUS_FILTERS.contains(&s.as_str()) {
        return Ok(s);
    }
    Err(format!("use one of {}", STATUS_FILTERS.join(", ")))
}

#[derive(Debug, Clone, Args)]
pub struct SnapshotArgs {
    /// Use the embedded demo server.
    #[arg(long)]
    pub demo: bool,

    /// The pane to render.
    #[arg(
        long,
        default_value = "offers",
        value_parser = PossibleValuesParser::new(["offers", "deployments", "volumes", "keys", "account"])
            .map(|s| Pane::from_cli_name(&s).unwrap_or_default())
    )]
    pub pane: Pane,

    /// Frame size as COLSxROWS.
    #[arg(long, value_name = "COLSxROWS", default_value = "120x36", value_parser = parse_size)]
    pub size: (u16, u16),

    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,

    /// Keys to press after loading, before the frame is taken: characters as typed, and
    /// `<Enter>`, `<Esc>`, `<Tab>`, `<Up>`, `<Down>`, `<Left>`, `<Right>`, `<Space>`
    /// (e.g. `--keys 'd<Enter><Enter>'` to show the deploy wizard's third step).
    #[arg(long, value_name = "KEYS", default_value = "")]
    pub keys: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Text,
    Svg,
}

impl From<FormatArg> for SnapshotFormat {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Text => SnapshotFormat::Text,
            FormatArg::Svg => SnapshotFormat::Svg,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Subcommand)]
pub enum DemoCommand {
    /// Start a fresh demo world (teams, balances, SSH keys, deployments, volumes); the demo's
    /// guard rules and journal go with the old one, its watches and price history stay.
    Reset,
}

#[derive(Debug, Clone, Args)]
pub struct DemoServerArgs {
    /// Address to listen on.
    #[arg(long, default_value = DEFAULT_DEMO_ADDR)]
    pub addr: SocketAddr,

    /// Inject a fault (repeatable), e.g. a 429, 500, slow or malformed answer; see the README.
    #[arg(long = "fault", value_name = "SPEC")]
    pub faults: Vec<String>,

    /// Answer in the live service's shapes (bare lists, numbers as strings, offers without
    /// `region`, no `sshCommand`, …) instead of the documented ones.
    #[arg(long)]
    pub live_shapes: bool,

    /// Answer as awkwardly as the live service might, all at once: every observed spelling of
    /// each field (`id` and `_id`, `gpuType` and `gpuModelId`, …), numbers as strings, absent
    /// optional fields as `null`.
    #[arg(long)]
    pub hostile_shapes: bool,

    /// Serve a world of its own (in memory, not the demo world other --demo processes share)
    /// whose user belongs to one team.
    #[arg(long)]
    pub one_team: bool,

    /// Append one line for every request received to FILE (time, method, path, status,
    /// milliseconds).
    #[arg(long, value_name = "FILE")]
    pub log_requests: Option<std::path::PathBuf>,
}

fn parse_poll_interval(s: &str) -> Result<u64, String> {
    let secs: u64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a whole number of seconds"))?;
    check_poll_secs(secs)
}

/// `120x36` → (120, 36); 20–1000 columns, 5–500 rows.
pub fn parse_size(s: &str) -> Result<(u16, u16), String> {
    let bad = || format!("`{s}` is not a size: use COLSxROWS, e.g. 120x36");
    let (c, r) = s.trim().split_once(['x', 'X']).ok_or_else(bad)?;
    let cols: u16 = c.trim().parse().map_err(|_| bad())?;
    let rows: u16 = r.trim().parse().map_err(|_| bad())?;
    if !(20..=1000).contains(&cols) || !(5..=500).contains(&rows) {
        return Err(format!(
            "`{s}` is out of range: 20–1000 columns and 5–500 rows"
        ));
    }
    Ok((cols, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("80x24"), Ok((80, 24)));
        assert_eq!(parse_size("200X60"), Ok((200, 60)));
        assert!(parse_size("80").is_err());
        assert!(parse_size("0x0").is_err());
        assert!(parse_size("axb").is_err());
    }
}

#[derive(Debug, Clone, Args)]
pub struct PlanArgs {
    /// A model of the catalogue (`llama-3.1-70b`, `qwen3-32b`, …; an unknown name lists the
    /// closest ones).
    #[arg(long, value_name = "NAME")]
    pub model: Option<String>,

    /// A Hugging Face config.json instead (num_hidden_layers, num_attention_heads,
    /// num_key_value_heads, head_dim or hidden_size, experts).
    #[arg(long, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,

    /// Parameters in billions: with --layers, --kv-heads and --head-dim, a model by hand; with
    /// --config, instead of the count derived from it.
    #[arg(long, value_name = "B")]
    pub params: Option<f64>,

    /// Layers (with --params).
    #[arg(long, value_name = "N", requires = "params")]
    pub layers: Option<u32>,

    /// Key/value heads (with --params).
    #[arg(long, value_name = "N", requires = "params")]
    pub kv_heads: Option<u32>,

    /// Size of one attention head (with --params).
    #[arg(long, value_name = "N", requires = "params")]
    pub head_dim: Option<u32>,

    /// How the weights are stored: fp32, bf16 (or fp16), fp8 (or int8), int4.
    #[arg(long, value_name = "P", default_value = "bf16", value_parser = precision)]
    pub precision: Precision,

    /// How the KV cache is stored: bf16 or fp8.
    #[arg(long, value_name = "P", default_value = "bf16", value_parser = kv_precision)]
    pub kv_precision: Precision,

    /// Tokens per sequence (prompt and output): 32768 or 32k.
    #[arg(long, value_name = "TOKENS", default_value = "8192", value_parser = context)]
    pub context: u32,

    /// Sequences served at once.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub batch: u32,

    /// infer, finetune-lora or finetune-full.
    #[arg(long, value_name = "T", default_value = "infer", value_parser = task)]
    pub task: Task,

    /// Only offers matching the dashboard's filter language (e.g. 'type:dedicated count<=2').
    #[arg(long, value_name = "EXPR", allow_hyphen_values = true)]
    pub filter: Option<String>,

    #[command(flatten)]
    pub output: OutputArgs,
}

fn precision(s: &str) -> Result<Precision, String> {
    Precision::parse(s).ok_or_else(|| format!("`{s}`: one of fp32, bf16, fp16, fp8, int8, int4"))
}

fn kv_precision(s: &str) -> Result<Precision, String> {
    match Precision::parse(s) {
        Some(p @ (Precision::Bf16 | Precision::Fp8)) => Ok(p),
        _ => Err(format!("`{s}`: bf16 or fp8")),
    }
}

fn context(s: &str) -> Result<u32, String> {
    parse_context(s).ok_or_else(|| format!("`{s}`: a number of tokens, e.g. 32768 or 32k"))
}

fn task(s: &str) -> Result<Task, String> {
    Task::parse(s).ok_or_else(|| format!("`{s}`: infer, finetune-lora or finetune-full"))
}
