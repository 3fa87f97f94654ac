//! The one confirm: it carries the resolved operation it sends ([`Op`]), and where the
//! operation changes what the account pays per hour it shows `$/h now → $/h after`. How
//! deliberate the answer must be follows from what is lost ([`Ask`]): buttons that start on
//! Cancel (`y`, or `Enter` on the action; `Esc`/`n` cancel); for terminate and delete volume a
//! typed word (the first three characters of the name, or `yes`, then `Enter`); for delete SSH
//! key a `y` that counts only after a quiet half second. In the last two any other key cancels.
//!
//! Adding a guarded operation: one [`Op`] variant and one arm in [`Op::command`].
//! [`choose`] is what the button commands mean to every dialog with an action button.

use chrono::{DateTime, TimeDelta, Utc};
use crossterm::event::KeyEvent;
use tui_input::Input;

use super::terminate::Check;
use super::{DialogKeys, Reply};
use crate::api::{DeployRequest, NewVolume, VolumePatch};
use crate::app::action::Command;
use crate::app::keys::{KeyCmd, edits_text};
use crate::app::state::AppState;
use crate::app::text;

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
    /// Quit the dashboard although it is the one enforcing `rules` guard rules.
    Quit {
        rules: usize,
    },
    /// Reach the instances by name: keep the ssh_config file current (and `Include` it from
    /// `~/.ssh/config`), the answer saved in `config.toml` at `file`.
    SshConfig {
        file: Option<std::path::PathBuf>,
    },
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
            Op::Quit { .. } => Command::Quit,
            Op::SshConfig { file } => Command::SaveSshConfigSetting { file, on: true },
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
            Op::Quit { .. } => "Quit anyway",
            Op::SshConfig { .. } => "Turn on",
        }
    }

    /// The label of the button that sends nothing.
    pub fn cancel_label(&self) -> &'static str {
        match self {
            Op::Quit { .. } => "Keep running",
            Op::SshConfig { .. } => "Don't ask again",
            _ => "Cancel",
        }
    }

    /// The name of what is lost, for the typed word.
    fn lost_name(&self) -> Option<&str> {
        match self {
            Op::Terminate { name, .. } | Op::DeleteVolume { name, .. } => Some(name),
            _ => None,
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
            Op::Quit { .. } | Op::SshConfig { .. } => "",
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

/// How long a question must have been on screen without a key before a `y` counts.
pub const QUIET: TimeDelta = TimeDelta::milliseconds(500);

/// Since when a question has been on screen with no key pressed: a `y` counts only after
/// [`QUIET`], so key repeat, a held `y` or keys typed in a burst never answer it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quiet {
    pub since: DateTime<Utc>,
}

impl Quiet {
    pub fn new(now: DateTime<Utc>) -> Self {
        Quiet { since: now }
    }

    /// A key came at `now`: whether it had been quiet long enough. The quiet starts again.
    pub fn key_at(&mut self, now: DateTime<Utc>) -> bool {
        let quiet = now - self.since >= QUIET;
        self.since = now;
        quiet
    }
}

/// How deliberate the answer must be: the harder the operation is to undo, the more it takes.
#[derive(Debug, Clone)]
pub enum Ask {
    /// `[ Cancel ]` and the action (focus starts on Cancel): `y`, or `Enter` on the action.
    Buttons,
    /// Data is lost: `word` (the first three characters of the name) or `yes`, then `Enter`.
    Word { word: String, typed: Input },
    /// `y`, once the dialog has been on screen half a second without a key.
    Pause(Quiet),
}

impl Ask {
    fn for_op(op: &Op, now: DateTime<Utc>) -> Ask {
        match op {
            Op::DeleteKey { .. } => Ask::Pause(Quiet::new(now)),
            _ => match op.lost_name() {
                Some(name) => Ask::Word {
                    word: word_for(name),
                    typed: Input::default(),
                },
                None => Ask::Buttons,
            },
        }
    }
}

/// What a data-losing confirm asks to be typed: the first three characters of `name`; `yes`
/// for a shorter name.
pub fn word_for(name: &str) -> String {
    let word: String = name.chars().take(3).collect();
    if word.chars().count() < 3 {
        "yes".into()
    } else {
        word
    }
}

/// Whether `typed` is `word` or `yes` (case aside).
fn is_word(word: &str, typed: &str) -> bool {
    let typed = typed.to_lowercase();
    typed == word.to_lowercase() || typed == "yes"
}

/// Whether `typed` can still become `word` or `yes`.
fn on_the_way(word: &str, typed: &str) -> bool {
    let typed = typed.to_lowercase();
    word.to_lowercase().starts_with(&typed) || "yes".starts_with(&typed)
}

#[derive(Debug, Clone)]
pub struct Confirm {
    pub op: Op,
    pub title: String,
    pub lines: Vec<String>,
    /// Shown as `$/h now → $/h after` when the operation changes the hourly spend.
    pub spend: Option<Spend>,
    /// What it takes to answer.
    pub ask: Ask,
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
    /// A confirm opened at `now`, asking as what `op` loses requires.
    pub fn new(op: Op, title: impl Into<String>, lines: Vec<String>, now: DateTime<Utc>) -> Self {
        Confirm {
            ask: Ask::for_op(&op, now),
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

    /// Whether the action can be taken: the check (if any) allows it and nothing is out.
    pub fn can_confirm(&self) -> bool {
        !self.busy
            && self
                .check
                .as_ref()
                .is_none_or(|c| matches!(c, Check::Allowed(_) | Check::Anyway))
    }

    /// Whether the API has not said yes or no (`r` asks again; Enter goes on anyway).
    fn unsettled(&self) -> bool {
        self.check.as_ref().is_some_and(Check::unsettled)
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

    /// The request failed: the answer is asked for again (what was typed is cleared, so a
    /// stray Enter cannot send it a second time).
    pub fn ask_again(&mut self, why: String) {
        self.busy = false;
        self.on_action = false;
        self.error = Some(why);
        if let Ask::Word { typed, .. } = &mut self.ask {
            typed.reset();
        }
    }

    /// The word asked for and what is typed so far, for a data-losing confirm.
    pub fn word(&self) -> Option<(&str, &Input)> {
        match &self.ask {
            Ask::Word { word, typed } => Some((word, typed)),
            _ => None,
        }
    }

    /// The one place a confirm's request is made.
    fn send(&mut self, state: &mut AppState) -> Reply {
        // A deploy is sent by the wizard it came from, which then awaits the answer.
        if matches!(self.op, Op::Deploy(_)) {
            return super::deploy::keys::confirmed(state, self);
        }
        if matches!(self.op, Op::Quit { .. }) {
            state.quit = true;
            return Reply::close().with(vec![Command::Quit]);
        }
        // Files on this machine, written as the dashboard keeps them; nothing to wait for.
        if matches!(self.op, Op::SshConfig { .. }) {
            let save = self.op.command();
            return Reply::close().with(crate::app::workspace::turn_on(state, save));
        }
        self.busy = true;
        self.error = None;
        self.on_action = false;
        Reply::send(vec![self.op.command()])
    }
}

/// What a button command means to a dialog with `[ Cancel ]` and an action button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// `n`, or `Enter` on Cancel.
    Cancel,
    /// `y`, or `Enter` on the action.
    Confirm,
    /// The focus moved between the buttons.
    Moved,
    /// Not a button command.
    Other,
}

/// The commands of the buttons while the action can be taken; without it only Enter (on
/// Cancel, where the focus stays) and `n`.
pub fn button_commands(can_confirm: bool) -> Vec<KeyCmd> {
    if can_confirm {
        vec![
            KeyCmd::Confirm,
            KeyCmd::FocusNext,
            KeyCmd::FocusPrev,
            KeyCmd::Submit,
            KeyCmd::Cancel,
        ]
    } else {
        vec![KeyCmd::Submit, KeyCmd::Cancel]
    }
}

/// What `cmd` means to buttons focused on the action (`on_action`) or on Cancel.
pub fn choose(cmd: KeyCmd, on_action: &mut bool) -> Choice {
    match cmd {
        KeyCmd::Confirm => Choice::Confirm,
        KeyCmd::Cancel => Choice::Cancel,
        KeyCmd::FocusNext | KeyCmd::FocusPrev => {
            *on_action = !*on_action;
            Choice::Moved
        }
        KeyCmd::Submit if *on_action => Choice::Confirm,
        KeyCmd::Submit => Choice::Cancel,
        _ => Choice::Other,
    }
}

impl DialogKeys for Confirm {
    fn commands(&self, _state: &AppState) -> Vec<KeyCmd> {
        match &self.ask {
            Ask::Buttons => {
                let mut out = button_commands(self.can_confirm());
                if self.unsettled() {
                    out.push(KeyCmd::Retry);
                }
                out
            }
            _ if self.busy => Vec::new(),
            // Enter terminates only once it may; before that it cancels like any other key,
            // unless the API has not said: then it goes on to terminate anyway.
            Ask::Word { .. } if self.unsettled() => vec![KeyCmd::Submit, KeyCmd::Retry],
            Ask::Word { .. } if self.can_confirm() => vec![KeyCmd::Submit],
            Ask::Word { .. } => Vec::new(),
            Ask::Pause(_) => vec![KeyCmd::Confirm, KeyCmd::Cancel],
        }
    }

    fn on_command(&mut self, state: &mut AppState, cmd: KeyCmd) -> Reply {
        if cmd == KeyCmd::Retry {
            let Op::Terminate { id, .. } = &self.op else {
                return Reply::stay();
            };
            self.check = Some(Check::Pending);
            return Reply::send(vec![Command::CheckCanTerminate { id: id.clone() }]);
        }
        let can = self.can_confirm();
        if let (Ask::Word { typed, .. }, KeyCmd::Submit) = (&mut self.ask, cmd)
            && self.check.as_ref().is_some_and(Check::unsettled)
        {
            // the word is typed after the user has read that the platform did not say
            typed.reset();
            self.check = Some(Check::Anyway);
            return Reply::stay();
        }
        let send = match &mut self.ask {
            Ask::Buttons => match choose(cmd, &mut self.on_action) {
                Choice::Confirm => Some(can),
                Choice::Cancel => Some(false),
                Choice::Moved | Choice::Other => None,
            },
            // Enter: the word typed and the action allowed sends; anything else cancels.
            Ask::Word { word, typed } => Some(can && is_word(word, typed.value())),
            Ask::Pause(quiet) => match cmd {
                // a y too soon is ignored, and the half second starts again
                KeyCmd::Confirm if !quiet.key_at(state.now) || !can => None,
                KeyCmd::Confirm => Some(true),
                _ => Some(false),
            },
        };
        match send {
            Some(true) => self.send(state),
            // "Don't ask again" is an answer too (Esc only closes).
            Some(false) if matches!(self.op, Op::SshConfig { .. }) => {
                Reply::close().with(crate::app::workspace::decline(state))
            }
            Some(false) => self.cancel(),
            None => Reply::stay(),
        }
    }

    fn text_focus(&self) -> bool {
        matches!(self.ask, Ask::Word { .. })
            && !self.busy
            && !matches!(
                self.check,
                Some(Check::Failed(_) | Check::Unsaid(_) | Check::Blocked(_))
            )
    }

    /// In a data-losing confirm, a key that is not part of the answer cancels (and goes no
    /// further); typing the word is part of it while it can still become the word.
    fn on_text(&mut self, _state: &mut AppState, ev: &KeyEvent) -> Reply {
        if self.busy {
            return Reply::stay();
        }
        let text_focus = self.text_focus();
        match &mut self.ask {
            Ask::Buttons => Reply::stay(),
            Ask::Word { word, typed } if text_focus && edits_text(ev) => {
                text::edit(typed, ev);
                if on_the_way(word, typed.value()) {
                    Reply::stay()
                } else {
                    self.cancel()
                }
            }
            Ask::Word { .. } | Ask::Pause(_) => self.cancel(),
        }
    }

    fn back(&mut self, _state: &mut AppState) -> Reply {
        self.cancel()
    }

    /// The quit question's buttons say what they do; while the API has not said whether a
    /// deployment can be terminated, Enter goes on to terminate anyway.
    fn relabel(&self, cmd: KeyCmd) -> Option<&'static str> {
        match (&self.op, cmd) {
            (Op::Quit { .. }, KeyCmd::Confirm) => Some("quit anyway"),
            (Op::Quit { .. }, KeyCmd::Cancel) => Some("keep running"),
            (Op::SshConfig { .. }, KeyCmd::Confirm) => Some("turn on"),
            (Op::SshConfig { .. }, KeyCmd::Cancel) => Some("don't ask again"),
            (_, KeyCmd::Submit) if self.unsettled() => Some("terminate anyway"),
            _ => None,
        }
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
        Err(e) => c.ask_again(e),
    }
    true
}
