//! The API key prompt: the key is never drawn, one bullet per typed character.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::dialogs::KeyPrompt;
use crate::ui::theme::Theme;
use crate::ui::widgets::{centered, popup};

pub fn draw(f: &mut Frame, area: Rect, k: &KeyPrompt, theme: &Theme) {
    let typed = k.input.value().chars().count();
    let rect = centered(area, 72, 12);
    let inner = popup(
        f,
        rect,
        Line::styled(" Spheron API key ", theme.title()),
        theme,
    );
    // The key is never drawn: only one bullet per typed character.
    let masked = "•".repeat(typed.min(48));
    let mut lines = vec![
        Line::raw(k.reason.clone()),
        Line::raw(""),
        Line::from(vec![
            Span::styled("key: ", theme.dim()),
            Span::raw(masked),
            Span::styled("█", theme.key()),
        ]),
        Line::raw(""),
        Line::styled(
            "Enter checks it with one request, then saves it to ~/.spheron/credentials (0600) \
             · Esc cancels",
            theme.dim(),
        ),
    ];
    if k.checking {
        lines.push(Line::styled("Checking the key with the API…", theme.warn()));
    } else if let Some(e) = &k.error {
        lines.push(Line::styled(e.clone(), theme.error()));
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
