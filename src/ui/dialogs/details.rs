//! Every field of one object; for an offer with a price history, its chart above them.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::app::dialogs::Details;
use crate::ui::theme::Theme;
use crate::ui::widgets::wide_popup;

pub fn draw(f: &mut Frame, area: Rect, d: &Details, theme: &Theme) {
    let inner = wide_popup(
        f,
        area,
        Line::styled(
            format!(" {} — every field · ↑↓ scroll · Esc closes ", d.title),
            theme.title(),
        ),
        theme,
    );
    let inner = match d.chart.as_deref() {
        Some(c) if inner.height >= 16 => {
            let h = (inner.height / 2).min(14);
            crate::ui::prices::chart(f, Rect::new(inner.x, inner.y, inner.width, h), c, theme);
            f.render_widget(
                Paragraph::new(crate::ui::prices::caption(c, theme)),
                Rect::new(inner.x, inner.y + h, inner.width, 1),
            );
            Rect::new(inner.x, inner.y + h + 1, inner.width, inner.height - h - 1)
        }
        _ => inner,
    };
    let lines = &d.lines;
    let start = usize::from(d.scroll).min(lines.len());
    let end = (start + usize::from(inner.height)).min(lines.len());
    let shown: Vec<Line> = lines[start..end]
        .iter()
        .map(|l| Line::raw(l.as_str()))
        .collect();
    f.render_widget(Paragraph::new(shown), inner);
}
