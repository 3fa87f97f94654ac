//! Every field of one object; for an offer with a price history, its chart above them.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::dialogs::Details;
use crate::ui::theme::Theme;
use crate::ui::widgets::wide_popup;

pub fn draw(f: &mut Frame, area: Rect, d: &Details, theme: &Theme) {
    // The keys go in the title when it has room (the footer names them too).
    let full = format!(" {} — every field · ↑↓ scroll · Esc closes ", d.title);
    let title = if full.chars().count() + 10 <= usize::from(area.width) {
        full
    } else {
        format!(" {} ", d.title)
    };
    let inner = wide_popup(f, area, Line::styled(title, theme.title()), theme);
    let inner = match d.chart.as_deref() {
        Some(c) if inner.height >= 16 => {
            let h = (inner.height / 2).min(14);
            crate::ui::prices::chart(f, Rect::new(inner.x, inner.y, inner.width, h), c, theme);
            let caption = crate::ui::prices::caption(c, theme);
            let rows = if caption.width() > usize::from(inner.width) {
                2
            } else {
                1
            };
            f.render_widget(
                Paragraph::new(caption).wrap(Wrap { trim: true }),
                Rect::new(inner.x, inner.y + h, inner.width, rows),
            );
            Rect::new(
                inner.x,
                inner.y + h + rows,
                inner.width,
                inner.height - h - rows,
            )
        }
        _ => inner,
    };
    let start = usize::from(d.scroll).min(d.lines.len());
    let rows: Vec<Line> = d.lines[start..]
        .iter()
        .flat_map(|l| fold(l, usize::from(inner.width)))
        .take(usize::from(inner.height))
        .map(Line::raw)
        .collect();
    f.render_widget(Paragraph::new(rows), inner);
}

/// A JSON line cut into rows of `width`, each further row indented two more than the line, so
/// a long value reads whole instead of running off the popup.
fn fold(line: &str, width: usize) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn a_long_json_line_folds_under_itself_and_keeps_every_character() {
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
}
