//! Key presses into text-input edits (tui-input does the editing; this only maps keys).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_input::{Input, InputRequest};

/// Apply a key to `input`. Returns whether the text changed.
pub fn edit(input: &mut Input, ev: &KeyEvent) -> bool {
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    let req = match ev.code {
        KeyCode::Char('u') if ctrl => InputRequest::DeleteLine,
        KeyCode::Char('w') if ctrl => InputRequest::DeletePrevWord,
        KeyCode::Char('a') if ctrl => InputRequest::GoToStart,
        KeyCode::Char('e') if ctrl => InputRequest::GoToEnd,
        KeyCode::Char(_) if ctrl || ev.modifiers.contains(KeyModifiers::ALT) => return false,
        KeyCode::Char(c) => InputRequest::InsertChar(c),
        KeyCode::Backspace => InputRequest::DeletePrevChar,
        KeyCode::Delete => InputRequest::DeleteNextChar,
        KeyCode::Left => InputRequest::GoToPrevChar,
        KeyCode::Right => InputRequest::GoToNextChar,
        KeyCode::Home => InputRequest::GoToStart,
        KeyCode::End => InputRequest::GoToEnd,
        _ => return false,
    };
    input.handle(req).is_some_and(|r| r.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_and_deleting() {
        let mut i = Input::default();
        for c in "h100x".chars() {
            assert!(edit(
                &mut i,
                &KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
            ));
        }
        assert!(edit(
            &mut i,
            &KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE)
        ));
        assert_eq!(i.value(), "h100");
        assert!(!edit(
            &mut i,
            &KeyEvent::new(KeyCode::Left, KeyModifiers::NONE)
        ));
        assert!(edit(
            &mut i,
            &KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)
        ));
        assert_eq!(i.value(), "");
    }
}
