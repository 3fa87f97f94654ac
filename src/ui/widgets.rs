//! Shared drawing pieces: a table that builds only the rows on screen, centred popups (sized to
//! their text, or scrolling), text fields, the buttons of confirms and a picker row with its
//! verdict.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, Wrap};
use tui_input::Input;

use crate::app::AppState;
use crate::app::action::PagedList;
use crate::app::teams;
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

/// The Team column is shown from this pane width on: narrower, it goes before any other column
/// is squeezed (money columns above all).
pub const TEAM_COLUMN_MIN_WIDTH: u16 = 140;
const TEAM_COLUMN: Constraint = Constraint::Length(16);

/// Whether a list's pane shows a Team column: its items span more than one team and the pane is
/// wide enough.
pub fn team_column(state: &AppState, list: PagedList, width: u16) -> bool {
    width >= TEAM_COLUMN_MIN_WIDTH && teams::several_teams(state, list)
}

/// A pane's columns with the Team column second (after the name) when `team` is set.
pub fn with_team_column<'a>(
    header: &[&'a str],
    widths: &[Constraint],
    team: bool,
) -> (Vec<&'a str>, Vec<Constraint>) {
    let mut h = header.to_vec();
    let mut w = widths.to_vec();
    if team {
        h.insert(1, "Team");
        w.insert(1, TEAM_COLUMN);
    }
    (h, w)
}

/// An item's team; `stale` when that team's last read failed (the row is its last known state).
pub fn team_cell<'a>(
    state: &AppState,
    list: PagedList,
    team_id: Option<&str>,
    theme: &Theme,
) -> Cell<'a> {
    let name = teams::team_of(state, team_id)
        .map_or_else(|| "–".to_string(), |t| teams::team_label(state, t));
    if teams::is_stale(state, list, team_id) {
        Cell::from(Span::styled(format!("{name} (stale)"), theme.warn()))
    } else {
        Cell::from(name)
    }
}

/// The title part naming the teams whose last read failed (their rows are last known).
pub fn stale_teams_title<'a>(state: &AppState, list: PagedList, theme: &Theme) -> Option<Span<'a>> {
    let stale = state.team_lists.stale(list);
    if stale.is_empty() {
        return None;
    }
    let names: Vec<String> = stale.keys().map(|t| teams::team_label(state, t)).collect();
    Some(Span::styled(
        format!("· stale: {} (not updated) ", names.join(", ")),
        theme.warn(),
    ))
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

/// Columns inside a popup `w` wide drawn on `area` (as [`sized_popup`] draws it).
pub fn popup_inner_width(area: Rect, w: u16) -> u16 {
    w.min(area.width).saturating_sub(2)
}

/// A one-line text field `width` columns wide: the label, then the value. A value longer than
/// the field scrolls inside it (the cursor stays in view, `…` marks a hidden end), so the line
/// never wraps and never pushes the hints or errors under it off the dialog.
pub fn text_field<'a>(
    label: &str,
    input: &Input,
    focused: bool,
    width: u16,
    theme: &Theme,
) -> Line<'a> {
    let label = format!("{label:<12}");
    let room = usize::from(width).saturating_sub(label.chars().count());
    let mut spans = vec![Span::styled(
        label,
        if focused { theme.key() } else { theme.dim() },
    )];
    spans.extend(field_value(input, focused, room, theme));
    Line::from(spans)
}

/// The value of a text field in `room` columns (the cursor's included): the part around the
/// cursor when it is longer, `…` marking a hidden end.
pub fn field_value<'a>(input: &Input, focused: bool, room: usize, theme: &Theme) -> Vec<Span<'a>> {
    let room = room.saturating_sub(1).max(4);
    let chars: Vec<char> = input.value().chars().collect();
    let cursor = input.cursor().min(chars.len());
    let start = if focused {
        (cursor + 2).saturating_sub(room).min(chars.len())
    } else {
        0
    };
    let end = (start + room).min(chars.len());
    let mut shown: Vec<char> = chars[start..end].to_vec();
    if start > 0
        && let Some(c) = shown.first_mut()
    {
        *c = '…';
    }
    if end < chars.len()
        && let Some(c) = shown.last_mut()
    {
        *c = '…';
    }
    if !focused {
        return vec![Span::raw(shown.into_iter().collect::<String>())];
    }
    let at = cursor - start;
    let mut spans = vec![Span::raw(shown[..at].iter().collect::<String>())];
    match shown.get(at) {
        Some(c) => {
            spans.push(Span::styled(
                c.to_string(),
                theme.key().add_modifier(Modifier::REVERSED),
            ));
            spans.push(Span::raw(shown[at + 1..].iter().collect::<String>()));
        }
        None => spans.push(Span::styled("█", theme.key())),
    }
    spans
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

/// A public key field as drawn: a valid key as its type, fingerprint and comment (never its
/// body); anything else as typed, scrolling inside the field like every text field.
pub fn public_key_field<'a>(
    label: &str,
    input: &Input,
    focused: bool,
    width: u16,
    theme: &Theme,
) -> Line<'a> {
    match crate::domain::ssh_key::check_public_key(input.value()) {
        Ok(k) => text_field(label, &Input::new(k.summary()), focused, width, theme),
        Err(_) => text_field(label, input, focused, width, theme),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(l: &Line) -> String {
        l.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn a_long_value_scrolls_inside_its_field() {
        let theme = Theme::default();
        let long = "x".repeat(500);
        let at_end = Input::new(long.clone());
        let l = text_field("name", &at_end, true, 60, &theme);
        assert!(l.width() <= 60, "{}", l.width());
        assert!(text(&l).contains('…') && text(&l).ends_with('█'));
        let at_start = Input::new(long).with_cursor(0);
        let l = text_field("name", &at_start, true, 60, &theme);
        assert!(l.width() <= 60);
        assert!(text(&l).ends_with('…'));
        let short = text_field("name", &Input::new("gpu-box".into()), false, 60, &theme);
        assert_eq!(text(&short), format!("{:<12}gpu-box", "name"));
    }

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
