//! The price watches.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::AppState;
use crate::app::dialogs::Watches;
use crate::ui::theme::Theme;
use crate::ui::widgets::{centered, popup};

pub fn draw(f: &mut Frame, area: Rect, d: &Watches, state: &AppState, theme: &Theme) {
    let w = &state.prices.watches;
    let rect = centered(area, 90, (w.len() as u16 + 5).clamp(7, 24));
    let inner = popup(
        f,
        rect,
        Line::styled(
            " Price watches — e changes · x removes · Esc closes ",
            theme.title(),
        ),
        theme,
    );
    let mut lines = Vec::new();
    if w.is_empty() {
        lines.push(Line::styled(
            "No watches. w on an offer creates one; so does `spheron-tui watch add`.",
            theme.dim(),
        ));
    }
    for (i, watch) in w.iter().enumerate() {
        let mark = if state.prices.episodes.is_matching(watch.id) {
            Span::styled(" ◆ matching", theme.ok())
        } else {
            Span::raw("")
        };
        let style = if i == d.selected {
            theme.selected()
        } else {
            theme.text()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{:>3}  {}", watch.id, watch.spec), style),
            mark,
        ]));
    }
    f.render_widget(Paragraph::new(lines), inner);
}
