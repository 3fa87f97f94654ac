//! Screen geometry, shared by the drawing (`ui`) and the reducer's mouse hit-testing and page
//! size, so a click lands on the row that is drawn there. `ui` reads it; it never reads `ui`.

use ratatui::layout::Rect;

use crate::app::Pane;

/// The smallest terminal the dashboard draws in, as (columns, rows): below it every pane's
/// money and the deploy summary's totals could not be shown whole, so a notice is drawn instead.
pub const MIN_SIZE: (u16, u16) = (64, 20);

/// Whether `size` is below [`MIN_SIZE`].
pub fn too_small(size: Rect) -> bool {
    size.width < MIN_SIZE.0 || size.height < MIN_SIZE.1
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub tabs: Rect,
    pub body: Rect,
    pub status: Rect,
    pub footer: Rect,
}

pub fn areas(size: Rect) -> Areas {
    let h = size.height;
    let line = |y: u16| Rect::new(size.x, y, size.width, 1.min(h));
    let body_h = h.saturating_sub(3);
    Areas {
        tabs: line(size.y),
        body: Rect::new(size.x, size.y + 1.min(h), size.width, body_h),
        status: line(size.y + h.saturating_sub(2)),
        footer: line(size.y + h.saturating_sub(1)),
    }
}

/// Titles of the tabs, in order, as drawn: " 1 Offers " …
pub fn tab_titles() -> [(Pane, &'static str); 5] {
    [
        (Pane::Offers, " 1 Offers "),
        (Pane::Deployments, " 2 Deployments "),
        (Pane::Volumes, " 3 Volumes "),
        (Pane::Keys, " 4 SSH keys "),
        (Pane::Account, " 5 Account "),
    ]
}

/// Which tab is under column `x` of the tab bar (tabs are separated by one column).
pub fn tab_at(x: u16) -> Option<Pane> {
    let mut start = 0u16;
    for (pane, title) in tab_titles() {
        let w = title.chars().count() as u16;
        if x >= start && x < start + w {
            return Some(pane);
        }
        start += w + 1;
    }
    None
}

/// Lines above a pane's table inside the body (the offers filter bar, the account summary).
pub fn lines_above_table(pane: Pane) -> u16 {
    match pane {
        Pane::Offers => 1,
        Pane::Account => 7,
        _ => 0,
    }
}

/// The table's block (bordered) inside the body.
pub fn table_block(body: Rect, pane: Pane) -> Rect {
    let top = lines_above_table(pane).min(body.height);
    Rect::new(body.x, body.y + top, body.width, body.height - top)
}

/// Where data rows are drawn: inside the border, under the header row.
pub fn table_rows(body: Rect, pane: Pane) -> Rect {
    let block = table_block(body, pane);
    let inner_y = block.y + 2; // border + header
    let inner_h = block.height.saturating_sub(3); // borders + header
    Rect::new(block.x + 1, inner_y, block.width.saturating_sub(2), inner_h)
}

/// The `?` popup on a screen of `size`: up to 96 wide, the screen's height less two.
pub fn help_popup(size: Rect) -> Rect {
    let w = 96.min(size.width);
    let h = size.height.saturating_sub(2);
    Rect::new(
        size.x + (size.width - w) / 2,
        size.y + (size.height - h) / 2,
        w,
        h,
    )
}

/// Inside the wide popup (details, message log) on a screen of `size`: 8 narrower and 2 lower
/// than the screen, less its border.
pub fn wide_popup_inner((w, h): (u16, u16)) -> Rect {
    let (pw, ph) = (w.saturating_sub(8), h.saturating_sub(2));
    Rect::new(
        (w - pw) / 2 + 1,
        (h - ph) / 2 + 1,
        pw.saturating_sub(2),
        ph.saturating_sub(2),
    )
}

/// Rows of a details popup's chart and its caption (two rows, room for a wrapped caption).
pub const DETAILS_CAPTION_ROWS: u16 = 2;

/// Where a details popup draws its chart with the caption under it (`None`: no chart, or too
/// little room for one) and its text, on a screen of `size`. Drawing and scrolling both use it.
pub fn details_areas(size: (u16, u16), chart: bool) -> (Option<Rect>, Rect) {
    let inner = wide_popup_inner(size);
    if !chart || inner.height < 16 {
        return (None, inner);
    }
    let h = (inner.height / 2).min(14) + DETAILS_CAPTION_ROWS;
    (
        Some(Rect::new(inner.x, inner.y, inner.width, h)),
        Rect::new(inner.x, inner.y + h, inner.width, inner.height - h),
    )
}

/// A long line cut into rows of `width`, each further row indented two more than the line, so
/// a long value reads whole instead of running off a popup.
pub fn fold(line: &str, width: usize) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= width || width < 8 {
        return vec![line.to_string()];
    }
    let indent = (chars.iter().take_while(|c| **c == ' ').count() + 2).min(width / 2);
    let mut rows = vec![chars[..width].iter().collect::<String>()];
    let mut rest = &chars[width..];
    while !rest.is_empty() {
        let take = rest.len().min(width - indent);
        rows.push(format!(
            "{:indent$}{}",
            "",
            rest[..take].iter().collect::<String>()
        ));
        rest = &rest[take..];
    }
    rows
}

/// First row drawn when `selected` must be visible in `height` rows.
pub fn scroll_offset(selected: usize, height: u16) -> usize {
    selected.saturating_sub(usize::from(height.max(1)) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_folds_under_itself_and_keeps_every_character() {
        let line = r#"    "description": "1x NVIDIA RTX A6000 48GB on spheron-ai (spot)","#;
        let rows = fold(line, 30);
        assert!(rows.len() > 1);
        assert!(rows.iter().all(|r| r.chars().count() <= 30), "{rows:?}");
        assert!(
            rows[1..].iter().all(|r| r.starts_with("      ")),
            "{rows:?}"
        );
        let rejoined: String =
            rows[0].clone() + &rows[1..].iter().map(|r| &r[6..]).collect::<String>();
        assert_eq!(rejoined, line);
        assert_eq!(fold("short", 30), ["short"]);
    }

    #[test]
    fn tabs_are_found_where_they_are_drawn() {
        assert_eq!(tab_at(0), Some(Pane::Offers));
        assert_eq!(tab_at(9), Some(Pane::Offers));
        assert_eq!(tab_at(10), None);
        assert_eq!(tab_at(11), Some(Pane::Deployments));
        assert_eq!(tab_at(200), None);
    }

    #[test]
    fn offset_keeps_selection_visible() {
        assert_eq!(scroll_offset(0, 10), 0);
        assert_eq!(scroll_offset(9, 10), 0);
        assert_eq!(scroll_offset(10, 10), 1);
        assert_eq!(scroll_offset(5, 0), 5);
    }

    #[test]
    fn areas_cover_the_screen_without_overlap() {
        let a = areas(Rect::new(0, 0, 100, 30));
        assert_eq!(a.tabs.y, 0);
        assert_eq!(a.body, Rect::new(0, 1, 100, 27));
        assert_eq!(a.status.y, 28);
        assert_eq!(a.footer.y, 29);
        let r = table_rows(a.body, Pane::Offers);
        assert_eq!(r.y, 1 + 1 + 2);
        assert_eq!(r.height, 27 - 1 - 3);
    }
}
