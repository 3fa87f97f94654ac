//! `a` on the Volumes pane: the create wizard. provider → region (`GET /api/volumes/regions`,
//! then `GET /api/volumes/pricing`) → name → size → optional attach → summary with $/h and
//! $/30 days → one `POST /api/volumes`.

use crossterm::event::KeyEvent;
use tui_input::Input;

use super::confirm::{Choice, Confirm, Op, button_commands, choose};
use super::{Dialog, DialogKeys, Loading, Reply, list_commands, list_step};
use crate::api::{Volume, VolumePricing, VolumeRegion};
use crate::app::action::{ApiResult, Command};
use crate::app::keys::KeyCmd;
use crate::app::state::{AppState, FlashKind, LogKind};
use crate::app::volume_access::{self, Candidate, create_targets};
use crate::app::{lists, text};
use crate::domain::cost;
use crate::domain::volume_rules::{
    RULES, check_name, check_placement, check_size, listed_name, rules_for, same_provider,
};

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
pub struct CreateVolume {
    pub step: CreateStep,
    /// Each provider of [`RULES`] by the name the platform's providers list gives it: what
    /// the dialog shows and sends.
    pub providers: Vec<String>,
    pub provider_idx: usize,
    pub regions: Loading<Vec<VolumeRegion>>,
    pub region_idx: usize,
    pub name: Input,
    pub size: Input,
    /// Row 0 is "do not attach"; then the deployments with their verdicts.
    pub targets: Vec<Candidate>,
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

/// Hours in the 30-day estimate.
pub const HOURS_30_DAYS: f64 = 720.0;

pub fn open(state: &mut AppState) -> Vec<Command> {
    let team_id = state.current_team_id().map(str::to_owned);
    let team_label = match team_id.as_deref() {
        Some(id) => match state.team_name(id) {
            Some(name) => format!("{name} ({id})"),
            None => id.to_string(),
        },
        None => "the account's current team".into(),
    };
    super::open(
        state,
        Dialog::CreateVolume(Box::new(CreateVolume {
            step: CreateStep::Provider,
            providers: RULES
                .iter()
                .map(|r| listed_name(r.provider, state.providers.as_deref()).to_string())
                .collect(),
            provider_idx: 0,
            regions: Loading::Loading,
            region_idx: 0,
            name: Input::default(),
            size: Input::default(),
            targets: Vec::new(),
            target_idx: 0,
            team_id,
            team_label,
            pricing: None,
            on_action: false,
            error: None,
            busy: false,
        })),
    );
    Vec::new()
}

impl CreateVolume {
    /// The chosen provider, by its listed name.
    pub fn provider(&self) -> &str {
        let i = self
            .provider_idx
            .min(self.providers.len().saturating_sub(1));
        self.providers.get(i).map_or("", String::as_str)
    }

    pub fn region(&self) -> Option<&VolumeRegion> {
        match &self.regions {
            Loading::Loaded(r) => r.get(self.region_idx),
            _ => None,
        }
    }

    pub fn size_gb(&self) -> Option<u64> {
        self.size.value().trim().parse().ok()
    }

    /// The chosen deployment (row 0 is "do not attach").
    pub fn target(&self) -> Option<&Candidate> {
        self.target_idx
            .checked_sub(1)
            .and_then(|i| self.targets.get(i))
    }

    /// $/GB·h: from `GET /api/volumes/pricing` when it answered, else the region's.
    pub fn rate_per_gb(&self) -> Option<f64> {
        let priced = match &self.pricing {
            Some(Loading::Loaded(p)) => p.hourly_rate_per_gb,
            _ => None,
        };
        priced.or(self.region()?.hourly_rate_per_gb)
    }

    /// $/h and $/30 days of the summary, when the rate is known.
    pub fn cost(&self) -> Option<(f64, f64)> {
        let rate = self.rate_per_gb()?;
        let h = self.size_gb()? as f64 * rate;
        Some((h, h * HOURS_30_DAYS))
    }
}

pub fn pricing_loaded(
    state: &mut AppState,
    provider: &str,
    region: &str,
    r: ApiResult<VolumePricing>,
) {
    if let Some(Dialog::CreateVolume(c)) = state.dialog.as_mut()
        && c.provider() == provider
        && c.region().is_some_and(|x| x.id == region)
    {
        c.pricing = Some(match r {
            Ok(p) => Loading::Loaded(p),
            Err(e) => Loading::Failed(e.to_string()),
        });
    }
}

pub fn regions_loaded(state: &mut AppState, provider: &str, r: ApiResult<Vec<VolumeRegion>>) {
    if let Some(Dialog::CreateVolume(c)) = state.dialog.as_mut()
        && c.provider() == provider
        && matches!(c.regions, Loading::Loading)
    {
        c.regions = match r {
            Ok(list) => Loading::Loaded(
                list.into_iter()
                    .filter(|x| x.provider.is_empty() || same_provider(&x.provider, provider))
                    .collect(),
            ),
            Err(e) => Loading::Failed(e.to_string()),
        };
        c.region_idx = 0;
    }
}

impl CreateVolume {
    /// The step before this one (the summary goes back to the attach step only where the
    /// provider attaches at create).
    fn previous_step(&self) -> CreateStep {
        match self.step {
            CreateStep::Provider | CreateStep::Region => CreateStep::Provider,
            CreateStep::Name => CreateStep::Region,
            CreateStep::Size => CreateStep::Name,
            CreateStep::Attach => CreateStep::Size,
            CreateStep::Summary
                if rules_for(self.provider()).is_some_and(|r| r.attach_at_create) =>
            {
                CreateStep::Attach
            }
            CreateStep::Summary => CreateStep::Size,
        }
    }

    fn step_back(&mut self) -> Reply {
        if self.step == CreateStep::Provider {
            return Reply::close();
        }
        self.error = None;
        self.step = self.previous_step();
        Reply::stay()
    }
}

impl DialogKeys for CreateVolume {
    fn commands(&self, _state: &AppState) -> Vec<KeyCmd> {
        let c = self;
        let mut out = match (c.step, &c.regions) {
            (CreateStep::Provider, _) => list_commands(c.provider_idx, c.providers.len()),
            (CreateStep::Region, Loading::Loaded(list)) => list_commands(c.region_idx, list.len()),
            (CreateStep::Region, Loading::Loading) => return Vec::new(),
            (CreateStep::Attach, _) => list_commands(c.target_idx, c.targets.len() + 1),
            (CreateStep::Summary, _) => return button_commands(!c.busy),
            _ => Vec::new(),
        };
        out.push(KeyCmd::Submit);
        out
    }

    fn on_command(&mut self, state: &mut AppState, cmd: KeyCmd) -> Reply {
        let c = self;
        let mut cmds = Vec::new();
        if cmd != KeyCmd::Submit && c.step != CreateStep::Summary {
            let (cursor, n) = match c.step {
                CreateStep::Provider => (&mut c.provider_idx, c.providers.len()),
                CreateStep::Region => {
                    let n = match &c.regions {
                        Loading::Loaded(list) => list.len(),
                        _ => 0,
                    };
                    (&mut c.region_idx, n)
                }
                _ => (&mut c.target_idx, c.targets.len() + 1),
            };
            list_step(cmd, cursor, n);
            return Reply::stay();
        }
        match c.step {
            CreateStep::Provider => {
                c.step = CreateStep::Region;
                c.regions = Loading::Loading;
                c.region_idx = 0;
                c.error = None;
                cmds.push(Command::FetchVolumeRegions {
                    provider: c.provider().to_string(),
                });
            }
            CreateStep::Region => match &c.regions {
                Loading::Failed(_) | Loading::Loading => {
                    c.regions = Loading::Loading;
                    cmds.push(Command::FetchVolumeRegions {
                        provider: c.provider().to_string(),
                    });
                }
                Loading::Loaded(list) => match list.get(c.region_idx) {
                    None => c.error = Some(format!("{} has no volume regions", c.provider())),
                    Some(r) => {
                        let placed = check_placement(
                            c.provider(),
                            Some(&r.id),
                            r.cloud_id.as_deref(),
                            r.cloud_name.as_deref(),
                        );
                        match placed {
                            Ok(_) => {
                                let region = r.id.clone();
                                c.error = None;
                                c.step = CreateStep::Name;
                                c.pricing = Some(Loading::Loading);
                                cmds.push(Command::FetchVolumePricing {
                                    provider: c.provider().to_string(),
                                    region,
                                });
                            }
                            Err(e) => c.error = Some(e),
                        }
                    }
                },
            },
            CreateStep::Name => match check_name({
                text::trim(&mut c.name);
                c.name.value()
            }) {
                Ok(()) => {
                    c.error = None;
                    c.step = CreateStep::Size;
                }
                Err(e) => c.error = Some(e),
            },
            CreateStep::Size => {
                text::trim(&mut c.size);
                size_entered(state, c)
            }
            CreateStep::Attach => match c.target().map(|t| t.verdict.clone()) {
                Some(Err(why)) => c.error = Some(format!("cannot attach there: {why}")),
                _ => {
                    c.error = None;
                    c.on_action = false;
                    c.step = CreateStep::Summary;
                }
            },
            CreateStep::Summary => match choose(cmd, &mut c.on_action) {
                Choice::Cancel => return c.step_back(),
                Choice::Confirm => return c.submit(state),
                Choice::Moved | Choice::Other => {}
            },
        }
        Reply::send(cmds)
    }

    fn text_focus(&self) -> bool {
        matches!(self.step, CreateStep::Name | CreateStep::Size) && !self.busy
    }

    fn on_text(&mut self, _state: &mut AppState, ev: &KeyEvent) -> Reply {
        let input = match self.step {
            CreateStep::Name => &mut self.name,
            CreateStep::Size => &mut self.size,
            _ => return Reply::stay(),
        };
        if text::edit(input, ev) {
            self.error = None;
        }
        Reply::stay()
    }

    /// `Esc`: the previous step; the first step closes.
    fn back(&mut self, _state: &mut AppState) -> Reply {
        self.step_back()
    }

    /// Enter on the summary presses the focused button; Esc closes on the first step, and
    /// goes back on the others.
    fn relabel(&self, cmd: KeyCmd) -> Option<&'static str> {
        super::esc_in_wizard(self.step == CreateStep::Provider, cmd)
            .or_else(|| super::on_summary(self.step == CreateStep::Summary, cmd))
    }

    fn refused(&mut self, why: &str) {
        self.busy = false;
        self.error = Some(why.to_string());
    }

    fn paste_target(&mut self) -> Option<(&mut Input, &mut Option<String>)> {
        match self.step {
            _ if self.busy => None,
            CreateStep::Name => Some((&mut self.name, &mut self.error)),
            CreateStep::Size => Some((&mut self.size, &mut self.error)),
            _ => None,
        }
    }

    fn private_key_pasted(&mut self, why: &str) -> bool {
        self.error = Some(why.to_string());
        true
    }
}

fn size_entered(state: &AppState, c: &mut CreateVolume) {
    let Some(rules) = rules_for(c.provider()) else {
        return;
    };
    let Some(size) = c.size_gb() else {
        c.error = Some("the size is a whole number of GB".into());
        return;
    };
    let (min, max) = c
        .region()
        .map_or((None, None), |r| (r.min_size_gb, r.max_size_gb));
    if let Err(e) = check_size(rules, size, min, max) {
        c.error = Some(e);
        return;
    }
    c.error = None;
    if rules.attach_at_create {
        let region = c.region().map(|r| r.id.clone()).unwrap_or_default();
        c.targets = create_targets(state, c.provider(), &region);
        c.target_idx = 0;
        c.step = CreateStep::Attach;
    } else {
        c.on_action = false;
        c.step = CreateStep::Summary;
    }
}

impl CreateVolume {
    fn submit(&mut self, state: &AppState) -> Reply {
        let c = self;
        if c.busy {
            return Reply::stay();
        }
        let provider = c.provider();
        let (Some(region), Some(size)) = (c.region(), c.size_gb()) else {
            c.error = Some("choose a region and a size first".into());
            return Reply::stay();
        };
        // the same checks again on exactly what is sent
        let checks = check_name(c.name.value())
            .and_then(|()| match c.target() {
                Some(t) => t.verdict.clone(),
                None => Ok(()),
            })
            .and_then(|()| {
                match crate::domain::deploy::provider_unlisted(provider, state.providers.as_deref())
                {
                    Some(why) => Err(why),
                    None => Ok(()),
                }
            })
            .and_then(|()| {
                crate::app::volume_access::new_volume(
                    c.name.value(),
                    size,
                    provider,
                    region,
                    c.team_id.clone(),
                    c.target().map(|t| t.id.clone()),
                )
            });
        let new = match checks {
            Ok(new) => new,
            Err(e) => {
                c.error = Some(e);
                return Reply::stay();
            }
        };
        // creating starts a charge: the one confirm, with $/h now → after, sends it
        let per_hour = c.cost().map(|(h, _)| h);
        let mut lines = vec![
            format!(
                "Create {} ({} GB, {} {})?",
                new.name,
                new.size_in_gb,
                new.provider,
                new.region.as_deref().unwrap_or("–")
            ),
            format!(
                "It costs {} · {} per 30 days, billed until the volume is deleted.",
                cost::usd_h(per_hour),
                cost::usd_opt(c.cost().map(|(_, m)| m)),
            ),
        ];
        if let Some(t) = c.target() {
            lines.push(format!("Attached at once to {}.", t.label));
        }
        c.error = None;
        let confirm = Confirm::new(
            Op::CreateVolume(new),
            format!("Create volume {}", c.name.value()),
            lines,
            state.now,
        )
        .with_spend(volume_access::spend_created(state, per_hour))
        .back_to(Dialog::CreateVolume(Box::new(c.clone())));
        Reply::open(Dialog::Confirm(confirm))
    }
}

pub fn created(state: &mut AppState, r: ApiResult<Volume>) -> Vec<Command> {
    let confirming = matches!(
        &state.dialog,
        Some(Dialog::Confirm(c)) if matches!(c.op, Op::CreateVolume(_))
    );
    match r {
        Ok(v) => {
            if confirming || matches!(state.dialog, Some(Dialog::CreateVolume(_))) {
                state.dialog = None;
            }
            state.say(
                FlashKind::Success,
                format!("Volume {} created ({})", v.name, v.status),
            );
            lists::reload_volumes(state)
        }
        Err(e) => {
            state.log(LogKind::Error, format!("volume create: {e}"));
            if confirming {
                // back to the form with what was typed, and why it failed
                let Some(Dialog::Confirm(c)) = state.dialog.take() else {
                    unreachable!("checked above")
                };
                if let Some(back) = c.back_to {
                    state.dialog = Some(*back);
                }
            }
            if let Some(Dialog::CreateVolume(c)) = state.dialog.as_mut() {
                c.busy = false;
                c.error = Some(e.to_string());
            } else {
                state.say(FlashKind::Warning, format!("Volume not created: {e}"));
            }
            lists::reload_volumes(state)
        }
    }
}
