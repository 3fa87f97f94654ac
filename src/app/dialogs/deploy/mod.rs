//! The deploy wizard (`d` on an offer): its state, what it offers (only what is valid for THAT
//! offer), and the summary of the spend, whose action opens the one confirm. Keys are in
//! `keys`; the answer to the POST is followed in `app::deploys`.

pub mod keys;
pub mod preset;

use chrono::{DateTime, Utc};
use tui_input::Input;

use super::{Dialog, key_prompt};
use crate::api::{CloudInit, DeployRequest, Offer, Volume, WriteFile};
use crate::app::action::Command;
use crate::app::lists;
use crate::app::state::{AppState, FlashKind};
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
    /// The spend guard of the new deployment (default none).
    Guard,
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
            Step::Guard => "Spend guard",
            Step::Summary => "Summary",
        }
    }

    /// For the step bar.
    pub fn short(self) -> &'static str {
        match self {
            Step::Os => "OS",
            Step::Ssh => "SSH",
            Step::Kubernetes => "Kubernetes",
            Step::Guard => "Guard",
            other => other.title(),
        }
    }

    /// Whether the step's input is a text field (it takes the typing keys).
    pub fn has_text(self) -> bool {
        matches!(self, Step::Ssh | Step::Name | Step::Guard | Step::CloudInit)
    }

    pub(crate) fn of_field(field: &str) -> Option<Step> {
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
    /// The spend guard as typed (`8h`, `18:00`, `$50`); empty: none.
    pub guard: Input,
    /// On the summary / retry: focus on the action button (starts on Cancel).
    pub on_action: bool,
    pub phase: Phase,
    /// Shown at the top of every step: the API's 400 message, a local refusal.
    pub error: Option<String>,
    /// The step the API's 400 named, marked in the step bar.
    pub error_step: Option<Step>,
    /// Choosing a preset to start from, or naming one to save, over the current step.
    pub preset: Option<preset::PresetMode>,
    /// The preset the choices started from.
    pub from_preset: Option<String>,
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
        steps.push(Step::Guard);
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
            guard: Input::default(),
            on_action: false,
            phase: Phase::Editing,
            error: None,
            error_step: None,
            preset: None,
            from_preset: None,
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

    pub(crate) fn go(&mut self, step: Step) {
        if let Some(i) = self.steps.iter().position(|s| *s == step) {
            self.at = i;
            self.on_action = false;
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
    for k in state.cache.local_pub_keys.iter().flatten() {
        if deploy::is_public_key(&k.text) {
            let comment = k.text.split_whitespace().nth(2).unwrap_or("");
            out.push(SshOption {
                sel: SshSel::Local(k.path.clone()),
                label: format!("inline key from {}", k.path),
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

/// The key the deploy will use, as the summary names it: a saved key by its name (and
/// fingerprint), a file or pasted key by its comment or file and its fingerprint.
pub fn chosen_key(state: &AppState, w: &DeployWizard) -> String {
    let described = |origin: String, text: &str| {
        let comment = text.split_whitespace().nth(2);
        let who = comment.map_or(origin.clone(), |c| format!("{c} ({origin})"));
        match crate::domain::ssh_key::fingerprint(text) {
            Some(fp) => format!("{who} · {fp}"),
            None => who,
        }
    };
    match &w.ssh {
        None => "none chosen".into(),
        Some(SshSel::Saved(id)) => match state.keys.items.iter().find(|k| &k.id == id) {
            Some(k) => match &k.fingerprint {
                Some(fp) => format!("{} · {fp}", k.name),
                None => k.name.clone(),
            },
            None => "a saved key no longer listed".into(),
        },
        Some(SshSel::Local(path)) => {
            let text = state
                .cache
                .local_pub_keys
                .iter()
                .flatten()
                .find(|k| &k.path == path)
                .map(|k| k.text.clone())
                .unwrap_or_default();
            let file = std::path::Path::new(path)
                .file_name()
                .map_or(path.clone(), |f| f.to_string_lossy().into_owned());
            described(file, &text)
        }
        Some(SshSel::Paste) => described("pasted".into(), w.paste.value()),
    }
}

/// Teams to deploy under: `(teamId, label, balance)`.
pub fn team_options(state: &AppState) -> Vec<(String, String, Option<f64>)> {
    if let Some(b) = &state.account.balance
        && !b.teams.is_empty()
    {
        return b
            .teams
            .iter()
            .map(|t| (t.team_id.clone(), t.team_name.clone(), t.balance))
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
    match &state.cache.k8s_versions {
        Some(Ok(v)) => v
            .iter()
            .map(|k| k.version.clone())
            .filter(|v| !v.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

/// The choices as the domain checks them.
pub fn choices(state: &AppState, w: &DeployWizard) -> DeployChoices {
    let ssh = match &w.ssh {
        None => SshChoice::None,
        Some(SshSel::Saved(id)) => SshChoice::Saved { id: id.clone() },
        Some(SshSel::Local(path)) => state
            .cache
            .local_pub_keys
            .iter()
            .flatten()
            .find(|k| &k.path == path)
            .map_or(SshChoice::None, |k| SshChoice::Inline {
                public_key: k.text.clone(),
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
        name: Some(w.name.value().trim().to_string()),
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
    /// How long the balance lasts with everything running now plus this deploy.
    pub runway: crate::domain::spend::Runway,
    /// What all teams pay per hour now, and after this deploy (unknown parts say so).
    pub spend_now: crate::domain::spend::Tally,
    pub spend_after: crate::domain::spend::Tally,
    /// What the paying team alone pays per hour after this deploy: the runway's rate.
    pub team_after: crate::domain::spend::Tally,
    /// `(remaining, limit)` of the 10-per-15-minutes deploy budget, when the API said.
    pub deploys_left: Option<(u32, u32)>,
    /// Why there is no deploy button.
    pub blocked: Option<String>,
    /// The name is already used by an active deployment: allowed, but probably not meant.
    pub name_taken: Option<String>,
}

/// A warning when `name` is already the name of an active deployment (the platform allows
/// two; the user then cannot tell them apart by name).
pub fn name_in_use(state: &AppState, name: &str) -> Option<String> {
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let same = state
        .deployments
        .items
        .iter()
        .filter(|d| d.status.is_active() && d.name.eq_ignore_ascii_case(name))
        .count();
    (same > 0).then(|| {
        format!(
            "{} active deployment{} already called {name}: the platform allows it, but they will be hard to tell apart",
            same,
            if same == 1 { " is" } else { "s are" }
        )
    })
}

impl Summary {
    /// The money lines of this summary ([`crate::domain::deploy_summary`]): what the wizard
    /// draws and `deploy` prints.
    pub fn cost_text(&self, offer: &Offer) -> crate::domain::deploy_summary::CostText {
        crate::domain::deploy_summary::cost_text(&crate::domain::deploy_summary::SpendFacts {
            estimate: self.estimate,
            instance_type: offer.instance_type.clone(),
            list_price: offer.list_price_if_discounted(),
            discount_percentage: offer.discount_percentage,
            spend_now: self.spend_now,
            spend_after: self.spend_after,
            team_name: self.team_name.clone(),
            team_after: self.team_after,
            balance: self.balance,
            runway: self.runway,
        })
    }
}

pub fn summary(state: &AppState, w: &DeployWizard) -> Summary {
    let c = choices(state, w);
    let request = deploy::build_request(&w.offer, &c);
    // Unknown when one attached volume is unpriced: never counted as $0.
    let vol_rate: Option<f64> = c.volumes.iter().map(Volume::cost_per_hour).sum();
    let estimate = Estimate::for_offer(&w.offer, vol_rate, c.kubernetes_version.is_some());
    let team = team_options(state)
        .into_iter()
        .find(|(id, _, _)| Some(id) == w.team.as_ref());
    let balance = team.as_ref().and_then(|t| t.2);
    // Volumes already bill (they are in the burn rate): this deploy adds instance + add-on.
    let spend_now = crate::app::spend::account_burn(state);
    let spend_after = spend_now.with(estimate.added_per_hour());
    // The team pays from its own balance: its runway is over its own spend with this deploy.
    let team_now = w
        .team
        .as_deref()
        .map_or(spend_now, |t| crate::app::teams::team_burn(state, t));
    let team_after = team_now.with(estimate.added_per_hour());
    let runway = balance.map_or(crate::domain::spend::Runway::Unknown, |b| {
        crate::domain::spend::runway(b, &team_after)
    });
    let rate = &state.status.rate;
    let deploys_left = rate.deploy_remaining.zip(rate.deploy_limit);
    let cap = state.account.max_burn_usd_per_hour;
    let blocked = blocked_reason(state, w, &request, balance, &estimate)
        .or_else(|| crate::domain::spend::check_burn_cap(&spend_after, cap).err());
    let name_taken = c.name.as_deref().and_then(|n| name_in_use(state, n));
    Summary {
        request,
        estimate,
        team_name: team.map(|t| t.1),
        balance,
        runway,
        spend_now,
        spend_after,
        team_after,
        deploys_left,
        blocked,
        name_taken,
    }
}

fn blocked_reason(
    state: &AppState,
    w: &DeployWizard,
    request: &Result<DeployRequest, DeployError>,
    balance: Option<f64>,
    estimate: &Estimate,
) -> Option<String> {
    let f = &state.deploy;
    if state.session.read_only {
        return Some(super::read_only_refusal("the deploy"));
    }
    if !state.session.has_key() {
        return Some("No API key: deploying needs one.".into());
    }
    if let Some(why) = w.offer.unavailable_reason() {
        return Some(format!(
            "{why}, so it cannot be deployed now. Pick another offer."
        ));
    }
    if let Some(why) =
        crate::domain::deploy::provider_unlisted(&w.offer.provider, state.providers.as_deref())
    {
        return Some(format!("{why}. Pick another offer."));
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
        let reset = state
            .status
            .deploy_resets_in(state.now)
            .map_or(String::new(), |d| format!(" (resets in {}s)", d.as_secs()));
        return Some(format!(
            "Deploy limit reached: 0 of {} deploys left in this 15-minute window{reset}.",
            rate.deploy_limit.unwrap_or(10)
        ));
    }
    if w.team.is_none() {
        return Some(
            "No team known yet (balance and teams not loaded): a deploy must name the team that pays.".into(),
        );
    }
    match balance {
        None => return Some("The team's balance is not known yet: wait for it to load.".into()),
        Some(b) if b <= 0.0 => {
            return Some(format!(
                "The team's balance is {}: add credit {} before deploying.",
                cost::usd(b),
                cost::ADD_CREDIT_WHERE
            ));
        }
        _ => {}
    }
    if let Err(e) = request {
        return Some(format!("{e}."));
    }
    if estimate.addon.is_some() && estimate.addon_per_hour().is_none() {
        return Some(
            "The offer does not price the Kubernetes add-on, so the cost is unknown: deploy without it or pick another offer."
                .into(),
        );
    }
    if estimate.per_hour().is_none() {
        return Some("The cost is unknown, so nothing can be confirmed.".into());
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Opening

/// `d` on an offer.
pub fn open(state: &mut AppState) -> Vec<Command> {
    let Some(offer) = state.offers.selected().cloned() else {
        state.say(FlashKind::Warning, "no offer selected");
        return Vec::new();
    };
    if !state.session.has_key() {
        key_prompt::open(
            state,
            "Deploying needs your Spheron API key (app.spheron.ai → Settings → API):",
        );
        return Vec::new();
    }
    let team = state.current_team_id().map(str::to_owned);
    let w = DeployWizard::new(offer, team);
    let mut cmds = lists::load_keys_once(state);
    // Read again at every opening: a key made with ssh-keygen meanwhile is offered too.
    cmds.push(Command::ScanPubKeys);
    if addon_possible(&w.offer) {
        cmds.extend(lists::fetch_k8s_versions(state, false));
    }
    super::open(state, Dialog::Deploy(Box::new(w)));
    cmds
}

/// The offer's GPU model as every pane names it ("H100 SXM5").
pub fn offer_gpu_name(o: &Offer) -> String {
    crate::domain::names::gpu_name(&o.gpu_type)
}

/// Seconds since `t`, for "sending for 3s".
pub fn age(now: DateTime<Utc>, t: Option<DateTime<Utc>>) -> i64 {
    t.map_or(0, |t| (now - t).num_seconds().max(0))
}
