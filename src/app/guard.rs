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
    /// The local UTC offset, for `18:00` in the guard dialog (set by the runtime; UTC if unset).
    pub local_offset: Option<chrono::FixedOffset>,
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
            state.say(kind, format!("guard: {text}"));
            if alert {
                return vec![Command::Notify(text)];
            }
        }
        GuardUpdate::Rows(rows) => state.guard.rows = rows,
        GuardUpdate::Enforcer(e) => state.guard.other_enforcer = e,
    }
    Vec::new()
}

/// The guard dialog (the guard key on a deployment): one line that sets or clears the rule.
#[derive(Debug, Clone)]
pub struct GuardDialog {
    /// The deployment, fixed when the dialog opened.
    pub id: String,
    pub name: String,
    /// The countdown of the rule it has now, if any.
    pub current: Option<String>,
    pub input: tui_input::Input,
    pub error: Option<String>,
}

/// Open the guard dialog on the selected deployment (an active one only).
pub fn open(state: &mut AppState) -> Vec<Command> {
    let Some(d) = state.selected_deployment() else {
        return Vec::new();
    };
    if d.status.is_terminal() {
        let text = format!("{} has ended: there is nothing to guard", d.name);
        state.say(FlashKind::Info, text);
        return Vec::new();
    }
    let (id, name) = (d.id.clone(), d.name.clone());
    let d = GuardDialog {
        current: state.guard.rows.get(&id).cloned(),
        id,
        name,
        input: tui_input::Input::default(),
        error: None,
    };
    super::dialogs::open(state, super::dialogs::Dialog::Guard(d));
    Vec::new()
}

impl super::dialogs::DialogKeys for GuardDialog {
    fn on_key(
        &mut self,
        state: &mut AppState,
        ev: crossterm::event::KeyEvent,
    ) -> super::dialogs::Reply {
        use super::dialogs::Reply;
        use crossterm::event::KeyCode;
        let now = state.now;
        let offset = state
            .guard
            .local_offset
            .unwrap_or(chrono::FixedOffset::east_opt(0).expect("UTC"));
        match ev.code {
            KeyCode::Enter => {
                let text = self.input.value().trim().to_string();
                if text.is_empty() || text.eq_ignore_ascii_case("none") {
                    let id = self.id.clone();
                    return if self.current.is_some() {
                        Reply::close().with(vec![Command::ClearGuard { id }])
                    } else {
                        Reply::close()
                    };
                }
                match parse_spec(&text, now, offset) {
                    Ok((rule, spec)) => {
                        let rule = crate::store::StoredRule {
                            deployment_id: self.id.clone(),
                            rule,
                            spec,
                            created_at: now,
                        };
                        return Reply::close().with(vec![Command::SetGuard(rule)]);
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            _ => {
                if super::text::edit(&mut self.input, &ev) {
                    self.error = None;
                }
            }
        }
        Reply::stay()
    }

    fn paste_target(&mut self) -> Option<(&mut tui_input::Input, &mut Option<String>)> {
        Some((&mut self.input, &mut self.error))
    }
}

/// What the dialog accepts: a duration (`8h`, `1h30m`: from now), a time (`18:00` local, or
/// RFC 3339), or an amount (`$50`: a spend ceiling). Returns the rule and how it was asked.
pub fn parse_spec(
    s: &str,
    now: chrono::DateTime<chrono::Utc>,
    offset: chrono::FixedOffset,
) -> Result<(crate::domain::guard::GuardRule, String), String> {
    use crate::domain::guard::{GuardRule, parse_at, parse_duration, parse_usd};
    let t = s.trim();
    if t.starts_with('$') {
        let usd = parse_usd(t)?;
        return Ok((GuardRule::MaxSpend(usd), format!("--max-spend {usd:.2}")));
    }
    if t.contains(':') {
        let at = parse_at(t, now.with_timezone(&offset))?;
        return Ok((GuardRule::Deadline(at), format!("--at {t}")));
    }
    let d = parse_duration(t).map_err(|_| {
        format!("`{t}` is not a guard: type 8h, 1h30m, 18:00 or $50 (empty clears)")
    })?;
    Ok((GuardRule::after(d, now), format!("--after {t}")))
}
