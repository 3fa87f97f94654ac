//! `ssh NAME|ID [-- COMMAND…]`: the system `ssh` with the deployment's user, address and port
//! (`domain::ssh::ssh_argv`, run directly: nothing the API sends becomes a shell word or an ssh
//! option) and its key: `-i PATH`, else the private half of the `~/.ssh/*.pub` whose
//! fingerprint is the deployment's saved key's. The program becomes `ssh` (its exit code is
//! ssh's). With `--demo` nothing is contacted: the command is shown, as the dashboard's demo
//! does, and the exit code is 0.

use super::args::SshArgs;
use super::{Env, Exit, Needs, account_and_deployment, fail};
use crate::api::Deployment;
use crate::commands::context::Ctx;
use crate::exit::FAILURE;

/// The private key file for `d`: the one whose `.pub` matches its saved key, when there is one.
fn identity_for(env: &Env, d: &Deployment, keys: &[crate::api::SshKey]) -> Option<String> {
    let key_id = d.ssh_key_id.as_deref()?;
    let home = env.home.as_deref()?;
    let local: Vec<(String, String)> = crate::runtime::files::scan_pub_keys(&home.join(".ssh"))
        .into_iter()
        .map(|k| (k.path, k.text))
        .collect();
    let matched = crate::domain::ssh_key::match_local_keys(&local, keys);
    let (path, _) = local.iter().zip(&matched).find_map(|((path, _), m)| {
        (m.on_account.as_deref() == Some(key_id)).then_some((path, m))
    })?;
    let private = path.strip_suffix(".pub")?;
    std::path::Path::new(private)
        .is_file()
        .then(|| private.to_string())
}

/// The full argv: `ssh [-i KEY] -p PORT -- USER@HOST [COMMAND…]`.
pub fn argv(
    d: &Deployment,
    identity: Option<&str>,
    command: &[String],
) -> Result<Vec<String>, String> {
    let base = crate::domain::ssh::ssh_argv(d)?;
    let (program, rest) = base.split_first().ok_or("empty ssh command")?;
    let (target, opts) = rest.split_last().ok_or("empty ssh command")?;
    let mut out = vec![program.clone()];
    if let Some(i) = identity {
        out.push("-i".into());
        out.push(i.to_string());
    }
    out.extend(opts.iter().cloned());
    out.push("--".into());
    out.push(target.clone());
    out.extend(command.iter().cloned());
    Ok(out)
}

/// `ssh …`: on success this process becomes `ssh` and does not return.
pub async fn ssh(ctx: &Ctx, env: &Env, a: &SshArgs) -> Exit {
    let needs = Needs {
        keys: true,
        ..Needs::default()
    };
    let (state, _, d) = match account_and_deployment(ctx, env, needs, &a.deployment).await {
        Ok(x) => x,
        Err(code) => return code,
    };
    if d.status != crate::api::DeploymentStatus::Running {
        return fail(
            ctx,
            FAILURE,
            &format!("{} is {}, not running", super::label(&d), d.status),
        );
    }
    let identity = a
        .identity
        .as_deref()
        .map(|p| {
            crate::runtime::files::expand_home(p, env.home.as_deref())
                .display()
                .to_string()
        })
        .or_else(|| identity_for(env, &d, &state.keys.items));
    let argv = match argv(&d, identity.as_deref(), &a.command) {
        Ok(v) => v,
        Err(e) => return fail(ctx, FAILURE, &e),
    };
    if env.demo {
        // As in the dashboard's demo: the address is made up and may be a stranger's host.
        ctx.err(&format!(
            "demo: would run `{}` (not run: the demo instance does not exist)",
            argv.join(" ")
        ));
        return crate::exit::OK;
    }
    exec(ctx, &argv)
}

/// This process becomes `argv` (its exit is the command's); what is said when it cannot start.
#[cfg(unix)]
pub(super) fn exec(ctx: &Ctx, argv: &[String]) -> Exit {
    use std::os::unix::process::CommandExt;
    let err = std::process::Command::new(&argv[0]).args(&argv[1..]).exec();
    fail(ctx, FAILURE, &format!("could not run {}: {err}", argv[0]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::decode;

    #[test]
    fn the_command_follows_the_destination_after_a_double_dash() {
        let d: Deployment =
            decode(serde_json::json!({"ipAddress": "1.2.3.4", "user": "ubuntu", "sshPort": 2222}))
                .unwrap();
        let cmd = vec!["nvidia-smi".to_string(), "-L".to_string()];
        assert_eq!(
            argv(&d, Some("/h/.ssh/id"), &cmd).unwrap(),
            [
                "ssh",
                "-i",
                "/h/.ssh/id",
                "-p",
                "2222",
                "--",
                "ubuntu@1.2.3.4",
                "nvidia-smi",
                "-L"
            ]
        );
        assert_eq!(
            argv(&d, None, &[]).unwrap(),
            ["ssh", "-p", "2222", "--", "ubuntu@1.2.3.4"]
        );
    }
}
