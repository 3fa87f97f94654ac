//! The SSH keys pane.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::theme::Theme;
use super::widgets::{self, TableSpec};
use crate::app::screen as layout;
use crate::app::{AppState, Pane};

const HEADER: [&str; 3] = ["Name", "Fingerprint", "Created"];
const WIDTHS: [Constraint; 3] = [
    Constraint::Min(20),
    Constraint::Min(30),
    Constraint::Length(17),
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
            header: &HEADER,
            widths: &WIDTHS,
            len: k.items.len(),
            selected: k.cursor.selected,
            empty,
        },
        |i| {
            let key = &k.items[i];
            Row::new(vec![
                Cell::from(key.name.as_str()),
                Cell::from(key.fingerprint.as_deref().unwrap_or("–")),
                Cell::from(
                    key.created_at
                        .map_or("–".into(), |t| t.format("%Y-%m-%d %H:%M").to_string()),
                ),
            ])
        },
    );
}
