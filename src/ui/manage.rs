//! The dialogs of `app::manage`: SSH key add, confirms, notices, the volume wizard, volume
//! details and edit, attach/detach pickers, Kubernetes details and kubeconfig, team details.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use tui_input::Input;

use super::theme::Theme;
use super::widgets::{centered, popup};
use crate::app::manage::dialog::{
    AddKey, Confirm, CreateStep, CreateVolume, DeploymentInfo, Dialog, EditField, EditVolume,
    KeyField, KeyInfo, Kubeconfig, Loading, Pick, PickFrom, PickKind, Target, TeamInfo, VolumeInfo,
};
use crate::app::manage::volumes::HOURS_30_DAYS;
use crate::domain::cost::usd;
use crate::domain::volume_rules::{RULES, rules_for};

pub fn draw(f: &mut Frame, area: Rect, d: &Dialog, theme: &Theme) {
    match d {
        Dialog::Notice { title, lines } => {
            let mut body: Vec<Line> = lines.iter().map(|l| Line::raw(l.clone())).collect();
            body.push(Line::raw(""));
            body.push(Line::styled("Enter/Esc closes", theme.dim()));
            show(f, area, 88, title, body, theme, theme.warn());
        }
        Dialog::Confirm(c) => confirm(f, area, c, theme),
        Dialog::AddKey(a) => add_key(f, area, a, theme),
        Dialog::CreateVolume(c) => create_volume(f, area, c, theme),
        Dialog::VolumeInfo(v) => volume_info(f, area, v, theme),
        Dialog::EditVolume(e) => edit_volume(f, area, e, theme),
        Dialog::Pick(p) => pick(f, area, p, theme),
        Dialog::DeploymentInfo(i) => deployment_info(f, area, i, theme),
        Dialog::Kubeconfig(k) => kubeconfig(f, area, k, theme),
        Dialog::TeamInfo(t) => team_info(f, area, t, theme),
        Dialog::KeyInfo(k) => key_info(f, area, k, theme),
    }
}

/// A popup `w` wide, as tall as its lines (within the screen), wrapped.
fn show(
    f: &mut Frame,
    area: Rect,
    w: u16,
    title: &str,
    lines: Vec<Line>,
    theme: &Theme,
    border: Style,
) {
    let inner_w = w.min(area.width).saturating_sub(2).max(1);
    let rows: u16 = lines
        .iter()
        .map(|l| (l.width() as u16).div_ceil(inner_w).max(1))
        .sum();
    let rect = centered(area, w, (rows + 2).min(area.height.saturating_sub(2)));
    let inner = popup(f, rect, Line::styled(format!(" {title} "), border), theme);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn field<'a>(label: &str, input: &Input, focused: bool, theme: &Theme) -> Line<'a> {
    let mut spans = vec![
        Span::styled(
            format!("{label:<12}"),
            if focused { theme.key() } else { theme.dim() },
        ),
        Span::raw(input.value().to_string()),
    ];
    if focused {
        spans.push(Span::styled("█", theme.key()));
    }
    Line::from(spans)
}

fn buttons<'a>(on_action: bool, action: &str, busy: bool, theme: &Theme) -> Line<'a> {
    let style = |focused: bool| {
        if focused {
            theme.selected()
        } else {
            theme.dim()
        }
    };
    let mut spans = vec![
        Span::styled("[ Cancel ]", style(!on_action)),
        Span::raw("   "),
        Span::styled(format!("[ {action} ]"), style(on_action)),
        Span::styled("   y confirms · Esc/n cancels · Tab moves", theme.dim()),
    ];
    if busy {
        spans.push(Span::styled("   sending…", theme.warn()));
    }
    Line::from(spans)
}

fn error_line<'a>(e: &Option<String>, theme: &Theme) -> Option<Line<'a>> {
    e.as_ref()
        .map(|e| Line::styled(format!("✗ {e}"), theme.error()))
}

fn confirm(f: &mut Frame, area: Rect, c: &Confirm, theme: &Theme) {
    let mut lines: Vec<Line> = c.lines.iter().map(|l| Line::raw(l.clone())).collect();
    lines.push(Line::raw(""));
    lines.extend(error_line(&c.error, theme));
    lines.push(buttons(c.on_action, c.op.label(), c.busy, theme));
    show(f, area, 90, &c.title, lines, theme, theme.warn());
}

fn add_key(f: &mut Frame, area: Rect, a: &AddKey, theme: &Theme) {
    let mut lines = vec![
        field("name", &a.name, a.focus == KeyField::Name, theme),
        Line::raw(""),
        Line::styled(
            "~/.ssh/*.pub (Tab to the list, ↑↓, Enter picks)",
            theme.header(),
        ),
    ];
    match &a.found {
        None => lines.push(Line::styled("  looking…", theme.dim())),
        Some(v) if v.is_empty() => {
            lines.push(Line::styled("  none found: paste a key below", theme.dim()))
        }
        Some(v) => {
            for (i, k) in v.iter().enumerate().take(6) {
                let mark = if i == a.pick { "▶ " } else { "  " };
                let style = if i == a.pick && a.focus == KeyField::Files {
                    theme.selected()
                } else {
                    theme.text()
                };
                let kind = k.text.split_whitespace().next().unwrap_or("?");
                lines.push(Line::styled(format!("{mark}{}  ({kind})", k.path), style));
            }
        }
    }
    lines.push(Line::raw(""));
    // long keys are shown by their ends
    let v = a.key.value();
    let shown = if v.chars().count() > 80 {
        let head: String = v.chars().take(40).collect();
        let tail: String = v
            .chars()
            .rev()
            .take(30)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("{head}…{tail}")
    } else {
        v.to_string()
    };
    lines.push(field(
        "public key",
        &Input::new(shown),
        a.focus == KeyField::Key,
        theme,
    ));
    lines.push(Line::styled(
        "one line: ssh-ed25519 | ssh-rsa | ecdsa-sha2-nistp256/384/521 | sk-…@openssh.com, base64 body, optional comment",
        theme.dim(),
    ));
    lines.push(Line::raw(""));
    if let Some(e) = &a.error {
        let style = if a.private_refused {
            theme.error().add_modifier(ratatui::style::Modifier::BOLD)
        } else {
            theme.error()
        };
        lines.push(Line::styled(format!("✗ {e}"), style));
        if a.private_refused {
            lines.push(Line::styled(
                "Input is paused so the rest of it is not kept: Ctrl-U (or Backspace) to paste a public key.",
                theme.warn(),
            ));
        }
    }
    lines.push(Line::styled(
        if a.busy {
            "sending…"
        } else {
            "Enter adds the key · Tab next field · Esc cancels"
        },
        theme.dim(),
    ));
    show(f, area, 100, "Add SSH key", lines, theme, theme.title());
}

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

fn create_volume(f: &mut Frame, area: Rect, c: &CreateVolume, theme: &Theme) {
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
    lines.push(row(
        "team",
        c.team_id.clone().unwrap_or_else(|| "current team".into()),
    ));
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

fn volume_info(f: &mut Frame, area: Rect, i: &VolumeInfo, theme: &Theme) {
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

fn scrolled(f: &mut Frame, area: Rect, title: &str, lines: Vec<Line>, scroll: u16, theme: &Theme) {
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

fn edit_volume(f: &mut Frame, area: Rect, e: &EditVolume, theme: &Theme) {
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

fn pick(f: &mut Frame, area: Rect, p: &Pick, theme: &Theme) {
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

fn deployment_info(f: &mut Frame, area: Rect, i: &DeploymentInfo, theme: &Theme) {
    let mut lines = Vec::new();
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
    scrolled(
        f,
        area,
        &format!(
            "{} · k kubeconfig · A/D attach/detach a volume · Esc closes",
            i.title
        ),
        lines,
        i.scroll,
        theme,
    );
}

fn kubeconfig(f: &mut Frame, area: Rect, k: &Kubeconfig, theme: &Theme) {
    let rect = centered(
        area,
        area.width.saturating_sub(8),
        area.height.saturating_sub(2),
    );
    let inner = popup(
        f,
        rect,
        Line::styled(
            format!(" kubeconfig of {} ", k.deployment_name),
            theme.title(),
        ),
        theme,
    );
    let foot_h = 5.min(inner.height);
    let text_area = Rect::new(inner.x, inner.y, inner.width, inner.height - foot_h);
    let foot = Rect::new(inner.x, inner.y + text_area.height, inner.width, foot_h);
    let text: Vec<Line> = k.text.lines().map(|l| Line::raw(l.to_string())).collect();
    f.render_widget(Paragraph::new(text).scroll((k.scroll, 0)), text_area);
    let mut lines = vec![
        Line::styled("─".repeat(usize::from(inner.width)), theme.dim()),
        field("save to", &k.path, k.confirm_overwrite.is_none(), theme),
    ];
    if let Some(p) = &k.confirm_overwrite {
        lines.push(Line::styled(
            format!("{p} exists: y overwrites it, n keeps it"),
            theme.warn(),
        ));
    } else if let Some(e) = &k.error {
        lines.push(Line::styled(format!("✗ {e}"), theme.error()));
    } else if let Some(p) = &k.saved_to {
        lines.push(Line::styled(
            format!("✓ saved to {p} (mode 0600)"),
            theme.ok(),
        ));
    } else {
        lines.push(Line::raw(""));
    }
    lines.push(Line::styled(
        if k.busy {
            "saving…"
        } else {
            "Enter saves (mode 0600, never overwrites without asking) · ↑↓ scroll · Esc closes"
        },
        theme.dim(),
    ));
    f.render_widget(Paragraph::new(lines), foot);
}

fn team_info(f: &mut Frame, area: Rect, t: &TeamInfo, theme: &Theme) {
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
    show(
        f,
        area,
        80,
        &format!("Team {}", t.listed.team_name),
        lines,
        theme,
        theme.title(),
    );
}

fn key_info(f: &mut Frame, area: Rect, k: &KeyInfo, theme: &Theme) {
    let row = |name: &str, v: String| {
        Line::from(vec![
            Span::styled(format!("{name:<13}"), theme.dim()),
            Span::raw(v),
        ])
    };
    let key = &k.key;
    let mut lines = vec![
        row("name", key.name.clone()),
        row("id", key.id.clone()),
        row(
            "fingerprint",
            key.fingerprint.clone().unwrap_or_else(|| "–".into()),
        ),
        row(
            "created",
            key.created_at
                .map_or("–".into(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
        ),
        row(
            "public key",
            key.public_key
                .clone()
                .unwrap_or_else(|| "– (not returned)".into()),
        ),
        Line::raw(""),
    ];
    lines.push(if k.loading {
        Line::styled("fetching GET /api/ssh-keys/{id}…", theme.warn())
    } else if let Some(e) = &k.error {
        Line::styled(format!("✗ {e}"), theme.error())
    } else {
        Line::styled(
            "fresh from GET /api/ssh-keys/{id} · Esc closes",
            theme.dim(),
        )
    });
    show(
        f,
        area,
        100,
        &format!("SSH key {}", key.name),
        lines,
        theme,
        theme.title(),
    );
}
