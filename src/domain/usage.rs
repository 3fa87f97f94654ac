//! GPU use read over SSH: the one command a probe runs on the instance, how its answer is read,
//! the samples of the last hour, and the pace (one probe a minute at most per instance). Pure.

use std::collections::VecDeque;

use chrono::{DateTime, Duration, Utc};

/// The shortest time between two probes of one instance.
pub const PROBE_EVERY: Duration = Duration::seconds(60);
/// How long samples are kept (the sparkline, the idle rule's window at most).
pub const KEEP: Duration = Duration::hours(1);

/// What a probe runs on the instance, in one SSH request: the GPUs' use and memory, then the
/// open terminal sessions (`/dev/pts` entries but `ptmx`: interactive logins, tmux and screen
/// windows; the probe itself has no terminal). The markers make the answer unambiguous.
pub const PROBE_COMMAND: &str = "nvidia-smi --query-gpu=utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits; \
     echo \"spheron-gpu-exit=$?\"; \
     echo \"spheron-sessions=$(ls /dev/pts 2>/dev/null | grep -cv '^ptmx$')\"";

/// One GPU's reading: use in percent, memory in MiB.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gpu {
    pub util_pct: f64,
    pub mem_used_mib: f64,
    pub mem_total_mib: f64,
}

/// What one successful probe read.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub gpus: Vec<Gpu>,
    /// Terminal sessions open on the instance.
    pub sessions: u32,
}

impl Reading {
    /// The busiest GPU's use: the idle rule needs every GPU below its threshold.
    pub fn max_util(&self) -> f64 {
        self.gpus.iter().map(|g| g.util_pct).fold(0.0, f64::max)
    }
    pub fn mean_util(&self) -> f64 {
        if self.gpus.is_empty() {
            return 0.0;
        }
        self.gpus.iter().map(|g| g.util_pct).sum::<f64>() / self.gpus.len() as f64
    }
    /// Memory used and in total, MiB, over every GPU.
    pub fn memory(&self) -> (f64, f64) {
        self.gpus.iter().fold((0.0, 0.0), |(u, t), g| {
            (u + g.mem_used_mib, t + g.mem_total_mib)
        })
    }
    /// `37% · 12/80G` (mean use; memory in GiB), for a table cell.
    pub fn short(&self) -> String {
        let (used, total) = self.memory();
        format!("{:.0}% · {}/{}G", self.mean_util(), gib(used), gib(total))
    }
}

fn gib(mib: f64) -> String {
    let g = mib / 1024.0;
    if g >= 10.0 || g == 0.0 {
        format!("{g:.0}")
    } else {
        format!("{g:.1}")
    }
}

/// One probe's outcome at a time: a reading, or why there is none (shown as `?`).
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub at: DateTime<Utc>,
    pub result: Result<Reading, String>,
}

/// Read a probe's answer: `ssh`'s exit code, its stdout and stderr.
pub fn parse(exit: Option<i32>, stdout: &str, stderr: &str) -> Result<Reading, String> {
    let last_err = || {
        stderr
            .lines()
            .map(str::trim)
            .rfind(|l| !l.is_empty())
            .unwrap_or("")
            .to_string()
    };
    let marker = |name: &str| {
        stdout
            .lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .map(str::trim)
    };
    let (Some(gpu_exit), Some(sessions)) =
        (marker("spheron-gpu-exit="), marker("spheron-sessions="))
    else {
        // The command did not run to its end: ssh failed (255), or the shell is not one.
        let why = last_err();
        return Err(match (exit, why.is_empty()) {
            (Some(255), false) => format!("ssh: {}", why.trim_start_matches("ssh: ")),
            (Some(255), true) => "ssh failed (exit 255)".to_string(),
            (None, _) => "the probe was stopped".to_string(),
            (_, false) => why,
            (Some(code), true) => format!("the probe's answer was not understood (exit {code})"),
        });
    };
    if gpu_exit != "0" {
        let why = last_err();
        return Err(match why.is_empty() {
            true => format!("nvidia-smi failed (exit {gpu_exit})"),
            false => format!("nvidia-smi failed (exit {gpu_exit}): {why}"),
        });
    }
    let sessions: u32 = sessions
        .parse()
        .map_err(|_| format!("unreadable session count {sessions:?}"))?;
    let gpus = stdout
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("spheron-"))
        .map(parse_gpu)
        .collect::<Result<Vec<Gpu>, String>>()?;
    if gpus.is_empty() {
        return Err("nvidia-smi listed no GPU".into());
    }
    Ok(Reading { gpus, sessions })
}

/// `37, 12000, 81920`.
fn parse_gpu(line: &str) -> Result<Gpu, String> {
    let f: Vec<&str> = line.split(',').map(str::trim).collect();
    let num = |s: &str| -> Result<f64, String> {
        s.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| format!("nvidia-smi gave {line:?}"))
    };
    match f.as_slice() {
        [u, used, total] => Ok(Gpu {
            util_pct: num(u)?.min(100.0),
            mem_used_mib: num(used)?,
            mem_total_mib: num(total)?,
        }),
        _ => Err(format!("nvidia-smi gave {line:?}")),
    }
}

/// The samples of one instance, oldest first, the last [`KEEP`] of them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub samples: VecDeque<Sample>,
}

impl History {
    pub fn push(&mut self, s: Sample) {
        self.push_keeping(s, KEEP);
    }
    /// Add a sample, keeping the last `keep` of them (an idle rule keeps its window).
    pub fn push_keeping(&mut self, s: Sample, keep: Duration) {
        let cut = s.at - keep;
        self.samples.push_back(s);
        while self.samples.front().is_some_and(|x| x.at < cut) {
            self.samples.pop_front();
        }
    }
    pub fn last(&self) -> Option<&Sample> {
        self.samples.back()
    }
    /// Mean GPU use of each of the last `n` minutes (oldest first; `None` where no reading).
    pub fn per_minute(&self, now: DateTime<Utc>, n: usize) -> Vec<Option<f64>> {
        (0..n)
            .rev()
            .map(|i| {
                let end = now - Duration::minutes(i as i64);
                let start = end - Duration::minutes(1);
                let vals: Vec<f64> = self
                    .samples
                    .iter()
                    .filter(|s| s.at > start && s.at <= end)
                    .filter_map(|s| s.result.as_ref().ok().map(Reading::mean_util))
                    .collect();
                (!vals.is_empty()).then(|| vals.iter().sum::<f64>() / vals.len() as f64)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = "37, 12000, 81920\n0, 512, 81920\nspheron-gpu-exit=0\nspheron-sessions=1\n";

    #[test]
    fn a_reading_with_two_gpus_and_a_session() {
        let r = parse(Some(0), OK, "").unwrap();
        assert_eq!(r.gpus.len(), 2);
        assert_eq!(r.sessions, 1);
        assert_eq!(r.max_util(), 37.0);
        assert_eq!(r.mean_util(), 18.5);
        assert_eq!(r.memory(), (12512.0, 163840.0));
        assert_eq!(r.short(), "18% · 12/160G");
    }

    #[test]
    fn failures_say_why() {
        let ssh = parse(
            Some(255),
            "",
            "ssh: connect to host 10.0.0.1 port 22: Connection timed out\n",
        );
        assert_eq!(
            ssh,
            Err("ssh: connect to host 10.0.0.1 port 22: Connection timed out".into())
        );
        let smi = parse(
            Some(0),
            "spheron-gpu-exit=9\nspheron-sessions=0\n",
            "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver\n",
        );
        assert!(
            smi.unwrap_err()
                .starts_with("nvidia-smi failed (exit 9): NVIDIA-SMI")
        );
        let missing = parse(
            Some(0),
            "spheron-gpu-exit=127\nspheron-sessions=0\n",
            "sh: 1: nvidia-smi: not found\n",
        );
        assert!(missing.unwrap_err().contains("not found"));
        assert!(
            parse(
                Some(0),
                "[N/A], 1, 2\nspheron-gpu-exit=0\nspheron-sessions=0\n",
                ""
            )
            .is_err()
        );
        assert!(parse(Some(0), "spheron-gpu-exit=0\nspheron-sessions=0\n", "").is_err());
        assert!(parse(None, "", "").is_err());
        assert!(parse(Some(1), "garbage", "").is_err());
    }

    #[test]
    fn history_keeps_an_hour_and_averages_per_minute() {
        let t0 = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .to_utc();
        let mut h = History::default();
        for i in 0..90 {
            let result = if i % 10 == 9 {
                Err("timeout".to_string())
            } else {
                parse(Some(0), OK, "")
            };
            h.push(Sample {
                at: t0 + Duration::minutes(i),
                result,
            });
        }
        assert_eq!(h.samples.len(), 61);
        let now = t0 + Duration::minutes(89);
        let m = h.per_minute(now, 3);
        assert_eq!(m, vec![Some(18.5), Some(18.5), None]);
    }
}
