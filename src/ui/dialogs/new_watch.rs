//! A new price watch, pre-filled from an offer.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::dialogs::NewWatch;
use crate::ui::theme::Theme;
use crate::ui::widgets::{centered, popup, text_field};

pub fn draw(f: &mut Frame, area: Rect, w: &NewWatch, hint: &str, theme: &Theme) {
    let spec = &w.spec;
    let rect = centered(area, 72, 10);
    let inner = popup(
        f,
        rect,
        Line::styled(
            match w.editing {
                Some(id) => format!(" Price watch {id} "),
                None => " New price watch ".to_string(),
            },
            theme.title(),
        ),
        theme,
    );
    let mut lines = vec![
        Line::raw(format!(
            "GPU {}  ·  type {}  ·  at least {} GPU{}",
            spec.gpu,
            spec.instance_type.as_deref().unwrap_or("any"),
            spec.min_count.unwrap_or(1),
            if spec.min_count.unwrap_or(1) == 1 {
                ""
            } else {
                "s"
            }
        )),
        Line::raw(format!(
            "provider {}  ·  region {}",
            spec.provider.as_deref().unwrap_or("any"),
            spec.region.as_deref().unwrap_or("any")
        )),
        Line::raw(""),
        text_field("max $/GPU·h", &w.price, true, inner.width, theme),
    ];
    if let Some(e) = &w.error {
        lines.push(Line::styled(e.clone(), theme.warn()));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Announced once each time a matching offer appears.",
        theme.dim(),
    ));
    lines.push(Line::styled(hint.to_string(), theme.dim()));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
