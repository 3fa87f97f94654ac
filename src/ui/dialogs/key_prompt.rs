//! The API key prompt: the key is never drawn, one bullet per typed character.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::ui::theme::Theme;
use crate::ui::widgets::{centered, popup};

pub fn draw(
    f: &mut Frame,
    area: Rect,
    typed: usize,
    reason: &str,
    error: Option<&str>,
    theme: &Theme,
) {
    let rect = centered(area, 72, 9);
    let inner = popup(
        f,
        rect,
        Line::styled(" Spheron API key ", theme.title()),
        theme,
    );
    // The key is never drawn: only one bullet per typed character.
    let masked = "•".repeat(typed.min(48));
    let mut lines = vec![
        Line::raw(reason.to_string()),
        Line::raw(""),
        Line::from(vec![
            Span::styled("key: ", theme.dim()),
            Span::raw(masked),
            Span::styled("█", theme.key()),
        ]),
        Line::raw(""),
        Line::styled(
            "Enter saves it to ~/.spheron/credentials (0600) · Esc cancels",
            theme.dim(),
        ),
    ];
    if let Some(e) = error {
        lines.push(Line::styled(e.to_string(), theme.error()));
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
