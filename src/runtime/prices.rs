//! Performs the price-history and watch commands on the store's writer thread.

use std::sync::Arc;

use chrono::Duration;

use crate::app::Action;
use crate::app::prices::{PriceCmd, PriceEvent};
use crate::domain::history::{TREND_DAYS, view};
use crate::store::StoreHandle;

pub async fn perform(store: Option<&StoreHandle>, cmd: PriceCmd) -> Vec<Action> {
    let Some(store) = store else {
        // Without a store there is no history and no watch; a new watch says so.
        return match cmd {
            PriceCmd::AddWatch(_) => vec![Action::Prices(PriceEvent::Added(Err(
                "there is no local store".into(),
            )))],
            _ => Vec::new(),
        };
    };
    let ev = match cmd {
        PriceCmd::Record {
            at,
            offers,
            coverage,
            compact,
        } => {
            let read = store
                .call(move |s| {
                    s.record_prices(at, &offers, coverage)?;
                    if compact {
                        s.compact_history(at, crate::store::history::CAP_BYTES)?;
                    }
                    s.price_history("", at - Duration::days(TREND_DAYS))
                })
                .await;
            match read {
                Ok(series) => PriceEvent::History(Arc::new(view(&series, at))),
                Err(e) => PriceEvent::Failed(e.to_string()),
            }
        }
        PriceCmd::Episodes { at, hits, coverage } => {
            match store
                .call(move |s| s.watch_episodes(at, hits, coverage))
                .await
            {
                Ok(started) => PriceEvent::Announce(started),
                Err(e) => PriceEvent::Failed(e.to_string()),
            }
        }
        PriceCmd::LoadWatches => {
            PriceEvent::Watches(store.call(|s| s.watches()).await.map_err(|e| e.to_string()))
        }
        PriceCmd::AddWatch(spec) => {
            let now = chrono::Utc::now();
            PriceEvent::Added(
                store
                    .call(move |s| s.add_watch(&spec, now))
                    .await
                    .map_err(|e| e.to_string()),
            )
        }
        PriceCmd::UpdateWatch { id, spec } => {
            match store.call(move |s| s.update_watch(id, &spec)).await {
                Ok(_) => PriceEvent::Watches(
                    store.call(|s| s.watches()).await.map_err(|e| e.to_string()),
                ),
                Err(e) => PriceEvent::Failed(e.to_string()),
            }
        }
        PriceCmd::RemoveWatch(id) => match store.call(move |s| s.remove_watch(id)).await {
            Ok(_) => {
                PriceEvent::Watches(store.call(|s| s.watches()).await.map_err(|e| e.to_string()))
            }
            Err(e) => PriceEvent::Failed(e.to_string()),
        },
    };
    vec![Action::Prices(ev)]
}
