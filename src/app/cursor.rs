//! Moving the selection of the focused pane: keys, page size and mouse clicks, all measured
//! with the geometry the UI draws (`screen`).

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use super::Pane;
use super::action::Command;
use super::screen;
use super::state::{AppState, Cursor};

pub(crate) fn list_len(state: &AppState) -> usize {
    match state.pane {
        Pane::Offers => state.offers.visible.len(),
        Pane::Deployments => state.visible_deployments().len(),
        Pane::Volumes => state.volumes.items.len(),
        Pane::Keys => state.keys.items.len(),
        Pane::Account => state.account.balance.as_ref().map_or(0, |b| b.teams.len()),
    }
}

/// Rows of the focused table on screen: one page.
pub(crate) fn page_rows(state: &AppState) -> usize {
    let (w, h) = state.size;
    let a = screen::areas(Rect::new(0, 0, w, h));
    usize::from(screen::table_rows(a.body, state.pane).height.max(1))
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

/// Move the selection by `delta` rows (clamped to the list).
pub(crate) fn move_by(state: &mut AppState, delta: isize) {
    let len = list_len(state);
    let pos = (cursor_mut(state).selected as isize).saturating_add(delta);
    set(state, pos, len);
}

fn set(state: &mut AppState, pos: isize, len: usize) {
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

/// The wheel moves the selection; a click on a tab switches panes, on a row selects it.
/// Ignored while a dialog is open.
pub(crate) fn on_mouse(state: &mut AppState, ev: MouseEvent) -> Vec<Command> {
    let (w, h) = state.size;
    // below the minimum size nothing but the notice is drawn: nothing to click or scroll
    if state.dialog.is_some() || screen::too_small(Rect::new(0, 0, w, h)) {
        return Vec::new();
    }
    match ev.kind {
        MouseEventKind::ScrollDown => move_by(state, 1),
        MouseEventKind::ScrollUp => move_by(state, -1),
        MouseEventKind::Down(MouseButton::Left) => {
            let (w, h) = state.size;
            let a = screen::areas(Rect::new(0, 0, w, h));
            if ev.row == a.tabs.y {
                if let Some(p) = screen::tab_at(ev.column) {
                    return super::panes::switch_pane(state, p);
                }
                return Vec::new();
            }
            let rows = screen::table_rows(a.body, state.pane);
            if ev.row >= rows.y && ev.row < rows.y + rows.height {
                let sel = cursor_mut(state).selected;
                let offset = screen::scroll_offset(sel, rows.height);
                let pos = offset + usize::from(ev.row - rows.y);
                let len = list_len(state);
                if pos < len {
                    set(state, pos as isize, len);
                }
            }
        }
        _ => {}
    }
    Vec::new()
}
