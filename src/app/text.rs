//! Key presses into text-input edits (tui-input does the editing; this only maps keys).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_input::{Input, InputRequest};

/// Drop the spaces around a field's value, so what is shown back (and sent) is what counts.
pub fn trim(input: &mut Input) {
    let value = input.value();
    if value.trim().len() != value.len() {
        *input = Input::new(value.trim().to_string());
    }
}

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

/// Whether `ev` clears a field: Backspace, or Ctrl-U.
pub fn clears(ev: &KeyEvent) -> bool {
    ev.code == KeyCode::Backspace
        || (ev.code == KeyCode::Char('u') && ev.modifiers.contains(KeyModifiers::CONTROL))
}

/// A paste made fit for a one-line field: line breaks and tabs become single spaces, other
/// control characters are dropped, the ends are trimmed.
pub fn one_line(pasted: &str) -> String {
    let mut out = String::with_capacity(pasted.len());
    for c in pasted.chars() {
        if c == '\n' || c == '\r' || c == '\t' {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else if !c.is_control() {
            out.push(c);
        }
    }
    out.trim().to_string()
}

/// Insert `text` at the cursor as one edit. Returns whether the text changed.
pub fn insert(input: &mut Input, text: &str) -> bool {
    let mut changed = false;
    for c in text.chars() {
        changed |= input
            .handle(InputRequest::InsertChar(c))
            .is_some_and(|r| r.value);
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimming_keeps_the_words() {
        let mut i = Input::new(" 100 GB ".into());
        trim(&mut i);
        assert_eq!(i.value(), "100 GB");
        assert_eq!(i.cursor(), 6);
    }

    #[test]
    fn a_paste_becomes_one_line_inserted_at_the_cursor() {
        assert_eq!(one_line("  ssh-ed25519 AAAA me\r\n"), "ssh-ed25519 AAAA me");
        assert_eq!(one_line("a\n\nb\tc\x1b[31m"), "a b c[31m");
        let mut i = Input::new("h100".into());
        i.handle(InputRequest::GoToStart);
        assert!(insert(&mut i, "nvidia "));
        assert_eq!(i.value(), "nvidia h100");
        assert!(!insert(&mut i, ""));
    }

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
