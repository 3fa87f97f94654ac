//! An object's details: its fields in words (an offer) or every field as raw JSON (`J`
//! switches); for an offer with a price history, its chart above them.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::dialogs::Details;
use crate::app::screen::{DETAILS_CAPTION_ROWS, details_areas, fold};
use crate::ui::theme::Theme;
use crate::ui::widgets::wide_popup;

pub fn draw(f: &mut Frame, area: Rect, d: &Details, theme: &Theme) {
    // The keys go in the title when it has room (the footer names them too).
    let what = match (d.readable.is_empty(), d.show_raw) {
        (true, _) => "every field",
        (false, false) => "J raw JSON",
        (false, true) => "raw JSON · J fields",
    };
    let full = format!(" {} — {what} · ↑↓ scroll · Esc closes ", d.title);
    let title = if full.chars().count() + 10 <= usize::from(area.width) {
        full
    } else {
        format!(" {} ", d.title)
    };
    wide_popup(f, area, Line::styled(title, theme.title()), theme);
    let (chart_area, text) = details_areas((area.width, area.height), d.chart.is_some());
    if let (Some(c), Some(r)) = (d.chart.as_deref(), chart_area) {
        let h = r.height - DETAILS_CAPTION_ROWS;
        crate::ui::prices::chart(f, Rect::new(r.x, r.y, r.width, h), c, theme);
        f.render_widget(
            Paragraph::new(crate::ui::prices::caption(c, theme)).wrap(Wrap { trim: true }),
            Rect::new(r.x, r.y + h, r.width, DETAILS_CAPTION_ROWS),
        );
    }
    let shown = d.shown();
    let start = usize::from(d.scroll).min(shown.len());
    let rows: Vec<Line> = shown[start..]
        .iter()
        .flat_map(|l| fold(l, usize::from(text.width)))
        .take(usize::from(text.height))
        .map(Line::raw)
        .collect();
    f.render_widget(Paragraph::new(rows), text);
}
