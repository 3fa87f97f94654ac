//! The local file effects: scan `~/.ssh/*.pub`, save a file (the kubeconfig) with mode 0600,
//! atomically, and replace a file atomically keeping its mode (`~/.ssh/config`, `config.toml`).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::api::{CloudInit, WriteFile};
use crate::app::action::{LocalPubKey, SaveError};

/// Every `*.pub` in `dir`: regular files of at most 16 KiB, sorted by path, text trimmed;
/// unreadable ones and any that holds a private key skipped. Public keys only: no other file is
/// opened.
pub fn scan_pub_keys(dir: &Path) -> Vec<LocalPubKey> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<LocalPubKey> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pub"))
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() <= 16 * 1024))
        .filter_map(|p| {
            let content = std::fs::read_to_string(&p).ok()?;
            // A private key saved under a .pub name goes no further than this.
            if crate::domain::ssh_key::looks_private(&content) {
                return None;
            }
            Some(LocalPubKey {
                path: p.display().to_string(),
                text: content.trim().to_string(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// `~/x` → `<home>/x`.
pub fn expand_home(path: &str, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix("~/"), home) {
        (Some(rest), Some(h)) => h.join(rest),
        _ => PathBuf::from(path),
    }
}

/// A cloud-init file: JSON or TOML with `packages`, `runcmd`, `writeFiles` (or `write_files`).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CloudInitFile {
    #[serde(default)]
    packages: Vec<String>,
    #[serde(default)]
    runcmd: Vec<String>,
    #[serde(default, alias = "write_files", rename = "writeFiles")]
    write_files: Vec<WriteFileEntry>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct WriteFileEntry {
    path: String,
    content: String,
    owner: Option<String>,
    permissions: Option<String>,
}

/// Read a cloud-init file (`~/` is `home`): JSON or TOML with `packages`, `runcmd` and
/// `writeFiles`. Errors name the file.
pub fn read_cloud_init(path: &str, home: Option<&Path>) -> Result<CloudInit, String> {
    let full = expand_home(path, home);
    let text = std::fs::read_to_string(&full)
        .map_err(|e| format!("--cloud-init {}: {e}", full.display()))?;
    let parsed: CloudInitFile = if text.trim_start().starts_with('{') {
        serde_json::from_str(&text).map_err(|e| e.to_string())
    } else {
        toml::from_str(&text).map_err(|e| e.to_string())
    }
    .map_err(|e| {
        format!(
            "--cloud-init {}: not a JSON or TOML cloud-init (packages, runcmd, writeFiles): {e}",
            full.display()
        )
    })?;
    Ok(CloudInit {
        packages: parsed.packages,
        runcmd: parsed.runcmd,
        write_files: parsed
            .write_files
            .into_iter()
            .map(|f| WriteFile {
                path: f.path,
                content: f.content,
                owner: f.owner,
                permissions: f.permissions,
            })
            .collect(),
    })
}

/// Write `bytes` to `target` with mode 0600: to a temporary file in the same directory, then
/// renamed over (or, without `overwrite`, hard-linked so an existing file is never replaced).
pub fn save_private_file(target: &Path, bytes: &[u8], overwrite: bool) -> Result<(), SaveError> {
    let fail = |e: std::io::Error| SaveError::Failed(format!("{}: {e}", target.display()));
    if !overwrite && target.exists() {
        return Err(SaveError::Exists);
    }
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(fail)?;
    let tmp = write_temp(target, dir, bytes, 0o600).map_err(fail)?;
    let placed = if overwrite {
        std::fs::rename(&tmp, target)
    } else {
        // a hard link fails when the target appeared meanwhile: nothing is replaced
        match std::fs::hard_link(&tmp, target) {
            Ok(()) => {
                let _ = std::fs::remove_file(&tmp);
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists || target.exists() => {
                let _ = std::fs::remove_file(&tmp);
                return Err(SaveError::Exists);
            }
            // file systems without hard links: the existence check above is the guard
            Err(_) => std::fs::rename(&tmp, target),
        }
    };
    placed.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail(e)
    })
}

/// Write `bytes` to a dot-prefixed temporary file next to `target` with `mode` (so a glob over
/// the directory never reads half a file), synced; its path.
fn write_temp(target: &Path, dir: &Path, bytes: &[u8], mode: u32) -> std::io::Result<PathBuf> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(mode);
    }
    let written = (|| {
        let mut f = opts.open(&tmp)?;
        #[cfg(unix)]
        {
            // The umask may have narrowed the mode asked for at creation.
            use std::os::unix::fs::PermissionsExt;
            f.set_permissions(std::fs::Permissions::from_mode(mode))?;
        }
        f.write_all(bytes)?;
        f.sync_all()
    })();
    match written {
        Ok(()) => Ok(tmp),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Replace the file at `path` with `bytes` atomically (a temporary file renamed over it),
/// keeping its mode, or with `new_mode` when it does not exist yet. A symbolic link is
/// followed, so a dotfile manager's link stays a link. Missing directories are made 0700.
pub fn replace_file(path: &Path, bytes: &[u8], new_mode: u32) -> std::io::Result<()> {
    let target = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path)?,
        _ => path.to_path_buf(),
    };
    let mode = match std::fs::metadata(&target) {
        #[cfg(unix)]
        Ok(m) => {
            use std::os::unix::fs::PermissionsExt;
            m.permissions().mode() & 0o7777
        }
        #[cfg(not(unix))]
        Ok(_) => new_mode,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => new_mode,
        Err(e) => return Err(e),
    };
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    create_private_dir(dir)?;
    let tmp = write_temp(&target, dir, bytes, mode)?;
    std::fs::rename(&tmp, &target).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// `dir` and its missing parents, the new ones with mode 0700.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_0600_and_never_overwrites_without_asking() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub").join("kubeconfig.yaml");
        save_private_file(&p, b"one", false).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "one");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert_eq!(save_private_file(&p, b"two", false), Err(SaveError::Exists));
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "one");
        save_private_file(&p, b"two", true).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two");
        // no temporary files left behind
        assert_eq!(std::fs::read_dir(p.parent().unwrap()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_mode_and_its_link() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let new = dir.path().join("a/b/config");
        replace_file(&new, b"one", 0o600).unwrap();
        assert_eq!(
            (std::fs::read(&new).unwrap(), mode(&new)),
            (b"one".to_vec(), 0o600)
        );
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        std::fs::set_permissions(&new, std::fs::Permissions::from_mode(0o644)).unwrap();
        replace_file(&new, b"two", 0o600).unwrap();
        assert_eq!(
            (std::fs::read(&new).unwrap(), mode(&new)),
            (b"two".to_vec(), 0o644)
        );
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&new, &link).unwrap();
        replace_file(&link, b"three", 0o600).unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&new).unwrap(), b"three");
        // no temporary files left behind
        assert_eq!(std::fs::read_dir(new.parent().unwrap()).unwrap().count(), 1);
    }

    #[test]
    fn only_public_key_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        std::fs::write(p.join("id_ed25519"), "PRIVATE").unwrap();
        std::fs::write(p.join("id_ed25519.pub"), "ssh-ed25519 AAAA me").unwrap();
        std::fs::write(p.join("a.pub"), "ssh-rsa BBBB a").unwrap();
        std::fs::write(p.join("big.pub"), "x".repeat(20_000)).unwrap();
        std::fs::create_dir(p.join("dir.pub")).unwrap();
        std::fs::write(
            p.join("oops.pub"),
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE\n",
        )
        .unwrap();
        let got = scan_pub_keys(p);
        let names: Vec<String> = got
            .iter()
            .map(|k| k.path.rsplit('/').next().unwrap().to_string())
            .collect();
        assert_eq!(names, vec!["a.pub", "id_ed25519.pub"]);
        assert!(got.iter().all(|k| !k.text.contains("PRIVATE")));
        assert!(scan_pub_keys(&p.join("missing")).is_empty());
    }

    #[test]
    fn finds_pub_keys_and_expands_home() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("id_ed25519.pub"), "ssh-ed25519 AAAA me\n").unwrap();
        std::fs::write(dir.path().join("id_ed25519"), "private").unwrap();
        let found = scan_pub_keys(dir.path());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text, "ssh-ed25519 AAAA me");
        assert_eq!(
            expand_home("~/.kube/x", Some(Path::new("/h"))),
            PathBuf::from("/h/.kube/x")
        );
        assert_eq!(
            expand_home("rel/x", Some(Path::new("/h"))),
            PathBuf::from("rel/x")
        );
    }
}
