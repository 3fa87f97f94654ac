//! Performs Commands: each API call runs on a tokio task and its result comes back as an
//! Action (with the client's rate budget after it).

use std::path::PathBuf;

use tokio::sync::mpsc::UnboundedSender;

use super::files;
use crate::api::teams::{self, deployment_team, volume_team};
use crate::api::{Client, DeploymentsQuery, Listing, VolumesQuery};
use crate::app::action::{ApiResult, PagedList, SaveError};
use crate::app::{Action, Command};

#[derive(Clone)]
pub struct Executor {
    pub client: Client,
    /// Where a key typed into the prompt is saved (`~/.spheron/credentials`).
    pub credentials_path: Option<PathBuf>,
    /// The user's home: `~/.ssh/*.pub` are read there and `~` in a saved path means it.
    /// `None` (the tests): no key file is read and `~` is left as it is.
    pub home: Option<PathBuf>,
    /// Records every write sent (no-op without a store).
    pub journal: super::journal::Journal,
    /// The tunnels started with `p`, stopped when the dashboard quits.
    pub tunnels: super::tunnels::Tunnels,
    /// Where GPU-use readings come from.
    pub instances: super::usage::Instances,
}

/// Every page of one list across teams ([`teams::across_teams`]) as Actions. One team: one
/// read, as it always was. A team whose read fails is reported on its own
/// ([`Action::TeamListFailed`], an empty team for the current one) before the answer with the
/// others' items, so they still show; when every read fails the answer is the first error.
async fn across_teams<T, F, Fut>(
    teams: Vec<String>,
    list: PagedList,
    read: F,
    team_of: fn(&mut T) -> &mut Option<String>,
    id_of: fn(&T) -> &str,
    loaded: fn(ApiResult<Listing<T>>) -> Action,
) -> Vec<Action>
where
    F: Fn(Option<String>) -> Fut,
    Fut: std::future::Future<Output = ApiResult<Listing<T>>>,
{
    let several = !teams.is_empty();
    let r = teams::across_teams(teams, read, team_of, id_of).await;
    if !several && let Some((_, e)) = r.failed.first() {
        return vec![loaded(Err(e.clone()))];
    }
    let first_error = r.failed.first().map(|(_, e)| e.clone());
    let mut out: Vec<Action> = r
        .failed
        .into_iter()
        .map(|(team, error)| Action::TeamListFailed { list, team, error })
        .collect();
    match first_error {
        Some(e) if !r.any_read => out.push(loaded(Err(e))),
        _ => out.push(loaded(Ok(r.listing))),
    }
    out
}

impl Executor {
    /// Run `cmd` to completion and return the Actions it produced. Terminal effects (copy,
    /// bell, quit) are not performed here: the event loop owns the terminal.
    pub async fn perform(&self, cmd: Command) -> Vec<Action> {
        let c = &self.client;
        let write = super::journal::describe(&cmd);
        // Journaled before it is sent: a write whose answer never comes still shows.
        let row = match &write {
            Some(w) if !c.is_read_only() => self.journal.record_intent(w).await,
            _ => None,
        };
        let result = match cmd {
            Command::FetchOffers { seq, page, query } => Action::OffersLoaded {
                seq,
                page,
                result: c.gpu_offers(&query).await,
            },
            Command::FetchDeployments { status, teams } => {
                let read = |team: Option<String>| {
                    let q = DeploymentsQuery {
                        status: status.map(str::to_owned),
                        team_id: team,
                        ..DeploymentsQuery::default()
                    };
                    async move { c.deployments(&q).await }
                };
                let actions = across_teams(
                    teams,
                    PagedList::Deployments,
                    read,
                    deployment_team,
                    |d| d.id.as_str(),
                    Action::DeploymentsLoaded,
                )
                .await;
                actions.iter().for_each(|a| self.journal.observe(a));
                return [vec![Action::Rate(c.rate_status())], actions].concat();
            }
            Command::FetchVolumes { teams } => {
                let read = |team: Option<String>| {
                    let q = VolumesQuery {
                        team_id: team,
                        ..VolumesQuery::default()
                    };
                    async move { c.volumes(&q).await }
                };
                let actions = across_teams(
                    teams,
                    PagedList::Volumes,
                    read,
                    volume_team,
                    |v| v.id.as_str(),
                    Action::VolumesLoaded,
                )
                .await;
                actions.iter().for_each(|a| self.journal.observe(a));
                return [vec![Action::Rate(c.rate_status())], actions].concat();
            }
            Command::FetchProviders => Action::ProvidersLoaded(c.providers().await),
            Command::FetchKeys => Action::KeysLoaded(c.ssh_keys().await),
            Command::FetchBalance => Action::BalanceLoaded(c.balance(None, None).await),
            Command::FetchTeams => Action::TeamsLoaded(c.teams().await),
            Command::CheckKey(key) => {
                let result = c.check_key(&key).await;
                return vec![
                    Action::Rate(c.rate_status()),
                    Action::KeyChecked { key, result },
                ];
            }
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
                let home = self.home.clone();
                let found = tokio::task::spawn_blocking(move || {
                    home.map(|h| files::scan_pub_keys(&h.join(".ssh")))
                        .unwrap_or_default()
                })
                .await
                .unwrap_or_default();
                return vec![Action::PubKeysFound(found)];
            }
            Command::ProbeSsh { id, host, port } => {
                // Behind a local demo-server or a test server addresses are made up (some
                // belong to strangers): not contacted, readiness stays unknown.
                let ok = c.may_contact(&host) && ssh_banner(&host, port, SSH_PROBE_TIMEOUT).await;
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
                let home = self.home.clone();
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
            Command::WriteSshConfig { text } => {
                let home = self.home.clone();
                let result = tokio::task::spawn_blocking(move || {
                    let home = home.ok_or("no home directory is known")?;
                    let paths = crate::domain::ssh_config::SshPaths::under(&home);
                    super::ssh_config::plan_write(&paths, &text)
                        .and_then(|plan| super::ssh_config::apply(&plan))
                        .map_err(|e| e.to_string())
                })
                .await
                .unwrap_or_else(|e| Err(e.to_string()));
                return vec![Action::SshConfigWritten(result)];
            }
            Command::SaveSshConfigSetting { file, on } => {
                let result = tokio::task::spawn_blocking(move || {
                    let file = file.ok_or("no config directory is known")?;
                    let value = if on { "true" } else { "false" };
                    crate::config::set_top_level(&file, crate::commands::ssh_config::SETTING, value)
                })
                .await
                .unwrap_or_else(|e| Err(e.to_string()));
                return vec![Action::SshConfigSettingSaved { on, result }];
            }
            Command::SavePreset { file, name, preset } => {
                let (p, n) = ((*preset).clone(), name.clone());
                let result =
                    tokio::task::spawn_blocking(move || crate::config::save_preset(&file, &n, &p))
                        .await
                        .unwrap_or_else(|e| Err(e.to_string()));
                return vec![Action::PresetSaved {
                    name,
                    preset,
                    result,
                }];
            }
            Command::ProbeUsage { id, entry } => {
                let paths = self
                    .home
                    .as_deref()
                    .map(crate::domain::ssh_config::SshPaths::under);
                let result = self.instances.probe(c, &entry, paths.as_ref()).await;
                return vec![Action::UsageSampled { id, result }];
            }
            Command::Prices(p) => return super::prices::perform(self.journal.store(), p).await,
            Command::Plan(p) => return super::planning::perform(self.journal.store(), p).await,
            Command::RememberTeams(teams) => {
                if let Some(store) = self.journal.store() {
                    let key = crate::store::settings::teams_key(&c.account_label());
                    let now = chrono::Utc::now();
                    // Only a guess for the next start: a failure costs it a second round.
                    if let Err(e) = store
                        .call(move |s| s.set_setting(&key, Some(&teams), now))
                        .await
                    {
                        tracing::warn!(error = %e, "store: the teams were not remembered");
                    }
                }
                return Vec::new();
            }
            Command::SetGuard { rule, name } => {
                return vec![self.journal.set_guard(rule, &name).await];
            }
            Command::ClearGuard { id, name } => {
                return vec![self.journal.clear_guard(id, &name).await];
            }
            Command::SnoozeGuard { id, name, until } => {
                return vec![self.journal.snooze_guard(id, &name, until).await];
            }
            Command::OpenEditor { alias, folder } => {
                let r = super::tunnels::open_editor(self.home.clone(), alias, folder).await;
                return vec![Action::EditorOpened(r)];
            }
            // Started and stopped by `spawn`, which gives the tunnel its channel.
            Command::StartTunnel { .. } | Command::StopTunnel { .. } => return Vec::new(),
            Command::Copy(_) | Command::Bell | Command::Notify(_) | Command::Quit => {
                return Vec::new();
            }
        };
        self.journal.observe(&result);
        if let Some(w) = write {
            self.journal.record_outcome(row, w, &result).await;
        }
        [
            vec![Action::Rate(c.rate_status()), result],
            self.journal.troubles(),
        ]
        .concat()
    }

    /// Run `cmd` on its own task; its Actions go to `tx`.
    pub fn spawn(&self, cmd: Command, tx: UnboundedSender<Action>) {
        // A new key is in use before the next command is spawned: the loads the reducer sends
        // with it must not race its task and go out with no key (and come back 401).
        if let Command::UseKey(key) = &cmd {
            self.client.set_key(key.clone());
        }
        match cmd {
            Command::StartTunnel {
                key,
                entry,
                remote,
                want,
            } => {
                let home = self.home.clone();
                return self.tunnels.start(key, entry, home, remote, want, tx);
            }
            Command::StopTunnel { key } => return self.tunnels.stop(key),
            _ => {}
        }
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

/// Connecting and reading the banner, together.
pub const SSH_PROBE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

/// Whether an SSH server answers at `host:port` within `limit`: the connection is accepted and
/// the server's identification line (`SSH-2.0-…`, or `SSH-1.99-…` which also speaks 2.0) comes.
/// A port that accepts and says nothing (a transparent proxy, a NAT, a load balancer) or says
/// something else is not ready. RFC 4253 §4.2 lets a server send other lines first; up to 8 KiB
/// of them are read. Nothing is sent.
pub async fn ssh_banner(host: &str, port: u16, limit: std::time::Duration) -> bool {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt};
    let probe = async {
        let stream = tokio::net::TcpStream::connect((host, port)).await.ok()?;
        let mut lines = tokio::io::BufReader::new(stream.take(8 * 1024));
        let mut line = Vec::new();
        loop {
            line.clear();
            if lines.read_until(b'\n', &mut line).await.ok()? == 0 {
                return Some(false); // closed without a banner
            }
            if line.starts_with(b"SSH-2.0-") || line.starts_with(b"SSH-1.99-") {
                return Some(true);
            }
            if line.starts_with(b"SSH-") {
                return Some(false); // SSH 1 only
            }
        }
    };
    matches!(tokio::time::timeout(limit, probe).await, Ok(Some(true)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(port: u16) -> Command {
        Command::ProbeSsh {
            id: "d1".into(),
            host: "127.0.0.1".into(),
            port,
        }
    }

    /// An executor for the real API (a probe makes no API request).
    fn exec() -> Executor {
        Executor {
            client: crate::api::Client::new("https://app.spheron.ai", None).unwrap(),
            credentials_path: None,
            home: None,
            journal: Default::default(),
            tunnels: Default::default(),
            instances: Default::default(),
        }
    }

    /// A listener that accepts every connection, writes `says` on it, then keeps it open.
    async fn server(says: &'static [u8]) -> (u16, tokio::task::JoinHandle<()>) {
        use tokio::io::AsyncWriteExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            let mut open = Vec::new();
            while let Ok((mut s, _)) = listener.accept().await {
                let _ = s.write_all(says).await;
                open.push(s);
            }
        });
        (port, task)
    }

    /// Accepts and says nothing: not ready. (Paused clock: the probe's 3 s pass virtually; a
    /// bare connect would say ready at once.)
    #[tokio::test(start_paused = true)]
    async fn a_port_that_accepts_and_says_nothing_is_not_ready() {
        let (port, task) = server(b"").await;
        let got = exec().perform(probe(port)).await;
        assert!(
            matches!(&got[..], [Action::SshProbed { id, ok: false }] if id == "d1"),
            "{got:?}"
        );
        task.abort();
    }

    #[tokio::test(start_paused = true)]
    async fn a_port_that_says_something_else_is_not_ready() {
        for says in [
            &b"HTTP/1.1 400 Bad Request\r\n\r\n"[..],
            b"SSH-1.5-OpenSSH_1\r\n",
            b"\r\n",
        ] {
            let (port, task) = server(says).await;
            assert!(
                !ssh_banner("127.0.0.1", port, SSH_PROBE_TIMEOUT).await,
                "{:?}",
                String::from_utf8_lossy(says)
            );
            task.abort();
        }
    }

    /// Sends `SSH-2.0-…` (after other lines, as RFC 4253 allows): ready. Real time: the answer
    /// comes over loopback as soon as it is written; the limit only stops a hang, so it is long.
    #[tokio::test]
    async fn a_port_that_sends_an_ssh_banner_is_ready() {
        let (port, task) = server(b"SSH-2.0-OpenSSH_9.6\r\n").await;
        let got = exec().perform(probe(port)).await;
        assert!(
            matches!(&got[..], [Action::SshProbed { id, ok: true }] if id == "d1"),
            "{got:?}"
        );
        task.abort();
        let (port, task) = server(b"welcome to the host\r\nSSH-1.99-Legacy\r\n").await;
        assert!(ssh_banner("127.0.0.1", port, std::time::Duration::from_secs(60)).await);
        task.abort();
    }

    /// Against a loopback API (a local demo-server, a test server) an instance on loopback is
    /// probed (a test's own server), one anywhere else is not: its address may be made up.
    #[tokio::test]
    async fn behind_a_loopback_api_only_a_loopback_instance_is_probed() {
        let (port, task) = server(b"SSH-2.0-OpenSSH_9.6\r\n").await;
        let local = Executor {
            client: crate::api::Client::new("http://127.0.0.1:9", None).unwrap(),
            credentials_path: None,
            home: None,
            journal: Default::default(),
            tunnels: Default::default(),
            instances: Default::default(),
        };
        let got = local.perform(probe(port)).await;
        assert!(
            matches!(&got[..], [Action::SshProbed { ok: true, .. }]),
            "{got:?}"
        );
        // A documentation address (TEST-NET-3): nobody's host, should the rule ever break.
        let made_up = Command::ProbeSsh {
            id: "d1".into(),
            host: "203.0.113.7".into(),
            port,
        };
        let got = local.perform(made_up).await;
        assert!(
            matches!(&got[..], [Action::SshProbed { ok: false, .. }]),
            "{got:?}"
        );
        task.abort();
    }

    #[tokio::test]
    async fn a_refusing_port_is_not_ready() {
        // Bound and kept, never listening: the connection is refused.
        let refusing = tokio::net::TcpSocket::new_v4().unwrap();
        refusing.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let port = refusing.local_addr().unwrap().port();
        assert!(!ssh_banner("127.0.0.1", port, std::time::Duration::from_secs(60)).await);
        drop(refusing);
    }
}
