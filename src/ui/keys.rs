//! The SSH keys pane.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use super::widgets::{self, Col, TableSpec};
use crate::app::screen as layout;
use crate::app::{AppState, Pane};
use crate::domain::clock::date_time;
use crate::domain::ssh_key::match_local_keys;

const COLS: [Col; 4] = [
    Col::grow("Name", 8, 16, 0),
    // `SHA256:` and 43 characters: whole, or dropped
    Col::text("Fingerprint", 51, 51, 2),
    Col::grow("On this machine", 10, 15, 1),
    Col::text("Created", 20, 25, 3),
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
    title.extend(widgets::unreadable_title(&k.completeness, theme));
    let files: Vec<(String, String)> = state
        .cache
        .local_pub_keys
        .iter()
        .flatten()
        .map(|l| (l.path.clone(), l.text.clone()))
        .collect();
    let local = match_local_keys(&files, &k.items);
    if !local.is_empty() {
        let missing: Vec<&str> = local
            .iter()
            .filter(|l| l.on_account.is_none())
            .map(|l| l.file.as_str())
            .collect();
        let text = if missing.is_empty() {
            "· every ~/.ssh/*.pub is on the account ".to_string()
        } else {
            format!(
                "· not on the account: ~/.ssh/{} ",
                missing.join(", ~/.ssh/")
            )
        };
        title.push(Span::styled(text, theme.dim()));
    }
    let no_key = widgets::no_key_text();
    let empty = if !state.session.has_key() {
        no_key.as_str()
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
                match key.unreadable {
                    Some(_) => widgets::unreadable_name(&key.id, theme),
                    None => Line::raw(key.name.as_str()),
                },
                Line::raw(key.fingerprint.as_deref().unwrap_or("–")),
                Line::raw(
                    local
                        .iter()
                        .filter(|l| l.on_account.as_deref() == Some(key.id.as_str()))
                        .map(|l| format!("✓ {}", l.file))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                Line::raw(
                    key.created_at
                        .map_or("–".into(), |t| date_time(t, state.local_offset())),
                ),
            ]
        },
    );
}
