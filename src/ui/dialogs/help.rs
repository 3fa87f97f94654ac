//! `?`: the key table, drawn from `keymap::BINDINGS`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::keymap::{self, HELP_NOTE};
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
    let mut lines = Vec::new();
    for (ctx, bindings) in keymap::help_sections() {
        lines.push(Line::styled(ctx.label(), theme.header()));
        for b in bindings {
            lines.push(Line::from(vec![
                Span::styled(keymap::help_keys(b), theme.key()),
                Span::raw(b.help),
            ]));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(HELP_NOTE, theme.dim()));
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        inner,
    );
}
