//! How a table's columns share its width. Each column is sized from what it holds on screen (its
//! header and the rows drawn): money never shrinks; text starts at its minimum, columns are
//! dropped (the highest rank first) until the minimums fit (a dropped column comes back if it
//! fits after all), then the room left goes back: first to each row's name (a growing column
//! of rank 0) whose whole text fits, then the most important columns first up to each column's
//! preferred width, then names up to their whole text, then the rest up to theirs. Detail
//! columns go while a name is still cut below its preferred width. What is still left widens
//! the gaps between columns, up to three cells, and no column is ever wider than its text.

use ratatui::text::{Line, Span};

/// How a column behaves when the table is narrower or wider than it would like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// An amount of money: exactly as wide as the widest amount in the list (given with each
    /// draw, see [`super::widgets::TableSpec::money`]); never cut and never dropped.
    Money,
    /// Text as wide as its widest cell on screen; cut with `…` down to `min` when room is
    /// short, `pref` being the width it gets before the names take the rest. `grow` columns
    /// (names) take room before the others once every column has its `pref`.
    Text { min: u16, pref: u16, grow: bool },
}

/// How a text column's cells read when the column is narrower than its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Short {
    /// Cut with `…`.
    Cut,
    /// Every cell by its first letter (`SPOT` → `S`): the column is its header's width or its
    /// whole text's, nothing between.
    Initial,
    /// The whole words that fit (`yes (12)` → `yes`, `37% · 12/80G` → `37%`).
    Words,
}

/// One column: its header, how it fits, and when it goes. Columns with a higher `drop` rank
/// are dropped first when even cut text does not leave room for the money; rank 0 stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Col {
    pub header: &'static str,
    pub fit: Fit,
    pub drop: u8,
    pub short: Short,
}

/// A `min` that means "never cut": the column is as wide as its text, or dropped.
const WHOLE: u16 = u16::MAX;

impl Col {
    pub const fn money(header: &'static str) -> Self {
        Col {
            header,
            fit: Fit::Money,
            drop: 0,
            short: Short::Cut,
        }
    }
    pub const fn text(header: &'static str, min: u16, pref: u16, drop: u8) -> Self {
        Col {
            header,
            fit: Fit::Text {
                min,
                pref,
                grow: false,
            },
            drop,
            short: Short::Cut,
        }
    }
    /// A text column that takes the room left over (a name).
    pub const fn grow(header: &'static str, min: u16, pref: u16, drop: u8) -> Self {
        Col {
            header,
            fit: Fit::Text {
                min,
                pref,
                grow: true,
            },
            drop,
            short: Short::Cut,
        }
    }
    /// A text column never cut: shown whole or dropped (a runway: `~64 d…` would be wrong).
    pub const fn whole(header: &'static str, drop: u8) -> Self {
        Col::text(header, WHOLE, WHOLE, drop)
    }
    /// Cells shown by their first letter when the column is narrower than its text; it needs
    /// no more than its header.
    pub const fn abbreviated(mut self) -> Self {
        self.short = Short::Initial;
        if let Fit::Text { pref, grow, .. } = self.fit {
            self.fit = Fit::Text {
                min: self.header.len() as u16,
                pref,
                grow,
            };
        }
        self
    }
    /// Cells cut to their whole words when the column is narrower than its text.
    pub const fn by_words(mut self) -> Self {
        self.short = Short::Words;
        self
    }
    /// The same column with `cells` more before its text (a guard countdown before a name):
    /// its minimum and its preferred width both grow by them.
    pub const fn with_prefix(mut self, cells: u16) -> Self {
        if let Fit::Text { min, pref, grow } = self.fit {
            self.fit = Fit::Text {
                min: min.saturating_add(cells),
                pref: pref.saturating_add(cells),
                grow,
            };
        }
        self
    }
    /// The same column with a larger minimum (every GPU model's whole name).
    pub const fn with_min(mut self, at_least: u16) -> Self {
        if let Fit::Text { min, pref, grow } = self.fit
            && at_least > min
        {
            self.fit = Fit::Text {
                min: at_least,
                pref: if pref > at_least { pref } else { at_least },
                grow,
            };
        }
        self
    }
}

/// The columns' widths (`None`: dropped) and the gap between columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Widths {
    pub widths: Vec<Option<u16>>,
    pub spacing: u16,
}

/// A text column's widths: cut to no less than `min`; `soft` before the names grow; `want` its
/// whole text.
#[derive(Debug, Clone, Copy)]
struct Size {
    min: u16,
    soft: u16,
    want: u16,
}

/// Which width of a [`Size`] a round of sharing out room gives.
type Target = fn(&Size) -> u16;

/// Which columns a round of sharing out room gives to.
type Takes = fn(&Col) -> bool;

/// The widest gap between columns when there is room to spare.
const MAX_SPACING: u16 = 3;

/// Columns of this drop rank and above are details (a provider, a region, an address, a
/// team, an uptime): they go while a row's name is cut below its preferred width.
pub const DETAIL: u8 = 5;

/// Fit `cols` into `width` cells. `money` is the width of each money column in order;
/// `content` the width of each column's text on screen (its header included).
pub fn fit_columns(cols: &[Col], money: &[u16], content: &[u16], width: u16) -> Widths {
    let mut money_w = money.iter().copied();
    let sizes: Vec<Size> = cols
        .iter()
        .zip(content.iter().copied().chain(std::iter::repeat(0)))
        .map(|(c, content)| match c.fit {
            Fit::Money => {
                let w = money_w
                    .next()
                    .unwrap_or(0)
                    .max(c.header.chars().count() as u16);
                Size {
                    min: w,
                    soft: w,
                    want: w,
                }
            }
            Fit::Text { min, pref, .. } => {
                let want = content.max(1);
                Size {
                    min: min.min(want),
                    soft: pref.min(want),
                    want,
                }
            }
        })
        .collect();
    let avail = u32::from(width);
    // 3. while a row's name is cut below its preferred width, the detail columns go, the least
    // important first, and the room is shared again: the letters of a name are worth more
    // than a provider, an uptime or an address the details view shows anyway
    let mut gone = vec![false; cols.len()];
    let w = loop {
        let w = share(cols, &sizes, avail, &gone);
        let name_cut = (0..cols.len()).any(|i| {
            cols[i].drop == 0 && grows(&cols[i]) && w[i].is_some_and(|x| x < sizes[i].soft)
        });
        let detail = (0..cols.len())
            .filter(|&i| cols[i].drop >= DETAIL && w[i].is_some())
            .max_by_key(|&i| cols[i].drop);
        match detail {
            Some(i) if name_cut => gone[i] = true,
            _ => break w,
        }
    };
    // 4. what is still left widens the gaps
    let gaps = (w.iter().flatten().count() as u32).saturating_sub(1);
    let spare = avail.saturating_sub(total(&w));
    let spacing = 1 + spare
        .checked_div(gaps)
        .map_or(0, |g| g.min(u32::from(MAX_SPACING - 1)) as u16);
    Widths { widths: w, spacing }
}

/// The width of the shown columns and the gaps between them.
fn total(w: &[Option<u16>]) -> u32 {
    let shown = w.iter().flatten().count() as u32;
    w.iter().flatten().map(|&x| u32::from(x)).sum::<u32>() + shown.saturating_sub(1)
}

fn grows(c: &Col) -> bool {
    matches!(c.fit, Fit::Text { grow: true, .. })
}

/// The widths of `cols` (but those `gone`) in `avail` cells.
fn share(cols: &[Col], sizes: &[Size], avail: u32, gone: &[bool]) -> Vec<Option<u16>> {
    let mut w: Vec<Option<u16>> = sizes
        .iter()
        .zip(gone)
        .map(|(s, &gone)| (!gone).then_some(s.min))
        .collect();
    let mut by_drop: Vec<usize> = (0..cols.len()).collect();
    by_drop.sort_by_key(|&i| std::cmp::Reverse(cols[i].drop));
    // 1. drop by rank, highest first, until the minimums fit
    for &i in &by_drop {
        if total(&w) <= avail {
            break;
        }
        if cols[i].drop > 0 {
            w[i] = None;
        }
    }
    let important: Vec<usize> = by_drop.iter().rev().copied().collect();
    // ... then bring back, the most important first, a dropped column that fits now that a
    // wider one it outranks is gone
    for &i in &important {
        if w[i].is_none() && !gone[i] {
            w[i] = Some(sizes[i].min);
            if total(&w) > avail {
                w[i] = None;
            }
        }
    }
    // 2. the room left, in rounds: a row's name (a growing column of rank 0) whose whole text
    // fits gets it before anything else grows; then every column to its preferred width, the
    // most important first; the names to their whole text; the rest to theirs
    let rounds: [(Target, Takes, bool); 4] = [
        (|s| s.want, |c| grows(c) && c.drop == 0, true),
        (|s| s.soft, |_| true, false),
        (|s| s.want, grows, false),
        (|s| s.want, |c| !grows(c), false),
    ];
    for (target, takes, whole_only) in rounds {
        for &i in &important {
            if !takes(&cols[i]) {
                continue;
            }
            let spare = avail.saturating_sub(total(&w));
            if let Some(cur) = w[i] {
                let mut back = u32::from(target(&sizes[i]).saturating_sub(cur)).min(spare) as u16;
                // initials or the whole text: a wider cut column would show initials anyway;
                // and the first round gives a name its whole text or nothing
                let partial = cur + back < sizes[i].want;
                if partial && (whole_only || cols[i].short == Short::Initial) {
                    back = 0;
                }
                w[i] = Some(cur + back);
            }
        }
    }
    w
}

/// `line` cut to `width` cells, ending in `…` when something was cut.
pub fn cut_line(line: Line<'_>, width: u16) -> Line<'_> {
    let width = usize::from(width);
    if line.width() <= width {
        return line;
    }
    let budget = width.saturating_sub(1);
    let mut used = 0;
    let mut spans = Vec::new();
    'outer: for span in line.spans {
        let mut text = String::new();
        for ch in span.content.chars() {
            let mut buf = [0u8; 4];
            let w = Span::raw(&*ch.encode_utf8(&mut buf)).width();
            if used + w > budget {
                spans.push(Span::styled(text, span.style));
                break 'outer;
            }
            used += w;
            text.push(ch);
        }
        spans.push(Span::styled(text, span.style));
    }
    if width > 0 {
        spans.push(Span::raw("…"));
    }
    Line::from(spans).style(line.style)
}

/// A cell as its first letter (`DEDICATED` → `D`), in its first span's style.
pub fn initial(line: Line<'_>) -> Line<'_> {
    let style = line.style;
    let first = line
        .spans
        .into_iter()
        .find_map(|s| {
            let c = s.content.trim_start().chars().next()?;
            Some(Span::styled(c.to_string(), s.style))
        })
        .unwrap_or_else(|| Span::raw(""));
    Line::from(first).style(style)
}

/// `line` as the whole words of it that fit in `width` (a space ends a word; a word of
/// punctuation alone is not kept last); cut with `…` when not even its first word fits.
pub fn words(line: Line<'_>, width: u16) -> Line<'_> {
    let width = usize::from(width);
    if line.width() <= width {
        return line;
    }
    let style = line.style;
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let span_style = line.spans.first().map(|s| s.style).unwrap_or_default();
    let mut kept = String::new();
    for word in text.split(' ') {
        let next = if kept.is_empty() {
            word.to_string()
        } else {
            format!("{kept} {word}")
        };
        if Line::raw(next.as_str()).width() > width {
            break;
        }
        kept = next;
    }
    while let Some((head, last)) = kept.rsplit_once(' ') {
        if last.chars().any(char::is_alphanumeric) {
            break;
        }
        kept = head.to_string();
    }
    if kept.is_empty() {
        return cut_line(
            Line::from(Span::styled(text, span_style)).style(style),
            width as u16,
        );
    }
    Line::from(Span::styled(kept, span_style)).style(style)
}

/// A cell in a column `width` wide whose widest text is `content`: money whole; text as the
/// column's [`Short`] says when the column is narrower than its text.
pub fn fit_cell<'a>(col: &Col, line: Line<'a>, width: u16, content: u16) -> Line<'a> {
    match (col.fit, col.short) {
        (Fit::Money, _) => line,
        (Fit::Text { .. }, Short::Initial) if width < content => initial(line),
        (Fit::Text { .. }, Short::Words) => words(line, width),
        (Fit::Text { .. }, _) => cut_line(line, width),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: [Col; 5] = [
        Col::grow("Name", 4, 14, 0),
        Col::text("vCPU", 4, 4, 3),
        Col::text("Region", 6, 12, 2),
        Col::money("$/h"),
        Col::money("Spent"),
    ];

    fn widths(content: &[u16], width: u16) -> Vec<Option<u16>> {
        fit_columns(&COLS, &[9, 12], content, width).widths
    }

    #[test]
    fn money_stays_whole_while_text_is_cut_then_dropped() {
        // "$1,234.56" and "$123,456.78"; a 30-letter name, a 14-letter region
        let content = [30, 4, 14, 9, 12];
        // roomy: every column as wide as its text, the rest goes to the gaps
        let fit = fit_columns(&COLS, &[9, 12], &content, 120);
        assert_eq!(
            fit.widths,
            vec![Some(30), Some(4), Some(14), Some(9), Some(12)]
        );
        assert_eq!(fit.spacing, 3);
        // tighter: text cut, the name given room before the region's whole text
        let w = widths(&content, 60);
        assert_eq!(w, vec![Some(19), Some(4), Some(12), Some(9), Some(12)]);
        assert_eq!(w.iter().flatten().sum::<u16>() + 4, 60);
        // narrow: vCPU goes first, then the region; money stays whole and the name gets
        // back what the dropped columns freed
        assert_eq!(
            widths(&content, 30),
            vec![Some(7), None, None, Some(9), Some(12)]
        );
        assert_eq!(
            widths(&content, 36),
            vec![Some(6), None, Some(6), Some(9), Some(12)]
        );
        assert_eq!(
            widths(&content, 40),
            vec![Some(5), Some(4), Some(6), Some(9), Some(12)]
        );
    }

    #[test]
    fn a_column_is_never_wider_than_its_text() {
        // a short name and region at 160 columns: no empty columns, wider gaps instead
        let fit = fit_columns(&COLS, &[5, 5], &[8, 4, 9, 5, 5], 160);
        assert_eq!(
            fit.widths,
            vec![Some(8), Some(4), Some(9), Some(5), Some(5)]
        );
        assert_eq!(fit.spacing, 3);
        // the name gets its whole text before the region gets more than its preferred width
        let fit = fit_columns(&COLS, &[5, 5], &[30, 4, 20, 5, 5], 72);
        assert_eq!(fit.widths[0], Some(30));
        assert_eq!(fit.widths[2], Some(20));
        let fit = fit_columns(&COLS, &[5, 5], &[30, 4, 20, 5, 5], 66);
        assert_eq!(fit.widths[0], Some(30), "{fit:?}");
        assert_eq!(fit.widths[2], Some(18), "{fit:?}");
    }

    #[test]
    fn a_name_that_fits_whole_comes_before_other_columns_preferred_widths() {
        // 30 + 4 + 6 + 9 + 12 + 4 gaps = 65: the region stays at its minimum, the name whole
        assert_eq!(
            widths(&[30, 4, 14, 9, 12], 65),
            vec![Some(30), Some(4), Some(6), Some(9), Some(12)]
        );
        // one cell short of the whole name: the region gets its preferred width first
        assert_eq!(
            widths(&[30, 4, 14, 9, 12], 64),
            vec![Some(23), Some(4), Some(12), Some(9), Some(12)]
        );
    }

    #[test]
    fn details_go_while_a_name_is_cut_short() {
        let cols = [
            Col::grow("Name", 13, 20, 0),
            Col::text("GPU", 12, 12, 4),
            Col::text("Uptime", 7, 8, 5),
            Col::text("Provider", 8, 12, 6),
            Col::money("Spent"),
        ];
        let content = [20, 12, 7, 12, 9];
        // the provider fits at its minimum, but the name would be cut to 13 cells: it goes
        let fit = fit_columns(&cols, &[9], &content, 53);
        assert_eq!(fit.widths, vec![Some(20), Some(12), Some(7), None, Some(9)]);
        // narrower, the uptime goes too, though it is whole
        let fit = fit_columns(&cols, &[9], &content, 45);
        assert_eq!(fit.widths, vec![Some(20), Some(12), None, None, Some(9)]);
        // with room for the names' preferred width they stay, the provider cut
        let fit = fit_columns(&cols, &[9], &content, 61);
        assert_eq!(
            fit.widths,
            vec![Some(20), Some(12), Some(7), Some(9), Some(9)]
        );
    }

    #[test]
    fn a_dropped_column_comes_back_when_a_wider_one_it_outranks_went() {
        let cols = [
            Col::grow("Name", 10, 10, 0),
            Col::text("Uptime", 7, 7, 5),
            Col::text("GPU", 12, 12, 4),
        ];
        // Uptime goes first, the GPU does not fit either: Uptime fits again
        let fit = fit_columns(&cols, &[], &[10, 7, 12], 20);
        assert_eq!(fit.widths, vec![Some(10), Some(7), None]);
        let fit = fit_columns(&cols, &[], &[10, 7, 12], 24);
        assert_eq!(fit.widths, vec![Some(10), None, Some(12)]);
    }

    #[test]
    fn a_whole_column_is_shown_whole_or_not_at_all() {
        let cols = [
            Col::grow("Team", 8, 24, 0),
            Col::whole("Runway", 1),
            Col::money("$"),
        ];
        let fit = fit_columns(&cols, &[6], &[20, 8, 6], 30);
        assert_eq!(fit.widths, vec![Some(14), Some(8), Some(6)]);
        let fit = fit_columns(&cols, &[6], &[20, 8, 6], 20);
        assert_eq!(fit.widths, vec![Some(13), None, Some(6)]);
    }

    #[test]
    fn a_short_column_shows_initials_rather_than_cut_words() {
        let col = Col::text("Type", 9, 9, 2).abbreviated();
        assert!(matches!(col.fit, Fit::Text { min: 4, .. }));
        // every cell of the column alike, SPOT too, once one does not fit
        assert_eq!(
            fit_cell(&col, Line::raw("DEDICATED"), 4, 9).to_string(),
            "D"
        );
        assert_eq!(fit_cell(&col, Line::raw("SPOT"), 4, 9).to_string(), "S");
        assert_eq!(fit_cell(&col, Line::raw("SPOT"), 4, 4).to_string(), "SPOT");
        assert_eq!(
            fit_cell(&col, Line::raw("DEDICATED"), 9, 9).to_string(),
            "DEDICATED"
        );
        let avail = Col::text("Avail", 5, 9, 2).by_words();
        assert_eq!(
            fit_cell(&avail, Line::raw("yes (12)"), 6, 8).to_string(),
            "yes"
        );
        let usage = Col::text("GPU use", 7, 15, 2).by_words();
        assert_eq!(
            fit_cell(&usage, Line::raw("78% · 982/1280G"), 9, 15).to_string(),
            "78%"
        );
        assert_eq!(
            fit_cell(&usage, Line::raw("unreachable"), 7, 11).to_string(),
            "unreac…"
        );
        let text = Col::text("Region", 6, 12, 2);
        assert_eq!(
            fit_cell(&text, Line::raw("culpeper-usa-1"), 8, 14).to_string(),
            "culpepe…"
        );
    }

    #[test]
    fn a_short_column_is_its_header_or_its_whole_text() {
        let cols = [
            Col::grow("GPU", 4, 8, 0),
            Col::text("Type", 9, 9, 2).abbreviated(),
        ];
        // 3 cells to spare after the name's text: not enough for DEDICATED, so none of it
        let fit = fit_columns(&cols, &[], &[8, 9], 16);
        assert_eq!(fit.widths, vec![Some(8), Some(4)]);
        let fit = fit_columns(&cols, &[], &[8, 9], 18);
        assert_eq!(fit.widths, vec![Some(8), Some(9)]);
    }

    #[test]
    fn a_prefix_widens_both_the_minimum_and_the_preferred_width() {
        let name = Col::grow("Name", 13, 20, 0).with_prefix(7);
        assert!(matches!(
            name.fit,
            Fit::Text {
                min: 20,
                pref: 27,
                grow: true
            }
        ));
    }

    #[test]
    fn a_larger_minimum_keeps_a_name_readable() {
        let name = Col::grow("Name", 8, 14, 0).with_min(19);
        assert!(matches!(
            name.fit,
            Fit::Text {
                min: 19,
                pref: 19,
                ..
            }
        ));
        let name = Col::grow("Name", 8, 24, 0).with_min(12);
        assert!(matches!(
            name.fit,
            Fit::Text {
                min: 12,
                pref: 24,
                ..
            }
        ));
    }
}
