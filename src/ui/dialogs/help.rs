//! `?`: the key table, drawn from `keymap::BINDINGS`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::keymap::{self, BINDINGS};
use crate::ui::theme::Theme;
use crate::ui::widgets::{centered, popup};

pub fn draw(f: &mut Frame, area: Rect, scroll: u16, theme: &Theme) {
    let rect = centered(area, 96, area.height.saturating_sub(2));
    let inner = popup(
        f,
        rect,
        Line::styled(" Keys — Esc closes ", theme.title()),
        theme,
    );
    let mut lines = Vec::new();
    let mut last_ctx = None;
    for b in BINDINGS {
        if last_ctx != Some(b.ctx) {
            lines.push(Line::styled(b.ctx.label(), theme.header()));
            last_ctx = Some(b.ctx);
        }
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<16}", keymap::keys_label(b)), theme.key()),
            Span::raw(b.help),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Confirm dialogs start on Cancel: Esc/n cancels, y confirms.",
        theme.dim(),
    ));
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        inner,
    );
}
