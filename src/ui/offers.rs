//! The Offers pane: a filter bar and one row per offer; with a price history, a trend per row
//! (a 7-day sparkline and the change against 24 h ago when the pane is wide, the change alone
//! when not) and the model's 7-day low; rows that match a price watch are marked `◆`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

use super::theme::Theme;
use super::widgets::{self, TableSpec};
use crate::api::Offer;
use crate::app::prices::{RowTrend, SPARK_CELLS};
use crate::app::screen as layout;
use crate::app::{AppState, Pane};
use crate::domain::cost::usd;

/// From this pane width on, the trend shows a sparkline as well as the change.
const SPARK_FROM_WIDTH: u16 = 150;

const HEADER: [&str; 11] = [
    "GPU", "Provider", "Type", "GPUs", "vCPU", "RAM", "VRAM", "Region", "$/h", "$/GPU·h", "Avail",
];
const WIDTHS: [Constraint; 11] = [
    Constraint::Min(14),
    Constraint::Length(14),
    Constraint::Length(9),
    Constraint::Length(4),
    Constraint::Length(4),
    Constraint::Length(6),
    Constraint::Length(5),
    Constraint::Min(12),
    Constraint::Length(16),
    Constraint::Length(8),
    Constraint::Length(9),
];

pub fn draw(f: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let o = &state.offers;
    let bar = Rect::new(area.x, area.y, area.width, 1.min(area.height));
    f.render_widget(Paragraph::new(filter_line(state, theme)), bar);

    let mut title = vec![Span::styled(" Offers ", theme.title())];
    title.push(Span::raw(format!(
        "{} shown of {} · {} GPU models",
        o.visible.len(),
        o.all.len(),
        o.total_groups
    )));
    if o.loading {
        title.push(Span::styled(
            format!(" · loading page {}…", o.pages_loaded + 1),
            theme.warn(),
        ));
    } else if o.total_pages > 1 {
        title.push(Span::styled(
            format!(" · {} pages", o.total_pages),
            theme.dim(),
        ));
    }
    title.push(Span::raw(format!(
        " · type {} · sort {} {} ",
        o.instance_type.as_ref().map_or("all", |t| t.as_str()),
        o.sort.label(),
        if o.descending { "↓" } else { "↑" }
    )));
    if !state.session.has_key() {
        title.push(Span::styled("· list prices (no key) ", theme.dim()));
    }
    let empty = if let Some(e) = &o.error {
        e.as_str()
    } else if !o.loaded_once {
        "Loading offers…"
    } else {
        "No offer matches. Esc clears the filter; t changes the instance type."
    };
    let trends = !state.prices.rows.is_empty();
    let spark = area.width >= SPARK_FROM_WIDTH;
    let mut header: Vec<&str> = HEADER.to_vec();
    let mut widths: Vec<Constraint> = WIDTHS.to_vec();
    if trends {
        header.extend([if spark { "7d trend" } else { "24h" }, "7d low"]);
        widths.extend([
            Constraint::Length(if spark { SPARK_CELLS as u16 + 6 } else { 5 }),
            Constraint::Length(7),
        ]);
    }
    let watching = !state.prices.watches.is_empty();
    widgets::table(
        f,
        layout::table_block(area, Pane::Offers),
        theme,
        TableSpec {
            title: Line::from(title),
            header: &header,
            widths: &widths,
            len: o.visible.len(),
            selected: o.cursor.selected,
            empty,
        },
        |i| {
            let at = o.visible[i];
            let offer = &o.all[at];
            let mut r = row(offer, theme, watching && state.prices.watched(offer));
            if trends {
                let t = state.prices.rows.get(at).and_then(Option::as_ref);
                r.extend(trend_cells(t, spark, theme));
            }
            Row::new(r)
        },
    );
}

fn filter_line<'a>(state: &'a AppState, theme: &Theme) -> Line<'a> {
    let o = &state.offers;
    let mut spans = vec![Span::styled(" / ", theme.key())];
    let text = o.filter_input.value();
    if text.is_empty() && !o.editing_filter {
        spans.push(Span::styled(
            "filter: h100  gpu:a100 provider:voltage type:spot region:us count>=8 vram>=80 price<3 gpuprice<2",
            theme.dim(),
        ));
    } else {
        spans.push(Span::raw(text));
        if o.editing_filter {
            spans.push(Span::styled("█", theme.key()));
            spans.push(Span::styled("  Enter search · Esc clear", theme.dim()));
        }
    }
    if let Some(err) = o.filter.errors.first() {
        spans.push(Span::styled(format!("  {err}"), theme.warn()));
    }
    Line::from(spans)
}

fn gb(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |g| format!("{g:.0}G"))
}

/// The trend and 7-day-low cells of one offer.
fn trend_cells<'a>(t: Option<&'a RowTrend>, spark: bool, theme: &Theme) -> [Cell<'a>; 2] {
    let Some(t) = t else {
        return [Cell::from(""), Cell::from("–")];
    };
    let style = if t.change.starts_with('↑') {
        theme.warn()
    } else if t.change.starts_with('↓') {
        theme.ok()
    } else {
        theme.dim()
    };
    let change = Span::styled(t.change.as_str(), style);
    let trend = if spark {
        Line::from(vec![
            Span::styled(t.spark.as_str(), theme.price()),
            Span::raw(" "),
            change,
        ])
    } else {
        Line::from(change)
    };
    let low = t.low.map_or_else(|| "–".to_string(), |l| format!("{l:.2}"));
    [Cell::from(trend), Cell::from(low)]
}

fn row<'a>(o: &'a Offer, theme: &Theme, watched: bool) -> Vec<Cell<'a>> {
    let regions = o.regions();
    let region = match regions.len() {
        0 => "–".to_string(),
        1 => widgets::region_label(regions[0]).to_string(),
        n => format!("{} +{}", widgets::region_label(regions[0]), n - 1),
    };
    let price = match o.list_price_if_discounted() {
        Some(list) => Line::from(vec![
            Span::styled(usd(o.hourly_rate()), theme.price()),
            Span::raw(" "),
            Span::styled(usd(list), theme.struck()),
        ]),
        None => Line::from(Span::styled(usd(o.hourly_rate()), theme.price())),
    };
    let avail = if o.maintenance {
        Span::styled("maint.", theme.warn())
    } else if !o.available {
        Span::styled("no", theme.dim())
    } else {
        let units = o
            .extras
            .technical
            .as_ref()
            .and_then(|t| t.units_available)
            .map_or(String::new(), |u| format!(" ({u})"));
        Span::styled(format!("yes{units}"), theme.ok())
    };
    let gpu = if o.gpu_display.is_empty() {
        &o.gpu_type
    } else {
        &o.gpu_display
    };
    let gpu_cell = if watched {
        Cell::from(Line::from(vec![
            Span::styled("◆ ", theme.ok()),
            Span::raw(widgets::gpu_label(gpu)),
        ]))
    } else {
        Cell::from(widgets::gpu_label(gpu))
    };
    vec![
        gpu_cell,
        Cell::from(o.provider.as_str()),
        Cell::from(o.instance_type.as_str()),
        Cell::from(o.gpu_count.to_string()),
        Cell::from(o.vcpus.map_or("–".into(), |v| v.to_string())),
        Cell::from(gb(o.memory)),
        Cell::from(gb(o.gpu_memory)),
        Cell::from(region),
        Cell::from(price),
        Cell::from(usd(o.per_gpu_rate())),
        Cell::from(avail),
    ]
}
