//! GPU-use probes over the system's `ssh`: one command per probe on one connection kept open
//! between probes (ControlMaster, its socket in our own directory), never a question asked
//! (`BatchMode`), at most 5 s to connect. The options are the ssh_config block's, passed with
//! `-o`, so a probe does not depend on the user's `~/.ssh/config`.
//!
//! [`Instances`] is where the readings come from, chosen once where the process starts: the
//! instances over `ssh`, or with `--demo` the demo world's simulated instances (whose
//! addresses are made up). Either answer goes through the same parser, samples and rules.

use std::process::Stdio;
use std::time::Duration;

use crate::domain::ssh_config::{HostEntry, SshPaths, option_args, path_value};
use crate::domain::usage::{PROBE_COMMAND, Reading, parse};

/// How long the shared connection stays open after its last probe: longer than the time
/// between probes, so an instance probed every minute keeps one connection.
pub const CONTROL_PERSIST_SECS: u64 = 120;
/// A probe that has not answered by then is stopped and counts as failed.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(30);

/// `-o` options every connection of ours uses: the block's options, no questions, 5 s to
/// connect, errors only on stderr (not the note that a new host key was remembered).
pub fn connection_args(entry: &HostEntry, paths: &SshPaths) -> Vec<String> {
    let mut args: Vec<String> = [
        "-o",
        "BatchMode=yes",
        "-o",
        "ConnectTimeout=5",
        "-o",
        "LogLevel=ERROR",
    ]
    .map(String::from)
    .to_vec();
    args.extend(option_args(entry, paths));
    args
}

/// The probe's argv: `ssh <options> -T <alias> <command>`, on the shared connection.
pub fn probe_argv(entry: &HostEntry, paths: &SshPaths) -> Vec<String> {
    let mut argv = vec!["ssh".to_string()];
    argv.extend(connection_args(entry, paths));
    argv.extend([
        "-o".into(),
        "ControlMaster=auto".into(),
        "-o".into(),
        format!("ControlPath={}/%C", path_value(&paths.control_dir)),
        "-o".into(),
        format!("ControlPersist={CONTROL_PERSIST_SECS}"),
        "-T".into(),
        entry.alias.clone(),
        PROBE_COMMAND.into(),
    ]);
    argv
}

/// Run one probe of `entry`; the reading, or why there is none.
pub async fn probe(entry: &HostEntry, paths: &SshPaths) -> Result<Reading, String> {
    let dir = paths.control_dir.clone();
    tokio::task::spawn_blocking(move || super::files::create_private_dir(&dir))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("{}: {e}", paths.control_dir.display()))?;
    let argv = probe_argv(entry, paths);
    let child = tokio::process::Command::new(&argv[0])
        .args(&argv[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .output();
    match tokio::time::timeout(PROBE_TIMEOUT, child).await {
        Err(_) => Err(format!("no answer within {} s", PROBE_TIMEOUT.as_secs())),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            Err("ssh is not installed (the OpenSSH client is needed)".into())
        }
        Ok(Err(e)) => Err(format!("ssh could not start: {e}")),
        Ok(Ok(out)) => parse(
            out.status.code(),
            &String::from_utf8_lossy(&out.stdout),
            &String::from_utf8_lossy(&out.stderr),
        ),
    }
}

/// Where GPU-use readings come from.
#[derive(Debug, Clone, Default)]
pub enum Instances {
    /// The instances themselves, over `ssh` ([`probe`]).
    #[default]
    Ssh,
    /// The demo world's instances: what the probe's command prints on each
    /// ([`crate::demo::DemoHandle::probe_instance`]).
    Demo(crate::demo::DemoHandle),
}

impl Instances {
    /// One probe of `entry`, which `api` reported; `paths` are our SSH files (`None`: no home
    /// directory is known). An instance `api` may not have us contact
    /// ([`crate::api::Client::may_contact`]) is not probed: the answer is why, which counts as
    /// busy.
    pub async fn probe(
        &self,
        api: &crate::api::Client,
        entry: &HostEntry,
        paths: Option<&SshPaths>,
    ) -> Result<Reading, String> {
        match (self, paths) {
            (Instances::Ssh, _) if !api.may_contact(&entry.target.host) => {
                Err(not_contacted(api, &entry.target.host))
            }
            (Instances::Demo(world), _) => {
                let (world, id) = (world.clone(), entry.deployment_id.clone());
                let a = tokio::task::spawn_blocking(move || world.probe_instance(&id))
                    .await
                    .map_err(|e| e.to_string())??;
                parse(a.exit, &a.stdout, &a.stderr)
            }
            (Instances::Ssh, Some(paths)) => probe(entry, paths).await,
            (Instances::Ssh, None) => Err("no home directory is known for our SSH files".into()),
        }
    }
}

/// Why an instance was not probed: the API that reported it is not Spheron's.
fn not_contacted(api: &crate::api::Client, host: &str) -> String {
    format!(
        "not contacted: {host} comes from the API at {}, not {} (its addresses may be made up)",
        api.host_label(),
        crate::api::base_url::SPHERON_HOST
    )
}

/// What `guard add --idle` says of how the rule reads GPU use on an instance that `api`
/// reports at `host` (`None`: no address yet).
pub fn idle_note(instances: &Instances, api: &crate::api::Client, host: Option<&str>) -> String {
    let busy = "a failed probe counts as busy";
    match (instances, host) {
        (Instances::Demo(_), _) => format!(
            "in the demo it reads the demo world's simulated GPU use once a minute (no instance is contacted); {busy}"
        ),
        (Instances::Ssh, Some(h)) if !api.may_contact(h) => format!(
            "it would read GPU use over SSH, but the instance is never probed ({}): every probe counts as busy, so this rule never terminates it",
            not_contacted(api, h)
        ),
        (Instances::Ssh, _) => format!(
            "it reads GPU use over SSH once a minute (ssh must reach the instance without a question); {busy}"
        ),
    }
}
