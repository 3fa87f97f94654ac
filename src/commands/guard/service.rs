//! `guard service install|uninstall|status`: write, remove and read back the file that has the
//! service manager (systemd for the user on Linux, launchd on macOS) run `guard run` with its own
//! log. Nothing is enabled or started here: install prints what to run. Status and uninstall
//! ask `systemctl --user` (or `launchctl`) whether it is enabled and running, and say so — or
//! say that it could not be asked.

use std::path::{Path, PathBuf};

use crate::commands::context::Sink;
use crate::credentials::KeySource;
use crate::domain::guard_service::{
    AGENT_LABEL, Manager, Spec, UNIT_NAME, plist_string_after, program,
};
use crate::exit::{FAILURE, OK, USAGE};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::Subcommand)]
pub enum ServiceCommand {
    /// Write a systemd user unit (Linux) or a launchd agent (macOS) that runs `guard run` with
    /// its own log; print the file and what to run to enable it (nothing is enabled here).
    Install,
    /// Remove that file (refused while the service manager says it is enabled or running).
    Uninstall,
    /// Read the file back: what it runs, its log, whether it is current, and what the service
    /// manager says. Exits 1 when it is not installed or runs a program that is gone.
    Status,
}

/// Where things are and how the program was started.
#[derive(Debug, Clone)]
pub struct ServiceEnv {
    pub manager: Option<Manager>,
    /// `$XDG_CONFIG_HOME` (or `~/.config`).
    pub config_dir: Option<PathBuf>,
    pub home: Option<PathBuf>,
    /// This program, or why it is not known.
    pub exe: Result<PathBuf, String>,
    /// The program's log file (the service's log goes beside it).
    pub log_file: Option<PathBuf>,
    /// `--api-url` and `--poll-interval` as given (flag or environment), passed on.
    pub global_args: Vec<String>,
    pub key_source: KeySource,
    pub demo: bool,
    pub read_only: bool,
}

/// What the service manager says.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Told {
    /// `enabled`/`disabled`…, `active`/`inactive`…
    State { enabled: String, active: String },
    /// It could not be asked, and why.
    Unknown(String),
}

impl Told {
    /// Whether it is (or may be, by what was said) enabled or running.
    fn in_use(&self) -> bool {
        match self {
            Told::State { enabled, active } => {
                enabled == "enabled" || active == "active" || active == "activating"
            }
            Told::Unknown(_) => false,
        }
    }
}

pub fn service(cmd: ServiceCommand, env: &ServiceEnv, sink: &Sink) -> u8 {
    let Some(manager) = env.manager else {
        sink(
            true,
            "error: there is no service manager this program writes for on this system (systemd on Linux, launchd on macOS); run `spheron-tui guard run` under your own",
        );
        return FAILURE;
    };
    let (Some(config_dir), Some(home)) = (&env.config_dir, &env.home) else {
        sink(
            true,
            "error: no home directory is known, so there is nowhere to write the service file",
        );
        return FAILURE;
    };
    let here = Here {
        manager,
        file: manager.file(config_dir, home),
        sink,
    };
    match cmd {
        ServiceCommand::Install => here.install(env),
        ServiceCommand::Uninstall => here.uninstall(),
        ServiceCommand::Status => here.status(env),
    }
}

/// The service file of this platform's manager, and where to say things.
struct Here<'a> {
    manager: Manager,
    file: PathBuf,
    sink: &'a Sink,
}

fn spec(env: &ServiceEnv) -> Result<Spec, String> {
    let exe = env
        .exe
        .clone()
        .map_err(|e| format!("the path of this program is not known ({e})"))?;
    let log = env
        .log_file
        .as_ref()
        .map(|l| l.with_file_name("spheron-guard.log"))
        .ok_or("no data directory is known, so the service would have no log")?;
    Ok(Spec {
        exe,
        global_args: env.global_args.clone(),
        log,
    })
}

fn kind(manager: Manager) -> &'static str {
    match manager {
        Manager::Systemd => "systemd user unit",
        Manager::Launchd => "launchd agent",
    }
}

impl Here<'_> {
    fn out(&self, l: &str) {
        (self.sink)(false, l);
    }

    fn err(&self, l: &str) {
        (self.sink)(true, l);
    }

    fn install(&self, env: &ServiceEnv) -> u8 {
        let (manager, file) = (self.manager, self.file.as_path());
        if env.demo {
            self.err(
            "error: the demo's guard is not installed as a service; run `spheron-tui --demo guard run` instead",
        );
            return USAGE;
        }
        if env.read_only {
            self.err(
            "error: a --read-only guard sends no DELETE, so as a service it would enforce nothing; install without --read-only",
        );
            return USAGE;
        }
        let spec = match spec(env) {
            Ok(s) => s,
            Err(e) => {
                self.err(&format!("error: {e}"));
                return FAILURE;
            }
        };
        let text = manager.text(&spec);
        let before = std::fs::read_to_string(file).ok();
        if before.as_deref() == Some(text.as_str()) {
            self.out(&format!(
                "{} {} is already installed as this version writes it; nothing changed",
                kind(manager),
                file.display()
            ));
        } else {
            let written = file
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| spec.log.parent().map_or(Ok(()), std::fs::create_dir_all))
                .and_then(|()| std::fs::write(file, &text));
            if let Err(e) = written {
                self.err(&format!(
                    "error: could not write {}: {e}; nothing is installed",
                    file.display()
                ));
                return FAILURE;
            }
            let what = match &before {
                Some(old) => match program(manager, old) {
                    Some(p) => format!("replaced (it ran {p})"),
                    None => "replaced".to_string(),
                },
                None => "written".to_string(),
            };
            self.out(&format!("{} {what}: {}", kind(manager), file.display()));
        }
        self.out("");
        for l in text.lines() {
            self.out(&format!("    {l}"));
        }
        self.out("");
        self.out(&format!("Its log: {}", spec.log.display()));
        match &env.key_source {
        KeySource::File(_) => {}
        KeySource::Env => self.err(
            "warning: your API key comes from the SPHERON_API_KEY environment variable, which the service does not see: save it in ~/.spheron/credentials (the dashboard's key prompt does) or the service cannot enforce anything",
        ),
        KeySource::None => self.err(
            "warning: no API key is saved in ~/.spheron/credentials: the service cannot enforce anything until one is",
        ),
    }
        self.out("Nothing is enabled yet. To start it now and at each login, run:");
        for s in manager.enable_steps(file) {
            self.out(&format!("    {s}"));
        }
        self.out("`spheron-tui guard service status` reads it back.");
        OK
    }

    fn uninstall(&self) -> u8 {
        let (manager, file) = (self.manager, self.file.as_path());
        if !file.exists() {
            self.out(&format!(
                "no {} is installed ({} does not exist); nothing removed",
                kind(manager),
                file.display()
            ));
            return OK;
        }
        let told = ask(manager);
        if told.in_use() {
            self.err(&format!(
                "error: {} says it is {}: stop it first (it keeps enforcing until then), with:",
                asked_whom(manager),
                said(&told)
            ));
            for s in manager.disable_steps(file) {
                self.err(&format!("    {s}"));
            }
            self.err("then run `spheron-tui guard service uninstall` again; nothing was removed");
            return FAILURE;
        }
        if let Err(e) = std::fs::remove_file(file) {
            self.err(&format!("error: could not remove {}: {e}", file.display()));
            return FAILURE;
        }
        self.out(&format!("removed {}", file.display()));
        match &told {
            Told::Unknown(why) => {
                self.out(&format!(
                    "{why}: if it was enabled or running, it still is until you run:"
                ));
                for s in manager.disable_steps(file) {
                    self.out(&format!("    {s}"));
                }
            }
            Told::State { .. } => self.out(&format!(
                "{} says it was {}",
                asked_whom(manager),
                said(&told)
            )),
        }
        if manager == Manager::Systemd {
            self.out("    systemctl --user daemon-reload   # forget the removed unit");
        }
        self.out(
        "The guard rules stay; the dashboard or `spheron-tui guard run` enforces them while running.",
    );
        OK
    }

    fn status(&self, env: &ServiceEnv) -> u8 {
        let (manager, file) = (self.manager, self.file.as_path());
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.out(&format!(
                    "not installed: no {} at {}; `spheron-tui guard service install` writes it",
                    kind(manager),
                    file.display()
                ));
                return FAILURE;
            }
            Err(e) => {
                self.err(&format!("error: could not read {}: {e}", file.display()));
                return FAILURE;
            }
        };
        self.out(&format!("installed: {} {}", kind(manager), file.display()));
        let mut code = OK;
        match program(manager, &text) {
            Some(p) if Path::new(&p).is_file() => self.out(&format!("runs: {p} … guard run")),
            Some(p) => {
                self.err(&format!(
                "error: it runs {p}, which does not exist (moved or uninstalled?): it cannot start; run `spheron-tui guard service install` again"
            ));
                code = FAILURE;
            }
            None => {
                self.err(
                "error: the program it runs cannot be read from it; run `spheron-tui guard service install` again",
            );
                code = FAILURE;
            }
        }
        if let Some(log) = log_of(manager, &text) {
            self.out(&format!("log: {log}"));
        }
        match spec(env).map(|s| manager.text(&s)) {
        Ok(now) if now == text => self.out("current: it is what `guard service install` writes now"),
        Ok(_) => self.out(
            "not current: it differs from what `guard service install` writes now (another path to this program, or edited); install again to replace it",
        ),
        Err(_) => {}
    }
        let told = ask(manager);
        match &told {
            Told::State { enabled, .. } => {
                self.out(&format!("{}: {}", asked_whom(manager), said(&told)));
                if enabled != "enabled" && manager == Manager::Systemd {
                    self.out("not enabled: to start it now and at each login, run:");
                    for s in manager.enable_steps(file) {
                        self.out(&format!("    {s}"));
                    }
                }
            }
            Told::Unknown(why) => self.out(&format!(
                "{why}: whether it is enabled and running is not known"
            )),
        }
        code
    }
}

/// The log the file names.
fn log_of(manager: Manager, text: &str) -> Option<String> {
    match manager {
        Manager::Systemd => text
            .lines()
            .find_map(|l| l.trim().strip_prefix("StandardOutput=append:"))
            .map(|l| l.replace("%%", "%")),
        Manager::Launchd => plist_string_after(text, "StandardOutPath"),
    }
}

fn asked_whom(manager: Manager) -> &'static str {
    match manager {
        Manager::Systemd => "systemctl --user",
        Manager::Launchd => "launchctl",
    }
}

fn said(told: &Told) -> String {
    match told {
        Told::State { enabled, active } => format!("{enabled}, {active}"),
        Told::Unknown(why) => why.clone(),
    }
}

/// Ask the service manager about the service (a read; nothing is changed).
fn ask(manager: Manager) -> Told {
    match manager {
        Manager::Systemd => {
            let enabled = match query("systemctl", &["--user", "is-enabled", UNIT_NAME]) {
                Ok(s) => s,
                Err(why) => return Told::Unknown(why),
            };
            match query("systemctl", &["--user", "is-active", UNIT_NAME]) {
                Ok(active) => Told::State { enabled, active },
                Err(why) => Told::Unknown(why),
            }
        }
        Manager::Launchd => {
            // SAFETY: getuid has no preconditions and cannot fail.
            let uid = unsafe { libc::getuid() };
            let target = format!("gui/{uid}/{AGENT_LABEL}");
            match std::process::Command::new("launchctl")
                .args(["print", &target])
                .output()
            {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    Told::Unknown("launchctl is not on PATH".into())
                }
                Err(e) => Told::Unknown(format!("launchctl could not be run ({e})")),
                Ok(o) if o.status.success() => {
                    let text = String::from_utf8_lossy(&o.stdout);
                    let running = text
                        .lines()
                        .any(|l| l.trim().starts_with("state = running"));
                    Told::State {
                        enabled: "loaded".into(),
                        active: if running { "active" } else { "inactive" }.into(),
                    }
                }
                Ok(_) => Told::State {
                    enabled: "not loaded".into(),
                    active: "inactive".into(),
                },
            }
        }
    }
}

/// One word of a `systemctl is-…` answer; `Err` says why none came.
fn query(program: &str, args: &[&str]) -> Result<String, String> {
    let o = match std::process::Command::new(program).args(args).output() {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!("{program} is not on PATH"));
        }
        Err(e) => return Err(format!("{program} could not be run ({e})")),
    };
    let said = String::from_utf8_lossy(&o.stdout).trim().to_string();
    // `is-enabled`/`is-active` answer on stdout (exiting non-zero for "disabled"/"inactive");
    // with no answer (no user session bus…) the reason is on stderr.
    match said.lines().next() {
        Some(word) if !word.is_empty() => Ok(word.to_string()),
        _ => {
            let why = String::from_utf8_lossy(&o.stderr);
            let why = why.lines().next().unwrap_or("no answer").trim().to_string();
            Err(format!("{program} {} could not tell ({why})", args[0]))
        }
    }
}
