//! The one confirm: it carries the resolved operation it sends ([`Op`]), starts on Cancel,
//! `Esc`/`n` cancel, `y` or `Enter` on the action confirm, and where the operation changes what
//! the account pays per hour it shows `$/h now → $/h after`.
//!
//! Adding a guarded operation: one [`Op`] variant and one arm in [`Op::command`].
//! [`choose`] is the confirm-key handling every dialog with an action button shares.

use crossterm::event::{KeyCode, KeyEvent};

use super::terminate::Check;
use super::{DialogKeys, Reply};
use crate::api::{DeployRequest, NewVolume, VolumePatch};
use crate::app::action::Command;
use crate::app::keymap::Key;
use crate::app::state::AppState;

/// What a confirm sends, with the ids resolved when it opened.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    DeleteKey {
        id: String,
        name: String,
    },
    DeleteVolume {
        id: String,
        name: String,
    },
    Attach {
        volume_id: String,
        volume_name: String,
        deployment_id: String,
    },
    Detach {
        volume_id: String,
        volume_name: String,
        deployment_id: String,
    },
    /// Rename and/or expand a volume (one PATCH).
    PatchVolume {
        id: String,
        name: String,
        patch: VolumePatch,
    },
    /// Create a volume (one POST).
    CreateVolume(NewVolume),
    /// Terminate a deployment (gated by `can-terminate`).
    Terminate {
        id: String,
        name: String,
        gpu: String,
        instance_type: String,
    },
    /// Deploy an offer (one POST); its answer is handled by the wizard it came from, which
    /// the confirm holds as its `back_to`.
    Deploy(Box<DeployRequest>),
}

impl Op {
    /// The one request the confirm sends.
    pub fn command(&self) -> Command {
        match self.clone() {
            Op::DeleteKey { id, .. } => Command::DeleteKey { id },
            Op::DeleteVolume { id, .. } => Command::DeleteVolume { id },
            Op::Attach {
                volume_id,
                deployment_id,
                ..
            } => Command::AttachVolume {
                id: volume_id,
                deployment_id,
            },
            Op::Detach {
                volume_id,
                deployment_id,
                ..
            } => Command::DetachVolume {
                id: volume_id,
                deployment_id,
            },
            Op::PatchVolume { id, patch, .. } => Command::PatchVolume { id, patch },
            Op::CreateVolume(new) => Command::CreateVolume(new),
            Op::Terminate { id, .. } => Command::Terminate { id },
            Op::Deploy(request) => Command::Deploy { request },
        }
    }

    /// The action button's label.
    pub fn label(&self) -> &'static str {
        match self {
            Op::DeleteKey { .. } | Op::DeleteVolume { .. } => "Delete",
            Op::Attach { .. } => "Attach",
            Op::Detach { .. } => "Detach",
            Op::PatchVolume { patch, .. } if patch.size_in_gb.is_some() => "Expand",
            Op::PatchVolume { .. } => "Save",
            Op::CreateVolume(_) => "Create",
            Op::Terminate { .. } => "Terminate",
            Op::Deploy(_) => "Deploy",
        }
    }

    /// The object the answer is about (a volume being created has no id yet: its name).
    pub fn target_id(&self) -> &str {
        match self {
            Op::CreateVolume(new) => &new.name,
            Op::DeleteKey { id, .. }
            | Op::DeleteVolume { id, .. }
            | Op::PatchVolume { id, .. }
            | Op::Terminate { id, .. } => id,
            Op::Attach { volume_id, .. } | Op::Detach { volume_id, .. } => volume_id,
            Op::Deploy(request) => &request.offer_id,
        }
    }
}

/// What the account pays per hour, before and after the operation; a rate it needs that is
/// unknown makes it "at least" or `?`, never no change.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spend {
    pub now: crate::domain::spend::Tally,
    pub after: crate::domain::spend::Tally,
}

impl Spend {
    /// `$1.00/h now → $3.00/h after`.
    pub fn text(&self) -> String {
        format!("{} now → {} after", self.now.text_h(), self.after.text_h())
    }
}

#[derive(Debug, Clone)]
pub struct Confirm {
    pub op: Op,
    pub title: String,
    pub lines: Vec<String>,
    /// Shown as `$/h now → $/h after` when the operation changes the hourly spend.
    pub spend: Option<Spend>,
    /// Focus on the action button (false: on Cancel, where it starts).
    pub on_action: bool,
    /// The request is out: a second confirm sends nothing.
    pub busy: bool,
    pub error: Option<String>,
    /// What the API must allow first (terminate: `can-terminate`); `None`: nothing.
    pub check: Option<Check>,
    /// The dialog `Esc`/Cancel steps back to (the edit form an expansion came from), if any.
    pub back_to: Option<Box<super::Dialog>>,
}

impl Confirm {
    pub fn new(op: Op, title: impl Into<String>, lines: Vec<String>) -> Self {
        Confirm {
            op,
            title: title.into(),
            lines,
            spend: None,
            on_action: false,
            busy: false,
            error: None,
            back_to: None,
            check: None,
        }
    }

    /// No action button until `check` allows it.
    pub fn gated(mut self, check: Check) -> Self {
        self.check = Some(check);
        self
    }

    /// Whether the action button is there: the check (if any) allows it and nothing is out.
    pub fn can_confirm(&self) -> bool {
        !self.busy
            && self
                .check
                .as_ref()
                .is_none_or(|c| matches!(c, Check::Allowed(_)))
    }

    /// Whether `key` does something now: `y` and moving between buttons only while the action
    /// button is there, `r` only after a failed check.
    pub fn offers(&self, key: Key) -> bool {
        match key {
            Key::Char('y') | Key::Code(KeyCode::Tab | KeyCode::Left | KeyCode::Right) => {
                self.can_confirm()
            }
            Key::Char('r') => matches!(self.check, Some(Check::Failed(_))),
            _ => true,
        }
    }

    /// `Esc`/Cancel returns to `d` instead of closing.
    pub fn back_to(mut self, d: super::Dialog) -> Self {
        self.back_to = Some(Box::new(d));
        self
    }

    fn cancel(&mut self) -> Reply {
        match self.back_to.take() {
            Some(d) => Reply::open(*d),
            None => Reply::close(),
        }
    }

    pub fn with_spend(mut self, spend: Spend) -> Self {
        self.spend = Some(spend);
        self
    }
}

/// What a key means to a dialog with `[ Cancel ]` and an action button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// `Esc`, `n`, or `Enter` on Cancel.
    Cancel,
    /// `y`, or `Enter` on the action.
    Confirm,
    /// The focus moved between the buttons (`Tab`, `←→`, `h l`).
    Moved,
    /// Not a confirm key.
    Other,
}

/// The confirm keys, shared by every dialog with an action button. With `can_confirm` false
/// there is no action button: nothing confirms and the focus stays on Cancel.
pub fn choose(ev: &KeyEvent, on_action: &mut bool, can_confirm: bool) -> Choice {
    match ev.code {
        KeyCode::Esc | KeyCode::Char('n') => Choice::Cancel,
        KeyCode::Tab
        | KeyCode::BackTab
        | KeyCode::Left
        | KeyCode::Right
        | KeyCode::Char('h')
        | KeyCode::Char('l')
            if can_confirm =>
        {
            *on_action = !*on_action;
            Choice::Moved
        }
        KeyCode::Char('y') if can_confirm => Choice::Confirm,
        KeyCode::Enter if *on_action && can_confirm => Choice::Confirm,
        KeyCode::Enter => Choice::Cancel,
        _ => Choice::Other,
    }
}

impl DialogKeys for Confirm {
    fn on_key(&mut self, state: &mut AppState, ev: KeyEvent) -> Reply {
        let can = self.can_confirm();
        match choose(&ev, &mut self.on_action, can) {
            Choice::Cancel => self.cancel(),
            // A deploy is sent by the wizard it came from, which then awaits the answer.
            Choice::Confirm if matches!(self.op, Op::Deploy(_)) => {
                super::deploy::keys::confirmed(state, self)
            }
            // the one place a confirm's request is made
            Choice::Confirm => {
                self.busy = true;
                self.error = None;
                self.on_action = false;
                Reply::send(vec![self.op.command()])
            }
            Choice::Moved => Reply::stay(),
            Choice::Other => match (ev.code, &self.op) {
                (KeyCode::Char('q'), _) => self.cancel(),
                (KeyCode::Char('r'), Op::Terminate { id, .. })
                    if matches!(self.check, Some(Check::Failed(_))) =>
                {
                    self.check = Some(Check::Pending);
                    Reply::send(vec![Command::CheckCanTerminate { id: id.clone() }])
                }
                _ => Reply::stay(),
            },
        }
    }

    fn back(&mut self, _state: &mut AppState) -> Reply {
        self.cancel()
    }

    fn refused(&mut self, why: &str) {
        self.busy = false;
        self.error = Some(why.to_string());
    }
}

/// The answer to a confirm's request about `id`: on success the confirm closes; on failure it
/// stays with the error. Returns whether a confirm about `id` was open.
pub fn settle(state: &mut AppState, id: &str, result: Result<(), String>) -> bool {
    let Some(super::Dialog::Confirm(c)) = state.dialog.as_mut() else {
        return false;
    };
    if c.op.target_id() != id {
        return false;
    }
    match result {
        Ok(()) => state.dialog = None,
        Err(e) => {
            c.busy = false;
            c.error = Some(e);
        }
    }
    true
}
