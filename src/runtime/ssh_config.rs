//! The ssh_config files on disk: our generated Host file (0600, written atomically) and the one
//! `Include` line at the top of `~/.ssh/config` (created 0600 when absent; every other byte
//! kept). Planned first as [`Change`]s, so a dry run shows exactly what a write would do.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::domain::ssh_config::{SshPaths, include_line, with_include, without_include};
use crate::runtime::files::{create_private_dir, replace_file};

/// One file's change: `after` is `None` when the file goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub path: PathBuf,
    pub before: Option<Vec<u8>>,
    pub after: Option<Vec<u8>>,
}

fn read(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(with_path(path, e)),
    }
}

fn with_path(path: &Path, e: std::io::Error) -> std::io::Error {
    std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// What writing `text` as the generated file takes: the file, then the Include line when
/// `~/.ssh/config` lacks it. Only what differs.
pub fn plan_write(paths: &SshPaths, text: &str) -> std::io::Result<Vec<Change>> {
    let mut out = Vec::new();
    let before = read(&paths.generated)?;
    if before.as_deref() != Some(text.as_bytes()) {
        out.push(Change {
            path: paths.generated.clone(),
            before,
            after: Some(text.as_bytes().to_vec()),
        });
    }
    let before = read(&paths.user_config)?;
    let line = include_line(&paths.generated);
    if let Some(after) = with_include(before.as_deref().unwrap_or_default(), &line) {
        out.push(Change {
            path: paths.user_config.clone(),
            before,
            after: Some(after),
        });
    }
    Ok(out)
}

/// What removing takes: the Include line out of `~/.ssh/config` (the file goes when nothing
/// else is left in it), then the generated file.
pub fn plan_remove(paths: &SshPaths) -> std::io::Result<Vec<Change>> {
    let mut out = Vec::new();
    let line = include_line(&paths.generated);
    if let Some(before) = read(&paths.user_config)?
        && let Some(after) = without_include(&before, &line)
    {
        let after = (!after.is_empty()).then_some(after);
        out.push(Change {
            path: paths.user_config.clone(),
            before: Some(before),
            after,
        });
    }
    if let Some(before) = read(&paths.generated)? {
        out.push(Change {
            path: paths.generated.clone(),
            before: Some(before),
            after: None,
        });
    }
    Ok(out)
}

/// Whether `~/.ssh/config` includes the generated file.
pub fn is_included(paths: &SshPaths) -> bool {
    let line = include_line(&paths.generated);
    read(&paths.user_config)
        .ok()
        .flatten()
        .is_some_and(|b| with_include(&b, &line).is_none())
}

/// Make the changes, in order. Our directory is made 0700; a new file is 0600, an existing one
/// keeps its mode.
pub fn apply(changes: &[Change]) -> std::io::Result<()> {
    for c in changes {
        match &c.after {
            Some(bytes) => {
                if let Some(dir) = c.path.parent() {
                    create_private_dir(dir).map_err(|e| with_path(dir, e))?;
                }
                replace_file(&c.path, bytes, 0o600).map_err(|e| with_path(&c.path, e))?;
            }
            None => match std::fs::remove_file(&c.path) {
                Err(e) if e.kind() != ErrorKind::NotFound => return Err(with_path(&c.path, e)),
                _ => {}
            },
        }
    }
    Ok(())
}

/// The changes as a unified diff (`/dev/null` for a file that is made or goes).
pub fn diff(changes: &[Change]) -> String {
    let mut out = String::new();
    for c in changes {
        let text = |b: &Option<Vec<u8>>| {
            String::from_utf8_lossy(b.as_deref().unwrap_or_default()).into_owned()
        };
        let (old, new) = (text(&c.before), text(&c.after));
        let name = c.path.display().to_string();
        let old_name = if c.before.is_some() {
            name.as_str()
        } else {
            "/dev/null"
        };
        let new_name = if c.after.is_some() {
            name.as_str()
        } else {
            "/dev/null"
        };
        out.push_str(
            &similar::TextDiff::from_lines(&old, &new)
                .unified_diff()
                .context_radius(3)
                .header(old_name, new_name)
                .to_string(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_then_remove_leaves_the_users_config_as_it_was() {
        let home = tempfile::tempdir().unwrap();
        let paths = SshPaths::under(home.path());
        std::fs::create_dir_all(home.path().join(".ssh")).unwrap();
        let mine = b"Host work\n  HostName w.example\n";
        std::fs::write(&paths.user_config, mine).unwrap();
        let plan = plan_write(&paths, "Host a.spheron\n").unwrap();
        assert_eq!(plan.len(), 2);
        let d = diff(&plan);
        assert!(d.contains("--- /dev/null\n"), "{d}");
        assert!(
            d.contains(&format!("+Include {}\n", paths.generated.display())),
            "{d}"
        );
        apply(&plan).unwrap();
        assert!(is_included(&paths));
        assert_eq!(plan_write(&paths, "Host a.spheron\n").unwrap(), vec![]);
        apply(&plan_remove(&paths).unwrap()).unwrap();
        assert_eq!(std::fs::read(&paths.user_config).unwrap(), mine);
        assert!(!paths.generated.exists());
        assert!(!is_included(&paths));
        assert_eq!(plan_remove(&paths).unwrap(), vec![]);
    }

    #[test]
    fn a_config_made_for_the_include_alone_goes_with_it() {
        let home = tempfile::tempdir().unwrap();
        let paths = SshPaths::under(home.path());
        apply(&plan_write(&paths, "x\n").unwrap()).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&paths.user_config), 0o600);
            assert_eq!(mode(&paths.generated), 0o600);
            assert_eq!(mode(paths.generated.parent().unwrap()), 0o700);
        }
        apply(&plan_remove(&paths).unwrap()).unwrap();
        assert!(!paths.user_config.exists());
    }
}
