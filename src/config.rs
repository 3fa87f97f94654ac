//! Paths (via `directories`) and `config.toml`. Precedence: flags beat env beat config.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::api::DEFAULT_API_URL;
use crate::app::keys::{self, Binding};

/// Default and minimum poll intervals (docs/api-rules.md, "Polling": never faster than every 10 s).
pub const DEFAULT_POLL_SECS: u64 = 20;
pub const MIN_POLL_SECS: u64 = 10;
/// The longest poll interval: an hour (a guard that learns of a deployment's end, or of a
/// failed terminate, less often than that is no guard).
pub const MAX_POLL_SECS: u64 = 3600;

/// Where the program keeps its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_file: PathBuf,
    pub log_file: PathBuf,
    /// The local store (guard rules, journal), in the data dir.
    pub store_file: PathBuf,
}

/// `config.toml` in the config dir, `spheron-tui.log` in the data-local dir.
pub fn paths() -> Option<Paths> {
    let dirs = directories::ProjectDirs::from("ai", "spheron", "spheron-tui")?;
    Some(Paths {
        config_file: dirs.config_dir().join("config.toml"),
        log_file: dirs.data_local_dir().join("spheron-tui.log"),
        store_file: dirs.data_dir().join("spheron-tui.sqlite3"),
    })
}

impl Paths {
    /// The demo's own store, beside the real one: demo rules, journal, watches and price history
    /// never mix with real ones.
    pub fn demo_store_file(&self) -> PathBuf {
        self.store_file.with_file_name("spheron-tui-demo.sqlite3")
    }

    /// The demo world (its teams, balances, SSH keys, deployments, volumes and clock), beside the
    /// demo store; every `--demo` process reads and writes it.
    pub fn demo_world_file(&self) -> PathBuf {
        self.store_file
            .with_file_name("spheron-tui-demo-world.sqlite3")
    }

    /// The presets saved under `--demo` (`[presets.NAME]` tables, as in `config.toml`), beside
    /// the demo store: the demo's offer ids and keys never go into the real `config.toml`.
    pub fn demo_presets_file(&self) -> PathBuf {
        self.store_file
            .with_file_name("spheron-tui-demo-presets.toml")
    }
}

/// The contents of `config.toml`; every field optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct FileConfig {
    pub api_url: Option<String>,
    pub poll_interval_secs: Option<u64>,
    pub read_only: Option<bool>,
    /// `"dark"` (the default, for dark terminals) or `"light"` (for white ones).
    pub theme: Option<ThemeName>,
    /// `false` leaves the mouse to the terminal, so its own text selection works.
    pub mouse: Option<bool>,
    /// The account cap: the deploy summary refuses a deploy that would take what the account
    /// pays per hour past this.
    pub max_burn_usd_per_hour: Option<f64>,
    /// Keep `Host <name>.spheron` blocks for the deployments, included from `~/.ssh/config`,
    /// current while the dashboard runs. Unset: the dashboard asks once.
    pub ssh_config: Option<bool>,
    /// Follow the GPU use of every running deployment over SSH (a probe a minute each).
    pub gpu_usage: Option<bool>,
    /// `[keys]`: action name = key (or list of keys), rebinding the key table.
    pub keys: Option<toml::Table>,
    /// `[presets.NAME]`: saved deploy configurations (`deploy --preset NAME`).
    pub presets: Option<std::collections::BTreeMap<String, crate::domain::preset::Preset>>,
}

const KNOWN_KEYS: [&str; 10] = [
    "api_url",
    "poll_interval_secs",
    "read_only",
    "theme",
    "mouse",
    "max_burn_usd_per_hour",
    "ssh_config",
    "gpu_usage",
    "keys",
    "presets",
];

/// The colour theme chosen in `config.toml`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemeName {
    #[default]
    Dark,
    Light,
}

/// How the dashboard looks and takes input: theme and mouse capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    pub theme: ThemeName,
    pub mouse: bool,
}

impl Default for Look {
    fn default() -> Self {
        Look {
            theme: ThemeName::Dark,
            mouse: true,
        }
    }
}

/// A loaded config plus warnings (unknown keys are warned about, not fatal).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Loaded {
    pub config: FileConfig,
    pub warnings: Vec<String>,
    /// The key table with `[keys]` applied; `None` when the file rebinds nothing.
    pub key_table: Option<Vec<Binding>>,
}

/// Parse `config.toml` text. A syntax error or a wrongly typed field is an error.
pub fn parse(text: &str) -> Result<Loaded, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut warnings: Vec<String> = table
        .keys()
        .filter(|k| !KNOWN_KEYS.contains(&k.as_str()))
        .map(|k| {
            format!(
                "unknown setting `{k}` ignored (known: {})",
                KNOWN_KEYS.join(", ")
            )
        })
        .collect();
    let config: FileConfig = toml::from_str(text).map_err(|e| e.to_string())?;
    let key_table = config.keys.as_ref().map(|keys| {
        let (table, w) = key_table(keys);
        warnings.extend(w);
        table
    });
    Ok(Loaded {
        config,
        warnings,
        key_table,
    })
}

/// The default key table rebound by a `[keys]` table, with a warning for each entry not applied.
pub fn key_table(keys: &toml::Table) -> (Vec<Binding>, Vec<String>) {
    let mut warnings = Vec::new();
    let mut entries = Vec::new();
    for (name, value) in keys {
        let texts = match value {
            toml::Value::String(s) => Some(vec![s.clone()]),
            toml::Value::Array(a) => a
                .iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>(),
            _ => None,
        };
        match texts {
            Some(t) => entries.push((name.clone(), t)),
            None => warnings.push(format!(
                "[keys] `{name}` must be a key (\"X\") or a list of keys ([\"X\", \"F5\"]): the default is kept"
            )),
        }
    }
    let (table, w) = keys::rebind::rebind(keys::defaults(), &entries);
    warnings.extend(w);
    (table, warnings)
}

/// Read `path`; a missing file is an empty config.
pub fn load(path: &Path) -> Result<Loaded, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse(&text).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Loaded::default()),
        Err(e) => Err(format!("could not read {}: {e}", path.display())),
    }
}

/// Where the API URL came from, for `info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlSource {
    /// `--api-url` or `SPHERON_API_URL` (clap reads both).
    FlagOrEnv,
    ConfigFile,
    Default,
}

/// The settings every command runs with.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub api_url: String,
    pub api_url_source: UrlSource,
    pub poll_interval: Duration,
    pub read_only: bool,
    pub look: Look,
    pub max_burn_usd_per_hour: Option<f64>,
    /// `ssh_config` in `config.toml`: `None` when the user was never asked.
    pub ssh_config: Option<bool>,
    /// `gpu_usage` in `config.toml`.
    pub gpu_usage: Option<bool>,
}

/// Merge flags (already merged with env by clap) over the config file over the defaults.
/// A poll interval below 10 s is refused, wherever it came from.
pub fn resolve(
    flag_api_url: Option<&str>,
    flag_poll_secs: Option<u64>,
    flag_read_only: bool,
    file: &FileConfig,
) -> Result<Settings, String> {
    let (api_url, api_url_source) = match (flag_api_url, file.api_url.as_deref()) {
        (Some(u), _) => (u.to_string(), UrlSource::FlagOrEnv),
        (None, Some(u)) => (u.to_string(), UrlSource::ConfigFile),
        (None, None) => (DEFAULT_API_URL.to_string(), UrlSource::Default),
    };
    let secs = flag_poll_secs
        .or(file.poll_interval_secs)
        .unwrap_or(DEFAULT_POLL_SECS);
    check_poll_secs(secs)?;
    let cap = file.max_burn_usd_per_hour;
    if let Some(c) = cap.filter(|c| !c.is_finite() || *c <= 0.0) {
        return Err(format!(
            "config.toml: max_burn_usd_per_hour = {c} is refused: give a positive $/h, or remove the line for no cap"
        ));
    }
    Ok(Settings {
        api_url,
        api_url_source,
        poll_interval: Duration::from_secs(secs),
        read_only: flag_read_only || file.read_only.unwrap_or(false),
        look: Look {
            theme: file.theme.unwrap_or_default(),
            mouse: file.mouse.unwrap_or(true),
        },
        max_burn_usd_per_hour: cap,
        ssh_config: file.ssh_config,
        gpu_usage: file.gpu_usage,
    })
}

/// `text` (a `config.toml`) with the top-level `key = value`: its line replaced where it is set
/// before the first table, else a line added at the top (a top-level key must come before any
/// table). Every other byte is kept.
pub fn with_top_level(text: &str, key: &str, value: &str) -> String {
    let new_line = format!("{key} = {value}");
    let mut out = String::with_capacity(text.len() + new_line.len() + 1);
    let mut replaced = false;
    let mut in_table = false;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        in_table |= t.starts_with('[');
        let sets_key = t
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with('='));
        if !in_table && !replaced && sets_key {
            out.push_str(&new_line);
            out.push_str(if line.ends_with("\r\n") {
                "\r\n"
            } else if line.ends_with('\n') {
                "\n"
            } else {
                ""
            });
            replaced = true;
        } else {
            out.push_str(line);
        }
    }
    if replaced {
        out
    } else {
        format!("{new_line}\n{text}")
    }
}

/// Set a top-level `key = value` in the `config.toml` at `path` (made when absent), written
/// atomically; the result is parsed first, so a file this would break is left as it is.
pub fn set_top_level(path: &Path, key: &str, value: &str) -> Result<(), String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("could not read {}: {e}", path.display())),
    };
    let new = with_top_level(&text, key, value);
    parse(&new).map_err(|e| format!("{}: {e}", path.display()))?;
    crate::runtime::files::replace_file(path, new.as_bytes(), 0o600)
        .map_err(|e| format!("could not write {}: {e}", path.display()))
}

/// Add `[presets.NAME]` to the `config.toml` at `path` (made when absent), written atomically.
/// A name already there is refused, and so is a result that would not read back as `p` (the
/// file is then left as it is).
pub fn save_preset(
    path: &Path,
    name: &str,
    p: &crate::domain::preset::Preset,
) -> Result<(), String> {
    crate::domain::preset::check_name(name)?;
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("could not read {}: {e}", path.display())),
    };
    let before = parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    if before
        .config
        .presets
        .is_some_and(|all| all.contains_key(name))
    {
        return Err(format!(
            "{} already has a preset called {name}: choose another name",
            path.display()
        ));
    }
    let new = crate::domain::preset::with_section(&text, name, p);
    let after = parse(&new).map_err(|e| format!("{}: {e}", path.display()))?;
    if after
        .config
        .presets
        .and_then(|mut all| all.remove(name))
        .as_ref()
        != Some(p)
    {
        return Err(format!(
            "{}: the preset would not read back as saved; the file was left as it is",
            path.display()
        ));
    }
    crate::runtime::files::replace_file(path, new.as_bytes(), 0o600)
        .map_err(|e| format!("could not write {}: {e}", path.display()))
}

pub fn check_poll_secs(secs: u64) -> Result<u64, String> {
    if secs < MIN_POLL_SECS {
        Err(format!(
            "a poll interval of {secs} s is refused: the Spheron API asks clients to poll no faster than every {MIN_POLL_SECS} s ({MIN_POLL_SECS} to {MAX_POLL_SECS} s)"
        ))
    } else if secs > MAX_POLL_SECS {
        Err(format!(
            "a poll interval of {secs} s is refused: give {MIN_POLL_SECS} to {MAX_POLL_SECS} s (an hour at most)"
        ))
    } else {
        Ok(secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_known_and_warns_unknown() {
        let l = parse(
            "api_url = \"http://127.0.0.1:4567\"\npoll_interval_secs = 30\ncolour = \"red\"\n",
        )
        .unwrap();
        assert_eq!(l.config.api_url.as_deref(), Some("http://127.0.0.1:4567"));
        assert_eq!(l.config.poll_interval_secs, Some(30));
        assert_eq!(l.config.read_only, None);
        assert_eq!(l.warnings.len(), 1);
        assert!(l.warnings[0].contains("colour"));
        assert!(parse("poll_interval_secs = \"soon\"").is_err());
        assert!(parse("api_url = ").is_err());
        assert_eq!(parse("").unwrap(), Loaded::default());
    }

    #[test]
    fn flags_beat_config_beat_defaults() {
        let file = FileConfig {
            api_url: Some("http://localhost:1".into()),
            poll_interval_secs: Some(45),
            read_only: Some(true),
            max_burn_usd_per_hour: Some(40.0),
            ..FileConfig::default()
        };
        let s = resolve(Some("http://127.0.0.1:2"), Some(15), false, &file).unwrap();
        assert_eq!(s.api_url, "http://127.0.0.1:2");
        assert_eq!(s.api_url_source, UrlSource::FlagOrEnv);
        assert_eq!(s.poll_interval, Duration::from_secs(15));
        assert!(s.read_only, "config read_only still applies");
        assert_eq!(s.max_burn_usd_per_hour, Some(40.0));
        let s = resolve(None, None, false, &file).unwrap();
        assert_eq!(
            (s.api_url.as_str(), s.api_url_source),
            ("http://localhost:1", UrlSource::ConfigFile)
        );
        assert_eq!(s.poll_interval, Duration::from_secs(45));
        let s = resolve(None, None, false, &FileConfig::default()).unwrap();
        assert_eq!(s.api_url, DEFAULT_API_URL);
        assert_eq!(s.poll_interval, Duration::from_secs(20));
        assert!(!s.read_only);
        let low = FileConfig {
            poll_interval_secs: Some(5),
            ..Default::default()
        };
        assert!(resolve(None, None, false, &low).is_err());
        let cap = parse("max_burn_usd_per_hour = 25.5").unwrap();
        assert!(cap.warnings.is_empty());
        assert_eq!(cap.config.max_burn_usd_per_hour, Some(25.5));
        let bad = FileConfig {
            max_burn_usd_per_hour: Some(0.0),
            ..Default::default()
        };
        assert!(resolve(None, None, false, &bad).is_err());
    }

    #[test]
    fn theme_and_mouse() {
        let l = parse("theme = \"light\"\nmouse = false\n").unwrap();
        assert!(l.warnings.is_empty(), "{:?}", l.warnings);
        let s = resolve(None, None, false, &l.config).unwrap();
        assert_eq!(
            s.look,
            Look {
                theme: ThemeName::Light,
                mouse: false
            }
        );
        let l = parse("theme = \"dark\"\nmouse = true\n").unwrap();
        assert_eq!(
            resolve(None, None, false, &l.config).unwrap().look,
            Look::default()
        );
        let s = resolve(None, None, false, &FileConfig::default()).unwrap();
        assert_eq!(
            s.look,
            Look::default(),
            "dark theme and the mouse by default"
        );
        assert!(Look::default().mouse);
        // A theme that does not exist, or a mouse that is not a boolean, is an error.
        assert!(parse("theme = \"solarized\"").is_err());
        assert!(parse("mouse = \"no\"").is_err());
        // Unknown settings are still warned about, next to the new ones.
        let l = parse("theme = \"light\"\nkeymap = 1\n").unwrap();
        assert_eq!(l.warnings.len(), 1);
        assert!(l.warnings[0].contains("`keymap`") && l.warnings[0].contains("mouse"));
    }

    #[test]
    fn a_top_level_setting_is_replaced_or_added_first() {
        assert_eq!(
            with_top_level("", "ssh_config", "true"),
            "ssh_config = true\n"
        );
        let t = "# mine\ntheme = \"light\"\n\n[keys]\nssh_config = \"x\"\n";
        let added = with_top_level(t, "ssh_config", "true");
        assert_eq!(added, format!("ssh_config = true\n{t}"));
        assert_eq!(parse(&added).unwrap().config.ssh_config, Some(true));
        let replaced = with_top_level(&added, "ssh_config", "false");
        assert_eq!(replaced, format!("ssh_config = false\n{t}"));
        let crlf = "theme = \"dark\"\r\nssh_config=true\r\n";
        assert_eq!(
            with_top_level(crlf, "ssh_config", "false"),
            "theme = \"dark\"\r\nssh_config = false\r\n"
        );
        // another key that starts the same is not this one
        assert_eq!(
            with_top_level("ssh_config_x = 1\n", "ssh_config", "true"),
            "ssh_config = true\nssh_config_x = 1\n"
        );
    }

    #[test]
    fn paths_use_the_project_dirs() {
        if let Some(p) = paths() {
            assert!(p.config_file.ends_with("config.toml"));
            assert!(p.log_file.ends_with("spheron-tui.log"));
            assert!(p.store_file.ends_with("spheron-tui.sqlite3"));
        }
    }

    #[test]
    fn keys_table_rebinds_and_warns() {
        use crate::app::keys::{Key, KeyCmd};
        let keys_of = |l: &Loaded, cmd: KeyCmd| -> Vec<Key> {
            let t = l.key_table.as_ref().unwrap();
            t.iter().find(|b| b.cmd == cmd).unwrap().keys.to_vec()
        };
        assert_eq!(parse("theme = \"light\"").unwrap().key_table, None);
        // good
        let l = parse("[keys]\nterminate = \"X\"\nup = [\"Up\", \"i\"]\n").unwrap();
        assert!(l.warnings.is_empty(), "{:?}", l.warnings);
        assert_eq!(keys_of(&l, KeyCmd::Terminate), [Key::Char('X')]);
        assert_eq!(
            keys_of(&l, KeyCmd::Up),
            [Key::Code(crossterm::event::KeyCode::Up), Key::Char('i')]
        );
        // unknown action, unparseable key, a value of the wrong type, a collision
        let l = parse("[keys]\nexplode = \"z\"\nrefresh = \"F99\"\nhelp = 3\nterminate = \"c\"\n")
            .unwrap();
        assert_eq!(l.warnings.len(), 4, "{:?}", l.warnings);
        for name in ["`explode`", "`refresh`", "`help`", "`terminate`"] {
            assert!(
                l.warnings.iter().any(|w| w.contains(name)),
                "{name}: {:?}",
                l.warnings
            );
        }
        assert_eq!(keys_of(&l, KeyCmd::Refresh), [Key::Char('r')]);
        assert_eq!(keys_of(&l, KeyCmd::Help), [Key::Char('?')]);
        assert_eq!(keys_of(&l, KeyCmd::Terminate), [Key::Char('x')]);
    }
}
