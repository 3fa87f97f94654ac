//! The reducer: `update(&mut AppState, Action) -> Vec<Command>`, the only place state changes.
//! No IO, no clock reads: time arrives in `Start`/`Tick`. This file routes: list answers to the
//! loaders (`lists`), the schedule (`polling`), the watch (`watch`); every other answer to the
//! dialog that asked (`answers`); keys through the global keys, then the open dialog
//! (`dialogs::on_key`), the offers filter line, then the pane — each through the key table
//! (`keys`).

use chrono::Duration as ChronoDuration;
use crossterm::event::{KeyEvent, KeyEventKind};

use super::Pane;
use super::action::{Action, Command, PagedList};
use super::dialogs::{self, Dialog, Help, Messages};
use super::keys::{self, Focus, KeyCmd};
use super::state::{AppState, FlashKind, LogKind};
use super::volume_access::PickKind;
use super::{answers, arrivals, connect, cursor, lists, offers, panes, polling, teams};
use crate::api::DeploymentFilter;

pub fn update(state: &mut AppState, action: Action) -> Vec<Command> {
    let mut cmds = Vec::new();
    match action {
        Action::Start(now) => {
            state.now = now;
            state.started = true;
            cmds.push(lists::fetch_offers(state, true));
            cmds.push(Command::Prices(super::prices::PriceCmd::LoadWatches));
            cmds.push(Command::Plan(super::planning::PlanCmd::Load));
            if state.providers.is_none() {
                cmds.push(Command::FetchProviders);
            }
            if state.session.has_key() {
                cmds.extend(polling::account_loads(state));
            }
            cmds.extend(polling::polls_due(state));
        }
        Action::ConfigWarnings(warnings) => config_warnings(state, warnings),
        Action::Tick(now) => {
            state.now = now;
            if state.status.flash.as_ref().is_some_and(|f| f.until <= now) {
                state.status.flash = None;
            }
            dialogs::deployment_info::refresh(state);
            cmds.extend(polling::polls_due(state));
            cmds.extend(super::usage::on_tick(state));
            // While there are price watches, offers are loaded again now and then.
            let p = &state.prices;
            if !p.watches.is_empty()
                && !state.offers.loading
                && p.reload_due.is_some_and(|t| now >= t)
                && polling::blocked_until(state).is_none()
            {
                cmds.push(lists::fetch_offers(state, false));
            }
        }
        Action::Resize(w, h) => state.size = (w, h),
        Action::Now(now) => state.now = now,
        Action::Rate(r) => {
            state.status.blocked_until = r
                .blocked_for
                .and_then(|b| ChronoDuration::from_std(b).ok())
                .map(|b| state.now + b);
            state.status.set_rate(r, state.now);
        }
        Action::Key(ev) => {
            if ev.kind != KeyEventKind::Release {
                cmds.extend(on_key(state, ev));
            }
        }
        Action::Paste(p) => cmds.extend(super::paste::on_paste(state, p)),
        Action::Mouse(ev) => cmds.extend(cursor::on_mouse(state, ev)),
        Action::OffersLoaded { seq, page, result } => {
            if seq != state.offers.seq {
                return cmds; // an answer to a query the user has since changed
            }
            match result {
                Ok(mut answer) => {
                    let was = state.offers.error.take();
                    lists::clear_stale_error(state, "offers list", was);
                    if let Some(listed) = &state.providers {
                        for o in answer.groups.iter_mut().flat_map(|g| g.offers.iter_mut()) {
                            offers::rename_provider(&mut o.provider, listed);
                        }
                    }
                    state.offers.absorb(page, answer);
                    super::prices::refresh_rows(state);
                    if u64::from(page) < state.offers.total_pages {
                        cmds.push(Command::FetchOffers {
                            seq,
                            page: page + 1,
                            query: state.offers.query(page + 1),
                        });
                    } else {
                        state.offers.loading = false;
                        state.offers.loaded_at = Some(state.now);
                        cmds.extend(super::prices::on_load_complete(state));
                    }
                }
                Err(e) => {
                    state.offers.loading = false;
                    state.offers.error = Some(e.to_string());
                    lists::on_error(state, "offers list", &e);
                }
            }
        }
        Action::ProvidersLoaded(result) => match result {
            Ok(p) => {
                state.providers = Some(p);
                use lists::Named::*;
                lists::name_providers(state, &[Offers, Deployments, Volumes]);
            }
            Err(e) => lists::on_error(state, "providers list", &e),
        },
        Action::TeamListFailed { list, team, error } => {
            teams::team_failed(state, list, team, error);
        }
        Action::DeploymentsLoaded(mut result) => {
            state.schedule.deployments_in_flight = false;
            if let Ok(listing) = &result {
                state.schedule.deployments_full = state.schedule.deployments_requested_full;
                state.schedule.deployment_pages = listing.pages;
            }
            let before = arrivals::before_load(state);
            let mut failed = teams::take_failed(state, PagedList::Deployments);
            let c = result.as_mut().ok().map(|l| &mut l.completeness);
            teams::leave_out_former_teams(state, &mut failed, c);
            if let Ok(listing) = &mut result {
                let old = &state.deployments.items;
                teams::keep_failed(
                    state,
                    &mut listing.items,
                    old,
                    &failed,
                    |d| d.team_id.as_deref(),
                    |d| d.id.as_str(),
                );
            }
            let was = state.deployments.error.clone();
            let whole = result.is_err();
            let source = "deployments list";
            match lists::absorb_list(&mut state.deployments, result, state.now, |d| &d.id) {
                Some(e) => lists::on_error(state, source, &e),
                None => lists::clear_stale_error(state, source, was),
            }
            lists::name_providers(state, &[lists::Named::Deployments]);
            teams::settle(state, PagedList::Deployments, failed, whole);
            teams::unknown_teams(state, PagedList::Deployments);
            if whole {
                lists::reselect_deployment(state);
            } else {
                super::deployment_sort::on_load(state);
            }
            cmds.extend(arrivals::after_load(state, before));
            cmds.extend(super::workspace::sync_ssh_config(state));
            cmds.extend(super::tunnels::stop_ended(state));
            cmds.extend(teams::read_unseen_teams(state, PagedList::Deployments));
            cmds.extend(super::deployment_names::lookups(state));
        }
        Action::VolumesLoaded(mut result) => {
            state.schedule.volumes_in_flight = false;
            let mut failed = teams::take_failed(state, PagedList::Volumes);
            let c = result.as_mut().ok().map(|l| &mut l.completeness);
            teams::leave_out_former_teams(state, &mut failed, c);
            if let Ok(listing) = &mut result {
                state.schedule.volume_pages = listing.pages;
                let old = &state.volumes.items;
                teams::keep_failed(
                    state,
                    &mut listing.items,
                    old,
                    &failed,
                    |v| v.team_id.as_deref(),
                    |v| v.id.as_str(),
                );
            }
            let was = state.volumes.error.clone();
            let whole = result.is_err();
            let source = "volumes list";
            match lists::absorb_list(&mut state.volumes, result, state.now, |v| &v.id) {
                Some(e) => lists::on_error(state, source, &e),
                None => lists::clear_stale_error(state, source, was),
            }
            lists::name_providers(state, &[lists::Named::Volumes]);
            teams::settle(state, PagedList::Volumes, failed, whole);
            teams::unknown_teams(state, PagedList::Volumes);
            cmds.extend(teams::read_unseen_teams(state, PagedList::Volumes));
            cmds.extend(super::deployment_names::lookups(state));
        }
        Action::KeysLoaded(result) => {
            state.schedule.keys_in_flight = false;
            let was = state.keys.error.clone();
            let source = "SSH keys list";
            match lists::absorb_list(&mut state.keys, result, state.now, |k| &k.id) {
                Some(e) => lists::on_error(state, source, &e),
                None => lists::clear_stale_error(state, source, was),
            }
            cmds.extend(super::workspace::sync_ssh_config(state));
        }
        Action::BalanceLoaded(result) => {
            state.schedule.balance_in_flight = false;
            state.account.loading = false;
            match result {
                Ok(b) => {
                    state.account.balance = Some(b);
                    state.account.balance_at = Some(state.now);
                    let was = state.account.error.take();
                    lists::clear_stale_error(state, "balance", was);
                    cmds.extend(teams::cover_new_teams(state));
                }
                Err(e) => {
                    state.account.error = Some(e.to_string());
                    lists::on_error(state, "balance", &e);
                }
            }
        }
        Action::TeamsLoaded(result) => {
            state.schedule.teams_in_flight = false;
            match result {
                Ok(t) => {
                    state.account.teams = t.items;
                    state.account.teams_completeness = t.completeness;
                    cmds.extend(teams::cover_new_teams(state));
                }
                Err(e) => lists::on_error(state, "teams list", &e),
            }
        }
        Action::Guard(u) => cmds.extend(super::guard::on_update(state, u)),
        Action::Prices(ev) => cmds.extend(super::prices::on_event(state, ev)),
        Action::Plan(ev) => cmds.extend(super::planning::on_event(state, ev)),
        Action::StoreChanged(c) => cmds.extend(super::store_changes::on_changes(state, c)),
        Action::AccountChanged(c) => cmds.extend(super::account_changes::on_changes(state, c)),
        Action::KeySaved(result) => match result {
            Ok(path) => state.say(
                FlashKind::Success,
                format!("API key saved to {} (mode 0600)", path.display()),
            ),
            Err(e) => state.say(
                FlashKind::Warning,
                format!("key in use for this session but not saved: {e}"),
            ),
        },
        answer => cmds.extend(answers::route(state, answer)),
    }
    cmds
}

/// Each warning goes into the message log, and one notice lists them on the first frame (they
/// were printed before the dashboard took the screen, where nobody could read them).
fn config_warnings(state: &mut AppState, warnings: Vec<String>) {
    if warnings.is_empty() {
        return;
    }
    for w in &warnings {
        state.log(LogKind::Warning, format!("warning: {w}"));
    }
    let mut lines = warnings;
    lines.push(String::new());
    lines.push("They are kept in the message log.".into());
    dialogs::notice::show(state, "Warnings from the settings", lines);
}

// ---------------------------------------------------------------------------------------------
// Keys

/// Whether the terminal is below the size the dashboard draws in (a notice is drawn instead).
pub(crate) fn too_small(state: &AppState) -> bool {
    let (w, h) = state.size;
    super::screen::too_small(ratatui::layout::Rect::new(0, 0, w, h))
}

/// Quit, unless guard rules stop being enforced by it: then ask once first (a second quit key
/// in front of the question quits).
fn quit(state: &mut AppState) -> Vec<Command> {
    let asked = matches!(
        &state.dialog,
        Some(Dialog::Confirm(c)) if matches!(c.op, dialogs::Op::Quit { .. })
    );
    if !asked && let Some(q) = super::guard::quit_question(state) {
        dialogs::open(state, Dialog::Confirm(q));
        return Vec::new();
    }
    state.quit = true;
    vec![Command::Quit]
}

fn on_key(state: &mut AppState, ev: KeyEvent) -> Vec<Command> {
    if keys::quits_from_anywhere(&ev) {
        return quit(state);
    }
    // Below the minimum size only a notice is drawn: nothing may act unseen but quitting.
    if too_small(state) {
        return match keys::lookup(&ev, Focus::Pane(state.pane)) {
            Some(b) if b.cmd == KeyCmd::Quit => run_key(state, KeyCmd::Quit),
            _ => Vec::new(),
        };
    }
    if state.dialog.is_some() {
        return dialogs::on_key(state, ev);
    }
    if state.pane == Pane::Offers && state.offers.editing_filter {
        return offers::on_filter_key(state, &ev);
    }
    if let Some(cmds) = super::guard::snooze_on_key(state) {
        return cmds;
    }
    let Some(binding) = keys::lookup(&ev, Focus::Pane(state.pane)) else {
        return Vec::new();
    };
    // A key that opens a write is refused here in a read-only session, before any dialog.
    if let Some(what) = binding.writes
        && state.session.has_key()
        && dialogs::refuse_if_read_only(state, what)
    {
        return Vec::new();
    }
    run_key(state, binding.cmd)
}

pub(crate) fn run_key(state: &mut AppState, cmd: KeyCmd) -> Vec<Command> {
    match cmd {
        KeyCmd::Pane(p) => return panes::switch_pane(state, p),
        KeyCmd::NextPane | KeyCmd::PrevPane => {
            let i = Pane::ALL.iter().position(|p| *p == state.pane).unwrap_or(0);
            let n = Pane::ALL.len();
            let j = if cmd == KeyCmd::NextPane {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            };
            return panes::switch_pane(state, Pane::ALL[j]);
        }
        KeyCmd::Up => cursor::move_by(state, -1),
        KeyCmd::Down => cursor::move_by(state, 1),
        KeyCmd::PageUp => cursor::move_by(state, -(cursor::page_rows(state) as isize)),
        KeyCmd::PageDown => cursor::move_by(state, cursor::page_rows(state) as isize),
        KeyCmd::Top => cursor::move_by(state, isize::MIN / 2),
        KeyCmd::Bottom => cursor::move_by(state, isize::MAX / 2),
        KeyCmd::Details => return details(state),
        KeyCmd::NewWatch => dialogs::new_watch::open(state),
        KeyCmd::Watches => dialogs::watches::open(state),
        KeyCmd::Planner => dialogs::planner::open(state),
        KeyCmd::Filter => state.offers.editing_filter = true,
        KeyCmd::SortNext if state.pane == Pane::Deployments => super::deployment_sort::next(state),
        KeyCmd::SortReverse if state.pane == Pane::Deployments => {
            super::deployment_sort::reverse(state)
        }
        KeyCmd::SortNext => {
            state.offers.sort = state.offers.sort.next(state.offers.plan.is_some());
            offers::resort(state);
        }
        KeyCmd::SortReverse => {
            state.offers.descending = !state.offers.descending;
            offers::resort(state);
        }
        KeyCmd::CycleType => {
            state.offers.cycle_type();
            offers::resort(state);
            return vec![lists::fetch_offers(state, true)];
        }
        KeyCmd::CycleDeploymentFilter => {
            state.deployment_filter = match state.deployment_filter {
                DeploymentFilter::Active => DeploymentFilter::Inactive,
                DeploymentFilter::Inactive => DeploymentFilter::All,
                DeploymentFilter::All => DeploymentFilter::Active,
            };
            lists::reselect_deployment(state);
            return polling::load_for_filter(state);
        }
        KeyCmd::CopySsh => return connect::copy_ssh(state),
        KeyCmd::OpenSsh => return connect::open_ssh(state),
        KeyCmd::Refresh => return panes::refresh(state),
        KeyCmd::Help => dialogs::open(state, Dialog::Help(Help::default())),
        KeyCmd::Messages => dialogs::open(state, Dialog::Messages(Messages::default())),
        KeyCmd::Quit => return quit(state),
        KeyCmd::Back if state.pane == Pane::Offers && !state.offers.filter.is_empty() => {
            return offers::clear_filter(state);
        }
        // The commands of dialogs and the filter line: no pane runs them.
        KeyCmd::Back
        | KeyCmd::Close
        | KeyCmd::Confirm
        | KeyCmd::Cancel
        | KeyCmd::Submit
        | KeyCmd::FocusNext
        | KeyCmd::FocusPrev
        | KeyCmd::Retry
        | KeyCmd::Select
        | KeyCmd::RawJson
        | KeyCmd::EditWatch
        | KeyCmd::RemoveWatch
        | KeyCmd::NextChoice
        | KeyCmd::PrevChoice
        | KeyCmd::Presets
        | KeyCmd::SavePreset => {}
        KeyCmd::Deploy => return dialogs::deploy::open(state),
        KeyCmd::Terminate => return dialogs::terminate::open(state),
        KeyCmd::Rename => return dialogs::rename::open(state),
        KeyCmd::Guard => return dialogs::guard::open(state),
        KeyCmd::Tunnel => return super::tunnels::toggle(state),
        KeyCmd::Editor => return super::tunnels::open_editor(state),
        KeyCmd::FollowUsage => return super::usage::toggle(state),
        KeyCmd::SshConfig => return super::workspace::open_ssh_config(state),
        // Everything below manages what the account owns: it needs a key.
        _ if !state.session.has_key() => {}
        KeyCmd::AddKey => return dialogs::add_key::open(state),
        KeyCmd::DeleteKey => return dialogs::delete::open_key(state),
        KeyCmd::CreateVolume => return dialogs::create_volume::open(state),
        KeyCmd::EditVolume => return dialogs::edit_volume::open(state),
        KeyCmd::DeleteVolume => return dialogs::delete::open_volume(state),
        KeyCmd::Attach | KeyCmd::Detach => {
            let kind = if cmd == KeyCmd::Attach {
                PickKind::Attach
            } else {
                PickKind::Detach
            };
            return match state.pane {
                Pane::Deployments => dialogs::pick::open_from_deployment(state, kind),
                _ => dialogs::pick::open_from_volume(state, kind),
            };
        }
        KeyCmd::Kubeconfig => return dialogs::kubeconfig::open(state),
        KeyCmd::UseTeam => return dialogs::team_info::use_team(state),
    }
    Vec::new()
}

/// `Enter` on a row: the richer view where one exists (fresh volume usage, cluster health,
/// live team balance, the key fresh), else every field.
fn details(state: &mut AppState) -> Vec<Command> {
    if dialogs::details::open_unreadable(state) {
        return Vec::new();
    }
    let richer = if state.session.has_key() {
        match state.pane {
            Pane::Volumes => dialogs::volume_info::open(state),
            Pane::Keys => dialogs::key_info::open(state),
            Pane::Deployments => dialogs::deployment_info::open(state),
            Pane::Account => dialogs::team_info::open(state),
            Pane::Offers => None,
        }
    } else {
        None
    };
    richer.unwrap_or_else(|| {
        dialogs::details::open(state);
        Vec::new()
    })
}
