//! The Offers pane: a filter bar and one row per offer; with a price history, a trend per row
//! (a 7-day sparkline and the change against 24 h ago when the pane is wide, the change alone
//! when not) and the model's 7-day low; rows that match a price watch are marked `◆`; with a
//! model plan, each offer's Fit, est. tok/s and $/Mtok.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::widgets::{self, Col, TableSpec};
use crate::api::Offer;
use crate::app::filter::TERMS_HINT;
use crate::app::prices::{RowTrend, SPARK_CELLS};
use crate::app::screen as layout;
use crate::app::{AppState, Pane};
use crate::domain::cost::{usd, usd_opt};
use crate::domain::planner::{Fit, OfferPlan};

/// Below this pane width the title leaves out the count of GPU models.
const NARROW_TITLE_BELOW: u16 = 72;

/// From this pane width on, the trend shows a sparkline as well as the change.
const SPARK_FROM_WIDTH: u16 = 150;

/// Money columns never shrink; the rest are cut with `…`, then dropped from the highest rank.
/// Type (SPOT or DEDICATED: a risk the user pays for) stays before the machine and the region,
/// as its initial when narrow (`S`, `D`, `C`; `?` says so).
const COLS: [Col; 11] = [
    Col::grow("GPU", 13, 14, 0),
    Col::text("Provider", 8, 14, 5),
    Col::text("Type", 9, 9, 2).abbreviated(),
    Col::text("GPUs", 4, 4, 3),
    Col::text("vCPU", 4, 4, 9),
    Col::text("RAM", 6, 6, 8),
    Col::text("VRAM", 5, 5, 7),
    Col::text("Region", 9, 12, 6),
    Col::money("$/h"),
    Col::money("$/GPU·h"),
    Col::text("Avail", 5, 9, 4).by_words(),
];

pub fn draw(f: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let o = &state.offers;
    let bar = Rect::new(area.x, area.y, area.width, 1.min(area.height));
    f.render_widget(Paragraph::new(filter_line(state, area.width, theme)), bar);

    let mut title = vec![Span::styled(" Offers ", theme.title())];
    // narrow: the count of models goes, so that the sort and its direction stay in view
    let models = if area.width >= NARROW_TITLE_BELOW {
        format!(
            " · {} GPU model{}",
            o.visible_models,
            if o.visible_models == 1 { "" } else { "s" }
        )
    } else {
        String::new()
    };
    title.push(Span::raw(format!(
        "{} shown of {}{models}",
        o.visible.len(),
        o.all.len(),
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
    let mut cols: Vec<Col> = COLS.to_vec();
    // every GPU model's whole name (and a watch's `◆ `): `RTX PRO 6000 PCIe` is never cut
    let widest_gpu = o
        .visible
        .iter()
        .map(|&at| Line::raw(widgets::gpu_name(&o.all[at].gpu_type)).width() as u16)
        .max()
        .unwrap_or(0);
    let marker = if state.prices.watches.is_empty() {
        0
    } else {
        2
    };
    cols[0] = cols[0].with_min(widest_gpu + marker);
    if o.plan.is_some() {
        cols.extend(PLAN_COLS);
    }
    if trends {
        cols.push(if spark {
            Col::text("7d trend", 5, SPARK_CELLS as u16 + 6, 1)
        } else {
            Col::text("24h", 5, 5, 1)
        });
        cols.push(Col::text("7d low", 7, 8, 10));
    }
    let watching = !state.prices.watches.is_empty();
    widgets::table(
        f,
        layout::table_block(area, Pane::Offers),
        theme,
        TableSpec {
            title: Line::from(title),
            cols: &cols,
            money: &money_widths(state),
            len: o.visible.len(),
            selected: o.cursor.selected,
            empty,
        },
        |i| {
            let at = o.visible[i];
            let offer = &o.all[at];
            let mut r = row(offer, theme, watching && state.prices.watched(offer));
            if let Some(plan) = &o.plan {
                r.extend(plan_cells(plan.rows.get(at), offer, theme));
            }
            if trends {
                let t = state.prices.rows.get(at).and_then(Option::as_ref);
                r.extend(trend_cells(t, spark, theme));
            }
            r
        },
    );
}

/// The model plan's columns, after the offer's own: the verdict with the need against the
/// memory, the estimated decode speed, and the cost of a million tokens.
const PLAN_COLS: [Col; 3] = [
    Col::text("Fit", 14, 16, 1),
    Col::text("est. tok/s", 5, 10, 3),
    Col::money("$/Mtok"),
];

/// The price column holds the rate and, when discounted, the struck list price after it.
/// Sized from the extremes kept with the visible rows, not from every row at each frame.
fn money_widths(state: &AppState) -> Vec<u16> {
    let a = &state.offers.amounts;
    let list = if a.list.is_empty() {
        0
    } else {
        1 + a.list.width(usd_opt)
    };
    let mut w = vec![a.rate.width(usd_opt) + list, a.per_gpu.width(usd_opt)];
    if state.offers.plan.is_some() {
        w.push(a.per_mtok.width(usd_opt).max(1));
    }
    w
}

/// How a verdict is drawn: `fits` fine, `tight` a warning, `no` dimmed.
pub fn fit_style(f: Fit, theme: &Theme) -> ratatui::style::Style {
    match f {
        Fit::Fits => theme.ok(),
        Fit::Tight => theme.warn(),
        Fit::No => theme.dim(),
    }
}

/// The plan's cells of one offer: `fits 90/160 GB` (the need of all its GPUs against their
/// memory), the estimated tok/s, and $/Mtok (`–` where the model does not fit, `?` unknown).
fn plan_cells<'a>(p: Option<&OfferPlan>, o: &Offer, theme: &Theme) -> [Line<'a>; 3] {
    let Some(p) = p else {
        return [Line::raw("–"), Line::raw("–"), Line::raw("–")];
    };
    let fit = match (p.fit, p.fit_text(o.gpu_count)) {
        (Some(f), Some(text)) => Span::styled(text, fit_style(f, theme)),
        _ => Span::styled("? VRAM", theme.dim()),
    };
    let speed = p.speed_text();
    let cost = if p.fit == Some(Fit::No) {
        Span::styled("–", theme.dim())
    } else {
        Span::styled(usd_opt(p.usd_per_million_tokens), theme.price())
    };
    [Line::from(fit), Line::raw(speed), Line::from(cost)]
}

fn filter_line<'a>(state: &'a AppState, width: u16, theme: &Theme) -> Line<'a> {
    let o = &state.offers;
    let mut spans = vec![Span::styled(" / ", theme.key())];
    let mut width = width;
    if let Some(label) =
        super::chrome::plan_label(state).filter(|_| !super::chrome::plan_in_header(state, width))
    {
        width = width.saturating_sub(label.chars().count() as u16 + 2);
        spans.insert(0, Span::styled(label, theme.title()));
        spans.insert(1, Span::raw("·"));
    }
    let text = o.filter_input.value();
    if text.is_empty() && !o.editing_filter {
        // the longest example that fits: a cut one would read as a broken filter
        let room = usize::from(width).saturating_sub(3);
        let placeholder = [
            "no filter · press / to type one, e.g. h100 gpu:a100 provider:voltage type:spot count>=8 price<3",
            "no filter · press / to type one, e.g. gpu:a100 type:spot count>=8 price<3",
            "no filter · press / to type one, e.g. gpu:a100 price<3",
            "no filter · press / to type one",
        ]
        .into_iter()
        .find(|p| p.chars().count() <= room)
        .unwrap_or("press / to filter");
        spans.push(Span::styled(placeholder, theme.dim()));
    } else {
        // a long filter scrolls in its part of the line, so its marks stay in view
        let hint = "  Enter search · Esc clear";
        let room = if o.filter.errors.is_empty() {
            usize::from(width).saturating_sub(3 + hint.len())
        } else {
            usize::from(width) / 2
        };
        spans.extend(widgets::field_value(
            &o.filter_input,
            o.editing_filter,
            room,
            theme,
        ));
        if o.editing_filter {
            spans.push(Span::styled(hint, theme.dim()));
        }
    }
    for err in &o.filter.errors {
        spans.push(Span::styled(format!("  ✗ {err}"), theme.warn()));
    }
    if !o.filter.errors.is_empty() {
        spans.push(Span::styled(format!("  ({TERMS_HINT})"), theme.dim()));
    }
    Line::from(spans)
}

fn gb(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |g| format!("{g:.0}G"))
}

/// The trend and 7-day-low cells of one offer.
fn trend_cells<'a>(t: Option<&'a RowTrend>, spark: bool, theme: &Theme) -> [Line<'a>; 2] {
    let Some(t) = t else {
        return [Line::raw(""), Line::raw("–")];
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
    let low = t
        .low
        .map_or_else(|| "–".to_string(), crate::domain::cost::usd);
    [trend, Line::raw(low)]
}

fn row<'a>(o: &'a Offer, theme: &Theme, watched: bool) -> Vec<Line<'a>> {
    let regions = o.regions();
    let region = match regions.len() {
        0 => "–".to_string(),
        1 => widgets::region_label(regions[0]).to_string(),
        n => format!("{} +{}", widgets::region_label(regions[0]), n - 1),
    };
    let price = match o.list_price_if_discounted() {
        Some(list) => Line::from(vec![
            Span::styled(usd_opt(o.hourly_rate()), theme.price()),
            Span::raw(" "),
            Span::styled(usd(list), theme.struck()),
        ]),
        None => Line::from(Span::styled(usd_opt(o.hourly_rate()), theme.price())),
    };
    let avail = if o.hourly_rate().is_none() {
        Span::styled("no", theme.warn())
    } else if o.maintenance {
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
    let gpu = widgets::gpu_name(&o.gpu_type);
    let gpu_cell = if watched {
        Line::from(vec![Span::styled("◆ ", theme.ok()), Span::raw(gpu)])
    } else {
        Line::raw(gpu)
    };
    vec![
        gpu_cell,
        Line::raw(o.provider.as_str()),
        Line::raw(o.instance_type.as_str()),
        Line::raw(o.gpu_count.to_string()),
        Line::raw(o.vcpus.map_or("–".into(), |v| v.to_string())),
        Line::raw(gb(o.memory)),
        Line::raw(gb(o.gpu_memory)),
        Line::raw(region),
        price,
        Line::raw(usd_opt(o.per_gpu_rate())),
        Line::from(avail),
    ]
}
