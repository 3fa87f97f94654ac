//! A saved deploy configuration: `[presets.NAME]` in `config.toml`. `deploy --preset NAME`
//! starts from it (flags given on the command line win), and the wizard can start from one and
//! save its choices as one. Names of things (SSH key, team, volumes) are kept as typed and
//! resolved when used.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    /// An offer id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offer: Option<String>,
    /// The cheapest available offer matching this filter (the Offers pane's language).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cheapest: Option<String>,
    /// A saved SSH key: its name or id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssh_key: Option<String>,
    /// A public key file sent inline (`~/.ssh/id_ed25519.pub`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssh_key_file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    /// A team: its name or id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// A cloud-init file (JSON or TOML: `packages`, `runcmd`, `writeFiles`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_init: Option<String>,
    /// Volumes attached at launch: names or ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<String>,
    /// The Kubernetes add-on version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kubernetes: Option<String>,
    /// The spend guard: after a duration (`8h`), at a time (`18:00`), or at a spend (USD).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guard_after: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guard_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guard_max_spend: Option<f64>,
}

impl Preset {
    /// `self` with every field `over` sets replaced (the command line over a preset).
    pub fn overlaid(&self, over: &Preset) -> Preset {
        let pick = |a: &Option<String>, b: &Option<String>| b.clone().or_else(|| a.clone());
        // One source of the offer, of the key and of the guard: the one given wins whole.
        let offer_given = over.offer.is_some() || over.cheapest.is_some();
        let key_given = over.ssh_key.is_some() || over.ssh_key_file.is_some();
        let guard_given =
            over.guard_after.is_some() || over.guard_at.is_some() || over.guard_max_spend.is_some();
        let base = |given: bool, a: &Option<String>, b: &Option<String>| {
            if given { b.clone() } else { a.clone() }
        };
        Preset {
            offer: base(offer_given, &self.offer, &over.offer),
            cheapest: base(offer_given, &self.cheapest, &over.cheapest),
            ssh_key: base(key_given, &self.ssh_key, &over.ssh_key),
            ssh_key_file: base(key_given, &self.ssh_key_file, &over.ssh_key_file),
            region: pick(&self.region, &over.region),
            os: pick(&self.os, &over.os),
            team: pick(&self.team, &over.team),
            cloud_init: pick(&self.cloud_init, &over.cloud_init),
            volumes: if over.volumes.is_empty() {
                self.volumes.clone()
            } else {
                over.volumes.clone()
            },
            kubernetes: pick(&self.kubernetes, &over.kubernetes),
            guard_after: base(guard_given, &self.guard_after, &over.guard_after),
            guard_at: base(guard_given, &self.guard_at, &over.guard_at),
            guard_max_spend: if guard_given {
                over.guard_max_spend
            } else {
                self.guard_max_spend
            },
        }
    }

    /// The guard as the wizard's guard step takes it (`8h`, `18:00`, `$50`); `None`: none.
    pub fn guard_spec(&self) -> Option<String> {
        if let Some(a) = &self.guard_after {
            return Some(a.clone());
        }
        if let Some(t) = &self.guard_at {
            return Some(t.clone());
        }
        self.guard_max_spend.map(|usd| format!("${usd}"))
    }

    /// The preset in a wizard guard's terms: `8h` → after, `18:00` → at, `$50` → spend.
    pub fn set_guard_spec(&mut self, spec: &str) {
        let t = spec.trim();
        self.guard_after = None;
        self.guard_at = None;
        self.guard_max_spend = None;
        if t.is_empty() || t.eq_ignore_ascii_case("none") {
        } else if let Some(usd) = t.strip_prefix('$') {
            self.guard_max_spend = usd.trim().parse().ok();
        } else if t.contains(':') {
            self.guard_at = Some(t.to_string());
        } else {
            self.guard_after = Some(t.to_string());
        }
    }
}

/// `[presets.NAME]` and its fields as `config.toml` text: a `key = value` line per field set,
/// the values written as TOML reads them back (strings quoted and escaped, lists of strings,
/// numbers).
pub fn section_text(name: &str, p: &Preset) -> String {
    let mut s = format!("[presets.{name}]\n");
    if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(p) {
        for (k, v) in fields {
            // JSON strings, numbers and string arrays are TOML's too.
            s.push_str(&format!("{k} = {v}\n"));
        }
    }
    s
}

/// `text` (a `config.toml`) with `[presets.NAME]` added at its end; every other byte is kept.
pub fn with_section(text: &str, name: &str, p: &Preset) -> String {
    let mut out = text.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&section_text(name, p));
    out
}

/// A preset name: letters, digits, `-` and `_` (a bare TOML key), at most 40.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 40
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{name:?} is not a preset name: use letters, digits, - and _ (at most 40)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_wins_whole_per_source() {
        let p: Preset = toml::from_str(
            "cheapest = \"gpu:h100\"\nssh_key = \"laptop\"\nos = \"ubuntu-22.04\"\nguard_after = \"8h\"\n",
        )
        .unwrap();
        let over = Preset {
            offer: Some("o-1".into()),
            ssh_key_file: Some("~/.ssh/k.pub".into()),
            guard_max_spend: Some(50.0),
            ..Preset::default()
        };
        let m = p.overlaid(&over);
        assert_eq!(m.offer.as_deref(), Some("o-1"));
        assert_eq!(m.cheapest, None);
        assert_eq!(m.ssh_key, None);
        assert_eq!(m.ssh_key_file.as_deref(), Some("~/.ssh/k.pub"));
        assert_eq!(m.os.as_deref(), Some("ubuntu-22.04"));
        assert_eq!(m.guard_after, None);
        assert_eq!(m.guard_spec().as_deref(), Some("$50"));
        assert!(toml::from_str::<Preset>("colour = \"red\"").is_err());
        assert!(check_name("h100-train").is_ok());
        assert!(check_name("a b").is_err());
    }

    #[test]
    fn a_section_reads_back_as_the_preset_it_was_written_from() {
        let p = Preset {
            offer: Some("o-1".into()),
            ssh_key: Some("lap \"top\"\\x".into()),
            volumes: vec!["data".into(), "ck\npt".into()],
            guard_max_spend: Some(50.0),
            ..Preset::default()
        };
        let text = with_section("# mine\ntheme = \"light\"", "h100-train", &p);
        assert!(text.starts_with("# mine\ntheme = \"light\"\n\n[presets.h100-train]\n"));
        let t: toml::Table = toml::from_str(&text).unwrap();
        let back: Preset = t["presets"]["h100-train"].clone().try_into().unwrap();
        assert_eq!(back, p);
        let empty = with_section("", "a", &Preset::default());
        assert_eq!(empty, "[presets.a]\n");
    }
}
