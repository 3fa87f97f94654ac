//! `volume create|rename|expand|attach|detach|delete`: the volume dialogs' provider rules
//! (`domain::volume_rules`, through `app::volume_access`), the spend confirmed with
//! `$/h now → after`, one write each.

use super::args::{VolumeCommand, VolumeCreateArgs};
use super::{
    Env, Exit, Needs, account, confirm, fail, intent, print_json, record, refuse_read_only, resolve,
};
use crate::api::{Volume, VolumePatch};
use crate::app::AppState;
use crate::app::dialogs::confirm::Spend;
use crate::app::dialogs::deploy::preset::by_id_or_name;
use crate::app::volume_access::{self, create_targets};
use crate::commands::context::Ctx;
use crate::domain::cost::{usd_h, usd_opt};
use crate::domain::volume_rules::{
    check_delete, check_detach, check_expand, check_name, check_rename, rules_for,
};
use crate::exit::{FAILURE, OK, USAGE};

const HOURS_30_DAYS: f64 = 720.0;

pub async fn volume(ctx: &Ctx, env: &Env, cmd: &VolumeCommand) -> Exit {
    if let Err(code) = refuse_read_only(ctx, "the volume change") {
        return code;
    }
    let needs = Needs {
        volumes: true,
        providers: matches!(cmd, VolumeCommand::Create(_)),
        ..Needs::default()
    };
    let (state, teams) = match account(ctx, env, needs).await {
        Ok(s) => s,
        Err(code) => return code,
    };
    let dep = |arg: &str| resolve(&state.deployments.items, &teams, arg).cloned();
    // Every command but create names one volume.
    let named = match cmd {
        VolumeCommand::Create(a) => return create(ctx, env, &state, &teams, a).await,
        VolumeCommand::Rename { volume, .. }
        | VolumeCommand::Expand { volume, .. }
        | VolumeCommand::Attach { volume, .. }
        | VolumeCommand::Detach { volume, .. }
        | VolumeCommand::Delete { volume, .. } => volume,
    };
    let v = match find_volume(&state.volumes.items, named) {
        Ok(v) => v,
        Err(e) => return fail(ctx, FAILURE, &e),
    };
    match cmd {
        VolumeCommand::Create(_) => unreachable!("create returned above"),
        VolumeCommand::Rename { new_name, json, .. } => {
            if let Err(e) = check_rename(&v.provider).and_then(|()| check_name(new_name)) {
                return fail(ctx, FAILURE, &e);
            }
            let done = format!("Renamed volume {} to {new_name}", v.name);
            let patch = VolumePatch {
                name: Some(new_name.clone()),
                size_in_gb: None,
            };
            send_patch(ctx, &v, patch, *json, &done).await
        }
        VolumeCommand::Expand {
            size, yes, json, ..
        } => {
            let current = volume_access::size_gb(&v);
            if let Err(e) = check_expand(&v.provider, current, *size) {
                return fail(ctx, FAILURE, &e);
            }
            let spend = volume_access::spend_expanded(&state, &v, *size);
            say_spend(
                ctx,
                *json,
                &format!("Grow volume {} from {current} GB to {size} GB.", v.name),
                spend,
            );
            if let Err(code) = confirm(ctx, env, &format!("Grow {} to {size} GB?", v.name), *yes) {
                return code;
            }
            let done = format!("Volume {} is now {size} GB", v.name);
            let grown = VolumePatch {
                size_in_gb: Some(*size),
                ..VolumePatch::default()
            };
            send_patch(ctx, &v, grown, *json, &done).await
        }
        VolumeCommand::Attach {
            deployment, json, ..
        } => {
            let d = match dep(deployment) {
                Ok(d) => d,
                Err(e) => return fail(ctx, FAILURE, &e),
            };
            if let Err(e) = volume_access::attach_verdict(&state, &v, &d) {
                return fail(
                    ctx,
                    FAILURE,
                    &format!("{} cannot be attached to {}: {e}", v.name, super::label(&d)),
                );
            }
            let done = format!("Attached volume {} to {}", v.name, super::label(&d));
            let write = ctx.client.attach_volume(&v.id, &d.id);
            send(ctx, "POST", "/attach", &v, write, *json, &done).await
        }
        VolumeCommand::Detach {
            deployment,
            yes,
            json,
            ..
        } => {
            let attached: Vec<String> = v.attachments().iter().map(|s| s.to_string()).collect();
            let from = match (deployment, attached.as_slice()) {
                (Some(arg), _) => match dep(arg) {
                    Ok(d) if attached.contains(&d.id) => d,
                    Ok(d) => {
                        return fail(
                            ctx,
                            FAILURE,
                            &format!("{} is not attached to {}", v.name, super::label(&d)),
                        );
                    }
                    Err(e) => return fail(ctx, FAILURE, &e),
                },
                (None, [one]) => match state.deployments.items.iter().find(|d| &d.id == one) {
                    Some(d) => d.clone(),
                    None => {
                        return fail(
                            ctx,
                            FAILURE,
                            &format!("{} is attached to {one}, which is not listed", v.name),
                        );
                    }
                },
                (None, []) => return fail(ctx, FAILURE, &format!("{} is not attached", v.name)),
                (None, _) => {
                    return fail(
                        ctx,
                        USAGE,
                        &format!("{} is attached to several deployments: name one", v.name),
                    );
                }
            };
            if let Err(e) = check_detach(&v.provider, &from.status) {
                return fail(ctx, FAILURE, &e);
            }
            let say = |l: &str| if *json { ctx.err(l) } else { ctx.out(l) };
            say(&format!(
                "Detach volume {} from {}: anything using it there loses it at once; the volume and its data stay (and keep billing).",
                v.name,
                super::label(&from)
            ));
            if let Err(code) = confirm(ctx, env, &format!("Detach {}?", v.name), *yes) {
                return code;
            }
            let done = format!("Detached volume {} from {}", v.name, super::label(&from));
            let write = ctx.client.detach_volume(&v.id, Some(&from.id));
            send(ctx, "POST", "/detach", &v, write, *json, &done).await
        }
        VolumeCommand::Delete { yes, json, .. } => {
            if let Err(e) = check_delete(v.attachments().len(), &v.status) {
                return fail(ctx, FAILURE, &e);
            }
            say_spend(
                ctx,
                *json,
                &format!(
                    "Delete volume {} ({} GB) and ALL its data: this cannot be undone.",
                    v.name,
                    volume_access::size_gb(&v)
                ),
                volume_access::spend_without(&state, &v),
            );
            if let Err(code) = confirm(ctx, env, &format!("Delete {} and its data?", v.name), *yes)
            {
                return code;
            }
            let path = format!("/api/volumes/{}", v.id);
            let row = intent(
                ctx,
                "DELETE",
                &path,
                Some(v.id.clone()),
                &v.name,
                v.cost_per_hour(),
            )
            .await;
            let r = ctx.client.delete_volume(&v.id).await;
            let result = r.as_ref().map(drop).map_err(|e| e.to_string());
            record(
                ctx,
                row,
                "DELETE",
                format!("/api/volumes/{}", v.id),
                (Some(v.id.clone()), &v.name),
                &result,
                v.cost_per_hour(),
            )
            .await;
            match r {
                Ok(()) => {
                    if *json {
                        print_json(ctx, &serde_json::json!({"id": v.id, "deleted": true}));
                    } else {
                        ctx.out(&format!("Deleted volume {}", v.name));
                    }
                    OK
                }
                Err(e) => fail(ctx, FAILURE, &format!("volume {} not deleted: {e}", v.name)),
            }
        }
    }
}

/// A volume by id or exact name; two of one name are refused.
fn find_volume(list: &[Volume], arg: &str) -> Result<Volume, String> {
    match by_id_or_name(list, arg, |v| &v.id, |v| &v.name) {
        Ok(v) => Ok(v.clone()),
        Err(none) if none.is_empty() => Err(format!("no volume has the id or the name {arg:?}")),
        Err(many) => Err(format!(
            "{} volumes are called {arg:?}: name one by its id ({})",
            many.len(),
            many.iter()
                .map(|v| v.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

fn say_spend(ctx: &Ctx, json: bool, what: &str, spend: Spend) {
    let say = |l: &str| if json { ctx.err(l) } else { ctx.out(l) };
    say(what);
    say(&format!("{:<13}{}", "Spend", spend.text()));
    if let Some(why) = spend.after.note() {
        say(&format!("{:<13}({why})", ""));
    }
}

/// `PATCH /api/volumes/{id}` through [`send`].
async fn send_patch(ctx: &Ctx, v: &Volume, patch: VolumePatch, json: bool, done: &str) -> Exit {
    let write = ctx.client.patch_volume(&v.id, &patch);
    send(ctx, "PATCH", "", v, write, json, done).await
}

/// One write to volume `v` (`METHOD /api/volumes/{id}{tail}`): the journal row before it is
/// sent, its outcome after, then `done` (or the volume as JSON) or the failure.
async fn send(
    ctx: &Ctx,
    method: &'static str,
    tail: &str,
    v: &Volume,
    write: impl std::future::Future<Output = Result<Volume, crate::api::ApiError>>,
    json: bool,
    done: &str,
) -> Exit {
    let path = format!("/api/volumes/{}{tail}", v.id);
    let row = intent(
        ctx,
        method,
        &path,
        Some(v.id.clone()),
        &v.name,
        v.cost_per_hour(),
    )
    .await;
    // Not sent before this: the request goes out when awaited, after its journal row.
    let r = write.await;
    let result = r.as_ref().map(drop).map_err(|e| e.to_string());
    let rate = r.as_ref().ok().and_then(Volume::cost_per_hour);
    let target = (Some(v.id.clone()), v.name.as_str());
    record(ctx, row, method, path, target, &result, rate).await;
    match r {
        Ok(after) => {
            if json {
                print_json(ctx, &volume_json(&after));
            } else {
                ctx.out(done);
            }
            OK
        }
        Err(e) => fail(ctx, FAILURE, &format!("volume {}: {e}", v.name)),
    }
}

fn volume_json(v: &Volume) -> serde_json::Value {
    serde_json::json!({
        "id": v.id, "name": v.name, "provider": v.provider, "region": v.region,
        "sizeGb": v.size_in_gb, "status": v.status, "attachedTo": v.attachments(),
        "pricePerHour": v.cost_per_hour(),
    })
}

async fn create(
    ctx: &Ctx,
    env: &Env,
    state: &AppState,
    teams: &crate::api::teams::Teams,
    a: &VolumeCreateArgs,
) -> Exit {
    if let Err(e) = check_name(&a.name) {
        return fail(ctx, USAGE, &e);
    }
    if rules_for(&a.provider).is_none() {
        return fail(
            ctx,
            USAGE,
            &format!("{} does not offer volumes", a.provider),
        );
    };
    if let Some(why) =
        crate::domain::deploy::provider_unlisted(&a.provider, state.providers.as_deref())
    {
        return fail(ctx, FAILURE, &why);
    }
    let regions = match ctx.client.volume_regions(Some(&a.provider)).await {
        Ok(r) => r,
        Err(e) => {
            return fail(
                ctx,
                FAILURE,
                &format!("the volume regions could not be read: {e}"),
            );
        }
    };
    let region = match (&a.region, regions.as_slice()) {
        (Some(r), _) => regions.iter().find(|x| &x.id == r),
        (None, [only]) => Some(only),
        (None, _) => None,
    };
    let Some(region) = region.cloned() else {
        let ids: Vec<&str> = regions.iter().map(|r| r.id.as_str()).collect();
        return fail(
            ctx,
            USAGE,
            &format!("give --region, one of {}'s: {}", a.provider, ids.join(", ")),
        );
    };
    let target = match &a.attach {
        None => None,
        Some(arg) => {
            let d = match resolve(&state.deployments.items, teams, arg) {
                Ok(d) => d.clone(),
                Err(e) => return fail(ctx, FAILURE, &e),
            };
            let t = create_targets(state, &a.provider, &region.id)
                .into_iter()
                .find(|t| t.id == d.id);
            match t.map(|t| t.verdict) {
                Some(Ok(())) => Some(d),
                Some(Err(e)) => {
                    return fail(
                        ctx,
                        FAILURE,
                        &format!("it cannot be attached to {}: {e}", super::label(&d)),
                    );
                }
                None => {
                    return fail(
                        ctx,
                        FAILURE,
                        &format!(
                            "{} is not an active {} deployment",
                            super::label(&d),
                            a.provider
                        ),
                    );
                }
            }
        }
    };
    let team = match &a.team {
        None => state.current_team_id().map(str::to_owned),
        Some(t) => {
            let known = crate::app::dialogs::deploy::team_options(state);
            match known.iter().find(|x| &x.0 == t || &x.1 == t) {
                Some(x) => Some(x.0.clone()),
                None => return fail(ctx, USAGE, &format!("team {t:?} is not one team of yours")),
            }
        }
    };
    let rate = match ctx.client.volume_pricing(&a.provider, &region.id).await {
        Ok(p) => p.hourly_rate_per_gb,
        Err(_) => None,
    }
    .or(region.hourly_rate_per_gb);
    let per_hour = rate.map(|r| a.size as f64 * r);
    let target_id = target.as_ref().map(|d| d.id.clone());
    let new =
        match volume_access::new_volume(&a.name, a.size, &a.provider, &region, team, target_id) {
            Ok(new) => new,
            Err(e) => return fail(ctx, FAILURE, &e),
        };
    say_spend(
        ctx,
        a.json,
        &format!(
            "Create {} ({} GB, {} {}): {} · {} per 30 days, billed until the volume is deleted.{}",
            new.name,
            new.size_in_gb,
            new.provider,
            region.id,
            usd_h(per_hour),
            usd_opt(per_hour.map(|h| h * HOURS_30_DAYS)),
            target.as_ref().map_or(String::new(), |d| format!(
                " Attached at once to {}.",
                super::label(d)
            ))
        ),
        volume_access::spend_created(state, per_hour),
    );
    if per_hour.is_none() {
        return fail(
            ctx,
            FAILURE,
            "the price is unknown, so nothing can be confirmed",
        );
    }
    if let Err(code) = confirm(ctx, env, &format!("Create volume {}?", new.name), a.yes) {
        return code;
    }
    let row = intent(ctx, "POST", "/api/volumes", None, &new.name, per_hour).await;
    let r = ctx.client.create_volume(&new).await;
    let result = r.as_ref().map(drop).map_err(|e| e.to_string());
    let id = r.as_ref().ok().map(|v| v.id.clone());
    record(
        ctx,
        row,
        "POST",
        "/api/volumes".into(),
        (id, &new.name),
        &result,
        per_hour,
    )
    .await;
    match r {
        Ok(v) => {
            if a.json {
                print_json(ctx, &volume_json(&v));
            } else {
                ctx.out(&format!("Created volume {} ({})", v.name, v.id));
            }
            OK
        }
        Err(e) => fail(ctx, FAILURE, &format!("volume not created: {e}")),
    }
}
