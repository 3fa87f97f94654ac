//! Every field of one object.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::ui::theme::Theme;
use crate::ui::widgets::{centered, popup};

pub fn draw(f: &mut Frame, area: Rect, title: &str, lines: &[String], scroll: u16, theme: &Theme) {
    let rect = centered(
        area,
        area.width.saturating_sub(8),
        area.height.saturating_sub(2),
    );
    let inner = popup(
        f,
        rect,
        Line::styled(
            format!(" {title} — every field · ↑↓ scroll · Esc closes "),
            theme.title(),
        ),
        theme,
    );
    let start = usize::from(scroll).min(lines.len());
    let end = (start + usize::from(inner.height)).min(lines.len());
    let shown: Vec<Line> = lines[start..end]
        .iter()
        .map(|l| Line::raw(l.as_str()))
        .collect();
    f.render_widget(Paragraph::new(shown), inner);
}
