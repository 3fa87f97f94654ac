//! The volume dialogs: the create wizard, details with fresh usage, rename/expand, and the
//! attach/detach pickers.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::manage::{buttons, error_line, field, show};
use super::theme::Theme;
use super::widgets::{centered, popup};
use crate::app::manage::create::HOURS_30_DAYS;
use crate::app::manage::dialog::{
    CreateStep, CreateVolume, EditField, EditVolume, Loading, Pick, PickFrom, PickKind, Target,
    VolumeInfo,
};
use crate::domain::cost::usd;
use crate::domain::volume_rules::{RULES, rules_for};
use ratatui::widgets::{Paragraph, Wrap};

fn step_line<'a>(step: CreateStep, theme: &Theme) -> Line<'a> {
    let steps = [
        (CreateStep::Provider, "provider"),
        (CreateStep::Region, "region"),
        (CreateStep::Name, "name"),
        (CreateStep::Size, "size"),
        (CreateStep::Attach, "attach"),
        (CreateStep::Summary, "summary"),
    ];
    let mut spans = Vec::new();
    for (i, (s, label)) in steps.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" → ", theme.dim()));
        }
        spans.push(Span::styled(
            label.to_string(),
            if *s == step {
                theme.selected()
            } else {
                theme.dim()
            },
        ));
    }
    Line::from(spans)
}

pub fn create_volume(f: &mut Frame, area: Rect, c: &CreateVolume, theme: &Theme) {
    let mut lines = vec![step_line(c.step, theme), Line::raw("")];
    let provider = c.provider();
    let rules = rules_for(provider);
    match c.step {
        CreateStep::Provider => {
            for (i, r) in RULES.iter().enumerate() {
                let style = if i == c.provider_idx {
                    theme.selected()
                } else {
                    theme.text()
                };
                lines.push(Line::styled(
                    format!(
                        "{} {:<14} {}–{} GB",
                        if i == c.provider_idx { "▶" } else { " " },
                        r.provider,
                        r.min_size_gb,
                        r.max_size_gb
                    ),
                    style,
                ));
                lines.push(Line::styled(format!("    {}", r.note), theme.dim()));
            }
        }
        CreateStep::Region => {
            lines.push(Line::styled(
                format!(
                    "  {:<34} {:>12} {:>10} {:>10}  cloud",
                    format!("{provider} region"),
                    "size GB",
                    "$/GB·h",
                    "GPU offers"
                ),
                theme.header(),
            ));
            match &c.regions {
                Loading::Loading => lines.push(Line::styled("  loading regions…", theme.dim())),
                Loading::Failed(e) => {
                    lines.push(Line::styled(format!("  {e}"), theme.error()));
                    lines.push(Line::styled("  Enter tries again", theme.dim()));
                }
                Loading::Loaded(list) if list.is_empty() => {
                    lines.push(Line::styled("  no regions for this provider", theme.warn()))
                }
                Loading::Loaded(list) => {
                    for (i, r) in list.iter().enumerate() {
                        let style = if i == c.region_idx {
                            theme.selected()
                        } else {
                            theme.text()
                        };
                        let size = format!(
                            "{}–{}",
                            r.min_size_gb.map_or("?".into(), |v| format!("{v:.0}")),
                            r.max_size_gb.map_or("?".into(), |v| format!("{v:.0}"))
                        );
                        let cloud = match (&r.cloud_name, &r.cloud_id) {
                            (Some(n), Some(id)) => format!("{n} ({id})"),
                            (None, Some(id)) => id.clone(),
                            _ => "–".into(),
                        };
                        lines.push(Line::styled(
                            format!(
                                "{} {:<34} {:>12} {:>10} {:>10}  {cloud}",
                                if i == c.region_idx { "▶" } else { " " },
                                r.name
                                    .as_deref()
                                    .map_or(r.id.clone(), |n| format!("{} · {n}", r.id)),
                                size,
                                r.hourly_rate_per_gb
                                    .map_or("–".into(), |v| format!("{v:.5}")),
                                if r.has_gpu_offers { "yes" } else { "no" },
                            ),
                            style,
                        ));
                    }
                }
            }
        }
        CreateStep::Name => {
            lines.push(field("name", &c.name, true, theme));
            lines.push(Line::styled(
                "lowercase letters, digits, - and _; at most 60 characters",
                theme.dim(),
            ));
        }
        CreateStep::Size => {
            lines.push(field("size (GB)", &c.size, true, theme));
            if let (Some(r), Some(rules)) = (c.region(), rules) {
                lines.push(Line::styled(
                    format!(
                        "{} takes {}–{} GB here ({} allows {}–{})",
                        r.id,
                        r.min_size_gb.map_or("?".into(), |v| format!("{v:.0}")),
                        r.max_size_gb.map_or("?".into(), |v| format!("{v:.0}")),
                        rules.provider,
                        rules.min_size_gb,
                        rules.max_size_gb
                    ),
                    theme.dim(),
                ));
            }
        }
        CreateStep::Attach => {
            lines.push(Line::styled(
                "Attach it to an instance now? (running, same provider and region; ✗ = refused, with the reason)",
                theme.header(),
            ));
            let none = Target {
                id: String::new(),
                label: "do not attach".into(),
                verdict: Ok(()),
            };
            for (i, t) in std::iter::once(&none).chain(c.targets.iter()).enumerate() {
                lines.push(target_line(t, i == c.target_idx, theme));
            }
        }
        CreateStep::Summary => summary(&mut lines, c, theme),
    }
    lines.push(Line::raw(""));
    lines.extend(error_line(&c.error, theme));
    if c.step == CreateStep::Summary {
        lines.push(buttons(c.on_action, "Create", c.busy, theme));
    } else {
        lines.push(Line::styled(
            "Enter next · Shift-Tab back · Esc cancels",
            theme.dim(),
        ));
    }
    show(f, area, 110, "Create volume", lines, theme, theme.title());
}

fn summary<'a>(lines: &mut Vec<Line<'a>>, c: &CreateVolume, theme: &Theme) {
    let row = |k: &str, v: String| {
        Line::from(vec![
            Span::styled(format!("{k:<14}"), theme.dim()),
            Span::raw(v),
        ])
    };
    lines.push(row("provider", c.provider().to_string()));
    if let Some(r) = c.region() {
        let cloud = r
            .cloud_id
            .as_ref()
            .map(|id| format!("  cloud {} ({id})", r.cloud_name.as_deref().unwrap_or("?")))
            .unwrap_or_default();
        lines.push(row("region", format!("{}{cloud}", r.id)));
    }
    lines.push(row("name", c.name.value().to_string()));
    lines.push(row("size", format!("{} GB", c.size.value())));
    lines.push(row(
        "attach to",
        c.target()
            .map_or("– (not attached)".into(), |t| t.label.clone()),
    ));
    lines.push(row("team", c.team_label.clone()));
    match c.cost() {
        Some((h, month)) => {
            lines.push(Line::from(vec![
                Span::styled(format!("{:<14}", "cost"), theme.dim()),
                Span::styled(
                    format!("{}/h · {} per 30 days", usd(h), usd(month)),
                    theme.price(),
                ),
            ]));
            lines.push(Line::styled(
                format!(
                    "              ({} GB × {:.5} $/GB·h; {} hours) — billed until the volume is deleted",
                    c.size.value(),
                    c.rate_per_gb().unwrap_or(0.0),
                    HOURS_30_DAYS
                ),
                theme.dim(),
            ));
            let source = match &c.pricing {
                Some(Loading::Loaded(p)) if p.hourly_rate_per_gb.is_some() => {
                    "rate from GET /api/volumes/pricing".to_string()
                }
                Some(Loading::Loading) => "rate from the regions list (pricing loading…)".into(),
                Some(Loading::Failed(e)) => format!("rate from the regions list (pricing: {e})"),
                _ => "rate from the regions list".into(),
            };
            lines.push(Line::styled(format!("              {source}"), theme.dim()));
        }
        None => lines.push(row("cost", "rate unknown for this region".into())),
    }
}

fn target_line<'a>(t: &Target, selected: bool, theme: &Theme) -> Line<'a> {
    let mark = if selected { "▶ " } else { "  " };
    match &t.verdict {
        Ok(()) => Line::styled(
            format!("{mark}{}", t.label),
            if selected {
                theme.selected()
            } else {
                theme.text()
            },
        ),
        Err(why) => Line::from(vec![
            Span::styled(
                format!("{mark}{}", t.label),
                if selected {
                    theme.selected()
                } else {
                    theme.dim()
                },
            ),
            Span::styled(format!("  ✗ {why}"), theme.warn()),
        ]),
    }
}

pub fn volume_info(f: &mut Frame, area: Rect, i: &VolumeInfo, theme: &Theme) {
    let v = &i.volume;
    let row = |k: &str, val: String| {
        Line::from(vec![
            Span::styled(format!("{k:<14}"), theme.dim()),
            Span::raw(val),
        ])
    };
    let mut lines = vec![
        row("id", v.id.clone()),
        row("provider", format!("{} · {}", v.provider, v.region)),
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
                v.attachments().join(", ")
            },
        ),
        row(
            "cost",
            v.cost_per_hour()
                .map_or("–".into(), |h| format!("{}/h", usd(h))),
        ),
    ];
    if let Some(ip) = &v.virtual_ip {
        lines.push(row("virtual IP", format!("{ip} (mount over NFS)")));
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
        Line::styled("usage fresh from GET /api/volumes/{id}", theme.ok())
    });
    lines.push(Line::raw(""));
    let raw = serde_json::to_string_pretty(&v.raw).unwrap_or_default();
    lines.extend(raw.lines().map(|l| Line::raw(l.to_string())));
    scrolled(
        f,
        area,
        &format!("Volume {} · ↑↓ scroll · Esc closes", v.name),
        lines,
        i.scroll,
        theme,
    );
}

pub(super) fn scrolled(
    f: &mut Frame,
    area: Rect,
    title: &str,
    lines: Vec<Line>,
    scroll: u16,
    theme: &Theme,
) {
    let rect = centered(
        area,
        area.width.saturating_sub(8),
        area.height.saturating_sub(2),
    );
    let inner = popup(
        f,
        rect,
        Line::styled(format!(" {title} "), theme.title()),
        theme,
    );
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        inner,
    );
}

pub fn edit_volume(f: &mut Frame, area: Rect, e: &EditVolume, theme: &Theme) {
    let mut lines = Vec::new();
    match &e.rename_refused {
        None => lines.push(field("name", &e.name, e.focus == EditField::Name, theme)),
        Some(why) => {
            lines.push(Line::styled(
                format!("name        {} (fixed)", e.current_name),
                theme.dim(),
            ));
            lines.push(Line::styled(format!("            {why}"), theme.warn()));
        }
    }
    match &e.expand_refused {
        None => {
            lines.push(field(
                "size (GB)",
                &e.size,
                e.focus == EditField::Size,
                theme,
            ));
            lines.push(Line::styled(
                format!("            can only grow: more than {} GB", e.current_gb),
                theme.dim(),
            ));
        }
        Some(why) => {
            lines.push(Line::styled(
                format!("size        {} GB (fixed)", e.current_gb),
                theme.dim(),
            ));
            lines.push(Line::styled(format!("            {why}"), theme.warn()));
        }
    }
    lines.push(Line::raw(""));
    lines.extend(error_line(&e.error, theme));
    lines.push(Line::styled(
        if e.busy {
            "sending…"
        } else {
            "Enter saves (one PATCH) · Tab next field · Esc cancels"
        },
        theme.dim(),
    ));
    show(
        f,
        area,
        90,
        &format!("Rename / expand {} ({})", e.current_name, e.provider),
        lines,
        theme,
        theme.title(),
    );
}

pub fn pick(f: &mut Frame, area: Rect, p: &Pick, theme: &Theme) {
    let (title, head) = match (&p.from, p.kind) {
        (PickFrom::Volume { name, .. }, PickKind::Attach) => (
            format!("Attach {name}"),
            "Attach to which instance? (✗ = the provider's rules refuse it, with the reason)",
        ),
        (PickFrom::Volume { name, .. }, PickKind::Detach) => {
            (format!("Detach {name}"), "Detach from which instance?")
        }
        (PickFrom::Deployment { name, .. }, PickKind::Attach) => (
            format!("Attach a volume to {name}"),
            "Which volume? (✗ = the provider's rules refuse it, with the reason)",
        ),
        (PickFrom::Deployment { name, .. }, PickKind::Detach) => {
            (format!("Detach a volume from {name}"), "Which volume?")
        }
    };
    let mut lines = vec![Line::styled(head, theme.header())];
    for (i, t) in p.rows.iter().enumerate() {
        lines.push(target_line(t, i == p.cursor, theme));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(p.note.clone(), theme.dim()));
    lines.push(Line::raw(""));
    lines.extend(error_line(&p.error, theme));
    lines.push(Line::styled(
        "↑↓ choose · Enter continues to confirm · Esc cancels",
        theme.dim(),
    ));
    show(f, area, 110, &title, lines, theme, theme.title());
}
