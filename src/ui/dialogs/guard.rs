//! The spend guard of one deployment: one line that sets or clears it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::dialogs::GuardDialog;
use crate::ui::theme::Theme;
use crate::ui::widgets::{centered, popup, text_field};

pub fn draw(f: &mut Frame, area: Rect, g: &GuardDialog, hint: &str, theme: &Theme) {
    let rect = centered(area, 84, 10);
    let inner = popup(f, rect, Line::styled(" Spend guard ", theme.title()), theme);
    let now = match &g.current {
        Some(c) => format!("{} · guard now: {c}", g.name),
        None => format!("{} · no guard", g.name),
    };
    let mut lines = vec![
        Line::styled(now, theme.dim()),
        Line::raw(""),
        text_field("terminate", &g.input, true, inner.width, theme),
        Line::raw(""),
        Line::styled(
            "8h or 1h30m from now · 18:00 local · $50 of spend · idle 30m from now (GPUs below 5 %, no SSH session) · acts only while the dashboard or `guard run` runs",
            theme.dim(),
        ),
        Line::styled(hint.to_string(), theme.dim()),
    ];
    if let Some(e) = &g.error {
        lines.push(Line::styled(e.clone(), theme.error()));
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
