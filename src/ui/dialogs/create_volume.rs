//! The volume create wizard: the step line, each step, the summary with its cost.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::app::dialogs::Loading;
use crate::app::dialogs::create_volume::{CreateStep, CreateVolume, HOURS_30_DAYS};
use crate::app::volume_access::Candidate;
use crate::domain::cost::{usd, usd_per_gb};
use crate::domain::volume_rules::{RULES, rules_for};
use crate::ui::theme::Theme;
use crate::ui::widgets::{
    confirm_buttons, error_line, popup_inner_width, sized_popup, text_field, verdict_row,
};

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

const POPUP_W: u16 = 110;

pub fn draw(f: &mut Frame, area: Rect, c: &CreateVolume, hint: &str, theme: &Theme) {
    let field_w = popup_inner_width(area, POPUP_W);
    let mut lines = vec![step_line(c.step, theme), Line::raw("")];
    let provider = c.provider();
    let rules = rules_for(provider);
    match c.step {
        CreateStep::Provider => {
            for (i, (r, name)) in RULES.iter().zip(&c.providers).enumerate() {
                let style = if i == c.provider_idx {
                    theme.selected()
                } else {
                    theme.text()
                };
                lines.push(Line::styled(
                    format!(
                        "{} {:<14} {}",
                        if i == c.provider_idx { "▶" } else { " " },
                        name,
                        r.limits()
                    ),
                    style,
                ));
                // The note of the provider under the cursor only, so that every provider's
                // limits fit on a small screen.
                if i == c.provider_idx {
                    lines.push(Line::styled(format!("    {}", r.note), theme.dim()));
                }
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
                                r.hourly_rate_per_gb.map_or("?".into(), usd_per_gb),
                                if r.has_gpu_offers { "yes" } else { "no" },
                            ),
                            style,
                        ));
                    }
                }
            }
        }
        CreateStep::Name => {
            lines.push(text_field("name", &c.name, true, field_w, theme));
            lines.push(Line::styled(
                "lowercase letters, digits, - and _; at most 60 characters",
                theme.dim(),
            ));
        }
        CreateStep::Size => {
            lines.push(text_field("size (GB)", &c.size, true, field_w, theme));
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
            let none = Candidate {
                id: String::new(),
                label: "do not attach".into(),
                verdict: Ok(()),
            };
            for (i, t) in std::iter::once(&none).chain(c.targets.iter()).enumerate() {
                lines.push(verdict_row(t, i == c.target_idx, theme));
            }
        }
        CreateStep::Summary => summary(&mut lines, c, theme),
    }
    lines.push(Line::raw(""));
    lines.extend(error_line(&c.error, theme));
    if c.step == CreateStep::Summary {
        lines.push(confirm_buttons(
            c.on_action,
            "Cancel",
            "Create",
            c.busy,
            hint,
            theme,
        ));
    } else {
        lines.push(Line::styled(hint.to_string(), theme.dim()));
    }
    sized_popup(
        f,
        area,
        POPUP_W,
        "Create volume",
        lines,
        theme,
        theme.title(),
    );
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
                    "              ({} GB × {}/GB·h; {} hours) — billed until the volume is deleted",
                    c.size.value(),
                    c.rate_per_gb().map_or("?".into(), usd_per_gb),
                    HOURS_30_DAYS
                ),
                theme.dim(),
            ));
            let source = match &c.pricing {
                Some(Loading::Loaded(p)) if p.hourly_rate_per_gb.is_some() => {
                    "current rate from the platform".to_string()
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
