//! Terminate (`x` on a deployment): `can-terminate` first, a dialog that says plainly what is
//! lost, focus on Cancel, one DELETE on an explicit confirm. The dialog holds the deployment id
//! captured when it opened, never a row index.

use crossterm::event::{KeyCode, KeyEvent};

use super::confirm::{Choice, choose};
use super::{Dialog, DialogKeys, Reply};
use crate::api::{ApiError, CanTerminate, DeploymentStatus};
use crate::app::action::{ApiResult, Command};
use crate::app::lists;
use crate::app::polling::refresh_deployments;
use crate::app::state::{AppState, FlashKind};

#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// `can-terminate` asked, no answer yet: no confirm button.
    Pending,
    Allowed(CanTerminate),
    /// Minimum runtime not reached: `timeRemaining` shown, no confirm button.
    Blocked(CanTerminate),
    /// The check failed: no confirm button; `r` asks again.
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct TerminateDialog {
    /// The deployment, fixed when the dialog opened.
    pub id: String,
    pub name: String,
    pub gpu: String,
    pub instance_type: String,
    pub check: Check,
    /// Focus on the Terminate button (starts on Cancel).
    pub confirm_focus: bool,
    /// The DELETE is on the wire.
    pub sending: bool,
    pub error: Option<String>,
}

impl TerminateDialog {
    pub fn can_confirm(&self) -> bool {
        matches!(self.check, Check::Allowed(_)) && !self.sending
    }
}

/// `x` on the Deployments pane.
pub fn open(state: &mut AppState) -> Vec<Command> {
    let Some(d) = state.selected_deployment() else {
        return Vec::new();
    };
    if matches!(
        d.status,
        DeploymentStatus::Terminated | DeploymentStatus::TerminatedProvider
    ) {
        let text = format!("{} is already {}", d.name, d.status);
        state.say(FlashKind::Info, text);
        return Vec::new();
    }
    let dialog = TerminateDialog {
        id: d.id.clone(),
        name: if d.name.is_empty() {
            d.id.clone()
        } else {
            d.name.clone()
        },
        gpu: format!("{}×{}", d.gpu_type, d.gpu_count.max(1)),
        instance_type: d.instance_type.to_string(),
        check: Check::Pending,
        confirm_focus: false,
        sending: false,
        error: None,
    };
    let id = dialog.id.clone();
    super::open(state, Dialog::Terminate(dialog));
    vec![Command::CheckCanTerminate { id }]
}

fn dialog_for<'a>(state: &'a mut AppState, id: &str) -> Option<&'a mut TerminateDialog> {
    match state.dialog.as_mut() {
        Some(Dialog::Terminate(d)) if d.id == id => Some(d),
        _ => None,
    }
}

pub fn on_checked(state: &mut AppState, id: &str, result: ApiResult<CanTerminate>) {
    let Some(d) = dialog_for(state, id) else {
        return; // the dialog was closed, or is about another deployment
    };
    d.confirm_focus = false;
    d.check = match result {
        Ok(c) if c.can_terminate => Check::Allowed(c),
        Ok(c) => Check::Blocked(c),
        Err(ApiError::NotFound { .. }) => {
            Check::Failed("The API does not know this deployment (404): it may already be terminated. Refresh with r on the pane.".into())
        }
        Err(e) => Check::Failed(format!("{e} · r asks again")),
    };
}

impl DialogKeys for TerminateDialog {
    fn on_key(&mut self, _state: &mut AppState, ev: KeyEvent) -> Reply {
        let can = self.can_confirm();
        match choose(&ev, &mut self.confirm_focus, can) {
            Choice::Cancel => Reply::close(),
            Choice::Confirm => self.confirm(),
            Choice::Moved => Reply::stay(),
            Choice::Other => match ev.code {
                KeyCode::Char('q') => Reply::close(),
                KeyCode::Char('r') if matches!(self.check, Check::Failed(_)) => {
                    self.check = Check::Pending;
                    Reply::send(vec![Command::CheckCanTerminate {
                        id: self.id.clone(),
                    }])
                }
                _ => Reply::stay(),
            },
        }
    }

    fn refused(&mut self, why: &str) {
        self.sending = false;
        self.error = Some(why.to_string());
    }
}

impl TerminateDialog {
    /// The one place a `Command::Terminate` is made.
    fn confirm(&mut self) -> Reply {
        if !self.can_confirm() {
            return Reply::stay();
        }
        self.sending = true;
        self.error = None;
        self.confirm_focus = false;
        Reply::send(vec![Command::Terminate {
            id: self.id.clone(),
        }])
    }
}

pub fn on_terminated(state: &mut AppState, id: &str, result: ApiResult<()>) -> Vec<Command> {
    match result {
        Ok(()) => {
            let name = match state.dialog.as_ref() {
                Some(Dialog::Terminate(d)) if d.id == id => {
                    let n = d.name.clone();
                    state.dialog = None;
                    n
                }
                _ => id.to_string(),
            };
            if let Some(d) = state.deployments.items.iter_mut().find(|d| d.id == id) {
                d.status = DeploymentStatus::Terminated;
                d.stopped_at.get_or_insert(state.now);
            }
            // The row may leave the "active" view: keep cursor and selected id on one row.
            lists::reselect_deployment(state);
            state.watch.remove(id);
            state.say(
                FlashKind::Success,
                format!(
                    "Terminated {name}: billing stopped; attached volumes were detached and kept."
                ),
            );
            refresh_deployments(state)
        }
        Err(e) => {
            let blocked = e.termination_blocked();
            let text = e.to_string();
            state.status.last_error = Some(text.clone());
            match dialog_for(state, id) {
                Some(d) => {
                    d.sending = false;
                    d.confirm_focus = false;
                    match blocked {
                        Some(c) => d.check = Check::Blocked(c),
                        None => d.error = Some(format!("{text} · nothing was terminated")),
                    }
                }
                None => state.say(FlashKind::Warning, format!("terminate failed: {text}")),
            }
            Vec::new()
        }
    }
}
