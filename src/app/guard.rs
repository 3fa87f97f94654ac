//! The spend guard as the dashboard sees it: what the enforcer task reports (notices, the
//! countdown or spend left per guarded deployment, who enforces). The enforcement itself runs in
//! the runtime (`runtime::guard`) on the pure engine; here it is only shown.

use std::collections::BTreeMap;

use super::action::Command;
use super::state::{AppState, FlashKind};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct GuardView {
    /// Deployment id → `⏱1h05m` / `$3.20 left`, for guarded deployments.
    pub rows: BTreeMap<String, String>,
    /// Another process enforces the guard (its label); `None` when this one does or none.
    pub other_enforcer: Option<String>,
}

/// What the enforcer task sends.
#[derive(Debug, Clone, PartialEq)]
pub enum GuardUpdate {
    /// A decision or outcome; `alert` for warnings (bell and desktop notification).
    Notice {
        text: String,
        alert: bool,
    },
    Rows(BTreeMap<String, String>),
    Enforcer(Option<String>),
}

pub fn on_update(state: &mut AppState, u: GuardUpdate) -> Vec<Command> {
    match u {
        GuardUpdate::Notice { text, alert } => {
            let kind = if alert {
                FlashKind::Warning
            } else {
                FlashKind::Info
            };
            super::update::flash(state, format!("guard: {text}"), kind);
            if alert {
                return vec![Command::Notify(text)];
            }
        }
        GuardUpdate::Rows(rows) => state.guard.rows = rows,
        GuardUpdate::Enforcer(e) => state.guard.other_enforcer = e,
    }
    Vec::new()
}
