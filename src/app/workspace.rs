//! The instance workspace as the dashboard keeps it: the `Host <name>.spheron` file kept current
//! (once the user turned it on) after each complete deployments list.

use super::action::Command;
use super::lists;
use super::state::{AppState, FlashKind};
use crate::domain::ssh_config::{HostEntry, SshPaths, entries, render};

/// What the dashboard knows about the workspace.
#[derive(Debug, Clone, Default)]
pub struct WorkspaceView {
    /// Where our SSH files are (`None`: no home directory known, nothing is written).
    pub ssh_paths: Option<SshPaths>,
    /// `ssh_config` in `config.toml`: keep the Host file current; `None`: never answered.
    pub ssh_config: Option<bool>,
    /// The text last written (or being written), so an unchanged list writes nothing.
    pub ssh_config_written: Option<String>,
}

/// The Host file's text for what the dashboard holds now, when it may be written: the setting
/// is on, this is not the demo (its instances cannot be reached), and the deployments list is
/// complete (a list missing a team or an item must not take that one's block away).
fn ssh_config_text(state: &AppState) -> Option<String> {
    let w = &state.workspace;
    let paths = w.ssh_paths.as_ref()?;
    if w.ssh_config != Some(true) || state.session.demo {
        return None;
    }
    if !state
        .deployments
        .completeness
        .without_filters()
        .is_complete()
    {
        return None;
    }
    Some(render(&host_entries(state), paths))
}

/// The Host entry of every active deployment with an address: the options the ssh_config
/// block writes, which probes, tunnels and the editor use too.
pub(crate) fn host_entries(state: &AppState) -> Vec<HostEntry> {
    let local: Vec<(String, String)> = state
        .cache
        .local_pub_keys
        .iter()
        .flatten()
        .map(|k| (k.path.clone(), k.text.clone()))
        .collect();
    entries(&state.deployments.items, &local, &state.keys.items).0
}

/// The Host entry of deployment `id`, when it has an address.
pub(crate) fn host_entry(state: &AppState, id: &str) -> Option<HostEntry> {
    host_entries(state)
        .into_iter()
        .find(|e| e.deployment_id == id)
}

/// After the deployments, the SSH keys or the local public keys changed: write the Host file
/// when its text changed. The SSH keys and `~/.ssh/*.pub` are read once first (they name the
/// IdentityFile).
pub(crate) fn sync_ssh_config(state: &mut AppState) -> Vec<Command> {
    let Some(text) = ssh_config_text(state) else {
        return Vec::new();
    };
    let mut cmds = lists::load_keys_once(state);
    if state.cache.local_pub_keys.is_none() {
        cmds.push(Command::ScanPubKeys);
    }
    if state.workspace.ssh_config_written.as_deref() != Some(text.as_str()) {
        state.workspace.ssh_config_written = Some(text.clone());
        cmds.push(Command::WriteSshConfig { text });
    }
    cmds
}

/// The answer to [`Command::WriteSshConfig`]. A failure is said; the next list tries again.
pub(crate) fn on_ssh_config_written(state: &mut AppState, result: Result<(), String>) {
    if let Err(e) = result {
        state.workspace.ssh_config_written = None;
        state.error_from("ssh config", &e);
        state.say(
            FlashKind::Warning,
            format!("the Host file for `ssh NAME.spheron` was not written: {e}"),
        );
    }
}
