//! The one key table: (keys, description, context) drives key handling, the `?` overlay and the
//! footer hints, so they can never disagree (STYLE.md lesson 5).

use std::sync::OnceLock;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::Pane;
use super::dialogs::{Dialog, Kind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Code(KeyCode),
}

impl Key {
    pub fn matches(self, ev: &KeyEvent) -> bool {
        match self {
            Key::Char(c) => {
                ev.code == KeyCode::Char(c)
                    && !ev
                        .modifiers
                        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
            }
            Key::Ctrl(c) => {
                ev.code == KeyCode::Char(c) && ev.modifiers.contains(KeyModifiers::CONTROL)
            }
            Key::Code(code) => ev.code == code,
        }
    }

    pub fn label(self) -> String {
        match self {
            Key::Char(' ') => "Space".into(),
            Key::Char(c) => c.to_string(),
            Key::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            Key::Code(KeyCode::Up) => "↑".into(),
            Key::Code(KeyCode::Down) => "↓".into(),
            Key::Code(KeyCode::Left) => "←".into(),
            Key::Code(KeyCode::Right) => "→".into(),
            Key::Code(KeyCode::PageUp) => "PgUp".into(),
            Key::Code(KeyCode::PageDown) => "PgDn".into(),
            Key::Code(KeyCode::Home) => "Home".into(),
            Key::Code(KeyCode::End) => "End".into(),
            Key::Code(KeyCode::Enter) => "Enter".into(),
            Key::Code(KeyCode::Esc) => "Esc".into(),
            Key::Code(KeyCode::Tab) => "Tab".into(),
            Key::Code(KeyCode::BackTab) => "Shift-Tab".into(),
            Key::Code(KeyCode::F(n)) => format!("F{n}"),
            Key::Code(KeyCode::Backspace) => "Backspace".into(),
            Key::Code(KeyCode::Delete) => "Delete".into(),
            Key::Code(KeyCode::Insert) => "Insert".into(),
            Key::Code(other) => format!("{other:?}"),
        }
    }
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ctx {
    Global,
    /// Every pane with a table.
    Lists,
    On(Pane),
    /// Every dialog (handled in front of it).
    Dialogs,
    /// One kind of dialog (handled by it, `app::dialogs`).
    Dialog(Kind),
}

impl Ctx {
    pub fn applies(self, pane: Pane) -> bool {
        match self {
            Ctx::Global | Ctx::Lists => true,
            Ctx::On(p) => p == pane,
            Ctx::Dialogs | Ctx::Dialog(_) => false,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Ctx::Global => "everywhere",
            Ctx::Lists => "in lists",
            Ctx::On(Pane::Offers) => "Offers",
            Ctx::On(Pane::Deployments) => "Deployments",
            Ctx::On(Pane::Volumes) => "Volumes",
            Ctx::On(Pane::Keys) => "SSH keys",
            Ctx::On(Pane::Account) => "Account",
            Ctx::Dialogs => "in every dialog",
            Ctx::Dialog(k) => k.title(),
        }
    }
}

/// What a key does, before the reducer decides what that means in the current state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyCmd {
    Pane(Pane),
    NextPane,
    PrevPane,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Details,
    Filter,
    SortNext,
    SortReverse,
    CycleType,
    CycleDeploymentFilter,
    CopySsh,
    Deploy,
    Terminate,
    Rename,
    /// Set or clear the spend guard of the selected deployment.
    Guard,
    OpenSsh,
    Refresh,
    Help,
    Messages,
    Quit,
    AddKey,
    DeleteKey,
    CreateVolume,
    EditVolume,
    DeleteVolume,
    /// `A` / `D`: attach / detach a volume (from a volume or from a deployment).
    Attach,
    Detach,
    Kubeconfig,
    UseTeam,
    /// A key of a dialog: the open dialog handles it (`app::dialogs`); listed for its hint.
    InDialog,
    /// A price watch pre-filled from the selected offer.
    NewWatch,
    /// The list of price watches.
    Watches,
    /// The model planner.
    Planner,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub keys: &'static [Key],
    /// Short label for the footer; empty keeps it out of the footer.
    pub hint: &'static str,
    /// Description for the `?` overlay.
    pub help: &'static str,
    pub ctx: Ctx,
    pub cmd: KeyCmd,
    /// What the key leads to sending that would change the account (named in the read-only
    /// refusal); `None` for keys that only read, or only open a view.
    pub writes: Option<&'static str>,
}

use Key::{Char, Code, Ctrl};

pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[Char('1')],
        hint: "",
        help: "Offers",
        ctx: Ctx::Global,
        cmd: KeyCmd::Pane(Pane::Offers),
        writes: None,
    },
    Binding {
        keys: &[Char('2')],
        hint: "",
        help: "Deployments",
        ctx: Ctx::Global,
        cmd: KeyCmd::Pane(Pane::Deployments),
        writes: None,
    },
    Binding {
        keys: &[Char('3')],
        hint: "",
        help: "Volumes",
        ctx: Ctx::Global,
        cmd: KeyCmd::Pane(Pane::Volumes),
        writes: None,
    },
    Binding {
        keys: &[Char('4')],
        hint: "",
        help: "SSH keys",
        ctx: Ctx::Global,
        cmd: KeyCmd::Pane(Pane::Keys),
        writes: None,
    },
    Binding {
        keys: &[Char('5')],
        hint: "",
        help: "Account",
        ctx: Ctx::Global,
        cmd: KeyCmd::Pane(Pane::Account),
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Tab)],
        hint: "",
        help: "next pane",
        ctx: Ctx::Global,
        cmd: KeyCmd::NextPane,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::BackTab)],
        hint: "",
        help: "previous pane",
        ctx: Ctx::Global,
        cmd: KeyCmd::PrevPane,
        writes: None,
    },
    Binding {
        keys: &[Char('r')],
        hint: "refresh",
        help: "refresh now (within the rate budget)",
        ctx: Ctx::Global,
        cmd: KeyCmd::Refresh,
        writes: None,
    },
    Binding {
        keys: &[Char('?')],
        hint: "help",
        help: "this help",
        ctx: Ctx::Global,
        cmd: KeyCmd::Help,
        writes: None,
    },
    Binding {
        keys: &[Char('m')],
        hint: "",
        help: "message log: recent messages and errors with their times",
        ctx: Ctx::Global,
        cmd: KeyCmd::Messages,
        writes: None,
    },
    Binding {
        keys: &[Char('q'), Ctrl('c')],
        hint: "quit",
        help: "quit",
        ctx: Ctx::Global,
        cmd: KeyCmd::Quit,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Up), Char('k')],
        hint: "",
        help: "move up",
        ctx: Ctx::Lists,
        cmd: KeyCmd::Up,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Down), Char('j')],
        hint: "",
        help: "move down",
        ctx: Ctx::Lists,
        cmd: KeyCmd::Down,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::PageUp)],
        hint: "",
        help: "page up",
        ctx: Ctx::Lists,
        cmd: KeyCmd::PageUp,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::PageDown)],
        hint: "",
        help: "page down",
        ctx: Ctx::Lists,
        cmd: KeyCmd::PageDown,
        writes: None,
    },
    Binding {
        keys: &[Char('g'), Code(KeyCode::Home)],
        hint: "",
        help: "first row",
        ctx: Ctx::Lists,
        cmd: KeyCmd::Top,
        writes: None,
    },
    Binding {
        keys: &[Char('G'), Code(KeyCode::End)],
        hint: "",
        help: "last row",
        ctx: Ctx::Lists,
        cmd: KeyCmd::Bottom,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Enter)],
        hint: "details",
        help: "details of the selected row (every field)",
        ctx: Ctx::Lists,
        cmd: KeyCmd::Details,
        writes: None,
    },
    Binding {
        keys: &[Char('/')],
        hint: "filter",
        help: "filter: words (sent as search) and gpu: provider: type: region: count>= vram>= price< gpuprice<",
        ctx: Ctx::On(Pane::Offers),
        cmd: KeyCmd::Filter,
        writes: None,
    },
    Binding {
        keys: &[Char('s')],
        hint: "sort",
        help: "next sort column ($/h, $/GPU·h, GPUs, VRAM, provider)",
        ctx: Ctx::On(Pane::Offers),
        cmd: KeyCmd::SortNext,
        writes: None,
    },
    Binding {
        keys: &[Char('S')],
        hint: "reverse",
        help: "reverse the sort order",
        ctx: Ctx::On(Pane::Offers),
        cmd: KeyCmd::SortReverse,
        writes: None,
    },
    Binding {
        keys: &[Char('t')],
        hint: "type",
        help: "instance type: all → SPOT → DEDICATED → CLUSTER",
        ctx: Ctx::On(Pane::Offers),
        cmd: KeyCmd::CycleType,
        writes: None,
    },
    Binding {
        keys: &[Char('f')],
        hint: "active/inactive/all",
        help: "show active → inactive → all deployments",
        ctx: Ctx::On(Pane::Deployments),
        cmd: KeyCmd::CycleDeploymentFilter,
        writes: None,
    },
    Binding {
        keys: &[Char('c')],
        hint: "copy ssh",
        help: "copy the SSH command (OSC 52, works over SSH)",
        ctx: Ctx::On(Pane::Deployments),
        cmd: KeyCmd::CopySsh,
        writes: None,
    },
    Binding {
        keys: &[Char('d')],
        hint: "deploy",
        help: "deploy the selected offer (wizard, then a cost summary to confirm)",
        ctx: Ctx::On(Pane::Offers),
        cmd: KeyCmd::Deploy,
        writes: None,
    },
    Binding {
        keys: &[Char('w')],
        hint: "", // the Offers footer is full at 80 columns: shown by `?`
        help: "watch for offers like the selected one at a price you choose",
        ctx: Ctx::On(Pane::Offers),
        cmd: KeyCmd::NewWatch,
        writes: None,
    },
    Binding {
        keys: &[Char('W')],
        hint: "", // the Offers footer is full: shown by `?`
        help: "the price watches (e changes one, x removes one)",
        ctx: Ctx::On(Pane::Offers),
        cmd: KeyCmd::Watches,
        writes: None,
    },
    Binding {
        keys: &[Char('p')],
        hint: "", // the Offers footer is full: shown by `?`
        help: "the model planner: plan a model onto the offers (Fit, est. tok/s and $/Mtok columns)",
        ctx: Ctx::On(Pane::Offers),
        cmd: KeyCmd::Planner,
        writes: None,
    },
    Binding {
        keys: &[Char('x')],
        hint: "terminate",
        help: "terminate the selected deployment (checks can-terminate, then asks)",
        ctx: Ctx::On(Pane::Deployments),
        cmd: KeyCmd::Terminate,
        writes: Some("the terminate request"),
    },
    Binding {
        keys: &[Char('e')],
        hint: "rename",
        help: "rename the selected deployment",
        ctx: Ctx::On(Pane::Deployments),
        cmd: KeyCmd::Rename,
        writes: Some("the rename"),
    },
    Binding {
        keys: &[Char('T')],
        hint: "", // the Deployments footer is full: shown by `?`
        help: "set or clear the spend guard (after a time, at a time, or at a spend)",
        ctx: Ctx::On(Pane::Deployments),
        cmd: KeyCmd::Guard,
        writes: None,
    },
    Binding {
        keys: &[Char('o')],
        hint: "ssh",
        help: "open an SSH session (the dashboard suspends and comes back)",
        ctx: Ctx::On(Pane::Deployments),
        cmd: KeyCmd::OpenSsh,
        writes: None,
    },
    Binding {
        keys: &[Char('K')],
        hint: "kubeconfig",
        help: "show and save the kubeconfig (Kubernetes add-on deployments)",
        ctx: Ctx::On(Pane::Deployments),
        cmd: KeyCmd::Kubeconfig,
        writes: None,
    },
    Binding {
        keys: &[Char('A')],
        hint: "", // the Deployments footer is full: shown by `?`
        help: "attach one of its provider's volumes to the deployment",
        ctx: Ctx::On(Pane::Deployments),
        cmd: KeyCmd::Attach,
        writes: Some("the volume attach"),
    },
    Binding {
        keys: &[Char('D')],
        hint: "", // the Deployments footer is full: shown by `?`
        help: "detach a volume from the deployment",
        ctx: Ctx::On(Pane::Deployments),
        cmd: KeyCmd::Detach,
        writes: Some("the volume detach"),
    },
    Binding {
        keys: &[Char('a')],
        hint: "create",
        help: "create a volume: provider → region → name → size → attach → summary",
        ctx: Ctx::On(Pane::Volumes),
        cmd: KeyCmd::CreateVolume,
        writes: Some("the new volume"),
    },
    Binding {
        keys: &[Char('e')],
        hint: "rename/expand",
        help: "rename or expand the volume (where its provider allows it)",
        ctx: Ctx::On(Pane::Volumes),
        cmd: KeyCmd::EditVolume,
        writes: Some("the volume rename/expand"),
    },
    Binding {
        keys: &[Char('A')],
        hint: "attach",
        help: "attach the volume to an instance (same provider and region)",
        ctx: Ctx::On(Pane::Volumes),
        cmd: KeyCmd::Attach,
        writes: Some("the volume attach"),
    },
    Binding {
        keys: &[Char('D')],
        hint: "detach",
        help: "detach the volume from an instance",
        ctx: Ctx::On(Pane::Volumes),
        cmd: KeyCmd::Detach,
        writes: Some("the volume detach"),
    },
    Binding {
        keys: &[Char('x')],
        hint: "delete",
        help: "delete the volume (detached only; confirm dialog)",
        ctx: Ctx::On(Pane::Volumes),
        cmd: KeyCmd::DeleteVolume,
        writes: Some("the volume delete"),
    },
    Binding {
        keys: &[Char('a')],
        hint: "add",
        help: "add an SSH key (from ~/.ssh/*.pub or pasted; checked before sending)",
        ctx: Ctx::On(Pane::Keys),
        cmd: KeyCmd::AddKey,
        writes: Some("the new SSH key"),
    },
    Binding {
        keys: &[Char('x')],
        hint: "delete",
        help: "delete the SSH key (confirm dialog)",
        ctx: Ctx::On(Pane::Keys),
        cmd: KeyCmd::DeleteKey,
        writes: Some("the SSH key delete"),
    },
    Binding {
        keys: &[Char('u')],
        hint: "use team",
        help: "new deploys and volumes go to the selected team",
        ctx: Ctx::On(Pane::Account),
        cmd: KeyCmd::UseTeam,
        writes: None,
    },
    Binding {
        keys: &[Ctrl('c')],
        hint: "quit",
        help: "quit, from any dialog or text field",
        ctx: Ctx::Dialogs,
        cmd: KeyCmd::Quit,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Esc)],
        hint: "back/close",
        help: "a step back (a wizard's previous step, an expansion's edit form), or close",
        ctx: Ctx::Dialogs,
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Up), Code(KeyCode::Down), Char('j'), Char('k')],
        hint: "scroll",
        help: "scroll",
        ctx: Ctx::Dialog(Kind::Help),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Up), Code(KeyCode::Down), Char('j'), Char('k')],
        hint: "scroll",
        help: "scroll",
        ctx: Ctx::Dialog(Kind::Messages),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Up), Code(KeyCode::Down), Char('j'), Char('k')],
        hint: "scroll",
        help: "scroll",
        ctx: Ctx::Dialog(Kind::Details),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Enter)],
        hint: "save",
        help: "use the key and save it to ~/.spheron/credentials (0600)",
        ctx: Ctx::Dialog(Kind::KeyPrompt),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Enter)],
        hint: "close",
        help: "close",
        ctx: Ctx::Dialog(Kind::Notice),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Char('y')],
        hint: "confirm",
        help: "send the operation (once)",
        ctx: Ctx::Dialog(Kind::Confirm),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[
            Code(KeyCode::Tab),
            Code(KeyCode::Left),
            Code(KeyCode::Right),
        ],
        hint: "move",
        help: "move between Cancel and the action",
        ctx: Ctx::Dialog(Kind::Confirm),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Enter)],
        hint: "",
        help: "press the focused button (it starts on Cancel)",
        ctx: Ctx::Dialog(Kind::Confirm),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Char('n')],
        hint: "",
        help: "cancel",
        ctx: Ctx::Dialog(Kind::Confirm),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Up), Code(KeyCode::Down), Char('j'), Char('k')],
        hint: "choose",
        help: "choose in a list",
        ctx: Ctx::Dialog(Kind::Deploy),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Enter)],
        hint: "next",
        help: "next step (on the summary: press the focused button)",
        ctx: Ctx::Dialog(Kind::Deploy),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Char(' ')],
        hint: "select volume",
        help: "attach or unselect a volume (Volumes step)",
        ctx: Ctx::Dialog(Kind::Deploy),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Char('y')],
        hint: "deploy",
        help: "deploy, on the summary: asks in the confirm (once; never retried by itself)",
        ctx: Ctx::Dialog(Kind::Deploy),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Char('y')],
        hint: "terminate",
        help: "terminate (when can-terminate allows it)",
        ctx: Ctx::Dialog(Kind::Terminate),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[
            Code(KeyCode::Tab),
            Code(KeyCode::Left),
            Code(KeyCode::Right),
        ],
        hint: "move",
        help: "move between Cancel and Terminate",
        ctx: Ctx::Dialog(Kind::Terminate),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Char('r')],
        hint: "check again",
        help: "ask can-terminate again after a failed check",
        ctx: Ctx::Dialog(Kind::Terminate),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Enter)],
        hint: "rename",
        help: "rename (only the name changes)",
        ctx: Ctx::Dialog(Kind::Rename),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Enter)],
        hint: "set (empty clears)",
        help: "set the guard: 8h or 1h30m from now, 18:00 local, $50 of spend; empty clears it",
        ctx: Ctx::Dialog(Kind::Guard),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Tab), Code(KeyCode::BackTab)],
        hint: "next field",
        help: "name → ~/.ssh/*.pub list → key",
        ctx: Ctx::Dialog(Kind::AddKey),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Enter)],
        hint: "add",
        help: "add the key (in the list: pick it)",
        ctx: Ctx::Dialog(Kind::AddKey),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Ctrl('u')],
        hint: "clear",
        help: "clear the field",
        ctx: Ctx::Dialog(Kind::AddKey),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Enter)],
        hint: "next",
        help: "next step (on the summary: press the focused button)",
        ctx: Ctx::Dialog(Kind::CreateVolume),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::BackTab)],
        hint: "back",
        help: "previous step",
        ctx: Ctx::Dialog(Kind::CreateVolume),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Char('y')],
        hint: "create",
        help: "create, on the summary",
        ctx: Ctx::Dialog(Kind::CreateVolume),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Up), Code(KeyCode::Down), Char('j'), Char('k')],
        hint: "scroll",
        help: "scroll",
        ctx: Ctx::Dialog(Kind::VolumeInfo),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Tab)],
        hint: "next field",
        help: "name ↔ size",
        ctx: Ctx::Dialog(Kind::EditVolume),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Enter)],
        hint: "save",
        help: "rename at once; an expansion goes to the confirm",
        ctx: Ctx::Dialog(Kind::EditVolume),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Up), Code(KeyCode::Down), Char('j'), Char('k')],
        hint: "choose",
        help: "choose a row (✗ rows say why they are refused)",
        ctx: Ctx::Dialog(Kind::Pick),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Enter)],
        hint: "continue",
        help: "continue to the confirm",
        ctx: Ctx::Dialog(Kind::Pick),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Up), Code(KeyCode::Down), Char('j'), Char('k')],
        hint: "scroll",
        help: "scroll",
        ctx: Ctx::Dialog(Kind::DeploymentInfo),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Char('J')],
        hint: "raw JSON",
        help: "show / hide every field as raw JSON",
        ctx: Ctx::Dialog(Kind::DeploymentInfo),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Char('K')],
        hint: "kubeconfig",
        help: "show and save the kubeconfig",
        ctx: Ctx::Dialog(Kind::DeploymentInfo),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Char('A'), Char('D')],
        hint: "attach/detach",
        help: "attach / detach a volume",
        ctx: Ctx::Dialog(Kind::DeploymentInfo),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Enter)],
        hint: "save",
        help: "save to the file (0600; never over a file without asking)",
        ctx: Ctx::Dialog(Kind::Kubeconfig),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Char('y'), Char('n')],
        hint: "overwrite?",
        help: "answer the overwrite question",
        ctx: Ctx::Dialog(Kind::Kubeconfig),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Up), Code(KeyCode::Down)],
        hint: "scroll",
        help: "scroll",
        ctx: Ctx::Dialog(Kind::Kubeconfig),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Char('u')],
        hint: "use team",
        help: "new deploys and volumes go to this team",
        ctx: Ctx::Dialog(Kind::TeamInfo),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Enter)],
        hint: "close",
        help: "close",
        ctx: Ctx::Dialog(Kind::KeyInfo),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Enter)],
        hint: "save",
        help: "save the watch (in the local store)",
        ctx: Ctx::Dialog(Kind::NewWatch),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Enter)],
        hint: "plan",
        help: "plan the model (or, on the first row, clear the plan)",
        ctx: Ctx::Dialog(Kind::Planner),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Up), Code(KeyCode::Down)],
        hint: "model",
        help: "choose the model (type to search the list)",
        ctx: Ctx::Dialog(Kind::Planner),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Tab), Code(KeyCode::BackTab)],
        hint: "next field",
        help: "the next / previous field",
        ctx: Ctx::Dialog(Kind::Planner),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Left), Code(KeyCode::Right)],
        hint: "change",
        help: "change the precision, KV cache or task (Space too)",
        ctx: Ctx::Dialog(Kind::Planner),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Code(KeyCode::Up), Code(KeyCode::Down), Char('j'), Char('k')],
        hint: "move",
        help: "move",
        ctx: Ctx::Dialog(Kind::Watches),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Char('e')],
        hint: "change",
        help: "change the maximum $/GPU·h of the selected watch",
        ctx: Ctx::Dialog(Kind::Watches),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
    Binding {
        keys: &[Char('x')],
        hint: "remove",
        help: "remove the selected watch",
        ctx: Ctx::Dialog(Kind::Watches),
        cmd: KeyCmd::InDialog,
        writes: None,
    },
];

/// The table in use: [`BINDINGS`], or [`BINDINGS`] rebound by the `[keys]` table of
/// `config.toml`. Installed once at start-up, before the first key is read.
static TABLE: OnceLock<Vec<Binding>> = OnceLock::new();

/// Use `table` for key routing, the footer, `?` and the dialog hints from now on. Only the first
/// call takes effect; `false` when a table was already installed.
pub fn install(table: Vec<Binding>) -> bool {
    TABLE.set(table).is_ok()
}

/// The key table every lookup reads.
pub fn table() -> &'static [Binding] {
    TABLE.get().map(Vec::as_slice).unwrap_or(BINDINGS)
}

/// The stable name of an action in `config.toml`'s `[keys]`; `None` for dialog keys, which the
/// open dialog handles and which cannot be rebound.
pub fn action_name(cmd: KeyCmd) -> Option<&'static str> {
    Some(match cmd {
        KeyCmd::Pane(Pane::Offers) => "offers",
        KeyCmd::Pane(Pane::Deployments) => "deployments",
        KeyCmd::Pane(Pane::Volumes) => "volumes",
        KeyCmd::Pane(Pane::Keys) => "ssh_keys",
        KeyCmd::Pane(Pane::Account) => "account",
        KeyCmd::NextPane => "next_pane",
        KeyCmd::PrevPane => "previous_pane",
        KeyCmd::Up => "up",
        KeyCmd::Down => "down",
        KeyCmd::PageUp => "page_up",
        KeyCmd::PageDown => "page_down",
        KeyCmd::Top => "first_row",
        KeyCmd::Bottom => "last_row",
        KeyCmd::Details => "details",
        KeyCmd::Filter => "filter",
        KeyCmd::SortNext => "sort",
        KeyCmd::SortReverse => "reverse_sort",
        KeyCmd::CycleType => "instance_type",
        KeyCmd::CycleDeploymentFilter => "deployment_filter",
        KeyCmd::CopySsh => "copy_ssh",
        KeyCmd::Deploy => "deploy",
        KeyCmd::Terminate => "terminate",
        KeyCmd::Rename => "rename",
        KeyCmd::Guard => "guard",
        KeyCmd::OpenSsh => "ssh",
        KeyCmd::Refresh => "refresh",
        KeyCmd::Help => "help",
        KeyCmd::Messages => "messages",
        KeyCmd::Quit => "quit",
        KeyCmd::AddKey => "add_key",
        KeyCmd::DeleteKey => "delete_key",
        KeyCmd::CreateVolume => "create_volume",
        KeyCmd::EditVolume => "edit_volume",
        KeyCmd::DeleteVolume => "delete_volume",
        KeyCmd::Attach => "attach",
        KeyCmd::Detach => "detach",
        KeyCmd::Kubeconfig => "kubeconfig",
        KeyCmd::UseTeam => "use_team",
        KeyCmd::NewWatch => "new_watch",
        KeyCmd::Watches => "watches",
        KeyCmd::Planner => "planner",
        KeyCmd::InDialog => return None,
    })
}

/// The name `[keys]` rebinds `b` by: pane-level bindings only (the keys inside dialogs, and
/// Ctrl-C there, stay as they are).
fn rebind_name(b: &Binding) -> Option<&'static str> {
    match b.ctx {
        Ctx::Global | Ctx::Lists | Ctx::On(_) => action_name(b.cmd),
        Ctx::Dialogs | Ctx::Dialog(_) => None,
    }
}

/// Every action `[keys]` can rebind, once each in table order, with the bindings it names.
pub fn actions() -> Vec<(&'static str, Vec<&'static Binding>)> {
    let mut out: Vec<(&'static str, Vec<&'static Binding>)> = Vec::new();
    for b in BINDINGS {
        let Some(name) = rebind_name(b) else {
            continue;
        };
        match out.iter_mut().find(|(n, _)| *n == name) {
            Some((_, list)) => list.push(b),
            None => out.push((name, vec![b])),
        }
    }
    out
}

/// The README's table of action names: name, default keys, where, what.
pub fn actions_markdown() -> String {
    let mut s = String::from("| action | default | where | what |\n|---|---|---|---|\n");
    for (name, list) in actions() {
        let keys = list
            .iter()
            .map(|b| keys_label(b))
            .collect::<Vec<_>>()
            .join(", ");
        let wheres = list
            .iter()
            .map(|b| b.ctx.label())
            .collect::<Vec<_>>()
            .join(", ");
        let what = list[0].help.replace('|', "\\|");
        s.push_str(&format!("| `{name}` | {keys} | {wheres} | {what} |\n"));
    }
    s
}

/// A key as written in `config.toml`: one character (`X`, `?`), `Space`, `Ctrl-x`, `F1`…`F12`,
/// `Enter`, `Tab`, `Shift-Tab`, `Up`, `Down`, `Left`, `Right`, `PgUp`, `PgDn`, `Home`, `End`,
/// `Backspace`, `Delete`, `Insert`. `Esc` and `Ctrl-C` are refused: they always close and quit.
pub fn parse_key(text: &str) -> Result<Key, String> {
    let t = text.trim();
    let mut chars = t.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return Ok(Char(c));
    }
    let lower = t.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("ctrl-").or(lower.strip_prefix("ctrl+")) {
        let mut cs = rest.chars();
        return match (cs.next(), cs.next()) {
            (Some('c'), None) => Err("Ctrl-C always quits and cannot be rebound".into()),
            (Some(c), None) if c.is_ascii_alphabetic() => Ok(Ctrl(c)),
            _ => Err(format!("`{t}` is not a key (Ctrl- takes one letter)")),
        };
    }
    if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok())
        && (1..=12).contains(&n)
    {
        return Ok(Code(KeyCode::F(n)));
    }
    let code = match lower.as_str() {
        "space" => return Ok(Char(' ')),
        "esc" | "escape" => return Err("Esc always closes and cannot be rebound".into()),
        "enter" | "return" => KeyCode::Enter,
        "tab" => KeyCode::Tab,
        "shift-tab" | "backtab" => KeyCode::BackTab,
        "up" | "↑" => KeyCode::Up,
        "down" | "↓" => KeyCode::Down,
        "left" | "←" => KeyCode::Left,
        "right" | "→" => KeyCode::Right,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "backspace" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        "insert" | "ins" => KeyCode::Insert,
        _ => {
            return Err(format!(
                "`{t}` is not a key (one character, Space, Ctrl-x, F1…F12, Enter, Tab, Shift-Tab, arrows, PgUp, PgDn, Home, End, Backspace, Delete, Insert)"
            ));
        }
    };
    Ok(Code(code))
}

/// Whether two bindings are read for the same key press: pane-level ones on a shared pane (a
/// pane's own keys may shadow the global ones, as in the default table), dialog ones in the
/// same dialog.
fn same_context(a: Ctx, b: Ctx) -> bool {
    match (a, b) {
        (Ctx::On(p), Ctx::On(q)) => p == q,
        (Ctx::Global | Ctx::Lists, Ctx::Global | Ctx::Lists) => true,
        (Ctx::Dialog(x), Ctx::Dialog(y)) => x == y,
        (Ctx::Dialogs, Ctx::Dialog(_) | Ctx::Dialogs) | (Ctx::Dialog(_), Ctx::Dialogs) => true,
        _ => false,
    }
}

fn collides(table: &[Binding], i: usize) -> Option<usize> {
    let b = &table[i];
    table.iter().enumerate().position(|(j, o)| {
        j != i && same_context(b.ctx, o.ctx) && o.keys.iter().any(|k| b.keys.contains(k))
    })
}

/// `base` with the `[keys]` entries applied: each (action name, keys) replaces the keys of that
/// action's bindings. An unknown action, a key that does not parse, or a binding that would share
/// a key with another in the same context is a warning naming it, and the default is kept.
/// `quit` keeps Ctrl-C whatever it is bound to.
pub fn rebind(base: &[Binding], entries: &[(String, Vec<String>)]) -> (Vec<Binding>, Vec<String>) {
    let mut table = base.to_vec();
    let mut warnings = Vec::new();
    let mut rebound: Vec<(usize, &str)> = Vec::new();
    for (name, texts) in entries {
        let targets: Vec<usize> = (0..table.len())
            .filter(|&i| rebind_name(&table[i]) == Some(name.as_str()))
            .collect();
        if targets.is_empty() {
            let known = actions().iter().map(|(n, _)| *n).collect::<Vec<_>>();
            warnings.push(format!(
                "[keys] unknown action `{name}` ignored (known: {})",
                known.join(", ")
            ));
            continue;
        }
        let parsed: Result<Vec<Key>, String> = texts.iter().map(|t| parse_key(t)).collect();
        let mut keys = match parsed {
            Ok(k) if !k.is_empty() => k,
            Ok(_) => {
                warnings.push(format!("[keys] `{name}` has no key: the default is kept"));
                continue;
            }
            Err(e) => {
                warnings.push(format!("[keys] `{name}`: {e}; the default is kept"));
                continue;
            }
        };
        keys.dedup();
        if table[targets[0]].cmd == KeyCmd::Quit && !keys.contains(&Ctrl('c')) {
            keys.push(Ctrl('c'));
        }
        let keys: &'static [Key] = Box::leak(keys.into_boxed_slice());
        for i in targets {
            table[i].keys = keys;
            rebound.push((i, name.as_str()));
        }
    }
    // Undo the rebindings that collide until none do (the defaults never collide).
    while let Some(&(i, name)) = rebound
        .iter()
        .find(|(i, _)| table[*i].keys != base[*i].keys && collides(&table, *i).is_some())
    {
        let j = collides(&table, i).unwrap_or(i);
        warnings.push(format!(
            "[keys] `{name}` = {} collides with `{}` ({}) {}: the default {} is kept",
            keys_label(&table[i]),
            action_name(table[j].cmd).unwrap_or("a dialog key"),
            keys_label(&table[j]),
            table[i].ctx.label(),
            keys_label(&base[i]),
        ));
        table[i].keys = base[i].keys;
    }
    (table, warnings)
}

/// The label of the first key that runs `cmd` outside dialogs, for text that names a key.
pub fn key_for(cmd: KeyCmd) -> String {
    table()
        .iter()
        .find(|b| b.cmd == cmd && rebind_name(b).is_some())
        .map_or_else(String::new, |b| b.keys[0].label())
}

/// The binding a key press means on `pane`: pane-specific bindings win over global ones.
pub fn lookup(ev: &KeyEvent, pane: Pane) -> Option<&'static Binding> {
    let hit = |b: &&Binding| b.ctx.applies(pane) && b.keys.iter().any(|k| k.matches(ev));
    table()
        .iter()
        .filter(|b| matches!(b.ctx, Ctx::On(_)))
        .find(hit)
        .or_else(|| table().iter().find(hit))
}

/// Footer hints for `pane`: its own bindings first, then the global ones with a hint.
pub fn footer(pane: Pane) -> Vec<(String, &'static str)> {
    footer_bindings(pane)
        .map(|b| (b.keys[0].label(), b.hint))
        .collect()
}

fn footer_bindings(pane: Pane) -> impl Iterator<Item = &'static Binding> {
    let own = table()
        .iter()
        .filter(move |b| b.ctx == Ctx::On(pane) || b.ctx == Ctx::Lists);
    let global = table().iter().filter(|b| b.ctx == Ctx::Global);
    own.chain(global).filter(|b| !b.hint.is_empty())
}

/// The footer while the Offers filter line is edited: its keys only (letters type).
pub fn filter_footer() -> Vec<(String, &'static str)> {
    vec![
        ("Enter".into(), "search"),
        ("Esc".into(), "clear"),
        ("↑/↓".into(), "leave and move"),
        ("Ctrl-C".into(), "quit"),
    ]
}

/// The footer split by what can be used: in read-only mode the keys that would change the
/// account are listed apart (`unavailable`), never as actions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Footer {
    pub usable: Vec<(String, &'static str)>,
    pub unavailable: Vec<(String, &'static str)>,
}

pub fn footer_for(pane: Pane, read_only: bool) -> Footer {
    let mut f = Footer::default();
    for b in footer_bindings(pane) {
        let hint = (b.keys[0].label(), b.hint);
        if read_only && b.writes.is_some() {
            f.unavailable.push(hint);
        } else {
            f.usable.push(hint);
        }
    }
    f
}

/// The closing note of `?`.
pub const HELP_NOTE: &str = "Confirm dialogs start on Cancel: Esc/n cancels, y confirms.";

/// Width of the keys column in `?`.
pub const HELP_KEYS_WIDTH: usize = 18;

/// What `?` lists: each heading once, in the order headings first appear in the table, with
/// every binding of that heading under it.
pub fn help_sections() -> Vec<(Ctx, Vec<&'static Binding>)> {
    let mut sections: Vec<(Ctx, Vec<&'static Binding>)> = Vec::new();
    for b in table() {
        match sections.iter_mut().find(|(c, _)| *c == b.ctx) {
            Some((_, list)) => list.push(b),
            None => sections.push((b.ctx, vec![b])),
        }
    }
    sections
}

/// The keys column of a `?` line: "  ↑/k" padded to [`HELP_KEYS_WIDTH`].
pub fn help_keys(b: &Binding) -> String {
    format!("  {:<w$}", keys_label(b), w = HELP_KEYS_WIDTH - 2)
}

/// One row of `?` laid out at a width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpRow {
    Heading(String),
    /// The keys column (padded to [`HELP_KEYS_WIDTH`]) and the first row of the description.
    Keys(String, String),
    /// A further row of a description, drawn under its first (a hanging indent).
    More(String),
    Blank,
    Note(String),
}

/// `?` at `width` columns: headings, every binding with its description wrapped under itself
/// (not back to the keys column), a blank and the note. The drawing and the scroll bound both
/// use it, so they always agree.
pub fn help_layout(width: u16) -> Vec<HelpRow> {
    let w = usize::from(width.max(1));
    // Too narrow for two columns: the descriptions go under their keys.
    let text_w = if w >= HELP_KEYS_WIDTH + 16 {
        w - HELP_KEYS_WIDTH
    } else {
        w
    };
    let mut rows = Vec::new();
    for (ctx, list) in help_sections() {
        rows.extend(wrap_words(ctx.label(), w).into_iter().map(HelpRow::Heading));
        for b in list {
            let keys = help_keys(b);
            let mut text = wrap_words(b.help, text_w).into_iter();
            if text_w == w || keys.chars().count() > HELP_KEYS_WIDTH {
                rows.push(HelpRow::Keys(keys, String::new()));
            } else {
                rows.push(HelpRow::Keys(keys, text.next().unwrap_or_default()));
            }
            let pad = if text_w == w { 0 } else { HELP_KEYS_WIDTH };
            rows.extend(text.map(|t| HelpRow::More(format!("{:pad$}{t}", ""))));
        }
    }
    rows.push(HelpRow::Blank);
    rows.extend(wrap_words(HELP_NOTE, w).into_iter().map(HelpRow::Note));
    rows
}

/// Rows `?` takes at `width` columns.
pub fn help_rows(width: u16) -> usize {
    help_layout(width).len()
}

/// `text` wrapped word by word at `w` columns; a word longer than a row is broken.
pub fn wrap_words(text: &str, w: usize) -> Vec<String> {
    let w = w.max(1);
    let mut rows: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut col = 0;
    for word in text.split(' ') {
        let len = word.chars().count();
        if col > 0 && col + 1 + len <= w {
            cur.push(' ');
            cur.push_str(word);
            col += 1 + len;
            continue;
        }
        if col > 0 || !cur.is_empty() {
            rows.push(std::mem::take(&mut cur));
        }
        let chars: Vec<char> = word.chars().collect();
        let mut pieces = chars.chunks(w).peekable();
        col = 0;
        while let Some(piece) = pieces.next() {
            if pieces.peek().is_some() {
                rows.push(piece.iter().collect());
            } else {
                cur = piece.iter().collect();
                col = piece.len();
            }
        }
    }
    rows.push(cur);
    rows
}

/// Hints for an open dialog of `kind`: its own keys first, then those of every dialog.
pub fn dialog_footer(kind: Kind) -> Vec<(String, &'static str)> {
    offered_hints(kind, |_| true, same_label)
}

/// Hints for the open dialog `d` as it stands: those of its kind, less the keys it refuses now
/// (a terminate the minimum runtime still blocks offers no `y`).
pub fn open_dialog_footer(d: &Dialog, state: &crate::app::AppState) -> Vec<(String, &'static str)> {
    offered_hints(d.kind(), |k| d.offers(state, k), |k, h| d.relabel(k, h))
}

/// The hints of `kind` whose keys `offers` accepts, each as `relabel` names it now (Enter is
/// "next" on a wizard's steps and "press button" on its summary).
fn offered_hints(
    kind: Kind,
    offers: impl Fn(Key) -> bool,
    relabel: impl Fn(Key, &'static str) -> &'static str,
) -> Vec<(String, &'static str)> {
    let own = table().iter().filter(|b| b.ctx == Ctx::Dialog(kind));
    let every = table().iter().filter(|b| b.ctx == Ctx::Dialogs);
    own.chain(every)
        .filter(|b| !b.hint.is_empty() && b.keys.iter().any(|k| offers(*k)))
        .map(|b| (keys_label(b), relabel(b.keys[0], b.hint)))
        .collect()
}

/// A hint as it always reads.
pub fn same_label(_: Key, hint: &'static str) -> &'static str {
    hint
}

/// The same hints on one line, for inside a dialog (without quit, which the footer shows):
/// "y confirm · Tab/←/→ move · … · Esc back/close".
pub fn dialog_hint_line(kind: Kind) -> String {
    hint_line(dialog_footer(kind))
}

/// The hints of `kind` whose keys `offers` accepts, as `relabel` names them, on one line.
pub fn dialog_hint_line_where(
    kind: Kind,
    offers: impl Fn(Key) -> bool,
    relabel: impl Fn(Key, &'static str) -> &'static str,
) -> String {
    hint_line(offered_hints(kind, offers, relabel))
}

fn hint_line(hints: Vec<(String, &'static str)>) -> String {
    hints
        .into_iter()
        .filter(|(_, h)| *h != "quit")
        .map(|(k, h)| format!("{k} {h}"))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Keys of a binding joined for display: "↑/k".
pub fn keys_label(b: &Binding) -> String {
    b.keys
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn no_two_bindings_share_a_key_in_one_context() {
        for pane in Pane::ALL {
            let mut seen: Vec<(Key, Ctx)> = Vec::new();
            for b in BINDINGS.iter().filter(|b| b.ctx.applies(pane)) {
                for k in b.keys {
                    let clash = seen.iter().find(|(sk, sc)| {
                        sk == k && (matches!(sc, Ctx::On(_)) == matches!(b.ctx, Ctx::On(_)))
                    });
                    assert!(clash.is_none(), "{k:?} bound twice on {pane:?}");
                    seen.push((*k, b.ctx));
                }
            }
        }
    }

    #[test]
    fn pane_keys_only_work_on_their_pane() {
        let t = key(KeyCode::Char('t'));
        assert_eq!(
            lookup(&t, Pane::Offers).map(|b| b.cmd),
            Some(KeyCmd::CycleType)
        );
        assert!(lookup(&t, Pane::Deployments).is_none());
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(
            lookup(&ctrl_c, Pane::Deployments).map(|b| b.cmd),
            Some(KeyCmd::Quit)
        );
        let c = key(KeyCode::Char('c'));
        assert_eq!(
            lookup(&c, Pane::Deployments).map(|b| b.cmd),
            Some(KeyCmd::CopySsh)
        );
    }

    #[test]
    fn every_dialog_kind_has_hints_and_no_key_twice() {
        for kind in Kind::ALL {
            assert!(!dialog_footer(kind).is_empty(), "{kind:?}");
            let mut seen = Vec::new();
            for b in BINDINGS
                .iter()
                .filter(|b| b.ctx == Ctx::Dialog(kind) || b.ctx == Ctx::Dialogs)
            {
                for k in b.keys {
                    assert!(!seen.contains(k), "{k:?} twice in {kind:?}");
                    seen.push(*k);
                }
            }
        }
    }

    #[test]
    fn j_and_k_move_on_every_pane() {
        for pane in Pane::ALL {
            assert_eq!(
                lookup(&key(KeyCode::Char('j')), pane).map(|b| b.cmd),
                Some(KeyCmd::Down),
                "{pane:?}"
            );
            assert_eq!(
                lookup(&key(KeyCode::Char('k')), pane).map(|b| b.cmd),
                Some(KeyCmd::Up),
                "{pane:?}"
            );
        }
    }

    #[test]
    fn dialog_keys_never_reach_the_panes() {
        let y = key(KeyCode::Char('y'));
        assert!(lookup(&y, Pane::Deployments).is_none());
    }

    #[test]
    fn help_rows_count_word_wrapping() {
        assert_eq!(wrap_words("", 10).len(), 1);
        assert_eq!(wrap_words("aaaa bbbb", 10).len(), 1);
        assert_eq!(wrap_words("aaaa bbbb cc", 10).len(), 2);
        assert_eq!(wrap_words("aaaaaaaaaaaaaaaaaaaaaaaaa", 10).len(), 3);
    }

    #[test]
    fn footer_comes_from_the_table() {
        let f = footer(Pane::Offers);
        assert!(f.contains(&("/".to_string(), "filter")));
        assert!(f.contains(&("?".to_string(), "help")));
        assert!(!footer(Pane::Account).iter().any(|(_, h)| *h == "filter"));
    }

    #[test]
    fn every_action_name_is_unique_and_every_pane_key_has_one() {
        let names: Vec<&str> = actions().iter().map(|(n, _)| *n).collect();
        for (i, n) in names.iter().enumerate() {
            assert!(!names[i + 1..].contains(n), "{n} twice");
        }
        for b in BINDINGS {
            let pane_level = matches!(b.ctx, Ctx::Global | Ctx::Lists | Ctx::On(_));
            assert_eq!(rebind_name(b).is_some(), pane_level, "{b:?}");
        }
    }

    #[test]
    fn keys_parse_and_esc_and_ctrl_c_are_refused() {
        assert_eq!(parse_key("X"), Ok(Char('X')));
        assert_eq!(parse_key("F5"), Ok(Code(KeyCode::F(5))));
        assert_eq!(parse_key("ctrl-r"), Ok(Ctrl('r')));
        assert_eq!(parse_key("Space"), Ok(Char(' ')));
        assert_eq!(parse_key("PgDn"), Ok(Code(KeyCode::PageDown)));
        assert!(parse_key("Esc").unwrap_err().contains("Esc"));
        assert!(parse_key("Ctrl-C").unwrap_err().contains("Ctrl-C"));
        assert!(parse_key("F13").is_err());
        assert!(parse_key("xy").unwrap_err().contains("`xy`"));
        assert!(parse_key("").is_err());
        assert_eq!(Code(KeyCode::F(5)).label(), "F5");
    }

    fn entries(list: &[(&str, &str)]) -> Vec<(String, Vec<String>)> {
        list.iter()
            .map(|(n, k)| (n.to_string(), vec![k.to_string()]))
            .collect()
    }

    fn keys_of(table: &[Binding], cmd: KeyCmd) -> Vec<Key> {
        table.iter().find(|b| b.cmd == cmd).unwrap().keys.to_vec()
    }

    #[test]
    fn rebind_applies_good_entries_and_keeps_defaults_for_bad_ones() {
        let (t, w) = rebind(
            BINDINGS,
            &entries(&[
                ("terminate", "X"),
                ("refresh", "F5"),
                ("frobnicate", "z"),
                ("help", "Esc"),
                ("messages", "Ctrl-C"),
                ("sort", "nope"),
            ]),
        );
        assert_eq!(keys_of(&t, KeyCmd::Terminate), [Char('X')]);
        assert_eq!(keys_of(&t, KeyCmd::Refresh), [Code(KeyCode::F(5))]);
        assert_eq!(keys_of(&t, KeyCmd::Help), [Char('?')]);
        assert_eq!(keys_of(&t, KeyCmd::Messages), [Char('m')]);
        assert_eq!(keys_of(&t, KeyCmd::SortNext), [Char('s')]);
        assert_eq!(w.len(), 4, "{w:?}");
        assert!(w[0].contains("`frobnicate`"), "{w:?}");
        assert!(w[1].contains("`help`") && w[1].contains("Esc"), "{w:?}");
        assert!(
            w[2].contains("`messages`") && w[2].contains("Ctrl-C"),
            "{w:?}"
        );
        assert!(w[3].contains("`sort`") && w[3].contains("`nope`"), "{w:?}");
    }

    #[test]
    fn a_colliding_rebinding_keeps_the_default() {
        // c copies the SSH command on Deployments; q quits everywhere
        let (t, w) = rebind(BINDINGS, &entries(&[("terminate", "c"), ("refresh", "q")]));
        assert_eq!(keys_of(&t, KeyCmd::Terminate), [Char('x')]);
        assert_eq!(keys_of(&t, KeyCmd::Refresh), [Char('r')]);
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(
            w.iter()
                .any(|m| m.contains("`terminate`") && m.contains("`copy_ssh`"))
        );
        assert!(
            w.iter()
                .any(|m| m.contains("`refresh`") && m.contains("`quit`"))
        );
        // swapping two keys is no collision
        let (t, w) = rebind(BINDINGS, &entries(&[("terminate", "e"), ("rename", "x")]));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(keys_of(&t, KeyCmd::Terminate), [Char('e')]);
        assert_eq!(keys_of(&t, KeyCmd::Rename), [Char('x')]);
        // a pane key may shadow a list key, as in the default table
        let (t, w) = rebind(BINDINGS, &entries(&[("guard", "g")]));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(keys_of(&t, KeyCmd::Guard), [Char('g')]);
    }

    #[test]
    fn quit_keeps_ctrl_c_and_an_action_rebinds_on_every_pane() {
        let (t, w) = rebind(BINDINGS, &entries(&[("quit", "Q"), ("attach", "+")]));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(keys_of(&t, KeyCmd::Quit), [Char('Q'), Ctrl('c')]);
        let in_dialogs = t
            .iter()
            .find(|b| b.ctx == Ctx::Dialogs && b.cmd == KeyCmd::Quit);
        assert_eq!(in_dialogs.unwrap().keys, [Ctrl('c')]);
        let attach: Vec<_> = t.iter().filter(|b| b.cmd == KeyCmd::Attach).collect();
        assert_eq!(attach.len(), 2);
        assert!(attach.iter().all(|b| b.keys == [Char('+')]));
    }

    #[test]
    fn words_wrap_at_the_width_and_an_overlong_word_is_broken() {
        assert_eq!(wrap_words("a bb ccc", 4), ["a bb", "ccc"]);
        assert_eq!(wrap_words("abcdefghij x", 4), ["abcd", "efgh", "ij x"]);
        assert_eq!(wrap_words("", 4), [""]);
    }

    #[test]
    fn help_descriptions_wrap_under_themselves_and_every_row_fits() {
        for width in [40u16, 60, 80, 158] {
            let rows = help_layout(width);
            let mut more = 0;
            for row in &rows {
                let text = match row {
                    HelpRow::Heading(t) | HelpRow::More(t) | HelpRow::Note(t) => t.clone(),
                    HelpRow::Keys(k, t) => format!("{k}{t}"),
                    HelpRow::Blank => String::new(),
                };
                assert!(
                    text.chars().count() <= usize::from(width),
                    "{width}: {text:?}"
                );
                if let HelpRow::More(t) = row {
                    more += 1;
                    assert!(t.starts_with(&" ".repeat(HELP_KEYS_WIDTH)), "{t:?}");
                    assert_ne!(t.chars().nth(HELP_KEYS_WIDTH), Some(' '), "{t:?}");
                }
            }
            // Every description is there, word for word.
            let words: usize = help_sections()
                .iter()
                .flat_map(|(_, l)| l.iter())
                .map(|b| b.help.split(' ').count())
                .sum();
            let shown: usize = rows
                .iter()
                .map(|r| match r {
                    HelpRow::Keys(_, t) | HelpRow::More(t) => t.split_whitespace().count(),
                    _ => 0,
                })
                .sum();
            assert_eq!(shown, words, "{width}");
            if width <= 80 {
                assert!(more > 0, "{width}: some description is long enough to wrap");
            }
            assert_eq!(help_rows(width), rows.len());
        }
    }
}
