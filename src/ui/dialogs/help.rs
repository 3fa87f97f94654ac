//! `?`: the key table, laid out by `keys::hints::help_layout`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::keys::hints::{self, HelpRow};
use crate::app::screen::help_popup;
use crate::ui::theme::Theme;
use crate::ui::widgets::popup;

pub fn draw(f: &mut Frame, area: Rect, scroll: u16, theme: &Theme) {
    let rect = help_popup(area);
    let inner = popup(
        f,
        rect,
        Line::styled(" Keys — Esc closes ", theme.title()),
        theme,
    );
    let lines: Vec<Line> = hints::help_layout(inner.width)
        .into_iter()
        .map(|row| match row {
            HelpRow::Heading(t) => Line::styled(t, theme.header()),
            HelpRow::Keys(keys, text) => {
                Line::from(vec![Span::styled(keys, theme.key()), Span::raw(text)])
            }
            HelpRow::More(t) => Line::raw(t),
            HelpRow::Blank => Line::raw(""),
            HelpRow::Note(t) => Line::styled(t, theme.dim()),
        })
        .collect();
    f.render_widget(Paragraph::new(lines).scroll((scroll, 0)), inner);
}
