//! The one key table, data only: for each place (a pane, every list, a dialog kind, the filter
//! line) which keys mean which command, the footer hint and the `?` line. The reducer, the
//! footer, `?`, the dialogs' hint lines and `[keys]` all read this table.

use std::sync::OnceLock;

use crossterm::event::KeyCode;

use super::Key::{self, Char, Code, Ctrl};
use super::KeyCmd::{self, *};
use crate::app::Pane;
use crate::app::dialogs::Kind;

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Global,
    /// Every pane with a table.
    Lists,
    On(Pane),
    /// The Offers filter line while it is edited.
    Filter,
    /// Every dialog (handled in front of it).
    Dialogs,
    /// One kind of dialog.
    Dialog(Kind),
}

impl Scope {
    /// Whether the binding is read on `pane` (no dialog open, no filter edited).
    pub fn applies(self, pane: Pane) -> bool {
        match self {
            Scope::Global | Scope::Lists => true,
            Scope::On(p) => p == pane,
            Scope::Filter | Scope::Dialogs | Scope::Dialog(_) => false,
        }
    }

    /// Whether the binding is read on some pane.
    pub fn on_panes(self) -> bool {
        matches!(self, Scope::Global | Scope::Lists | Scope::On(_))
    }

    /// Whether the binding is read with a dialog of `kind` open.
    pub fn in_dialog(self, kind: Kind) -> bool {
        self == Scope::Dialogs || self == Scope::Dialog(kind)
    }

    pub fn label(self) -> &'static str {
        match self {
            Scope::Global => "everywhere",
            Scope::Lists => "in lists",
            Scope::On(Pane::Offers) => "Offers",
            Scope::On(Pane::Deployments) => "Deployments",
            Scope::On(Pane::Volumes) => "Volumes",
            Scope::On(Pane::Keys) => "SSH keys",
            Scope::On(Pane::Account) => "Account",
            Scope::Filter => "the Offers filter line",
            Scope::Dialogs => "in every dialog",
            Scope::Dialog(k) => k.title(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub keys: &'static [Key],
    /// Short label for the footer and the dialogs' hint lines; empty keeps it out of them.
    /// Bindings next to each other in one place with the same hint are shown as one.
    pub hint: &'static str,
    /// Description for the `?` overlay.
    pub help: &'static str,
    pub scope: Scope,
    pub cmd: KeyCmd,
    /// What the key leads to sending that would change the account (named in the read-only
    /// refusal); `None` for keys that only read, or only open a view.
    pub writes: Option<&'static str>,
}

const fn bind(
    scope: Scope,
    cmd: KeyCmd,
    keys: &'static [Key],
    hint: &'static str,
    help: &'static str,
) -> Binding {
    Binding {
        keys,
        hint,
        help,
        scope,
        cmd,
        writes: None,
    }
}

/// A pane binding whose command leads to `what` being sent.
const fn writing(b: Binding, what: &'static str) -> Binding {
    Binding {
        writes: Some(what),
        ..b
    }
}

const UP: &[Key] = &[Code(KeyCode::Up), Char('k')];
const DOWN: &[Key] = &[Code(KeyCode::Down), Char('j')];
const PG_UP: &[Key] = &[Code(KeyCode::PageUp)];
const PG_DN: &[Key] = &[Code(KeyCode::PageDown)];
const TOP: &[Key] = &[Char('g'), Code(KeyCode::Home)];
const BOTTOM: &[Key] = &[Char('G'), Code(KeyCode::End)];
const ENTER: &[Key] = &[Code(KeyCode::Enter)];
const CLOSE: &[Key] = &[Code(KeyCode::Enter), Char('q')];
const NEXT: &[Key] = &[Code(KeyCode::Tab), Code(KeyCode::Right), Char('l')];
const PREV: &[Key] = &[Code(KeyCode::BackTab), Code(KeyCode::Left), Char('h')];
const YES: &[Key] = &[Char('y')];
const NO: &[Key] = &[Char('n'), Char('q')];

use Scope::{Dialog as D, Dialogs, Filter as FilterLine, Global, Lists, On};

/// The five scroll bindings of a read-only view.
macro_rules! scrolling {
    ($kind:expr) => {
        [
            bind(D($kind), Up, UP, "scroll", "scroll"),
            bind(D($kind), Down, DOWN, "scroll", "scroll"),
            bind(D($kind), PageUp, PG_UP, "scroll", "scroll"),
            bind(D($kind), PageDown, PG_DN, "scroll", "scroll"),
            bind(D($kind), Top, TOP, "scroll", "scroll"),
        ]
    };
}

/// Moving in a list inside a dialog.
macro_rules! choosing {
    ($kind:expr, $hint:expr, $help:expr) => {
        [
            bind(D($kind), Up, UP, $hint, $help),
            bind(D($kind), Down, DOWN, $hint, $help),
            bind(D($kind), Top, TOP, $hint, $help),
            bind(D($kind), Bottom, BOTTOM, $hint, $help),
        ]
    };
}

/// The buttons of a confirm, a wizard's summary and the retry question: `y`, `Tab`/`←→`/`h l`,
/// `Enter` on the focused button, `n`.
macro_rules! buttons {
    ($kind:expr, $yes:expr, $yes_help:expr, $no:expr) => {
        [
            bind(D($kind), Confirm, YES, $yes, $yes_help),
            bind(
                D($kind),
                FocusNext,
                NEXT,
                "move",
                "move between Cancel and the action",
            ),
            bind(
                D($kind),
                FocusPrev,
                PREV,
                "move",
                "move between Cancel and the action",
            ),
            bind(D($kind), Cancel, NO, $no, "cancel"),
        ]
    };
}

use crate::app::dialogs::Kind as K;

const PANES: &[Binding] = &[
    bind(
        Global,
        KeyCmd::Pane(Pane::Offers),
        &[Char('1')],
        "",
        "Offers",
    ),
    bind(
        Global,
        KeyCmd::Pane(Pane::Deployments),
        &[Char('2')],
        "",
        "Deployments",
    ),
    bind(
        Global,
        KeyCmd::Pane(Pane::Volumes),
        &[Char('3')],
        "",
        "Volumes",
    ),
    bind(
        Global,
        KeyCmd::Pane(Pane::Keys),
        &[Char('4')],
        "",
        "SSH keys",
    ),
    bind(
        Global,
        KeyCmd::Pane(Pane::Account),
        &[Char('5')],
        "",
        "Account",
    ),
    bind(Global, NextPane, &[Code(KeyCode::Tab)], "", "next pane"),
    bind(
        Global,
        PrevPane,
        &[Code(KeyCode::BackTab)],
        "",
        "previous pane",
    ),
    bind(
        Global,
        Refresh,
        &[Char('r')],
        "refresh",
        "refresh now (within the rate budget)",
    ),
    bind(Global, Help, &[Char('?')], "help", "this help"),
    bind(
        Global,
        Messages,
        &[Char('m')],
        "",
        "message log: recent messages and errors with their times",
    ),
    bind(Global, Quit, &[Char('q'), Ctrl('c')], "quit", "quit"),
    bind(Lists, Up, UP, "", "move up"),
    bind(Lists, Down, DOWN, "", "move down"),
    bind(Lists, PageUp, PG_UP, "", "page up"),
    bind(Lists, PageDown, PG_DN, "", "page down"),
    bind(Lists, Top, TOP, "", "first row"),
    bind(Lists, Bottom, BOTTOM, "", "last row"),
    bind(
        Lists,
        Details,
        ENTER,
        "details",
        "details of the selected row (every field)",
    ),
    bind(
        On(Pane::Offers),
        Filter,
        &[Char('/')],
        "filter",
        "filter: words (sent as search) and gpu: provider: type: region: count>= vram>= price< gpuprice<",
    ),
    bind(
        On(Pane::Offers),
        Deploy,
        &[Char('d')],
        "deploy",
        "deploy the selected offer (wizard, then a cost summary to confirm)",
    ),
    bind(
        On(Pane::Offers),
        Back,
        &[Code(KeyCode::Esc)],
        "",
        "clear the filter",
    ),
    bind(
        On(Pane::Offers),
        SortNext,
        &[Char('s')],
        "sort",
        "next sort column ($/h, $/GPU·h, GPUs, VRAM, provider)",
    ),
    bind(
        On(Pane::Offers),
        SortReverse,
        &[Char('S')],
        "reverse",
        "reverse the sort order",
    ),
    bind(
        On(Pane::Offers),
        CycleType,
        &[Char('t')],
        "type",
        "instance type: all → SPOT → DEDICATED → CLUSTER",
    ),
    bind(
        On(Pane::Offers),
        NewWatch,
        &[Char('w')],
        "watch",
        "watch for offers like the selected one at a price you choose",
    ),
    bind(
        On(Pane::Offers),
        Watches,
        &[Char('W')],
        "watches",
        "the price watches (e changes one, x removes one)",
    ),
    bind(
        On(Pane::Deployments),
        CycleDeploymentFilter,
        &[Char('f')],
        "active/inactive/all",
        "show active → inactive → all deployments",
    ),
    bind(
        On(Pane::Deployments),
        CopySsh,
        &[Char('c')],
        "copy ssh",
        "copy the SSH command (OSC 52, works over SSH)",
    ),
    writing(
        bind(
            On(Pane::Deployments),
            Terminate,
            &[Char('x')],
            "terminate",
            "terminate the selected deployment (checks can-terminate, then asks for the first three characters of its name)",
        ),
        "the terminate request",
    ),
    writing(
        bind(
            On(Pane::Deployments),
            Rename,
            &[Char('e')],
            "rename",
            "rename the selected deployment",
        ),
        "the rename",
    ),
    bind(
        On(Pane::Deployments),
        Guard,
        &[Char('T')],
        "guard",
        "set or clear the spend guard (after a time, at a time, or at a spend)",
    ),
    bind(
        On(Pane::Deployments),
        OpenSsh,
        &[Char('o')],
        "ssh",
        "open an SSH session (the dashboard suspends and comes back)",
    ),
    bind(
        On(Pane::Deployments),
        Kubeconfig,
        &[Char('K')],
        "kubeconfig",
        "show and save the kubeconfig (Kubernetes add-on deployments)",
    ),
    writing(
        bind(
            On(Pane::Deployments),
            Attach,
            &[Char('A')],
            "attach",
            "attach one of its provider's volumes to the deployment",
        ),
        "the volume attach",
    ),
    writing(
        bind(
            On(Pane::Deployments),
            Detach,
            &[Char('D')],
            "detach",
            "detach a volume from the deployment",
        ),
        "the volume detach",
    ),
    writing(
        bind(
            On(Pane::Volumes),
            CreateVolume,
            &[Char('a')],
            "create",
            "create a volume: provider → region → name → size → attach → summary",
        ),
        "the new volume",
    ),
    writing(
        bind(
            On(Pane::Volumes),
            EditVolume,
            &[Char('e')],
            "rename/expand",
            "rename or expand the volume (where its provider allows it)",
        ),
        "the volume rename/expand",
    ),
    writing(
        bind(
            On(Pane::Volumes),
            Attach,
            &[Char('A')],
            "attach",
            "attach the volume to an instance (same provider and region)",
        ),
        "the volume attach",
    ),
    writing(
        bind(
            On(Pane::Volumes),
            Detach,
            &[Char('D')],
            "detach",
            "detach the volume from an instance",
        ),
        "the volume detach",
    ),
    writing(
        bind(
            On(Pane::Volumes),
            DeleteVolume,
            &[Char('x')],
            "delete",
            "delete the volume (detached only; asks for the first three characters of its name)",
        ),
        "the volume delete",
    ),
    writing(
        bind(
            On(Pane::Keys),
            AddKey,
            &[Char('a')],
            "add",
            "add an SSH key (from ~/.ssh/*.pub or pasted; checked before sending)",
        ),
        "the new SSH key",
    ),
    writing(
        bind(
            On(Pane::Keys),
            DeleteKey,
            &[Char('x')],
            "delete",
            "delete the SSH key (confirm dialog)",
        ),
        "the SSH key delete",
    ),
    bind(
        On(Pane::Account),
        UseTeam,
        &[Char('u')],
        "use team",
        "new deploys and volumes go to the selected team",
    ),
];

const FILTER_LINE: &[Binding] = &[
    bind(
        FilterLine,
        Submit,
        ENTER,
        "search",
        "send the words as the search",
    ),
    bind(
        FilterLine,
        Back,
        &[Code(KeyCode::Esc)],
        "clear",
        "clear the filter",
    ),
    bind(
        FilterLine,
        Up,
        &[Code(KeyCode::Up)],
        "leave and move",
        "leave the line and move",
    ),
    bind(
        FilterLine,
        Down,
        &[Code(KeyCode::Down)],
        "leave and move",
        "leave the line and move",
    ),
    bind(FilterLine, Quit, &[Ctrl('c')], "quit", "quit"),
];

const EVERY_DIALOG: &[Binding] = &[
    bind(
        Dialogs,
        Quit,
        &[Ctrl('c')],
        "quit",
        "quit, from any dialog or text field",
    ),
    bind(
        Dialogs,
        Back,
        &[Code(KeyCode::Esc)],
        "back/close",
        "a step back (a wizard's previous step, an expansion's edit form), or close",
    ),
];

const HELP: &[Binding] = &{
    let s = scrolling!(K::Help);
    [
        bind(
            D(K::Help),
            Close,
            &[Char('q'), Char('?'), Code(KeyCode::Enter)],
            "close",
            "close",
        ),
        s[0],
        s[1],
        s[2],
        s[3],
        s[4],
    ]
};

const MESSAGES: &[Binding] = &{
    let s = scrolling!(K::Messages);
    [
        bind(
            D(K::Messages),
            Close,
            &[Char('q'), Char('m'), Code(KeyCode::Enter)],
            "close",
            "close",
        ),
        s[0],
        s[1],
        s[2],
        s[3],
        s[4],
    ]
};

const DETAILS: &[Binding] = &{
    let s = scrolling!(K::Details);
    [
        bind(D(K::Details), Close, CLOSE, "close", "close"),
        s[0],
        s[1],
        s[2],
        s[3],
        s[4],
    ]
};

const CONFIRM: &[Binding] = &{
    let b = buttons!(K::Confirm, "confirm", "send the operation (once)", "cancel");
    [
        b[0],
        b[1],
        b[2],
        bind(
            D(K::Confirm),
            Submit,
            ENTER,
            "press button",
            "press the focused button (it starts on Cancel)",
        ),
        b[3],
    ]
};

const DEPLOY: &[Binding] = &{
    let b = buttons!(
        K::Deploy,
        "deploy",
        "deploy, on the summary: asks in the confirm (once; never retried by itself)",
        "back"
    );
    [
        bind(D(K::Deploy), Up, UP, "choose", "choose in a list"),
        bind(D(K::Deploy), Down, DOWN, "choose", "choose in a list"),
        bind(
            D(K::Deploy),
            Submit,
            ENTER,
            "next",
            "next step (on the summary: press the focused button)",
        ),
        bind(
            D(K::Deploy),
            Select,
            &[Char(' ')],
            "select volume",
            "attach or unselect a volume (Volumes step)",
        ),
        b[0],
        b[1],
        b[2],
        b[3],
        bind(
            D(K::Deploy),
            Retry,
            &[Char('r')],
            "check again",
            "read the deployments list again when it could not tell whether the deploy was created",
        ),
    ]
};

const DELIBERATE: &[Binding] = &[
    bind(
        D(K::Terminate),
        Submit,
        ENTER,
        "terminate",
        "terminate, once the first three characters of the name (or yes) are typed; any other key cancels",
    ),
    bind(
        D(K::Terminate),
        Retry,
        &[Char('r')],
        "check again",
        "ask can-terminate again after a failed check",
    ),
    bind(
        D(K::DeleteVolume),
        Submit,
        ENTER,
        "delete",
        "delete, once the first three characters of the name (or yes) are typed; any other key cancels",
    ),
    bind(
        D(K::DeleteKey),
        Confirm,
        YES,
        "delete",
        "delete (y counts once the dialog has been on screen half a second without a key); any other key cancels",
    ),
    bind(D(K::DeleteKey), Cancel, &[Char('n')], "cancel", "cancel"),
];

const FORMS: &[Binding] = &[
    bind(
        D(K::KeyPrompt),
        Submit,
        ENTER,
        "save",
        "use the key and save it to ~/.spheron/credentials (0600)",
    ),
    bind(
        D(K::Notice),
        Close,
        &[Code(KeyCode::Enter), Char('q'), Char('n')],
        "close",
        "close",
    ),
    bind(
        D(K::Rename),
        Submit,
        ENTER,
        "rename",
        "rename (only the name changes)",
    ),
    bind(
        D(K::Guard),
        Submit,
        ENTER,
        "set (empty clears)",
        "set the guard: 8h or 1h30m from now, 18:00 local, $50 of spend; empty clears it",
    ),
    bind(
        D(K::AddKey),
        FocusNext,
        &[Code(KeyCode::Tab)],
        "next field",
        "name → ~/.ssh/*.pub list → key",
    ),
    bind(
        D(K::AddKey),
        FocusPrev,
        &[Code(KeyCode::BackTab)],
        "next field",
        "the field before",
    ),
    bind(D(K::AddKey), Up, UP, "choose", "choose a file in the list"),
    bind(
        D(K::AddKey),
        Down,
        DOWN,
        "choose",
        "choose a file in the list",
    ),
    bind(
        D(K::AddKey),
        Select,
        &[Char(' ')],
        "pick",
        "pick the file chosen in the list",
    ),
    bind(
        D(K::AddKey),
        Submit,
        ENTER,
        "add",
        "add the key (in the list: pick the file)",
    ),
    bind(
        D(K::EditVolume),
        FocusNext,
        &[Code(KeyCode::Tab), Code(KeyCode::Down)],
        "next field",
        "name ↔ size",
    ),
    bind(
        D(K::EditVolume),
        FocusPrev,
        &[Code(KeyCode::BackTab), Code(KeyCode::Up)],
        "next field",
        "name ↔ size",
    ),
    bind(
        D(K::EditVolume),
        Submit,
        ENTER,
        "save",
        "rename at once; an expansion goes to the confirm",
    ),
    bind(
        D(K::NewWatch),
        Submit,
        ENTER,
        "save",
        "save the watch (in the local store)",
    ),
];

const CREATE_VOLUME: &[Binding] = &{
    let c = choosing!(K::CreateVolume, "choose", "choose in a list");
    let b = buttons!(K::CreateVolume, "create", "create, on the summary", "back");
    [
        c[0],
        c[1],
        c[2],
        c[3],
        bind(
            D(K::CreateVolume),
            Submit,
            ENTER,
            "next",
            "next step (on the summary: press the focused button)",
        ),
        b[0],
        b[1],
        b[2],
        b[3],
    ]
};

const VOLUME_INFO: &[Binding] = &{
    let s = scrolling!(K::VolumeInfo);
    [
        bind(D(K::VolumeInfo), Close, CLOSE, "close", "close"),
        s[0],
        s[1],
        s[2],
        s[3],
        s[4],
    ]
};

const PICK: &[Binding] = &{
    let c = choosing!(
        K::Pick,
        "choose",
        "choose a row (✗ rows say why they are refused)"
    );
    [
        c[0],
        c[1],
        c[2],
        c[3],
        bind(
            D(K::Pick),
            Submit,
            ENTER,
            "continue",
            "continue to the confirm",
        ),
        bind(D(K::Pick), Cancel, &[Char('n')], "cancel", "cancel"),
    ]
};

const DEPLOYMENT_INFO: &[Binding] = &{
    let s = scrolling!(K::DeploymentInfo);
    [
        bind(D(K::DeploymentInfo), Close, CLOSE, "close", "close"),
        bind(
            D(K::DeploymentInfo),
            RawJson,
            &[Char('J')],
            "raw JSON",
            "show / hide every field as raw JSON",
        ),
        bind(
            D(K::DeploymentInfo),
            Kubeconfig,
            &[Char('K')],
            "kubeconfig",
            "show and save the kubeconfig",
        ),
        bind(
            D(K::DeploymentInfo),
            Attach,
            &[Char('A')],
            "attach",
            "attach a volume",
        ),
        bind(
            D(K::DeploymentInfo),
            Detach,
            &[Char('D')],
            "detach",
            "detach a volume",
        ),
        s[0],
        s[1],
        s[2],
        s[3],
        s[4],
    ]
};

const KUBECONFIG: &[Binding] = &[
    bind(
        D(K::Kubeconfig),
        Submit,
        ENTER,
        "save",
        "save to the file (0600; never over a file without asking)",
    ),
    bind(
        D(K::Kubeconfig),
        Confirm,
        YES,
        "overwrite",
        "overwrite the file (y counts once the question has been on screen half a second without a key; any other key keeps the file)",
    ),
    bind(
        D(K::Kubeconfig),
        Cancel,
        &[Char('n')],
        "keep the file",
        "keep the file",
    ),
    bind(D(K::Kubeconfig), Up, UP, "scroll", "scroll"),
    bind(D(K::Kubeconfig), Down, DOWN, "scroll", "scroll"),
    bind(D(K::Kubeconfig), PageUp, PG_UP, "scroll", "scroll"),
    bind(D(K::Kubeconfig), PageDown, PG_DN, "scroll", "scroll"),
];

const VIEWS: &[Binding] = &[
    bind(
        D(K::TeamInfo),
        UseTeam,
        &[Char('u')],
        "use team",
        "new deploys and volumes go to this team",
    ),
    bind(D(K::TeamInfo), Close, CLOSE, "close", "close"),
    bind(D(K::KeyInfo), Close, CLOSE, "close", "close"),
];

const WATCHES: &[Binding] = &{
    let c = choosing!(K::Watches, "move", "move");
    [
        c[0],
        c[1],
        c[2],
        c[3],
        bind(
            D(K::Watches),
            EditWatch,
            &[Char('e')],
            "change",
            "change the maximum $/GPU·h of the selected watch",
        ),
        bind(
            D(K::Watches),
            RemoveWatch,
            &[Char('x'), Code(KeyCode::Delete)],
            "remove",
            "remove the selected watch",
        ),
        bind(
            D(K::Watches),
            Close,
            &[Char('q'), Char('W')],
            "close",
            "close",
        ),
    ]
};

/// Every part of the default table, in the order `?` lists them.
const PARTS: &[&[Binding]] = &[
    PANES,
    FILTER_LINE,
    EVERY_DIALOG,
    HELP,
    MESSAGES,
    DETAILS,
    CONFIRM,
    DEPLOY,
    DELIBERATE,
    FORMS,
    CREATE_VOLUME,
    VOLUME_INFO,
    PICK,
    DEPLOYMENT_INFO,
    KUBECONFIG,
    VIEWS,
    WATCHES,
];

/// The default table: every part, in order.
pub fn defaults() -> &'static [Binding] {
    static ALL: OnceLock<Vec<Binding>> = OnceLock::new();
    ALL.get_or_init(|| PARTS.iter().flat_map(|p| p.iter().copied()).collect())
}

/// The table in use: the defaults, or the defaults rebound by the `[keys]` table of
/// `config.toml`. Installed once at start-up, before the first key is read.
static TABLE: OnceLock<Vec<Binding>> = OnceLock::new();

/// Use `table` for key routing, the footer, `?` and the dialog hints from now on. Only the first
/// call takes effect; `false` when a table was already installed.
pub fn install(table: Vec<Binding>) -> bool {
    TABLE.set(table).is_ok()
}

/// The key table every lookup reads.
pub fn table() -> &'static [Binding] {
    TABLE.get().map_or_else(defaults, Vec::as_slice)
}
