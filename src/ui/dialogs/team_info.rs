//! A team: live balance, stored balance, members.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::app::dialogs::{Loading, TeamInfo};
use crate::domain::cost::usd;
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
            let style = if bal <= 0.0 {
                theme.error()
            } else {
                theme.price()
            };
            lines.push(Line::from(vec![
                Span::styled(format!("{:<16}", "live balance"), theme.dim()),
                Span::styled(usd(bal), style),
            ]));
            if bal <= 0.0 {
                lines.push(Line::styled(
                    "a team with zero balance cannot deploy",
                    theme.error(),
                ));
            }
            lines.push(row(
                "stored balance",
                team.balance
                    .map_or("–".into(), |b| format!("{} (not live)", usd(b))),
            ));
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
