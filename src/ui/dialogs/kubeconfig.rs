//! The kubeconfig, scrollable, with the file it is saved to.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::app::dialogs::Kubeconfig;
use crate::ui::theme::Theme;
use crate::ui::widgets::text_field;
use crate::ui::widgets::wide_popup;

pub fn draw(f: &mut Frame, area: Rect, k: &Kubeconfig, hint: &str, theme: &Theme) {
    let inner = wide_popup(
        f,
        area,
        Line::styled(
            format!(" kubeconfig of {} ", k.deployment_name),
            theme.title(),
        ),
        theme,
    );
    let foot_h = 5.min(inner.height);
    let text_area = Rect::new(inner.x, inner.y, inner.width, inner.height - foot_h);
    let foot = Rect::new(inner.x, inner.y + text_area.height, inner.width, foot_h);
    let text: Vec<Line> = k.text.lines().map(|l| Line::raw(l.to_string())).collect();
    f.render_widget(Paragraph::new(text).scroll((k.scroll, 0)), text_area);
    let mut lines = vec![
        Line::styled("─".repeat(usize::from(inner.width)), theme.dim()),
        text_field(
            "save to",
            &k.path,
            k.confirm_overwrite.is_none(),
            inner.width,
            theme,
        ),
    ];
    if let Some(p) = &k.confirm_overwrite {
        lines.push(Line::styled(
            format!(
                "{p} exists: overwrite it? (y counts after half a second; any other key keeps it)"
            ),
            theme.warn(),
        ));
    } else if let Some(e) = &k.error {
        lines.push(Line::styled(format!("✗ {e}"), theme.error()));
    } else if let Some(p) = &k.saved_to {
        lines.push(Line::styled(
            format!("✓ saved to {p} (mode 0600)"),
            theme.ok(),
        ));
    } else {
        lines.push(Line::raw(""));
    }
    lines.push(Line::styled(
        if k.busy {
            "saving…".to_string()
        } else {
            hint.to_string()
        },
        theme.dim(),
    ));
    f.render_widget(Paragraph::new(lines), foot);
}
