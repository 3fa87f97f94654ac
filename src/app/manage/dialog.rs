//! The dialogs of the manage module and their key handling. Each holds what it needs to draw
//! and the resolved ids it acts on (never a row index).

use crossterm::event::{KeyCode, KeyEvent};
use tui_input::Input;

use super::{LocalPubKey, ManageCmd, account, cmd, create, keys, volumes};
use crate::api::{
    ClusterHealth, KubernetesVersion, SshKey, Team, TeamBalance, Volume, VolumePricing,
    VolumeRegion,
};
use crate::app::action::Command;
use crate::app::state::AppState;

#[derive(Debug, Clone)]
pub enum Dialog {
    /// A refusal or a fact: read, then Esc/Enter.
    Notice {
        title: String,
        lines: Vec<String>,
    },
    Confirm(Confirm),
    AddKey(AddKey),
    CreateVolume(Box<CreateVolume>),
    VolumeInfo(VolumeInfo),
    EditVolume(EditVolume),
    /// Choose the deployment to attach to / detach from; each row says why it is refused.
    Pick(Pick),
    DeploymentInfo(DeploymentInfo),
    Kubeconfig(Kubeconfig),
    TeamInfo(TeamInfo),
    /// One SSH key, fresh from `GET /api/ssh-keys/{id}`.
    KeyInfo(KeyInfo),
}

#[derive(Debug, Clone)]
pub struct KeyInfo {
    pub id: String,
    pub key: SshKey,
    pub loading: bool,
    pub error: Option<String>,
}

/// What a confirm dialog will do, with the ids resolved when it opened.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfirmOp {
    DeleteKey {
        id: String,
        name: String,
    },
    DeleteVolume {
        id: String,
        name: String,
    },
    Attach {
        volume_id: String,
        volume_name: String,
        deployment_id: String,
    },
    Detach {
        volume_id: String,
        volume_name: String,
        deployment_id: String,
    },
}

impl ConfirmOp {
    pub fn command(&self) -> ManageCmd {
        match self.clone() {
            ConfirmOp::DeleteKey { id, .. } => ManageCmd::DeleteKey { id },
            ConfirmOp::DeleteVolume { id, .. } => ManageCmd::DeleteVolume { id },
            ConfirmOp::Attach {
                volume_id,
                deployment_id,
                ..
            } => ManageCmd::AttachVolume {
                id: volume_id,
                deployment_id,
            },
            ConfirmOp::Detach {
                volume_id,
                deployment_id,
                ..
            } => ManageCmd::DetachVolume {
                id: volume_id,
                deployment_id,
            },
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            ConfirmOp::DeleteKey { .. } | ConfirmOp::DeleteVolume { .. } => "Delete",
            ConfirmOp::Attach { .. } => "Attach",
            ConfirmOp::Detach { .. } => "Detach",
        }
    }

    /// The object the answer is about.
    pub fn target_id(&self) -> &str {
        match self {
            ConfirmOp::DeleteKey { id, .. } | ConfirmOp::DeleteVolume { id, .. } => id,
            ConfirmOp::Attach { volume_id, .. } | ConfirmOp::Detach { volume_id, .. } => volume_id,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Confirm {
    pub op: ConfirmOp,
    pub title: String,
    pub lines: Vec<String>,
    /// Focus on the action button (false: on Cancel, where it starts).
    pub on_action: bool,
    /// The request is out: a second confirm sends nothing.
    pub busy: bool,
    pub error: Option<String>,
}

impl Confirm {
    pub fn new(op: ConfirmOp, title: impl Into<String>, lines: Vec<String>) -> Self {
        Confirm {
            op,
            title: title.into(),
            lines,
            on_action: false,
            busy: false,
            error: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyField {
    Name,
    Files,
    Key,
}

#[derive(Debug, Clone)]
pub struct AddKey {
    pub name: Input,
    pub key: Input,
    pub focus: KeyField,
    /// `~/.ssh/*.pub`, once scanned.
    pub found: Option<Vec<LocalPubKey>>,
    pub pick: usize,
    pub error: Option<String>,
    /// Set when a private key was pasted (shown loudly, in the error colour).
    pub private_refused: bool,
    pub busy: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateStep {
    Provider,
    Region,
    Name,
    Size,
    Attach,
    Summary,
}

#[derive(Debug, Clone)]
pub enum Loading<T> {
    Loading,
    Loaded(T),
    Failed(String),
}

/// A row of a picker: a deployment a volume could attach to (or be detached from) — or, when
/// picking from a deployment, a volume — and whether the rules allow it.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The deployment's id (the volume's, when the pick starts from a deployment).
    pub id: String,
    pub label: String,
    pub verdict: Result<(), String>,
}

#[derive(Debug, Clone)]
pub struct CreateVolume {
    pub step: CreateStep,
    pub provider_idx: usize,
    pub regions: Loading<Vec<VolumeRegion>>,
    pub region_idx: usize,
    pub name: Input,
    pub size: Input,
    /// Row 0 is "do not attach"; then the deployments with their verdicts.
    pub targets: Vec<Target>,
    pub target_idx: usize,
    pub team_id: Option<String>,
    /// The team's name (and id), as the summary shows it.
    pub team_label: String,
    /// `GET /api/volumes/pricing` for the chosen region (the summary's rate when it answers).
    pub pricing: Option<Loading<VolumePricing>>,
    pub on_action: bool,
    pub error: Option<String>,
    pub busy: bool,
}

#[derive(Debug, Clone)]
pub struct VolumeInfo {
    pub id: String,
    pub volume: Volume,
    pub loading: bool,
    pub error: Option<String>,
    pub scroll: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditField {
    Name,
    Size,
}

#[derive(Debug, Clone)]
pub struct EditVolume {
    pub id: String,
    pub provider: String,
    pub current_name: String,
    pub current_gb: u64,
    pub name: Input,
    pub size: Input,
    pub focus: EditField,
    /// Why a field cannot change (`None`: it can).
    pub rename_refused: Option<String>,
    pub expand_refused: Option<String>,
    pub error: Option<String>,
    pub busy: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickKind {
    Attach,
    Detach,
}

/// Where a pick started: from a volume (rows are deployments) or from a deployment (rows are
/// volumes).
#[derive(Debug, Clone, PartialEq)]
pub enum PickFrom {
    Volume { id: String, name: String },
    Deployment { id: String, name: String },
}

#[derive(Debug, Clone)]
pub struct Pick {
    pub kind: PickKind,
    pub from: PickFrom,
    /// What the provider's rules say (e.g. Verda's cross-region warning).
    pub note: String,
    pub rows: Vec<Target>,
    pub cursor: usize,
    pub error: Option<String>,
}

#[derive(Debug, Clone)]
pub struct DeploymentInfo {
    pub deployment_id: String,
    pub title: String,
    pub cluster_id: Option<String>,
    pub health: Loading<ClusterHealth>,
    /// What the platform offers now (`GET /api/kubernetes/versions`), to compare with ours.
    pub versions: Loading<Vec<KubernetesVersion>>,
    /// Everything else, ready to draw (add-on, links, raw JSON).
    pub lines: Vec<String>,
    pub scroll: u16,
}

#[derive(Debug, Clone)]
pub struct Kubeconfig {
    pub deployment_id: String,
    pub deployment_name: String,
    pub text: String,
    pub path: Input,
    /// The path exists: `y` overwrites it, `n` keeps it.
    pub confirm_overwrite: Option<String>,
    pub saved_to: Option<String>,
    pub error: Option<String>,
    pub busy: bool,
    pub scroll: u16,
}

#[derive(Debug, Clone)]
pub struct TeamInfo {
    pub id: String,
    pub listed: TeamBalance,
    pub loaded: Loading<(Team, Option<TeamBalance>)>,
}

/// Keys for the open dialog `d`; returns the dialog to keep open (None closes it).
pub fn on_key(state: &mut AppState, d: Dialog, ev: KeyEvent) -> (Option<Dialog>, Vec<Command>) {
    match d {
        Dialog::Notice { .. } => match ev.code {
            KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') | KeyCode::Char('n') => {
                (None, Vec::new())
            }
            _ => (Some(d), Vec::new()),
        },
        Dialog::Confirm(c) => confirm_key(state, c, ev),
        Dialog::AddKey(a) => keys::on_add_key(state, a, ev),
        Dialog::CreateVolume(c) => create::on_create_key(state, c, ev),
        Dialog::VolumeInfo(mut v) => match ev.code {
            KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => (None, Vec::new()),
            code => {
                scroll(code, &mut v.scroll);
                (Some(Dialog::VolumeInfo(v)), Vec::new())
            }
        },
        Dialog::EditVolume(e) => volumes::on_edit_key(state, e, ev),
        Dialog::Pick(p) => volumes::on_pick_key(state, p, ev),
        Dialog::DeploymentInfo(mut i) => match ev.code {
            KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => (None, Vec::new()),
            KeyCode::Char('k') if i.cluster_id.is_some() => {
                state.modal = None;
                (None, account::open_kubeconfig(state))
            }
            KeyCode::Char('A') => {
                state.modal = None;
                (None, volumes::open_attach_to_deployment(state))
            }
            KeyCode::Char('D') => {
                state.modal = None;
                (None, volumes::open_detach_from_deployment(state))
            }
            code => {
                scroll(code, &mut i.scroll);
                (Some(Dialog::DeploymentInfo(i)), Vec::new())
            }
        },
        Dialog::Kubeconfig(k) => account::on_kube_key(state, k, ev),
        Dialog::KeyInfo(k) => match ev.code {
            KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => (None, Vec::new()),
            _ => (Some(Dialog::KeyInfo(k)), Vec::new()),
        },
        Dialog::TeamInfo(t) => match ev.code {
            KeyCode::Char('u') => {
                let id = t.id.clone();
                account::choose_team(state, &id);
                (Some(Dialog::TeamInfo(t)), Vec::new())
            }
            KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => (None, Vec::new()),
            _ => (Some(Dialog::TeamInfo(t)), Vec::new()),
        },
    }
}

fn scroll(code: KeyCode, s: &mut u16) {
    match code {
        KeyCode::Down | KeyCode::Char('j') => *s = s.saturating_add(1),
        KeyCode::Up | KeyCode::Char('k') => *s = s.saturating_sub(1),
        KeyCode::PageDown => *s = s.saturating_add(10),
        KeyCode::PageUp => *s = s.saturating_sub(10),
        KeyCode::Home | KeyCode::Char('g') => *s = 0,
        _ => {}
    }
}

/// Confirm dialogs: focus starts on Cancel; `y` (or Enter on the action) sends ONE request;
/// `Esc`/`n` (or Enter on Cancel) closes.
fn confirm_key(
    state: &mut AppState,
    mut c: Confirm,
    ev: KeyEvent,
) -> (Option<Dialog>, Vec<Command>) {
    let go = match ev.code {
        KeyCode::Esc | KeyCode::Char('n') => return (None, Vec::new()),
        KeyCode::Tab | KeyCode::BackTab | KeyCode::Left | KeyCode::Right => {
            c.on_action = !c.on_action;
            false
        }
        KeyCode::Enter if !c.on_action => return (None, Vec::new()),
        KeyCode::Enter | KeyCode::Char('y') => true,
        _ => false,
    };
    if go && !c.busy {
        if state.session.read_only {
            c.error = Some(
                "read-only session (--read-only): nothing that changes the account is sent".into(),
            );
            return (Some(Dialog::Confirm(c)), Vec::new());
        }
        c.busy = true;
        c.error = None;
        let command = cmd(c.op.command());
        return (Some(Dialog::Confirm(c)), vec![command]);
    }
    (Some(Dialog::Confirm(c)), Vec::new())
}
