//! The instance workspace as the dashboard keeps it: the `Host <name>.spheron` file kept current
//! (once the user turned it on) after each complete deployments list. The user is asked first:
//! offered once a run while the setting was never answered, asked with `H` (the one confirm:
//! what is written, the one line `~/.ssh/config` gets), the answer saved as `ssh_config` in
//! `config.toml`. The files are written as `ssh-config --write` writes them
//! (`runtime::ssh_config`).

use super::action::Command;
use super::dialogs::{self, Dialog, Op};
use super::keys::{KeyCmd, rebind::key_for};
use super::lists;
use super::state::{AppState, FlashKind};
use crate::domain::ssh_config::{HostEntry, SshPaths, entries, include_line, render};

/// What the dashboard knows about the workspace.
#[derive(Debug, Clone, Default)]
pub struct WorkspaceView {
    /// Where our SSH files are (`None`: no home directory known, nothing is written).
    pub ssh_paths: Option<SshPaths>,
    /// `ssh_config` in `config.toml`: keep the Host file current; `None`: never answered.
    pub ssh_config: Option<bool>,
    /// The text last written (or being written), so an unchanged list writes nothing.
    pub ssh_config_written: Option<String>,
    /// The offer to set it up was made this run.
    pub offered: bool,
    /// Turned on now: the first write says what it did.
    pub announce: bool,
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
    offer(state);
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
    if result.is_ok() && std::mem::take(&mut state.workspace.announce) {
        let alias = example_alias(state);
        let file = state
            .workspace
            .ssh_paths
            .as_ref()
            .map(|p| p.generated.display().to_string());
        state.say(
            FlashKind::Success,
            format!(
                "`ssh {alias}` works now: {} is written and ~/.ssh/config includes it",
                file.unwrap_or_default()
            ),
        );
    }
    if let Err(e) = result {
        state.workspace.ssh_config_written = None;
        state.error_from("ssh config", &e);
        state.say(
            FlashKind::Warning,
            format!("the Host file for `ssh NAME.spheron` was not written: {e}"),
        );
    }
}

/// Once a run, while the setting was never answered and some instance has an address: say
/// that the instances can be reached by name, and which key asks.
fn offer(state: &mut AppState) {
    let w = &state.workspace;
    if w.offered || w.ssh_config.is_some() || w.ssh_paths.is_none() || state.session.demo {
        return;
    }
    if host_entries(state).is_empty() {
        return;
    }
    state.workspace.offered = true;
    let key = key_for(KeyCmd::SshConfig);
    state.say(
        FlashKind::Info,
        format!(
            "reach your instances by name (ssh {}, scp, rsync, VS Code): {key} on Deployments sets it up, asking first",
            example_alias(state)
        ),
    );
}

/// An alias to show: the selected deployment's, else the first one's, else the pattern.
fn example_alias(state: &AppState) -> String {
    let entries = host_entries(state);
    let selected = state.selected_deployment().map(|d| d.id.as_str());
    entries
        .iter()
        .find(|e| Some(e.deployment_id.as_str()) == selected)
        .or(entries.first())
        .map_or_else(|| "NAME.spheron".into(), |e| e.alias.clone())
}

/// `H`: ask whether to reach the instances by name (the one confirm), saying what is written
/// and the one line `~/.ssh/config` gets; when it is on already, where the files are.
pub(crate) fn open_ssh_config(state: &mut AppState) -> Vec<Command> {
    let Some(paths) = state.workspace.ssh_paths.clone() else {
        return Vec::new();
    };
    let generated = paths.generated.display();
    let user = paths.user_config.display();
    let alias = example_alias(state);
    if state.workspace.ssh_config == Some(true) && !state.session.demo {
        dialogs::notice::show(
            state,
            "Instances by name: on",
            vec![
                format!("`ssh {alias}` and the rest reach each active deployment by name."),
                format!("{generated} is kept current while the dashboard runs;"),
                format!("{user} includes it."),
                "`spheron-tui ssh-config --remove` takes both out and turns it off.".into(),
            ],
        );
        return Vec::new();
    }
    let mut lines = vec![
        format!(
            "`ssh {alias}`, scp and rsync to `{alias}:`, and VS Code (E) reach each active deployment by name."
        ),
        String::new(),
        format!("Writes {generated} (0600) and keeps it current while the dashboard runs."),
        format!(
            "Adds one line at the top of {user} (made 0600 if absent), every other byte kept as it is:"
        ),
        format!("  {}", include_line(&paths.generated)),
        String::new(),
        "Saves ssh_config = true in config.toml; `spheron-tui ssh-config --remove` undoes it."
            .into(),
        "Don't ask again saves ssh_config = false; Esc: not now.".into(),
    ];
    if state.session.demo {
        lines.push(String::new());
        lines.push("Demo: nothing is written (its instances cannot be reached).".into());
    }
    let op = Op::SshConfig {
        file: state.presets.file.clone(),
    };
    let c = dialogs::Confirm::new(op, "Reach instances by name?", lines, state.now);
    dialogs::open(state, Dialog::Confirm(c));
    Vec::new()
}

/// Yes: keep the file current from now (written at once when the deployments list is
/// complete) and save the answer (`save`). The demo writes nothing.
pub(crate) fn turn_on(state: &mut AppState, save: Command) -> Vec<Command> {
    if state.session.demo {
        state.say(
            FlashKind::Info,
            "demo: nothing written (the demo's instances cannot be reached); outside the demo this writes the Host file and the Include line",
        );
        return Vec::new();
    }
    state.workspace.ssh_config = Some(true);
    state.workspace.announce = true;
    state.workspace.ssh_config_written = None;
    let mut cmds = vec![save];
    cmds.extend(sync_ssh_config(state));
    if !cmds
        .iter()
        .any(|c| matches!(c, Command::WriteSshConfig { .. }))
    {
        state.say(
            FlashKind::Info,
            "instances by name: on; the Host file is written once the deployments list is complete",
        );
    }
    cmds
}

/// Don't ask again: `ssh_config = false` saved (the demo saves nothing).
pub(crate) fn decline(state: &mut AppState) -> Vec<Command> {
    state.workspace.ssh_config = Some(false);
    let key = key_for(KeyCmd::SshConfig);
    state.say(
        FlashKind::Info,
        format!("instances by name: not asked again; {key} on Deployments asks any time"),
    );
    if state.session.demo {
        return Vec::new();
    }
    vec![Command::SaveSshConfigSetting {
        file: state.presets.file.clone(),
        on: false,
    }]
}

/// The answer to [`Command::SaveSshConfigSetting`]: a failure is said (the files, if any, are
/// written; the question comes again next run).
pub(crate) fn on_setting_saved(state: &mut AppState, on: bool, result: Result<(), String>) {
    if let Err(e) = result {
        state.error_from("config.toml", &e);
        state.say(
            FlashKind::Warning,
            format!("ssh_config = {on} was not saved in config.toml ({e}): asked again next run"),
        );
    }
}
