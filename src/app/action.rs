//! What goes into the reducer (Actions) and what comes out of it (Commands).

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyEvent, MouseEvent};

use super::manage::{ManageCmd, ManageEvent};
use crate::api::{
    ApiError, Balance, Deployment, OffersPage, OffersQuery, RateStatus, SshKey, Team, Volume,
};
use crate::credentials::ApiKey;

pub type ApiResult<T> = Result<T, ApiError>;

/// Everything that can happen: input, time, and results of Commands.
#[derive(Debug, Clone)]
pub enum Action {
    /// First action after start-up: kicks off the initial loads.
    Start(DateTime<Utc>),
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// The clock moved (1 Hz); polls that are due go out.
    Tick(DateTime<Utc>),
    /// The client's view of the rate budget after a request.
    Rate(RateStatus),
    OffersLoaded {
        seq: u64,
        page: u32,
        result: ApiResult<OffersPage>,
    },
    DeploymentsLoaded(ApiResult<Vec<Deployment>>),
    VolumesLoaded(ApiResult<Vec<Volume>>),
    KeysLoaded(ApiResult<Vec<SshKey>>),
    BalanceLoaded(ApiResult<Balance>),
    TeamsLoaded(ApiResult<Vec<Team>>),
    KeySaved(Result<PathBuf, String>),
    /// Results of SSH key, volume, Kubernetes and team operations (`app::manage`).
    Manage(Box<ManageEvent>),
}

/// Effects the runtime performs; each result comes back as an Action.
#[derive(Debug, Clone)]
pub enum Command {
    FetchOffers {
        seq: u64,
        page: u32,
        query: OffersQuery,
    },
    /// One request covers every deployment: `status` is `active` or `None` (all).
    FetchDeployments {
        status: Option<&'static str>,
    },
    FetchVolumes,
    FetchKeys,
    FetchBalance,
    FetchTeams,
    /// Use this key from now on and save it to the credentials file.
    UseKey(ApiKey),
    /// Put text on the clipboard (OSC 52: works over SSH too).
    Copy(String),
    Bell,
    Quit,
    /// SSH keys, volumes, Kubernetes, teams (`app::manage`, performed by `runtime::manage`).
    Manage(ManageCmd),
}

impl Command {
    /// Whether this command would create, change or delete anything on the platform.
    pub fn is_write(&self) -> bool {
        matches!(self, Command::Manage(m) if m.is_write())
    }
}
