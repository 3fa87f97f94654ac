//! `spheron-tui`: parse the command line, install the error and panic hooks, resolve settings,
//! key and URL into a `Launch`, and hand over to the runtime. No app logic lives here.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};
use eyre::WrapErr;

use spheron_tui::api::check_base_url;
use spheron_tui::commands::cli::{Cli, Command, DemoCommand, DemoServerArgs, SnapshotArgs};
use spheron_tui::commands::guard::args::GuardCommand;
use spheron_tui::commands::{CtxCommand, info, lists};
use spheron_tui::config::{self, Settings};
use spheron_tui::credentials::{self, ApiKey, Lookup};
use spheron_tui::exit::{self, Ending};
use spheron_tui::runtime::{self, Launch};
use spheron_tui::terminal;

/// Exit code for usage errors (bad flags, a refused URL), like clap's own.
const USAGE: u8 = exit::USAGE;
/// Exit code after a panic (the one Rust uses when a panic ends `main`).
const PANIC: i32 = exit::PANIC as i32;

fn main() -> ExitCode {
    // First, so that no panic ends the program otherwise (the release build aborts on a panic:
    // the hook is what gives the terminal back and exits with 101).
    install_panic_hook();
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let url_from_env = matches.value_source("api_url") == Some(ValueSource::EnvVariable);
    match cli.command {
        Some(Command::Completions { shell }) => {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "spheron-tui", &mut std::io::stdout());
            return ExitCode::SUCCESS;
        }
        Some(Command::Man) => {
            let page = spheron_tui::commands::cli::man_page();
            return finish(
                page.and_then(|p| std::io::stdout().write_all(&p))
                    .map(|()| Ending::Done)
                    .map_err(Into::into),
            );
        }
        Some(Command::DemoServer(ref args)) => {
            // A bad --fault is a usage error, like a bad flag.
            let faults = match demo_adapter::parse_faults(&args.faults) {
                Ok(f) => f,
                Err(msg) => {
                    eprintln!("error: {msg}");
                    return ExitCode::from(USAGE);
                }
            };
            let _log = init_logging();
            let log = match args.log_requests.as_deref().map(demo_adapter::request_log) {
                None => None,
                Some(Ok(log)) => Some(log),
                Some(Err(msg)) => {
                    eprintln!("error: {msg}");
                    return ExitCode::from(USAGE);
                }
            };
            let served = block_on(demo_server(args.clone(), faults, log));
            return finish(served.map(|()| Ending::Done));
        }
        _ => {}
    }
    let prepared = match prepare(&cli, url_from_env) {
        Ok(p) => p,
        Err(Usage(msg)) => {
            eprintln!("error: {msg}");
            return ExitCode::from(USAGE);
        }
    };
    match cli.command {
        Some(Command::Guard(GuardCommand::Service { action })) => {
            let env = service_env(&prepared, &cli);
            let sink = spheron_tui::commands::context::stdio_sink();
            ExitCode::from(spheron_tui::commands::guard::service::service(
                action, &env, &sink,
            ))
        }
        Some(Command::Guard(ref g)) => {
            let cmd = CtxCommand::Guard(g.clone());
            ctx_command(prepared, cmd, cli.demo)
        }
        Some(Command::Journal(ref j)) => {
            let cmd = CtxCommand::Journal(j.clone());
            ctx_command(prepared, cmd, cli.demo)
        }
        Some(Command::Prices(ref a)) => {
            let cmd = CtxCommand::Prices(a.clone());
            ctx_command(prepared, cmd, cli.demo)
        }
        Some(Command::Watch(ref w)) => {
            let cmd = CtxCommand::Watch(w.clone());
            ctx_command(prepared, cmd, cli.demo)
        }
        Some(Command::Demo(DemoCommand::Reset)) => {
            ExitCode::from(spheron_tui::commands::demo::reset(prepared.paths.as_ref()))
        }
        Some(Command::Deploy(ref a)) => {
            ctx_command(prepared, CtxCommand::Deploy(a.clone()), cli.demo)
        }
        Some(Command::Wait(ref a)) => ctx_command(prepared, CtxCommand::Wait(a.clone()), cli.demo),
        Some(Command::Ssh(ref a)) => ctx_command(prepared, CtxCommand::Ssh(a.clone()), cli.demo),
        Some(Command::Tunnel(ref a)) => {
            ctx_command(prepared, CtxCommand::Tunnel(a.clone()), cli.demo)
        }
        Some(Command::Open(ref a)) => ctx_command(prepared, CtxCommand::Open(a.clone()), cli.demo),
        Some(Command::Terminate(ref a)) => {
            ctx_command(prepared, CtxCommand::Terminate(a.clone()), cli.demo)
        }
        Some(Command::Rename(ref a)) => {
            ctx_command(prepared, CtxCommand::Rename(a.clone()), cli.demo)
        }
        Some(Command::Volume(ref c)) => {
            ctx_command(prepared, CtxCommand::Volume(c.clone()), cli.demo)
        }
        Some(Command::Key(ref c)) => ctx_command(prepared, CtxCommand::Key(c.clone()), cli.demo),
        Some(Command::SshConfig(ref a)) => {
            let cmd = CtxCommand::SshConfig(a.clone());
            ctx_command(prepared, cmd, cli.demo)
        }
        Some(Command::Info) => {
            print_info(&prepared, cli.demo);
            ExitCode::SUCCESS
        }
        Some(ref cmd) if lists::handles(cmd) => {
            for w in &prepared.warnings {
                eprintln!("warning: {w}");
            }
            if let Err(f) = lists::check(cmd) {
                eprintln!("error: {f}");
                return ExitCode::from(f.exit_code());
            }
            let _log = init_logging();
            match block_on_one_thread(list_command(prepared, cmd.clone(), cli.demo)) {
                Ok(code) => code,
                Err(e) => finish(Err(e)),
            }
        }
        Some(Command::Snapshot(ref args)) => {
            for w in &prepared.warnings {
                eprintln!("warning: {w}");
            }
            let _log = init_logging();
            finish(block_on_one_thread(snapshot(
                prepared,
                args.clone(),
                cli.demo,
            )))
        }
        _ => {
            for w in &prepared.warnings {
                eprintln!("warning: {w}");
            }
            let _log = init_logging();
            finish(block_on(dashboard(prepared, cli.demo)))
        }
    }
}

/// A usage problem: printed with `error:` and exit code 2, before any request.
struct Usage(String);

/// Everything resolved before a command runs.
struct Prepared {
    settings: Settings,
    paths: Option<config::Paths>,
    home: Option<PathBuf>,
    lookup: Lookup,
    warnings: Vec<String>,
    /// `[presets.NAME]` of `config.toml`.
    presets: std::collections::BTreeMap<String, spheron_tui::domain::preset::Preset>,
    /// Where the deploy wizard saves a preset: `config.toml`, or with `--demo` the demo's own
    /// presets file.
    preset_file: Option<PathBuf>,
    /// `--log-requests FILE` (with `--demo`).
    request_log: Option<PathBuf>,
}

/// `url_from_env`: the URL came from `SPHERON_API_URL` rather than `--api-url`.
fn prepare(cli: &Cli, url_from_env: bool) -> Result<Prepared, Usage> {
    let paths = config::paths();
    let mut warnings = Vec::new();
    let file = match &paths {
        Some(p) => config::load(&p.config_file).map_err(Usage)?,
        None => config::Loaded::default(),
    };
    warnings.extend(file.warnings.iter().map(|w| format!("config.toml: {w}")));
    if let Some(table) = file.key_table.clone() {
        spheron_tui::app::keys::install(table);
    }
    let c = &cli.common;
    // An empty SPHERON_API_URL counts as unset.
    let api_url = c.api_url.as_deref().filter(|u| !u.trim().is_empty());
    let settings =
        config::resolve(api_url, c.poll_interval, c.read_only, &file.config).map_err(Usage)?;
    // The check runs before anything else can connect. --demo serves its own API: a URL given
    // with it is a contradiction, refused rather than silently dropped.
    let demo = cli.demo || matches!(&cli.command, Some(Command::Snapshot(a)) if a.demo);
    match (demo, api_url) {
        (true, Some(url)) => {
            let given = match url_from_env {
                true => format!("SPHERON_API_URL={url} (unset it)"),
                false => format!("--api-url {url}"),
            };
            return Err(Usage(format!(
                "--demo talks to its own embedded demo server and cannot be combined with {given}"
            )));
        }
        (true, None) => {}
        (false, _) => {
            check_base_url(&settings.api_url).map_err(|e| Usage(e.to_string()))?;
        }
    }
    if !demo && cli.log_requests.is_some() {
        return Err(Usage(
            "--log-requests logs the embedded demo server's requests: it needs --demo (or `demo-server --log-requests`)".into(),
        ));
    }
    let home = credentials::home_dir();
    let env_key = std::env::var(credentials::ENV_VAR).ok();
    let lookup = match &home {
        Some(h) => credentials::lookup(env_key, h),
        None => credentials::lookup(env_key, std::path::Path::new("/nonexistent")),
    };
    warnings.extend(lookup.warnings.iter().cloned());
    let mut presets = file.config.presets.clone().unwrap_or_default();
    // The demo saves its presets in a file of its own (its offer ids and keys are the demo's),
    // and offers them beside config.toml's.
    let preset_file = match (&paths, demo) {
        (Some(p), true) => {
            let own = p.demo_presets_file();
            // Nothing real is at stake: a file that cannot be read leaves the demo without
            // its presets, and says why.
            match config::load(&own) {
                Ok(demo_file) => presets.extend(demo_file.config.presets.unwrap_or_default()),
                Err(e) => warnings.push(format!("the demo's presets are not offered: {e}")),
            }
            Some(own)
        }
        (Some(p), false) => Some(p.config_file.clone()),
        (None, _) => None,
    };
    Ok(Prepared {
        settings,
        paths,
        home,
        lookup,
        warnings,
        presets,
        preset_file,
        request_log: cli.log_requests.clone(),
    })
}

fn credentials_path(p: &Prepared) -> PathBuf {
    p.home
        .as_deref()
        .map(credentials::credentials_path)
        .unwrap_or_else(|| PathBuf::from("~/.spheron/credentials"))
}

fn launch(p: &Prepared, api_url: String, api_key: Option<ApiKey>, demo: bool) -> Launch {
    // The demo keeps its own store, so demo rules and writes never mix with real ones.
    let store = |x: &config::Paths| match demo {
        true => x.demo_store_file(),
        false => x.store_file.clone(),
    };
    Launch {
        api_url,
        api_key,
        credentials_path: credentials_path(p),
        demo,
        poll_interval: p.settings.poll_interval,
        read_only: p.settings.read_only,
        look: p.settings.look,
        store_path: p.paths.as_ref().map(store),
        max_burn_usd_per_hour: p.settings.max_burn_usd_per_hour,
        ssh_config: p.settings.ssh_config,
        gpu_usage: p.settings.gpu_usage,
        config_file: p.preset_file.clone(),
        presets: p.presets.clone(),
        account_watch: None,
        instances: Default::default(),
    }
}

/// The `Launch` for the chosen target. With `--demo` the embedded server is started too; it
/// serves for as long as the returned handle lives.
async fn target(p: &Prepared, demo: bool) -> eyre::Result<(Launch, Option<demo_adapter::Started>)> {
    if demo {
        let world = p.paths.as_ref().map(config::Paths::demo_world_file);
        let server = demo_adapter::start(world, p.request_log.as_deref()).await?;
        let key = Some(ApiKey::new(server.key.clone()));
        let launch = Launch {
            account_watch: Some(server.account_watch()),
            instances: server.instances(),
            ..launch(p, server.url.clone(), key, true)
        };
        Ok((launch, Some(server)))
    } else {
        let l = launch(p, p.settings.api_url.clone(), p.lookup.key.clone(), false);
        Ok((l, None))
    }
}

/// What a command says on stderr about the demo server it started (the dashboard shows it on
/// its first frame instead).
fn demo_notice(server: &Option<demo_adapter::Started>) -> Option<String> {
    server.as_ref().and_then(|s| s.notice.clone())
}

async fn dashboard(p: Prepared, demo: bool) -> eyre::Result<Ending> {
    let (l, server) = target(&p, demo).await?;
    tracing::info!(url = %l.api_url, demo, key = %p.lookup.source, "dashboard");
    #[cfg(debug_assertions)]
    test_failure()?;
    let mut warnings = p.warnings.clone();
    warnings.extend(demo_notice(&server));
    runtime::run_dashboard_warned(l, warnings).await
}

/// Debug builds only, for tests/terminal.rs: `SPHERON_TUI_TEST_FAIL=panic|error` takes the
/// terminal, then panics or returns an error, to show the terminal is restored either way.
/// (The `panic-…` values that fail inside the running dashboard: `runtime::test_fault`.)
#[cfg(debug_assertions)]
fn test_failure() -> eyre::Result<()> {
    let how = std::env::var("SPHERON_TUI_TEST_FAIL").unwrap_or_default();
    if how != "panic" && how != "error" {
        return Ok(());
    }
    let _taken = terminal::TerminalGuard::enter()?;
    if how == "panic" {
        panic!("test panic requested (SPHERON_TUI_TEST_FAIL=panic)");
    }
    Err(eyre::eyre!(
        "test error requested (SPHERON_TUI_TEST_FAIL={how})"
    ))
}

/// Where `guard service` writes, and what the service it writes runs: the `--api-url` and
/// `--poll-interval` this command was given (flag or environment) are passed on.
fn service_env(p: &Prepared, cli: &Cli) -> spheron_tui::commands::guard::service::ServiceEnv {
    let dirs = directories::BaseDirs::new();
    let mut global_args = Vec::new();
    if let Some(url) = cli
        .common
        .api_url
        .as_deref()
        .filter(|u| !u.trim().is_empty())
    {
        global_args.extend(["--api-url".to_string(), url.to_string()]);
    }
    if let Some(secs) = cli.common.poll_interval {
        global_args.extend(["--poll-interval".to_string(), secs.to_string()]);
    }
    spheron_tui::commands::guard::service::ServiceEnv {
        manager: spheron_tui::domain::guard_service::Manager::current(),
        config_dir: dirs.as_ref().map(|d| d.config_dir().to_path_buf()),
        home: p.home.clone(),
        exe: std::env::current_exe()
            .and_then(|e| e.canonicalize())
            .map_err(|e| e.to_string()),
        log_file: p.paths.as_ref().map(|p| p.log_file.clone()),
        global_args,
        key_source: p.lookup.source.clone(),
        demo: cli.demo,
        read_only: cli.common.read_only,
    }
}

/// The commands run on a `commands::context::Ctx`: exit codes come from the command (README,
/// "Running").
fn ctx_command(p: Prepared, cmd: CtxCommand, demo: bool) -> ExitCode {
    for w in &p.warnings {
        eprintln!("warning: {w}");
    }
    let _log = init_logging();
    let mut code = 1;
    let r = block_on(async {
        let (l, server) = target(&p, demo).await?;
        if let Some(n) = demo_notice(&server) {
            eprintln!("warning: {n}");
        }
        let clock = match &server {
            Some(s) => s.clock(),
            None => std::sync::Arc::new(chrono::Utc::now) as spheron_tui::commands::context::Clock,
        };
        let target = spheron_tui::commands::context::Target {
            api_url: l.api_url,
            api_key: l.api_key,
            read_only: l.read_only,
            poll_interval: l.poll_interval,
            store_path: l.store_path,
            home: p.home.clone(),
            demo,
            instances: l.instances,
        };
        let settings = spheron_tui::commands::actions::Settings {
            max_burn_usd_per_hour: p.settings.max_burn_usd_per_hour,
            presets: p.presets.clone(),
        };
        code = spheron_tui::commands::run(cmd, &target, &settings, clock).await;
        Ok(())
    });
    match r {
        Ok(()) => ExitCode::from(code),
        Err(e) => finish(Err(e)),
    }
}

/// The frame goes to stdout even when a load failed (it shows the failure); then the failure
/// makes the run fail.
async fn snapshot(p: Prepared, args: SnapshotArgs, demo_flag: bool) -> eyre::Result<Ending> {
    let (cols, rows) = args.size;
    let (l, server) = target(&p, args.demo || demo_flag).await?;
    if let Some(n) = demo_notice(&server) {
        eprintln!("warning: {n}");
    }
    let keys = spheron_tui::app::keys::rebind::parse_key_presses(&args.keys)
        .map_err(|e| eyre::eyre!("--keys: {e}"))?;
    let shot = runtime::snapshot(l, args.pane, &keys, cols, rows, args.format.into()).await?;
    let out = shot.frame;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    if !out.ends_with('\n') {
        stdout.write_all(b"\n")?;
    }
    stdout.flush()?;
    match shot.failure {
        Some(why) => Err(eyre::eyre!("{why}")),
        None => Ok(Ending::Done),
    }
}

/// Keep the teams a list command learnt for the next run's first round. Only a guess: a store
/// that cannot keep it costs that run a second round.
fn remember_teams(path: &std::path::Path, key: &str, teams: &str) {
    let kept = spheron_tui::store::Store::open(path)
        .and_then(|(s, _)| s.set_setting(key, Some(teams), chrono::Utc::now()));
    if let Err(e) = kept {
        tracing::warn!(error = %e, "store: the teams were not remembered");
    }
}

/// A command for scripts: its output on stdout; a failure on stderr, with its exit code.
async fn list_command(p: Prepared, cmd: Command, demo: bool) -> eyre::Result<ExitCode> {
    let (l, server) = target(&p, demo).await?;
    if let Some(n) = demo_notice(&server) {
        eprintln!("warning: {n}");
    }
    let client = runtime::client(&l)?;
    let teams_key = spheron_tui::store::settings::teams_key(&client.account_label());
    let guess = spheron_tui::api::teams::remembered(
        l.store_path
            .as_deref()
            .and_then(|p| spheron_tui::store::settings::peek(p, &teams_key))
            .as_deref(),
    );
    Ok(match lists::run(&client, &cmd, &guess).await {
        Ok(printed) => {
            if let (Some(teams), Some(path)) = (&printed.teams_learnt, &l.store_path) {
                remember_teams(path, &teams_key, teams);
            }
            let mut stdout = std::io::stdout().lock();
            let written = stdout
                .write_all(printed.text.as_bytes())
                .and_then(|()| stdout.flush());
            match (written, printed.incomplete) {
                (Err(e), _) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.into()),
                // What was printed may not be everything: a script must not conclude absence.
                (_, Some(why)) => {
                    tracing::info!(%why, "list incomplete");
                    eprintln!("error: the list is incomplete: {why}");
                    ExitCode::from(exit::FAILURE)
                }
                // The reader stopped early (`| head`): what it wanted was written.
                (_, None) => ExitCode::SUCCESS,
            }
        }
        Err(f) => {
            tracing::info!(error = %f, "command failed");
            eprintln!("error: {f}");
            ExitCode::from(f.exit_code())
        }
    })
}

async fn demo_server(
    args: DemoServerArgs,
    faults: Vec<spheron_tui::demo::FaultRule>,
    log: Option<spheron_tui::demo::RequestLog>,
) -> eyre::Result<()> {
    // The server itself says where it listens (and with which key).
    demo_adapter::serve(&args, faults, log).await
}

/// `info`; with `--demo`, the demo's files, server and key instead of the real ones.
fn print_info(p: &Prepared, demo: bool) {
    let text = info::text(&info::Info {
        settings: &p.settings,
        paths: p.paths.as_ref(),
        credentials: credentials_path(p),
        lookup: &p.lookup,
        warnings: &p.warnings,
        demo_key: demo.then_some(demo_adapter::KEY),
    });
    print!("{text}");
}

/// Every call into `spheron_tui::demo` goes through here, so the demo module can change its
/// internals without touching the rest of main.rs.
mod demo_adapter {
    use eyre::{Result, WrapErr};
    use spheron_tui::demo;

    /// The key the embedded server accepts.
    pub const KEY: &str = demo::DEMO_API_KEY;

    pub struct Started {
        pub url: String,
        pub key: String,
        /// Why the world is this process's own rather than the one kept on disk.
        pub notice: Option<String>,
        /// Keeps the server alive.
        _server: demo::DemoServer,
    }

    impl Started {
        /// GPU use read from the demo world's simulated instances.
        pub fn instances(&self) -> spheron_tui::runtime::usage::Instances {
            spheron_tui::runtime::usage::Instances::Demo(self._server.handle())
        }

        /// The demo world's clock.
        pub fn clock(&self) -> spheron_tui::commands::context::Clock {
            let h = self._server.handle();
            std::sync::Arc::new(move || h.now())
        }

        /// What other `--demo` processes do to the shared world, read from its file.
        pub fn account_watch(&self) -> spheron_tui::runtime::account_watch::AccountWatch {
            use spheron_tui::app::account_changes::{AccountChange, Touched};
            use spheron_tui::demo::acts::Part;
            let h = self._server.handle();
            spheron_tui::runtime::account_watch::AccountWatch::new(move || {
                let acts = h.acts_elsewhere()?;
                Ok(acts
                    .into_iter()
                    .map(|a| AccountChange {
                        touched: match a.part {
                            Part::Deployments => Touched::Deployments,
                            Part::Volumes => Touched::Volumes,
                            Part::Keys => Touched::Keys,
                            Part::All => Touched::Everything,
                        },
                        target: a.target,
                        text: a.text,
                    })
                    .collect())
            })
        }
    }

    /// The embedded server, serving the world kept in `world_file` (in memory without one).
    /// A world file that cannot be used (an unwritable data directory) leaves the demo running
    /// on a world of this process's own, and says so: nothing real is at stake.
    pub async fn start(
        world_file: Option<std::path::PathBuf>,
        log_to: Option<&std::path::Path>,
    ) -> Result<Started> {
        let kept = world_file.is_some();
        let request_log = log_to
            .map(request_log)
            .transpose()
            .map_err(|e| eyre::eyre!(e))?;
        let opts = |world_file| demo::DemoOptions {
            world_file,
            request_log: request_log.clone(),
            ..demo::DemoOptions::default()
        };
        let (server, notice) = match demo::spawn(opts(world_file)).await {
            Ok(server) => (server, None),
            Err(e) if kept => {
                tracing::warn!(error = %e, "demo world not kept");
                let notice = format!(
                    "{e}: this demo runs on a world of its own, not shared with other --demo processes"
                );
                let server = demo::spawn(opts(None))
                    .await
                    .wrap_err("could not start the demo server")?;
                (server, Some(notice))
            }
            Err(e) => return Err(e).wrap_err("could not start the demo server"),
        };
        Ok(Started {
            url: server.url(),
            key: server.key().to_string(),
            notice,
            _server: server,
        })
    }

    /// Parse every `--fault SPEC`.
    pub fn parse_faults(specs: &[String]) -> std::result::Result<Vec<demo::FaultRule>, String> {
        specs
            .iter()
            .map(|f| demo::parse_fault_spec(f).map_err(|e| format!("--fault {f:?}: {e}")))
            .collect()
    }

    /// `--log-requests FILE`, opened for appending; the reason when it cannot be.
    pub fn request_log(path: &std::path::Path) -> std::result::Result<demo::RequestLog, String> {
        demo::RequestLog::open(path).map_err(|e| format!("--log-requests {}: {e}", path.display()))
    }

    pub async fn serve(
        args: &spheron_tui::commands::cli::DemoServerArgs,
        faults: Vec<demo::FaultRule>,
        request_log: Option<demo::RequestLog>,
    ) -> Result<()> {
        // One team is a world of its own: the shared one already has the seed's teams.
        let world_file = match args.one_team {
            true => None,
            false => spheron_tui::config::paths().map(|p| p.demo_world_file()),
        };
        let mut opts = demo::DemoOptions {
            world_file,
            one_team: args.one_team,
            request_log,
            alt_shapes: args.live_shapes,
            hostile_shapes: args.hostile_shapes,
            ..demo::DemoOptions::default()
        };
        opts.faults.extend(faults);
        let addr = args.addr;
        demo::run_standalone(addr, opts)
            .await
            .wrap_err_with(|| format!("the demo server on {addr} stopped"))
    }
}

fn block_on<T, F: std::future::Future<Output = eyre::Result<T>>>(f: F) -> eyre::Result<T> {
    run_on(tokio::runtime::Builder::new_multi_thread(), f)
}

/// For a command that loads once and exits (`snapshot`, the lists): its requests, and the
/// embedded demo server that answers them, take turns on this one thread. Without worker
/// threads (and their memory) `snapshot --demo` peaks about 0.7 MiB lower.
fn block_on_one_thread<T, F: std::future::Future<Output = eyre::Result<T>>>(
    f: F,
) -> eyre::Result<T> {
    run_on(tokio::runtime::Builder::new_current_thread(), f)
}

fn run_on<T, F: std::future::Future<Output = eyre::Result<T>>>(
    mut runtime: tokio::runtime::Builder,
    f: F,
) -> eyre::Result<T> {
    runtime
        .enable_all()
        .build()
        .wrap_err("could not start the async runtime")?
        .block_on(f)
}

/// The exit status (`spheron_tui::exit`), with the terminal restored first.
fn finish(r: eyre::Result<Ending>) -> ExitCode {
    terminal::restore();
    match r {
        Ok(ending) => {
            if ending != Ending::Done {
                tracing::info!(
                    ?ending,
                    code = ending.code(),
                    "stopped by a signal or Ctrl-C"
                );
            }
            ending.into()
        }
        Err(e) => {
            tracing::error!(error = ?e, "exiting with an error");
            // One readable line chain for the user; the full report goes to the log. Not
            // `eprintln!`, which panics when stderr is a terminal that has closed.
            let _ = writeln!(std::io::stderr(), "Error: {e:#}");
            ExitCode::from(exit::FAILURE)
        }
    }
}

/// The panic hook: restore the terminal first, then Rust's own report (a backtrace with
/// `RUST_BACKTRACE=1`).
fn install_panic_hook() {
    let report = std::panic::take_hook();
    // A panic anywhere ends the program, a spawned task's too (tokio would catch it and let a
    // dashboard run on without its terminal): restore, report, exit with Rust's panic code.
    std::panic::set_hook(Box::new(move |info| {
        // Held until the exit: another thread (the event loop drawing a frame) cannot write
        // after the restore and hide the cursor again. The lock is reentrant for `restore`.
        let _stdout = std::io::stdout().lock();
        terminal::restore();
        tracing::error!(panic = %info, "panic");
        report(info);
        std::process::exit(PANIC);
    }));
}

/// Tracing to the log file (never to the terminal), rotated by `spheron_tui::logging`.
/// Called before the dashboard takes the screen. Returns false when no log file could be
/// opened (the program runs on without logs).
fn init_logging() -> bool {
    let Some(paths) = config::paths() else {
        return false;
    };
    match spheron_tui::logging::init(&paths.log_file) {
        Ok(installed) => installed,
        Err(e) => {
            // Said before the dashboard takes the screen, so the user sees it.
            eprintln!("warning: no log file ({}): {e}", paths.log_file.display());
            false
        }
    }
}
