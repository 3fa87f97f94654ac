//! Shared drawing pieces: a table that builds only the rows on screen, centred popups (sized to
//! their text, or scrolling), text fields, the buttons of confirms and a picker row with its
//! verdict.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, Wrap};
use tui_input::Input;

use crate::api::Completeness;
use crate::app::AppState;
use crate::app::action::PagedList;
use crate::app::teams;
use crate::app::volume_access::Candidate;

use super::theme::Theme;
use crate::app::screen::scroll_offset;

pub use super::columns::{Col, Fit, cut_line};

/// The widest of some amounts as `fmt` shows them, for sizing a [`Fit::Money`] column: the
/// width of a money string grows with the size of the amount, so only the extremes are
/// formatted.
pub fn money_width(
    amounts: impl IntoIterator<Item = Option<f64>>,
    fmt: impl Fn(Option<f64>) -> String,
) -> u16 {
    crate::domain::cost::Extremes::of(amounts).width(fmt)
}

pub struct TableSpec<'a> {
    pub title: Line<'a>,
    pub cols: &'a [Col],
    /// The width of each [`Fit::Money`] column, in order: its widest amount in the whole list.
    pub money: &'a [u16],
    pub len: usize,
    pub selected: usize,
    /// Shown in place of rows when there are none.
    pub empty: &'a str,
}

/// The Team column: second, after the name; cut first and dropped before any other column
/// when room is short (money columns are never dropped).
pub const TEAM_COL: Col = Col::text("Team", 10, 16, 9);

/// Whether a list's pane shows a Team column: its items span more than one team.
pub fn team_column(state: &AppState, list: PagedList) -> bool {
    teams::several_teams(state, list)
}

/// A pane's columns with the Team column second (after the name) when `team` is set.
pub fn with_team_column(cols: &[Col], team: bool) -> Vec<Col> {
    let mut c = cols.to_vec();
    if team {
        c.insert(1.min(c.len()), TEAM_COL);
    }
    c
}

/// An item's team, marked `*` (as in the title's `*stale: …`) when that team's last read failed
/// and the row is its last known state.
pub fn team_cell<'a>(
    state: &AppState,
    list: PagedList,
    team_id: Option<&str>,
    theme: &Theme,
) -> Line<'a> {
    let name = teams::team_of(state, team_id)
        .map_or_else(|| "–".to_string(), |t| teams::team_label(state, t));
    if teams::is_stale(state, list, team_id) {
        // the mark leads: a narrow column cuts the name, not the mark
        Line::from(Span::styled(format!("*{name}"), theme.warn()))
    } else {
        Line::raw(name)
    }
}

/// The title part counting the rows the client could not read (each shows why on Enter).
pub fn unreadable_title<'a>(completeness: &Completeness, theme: &Theme) -> Option<Span<'a>> {
    match completeness.unreadable() {
        0 => None,
        n => Some(Span::styled(
            format!("· {n} unreadable, the list may be incomplete (Enter on it: why) "),
            theme.warn(),
        )),
    }
}

/// The name cell of a row the client could not read: its id, if one was found.
pub fn unreadable_name<'a>(id: &str, theme: &Theme) -> Line<'a> {
    let id = if id.is_empty() { "(no id)" } else { id };
    Line::from(Span::styled(format!("{id} (unreadable)"), theme.warn()))
}

/// The title part naming the teams whose last read failed (their rows are last known).
pub fn stale_teams_title<'a>(state: &AppState, list: PagedList, theme: &Theme) -> Option<Span<'a>> {
    let stale = state.team_lists.stale(list);
    if stale.is_empty() {
        return None;
    }
    let names: Vec<String> = stale.keys().map(|t| teams::team_label(state, t)).collect();
    Some(Span::styled(
        format!("· *stale: {} (not updated) ", names.join(", ")),
        theme.warn(),
    ))
}

/// Draw a bordered table. Only the rows that fit are built, so a frame at 10,000 rows costs
/// about what it costs at 100. `row` gives one line per column; text is cut with `…` to its
/// column, money never is.
pub fn table<'a>(
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
    spec: TableSpec<'a>,
    row: impl Fn(usize) -> Vec<Line<'a>>,
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
    // The rows on screen are built first: each text column is as wide as what it shows.
    let cells: Vec<Vec<Line<'a>>> = (offset..end).map(&row).collect();
    let content: Vec<u16> = spec
        .cols
        .iter()
        .enumerate()
        .map(|(c, col)| {
            cells
                .iter()
                .filter_map(|r| r.get(c))
                .map(|l| l.width() as u16)
                .fold(col.header.chars().count() as u16, u16::max)
        })
        .collect();
    let fit = super::columns::fit_columns(spec.cols, spec.money, &content, block.inner(area).width);
    let fit_row = |cells: Vec<Line<'a>>| -> Row<'a> {
        Row::new(
            cells
                .into_iter()
                .zip(spec.cols.iter().zip(&fit.widths).zip(&content))
                .filter_map(|(line, ((col, w), &content))| {
                    let w = (*w)?;
                    Some(Cell::from(super::columns::fit_cell(col, line, w, content)))
                })
                .collect::<Vec<_>>(),
        )
    };
    let rows: Vec<Row> = cells
        .into_iter()
        .zip(offset..end)
        .map(|(r, i)| {
            let r = fit_row(r);
            if i == spec.selected {
                r.style(theme.selected())
            } else {
                r
            }
        })
        .collect();
    // headers are cut, never shortened to initials or words
    let header = Row::new(
        spec.cols
            .iter()
            .zip(&fit.widths)
            .filter_map(|(c, w)| Some(Cell::from(cut_line(Line::raw(c.header), (*w)?))))
            .collect::<Vec<_>>(),
    )
    .style(theme.header());
    let constraints: Vec<Constraint> = fit
        .widths
        .iter()
        .flatten()
        .map(|&w| Constraint::Length(w))
        .collect();
    let t = Table::new(rows, constraints)
        .header(header)
        .block(block)
        .column_spacing(fit.spacing)
        .flex(ratatui::layout::Flex::Start);
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

/// A popup over nearly the whole screen (4 columns and 1 row left around it): for text that
/// scrolls. Returns the area inside its border.
pub fn wide_popup(f: &mut Frame, area: Rect, title: Line, theme: &Theme) -> Rect {
    let rect = centered(
        area,
        area.width.saturating_sub(8),
        area.height.saturating_sub(2),
    );
    popup(f, rect, title, theme)
}

pub fn scrolled_popup(
    f: &mut Frame,
    area: Rect,
    title: &str,
    lines: Vec<Line>,
    scroll: u16,
    theme: &Theme,
) {
    let inner = wide_popup(
        f,
        area,
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
/// The typed answer of a data-losing confirm: what to type, and the field it goes in (or
/// "sending…" once it is sent).
pub fn word_prompt<'a>(
    word: &str,
    typed: &Input,
    action: &str,
    busy: bool,
    theme: &Theme,
) -> Vec<Line<'a>> {
    if busy {
        return vec![Line::styled("sending…", theme.warn())];
    }
    let ask = if word == "yes" {
        format!("{action}: type yes, then Enter.")
    } else {
        format!(
            "{action}: type {word} (the first three characters of the name) or yes, then Enter."
        )
    };
    vec![
        Line::styled(ask, theme.warn()),
        text_field("type", typed, true, 40, theme),
    ]
}

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
    cancel: &str,
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
        Span::styled(format!("[ {cancel} ]"), style(!on_action)),
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

pub fn verdict_row<'a>(t: &Candidate, selected: bool, theme: &Theme) -> Line<'a> {
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

pub use crate::domain::names::{gpu_name, region_label};

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

/// What a pane that needs the API key shows without one, naming the key that asks for it.
pub fn no_key_text() -> String {
    format!(
        "No API key: press {} to enter one.",
        crate::app::keys::rebind::key_for(crate::app::keys::KeyCmd::Refresh)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_text_ends_in_an_ellipsis_and_money_widths_come_from_the_extremes() {
        assert_eq!(cut_line(Line::raw("short"), 8).to_string(), "short");
        let w = money_width(
            [Some(2437.0), Some(0.5), None],
            crate::domain::cost::usd_opt,
        );
        assert_eq!(w, "$2,437.00".len() as u16);
        let w = money_width([Some(-12.0), Some(3.0)], crate::domain::cost::usd_opt);
        assert_eq!(w, "-$12.00".len() as u16);
    }

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
    }
}
