//! `info`: where the program looks (config, log, credentials, store), which key and URL it
//! uses and the settings in force; with `--demo`, the demo's own files, server and key.

use std::path::{Path, PathBuf};

use crate::config::{Paths, Settings, ThemeName, UrlSource};
use crate::credentials::{self, ApiKey, KeySource, Lookup};
use crate::domain::cost;

/// What `info` reports on.
pub struct Info<'a> {
    pub settings: &'a Settings,
    pub paths: Option<&'a Paths>,
    pub credentials: PathBuf,
    pub lookup: &'a Lookup,
    pub warnings: &'a [String],
    /// With `--demo`: the key the embedded demo server accepts.
    pub demo_key: Option<&'a str>,
}

/// A path, and whether it is there.
fn show(path: Option<&Path>) -> String {
    match path {
        Some(path) if path.exists() => format!("{}", path.display()),
        Some(path) => format!("{} (not present)", path.display()),
        None => "(no home directory known)".to_string(),
    }
}

/// The text `info` prints, one fact a line.
pub fn text(i: &Info) -> String {
    let mut out = String::new();
    let mut line = |l: String| {
        out.push_str(&l);
        out.push('\n');
    };
    let s = i.settings;
    let paths = i.paths;
    line(format!("spheron-tui {}", env!("CARGO_PKG_VERSION")));
    line(format!(
        "config file:   {}",
        show(paths.map(|x| x.config_file.as_path()))
    ));
    line(format!(
        "log file:      {}",
        show(paths.map(|x| x.log_file.as_path()))
    ));
    match i.demo_key {
        Some(key) => {
            line(format!(
                "demo store:    {}",
                show(paths.map(|x| x.demo_store_file()).as_deref())
            ));
            line(format!(
                "demo world:    {}",
                show(paths.map(|x| x.demo_world_file()).as_deref())
            ));
            line(format!(
                "demo presets:  {}",
                show(paths.map(|x| x.demo_presets_file()).as_deref())
            ));
            line(format!(
                "API key:       the demo's own ({}); no real key is used",
                ApiKey::new(key.to_string()).mask()
            ));
            line(
                "API URL:       the embedded demo server (127.0.0.1, a free port, per process)"
                    .into(),
            );
        }
        None => {
            line(format!("credentials:   {}", show(Some(&i.credentials))));
            line(format!(
                "store:         {}",
                show(paths.map(|x| x.store_file.as_path()))
            ));
            line(match (&i.lookup.key, &i.lookup.source) {
                (Some(k), src) => format!("API key:       {} (from {src})", k.mask()),
                (None, _) => format!(
                    "API key:       not found (set {} or add it from the dashboard)",
                    credentials::ENV_VAR
                ),
            });
            let from = match s.api_url_source {
                UrlSource::FlagOrEnv => "--api-url or SPHERON_API_URL",
                UrlSource::ConfigFile => "config.toml",
                UrlSource::Default => "default",
            };
            line(format!("API URL:       {} ({from})", s.api_url));
        }
    }
    line(format!("poll interval: {} s", s.poll_interval.as_secs()));
    line(format!(
        "read-only:     {}",
        if s.read_only { "yes" } else { "no" }
    ));
    let theme = match s.look.theme {
        ThemeName::Dark => "dark",
        ThemeName::Light => "light",
    };
    line(format!("theme:         {theme}"));
    line(format!(
        "mouse:         {}",
        if s.look.mouse { "on" } else { "off" }
    ));
    line(match s.max_burn_usd_per_hour {
        Some(c) => format!(
            "account cap:   {}/h (max_burn_usd_per_hour in config.toml)",
            cost::usd(c)
        ),
        None => "account cap:   none (max_burn_usd_per_hour in config.toml)".into(),
    });
    for w in i.warnings {
        line(format!("warning:       {w}"));
    }
    if i.demo_key.is_none() && matches!(i.lookup.source, KeySource::None) && i.lookup.key.is_none()
    {
        line("(without a key the offers pane shows list prices only)".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{FileConfig, resolve};

    fn info_text(lookup: &Lookup, demo_key: Option<&str>) -> String {
        let settings = resolve(None, None, false, &FileConfig::default()).unwrap();
        text(&Info {
            settings: &settings,
            paths: None,
            credentials: PathBuf::from("/nowhere/.spheron/credentials"),
            lookup,
            warnings: &["config.toml: a warning".to_string()],
            demo_key,
        })
    }

    #[test]
    fn without_a_key_it_says_where_to_put_one_and_the_demo_names_its_own() {
        let none = Lookup {
            key: None,
            source: KeySource::None,
            warnings: Vec::new(),
        };
        let real = info_text(&none, None);
        assert!(real.contains("API URL:       https://app.spheron.ai (default)\n"));
        assert!(real.contains("credentials:   /nowhere/.spheron/credentials (not present)\n"));
        assert!(real.contains("warning:       config.toml: a warning\n"));
        assert!(real.ends_with("(without a key the offers pane shows list prices only)\n"));
        let demo = info_text(&none, Some("sai_pk_demo_7c1e0d5b9a3f4e2d"));
        assert!(demo.contains("API key:       the demo's own (sai_…4e2d); no real key is used\n"));
        assert!(!demo.contains("credentials:"), "{demo}");
        assert!(!demo.contains("without a key"), "{demo}");
    }
}
