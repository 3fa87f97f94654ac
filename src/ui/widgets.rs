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
