//! The Account pane: balance, burn rate, spend today, runway, and the teams.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::theme::Theme;
use super::widgets::{self, Col, TableSpec};
use crate::app::screen as layout;
use crate::app::{AppState, Pane};
use crate::domain::cost::{ADD_CREDIT_WHERE, burn_rate, runway_hours, spent_today, usd};

/// Runway under this many hours is shown as a warning.
pub const RUNWAY_WARN_HOURS: f64 = 24.0;

const COLS: [Col; 4] = [
    Col::grow("Team", 8, 24, 0),
    Col::money("Balance"),
    Col::text("Role", 6, 10, 2),
    Col::text("Deploys go to", 12, 16, 1),
];

pub fn draw(f: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let top = layout::lines_above_table(Pane::Account).min(area.height);
    let summary = Rect::new(area.x, area.y, area.width, top);
    // wrapped: on a narrow terminal the runway warning continues on the spare row below
    f.render_widget(
        Paragraph::new(summary_lines(state, theme)).wrap(Wrap { trim: false }),
        summary,
    );

    let teams = state
        .account
        .balance
        .as_ref()
        .map(|b| b.teams.as_slice())
        .unwrap_or(&[]);
    let currency = state
        .account
        .balance
        .as_ref()
        .map_or("USD", |b| b.currency.as_str());
    let empty = if !state.session.has_key() {
        "No API key: press r to enter one."
    } else if let Some(e) = &state.account.error {
        e.as_str()
    } else {
        "Loading balance…"
    };
    widgets::table(
        f,
        layout::table_block(area, Pane::Account),
        theme,
        TableSpec {
            title: Line::from(vec![
                Span::styled(" Teams ", theme.title()),
                Span::raw(format!("{} · {currency} ", teams.len())),
            ]),
            cols: &COLS,
            money: &[widgets::money_width(
                teams.iter().map(|t| t.balance),
                balance_text,
            )],
            len: teams.len(),
            selected: state.account.cursor.selected,
            empty,
        },
        |i| {
            let t = &teams[i];
            vec![
                Line::raw(t.team_name.as_str()),
                Line::raw(balance_text(t.balance)),
                Line::raw(t.role.as_deref().unwrap_or("–")),
                Line::raw(if state.current_team_id() == Some(t.team_id.as_str()) {
                    if state.account.chosen_team.is_some() {
                        "◆ chosen (u)"
                    } else {
                        "● current"
                    }
                } else {
                    ""
                }),
            ]
        },
    );
}

fn summary_lines<'a>(state: &'a AppState, theme: &Theme) -> Vec<Line<'a>> {
    let label = |s: &'a str| Span::styled(format!("{s:<18}"), theme.dim());
    // the team new deploys and volumes go to (chosen with `u`, else the platform's current)
    let current = state.account.balance.as_ref().and_then(|b| {
        state
            .current_team_id()
            .and_then(|id| b.teams.iter().find(|t| t.team_id == id))
            .or(b.current())
    });
    let burn = burn_rate(&state.deployments.items, &state.volumes.items);
    let running = state
        .deployments
        .items
        .iter()
        .filter(|d| d.status.is_active())
        .count();
    let mut lines = vec![Line::from(vec![
        label(" Team for deploys"),
        Span::styled(
            current.map_or("–".to_string(), |t| t.team_name.clone()),
            theme.title(),
        ),
    ])];
    lines.push(Line::from(vec![
        label(" Balance"),
        Span::styled(
            current.map_or("–".to_string(), |t| balance_text(t.balance)),
            theme.price(),
        ),
        Span::styled(
            state.account.balance_at.map_or(String::new(), |at| {
                format!("  (live, {}s ago)", (state.now - at).num_seconds().max(0))
            }),
            theme.dim(),
        ),
    ]));
    let mut burn_line = vec![
        label(" Burn rate"),
        Span::raw(format!("{}/h", usd(burn))),
        Span::styled(
            format!(
                "  ({running} active deployment{}, {} volume{})",
                if running == 1 { "" } else { "s" },
                state.volumes.items.len(),
                if state.volumes.items.len() == 1 {
                    ""
                } else {
                    "s"
                }
            ),
            theme.dim(),
        ),
    ];
    // The account cap (config.toml): deploys that would pass it are refused.
    if let Some(cap) = state.account.max_burn_usd_per_hour {
        let style = if burn > cap {
            theme.error()
        } else {
            theme.dim()
        };
        burn_line.push(Span::styled(
            format!("  · cap {}/h (max_burn_usd_per_hour)", usd(cap)),
            style,
        ));
    }
    lines.push(Line::from(burn_line));
    lines.push(Line::from(vec![
        label(" Spent today"),
        Span::raw(usd(spent_today(&state.deployments.items, state.now))),
        Span::styled("  (UTC day, deployments in view)", theme.dim()),
    ]));
    let runway = current.and_then(|t| runway_hours(t.balance?, burn));
    let runway_span = match (current, runway) {
        (None, _) => Span::raw("–"),
        (Some(t), None) if t.balance.is_none() => {
            Span::styled("unknown (the balance is unknown)", theme.warn())
        }
        (Some(_), None) => Span::styled("nothing is spending", theme.dim()),
        (Some(_), Some(h)) => {
            let text = if h >= 48.0 {
                format!("balance lasts ~{:.0} days at this rate", h / 24.0)
            } else {
                format!("balance lasts ~{h:.1} h at this rate")
            };
            if h < RUNWAY_WARN_HOURS {
                Span::styled(
                    format!("{text} — add credit soon, {ADD_CREDIT_WHERE}"),
                    theme.error(),
                )
            } else {
                Span::styled(text, theme.ok())
            }
        }
    };
    lines.push(Line::from(vec![label(" Runway"), runway_span]));
    lines
}

/// A balance, or "unknown" when the API did not give a readable one.
fn balance_text(b: Option<f64>) -> String {
    b.map_or_else(|| "unknown".into(), usd)
}
