//! Every dialog, one file each: its state, how it opens, its keys and how it takes the answers
//! to its requests. `ui::dialogs` draws them, one file each under the same names.
//!
//! The contract ([`DialogKeys`]): the reducer hands a key to the open dialog through
//! [`on_key`] only, after the global keys are handled once, in front of every dialog:
//! `Ctrl-C` quits from anywhere, `Esc` goes to [`DialogKeys::back`] (a step back, or close),
//! and a write a dialog asks for in a read-only session is dropped here and refused with
//! [`read_only_refusal`]'s one wording, naming what was not sent. A dialog receives commands
//! (`Confirm`, `Submit`, `Up`…) from the key table, never key codes; the keys a text field
//! takes reach it through [`DialogKeys::on_text`]. A bracketed paste goes to the
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
pub mod tunnel;
pub mod volume_info;
pub mod watches;

use crossterm::event::KeyEvent;
use tui_input::Input;

use super::action::Command;
use super::keys::{Focus, KeyCmd, Routed, route};
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
pub use tunnel::TunnelDialog;
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
    /// `p` on a running deployment: the port a tunnel brings to localhost.
    Tunnel(TunnelDialog),
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

/// What every dialog does with keys. It receives commands from the key table (`app::keys`),
/// never raw key codes; the global keys never reach it: `Ctrl-C` quits in front of it, and
/// `Esc` comes as [`back`](DialogKeys::back).
pub trait DialogKeys {
    /// The commands it acts on as it stands. The footer and its hint line offer exactly these,
    /// and no other command reaches [`on_command`](DialogKeys::on_command).
    fn commands(&self, state: &AppState) -> Vec<KeyCmd>;
    /// One of [`commands`](DialogKeys::commands).
    fn on_command(&mut self, state: &mut AppState, cmd: KeyCmd) -> Reply;
    /// Whether one of its text fields has the focus: then the keys that edit text go to
    /// [`on_text`](DialogKeys::on_text) before any command.
    fn text_focus(&self) -> bool {
        false
    }
    /// A key that is none of its commands: typing, when a text field has the focus.
    fn on_text(&mut self, _state: &mut AppState, _ev: &KeyEvent) -> Reply {
        Reply::stay()
    }
    /// Whether `Esc` does something now.
    fn can_go_back(&self) -> bool {
        true
    }
    /// `Esc`: a step back where the dialog has steps, else close.
    fn back(&mut self, _state: &mut AppState) -> Reply {
        Reply::close()
    }
    /// How the hint of `cmd` reads as it stands, when not as the table says (a wizard's Enter
    /// goes to the next step, but on its summary it presses the focused button).
    fn relabel(&self, _cmd: KeyCmd) -> Option<&'static str> {
        None
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

/// A wizard's Enter on its summary presses the focused button rather than going to the next
/// step.
fn on_summary(summary: bool, cmd: KeyCmd) -> Option<&'static str> {
    (summary && cmd == KeyCmd::Submit).then_some("press button")
}

/// A wizard's `Esc` says what it does where it stands: "close" where it closes (the first
/// step), "back" on every later step.
fn esc_in_wizard(closes: bool, cmd: KeyCmd) -> Option<&'static str> {
    (cmd == KeyCmd::Back).then_some(if closes { "close" } else { "back" })
}

impl Dialog {
    /// Its half of the contract.
    pub fn keys(&self) -> &dyn DialogKeys {
        match self {
            Dialog::Help(d) => d,
            Dialog::Messages(d) => d,
            Dialog::Details(d) => d,
            Dialog::KeyPrompt(d) => d,
            Dialog::Notice(d) => d,
            Dialog::Confirm(d) => d,
            Dialog::Deploy(d) => d.as_ref(),
            Dialog::Rename(d) => d,
            Dialog::Guard(d) => d,
            Dialog::AddKey(d) => d,
            Dialog::CreateVolume(d) => d.as_ref(),
            Dialog::VolumeInfo(d) => d,
            Dialog::EditVolume(d) => d,
            Dialog::Pick(d) => d,
            Dialog::DeploymentInfo(d) => d,
            Dialog::Kubeconfig(d) => d,
            Dialog::TeamInfo(d) => d,
            Dialog::KeyInfo(d) => d,
            Dialog::NewWatch(d) => d.as_ref(),
            Dialog::Watches(d) => d,
            Dialog::Planner(d) => d.as_ref(),
            Dialog::Tunnel(d) => d,
        }
    }

    /// Its half of the contract, to act.
    pub(crate) fn keys_mut(&mut self) -> &mut dyn DialogKeys {
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
            Dialog::Tunnel(d) => d,
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
            Dialog::Confirm(c) => match c.op {
                Op::Terminate { .. } => Kind::Terminate,
                Op::DeleteVolume { .. } => Kind::DeleteVolume,
                Op::DeleteKey { .. } => Kind::DeleteKey,
                _ => Kind::Confirm,
            },
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
            Dialog::Tunnel(_) => Kind::Tunnel,
        }
    }
}

/// The kinds of dialog, for the key table and for tests that open every one. A confirm that
/// loses data is its own kind: terminate and delete volume ask for a typed word, delete SSH
/// key for a `y` after a pause.
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
    DeleteVolume,
    DeleteKey,
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
    Tunnel,
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
            Kind::DeleteVolume => "delete volume",
            Kind::DeleteKey => "delete SSH key",
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
            Kind::Tunnel => "tunnel",
        }
    }

    pub const ALL: [Kind; 25] = [
        Kind::Help,
        Kind::Messages,
        Kind::Details,
        Kind::KeyPrompt,
        Kind::Notice,
        Kind::Confirm,
        Kind::Deploy,
        Kind::Terminate,
        Kind::DeleteVolume,
        Kind::DeleteKey,
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
        Kind::Tunnel,
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

/// The one route of a key into the open dialog, with the global keys in front: the key table
/// names the command; the dialog acts on it only if it handles it now, else the key is one it
/// takes as typing (or none).
pub fn on_key(state: &mut AppState, ev: KeyEvent) -> Vec<Command> {
    let Some(mut d) = state.dialog.take() else {
        return Vec::new();
    };
    let focus = Focus::Dialog {
        kind: d.kind(),
        text: d.keys().text_focus(),
    };
    let reply = match route(&ev, focus) {
        Routed::Cmd(KeyCmd::Back) if d.keys().can_go_back() => d.keys_mut().back(state),
        Routed::Cmd(KeyCmd::Back) => Reply::stay(),
        Routed::Cmd(cmd) if d.keys().commands(state).contains(&cmd) => {
            d.keys_mut().on_command(state, cmd)
        }
        _ => d.keys_mut().on_text(state, &ev),
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
            Some(d) => d.keys_mut().refused(&why),
            None => {
                if let Some(open) = state.dialog.as_mut() {
                    open.keys_mut().refused(&why);
                }
            }
        }
        state.say(FlashKind::Warning, why);
    }
    keep
}

/// The keys of a read-only view that scrolls (the message log, details, volume details):
/// `Close`, and the scroll commands that move it now.
macro_rules! scroll_view {
    ($($view:ty),*) => {$(
        impl DialogKeys for $view {
            fn commands(&self, _state: &AppState) -> Vec<KeyCmd> {
                view_commands(self.scroll, None)
            }

            fn on_command(&mut self, _state: &mut AppState, cmd: KeyCmd) -> Reply {
                on_view_command(cmd, &mut self.scroll)
            }
        }
    )*};
}

scroll_view!(Messages, VolumeInfo);

/// A view's commands: `Close`, and those that scroll it from `at` (`max`: how far, if known).
pub(crate) fn view_commands(at: u16, max: Option<u16>) -> Vec<KeyCmd> {
    let mut out = vec![KeyCmd::Close];
    out.extend(scroll_commands(at, max));
    out
}

/// A view's command: `Close` closes, the others scroll.
pub(crate) fn on_view_command(cmd: KeyCmd, at: &mut u16) -> Reply {
    if cmd == KeyCmd::Close {
        return Reply::close();
    }
    scroll(cmd, at);
    Reply::stay()
}

/// A key typed into a one-line field: the field edits it, and a change clears the error line.
pub(crate) fn edit_field(input: &mut Input, error: &mut Option<String>, ev: &KeyEvent) -> Reply {
    if super::text::edit(input, ev) {
        *error = None;
    }
    Reply::stay()
}

/// The scroll commands that move a view scrolled to `at` now (`max`: how far it goes, if known).
pub(crate) fn scroll_commands(at: u16, max: Option<u16>) -> Vec<KeyCmd> {
    let mut out = Vec::new();
    if at > 0 {
        out.extend([KeyCmd::Up, KeyCmd::PageUp, KeyCmd::Top]);
    }
    if max.is_none_or(|m| at < m) {
        out.extend([KeyCmd::Down, KeyCmd::PageDown]);
    }
    out
}

/// Scroll a read-only view; `false` for a command that does not scroll.
pub(crate) fn scroll(cmd: KeyCmd, s: &mut u16) -> bool {
    match cmd {
        KeyCmd::Down => *s = s.saturating_add(1),
        KeyCmd::Up => *s = s.saturating_sub(1),
        KeyCmd::PageDown => *s = s.saturating_add(10),
        KeyCmd::PageUp => *s = s.saturating_sub(10),
        KeyCmd::Top => *s = 0,
        _ => return false,
    }
    true
}

/// The commands that move the cursor of a list of `len` rows at `cursor` now.
pub(crate) fn list_commands(cursor: usize, len: usize) -> Vec<KeyCmd> {
    let mut out = Vec::new();
    if cursor > 0 {
        out.extend([KeyCmd::Up, KeyCmd::Top]);
    }
    if cursor + 1 < len {
        out.extend([KeyCmd::Down, KeyCmd::Bottom]);
    }
    out
}

/// Moving in a list inside a dialog; `false` for a command that does not move.
pub(crate) fn list_step(cmd: KeyCmd, cursor: &mut usize, len: usize) -> bool {
    match cmd {
        KeyCmd::Up => *cursor = cursor.saturating_sub(1),
        KeyCmd::Down => *cursor = (*cursor + 1).min(len.saturating_sub(1)),
        KeyCmd::Top => *cursor = 0,
        KeyCmd::Bottom => *cursor = len.saturating_sub(1),
        _ => return false,
    }
    true
}
