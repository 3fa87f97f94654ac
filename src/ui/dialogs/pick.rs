//! The attach/detach picker: each row with the rules' verdict.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::app::dialogs::Pick;
use crate::app::volume_access::{PickFrom, PickKind};
use crate::ui::theme::Theme;
use crate::ui::widgets::{error_line, sized_popup, verdict_row};

pub fn draw(f: &mut Frame, area: Rect, p: &Pick, hint: &str, theme: &Theme) {
    let (title, head) = match (&p.from, p.kind) {
        (PickFrom::Volume { name, .. }, PickKind::Attach) => (
            format!("Attach {name}"),
            "Attach to which instance? (✗ = the provider's rules refuse it, with the reason)",
        ),
        (PickFrom::Volume { name, .. }, PickKind::Detach) => {
            (format!("Detach {name}"), "Detach from which instance?")
        }
        (PickFrom::Deployment { name, .. }, PickKind::Attach) => (
            format!("Attach a volume to {name}"),
            "Which volume? (✗ = the provider's rules refuse it, with the reason)",
        ),
        (PickFrom::Deployment { name, .. }, PickKind::Detach) => {
            (format!("Detach a volume from {name}"), "Which volume?")
        }
    };
    let mut lines = vec![Line::styled(head, theme.header())];
    for (i, t) in p.rows.iter().enumerate() {
        lines.push(verdict_row(t, i == p.cursor, theme));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(p.note.clone(), theme.dim()));
    lines.push(Line::raw(""));
    lines.extend(error_line(&p.error, theme));
    lines.push(Line::styled(hint.to_string(), theme.dim()));
    sized_popup(f, area, 110, &title, lines, theme, theme.title());
}
