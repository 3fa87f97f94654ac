//! A volume with fresh usage, and every field.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::app::AppState;
use crate::app::dialogs::VolumeInfo;
use crate::domain::cost::{usd_h, usd_opt};
use crate::domain::volume_rules::rules_for;
use crate::ui::theme::Theme;
use crate::ui::widgets::scrolled_popup;

pub fn draw(f: &mut Frame, area: Rect, i: &VolumeInfo, state: &AppState, theme: &Theme) {
    let v = &i.volume;
    let row = |k: &str, val: String| {
        Line::from(vec![
            Span::styled(format!("{k:<14}"), theme.dim()),
            Span::raw(val),
        ])
    };
    let mut lines = vec![
        row("id", v.id.clone()),
        row(
            "provider",
            format!(
                "{} · {}",
                v.provider,
                crate::ui::widgets::region_label(&v.region)
            ),
        ),
        row("status", v.status.clone()),
        row(
            "size / used",
            format!(
                "{} GB / {}",
                v.size_in_gb.map_or("?".into(), |s| format!("{s:.0}")),
                v.used_gb.map_or("–".into(), |u| format!("{u:.1} GB"))
            ),
        ),
        row(
            "attached to",
            if v.attachments().is_empty() {
                "–".into()
            } else {
                // each deployment by its name, with its id
                v.attachments()
                    .iter()
                    .map(|id| crate::app::deployment_names::long(state, id))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        ),
        row(
            "cost",
            format!(
                "{} · {} per 30 days",
                usd_h(v.cost_per_hour()),
                usd_opt(crate::ui::volumes::per_30_days(v))
            ),
        ),
    ];
    if let Some(ip) = &v.virtual_ip {
        lines.push(row("virtual IP", format!("{ip} (mount over NFS)")));
    }
    if !v.attachments().is_empty() {
        lines.push(row(
            "mount path",
            "not given by the API: see it on the instance (df -h, lsblk)".into(),
        ));
    }
    if let Some(c) = &v.cloud_id {
        lines.push(row("cloud", c.clone()));
    }
    if let Some(r) = rules_for(&v.provider) {
        lines.push(row("rules", r.note.to_string()));
    }
    lines.push(if i.loading {
        Line::styled("fetching fresh usage…", theme.warn())
    } else if let Some(e) = &i.error {
        Line::styled(format!("✗ {e}"), theme.error())
    } else {
        Line::styled("usage just read from the platform", theme.ok())
    });
    lines.push(Line::raw(""));
    let raw = serde_json::to_string_pretty(&v.raw).unwrap_or_default();
    lines.extend(raw.lines().map(|l| Line::raw(l.to_string())));
    scrolled_popup(
        f,
        area,
        &format!("Volume {} · ↑↓ scroll · Esc closes", v.name),
        lines,
        i.scroll,
        theme,
    );
}
