//! `guard service`: the file that has the system's service manager run `guard run` — a systemd
//! user unit on Linux, a launchd agent on macOS — and reading it back. Text only, no IO.

use std::path::{Path, PathBuf};

/// The service manager a platform has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Manager {
    /// Linux: a user unit in `$XDG_CONFIG_HOME/systemd/user`.
    Systemd,
    /// macOS: an agent in `~/Library/LaunchAgents`.
    Launchd,
}

/// The systemd unit's name.
pub const UNIT_NAME: &str = "spheron-guard.service";
/// The launchd agent's label (and file name, with `.plist`).
pub const AGENT_LABEL: &str = "ai.spheron.spheron-tui.guard";

impl Manager {
    /// This platform's, if it has one the program writes for.
    pub fn current() -> Option<Manager> {
        if cfg!(target_os = "macos") {
            Some(Manager::Launchd)
        } else if cfg!(target_os = "linux") {
            Some(Manager::Systemd)
        } else {
            None
        }
    }

    /// Where the file goes: `config_dir` is `$XDG_CONFIG_HOME` (or `~/.config`), used on Linux.
    pub fn file(self, config_dir: &Path, home: &Path) -> PathBuf {
        match self {
            Manager::Systemd => config_dir.join("systemd").join("user").join(UNIT_NAME),
            Manager::Launchd => home
                .join("Library")
                .join("LaunchAgents")
                .join(format!("{AGENT_LABEL}.plist")),
        }
    }

    /// The file's text.
    pub fn text(self, spec: &Spec) -> String {
        match self {
            Manager::Systemd => systemd_unit(spec),
            Manager::Launchd => launchd_agent(spec),
        }
    }

    /// What to run to start it now and at each login (nothing is enabled by `install`).
    pub fn enable_steps(self, file: &Path) -> Vec<String> {
        match self {
            Manager::Systemd => vec![
                "systemctl --user daemon-reload".into(),
                format!("systemctl --user enable --now {UNIT_NAME}"),
                "loginctl enable-linger \"$USER\"   # optional: keep it running after you log out"
                    .into(),
            ],
            Manager::Launchd => vec![format!(
                "launchctl bootstrap gui/$(id -u) {}",
                shell_quote(&file.display().to_string())
            )],
        }
    }

    /// What to run to stop it for good.
    pub fn disable_steps(self, file: &Path) -> Vec<String> {
        match self {
            Manager::Systemd => vec![format!("systemctl --user disable --now {UNIT_NAME}")],
            Manager::Launchd => vec![format!(
                "launchctl bootout gui/$(id -u) {}",
                shell_quote(&file.display().to_string())
            )],
        }
    }
}

/// What the service runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    /// This program.
    pub exe: PathBuf,
    /// Arguments before `guard run` (`--api-url URL` when one was given on the command line).
    pub global_args: Vec<String>,
    /// Its own log: what `guard run` prints, one line per decision.
    pub log: PathBuf,
}

impl Spec {
    /// The whole command line, as words.
    pub fn argv(&self) -> Vec<String> {
        let mut argv = vec![self.exe.display().to_string()];
        argv.extend(self.global_args.iter().cloned());
        argv.extend(["guard".to_string(), "run".to_string()]);
        argv
    }
}

/// A word for a systemd command line: quoted when it holds a space, a quote or a backslash;
/// `%` doubled (systemd's specifier character).
fn systemd_word(w: &str) -> String {
    let w = w.replace('%', "%%");
    if w.is_empty() || w.contains([' ', '\t', '"', '\'', '\\']) {
        format!("\"{}\"", w.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        w
    }
}

/// A path for a systemd setting that is not a command line: `%` doubled.
fn systemd_path(p: &Path) -> String {
    p.display().to_string().replace('%', "%%")
}

fn systemd_unit(spec: &Spec) -> String {
    let exec: Vec<String> = spec.argv().iter().map(|w| systemd_word(w)).collect();
    let log = systemd_path(&spec.log);
    format!(
        "# Written by `spheron-tui guard service install`; `spheron-tui guard service uninstall`
# removes it. The API key comes from ~/.spheron/credentials (or add
# Environment=SPHERON_API_KEY=... below), the settings from config.toml.
[Unit]
Description=spheron-tui spend guard (enforces the guard rules: spheron-tui guard run)
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
ExecStart={exec}
Restart=on-failure
RestartSec=30
StandardOutput=append:{log}
StandardError=append:{log}

[Install]
WantedBy=default.target
",
        exec = exec.join(" "),
    )
}

/// Text for an XML element.
fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn launchd_agent(spec: &Spec) -> String {
    let args: String = spec
        .argv()
        .iter()
        .map(|a| format!("        <string>{}</string>\n", xml(a)))
        .collect();
    let log = xml(&spec.log.display().to_string());
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- Written by `spheron-tui guard service install`; `spheron-tui guard service uninstall`
     removes it. The API key comes from ~/.spheron/credentials. -->
<plist version="1.0">
<dict>
    <key>Label</key>
    <string>{AGENT_LABEL}</string>
    <key>ProgramArguments</key>
    <array>
{args}    </array>
    <key>RunAtLoad</key>
    <true/>
    <key>KeepAlive</key>
    <dict>
        <key>SuccessfulExit</key>
        <false/>
    </dict>
    <key>ThrottleInterval</key>
    <integer>30</integer>
    <key>StandardOutPath</key>
    <string>{log}</string>
    <key>StandardErrorPath</key>
    <string>{log}</string>
</dict>
</plist>
"#
    )
}

/// The program a service file runs (its first word), read back from its text.
pub fn program(manager: Manager, text: &str) -> Option<String> {
    match manager {
        Manager::Systemd => {
            let line = text
                .lines()
                .find_map(|l| l.trim().strip_prefix("ExecStart="))?;
            first_systemd_word(line)
        }
        Manager::Launchd => plist_string_after(text, "ProgramArguments"),
    }
}

/// The first `<string>` after `<key>{key}</key>` in a plist, unescaped.
pub fn plist_string_after(text: &str, key: &str) -> Option<String> {
    let after = text.split(&format!("<key>{key}</key>")).nth(1)?;
    let start = after.find("<string>")? + "<string>".len();
    let end = start + after[start..].find("</string>")?;
    Some(
        after[start..end]
            .replace("&quot;", "\"")
            .replace("&gt;", ">")
            .replace("&lt;", "<")
            .replace("&amp;", "&"),
    )
}

/// The first word of a systemd command line, unquoted.
fn first_systemd_word(line: &str) -> Option<String> {
    let line = line.trim_start();
    let word = match line.strip_prefix('"') {
        Some(rest) => {
            let mut out = String::new();
            let mut chars = rest.chars();
            loop {
                match chars.next()? {
                    '"' => break,
                    '\\' => out.push(chars.next()?),
                    c => out.push(c),
                }
            }
            out
        }
        None => line.split_whitespace().next()?.to_string(),
    };
    Some(word.replace("%%", "%"))
}

/// A word for a POSIX shell.
fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
