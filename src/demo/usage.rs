//! What a GPU-use probe of a demo instance answers (the demo's instances cannot be reached over
//! SSH): each is busy, idle (its memory still allocated, like a finished job or a paused
//! notebook) or unreachable, so the dashboard's column, sparkline and idle rule can be seen at
//! work. By its name first (`finetune`, `notebook`: idle; `spot`: unreachable), else by its id.
//! A pure function of the name, the id and the time: every process of the demo sees the same.

use chrono::{DateTime, Timelike, Utc};

use crate::domain::usage::{Gpu, Reading};

/// The kind of instance `id` is in the demo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Busy,
    Idle,
    Unreachable,
}

pub fn kind(id: &str, name: &str) -> Kind {
    if name.contains("finetune") || name.contains("notebook") {
        return Kind::Idle;
    }
    if name.contains("spot") {
        return Kind::Unreachable;
    }
    match hash(id) % 5 {
        0 => Kind::Unreachable,
        1 | 2 => Kind::Idle,
        _ => Kind::Busy,
    }
}

/// The probe's answer for instance `id` (named `name`) with `gpus` GPUs at `now`.
pub fn probe(id: &str, name: &str, gpus: u32, now: DateTime<Utc>) -> Result<Reading, String> {
    let seed = hash(id);
    let minute = u64::from(now.minute()) + u64::from(now.hour()) * 60;
    let total = 81_920.0;
    let gpu = |i: u64, util: f64, used: f64| Gpu {
        util_pct: util,
        mem_used_mib: used + ((seed + i) % 7) as f64 * 256.0,
        mem_total_mib: total,
    };
    match kind(id, name) {
        Kind::Unreachable => Err(format!(
            "ssh: connect to host {} port 22: Connection timed out",
            demo_ip(seed)
        )),
        Kind::Idle => Ok(Reading {
            gpus: (0..u64::from(gpus.max(1)))
                .map(|i| gpu(i, ((seed + minute + i) % 3) as f64, 30_000.0))
                .collect(),
            sessions: 0,
        }),
        Kind::Busy => Ok(Reading {
            gpus: (0..u64::from(gpus.max(1)))
                // Kernels come and go: use swings between samples, as nvidia-smi reports it.
                .map(|i| {
                    gpu(
                        i,
                        55.0 + ((seed + minute * 7 + i * 13) % 45) as f64,
                        62_000.0,
                    )
                })
                .collect(),
            sessions: 1,
        }),
    }
}

fn demo_ip(seed: u64) -> String {
    format!(
        "10.{}.{}.{}",
        seed % 250,
        seed / 250 % 250,
        seed / 62_500 % 250 + 1
    )
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

    #[test]
    fn the_three_kinds_answer_as_they_are() {
        let now = crate::demo::test_epoch();
        let ids: Vec<String> = (0..40).map(|i| format!("dep_{i:04}")).collect();
        for k in [Kind::Busy, Kind::Idle, Kind::Unreachable] {
            let id = ids
                .iter()
                .find(|i| kind(i, "job") == k)
                .expect("every kind occurs");
            let r = probe(id, "job", 2, now);
            match k {
                Kind::Busy => assert!(r.unwrap().max_util() >= 55.0),
                Kind::Idle => {
                    let r = r.unwrap();
                    assert!(r.max_util() < 5.0 && r.memory().0 > 0.0 && r.sessions == 0);
                }
                Kind::Unreachable => assert!(r.unwrap_err().contains("timed out")),
            }
        }
        assert_eq!(kind("x", "llm-finetune"), Kind::Idle);
        assert_eq!(kind("x", "sdxl-batch-spot"), Kind::Unreachable);
    }
}
