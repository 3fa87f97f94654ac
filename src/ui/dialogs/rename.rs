//! Rename a deployment: only the name can change.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::dialogs::RenameDialog;
use crate::ui::theme::Theme;
use crate::ui::widgets::{centered, popup, text_field};

pub fn draw(f: &mut Frame, area: Rect, r: &RenameDialog, hint: &str, theme: &Theme) {
    let rect = centered(area, 72, 9);
    let inner = popup(
        f,
        rect,
        Line::styled(" Rename deployment ", theme.title()),
        theme,
    );
    let mut lines = vec![
        Line::styled(
            format!("{} · only the name can change", r.original),
            theme.dim(),
        ),
        Line::raw(""),
        text_field("name", &r.input, true, inner.width, theme),
        Line::raw(""),
    ];
    if r.sending {
        lines.push(Line::styled("Renaming…", theme.warn()));
    } else {
        lines.push(Line::styled(hint.to_string(), theme.dim()));
    }
    if let Some(e) = &r.error {
        lines.push(Line::styled(e.clone(), theme.error()));
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
