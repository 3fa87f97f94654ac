//! The terminate confirm (what is lost, said plainly) and the small rename dialog.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::deploy::buttons;
use super::theme::Theme;
use super::widgets::{centered, popup};
use crate::app::AppState;
use crate::app::connect::RenameDialog;
use crate::app::terminate::{Check, TerminateDialog};
use crate::domain::cost::{duration_short, usd};

fn minutes(m: Option<f64>) -> String {
    m.map_or("?".into(), |m| format!("{:.0}", m.ceil()))
}

pub fn draw(f: &mut Frame, area: Rect, d: &TerminateDialog, state: &AppState, theme: &Theme) {
    let rect = centered(area, 88, 22);
    let inner = popup(
        f,
        rect,
        Line::styled(format!(" Terminate {} ", d.name), theme.error()),
        theme,
    );
    // Live figures by id (the row under the cursor may have moved; the id has not).
    let live = state.deployments.items.iter().find(|x| x.id == d.id);
    let uptime = live
        .and_then(|x| x.uptime_secs(state.now))
        .map_or("–".into(), duration_short);
    let spent = live
        .and_then(|x| x.spent(state.now))
        .map_or("–".into(), usd);
    let rate = live
        .and_then(|x| x.hourly_rate)
        .map_or(String::new(), |r| format!(" (at {}/h)", usd(r)));
    let field = |k: &str, v: String| {
        Line::from(vec![
            Span::styled(format!("{k:<9}"), theme.dim()),
            Span::raw(v),
        ])
    };
    let mut lines = vec![
        field("Name", d.name.clone()),
        field("GPU", format!("{}  ·  {}", d.gpu, d.instance_type)),
        field("Uptime", uptime),
        field("Spent", format!("{spent}{rate}")),
        field("Id", d.id.clone()),
        Line::raw(""),
        Line::styled(
            "Terminating DELETES the instance and its disk: the OS, installed packages, models and any data not on a volume.",
            theme.warn(),
        ),
        Line::styled(
            "It cannot be undone or resumed. There is no stop or pause: terminate is the only way to end billing.",
            theme.warn(),
        ),
        Line::raw("Attached volumes are detached and survive."),
        Line::raw(""),
    ];
    match &d.check {
        Check::Pending => lines.push(Line::styled(
            "Checking whether it can be terminated now (can-terminate)…",
            theme.dim(),
        )),
        Check::Allowed(c) => lines.push(Line::styled(
            format!(
                "Minimum runtime met{}: it can be terminated.",
                c.minimum_runtime
                    .map_or(String::new(), |m| format!(" ({} min)", minutes(Some(m))))
            ),
            theme.ok(),
        )),
        Check::Blocked(c) => {
            lines.push(Line::styled(
                format!(
                    "Cannot terminate yet: {} minutes remain of the {}-minute minimum runtime.",
                    minutes(c.time_remaining),
                    minutes(c.minimum_runtime)
                ),
                theme.error(),
            ));
            if let Some(r) = &c.reason {
                lines.push(Line::styled(r.clone(), theme.dim()));
            }
        }
        Check::Failed(e) => lines.push(Line::styled(e.clone(), theme.error())),
    }
    if let Some(e) = &d.error {
        lines.push(Line::styled(e.clone(), theme.error()));
    }
    lines.push(Line::raw(""));
    // Buttons and hints are pinned to the bottom: on a small terminal the text wraps and is cut
    // above them, never them.
    let mut footer = Vec::new();
    if d.sending {
        footer.push(Line::styled("Terminating… (one DELETE sent)", theme.warn()));
    } else {
        let action = d.can_confirm().then_some("Terminate");
        footer.push(buttons("Cancel", action, d.confirm_focus, theme));
    }
    footer.push(Line::raw(""));
    let hint = if d.can_confirm() {
        "y terminates · Enter on a button · Tab/←→ move · Esc/n cancel"
    } else if matches!(d.check, Check::Failed(_)) {
        "r checks again · Esc/n close"
    } else {
        "Esc/n close"
    };
    footer.push(Line::styled(hint, theme.dim()));
    let foot_h = (footer.len() as u16).min(inner.height);
    let body = Rect::new(inner.x, inner.y, inner.width, inner.height - foot_h);
    let foot = Rect::new(inner.x, inner.y + body.height, inner.width, foot_h);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
    f.render_widget(Paragraph::new(footer), foot);
}

pub fn draw_guard(f: &mut Frame, area: Rect, g: &crate::app::guard::GuardDialog, theme: &Theme) {
    let rect = centered(area, 84, 10);
    let inner = popup(f, rect, Line::styled(" Spend guard ", theme.title()), theme);
    let now = match &g.current {
        Some(c) => format!("{} · guard now: {c}", g.name),
        None => format!("{} · no guard", g.name),
    };
    let mut lines = vec![
        Line::styled(now, theme.dim()),
        Line::raw(""),
        Line::from(vec![
            Span::styled("terminate: ", theme.dim()),
            Span::raw(g.input.value().to_string()),
            Span::styled("█", theme.key()),
        ]),
        Line::raw(""),
        Line::styled(
            "8h or 1h30m from now · 18:00 local · $50 of spend · empty clears",
            theme.dim(),
        ),
        Line::styled(
            "Enter sets · Esc cancels · acts only while the dashboard or `guard run` runs",
            theme.dim(),
        ),
    ];
    if let Some(e) = &g.error {
        lines.push(Line::styled(e.clone(), theme.error()));
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

pub fn draw_rename(f: &mut Frame, area: Rect, r: &RenameDialog, theme: &Theme) {
    let rect = centered(area, 72, 9);
    let inner = popup(
        f,
        rect,
        Line::styled(" Rename deployment ", theme.title()),
        theme,
    );
    let mut lines = vec![
        Line::styled(
            format!("{} · only the name can change", r.original),
            theme.dim(),
        ),
        Line::raw(""),
        Line::from(vec![
            Span::styled("name: ", theme.dim()),
            Span::raw(r.input.value().to_string()),
            Span::styled("█", theme.key()),
        ]),
        Line::raw(""),
    ];
    if r.sending {
        lines.push(Line::styled("Renaming…", theme.warn()));
    } else {
        lines.push(Line::styled("Enter renames · Esc cancels", theme.dim()));
    }
    if let Some(e) = &r.error {
        lines.push(Line::styled(e.clone(), theme.error()));
    }
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
