//! A bracketed paste: one edit of the text field that has the focus. The text arrives already
//! classified (`domain::ssh_key::Pasted`): a private key carries no text, so nothing of it can
//! reach a field, the state, the screen or a log; the user is told to paste the `.pub` file.
//! Line breaks in a paste become spaces (every field is one line), so a pasted newline never
//! acts as Enter.

use tui_input::Input;

use super::action::Command;
use super::deploy::{Phase, SshSel, Step};
use super::manage::Dialog;
use super::manage::dialog::{CreateStep, EditField, KeyField};
use super::modal::Modal;
use super::state::{AppState, FlashKind};
use super::text;
use super::update::flash;
use crate::domain::ssh_key::{KeyProblem, PASTE_PUB_INSTEAD_SHORT, Pasted, looks_private};

pub fn on_paste(state: &mut AppState, pasted: Pasted) -> Vec<Command> {
    match pasted {
        Pasted::PrivateKey => refuse_private_key(state),
        // Classified upstream already; checked again so no caller can slip one in.
        Pasted::Text(t) if looks_private(&t) => refuse_private_key(state),
        Pasted::Text(t) => {
            let line = text::one_line(&t);
            if line.is_empty() {
                return Vec::new();
            }
            paste_line(state, &line);
        }
    }
    Vec::new()
}

/// Say it where the user is looking: in the open dialog's error line, or (no dialog open) in a
/// notice; and in the status bar.
fn refuse_private_key(state: &mut AppState) {
    let why = KeyProblem::PrivateKey.to_string();
    let shown_in_dialog = match state.modal.as_mut() {
        Some(Modal::Deploy(w)) => {
            w.error = Some(why.clone());
            true
        }
        Some(Modal::KeyPrompt { error, .. }) => {
            *error = Some(why.clone());
            true
        }
        Some(Modal::Rename(r)) => {
            r.error = Some(why.clone());
            true
        }
        Some(Modal::Manage(d)) => match d.as_mut() {
            Dialog::AddKey(a) => {
                a.key.reset();
                a.focus = KeyField::Key;
                // A bracketed paste arrives whole: no rest of it can follow as keys, so typing
                // is not paused as it is after a private key typed in.
                a.private_refused = false;
                a.error = Some(why.clone());
                true
            }
            Dialog::CreateVolume(c) => {
                c.error = Some(why.clone());
                true
            }
            Dialog::EditVolume(e) => {
                e.error = Some(why.clone());
                true
            }
            Dialog::Kubeconfig(k) => {
                k.error = Some(why.clone());
                true
            }
            _ => false,
        },
        _ => false,
    };
    if !shown_in_dialog && state.modal.is_none() {
        super::manage::notice(state, "Private key refused", vec![why]);
    }
    flash(state, PASTE_PUB_INSTEAD_SHORT.into(), FlashKind::Warning);
}

fn paste_line(state: &mut AppState, line: &str) {
    let offers_filter = state.modal.is_none() && state.offers.editing_filter;
    if offers_filter {
        text::insert(&mut state.offers.filter_input, line);
        let value = state.offers.filter_input.value().to_string();
        state.offers.set_filter_text(&value);
        return;
    }
    let Some((input, error)) = focused_field(state) else {
        return;
    };
    if text::insert(input, line) {
        *error = None;
    }
}

/// The text field that takes typing now, with the error it clears.
fn focused_field(state: &mut AppState) -> Option<(&mut Input, &mut Option<String>)> {
    match state.modal.as_mut()? {
        Modal::KeyPrompt { input, error, .. } => Some((input, error)),
        Modal::Rename(r) if !r.sending => Some((&mut r.input, &mut r.error)),
        Modal::Deploy(w) if w.phase == Phase::Editing => match w.step() {
            Step::Ssh => {
                w.ssh = Some(SshSel::Paste);
                Some((&mut w.paste, &mut w.error))
            }
            Step::Name => Some((&mut w.name, &mut w.error)),
            Step::CloudInit => Some((&mut w.ci_input[w.ci_field], &mut w.error)),
            _ => None,
        },
        Modal::Manage(d) => match d.as_mut() {
            Dialog::AddKey(a) if !a.busy => {
                if a.focus == KeyField::Files {
                    a.focus = KeyField::Key;
                }
                a.private_refused = false;
                let input = match a.focus {
                    KeyField::Name => &mut a.name,
                    _ => &mut a.key,
                };
                Some((input, &mut a.error))
            }
            Dialog::CreateVolume(c) if !c.busy => match c.step {
                CreateStep::Name => Some((&mut c.name, &mut c.error)),
                CreateStep::Size => Some((&mut c.size, &mut c.error)),
                _ => None,
            },
            Dialog::EditVolume(e) if !e.busy => match e.focus {
                EditField::Name => Some((&mut e.name, &mut e.error)),
                EditField::Size => Some((&mut e.size, &mut e.error)),
            },
            Dialog::Kubeconfig(k) if !k.busy && k.confirm_overwrite.is_none() => {
                k.saved_to = None;
                Some((&mut k.path, &mut k.error))
            }
            _ => None,
        },
        _ => None,
    }
}
