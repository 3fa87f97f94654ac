//! API key lookup, saving and masking (DESIGN.md §3, spheron-api.md §1).
//!
//! Order: `SPHERON_API_KEY`, then `~/.spheron/credentials` (a bare key, or a
//! `SPHERON_API_KEY=...` line, optionally `export`ed and quoted), then none (the dashboard asks).
//! Lookup is a pure function of the env value and the home directory so tests need no real env.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};

pub const ENV_VAR: &str = "SPHERON_API_KEY";

/// The user's Spheron API key. `Debug` and `Display` show only [`ApiKey::mask`].
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(SecretString::from(key.into()))
    }
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
    /// `sai_…9f2c` style: at most 4 leading and 4 trailing characters, and never more than a
    /// third of the key; a short key shows nothing but its ellipsis.
    pub fn mask(&self) -> String {
        let k: Vec<char> = self.expose().chars().collect();
        let show = (k.len() / 6).min(4);
        if show == 0 {
            return "…".to_string();
        }
        let head: String = k[..show].iter().collect();
        let tail: String = k[k.len() - show..].iter().collect();
        format!("{head}…{tail}")
    }
}

/// Two keys are equal when their text is (commands that carry a key compare in tests).
impl PartialEq for ApiKey {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ApiKey({})", self.mask())
    }
}

impl std::fmt::Display for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.mask())
    }
}

/// Where the key came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Env,
    File(PathBuf),
    None,
}

impl std::fmt::Display for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::Env => write!(f, "the {ENV_VAR} environment variable"),
            KeySource::File(p) => write!(f, "{}", p.display()),
            KeySource::None => f.write_str("nowhere"),
        }
    }
}

/// The result of a lookup. `Debug` shows the masked key only.
#[derive(Debug, Clone)]
pub struct Lookup {
    pub key: Option<ApiKey>,
    pub source: KeySource,
    /// Things the user should hear about (a readable-by-others file, an unreadable file…).
    pub warnings: Vec<String>,
}

/// `<home>/.spheron/credentials`.
pub fn credentials_path(home: &Path) -> PathBuf {
    home.join(".spheron").join("credentials")
}

/// The user's home directory, if the platform knows one.
pub fn home_dir() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf())
}

/// Find the key: `env_value` (the value of `SPHERON_API_KEY`, if set), then the credentials
/// file under `home`.
pub fn lookup(env_value: Option<String>, home: &Path) -> Lookup {
    let mut warnings = Vec::new();
    if let Some(v) = env_value {
        match clean_key(&v) {
            Some(k) => {
                return Lookup {
                    key: Some(ApiKey::new(k)),
                    source: KeySource::Env,
                    warnings,
                };
            }
            None if v.trim().is_empty() => {}
            None => warnings.push(format!(
                "{ENV_VAR} is set but does not look like a key (it contains spaces or control characters); ignored"
            )),
        }
    }
    let path = credentials_path(home);
    let none = |warnings| Lookup {
        key: None,
        source: KeySource::None,
        warnings,
    };
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return none(warnings),
        Err(e) => {
            warnings.push(format!("could not read {}: {e}", path.display()));
            return none(warnings);
        }
    };
    if let Some(w) = loose_permissions_warning(&path) {
        warnings.push(w);
    }
    match parse_credentials(&text) {
        Some(k) => Lookup {
            key: Some(ApiKey::new(k)),
            source: KeySource::File(path),
            warnings,
        },
        None => {
            warnings.push(format!(
                "{} holds no key (expected a bare key or a {ENV_VAR}=... line)",
                path.display()
            ));
            none(warnings)
        }
    }
}

/// Read a credentials file: the first bare key or `SPHERON_API_KEY=` line wins. `export`,
/// quotes, blank lines and `#` comments are allowed; other `NAME=value` lines are ignored.
pub fn parse_credentials(text: &str) -> Option<String> {
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").map(str::trim).unwrap_or(line);
        if let Some((name, value)) = line.split_once('=')
            && is_var_name(name.trim())
        {
            if name.trim() != ENV_VAR {
                continue;
            }
            if let Some(k) = clean_key(&unquote(value.trim())) {
                return Some(k);
            }
            continue;
        }
        if let Some(k) = clean_key(&unquote(line)) {
            return Some(k);
        }
    }
    None
}

fn is_var_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_uppercase() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// `"abc"` or `'abc'` → `abc`; `abc # comment` → `abc`.
fn unquote(v: &str) -> String {
    for q in ['"', '\''] {
        if let Some(rest) = v.strip_prefix(q) {
            return rest.split(q).next().unwrap_or_default().to_string();
        }
    }
    v.split(" #").next().unwrap_or_default().trim().to_string()
}

/// A usable key: non-empty, no whitespace or control characters.
fn clean_key(v: &str) -> Option<String> {
    let k = v.trim();
    (!k.is_empty() && !k.chars().any(|c| c.is_whitespace() || c.is_control()))
        .then(|| k.to_string())
}

#[cfg(unix)]
fn loose_permissions_warning(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then(|| {
        format!(
            "{} is readable by other users (mode {mode:o}); run: chmod 600 {}",
            path.display(),
            path.display()
        )
    })
}

#[cfg(not(unix))]
fn loose_permissions_warning(_path: &Path) -> Option<String> {
    None
}

/// Save the key to `<home>/.spheron/credentials`; see [`save_to`].
pub fn save(home: &Path, key: &ApiKey) -> io::Result<PathBuf> {
    let path = credentials_path(home);
    save_to(&path, key)?;
    Ok(path)
}

/// Save the key to `path` (e.g. `Launch::credentials_path`): its directory 0700, the file 0600,
/// written atomically (a 0600 temp file in the same directory, fsync, rename, fsync the
/// directory), as a `SPHERON_API_KEY=...` line.
pub fn save_to(path: &Path, key: &ApiKey) -> io::Result<()> {
    if clean_key(key.expose()).is_none() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the key is empty or contains spaces",
        ));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir)?;
    set_mode(dir, 0o700)?;
    let tmp = dir.join(format!(
        ".credentials.tmp.{}.{}",
        std::process::id(),
        fastrand::u32(..)
    ));
    let result = (|| {
        let mut f = create_private(&tmp)?;
        f.write_all(format!("{ENV_VAR}={}\n", key.expose()).as_bytes())?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        if let Ok(d) = fs::File::open(dir) {
            // Make the rename durable; not every platform can fsync a directory.
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(unix)]
fn create_private(p: &Path) -> io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(p)
}

#[cfg(not(unix))]
fn create_private(p: &Path) -> io::Result<fs::File> {
    fs::OpenOptions::new().write(true).create_new(true).open(p)
}

#[cfg(unix)]
fn set_mode(p: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(p, fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_p: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_never_reveal_much() {
        assert_eq!(
            ApiKey::new("sai_pk_0123456789abcdef9f2c").mask(),
            "sai_…9f2c"
        );
        assert_eq!(ApiKey::new("abcdefghijkl").mask(), "ab…kl");
        for short in ["", "a", "abcde", "123456789"] {
            let m = ApiKey::new(short).mask();
            assert!(
                m.chars().filter(|c| *c != '…').count() * 3 <= short.len(),
                "{short} → {m}"
            );
        }
        assert_eq!(ApiKey::new("12345").mask(), "…");
    }

    #[test]
    fn parses_every_file_spelling() {
        for text in [
            "sai_pk_abc\n",
            "  sai_pk_abc  ",
            "# my key\n\nSPHERON_API_KEY=sai_pk_abc\n",
            "export SPHERON_API_KEY=\"sai_pk_abc\"\n",
            "export SPHERON_API_KEY='sai_pk_abc' # work\n",
            "OTHER=1\nSPHERON_API_KEY = sai_pk_abc\n",
            "\"sai_pk_abc\"",
        ] {
            assert_eq!(
                parse_credentials(text).as_deref(),
                Some("sai_pk_abc"),
                "{text:?}"
            );
        }
        assert_eq!(parse_credentials("abc==\n").as_deref(), Some("abc=="));
        for text in [
            "",
            "# nothing\n",
            "OTHER=1\n",
            "SPHERON_API_KEY=\n",
            "two words\n",
        ] {
            assert_eq!(parse_credentials(text), None, "{text:?}");
        }
    }
}
