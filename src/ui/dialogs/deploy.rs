//! The deploy wizard: one step at a time, then the summary of what will be spent.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::AppState;
use crate::app::dialogs::deploy::preset::PresetMode;
use crate::app::dialogs::deploy::{
    self, DeployWizard, Phase, SshSel, Step, k8s_versions, offer_gpu_name, ssh_options,
    team_options, volume_options,
};
use crate::domain::cost::{usd, usd_h};
use crate::domain::deploy::volume_limit;
use crate::domain::deploy_summary::{CostLine, LABEL_WIDTH, Tone};
use crate::ui::theme::Theme;
use crate::ui::widgets::{buttons, centered, popup, public_key_field, region_label, text_field};

pub fn draw(
    f: &mut Frame,
    area: Rect,
    w: &DeployWizard,
    state: &AppState,
    hint: &str,
    theme: &Theme,
) {
    // Narrow terminals give the wizard nearly all their width, so the pinned totals wrap less.
    let width = if area.width < 90 {
        area.width.saturating_sub(2)
    } else {
        area.width.saturating_sub(12).min(104)
    };
    let field_w = width.saturating_sub(2);
    let o = &w.offer;
    let title = format!(
        " Deploy {} ×{} · {} · {} — step {}/{}: {} ",
        offer_gpu_name(o),
        o.gpu_count,
        o.provider,
        o.instance_type,
        w.at + 1,
        w.steps.len(),
        w.step().title()
    );
    let mut lines = vec![step_bar(w, theme), Line::raw("")];
    let mut footer: Vec<Line> = Vec::new();
    if state.session.read_only {
        lines.push(Line::styled(
            "Read-only mode: you can see the estimate; nothing will be sent.",
            theme.warn(),
        ));
    }
    if let Some(why) = o.unavailable_reason() {
        // Said from the first step, not only on the summary: no one should fill in seven
        // steps to learn the offer cannot be deployed.
        lines.push(Line::styled(
            format!("This offer cannot be deployed now: {why}. You can still see the estimate."),
            theme.warn(),
        ));
    }
    if let Some(e) = &w.error {
        lines.push(Line::styled(format!("✗ {e}"), theme.error()));
        lines.push(Line::raw(""));
    }
    match &w.phase {
        Phase::Editing => {}
        Phase::Sending => {
            lines.push(Line::styled(
                format!(
                    "Sending the deploy… ({}s) — sent once; it is never sent again on its own.",
                    deploy::age(state.now, state.deploy.posted_at)
                ),
                theme.warn(),
            ));
            lines.push(Line::raw(""));
        }
        Phase::Checking => {
            let err = state
                .deploy
                .check
                .as_ref()
                .map_or(String::new(), |c| c.error.clone());
            lines.push(Line::styled(
                format!("The deploy failed without saying whether it was created: {err}"),
                theme.error(),
            ));
            lines.push(Line::styled(
                "Reading the deployments list to find out… nothing is retried.",
                theme.warn(),
            ));
            lines.push(Line::raw(""));
        }
        Phase::NotCreated { error } | Phase::Unknown { error } => {
            lines.push(Line::styled(error.clone(), theme.error()));
            lines.push(Line::raw(""));
        }
    }
    if let Some(mode) = &w.preset {
        preset_question(&mut lines, mode, state, field_w, theme);
    } else {
        step_body(&mut lines, &mut footer, w, state, field_w, theme);
    }
    footer.push(Line::raw(""));
    footer.push(Line::styled(hints(w, hint), theme.dim()));
    // As tall as the content (wrapped), so the pane stays visible around a short step. The
    // buttons and key hints are pinned to the bottom: on a small terminal the text above is
    // cut, never the way to act or to go back.
    let inner_w = usize::from(width.saturating_sub(2).max(1));
    let rows = |ls: &[Line]| -> u16 {
        let n: usize = ls.iter().map(|l| l.width().div_ceil(inner_w).max(1)).sum();
        u16::try_from(n).unwrap_or(u16::MAX)
    };
    let (body_rows, foot_rows) = (rows(&lines), rows(&footer));
    let height = body_rows
        .saturating_add(foot_rows)
        .saturating_add(2)
        .max(14);
    let rect = centered(area, width, height.min(area.height.saturating_sub(2)));
    let inner = popup(f, rect, Line::styled(title, theme.title()), theme);
    let foot_h = foot_rows.min(inner.height);
    let body = Rect::new(inner.x, inner.y, inner.width, inner.height - foot_h);
    let foot = Rect::new(inner.x, inner.y + body.height, inner.width, foot_h);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
    f.render_widget(Paragraph::new(footer).wrap(Wrap { trim: false }), foot);
}

/// The current step's own lines (the summary puts its buttons in `footer`).
fn step_body(
    lines: &mut Vec<Line<'static>>,
    footer: &mut Vec<Line<'static>>,
    w: &DeployWizard,
    state: &AppState,
    field_w: u16,
    theme: &Theme,
) {
    match w.step() {
        Step::Region => list(
            lines,
            w.offer.regions().iter().map(|r| region_row(r)),
            w.region,
            theme,
        ),
        Step::Os => list(
            lines,
            w.offer
                .os_options
                .iter()
                .map(|s| (s.clone(), String::new())),
            w.os,
            theme,
        ),
        Step::Ssh => ssh_step(lines, w, state, field_w, theme),
        Step::Team => {
            let teams = team_options(state);
            if teams.is_empty() {
                lines.push(Line::styled(
                    "Teams are loading (balance / teams)…",
                    theme.dim(),
                ));
            }
            let cur = state.current_team_id();
            let pos = teams
                .iter()
                .position(|t| Some(&t.0) == w.team.as_ref())
                .unwrap_or(usize::MAX);
            list(
                lines,
                teams.iter().map(|(id, name, bal)| {
                    let current = if Some(id.as_str()) == cur {
                        " · current"
                    } else {
                        ""
                    };
                    (
                        name.clone(),
                        format!("balance {}{current}", bal.map_or("?".into(), usd)),
                    )
                }),
                pos,
                theme,
            );
        }
        Step::Name => {
            lines.push(text_field("name", &w.name, true, field_w, theme));
            match deploy::name_in_use(state, w.name.value()) {
                Some(warn) => lines.push(Line::styled(format!("⚠ {warn}"), theme.warn())),
                None => lines.push(Line::raw("")),
            }
            lines.push(Line::styled(
                format!(
                    "Optional label, at most 63 characters; {} renames it later.",
                    crate::app::keys::rebind::key_for(crate::app::keys::KeyCmd::Rename)
                ),
                theme.dim(),
            ));
        }
        Step::CloudInit => cloud_init_step(lines, w, field_w, theme),
        Step::Volumes => volumes_step(lines, w, state, theme),
        Step::Kubernetes => k8s_step(lines, w, state, theme),
        Step::Guard => {
            lines.push(text_field("terminate", &w.guard, true, field_w, theme));
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                "Empty: no guard. 8h or 1h30m from when it is created, 18:00 (local) or an RFC 3339 time, $50 of spend, or idle 30m (terminated once its GPUs stay below 5 % with no SSH session for 30 minutes).",
                theme.dim(),
            ));
            lines.push(Line::styled(
                "The guard acts only while the dashboard or `spheron-tui guard run` runs; T on Deployments changes it later.",
                theme.dim(),
            ));
        }
        Step::Summary => summary_step(lines, footer, w, state, theme),
    }
}

/// "Start from preset" (the presets of `config.toml`, each with what it sets) or "save as
/// preset" (its name).
fn preset_question(
    lines: &mut Vec<Line<'static>>,
    mode: &PresetMode,
    state: &AppState,
    field_w: u16,
    theme: &Theme,
) {
    match mode {
        PresetMode::Pick(i) => {
            lines.push(Line::styled(
                "Start from a preset of config.toml (the offer stays the one chosen):",
                theme.dim(),
            ));
            let rows = state.presets.saved.iter().map(|(name, p)| {
                let mut what = Vec::new();
                if let Some(k) = p.ssh_key.as_ref().or(p.ssh_key_file.as_ref()) {
                    what.push(format!("key {k}"));
                }
                if let Some(os) = &p.os {
                    what.push(os.clone());
                }
                if let Some(r) = &p.region {
                    what.push(r.clone());
                }
                if !p.volumes.is_empty() {
                    what.push(format!("volumes {}", p.volumes.join(", ")));
                }
                if let Some(g) = p.guard_spec() {
                    what.push(format!("guard {g}"));
                }
                (name.clone(), what.join(" · "))
            });
            list(lines, rows, *i, theme);
        }
        PresetMode::Save(name) => {
            lines.push(text_field("preset name", name, true, field_w, theme));
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                "Saved as [presets.NAME] in config.toml: the wizard starts from it, and `spheron-tui deploy --preset NAME --name …` deploys with it.",
                theme.dim(),
            ));
        }
    }
}

/// A region as read, and the exact string sent when it differs.
fn region_row(r: &str) -> (String, String) {
    let label = region_label(r);
    let raw = if label == r {
        String::new()
    } else {
        format!("(sent as {r})")
    };
    (label.to_string(), raw)
}

fn step_bar(w: &DeployWizard, theme: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, s) in w.steps.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" › ", theme.dim()));
        }
        let mark = if w.error_step == Some(*s) { "!" } else { "" };
        let style = if i == w.at {
            theme.tab_active()
        } else if w.error_step == Some(*s) {
            theme.error()
        } else {
            theme.dim()
        };
        spans.push(Span::styled(format!("{mark}{}", s.short()), style));
    }
    Line::from(spans)
}

/// What the keys do on this step (from the key table), with what a key cannot say itself.
fn hints(w: &DeployWizard, hint: &str) -> String {
    match (&w.phase, w.step()) {
        (Phase::Sending | Phase::Checking, _) => "waiting for the answer…".into(),
        (Phase::NotCreated { .. }, _) => format!("Enter on Retry sends a NEW deploy · {hint}"),
        (_, Step::CloudInit) => format!("{hint} · Backspace on empty removes the last"),
        (_, Step::Ssh) => format!("{hint} · type or paste a key on the last row"),
        _ => hint.to_string(),
    }
}

fn list(
    lines: &mut Vec<Line<'static>>,
    items: impl Iterator<Item = (String, String)>,
    selected: usize,
    theme: &Theme,
) {
    for (i, (label, detail)) in items.enumerate() {
        let sel = i == selected;
        let marker = if sel { "▸ " } else { "  " };
        let style = if sel { theme.selected() } else { theme.text() };
        let mut spans = vec![Span::styled(format!("{marker}{label}"), style)];
        if !detail.is_empty() {
            spans.push(Span::styled(format!("  {detail}"), theme.dim()));
        }
        lines.push(Line::from(spans));
    }
}

fn ssh_step(
    lines: &mut Vec<Line<'static>>,
    w: &DeployWizard,
    state: &AppState,
    field_w: u16,
    theme: &Theme,
) {
    if state.keys.loading {
        lines.push(Line::styled("Saved keys are loading…", theme.dim()));
    }
    if state.cache.local_pub_keys.is_none() {
        lines.push(Line::styled("Reading ~/.ssh/*.pub…", theme.dim()));
    }
    let opts = ssh_options(state);
    let pos = w
        .ssh
        .as_ref()
        .and_then(|s| opts.iter().position(|o| &o.sel == s))
        .unwrap_or(usize::MAX);
    list(
        lines,
        opts.iter().map(|o| (o.label.clone(), o.detail.clone())),
        pos,
        theme,
    );
    if w.ssh == Some(SshSel::Paste) {
        lines.push(Line::raw(""));
        lines.push(public_key_field(
            "public key",
            &w.paste,
            true,
            field_w,
            theme,
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "A saved key is used as saved in your account; a key from a file or pasted is sent with this deploy only.",
        theme.dim(),
    ));
}

fn cloud_init_step(lines: &mut Vec<Line<'static>>, w: &DeployWizard, field_w: u16, theme: &Theme) {
    let labels = ["packages", "runcmd", "write file"];
    let lists: [Vec<String>; 3] = [
        vec![w.packages.join(", ")],
        w.runcmd
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{}. {c}", i + 1))
            .collect(),
        w.write_files
            .iter()
            .map(|f| format!("{} ({} bytes)", f.path, f.content.len()))
            .collect(),
    ];
    lines.push(Line::styled(
        "First-boot automation (this offer supports cloud-init). All optional.",
        theme.dim(),
    ));
    for i in 0..3 {
        lines.push(Line::raw(""));
        let style = if w.ci_field == i {
            theme.header()
        } else {
            theme.dim()
        };
        lines.push(Line::styled(labels[i].to_string(), style));
        for item in lists[i].iter().filter(|s| !s.is_empty()) {
            lines.push(Line::raw(format!("    {item}")));
        }
        lines.push(text_field(
            "  add",
            &w.ci_input[i],
            w.ci_field == i,
            field_w,
            theme,
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "packages: names separated by spaces or commas · runcmd: one command per Enter · file: /path=content (\\n for a new line)",
        theme.dim(),
    ));
}

fn volumes_step(lines: &mut Vec<Line<'static>>, w: &DeployWizard, state: &AppState, theme: &Theme) {
    let limit = volume_limit(&w.offer.provider).unwrap_or(0);
    lines.push(Line::styled(
        format!(
            "{} allows {limit} volume{} per instance · same provider and region ({}) only · chosen {}",
            w.offer.provider,
            if limit == 1 { "" } else { "s" },
            w.region(),
            w.volumes.len()
        ),
        theme.dim(),
    ));
    lines.push(Line::raw(""));
    if state.volumes.loaded_at.is_none() {
        lines.push(Line::styled("Volumes are loading…", theme.dim()));
        return;
    }
    let opts = volume_options(state, w);
    if opts.is_empty() {
        lines.push(Line::raw(format!(
            "No free {} volume in {}. None is needed; create one in the Volumes pane (3) to keep data across instances.",
            w.offer.provider,
            w.region()
        )));
        return;
    }
    for (i, v) in opts.iter().enumerate() {
        let chosen = w.volumes.contains(&v.id);
        let sel = i == w.vol_cursor;
        let style = if sel { theme.selected() } else { theme.text() };
        let size = v.size_in_gb.map_or("?".into(), |s| format!("{s:.0} GB"));
        let rate = usd_h(v.cost_per_hour());
        lines.push(Line::from(vec![
            Span::styled(
                format!(
                    "{}[{}] {}",
                    if sel { "▸ " } else { "  " },
                    if chosen { "x" } else { " " },
                    v.name
                ),
                style,
            ),
            Span::styled(format!("  {size} · {rate}"), theme.dim()),
        ]));
    }
}

fn k8s_step(lines: &mut Vec<Line<'static>>, w: &DeployWizard, state: &AppState, theme: &Theme) {
    let a = crate::domain::cost::Estimate::for_offer(&w.offer, Some(0.0), true)
        .addon
        .unwrap_or_default();
    let cost = match (a.per_gpu_hour(), a.per_hour) {
        (Some(g), Some(t)) => format!("{}/GPU·h × {} GPUs = {}", usd(g), a.gpus, usd_h(Some(t))),
        _ => "a cost the offer does not state (unknown: it cannot be deployed with it)".into(),
    };
    lines.push(Line::styled(
        format!("Kubernetes on this Voltage Park cluster adds {cost}."),
        theme.dim(),
    ));
    lines.push(Line::raw(""));
    match &state.cache.k8s_versions {
        None => lines.push(Line::styled("Versions are loading…", theme.dim())),
        Some(Err(e)) => lines.push(Line::styled(
            format!("Versions could not be loaded: {e}"),
            theme.error(),
        )),
        Some(Ok(_)) => {}
    }
    let items = std::iter::once(("No Kubernetes add-on".to_string(), String::new())).chain(
        k8s_versions(state)
            .into_iter()
            .map(|v| (format!("Kubernetes {v}"), format!("+{cost}"))),
    );
    list(lines, items, w.k8s, theme);
}

fn row(label: &str, value: String, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label:<13}"), theme.dim()),
        Span::raw(value),
    ])
}

fn summary_step(
    lines: &mut Vec<Line<'static>>,
    footer: &mut Vec<Line<'static>>,
    w: &DeployWizard,
    state: &AppState,
    theme: &Theme,
) {
    let s = deploy::summary(state, w);
    let c = deploy::choices(state, w);
    let o = &w.offer;
    let ssh = deploy::chosen_key(state, w);
    // Two facts a line, so the whole summary fits a small terminal.
    lines.push(row(
        "GPU",
        format!(
            "{} × {} ({})  ·  {}  ·  type {}",
            offer_gpu_name(o),
            o.gpu_count,
            o.gpu_type,
            o.provider,
            o.instance_type
        ),
        theme,
    ));
    let (label, raw) = region_row(&c.region);
    lines.push(row(
        "Region / OS",
        format!(
            "{}  ·  {}",
            format!("{label} {raw}").trim_end(),
            c.operating_system
        ),
        theme,
    ));
    let team = s.team_name.clone().unwrap_or_else(|| "unknown".into());
    lines.push(row("SSH / team", format!("{ssh}  ·  team {team}"), theme));
    lines.push(row(
        "Name",
        c.name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| "(none)".into()),
        theme,
    ));
    if let Some(warn) = &s.name_taken {
        lines.push(Line::styled(format!("  ⚠ {warn}"), theme.warn()));
    }
    if let Some(plan) = &state.offers.plan {
        lines.push(plan_row(&plan.job, o, theme));
    }
    if o.supports_cloud_init {
        lines.push(row(
            "Cloud-init",
            if w.packages.is_empty() && w.runcmd.is_empty() && w.write_files.is_empty() {
                "none".to_string()
            } else {
                format!(
                    "packages {} · commands {} · files {}",
                    w.packages.len(),
                    w.runcmd.len(),
                    w.write_files.len()
                )
            },
            theme,
        ));
    }
    let e = s.estimate;
    if !c.volumes.is_empty() {
        let names: Vec<&str> = c.volumes.iter().map(|v| v.name.as_str()).collect();
        lines.push(row(
            "Volumes",
            format!("{}  ·  {}", names.join(", "), usd_h(e.volumes)),
            theme,
        ));
    }
    if let (Some(v), Some(a)) = (&c.kubernetes_version, e.addon) {
        let cost = match (a.per_gpu_hour(), a.per_hour) {
            (Some(g), Some(t)) => {
                format!("{}/GPU·h × {} GPUs = {}", usd(g), a.gpus, usd_h(Some(t)))
            }
            _ => "?/h: the offer does not price it".into(),
        };
        lines.push(row("Kubernetes", format!("{v}  ·  {cost}"), theme));
    }
    if let Ok(Some((rule, spec))) = crate::app::guard::wizard_rule(w, state, state.now) {
        let rule = rule.in_local(state.now, state.local_offset());
        lines.push(row("Guard", format!("terminate {rule} ({spec})"), theme));
    }
    lines.push(Line::raw(""));
    // The totals are pinned with the buttons: a small terminal cuts the itemised lines above,
    // never what the deploy costs.
    let money = s.cost_text(o);
    lines.push(cost_line(&money.instance, theme, theme.dim()));
    footer.push(Line::raw(""));
    for l in &money.totals {
        footer.push(cost_line(l, theme, theme.header()));
    }
    let (text, style) = match s.deploys_left {
        Some((left, limit)) => (
            format!("{left} of {limit} in this 15-minute window"),
            if left <= 2 {
                theme.warn()
            } else {
                theme.text()
            },
        ),
        None => (
            "the API allows 10 per 15 minutes (the count shows after the first deploy)".into(),
            theme.dim(),
        ),
    };
    lines.push(Line::from(vec![
        Span::styled(format!("{:<13}", "Deploys left"), theme.dim()),
        Span::styled(text, style),
    ]));
    // Pinned with the buttons: it must be read before confirming, whatever the screen size.
    if let Some(spot) = money.spot {
        footer.push(Line::raw(""));
        footer.push(Line::styled(spot, theme.warn()));
    }
    footer.push(Line::raw(""));
    let retry = matches!(w.phase, Phase::NotCreated { .. });
    match (&w.phase, &s.blocked) {
        (Phase::Editing, Some(why)) | (Phase::NotCreated { .. }, Some(why)) => {
            footer.push(Line::styled(format!("No deploy: {why}"), theme.error()));
            footer.push(buttons("Back", None, false, theme));
        }
        (Phase::Editing, None) => footer.push(buttons(
            "Back",
            Some(&format!("Deploy · {}", usd_h(e.per_hour()))),
            w.on_action,
            theme,
        )),
        (Phase::NotCreated { .. }, None) if retry => footer.push(buttons(
            "Cancel",
            Some("Retry deploy (sends it again)"),
            w.on_action,
            theme,
        )),
        _ => {}
    }
}

/// The model plan's verdict on this offer, as the Offers pane shows it.
fn plan_row(
    job: &crate::domain::planner::Job,
    o: &crate::api::Offer,
    theme: &Theme,
) -> Line<'static> {
    let p = crate::domain::planner::plan_offer(job, o);
    let value = p.summary_text(job, o.gpu_count);
    let style = p
        .fit
        .map_or(theme.dim(), |f| crate::ui::offers::fit_style(f, theme));
    Line::from(vec![
        Span::styled(format!("{:<13}", "Model plan"), theme.dim()),
        Span::styled(value, style),
    ])
}

/// One money line of the summary, each part in its tone's style.
fn cost_line(l: &CostLine, theme: &Theme, label: Style) -> Line<'static> {
    let mut spans = vec![Span::styled(format!("{:<LABEL_WIDTH$}", l.label), label)];
    spans.extend(l.parts.iter().map(|(text, tone)| {
        let style = match tone {
            Tone::Plain => Style::default(),
            Tone::Dim => theme.dim(),
            Tone::Price => theme.price(),
            Tone::Total => theme.price().add_modifier(Modifier::BOLD),
            Tone::Struck => theme.struck(),
            Tone::Saving => theme.ok(),
        };
        Span::styled(text.clone(), style)
    }));
    Line::from(spans)
}
