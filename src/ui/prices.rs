//! Price history and watches: the chart in an offer's Details, the new-watch dialog and the
//! list of watches.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph, Wrap};

use super::theme::Theme;
use super::widgets::{centered, popup};
use crate::app::AppState;
use crate::app::prices::{Dialog, PriceChart};
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
                .labels(["-7d", "-3d", "now"])
                .style(theme.dim()),
        )
        .y_axis(
            Axis::default()
                .bounds([lo, hi])
                .labels([format!("{lo:.2}"), format!("{hi:.2}")])
                .style(theme.dim()),
        );
    f.render_widget(chart, area);
}

pub fn draw(f: &mut Frame, area: Rect, d: &Dialog, state: &AppState, theme: &Theme) {
    match d {
        Dialog::New { spec, price, error } => {
            let rect = centered(area, 72, 10);
            let inner = popup(
                f,
                rect,
                Line::styled(" New price watch ", theme.title()),
                theme,
            );
            let mut lines = vec![
                Line::raw(format!(
                    "GPU {}  ·  type {}  ·  at least {} GPUs",
                    spec.gpu,
                    spec.instance_type.as_deref().unwrap_or("any"),
                    spec.min_count.unwrap_or(1)
                )),
                Line::raw(format!(
                    "provider {}  ·  region {}",
                    spec.provider.as_deref().unwrap_or("any"),
                    spec.region.as_deref().unwrap_or("any")
                )),
                Line::raw(""),
                Line::from(vec![
                    Span::raw("at most $/GPU·h: "),
                    Span::styled(price.value().to_string(), theme.price()),
                    Span::styled("█", theme.key()),
                ]),
            ];
            if let Some(e) = error {
                lines.push(Line::styled(e.clone(), theme.warn()));
            }
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                "Enter saves · Esc cancels · announced once each time it starts matching",
                theme.dim(),
            ));
            f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        }
        Dialog::List { selected } => {
            let w = &state.prices.watches;
            let rect = centered(area, 90, (w.len() as u16 + 5).clamp(7, 24));
            let inner = popup(
                f,
                rect,
                Line::styled(" Price watches — x removes · Esc closes ", theme.title()),
                theme,
            );
            let mut lines = Vec::new();
            if w.is_empty() {
                lines.push(Line::styled(
                    "No watches. w on an offer creates one; so does `spheron-tui watch add`.",
                    theme.dim(),
                ));
            }
            for (i, watch) in w.iter().enumerate() {
                let mark = if state.prices.episodes.is_matching(watch.id) {
                    Span::styled(" ◆ matching", theme.ok())
                } else {
                    Span::raw("")
                };
                let text = format!("{:>3}  {}", watch.id, watch.spec);
                let style = if i == *selected {
                    theme.selected()
                } else {
                    theme.text()
                };
                lines.push(Line::from(vec![Span::styled(text, style), mark]));
            }
            f.render_widget(Paragraph::new(lines), inner);
        }
    }
}
