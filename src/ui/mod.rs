//! Drawing: a pure function of `AppState`. One file per pane and per overlay.

pub mod account;
pub mod chrome;
pub mod deploy;
pub mod deployments;
pub mod keys;
pub mod layout;
pub mod manage;
pub mod offers;
pub mod overlays;
pub mod prices;
pub mod svg;
pub mod terminate;
pub mod theme;
pub mod volume_dialogs;
pub mod volumes;
pub mod widgets;

use ratatui::Frame;

use crate::app::modal::Modal;
use crate::app::{AppState, Pane};
pub use theme::Theme;

/// Draw one frame of the whole dashboard.
pub fn draw(f: &mut Frame, state: &AppState, theme: &Theme) {
    let a = layout::areas(f.area());
    chrome::tabs(f, a.tabs, state, theme);
    match state.pane {
        Pane::Offers => offers::draw(f, a.body, state, theme),
        Pane::Deployments => deployments::draw(f, a.body, state, theme),
        Pane::Volumes => volumes::draw(f, a.body, state, theme),
        Pane::Keys => keys::draw(f, a.body, state, theme),
        Pane::Account => account::draw(f, a.body, state, theme),
    }
    chrome::status(f, a.status, state, theme);
    chrome::footer(f, a.footer, state, theme);
    match &state.modal {
        Some(Modal::Deploy(w)) => deploy::draw(f, f.area(), w, state, theme),
        Some(Modal::Terminate(d)) => terminate::draw(f, f.area(), d, state, theme),
        Some(Modal::Rename(r)) => terminate::draw_rename(f, f.area(), r, theme),
        Some(Modal::PriceWatch(d)) => prices::draw(f, f.area(), d, state, theme),
        Some(Modal::Guard(g)) => terminate::draw_guard(f, f.area(), g, theme),
        Some(modal) => overlays::draw(f, f.area(), modal, theme),
        None => {}
    }
}
