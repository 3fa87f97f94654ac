//! Rename / expand a volume: each field, or why it is fixed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::app::dialogs::edit_volume::{EditField, EditVolume};
use crate::ui::theme::Theme;
use crate::ui::widgets::{error_line, popup_inner_width, sized_popup, text_field};

const POPUP_W: u16 = 90;

pub fn draw(f: &mut Frame, area: Rect, e: &EditVolume, hint: &str, theme: &Theme) {
    let field_w = popup_inner_width(area, POPUP_W);
    let mut lines = Vec::new();
    match &e.rename_refused {
        None => lines.push(text_field(
            "name",
            &e.name,
            e.focus == EditField::Name,
            field_w,
            theme,
        )),
        Some(why) => {
            lines.push(Line::styled(
                format!("name        {} (fixed)", e.current_name),
                theme.dim(),
            ));
            lines.push(Line::styled(format!("            {why}"), theme.warn()));
        }
    }
    match &e.expand_refused {
        None => {
            lines.push(text_field(
                "size (GB)",
                &e.size,
                e.focus == EditField::Size,
                field_w,
                theme,
            ));
            lines.push(Line::styled(
                format!("            can only grow: more than {} GB", e.current_gb),
                theme.dim(),
            ));
        }
        Some(why) => {
            lines.push(Line::styled(
                format!("size        {} GB (fixed)", e.current_gb),
                theme.dim(),
            ));
            lines.push(Line::styled(format!("            {why}"), theme.warn()));
        }
    }
    lines.push(Line::raw(""));
    lines.extend(error_line(&e.error, theme));
    lines.push(Line::styled(
        if e.busy {
            "sending…".to_string()
        } else {
            hint.to_string()
        },
        theme.dim(),
    ));
    sized_popup(
        f,
        area,
        POPUP_W,
        &format!("Rename / expand {} ({})", e.current_name, e.provider),
        lines,
        theme,
        theme.title(),
    );
}
