//! A port of an instance on localhost (`ssh -N -L`) and an editor over Remote-SSH: the ports a
//! tunnel is usually for, how a port is written, and the argv of each. Pure: the command line
//! (`tunnel`, `open`) and the dashboard (`p`, `E`) run them.

use std::path::Path;

use super::ssh_config::{HostEntry, SshPaths, option_args};

/// A port a tunnel is usually for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    /// What `tunnel NAME jupyter` takes.
    pub name: &'static str,
    /// How the dashboard's list names it.
    pub label: &'static str,
    pub port: u16,
}

/// The ports a tunnel is usually for, by name (`openai` is `vllm`'s other name).
pub const PRESETS: [Preset; 4] = [
    Preset {
        name: "jupyter",
        label: "Jupyter",
        port: 8888,
    },
    Preset {
        name: "tensorboard",
        label: "TensorBoard",
        port: 6006,
    },
    Preset {
        name: "vllm",
        label: "vLLM / OpenAI-compatible API",
        port: 8000,
    },
    Preset {
        name: "openai",
        label: "vLLM / OpenAI-compatible API",
        port: 8000,
    },
];

/// The presets the dashboard lists (one row per port).
pub fn listed_presets() -> impl Iterator<Item = &'static Preset> {
    PRESETS.iter().filter(|p| p.name != "openai")
}

/// How many ports above the asked one are tried when it is taken here.
pub const NEXT_PORTS: u16 = 50;

/// `8888`, `8888:9000` (remote:local), or a preset name (`jupyter`, `jupyter:9000`).
pub fn parse_ports(s: &str) -> Result<(u16, u16), String> {
    let bad = || {
        format!(
            "`{s}` is not a port: give PORT or PORT:LOCAL (1-65535), or jupyter, tensorboard, vllm"
        )
    };
    let port = |p: &str| -> Result<u16, String> {
        let p = p.trim();
        if let Some(preset) = PRESETS.iter().find(|x| x.name.eq_ignore_ascii_case(p)) {
            return Ok(preset.port);
        }
        p.parse::<u16>().ok().filter(|n| *n > 0).ok_or_else(bad)
    };
    match s.split_once(':') {
        Some((remote, local)) => Ok((port(remote)?, port(local)?)),
        None => {
            let p = port(s)?;
            Ok((p, p))
        }
    }
}

/// The tunnel's argv: `ssh <block options> -N -L 127.0.0.1:LOCAL:localhost:PORT <alias>`.
/// `batch`: no question can be answered (the dashboard runs it with no terminal).
pub fn tunnel_argv(
    entry: &HostEntry,
    paths: &SshPaths,
    remote: u16,
    local: u16,
    batch: bool,
) -> Vec<String> {
    let mut argv: Vec<String> = ["ssh", "-o", "ConnectTimeout=10", "-o", "LogLevel=ERROR"]
        .map(String::from)
        .to_vec();
    if batch {
        argv.extend(["-o".into(), "BatchMode=yes".into()]);
    }
    argv.extend(option_args(entry, paths));
    argv.extend([
        "-o".into(),
        "ExitOnForwardFailure=yes".into(),
        "-o".into(),
        "ServerAliveInterval=30".into(),
        "-N".into(),
        "-L".into(),
        format!("127.0.0.1:{local}:localhost:{remote}"),
        entry.alias.clone(),
    ]);
    argv
}

/// The URL a tunnel is reached at here.
pub fn local_url(local: u16) -> String {
    format!("http://localhost:{local}")
}

/// The editors that open a folder over Remote-SSH.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Editor {
    Code,
    Cursor,
}

impl Editor {
    pub const ALL: [Editor; 2] = [Editor::Code, Editor::Cursor];

    /// The command it is started with.
    pub fn program(self) -> &'static str {
        match self {
            Editor::Code => "code",
            Editor::Cursor => "cursor",
        }
    }

    pub fn product(self) -> &'static str {
        match self {
            Editor::Code => "VS Code",
            Editor::Cursor => "Cursor",
        }
    }
}

/// What to install when `editor` is not on `PATH`.
pub fn install_hint(editor: Editor) -> String {
    let p = editor.program();
    format!(
        "`{p}` is not on PATH: install {} with its Remote - SSH extension and its `{p}` command (Command Palette: \"Shell Command: Install '{p}' command in PATH\")",
        editor.product()
    )
}

/// The remote folder an editor opens: the home of the deployment's user.
pub fn remote_home(user: &str) -> String {
    match user {
        "" | "root" => "/root".into(),
        u => format!("/home/{u}"),
    }
}

/// `<editor> --remote ssh-remote+<alias> <folder>`.
pub fn open_argv(program: &Path, alias: &str, folder: &str) -> Vec<String> {
    vec![
        program.display().to_string(),
        "--remote".into(),
        format!("ssh-remote+{alias}"),
        folder.to_string(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_and_presets() {
        assert_eq!(parse_ports("8888"), Ok((8888, 8888)));
        assert_eq!(parse_ports("8888:9000"), Ok((8888, 9000)));
        assert_eq!(parse_ports("jupyter"), Ok((8888, 8888)));
        assert_eq!(parse_ports("TensorBoard:7000"), Ok((6006, 7000)));
        assert_eq!(parse_ports("vllm"), Ok((8000, 8000)));
        assert_eq!(parse_ports("openai"), Ok((8000, 8000)));
        assert!(parse_ports("0").is_err());
        assert!(parse_ports("70000").is_err());
        assert!(parse_ports("8888:").is_err());
        assert!(parse_ports("x").is_err());
        assert_eq!(listed_presets().count(), 3);
    }

    #[test]
    fn the_editor_opens_the_users_home_on_the_alias() {
        assert_eq!(remote_home("root"), "/root");
        assert_eq!(remote_home("ubuntu"), "/home/ubuntu");
        assert_eq!(
            open_argv(Path::new("/usr/bin/code"), "box.spheron", "/root"),
            [
                "/usr/bin/code",
                "--remote",
                "ssh-remote+box.spheron",
                "/root"
            ]
        );
        assert!(install_hint(Editor::Cursor).contains("install Cursor"));
    }
}
