//! The dialogs of `app::manage`: SSH key add, confirms, notices, the volume wizard, volume
//! details and edit, attach/detach pickers, Kubernetes details and kubeconfig, team details.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use tui_input::Input;

use super::theme::Theme;
use super::volume_dialogs::{self, scrolled};
use super::widgets::{centered, popup};
use crate::app::manage::dialog::{
    AddKey, Confirm, DeploymentInfo, Dialog, KeyField, KeyInfo, Kubeconfig, Loading, TeamInfo,
};
use crate::domain::cost::usd;

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
        Dialog::CreateVolume(c) => volume_dialogs::create_volume(f, area, c, theme),
        Dialog::VolumeInfo(v) => volume_dialogs::volume_info(f, area, v, theme),
        Dialog::EditVolume(e) => volume_dialogs::edit_volume(f, area, e, theme),
        Dialog::Pick(p) => volume_dialogs::pick(f, area, p, theme),
        Dialog::DeploymentInfo(i) => deployment_info(f, area, i, theme),
        Dialog::Kubeconfig(k) => kubeconfig(f, area, k, theme),
        Dialog::TeamInfo(t) => team_info(f, area, t, theme),
        Dialog::KeyInfo(k) => key_info(f, area, k, theme),
    }
}

/// A popup `w` wide, as tall as its lines (within the screen), wrapped.
pub(super) fn show(
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

pub(super) fn field<'a>(label: &str, input: &Input, focused: bool, theme: &Theme) -> Line<'a> {
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

pub(super) fn buttons<'a>(on_action: bool, action: &str, busy: bool, theme: &Theme) -> Line<'a> {
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

pub(super) fn error_line<'a>(e: &Option<String>, theme: &Theme) -> Option<Line<'a>> {
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
    // a valid key by its type, fingerprint and comment; anything else by its ends
    let shown = super::widgets::public_key_shown(a.key.value());
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
