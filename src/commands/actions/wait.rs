//! `wait NAME|ID --for running|ssh`: poll the deployment at the dashboard's interval (never
//! faster than every 10 s) until it runs — or, for `ssh`, until its SSH port answers with an SSH
//! banner. 0 when reached; 1 when it failed or ended; 124 on timeout.

use std::io::IsTerminal;

use super::args::{WaitArgs, WaitFor};
use super::{Env, Exit, Needs, account_and_deployment, label, print_json};
use crate::api::{Deployment, DeploymentStatus};
use crate::commands::context::Ctx;
use crate::config::MIN_POLL_SECS;
use crate::exit::{FAILURE, OK, TIMED_OUT};

/// `wait …`.
pub async fn wait(ctx: &Ctx, env: &Env, a: &WaitArgs) -> Exit {
    let (_, _, d) = match account_and_deployment(ctx, env, Needs::default(), &a.deployment).await {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (code, seen) = until(ctx, &d.id, a.what, a.timeout).await;
    if a.json
        && let Some(d) = seen
    {
        print_json(ctx, &super::deploy::deployment_json(&d));
    }
    code
}

/// How SSH readiness is known for a deployment: an address on loopback (a local server, such as
/// a test's sshd) or an instance the Spheron API reports is probed for its banner. Behind a
/// loopback API URL (the demo, embedded or `demo-server`) addresses are made up, some of them
/// strangers' hosts: never contacted, a running instance counts as ready (as in the
/// dashboard's demo), and the line says so.
fn probed(ctx: &Ctx, host: &str) -> bool {
    ctx.client.may_contact(host)
}

/// Poll deployment `id` until `what`, for at most `timeout`. Returns the exit code and the
/// deployment as last read.
pub async fn until(
    ctx: &Ctx,
    id: &str,
    what: WaitFor,
    timeout: chrono::Duration,
) -> (Exit, Option<Deployment>) {
    let interval = ctx
        .poll_interval
        .max(std::time::Duration::from_secs(MIN_POLL_SECS));
    let deadline = tokio::time::Instant::now() + timeout.to_std().unwrap_or_default();
    let progress = std::io::stderr().is_terminal();
    let started = tokio::time::Instant::now();
    let mut last: Option<Deployment> = None;
    let mut assumed = false;
    loop {
        match ctx.client.deployment(id).await {
            Ok(d) => {
                let reached = match d.status {
                    DeploymentStatus::Running => match what {
                        WaitFor::Running => true,
                        WaitFor::Ssh => match ssh_ready(ctx, &d).await {
                            Some(ready) => ready,
                            None => {
                                assumed = true;
                                true
                            }
                        },
                    },
                    _ if d.status.is_terminal() => {
                        let why = d
                            .failure_reason
                            .as_deref()
                            .map_or(String::new(), |r| format!(": {r}"));
                        if progress {
                            eprintln!();
                        }
                        ctx.err(&format!("error: {} is {}{why}", label(&d), d.status));
                        return (FAILURE, Some(d));
                    }
                    _ => false,
                };
                if progress {
                    eprint!(
                        "\r{}: {}{}  ({}s)   ",
                        label(&d),
                        d.status,
                        if d.status == DeploymentStatus::Running && what == WaitFor::Ssh {
                            ", waiting for its SSH server"
                        } else {
                            ""
                        },
                        started.elapsed().as_secs()
                    );
                }
                if reached {
                    if progress {
                        eprintln!();
                    }
                    let how = match what {
                        WaitFor::Running => "running".to_string(),
                        WaitFor::Ssh if assumed => format!(
                            "running; ssh counted ready (a demo address, never contacted): {}",
                            d.ssh_command().unwrap_or_default()
                        ),
                        WaitFor::Ssh => match d.ssh_command() {
                            Some(cmd) => format!("ssh ready: {cmd}"),
                            None => "ssh ready".to_string(),
                        },
                    };
                    ctx.err(&format!("{}: {how}", label(&d)));
                    return (OK, Some(d));
                }
                last = Some(d);
            }
            // A failed read is said, and read again at the next poll.
            Err(e) => ctx.err(&format!("warning: reading {id}: {e}")),
        }
        let now = tokio::time::Instant::now();
        if now >= deadline {
            break;
        }
        tokio::time::sleep(interval.min(deadline - now)).await;
        if tokio::time::Instant::now() >= deadline {
            break;
        }
    }
    if progress {
        eprintln!();
    }
    let status = last
        .as_ref()
        .map_or("unknown".to_string(), |d| d.status.to_string());
    ctx.err(&format!(
        "error: timed out after {} waiting for {id} ({status})",
        crate::domain::cost::duration_short(timeout.num_seconds())
    ));
    (TIMED_OUT, last)
}

/// Whether `d`'s SSH server is ready: `Some(true)` when it answered with a banner, `Some(false)`
/// not yet, `None` when it is not contacted (the demo's made-up address).
async fn ssh_ready(ctx: &Ctx, d: &Deployment) -> Option<bool> {
    let Some((host, port)) = crate::domain::ssh::ssh_endpoint(d) else {
        return Some(false);
    };
    if !probed(ctx, &host) {
        return None;
    }
    Some(
        crate::runtime::executor::ssh_banner(
            &host,
            port,
            crate::runtime::executor::SSH_PROBE_TIMEOUT,
        )
        .await,
    )
}
