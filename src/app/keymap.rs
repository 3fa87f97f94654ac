//! The one key table: (keys, description, context) drives key handling, the `?` overlay and the
//! footer hints, so they can never disagree (STYLE.md lesson 5).

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
}

#[derive(Debug, Clone, Copy)]
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

/// The binding a key press means on `pane`: pane-specific bindings win over global ones.
pub fn lookup(ev: &KeyEvent, pane: Pane) -> Option<&'static Binding> {
    let hit = |b: &&Binding| b.ctx.applies(pane) && b.keys.iter().any(|k| k.matches(ev));
    BINDINGS
        .iter()
        .filter(|b| matches!(b.ctx, Ctx::On(_)))
        .find(hit)
        .or_else(|| BINDINGS.iter().find(hit))
}

/// Footer hints for `pane`: its own bindings first, then the global ones with a hint.
pub fn footer(pane: Pane) -> Vec<(String, &'static str)> {
    footer_bindings(pane)
        .map(|b| (b.keys[0].label(), b.hint))
        .collect()
}

fn footer_bindings(pane: Pane) -> impl Iterator<Item = &'static Binding> {
    let own = BINDINGS
        .iter()
        .filter(move |b| b.ctx == Ctx::On(pane) || b.ctx == Ctx::Lists);
    let global = BINDINGS.iter().filter(|b| b.ctx == Ctx::Global);
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
    for b in BINDINGS {
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

/// Rows `?` takes when wrapped at `width` columns: headings, bindings, a blank and the note.
pub fn help_rows(width: u16) -> usize {
    let w = usize::from(width.max(1));
    let body: usize = help_sections()
        .iter()
        .map(|(ctx, list)| {
            wrapped_rows(ctx.label(), w)
                + list
                    .iter()
                    .map(|b| wrapped_rows(&format!("{}{}", help_keys(b), b.help), w))
                    .sum::<usize>()
        })
        .sum();
    body + 1 + wrapped_rows(HELP_NOTE, w)
}

/// Rows `text` takes when wrapped word by word at `w` columns (a word longer than a row is
/// broken), as a paragraph draws it.
fn wrapped_rows(text: &str, w: usize) -> usize {
    let mut rows = 1;
    let mut col = 0;
    for word in text.split(' ') {
        let len = word.chars().count();
        let need = if col == 0 { len } else { col + 1 + len };
        if need <= w {
            col = need;
            continue;
        }
        if col > 0 {
            rows += 1;
        }
        rows += len.saturating_sub(1) / w;
        col = if len == 0 { 0 } else { (len - 1) % w + 1 };
    }
    rows
}

/// Hints for an open dialog of `kind`: its own keys first, then those of every dialog.
pub fn dialog_footer(kind: Kind) -> Vec<(String, &'static str)> {
    offered_hints(kind, |_| true)
}

/// Hints for the open dialog `d` as it stands: those of its kind, less the keys it refuses now
/// (a terminate the minimum runtime still blocks offers no `y`).
pub fn open_dialog_footer(d: &Dialog) -> Vec<(String, &'static str)> {
    offered_hints(d.kind(), |k| d.offers(k))
}

/// The hints of `kind` whose keys `offers` accepts.
fn offered_hints(kind: Kind, offers: impl Fn(Key) -> bool) -> Vec<(String, &'static str)> {
    let own = BINDINGS.iter().filter(|b| b.ctx == Ctx::Dialog(kind));
    let every = BINDINGS.iter().filter(|b| b.ctx == Ctx::Dialogs);
    own.chain(every)
        .filter(|b| !b.hint.is_empty() && b.keys.iter().any(|k| offers(*k)))
        .map(|b| (keys_label(b), b.hint))
        .collect()
}

/// The same hints on one line, for inside a dialog (without quit, which the footer shows):
/// "y confirm · Tab/←/→ move · … · Esc back/close".
pub fn dialog_hint_line(kind: Kind) -> String {
    hint_line(dialog_footer(kind))
}

/// The hints of `kind` whose keys `offers` accepts, on one line.
pub fn dialog_hint_line_where(kind: Kind, offers: impl Fn(Key) -> bool) -> String {
    hint_line(offered_hints(kind, offers))
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
        assert_eq!(wrapped_rows("", 10), 1);
        assert_eq!(wrapped_rows("aaaa bbbb", 10), 1);
        assert_eq!(wrapped_rows("aaaa bbbb cc", 10), 2);
        assert_eq!(wrapped_rows("aaaaaaaaaaaaaaaaaaaaaaaaa", 10), 3);
    }

    #[test]
    fn footer_comes_from_the_table() {
        let f = footer(Pane::Offers);
        assert!(f.contains(&("/".to_string(), "filter")));
        assert!(f.contains(&("?".to_string(), "help")));
        assert!(!footer(Pane::Account).iter().any(|(_, h)| *h == "filter"));
    }
}
