//! The Account pane: balance, burn rate, spend today, runway, and the teams.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::theme::Theme;
use super::widgets::{self, Col, TableSpec};
use crate::app::screen as layout;
use crate::app::spend as account_spend;
use crate::app::{AppState, Pane, teams};
use crate::domain::cost::{ADD_CREDIT_WHERE, usd};
use crate::domain::spend::{self, Runway, Tally};

/// Runway under this many hours is shown as a warning.
pub const RUNWAY_WARN_HOURS: f64 = 24.0;

const COLS: [Col; 6] = [
    Col::grow("Team", 8, 24, 0),
    Col::money("Balance"),
    Col::money("Burn/h"),
    // never cut: `~64 d…` would read as a wrong runway
    Col::whole("Runway", 1),
    Col::text("Role", 6, 10, 3),
    Col::text("Deploys go to", 12, 16, 2),
];

/// Hours as the runway column shows them.
fn runway_short(h: f64) -> String {
    if h >= 48.0 {
        format!("~{:.0} days", h / 24.0)
    } else {
        format!("~{h:.1} h")
    }
}

/// A team's burn rate (`at least $X`, `?` when unknown); `*` when its list could not be read
/// this time (last known items).
fn burn_text(t: Option<&teams::TeamSpend>) -> String {
    match t {
        Some(t) if t.stale => format!("{}*", t.burn.text()),
        Some(t) => t.burn.text(),
        None => "?".into(),
    }
}

pub fn draw(f: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let top = layout::lines_above_table(Pane::Account).min(area.height);
    let summary = Rect::new(area.x, area.y, area.width, top);
    // wrapped: on a narrow terminal a line continues on the spare rows below; when they run
    // short, the notes in brackets go (today's spend's, the burn rate's, the balance's age) so
    // that the runway is always whole
    let mut lines = summary_lines(state, theme);
    for (line, note) in NOTES {
        if wrapped_rows(&lines, area.width) <= top {
            break;
        }
        if let Some(l) = lines.get_mut(line)
            && let Some(i) = note
                .min(l.spans.len())
                .checked_sub(usize::from(note == LAST))
            && i >= 2
        {
            l.spans.remove(i);
        }
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), summary);

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
    let spend = teams::spend_by_team(state);
    let own = |id: &str| spend.iter().find(|x| x.team_id == id);
    let no_key = widgets::no_key_text();
    let empty = if !state.session.has_key() {
        no_key.as_str()
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
            money: &[
                widgets::money_width(teams.iter().map(|t| t.balance), balance_text),
                teams
                    .iter()
                    .map(|t| burn_text(own(&t.team_id)).chars().count() as u16)
                    .max()
                    .unwrap_or(0),
            ],
            len: teams.len(),
            selected: state.account.cursor.selected,
            empty,
        },
        |i| {
            let t = &teams[i];
            let mine = own(&t.team_id);
            let runway = match mine.map_or(Runway::Unknown, |x| x.runway) {
                Runway::Forever => Line::styled("–", theme.dim()),
                Runway::Unknown => Line::styled("?", theme.dim()),
                Runway::AtMost(h) => Line::styled(
                    format!("≤{}", runway_short(h)),
                    if h < RUNWAY_WARN_HOURS {
                        theme.error()
                    } else {
                        theme.warn()
                    },
                ),
                Runway::Hours(h) if h < RUNWAY_WARN_HOURS => {
                    Line::styled(runway_short(h), theme.error())
                }
                Runway::Hours(h) => Line::raw(runway_short(h)),
            };
            let stale = mine.is_some_and(|x| x.stale);
            vec![
                Line::raw(t.team_name.as_str()),
                Line::raw(balance_text(t.balance)),
                if stale {
                    Line::styled(burn_text(mine), theme.warn())
                } else {
                    Line::raw(burn_text(mine))
                },
                runway,
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

/// The notes of the summary that go first when rows run short, as (line, span): today's
/// spend's day, the burn rate's count, the balance's age (its last span). The scope after
/// each amount (span 2) stays.
const NOTES: [(usize, usize); 3] = [(3, 3), (2, 3), (1, LAST)];
const LAST: usize = usize::MAX;

/// Rows `lines` take wrapped at word ends in `width` columns.
fn wrapped_rows(lines: &[Line], width: u16) -> u16 {
    let width = usize::from(width.max(1));
    lines
        .iter()
        .map(|l| {
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            let (mut rows, mut used) = (1, 0);
            for word in text.split(' ') {
                let w = Span::raw(word).width();
                if used > 0 && used + 1 + w > width {
                    rows += 1;
                    used = 0;
                }
                used += if used > 0 { 1 + w } else { w };
                while used > width {
                    rows += 1;
                    used -= width;
                }
            }
            rows
        })
        .sum()
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
    let burn = account_spend::account_burn(state);
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
    // Each amount says whose it is: the balance is the deploying team's, with every team's
    // total beside it; the burn rate and today's spend cover every team's deployments.
    let all_teams = state
        .account
        .balance
        .as_ref()
        .map_or(&[][..], |b| b.teams.as_slice());
    let several_teams = all_teams.len() > 1;
    let mut balance_line = vec![
        label(" Balance"),
        Span::styled(
            current.map_or("–".to_string(), |t| balance_text(t.balance)),
            theme.price(),
        ),
    ];
    if several_teams {
        if let Some(t) = current {
            balance_line.push(Span::styled(format!(" in {}", t.team_name), theme.dim()));
        }
        let total: Option<f64> = all_teams.iter().map(|t| t.balance).sum();
        balance_line.push(Span::raw(format!(" · all {} teams: ", all_teams.len())));
        balance_line.push(match total {
            Some(t) => Span::styled(usd(t), theme.price()),
            None => Span::styled("unknown (a team's balance is unknown)", theme.warn()),
        });
    }
    balance_line.push(Span::styled(
        state.account.balance_at.map_or(String::new(), |at| {
            format!("  (live, {}s ago)", (state.now - at).num_seconds().max(0))
        }),
        theme.dim(),
    ));
    lines.push(Line::from(balance_line));
    // said right after the amount, so that a narrow terminal keeps it when the notes go
    let scope = || Span::raw(if several_teams { " all teams" } else { "" });
    let mut burn_line = vec![
        label(" Burn rate"),
        if burn.is_exact() {
            Span::raw(burn.text_h())
        } else {
            Span::styled(burn.text_h(), theme.warn())
        },
        scope(),
        Span::styled(
            format!(
                "  ({running} active deployment{}, {} volume{}{})",
                if running == 1 { "" } else { "s" },
                state.volumes.items.len(),
                if state.volumes.items.len() == 1 {
                    ""
                } else {
                    "s"
                },
                burn.note().map_or(String::new(), |n| format!("; {n}"))
            ),
            theme.dim(),
        ),
    ];
    // The account cap (config.toml): deploys that would pass it are refused.
    if let Some(cap) = state.account.max_burn_usd_per_hour {
        let past = burn.at_least().is_some_and(|b| b > cap);
        let style = if past {
            theme.error()
        } else if !burn.is_exact() {
            theme.warn()
        } else {
            theme.dim()
        };
        let unchecked = if !past && !burn.is_exact() {
            ", cannot be checked: deploys refused"
        } else {
            ""
        };
        burn_line.push(Span::styled(
            format!("  · cap {}/h (max_burn_usd_per_hour{unchecked})", usd(cap)),
            style,
        ));
    }
    lines.push(Line::from(burn_line));
    let today = account_spend::spent_today(state);
    lines.push(Line::from(vec![
        label(" Spent today"),
        Span::raw(today.text()),
        scope(),
        Span::styled(
            format!(
                "  (UTC day, deployments in view{})",
                today.note().map_or(String::new(), |n| format!("; {n}"))
            ),
            theme.dim(),
        ),
    ]));
    // Each team pays from its own balance: with several teams the total runway is every
    // balance over every team's burn, and the team that runs out first is named.
    let spend = teams::spend_by_team(state);
    let several = spend.len() > 1;
    // A team whose balance is unknown leaves the total unknown only if it spends.
    let blind = spend
        .iter()
        .any(|t| t.balance.is_none() && t.burn.value() != Some(0.0));
    let (balance, burn) = if several && !blind {
        let known = spend.iter().filter(|t| t.balance.is_some());
        let total = known.clone().filter_map(|t| t.balance).sum::<f64>();
        let burn = known.fold(Tally::exact(0.0), |a, t| a.plus(t.burn));
        (Some(total), burn)
    } else if several {
        (None, burn)
    } else {
        (current.and_then(|t| t.balance), burn)
    };
    let runway = balance.map_or(Runway::Unknown, |b| spend::runway(b, &burn));
    let soonest = spend
        .iter()
        .filter_map(|t| t.runway.hours().map(|h| (t, h)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .filter(|(_, h)| several && *h < RUNWAY_WARN_HOURS);
    let runway_span = match (current, runway) {
        (None, _) if !several => Span::raw("–"),
        _ if balance.is_none() => Span::styled("unknown (a balance is unknown)", theme.warn()),
        (_, Runway::Forever) => Span::styled("nothing is spending", theme.dim()),
        (_, Runway::Unknown) => Span::styled("unknown (a rate is unknown)", theme.warn()),
        (_, Runway::Hours(h) | Runway::AtMost(h)) => {
            let at_most = if matches!(runway, Runway::AtMost(_)) {
                "at most "
            } else {
                ""
            };
            let mut text = if h >= 48.0 {
                format!("balance lasts {at_most}~{:.0} days at this rate", h / 24.0)
            } else {
                format!("balance lasts {at_most}~{h:.1} h at this rate")
            };
            if several {
                text.push_str(" (all teams)");
            }
            if let Some((t, th)) = soonest {
                // the team that runs out first leads: its warning must not be cut
                Span::styled(
                    format!(
                        "{} runs out in {} — add credit soon, {ADD_CREDIT_WHERE}; {text}",
                        t.name,
                        runway_short(th)
                    ),
                    theme.error(),
                )
            } else if h < RUNWAY_WARN_HOURS {
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
