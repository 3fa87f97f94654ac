//! `deploy`: the wizard's choices from flags (or a preset), the wizard's summary and refusals,
//! one confirm, one POST (never retried: an unclear answer is settled by the list), the guard
//! stored when it is accepted, then `--wait`.

use tui_input::Input;

use super::args::DeployArgs;
use super::{
    Env, Exit, Needs, account, confirm, fail, intent, print_json, record, refuse_read_only,
};
use crate::api::{Deployment, Offer, OffersQuery};
use crate::app::AppState;
use crate::app::action::LocalPubKey;
use crate::app::deploys::unclear;
use crate::app::dialogs::deploy::{self as wizard, DeployWizard, preset};
use crate::app::filter::OfferFilter;
use crate::app::state::OffersView;
use crate::commands::context::Ctx;
use crate::domain::preset::Preset;
use crate::domain::unclear_deploy::{Sent, Settlement, settle};
use crate::exit::{FAILURE, OK, UNKNOWN, USAGE};

/// The flags as a preset, over `--preset NAME` when given.
fn choices(env: &Env, a: &DeployArgs) -> Result<Preset, String> {
    let flags = Preset {
        offer: a.offer.clone(),
        cheapest: a.cheapest.clone(),
        ssh_key: a.ssh_key.clone(),
        ssh_key_file: a.ssh_key_file.clone(),
        region: a.region.clone(),
        os: a.os.clone(),
        team: a.team.clone(),
        cloud_init: a.cloud_init.clone(),
        volumes: a.volumes.clone(),
        kubernetes: a.kubernetes.clone(),
        guard_after: a.guard_after.clone(),
        guard_at: a.guard_at.clone(),
        guard_max_spend: a.guard_max_spend,
    };
    let Some(name) = &a.preset else {
        return Ok(flags);
    };
    let base = env.presets.get(name).ok_or_else(|| {
        let known: Vec<&str> = env.presets.keys().map(String::as_str).collect();
        let files = match env.demo {
            true => "config.toml or the demo's presets file",
            false => "config.toml",
        };
        format!(
            "no preset {name:?} in {files} (presets: {})",
            if known.is_empty() {
                "none".into()
            } else {
                known.join(", ")
            }
        )
    })?;
    Ok(base.overlaid(&flags))
}

/// A public key file: read only if it is a public key (a private key is refused at its first
/// line, and no further).
pub fn read_public_key(env: &Env, path: &str) -> Result<LocalPubKey, String> {
    use std::io::Read;
    let full = crate::runtime::files::expand_home(path, env.home.as_deref());
    let file = std::fs::File::open(&full).map_err(|e| format!("{}: {e}", full.display()))?;
    // A public key line is short; 16 KiB is more than any.
    let mut text = String::new();
    file.take(16 * 1024)
        .read_to_string(&mut text)
        .map_err(|e| format!("{}: {e}", full.display()))?;
    if crate::domain::ssh_key::looks_private(&text) {
        return Err(format!(
            "{} is a PRIVATE key: refused, and not read further. Give the .pub file",
            full.display()
        ));
    }
    let text = text.trim().to_string();
    crate::domain::ssh_key::check_public_key(&text)
        .map_err(|e| format!("{}: {e}", full.display()))?;
    Ok(LocalPubKey {
        path: full.display().to_string(),
        text,
    })
}

/// The offer to deploy, and a line saying how it was chosen.
async fn pick_offer(ctx: &Ctx, p: &Preset) -> Result<(Offer, String), (Exit, String)> {
    let api = |e: crate::api::ApiError| (FAILURE, format!("the offers could not be read: {e}"));
    if let Some(id) = &p.offer {
        let pages = crate::commands::lists::all_offer_pages(
            &ctx.client,
            &OffersQuery::default(),
            crate::app::offers::PAGE_LIMIT,
        )
        .await
        .map_err(api)?;
        let offer = pages
            .into_iter()
            .flat_map(|p| p.groups.into_iter().flat_map(|g| g.offers))
            .find(|o| &o.offer_id == id)
            .ok_or((FAILURE, format!("no offer has the id {id:?} now")))?;
        return Ok((offer, format!("offer {id}")));
    }
    let text = p.cheapest.as_deref().unwrap_or("");
    let filter = OfferFilter::parse(text);
    if !filter.errors.is_empty() {
        return Err((USAGE, format!("--cheapest: {}", filter.errors.join("; "))));
    }
    let mut view = OffersView {
        search_sent: filter.search_text(),
        filter,
        ..OffersView::default()
    };
    let pages = crate::commands::lists::all_offer_pages(
        &ctx.client,
        &view.query(1),
        crate::app::offers::PAGE_LIMIT,
    )
    .await
    .map_err(api)?;
    for (i, page) in pages.into_iter().enumerate() {
        view.absorb(i as u32 + 1, page);
    }
    // The pane's own order (price, cheaper first; ties by offer id): the first that can be
    // deployed now and has a price.
    let offer = view
        .visible
        .iter()
        .map(|&i| &view.all[i])
        .find(|o| o.unavailable_reason().is_none() && o.hourly_rate().is_some())
        .cloned()
        .ok_or((
            FAILURE,
            format!("no available offer matches {text:?}: nothing was sent"),
        ))?;
    let how = format!(
        "cheapest available offer matching {text:?}: {} × {} on {} ({}), {}",
        wizard::offer_gpu_name(&offer),
        offer.gpu_count,
        offer.provider,
        offer.instance_type,
        crate::domain::cost::usd_h(offer.hourly_rate())
    );
    Ok((offer, how))
}

/// `deploy …`.
pub async fn deploy(ctx: &Ctx, env: &Env, a: &DeployArgs) -> Exit {
    let p = match choices(env, a) {
        Ok(p) => p,
        Err(e) => return fail(ctx, USAGE, &e),
    };
    let name = a.name.as_deref().map(str::trim).unwrap_or("");
    if name.is_empty() {
        return fail(
            ctx,
            USAGE,
            "--name is required (a re-run is told apart by it)",
        );
    }
    if let Err(e) = crate::domain::deploy::check_name(name) {
        return fail(ctx, USAGE, &format!("--name: {e}"));
    }
    if p.offer.is_none() && p.cheapest.is_none() {
        return fail(
            ctx,
            USAGE,
            "give --offer ID, --cheapest FILTER or a --preset naming one",
        );
    }
    if p.ssh_key.is_none() && p.ssh_key_file.is_none() {
        return fail(
            ctx,
            USAGE,
            "give --ssh-key NAME|ID, --ssh-key-file PATH.pub or a --preset naming one",
        );
    }
    let cloud_init = match p
        .cloud_init
        .as_deref()
        .map(|f| crate::runtime::files::read_cloud_init(f, env.home.as_deref()))
    {
        Some(Err(e)) => return fail(ctx, USAGE, &e),
        Some(Ok(ci)) => Some(ci),
        None => None,
    };
    let key_file = match p.ssh_key_file.as_deref().map(|f| read_public_key(env, f)) {
        Some(Err(e)) => return fail(ctx, USAGE, &format!("--ssh-key-file: {e}")),
        Some(Ok(k)) => Some(k),
        None => None,
    };
    if let Some(spec) = p.guard_spec() {
        let now = (ctx.clock)();
        if let Err(e) = crate::app::guard::parse_spec(&spec, now, &ctx.zone()) {
            return fail(ctx, USAGE, &format!("the guard: {e}"));
        }
    }
    if !a.dry_run
        && let Err(code) = refuse_read_only(ctx, "the deploy")
    {
        return code;
    }
    let needs = Needs {
        volumes: true,
        keys: true,
        providers: true,
    };
    let (mut state, teams) = match account(ctx, env, needs).await {
        Ok(s) => s,
        Err(code) => return code,
    };
    let (offer, how) = match pick_offer(ctx, &p).await {
        Ok(x) => x,
        Err((code, e)) => return fail(ctx, code, &e),
    };
    ctx.err(&how);
    // A `fit:` term planned a model onto the offers: the summary repeats its verdict.
    let plan = OfferFilter::parse(p.cheapest.as_deref().unwrap_or(""))
        .fit
        .into_iter()
        .next()
        .map(|c| c.job);
    if p.kubernetes.is_some() {
        state.cache.k8s_versions = Some(
            ctx.client
                .kubernetes_versions(&offer.provider)
                .await
                .map_err(|e| e.to_string()),
        );
    }
    let mut p = p;
    if let Some(k) = &key_file {
        p.ssh_key_file = Some(k.path.clone());
        state.cache.local_pub_keys = Some(vec![k.clone()]);
    }
    let team = state.current_team_id().map(str::to_owned);
    let mut w = DeployWizard::new(offer, team);
    w.name = Input::new(name.to_string());
    if let Err(e) = preset::apply(&state, &mut w, &p, cloud_init) {
        return fail(ctx, USAGE, &e);
    }
    if let Some(warn) = wizard::name_in_use(&state, name)
        && !a.allow_duplicate_name
    {
        return fail(
            ctx,
            FAILURE,
            &format!("{warn}. Nothing was sent; add --allow-duplicate-name to deploy another"),
        );
    }
    let s = wizard::summary(&state, &w);
    let say = |line: &str| {
        if a.json { ctx.err(line) } else { ctx.out(line) }
    };
    for line in summary_lines(&state, &w, &s, plan.as_ref()) {
        say(&line);
    }
    if let Some(why) = &s.blocked {
        return fail(ctx, FAILURE, &format!("no deploy: {why}"));
    }
    let request = match &s.request {
        Ok(r) => r.clone(),
        Err(e) => return fail(ctx, FAILURE, &format!("no deploy: {e}")),
    };
    let body = serde_json::to_value(&request).unwrap_or_default();
    if a.dry_run {
        if a.json {
            print_json(ctx, &serde_json::json!({"dryRun": true, "request": body}));
        } else {
            ctx.out("Request (dry run: nothing sent):");
            ctx.out(&serde_json::to_string_pretty(&body).unwrap_or_default());
        }
        return OK;
    }
    let rate = crate::domain::cost::usd_h(s.estimate.per_hour());
    if let Err(code) = confirm(ctx, env, &format!("Deploy {name} at {rate}?"), a.yes) {
        return code;
    }
    let known: Vec<String> = state
        .deployments
        .items
        .iter()
        .map(|d| d.id.clone())
        .collect();
    let row = intent(
        ctx,
        "POST",
        "/api/deployments",
        None,
        name,
        s.estimate.per_hour(),
    )
    .await;
    let answer = ctx.client.create_deployment(&request).await;
    let journaled = answer.as_ref().map(drop).map_err(|e| e.to_string());
    let created_id = answer.as_ref().ok().map(|d| d.id.clone());
    let created_rate = answer.as_ref().ok().and_then(|d| d.hourly_rate);
    record(
        ctx,
        row,
        "POST",
        "/api/deployments".into(),
        (created_id, name),
        &journaled,
        created_rate.or(s.estimate.per_hour()),
    )
    .await;
    let d = match answer {
        Ok(d) => d,
        Err(e) if unclear(&e) => {
            ctx.err(&format!(
                "The deploy answered unclearly ({e}): NOT sending it again; reading every team's deployments to settle it…"
            ));
            // `known` is every deployment of every team, read whole just before the POST: one
            // not in it is new whatever the platform's clock says, so no time bound is applied.
            let sent = Sent {
                request: &request,
                posted_at: chrono::DateTime::UNIX_EPOCH,
                known_before: &known,
            };
            let settled = match ctx.client.deployments_of_teams(&teams, None).await {
                Ok(l) => settle(&sent, &l.items, &l.completeness),
                Err(read) => {
                    Settlement::Unknown(format!("the deployments could not be read: {read}"))
                }
            };
            let text = settled.explain(&e.to_string());
            match settled {
                Settlement::Created(d) => {
                    ctx.err(&text);
                    *d
                }
                Settlement::NotCreated => return fail(ctx, FAILURE, &text),
                Settlement::Unknown(_) => return fail(ctx, UNKNOWN, &text),
            }
        }
        Err(e) => {
            return fail(
                ctx,
                FAILURE,
                &format!("the deploy was refused: {e}; nothing was created"),
            );
        }
    };
    accepted(ctx, a, &state, &w, d).await
}

/// After the deploy was accepted: the guard stored, the deployment said, then `--wait`.
async fn accepted(
    ctx: &Ctx,
    a: &DeployArgs,
    state: &AppState,
    w: &DeployWizard,
    d: Deployment,
) -> Exit {
    let now = (ctx.clock)();
    let mut guard = None;
    if let Ok(Some((rule, spec))) = crate::app::guard::wizard_rule(w, state, now) {
        let stored = crate::domain::guard::StoredRule {
            deployment_id: d.id.clone(),
            rule: rule.clone(),
            spec: spec.clone(),
            created_at: now,
        };
        match ctx.store.call(move |s| s.put_rule(&stored)).await {
            Ok(()) => {
                let rule = rule.in_local(now, ctx.local_offset);
                guard = Some(format!("terminate {rule} ({spec})"))
            }
            Err(e) => ctx.err(&format!(
                "warning: the guard could not be stored ({e}): set it with `spheron-tui guard add {} …`",
                d.id
            )),
        }
    }
    if !a.json {
        ctx.out(&format!("Deploying {} ({}): {}", d.name, d.id, d.status));
        if let Some(g) = &guard {
            ctx.out(&format!(
                "guard: {g}; it acts while the dashboard or `spheron-tui guard run` runs"
            ));
        }
    }
    let mut last = d.clone();
    let mut code = OK;
    if let Some(what) = a.wait {
        let (c, seen) = super::wait::until(ctx, &d.id, what, a.timeout).await;
        code = c;
        if let Some(seen) = seen {
            last = seen;
        }
    }
    if a.json {
        print_json(
            ctx,
            &serde_json::json!({
                "deployment": deployment_json(&last),
                "guard": guard,
            }),
        );
    }
    code
}

/// A deployment as the API sent it (the raw object), else its main fields.
pub fn deployment_json(d: &Deployment) -> serde_json::Value {
    if d.raw.is_object() {
        return d.raw.clone();
    }
    serde_json::json!({
        "id": d.id, "name": d.name, "status": d.status.as_str(),
        "hourlyRate": d.hourly_rate, "ipAddress": d.ip_address,
    })
}

/// The summary as text: what is deployed, then the wizard's money lines.
fn summary_lines(
    state: &AppState,
    w: &DeployWizard,
    s: &wizard::Summary,
    plan: Option<&crate::domain::planner::Job>,
) -> Vec<String> {
    let o = &w.offer;
    let c = wizard::choices(state, w);
    let mut out = vec![
        format!(
            "{:<13}{} × {} ({})  ·  {}  ·  type {}",
            "GPU",
            wizard::offer_gpu_name(o),
            o.gpu_count,
            o.gpu_type,
            o.provider,
            o.instance_type
        ),
        format!(
            "{:<13}{}  ·  {}",
            "Region / OS", c.region, c.operating_system
        ),
        format!(
            "{:<13}{}  ·  team {}",
            "SSH / team",
            wizard::chosen_key(state, w),
            s.team_name.clone().unwrap_or_else(|| "unknown".into())
        ),
        format!("{:<13}{}", "Name", c.name.clone().unwrap_or_default()),
    ];
    if let Some(ci) = &c.cloud_init {
        out.push(format!(
            "{:<13}packages {} · commands {} · files {}",
            "Cloud-init",
            ci.packages.len(),
            ci.runcmd.len(),
            ci.write_files.len()
        ));
    }
    if !c.volumes.is_empty() {
        let names: Vec<&str> = c.volumes.iter().map(|v| v.name.as_str()).collect();
        out.push(format!(
            "{:<13}{}  ·  {}",
            "Volumes",
            names.join(", "),
            crate::domain::cost::usd_h(s.estimate.volumes)
        ));
    }
    if let Some(v) = &c.kubernetes_version {
        out.push(format!("{:<13}{v}", "Kubernetes"));
    }
    if let Ok(Some((rule, spec))) = crate::app::guard::wizard_rule(w, state, state.now) {
        let rule = rule.in_local(state.now, state.local_offset());
        out.push(format!("{:<13}terminate {rule} ({spec})", "Guard"));
    }
    if let Some(job) = plan {
        let p = crate::domain::planner::plan_offer(job, o);
        out.push(format!(
            "{:<13}{}",
            "Model plan",
            p.summary_text(job, o.gpu_count)
        ));
    }
    out.extend(s.cost_text(o).plain_lines());
    out
}
