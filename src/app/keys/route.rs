//! A key press into a command for what has the focus: a pane, the filter line, or a dialog of
//! one kind (with a text field focused or not). A focused text field takes the keys that edit
//! text before any command; a pane's own keys win over the global ones.

use crossterm::event::KeyEvent;

use super::{Binding, KeyCmd, Scope, edits_text, table};
use crate::app::Pane;
use crate::app::dialogs::Kind;

/// What has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Pane(Pane),
    /// The Offers filter line (a text field).
    Filter,
    /// An open dialog; `text`: one of its text fields has the focus.
    Dialog {
        kind: Kind,
        text: bool,
    },
}

impl Focus {
    /// Whether a text field has the focus.
    pub fn text(self) -> bool {
        match self {
            Focus::Pane(_) => false,
            Focus::Filter => true,
            Focus::Dialog { text, .. } => text,
        }
    }

    /// Whether a binding of `scope` is read with this focus.
    pub fn reads(self, scope: Scope) -> bool {
        match self {
            Focus::Pane(p) => scope.applies(p),
            Focus::Filter => scope == Scope::Filter,
            Focus::Dialog { kind, .. } => scope.in_dialog(kind),
        }
    }
}

/// Where a key press goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routed {
    Cmd(KeyCmd),
    /// No command: the focused text field takes it (or, without one, the dialog sees a key
    /// that is none of its commands).
    Other,
}

/// The binding a key press means with `focus`: a pane's own bindings win over the global ones,
/// a dialog kind's over those of every dialog.
pub fn lookup(ev: &KeyEvent, focus: Focus) -> Option<&'static Binding> {
    let hit = |b: &&Binding| focus.reads(b.scope) && b.keys.iter().any(|k| k.matches(ev));
    let own = |b: &&Binding| matches!(b.scope, Scope::On(_) | Scope::Dialog(_));
    table()
        .iter()
        .filter(own)
        .find(hit)
        .or_else(|| table().iter().find(hit))
}

/// What a key press means with `focus`.
pub fn route(ev: &KeyEvent, focus: Focus) -> Routed {
    if focus.text() && edits_text(ev) {
        return Routed::Other;
    }
    match lookup(ev, focus) {
        Some(b) => Routed::Cmd(b.cmd),
        None => Routed::Other,
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyModifiers};

    use super::*;
    use crate::app::keys::Key;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn pane_keys_only_work_on_their_pane() {
        let t = key(KeyCode::Char('t'));
        let on = |p| lookup(&t, Focus::Pane(p)).map(|b| b.cmd);
        assert_eq!(on(Pane::Offers), Some(KeyCmd::CycleType));
        assert_eq!(on(Pane::Deployments), None);
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        let deployments = Focus::Pane(Pane::Deployments);
        assert_eq!(
            lookup(&ctrl_c, deployments).map(|b| b.cmd),
            Some(KeyCmd::Quit)
        );
        let c = key(KeyCode::Char('c'));
        assert_eq!(
            lookup(&c, deployments).map(|b| b.cmd),
            Some(KeyCmd::CopySsh)
        );
    }

    #[test]
    fn j_and_k_move_on_every_pane() {
        for pane in Pane::ALL {
            let f = Focus::Pane(pane);
            let j = route(&key(KeyCode::Char('j')), f);
            assert_eq!(j, Routed::Cmd(KeyCmd::Down), "{pane:?}");
            let k = route(&key(KeyCode::Char('k')), f);
            assert_eq!(k, Routed::Cmd(KeyCmd::Up), "{pane:?}");
        }
    }

    #[test]
    fn dialog_keys_never_reach_the_panes() {
        let y = key(KeyCode::Char('y'));
        assert!(lookup(&y, Focus::Pane(Pane::Deployments)).is_none());
    }

    #[test]
    fn a_text_field_takes_the_keys_that_edit_text_before_any_command() {
        let rename = Focus::Dialog {
            kind: Kind::Rename,
            text: true,
        };
        for c in ['y', 'q', 'n', 'j'] {
            assert_eq!(route(&Key::Char(c).event(), rename), Routed::Other, "{c}");
        }
        assert_eq!(
            route(&key(KeyCode::Enter), rename),
            Routed::Cmd(KeyCmd::Submit)
        );
        assert_eq!(route(&key(KeyCode::Esc), rename), Routed::Cmd(KeyCmd::Back));
        assert_eq!(route(&key(KeyCode::Left), Focus::Filter), Routed::Other);
        assert_eq!(
            route(&key(KeyCode::Down), Focus::Filter),
            Routed::Cmd(KeyCmd::Down)
        );
        let confirm = Focus::Dialog {
            kind: Kind::Confirm,
            text: false,
        };
        assert_eq!(
            route(&key(KeyCode::Char('y')), confirm),
            Routed::Cmd(KeyCmd::Confirm)
        );
        assert_eq!(
            route(&key(KeyCode::Char('l')), confirm),
            Routed::Cmd(KeyCmd::FocusNext)
        );
    }
}
