//! The one key table, data only: for each place (a pane, every list, a dialog kind, the filter
//! line) which keys mean which command, the footer hint and the `?` line. The reducer, the
//! footer, `?`, the dialogs' hint lines and `[keys]` all read this table. `panes` holds the
//! panes' and the filter line's part, `dialogs` every dialog's.

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

mod dialogs;
mod panes;

/// Every part of the default table, in the order `?` lists them.
const PARTS: &[&[Binding]] = &[
    panes::PANES,
    panes::FILTER_LINE,
    dialogs::EVERY_DIALOG,
    dialogs::HELP,
    dialogs::MESSAGES,
    dialogs::DETAILS,
    dialogs::CONFIRM,
    dialogs::DEPLOY,
    dialogs::DELIBERATE,
    dialogs::FORMS,
    dialogs::CREATE_VOLUME,
    dialogs::VOLUME_INFO,
    dialogs::PICK,
    dialogs::DEPLOYMENT_INFO,
    dialogs::KUBECONFIG,
    dialogs::VIEWS,
    dialogs::WATCHES,
    dialogs::PLANNER,
    dialogs::TUNNEL,
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
