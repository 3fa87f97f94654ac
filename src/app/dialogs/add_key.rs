//! `a` on the SSH keys pane: a name and a key picked from `~/.ssh/*.pub` or pasted, checked
//! before anything is sent (a private key is refused loudly and never kept).

use crossterm::event::KeyEvent;
use tui_input::Input;

use super::{Dialog, DialogKeys, Reply, list_step};
use crate::api::{NewSshKey, SshKey};
use crate::app::action::{ApiResult, Command, LocalPubKey};
use crate::app::keys::KeyCmd;
use crate::app::state::{AppState, FlashKind};
use crate::app::{lists, text};
use crate::domain::ssh_key::{KeyProblem, check_public_key, looks_private};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyField {
    Name,
    Files,
    Key,
}

#[derive(Debug, Clone)]
pub struct AddKey {
    pub name: Input,
    pub key: Input,
    pub focus: KeyField,
    /// `~/.ssh/*.pub`, once scanned.
    pub found: Option<Vec<LocalPubKey>>,
    pub pick: usize,
    pub error: Option<String>,
    /// Set when a private key was pasted (shown loudly, in the error colour).
    pub private_refused: bool,
    pub busy: bool,
}

pub fn open(state: &mut AppState) -> Vec<Command> {
    super::open(
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
    vec![Command::ScanPubKeys]
}

/// The scan answered: offer the public keys (a private key saved as `.pub` is not offered).
pub fn found(state: &mut AppState, found: &[LocalPubKey]) {
    if let Some(Dialog::AddKey(a)) = state.dialog.as_mut() {
        a.found = Some(
            found
                .iter()
                .filter(|k| !looks_private(&k.text))
                .cloned()
                .collect(),
        );
    }
}

impl AddKey {
    fn files(&self) -> &[LocalPubKey] {
        self.found.as_deref().unwrap_or_default()
    }

    /// The file chosen in the list goes into the key field (and names the key, if unnamed).
    fn pick_file(&mut self) {
        if let Some(k) = self.files().get(self.pick).cloned() {
            self.key = Input::new(k.text.trim().to_string());
            if self.name.value().is_empty() {
                self.name = Input::new(default_name(&k));
            }
            self.focus = KeyField::Key;
            self.error = None;
            self.private_refused = false;
        }
    }
}

impl DialogKeys for AddKey {
    /// In the list: move, pick; in a field: add. Nothing after a private key was typed in
    /// until the field is cleared (the rest of a pasted private key comes as keys).
    fn commands(&self, _state: &AppState) -> Vec<KeyCmd> {
        let mut out = vec![KeyCmd::FocusNext, KeyCmd::FocusPrev];
        if self.focus == KeyField::Files {
            out.extend(super::list_commands(self.pick, self.files().len()));
            if self.pick < self.files().len() {
                out.extend([KeyCmd::Select, KeyCmd::Submit]);
            }
        } else if !self.private_refused && !self.busy {
            out.push(KeyCmd::Submit);
        }
        out
    }

    fn on_command(&mut self, state: &mut AppState, cmd: KeyCmd) -> Reply {
        let a = self;
        match cmd {
            KeyCmd::FocusNext | KeyCmd::FocusPrev => {
                let order: &[KeyField] = if a.files().is_empty() {
                    &[KeyField::Name, KeyField::Key]
                } else {
                    &[KeyField::Name, KeyField::Files, KeyField::Key]
                };
                let i = order.iter().position(|f| *f == a.focus).unwrap_or(0);
                let n = order.len();
                let j = if cmd == KeyCmd::FocusNext {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                };
                a.focus = order[j];
            }
            KeyCmd::Select => a.pick_file(),
            KeyCmd::Submit if a.focus == KeyField::Files => a.pick_file(),
            KeyCmd::Submit => return a.submit(state),
            cmd => {
                let n = a.files().len();
                list_step(cmd, &mut a.pick, n);
            }
        }
        Reply::stay()
    }

    fn text_focus(&self) -> bool {
        self.focus != KeyField::Files
    }

    fn on_text(&mut self, _state: &mut AppState, ev: &KeyEvent) -> Reply {
        let a = self;
        if a.focus == KeyField::Files {
            return Reply::stay();
        }
        if a.private_refused && a.focus == KeyField::Key {
            // typing stays paused until the refused field is cleared
            if text::clears(ev) {
                a.key.reset();
                a.private_refused = false;
                a.error = None;
            }
            return Reply::stay();
        }
        let input = if a.focus == KeyField::Name {
            &mut a.name
        } else {
            &mut a.key
        };
        if text::edit(input, ev) {
            a.error = None;
            a.private_refused = false;
            if a.focus == KeyField::Key && looks_private(a.key.value()) {
                // never kept, never drawn, never sent
                a.key.reset();
                a.error = Some(KeyProblem::PrivateKey.to_string());
                a.private_refused = true;
            }
        }
        Reply::stay()
    }

    fn refused(&mut self, why: &str) {
        self.busy = false;
        self.error = Some(why.to_string());
    }

    fn paste_target(&mut self) -> Option<(&mut Input, &mut Option<String>)> {
        if self.busy {
            return None;
        }
        if self.focus == KeyField::Files {
            self.focus = KeyField::Key;
        }
        self.private_refused = false;
        let input = match self.focus {
            KeyField::Name => &mut self.name,
            _ => &mut self.key,
        };
        Some((input, &mut self.error))
    }

    /// A whole public key pasted into the name goes to the key field, where it belongs.
    fn paste_target_for(&mut self, text: &str) -> Option<(&mut Input, &mut Option<String>)> {
        if self.focus == KeyField::Name && check_public_key(text).is_ok() {
            self.focus = KeyField::Key;
        }
        self.paste_target()
    }

    fn private_key_pasted(&mut self, why: &str) -> bool {
        self.key.reset();
        self.focus = KeyField::Key;
        // A bracketed paste arrives whole: no rest of it can follow as keys, so typing is not
        // paused as it is after a private key typed in.
        self.private_refused = false;
        self.error = Some(why.to_string());
        true
    }
}

/// `id_ed25519.pub` → `id_ed25519`; the comment when it has one.
fn default_name(k: &LocalPubKey) -> String {
    let comment = k.text.split_whitespace().nth(2).map(str::to_owned);
    let stem = std::path::Path::new(&k.path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    comment.or(stem).unwrap_or_default()
}

impl AddKey {
    fn submit(&mut self, state: &mut AppState) -> Reply {
        let a = self;
        if a.busy {
            return Reply::stay();
        }
        let name = a.name.value().trim().to_string();
        if name.is_empty() {
            a.error = Some("name the key (e.g. laptop)".into());
            a.focus = KeyField::Name;
            return Reply::stay();
        }
        if a.focus == KeyField::Name && a.key.value().trim().is_empty() {
            // Enter after the name moves on to the key (the list first, when there is one)
            a.focus = if a.found.as_ref().is_some_and(|f| !f.is_empty()) {
                KeyField::Files
            } else {
                KeyField::Key
            };
            return Reply::stay();
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
                return Reply::stay();
            }
        };
        a.busy = true;
        a.error = None;
        let new = NewSshKey {
            name,
            public_key: key.line,
            team_id: state.account.chosen_team.clone(),
        };
        Reply::send(vec![Command::AddKey(new)])
    }
}

pub fn added(state: &mut AppState, r: ApiResult<SshKey>) -> Vec<Command> {
    match r {
        Ok(k) => {
            if matches!(state.dialog, Some(Dialog::AddKey(_))) {
                state.dialog = None;
            }
            state.say(
                FlashKind::Success,
                format!(
                    "SSH key {} added{}",
                    k.name,
                    k.fingerprint.map(|f| format!(" ({f})")).unwrap_or_default()
                ),
            );
            lists::reload_keys(state)
        }
        Err(e) => {
            // what the user typed stays; the answer is shown in the dialog
            if let Some(Dialog::AddKey(a)) = state.dialog.as_mut() {
                a.busy = false;
                a.error = Some(e.to_string());
            } else {
                state.say(FlashKind::Warning, format!("SSH key not added: {e}"));
            }
            Vec::new()
        }
    }
}
