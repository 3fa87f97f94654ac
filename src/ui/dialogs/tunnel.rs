//! Choose the port a tunnel brings to localhost: the presets, then a port typed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::app::dialogs::TunnelDialog;
use crate::ui::theme::Theme;
use crate::ui::widgets::{error_line, field_value, sized_popup};

pub fn draw(f: &mut Frame, area: Rect, t: &TunnelDialog, hint: &str, theme: &Theme) {
    let title = format!("Tunnel to {}", t.name);
    let mark = |i: usize| if i == t.cursor { "▶ " } else { "  " };
    let style = |i: usize| {
        if i == t.cursor {
            theme.selected()
        } else {
            theme.text()
        }
    };
    let mut lines = vec![Line::styled(
        "Which port of the instance, on localhost here?",
        theme.header(),
    )];
    for (i, p) in t.presets.iter().enumerate() {
        lines.push(Line::styled(
            format!("{}{:<36} {}", mark(i), p.label, p.port),
            style(i),
        ));
    }
    let custom = t.presets.len();
    let mut row = vec![Span::styled(
        format!(
            "{}{:<30} ",
            mark(custom),
            "another port (PORT or PORT:LOCAL)"
        ),
        style(custom),
    )];
    row.extend(field_value(&t.custom, t.on_custom(), 14, theme));
    lines.push(Line::from(row));
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "ssh -N -L runs until p on the row again, or until the dashboard quits; a local port in use takes the next free one.",
        theme.dim(),
    ));
    lines.push(Line::raw(""));
    lines.extend(error_line(&t.error, theme));
    lines.push(Line::styled(hint.to_string(), theme.dim()));
    sized_popup(f, area, 80, &title, lines, theme, theme.title());
}
