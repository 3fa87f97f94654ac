//! SSH keys: add (name + a key picked from `~/.ssh/*.pub` or pasted, checked before sending),
//! delete through a confirm dialog.

use crossterm::event::{KeyCode, KeyEvent};
use tui_input::Input;

use super::dialog::{AddKey, Confirm, ConfirmOp, Dialog, KeyField, KeyInfo};
use super::{LocalPubKey, ManageCmd, cmd, flash, open, refresh_keys, refused_read_only};
use crate::api::{NewSshKey, SshKey};
use crate::app::action::{ApiResult, Command};
use crate::app::state::{AppState, FlashKind};
use crate::app::text;
use crate::domain::ssh_key::{KeyProblem, check_public_key, looks_private};

pub fn open_add(state: &mut AppState) -> Vec<Command> {
    if refused_read_only(state, "adding an SSH key") {
        return Vec::new();
    }
    open(
        state,
        Dialog::AddKey(AddKey {
            name: Input::default(),
            key: Input::default(),
            focus: KeyField::Name,
            found: None,
            pick: 0,
            error: None,
            private_refused: false,
            busy: false,
        }),
    );
    vec![cmd(ManageCmd::ScanPubKeys)]
}

pub fn found(state: &mut AppState, found: Vec<LocalPubKey>) {
    if let Some(Dialog::AddKey(a)) = super::dialog_mut(state) {
        // a private key saved as .pub is not offered
        a.found = Some(
            found
                .into_iter()
                .filter(|k| !looks_private(&k.text))
                .collect(),
        );
    }
}

pub fn on_add_key(
    state: &mut AppState,
    mut a: AddKey,
    ev: KeyEvent,
) -> (Option<Dialog>, Vec<Command>) {
    let has_files = a.found.as_ref().is_some_and(|f| !f.is_empty());
    match ev.code {
        KeyCode::Esc => return (None, Vec::new()),
        KeyCode::Tab | KeyCode::BackTab => {
            let order: &[KeyField] = if has_files {
                &[KeyField::Name, KeyField::Files, KeyField::Key]
            } else {
                &[KeyField::Name, KeyField::Key]
            };
            let i = order.iter().position(|f| *f == a.focus).unwrap_or(0);
            let n = order.len();
            let j = if ev.code == KeyCode::Tab {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            };
            a.focus = order[j];
        }
        code if a.focus == KeyField::Files => {
            let files = a.found.clone().unwrap_or_default();
            if matches!(code, KeyCode::Enter | KeyCode::Char(' ')) {
                if let Some(k) = files.get(a.pick) {
                    a.key = Input::new(k.text.trim().to_string());
                    if a.name.value().is_empty() {
                        a.name = Input::new(default_name(k));
                    }
                    a.focus = KeyField::Key;
                    a.error = None;
                    a.private_refused = false;
                }
            } else {
                super::list_step(code, &mut a.pick, files.len());
            }
        }
        // the rest of a pasted private key (its lines come as Enter) is swallowed
        KeyCode::Enter if a.private_refused => {}
        _ if a.private_refused && a.focus == KeyField::Key => {
            let rearm = ev.code == KeyCode::Backspace
                || (ev.code == KeyCode::Char('u')
                    && ev
                        .modifiers
                        .contains(crossterm::event::KeyModifiers::CONTROL));
            if rearm {
                a.key.reset();
                a.private_refused = false;
                a.error = None;
            }
        }
        KeyCode::Enter => return submit(state, a),
        _ => {
            let input = if a.focus == KeyField::Name {
                &mut a.name
            } else {
                &mut a.key
            };
            if text::edit(input, &ev) {
                a.error = None;
                a.private_refused = false;
                if a.focus == KeyField::Key && looks_private(a.key.value()) {
                    // never kept, never drawn, never sent
                    a.key.reset();
                    a.error = Some(KeyProblem::PrivateKey.to_string());
                    a.private_refused = true;
                }
            }
        }
    }
    (Some(Dialog::AddKey(a)), Vec::new())
}

/// `id_ed25519.pub` → `id_ed25519`; the comment when it has one.
fn default_name(k: &LocalPubKey) -> String {
    let comment = k.text.split_whitespace().nth(2).map(str::to_owned);
    let stem = std::path::Path::new(&k.path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    comment.or(stem).unwrap_or_default()
}

fn submit(state: &mut AppState, mut a: AddKey) -> (Option<Dialog>, Vec<Command>) {
    if a.busy {
        return (Some(Dialog::AddKey(a)), Vec::new());
    }
    let name = a.name.value().trim().to_string();
    if name.is_empty() {
        a.error = Some("name the key (e.g. laptop)".into());
        a.focus = KeyField::Name;
        return (Some(Dialog::AddKey(a)), Vec::new());
    }
    if a.focus == KeyField::Name && a.key.value().trim().is_empty() {
        // Enter after the name moves on to the key (the list first, when there is one)
        a.focus = if a.found.as_ref().is_some_and(|f| !f.is_empty()) {
            KeyField::Files
        } else {
            KeyField::Key
        };
        return (Some(Dialog::AddKey(a)), Vec::new());
    }
    let key = match check_public_key(a.key.value()) {
        Ok(k) => k,
        Err(p) => {
            if p == KeyProblem::PrivateKey {
                a.key.reset();
                a.private_refused = true;
            }
            a.error = Some(p.to_string());
            a.focus = KeyField::Key;
            return (Some(Dialog::AddKey(a)), Vec::new());
        }
    };
    if state.session.read_only {
        a.error = Some("read-only session (--read-only): the key is not sent".into());
        return (Some(Dialog::AddKey(a)), Vec::new());
    }
    a.busy = true;
    a.error = None;
    let new = NewSshKey {
        name,
        public_key: key.line,
        team_id: state.account.chosen_team.clone(),
    };
    (Some(Dialog::AddKey(a)), vec![cmd(ManageCmd::AddKey(new))])
}

pub fn added(state: &mut AppState, r: ApiResult<SshKey>) -> Vec<Command> {
    match r {
        Ok(k) => {
            if matches!(super::dialog_mut(state), Some(Dialog::AddKey(_))) {
                state.modal = None;
            }
            flash(
                state,
                format!(
                    "SSH key {} added{}",
                    k.name,
                    k.fingerprint.map(|f| format!(" ({f})")).unwrap_or_default()
                ),
                FlashKind::Success,
            );
            vec![refresh_keys(state)]
        }
        Err(e) => {
            // what the user typed stays; the answer is shown in the dialog
            if let Some(Dialog::AddKey(a)) = super::dialog_mut(state) {
                a.busy = false;
                a.error = Some(e.to_string());
            } else {
                flash(state, format!("SSH key not added: {e}"), FlashKind::Warning);
            }
            Vec::new()
        }
    }
}

pub fn open_delete(state: &mut AppState) -> Vec<Command> {
    let Some(k) = state.keys.items.get(state.keys.cursor.selected).cloned() else {
        return Vec::new();
    };
    if refused_read_only(state, "deleting an SSH key") {
        return Vec::new();
    }
    let mut lines = vec![format!("Delete the SSH key {}?", k.name)];
    if let Some(f) = &k.fingerprint {
        lines.push(format!("fingerprint {f}"));
    }
    lines.push(String::new());
    lines.push("New deploys can no longer pick it. This cannot be undone.".into());
    open(
        state,
        Dialog::Confirm(Confirm::new(
            ConfirmOp::DeleteKey {
                id: k.id.clone(),
                name: k.name.clone(),
            },
            format!("Delete SSH key {}", k.name),
            lines,
        )),
    );
    Vec::new()
}

pub fn deleted(state: &mut AppState, id: &str, r: ApiResult<()>) -> Vec<Command> {
    let mine =
        matches!(super::dialog_mut(state), Some(Dialog::Confirm(c)) if c.op.target_id() == id);
    match r {
        Ok(()) => {
            if mine {
                state.modal = None;
            }
            flash(state, "SSH key deleted", FlashKind::Success);
            vec![refresh_keys(state)]
        }
        Err(e) => {
            if let (true, Some(Dialog::Confirm(c))) = (mine, super::dialog_mut(state)) {
                c.busy = false;
                c.error = Some(e.to_string());
            } else {
                flash(
                    state,
                    format!("SSH key not deleted: {e}"),
                    FlashKind::Warning,
                );
            }
            vec![refresh_keys(state)]
        }
    }
}

/// `Enter` on a key: shown at once from the list, then fresh from `GET /api/ssh-keys/{id}`.
pub fn open_info(state: &mut AppState) -> Option<Vec<Command>> {
    let k = state.keys.items.get(state.keys.cursor.selected)?.clone();
    let id = k.id.clone();
    open(
        state,
        Dialog::KeyInfo(KeyInfo {
            id: id.clone(),
            key: k,
            loading: true,
            error: None,
        }),
    );
    Some(vec![cmd(ManageCmd::FetchKey { id })])
}

pub fn fetched(state: &mut AppState, id: &str, r: ApiResult<SshKey>) {
    if let Some(Dialog::KeyInfo(k)) = super::dialog_mut(state)
        && k.id == id
    {
        k.loading = false;
        match r {
            Ok(key) => {
                k.key = key;
                k.error = None;
            }
            Err(e) => k.error = Some(e.to_string()),
        }
    }
}
