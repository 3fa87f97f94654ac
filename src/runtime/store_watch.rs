//! The dashboard's look at the local store, every second: what other processes wrote (guard
//! rules, watches, journal entries — told apart from this process's own writes by the store)
//! reaches the reducer as one Action. A store file deleted, replaced or truncated meanwhile is
//! told once ([`GuardUpdate::StoreLost`]), and the look ends there.

use std::time::Duration;

use tokio::sync::mpsc;

use crate::app::Action;
use crate::app::guard::GuardUpdate;
use crate::store::{StoreError, StoreHandle};

/// How often the store is looked at: a change made elsewhere shows within this.
pub const EVERY: Duration = Duration::from_secs(1);

/// Look until the dashboard goes away (the channel closes) or the store does.
pub fn spawn(store: StoreHandle, tx: mpsc::UnboundedSender<Action>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if let Err(e) = store.call(|s| s.track_changes()).await {
            tracing::warn!(error = %e, "store: what other processes write will not be shown");
            return;
        }
        let mut every = tokio::time::interval(EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut failing = false;
        loop {
            every.tick().await;
            // A file deleted, replaced or truncated under us: said once, loudly; what it reads
            // afterwards (no rules, say) is not taken as what other processes did.
            match store
                .call(|s| Ok(s.check_file().err().map(|t| t.text(s.path()))))
                .await
            {
                Ok(None) => {}
                Ok(Some(lost)) => {
                    let _ = tx.send(Action::Guard(GuardUpdate::StoreLost(lost)));
                    break;
                }
                Err(_) => break,
            }
            match store.call(|s| s.take_changes()).await {
                Ok(c) => {
                    failing = false;
                    if !c.is_empty() && tx.send(Action::StoreChanged(c)).is_err() {
                        break;
                    }
                }
                Err(StoreError::Closed) => break,
                // Said once while it lasts, not every second.
                Err(e) if !failing => {
                    failing = true;
                    tracing::warn!(error = %e, "store: could not read what other processes wrote");
                }
                Err(_) => {}
            }
        }
    })
}
