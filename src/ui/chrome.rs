//! Around the panes: the tab bar, the status bar and the footer of key hints (the open
//! dialog's when one is open), all from the key table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::app::keys::hints;
use crate::app::screen as layout;
use crate::app::state::FlashKind;
use crate::app::{AppState, Pane};

pub fn tabs(f: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let mut spans = Vec::new();
    for (pane, title) in layout::tab_titles() {
        let style = if pane == state.pane {
            theme.tab_active()
        } else {
            theme.dim()
        };
        spans.push(Span::styled(title, style));
        spans.push(Span::raw(" "));
    }
    if let Some(label) = plan_label(state).filter(|_| plan_in_header(state, area.width)) {
        spans.push(Span::styled(label, theme.title()));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// " planning llama-3.1-70b fp8 32k " while there is a model plan.
pub fn plan_label(state: &AppState) -> Option<String> {
    let plan = state.offers.plan.as_ref()?;
    Some(format!(" planning {} ", plan.job.label()))
}

/// Whether the plan's label fits after the tabs; when it does not, the Offers pane's filter line
/// shows it.
pub fn plan_in_header(state: &AppState, width: u16) -> bool {
    let tabs: usize = layout::tab_titles()
        .into_iter()
        .map(|(_, t)| t.chars().count() + 1)
        .sum();
    plan_label(state).is_some_and(|l| tabs + l.chars().count() <= usize::from(width))
}

/// The demo badge's note.
const NOTHING_SPENT: &str = " nothing is spent ";

pub fn status(f: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let s = &state.session;
    let mut spans = Vec::new();
    if s.demo {
        spans.push(Span::styled(" DEMO ", theme.demo_badge()));
        spans.push(Span::styled(NOTHING_SPENT, theme.dim()));
    } else {
        spans.push(Span::styled(format!(" {} ", s.host), theme.title()));
    }
    if s.read_only {
        spans.push(Span::styled(" READ-ONLY ", theme.warn()));
    }
    if state.status.store_lost.is_some() {
        spans.push(Span::styled(" STORE LOST (m) ", theme.error()));
    }
    // The routine part (key, last refresh, budget) gives way to a message that would not fit
    // after it: the message is what the user needs to read now.
    let badges = spans.len();
    spans.push(Span::raw(" key "));
    spans.push(match &s.key_mask {
        Some(m) => Span::raw(m.clone()),
        None => Span::styled("none", theme.warn()),
    });
    // The age of what the pane shows comes before the budget: on a narrow terminal the
    // budget is cut first.
    if let Some(at) = crate::app::panes::refreshed_at(state, state.pane) {
        spans.push(Span::styled(
            format!(
                " · refreshed {}s ago",
                (state.now - at).num_seconds().max(0)
            ),
            theme.dim(),
        ));
    }
    let r = &state.status.rate;
    if let (Some(rem), Some(lim)) = (r.remaining, r.limit) {
        let style = if f64::from(rem) < f64::from(lim) * 0.2 {
            theme.warn()
        } else {
            theme.dim()
        };
        spans.push(Span::styled(format!(" · budget {rem}/{lim}"), style));
        // counted down on every tick from the answer that said it; once it has passed, the
        // count shown is the last window's until the next answer
        match state.status.resets_in(state.now) {
            None => {}
            Some(d) if d.is_zero() => spans.push(Span::styled(", resets now", style)),
            Some(d) => spans.push(Span::styled(format!(", resets {}s", d.as_secs()), style)),
        }
        // too narrow for it all: the reset goes, then the budget, whole, never cut mid-word
        for part in [", resets", " · budget"] {
            let width: usize = spans.iter().map(Span::width).sum();
            if width > usize::from(area.width)
                && spans.last().is_some_and(|s| s.content.starts_with(part))
            {
                spans.pop();
            }
        }
    }
    if let Some(until) = state.status.blocked_until.filter(|t| *t > state.now) {
        spans.push(Span::styled(
            format!(
                " · rate limited: waiting {}s",
                (until - state.now).num_seconds()
            ),
            theme.error(),
        ));
    }
    let message = if let Some(flash) = &state.status.flash {
        let style = match flash.kind {
            FlashKind::Info => theme.text(),
            FlashKind::Success => theme.ok(),
            FlashKind::Warning => theme.warn(),
        };
        Some(Span::styled(flash.text.clone(), style))
    } else {
        (state.status.last_error.as_ref()).map(|e| Span::styled(e.clone(), theme.error()))
    };
    if let Some(message) = message {
        let used: usize = spans.iter().map(Span::width).sum();
        if used + 3 + message.width() > usize::from(area.width) {
            let blocked = spans
                .iter()
                .skip(badges)
                .find(|s| s.content.contains("rate limited"))
                .cloned();
            spans.truncate(badges);
            spans.retain(|s| s.content != NOTHING_SPENT);
            spans.extend(blocked);
            spans.push(Span::raw(" "));
        } else {
            spans.push(Span::raw(" · "));
        }
        spans.push(message);
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Hints that always stay in the footer: how to get help, to leave, to step back.
const PINNED: [&str; 3] = ["help", "quit", "back/close"];

/// The hints that fit in `room` columns: when all do not, the last ones go first, but never
/// help, quit or back (on an 80-column Deployments pane `? help` was cut off the end).
fn fit_hints(mut hints: Vec<(String, &'static str)>, room: usize) -> Vec<(String, &'static str)> {
    let width = |h: &(String, &str)| h.0.chars().count() + 1 + h.1.chars().count() + 2;
    // The last hint's two trailing spaces may fall off the edge.
    while hints.iter().map(width).sum::<usize>() > room + 2 {
        match hints.iter().rposition(|(_, h)| !PINNED.contains(h)) {
            Some(i) => {
                hints.remove(i);
            }
            None => break,
        }
    }
    hints
}

pub fn footer(f: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let mut spans = vec![Span::raw(" ")];
    let hints = match &state.dialog {
        Some(d) => hints::Footer {
            usable: hints::dialog_footer(d, state),
            unavailable: Vec::new(),
        },
        None if state.pane == Pane::Offers && state.offers.editing_filter => hints::Footer {
            usable: hints::filter_footer(),
            unavailable: Vec::new(),
        },
        None => hints::pane_footer(state),
    };
    // The read-only note keeps at least its short form ("read-only ✗ x e").
    let reserve = if hints.unavailable.is_empty() {
        0
    } else {
        "read-only ✗ ".len()
            + hints
                .unavailable
                .iter()
                .map(|(k, _)| k.chars().count() + 1)
                .sum::<usize>()
    };
    let room = usize::from(area.width).saturating_sub(1 + reserve);
    for (key, hint) in fit_hints(hints.usable, room) {
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::styled(format!(" {hint}  "), theme.dim()));
    }
    if !hints.unavailable.is_empty() {
        // Named in full when there is room, else by their keys alone.
        let used: usize = spans.iter().map(|s| s.width()).sum();
        let room = usize::from(area.width).saturating_sub(used);
        let full: Vec<String> = hints
            .unavailable
            .iter()
            .map(|(k, h)| format!("{k} {h}"))
            .collect();
        let full = format!("read-only, not available: {}", full.join(" · "));
        let (lead, keys) = if full.chars().count() <= room {
            let (lead, keys) = full.split_at("read-only, not available: ".len());
            (lead.to_string(), keys.to_string())
        } else {
            let keys: Vec<&str> = hints.unavailable.iter().map(|(k, _)| k.as_str()).collect();
            ("read-only ✗ ".to_string(), keys.join(" "))
        };
        spans.push(Span::styled(lead, theme.warn()));
        spans.push(Span::styled(
            keys,
            theme.dim().add_modifier(Modifier::CROSSED_OUT),
        ));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hints(list: &[(&str, &'static str)]) -> Vec<(String, &'static str)> {
        list.iter().map(|(k, h)| (k.to_string(), *h)).collect()
    }

    #[test]
    fn a_narrow_footer_drops_the_last_hints_but_keeps_help_and_quit() {
        let all = hints(&[
            ("Enter", "details"),
            ("x", "terminate"),
            ("K", "kubeconfig"),
            ("r", "refresh"),
            ("?", "help"),
            ("q", "quit"),
        ]);
        assert_eq!(fit_hints(all.clone(), 200), all);
        let fit = fit_hints(all, 42);
        assert_eq!(
            fit,
            hints(&[
                ("Enter", "details"),
                ("x", "terminate"),
                ("?", "help"),
                ("q", "quit")
            ])
        );
    }
}
