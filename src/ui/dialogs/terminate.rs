//! The terminate confirm: what is lost, said plainly; buttons pinned to the bottom.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::AppState;
use crate::app::dialogs::terminate::Check;
use crate::app::dialogs::{Confirm, Op};
use crate::domain::cost::{duration_short, usd};
use crate::ui::theme::Theme;
use crate::ui::widgets::{buttons, centered, popup};

fn minutes(m: Option<f64>) -> String {
    m.map_or("?".into(), |m| format!("{:.0}", m.ceil()))
}

pub fn draw(f: &mut Frame, area: Rect, c: &Confirm, state: &AppState, theme: &Theme) {
    let Op::Terminate {
        id,
        name,
        gpu,
        instance_type,
    } = &c.op
    else {
        return;
    };
    let rect = centered(area, 88, 22);
    let inner = popup(
        f,
        rect,
        Line::styled(format!(" Terminate {name} "), theme.error()),
        theme,
    );
    // Live figures by id (the row under the cursor may have moved; the id has not).
    let live = state.deployments.items.iter().find(|x| &x.id == id);
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
        field("Name", name.clone()),
        field("GPU", format!("{gpu}  ·  {instance_type}")),
        field("Uptime", uptime),
        field("Spent", format!("{spent}{rate}")),
        field("Id", id.clone()),
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
    match c.check.as_ref().unwrap_or(&Check::Pending) {
        Check::Pending => lines.push(Line::styled(
            "Checking whether it can be terminated now (can-terminate)…",
            theme.dim(),
        )),
        Check::Allowed(a) => lines.push(Line::styled(
            format!(
                "Minimum runtime met{}: it can be terminated.",
                a.minimum_runtime
                    .map_or(String::new(), |m| format!(" ({} min)", minutes(Some(m))))
            ),
            theme.ok(),
        )),
        Check::Blocked(b) => {
            lines.push(Line::styled(
                format!(
                    "Cannot terminate yet: {} minutes remain of the {}-minute minimum runtime.",
                    minutes(b.time_remaining),
                    minutes(b.minimum_runtime)
                ),
                theme.error(),
            ));
            if let Some(r) = &b.reason {
                lines.push(Line::styled(r.clone(), theme.dim()));
            }
        }
        Check::Failed(e) => lines.push(Line::styled(e.clone(), theme.error())),
    }
    if let Some(e) = &c.error {
        lines.push(Line::styled(e.clone(), theme.error()));
    }
    lines.push(Line::raw(""));
    // Buttons and hints are pinned to the bottom: on a small terminal the text wraps and is cut
    // above them, never them.
    let mut footer = Vec::new();
    if c.busy {
        footer.push(Line::styled("Terminating… (one DELETE sent)", theme.warn()));
    } else {
        let action = c.can_confirm().then_some("Terminate");
        footer.push(buttons("Cancel", action, c.on_action, theme));
    }
    footer.push(Line::raw(""));
    let hint = if c.can_confirm() {
        "y terminates · Enter on a button · Tab/←→ move · Esc/n cancel"
    } else if matches!(c.check, Some(Check::Failed(_))) {
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
