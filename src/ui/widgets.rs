//! Shared drawing pieces: a table that builds only the rows on screen, centred popups (sized to
//! their text, or scrolling), text fields, the buttons of confirms and a picker row with its
//! verdict.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Row, Table, Wrap};
use tui_input::Input;

use crate::app::volume_access::Target;

use super::theme::Theme;
use crate::app::screen::scroll_offset;

pub struct TableSpec<'a> {
    pub title: Line<'a>,
    pub header: &'a [&'a str],
    pub widths: &'a [Constraint],
    pub len: usize,
    pub selected: usize,
    /// Shown in place of rows when there are none.
    pub empty: &'a str,
}

/// Draw a bordered table. Only the rows that fit are built, so a frame at 10,000 rows costs
/// about what it costs at 100.
pub fn table<'a>(
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
    spec: TableSpec<'a>,
    row: impl Fn(usize) -> Row<'a>,
) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(spec.title)
        .border_style(theme.dim());
    let rows_h = area.height.saturating_sub(3);
    if spec.len == 0 {
        let inner = block.inner(area);
        f.render_widget(block, area);
        let msg = Paragraph::new(spec.empty)
            .style(theme.dim())
            .wrap(Wrap { trim: true });
        f.render_widget(msg, inner);
        return;
    }
    let offset = scroll_offset(spec.selected, rows_h).min(spec.len.saturating_sub(1));
    let end = (offset + usize::from(rows_h)).min(spec.len);
    let rows: Vec<Row> = (offset..end)
        .map(|i| {
            let r = row(i);
            if i == spec.selected {
                r.style(theme.selected())
            } else {
                r
            }
        })
        .collect();
    let header = Row::new(spec.header.iter().copied()).style(theme.header());
    let t = Table::new(rows, spec.widths.iter().copied())
        .header(header)
        .block(block)
        .column_spacing(1);
    f.render_widget(t, area);
}

/// A rectangle of at most `w`×`h` centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Clear `area` and draw a bordered popup with `title`; returns the inner area.
pub fn popup(f: &mut Frame, area: Rect, title: Line, theme: &Theme) -> Rect {
    f.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(theme.title());
    let inner = block.inner(area);
    f.render_widget(block, area);
    inner
}

/// A popup `w` wide, as tall as its lines (within the screen), wrapped.
pub fn sized_popup(
    f: &mut Frame,
    area: Rect,
    w: u16,
    title: &str,
    lines: Vec<Line>,
    theme: &Theme,
    border: Style,
) {
    let inner_w = w.min(area.width).saturating_sub(2).max(1);
    let rows: u16 = lines
        .iter()
        .map(|l| (l.width() as u16).div_ceil(inner_w).max(1))
        .sum();
    let rect = centered(area, w, (rows + 2).min(area.height.saturating_sub(2)));
    let inner = popup(f, rect, Line::styled(format!(" {title} "), border), theme);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

pub fn scrolled_popup(
    f: &mut Frame,
    area: Rect,
    title: &str,
    lines: Vec<Line>,
    scroll: u16,
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
        Line::styled(format!(" {title} "), theme.title()),
        theme,
    );
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        inner,
    );
}

pub fn text_field<'a>(label: &str, input: &Input, focused: bool, theme: &Theme) -> Line<'a> {
    let mut spans = vec![
        Span::styled(
            format!("{label:<12}"),
            if focused { theme.key() } else { theme.dim() },
        ),
        Span::raw(input.value().to_string()),
    ];
    if focused {
        spans.push(Span::styled("█", theme.key()));
    }
    Line::from(spans)
}

pub fn confirm_buttons<'a>(
    on_action: bool,
    action: &str,
    busy: bool,
    hint: &str,
    theme: &Theme,
) -> Line<'a> {
    let style = |focused: bool| {
        if focused {
            theme.selected()
        } else {
            theme.dim()
        }
    };
    let mut spans = vec![
        Span::styled("[ Cancel ]", style(!on_action)),
        Span::raw("   "),
        Span::styled(format!("[ {action} ]"), style(on_action)),
        Span::styled(format!("   {hint}"), theme.dim()),
    ];
    if busy {
        spans.push(Span::styled("   sending…", theme.warn()));
    }
    Line::from(spans)
}

/// `[ Cancel ]  [ Action ]`, the focused one reversed.
pub fn buttons(
    cancel: &str,
    action: Option<&str>,
    focus_action: bool,
    theme: &Theme,
) -> Line<'static> {
    let focused = Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD);
    let mut spans = vec![
        Span::raw("   "),
        Span::styled(
            format!("[ {cancel} ]"),
            if focus_action { theme.text() } else { focused },
        ),
    ];
    if let Some(a) = action {
        spans.push(Span::raw("   "));
        spans.push(Span::styled(
            format!("[ {a} ]"),
            if focus_action {
                focused.patch(theme.warn())
            } else {
                theme.warn()
            },
        ));
    }
    Line::from(spans)
}

pub fn error_line<'a>(e: &Option<String>, theme: &Theme) -> Option<Line<'a>> {
    e.as_ref()
        .map(|e| Line::styled(format!("✗ {e}"), theme.error()))
}

pub fn verdict_row<'a>(t: &Target, selected: bool, theme: &Theme) -> Line<'a> {
    let mark = if selected { "▶ " } else { "  " };
    match &t.verdict {
        Ok(()) => Line::styled(
            format!("{mark}{}", t.label),
            if selected {
                theme.selected()
            } else {
                theme.text()
            },
        ),
        Err(why) => Line::from(vec![
            Span::styled(
                format!("{mark}{}", t.label),
                if selected {
                    theme.selected()
                } else {
                    theme.dim()
                },
            ),
            Span::styled(format!("  ✗ {why}"), theme.warn()),
        ]),
    }
}

/// A region as people read it: the live API prefixes some with an opaque id
/// (`166e655a:culpeper-usa-1`); the prefix is dropped for display only — requests send the
/// string verbatim.
pub fn region_label(region: &str) -> &str {
    match region.split_once(':') {
        Some((prefix, rest))
            if prefix.len() >= 6 && prefix.chars().all(|c| c.is_ascii_hexdigit()) =>
        {
            rest
        }
        _ => region,
    }
}

/// A GPU name without the vendor words every row would repeat ("NVIDIA GeForce RTX 4090" →
/// "RTX 4090").
pub fn gpu_label(name: &str) -> &str {
    let n = name.strip_prefix("NVIDIA ").unwrap_or(name);
    n.strip_prefix("GeForce ").unwrap_or(n)
}

/// A public key field's text as drawn: a valid key as its type, fingerprint and comment (never
/// its body); anything else by its ends when it is long.
pub fn public_key_shown(v: &str) -> String {
    if let Ok(k) = crate::domain::ssh_key::check_public_key(v) {
        return k.summary();
    }
    if v.chars().count() <= 80 {
        return v.to_string();
    }
    let head: String = v.chars().take(40).collect();
    let tail: Vec<char> = v.chars().rev().take(30).collect();
    format!("{head}…{}", tail.into_iter().rev().collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_drop_noise_only() {
        assert_eq!(region_label("166e655a:culpeper-usa-1"), "culpeper-usa-1");
        assert_eq!(region_label("us-east-1"), "us-east-1");
        assert_eq!(region_label("eu:west"), "eu:west");
        assert_eq!(gpu_label("NVIDIA GeForce RTX 4090 24GB"), "RTX 4090 24GB");
        assert_eq!(gpu_label("NVIDIA H100 SXM5 80GB"), "H100 SXM5 80GB");
        assert_eq!(gpu_label("B200"), "B200");
    }
}
