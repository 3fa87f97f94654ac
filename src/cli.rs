//! The command line (DESIGN.md §3). Parsing only; `main.rs` acts on it.

use std::net::SocketAddr;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::app::Pane;
use crate::config::check_poll_secs;
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
    after_help = crate::exit::HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Run the dashboard against the embedded demo server (no key, no network, nothing spent).
    #[arg(long)]
    pub demo: bool,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// Flags every command accepts.
#[derive(Debug, Clone, Default, Args)]
pub struct CommonArgs {
    /// Base URL of the API: https://app.spheron.ai or a loopback address only.
    #[arg(long, global = true, env = "SPHERON_API_URL", value_name = "URL")]
    pub api_url: Option<String>,

    /// Seconds between polls of the deployments list [default: 20; at least 10].
    #[arg(long, global = true, value_name = "SECS", value_parser = parse_poll_interval)]
    pub poll_interval: Option<u64>,

    /// Send nothing that creates, changes or deletes.
    #[arg(long, global = true)]
    pub read_only: bool,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Load the data once, render one frame of a pane, print it and exit.
    Snapshot(SnapshotArgs),
    /// Serve the simulated Spheron API alone.
    DemoServer(DemoServerArgs),
    /// Show config, log and credentials paths, and whether a key was found (masked).
    Info,
    /// The spend guard: terminate a deployment after a duration, at a time, or at a spend.
    #[command(subcommand)]
    Guard(crate::guard::args::GuardCommand),
    /// Every write the program sent (dashboard and guard).
    Journal(crate::guard::args::JournalArgs),
    /// Price history of a GPU model: per day, the lowest and median $/GPU·h and hours available.
    Prices(crate::history::PricesArgs),
    /// Price watches: announced when an offer matches (dashboard and `guard run`).
    #[command(subcommand)]
    Watch(crate::history::WatchCommand),
    /// Print shell completions.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
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
