//! `key add NAME PATH.pub` and `key rm NAME|ID`: the SSH keys pane's checks (a public key only;
//! a private key is refused at its first line and not read further), one write each.

use super::args::KeyCommand;
use super::{
    Env, Exit, Needs, account, confirm, fail, intent, print_json, record, refuse_read_only,
};
use crate::api::NewSshKey;
use crate::app::dialogs::deploy::preset::by_id_or_name;
use crate::commands::context::Ctx;
use crate::exit::{FAILURE, OK, USAGE};

pub async fn key(ctx: &Ctx, env: &Env, cmd: &KeyCommand) -> Exit {
    match cmd {
        KeyCommand::Add { name, path, json } => add(ctx, env, name, path, *json).await,
        KeyCommand::Rm { key, yes, json } => rm(ctx, env, key, *yes, *json).await,
    }
}

async fn add(ctx: &Ctx, env: &Env, name: &str, path: &str, json: bool) -> Exit {
    let name = name.trim();
    if name.is_empty() {
        return fail(ctx, USAGE, "name the key (e.g. laptop)");
    }
    let key = match super::deploy::read_public_key(env, path) {
        Ok(k) => k,
        Err(e) => return fail(ctx, USAGE, &e),
    };
    if let Err(code) = refuse_read_only(ctx, "the new SSH key") {
        return code;
    }
    let (state, _) = match account(ctx, env, Needs::default()).await {
        Ok(s) => s,
        Err(code) => return code,
    };
    let new = NewSshKey {
        name: name.to_string(),
        public_key: key.text.clone(),
        team_id: state.current_team_id().map(str::to_owned),
    };
    let row = intent(ctx, "POST", "/api/ssh-keys", None, &new.name, None).await;
    let answer = ctx.client.add_ssh_key(&new).await;
    let result = answer.as_ref().map(drop).map_err(|e| e.to_string());
    let id = answer.as_ref().ok().map(|k| k.id.clone());
    let target = (id, new.name.as_str());
    record(
        ctx,
        row,
        "POST",
        "/api/ssh-keys".into(),
        target,
        &result,
        None,
    )
    .await;
    match answer {
        Ok(k) => {
            if json {
                print_json(
                    ctx,
                    &serde_json::json!({"id": k.id, "name": k.name, "fingerprint": k.fingerprint}),
                );
            } else {
                ctx.out(&format!(
                    "SSH key {} added ({}){}",
                    k.name,
                    k.id,
                    k.fingerprint.map(|f| format!(" {f}")).unwrap_or_default()
                ));
            }
            OK
        }
        Err(e) => fail(ctx, FAILURE, &format!("SSH key not added: {e}")),
    }
}

async fn rm(ctx: &Ctx, env: &Env, arg: &str, yes: bool, json: bool) -> Exit {
    if let Err(code) = refuse_read_only(ctx, "the key deletion") {
        return code;
    }
    let needs = Needs {
        keys: true,
        ..Needs::default()
    };
    let (state, _) = match account(ctx, env, needs).await {
        Ok(s) => s,
        Err(code) => return code,
    };
    let k = match by_id_or_name(&state.keys.items, arg, |k| &k.id, |k| &k.name) {
        Ok(k) => k.clone(),
        Err(none) if none.is_empty() => {
            return fail(
                ctx,
                FAILURE,
                &format!("no saved SSH key has the id or name {arg:?}"),
            );
        }
        Err(many) => {
            let ids: Vec<&str> = many.iter().map(|k| k.id.as_str()).collect();
            return fail(
                ctx,
                FAILURE,
                &format!(
                    "{} keys are called {arg:?}: name one by its id ({})",
                    many.len(),
                    ids.join(", ")
                ),
            );
        }
    };
    let say = |l: &str| if json { ctx.err(l) } else { ctx.out(l) };
    say(&format!(
        "Delete the SSH key {} ({}){}",
        k.name,
        k.id,
        k.fingerprint
            .as_deref()
            .map(|f| format!(", fingerprint {f}"))
            .unwrap_or_default()
    ));
    say("New deploys can no longer pick it. This cannot be undone.");
    if let Err(code) = confirm(ctx, env, &format!("Delete the SSH key {}?", k.name), yes) {
        return code;
    }
    let path = format!("/api/ssh-keys/{}", k.id);
    let row = intent(ctx, "DELETE", &path, Some(k.id.clone()), &k.name, None).await;
    let answer = ctx.client.delete_ssh_key(&k.id).await;
    let result = answer.as_ref().map(drop).map_err(|e| e.to_string());
    record(
        ctx,
        row,
        "DELETE",
        format!("/api/ssh-keys/{}", k.id),
        (Some(k.id.clone()), &k.name),
        &result,
        None,
    )
    .await;
    match answer {
        Ok(()) => {
            if json {
                print_json(ctx, &serde_json::json!({"id": k.id, "deleted": true}));
            } else {
                ctx.out(&format!("SSH key {} deleted", k.name));
            }
            OK
        }
        Err(e) => fail(ctx, FAILURE, &format!("SSH key not deleted: {e}")),
    }
}
