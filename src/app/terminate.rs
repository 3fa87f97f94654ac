//! Terminate (`x` on a deployment): `can-terminate` first, a dialog that says plainly what is
//! lost, focus on Cancel, one DELETE on an explicit confirm. The dialog holds the deployment id
//! captured when it opened, never a row index.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::{ApiResult, Command};
use super::modal::Modal;
use super::state::{AppState, FlashKind};
use super::update::{flash, refresh_deployments};
use crate::api::{ApiError, CanTerminate, DeploymentStatus};

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

/// Refused in read-only mode, with the reason.
pub fn read_only_refusal(state: &mut AppState, what: &str) -> bool {
    if state.session.read_only {
        flash(
            state,
            format!(
                "Read-only mode (--read-only): {what} is not sent. Restart without it to make changes."
            ),
            FlashKind::Warning,
        );
        return true;
    }
    false
}

/// `x` on the Deployments pane.
pub fn open(state: &mut AppState) -> Vec<Command> {
    if read_only_refusal(state, "terminate") {
        return Vec::new();
    }
    let Some(d) = state.selected_deployment() else {
        return Vec::new();
    };
    if matches!(
        d.status,
        DeploymentStatus::Terminated | DeploymentStatus::TerminatedProvider
    ) {
        let text = format!("{} is already {}", d.name, d.status);
        flash(state, text, FlashKind::Info);
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
    state.modal = Some(Modal::Terminate(dialog));
    vec![Command::CheckCanTerminate { id }]
}

fn dialog_for<'a>(state: &'a mut AppState, id: &str) -> Option<&'a mut TerminateDialog> {
    match state.modal.as_mut() {
        Some(Modal::Terminate(d)) if d.id == id => Some(d),
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

pub fn on_key(state: &mut AppState, ev: KeyEvent) -> Vec<Command> {
    if ev.code == KeyCode::Char('c') && ev.modifiers.contains(KeyModifiers::CONTROL) {
        state.quit = true;
        return vec![Command::Quit];
    }
    let Some(Modal::Terminate(d)) = state.modal.as_mut() else {
        return Vec::new();
    };
    match ev.code {
        KeyCode::Esc | KeyCode::Char('n') | KeyCode::Char('q') => {
            state.modal = None;
        }
        KeyCode::Tab
        | KeyCode::BackTab
        | KeyCode::Left
        | KeyCode::Right
        | KeyCode::Char('h')
        | KeyCode::Char('l')
            if d.can_confirm() =>
        {
            d.confirm_focus = !d.confirm_focus;
        }
        KeyCode::Char('r') if matches!(d.check, Check::Failed(_)) => {
            d.check = Check::Pending;
            return vec![Command::CheckCanTerminate { id: d.id.clone() }];
        }
        KeyCode::Char('y') => return confirm(state),
        KeyCode::Enter if d.confirm_focus => return confirm(state),
        KeyCode::Enter => state.modal = None,
        _ => {}
    }
    Vec::new()
}

/// The one place a `Command::Terminate` is made.
fn confirm(state: &mut AppState) -> Vec<Command> {
    if read_only_refusal(state, "terminate") {
        return Vec::new();
    }
    let Some(Modal::Terminate(d)) = state.modal.as_mut() else {
        return Vec::new();
    };
    if !d.can_confirm() {
        return Vec::new();
    }
    d.sending = true;
    d.error = None;
    d.confirm_focus = false;
    vec![Command::Terminate { id: d.id.clone() }]
}

pub fn on_terminated(state: &mut AppState, id: &str, result: ApiResult<()>) -> Vec<Command> {
    match result {
        Ok(()) => {
            let name = match state.modal.as_ref() {
                Some(Modal::Terminate(d)) if d.id == id => {
                    let n = d.name.clone();
                    state.modal = None;
                    n
                }
                _ => id.to_string(),
            };
            if let Some(d) = state.deployments.items.iter_mut().find(|d| d.id == id) {
                d.status = DeploymentStatus::Terminated;
                d.stopped_at.get_or_insert(state.now);
            }
            state.flows.watch.remove(id);
            flash(
                state,
                format!(
                    "Terminated {name}: billing stopped; attached volumes were detached and kept."
                ),
                FlashKind::Success,
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
                None => flash(
                    state,
                    format!("terminate failed: {text}"),
                    FlashKind::Warning,
                ),
            }
            Vec::new()
        }
    }
}
