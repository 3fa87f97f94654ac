//! Rename a deployment: only the name can change.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::dialogs::{Kind, RenameDialog};
use crate::app::keymap::dialog_hint_line;
use crate::ui::theme::Theme;
use crate::ui::widgets::{centered, popup};

pub fn draw(f: &mut Frame, area: Rect, r: &RenameDialog, theme: &Theme) {
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
        Line::from(vec![
            Span::styled("name: ", theme.dim()),
            Span::raw(r.input.value().to_string()),
            Span::styled("█", theme.key()),
        ]),
        Line::raw(""),
    ];
    if r.sending {
        lines.push(Line::styled("Renaming…", theme.warn()));
    } else {
        lines.push(Line::styled(dialog_hint_line(Kind::Rename), theme.dim()));
    }
    if let Some(e) = &r.error {
        lines.push(Line::styled(e.clone(), theme.error()));
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
