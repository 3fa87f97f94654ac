//! Price history: the chart in an offer's Details (the watch dialogs are in `ui::dialogs`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::text::Line;
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph};

use super::theme::Theme;
use crate::app::prices::PriceChart;
use crate::domain::history::{TREND_BUCKETS, TREND_DAYS};

/// Runs of consecutive known values as `(x, y)` points: a gap (nothing available) breaks the
/// line.
fn segments(values: &[Option<f64>]) -> Vec<Vec<(f64, f64)>> {
    let step = TREND_DAYS as f64 / TREND_BUCKETS as f64;
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut cur = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(y) => cur.push((-(TREND_DAYS as f64) + (i as f64 + 0.5) * step, *y)),
            None if !cur.is_empty() => out.push(std::mem::take(&mut cur)),
            None => {}
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// What the chart's lines are, for the line under it.
pub fn caption(c: &PriceChart, theme: &Theme) -> Line<'static> {
    use ratatui::text::Span;
    Line::from(vec![
        Span::styled("── this offer", theme.price()),
        Span::raw("  "),
        Span::styled(format!("── {} lowest", c.model_name), theme.dim()),
        Span::styled(
            "  $/GPU·h per 4 h over 7 days; a gap: not available",
            theme.dim(),
        ),
    ])
}

/// The 7-day chart of an offer's lowest $/GPU·h per 4 hours, and its model's.
pub fn chart(f: &mut Frame, area: Rect, c: &PriceChart, theme: &Theme) {
    let offer = segments(&c.offer);
    let model = segments(&c.model);
    let all = c.offer.iter().chain(&c.model).flatten().copied();
    let (lo, hi) = all.fold((f64::MAX, f64::MIN), |(a, b), y| (a.min(y), b.max(y)));
    if lo > hi {
        f.render_widget(
            Paragraph::new(Line::styled(
                "no price history with availability in the last 7 days",
                theme.dim(),
            )),
            area,
        );
        return;
    }
    let pad = ((hi - lo) * 0.1).max(0.01);
    let (lo, hi) = ((lo - pad).max(0.0), hi + pad);
    let mut sets = Vec::new();
    for (i, s) in model.iter().enumerate() {
        let d = Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.dim())
            .data(s);
        sets.push(if i == 0 {
            d.name(format!("{} lowest", c.model_name))
        } else {
            d
        });
    }
    for (i, s) in offer.iter().enumerate() {
        let d = Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.price())
            .data(s);
        sets.push(if i == 0 { d.name("this offer") } else { d });
    }
    let chart = Chart::new(sets)
        .x_axis(
            Axis::default()
                .bounds([-(TREND_DAYS as f64), 0.0])
                .labels(["-7d", "-3½d", "now"])
                .style(theme.dim()),
        )
        .y_axis(
            Axis::default()
                .bounds([lo, hi])
                .labels([crate::domain::cost::usd(lo), crate::domain::cost::usd(hi)])
                .style(theme.dim()),
        );
    f.render_widget(chart, area);
}
