//! What outlives any one dialog: the deploy being sent (and the check after an unclear
//! failure), the deployments followed as they arrive (come up), and the caches dialogs share
//! (local public keys, Kubernetes versions).

use chrono::{DateTime, Utc};

use super::action::LocalPubKey;
use crate::api::{DeployRequest, KubernetesVersion};

/// Answers more than one dialog uses, kept between openings.
#[derive(Debug, Clone, Default)]
pub struct Cache {
    /// `~/.ssh/*.pub`, once read.
    pub local_pub_keys: Option<Vec<LocalPubKey>>,
    /// Kubernetes versions from the API (for Voltage Park CLUSTER offers), or why not.
    pub k8s_versions: Option<Result<Vec<KubernetesVersion>, String>>,
    pub k8s_in_flight: bool,
    /// Deployments volumes refer to that the deployments list does not hold, by id
    /// (`deployment_names`).
    pub deployment_names: std::collections::BTreeMap<String, super::deployment_names::Named>,
}

#[derive(Debug, Clone, Default)]
pub struct DeployTrack {
    /// A POST is on the wire: nothing else may be sent until its answer comes.
    pub in_flight: bool,
    /// When the last POST went out (the time of its confirm).
    pub posted_at: Option<DateTime<Utc>>,
    /// After a 429 on deploy: no deploy before this.
    pub blocked_until: Option<DateTime<Utc>>,
    /// After a 5xx / timeout / dropped connection: the list must be read before any retry.
    pub check: Option<PendingCheck>,
    /// The list could not be read during a check: kept so `r` can check again.
    pub recheck: Option<PendingCheck>,
    /// What the last confirm sent.
    pub last_request: Option<DeployRequest>,
    /// Deployment ids known when it was sent: a poll between the POST and its (failed)
    /// answer may already list the new one, and must not hide it from the check.
    pub known_at_post: Vec<String>,
}

/// The POST failed in a way that does not say whether the deployment was created.
#[derive(Debug, Clone)]
pub struct PendingCheck {
    pub request: DeployRequest,
    pub posted_at: DateTime<Utc>,
    /// Deployment ids known before the POST: anything else with the offer's id is new.
    pub known_ids: Vec<String>,
    /// List answers to ignore: a request already in flight when the error came may predate it.
    pub skip_answers: u8,
    /// The error, as the user will read it.
    pub error: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SshReady {
    /// Not probed yet (no address yet, or the probe is still to be sent).
    #[default]
    Unknown,
    Probing,
    /// The port gave no SSH banner in time; probed again on the next poll.
    NotYet,
    /// The port answered with an SSH banner.
    Ready,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Arrival {
    /// When this session created it: for a while a list may not show it yet.
    pub created_here: Option<DateTime<Utc>>,
}

/// A deployment that left a complete active-only list, read once by id so that what is said
/// about it comes from its real status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaving {
    pub name: String,
    pub spot: bool,
    /// Created or seen coming up in this session.
    pub watched: bool,
}

/// How long a deployment this session created is watched even if lists do not show it yet.
pub const GRACE_SECS: i64 = 120;
