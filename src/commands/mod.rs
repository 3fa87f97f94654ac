//! The command line: its flags, `--help` and man page ([`cli`]), and every command but the
//! dashboard: the lists for scripts ([`lists`]), the commands
//! that act ([`actions`]: deploy, wait, ssh, terminate, rename, volume, key), the spend guard
//! ([`guard`]), the journal ([`journal`]), the price history and watches ([`history`]), the
//! ssh_config blocks ([`ssh_config`]), the model planner ([`plan`]), the demo world's reset
//! ([`demo`]), where the program looks and what it uses ([`info`]).
//! Commands that read the local store or act run on one [`context::Ctx`]: [`run`] opens it and
//! dispatches.

pub mod actions;
pub mod cli;
pub mod context;
pub mod demo;
pub mod guard;
pub mod history;
pub mod info;
pub mod journal;
pub mod lists;
pub mod plan;
pub mod ssh_config;

use context::{Clock, Target};
use guard::args::GuardCommand;

/// The commands that run on a [`context::Ctx`].
#[derive(Debug, Clone)]
pub enum CtxCommand {
    Guard(GuardCommand),
    Journal(journal::JournalArgs),
    Prices(history::PricesArgs),
    Watch(history::WatchCommand),
    Deploy(Box<actions::args::DeployArgs>),
    Wait(actions::args::WaitArgs),
    Ssh(actions::args::SshArgs),
    Tunnel(actions::args::TunnelArgs),
    Open(actions::args::OpenArgs),
    Terminate(actions::args::TerminateArgs),
    Rename(actions::args::RenameArgs),
    Volume(actions::args::VolumeCommand),
    Key(actions::args::KeyCommand),
    SshConfig(ssh_config::SshConfigArgs),
}

/// Run one command against `target`, on `clock`; returns the exit code.
pub async fn run(
    cmd: CtxCommand,
    target: &Target,
    settings: &actions::Settings,
    clock: Clock,
) -> u8 {
    let env = &actions::Env {
        demo: target.demo,
        home: target.home.clone(),
        max_burn_usd_per_hour: settings.max_burn_usd_per_hour,
        presets: settings.presets.clone(),
        interactive: actions::Env::terminal_attached(),
    };
    let sink = context::stdio_sink();
    let ctx = match context::open(target, clock, sink.clone()) {
        Ok(ctx) => ctx,
        Err(e) => {
            sink(true, &format!("error: {e}"));
            return crate::exit::FAILURE;
        }
    };
    match cmd {
        CtxCommand::Journal(a) => journal::journal(&ctx, &a).await,
        CtxCommand::Prices(a) => history::prices(&ctx, &a).await,
        CtxCommand::Watch(w) => history::watch(&ctx, &w).await,
        CtxCommand::Guard(GuardCommand::Run { dry_run }) => {
            guard::run_until_signal(ctx, dry_run, target.instances.clone()).await
        }
        CtxCommand::Guard(g) => guard::guard(&ctx, &g, &target.instances).await,
        CtxCommand::Deploy(a) => actions::deploy::deploy(&ctx, env, &a).await,
        CtxCommand::Wait(a) => actions::wait::wait(&ctx, env, &a).await,
        CtxCommand::Ssh(a) => actions::ssh::ssh(&ctx, env, &a).await,
        CtxCommand::Tunnel(a) => actions::workspace::tunnel(&ctx, env, &a).await,
        CtxCommand::Open(a) => actions::workspace::open(&ctx, env, &a).await,
        CtxCommand::Terminate(a) => actions::terminate::terminate(&ctx, env, &a).await,
        CtxCommand::Rename(a) => actions::terminate::rename(&ctx, env, &a).await,
        CtxCommand::Volume(c) => actions::volume::volume(&ctx, env, &c).await,
        CtxCommand::Key(c) => actions::key::key(&ctx, env, &c).await,
        CtxCommand::SshConfig(a) => {
            ssh_config::ssh_config(&ctx, &a, target.home.as_deref(), target.demo).await
        }
    }
}
