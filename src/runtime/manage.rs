//! Performs `ManageCmd`s: the API calls for SSH keys, volumes, Kubernetes and teams, and the two
//! local file operations (scan `~/.ssh/*.pub`, save a kubeconfig with mode 0600, atomically).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::api::Client;
use crate::app::Action;
use crate::app::manage::{LocalPubKey, ManageCmd, ManageEvent, SaveError};

/// Run one command; the result comes back as an Action.
pub async fn perform(c: &Client, m: ManageCmd) -> Action {
    let ev = match m {
        ManageCmd::ScanPubKeys => {
            let home = crate::credentials::home_dir();
            let found = tokio::task::spawn_blocking(move || {
                home.map(|h| scan_pub_keys(&h.join(".ssh")))
                    .unwrap_or_default()
            })
            .await
            .unwrap_or_default();
            ManageEvent::PubKeysFound(found)
        }
        ManageCmd::AddKey(new) => ManageEvent::KeyAdded(c.add_ssh_key(&new).await),
        ManageCmd::DeleteKey { id } => {
            let result = c.delete_ssh_key(&id).await;
            ManageEvent::KeyDeleted { id, result }
        }
        ManageCmd::FetchDeployment { id } => {
            let result = c.deployment(&id).await.map(Box::new);
            ManageEvent::DeploymentFetched { id, result }
        }
        ManageCmd::FetchKey { id } => {
            let result = c.ssh_key(&id).await;
            ManageEvent::KeyFetched { id, result }
        }
        ManageCmd::FetchVolumePricing { provider, region } => {
            let result = c.volume_pricing(&provider, &region).await;
            ManageEvent::VolumePricing {
                provider,
                region,
                result,
            }
        }
        ManageCmd::FetchKubernetesVersions => {
            ManageEvent::KubernetesVersions(c.kubernetes_versions("voltage-park").await)
        }
        ManageCmd::FetchVolumeRegions { provider } => {
            let result = c.volume_regions(Some(&provider)).await;
            ManageEvent::VolumeRegions { provider, result }
        }
        ManageCmd::FetchVolume { id } => {
            let result = c.volume(&id).await;
            ManageEvent::VolumeFetched { id, result }
        }
        ManageCmd::CreateVolume(new) => ManageEvent::VolumeCreated(c.create_volume(&new).await),
        ManageCmd::PatchVolume { id, patch } => {
            let result = c.patch_volume(&id, &patch).await;
            ManageEvent::VolumePatched { id, result }
        }
        ManageCmd::DeleteVolume { id } => {
            let result = c.delete_volume(&id).await;
            ManageEvent::VolumeDeleted { id, result }
        }
        ManageCmd::AttachVolume { id, deployment_id } => {
            let result = c.attach_volume(&id, &deployment_id).await;
            ManageEvent::VolumeAttached { id, result }
        }
        ManageCmd::DetachVolume { id, deployment_id } => {
            let result = c.detach_volume(&id, Some(&deployment_id)).await;
            ManageEvent::VolumeDetached { id, result }
        }
        ManageCmd::FetchClusterHealth { cluster_id } => {
            let result = c.cluster_health(&cluster_id).await;
            ManageEvent::ClusterHealth { cluster_id, result }
        }
        ManageCmd::FetchTeam { id } => {
            let result = match c.team_details(&id).await {
                Ok(team) => c.balance(Some(&id), None).await.map(|b| (team, b)),
                Err(e) => Err(e),
            };
            ManageEvent::TeamLoaded { id, result }
        }
        ManageCmd::SaveFile {
            path,
            contents,
            overwrite,
        } => {
            let home = crate::credentials::home_dir();
            let p = path.clone();
            let result = tokio::task::spawn_blocking(move || {
                let target = expand_home(&p, home.as_deref());
                save_private_file(&target, contents.as_bytes(), overwrite)
                    .map(|()| target.display().to_string())
            })
            .await
            .unwrap_or_else(|e| Err(SaveError::Failed(e.to_string())));
            ManageEvent::FileSaved { path, result }
        }
    };
    Action::Manage(Box::new(ev))
}

/// `*.pub` files in `dir` (the executor's reader, shared with the deploy wizard), trimmed.
pub fn scan_pub_keys(dir: &Path) -> Vec<LocalPubKey> {
    super::executor::read_pub_keys_in(dir)
        .into_iter()
        .map(|(path, text)| LocalPubKey {
            path,
            text: text.trim().to_string(),
        })
        .collect()
}

/// `~/x` → `<home>/x`.
pub fn expand_home(path: &str, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix("~/"), home) {
        (Some(rest), Some(h)) => h.join(rest),
        _ => PathBuf::from(path),
    }
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
        opts.mode(0o600);
    }
    let written = (|| {
        let mut f = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
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
