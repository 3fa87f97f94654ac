//! The Volumes pane: persistent storage, where it is attached and what it costs.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use super::widgets::{self, Col, TableSpec};
use crate::api::Volume;
use crate::app::action::PagedList;
use crate::app::dialogs::create_volume::HOURS_30_DAYS;
use crate::app::screen as layout;
use crate::app::{AppState, Pane};
use crate::domain::cost::usd_opt;

/// Money columns never shrink; the rest are cut with `…`, then dropped from the highest rank.
/// `$/30d` is the hourly cost over 720 hours, as the create dialog estimates it.
const COLS: [Col; 8] = [
    Col::grow("Name", 13, 16, 0),
    Col::text("Provider", 8, 14, 3),
    Col::text("Region", 8, 12, 4),
    Col::text("Size", 8, 9, 2),
    Col::text("Status", 9, 10, 1),
    // a deployment's name, as on Deployments: 12 letters at least, or the column goes
    Col::grow("Attached to", 13, 16, 5),
    Col::money("$/h"),
    Col::money("$/30d"),
];

/// Where an attached volume is reached when the API says (a Voltage Park volume's NFS address):
/// shown only while some volume has one.
const MOUNT_COL: Col = Col::text("Mount", 8, 20, 6);

pub fn draw(f: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let v = &state.volumes;
    let team_column = widgets::team_column(state, PagedList::Volumes);
    let mut cols = widgets::with_team_column(&COLS, team_column);
    let mount_column = v.items.iter().any(|v| mount(v).is_some());
    let after_attached = cols
        .iter()
        .position(|c| c.header == "Attached to")
        .map_or(0, |i| i + 1);
    if mount_column {
        cols.insert(after_attached, MOUNT_COL);
    }
    let mut title = vec![
        Span::styled(" Volumes ", theme.title()),
        Span::raw(format!("{} ", v.items.len())),
    ];
    if v.loading {
        title.push(Span::styled("· refreshing… ", theme.warn()));
    }
    title.extend(widgets::stale_teams_title(state, PagedList::Volumes, theme));
    title.extend(widgets::unreadable_title(&v.completeness, theme));
    let no_key = widgets::no_key_text();
    let empty = if !state.session.has_key() {
        no_key.as_str()
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
            cols: &cols,
            money: &[
                widgets::money_width(v.items.iter().map(Volume::cost_per_hour), usd_opt),
                widgets::money_width(v.items.iter().map(per_30_days), usd_opt),
            ],
            len: v.items.len(),
            selected: v.cursor.selected,
            empty,
        },
        |i| {
            let mut cells = row(&v.items[i], state, theme);
            if mount_column {
                let at = COLS
                    .iter()
                    .position(|c| c.header == "Attached to")
                    .map_or(0, |i| i + 1);
                cells.insert(
                    at,
                    Line::raw(mount(&v.items[i]).unwrap_or_else(|| "–".into())),
                );
            }
            if team_column {
                let team = widgets::team_cell(
                    state,
                    PagedList::Volumes,
                    v.items[i].team_id.as_deref(),
                    theme,
                );
                cells.insert(1, team);
            }
            cells
        },
    );
}

/// The cost of 30 days (720 h) at the volume's hourly cost; unknown when that is unknown.
pub fn per_30_days(v: &Volume) -> Option<f64> {
    v.cost_per_hour().map(|h| h * HOURS_30_DAYS)
}

/// How an attached volume is mounted, as far as the API says: the NFS address it gives for some
/// providers. The API gives no mount path.
pub fn mount(v: &Volume) -> Option<String> {
    let ip = v.virtual_ip.as_deref().filter(|ip| !ip.is_empty())?;
    (!v.attachments().is_empty()).then(|| format!("NFS {ip}"))
}

fn row<'a>(v: &'a Volume, state: &'a AppState, theme: &Theme) -> Vec<Line<'a>> {
    let attached = v
        .attachments()
        .into_iter()
        .map(|id| crate::app::deployment_names::short(state, id))
        .collect::<Vec<_>>()
        .join(", ");
    let status_style = match v.status.as_str() {
        "attached" => theme.ok(),
        "deleting" | "error" => theme.warn(),
        _ => theme.text(),
    };
    let name = match v.unreadable {
        Some(_) => widgets::unreadable_name(&v.id, theme),
        None => Line::raw(v.name.as_str()),
    };
    vec![
        name,
        Line::raw(v.provider.as_str()),
        Line::raw(widgets::region_label(&v.region)),
        Line::raw(v.size_in_gb.map_or("–".into(), |s| format!("{s:.0} GB"))),
        Line::from(Span::styled(v.status.as_str(), status_style)),
        Line::raw(if attached.is_empty() {
            "–".to_string()
        } else {
            attached
        }),
        Line::raw(usd_opt(v.cost_per_hour())),
        Line::raw(usd_opt(per_30_days(v))),
    ]
}
