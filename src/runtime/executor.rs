//! Performs Commands: each API call runs on a tokio task and its result comes back as an
//! Action (with the client's rate budget after it).

use std::path::PathBuf;

use tokio::sync::mpsc::UnboundedSender;

use super::files;
use crate::api::{Client, DeploymentsQuery, VolumesQuery};
use crate::app::action::{PagedList, SaveError};
use crate::app::{Action, Command};

#[derive(Clone)]
pub struct Executor {
    pub client: Client,
    /// Where a key typed into the prompt is saved (`~/.spheron/credentials`).
    pub credentials_path: Option<PathBuf>,
}

/// Every page of the deployments list; with `team`, that team's list too, merged by id.
async fn deployments(c: &Client, status: Option<&str>, team: Option<String>) -> Vec<Action> {
    let q = DeploymentsQuery {
        status: status.map(str::to_owned),
        ..DeploymentsQuery::default()
    };
    let mut read = match c.deployments_paged(&q).await {
        Ok(p) => p,
        Err(e) => return vec![Action::DeploymentsLoaded(Err(e))],
    };
    if let Some(team) = team {
        let q = DeploymentsQuery {
            team_id: Some(team),
            ..q
        };
        match c.deployments_paged(&q).await {
            Ok(more) => {
                read.pages += more.pages;
                for d in more.items {
                    if !read.items.iter().any(|x| x.id == d.id) {
                        read.items.push(d);
                    }
                }
            }
            Err(e) => return vec![Action::DeploymentsLoaded(Err(e))],
        }
    }
    vec![
        Action::PagesRead {
            list: PagedList::Deployments,
            pages: read.pages,
        },
        Action::DeploymentsLoaded(Ok(read.items)),
    ]
}

impl Executor {
    /// Run `cmd` to completion and return the Actions it produced. Terminal effects (copy,
    /// bell, quit) are not performed here: the event loop owns the terminal.
    pub async fn perform(&self, cmd: Command) -> Vec<Action> {
        let c = &self.client;
        let result = match cmd {
            Command::FetchOffers { seq, page, query } => Action::OffersLoaded {
                seq,
                page,
                result: c.gpu_offers(&query).await,
            },
            Command::FetchDeployments { status, team } => {
                let actions = deployments(c, status, team).await;
                return [vec![Action::Rate(c.rate_status())], actions].concat();
            }
            Command::FetchVolumes => match c.volumes_paged(&VolumesQuery::default()).await {
                Ok(p) => {
                    return vec![
                        Action::Rate(c.rate_status()),
                        Action::PagesRead {
                            list: PagedList::Volumes,
                            pages: p.pages,
                        },
                        Action::VolumesLoaded(Ok(p.items)),
                    ];
                }
                Err(e) => Action::VolumesLoaded(Err(e)),
            },
            Command::FetchProviders => Action::ProvidersLoaded(c.providers().await),
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
            Command::ScanPubKeys => {
                let home = crate::credentials::home_dir();
                let found = tokio::task::spawn_blocking(move || {
                    home.map(|h| files::scan_pub_keys(&h.join(".ssh")))
                        .unwrap_or_default()
                })
                .await
                .unwrap_or_default();
                return vec![Action::PubKeysFound(found)];
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
            Command::AddKey(new) => Action::KeyAdded(c.add_ssh_key(&new).await),
            Command::DeleteKey { id } => Action::KeyDeleted {
                result: c.delete_ssh_key(&id).await,
                id,
            },
            Command::FetchDeployment { id } => Action::DeploymentFetched {
                result: c.deployment(&id).await.map(Box::new),
                id,
            },
            Command::FetchKey { id } => Action::KeyFetched {
                result: c.ssh_key(&id).await,
                id,
            },
            Command::FetchVolumePricing { provider, region } => Action::VolumePricing {
                result: c.volume_pricing(&provider, &region).await,
                provider,
                region,
            },
            Command::FetchVolumeRegions { provider } => Action::VolumeRegions {
                result: c.volume_regions(Some(&provider)).await,
                provider,
            },
            Command::FetchVolume { id } => Action::VolumeFetched {
                result: c.volume(&id).await,
                id,
            },
            Command::CreateVolume(new) => Action::VolumeCreated(c.create_volume(&new).await),
            Command::PatchVolume { id, patch } => Action::VolumePatched {
                result: c.patch_volume(&id, &patch).await,
                id,
            },
            Command::DeleteVolume { id } => Action::VolumeDeleted {
                result: c.delete_volume(&id).await,
                id,
            },
            Command::AttachVolume { id, deployment_id } => Action::VolumeAttached {
                result: c.attach_volume(&id, &deployment_id).await,
                id,
            },
            Command::DetachVolume { id, deployment_id } => Action::VolumeDetached {
                result: c.detach_volume(&id, Some(&deployment_id)).await,
                id,
            },
            Command::FetchClusterHealth { cluster_id } => Action::ClusterHealth {
                result: c.cluster_health(&cluster_id).await,
                cluster_id,
            },
            Command::FetchTeam { id } => {
                let result = match c.team_details(&id).await {
                    Ok(team) => c.balance(Some(&id), None).await.map(|b| (team, b)),
                    Err(e) => Err(e),
                };
                Action::TeamLoaded { id, result }
            }
            Command::SaveFile {
                path,
                contents,
                overwrite,
            } => {
                let home = crate::credentials::home_dir();
                let p = path.clone();
                let result = tokio::task::spawn_blocking(move || {
                    let target = files::expand_home(&p, home.as_deref());
                    files::save_private_file(&target, contents.as_bytes(), overwrite)
                        .map(|()| target.display().to_string())
                })
                .await
                .unwrap_or_else(|e| Err(SaveError::Failed(e.to_string())));
                // a local effect: no rate budget to report
                return vec![Action::FileSaved { path, result }];
            }
            Command::Copy(_) | Command::Bell | Command::Quit => return Vec::new(),
        };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_ssh_probe_is_a_tcp_connect() {
        let exec = Executor {
            client: crate::api::Client::new("http://127.0.0.1:9", None).unwrap(),
            credentials_path: None,
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
