//! The one confirm: the operation, what changes in `$/h`, `[ Cancel ]` and the action.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::app::dialogs::{Confirm, Kind};
use crate::app::keymap::dialog_hint_line;
use crate::ui::theme::Theme;
use crate::ui::widgets::{confirm_buttons, error_line, sized_popup};

pub fn draw(f: &mut Frame, area: Rect, c: &Confirm, theme: &Theme) {
    let mut lines: Vec<Line> = c.lines.iter().map(|l| Line::raw(l.clone())).collect();
    if let Some(s) = c.spend {
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled("account spend  ", theme.dim()),
            Span::styled(s.text(), theme.price()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.extend(error_line(&c.error, theme));
    let hint = dialog_hint_line(Kind::Confirm);
    lines.push(confirm_buttons(
        c.on_action,
        c.op.label(),
        c.busy,
        &hint,
        theme,
    ));
    sized_popup(f, area, 90, &c.title, lines, theme, theme.warn());
}
