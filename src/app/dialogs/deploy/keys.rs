//! Keys of the deploy wizard: each step's choice, back and next. The summary's action opens the
//! one confirm ([`Op::Deploy`]); [`confirmed`] (its action) and Retry are the only places a
//! `Command::Deploy` is made.

use crossterm::event::KeyEvent;

use super::super::confirm::{Choice, Confirm, Op, Spend, button_commands, choose};
use super::super::{Dialog, DialogKeys, Reply};
use super::preset::{self, PresetMode};
use super::{
    DeployWizard, Phase, SshSel, Step, chosen_key, k8s_versions, offer_gpu_name, ssh_options,
    summary, team_options, volume_options,
};
use crate::api::{DeployRequest, WriteFile};
use crate::app::action::Command;
use crate::app::keys::KeyCmd;
use crate::app::state::{AppState, FlashKind};
use crate::app::text;
use crate::domain::cost;
use crate::domain::deploy::{self, offerable_volumes, volume_limit};

impl DialogKeys for DeployWizard {
    fn commands(&self, state: &AppState) -> Vec<KeyCmd> {
        let w = self;
        match &w.phase {
            // Nothing a key does can send (or resend) while the answer is awaited.
            Phase::Sending | Phase::Checking => Vec::new(),
            // a blocked retry has only Back; no `y` either way (Enter on Retry resends)
            Phase::NotCreated { .. } => button_commands(summary(state, w).blocked.is_none())
                .into_iter()
                .filter(|c| *c != KeyCmd::Confirm)
                .collect(),
            Phase::Unknown { .. } => vec![KeyCmd::Retry, KeyCmd::Cancel],
            Phase::Editing => match &w.preset {
                Some(PresetMode::Pick(i)) => {
                    let mut out: Vec<KeyCmd> =
                        super::super::list_commands(*i, state.presets.saved.len())
                            .into_iter()
                            .filter(|c| matches!(c, KeyCmd::Up | KeyCmd::Down))
                            .collect();
                    out.push(KeyCmd::Submit);
                    out
                }
                Some(PresetMode::Save(_)) => vec![KeyCmd::Submit],
                None => edit_commands(state, w),
            },
        }
    }

    fn on_command(&mut self, state: &mut AppState, cmd: KeyCmd) -> Reply {
        let w = self;
        match w.phase.clone() {
            Phase::Sending | Phase::Checking => Reply::stay(),
            Phase::NotCreated { .. } => on_retry(state, w, cmd),
            Phase::Unknown { .. } if cmd == KeyCmd::Retry => {
                Reply::send(crate::app::deploys::recheck(state, w))
            }
            Phase::Unknown { .. } => w.back(state),
            Phase::Editing if w.preset.is_some() => on_preset(state, w, cmd),
            Phase::Editing => on_edit(state, w, cmd),
        }
    }

    fn text_focus(&self) -> bool {
        self.phase == Phase::Editing
            && match &self.preset {
                Some(PresetMode::Save(_)) => true,
                Some(PresetMode::Pick(_)) => false,
                None => self.step().has_text(),
            }
    }

    /// Typing: on the SSH step it starts (or goes on with) a pasted key; the other text steps
    /// edit their field.
    fn on_text(&mut self, state: &mut AppState, ev: &KeyEvent) -> Reply {
        let w = self;
        if !w.text_focus() {
            return Reply::stay();
        }
        if let Some(PresetMode::Save(name)) = &mut w.preset {
            if text::edit(name, ev) {
                w.error = None;
            }
            return Reply::stay();
        }
        match w.step() {
            Step::Ssh => {
                // typing over a chosen key starts a pasted one
                let mut typed = w.paste.clone();
                if text::edit(&mut typed, ev) || w.ssh == Some(SshSel::Paste) {
                    w.ssh = Some(SshSel::Paste);
                    w.paste = typed;
                    recheck(state, w);
                }
            }
            Step::Name => {
                text::edit(&mut w.name, ev);
                recheck(state, w);
            }
            Step::Guard => {
                if text::edit(&mut w.guard, ev) {
                    w.error = None;
                }
            }
            _ => on_cloud_init_text(w, ev),
        }
        Reply::stay()
    }

    fn can_go_back(&self) -> bool {
        !matches!(self.phase, Phase::Sending | Phase::Checking)
    }

    /// Enter on the summary presses the focused button; on cloud-init the field keys move
    /// between its three fields; Esc says whether it closes or goes back.
    fn relabel(&self, cmd: KeyCmd) -> Option<&'static str> {
        let closes = match self.phase {
            Phase::Unknown { .. } => true,
            Phase::Editing => self.preset.is_none() && self.at == 0,
            _ => false,
        };
        if let Some(esc) = super::super::esc_in_wizard(closes, cmd) {
            return Some(esc);
        }
        match (&self.preset, cmd) {
            (Some(PresetMode::Pick(_)), KeyCmd::Submit) => return Some("start from it"),
            (Some(PresetMode::Save(_)), KeyCmd::Submit) => return Some("save"),
            _ => {}
        }
        match (self.step(), cmd) {
            (
                Step::CloudInit,
                KeyCmd::Up | KeyCmd::Down | KeyCmd::FocusNext | KeyCmd::FocusPrev,
            ) => Some("next field"),
            (Step::CloudInit, KeyCmd::Submit) => Some("add / next"),
            (step, cmd) => {
                let on_buttons = step == Step::Summary || self.phase != Phase::Editing;
                super::super::on_summary(on_buttons, cmd)
            }
        }
    }

    /// `Esc`: the previous step (the first step closes); off the retry question back to the
    /// summary; out of the "cannot tell" state with a warning to look first.
    fn back(&mut self, state: &mut AppState) -> Reply {
        let w = self;
        match w.phase {
            Phase::Sending | Phase::Checking => Reply::stay(),
            Phase::NotCreated { .. } => {
                w.phase = Phase::Editing;
                w.on_action = false;
                Reply::stay()
            }
            Phase::Unknown { .. } => {
                state.deploy.recheck = None;
                state.say(
                    FlashKind::Warning,
                    "Look at the Deployments pane before deploying again: the last deploy may have been created.",
                );
                Reply::close()
            }
            Phase::Editing if w.preset.is_some() => {
                w.preset = None;
                w.error = None;
                Reply::stay()
            }
            Phase::Editing => step_back(w),
        }
    }

    fn refused(&mut self, why: &str) {
        self.phase = Phase::Editing;
        self.error = Some(why.to_string());
    }

    fn paste_target(&mut self) -> Option<(&mut tui_input::Input, &mut Option<String>)> {
        if self.phase != Phase::Editing {
            return None;
        }
        match self.preset {
            Some(PresetMode::Save(ref mut name)) => return Some((name, &mut self.error)),
            Some(PresetMode::Pick(_)) => return None,
            None => {}
        }
        match self.step() {
            Step::Ssh => {
                self.ssh = Some(SshSel::Paste);
                Some((&mut self.paste, &mut self.error))
            }
            Step::Name => Some((&mut self.name, &mut self.error)),
            Step::Guard => Some((&mut self.guard, &mut self.error)),
            Step::CloudInit => Some((&mut self.ci_input[self.ci_field], &mut self.error)),
            _ => None,
        }
    }

    fn private_key_pasted(&mut self, why: &str) -> bool {
        self.error = Some(why.to_string());
        true
    }
}

fn step_back(w: &mut DeployWizard) -> Reply {
    if w.at == 0 {
        return Reply::close();
    }
    w.at -= 1;
    w.on_action = false;
    Reply::stay()
}

/// What is wrong with the current step's input, if anything.
fn step_problem(state: &AppState, w: &DeployWizard) -> Option<String> {
    match w.step() {
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
        // The step's help line says that empty means no guard: the error does not repeat it.
        Step::Guard => crate::app::guard::wizard_rule(w, state, state.now).err(),
        _ => None,
    }
}

/// After an edit: a mistake this step's check reported goes away once the input is right.
fn recheck(state: &AppState, w: &mut DeployWizard) {
    if w.error.is_some() && w.error_step.is_none() && step_problem(state, w).is_none() {
        w.error = None;
    }
}

fn next(state: &mut AppState, w: &mut DeployWizard) {
    // Leaving a step checks it, so a mistake is shown where it was made.
    match w.step() {
        Step::Ssh => text::trim(&mut w.paste),
        Step::Name => text::trim(&mut w.name),
        _ => {}
    }
    if let Some(p) = step_problem(state, w) {
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
        w.on_action = false;
    }
    // Arriving on a choice with nothing chosen yet: start on the first option.
    match w.step() {
        Step::Ssh if w.ssh.is_none() => w.ssh = ssh_options(state).first().map(|o| o.sel.clone()),
        Step::Team if w.team.is_none() => w.team = state.current_team_id().map(str::to_owned),
        _ => {}
    }
}

/// What a key does on each step while editing: move in a list, next, select a volume; on the
/// summary, the buttons (no `y` while a guard blocks the deploy: the summary says why).
fn edit_commands(state: &AppState, w: &DeployWizard) -> Vec<KeyCmd> {
    let mut out = Vec::new();
    let up_down = |out: &mut Vec<KeyCmd>, i: usize, len: usize| {
        out.extend(
            super::super::list_commands(i, len)
                .into_iter()
                .filter(|c| matches!(c, KeyCmd::Up | KeyCmd::Down)),
        );
    };
    match w.step() {
        Step::Region => up_down(&mut out, w.region, w.offer.regions().len()),
        Step::Os => up_down(&mut out, w.os, w.offer.os_options.len()),
        Step::Ssh => {
            let opts = ssh_options(state);
            match w
                .ssh
                .as_ref()
                .and_then(|s| opts.iter().position(|o| &o.sel == s))
            {
                Some(i) => up_down(&mut out, i, opts.len()),
                None if !opts.is_empty() => out.extend([KeyCmd::Up, KeyCmd::Down]),
                None => {}
            }
        }
        Step::Team => {
            let teams = team_options(state);
            let i = teams
                .iter()
                .position(|t| Some(&t.0) == w.team.as_ref())
                .unwrap_or(0);
            up_down(&mut out, i, teams.len());
        }
        Step::Kubernetes => up_down(&mut out, w.k8s, k8s_versions(state).len() + 1),
        Step::Volumes => {
            let n = volume_options(state, w).len();
            up_down(&mut out, w.vol_cursor, n);
            if w.vol_cursor < n {
                out.push(KeyCmd::Select);
            }
        }
        Step::CloudInit => out.extend([
            KeyCmd::Up,
            KeyCmd::Down,
            KeyCmd::FocusNext,
            KeyCmd::FocusPrev,
        ]),
        Step::Name | Step::Guard => {}
        // A summary whose deploy is blocked says why and has only Back.
        Step::Summary => {
            let mut out = button_commands(summary(state, w).blocked.is_none());
            out.extend(preset_commands(state, w));
            return out;
        }
    }
    out.push(KeyCmd::Submit);
    out.extend(preset_commands(state, w));
    out
}

/// Start from a preset (when there is one) on a step without a text field; save the choices
/// as one on the summary (when `config.toml`'s place is known).
fn preset_commands(state: &AppState, w: &DeployWizard) -> Vec<KeyCmd> {
    let mut out = Vec::new();
    if !w.step().has_text() && !state.presets.saved.is_empty() {
        out.push(KeyCmd::Presets);
    }
    if w.step() == Step::Summary && state.presets.file.is_some() {
        out.push(KeyCmd::SavePreset);
    }
    out
}

/// The keys of the preset question: choose one and start from it, or type a name and save.
fn on_preset(state: &mut AppState, w: &mut DeployWizard, cmd: KeyCmd) -> Reply {
    match w.preset.clone() {
        Some(PresetMode::Pick(mut i)) => {
            let names: Vec<String> = state.presets.saved.keys().cloned().collect();
            if cmd == KeyCmd::Submit {
                if let Some(name) = names.get(i)
                    && let Err(e) = preset::start(state, w, name)
                {
                    w.error = Some(e);
                }
            } else {
                move_in(&mut i, names.len(), cmd == KeyCmd::Up, cmd == KeyCmd::Down);
                w.preset = Some(PresetMode::Pick(i));
            }
            Reply::stay()
        }
        Some(PresetMode::Save(name)) if cmd == KeyCmd::Submit => {
            match preset::save_command(state, w, name.value().trim()) {
                Ok((save, note)) => {
                    w.preset = None;
                    w.error = note;
                    Reply::send(vec![save])
                }
                Err(e) => {
                    w.error = Some(e);
                    Reply::stay()
                }
            }
        }
        _ => Reply::stay(),
    }
}

fn on_edit(state: &mut AppState, w: &mut DeployWizard, cmd: KeyCmd) -> Reply {
    let step = w.step();
    if preset_commands(state, w).contains(&cmd) {
        w.error = None;
        w.preset = Some(match cmd {
            KeyCmd::Presets => PresetMode::Pick(0),
            _ => PresetMode::Save(tui_input::Input::default()),
        });
        return Reply::stay();
    }
    if step == Step::Summary {
        return on_summary(state, w, cmd);
    }
    if step == Step::CloudInit {
        on_cloud_init(state, w, cmd);
        return Reply::stay();
    }
    if cmd == KeyCmd::Submit {
        next(state, w);
        return Reply::stay();
    }
    let (up, down) = (cmd == KeyCmd::Up, cmd == KeyCmd::Down);
    match step {
        Step::Region => move_in(&mut w.region, w.offer.regions().len(), up, down),
        Step::Os => move_in(&mut w.os, w.offer.os_options.len(), up, down),
        Step::Ssh => {
            let opts = ssh_options(state);
            let pos = w
                .ssh
                .as_ref()
                .and_then(|s| opts.iter().position(|o| &o.sel == s));
            let mut i = pos.unwrap_or(0);
            if pos.is_some() {
                move_in(&mut i, opts.len(), up, down);
            }
            w.ssh = opts.get(i).map(|o| o.sel.clone());
            recheck(state, w);
        }
        Step::Team => {
            let teams = team_options(state);
            let mut i = teams
                .iter()
                .position(|t| Some(&t.0) == w.team.as_ref())
                .unwrap_or(0);
            move_in(&mut i, teams.len(), up, down);
            if let Some(t) = teams.get(i) {
                w.team = Some(t.0.clone());
            }
        }
        Step::Volumes => {
            let opts = volume_options(state, w);
            move_in(&mut w.vol_cursor, opts.len(), up, down);
            if cmd == KeyCmd::Select
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
            move_in(&mut w.k8s, n, up, down);
        }
        Step::Name | Step::Guard | Step::CloudInit | Step::Summary => {}
    }
    Reply::stay()
}

fn move_in(i: &mut usize, len: usize, up: bool, down: bool) {
    if up {
        *i = i.saturating_sub(1);
    } else if down {
        *i = (*i + 1).min(len.saturating_sub(1));
    }
}

/// Cloud-init's three fields (packages, commands, files): the field keys move between them,
/// Enter adds what is typed (or, with nothing typed, goes to the next step).
fn on_cloud_init(state: &mut AppState, w: &mut DeployWizard, cmd: KeyCmd) {
    match cmd {
        KeyCmd::FocusNext | KeyCmd::Down => w.ci_field = (w.ci_field + 1) % 3,
        KeyCmd::FocusPrev | KeyCmd::Up => w.ci_field = (w.ci_field + 2) % 3,
        _ => {
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
    }
}

/// Typing in a cloud-init field; a delete in an empty field takes back the last item added.
fn on_cloud_init_text(w: &mut DeployWizard, ev: &KeyEvent) {
    let field = &mut w.ci_input[w.ci_field];
    if field.value().is_empty() && text::clears(ev) {
        match w.ci_field {
            0 => w.packages.pop().map(drop),
            1 => w.runcmd.pop().map(drop),
            _ => w.write_files.pop().map(drop),
        };
        return;
    }
    text::edit(field, ev);
}

fn on_summary(state: &mut AppState, w: &mut DeployWizard, cmd: KeyCmd) -> Reply {
    match choose(cmd, &mut w.on_action) {
        Choice::Cancel => step_back(w),
        Choice::Confirm => ask(state, w),
        Choice::Moved | Choice::Other => Reply::stay(),
    }
}

/// The summary's action: the one confirm, carrying the resolved request and the account's
/// spend now → after, with the wizard (everything typed) to return to. Nothing opens while a
/// guard blocks the deploy: the summary says why.
fn ask(state: &mut AppState, w: &mut DeployWizard) -> Reply {
    let s = summary(state, w);
    if let Some(why) = s.blocked {
        refuse(state, w, why);
        return Reply::stay();
    }
    let Ok(request) = s.request else {
        return Reply::stay();
    };
    let o = &w.offer;
    let title = format!(
        "Deploy {}×{} on {}?",
        offer_gpu_name(o),
        o.gpu_count,
        o.provider
    );
    let mut lines = vec![
        format!(
            "{} in {}, {}",
            request.name.as_deref().unwrap_or(""),
            request.region,
            request.operating_system
        ),
        format!("team: {}", s.team_name.as_deref().unwrap_or("?")),
        format!("SSH key: {}", chosen_key(state, w)),
        format!("this deployment: {}", cost::usd_h(s.estimate.per_hour())),
    ];
    if let Some(min) = s.estimate.minimum_charge() {
        lines.push(format!(
            "at least {}, even if terminated at once",
            cost::usd(min)
        ));
    }
    w.on_action = false;
    let c = Confirm::new(Op::Deploy(Box::new(request)), title, lines, state.now)
        .with_spend(Spend {
            now: s.spend_now,
            after: s.spend_after,
        })
        .back_to(Dialog::Deploy(Box::new(w.clone())));
    Reply::open(Dialog::Confirm(c))
}

/// The confirm's action on [`Op::Deploy`]: the wizard it holds sends the request and awaits
/// the answer. Every guard is checked again; the request sent is the one the confirm showed.
pub(in crate::app::dialogs) fn confirmed(state: &mut AppState, c: &mut Confirm) -> Reply {
    let Op::Deploy(shown) = &c.op else {
        return Reply::stay();
    };
    let shown = shown.clone();
    let Some(back) = c.back_to.take() else {
        return Reply::close();
    };
    let Dialog::Deploy(mut w) = *back else {
        return Reply::open(*back);
    };
    let cmds = confirm(state, &mut w, Some(&shown));
    Reply::open(Dialog::Deploy(w)).with(cmds)
}

fn refuse(state: &mut AppState, w: &mut DeployWizard, why: String) {
    w.error = Some(why.clone());
    w.on_action = false;
    state.say(FlashKind::Warning, why);
}

/// The retry question. Not `y` (it is not among its commands): a `y` held or pressed again
/// after the first deploy never sends a second one; the retry is Enter on the focused Retry
/// button.
fn on_retry(state: &mut AppState, w: &mut DeployWizard, cmd: KeyCmd) -> Reply {
    match choose(cmd, &mut w.on_action) {
        Choice::Cancel => {
            w.phase = Phase::Editing;
            w.on_action = false;
        }
        Choice::Confirm => return Reply::send(confirm(state, w, None)),
        Choice::Moved | Choice::Other => {}
    }
    Reply::stay()
}

/// The one place a `Command::Deploy` is made: an explicit confirm, with every guard passed.
/// `shown`: the request the confirm showed; if the choices resolve differently now (a list
/// refresh meanwhile), nothing is sent and the summary asks for a new confirm.
fn confirm(
    state: &mut AppState,
    w: &mut DeployWizard,
    shown: Option<&DeployRequest>,
) -> Vec<Command> {
    let s = summary(state, w);
    if let Some(why) = s.blocked {
        refuse(state, w, why);
        return Vec::new();
    }
    let Ok(request) = s.request else {
        return Vec::new();
    };
    if shown.is_some_and(|r| *r != request) {
        let why = "The summary changed while the confirm was open: check it and confirm again."
            .to_string();
        refuse(state, w, why);
        return Vec::new();
    }
    state.deploy.in_flight = true;
    state.deploy.posted_at = Some(state.now);
    state.deploy.last_request = Some(request.clone());
    state.deploy.known_at_post = state
        .deployments
        .items
        .iter()
        .map(|d| d.id.clone())
        .collect();
    w.phase = Phase::Sending;
    w.error = None;
    w.error_step = None;
    w.on_action = false;
    vec![Command::Deploy {
        request: Box::new(request),
    }]
}
