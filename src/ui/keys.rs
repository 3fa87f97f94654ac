//! The SSH keys pane.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use super::widgets::{self, Col, TableSpec};
use crate::app::screen as layout;
use crate::app::{AppState, Pane};

const COLS: [Col; 3] = [
    Col::grow("Name", 8, 20, 0),
    Col::grow("Fingerprint", 12, 30, 1),
    Col::text("Created", 16, 16, 2),
];

pub fn draw(f: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let k = &state.keys;
    let mut title = vec![
        Span::styled(" SSH keys ", theme.title()),
        Span::raw(format!("{} ", k.items.len())),
    ];
    if k.loading {
        title.push(Span::styled("· loading… ", theme.warn()));
    }
    let empty = if !state.session.has_key() {
        "No API key: press r to enter one."
    } else if let Some(e) = &k.error {
        e.as_str()
    } else if k.loaded_at.is_none() {
        "Loading SSH keys…"
    } else {
        "No SSH keys saved. A deploy can also take a public key inline."
    };
    widgets::table(
        f,
        layout::table_block(area, Pane::Keys),
        theme,
        TableSpec {
            title: Line::from(title),
            cols: &COLS,
            money: &[],
            len: k.items.len(),
            selected: k.cursor.selected,
            empty,
        },
        |i| {
            let key = &k.items[i];
            vec![
                Line::raw(key.name.as_str()),
                Line::raw(key.fingerprint.as_deref().unwrap_or("–")),
                Line::raw(
                    key.created_at
                        .map_or("–".into(), |t| t.format("%Y-%m-%d %H:%M").to_string()),
                ),
            ]
        },
    );
}
