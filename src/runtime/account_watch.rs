//! The dashboard's look, every second, at what another process did to the account, where the
//! target can tell (the demo's world, shared by every `--demo` process, through its file; no
//! request is made). What it tells reaches the reducer as one Action, which asks for the lists
//! touched. A launch against the live API has no such source, so nothing here runs for it.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::app::Action;
use crate::app::account_changes::AccountChange;

/// How often the source is asked: a change made elsewhere shows within this, plus the time its
/// lists take to load.
pub const EVERY: Duration = Duration::from_secs(1);

type Look = dyn Fn() -> Result<Vec<AccountChange>, String> + Send + Sync;

/// Where changes made by other processes can be read: a blocking call saying what changed
/// since the last one.
#[derive(Clone)]
pub struct AccountWatch(Arc<Look>);

impl AccountWatch {
    pub fn new(
        look: impl Fn() -> Result<Vec<AccountChange>, String> + Send + Sync + 'static,
    ) -> Self {
        AccountWatch(Arc::new(look))
    }
}

impl std::fmt::Debug for AccountWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccountWatch")
    }
}

/// Look until the dashboard goes away (the channel closes).
pub fn spawn(
    watch: AccountWatch,
    tx: mpsc::UnboundedSender<Action>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut failing = false;
        loop {
            every.tick().await;
            let look = watch.0.clone();
            let Ok(told) = tokio::task::spawn_blocking(move || look()).await else {
                break;
            };
            match told {
                Ok(changes) => {
                    failing = false;
                    if !changes.is_empty() && tx.send(Action::AccountChanged(changes)).is_err() {
                        break;
                    }
                }
                // Said once while it lasts, not every second.
                Err(e) if !failing => {
                    failing = true;
                    tracing::warn!(error = %e, "what other processes changed is not known");
                }
                Err(_) => {}
            }
        }
    })
}
