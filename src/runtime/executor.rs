//! Performs Commands: each API call runs on a tokio task and its result comes back as an
//! Action (with the client's rate budget after it).

use std::path::PathBuf;

use tokio::sync::mpsc::UnboundedSender;

use crate::api::{Client, DeploymentsQuery, VolumesQuery};
use crate::app::{Action, Command};

#[derive(Clone)]
pub struct Executor {
    pub client: Client,
    /// Where a key typed into the prompt is saved (`~/.spheron/credentials`).
    pub credentials_path: Option<PathBuf>,
    /// Records every write sent (no-op without a store).
    pub journal: super::journal::Journal,
}

impl Executor {
    /// Run `cmd` to completion and return the Actions it produced. Terminal effects (copy,
    /// bell, quit) are not performed here: the event loop owns the terminal.
    pub async fn perform(&self, cmd: Command) -> Vec<Action> {
        let c = &self.client;
        let write = super::journal::describe(&cmd);
        let result = match cmd {
            Command::FetchOffers { seq, page, query } => Action::OffersLoaded {
                seq,
                page,
                result: c.gpu_offers(&query).await,
            },
            Command::FetchDeployments { status } => {
                let q = DeploymentsQuery {
                    status: status.map(str::to_owned),
                    ..DeploymentsQuery::default()
                };
                Action::DeploymentsLoaded(c.deployments(&q).await)
            }
            Command::FetchVolumes => {
                Action::VolumesLoaded(c.volumes(&VolumesQuery::default()).await)
            }
            Command::FetchKeys => Action::KeysLoaded(c.ssh_keys().await),
            Command::FetchBalance => Action::BalanceLoaded(c.balance(None, None).await),
            Command::FetchTeams => Action::TeamsLoaded(c.teams().await),
            Command::UseKey(key) => {
                c.set_key(key.clone());
                let path = self.credentials_path.clone();
                let saved = tokio::task::spawn_blocking(move || match path {
                    Some(p) => crate::credentials::save_to(&p, &key)
                        .map(|()| p)
                        .map_err(|e| e.to_string()),
                    None => Err("no home directory to save it in".to_string()),
                })
                .await
                .unwrap_or_else(|e| Err(e.to_string()));
                return vec![Action::KeySaved(saved)];
            }
            Command::Deploy { request } => Action::Deployed(c.create_deployment(&request).await),
            Command::FetchKubernetesVersions => {
                Action::KubernetesVersions(c.kubernetes_versions("voltage-park").await)
            }
            Command::ReadLocalPubKeys => {
                let keys = tokio::task::spawn_blocking(read_local_pub_keys)
                    .await
                    .unwrap_or_default();
                return vec![Action::LocalPubKeys(keys)];
            }
            Command::ProbeSsh { id, host, port } => {
                let connect = tokio::net::TcpStream::connect((host.as_str(), port));
                let ok = matches!(
                    tokio::time::timeout(std::time::Duration::from_secs(3), connect).await,
                    Ok(Ok(_))
                );
                return vec![Action::SshProbed { id, ok }];
            }
            Command::CheckCanTerminate { id } => Action::CanTerminateChecked {
                result: c.can_terminate(&id).await,
                id,
            },
            Command::Terminate { id } => Action::Terminated {
                result: c.terminate_deployment(&id).await.map(|_| ()),
                id,
            },
            Command::RenameDeployment { id, name } => Action::Renamed {
                result: c.rename_deployment(&id, &name).await,
                id,
            },
            // The event loop owns the terminal: it runs ssh (runtime::ssh).
            Command::OpenSsh { .. } => return Vec::new(),
            Command::Manage(m) => super::manage::perform(c, m).await,
            Command::Prices(p) => return super::prices::perform(self.journal.store(), p).await,
            Command::Copy(_) | Command::Bell | Command::Notify(_) | Command::Quit => {
                return Vec::new();
            }
        };
        self.journal.observe(&result);
        if let Some(w) = write {
            self.journal.record_answer(w, &result).await;
        }
        vec![Action::Rate(c.rate_status()), result]
    }

    /// Run `cmd` on its own task; its Actions go to `tx`.
    pub fn spawn(&self, cmd: Command, tx: UnboundedSender<Action>) {
        let this = self.clone();
        tokio::spawn(async move {
            for action in this.perform(cmd).await {
                if tx.send(action).is_err() {
                    break; // the dashboard has quit
                }
            }
        });
    }
}

/// `(path, content)` of every `~/.ssh/*.pub`.
fn read_local_pub_keys() -> Vec<(String, String)> {
    match directories::BaseDirs::new() {
        Some(d) => read_pub_keys_in(&d.home_dir().join(".ssh")),
        None => Vec::new(),
    }
}

/// `(path, content)` of every `*.pub` in `dir`: regular files of at most 16 KiB, sorted by
/// path; unreadable ones skipped. Public keys only: no other file is opened.
pub fn read_pub_keys_in(dir: &std::path::Path) -> Vec<(String, String)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pub"))
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() <= 16 * 1024))
        .filter_map(|p| {
            let content = std::fs::read_to_string(&p).ok()?;
            Some((p.display().to_string(), content))
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_key_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        std::fs::write(p.join("id_ed25519"), "PRIVATE").unwrap();
        std::fs::write(p.join("id_ed25519.pub"), "ssh-ed25519 AAAA me").unwrap();
        std::fs::write(p.join("a.pub"), "ssh-rsa BBBB a").unwrap();
        std::fs::write(p.join("big.pub"), "x".repeat(20_000)).unwrap();
        std::fs::create_dir(p.join("dir.pub")).unwrap();
        let got = read_pub_keys_in(p);
        let names: Vec<String> = got
            .iter()
            .map(|(path, _)| path.rsplit('/').next().unwrap().to_string())
            .collect();
        assert_eq!(names, vec!["a.pub", "id_ed25519.pub"]);
        assert!(got.iter().all(|(_, c)| !c.contains("PRIVATE")));
        assert!(read_pub_keys_in(&p.join("missing")).is_empty());
    }

    #[tokio::test]
    async fn the_ssh_probe_is_a_tcp_connect() {
        let exec = Executor {
            client: crate::api::Client::new("http://127.0.0.1:9", None).unwrap(),
            credentials_path: None,
            journal: Default::default(),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let probe = |port| Command::ProbeSsh {
            id: "d1".into(),
            host: "127.0.0.1".into(),
            port,
        };
        let got = exec.perform(probe(port)).await;
        assert!(matches!(&got[..], [Action::SshProbed { id, ok: true }] if id == "d1"));
        drop(listener);
        let got = exec.perform(probe(port)).await;
        assert!(matches!(&got[..], [Action::SshProbed { ok: false, .. }]));
    }
}
