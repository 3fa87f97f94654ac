//! `ssh-config [--write|--remove] [--dry-run]`: `Host <name>.spheron` blocks for every active
//! deployment that has an address, printed, or written to a file of ours that one `Include`
//! line at the top of `~/.ssh/config` brings in. `ssh`, `scp`, `rsync` and editors over
//! Remote-SSH then reach a deployment by name.

use std::path::Path;

use clap::{ArgGroup, Args};

use crate::api::ApiError;
use crate::commands::context::Ctx;
use crate::domain::ssh_config::{SshPaths, entries, include_line, render};
use crate::exit::{FAILURE, OK, USAGE};
use crate::runtime::ssh_config::{Change, apply, diff, plan_remove, plan_write};

/// The `config.toml` setting that makes the dashboard keep the file current.
pub const SETTING: &str = "ssh_config";

#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("mode").multiple(false).args(["write", "remove"])))]
pub struct SshConfigArgs {
    /// Write the blocks to ~/.spheron/ssh/config (0600) and add one `Include` line for it at the
    /// top of ~/.ssh/config; the dashboard then keeps the file current (ssh_config = true).
    #[arg(long)]
    pub write: bool,
    /// Take the `Include` line out of ~/.ssh/config and delete the generated file; the
    /// dashboard stops keeping it (ssh_config = false).
    #[arg(long)]
    pub remove: bool,
    /// Show what --write (or --remove) would change, as a diff; change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// The generated file's text and the notes about it, from the API and `~/.ssh/*.pub`.
pub async fn generate(
    ctx: &Ctx,
    home: &Path,
    paths: &SshPaths,
) -> Result<(String, usize, Vec<String>), ApiError> {
    let guess = ctx.team_guess().await;
    let (deployments, keys) = tokio::join!(
        ctx.client
            .deployments_across_teams(Some("active".into()), &guess),
        ctx.client.ssh_keys()
    );
    let (teams, deployments) = deployments?;
    ctx.remember_teams(&teams, &guess).await;
    let mut notes = Vec::new();
    // Only active ones were asked for: what else is missing is said.
    let missing = deployments.completeness.without_filters();
    if !missing.is_complete() {
        notes.push(format!(
            "the deployments list is incomplete ({missing}): deployments it lacks have no block"
        ));
    }
    // Without the account's keys no IdentityFile can be named: the blocks still work with
    // the user's default keys and agent.
    let keys = keys.map(|l| l.items).unwrap_or_else(|e| {
        notes.push(format!(
            "no IdentityFile lines: the SSH keys could not be read ({e})"
        ));
        Vec::new()
    });
    let local: Vec<(String, String)> = crate::runtime::files::scan_pub_keys(&home.join(".ssh"))
        .into_iter()
        .map(|k| (k.path, k.text))
        .collect();
    let (hosts, more) = entries(&deployments, &local, &keys);
    notes.extend(more);
    Ok((render(&hosts, paths), hosts.len(), notes))
}

/// `ssh-config` for the user whose home is `home`; `demo`: against the embedded demo server.
pub async fn ssh_config(ctx: &Ctx, a: &SshConfigArgs, home: Option<&Path>, demo: bool) -> u8 {
    let Some(home) = home else {
        ctx.err("error: no home directory is known, so there is no ~/.ssh/config");
        return FAILURE;
    };
    let paths = SshPaths::under(home);
    if a.write && demo && !a.dry_run {
        ctx.err(
            "error: the demo's deployments cannot be reached, so --demo ssh-config --write is refused (try --dry-run)",
        );
        return USAGE;
    }
    if a.remove {
        return remove(ctx, &paths, a.dry_run);
    }
    let (text, hosts, notes) = match generate(ctx, home, &paths).await {
        Ok(g) => g,
        Err(e) => {
            ctx.err(&format!("error: {e}"));
            return FAILURE;
        }
    };
    for n in &notes {
        ctx.err(&format!("note: {n}"));
    }
    if !a.write && !a.dry_run {
        ctx.out(text.trim_end());
        return OK;
    }
    let plan = match plan_write(&paths, &text) {
        Ok(p) => p,
        Err(e) => {
            ctx.err(&format!("error: {e}"));
            return FAILURE;
        }
    };
    if a.dry_run {
        return show_plan(ctx, &plan);
    }
    if let Err(e) = apply(&plan) {
        ctx.err(&format!("error: {e}"));
        return FAILURE;
    }
    let file = paths.generated.display();
    let written = plan.iter().any(|c| c.path == paths.generated);
    ctx.out(&match written {
        true => format!("wrote {hosts} host(s) to {file}"),
        false => format!("{file} is current ({hosts} host(s))"),
    });
    let config = paths.user_config.display();
    ctx.out(&match plan.iter().any(|c| c.path == paths.user_config) {
        true => format!(
            "added `{}` at the top of {config}",
            include_line(&paths.generated)
        ),
        false => format!("{config} already includes it"),
    });
    remember(ctx, true);
    OK
}

fn remove(ctx: &Ctx, paths: &SshPaths, dry_run: bool) -> u8 {
    let plan = match plan_remove(paths) {
        Ok(p) => p,
        Err(e) => {
            ctx.err(&format!("error: {e}"));
            return FAILURE;
        }
    };
    if dry_run {
        return show_plan(ctx, &plan);
    }
    if let Err(e) = apply(&plan) {
        ctx.err(&format!("error: {e}"));
        return FAILURE;
    }
    if plan.is_empty() {
        ctx.out("nothing to remove: no Include line of ours and no generated file");
    }
    for c in &plan {
        ctx.out(&match (&c.after, c.path == paths.generated) {
            (_, true) => format!("deleted {}", c.path.display()),
            (Some(_), false) => format!("took the Include line out of {}", c.path.display()),
            (None, false) => format!(
                "deleted {} (it held only the Include line)",
                c.path.display()
            ),
        });
    }
    remember(ctx, false);
    OK
}

fn show_plan(ctx: &Ctx, plan: &[Change]) -> u8 {
    if plan.is_empty() {
        ctx.out("nothing would change");
    } else {
        ctx.out(diff(plan).trim_end());
    }
    OK
}

/// Record the user's choice in `config.toml`, so the dashboard keeps the file (or not) without
/// asking. A failure is said, not fatal: the files were written.
fn remember(ctx: &Ctx, on: bool) {
    let Some(paths) = crate::config::paths() else {
        return;
    };
    let file = &paths.config_file;
    let already = crate::config::load(file)
        .ok()
        .and_then(|l| l.config.ssh_config);
    if already == Some(on) {
        return;
    }
    match crate::config::set_top_level(file, SETTING, if on { "true" } else { "false" }) {
        Ok(()) if on => ctx.out(&format!(
            "the dashboard keeps it current ({SETTING} = true in {})",
            file.display()
        )),
        Ok(()) => ctx.out(&format!(
            "the dashboard no longer writes it ({SETTING} = false in {})",
            file.display()
        )),
        Err(e) => ctx.err(&format!("warning: the setting was not saved: {e}")),
    }
}
