//! Managing what the account owns: SSH keys, volumes, the Kubernetes add-on, teams (issue 6).
//!
//! The shared reducer hands this module its keys (`KeyCmd::Manage`), its dialogs
//! (`Modal::Manage`) and its results (`Action::Manage`); it answers with `Command::Manage`.
//! Every refusal the volume rules table (`domain::volume_rules`) or the key check
//! (`domain::ssh_key`) can decide is made here, before any request.

pub mod account;
pub mod create;
pub mod dialog;
pub mod keys;
pub mod volumes;

use crossterm::event::{KeyCode, KeyEvent};

use super::Pane;
use super::action::{ApiResult, Command};
use super::modal::Modal;
use super::state::{AppState, Flash, FlashKind};
use crate::api::{
    Balance, ClusterHealth, Deployment, KubernetesVersion, NewSshKey, NewVolume, SshKey, Team,
    Volume, VolumePatch, VolumePricing, VolumeRegion,
};
pub use dialog::Dialog;

/// What a manage key means; bound in the one key table (`keymap.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManageKey {
    /// `a`: add an SSH key / create a volume.
    Add,
    /// `e`: rename or expand a volume.
    Edit,
    /// `x`: delete an SSH key or a volume (confirm dialog).
    Delete,
    /// `A` / `D`: attach / detach a volume.
    Attach,
    Detach,
    /// `k`: the kubeconfig of a Kubernetes deployment.
    Kubeconfig,
    /// `u`: the team new deploys and volumes go to.
    UseTeam,
}

/// A `~/.ssh/*.pub` file found by the runtime.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalPubKey {
    pub path: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SaveError {
    /// The file exists and overwriting was not asked for.
    Exists,
    Failed(String),
}

/// Effects of this module; performed by `runtime::manage`.
#[derive(Debug, Clone, PartialEq)]
pub enum ManageCmd {
    ScanPubKeys,
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
    /// `GET /api/kubernetes/versions?provider=voltage-park`.
    FetchKubernetesVersions,
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
}

impl ManageCmd {
    /// Whether this would create, change or delete anything on the platform.
    pub fn is_write(&self) -> bool {
        matches!(
            self,
            ManageCmd::AddKey(_)
                | ManageCmd::DeleteKey { .. }
                | ManageCmd::CreateVolume(_)
                | ManageCmd::PatchVolume { .. }
                | ManageCmd::DeleteVolume { .. }
                | ManageCmd::AttachVolume { .. }
                | ManageCmd::DetachVolume { .. }
        )
    }
}

/// Results of `ManageCmd`s.
#[derive(Debug, Clone)]
pub enum ManageEvent {
    PubKeysFound(Vec<LocalPubKey>),
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
    KubernetesVersions(ApiResult<Vec<KubernetesVersion>>),
    TeamLoaded {
        id: String,
        result: ApiResult<(Team, Balance)>,
    },
    FileSaved {
        path: String,
        result: Result<String, SaveError>,
    },
}

pub(crate) fn cmd(c: ManageCmd) -> Command {
    Command::Manage(c)
}

pub(crate) fn flash(state: &mut AppState, text: impl Into<String>, kind: FlashKind) {
    state.status.flash = Some(Flash {
        text: text.into(),
        kind,
        until: state.now + chrono::Duration::seconds(8),
    });
}

/// Read-only sessions send nothing that creates, changes or deletes: say so and refuse.
pub(crate) fn refused_read_only(state: &mut AppState, what: &str) -> bool {
    if state.session.read_only {
        flash(
            state,
            format!(
                "read-only session (--read-only): {what} would change the account, so it is not offered"
            ),
            FlashKind::Warning,
        );
        return true;
    }
    false
}

pub(crate) fn open(state: &mut AppState, d: Dialog) {
    state.modal = Some(Modal::Manage(Box::new(d)));
}

pub(crate) fn notice(state: &mut AppState, title: impl Into<String>, lines: Vec<String>) {
    open(
        state,
        Dialog::Notice {
            title: title.into(),
            lines,
        },
    );
}

/// The volumes list again at once (after a write).
pub(crate) fn refresh_volumes(state: &mut AppState) -> Command {
    state.schedule.volumes_in_flight = true;
    state.schedule.volumes_due = Some(state.now + chrono::Duration::seconds(60));
    state.volumes.loading = true;
    Command::FetchVolumes
}

pub(crate) fn refresh_keys(state: &mut AppState) -> Command {
    state.schedule.keys_in_flight = true;
    state.keys.loading = true;
    Command::FetchKeys
}

/// A key bound to a manage command, on the focused pane.
pub fn on_pane_key(state: &mut AppState, key: ManageKey) -> Vec<Command> {
    if !state.session.has_key() {
        return Vec::new();
    }
    match (state.pane, key) {
        (Pane::Keys, ManageKey::Add) => keys::open_add(state),
        (Pane::Keys, ManageKey::Delete) => keys::open_delete(state),
        (Pane::Volumes, ManageKey::Add) => create::open_create(state),
        (Pane::Volumes, ManageKey::Edit) => volumes::open_edit(state),
        (Pane::Volumes, ManageKey::Delete) => volumes::open_delete(state),
        (Pane::Volumes, ManageKey::Attach) => volumes::open_attach(state),
        (Pane::Volumes, ManageKey::Detach) => volumes::open_detach(state),
        (Pane::Deployments, ManageKey::Kubeconfig) => account::open_kubeconfig(state),
        (Pane::Deployments, ManageKey::Attach) => volumes::open_attach_to_deployment(state),
        (Pane::Deployments, ManageKey::Detach) => volumes::open_detach_from_deployment(state),
        (Pane::Account, ManageKey::UseTeam) => account::use_team(state),
        _ => Vec::new(),
    }
}

/// `Enter` on a row: `Some` when this module shows the details (volumes with fresh usage,
/// Kubernetes deployments with cluster health, teams with live balance).
pub fn details(state: &mut AppState) -> Option<Vec<Command>> {
    match state.pane {
        Pane::Volumes => volumes::open_info(state),
        Pane::Keys => keys::open_info(state),
        Pane::Deployments => account::open_deployment_info(state),
        Pane::Account => account::open_team(state),
        _ => None,
    }
}

/// Keys while one of this module's dialogs is open.
pub fn on_key(state: &mut AppState, ev: KeyEvent) -> Vec<Command> {
    let Some(Modal::Manage(d)) = state.modal.take() else {
        return Vec::new();
    };
    let (next, cmds) = dialog::on_key(state, *d, ev);
    if let Some(n) = next {
        // a refusal may have opened another dialog (a notice) meanwhile: keep that one
        if state.modal.is_none() {
            state.modal = Some(Modal::Manage(Box::new(n)));
        }
    }
    cmds
}

/// The dialog open now, if it is one of ours.
pub fn dialog_mut(state: &mut AppState) -> Option<&mut Dialog> {
    match state.modal.as_mut() {
        Some(Modal::Manage(d)) => Some(d.as_mut()),
        _ => None,
    }
}

pub fn on_event(state: &mut AppState, ev: ManageEvent) -> Vec<Command> {
    match ev {
        ManageEvent::PubKeysFound(found) => {
            keys::found(state, found);
            Vec::new()
        }
        ManageEvent::KeyAdded(r) => keys::added(state, r),
        ManageEvent::KeyDeleted { id, result } => keys::deleted(state, &id, result),
        ManageEvent::KeyFetched { id, result } => {
            keys::fetched(state, &id, result);
            Vec::new()
        }
        ManageEvent::VolumePricing {
            provider,
            region,
            result,
        } => {
            create::pricing_loaded(state, &provider, &region, result);
            Vec::new()
        }
        ManageEvent::DeploymentFetched { id, result } => {
            volumes::deployment_fetched(state, &id, result);
            Vec::new()
        }
        ManageEvent::KubernetesVersions(result) => {
            account::versions_loaded(state, result);
            Vec::new()
        }
        ManageEvent::VolumeRegions { provider, result } => {
            create::regions_loaded(state, &provider, result);
            Vec::new()
        }
        ManageEvent::VolumeFetched { id, result } => {
            volumes::fetched(state, &id, result);
            Vec::new()
        }
        ManageEvent::VolumeCreated(r) => create::created(state, r),
        ManageEvent::VolumePatched { id, result } => {
            volumes::written(state, &id, result.map(drop), "updated")
        }
        ManageEvent::VolumeDeleted { id, result } => {
            volumes::written(state, &id, result, "is being deleted")
        }
        ManageEvent::VolumeAttached { id, result } => {
            volumes::written(state, &id, result.map(drop), "attached")
        }
        ManageEvent::VolumeDetached { id, result } => {
            volumes::written(state, &id, result.map(drop), "detached")
        }
        ManageEvent::ClusterHealth { cluster_id, result } => {
            account::health_loaded(state, &cluster_id, result);
            Vec::new()
        }
        ManageEvent::TeamLoaded { id, result } => {
            account::team_loaded(state, &id, result);
            Vec::new()
        }
        ManageEvent::FileSaved { path, result } => {
            account::file_saved(state, path, result);
            Vec::new()
        }
    }
}

/// Keys shared by list pickers inside dialogs.
pub(crate) fn list_step(code: KeyCode, cursor: &mut usize, len: usize) -> bool {
    match code {
        KeyCode::Up | KeyCode::Char('k') => *cursor = cursor.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => *cursor = (*cursor + 1).min(len.saturating_sub(1)),
        KeyCode::Home | KeyCode::Char('g') => *cursor = 0,
        KeyCode::End | KeyCode::Char('G') => *cursor = len.saturating_sub(1),
        _ => return false,
    }
    true
}
