//! `tunnel NAME PORT[:LOCAL]` and `open NAME --editor code|cursor`: a port of the instance on
//! localhost through `ssh -N -L`, and an editor over Remote-SSH on the deployment's
//! `<name>.spheron` alias. The connection options are the ssh_config block's, passed with
//! `-o`, so a tunnel does not depend on `~/.ssh/config`; an editor reads that file, so `open`
//! needs `ssh-config --write` first and says so.

use super::args::{OpenArgs, TunnelArgs};
use super::{Env, Exit, Needs, fail, load, resolve};
use crate::commands::context::Ctx;
use crate::domain::ssh_config::{HostEntry, SshPaths, entries};
use crate::domain::tunnel::{
    Editor, NEXT_PORTS, install_hint, open_argv, parse_ports, remote_home, tunnel_argv,
};
use crate::exit::{FAILURE, USAGE};
use crate::runtime::tunnels::{free_local_port, on_path};

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
    super::ssh::exec(ctx, &tunnel_argv(&entry, &paths, remote, local, false))
}

/// `open NAME --editor code|cursor`: `code --remote ssh-remote+<alias> <home>`.
pub async fn open(ctx: &Ctx, env: &Env, a: &OpenArgs) -> Exit {
    let kind = Editor::from(a.editor);
    let editor = kind.program();
    let Some(program) = on_path(editor) else {
        return fail(ctx, FAILURE, &install_hint(kind));
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
