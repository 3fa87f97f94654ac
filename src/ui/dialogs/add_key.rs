//! Add an SSH key: name, the `~/.ssh/*.pub` list, the key field (a valid key by its fingerprint).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::ui::theme::Theme;

use crate::app::dialogs::add_key::{AddKey, KeyField};
use crate::ui::widgets::{popup_inner_width, public_key_field, sized_popup, text_field};

const POPUP_W: u16 = 100;

pub fn draw(f: &mut Frame, area: Rect, a: &AddKey, hint: &str, theme: &Theme) {
    let field_w = popup_inner_width(area, POPUP_W);
    let mut lines = vec![
        text_field("name", &a.name, a.focus == KeyField::Name, field_w, theme),
        Line::raw(""),
        Line::styled(
            "~/.ssh/*.pub (Tab to the list, ↑↓, Enter picks)",
            theme.header(),
        ),
    ];
    match &a.found {
        None => lines.push(Line::styled("  looking…", theme.dim())),
        Some(v) if v.is_empty() => {
            lines.push(Line::styled("  none found: paste a key below", theme.dim()))
        }
        Some(v) => {
            for (i, k) in v.iter().enumerate().take(6) {
                let mark = if i == a.pick { "▶ " } else { "  " };
                let style = if i == a.pick && a.focus == KeyField::Files {
                    theme.selected()
                } else {
                    theme.text()
                };
                let kind = k.text.split_whitespace().next().unwrap_or("?");
                lines.push(Line::styled(format!("{mark}{}  ({kind})", k.path), style));
            }
        }
    }
    lines.push(Line::raw(""));
    // a valid key by its type, fingerprint and comment; anything else as typed
    lines.push(public_key_field(
        "public key",
        &a.key,
        a.focus == KeyField::Key,
        field_w,
        theme,
    ));
    lines.push(Line::styled(
        "one line: ssh-ed25519 | ssh-rsa | ecdsa-sha2-nistp256/384/521 | sk-…@openssh.com, base64 body, optional comment",
        theme.dim(),
    ));
    lines.push(Line::raw(""));
    if let Some(e) = &a.error {
        let style = if a.private_refused {
            theme.error().add_modifier(ratatui::style::Modifier::BOLD)
        } else {
            theme.error()
        };
        lines.push(Line::styled(format!("✗ {e}"), style));
        if a.private_refused {
            lines.push(Line::styled(
                "Input is paused so the rest of it is not kept: Ctrl-U (or Backspace) to paste a public key.",
                theme.warn(),
            ));
        }
    }
    lines.push(Line::styled(
        if a.busy {
            "sending…".to_string()
        } else {
            hint.to_string()
        },
        theme.dim(),
    ));
    sized_popup(f, area, POPUP_W, "Add SSH key", lines, theme, theme.title());
}
