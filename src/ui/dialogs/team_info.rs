//! A team: live balance, stored balance, members.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::app::dialogs::{Loading, TeamInfo};
use crate::domain::cost::{ADD_CREDIT_WHERE, usd};
use crate::ui::theme::Theme;
use crate::ui::widgets::sized_popup;

pub fn draw(f: &mut Frame, area: Rect, t: &TeamInfo, theme: &Theme) {
    let row = |k: &str, v: String| {
        Line::from(vec![
            Span::styled(format!("{k:<16}"), theme.dim()),
            Span::raw(v),
        ])
    };
    let mut lines = vec![
        row("team", format!("{} ({})", t.listed.team_name, t.id)),
        row("role", t.listed.role.clone().unwrap_or_else(|| "–".into())),
    ];
    match &t.loaded {
        Loading::Loading => lines.push(Line::styled(
            "loading details and live balance…",
            theme.warn(),
        )),
        Loading::Failed(e) => lines.push(Line::styled(format!("✗ {e}"), theme.error())),
        Loading::Loaded((team, live)) => {
            let bal = live.as_ref().map_or(t.listed.balance, |b| b.balance);
            let empty = bal.is_some_and(|b| b <= 0.0);
            let style = if empty || bal.is_none() {
                theme.error()
            } else {
                theme.price()
            };
            lines.push(Line::from(vec![
                Span::styled(format!("{:<16}", "balance"), theme.dim()),
                Span::styled(bal.map_or_else(|| "unknown".into(), usd), style),
                Span::styled(
                    if live.is_some() {
                        "  (live)"
                    } else {
                        "  (as listed; the live one did not load)"
                    },
                    theme.dim(),
                ),
            ]));
            if empty {
                lines.push(Line::styled(
                    format!(
                        "a team with zero balance cannot deploy: add credit {ADD_CREDIT_WHERE}"
                    ),
                    theme.error(),
                ));
            }
            // The team record's own balance is synced from the live one now and then: shown
            // only while it lags, so one amount is read, not three.
            if let Some(stored) = team
                .balance
                .filter(|s| bal.is_none_or(|b| (s - b).abs() >= 0.005))
            {
                lines.push(Line::styled(
                    format!(
                        "The team record still says {}: it is synced from the live balance every few minutes.",
                        usd(stored)
                    ),
                    theme.dim(),
                ));
            }
            if let Some(m) = team.raw.get("members").and_then(|m| m.as_array()) {
                lines.push(row("members", m.len().to_string()));
            }
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "u: new deploys and volumes go to this team · Esc closes",
        theme.dim(),
    ));
    sized_popup(
        f,
        area,
        80,
        &format!("Team {}", t.listed.team_name),
        lines,
        theme,
        theme.title(),
    );
}
