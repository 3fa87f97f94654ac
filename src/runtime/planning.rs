//! Keeps the dashboard's model plan in the store, on its writer thread.

use crate::app::Action;
use crate::app::planning::{PlanCmd, PlanEvent};
use crate::store::StoreHandle;
use crate::store::settings::PLAN;

pub async fn perform(store: Option<&StoreHandle>, cmd: PlanCmd) -> Vec<Action> {
    let Some(store) = store else {
        // Without a store the plan lasts for this run; choosing one says it is not kept.
        return match cmd {
            PlanCmd::Load => Vec::new(),
            PlanCmd::Save(_) => vec![Action::Plan(PlanEvent::Saved(Err(
                "there is no local store".into(),
            )))],
        };
    };
    let ev = match cmd {
        PlanCmd::Load => PlanEvent::Loaded(
            store
                .call(|s| s.setting(PLAN))
                .await
                .map_err(|e| e.to_string()),
        ),
        PlanCmd::Save(spec) => {
            let now = chrono::Utc::now();
            PlanEvent::Saved(
                store
                    .call(move |s| s.set_setting(PLAN, spec.as_deref(), now))
                    .await
                    .map_err(|e| e.to_string()),
            )
        }
    };
    vec![Action::Plan(ev)]
}
