//! The Deployments pane: live status, uptime and spend of every instance.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::theme::Theme;
use super::widgets::{self, TableSpec};
use crate::api::{Deployment, DeploymentFilter, DeploymentStatus};
use crate::app::screen as layout;
use crate::app::{AppState, Pane};
use crate::domain::cost::{duration_short, usd};

const HEADER: [&str; 10] = [
    "Name", "GPU", "Provider", "Region", "Type", "Status", "IP", "Uptime", "$/h", "Spent",
];
const WIDTHS: [Constraint; 10] = [
    Constraint::Min(14),
    Constraint::Length(12),
    Constraint::Length(12),
    Constraint::Min(10),
    Constraint::Length(9),
    Constraint::Length(13),
    Constraint::Length(15),
    Constraint::Length(8),
    Constraint::Length(7),
    Constraint::Length(8),
];

pub fn draw(f: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let visible = state.visible_deployments();
    let filter = match state.deployment_filter {
        DeploymentFilter::Active => "active",
        DeploymentFilter::Inactive => "inactive",
        DeploymentFilter::All => "all",
    };
    let mut title = vec![
        Span::styled(" Deployments ", theme.title()),
        Span::raw(format!("{filter} · {} ", visible.len())),
    ];
    if let Some(at) = state.deployments.loaded_at {
        let age = (state.now - at).num_seconds().max(0);
        title.push(Span::styled(format!("· updated {age}s ago "), theme.dim()));
    }
    if state.deployments.loading {
        title.push(Span::styled("· refreshing… ", theme.warn()));
    }
    if let Some(who) = &state.guard.other_enforcer {
        title.push(Span::styled(
            format!("· guard enforced by {who} "),
            theme.dim(),
        ));
    }
    let empty = if !state.session.has_key() {
        "No API key: press r to enter one."
    } else if let Some(e) = &state.deployments.error {
        e.as_str()
    } else if state.deployments.loaded_at.is_none() {
        "Loading deployments…"
    } else {
        "Nothing here. Deploy an offer from the Offers pane (1, then d), or press f to see inactive ones."
    };
    widgets::table(
        f,
        layout::table_block(area, Pane::Deployments),
        theme,
        TableSpec {
            title: Line::from(title),
            header: &HEADER,
            widths: &WIDTHS,
            len: visible.len(),
            selected: state.deployments.cursor.selected,
            empty,
        },
        |i| row(visible[i], state, theme),
    );
}

/// The status as it fits the column; the details view shows the API's exact word.
fn status_label(s: &DeploymentStatus) -> &str {
    match s {
        DeploymentStatus::TerminatedProvider => "term-provider",
        other => other.as_str(),
    }
}

fn row<'a>(d: &'a Deployment, state: &AppState, theme: &Theme) -> Row<'a> {
    let gpu = format!("{}×{}", d.gpu_type, d.gpu_count.max(1));
    // Uptime counts from the API's start time only (never from the creation time, which would
    // jump back once a start time arrives); a deploying one shows its elapsed time in the status
    // cell instead.
    let uptime = match d.status {
        DeploymentStatus::Deploying => "–".into(),
        _ if d.started_at.is_none() => "–".into(),
        _ => d.uptime_secs(state.now).map_or("–".into(), duration_short),
    };
    let spent = d.spent(state.now).map_or("–".into(), usd);
    let rate = d.hourly_rate.map_or("–".into(), usd);
    // A guarded deployment shows its countdown (or spend left) before its name: a narrow
    // column cuts the name, not the countdown.
    let name = match state.guard.rows.get(&d.id) {
        Some(g) => Cell::from(Line::from(vec![
            Span::styled(g.clone(), theme.warn()),
            Span::raw(format!(" {}", d.name)),
        ])),
        None => Cell::from(d.name.as_str()),
    };
    Row::new(vec![
        name,
        Cell::from(gpu),
        Cell::from(d.provider.as_str()),
        Cell::from(widgets::region_label(&d.region)),
        Cell::from(d.instance_type.as_str()),
        Cell::from(Span::styled(
            crate::app::watch::status_label(state, d, status_label(&d.status)),
            theme.status(&d.status),
        )),
        Cell::from(d.ip_address.as_deref().unwrap_or("–")),
        Cell::from(uptime),
        Cell::from(rate),
        Cell::from(spent),
    ])
}
