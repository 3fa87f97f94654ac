//! `tunnel NAME PORT[:LOCAL]` and `open NAME --editor code|cursor`: a port of the instance on
//! localhost through `ssh -N -L`, and an editor over Remote-SSH on the deployment's
//! `<name>.spheron` alias. The connection options are the ssh_config block's, passed with
//! `-o`, so a tunnel does not depend on `~/.ssh/config`; an editor reads that file, so `open`
//! needs `ssh-config --write` first and says so.

use std::path::{Path, PathBuf};

use super::args::{OpenArgs, TunnelArgs};
use super::{Env, Exit, Needs, fail, load, resolve};
use crate::commands::context::Ctx;
use crate::domain::ssh_config::{HostEntry, SshPaths, entries, option_args};
use crate::exit::{FAILURE, USAGE};

/// The ports a tunnel is usually for, by name.
pub const PRESETS: [(&str, u16); 4] = [
    ("jupyter", 8888),
    ("tensorboard", 6006),
    ("vllm", 8000),
    ("openai", 8000),
];

/// How many ports above the asked one are tried when it is taken here.
const NEXT_PORTS: u16 = 50;

/// `8888`, `8888:9000` (remote:local), or a preset name (`jupyter`, `jupyter:9000`).
pub fn parse_ports(s: &str) -> Result<(u16, u16), String> {
    let bad = || {
        format!(
            "`{s}` is not a port: give PORT or PORT:LOCAL (1-65535), or jupyter, tensorboard, vllm"
        )
    };
    let port = |p: &str| -> Result<u16, String> {
        let p = p.trim();
        if let Some((_, n)) = PRESETS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(p))
        {
            return Ok(*n);
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

/// The first local port from `want` that can be bound on loopback.
fn free_local_port(want: u16) -> Option<u16> {
    (0..NEXT_PORTS)
        .filter_map(|i| want.checked_add(i))
        .find(|p| std::net::TcpListener::bind(("127.0.0.1", *p)).is_ok())
}

/// The running deployment named `arg`, as a Host entry, with our SSH paths.
async fn instance(
    ctx: &Ctx,
    env: &Env,
    arg: &str,
) -> Result<(HostEntry, SshPaths, String), (Exit, String)> {
    if env.demo {
        return Err((
            USAGE,
            "the demo's deployments have made-up addresses and cannot be reached".into(),
        ));
    }
    let home = env
        .home
        .clone()
        .ok_or((FAILURE, "no home directory is known".to_string()))?;
    let needs = Needs {
        keys: true,
        ..Needs::default()
    };
    let (state, teams) = load(ctx, env, needs)
        .await
        .map_err(|e| (FAILURE, format!("the deployments could not be read: {e}")))?;
    let d = resolve(&state.deployments.items, &teams, arg).map_err(|e| (FAILURE, e))?;
    if d.status != crate::api::DeploymentStatus::Running {
        return Err((
            FAILURE,
            format!("{} is {}, not running", super::label(d), d.status),
        ));
    }
    let local: Vec<(String, String)> = crate::runtime::files::scan_pub_keys(&home.join(".ssh"))
        .into_iter()
        .map(|k| (k.path, k.text))
        .collect();
    let (hosts, _) = entries(&state.deployments.items, &local, &state.keys.items);
    let entry = hosts.into_iter().find(|e| e.deployment_id == d.id).ok_or((
        FAILURE,
        format!("{} has no SSH address yet", super::label(d)),
    ))?;
    let user = entry.target.user.clone();
    Ok((entry, SshPaths::under(&home), user))
}

/// The tunnel's argv: `ssh <block options> -N -L 127.0.0.1:LOCAL:localhost:PORT <alias>`.
pub fn tunnel_argv(entry: &HostEntry, paths: &SshPaths, remote: u16, local: u16) -> Vec<String> {
    let mut argv: Vec<String> = ["ssh", "-o", "ConnectTimeout=10", "-o", "LogLevel=ERROR"]
        .map(String::from)
        .to_vec();
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

/// `tunnel NAME PORT[:LOCAL]`: this process becomes the `ssh -N -L`; Ctrl-C stops it.
pub async fn tunnel(ctx: &Ctx, env: &Env, a: &TunnelArgs) -> Exit {
    let (remote, want) = match parse_ports(&a.ports) {
        Ok(p) => p,
        Err(e) => return fail(ctx, USAGE, &e),
    };
    let (entry, paths, _) = match instance(ctx, env, &a.deployment).await {
        Ok(i) => i,
        Err((code, e)) => return fail(ctx, code, &e),
    };
    let Some(local) = free_local_port(want) else {
        return fail(
            ctx,
            FAILURE,
            &format!(
                "ports {want} to {} are all in use here",
                want.saturating_add(NEXT_PORTS - 1)
            ),
        );
    };
    if local != want {
        ctx.err(&format!(
            "note: port {want} is in use here: using {local} instead"
        ));
    }
    if let Err(e) = crate::runtime::files::create_private_dir(&paths.control_dir) {
        return fail(
            ctx,
            FAILURE,
            &format!("{}: {e}", paths.control_dir.display()),
        );
    }
    ctx.out(&format!(
        "http://localhost:{local} → {} port {remote} (Ctrl-C stops the tunnel)",
        entry.alias
    ));
    super::ssh::exec(ctx, &tunnel_argv(&entry, &paths, remote, local))
}

/// Where `program` is on `PATH`, if it is.
fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// The remote folder an editor opens: the home of the deployment's user.
pub fn remote_home(user: &str) -> String {
    match user {
        "" | "root" => "/root".into(),
        u => format!("/home/{u}"),
    }
}

/// `open NAME --editor code|cursor`: `code --remote ssh-remote+<alias> <home>`.
pub async fn open(ctx: &Ctx, env: &Env, a: &OpenArgs) -> Exit {
    let editor = a.editor.program();
    let Some(program) = on_path(editor) else {
        return fail(
            ctx,
            FAILURE,
            &format!(
                "`{editor}` is not on PATH: install {} with its Remote - SSH extension and its `{editor}` command (Command Palette: \"Shell Command: Install '{editor}' command in PATH\")",
                a.editor.product()
            ),
        );
    };
    let (entry, paths, user) = match instance(ctx, env, &a.deployment).await {
        Ok(i) => i,
        Err((code, e)) => return fail(ctx, code, &e),
    };
    // The editor finds the alias through ~/.ssh/config only.
    let generated = std::fs::read_to_string(&paths.generated).unwrap_or_default();
    let listed = generated
        .lines()
        .any(|l| l.trim() == format!("Host {}", entry.alias));
    if !crate::runtime::ssh_config::is_included(&paths) || !listed {
        return fail(
            ctx,
            FAILURE,
            &format!(
                "{} is not in your SSH config yet: run `spheron-tui ssh-config --write` first (the editor reaches it through ~/.ssh/config)",
                entry.alias
            ),
        );
    }
    let folder = a.folder.clone().unwrap_or_else(|| remote_home(&user));
    let argv = open_argv(&program, &entry.alias, &folder);
    ctx.out(&argv.join(" "));
    match std::process::Command::new(&argv[0])
        .args(&argv[1..])
        .status()
    {
        Ok(s) if s.success() => 0,
        Ok(s) => fail(ctx, FAILURE, &format!("{editor} exited with {s}")),
        Err(e) => fail(ctx, FAILURE, &format!("could not run {editor}: {e}")),
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
        assert!(parse_ports("0").is_err());
        assert!(parse_ports("70000").is_err());
        assert!(parse_ports("8888:").is_err());
        assert!(parse_ports("x").is_err());
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
    }
}
