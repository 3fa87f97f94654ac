//! Connect: `o` runs ssh to the selected deployment (the dashboard suspends and comes back).

use super::action::Command;
use super::state::{AppState, Clipboard, FlashKind};
use crate::api::DeploymentStatus;
use crate::domain::ssh::ssh_argv;

/// `o`: run ssh to the selected deployment, no shell in between.
pub fn open_ssh(state: &mut AppState) -> Vec<Command> {
    let Some(d) = state.selected_deployment() else {
        return Vec::new();
    };
    if d.status != DeploymentStatus::Running {
        let text = format!("{} is {}: ssh opens once it is running", d.name, d.status);
        state.say(FlashKind::Warning, text);
        return Vec::new();
    }
    if state.session.demo {
        // Demo addresses are made up and may belong to someone: nothing is contacted.
        match ssh_argv(d) {
            Ok(argv) => state.say(
                FlashKind::Info,
                format!(
                    "demo: would run `{}` (not run: the demo instance does not exist)",
                    argv.join(" ")
                ),
            ),
            Err(why) => state.say(FlashKind::Warning, why),
        }
        return Vec::new();
    }
    match ssh_argv(d) {
        Ok(argv) => {
            let text = format!(
                "ssh session: {} (the dashboard returns when it ends)",
                argv.join(" ")
            );
            state.say(FlashKind::Info, text);
            vec![Command::OpenSsh { argv }]
        }
        Err(why) => {
            state.say(FlashKind::Warning, why);
            Vec::new()
        }
    }
}

pub fn on_ssh_exited(state: &mut AppState, result: Result<Option<i32>, String>) {
    let (text, kind) = match result {
        Ok(Some(0)) => ("ssh session ended".to_string(), FlashKind::Info),
        Ok(Some(255)) => (
            "ssh could not connect (exit 255): is the instance up and the key yours?".to_string(),
            FlashKind::Warning,
        ),
        Ok(Some(code)) => (format!("ssh exited with {code}"), FlashKind::Info),
        Ok(None) => ("ssh was ended by a signal".to_string(), FlashKind::Warning),
        Err(e) => (format!("could not run ssh: {e}"), FlashKind::Warning),
    };
    state.say(kind, text);
}

/// The SSH command of `d` as its details show it: an ended deployment is said to have none,
/// whatever address it last had.
pub fn ssh_text(d: &crate::api::Deployment) -> String {
    if d.status.is_terminal() {
        return format!("– ended ({}): no SSH", d.status.as_str());
    }
    d.ssh_command()
        .unwrap_or_else(|| "– (no address yet)".into())
}

/// `c`: copy the selected deployment's SSH command (OSC 52).
pub fn copy_ssh(state: &mut AppState) -> Vec<Command> {
    let Some(d) = state.selected_deployment() else {
        return Vec::new();
    };
    match d.ssh_command().filter(|_| !d.status.is_terminal()) {
        Some(cmd) => {
            let said = match state.clipboard {
                Clipboard::Terminal => format!("copied (OSC 52): {cmd}"),
                // Nothing tells whether tmux passed it on: say where it went and what to set.
                Clipboard::Tmux => format!(
                    "sent to the terminal through tmux (OSC 52): {cmd} — not in your clipboard? \
                     add `set -g set-clipboard on` to ~/.tmux.conf"
                ),
            };
            state.say(FlashKind::Success, said);
            vec![Command::Copy(cmd)]
        }
        None if d.status.is_terminal() => {
            let why = format!("{} has ended ({}): no SSH", d.name, d.status.as_str());
            state.say(FlashKind::Warning, why);
            Vec::new()
        }
        None => {
            let why = format!("no SSH command yet for {} ({})", d.name, d.status.as_str());
            state.say(FlashKind::Warning, why);
            Vec::new()
        }
    }
}
