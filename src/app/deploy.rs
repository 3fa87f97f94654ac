//! The deploy wizard (`d` on an offer): only what is valid for THAT offer, a summary of the
//! spend, one POST per confirm, and the careful path after an unclear failure (never a blind
//! retry: the list is read first, spheron-api.md §9).

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_input::Input;

use super::Pane;
use super::action::{ApiResult, Command};
use super::flows::PendingCheck;
use super::modal::Modal;
use super::state::{AppState, FlashKind};
use super::text;
use super::update::{flash, refresh_deployments};
use crate::api::{
    ApiError, CloudInit, DeployRequest, Deployment, KubernetesVersion, Offer, Volume, WriteFile,
};
use crate::domain::cost::{self, Estimate};
use crate::domain::deploy::{
    self, DeployChoices, DeployError, SshChoice, addon_possible, offerable_volumes, volume_limit,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Region,
    Os,
    Ssh,
    Team,
    Name,
    CloudInit,
    Volumes,
    Kubernetes,
    Summary,
}

impl Step {
    pub fn title(self) -> &'static str {
        match self {
            Step::Region => "Region",
            Step::Os => "Operating system",
            Step::Ssh => "SSH access",
            Step::Team => "Team",
            Step::Name => "Name",
            Step::CloudInit => "Cloud-init",
            Step::Volumes => "Volumes",
            Step::Kubernetes => "Kubernetes add-on",
            Step::Summary => "Summary",
        }
    }

    /// For the step bar.
    pub fn short(self) -> &'static str {
        match self {
            Step::Os => "OS",
            Step::Ssh => "SSH",
            Step::Kubernetes => "Kubernetes",
            other => other.title(),
        }
    }

    fn of_field(field: &str) -> Option<Step> {
        Some(match deploy::step_of_field(field)? {
            "region" => Step::Region,
            "os" => Step::Os,
            "ssh" => Step::Ssh,
            "team" => Step::Team,
            "name" => Step::Name,
            "cloud-init" => Step::CloudInit,
            "volumes" => Step::Volumes,
            _ => Step::Kubernetes,
        })
    }
}

/// Where the SSH key comes from, by identity (so a list refresh cannot move the choice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SshSel {
    Saved(String),
    Local(String),
    Paste,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Editing,
    /// The POST is on the wire.
    Sending,
    /// The POST failed unclearly; waiting for a list read after it.
    Checking,
    /// The list was read: no new deployment of this offer. A retry needs a new confirm.
    NotCreated {
        error: String,
    },
    /// The list could not be read: cannot tell. `r` reads it again.
    Unknown {
        error: String,
    },
}

/// The wizard, holding its own copy of the offer it deploys (captured when it opened).
#[derive(Debug, Clone)]
pub struct DeployWizard {
    pub offer: Offer,
    pub steps: Vec<Step>,
    pub at: usize,
    pub region: usize,
    pub os: usize,
    pub ssh: Option<SshSel>,
    pub paste: Input,
    pub team: Option<String>,
    pub name: Input,
    /// 0 packages, 1 runcmd, 2 write files.
    pub ci_field: usize,
    pub ci_input: [Input; 3],
    pub packages: Vec<String>,
    pub runcmd: Vec<String>,
    pub write_files: Vec<WriteFile>,
    pub vol_cursor: usize,
    pub volumes: Vec<String>,
    /// 0 = no add-on, i + 1 = the i-th listed version.
    pub k8s: usize,
    /// On the summary / retry: focus on the action button (starts on Cancel).
    pub confirm_focus: bool,
    pub phase: Phase,
    /// Shown at the top of every step: the API's 400 message, a local refusal.
    pub error: Option<String>,
    /// The step the API's 400 named, marked in the step bar.
    pub error_step: Option<Step>,
}

impl DeployWizard {
    pub fn new(offer: Offer, team: Option<String>) -> Self {
        let mut steps = vec![Step::Region, Step::Os, Step::Ssh, Step::Team, Step::Name];
        if offer.supports_cloud_init {
            steps.push(Step::CloudInit);
        }
        if volume_limit(&offer.provider).is_some() {
            steps.push(Step::Volumes);
        }
        if addon_possible(&offer) {
            steps.push(Step::Kubernetes);
        }
        steps.push(Step::Summary);
        let name = suggested_name(&offer);
        DeployWizard {
            offer,
            steps,
            at: 0,
            region: 0,
            os: 0,
            ssh: None,
            paste: Input::default(),
            team,
            name: Input::new(name),
            ci_field: 0,
            ci_input: Default::default(),
            packages: Vec::new(),
            runcmd: Vec::new(),
            write_files: Vec::new(),
            vol_cursor: 0,
            volumes: Vec::new(),
            k8s: 0,
            confirm_focus: false,
            phase: Phase::Editing,
            error: None,
            error_step: None,
        }
    }

    pub fn step(&self) -> Step {
        self.steps[self.at.min(self.steps.len() - 1)]
    }

    pub fn region(&self) -> String {
        let regions = self.offer.regions();
        regions
            .get(self.region)
            .or(regions.first())
            .map(|r| r.to_string())
            .unwrap_or_default()
    }

    pub fn os(&self) -> String {
        let os = &self.offer.os_options;
        os.get(self.os).or(os.first()).cloned().unwrap_or_default()
    }

    fn go(&mut self, step: Step) {
        if let Some(i) = self.steps.iter().position(|s| *s == step) {
            self.at = i;
            self.confirm_focus = false;
        }
    }
}

/// `h100-80g-x8-voltage-park`: a readable default the user can change.
fn suggested_name(o: &Offer) -> String {
    let raw = format!("{}-x{}-{}", o.gpu_type, o.gpu_count.max(1), o.provider);
    let mut out = String::new();
    for c in raw.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-')
        .chars()
        .take(deploy::MAX_NAME)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// What the wizard offers, from state

/// One row of the SSH step.
#[derive(Debug, Clone, PartialEq)]
pub struct SshOption {
    pub sel: SshSel,
    pub label: String,
    pub detail: String,
}

pub fn ssh_options(state: &AppState) -> Vec<SshOption> {
    let mut out: Vec<SshOption> = state
        .keys
        .items
        .iter()
        .map(|k| SshOption {
            sel: SshSel::Saved(k.id.clone()),
            label: format!("saved key: {}", k.name),
            detail: k.fingerprint.clone().unwrap_or_default(),
        })
        .collect();
    for (path, content) in state.flows.local_pub_keys.iter().flatten() {
        if deploy::is_public_key(content.trim()) {
            let comment = content.split_whitespace().nth(2).unwrap_or("");
            out.push(SshOption {
                sel: SshSel::Local(path.clone()),
                label: format!("inline key from {path}"),
                detail: comment.to_string(),
            });
        }
    }
    out.push(SshOption {
        sel: SshSel::Paste,
        label: "paste a public key…".into(),
        detail: String::new(),
    });
    out
}

/// Teams to deploy under: `(teamId, label, balance)`.
pub fn team_options(state: &AppState) -> Vec<(String, String, Option<f64>)> {
    if let Some(b) = &state.account.balance
        && !b.teams.is_empty()
    {
        return b
            .teams
            .iter()
            .map(|t| (t.team_id.clone(), t.team_name.clone(), Some(t.balance)))
            .collect();
    }
    state
        .account
        .teams
        .iter()
        .map(|t| (t.id.clone(), t.name.clone(), t.balance))
        .collect()
}

/// Volumes that fit this offer and region, plus any already chosen (so they can be unchosen
/// even if a refresh made them unfit; the summary says why they block).
pub fn volume_options<'a>(state: &'a AppState, w: &DeployWizard) -> Vec<&'a Volume> {
    let fit = offerable_volumes(&w.offer, &w.region(), &state.volumes.items);
    state
        .volumes
        .items
        .iter()
        .filter(|v| w.volumes.contains(&v.id) || fit.iter().any(|f| f.id == v.id))
        .collect()
}

pub fn k8s_versions(state: &AppState) -> Vec<String> {
    match &state.flows.k8s_versions {
        Some(Ok(v)) => v.clone(),
        _ => Vec::new(),
    }
}

/// The choices as the domain checks them.
pub fn choices(state: &AppState, w: &DeployWizard) -> DeployChoices {
    let ssh = match &w.ssh {
        None => SshChoice::None,
        Some(SshSel::Saved(id)) => SshChoice::Saved { id: id.clone() },
        Some(SshSel::Local(path)) => state
            .flows
            .local_pub_keys
            .iter()
            .flatten()
            .find(|(p, _)| p == path)
            .map_or(SshChoice::None, |(_, c)| SshChoice::Inline {
                public_key: c.trim().to_string(),
            }),
        Some(SshSel::Paste) => SshChoice::Inline {
            public_key: w.paste.value().trim().to_string(),
        },
    };
    let ci = CloudInit {
        packages: w.packages.clone(),
        runcmd: w.runcmd.clone(),
        write_files: w.write_files.clone(),
    };
    let versions = k8s_versions(state);
    DeployChoices {
        region: w.region(),
        operating_system: w.os(),
        ssh,
        team_id: w.team.clone(),
        name: Some(w.name.value().to_string()),
        cloud_init: (!ci.is_empty()).then_some(ci),
        volumes: state
            .volumes
            .items
            .iter()
            .filter(|v| w.volumes.contains(&v.id))
            .cloned()
            .collect(),
        kubernetes_version: w.k8s.checked_sub(1).and_then(|i| versions.get(i).cloned()),
        kubernetes_versions: versions,
    }
}

/// Everything the summary shows, and whether the deploy button exists.
#[derive(Debug, Clone)]
pub struct Summary {
    pub request: Result<DeployRequest, DeployError>,
    pub estimate: Estimate,
    pub team_name: Option<String>,
    pub balance: Option<f64>,
    /// Hours the balance lasts with everything running now plus this deploy.
    pub runway_hours: Option<f64>,
    pub spend_after: f64,
    /// `(remaining, limit)` of the 10-per-15-minutes deploy budget, when the API said.
    pub deploys_left: Option<(u32, u32)>,
    /// Why there is no deploy button.
    pub blocked: Option<String>,
}

pub fn summary(state: &AppState, w: &DeployWizard) -> Summary {
    let c = choices(state, w);
    let request = deploy::build_request(&w.offer, &c);
    let vol_rate: f64 = c.volumes.iter().filter_map(Volume::cost_per_hour).sum();
    let estimate = Estimate::for_offer(&w.offer, vol_rate, c.kubernetes_version.is_some());
    let team = team_options(state)
        .into_iter()
        .find(|(id, _, _)| Some(id) == w.team.as_ref());
    let balance = team.as_ref().and_then(|t| t.2);
    // Volumes already bill (they are in the burn rate): this deploy adds instance + add-on.
    let spend_after = cost::burn_rate(&state.deployments.items, &state.volumes.items)
        + estimate.instance
        + estimate.addon;
    let runway_hours = balance.and_then(|b| cost::runway_hours(b, spend_after));
    let rate = &state.status.rate;
    let deploys_left = rate.deploy_remaining.zip(rate.deploy_limit);
    let blocked = blocked_reason(state, w, &request, balance);
    Summary {
        request,
        estimate,
        team_name: team.map(|t| t.1),
        balance,
        runway_hours,
        spend_after,
        deploys_left,
        blocked,
    }
}

fn blocked_reason(
    state: &AppState,
    w: &DeployWizard,
    request: &Result<DeployRequest, DeployError>,
    balance: Option<f64>,
) -> Option<String> {
    let f = &state.flows.deploy;
    if state.session.read_only {
        return Some("Read-only mode (--read-only): nothing that creates, changes or deletes is sent. Restart without it to deploy.".into());
    }
    if !state.session.has_key() {
        return Some("No API key: deploying needs one.".into());
    }
    if let Some(why) = w.offer.unavailable_reason() {
        return Some(format!(
            "{why}, so it cannot be deployed now. Pick another offer."
        ));
    }
    if f.in_flight {
        return Some("A deploy is being sent: waiting for its answer.".into());
    }
    if f.check.is_some() {
        return Some(
            "The last deploy failed unclearly: checking the deployments list first.".into(),
        );
    }
    if let Some(until) = f.blocked_until.filter(|u| *u > state.now) {
        let s = (until - state.now).num_seconds();
        return Some(format!(
            "The API rate-limited deploys: wait {s}s before trying again."
        ));
    }
    let rate = &state.status.rate;
    if rate.deploy_remaining == Some(0) {
        let reset = rate
            .reset_in
            .map_or(String::new(), |d| format!(" (resets in {}s)", d.as_secs()));
        return Some(format!(
            "Deploy limit reached: 0 of {} deploys left in this 15-minute window{reset}.",
            rate.deploy_limit.unwrap_or(10)
        ));
    }
    if w.team.is_none() {
        return Some(
            "No team known yet (balance and teams not loaded): the API needs a teamId.".into(),
        );
    }
    match balance {
        None => return Some("The team's balance is not known yet: wait for it to load.".into()),
        Some(b) if b <= 0.0 => {
            return Some(format!(
                "The team's balance is {}: add credit at app.spheron.ai before deploying.",
                cost::usd(b)
            ));
        }
        _ => {}
    }
    if let Err(e) = request {
        return Some(format!("{e}."));
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Opening

/// `d` on an offer.
pub fn open(state: &mut AppState) -> Vec<Command> {
    let Some(offer) = state.offers.selected().cloned() else {
        flash(state, "no offer selected".into(), FlashKind::Warning);
        return Vec::new();
    };
    if !state.session.has_key() {
        state.modal = Some(Modal::KeyPrompt {
            input: Input::default(),
            reason: "Deploying needs your Spheron API key (app.spheron.ai → Settings → API):"
                .into(),
            error: None,
        });
        return Vec::new();
    }
    let team = state.current_team_id().map(str::to_owned);
    let w = DeployWizard::new(offer, team);
    let mut cmds = Vec::new();
    if state.keys.loaded_at.is_none() && !state.schedule.keys_in_flight {
        state.schedule.keys_in_flight = true;
        state.keys.loading = true;
        cmds.push(Command::FetchKeys);
    }
    if state.flows.local_pub_keys.is_none() {
        cmds.push(Command::ReadLocalPubKeys);
    }
    if addon_possible(&w.offer)
        && !matches!(state.flows.k8s_versions, Some(Ok(_)))
        && !state.flows.k8s_in_flight
    {
        state.flows.k8s_in_flight = true;
        cmds.push(Command::FetchKubernetesVersions);
    }
    state.modal = Some(Modal::Deploy(Box::new(w)));
    cmds
}

pub fn on_local_pub_keys(state: &mut AppState, keys: Vec<(String, String)>) {
    state.flows.local_pub_keys = Some(keys);
}

pub fn on_k8s_versions(state: &mut AppState, result: ApiResult<Vec<KubernetesVersion>>) {
    state.flows.k8s_in_flight = false;
    state.flows.k8s_versions = Some(
        result
            .map(|v| {
                v.into_iter()
                    .map(|k| k.version)
                    .filter(|v| !v.is_empty())
                    .collect()
            })
            .map_err(|e| e.to_string()),
    );
}

// ---------------------------------------------------------------------------------------------
// Keys

fn with_wizard<R>(
    state: &mut AppState,
    f: impl FnOnce(&mut AppState, &mut DeployWizard) -> R,
) -> Option<R> {
    let Some(Modal::Deploy(mut w)) = state.modal.take() else {
        return None;
    };
    let r = f(state, &mut w);
    if state.modal.is_none() && !w_closed(&w) {
        state.modal = Some(Modal::Deploy(w));
    }
    Some(r)
}

/// A wizard marks itself closed by moving past its last step.
fn w_closed(w: &DeployWizard) -> bool {
    w.at >= w.steps.len()
}

fn close(w: &mut DeployWizard) {
    w.at = w.steps.len();
}

pub fn on_key(state: &mut AppState, ev: KeyEvent) -> Vec<Command> {
    if ev.code == KeyCode::Char('c') && ev.modifiers.contains(KeyModifiers::CONTROL) {
        state.quit = true;
        return vec![Command::Quit];
    }
    with_wizard(state, |state, w| match w.phase.clone() {
        // Nothing a key does can send (or resend) while the answer is awaited.
        Phase::Sending | Phase::Checking => Vec::new(),
        Phase::NotCreated { .. } => on_retry_key(state, w, ev),
        Phase::Unknown { .. } => match ev.code {
            KeyCode::Char('r') => recheck(state, w),
            KeyCode::Esc | KeyCode::Char('n') | KeyCode::Char('q') => {
                close(w);
                state.flows.deploy.recheck = None;
                flash(
                    state,
                    "Look at the Deployments pane before deploying again: the last deploy may have been created.".into(),
                    FlashKind::Warning,
                );
                Vec::new()
            }
            _ => Vec::new(),
        },
        Phase::Editing => on_edit_key(state, w, ev),
    })
    .unwrap_or_default()
}

fn back(w: &mut DeployWizard) {
    if w.at == 0 {
        close(w);
    } else {
        w.at -= 1;
        w.confirm_focus = false;
    }
}

fn next(state: &mut AppState, w: &mut DeployWizard) {
    // Leaving a step checks it, so a mistake is shown where it was made.
    let problem = match w.step() {
        Step::Ssh => match &w.ssh {
            None => Some("Choose a key: ↑↓ then Enter".to_string()),
            Some(SshSel::Paste) if !deploy::is_public_key(w.paste.value().trim()) => {
                Some("Paste an OpenSSH public key (ssh-ed25519 AAAA… or ssh-rsa AAAA…)".to_string())
            }
            _ => None,
        },
        Step::Name => deploy::check_name(w.name.value().trim())
            .err()
            .map(|e| e.to_string()),
        _ => None,
    };
    if let Some(p) = problem {
        w.error = Some(p);
        return;
    }
    if w.error_step.is_none() || w.error_step == Some(w.step()) {
        w.error = None;
        w.error_step = None;
    }
    if w.step() == Step::Region {
        // Volumes must be in the region: a new region drops the ones that no longer fit.
        let fit: Vec<String> = offerable_volumes(&w.offer, &w.region(), &state.volumes.items)
            .iter()
            .map(|v| v.id.clone())
            .collect();
        w.volumes.retain(|id| fit.contains(id));
    }
    if w.at + 1 < w.steps.len() {
        w.at += 1;
        w.confirm_focus = false;
    }
    // Arriving on a choice with nothing chosen yet: start on the first option.
    match w.step() {
        Step::Ssh if w.ssh.is_none() => w.ssh = ssh_options(state).first().map(|o| o.sel.clone()),
        Step::Team if w.team.is_none() => w.team = state.current_team_id().map(str::to_owned),
        _ => {}
    }
}

fn on_edit_key(state: &mut AppState, w: &mut DeployWizard, ev: KeyEvent) -> Vec<Command> {
    let step = w.step();
    if step == Step::Summary {
        return on_summary_key(state, w, ev);
    }
    match ev.code {
        KeyCode::Esc => {
            back(w);
            return Vec::new();
        }
        KeyCode::Enter if step != Step::CloudInit => {
            next(state, w);
            return Vec::new();
        }
        _ => {}
    }
    let up = matches!(ev.code, KeyCode::Up);
    let down = matches!(ev.code, KeyCode::Down);
    let jk = |c| ev.code == KeyCode::Char(c) && ev.modifiers.is_empty();
    match step {
        Step::Region => move_in(
            &mut w.region,
            w.offer.regions().len(),
            up || jk('k'),
            down || jk('j'),
        ),
        Step::Os => move_in(
            &mut w.os,
            w.offer.os_options.len(),
            up || jk('k'),
            down || jk('j'),
        ),
        Step::Ssh => {
            let opts = ssh_options(state);
            let pasting = w.ssh == Some(SshSel::Paste);
            let pos = w
                .ssh
                .as_ref()
                .and_then(|s| opts.iter().position(|o| &o.sel == s));
            if up || down || (!pasting && (jk('j') || jk('k'))) {
                let mut i = pos.unwrap_or(0);
                if pos.is_some() {
                    move_in(&mut i, opts.len(), up || jk('k'), down || jk('j'));
                }
                w.ssh = opts.get(i).map(|o| o.sel.clone());
            } else if pasting {
                text::edit(&mut w.paste, &ev);
            } else if let KeyCode::Char(_) = ev.code {
                // Typing starts a paste.
                w.ssh = Some(SshSel::Paste);
                text::edit(&mut w.paste, &ev);
            }
        }
        Step::Team => {
            let teams = team_options(state);
            let mut i = teams
                .iter()
                .position(|t| Some(&t.0) == w.team.as_ref())
                .unwrap_or(0);
            move_in(&mut i, teams.len(), up || jk('k'), down || jk('j'));
            if let Some(t) = teams.get(i) {
                w.team = Some(t.0.clone());
            }
        }
        Step::Name => {
            text::edit(&mut w.name, &ev);
        }
        Step::CloudInit => on_cloud_init_key(state, w, ev),
        Step::Volumes => {
            let opts = volume_options(state, w);
            move_in(
                &mut w.vol_cursor,
                opts.len(),
                up || jk('k'),
                down || jk('j'),
            );
            if ev.code == KeyCode::Char(' ')
                && let Some(v) = opts.get(w.vol_cursor)
            {
                let id = v.id.clone();
                let limit = volume_limit(&w.offer.provider).unwrap_or(0);
                if let Some(i) = w.volumes.iter().position(|x| *x == id) {
                    w.volumes.remove(i);
                    w.error = None;
                } else if w.volumes.len() >= limit {
                    w.error = Some(format!(
                        "{} allows {limit} volume{} per instance: unselect one first",
                        w.offer.provider,
                        if limit == 1 { "" } else { "s" }
                    ));
                } else {
                    w.volumes.push(id);
                }
            }
        }
        Step::Kubernetes => {
            let n = k8s_versions(state).len() + 1;
            move_in(&mut w.k8s, n, up || jk('k'), down || jk('j'));
        }
        Step::Summary => {}
    }
    Vec::new()
}

fn move_in(i: &mut usize, len: usize, up: bool, down: bool) {
    if up {
        *i = i.saturating_sub(1);
    } else if down {
        *i = (*i + 1).min(len.saturating_sub(1));
    }
}

fn on_cloud_init_key(state: &mut AppState, w: &mut DeployWizard, ev: KeyEvent) {
    match ev.code {
        KeyCode::Tab | KeyCode::Down => w.ci_field = (w.ci_field + 1) % 3,
        KeyCode::BackTab | KeyCode::Up => w.ci_field = (w.ci_field + 2) % 3,
        KeyCode::Enter => {
            let text = w.ci_input[w.ci_field].value().trim().to_string();
            if text.is_empty() {
                next(state, w);
                return;
            }
            match w.ci_field {
                0 => w.packages.extend(
                    text.split(|c: char| c == ',' || c.is_whitespace())
                        .filter(|p| !p.is_empty())
                        .map(str::to_owned),
                ),
                1 => w.runcmd.push(text),
                _ => match text.split_once('=') {
                    Some((path, content)) if path.trim().starts_with('/') => {
                        w.write_files.push(WriteFile {
                            path: path.trim().to_string(),
                            content: content.replace("\\n", "\n"),
                            owner: None,
                            permissions: None,
                        })
                    }
                    _ => {
                        w.error =
                            Some("A file is /absolute/path=content (\\n for a new line)".into());
                        return;
                    }
                },
            }
            w.error = None;
            w.ci_input[w.ci_field].reset();
        }
        KeyCode::Backspace if w.ci_input[w.ci_field].value().is_empty() => {
            match w.ci_field {
                0 => w.packages.pop().map(drop),
                1 => w.runcmd.pop().map(drop),
                _ => w.write_files.pop().map(drop),
            };
        }
        _ => {
            text::edit(&mut w.ci_input[w.ci_field], &ev);
        }
    }
}

fn on_summary_key(state: &mut AppState, w: &mut DeployWizard, ev: KeyEvent) -> Vec<Command> {
    match ev.code {
        KeyCode::Esc | KeyCode::Char('n') => back(w),
        KeyCode::Tab
        | KeyCode::BackTab
        | KeyCode::Left
        | KeyCode::Right
        | KeyCode::Char('h')
        | KeyCode::Char('l') => w.confirm_focus = !w.confirm_focus,
        KeyCode::Char('y') => return confirm(state, w),
        KeyCode::Enter if w.confirm_focus => return confirm(state, w),
        KeyCode::Enter => back(w),
        _ => {}
    }
    Vec::new()
}

fn on_retry_key(state: &mut AppState, w: &mut DeployWizard, ev: KeyEvent) -> Vec<Command> {
    match ev.code {
        KeyCode::Esc | KeyCode::Char('n') => {
            w.phase = Phase::Editing;
            w.confirm_focus = false;
        }
        KeyCode::Tab
        | KeyCode::BackTab
        | KeyCode::Left
        | KeyCode::Right
        | KeyCode::Char('h')
        | KeyCode::Char('l') => w.confirm_focus = !w.confirm_focus,
        KeyCode::Char('y') => return confirm(state, w),
        KeyCode::Enter if w.confirm_focus => return confirm(state, w),
        KeyCode::Enter => {
            w.phase = Phase::Editing;
            w.confirm_focus = false;
        }
        _ => {}
    }
    Vec::new()
}

/// The one place a `Command::Deploy` is made: an explicit confirm, with every guard passed.
fn confirm(state: &mut AppState, w: &mut DeployWizard) -> Vec<Command> {
    let s = summary(state, w);
    if let Some(why) = s.blocked {
        w.error = Some(why.clone());
        w.confirm_focus = false;
        flash(state, why, FlashKind::Warning);
        return Vec::new();
    }
    let Ok(request) = s.request else {
        return Vec::new();
    };
    state.flows.deploy.in_flight = true;
    state.flows.deploy.posted_at = Some(state.now);
    state.flows.deploy.last_request = Some(request.clone());
    state.flows.deploy.known_at_post = state
        .deployments
        .items
        .iter()
        .map(|d| d.id.clone())
        .collect();
    w.phase = Phase::Sending;
    w.error = None;
    w.error_step = None;
    w.confirm_focus = false;
    vec![Command::Deploy {
        request: Box::new(request),
    }]
}

// ---------------------------------------------------------------------------------------------
// The answer

/// Errors after which the deployment may or may not exist: the request may have reached the
/// server and been acted on. (A redirect is an answer too: it is not followed, so look.)
fn unclear(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::Server { .. }
            | ApiError::Network { .. }
            | ApiError::Timeout { .. }
            | ApiError::Decode { .. }
            | ApiError::Redirect { .. }
    )
}

pub fn on_deployed(state: &mut AppState, result: ApiResult<Deployment>) -> Vec<Command> {
    state.flows.deploy.in_flight = false;
    let posted_at = state.flows.deploy.posted_at.unwrap_or(state.now);
    match result {
        Ok(d) => {
            let name = d.name.clone();
            let mut cmds = Vec::new();
            let wiz = take_wizard(state);
            let what = wiz
                .as_ref()
                .map(|w| {
                    format!(
                        "{}×{} on {} at {}/h",
                        gpu_label(&w.offer),
                        w.offer.gpu_count,
                        w.offer.provider,
                        cost::usd(w.offer.hourly_rate())
                    )
                })
                .unwrap_or_default();
            adopt(state, d);
            flash(
                state,
                format!("Deploying {name} {what}: watching it (status every poll)"),
                FlashKind::Success,
            );
            cmds.extend(refresh_deployments(state));
            cmds
        }
        Err(e) if unclear(&e) => {
            let Some(request) = state.flows.deploy.last_request.clone() else {
                flash(state, format!("deploy failed: {e}"), FlashKind::Warning);
                return Vec::new();
            };
            let skip = u8::from(state.schedule.deployments_in_flight);
            state.flows.deploy.check = Some(PendingCheck {
                request,
                posted_at,
                known_ids: state.flows.deploy.known_at_post.clone(),
                skip_answers: skip,
                error: e.to_string(),
            });
            state.status.last_error = Some(e.to_string());
            set_phase(state, Phase::Checking, None);
            refresh_deployments(state)
        }
        Err(e) => {
            let step = match &e {
                ApiError::Validation { field, .. } => field.as_deref().and_then(Step::of_field),
                _ => None,
            };
            let msg = match &e {
                ApiError::RateLimited { retry_after } => {
                    let until =
                        state.now + chrono::Duration::from_std(*retry_after).unwrap_or_default();
                    state.flows.deploy.blocked_until = Some(until);
                    format!(
                        "The API rate-limited deploys (429): nothing was created. Wait {}s; the deploy button returns then.",
                        retry_after.as_secs()
                    )
                }
                ApiError::Unauthorized { .. } => {
                    "The API refused the key (401): nothing was created. Close the wizard (Esc) and set a valid key.".to_string()
                }
                ApiError::Validation { .. } => format!("{e} — nothing was created; fix it and confirm again."),
                _ => format!("{e} — nothing was created."),
            };
            state.status.last_error = Some(e.to_string());
            set_phase(state, Phase::Editing, Some((msg, step)));
            Vec::new()
        }
    }
}

fn take_wizard(state: &mut AppState) -> Option<Box<DeployWizard>> {
    match state.modal.take() {
        Some(Modal::Deploy(w)) => Some(w),
        other => {
            state.modal = other;
            None
        }
    }
}

fn set_phase(state: &mut AppState, phase: Phase, error: Option<(String, Option<Step>)>) {
    if let Some(Modal::Deploy(w)) = state.modal.as_mut() {
        w.phase = phase;
        w.confirm_focus = false;
        if let Some((msg, step)) = error {
            w.error = Some(msg);
            w.error_step = step;
            match step {
                Some(s) => w.go(s),
                None => w.go(Step::Summary),
            }
        }
    }
}

/// A deployment this session created: shown at once, selected, watched.
fn adopt(state: &mut AppState, mut d: Deployment) {
    if d.created_at.is_none() && d.started_at.is_none() {
        d.created_at = Some(state.now);
    }
    let id = d.id.clone();
    state.flows.watch.entry(id.clone()).or_default();
    match state.deployments.items.iter_mut().find(|x| x.id == id) {
        Some(x) => *x = d,
        None => state.deployments.items.insert(0, d),
    }
    state.pane = Pane::Deployments;
    state.deployments.selected_id = Some(id.clone());
    if let Some(pos) = state.visible_deployments().iter().position(|x| x.id == id) {
        state.deployments.cursor.selected = pos;
    }
}

/// Called after every deployments answer: settles an unclear deploy by what the list shows.
pub fn after_list(state: &mut AppState, list_ok: bool) -> Vec<Command> {
    let Some(check) = state.flows.deploy.check.clone() else {
        return Vec::new();
    };
    let found = state
        .deployments
        .items
        .iter()
        .find(|d| {
            d.offer_id.as_deref() == Some(check.request.offer_id.as_str())
                && !check.known_ids.contains(&d.id)
                && d.since()
                    .is_none_or(|t| t >= check.posted_at - chrono::Duration::minutes(5))
        })
        .cloned();
    if let Some(d) = found {
        state.flows.deploy.check = None;
        let name = d.name.clone();
        let status = d.status.as_str().to_string();
        take_wizard(state);
        adopt(state, d);
        super::watch::notice(
            state,
            format!(
                "The deploy answered with an error ({}), but {name} exists ({status}): NOT retrying; watching it.",
                check.error
            ),
            FlashKind::Warning,
        );
        return Vec::new();
    }
    if !list_ok {
        state.flows.deploy.check = None;
        let msg = format!(
            "The deploy failed ({}) and the deployments list could not be read: it is not known whether the deployment was created. r reads the list again; Esc closes.",
            check.error
        );
        set_phase(state, Phase::Unknown { error: msg }, None);
        // Keep what `r` needs: the request and what was known before the POST.
        state.flows.deploy.recheck = Some(check);
        return Vec::new();
    }
    if check.skip_answers > 0 {
        if let Some(c) = state.flows.deploy.check.as_mut() {
            c.skip_answers -= 1;
        }
        return refresh_deployments(state);
    }
    state.flows.deploy.check = None;
    let at = state.now.format("%H:%M:%S");
    let msg = format!(
        "The deploy failed ({}). The deployments list read at {at} UTC, after the failure, has no new deployment of this offer: it was not created. Retry sends a NEW deploy.",
        check.error
    );
    set_phase(state, Phase::NotCreated { error: msg }, None);
    Vec::new()
}

/// `r` in the "cannot tell" state: the check starts again with what it knew.
fn recheck(state: &mut AppState, w: &mut DeployWizard) -> Vec<Command> {
    let Some(mut check) = state.flows.deploy.recheck.take() else {
        return Vec::new();
    };
    check.skip_answers = u8::from(state.schedule.deployments_in_flight);
    state.flows.deploy.check = Some(check);
    w.phase = Phase::Checking;
    refresh_deployments(state)
}

/// "H100 80GB", or the GPU type when the group had no display name.
pub fn gpu_label(o: &Offer) -> &str {
    if o.gpu_display.is_empty() {
        &o.gpu_type
    } else {
        &o.gpu_display
    }
}

/// Seconds since `t`, for "sending for 3s".
pub fn age(now: DateTime<Utc>, t: Option<DateTime<Utc>>) -> i64 {
    t.map_or(0, |t| (now - t).num_seconds().max(0))
}
