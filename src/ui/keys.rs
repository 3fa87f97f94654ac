//! The SSH keys pane.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::theme::Theme;
use super::widgets::{self, TableSpec};
use crate::app::screen as layout;
use crate::app::{AppState, Pane};
use crate::domain::ssh_key::match_local_keys;

const HEADER: [&str; 4] = ["Name", "Fingerprint", "On this machine", "Created"];
const WIDTHS: [Constraint; 4] = [
    Constraint::Min(16),
    // `SHA256:` and 43 characters, whole.
    Constraint::Length(51),
    Constraint::Min(15),
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
                    local
                        .iter()
                        .filter(|l| l.on_account.as_deref() == Some(key.id.as_str()))
                        .map(|l| format!("✓ {}", l.file))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                Cell::from(
                    key.created_at
                        .map_or("–".into(), |t| t.format("%Y-%m-%d %H:%M").to_string()),
                ),
            ])
        },
    );
}
