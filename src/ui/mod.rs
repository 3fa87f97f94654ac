//! Drawing: a pure function of `AppState`. One file per pane; one file per dialog under
//! `dialogs/`; shared pieces in `widgets`. `ui` reads `app`, never the other way.

pub mod account;
pub mod chrome;
pub mod deployments;
pub mod dialogs;
pub mod keys;
pub mod offers;
pub mod prices;
pub mod svg;
pub mod theme;
pub mod volumes;
pub mod widgets;

use ratatui::Frame;

use crate::app::screen as layout;

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
    if let Some(d) = &state.dialog {
        dialogs::draw(f, f.area(), d, state, theme);
    }
}
