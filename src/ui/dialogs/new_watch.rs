//! A new price watch, pre-filled from an offer: the maximum, provider and region are fields.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::dialogs::NewWatch;
use crate::app::dialogs::new_watch::WatchField;
use crate::domain::names::gpu_name;
use crate::ui::theme::Theme;
use crate::ui::widgets::{centered, popup, text_field};

pub fn draw(f: &mut Frame, area: Rect, w: &NewWatch, hint: &str, theme: &Theme) {
    let spec = &w.spec;
    let rect = centered(area, 72, 13);
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
    let field =
        |label: &str, input, focus| text_field(label, input, w.focus == focus, inner.width, theme);
    let count = spec.min_count.unwrap_or(1);
    let mut lines = vec![
        Line::raw(format!(
            "GPU {}  ·  type {}  ·  at least {count} GPU{}",
            gpu_name(&spec.gpu),
            spec.instance_type.as_deref().unwrap_or("any"),
            if count == 1 { "" } else { "s" }
        )),
        Line::raw(""),
        field("max $/GPU·h", &w.price, WatchField::Price),
        field("provider", &w.provider, WatchField::Provider),
        field("region", &w.region, WatchField::Region),
    ];
    if let Some(e) = &w.error {
        lines.push(Line::styled(e.clone(), theme.warn()));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "An empty provider or region: any. Announced once each time a matching offer appears.",
        theme.dim(),
    ));
    lines.push(Line::styled(hint.to_string(), theme.dim()));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
