//! `Enter` on an SSH key: shown at once from the list, then fresh from
//! `GET /api/ssh-keys/{id}`.

use super::{Dialog, DialogKeys, Reply};
use crate::api::SshKey;
use crate::app::action::{ApiResult, Command};
use crate::app::keys::KeyCmd;
use crate::app::state::AppState;

#[derive(Debug, Clone)]
pub struct KeyInfo {
    pub id: String,
    pub key: SshKey,
    pub loading: bool,
    pub error: Option<String>,
}

pub fn open(state: &mut AppState) -> Option<Vec<Command>> {
    let k = state.keys.items.get(state.keys.cursor.selected)?.clone();
    let id = k.id.clone();
    super::open(
        state,
        Dialog::KeyInfo(KeyInfo {
            id: id.clone(),
            key: k,
            loading: true,
            error: None,
        }),
    );
    Some(vec![Command::FetchKey { id }])
}

pub fn fetched(state: &mut AppState, id: &str, r: ApiResult<SshKey>) {
    if let Some(Dialog::KeyInfo(k)) = state.dialog.as_mut()
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

impl DialogKeys for KeyInfo {
    fn commands(&self, _state: &AppState) -> Vec<KeyCmd> {
        vec![KeyCmd::Close]
    }

    fn on_command(&mut self, _state: &mut AppState, _cmd: KeyCmd) -> Reply {
        Reply::close()
    }
}
