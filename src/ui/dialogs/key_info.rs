//! One SSH key, fresh from the API.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::app::dialogs::KeyInfo;
use crate::ui::theme::Theme;
use crate::ui::widgets::sized_popup;

pub fn draw(f: &mut Frame, area: Rect, k: &KeyInfo, offset: chrono::FixedOffset, theme: &Theme) {
    let row = |name: &str, v: String| {
        Line::from(vec![
            Span::styled(format!("{name:<13}"), theme.dim()),
            Span::raw(v),
        ])
    };
    let key = &k.key;
    let mut lines = vec![
        row("name", key.name.clone()),
        row("id", key.id.clone()),
        row(
            "fingerprint",
            key.fingerprint.clone().unwrap_or_else(|| "–".into()),
        ),
        row(
            "created",
            key.created_at
                .map_or("–".into(), |t| crate::domain::clock::date_time(t, offset)),
        ),
        row(
            "public key",
            key.public_key
                .clone()
                .unwrap_or_else(|| "– (not returned)".into()),
        ),
        Line::raw(""),
    ];
    lines.push(if k.loading {
        Line::styled("reading the key from your account…", theme.warn())
    } else if let Some(e) = &k.error {
        Line::styled(format!("✗ {e}"), theme.error())
    } else {
        Line::styled("just read from your account · Esc closes", theme.dim())
    });
    sized_popup(
        f,
        area,
        100,
        &format!("SSH key {}", key.name),
        lines,
        theme,
        theme.title(),
    );
}
