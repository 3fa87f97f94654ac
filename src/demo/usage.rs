//! The demo's instances, as a GPU-use probe finds them. Their addresses are made up, so no
//! `ssh` can reach them; instead each deployment of the world carries a [`Workload`], and
//! [`answer`] prints what the probe's command would print on it (`nvidia-smi`'s lines and the
//! session count, or `ssh`'s failure), for the same parser as a real instance's answer.
//!
//! - A deploy made in the demo is [`Workload::Fresh`]: nothing runs on it, so an idle rule set
//!   on it fires once its window has passed.
//! - The seed's instances: one busy, one paused notebook (memory held, nothing computing), one
//!   whose SSH server never answers (`assets/demo/seed.json`, `workload`).
//!
//! The use swings from one minute to the next as nvidia-smi reports it (a kernel ran in the
//! sample window or not), by a hash of the id and the minute: every process of the demo sees
//! the same.

use chrono::{DateTime, Timelike, Utc};
use serde::{Deserialize, Serialize};

use super::world::Deployment;

/// What runs on a demo instance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Workload {
    /// Nothing has run on it: GPUs idle, their memory free, nobody logged in.
    #[default]
    Fresh,
    /// A job keeps the GPUs busy, watched from one terminal session (tmux).
    Busy,
    /// A notebook's kernel holds GPU memory; nothing computes and nobody is logged in.
    Paused,
    /// Its SSH server does not answer (a firewall, a crashed sshd).
    Unreachable,
}

/// What `ssh` gives for one probe: its exit code, stdout and stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub exit: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Answer {
    fn ssh_failed(why: String) -> Answer {
        Answer {
            exit: Some(255),
            stdout: String::new(),
            stderr: format!("ssh: {why}\n"),
        }
    }
}

/// The probe's answer from `d` at `now`; `gpu_mib` is the memory of one of its GPUs.
pub fn answer(d: &Deployment, gpu_mib: f64, now: DateTime<Utc>) -> Answer {
    let host = d.ip_address.as_deref().unwrap_or("(no address)");
    let port = d.ssh_port.unwrap_or(22);
    if d.status != "running" {
        return Answer::ssh_failed(format!(
            "connect to host {host} port {port}: Connection refused"
        ));
    }
    let (util, used, sessions): (fn(u64) -> u64, f64, u32) = match d.workload {
        Workload::Unreachable => {
            return Answer::ssh_failed(format!(
                "connect to host {host} port {port}: Connection timed out"
            ));
        }
        Workload::Fresh => (|h| h % 2, 0.0, 0),
        Workload::Paused => (|h| h % 3, 0.37, 0),
        // Kernels come and go: use swings between samples.
        Workload::Busy => (|h| 55 + h % 45, 0.76, 1),
    };
    let minute = u64::from(now.hour()) * 60 + u64::from(now.minute());
    let seed = hash(&d.id);
    let mut stdout = String::new();
    for i in 0..u64::from(d.gpu_count.max(1)) {
        let h = hash(&format!("{seed}-{minute}-{i}"));
        // A few MiB even with nothing running (the driver's own), more as the job holds it.
        let mib = (gpu_mib * used).round() + 4.0 + (h % 7) as f64 * 64.0 * used;
        stdout.push_str(&format!("{}, {mib:.0}, {gpu_mib:.0}\n", util(h)));
    }
    stdout.push_str(&format!(
        "spheron-gpu-exit=0\nspheron-sessions={sessions}\n"
    ));
    Answer {
        exit: Some(0),
        stdout,
        stderr: String::new(),
    }
}

/// FNV-1a: stable across runs and platforms.
fn hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::usage::parse;

    fn world() -> super::super::world::World {
        let catalog = std::sync::Arc::new(super::super::catalog::Catalog::load().unwrap());
        let params = super::super::world::WorldParams {
            seed: 1,
            fail_share: 0.0,
            deploy_delay_secs: (1, 1),
            spot_interruptions_per_hour: 0.0,
            price_drift: false,
        };
        super::super::world::World::new(catalog, params, crate::demo::test_epoch())
    }

    fn read(d: &Deployment, now: DateTime<Utc>) -> Result<crate::domain::usage::Reading, String> {
        let a = answer(d, 81_920.0, now);
        parse(a.exit, &a.stdout, &a.stderr)
    }

    /// Read by the real probe's parser: the seed's busy, paused and unreachable instances, and
    /// a fresh one, over an hour of minutes.
    #[test]
    fn each_workload_reads_as_it_is() {
        let w = world();
        let by_name = |n: &str| w.deployments.iter().find(|d| d.name == n).unwrap().clone();
        let busy = by_name("k8s-training-cluster");
        let paused = by_name("llm-finetune");
        let unreachable = by_name("sdxl-batch-spot");
        let mut fresh = paused.clone();
        fresh.workload = Workload::Fresh;
        for m in 0..60 {
            let now = crate::demo::test_epoch() + chrono::Duration::minutes(m);
            let r = read(&busy, now).unwrap();
            assert_eq!(r.gpus.len(), busy.gpu_count as usize);
            assert!(r.max_util() >= 55.0 && r.sessions == 1, "{r:?}");
            let r = read(&paused, now).unwrap();
            assert!(r.max_util() < 5.0 && r.memory().0 > 20_000.0 && r.sessions == 0);
            let r = read(&fresh, now).unwrap();
            assert!(r.max_util() < 5.0 && r.memory().0 < 1_000.0 && r.sessions == 0);
            let e = read(&unreachable, now).unwrap_err();
            assert!(
                e.starts_with(
                    "ssh: connect to host 38.140.17.203 port 31722: Connection timed out"
                ),
                "{e}"
            );
        }
        let mut ended = busy.clone();
        ended.status = "terminated".into();
        let e = read(&ended, crate::demo::test_epoch()).unwrap_err();
        assert!(e.ends_with("Connection refused"), "{e}");
    }
}
