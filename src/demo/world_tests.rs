//! World rules with a moved clock: lifecycle, minimum runtime, balances, deploy validation.
//! Volume rules are in `volume_tests.rs`.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::catalog::{Catalog, Offer};
use super::error::ApiResult;
use super::test_epoch;
use super::world::{World, WorldParams};

pub(super) const TEAM: &str = "team_demo_01";
/// The demo user's second team.
pub(super) const OTHER_TEAM: &str = "team_grant_07";
pub(super) const KEY: &str = "sshk_5d2e8a41";

pub(super) fn world_with(fail_share: f64, spot: f64) -> World {
    let params = WorldParams {
        seed: 7,
        fail_share,
        deploy_delay_secs: (30, 60),
        spot_interruptions_per_hour: spot,
        price_drift: false,
    };
    World::new(Arc::new(Catalog::load().unwrap()), params, test_epoch())
}

pub(super) fn world() -> World {
    world_with(0.0, 0.0)
}

pub(super) fn at(secs: i64) -> DateTime<Utc> {
    test_epoch() + Duration::seconds(secs)
}

pub(super) fn offer(w: &World, f: impl Fn(&Offer) -> bool) -> Offer {
    w.catalog
        .offers()
        .find(|o| !o.maintenance && o.available && f(o))
        .expect("an offer matching the test's needs")
        .clone()
}

/// The name the demo's providers list gives `provider`: what a client sends.
pub(super) fn listed(provider: &str) -> String {
    let names: Vec<String> =
        serde_json::from_str(include_str!("../../assets/demo/providers.json")).unwrap();
    crate::domain::volume_rules::listed_name(provider, Some(&names)).to_string()
}

/// A valid deploy body for `o` in its first region, with `extra` merged in.
pub(super) fn body(o: &Offer, extra: Value) -> Value {
    let mut b = json!({
        "provider": listed(&o.provider), "offerId": o.offer_id, "gpuType": o.gpu_type,
        "gpuCount": o.gpu_count, "region": o.clusters[0], "operatingSystem": o.os_options[0],
        "instanceType": o.instance_type, "sshKeyId": KEY, "teamId": TEAM,
    });
    for (k, v) in extra.as_object().unwrap() {
        if v.is_null() {
            b.as_object_mut().unwrap().remove(k);
        } else {
            b[k] = v.clone();
        }
    }
    b
}

pub(super) fn deploy(
    w: &mut World,
    o: &Offer,
    extra: Value,
    now: DateTime<Utc>,
) -> ApiResult<Value> {
    w.create_deployment(&body(o, extra), now)
}

pub(super) fn dep(w: &World, id: &str) -> Value {
    let i = w.deployment_index(id).unwrap();
    w.deployment_json(&w.deployments[i], false)
}

fn field_of(r: ApiResult<Value>) -> String {
    r.unwrap_err().field().unwrap_or("-").to_string()
}

#[test]
fn seed_is_fresh_and_moves() {
    let mut w = world();
    let running = dep(&w, "dep_7f3a91c2e0b4");
    assert_eq!(running["status"], "running");
    assert_eq!(running["startedAt"], json!("2026-11-28T10:25:00.000Z"));
    assert!(running["totalCost"].as_f64().unwrap() > 0.0);
    assert_eq!(running["sshCommand"], "ssh -p 22 ubuntu@65.108.32.14");
    assert_eq!(dep(&w, "dep_e5f60718a9bc")["status"], "deploying");
    w.advance_to(at(41));
    assert_eq!(dep(&w, "dep_e5f60718a9bc")["status"], "running");
    let failed = dep(&w, "dep_9988aabbccdd");
    assert_eq!(failed["status"], "failed");
    assert!(
        failed["failureReason"]
            .as_str()
            .unwrap()
            .contains("capacity")
    );
}

#[test]
fn deploying_becomes_running_with_ssh_details() {
    let mut w = world();
    let o = offer(&w, |o| {
        o.provider == "spheron-ai" && o.instance_type == "DEDICATED"
    });
    let d = deploy(&mut w, &o, json!({"name": "my-box"}), at(0)).unwrap();
    let id = d["id"].as_str().unwrap().to_string();
    assert_eq!(d["status"], "deploying");
    assert_eq!(d["name"], "my-box");
    assert!(d.get("ipAddress").is_none() && d.get("sshCommand").is_none());
    w.advance_to(at(29));
    assert_eq!(dep(&w, &id)["status"], "deploying");
    w.advance_to(at(60));
    let d = dep(&w, &id);
    assert_eq!(d["status"], "running");
    let ip = d["ipAddress"].as_str().unwrap();
    let port = d["sshPort"].as_u64().unwrap();
    assert_eq!(d["user"], "ubuntu");
    assert_eq!(d["sshCommand"], json!(format!("ssh -p {port} ubuntu@{ip}")));
    assert!(d["startedAt"].as_str().unwrap() <= "2026-11-28T12:01:00.000Z");
}

#[test]
fn delays_are_random_within_the_range() {
    let mut w = world();
    let o = offer(&w, |o| o.provider == "data-crunch");
    let ids: Vec<String> = (0..8)
        .map(|_| {
            deploy(&mut w, &o, json!({}), at(0)).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let ready: Vec<_> = ids
        .iter()
        .map(|id| {
            w.deployments[w.deployment_index(id).unwrap()]
                .ready_at
                .unwrap()
        })
        .collect();
    assert!(ready.iter().all(|r| *r >= at(30) && *r <= at(60)));
    assert!(ready.iter().any(|r| *r != ready[0]), "delays differ");
}

#[test]
fn a_share_of_deploys_fail_with_a_reason() {
    let mut w = world_with(1.0, 0.0);
    let o = offer(&w, |o| o.provider == "verda");
    let id = deploy(&mut w, &o, json!({}), at(0)).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    w.advance_to(at(61));
    let d = dep(&w, &id);
    assert_eq!(d["status"], "failed");
    assert!(!d["failureReason"].as_str().unwrap().is_empty());
    assert!(d.get("ipAddress").is_none());
    assert_eq!(d["totalCost"], json!(0.0));
}

#[test]
fn spot_instances_get_interrupted_and_lose_their_volumes() {
    let mut w = world_with(0.0, 1000.0);
    w.advance_to(at(3600));
    let spot = dep(&w, "dep_2b8c4d6e1f90");
    assert_eq!(spot["status"], "terminated-provider");
    assert!(spot.get("stoppedAt").is_some());
    assert_eq!(spot["volumeIds"], json!([]));
    let vi = w.volume_index("vol_ckpt0002").unwrap();
    assert_eq!(w.volumes[vi].status(), "available");
    // DEDICATED instances are not interrupted
    assert_eq!(dep(&w, "dep_7f3a91c2e0b4")["status"], "running");
}

#[test]
fn minimum_runtime_guards_terminate() {
    let mut w = world();
    let o = offer(&w, |o| o.provider == "spheron-ai");
    let id = deploy(&mut w, &o, json!({}), at(0)).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    w.advance_to(at(60));
    let started = w.deployments[w.deployment_index(&id).unwrap()]
        .started_at
        .unwrap();
    let c = w
        .can_terminate(&id, started + Duration::minutes(5))
        .unwrap();
    assert_eq!(c["canTerminate"], false);
    assert_eq!(c["timeRemaining"], 15);
    assert_eq!(c["minimumRuntime"], 20);
    assert_eq!(c["runtime"], 5);
    let c = w
        .can_terminate(&id, started + Duration::seconds(19 * 60 + 30))
        .unwrap();
    assert_eq!(c["timeRemaining"], 1);
    let e = w
        .terminate(&id, started + Duration::minutes(10))
        .unwrap_err();
    assert_eq!(e.status, 400);
    assert_eq!(e.extra["canTerminate"], false);
    assert_eq!(e.extra["timeRemaining"], 10);
    assert_eq!(e.extra["minimumRuntime"], 20);
    let later = started + Duration::minutes(20);
    assert_eq!(w.can_terminate(&id, later).unwrap()["canTerminate"], true);
    let r = w.terminate(&id, later).unwrap();
    assert_eq!(r["deployment"]["status"], "terminated");
    assert!(r["deployment"]["stoppedAt"].is_string());
    let again = w.terminate(&id, later + Duration::minutes(1)).unwrap_err();
    assert_eq!((again.status, again.code), (400, "VALIDATION_ERROR"));
    assert_eq!(w.can_terminate(&id, later).unwrap()["canTerminate"], false);
    assert_eq!(w.terminate("dep_nope", later).unwrap_err().status, 404);
    // a deploying instance is always too early
    let id2 = deploy(&mut w, &o, json!({}), later).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(w.can_terminate(&id2, later).unwrap()["canTerminate"], false);
}

#[test]
fn balances_and_costs_follow_the_clock() {
    let mut w = world();
    let b0 = w.teams[0].balance;
    let other0 = w.teams[1].balance;
    let rate_of = |w: &World, team: &str| -> f64 {
        let running: f64 = w
            .deployments
            .iter()
            .filter(|d| d.status == "running" && d.team_id == team)
            .map(|d| d.hourly_rate)
            .sum();
        let volumes: f64 = w
            .volumes
            .iter()
            .filter(|v| v.team_id == team)
            .map(|v| v.hourly_rate())
            .sum();
        running + volumes
    };
    let own_rate = rate_of(&w, TEAM);
    let other_rate = rate_of(&w, OTHER_TEAM);
    assert!(other_rate > 0.0);
    let cost0 = dep(&w, "dep_7f3a91c2e0b4")["totalCost"].as_f64().unwrap();
    let rate = w.deployments[0].hourly_rate;
    w.advance_to(at(1800));
    let cost1 = dep(&w, "dep_7f3a91c2e0b4")["totalCost"].as_f64().unwrap();
    assert!((cost1 - cost0 - rate / 2.0).abs() < 0.01, "{cost0} {cost1}");
    // the deploying seed instance starts at +40 s, the deleting volume goes at +30 s: small terms
    let spent = b0 - w.teams[0].balance;
    let expected = own_rate / 2.0;
    assert!(
        spent > expected && spent < expected + 1.0,
        "{spent} vs {expected}"
    );
    // each team pays for its own instances and volumes only
    let other_spent = other0 - w.teams[1].balance;
    assert!(
        (other_spent - other_rate / 2.0).abs() < 0.01,
        "{other_spent} vs {}",
        other_rate / 2.0
    );
    // terminated instances cost nothing more
    let t = dep(&w, "dep_0a1b2c3d4e5f")["totalCost"].clone();
    w.advance_to(at(7200));
    assert_eq!(dep(&w, "dep_0a1b2c3d4e5f")["totalCost"], t);
    // the stored balance (teams) lags the live one by at most BALANCE_SYNC_MIN minutes
    let live = w.teams[0].balance;
    w.advance_to(at(7200 + 60));
    assert_eq!(w.teams[0].stored_balance, live);
    assert!(w.teams[0].balance < live);
    assert_eq!(
        w.teams_json(at(7200 + 60))[0]["balance"],
        json!((live * 100.0).round() / 100.0)
    );
    w.advance_to(at(7200 + 300));
    assert_eq!(w.teams[0].stored_balance, w.teams[0].balance);
    // the balance never goes below zero
    w.advance_to(at(3600 * 1000));
    assert_eq!(w.teams[0].balance, 0.0);
}

#[test]
fn deploy_validation_names_each_field() {
    let mut w = world();
    let o = offer(&w, |o| o.provider == "spheron-ai" && !o.supports_cloud_init);
    let d = |w: &mut World, extra: Value| field_of(deploy(w, &o, extra, at(0)));
    let e = deploy(&mut w, &o, json!({"teamId": null}), at(0)).unwrap_err();
    assert_eq!(
        (e.field(), e.message.as_str()),
        (Some("teamId"), "Team ID is required")
    );
    assert_eq!(d(&mut w, json!({"teamId": "team_x"})), "teamId");
    assert_eq!(d(&mut w, json!({"provider": "aws"})), "provider");
    assert_eq!(d(&mut w, json!({"provider": "sesterce"})), "provider");
    assert_eq!(d(&mut w, json!({"offerId": "nope"})), "offerId");
    assert_eq!(d(&mut w, json!({"gpuType": "B200_SXM6"})), "gpuType");
    assert_eq!(d(&mut w, json!({"gpuCount": o.gpu_count + 1})), "gpuCount");
    assert_eq!(d(&mut w, json!({"gpuCount": null})), "gpuCount");
    assert_eq!(d(&mut w, json!({"region": "mars-1"})), "region");
    assert_eq!(
        d(&mut w, json!({"operatingSystem": "windows"})),
        "operatingSystem"
    );
    assert_eq!(d(&mut w, json!({"instanceType": "SPOTTY"})), "instanceType");
    assert_eq!(d(&mut w, json!({"sshKeyId": null})), "sshKeyId");
    assert_eq!(
        d(
            &mut w,
            json!({"ssh_public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIabc x"})
        ),
        "sshKeyId"
    );
    assert_eq!(d(&mut w, json!({"sshKeyId": "sshk_unknown"})), "sshKeyId");
    assert_eq!(
        d(&mut w, json!({"sshKeyId": null, "ssh_public_key": "hello"})),
        "ssh_public_key"
    );
    assert_eq!(
        d(&mut w, json!({"cloudInit": {"runcmd": ["echo hi"]}})),
        "cloudInit"
    );
    assert_eq!(
        d(&mut w, json!({"kubernetesAddon": {"version": "1.35"}})),
        "kubernetesAddon"
    );
    assert_eq!(d(&mut w, json!({"name": 5})), "name");
    assert_eq!(
        w.create_deployment(&json!([1]), at(0)).unwrap_err().field(),
        Some("body")
    );
    let m = w.catalog.offers().find(|o| o.maintenance).unwrap().clone();
    assert_eq!(field_of(deploy(&mut w, &m, json!({}), at(0))), "offerId");
    // listed but `available: false` (not in maintenance): refused with the reason
    let u = w
        .catalog
        .offers()
        .find(|o| !o.available && !o.maintenance)
        .unwrap()
        .clone();
    let e = deploy(&mut w, &u, json!({}), at(0)).unwrap_err();
    assert_eq!((e.status, e.field()), (400, Some("offerId")));
    assert!(e.message.contains("not available"), "{}", e.message);
    // nothing was created by the refused deploys
    assert_eq!(w.deployments.len(), 7);
    // inline key, lower-case instance type, opaque region: accepted
    let vp = offer(&w, |o| {
        o.provider == "voltage-park" && o.clusters[0].contains(':')
    });
    let ok = deploy(
        &mut w,
        &vp,
        json!({"sshKeyId": null, "ssh_public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICQYLPaIOgCkzvA9E0mLdQaGcltGwYO9+LYtaEjV3QnT me@x",
               "instanceType": vp.instance_type.to_lowercase()}),
        at(0),
    )
    .unwrap();
    assert_eq!(ok["region"], json!(vp.clusters[0]));
    assert!(ok.get("sshKeyId").is_none());
}

#[test]
fn cloud_init_only_where_supported_and_well_formed() {
    let mut w = world();
    let o = offer(&w, |o| o.supports_cloud_init && o.provider == "data-crunch");
    let ci = json!({"runcmd": ["nvidia-smi"], "packages": ["htop"],
                    "writeFiles": [{"path": "/etc/motd", "content": "hi", "permissions": "0644"}]});
    assert!(deploy(&mut w, &o, json!({ "cloudInit": ci }), at(0)).is_ok());
    let bad = deploy(
        &mut w,
        &o,
        json!({"cloudInit": {"runcmd": "nvidia-smi"}}),
        at(0),
    );
    assert_eq!(field_of(bad), "cloudInit");
}

#[test]
fn kubernetes_addon_on_voltage_park_clusters() {
    let mut w = world();
    let c = offer(&w, |o| o.kubernetes_cost_per_hour.is_some());
    assert_eq!(
        field_of(deploy(
            &mut w,
            &c,
            json!({"kubernetesAddon": {"version": "0.9"}}),
            at(0)
        )),
        "kubernetesAddon"
    );
    let d = deploy(
        &mut w,
        &c,
        json!({"kubernetesAddon": {"version": "1.34"}}),
        at(0),
    )
    .unwrap();
    let id = d["id"].as_str().unwrap().to_string();
    assert_eq!(d["kubernetesAddon"], json!({"version": "1.34"}));
    let k8s_cost = c.kubernetes_cost_per_hour.unwrap();
    assert!((d["hourlyRate"].as_f64().unwrap() - c.discounted_price() - k8s_cost).abs() < 1e-6);
    w.advance_to(at(61));
    let d = dep(&w, &id);
    let k = &d["kubernetesAddon"];
    assert!(k["kubeconfig"].as_str().unwrap().contains("apiVersion: v1"));
    assert!(!k["service_links"].as_array().unwrap().is_empty());
    let cluster = k["k8s_cluster_id"].as_str().unwrap().to_string();
    let h = w.cluster_health(&cluster, at(62)).unwrap();
    assert_eq!(h["status"], "healthy");
    assert_eq!(h["nodesReady"], h["nodesTotal"]);
    assert_eq!(w.cluster_health("nope", at(62)).unwrap_err().status, 404);
    // a DEDICATED voltage-park offer does not take the add-on
    let ded = offer(&w, |o| {
        o.provider == "voltage-park" && o.instance_type == "DEDICATED"
    });
    assert_eq!(
        field_of(deploy(
            &mut w,
            &ded,
            json!({"kubernetesAddon": {"version": "1.35"}}),
            at(0)
        )),
        "kubernetesAddon"
    );
}

#[test]
fn zero_balance_refuses_deploys() {
    let mut w = world();
    w.teams[0].balance = 0.0;
    let o = offer(&w, |o| o.provider == "spheron-ai");
    let e = deploy(&mut w, &o, json!({}), at(0)).unwrap_err();
    assert_eq!(
        (e.status, e.code, e.field()),
        (400, "INSUFFICIENT_BALANCE", Some("teamId"))
    );
}

#[test]
fn only_the_name_can_be_patched() {
    let mut w = world();
    let id = "dep_7f3a91c2e0b4";
    let i = w
        .rename_deployment(id, &json!({"name": "renamed"}), at(1))
        .unwrap();
    assert_eq!(w.deployments[i].name, "renamed");
    let e = w
        .rename_deployment(id, &json!({"name": "x", "region": "FIN-02"}), at(1))
        .unwrap_err();
    assert_eq!(e.field(), Some("region"));
    assert_eq!(
        w.rename_deployment(id, &json!({"name": ""}), at(1))
            .unwrap_err()
            .field(),
        Some("name")
    );
    assert_eq!(
        w.rename_deployment("nope", &json!({"name": "a"}), at(1))
            .unwrap_err()
            .status,
        404
    );
}

#[test]
fn list_filters() {
    let mut w = world();
    let ids = |w: &mut World, s: &str| -> Vec<String> {
        w.list_deployments(Some(s), None, at(0))
            .unwrap()
            .into_iter()
            .map(|i| w.deployments[i].status.clone())
            .collect()
    };
    assert!(
        ids(&mut w, "active")
            .iter()
            .all(|s| s == "running" || s == "deploying")
    );
    assert_eq!(ids(&mut w, "active").len(), 4);
    assert_eq!(ids(&mut w, "inactive").len(), 2);
    assert_eq!(ids(&mut w, "failed"), vec!["failed"]);
    assert_eq!(
        w.list_deployments(Some("bogus"), None, at(0))
            .unwrap_err()
            .field(),
        Some("status")
    );
    // without teamId: the current team only; with it: that team's
    assert!(
        w.list_deployments(None, None, at(0))
            .unwrap()
            .iter()
            .all(|&i| w.deployments[i].team_id == TEAM)
    );
    let other = w.list_deployments(None, Some(OTHER_TEAM), at(0)).unwrap();
    assert_eq!(other.len(), 1);
    assert_eq!(w.deployments[other[0]].id, "dep_51a7c0de2f44");
    assert_eq!(
        w.list_deployments(None, Some("team_other"), at(0))
            .unwrap_err()
            .status,
        404
    );
    assert_eq!(
        w.list_deployments(None, Some("team_acme_42"), at(0))
            .unwrap_err()
            .status,
        403
    );
    let vols = w.list_volumes(None, Some(OTHER_TEAM), at(0)).unwrap();
    assert_eq!(vols.len(), 1);
    assert_eq!(vols[0]["id"], "vol_grant008");
    assert!(
        w.list_volumes(None, None, at(0))
            .unwrap()
            .iter()
            .all(|v| v["teamId"] == TEAM)
    );
}

#[test]
fn a_stopped_deployment_still_bills_and_can_be_terminated() {
    let mut w = world();
    let id = "dep_7f3a91c2e0b4";
    w.force_status(id, "stopped", at(5)).unwrap();
    let before = dep(&w, id)["totalCost"].as_f64().unwrap();
    w.advance_to(at(3600));
    assert!(dep(&w, id)["totalCost"].as_f64().unwrap() > before);
    assert_eq!(w.can_terminate(id, at(3600)).unwrap()["canTerminate"], true);
    let r = w.terminate(id, at(3600)).unwrap();
    assert_eq!(r["deployment"]["status"], "terminated");
}

#[test]
fn force_status_for_tests() {
    let mut w = world();
    w.force_status("dep_2b8c4d6e1f90", "terminated-provider", at(5))
        .unwrap();
    assert_eq!(dep(&w, "dep_2b8c4d6e1f90")["status"], "terminated-provider");
    w.force_status("dep_e5f60718a9bc", "running", at(5))
        .unwrap();
    assert!(dep(&w, "dep_e5f60718a9bc")["sshCommand"].is_string());
}
