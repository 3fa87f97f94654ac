//! What goes into the guard's engine and what comes out: the events (time, rules, deployments
//! as a poll or a read by id saw them, how a DELETE did not end one, GPU-use samples) and the
//! effects it decides.

use chrono::{DateTime, Duration, Utc};

use super::guard::{LockState, StoredRule};
use super::guard_engine::RETRY_MAX;
use super::usage::Sample;
use crate::api::{ApiError, CanTerminate, Deployment};

/// One deployment as a poll or a read by id saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    pub id: String,
    pub name: String,
    /// The status as the API sent it.
    pub status: String,
    /// Not known to have ended (costs money now; an unknown status counts as billing).
    pub active: bool,
    /// USD spent when polled (`totalCost`, else rate × uptime), if known.
    pub spent: Option<f64>,
    pub usd_per_hour: Option<f64>,
    pub polled_at: DateTime<Utc>,
}

impl Observed {
    pub fn from_deployment(d: &Deployment, now: DateTime<Utc>) -> Observed {
        Observed {
            id: d.id.clone(),
            name: d.name.clone(),
            status: d.status.to_string(),
            active: !d.status.is_terminal(),
            spent: d.spent(now),
            usd_per_hour: d.hourly_rate,
            polled_at: now,
        }
    }

    /// Spend at `now`, carried forward from the poll at the hourly rate. Unknown when the rate
    /// is unknown and time has passed since the poll (it may have grown by any amount).
    pub fn spent_at(&self, now: DateTime<Utc>) -> Option<f64> {
        let base = self.spent?;
        let secs = (now - self.polled_at).num_seconds().max(0) as f64;
        if secs == 0.0 {
            return Some(base);
        }
        Some(base + self.usd_per_hour? * secs / 3600.0)
    }
}

/// How a DELETE did not end the deployment, as the engine acts on it.
#[derive(Debug, Clone, PartialEq)]
pub enum DeleteFailed {
    /// 429: nothing was done; wait this long.
    RateLimited { wait: Duration, text: String },
    /// The API says the deployment already ended (a 400 "already terminated", a 404).
    AlreadyEnded(String),
    /// The minimum runtime is not met: this many minutes remain.
    TooEarly { minutes: f64, text: String },
    /// The answer was lost (dropped connection, timeout, 5xx): the server may have acted.
    Unknown(String),
    /// Refused (another 4xx, a local refusal): the server did not act.
    Refused(String),
}

impl DeleteFailed {
    /// Sort an API error of `DELETE /api/deployments/{id}`.
    pub fn from_api(e: &ApiError) -> DeleteFailed {
        let text = e.to_string();
        match e {
            ApiError::RateLimited { retry_after } => DeleteFailed::RateLimited {
                wait: Duration::from_std(*retry_after).unwrap_or(RETRY_MAX),
                text,
            },
            ApiError::NotFound { .. } => DeleteFailed::AlreadyEnded(text),
            ApiError::Validation { message, .. } => match e.termination_blocked() {
                Some(ct) => DeleteFailed::TooEarly {
                    minutes: ct.time_remaining.unwrap_or(1.0),
                    text,
                },
                None if message.to_ascii_lowercase().contains("already") => {
                    DeleteFailed::AlreadyEnded(text)
                }
                None => DeleteFailed::Refused(text),
            },
            ApiError::Network { .. }
            | ApiError::Timeout { .. }
            | ApiError::Server { .. }
            | ApiError::Decode { .. } => DeleteFailed::Unknown(text),
            _ => DeleteFailed::Refused(text),
        }
    }

    pub(crate) fn text(&self) -> &str {
        match self {
            DeleteFailed::RateLimited { text, .. }
            | DeleteFailed::TooEarly { text, .. }
            | DeleteFailed::AlreadyEnded(text)
            | DeleteFailed::Unknown(text)
            | DeleteFailed::Refused(text) => text,
        }
    }
}

/// What `GET /api/deployments/{id}` said.
#[derive(Debug, Clone, PartialEq)]
pub enum Proof {
    /// Read: running, or ended when its `active` is false.
    Read(Observed),
    /// 404: it does not exist (any more).
    NotFound,
    /// The read failed: nothing is concluded.
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Time passes.
    Tick(DateTime<Utc>),
    /// The rules as stored now (set or cleared elsewhere meanwhile).
    Rules(Vec<StoredRule>),
    /// A list of deployments (every status). Whatever it lacks, or shows ended, is read by id:
    /// a list, complete or not, proves no end.
    Deployments {
        now: DateTime<Utc>,
        list: Vec<Observed>,
    },
    /// The deployments poll failed: guarded deployments never seen are read by id.
    PollFailed { now: DateTime<Utc> },
    /// Who holds the enforcer lock.
    Lock(LockState),
    CanTerminate {
        id: String,
        now: DateTime<Utc>,
        result: Result<CanTerminate, String>,
    },
    Terminated {
        id: String,
        now: DateTime<Utc>,
        result: Result<(), DeleteFailed>,
    },
    /// The answer of a [`Effect::Read`].
    Read {
        id: String,
        now: DateTime<Utc>,
        result: Proof,
    },
    /// A GPU-use probe of a deployment with an idle rule.
    Usage { id: String, sample: Sample },
    /// The idle rules snoozed, and until when (their warning was answered).
    Snoozes(std::collections::BTreeMap<String, DateTime<Utc>>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Bell, message and a desktop notification.
    Warn {
        id: String,
        minutes: i64,
        text: String,
    },
    /// `GET /api/deployments/{id}/can-terminate`.
    CheckCanTerminate { id: String },
    /// `DELETE /api/deployments/{id}`, journaled before it is sent (with the idle rule's
    /// evidence, when that rule decided it).
    Terminate {
        id: String,
        /// Its name, when the lists said it (for the journal).
        name: Option<String>,
        usd_per_hour: Option<f64>,
        text: String,
        evidence: Option<String>,
    },
    /// `GET /api/deployments/{id}`: the only proof that a deployment ended.
    Read { id: String },
    /// Dry-run or read-only: what would have been sent or changed.
    WouldTerminate { id: String, text: String },
    /// A decision or an outcome, for the user; `alert` rings the bell and notifies.
    Announce {
        id: String,
        text: String,
        alert: bool,
    },
    /// A DELETE failed and will be tried again at `next_try` (kept with the rule, so that
    /// `guard list` can say so).
    Failing {
        id: String,
        failures: u32,
        next_try: DateTime<Utc>,
        text: String,
        alert: bool,
    },
    /// Delete the stored rule: its deployment was read as ended.
    RemoveRule { id: String, text: String },
}

impl Effect {
    /// One line for `guard run` and the message log.
    pub fn line(&self) -> &str {
        match self {
            Effect::Warn { text, .. }
            | Effect::Terminate { text, .. }
            | Effect::WouldTerminate { text, .. }
            | Effect::Announce { text, .. }
            | Effect::Failing { text, .. }
            | Effect::RemoveRule { text, .. } => text,
            Effect::CheckCanTerminate { .. } => "checking can-terminate",
            Effect::Read { .. } => "reading the deployment by id",
        }
    }
}
