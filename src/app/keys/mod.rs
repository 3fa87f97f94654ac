//! The keyboard, and nothing else: a key press becomes a command here, and only here.
//!
//! `table` is the one key table (data only: which keys mean which command where, with the hint
//! and the help line); `route` turns a key press into a command for what has the focus (a pane,
//! a dialog kind, a text field); `rebind` parses key names and applies `config.toml`'s `[keys]`
//! (`snapshot --keys` reads its names too); `hints` derives the footer, the dialogs' hint lines
//! and `?` from the table and from what the focused dialog handles.

pub mod hints;
pub mod rebind;
pub mod route;
pub mod table;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub use route::{Focus, Routed, lookup, route};
pub use table::{Binding, Scope, defaults, install, table};

use super::Pane;

/// One key of the keyboard, as the table names it.
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

    /// The key press this key is (for tests and `snapshot --keys`).
    pub fn event(self) -> KeyEvent {
        match self {
            Key::Char(c) => KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
            Key::Ctrl(c) => KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL),
            Key::Code(KeyCode::BackTab) => KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT),
            Key::Code(code) => KeyEvent::new(code, KeyModifiers::NONE),
        }
    }

    /// Whether a text field takes this key as typing (a character, Space).
    pub fn types(self) -> bool {
        matches!(self, Key::Char(_))
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

/// What a key means, before the pane or the dialog with the focus decides what that does in
/// the current state. The same command serves panes and dialogs (`Up` moves a list's selection
/// or scrolls a view).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// Attach / detach a volume (from a volume or from a deployment).
    Attach,
    Detach,
    Kubeconfig,
    UseTeam,
    /// A price watch pre-filled from the selected offer.
    NewWatch,
    /// The list of price watches.
    Watches,
    /// The model planner.
    Planner,
    /// Start or stop a tunnel to a port of the selected deployment.
    Tunnel,
    /// Open the selected deployment in VS Code or Cursor over Remote-SSH.
    Editor,
    /// Follow the selected deployment's GPU use, or stop.
    FollowUsage,
    /// Reach the instances by name: the ssh_config file kept current, asked first.
    SshConfig,
    /// `Esc`: a step back, or close (clears the Offers filter on the pane).
    Back,
    /// Close a view.
    Close,
    /// Send what the dialog asks about.
    Confirm,
    /// Answer no.
    Cancel,
    /// Enter: the next step, save, or press the focused button.
    Submit,
    /// Move the focus to the next / previous field or button.
    FocusNext,
    FocusPrev,
    /// Ask again after a failed check.
    Retry,
    /// Select or unselect the row under the cursor.
    Select,
    /// Show / hide every field as raw JSON.
    RawJson,
    /// Change the selected price watch.
    EditWatch,
    /// Remove the selected price watch.
    RemoveWatch,
    /// The next / previous value of the focused choice.
    NextChoice,
    PrevChoice,
    /// The deploy wizard: start from a preset of `config.toml`.
    Presets,
    /// The deploy wizard's summary: save the choices as a preset.
    SavePreset,
}

/// `Ctrl-C`: it quits from anywhere, in front of every pane, dialog and text field (and
/// cannot be rebound).
pub fn quits_from_anywhere(ev: &KeyEvent) -> bool {
    Key::Ctrl('c').matches(ev)
}

/// A key press that edits a one-line text field: characters, Space, and the editing keys.
pub fn edits_text(ev: &KeyEvent) -> bool {
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    let alt = ev.modifiers.contains(KeyModifiers::ALT);
    match ev.code {
        KeyCode::Char('u' | 'w' | 'a' | 'e') if ctrl => true,
        KeyCode::Char(_) => !ctrl && !alt,
        KeyCode::Backspace
        | KeyCode::Delete
        | KeyCode::Left
        | KeyCode::Right
        | KeyCode::Home
        | KeyCode::End => true,
        _ => false,
    }
}
