//! Every dialog, one file each: its state, how it opens, its keys and how it takes the answers
//! to its requests. `ui::dialogs` draws them, one file each under the same names.
//!
//! The contract ([`DialogKeys`]): the reducer hands a key to the open dialog through
//! [`on_key`] only, after the global keys are handled once, in front of every dialog:
//! `Ctrl-C` quits from anywhere, `Esc` goes to [`DialogKeys::back`] (a step back, or close),
//! and a write a dialog asks for in a read-only session is dropped here and refused with
//! [`read_only_refusal`]'s one wording, naming what was not sent. A bracketed paste goes to the
//! field the dialog names ([`DialogKeys::paste_target`], routed by `app::paste`).

pub mod add_key;
pub mod confirm;
pub mod create_volume;
pub mod delete;
pub mod deploy;
pub mod deployment_info;
pub mod details;
pub mod edit_volume;
pub mod guard;
pub mod help;
pub mod key_info;
pub mod key_prompt;
pub mod kubeconfig;
pub mod messages;
pub mod new_watch;
pub mod notice;
pub mod pick;
pub mod planner;
pub mod rename;
pub mod team_info;
pub mod terminate;
pub mod volume_info;
pub mod watches;

use crossterm::event::{KeyCode, KeyEvent};
use tui_input::Input;

use super::action::Command;
use super::keymap::Key;
use super::state::{AppState, FlashKind};

pub use add_key::AddKey;
pub use confirm::{Confirm, Op};
pub use create_volume::CreateVolume;
pub use deploy::DeployWizard;
pub use deployment_info::DeploymentInfo;
pub use details::Details;
pub use edit_volume::EditVolume;
pub use guard::GuardDialog;
pub use help::Help;
pub use key_info::KeyInfo;
pub use key_prompt::KeyPrompt;
pub use kubeconfig::Kubeconfig;
pub use messages::Messages;
pub use new_watch::NewWatch;
pub use notice::Notice;
pub use pick::Pick;
pub use planner::PlannerDialog;
pub use rename::RenameDialog;
pub use team_info::TeamInfo;
pub use volume_info::VolumeInfo;
pub use watches::Watches;

/// Something a dialog asked for, on its way.
#[derive(Debug, Clone)]
pub enum Loading<T> {
    Loading,
    Loaded(T),
    Failed(String),
}

/// The open dialog. Each holds what it needs to draw and the ids it acts on, resolved when it
/// opened (never a row index).
#[derive(Debug, Clone)]
pub enum Dialog {
    /// `?`: the key table.
    Help(Help),
    /// The message log.
    Messages(Messages),
    /// Every field of one object (its raw JSON).
    Details(Details),
    /// Masked entry of the API key.
    KeyPrompt(KeyPrompt),
    /// A refusal or a fact: read, then Esc/Enter.
    Notice(Notice),
    /// The one confirm: carries the resolved operation it sends (terminate included).
    Confirm(Confirm),
    /// `d` on an offer.
    Deploy(Box<DeployWizard>),
    /// `e` on a deployment.
    Rename(RenameDialog),
    /// The guard key on a deployment: set or clear its spend guard.
    Guard(GuardDialog),
    /// `a` on the SSH keys pane.
    AddKey(AddKey),
    /// `a` on the Volumes pane.
    CreateVolume(Box<CreateVolume>),
    /// `Enter` on a volume.
    VolumeInfo(VolumeInfo),
    /// `e` on a volume.
    EditVolume(EditVolume),
    /// `A` / `D`: choose what to attach to or detach from; each row says why it is refused.
    Pick(Pick),
    /// `Enter` on a Kubernetes deployment.
    DeploymentInfo(DeploymentInfo),
    /// `K` on a Kubernetes deployment.
    Kubeconfig(Kubeconfig),
    /// `Enter` on a team.
    TeamInfo(TeamInfo),
    /// `Enter` on an SSH key.
    KeyInfo(KeyInfo),
    /// `w` on an offer: a price watch pre-filled from it.
    NewWatch(Box<NewWatch>),
    /// `W` on Offers: the price watches.
    Watches(Watches),
    /// `p` on Offers: the model planner.
    Planner(Box<PlannerDialog>),
}

/// What a dialog's key handler asks for.
#[derive(Debug)]
pub enum Next {
    /// Stay open (the dialog may have changed itself).
    Stay,
    /// Close. A dialog the handler opened meanwhile (a notice) stays.
    Close,
    /// Close and open another in its place.
    Open(Box<Dialog>),
}

#[derive(Debug)]
pub struct Reply {
    pub next: Next,
    pub cmds: Vec<Command>,
}

impl Reply {
    pub fn stay() -> Reply {
        Reply {
            next: Next::Stay,
            cmds: Vec::new(),
        }
    }
    pub fn close() -> Reply {
        Reply {
            next: Next::Close,
            cmds: Vec::new(),
        }
    }
    pub fn open(d: Dialog) -> Reply {
        Reply {
            next: Next::Open(Box::new(d)),
            cmds: Vec::new(),
        }
    }
    /// Stay open and send `cmds`.
    pub fn send(cmds: Vec<Command>) -> Reply {
        Reply {
            next: Next::Stay,
            cmds,
        }
    }
    pub fn with(mut self, cmds: Vec<Command>) -> Reply {
        self.cmds.extend(cmds);
        self
    }
}

/// What every dialog does with keys. The global keys never reach it: `Ctrl-C` quits in front
/// of it, and `Esc` comes as [`back`](DialogKeys::back).
pub trait DialogKeys {
    /// Any key but `Ctrl-C` and `Esc`.
    fn on_key(&mut self, state: &mut AppState, ev: KeyEvent) -> Reply;
    /// `Esc`: a step back where the dialog has steps, else close.
    fn back(&mut self, _state: &mut AppState) -> Reply {
        Reply::close()
    }
    /// A write it asked for was refused (read-only): show `why`, and take down any "sending"
    /// mark so it does not wait for an answer that will not come.
    fn refused(&mut self, _why: &str) {}
    /// The text field a paste goes into now, with the error line it clears; `None`: none.
    fn paste_target(&mut self) -> Option<(&mut Input, &mut Option<String>)> {
        None
    }
    /// The field a paste of `text` goes into: [`paste_target`](DialogKeys::paste_target)
    /// unless the dialog knows a better field for what was pasted.
    fn paste_target_for(&mut self, _text: &str) -> Option<(&mut Input, &mut Option<String>)> {
        self.paste_target()
    }
    /// A private key was pasted: say `why` where the user is looking. Returns whether this
    /// dialog showed it.
    fn private_key_pasted(&mut self, _why: &str) -> bool {
        false
    }
}

/// A wizard's hint for `key`: on its summary Enter presses the focused button rather than
/// going to the next step.
fn on_summary(summary: bool, key: Key, hint: &'static str) -> &'static str {
    match key {
        Key::Code(crossterm::event::KeyCode::Enter) if summary => "press button",
        _ => hint,
    }
}

impl Dialog {
    /// Its half of the contract.
    pub(crate) fn keys(&mut self) -> &mut dyn DialogKeys {
        match self {
            Dialog::Help(d) => d,
            Dialog::Messages(d) => d,
            Dialog::Details(d) => d,
            Dialog::KeyPrompt(d) => d,
            Dialog::Notice(d) => d,
            Dialog::Confirm(d) => d,
            Dialog::Deploy(d) => d.as_mut(),
            Dialog::Rename(d) => d,
            Dialog::Guard(d) => d,
            Dialog::AddKey(d) => d,
            Dialog::CreateVolume(d) => d.as_mut(),
            Dialog::VolumeInfo(d) => d,
            Dialog::EditVolume(d) => d,
            Dialog::Pick(d) => d,
            Dialog::DeploymentInfo(d) => d,
            Dialog::Kubeconfig(d) => d,
            Dialog::TeamInfo(d) => d,
            Dialog::KeyInfo(d) => d,
            Dialog::NewWatch(d) => d.as_mut(),
            Dialog::Watches(d) => d,
            Dialog::Planner(d) => d.as_mut(),
        }
    }

    /// Whether `key` does something in this dialog as it stands (its hint is shown only then).
    pub fn offers(&self, state: &AppState, key: Key) -> bool {
        match self {
            Dialog::Confirm(c) => c.offers(key),
            Dialog::DeploymentInfo(i) => i.offers(key),
            Dialog::Deploy(w) => w.offers(state, key),
            Dialog::CreateVolume(c) => c.offers(key),
            Dialog::Pick(p) => p.offers(key),
            Dialog::Planner(p) => p.offers(key),
            _ => true,
        }
    }

    /// How the hint of `key` reads in this dialog as it stands: a wizard's Enter goes to the
    /// next step, but on its summary it presses the focused button.
    pub fn relabel(&self, key: Key, hint: &'static str) -> &'static str {
        match self {
            Dialog::Deploy(w) => w.relabel(key, hint),
            Dialog::CreateVolume(c) => c.relabel(key, hint),
            _ => hint,
        }
    }

    /// The name the key table and the tests know this kind by.
    pub fn kind(&self) -> Kind {
        match self {
            Dialog::Help(_) => Kind::Help,
            Dialog::Messages(_) => Kind::Messages,
            Dialog::Details(_) => Kind::Details,
            Dialog::KeyPrompt(_) => Kind::KeyPrompt,
            Dialog::Notice(_) => Kind::Notice,
            Dialog::Confirm(c) if matches!(c.op, Op::Terminate { .. }) => Kind::Terminate,
            Dialog::Confirm(_) => Kind::Confirm,
            Dialog::Deploy(_) => Kind::Deploy,
            Dialog::Rename(_) => Kind::Rename,
            Dialog::Guard(_) => Kind::Guard,
            Dialog::AddKey(_) => Kind::AddKey,
            Dialog::CreateVolume(_) => Kind::CreateVolume,
            Dialog::VolumeInfo(_) => Kind::VolumeInfo,
            Dialog::EditVolume(_) => Kind::EditVolume,
            Dialog::Pick(_) => Kind::Pick,
            Dialog::DeploymentInfo(_) => Kind::DeploymentInfo,
            Dialog::Kubeconfig(_) => Kind::Kubeconfig,
            Dialog::TeamInfo(_) => Kind::TeamInfo,
            Dialog::KeyInfo(_) => Kind::KeyInfo,
            Dialog::NewWatch(_) => Kind::NewWatch,
            Dialog::Watches(_) => Kind::Watches,
            Dialog::Planner(_) => Kind::Planner,
        }
    }
}

/// The kinds of dialog, for the key table's hints and for tests that open every one. A confirm
/// that terminates is its own kind: it has its own keys (`r` checks again).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Help,
    Messages,
    Details,
    KeyPrompt,
    Notice,
    Confirm,
    Deploy,
    Terminate,
    Rename,
    Guard,
    AddKey,
    CreateVolume,
    VolumeInfo,
    EditVolume,
    Pick,
    DeploymentInfo,
    Kubeconfig,
    TeamInfo,
    KeyInfo,
    NewWatch,
    Watches,
    Planner,
}

impl Kind {
    /// The heading of its keys in `?`.
    pub fn title(self) -> &'static str {
        match self {
            Kind::Help => "help (?)",
            Kind::Messages => "message log",
            Kind::Details => "details",
            Kind::KeyPrompt => "API key prompt",
            Kind::Notice => "notices",
            Kind::Confirm => "confirm dialogs",
            Kind::Deploy => "deploy wizard",
            Kind::Terminate => "terminate",
            Kind::Rename => "rename",
            Kind::Guard => "spend guard",
            Kind::AddKey => "add SSH key",
            Kind::CreateVolume => "create volume",
            Kind::VolumeInfo => "volume details",
            Kind::EditVolume => "rename / expand volume",
            Kind::Pick => "attach / detach picker",
            Kind::DeploymentInfo => "deployment details",
            Kind::Kubeconfig => "kubeconfig",
            Kind::TeamInfo => "team details",
            Kind::KeyInfo => "SSH key details",
            Kind::NewWatch => "new price watch",
            Kind::Watches => "price watches",
            Kind::Planner => "model planner",
        }
    }

    pub const ALL: [Kind; 22] = [
        Kind::Help,
        Kind::Messages,
        Kind::Details,
        Kind::KeyPrompt,
        Kind::Notice,
        Kind::Confirm,
        Kind::Deploy,
        Kind::Terminate,
        Kind::Rename,
        Kind::Guard,
        Kind::AddKey,
        Kind::CreateVolume,
        Kind::VolumeInfo,
        Kind::EditVolume,
        Kind::Pick,
        Kind::DeploymentInfo,
        Kind::Kubeconfig,
        Kind::TeamInfo,
        Kind::KeyInfo,
        Kind::NewWatch,
        Kind::Watches,
        Kind::Planner,
    ];
}

/// Open `d` in place of whatever dialog is open.
pub fn open(state: &mut AppState, d: Dialog) {
    state.dialog = Some(d);
}

/// The one wording of a read-only refusal.
pub fn read_only_refusal(what: &str) -> String {
    format!(
        "Read-only mode (--read-only): {what} was not sent. Restart without it to make changes."
    )
}

/// In a read-only session: say that `what` was not sent, and return true.
pub fn refuse_if_read_only(state: &mut AppState, what: &str) -> bool {
    if state.session.read_only {
        state.say(FlashKind::Warning, read_only_refusal(what));
        return true;
    }
    false
}

/// The one route of a key into the open dialog, with the global keys in front.
pub fn on_key(state: &mut AppState, ev: KeyEvent) -> Vec<Command> {
    let Some(mut d) = state.dialog.take() else {
        return Vec::new();
    };
    let reply = if ev.code == KeyCode::Esc {
        d.keys().back(state)
    } else {
        d.keys().on_key(state, ev)
    };
    let Reply { next, cmds } = reply;
    let mut d = match next {
        Next::Stay => Some(d),
        Next::Close => None,
        Next::Open(n) => {
            state.dialog = Some(*n);
            None
        }
    };
    let cmds = guard_writes(state, d.as_mut(), cmds);
    if let Some(d) = d
        && state.dialog.is_none()
    {
        state.dialog = Some(d);
    }
    cmds
}

/// In a read-only session every write is dropped here and refused in one wording; the dialog
/// that asked is told, so it shows why and stops waiting.
fn guard_writes(
    state: &mut AppState,
    mut d: Option<&mut Dialog>,
    cmds: Vec<Command>,
) -> Vec<Command> {
    if !state.session.read_only {
        return cmds;
    }
    let (writes, keep): (Vec<Command>, Vec<Command>) =
        cmds.into_iter().partition(Command::is_write);
    for w in writes {
        let why = read_only_refusal(w.write_label().unwrap_or("the change"));
        if matches!(w, Command::Deploy { .. }) {
            state.deploy.in_flight = false;
        }
        match d.as_deref_mut() {
            Some(d) => d.keys().refused(&why),
            None => {
                if let Some(open) = state.dialog.as_mut() {
                    open.keys().refused(&why);
                }
            }
        }
        state.say(FlashKind::Warning, why);
    }
    keep
}

/// Scroll keys of the read-only views.
pub(crate) fn scroll(code: KeyCode, s: &mut u16) -> bool {
    match code {
        KeyCode::Down | KeyCode::Char('j') => *s = s.saturating_add(1),
        KeyCode::Up | KeyCode::Char('k') => *s = s.saturating_sub(1),
        KeyCode::PageDown => *s = s.saturating_add(10),
        KeyCode::PageUp => *s = s.saturating_sub(10),
        KeyCode::Home | KeyCode::Char('g') => *s = 0,
        _ => return false,
    }
    true
}

/// Moving in a list inside a dialog: `↑↓`/`j k`, `g`/`G`, `Home`/`End`.
pub(crate) fn list_step(code: KeyCode, cursor: &mut usize, len: usize) -> bool {
    match code {
        KeyCode::Up | KeyCode::Char('k') => *cursor = cursor.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => *cursor = (*cursor + 1).min(len.saturating_sub(1)),
        KeyCode::Home | KeyCode::Char('g') => *cursor = 0,
        KeyCode::End | KeyCode::Char('G') => *cursor = len.saturating_sub(1),
        _ => return false,
    }
    true
}
