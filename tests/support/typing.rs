//! Keys pressed into the app to see what acts: the key table's keys and a random typist's, and
//! whether one press changed anything. Shared by the pane footer and dialog tests, which check
//! the key table both ways.

use crossterm::event::{KeyCode, KeyEvent};
use spheron_tui::app::keys::{self, Key};
use spheron_tui::app::state::FlashKind;
use spheron_tui::app::{Action, AppState, update};

/// Every key of the table, and the keys a random typist meets (letters, digits, the editing
/// and moving keys).
pub fn alphabet() -> Vec<KeyEvent> {
    let mut out: Vec<KeyEvent> = Vec::new();
    let mut add = |ev: KeyEvent| {
        if !out.contains(&ev) {
            out.push(ev);
        }
    };
    for b in keys::table() {
        b.keys.iter().for_each(|k| add(k.event()));
    }
    ('a'..='z')
        .chain('A'..='Z')
        .chain('0'..='9')
        .chain([' ', '/', '?', '$'])
        .for_each(|c| add(Key::Char(c).event()));
    for code in [
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Backspace,
        KeyCode::Delete,
        KeyCode::F(5),
    ] {
        add(Key::Code(code).event());
    }
    out
}

/// Whether a warning on the status line counts as the key acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Warnings {
    /// It does (a dialog's answer).
    Act,
    /// It does not: "no offer selected" or the read-only refusal says why nothing happened.
    SayWhyNot,
}

/// Press `ev` in a copy of `s` once `quiet` has passed without a key: whether it acted (a
/// command out, or the state changed).
pub fn acts(s: &AppState, ev: KeyEvent, quiet: chrono::Duration, warnings: Warnings) -> bool {
    let mut s = s.clone();
    let later = s.now + quiet;
    update(&mut s, Action::Now(later));
    let before = format!("{s:?}");
    let status = s.status.clone();
    let cmds = update(&mut s, Action::Key(ev));
    let warned = s
        .status
        .flash
        .as_ref()
        .is_some_and(|f| f.kind == FlashKind::Warning);
    if warnings == Warnings::SayWhyNot && warned {
        s.status = status;
    }
    !cmds.is_empty() || format!("{s:?}") != before
}
