//! Shared drawing pieces: a table that builds only the rows on screen, and centred popups.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Row, Table, Wrap};

use super::layout::scroll_offset;
use super::theme::Theme;

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
