//! What goes into the reducer (Actions) and what comes out of it (Commands). One Command per
//! request or local effect, and one Action for its answer.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyEvent, MouseEvent};

use crate::api::{
    ApiError, Balance, CanTerminate, ClusterHealth, DeployRequest, Deployment, KubernetesVersion,
    Listing, NewSshKey, NewVolume, OffersPage, OffersQuery, RateStatus, SshKey, Team, Volume,
    VolumePatch, VolumePricing, VolumeRegion,
};
use crate::credentials::ApiKey;
use crate::domain::ssh_key::Pasted;

pub type ApiResult<T> = Result<T, ApiError>;

/// A `~/.ssh/*.pub` file found by the runtime (its text trimmed).
#[derive(Debug, Clone, PartialEq)]
pub struct LocalPubKey {
    pub path: String,
    pub text: String,
}

/// Why a file was not saved.
#[derive(Debug, Clone, PartialEq)]
pub enum SaveError {
    /// The file exists and overwriting was not asked for.
    Exists,
    Failed(String),
}

/// The lists read page by page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PagedList {
    Deployments,
    Volumes,
}

/// Everything that can happen: input, time, and results of Commands.
#[derive(Debug, Clone)]
pub enum Action {
    /// First action after start-up: kicks off the initial loads.
    Start(DateTime<Utc>),
    /// Right after [`Action::Start`]: what reading `config.toml` and the credentials warned
    /// about, for the message log and a notice on the first frame.
    ConfigWarnings(Vec<String>),
    /// The time, given before input and answers so what the reducer does with them knows when
    /// they came (a confirm that counts only after a quiet half second).
    Now(DateTime<Utc>),
    Key(KeyEvent),
    /// A bracketed paste, classified before it became an Action (a private key keeps no text).
    Paste(Pasted),
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
    /// Answer to [`Command::FetchProviders`].
    ProvidersLoaded(ApiResult<Vec<String>>),
    /// One team's part of a list read across teams failed: sent before the list's
    /// `DeploymentsLoaded` / `VolumesLoaded` (which carries the other teams' items), so that
    /// team's last known items are kept, marked stale.
    TeamListFailed {
        list: PagedList,
        team: String,
        error: ApiError,
    },
    /// A list answer: its items, the requests it took (polling slows down with them) and
    /// what it may be missing (only a complete answer proves that something is absent).
    DeploymentsLoaded(ApiResult<Listing<Deployment>>),
    VolumesLoaded(ApiResult<Listing<Volume>>),
    KeysLoaded(ApiResult<Listing<SshKey>>),
    BalanceLoaded(ApiResult<Balance>),
    TeamsLoaded(ApiResult<Listing<Team>>),
    KeySaved(Result<PathBuf, String>),
    /// Answer to [`Command::CheckKey`].
    KeyChecked {
        key: ApiKey,
        result: ApiResult<()>,
    },
    /// Answer to [`Command::Deploy`].
    Deployed(ApiResult<Deployment>),
    /// Answer to [`Command::FetchKubernetesVersions`].
    KubernetesVersions(ApiResult<Vec<KubernetesVersion>>),
    /// Answer to [`Command::ScanPubKeys`].
    PubKeysFound(Vec<LocalPubKey>),
    /// Answer to [`Command::ProbeSsh`]: whether the SSH port answered with an SSH banner.
    SshProbed {
        id: String,
        ok: bool,
    },
    /// The `ssh` started by [`Command::OpenSsh`] exited (exit code), or could not start.
    SshExited(Result<Option<i32>, String>),
    CanTerminateChecked {
        id: String,
        result: ApiResult<CanTerminate>,
    },
    Terminated {
        id: String,
        result: ApiResult<()>,
    },
    Renamed {
        id: String,
        result: ApiResult<Deployment>,
    },
    KeyAdded(ApiResult<SshKey>),
    KeyDeleted {
        id: String,
        result: ApiResult<()>,
    },
    KeyFetched {
        id: String,
        result: ApiResult<SshKey>,
    },
    VolumeRegions {
        provider: String,
        result: ApiResult<Vec<VolumeRegion>>,
    },
    VolumeFetched {
        id: String,
        result: ApiResult<Volume>,
    },
    DeploymentFetched {
        id: String,
        result: ApiResult<Box<Deployment>>,
    },
    VolumePricing {
        provider: String,
        region: String,
        result: ApiResult<VolumePricing>,
    },
    VolumeCreated(ApiResult<Volume>),
    VolumePatched {
        id: String,
        result: ApiResult<Volume>,
    },
    VolumeDeleted {
        id: String,
        result: ApiResult<()>,
    },
    VolumeAttached {
        id: String,
        result: ApiResult<Volume>,
    },
    VolumeDetached {
        id: String,
        result: ApiResult<Volume>,
    },
    ClusterHealth {
        cluster_id: String,
        result: ApiResult<ClusterHealth>,
    },
    TeamLoaded {
        id: String,
        result: ApiResult<(Team, Balance)>,
    },
    FileSaved {
        path: String,
        result: Result<String, SaveError>,
    },
    /// What the spend-guard enforcer reports (`app::guard`).
    Guard(super::guard::GuardUpdate),
    /// Price history and watches from the store (`app::prices`).
    Prices(super::prices::PriceEvent),
    /// The model plan kept in the store (`app::planning`).
    Plan(super::planning::PlanEvent),
    /// What other processes wrote to the local store since the last look.
    StoreChanged(crate::store::changes::Changes),
    /// What another process did to the account, where the account can say so (the demo's
    /// shared world), since the last look.
    AccountChanged(Vec<super::account_changes::AccountChange>),
    /// Answer to [`Command::WriteSshConfig`].
    SshConfigWritten(Result<(), String>),
    /// Answer to [`Command::SaveSshConfigSetting`].
    SshConfigSettingSaved {
        on: bool,
        result: Result<(), String>,
    },
    /// Answer to [`Command::SavePreset`].
    PresetSaved {
        name: String,
        preset: Box<crate::domain::preset::Preset>,
        result: Result<(), String>,
    },
    /// Answer to [`Command::ProbeUsage`]: the reading, or why there is none.
    UsageSampled {
        id: String,
        result: Result<crate::domain::usage::Reading, String>,
    },
    /// The tunnel [`Command::StartTunnel`] started listens on `local` here.
    TunnelUp {
        key: u64,
        local: u16,
    },
    /// The tunnel's ssh ended on its own, or never started: why.
    TunnelDown {
        key: u64,
        why: String,
    },
    /// Answer to [`Command::OpenEditor`]: the command run, or why it was not.
    EditorOpened(Result<String, String>),
}

/// Effects the runtime performs; each result comes back as an Action.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    FetchOffers {
        seq: u64,
        page: u32,
        query: OffersQuery,
    },
    /// Every page of the deployments list: `status` is `active` or `None` (all). The list
    /// without `teamId` is the current team's; each of `teams` is read with its `teamId` too,
    /// and all are merged by id.
    FetchDeployments {
        status: Option<&'static str>,
        teams: Vec<String>,
    },
    /// `GET /api/providers`, once per run → [`Action::ProvidersLoaded`].
    FetchProviders,
    /// Every page of the volumes list: the current team's (no `teamId`), and each of `teams`.
    FetchVolumes {
        teams: Vec<String>,
    },
    FetchKeys,
    FetchBalance,
    FetchTeams,
    /// Ask the API whether it accepts this key (one authenticated request); nothing is saved.
    CheckKey(ApiKey),
    /// Use this key from now on and save it to the credentials file.
    UseKey(ApiKey),
    /// Put text on the clipboard (OSC 52: works over SSH too).
    Copy(String),
    Bell,
    /// Bell plus a desktop notification where the terminal supports one (OSC 9 / OSC 777).
    Notify(String),
    /// Store a guard rule (set in the guard dialog) → [`Action::Guard`] notice.
    /// `name`: the deployment's, for the notice.
    SetGuard {
        rule: crate::domain::guard::StoredRule,
        name: String,
    },
    /// Remove the guard rule of a deployment → [`Action::Guard`] notice.
    ClearGuard {
        id: String,
        name: String,
    },
    /// Snooze the idle rule of a deployment until `until` → [`Action::Guard`] notice.
    SnoozeGuard {
        id: String,
        name: String,
        until: DateTime<Utc>,
    },
    Quit,
    /// `client.create_deployment(&request)` → [`Action::Deployed`]`(result)`.
    /// Sent once per explicit confirm; the executor must NEVER retry it (not idempotent).
    Deploy {
        request: Box<DeployRequest>,
    },
    /// `GET /api/kubernetes/versions?provider=voltage-park` → [`Action::KubernetesVersions`].
    FetchKubernetesVersions,
    /// Read every `~/.ssh/*.pub` (files only, each at most 16 KiB, sorted by path; unreadable
    /// ones skipped) → [`Action::PubKeysFound`].
    ScanPubKeys,
    /// Connect to `host:port` and read what the server says first, within 3 s in all →
    /// [`Action::SshProbed`]` { id, ok }`, `ok` when an SSH banner (`SSH-2.0-…`) came. Nothing is
    /// sent on the socket.
    ProbeSsh {
        id: String,
        host: String,
        port: u16,
    },
    /// Suspend the dashboard (restore the terminal), run `argv[0]` with `argv[1..]` directly
    /// (`std::process::Command`, no shell, stdio inherited), wait, resume and redraw →
    /// [`Action::SshExited`]`(status.code() or the spawn error)`. `argv` is from
    /// `domain::ssh::ssh_argv`, already checked.
    OpenSsh {
        argv: Vec<String>,
    },
    /// `client.can_terminate(&id)` → [`Action::CanTerminateChecked`]` { id, result }`.
    CheckCanTerminate {
        id: String,
    },
    /// `client.terminate_deployment(&id)` → [`Action::Terminated`]` { id, result }`.
    Terminate {
        id: String,
    },
    /// `client.rename_deployment(&id, &name)` → [`Action::Renamed`]` { id, result }`.
    RenameDeployment {
        id: String,
        name: String,
    },
    AddKey(NewSshKey),
    DeleteKey {
        id: String,
    },
    FetchKey {
        id: String,
    },
    FetchVolumeRegions {
        provider: String,
    },
    FetchVolume {
        id: String,
    },
    /// `GET /api/deployments/{id}`: the status of an instance the list does not hold.
    FetchDeployment {
        id: String,
    },
    FetchVolumePricing {
        provider: String,
        region: String,
    },
    CreateVolume(NewVolume),
    PatchVolume {
        id: String,
        patch: VolumePatch,
    },
    DeleteVolume {
        id: String,
    },
    AttachVolume {
        id: String,
        deployment_id: String,
    },
    DetachVolume {
        id: String,
        deployment_id: String,
    },
    FetchClusterHealth {
        cluster_id: String,
    },
    /// `GET /api/teams/details/{id}` and the live `GET /api/balance?teamId={id}`.
    FetchTeam {
        id: String,
    },
    /// Write `contents` to `path` (`~/` expanded) with mode 0600, atomically; refuse to replace
    /// an existing file unless `overwrite`.
    SaveFile {
        path: String,
        contents: String,
        overwrite: bool,
    },
    /// Price history and watches in the local store (`app::prices`).
    Prices(super::prices::PriceCmd),
    /// The model plan in the local store (`app::planning`).
    Plan(super::planning::PlanCmd),
    /// Keep `teams` (the teams a list read asks for by `teamId`, one id a line) in the local
    /// store for the next start's first round; no answer.
    RememberTeams(String),
    /// Write `text` as our Host file (`~/.spheron/ssh/config`, 0600, atomically) and make sure
    /// `~/.ssh/config` includes it → [`Action::SshConfigWritten`].
    WriteSshConfig {
        text: String,
    },
    /// Add `[presets.NAME]` to `config.toml` at `file` (`config::save_preset`) →
    /// [`Action::PresetSaved`].
    SavePreset {
        file: std::path::PathBuf,
        name: String,
        preset: Box<crate::domain::preset::Preset>,
    },
    /// Record the answer to "reach instances by name?" as `ssh_config = on` in `config.toml` at
    /// `file` (`None`: no config directory is known) → [`Action::SshConfigSettingSaved`].
    SaveSshConfigSetting {
        file: Option<std::path::PathBuf>,
        on: bool,
    },
    /// Read the GPU use of deployment `id`, reached as `entry` (`runtime::usage::Instances`:
    /// over SSH, or the demo world's simulated instance) → [`Action::UsageSampled`].
    ProbeUsage {
        id: String,
        entry: crate::domain::ssh_config::HostEntry,
    },
    /// Run `ssh -N -L` from local port `want` (or the next free one) to `remote` on `entry`, in
    /// the background until [`Command::StopTunnel`] or the dashboard quits →
    /// [`Action::TunnelUp`] once it listens, [`Action::TunnelDown`] if it ends on its own.
    StartTunnel {
        key: u64,
        entry: crate::domain::ssh_config::HostEntry,
        remote: u16,
        want: u16,
    },
    StopTunnel {
        key: u64,
    },
    /// `code` (else `cursor`) `--remote ssh-remote+<alias> <folder>`, once the alias is in
    /// `~/.ssh/config` → [`Action::EditorOpened`].
    OpenEditor {
        alias: String,
        folder: String,
    },
}

impl Command {
    /// What this command would create, change or delete on the platform, named for the
    /// read-only refusal ("… was not sent"); `None` for reads and local effects. Every variant
    /// is named here, so a new command must be sorted before it compiles.
    pub fn write_label(&self) -> Option<&'static str> {
        Some(match self {
            Command::Deploy { .. } => "the deploy",
            Command::Terminate { .. } => "the terminate request",
            Command::RenameDeployment { .. } => "the rename",
            Command::AddKey(_) => "the new SSH key",
            Command::DeleteKey { .. } => "the SSH key delete",
            Command::CreateVolume(_) => "the new volume",
            Command::PatchVolume { .. } => "the volume rename/expand",
            Command::DeleteVolume { .. } => "the volume delete",
            Command::AttachVolume { .. } => "the volume attach",
            Command::DetachVolume { .. } => "the volume detach",
            // reads of the platform
            Command::FetchOffers { .. }
            | Command::FetchDeployments { .. }
            | Command::FetchProviders
            | Command::FetchVolumes { .. }
            | Command::FetchKeys
            | Command::FetchBalance
            | Command::FetchTeams
            | Command::CheckKey(_)
            | Command::FetchKubernetesVersions
            | Command::CheckCanTerminate { .. }
            | Command::FetchKey { .. }
            | Command::FetchVolumeRegions { .. }
            | Command::FetchVolume { .. }
            | Command::FetchDeployment { .. }
            | Command::FetchVolumePricing { .. }
            | Command::FetchClusterHealth { .. }
            | Command::FetchTeam { .. } => return None,
            // effects on this machine only (the local store, files, the terminal, SSH to an
            // instance)
            Command::UseKey(_)
            | Command::Copy(_)
            | Command::Bell
            | Command::Notify(_)
            | Command::SetGuard { .. }
            | Command::ClearGuard { .. }
            | Command::Quit
            | Command::ScanPubKeys
            | Command::ProbeSsh { .. }
            | Command::OpenSsh { .. }
            | Command::SaveFile { .. }
            | Command::Prices(_)
            | Command::Plan(_)
            | Command::RememberTeams(_)
            | Command::WriteSshConfig { .. }
            | Command::ProbeUsage { .. }
            | Command::SavePreset { .. }
            | Command::SaveSshConfigSetting { .. }
            | Command::SnoozeGuard { .. }
            | Command::StartTunnel { .. }
            | Command::StopTunnel { .. }
            | Command::OpenEditor { .. } => return None,
        })
    }

    /// Whether this command would create, change or delete anything on the platform.
    pub fn is_write(&self) -> bool {
        self.write_label().is_some()
    }
}
