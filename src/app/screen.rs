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

/// First row drawn when `selected` must be visible in `height` rows.
pub fn scroll_offset(selected: usize, height: u16) -> usize {
    selected.saturating_sub(usize::from(height.max(1)) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

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
