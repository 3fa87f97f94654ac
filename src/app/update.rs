//! The reducer: `update(&mut AppState, Action) -> Vec<Command>`. The only place state changes.
//! No IO, no clock reads: time arrives in `Start`/`Tick`.

use chrono::{DateTime, Duration as ChronoDuration, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use super::Pane;
use super::action::{Action, ApiResult, Command, PagedList};
use super::keymap::{self, KeyCmd};
use super::modal::Modal;
use super::state::{AppState, Cursor, Flash, FlashKind, ListView};
use crate::api::{ApiError, DeploymentFilter};
use crate::credentials::ApiKey;
use crate::ui::layout;

/// Status requests stay at least this far apart, whatever asks for them (spheron-api.md §8).
pub const MIN_POLL_SECS: i64 = 10;
pub const BALANCE_EVERY_SECS: i64 = 60;
pub const VOLUMES_EVERY_SECS: i64 = 60;
const FLASH_SECS: i64 = 6;

pub fn update(state: &mut AppState, action: Action) -> Vec<Command> {
    let mut cmds = Vec::new();
    match action {
        Action::Start(now) => {
            state.now = now;
            state.started = true;
            cmds.push(fetch_offers(state, true));
            cmds.push(Command::Prices(super::prices::PriceCmd::LoadWatches));
            if state.providers.is_none() {
                cmds.push(Command::FetchProviders);
            }
            if state.session.has_key() {
                cmds.extend(account_loads(state));
            }
            cmds.extend(polls_due(state));
        }
        Action::Tick(now) => {
            state.now = now;
            if state.status.flash.as_ref().is_some_and(|f| f.until <= now) {
                state.status.flash = None;
            }
            cmds.extend(polls_due(state));
            // While there are price watches, offers are loaded again now and then.
            let p = &state.prices;
            if !p.watches.is_empty()
                && !state.offers.loading
                && p.reload_due.is_some_and(|t| now >= t)
                && blocked_until(state).is_none()
            {
                cmds.push(fetch_offers(state, false));
            }
        }
        Action::Resize(w, h) => state.size = (w, h),
        Action::Rate(r) => {
            state.status.blocked_until = r
                .blocked_for
                .and_then(|b| ChronoDuration::from_std(b).ok())
                .map(|b| state.now + b);
            state.status.rate = r;
        }
        Action::Key(ev) => {
            if ev.kind != KeyEventKind::Release {
                cmds.extend(on_key(state, ev));
            }
        }
        Action::Paste(p) => cmds.extend(super::paste::on_paste(state, p)),
        Action::Mouse(ev) => cmds.extend(on_mouse(state, ev)),
        Action::OffersLoaded { seq, page, result } => {
            if seq != state.offers.seq {
                return cmds; // an answer to a query the user has since changed
            }
            match result {
                Ok(answer) => {
                    let was = state.offers.error.take();
                    clear_stale_error(state, was);
                    state.offers.absorb(page, answer);
                    if u64::from(page) < state.offers.total_pages {
                        cmds.push(Command::FetchOffers {
                            seq,
                            page: page + 1,
                            query: state.offers.query(page + 1),
                        });
                    } else {
                        state.offers.loading = false;
                        cmds.extend(super::prices::on_load_complete(state));
                    }
                }
                Err(e) => {
                    state.offers.loading = false;
                    state.offers.error = Some(e.to_string());
                    cmds.extend(on_error(state, &e));
                }
            }
        }
        Action::PagesRead { list, pages } => match list {
            PagedList::Deployments => state.schedule.deployment_pages = pages,
            PagedList::Volumes => state.schedule.volume_pages = pages,
        },
        Action::ProvidersLoaded(result) => match result {
            Ok(p) => state.providers = Some(p),
            Err(e) => {
                state.status.last_error = Some(format!("providers list: {e}"));
                cmds.extend(on_error(state, &e));
            }
        },
        Action::DeploymentsLoaded(result) => {
            state.schedule.deployments_in_flight = false;
            let before = super::watch::before_load(state);
            let was = state.deployments.error.clone();
            match absorb_list(&mut state.deployments, result, state.now, |d| &d.id) {
                Some(e) => cmds.extend(on_error(state, &e)),
                None => clear_stale_error(state, was),
            }
            reselect_deployment(state);
            cmds.extend(super::watch::after_load(state, before));
        }
        Action::VolumesLoaded(result) => {
            state.schedule.volumes_in_flight = false;
            let was = state.volumes.error.clone();
            match absorb_list(&mut state.volumes, result, state.now, |v| &v.id) {
                Some(e) => cmds.extend(on_error(state, &e)),
                None => clear_stale_error(state, was),
            }
        }
        Action::KeysLoaded(result) => {
            state.schedule.keys_in_flight = false;
            let was = state.keys.error.clone();
            match absorb_list(&mut state.keys, result, state.now, |k| &k.id) {
                Some(e) => cmds.extend(on_error(state, &e)),
                None => clear_stale_error(state, was),
            }
        }
        Action::BalanceLoaded(result) => {
            state.schedule.balance_in_flight = false;
            state.account.loading = false;
            match result {
                Ok(b) => {
                    state.account.balance = Some(b);
                    state.account.balance_at = Some(state.now);
                    let was = state.account.error.take();
                    clear_stale_error(state, was);
                }
                Err(e) => {
                    state.account.error = Some(e.to_string());
                    cmds.extend(on_error(state, &e));
                }
            }
        }
        Action::TeamsLoaded(result) => {
            state.schedule.teams_in_flight = false;
            match result {
                Ok(t) => state.account.teams = t,
                Err(e) => cmds.extend(on_error(state, &e)),
            }
        }
        Action::Manage(ev) => cmds.extend(super::manage::on_event(state, *ev)),
        Action::Guard(u) => cmds.extend(super::guard::on_update(state, u)),
        Action::Prices(ev) => cmds.extend(super::prices::on_event(state, ev)),
        Action::KeySaved(result) => match result {
            Ok(path) => flash(
                state,
                format!("API key saved to {} (mode 0600)", path.display()),
                FlashKind::Success,
            ),
            Err(e) => flash(
                state,
                format!("key in use for this session but not saved: {e}"),
                FlashKind::Warning,
            ),
        },
        Action::Deployed(result) => cmds.extend(super::deploy::on_deployed(state, result)),
        Action::KubernetesVersions(r) => super::deploy::on_k8s_versions(state, r),
        Action::LocalPubKeys(keys) => super::deploy::on_local_pub_keys(state, keys),
        Action::SshProbed { id, ok } => super::watch::on_ssh_probed(state, &id, ok),
        Action::SshExited(r) => super::connect::on_ssh_exited(state, r),
        Action::CanTerminateChecked { id, result } => {
            super::terminate::on_checked(state, &id, result)
        }
        Action::Terminated { id, result } => {
            cmds.extend(super::terminate::on_terminated(state, &id, result))
        }
        Action::Renamed { id, result } => super::connect::on_renamed(state, &id, result),
    }
    cmds
}

// ---------------------------------------------------------------------------------------------
// Loading and polling

fn fetch_offers(state: &mut AppState, new_query: bool) -> Command {
    if new_query {
        state.offers.seq += 1;
    }
    state.offers.loading = true;
    Command::FetchOffers {
        seq: state.offers.seq,
        page: 1,
        query: state.offers.query(1),
    }
}

/// Teams and balance: needed for the Account pane and for every deploy's `teamId`.
fn account_loads(state: &mut AppState) -> Vec<Command> {
    let mut cmds = Vec::new();
    if !state.schedule.teams_in_flight {
        state.schedule.teams_in_flight = true;
        cmds.push(Command::FetchTeams);
    }
    if !state.schedule.balance_in_flight {
        state.schedule.balance_in_flight = true;
        state.account.loading = true;
        state.schedule.balance_due = Some(state.now + secs(BALANCE_EVERY_SECS));
        cmds.push(Command::FetchBalance);
    }
    cmds
}

fn secs(s: i64) -> ChronoDuration {
    ChronoDuration::seconds(s)
}

/// The deployments poll interval: the base interval once per page the list takes (a list of
/// three pages is read a third as often, so requests per window do not grow with it), and
/// stretched when the rate budget runs low.
pub fn poll_interval(state: &AppState) -> ChronoDuration {
    let base = (state.session.poll_interval_secs as i64).max(MIN_POLL_SECS)
        * i64::from(state.schedule.deployment_pages.max(1));
    let rate = &state.status.rate;
    let low = match (rate.remaining, rate.limit) {
        (Some(rem), Some(lim)) if lim > 0 => f64::from(rem) / f64::from(lim) < 0.2,
        _ => false,
    };
    secs(if low { base * 3 } else { base })
}

/// When the API said to wait (429), nothing is due before then.
fn blocked_until(state: &AppState) -> Option<DateTime<Utc>> {
    state.status.blocked_until.filter(|t| *t > state.now)
}

fn due(at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    at.is_none_or(|t| now >= t)
}

/// Every poll whose time has come. One deployments request covers all deployments.
fn polls_due(state: &mut AppState) -> Vec<Command> {
    let mut cmds = Vec::new();
    if !state.started || !state.session.has_key() || blocked_until(state).is_some() {
        return cmds;
    }
    let now = state.now;
    let s = &mut state.schedule;
    if !s.deployments_in_flight && due(s.deployments_due, now) {
        cmds.push(deployments_request(state));
    }
    let s = &mut state.schedule;
    if !s.balance_in_flight && due(s.balance_due, now) {
        s.balance_in_flight = true;
        s.balance_due = Some(now + secs(BALANCE_EVERY_SECS));
        cmds.push(Command::FetchBalance);
    }
    let wants_volumes =
        matches!(state.pane, Pane::Volumes | Pane::Account) || state.volumes.loaded_at.is_none();
    let s = &mut state.schedule;
    if wants_volumes && !s.volumes_in_flight && due(s.volumes_due, now) {
        s.volumes_in_flight = true;
        s.volumes_due = Some(now + secs(VOLUMES_EVERY_SECS * i64::from(s.volume_pages.max(1))));
        state.volumes.loading = true;
        cmds.push(Command::FetchVolumes);
    }
    cmds
}

fn deployments_request(state: &mut AppState) -> Command {
    let interval = poll_interval(state);
    let s = &mut state.schedule;
    s.deployments_in_flight = true;
    s.deployments_last = Some(state.now);
    s.deployments_due = Some(state.now + interval);
    state.deployments.loading = true;
    Command::FetchDeployments {
        status: match state.deployment_filter {
            // A new deployment coming up, or an unclear deploy being settled, may have failed.
            _ if super::watch::wants_full_list(state) => None,
            DeploymentFilter::Active => Some("active"),
            // Inactive and all both fetch everything and filter locally, so the active ones
            // (which cost money) are always known.
            DeploymentFilter::Inactive | DeploymentFilter::All => None,
        },
        team: super::deploy_answer::other_team_to_read(state),
    }
}

/// Refresh deployments as soon as allowed: now, or `MIN_POLL_SECS` after the last request.
/// Either way the poll timer restarts from that request.
pub(crate) fn refresh_deployments(state: &mut AppState) -> Vec<Command> {
    if !state.session.has_key() || state.schedule.deployments_in_flight {
        return Vec::new();
    }
    let earliest = state
        .schedule
        .deployments_last
        .map(|t| t + secs(MIN_POLL_SECS));
    if due(earliest, state.now) && blocked_until(state).is_none() {
        vec![deployments_request(state)]
    } else {
        state.schedule.deployments_due = earliest;
        Vec::new()
    }
}

/// Take a list answer; on success keep the selection on the same id.
fn absorb_list<T>(
    view: &mut ListView<T>,
    result: ApiResult<Vec<T>>,
    now: DateTime<Utc>,
    id: impl Fn(&T) -> &String,
) -> Option<ApiError> {
    view.loading = false;
    match result {
        Ok(items) => {
            view.items = items;
            view.loaded_at = Some(now);
            view.error = None;
            let found = view
                .selected_id
                .as_ref()
                .and_then(|sel| view.items.iter().position(|x| id(x) == sel));
            view.cursor.selected = found
                .unwrap_or_else(|| view.cursor.selected.min(view.items.len().saturating_sub(1)));
            view.selected_id = view.items.get(view.cursor.selected).map(|x| id(x).clone());
            None
        }
        Err(e) => {
            view.error = Some(e.to_string());
            Some(e)
        }
    }
}

/// Deployments are shown filtered: find the selected id among the visible rows.
pub(crate) fn reselect_deployment(state: &mut AppState) {
    let visible = state.visible_deployments();
    let found = state
        .deployments
        .selected_id
        .as_ref()
        .and_then(|sel| visible.iter().position(|d| &d.id == sel));
    let idx = found.unwrap_or_else(|| {
        state
            .deployments
            .cursor
            .selected
            .min(visible.len().saturating_sub(1))
    });
    let id = visible.get(idx).map(|d| d.id.clone());
    state.deployments.cursor.selected = idx;
    state.deployments.selected_id = id;
}

/// A load that failed before now succeeded: its error leaves the status bar (any other error
/// stays until its own source recovers).
fn clear_stale_error(state: &mut AppState, was: Option<String>) {
    if was.is_some() && state.status.last_error == was {
        state.status.last_error = None;
    }
}

fn on_error(state: &mut AppState, e: &ApiError) -> Vec<Command> {
    state.status.last_error = Some(e.to_string());
    match e {
        ApiError::Unauthorized { .. } => {
            open_key_prompt(state, "The API refused the key (401). Enter a valid key:");
        }
        ApiError::RateLimited { retry_after } => {
            let until = state.now + ChronoDuration::from_std(*retry_after).unwrap_or_default();
            let s = &mut state.schedule;
            for d in [
                &mut s.deployments_due,
                &mut s.balance_due,
                &mut s.volumes_due,
            ] {
                *d = Some(d.map_or(until, |t| t.max(until)));
            }
        }
        _ => {}
    }
    Vec::new()
}

pub(crate) fn flash(state: &mut AppState, text: String, kind: FlashKind) {
    state.status.flash = Some(Flash {
        text,
        kind,
        until: state.now + secs(FLASH_SECS),
    });
}

fn open_key_prompt(state: &mut AppState, reason: &str) {
    if !matches!(state.modal, Some(Modal::KeyPrompt { .. })) {
        state.modal = Some(Modal::KeyPrompt {
            input: tui_input::Input::default(),
            reason: reason.to_string(),
            error: None,
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Keys

fn on_key(state: &mut AppState, ev: KeyEvent) -> Vec<Command> {
    if state.modal.is_some() {
        return on_modal_key(state, ev);
    }
    if state.pane == Pane::Offers && state.offers.editing_filter {
        return on_filter_key(state, ev);
    }
    if ev.code == KeyCode::Esc && state.pane == Pane::Offers && !state.offers.filter.is_empty() {
        return clear_filter(state);
    }
    let Some(binding) = keymap::lookup(&ev, state.pane) else {
        return Vec::new();
    };
    run_key(state, binding.cmd)
}

fn run_key(state: &mut AppState, cmd: KeyCmd) -> Vec<Command> {
    match cmd {
        KeyCmd::Pane(p) => return switch_pane(state, p),
        KeyCmd::NextPane | KeyCmd::PrevPane => {
            let i = Pane::ALL.iter().position(|p| *p == state.pane).unwrap_or(0);
            let n = Pane::ALL.len();
            let j = if cmd == KeyCmd::NextPane {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            };
            return switch_pane(state, Pane::ALL[j]);
        }
        KeyCmd::Up => move_cursor(state, -1),
        KeyCmd::Down => move_cursor(state, 1),
        KeyCmd::PageUp => move_cursor(state, -(page_rows(state) as isize)),
        KeyCmd::PageDown => move_cursor(state, page_rows(state) as isize),
        KeyCmd::Top => move_cursor(state, isize::MIN / 2),
        KeyCmd::Bottom => move_cursor(state, isize::MAX / 2),
        KeyCmd::Details => match super::manage::details(state) {
            Some(c) => return c,
            None => open_details(state),
        },
        KeyCmd::Manage(k) => return super::manage::on_pane_key(state, k),
        KeyCmd::NewWatch => super::prices::open_new(state),
        KeyCmd::Watches => super::prices::open_list(state),
        KeyCmd::Filter => state.offers.editing_filter = true,
        KeyCmd::SortNext => {
            state.offers.sort = state.offers.sort.next();
            resort(state);
        }
        KeyCmd::SortReverse => {
            state.offers.descending = !state.offers.descending;
            resort(state);
        }
        KeyCmd::CycleType => {
            state.offers.cycle_type();
            resort(state);
            return vec![fetch_offers(state, true)];
        }
        KeyCmd::CycleDeploymentFilter => {
            state.deployment_filter = match state.deployment_filter {
                DeploymentFilter::Active => DeploymentFilter::Inactive,
                DeploymentFilter::Inactive => DeploymentFilter::All,
                DeploymentFilter::All => DeploymentFilter::Active,
            };
            reselect_deployment(state);
            return refresh_deployments(state);
        }
        KeyCmd::CopySsh => return copy_ssh(state),
        KeyCmd::Deploy => return super::deploy::open(state),
        KeyCmd::Terminate => return super::terminate::open(state),
        KeyCmd::Rename => return super::connect::open_rename(state),
        KeyCmd::Guard => return super::guard::open(state),
        KeyCmd::OpenSsh => return super::connect::open_ssh(state),
        KeyCmd::Refresh => return refresh(state),
        KeyCmd::Help => state.modal = Some(Modal::Help { scroll: 0 }),
        KeyCmd::Quit => {
            state.quit = true;
            return vec![Command::Quit];
        }
    }
    Vec::new()
}

fn resort(state: &mut AppState) {
    let keep = state.offers.selected().map(super::offers::offer_key);
    state.offers.recompute(keep);
}

fn switch_pane(state: &mut AppState, pane: Pane) -> Vec<Command> {
    state.pane = pane;
    let mut cmds = Vec::new();
    if pane != Pane::Offers && !state.session.has_key() {
        open_key_prompt(
            state,
            "This pane needs your Spheron API key (app.spheron.ai → Settings → API):",
        );
        return cmds;
    }
    if pane == Pane::Keys && state.keys.loaded_at.is_none() && !state.schedule.keys_in_flight {
        state.schedule.keys_in_flight = true;
        state.keys.loading = true;
        cmds.push(Command::FetchKeys);
    }
    // The pane marks which ~/.ssh/*.pub are already on the account.
    if pane == Pane::Keys && state.flows.local_pub_keys.is_none() {
        cmds.push(Command::ReadLocalPubKeys);
    }
    cmds.extend(polls_due(state));
    cmds
}

fn refresh(state: &mut AppState) -> Vec<Command> {
    match state.pane {
        Pane::Offers => vec![fetch_offers(state, true)],
        _ if !state.session.has_key() => {
            open_key_prompt(state, "Enter your Spheron API key:");
            Vec::new()
        }
        Pane::Deployments => refresh_deployments(state),
        Pane::Volumes => {
            state.schedule.volumes_due = None;
            polls_due(state)
        }
        Pane::Keys => {
            if state.schedule.keys_in_flight {
                return Vec::new();
            }
            state.schedule.keys_in_flight = true;
            state.keys.loading = true;
            vec![Command::FetchKeys]
        }
        Pane::Account => {
            state.schedule.balance_due = None;
            let mut c = polls_due(state);
            if !state.schedule.teams_in_flight {
                state.schedule.teams_in_flight = true;
                c.push(Command::FetchTeams);
            }
            c
        }
    }
}

fn copy_ssh(state: &mut AppState) -> Vec<Command> {
    let Some(d) = state.selected_deployment() else {
        return Vec::new();
    };
    match d.ssh_command() {
        Some(cmd) => {
            flash(state, format!("copied: {cmd}"), FlashKind::Success);
            vec![Command::Copy(cmd)]
        }
        None => {
            let why = format!("no SSH command yet for {} ({})", d.name, d.status.as_str());
            flash(state, why, FlashKind::Warning);
            Vec::new()
        }
    }
}

fn list_len(state: &AppState) -> usize {
    match state.pane {
        Pane::Offers => state.offers.visible.len(),
        Pane::Deployments => state.visible_deployments().len(),
        Pane::Volumes => state.volumes.items.len(),
        Pane::Keys => state.keys.items.len(),
        Pane::Account => state.account.balance.as_ref().map_or(0, |b| b.teams.len()),
    }
}

fn page_rows(state: &AppState) -> usize {
    let (w, h) = state.size;
    let a = layout::areas(Rect::new(0, 0, w, h));
    usize::from(layout::table_rows(a.body, state.pane).height.max(1))
}

fn cursor_mut(state: &mut AppState) -> &mut Cursor {
    match state.pane {
        Pane::Offers => &mut state.offers.cursor,
        Pane::Deployments => &mut state.deployments.cursor,
        Pane::Volumes => &mut state.volumes.cursor,
        Pane::Keys => &mut state.keys.cursor,
        Pane::Account => &mut state.account.cursor,
    }
}

fn move_cursor(state: &mut AppState, delta: isize) {
    let len = list_len(state);
    let pos = (cursor_mut(state).selected as isize).saturating_add(delta);
    set_cursor(state, pos, len);
}

fn set_cursor(state: &mut AppState, pos: isize, len: usize) {
    let max = len.saturating_sub(1) as isize;
    let pos = pos.clamp(0, max.max(0)) as usize;
    cursor_mut(state).selected = pos;
    match state.pane {
        Pane::Deployments => {
            state.deployments.selected_id =
                state.visible_deployments().get(pos).map(|d| d.id.clone());
        }
        Pane::Volumes => {
            state.volumes.selected_id = state.volumes.items.get(pos).map(|v| v.id.clone());
        }
        Pane::Keys => state.keys.selected_id = state.keys.items.get(pos).map(|k| k.id.clone()),
        Pane::Offers | Pane::Account => {}
    }
}

fn open_details(state: &mut AppState) {
    let modal = match state.pane {
        Pane::Offers => state.offers.selected().map(|o| {
            let mut m = Modal::details(
                format!("Offer {} · {}", o.gpu_display, o.provider),
                &o.raw.value(),
            );
            if let Modal::Details { chart, .. } = &mut m {
                *chart = super::prices::chart_for(state, o).map(Box::new);
            }
            m
        }),
        Pane::Deployments => state
            .selected_deployment()
            .map(|d| Modal::details(format!("Deployment {}", d.name), &d.raw)),
        Pane::Volumes => state
            .volumes
            .items
            .get(state.volumes.cursor.selected)
            .map(|v| Modal::details(format!("Volume {}", v.name), &v.raw)),
        Pane::Keys => state
            .keys
            .items
            .get(state.keys.cursor.selected)
            .map(|k| Modal::details(format!("SSH key {}", k.name), &k.raw)),
        Pane::Account => state
            .account
            .balance
            .as_ref()
            .and_then(|b| b.teams.get(state.account.cursor.selected))
            .map(|t| Modal::details(format!("Team {}", t.team_name), &t.raw)),
    };
    if modal.is_some() {
        state.modal = modal;
    }
}

fn on_filter_key(state: &mut AppState, ev: KeyEvent) -> Vec<Command> {
    match ev.code {
        KeyCode::Esc => return clear_filter(state),
        KeyCode::Enter => {
            state.offers.editing_filter = false;
            let search = state.offers.filter.search_text();
            if search != state.offers.search_sent {
                state.offers.search_sent = search;
                return vec![fetch_offers(state, true)];
            }
        }
        KeyCode::Up | KeyCode::Down => {
            state.offers.editing_filter = false;
            return run_key(
                state,
                if ev.code == KeyCode::Up {
                    KeyCmd::Up
                } else {
                    KeyCmd::Down
                },
            );
        }
        _ => {
            if super::text::edit(&mut state.offers.filter_input, &ev) {
                let text = state.offers.filter_input.value().to_string();
                state.offers.set_filter_text(&text);
            }
        }
    }
    Vec::new()
}

fn clear_filter(state: &mut AppState) -> Vec<Command> {
    state.offers.editing_filter = false;
    state.offers.filter_input.reset();
    state.offers.set_filter_text("");
    if state.offers.search_sent.take().is_some() {
        return vec![fetch_offers(state, true)];
    }
    Vec::new()
}

fn on_modal_key(state: &mut AppState, ev: KeyEvent) -> Vec<Command> {
    if matches!(state.modal, Some(Modal::Manage(_))) {
        return super::manage::on_key(state, ev);
    }
    let Some(modal) = state.modal.as_mut() else {
        return Vec::new();
    };
    match modal {
        Modal::Deploy(_) => return super::deploy::on_key(state, ev),
        Modal::Terminate(_) => return super::terminate::on_key(state, ev),
        Modal::Rename(_) => return super::connect::on_rename_key(state, ev),
        Modal::Guard(_) => return super::guard::on_key(state, ev),
        Modal::Manage(_) => {}
        Modal::PriceWatch(_) => return super::prices::on_key(state, ev),
        Modal::Help { scroll } | Modal::Details { scroll, .. } => match ev.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('?') | KeyCode::Enter => {
                state.modal = None;
            }
            KeyCode::Down | KeyCode::Char('j') => *scroll = scroll.saturating_add(1),
            KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
            KeyCode::PageDown => *scroll = scroll.saturating_add(10),
            KeyCode::PageUp => *scroll = scroll.saturating_sub(10),
            KeyCode::Char('g') | KeyCode::Home => *scroll = 0,
            _ => {}
        },
        Modal::KeyPrompt { input, error, .. } => match ev.code {
            KeyCode::Esc => {
                state.modal = None;
                if state.pane != Pane::Offers && !state.session.has_key() {
                    state.pane = Pane::Offers;
                }
            }
            KeyCode::Enter => {
                let key = input.value().trim().to_string();
                if key.is_empty() {
                    *error = Some("the key is empty".into());
                } else if key.chars().any(char::is_whitespace) {
                    *error = Some("a key has no spaces: paste it again".into());
                } else {
                    let key = ApiKey::new(key);
                    state.session.key_mask = Some(key.mask());
                    state.modal = None;
                    state.status.last_error = None;
                    // Everything loaded with the old (or no) key is stale: load again.
                    // Answers to requests sent with the old key may still come; the new key
                    // gets its own requests.
                    state.schedule = Default::default();
                    state.keys.loaded_at = None;
                    let mut cmds = vec![Command::UseKey(key), fetch_offers(state, true)];
                    cmds.extend(account_loads(state));
                    cmds.extend(switch_pane(state, state.pane));
                    return cmds;
                }
            }
            _ => {
                if ev.code == KeyCode::Char('c')
                    && ev
                        .modifiers
                        .contains(crossterm::event::KeyModifiers::CONTROL)
                {
                    state.quit = true;
                    return vec![Command::Quit];
                }
                if super::text::edit(input, &ev) {
                    *error = None;
                }
            }
        },
    }
    Vec::new()
}

// ---------------------------------------------------------------------------------------------
// Mouse

fn on_mouse(state: &mut AppState, ev: MouseEvent) -> Vec<Command> {
    if state.modal.is_some() {
        return Vec::new();
    }
    match ev.kind {
        MouseEventKind::ScrollDown => move_cursor(state, 1),
        MouseEventKind::ScrollUp => move_cursor(state, -1),
        MouseEventKind::Down(MouseButton::Left) => {
            let (w, h) = state.size;
            let a = layout::areas(Rect::new(0, 0, w, h));
            if ev.row == a.tabs.y {
                if let Some(p) = layout::tab_at(ev.column) {
                    return switch_pane(state, p);
                }
                return Vec::new();
            }
            let rows = layout::table_rows(a.body, state.pane);
            if ev.row >= rows.y && ev.row < rows.y + rows.height {
                let sel = cursor_mut(state).selected;
                let offset = layout::scroll_offset(sel, rows.height);
                let pos = offset + usize::from(ev.row - rows.y);
                let len = list_len(state);
                if pos < len {
                    set_cursor(state, pos as isize, len);
                }
            }
        }
        _ => {}
    }
    Vec::new()
}
