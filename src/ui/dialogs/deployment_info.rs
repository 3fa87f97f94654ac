//! A deployment's details: readable fields; with the add-on its cluster (health, versions
//! offered now, links); every field as raw JSON on `J`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::app::dialogs::{DeploymentInfo, Loading};
use crate::ui::theme::Theme;
use crate::ui::widgets::scrolled_popup;

pub fn draw(f: &mut Frame, area: Rect, i: &DeploymentInfo, hints: &str, theme: &Theme) {
    let mut lines: Vec<Line> = i.fields.iter().map(|l| Line::raw(l.clone())).collect();
    if !i.lines.is_empty() {
        lines.push(Line::raw(""));
    }
    let health = match &i.health {
        Loading::Loading => Line::styled("cluster health     checking…", theme.warn()),
        Loading::Failed(e) => Line::styled(format!("cluster health     – ({e})"), theme.warn()),
        Loading::Loaded(h) => {
            let nodes = match (h.nodes_ready, h.nodes_total) {
                (Some(r), Some(t)) => format!(" · {r}/{t} nodes ready"),
                _ => String::new(),
            };
            let style = if h.status.eq_ignore_ascii_case("healthy") {
                theme.ok()
            } else {
                theme.warn()
            };
            Line::styled(format!("cluster health     {}{nodes}", h.status), style)
        }
    };
    let versions = match &i.versions {
        Loading::Loading => "checking…".to_string(),
        Loading::Failed(e) => format!("– ({e})"),
        Loading::Loaded(v) => v
            .iter()
            .map(|v| {
                if v.default {
                    format!("{} (default)", v.version)
                } else {
                    v.version.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(", "),
    };
    for (n, l) in i.lines.iter().enumerate() {
        lines.push(Line::raw(l.clone()));
        if n == 0 {
            lines.push(Line::styled(
                format!("  offered now      {versions}"),
                theme.dim(),
            ));
        }
        if n == 1 {
            lines.push(health.clone());
        }
    }
    lines.push(Line::raw(""));
    if i.show_raw {
        lines.push(Line::styled("Every field (J hides):", theme.dim()));
        lines.extend(i.raw.iter().map(|l| Line::raw(l.clone())));
    } else {
        lines.push(Line::styled("J shows every field (raw JSON)", theme.dim()));
    }
    scrolled_popup(
        f,
        area,
        &format!("{} · {hints}", i.title),
        lines,
        i.scroll,
        theme,
    );
}
