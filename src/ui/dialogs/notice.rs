//! A refusal or a fact, with its reason.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::app::dialogs::Notice;
use crate::ui::theme::Theme;
use crate::ui::widgets::sized_popup;

pub fn draw(f: &mut Frame, area: Rect, n: &Notice, hint: &str, theme: &Theme) {
    let mut body: Vec<Line> = n.lines.iter().map(|l| Line::raw(l.clone())).collect();
    body.push(Line::raw(""));
    body.push(Line::styled(hint.to_string(), theme.dim()));
    sized_popup(f, area, 88, &n.title, body, theme, theme.warn());
}
