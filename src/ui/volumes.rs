//! The Volumes pane: persistent storage, where it is attached and what it costs.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::theme::Theme;
use super::widgets::{self, TableSpec};
use crate::api::Volume;
use crate::app::screen as layout;
use crate::app::{AppState, Pane};
use crate::domain::cost::usd;

const HEADER: [&str; 7] = [
    "Name",
    "Provider",
    "Region",
    "Size",
    "Status",
    "Attached to",
    "$/h",
];
const WIDTHS: [Constraint; 7] = [
    Constraint::Min(16),
    Constraint::Length(14),
    Constraint::Min(12),
    Constraint::Length(9),
    Constraint::Length(10),
    Constraint::Min(16),
    Constraint::Length(9),
];

pub fn draw(f: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let v = &state.volumes;
    let mut title = vec![
        Span::styled(" Volumes ", theme.title()),
        Span::raw(format!("{} ", v.items.len())),
    ];
    if v.loading {
        title.push(Span::styled("· refreshing… ", theme.warn()));
    }
    let empty = if !state.session.has_key() {
        "No API key: press r to enter one."
    } else if let Some(e) = &v.error {
        e.as_str()
    } else if v.loaded_at.is_none() {
        "Loading volumes…"
    } else {
        "No volumes. Volumes keep data across instances: a terminated instance's disk is gone."
    };
    widgets::table(
        f,
        layout::table_block(area, Pane::Volumes),
        theme,
        TableSpec {
            title: Line::from(title),
            header: &HEADER,
            widths: &WIDTHS,
            len: v.items.len(),
            selected: v.cursor.selected,
            empty,
        },
        |i| row(&v.items[i], state, theme),
    );
}

/// A deployment's name when it is known, else its id.
fn deployment_name<'a>(state: &'a AppState, id: &'a str) -> &'a str {
    state
        .deployments
        .items
        .iter()
        .find(|d| d.id == id)
        .map_or(id, |d| d.name.as_str())
}

fn row<'a>(v: &'a Volume, state: &'a AppState, theme: &Theme) -> Row<'a> {
    let attached = v
        .attachments()
        .into_iter()
        .map(|id| deployment_name(state, id))
        .collect::<Vec<_>>()
        .join(", ");
    let status_style = match v.status.as_str() {
        "attached" => theme.ok(),
        "deleting" | "error" => theme.warn(),
        _ => theme.text(),
    };
    Row::new(vec![
        Cell::from(v.name.as_str()),
        Cell::from(v.provider.as_str()),
        Cell::from(widgets::region_label(&v.region)),
        Cell::from(v.size_in_gb.map_or("–".into(), |s| format!("{s:.0} GB"))),
        Cell::from(Span::styled(v.status.as_str(), status_style)),
        Cell::from(if attached.is_empty() {
            "–".to_string()
        } else {
            attached
        }),
        Cell::from(v.cost_per_hour().map_or("–".into(), usd)),
    ])
}
