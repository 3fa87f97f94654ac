//! Add an SSH key: name, the `~/.ssh/*.pub` list, the key field (long keys by their ends).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::ui::theme::Theme;
use tui_input::Input;

use crate::app::dialogs::Kind;
use crate::app::dialogs::add_key::{AddKey, KeyField};
use crate::app::keymap::dialog_hint_line;
use crate::ui::widgets::{public_key_shown, sized_popup, text_field};

pub fn draw(f: &mut Frame, area: Rect, a: &AddKey, theme: &Theme) {
    let mut lines = vec![
        text_field("name", &a.name, a.focus == KeyField::Name, theme),
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
    // a valid key by its type, fingerprint and comment; anything else by its ends
    let shown = public_key_shown(a.key.value());
    lines.push(text_field(
        "public key",
        &Input::new(shown),
        a.focus == KeyField::Key,
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
            dialog_hint_line(Kind::AddKey)
        },
        theme.dim(),
    ));
    sized_popup(f, area, 100, "Add SSH key", lines, theme, theme.title());
}
