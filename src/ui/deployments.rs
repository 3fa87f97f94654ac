//! The Deployments pane: live status, uptime and spend of every instance.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use super::widgets::{self, Col, TableSpec};
use crate::api::{Deployment, DeploymentFilter, DeploymentStatus};
use crate::app::action::PagedList;
use crate::app::deployment_sort::shown_uptime;
use crate::app::screen as layout;
use crate::app::{AppState, Pane};
use crate::domain::cost::{duration_short, usd_opt};

/// Money columns never shrink; the rest are cut with `…`, then dropped from the highest rank.
/// Type stays before the machine's details (as its initial when narrow); a name keeps at least
/// [`NAME_MIN`] letters after its guard countdown.
const COLS: [Col; 10] = [
    Col::grow("Name", NAME_MIN, 20, 0),
    GPU_COL,
    Col::text("Provider", 8, 12, 6),
    Col::text("Region", 8, 10, 7),
    Col::text("Type", 9, 9, 2).abbreviated(),
    Col::text("Status", 12, 13, 1),
    Col::text("IP", 15, 15, 8),
    Col::text("Uptime", 7, 8, 5),
    Col::money("$/h"),
    Col::money("Spent"),
];

/// The GPU column for `rows`: as wide as the widest `name×N`, never cut (the model and the
/// count are what is paid for: `H200 SXM5…` would hide how many), dropped before the name,
/// Type, Status and money but after the provider, the region and the uptime.
fn gpu_col(rows: &[&Deployment]) -> Col {
    let whole = rows
        .iter()
        .map(|d| Line::raw(gpu_cell(d)).width() as u16)
        .max()
        .unwrap_or(0)
        .max(GPU_COL.header.len() as u16);
    Col::text(GPU_COL.header, whole, whole, GPU_COL.drop)
}

fn gpu_cell(d: &Deployment) -> String {
    format!("{}×{}", widgets::gpu_name(&d.gpu_type), d.gpu_count.max(1))
}

const GPU_COL: Col = Col::text("GPU", 8, 12, 4);

/// The cells of a name always shown, whatever the width: 12 letters and a `…`.
const NAME_MIN: u16 = 13;

pub fn draw(f: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let visible = state.visible_deployments();
    let team_column = widgets::team_column(state, PagedList::Deployments);
    let mut cols = widgets::with_team_column(&COLS, team_column);
    // a guarded name keeps its letters after the countdown before it
    let countdown = visible
        .iter()
        .filter_map(|d| state.guard.rows.get(&d.id))
        .map(|g| Line::raw(g.as_str()).width() as u16 + 1)
        .max()
        .unwrap_or(0);
    cols[0] = cols[0].with_prefix(countdown);
    // a GPU model's whole name and its count are kept (`H100 SXM5×8` vs `H100 NVL×1`)
    if let Some(gpu) = cols.iter_mut().find(|c| c.header == "GPU") {
        *gpu = gpu_col(&visible);
    }
    let usage_column = crate::app::usage::any_followed(state);
    let tunnel_column = !state.tunnels.by_deployment.is_empty();
    // After Status: GPU use is the reason to look, second to the status; then the tunnels.
    let after_status = cols
        .iter()
        .position(|c| c.header == "Status")
        .map_or(0, |i| i + 1);
    if tunnel_column {
        cols.insert(after_status, TUNNEL_COL);
    }
    if usage_column {
        cols.insert(after_status, USAGE_COL);
    }
    let filter = match state.deployment_filter {
        DeploymentFilter::Active => "active",
        DeploymentFilter::Inactive => "inactive",
        DeploymentFilter::All => "all",
    };
    let order = &state.deployment_order;
    let mut title = vec![
        Span::styled(" Deployments ", theme.title()),
        Span::raw(format!(
            "{filter} · {} · sort {} {} ",
            visible.len(),
            order.sort.label(),
            if order.descending { "↓" } else { "↑" }
        )),
    ];
    let covered = state.deployments_cover_filter();
    if !covered {
        title.push(Span::styled(format!("· loading {filter}… "), theme.warn()));
    } else if state.deployments.loading {
        title.push(Span::styled("· refreshing… ", theme.warn()));
    }
    title.extend(widgets::stale_teams_title(
        state,
        PagedList::Deployments,
        theme,
    ));
    title.extend(widgets::unreadable_title(
        &state.deployments.completeness,
        theme,
    ));
    if let Some(who) = &state.guard.other_enforcer {
        title.push(Span::styled(
            format!("· guard enforced by {who} "),
            theme.dim(),
        ));
    }
    let no_key = widgets::no_key_text();
    let empty = if !state.session.has_key() {
        no_key.as_str()
    } else if let Some(e) = &state.deployments.error {
        e.as_str()
    } else if state.deployments.loaded_at.is_none() {
        "Loading deployments…"
    } else if !covered {
        "loading… (the list held has only active deployments)"
    } else {
        "Nothing here. Deploy an offer from the Offers pane (1, then d), or press f to see inactive ones."
    };
    widgets::table(
        f,
        layout::table_block(area, Pane::Deployments),
        theme,
        TableSpec {
            title: Line::from(title),
            cols: &cols,
            money: &[
                widgets::money_width(visible.iter().map(|d| d.hourly_rate), usd_opt),
                widgets::money_width(visible.iter().map(|d| d.spent(state.now)), usd_opt),
            ],
            len: visible.len(),
            selected: state.deployments.cursor.selected,
            empty,
        },
        |i| {
            let mut cells = row(visible[i], state, theme);
            let at = COLS
                .iter()
                .position(|c| c.header == "Status")
                .map_or(0, |i| i + 1);
            if tunnel_column {
                cells.insert(at, tunnel_cell(visible[i], state, theme));
            }
            if usage_column {
                cells.insert(at, usage_cell(visible[i], state, theme));
            }
            if team_column {
                let team = widgets::team_cell(
                    state,
                    PagedList::Deployments,
                    visible[i].team_id.as_deref(),
                    theme,
                );
                cells.insert(1, team);
            }
            cells
        },
    );
}

/// GPU use of a followed deployment (`37% · 12/80G`, `?` when the probe failed).
const USAGE_COL: Col = Col::text("GPU use", 7, 17, 3).by_words();

fn usage_cell<'a>(d: &Deployment, state: &AppState, theme: &Theme) -> Line<'a> {
    let text = crate::app::usage::cell(state, d);
    match text.as_str() {
        "?" => Line::styled(text, theme.warn()),
        _ => Line::raw(text),
    }
}

/// Where a tunnel started with `p` is reached here (`localhost:8888`), while any runs.
const TUNNEL_COL: Col = Col::text("Tunnel", 9, 15, 3);

fn tunnel_cell<'a>(d: &Deployment, state: &AppState, theme: &Theme) -> Line<'a> {
    match state.tunnels.by_deployment.get(&d.id) {
        Some(t) if t.local.is_some() => Line::styled(t.short(), theme.key()),
        Some(t) => Line::styled(t.short(), theme.warn()),
        None => Line::raw("–"),
    }
}

/// The status as it fits the column; the details view shows the API's exact word.
fn status_label(s: &DeploymentStatus) -> &str {
    match s {
        DeploymentStatus::TerminatedProvider => "term-provider",
        other => other.as_str(),
    }
}

fn row<'a>(d: &'a Deployment, state: &AppState, theme: &Theme) -> Vec<Line<'a>> {
    let gpu = gpu_cell(d);
    // Uptime counts from the API's start time only (never from the creation time, which would
    // jump back once a start time arrives); a deploying one shows its elapsed time in the status
    // cell instead.
    let uptime = shown_uptime(d, state.now).map_or("–".into(), duration_short);
    let spent = usd_opt(d.spent(state.now));
    let rate = usd_opt(d.hourly_rate);
    // A guarded deployment shows its countdown (or spend left) before its name: a narrow
    // column cuts the name, not the countdown.
    let name = match state.guard.rows.get(&d.id) {
        _ if d.unreadable.is_some() => widgets::unreadable_name(&d.id, theme),
        Some(g) => Line::from(vec![
            Span::styled(g.clone(), theme.warn()),
            Span::raw(format!(" {}", d.name)),
        ]),
        None => Line::raw(d.name.as_str()),
    };

    vec![
        name,
        Line::raw(gpu),
        Line::raw(d.provider.as_str()),
        Line::raw(widgets::region_label(&d.region)),
        Line::raw(d.instance_type.as_str()),
        Line::from(Span::styled(
            crate::app::arrivals::status_label(state, d, status_label(&d.status)),
            theme.status(&d.status),
        )),
        Line::raw(d.ip_address.as_deref().unwrap_or("–")),
        Line::raw(uptime),
        Line::raw(rate),
        Line::raw(spent),
    ]
}
