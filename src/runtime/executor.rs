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
            Command::Manage(m) => super::manage::perform(c, m).await,
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
