//! The message log: time, then the message, newest first, coloured by kind.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::app::AppState;
use crate::app::state::LogKind;
use crate::domain::clock::clock_seconds;
use crate::ui::theme::Theme;
use crate::ui::widgets::scrolled_popup;

pub fn draw(f: &mut Frame, area: Rect, scroll: u16, state: &AppState, theme: &Theme) {
    let log = &state.status.log;
    let mut lines: Vec<Line> = log
        .iter()
        .rev()
        .map(|e| {
            let style = match e.kind {
                LogKind::Info => theme.text(),
                LogKind::Success => theme.ok(),
                LogKind::Warning => theme.warn(),
                LogKind::Error => theme.error(),
            };
            Line::from(vec![
                Span::styled(
                    format!("{}  ", clock_seconds(e.at, state.local_offset())),
                    theme.dim(),
                ),
                Span::styled(e.text.clone(), style),
            ])
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::styled("No messages yet.", theme.dim()));
    }
    let title = format!(
        "Messages · {} (newest first, the last {} kept) · ↑↓ scroll · Esc closes",
        log.len(),
        crate::app::state::LOG_KEEP
    );
    scrolled_popup(f, area, &title, lines, scroll, theme);
}
