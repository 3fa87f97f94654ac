//! Drawing: a pure function of `AppState`. One file per pane; one file per dialog under
//! `dialogs/`; shared pieces in `widgets`. `ui` reads `app`, never the other way.

pub mod account;
pub mod chrome;
pub mod columns;
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
    if layout::too_small(f.area()) {
        too_small(f, theme);
        return;
    }
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

/// Drawn instead of everything else below the minimum size: a cut amount would be a wrong one.
fn too_small(f: &mut Frame, theme: &Theme) {
    use ratatui::text::Line;
    use ratatui::widgets::{Paragraph, Wrap};
    let area = f.area();
    let (w, h) = layout::MIN_SIZE;
    let lines = vec![
        Line::styled("terminal too small", theme.warn()),
        Line::raw(format!("need {w}×{h}, have {}×{}", area.width, area.height)),
        Line::styled(
            "enlarge the window to see the dashboard (q quits)",
            theme.dim(),
        ),
    ];
    let top = area.height.saturating_sub(3) / 2;
    let rect = ratatui::layout::Rect::new(
        area.x,
        area.y + top,
        area.width,
        area.height.saturating_sub(top),
    );
    f.render_widget(
        Paragraph::new(lines)
            .alignment(ratatui::layout::Alignment::Center)
            .wrap(Wrap { trim: true }),
        rect,
    );
}
