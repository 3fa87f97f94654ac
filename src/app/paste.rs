//! A bracketed paste: one edit of the text field that has the focus (each dialog names its own:
//! `DialogKeys::paste_target`). The text arrives already classified
//! (`domain::ssh_key::Pasted`): a private key carries no text, so nothing of it can reach a
//! field, the state, the screen or a log; the user is told to paste the `.pub` file. Line breaks
//! in a paste become spaces (every field is one line), so a pasted newline never acts as Enter.

use super::action::Command;
use super::dialogs::notice;
use super::state::{AppState, FlashKind};
use super::text;
use crate::domain::ssh_key::{KeyProblem, PASTE_PUB_INSTEAD_SHORT, Pasted, looks_private};

pub fn on_paste(state: &mut AppState, pasted: Pasted) -> Vec<Command> {
    // Below the minimum size nothing is on screen to paste into.
    if super::update::too_small(state) {
        return Vec::new();
    }
    match pasted {
        Pasted::PrivateKey => refuse_private_key(state),
        // Classified upstream already; checked again so no caller can slip one in.
        Pasted::Text(t) if looks_private(&t) => refuse_private_key(state),
        Pasted::Text(t) => {
            let line = text::one_line(&t);
            if !line.is_empty() {
                paste_line(state, &line);
            }
        }
    }
    Vec::new()
}

/// Say it where the user is looking: in the open dialog's error line, or (no dialog open) in a
/// notice; and in the status bar.
fn refuse_private_key(state: &mut AppState) {
    let why = KeyProblem::PrivateKey.to_string();
    let shown = state
        .dialog
        .as_mut()
        .is_some_and(|d| d.keys_mut().private_key_pasted(&why));
    if !shown && state.dialog.is_none() {
        notice::show(state, "Private key refused", vec![why]);
    }
    state.say(FlashKind::Warning, PASTE_PUB_INSTEAD_SHORT);
}

fn paste_line(state: &mut AppState, line: &str) {
    if state.dialog.is_none() && state.offers.editing_filter {
        text::insert(&mut state.offers.filter_input, line);
        let value = state.offers.filter_input.value().to_string();
        state.offers.set_filter_text(&value);
        return;
    }
    let Some(d) = state.dialog.as_mut() else {
        return;
    };
    if let Some((input, error)) = d.keys_mut().paste_target_for(line)
        && text::insert(input, line)
    {
        *error = None;
    }
}
