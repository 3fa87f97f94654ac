//! Keys of the deploy wizard: each step's choice, back and next. The summary's action opens the
//! one confirm ([`Op::Deploy`]); [`confirmed`] (its action) and Retry are the only places a
//! `Command::Deploy` is made.

use crossterm::event::{KeyCode, KeyEvent};

use super::super::confirm::{Choice, Confirm, Op, Spend, choose};
use super::super::{Dialog, DialogKeys, Reply};
use super::{
    DeployWizard, Phase, SshSel, Step, chosen_key, k8s_versions, offer_gpu_name, ssh_options,
    summary, team_options, volume_options,
};
use crate::api::{DeployRequest, WriteFile};
use crate::app::action::Command;
use crate::app::state::{AppState, FlashKind};
use crate::app::text;
use crate::domain::cost;
use crate::domain::deploy::{self, offerable_volumes, volume_limit};

impl DialogKeys for DeployWizard {
    fn on_key(&mut self, state: &mut AppState, ev: KeyEvent) -> Reply {
        let w = self;
        match w.phase.clone() {
            // Nothing a key does can send (or resend) while the answer is awaited.
            Phase::Sending | Phase::Checking => Reply::stay(),
            Phase::NotCreated { .. } => on_retry_key(state, w, ev),
            Phase::Unknown { .. } => match ev.code {
                KeyCode::Char('r') => Reply::send(super::answer::recheck(state, w)),
                KeyCode::Char('n') | KeyCode::Char('q') => w.back(state),
                _ => Reply::stay(),
            },
            Phase::Editing => on_edit_key(state, w, ev),
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
        Step::Guard => crate::app::guard::wizard_rule(w, state, state.now)
            .err()
            .map(|e| format!("{e} — or leave it empty for no guard")),
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

fn on_edit_key(state: &mut AppState, w: &mut DeployWizard, ev: KeyEvent) -> Reply {
    let step = w.step();
    if step == Step::Summary {
        return on_summary_key(state, w, ev);
    }
    if ev.code == KeyCode::Enter && step != Step::CloudInit {
        next(state, w);
        return Reply::stay();
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
            recheck(state, w);
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
            recheck(state, w);
        }
        Step::Guard => {
            if text::edit(&mut w.guard, &ev) {
                w.error = None;
            }
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
    Reply::stay()
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

fn on_summary_key(state: &mut AppState, w: &mut DeployWizard, ev: KeyEvent) -> Reply {
    match choose(&ev, &mut w.on_action, true) {
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
    let c = Confirm::new(Op::Deploy(Box::new(request)), title, lines)
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

fn on_retry_key(state: &mut AppState, w: &mut DeployWizard, ev: KeyEvent) -> Reply {
    // Not `y`: a `y` held or pressed again after the first deploy never sends a second one;
    // the retry is Enter on the focused Retry button.
    if ev.code == KeyCode::Char('y') {
        return Reply::stay();
    }
    match choose(&ev, &mut w.on_action, true) {
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
