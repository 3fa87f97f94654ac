//! Overlays: the `?` help drawn from the key table, the details view, the key prompt.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::theme::Theme;
use super::widgets::{centered, popup};
use crate::app::keymap::{self, BINDINGS};
use crate::app::modal::Modal;

pub fn draw(f: &mut Frame, area: Rect, modal: &Modal, theme: &Theme) {
    match modal {
        Modal::Help { scroll } => help(f, area, *scroll, theme),
        Modal::Manage(d) => super::manage::draw(f, area, d, theme),
        Modal::Details {
            title,
            lines,
            scroll,
            chart,
        } => details(f, area, title, lines, *scroll, chart.as_deref(), theme),
        Modal::KeyPrompt {
            input,
            reason,
            error,
        } => key_prompt(
            f,
            area,
            input.value().chars().count(),
            reason,
            error.as_deref(),
            theme,
        ),
        // Drawn by `ui::deploy` / `ui::terminate`, which need the state (see `ui::draw`).
        Modal::Deploy(_)
        | Modal::Terminate(_)
        | Modal::Rename(_)
        | Modal::PriceWatch(_)
        | Modal::Guard(_) => {}
    }
}

fn help(f: &mut Frame, area: Rect, scroll: u16, theme: &Theme) {
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

fn details(
    f: &mut Frame,
    area: Rect,
    title: &str,
    lines: &[String],
    scroll: u16,
    chart: Option<&crate::app::prices::PriceChart>,
    theme: &Theme,
) {
    let rect = centered(
        area,
        area.width.saturating_sub(8),
        area.height.saturating_sub(2),
    );
    let inner = popup(
        f,
        rect,
        Line::styled(
            format!(" {title} — every field · ↑↓ scroll · Esc closes "),
            theme.title(),
        ),
        theme,
    );
    let inner = match chart {
        Some(c) if inner.height >= 16 => {
            let h = (inner.height / 2).min(14);
            let top = Rect::new(inner.x, inner.y, inner.width, h);
            super::prices::chart(f, top, c, theme);
            Rect::new(inner.x, inner.y + h + 1, inner.width, inner.height - h - 1)
        }
        _ => inner,
    };
    let start = usize::from(scroll).min(lines.len());
    let end = (start + usize::from(inner.height)).min(lines.len());
    let shown: Vec<Line> = lines[start..end]
        .iter()
        .map(|l| Line::raw(l.as_str()))
        .collect();
    f.render_widget(Paragraph::new(shown), inner);
}

fn key_prompt(
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
