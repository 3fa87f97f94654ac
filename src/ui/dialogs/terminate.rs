//! The terminate confirm: what is lost, said plainly; buttons pinned to the bottom.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::AppState;
use crate::app::dialogs::terminate::{
    ANYWAY, Check, LOSS, UNSETTLED, blocked_text, fate_text, volume_fates,
};
use crate::app::dialogs::{Confirm, Op};
use crate::domain::cost::{duration_short, usd_h, usd_opt};
use crate::domain::spend::ALL_TEAMS;
use crate::ui::theme::Theme;
use crate::ui::widgets::{centered, popup, word_prompt};

fn minutes(m: Option<f64>) -> String {
    m.map_or("?".into(), |m| format!("{:.0}", m.ceil()))
}

pub fn draw(f: &mut Frame, area: Rect, c: &Confirm, state: &AppState, hint: &str, theme: &Theme) {
    let Op::Terminate {
        id,
        name,
        gpu,
        instance_type,
    } = &c.op
    else {
        return;
    };
    // Live figures by id (the row under the cursor may have moved; the id has not).
    let live = state.deployments.items.iter().find(|x| &x.id == id);
    let uptime = live
        .and_then(|x| x.uptime_secs(state.now))
        .map_or("–".into(), duration_short);
    let spent = usd_opt(live.and_then(|x| x.spent(state.now)));
    let rate = format!(" (at {})", usd_h(live.and_then(|x| x.hourly_rate)));
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
        Line::styled(LOSS[0], theme.warn()),
        Line::styled(LOSS[1], theme.warn()),
    ];
    let fates = volume_fates(state, id);
    if fates.is_empty() {
        lines.push(Line::raw("No volume is attached."));
    }
    for v in &fates {
        let fate = fate_text(v, "D");
        lines.push(Line::from(vec![
            Span::raw(format!("Volume {} ", v.name)),
            Span::styled(usd_h(v.per_hour), theme.price()),
            Span::raw(format!(" {fate}.")),
        ]));
    }
    if let Some(s) = c.spend {
        lines.push(Line::from(vec![
            // what every team spends (as the deploy summary labels it)
            Span::styled(format!("{ALL_TEAMS} "), theme.dim()),
            Span::styled(s.text(), theme.price()),
        ]));
    }
    lines.push(Line::raw(""));
    // Whether it can be terminated now follows the figures; on a small terminal it is pinned
    // above the prompt instead, so the figures are cut, never the answer the prompt depends on.
    let mut pinned = Vec::new();
    match c.check.as_ref().unwrap_or(&Check::Pending) {
        Check::Pending => pinned.push(Line::styled(
            "Checking whether it can be terminated now (can-terminate)…",
            theme.dim(),
        )),
        Check::Allowed(a) => pinned.push(Line::styled(
            format!(
                "Minimum runtime met{}: it can be terminated.",
                a.minimum_runtime
                    .map_or(String::new(), |m| format!(" ({} min)", minutes(Some(m))))
            ),
            theme.ok(),
        )),
        Check::Blocked(b) => pinned.push(Line::styled(blocked_text(b), theme.error())),
        Check::Unsaid(_) => pinned.push(Line::styled(UNSETTLED, theme.warn())),
        Check::Failed(e) => {
            pinned.push(Line::styled(
                format!("can-terminate failed: {e}"),
                theme.error(),
            ));
            pinned.push(Line::styled(UNSETTLED, theme.warn()));
        }
        Check::Anyway => pinned.push(Line::styled(ANYWAY, theme.warn())),
    }
    if let Some(e) = &c.error {
        pinned.push(Line::styled(e.clone(), theme.error()));
    }
    pinned.push(Line::raw(""));
    // Buttons and hints are pinned to the bottom: on a small terminal the text wraps and is cut
    // above them, never them.
    let mut footer = Vec::new();
    if c.busy {
        footer.push(Line::styled("Terminating… (one DELETE sent)", theme.warn()));
    } else if let (true, Some((word, typed))) = (c.can_confirm(), c.word()) {
        let action = if c.check == Some(Check::Anyway) {
            "Terminate anyway"
        } else {
            "Terminate"
        };
        footer.extend(word_prompt(word, typed, action, false, theme));
    }
    footer.push(Line::raw(""));
    let hint = if c.busy {
        hint.to_string()
    } else {
        format!("{hint} · any other key cancels")
    };
    footer.push(Line::styled(hint, theme.dim()));
    // as tall as the text wrapped at its width, within the screen
    let width = 88u16.min(area.width);
    let inner_w = usize::from(width.saturating_sub(2).max(1));
    let rows =
        |ls: &[Line]| -> usize { ls.iter().map(|l| l.width().div_ceil(inner_w).max(1)).sum() };
    let (body_rows, check_rows, foot_rows) = (rows(&lines), rows(&pinned), rows(&footer));
    let height = u16::try_from(body_rows + check_rows + foot_rows + 2)
        .unwrap_or(u16::MAX)
        .max(22);
    let rect = centered(area, width, height);
    let inner = popup(
        f,
        rect,
        Line::styled(format!(" Terminate {name} "), theme.error()),
        theme,
    );
    let (foot_rows, footer) = if body_rows + check_rows + foot_rows <= usize::from(inner.height) {
        lines.extend(pinned);
        (foot_rows, footer)
    } else {
        // Short of rows: the spacing goes before any text does (the prompt's last, so that a
        // volume's fate and the spend still fit at 64×20), the figures before the answer.
        lines.retain(|l| l.width() > 0);
        pinned.extend(footer);
        if rows(&lines) + rows(&pinned) > usize::from(inner.height) {
            pinned.retain(|l| l.width() > 0);
        }
        (rows(&pinned), pinned)
    };
    // The footer wraps too (what to type must be read whole at 64 columns).
    let foot_h = u16::try_from(foot_rows)
        .unwrap_or(u16::MAX)
        .min(inner.height);
    let body = Rect::new(inner.x, inner.y, inner.width, inner.height - foot_h);
    let foot = Rect::new(inner.x, inner.y + body.height, inner.width, foot_h);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
    f.render_widget(Paragraph::new(footer).wrap(Wrap { trim: false }), foot);
}
