//! The one confirm: the operation, what changes in `$/h`, `[ Cancel ]` (or what not acting
//! means) and the action.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::app::dialogs::Confirm;
use crate::app::dialogs::confirm::Ask;
use crate::ui::theme::Theme;
use crate::ui::widgets::{confirm_buttons, error_line, sized_popup, word_prompt};

pub fn draw(f: &mut Frame, area: Rect, c: &Confirm, hint: &str, theme: &Theme) {
    let mut lines: Vec<Line> = c.lines.iter().map(|l| Line::raw(l.clone())).collect();
    if let Some(s) = c.spend {
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            // what every team spends (as the deploy summary labels it)
            Span::styled(
                format!("{}  ", crate::domain::spend::ALL_TEAMS),
                theme.dim(),
            ),
            Span::styled(s.text(), theme.price()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.extend(error_line(&c.error, theme));
    match c.word() {
        // a data-losing confirm: the word to type, then what the keys do
        Some((word, typed)) => {
            lines.extend(word_prompt(word, typed, c.op.label(), c.busy, theme));
            lines.push(Line::styled(
                format!("{hint} · any other key cancels"),
                theme.dim(),
            ));
        }
        None if matches!(c.ask, Ask::Pause(_)) => {
            lines.push(Line::styled(
                if c.busy {
                    "sending…".to_string()
                } else {
                    format!("{hint} · any other key cancels")
                },
                theme.dim(),
            ));
        }
        None => lines.push(confirm_buttons(
            c.on_action,
            c.op.cancel_label(),
            c.op.label(),
            c.busy,
            hint,
            theme,
        )),
    }
    sized_popup(f, area, 90, &c.title, lines, theme, theme.warn());
}
