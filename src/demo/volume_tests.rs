//! Volume provider rules (docs/api-rules.md, "Volumes"), each allowed and refused.

use serde_json::{Value, json};

use super::world::World;
use super::world_tests::{at, body, dep, offer, world};

/// A running deployment of `provider` in `region`, created at `at(0)`.
fn running(w: &mut World, provider: &str, region: &str) -> String {
    let o = offer(w, |o| o.provider == provider && o.has_region(region));
    let d = w
        .create_deployment(&body(&o, json!({ "region": region })), at(0))
        .unwrap();
    let id = d["id"].as_str().unwrap().to_string();
    w.force_status(&id, "running", at(0)).unwrap();
    id
}

fn create(w: &mut World, b: Value) -> Result<Value, String> {
    w.create_volume(&b, at(0))
        .map_err(|e| e.field().unwrap_or("-").to_string())
}

fn new_vol(w: &mut World, provider: &str, region: &str, name: &str) -> String {
    let mut b = json!({"name": name, "sizeInGb": 100, "provider": provider, "region": region});
    if provider == "sesterce" {
        let r = w.catalog.volume_region(provider, region).unwrap();
        b["cloudId"] = json!(r.cloud_id);
        b["cloudName"] = json!(r.cloud_name);
    }
    let t = w.last;
    let v = w.create_volume(&b, t).unwrap();
    let id = v["id"].as_str().unwrap().to_string();
    w.advance_to(t + chrono::Duration::seconds(10));
    id
}

fn status(w: &World, id: &str) -> &'static str {
    w.volumes[w.volume_index(id).unwrap()].status()
}

fn attach(w: &mut World, vol: &str, dep: &str) -> Result<Value, String> {
    w.attach_volume(vol, &json!({ "deploymentId": dep }), at(11))
        .map_err(|e| e.message)
}

#[test]
fn create_checks_name_size_region_cloud_id() {
    let mut w = world();
    let ok =
        |p: &str, r: &str| json!({"name": "data", "sizeInGb": 100, "provider": p, "region": r});
    assert_eq!(
        create(
            &mut w,
            json!({"name": "Bad Name", "sizeInGb": 1, "provider": "spheron-ai", "region": "us-east-1"})
        ),
        Err("name".into())
    );
    assert_eq!(
        create(
            &mut w,
            json!({"sizeInGb": 1, "provider": "spheron-ai", "region": "us-east-1"})
        ),
        Err("name".into())
    );
    assert_eq!(
        create(
            &mut w,
            json!({"name": "a", "provider": "spheron-ai", "region": "us-east-1"})
        ),
        Err("sizeInGb".into())
    );
    assert_eq!(
        create(
            &mut w,
            json!({"name": "a", "sizeInGb": 10, "provider": "massed-compute"})
        ),
        Err("provider".into())
    );
    assert_eq!(
        create(&mut w, json!({"name": "a", "sizeInGb": 10})),
        Err("provider".into())
    );
    for p in ["data-crunch", "sesterce", "spheron-ai"] {
        assert_eq!(
            create(&mut w, json!({"name": "a", "sizeInGb": 60, "provider": p})),
            Err("region".into()),
            "{p}"
        );
    }
    assert_eq!(
        create(&mut w, ok("spheron-ai", "mars-1")),
        Err("region".into())
    );
    // voltage-park: region optional (without one it has none), gets a virtualIp
    let vp = create(
        &mut w,
        json!({"name": "vp", "sizeInGb": 64000, "provider": "voltage-park"}),
    )
    .unwrap();
    assert_eq!(vp["region"], "");
    assert!(vp["virtualIp"].is_string());
    assert_eq!(vp["status"], "creating");
    assert_eq!(
        create(
            &mut w,
            json!({"name": "vp", "sizeInGb": 64001, "provider": "voltage-park"})
        ),
        Err("sizeInGb".into())
    );
    // sesterce: cloudId and cloudName required, both the region's; 50 GB minimum
    assert_eq!(
        create(&mut w, ok("sesterce", "fr-lyon-1")),
        Err("cloudId".into())
    );
    let mut s = ok("sesterce", "fr-lyon-1");
    s["cloudId"] = json!("c-2210");
    assert_eq!(create(&mut w, s.clone()), Err("cloudId".into()));
    s["cloudId"] = json!("c-1042");
    assert_eq!(create(&mut w, s.clone()), Err("cloudName".into()));
    s["cloudName"] = json!("Sesterce US Central");
    assert_eq!(create(&mut w, s.clone()), Err("cloudName".into()));
    s["cloudName"] = json!("Sesterce EU Lyon");
    s["sizeInGb"] = json!(49);
    assert_eq!(create(&mut w, s.clone()), Err("sizeInGb".into()));
    s["sizeInGb"] = json!(50);
    assert_eq!(create(&mut w, s.clone()).unwrap()["cloudId"], "c-1042");
    // sesterce: no deploymentId at creation
    s["deploymentId"] = json!("dep_0a1b2c3d4e5f");
    assert_eq!(create(&mut w, s), Err("deploymentId".into()));
    // spheron-ai per-region maximum
    let mut big = ok("spheron-ai", "eu-north-1");
    big["sizeInGb"] = json!(20481);
    assert_eq!(create(&mut w, big), Err("sizeInGb".into()));
    assert_eq!(
        create(
            &mut w,
            json!({"name": "a", "sizeInGb": 5, "provider": "data-crunch", "region": "FIN-01", "teamId": "t"})
        ),
        Err("teamId".into())
    );
}

#[test]
fn creating_then_available_and_billed_by_size() {
    let mut w = world();
    let v = create(
        &mut w,
        json!({"name": "d1", "sizeInGb": 1000, "provider": "data-crunch", "region": "FIN-02"}),
    )
    .unwrap();
    let id = v["id"].as_str().unwrap();
    assert!((v["hourlyRate"].as_f64().unwrap() - 0.1).abs() < 1e-9);
    w.advance_to(at(9));
    assert_eq!(status(&w, id), "creating");
    assert!(w.delete_volume(id, at(9)).is_err());
    w.advance_to(at(10));
    assert_eq!(status(&w, id), "available");
}

#[test]
fn create_with_deployment_attaches_at_once() {
    let mut w = world();
    let d = running(&mut w, "spheron-ai", "us-east-1");
    let v = create(&mut w, json!({"name": "x", "sizeInGb": 10, "provider": "spheron-ai", "region": "us-east-1", "deploymentId": d})).unwrap();
    assert_eq!(v["status"], "attached");
    assert_eq!(v["deploymentId"], json!(d));
    assert_eq!(dep(&w, &d)["volumeIds"], json!([v["id"]]));
    // other region refused
    let r = create(
        &mut w,
        json!({"name": "y", "sizeInGb": 10, "provider": "spheron-ai", "region": "us-west-2", "deploymentId": d}),
    );
    assert_eq!(r, Err("deploymentId".into()));
}

#[test]
fn sesterce_never_attaches_after_launch_and_detaches_only_when_terminal() {
    let mut w = world();
    let v = new_vol(&mut w, "sesterce", "us-dallas-2", "s1");
    let d = running(&mut w, "sesterce", "us-dallas-2");
    assert!(
        attach(&mut w, &v, &d)
            .unwrap_err()
            .contains("only at instance creation")
    );
    // bound at creation through volumeIds, single volume only
    let o = offer(&w, |o| {
        o.provider == "sesterce" && o.has_region("us-dallas-2")
    });
    let v2 = new_vol(&mut w, "sesterce", "us-dallas-2", "s2");
    let two = w.create_deployment(
        &body(&o, json!({"region": "us-dallas-2", "volumeIds": [v, v2]})),
        at(11),
    );
    assert_eq!(two.unwrap_err().field(), Some("volumeIds"));
    let d2 = w
        .create_deployment(
            &body(&o, json!({"region": "us-dallas-2", "volumeIds": [v]})),
            at(11),
        )
        .unwrap();
    let d2 = d2["id"].as_str().unwrap().to_string();
    assert_eq!(status(&w, &v), "attached");
    assert!(w.detach_volume(&v, &json!({}), at(12)).is_err());
    // terminated: the volume stays bound (stranded) until detached by hand
    w.force_status(&d2, "terminated", at(13)).unwrap();
    assert_eq!(status(&w, &v), "attached");
    let r = w.detach_volume(&v, &json!({}), at(14)).unwrap();
    assert_eq!(r["volume"]["status"], "available");
    // the seeded stranded volume of a terminated deployment can be recovered
    assert!(w.detach_volume("vol_results05", &json!({}), at(14)).is_ok());
    assert!(
        w.update_volume("vol_results05", &json!({"name": "n"}), at(14))
            .is_err()
    );
    assert!(
        w.update_volume("vol_results05", &json!({"sizeInGb": 200}), at(14))
            .is_err()
    );
}

#[test]
fn spheron_ai_one_instance_per_volume_and_ten_per_instance() {
    let mut w = world();
    let a = running(&mut w, "spheron-ai", "us-east-1");
    let b = running(&mut w, "spheron-ai", "us-east-1");
    attach(&mut w, "vol_scratch03", &a).unwrap();
    assert!(
        attach(&mut w, "vol_scratch03", &b)
            .unwrap_err()
            .contains("one instance at a time")
    );
    assert!(
        attach(&mut w, "vol_scratch03", &a)
            .unwrap_err()
            .contains("already attached")
    );
    // hot-detach and re-attach elsewhere
    w.detach_volume("vol_scratch03", &json!({}), at(11))
        .unwrap();
    attach(&mut w, "vol_scratch03", &b).unwrap();
    for n in 0..9 {
        let v = new_vol(&mut w, "spheron-ai", "us-east-1", &format!("v{n}"));
        attach(&mut w, &v, &b).unwrap();
    }
    let eleventh = new_vol(&mut w, "spheron-ai", "us-east-1", "v10");
    assert!(
        attach(&mut w, &eleventh, &b)
            .unwrap_err()
            .contains("10 volume")
    );
    // region, provider and deployment state
    let west = new_vol(&mut w, "spheron-ai", "us-west-2", "w");
    assert!(attach(&mut w, &west, &a).is_err());
    assert!(attach(&mut w, "vol_datasets01", &a).is_err());
    let o = offer(&w, |o| {
        o.provider == "spheron-ai" && o.has_region("us-east-1")
    });
    let deploying = w
        .create_deployment(&body(&o, json!({"region": "us-east-1"})), at(11))
        .unwrap();
    assert!(
        attach(&mut w, &eleventh, deploying["id"].as_str().unwrap())
            .unwrap_err()
            .contains("running")
    );
    assert!(attach(&mut w, &eleventh, "dep_nope").is_err());
    // not renamable, not resizable
    assert_eq!(
        w.update_volume(&west, &json!({"name": "n"}), at(12))
            .unwrap_err()
            .field(),
        Some("name")
    );
    assert_eq!(
        w.update_volume(&west, &json!({"sizeInGb": 500}), at(12))
            .unwrap_err()
            .field(),
        Some("sizeInGb")
    );
}

#[test]
fn a_voltage_park_volume_made_without_a_region_attaches_to_an_instance_in_any_region() {
    let mut w = world();
    let dep = running(&mut w, "voltage-park", "a81d7e44:seattle-usa-1");
    // in another region: refused
    let far = new_vol(&mut w, "voltage-park", "166e655a:culpeper-usa-1", "far");
    let e = attach(&mut w, &far, &dep).unwrap_err();
    assert!(e.contains("but the deployment is in"), "{e}");
    // without one, as the reference's example creates it: attached and readable
    let t = w.last;
    let v = w
        .create_volume(
            &json!({"name": "anywhere", "sizeInGb": 100, "provider": "voltage-park"}),
            t,
        )
        .unwrap();
    assert_eq!(v["region"], "");
    let id = v["id"].as_str().unwrap().to_string();
    w.advance_to(t + chrono::Duration::seconds(10));
    let r = attach(&mut w, &id, &dep).unwrap();
    assert_eq!(r["volume"]["attachedTo"], json!([dep]));
    assert!(r["volume"].get("dataAccessible").is_none(), "{r}");
}

#[test]
fn voltage_park_one_volume_per_instance_rename_and_expand() {
    let mut w = world();
    let v = new_vol(&mut w, "voltage-park", "166e655a:culpeper-usa-1", "extra");
    assert!(
        attach(&mut w, &v, "dep_c41e9a7b3d55")
            .unwrap_err()
            .contains("1 volume")
    );
    let r = w
        .update_volume(&v, &json!({"name": "renamed", "sizeInGb": 200}), at(12))
        .unwrap();
    assert_eq!(
        (r["name"].as_str(), r["sizeInGb"].as_u64()),
        (Some("renamed"), Some(200))
    );
    assert_eq!(
        w.update_volume(&v, &json!({"sizeInGb": 150}), at(12))
            .unwrap_err()
            .field(),
        Some("sizeInGb")
    );
    assert_eq!(
        w.update_volume(&v, &json!({"sizeInGb": 64001}), at(12))
            .unwrap_err()
            .field(),
        Some("sizeInGb")
    );
    assert_eq!(
        w.update_volume(&v, &json!({"region": "x"}), at(12))
            .unwrap_err()
            .field(),
        Some("region")
    );
    assert_eq!(
        w.update_volume(&v, &json!({"name": "Bad!"}), at(12))
            .unwrap_err()
            .field(),
        Some("name")
    );
    // volumeIds at deploy: one only
    let o = offer(&w, |o| {
        o.provider == "voltage-park" && o.has_region("166e655a:culpeper-usa-1")
    });
    let v2 = new_vol(&mut w, "voltage-park", "166e655a:culpeper-usa-1", "two");
    let e = w.create_deployment(
        &body(
            &o,
            json!({"region": "166e655a:culpeper-usa-1", "volumeIds": [v, v2]}),
        ),
        at(12),
    );
    assert_eq!(e.unwrap_err().field(), Some("volumeIds"));
}

#[test]
fn verda_and_data_crunch_volumes_are_shareable() {
    let mut w = world();
    let second = running(&mut w, "data-crunch", "FIN-01");
    let r = attach(&mut w, "vol_datasets01", &second).unwrap();
    assert_eq!(r["volume"]["attachedTo"].as_array().unwrap().len(), 2);
    // detach needs to know from which instance
    let e = w
        .detach_volume("vol_datasets01", &json!({}), at(12))
        .unwrap_err();
    assert_eq!(e.field(), Some("deploymentId"));
    let r = w
        .detach_volume("vol_datasets01", &json!({"deploymentId": second}), at(12))
        .unwrap();
    assert_eq!(r["volume"]["attachedTo"], json!(["dep_7f3a91c2e0b4"]));
    // shared at deploy time too; at most ten per instance
    let o = offer(&w, |o| {
        o.provider == "data-crunch" && o.has_region("FIN-01")
    });
    assert!(
        w.create_deployment(
            &body(
                &o,
                json!({"region": "FIN-01", "volumeIds": ["vol_datasets01"]})
            ),
            at(12)
        )
        .is_ok()
    );
    let many: Vec<String> = (0..11)
        .map(|n| new_vol(&mut w, "data-crunch", "FIN-01", &format!("m{n}")))
        .collect();
    let e = w.create_deployment(
        &body(&o, json!({"region": "FIN-01", "volumeIds": many})),
        at(12),
    );
    assert_eq!(e.unwrap_err().field(), Some("volumeIds"));
    // neither rename nor expand: the reference allows both only on Voltage Park
    // (domain::volume_rules, shared with the dashboard)
    assert!(
        w.update_volume("vol_fincache6", &json!({"name": "fin_cache"}), at(12))
            .is_err()
    );
    assert!(
        w.update_volume("vol_fincache6", &json!({"sizeInGb": 60}), at(12))
            .is_err()
    );
    // a Verda attach across regions is accepted, as on the live service: the volume looks
    // attached, says its data cannot be read there, and does not fill up
    let verda = running(&mut w, "verda", "FIN-02");
    let r = attach(&mut w, "vol_fincache6", &verda).unwrap();
    assert_eq!(r["volume"]["status"], "attached");
    assert_eq!(r["volume"]["dataAccessible"], json!(false));
    assert_eq!(r["volume"]["inaccessibleFrom"], json!([verda]));
    let used = r["volume"]["usedGb"].clone();
    w.advance_to(at(3600));
    let i = w.volume_index("vol_fincache6").unwrap();
    assert_eq!(w.volumes[i].to_json()["usedGb"], used);
    // detached, the mark goes with the attachment
    w.detach_volume("vol_fincache6", &json!({}), at(3600))
        .unwrap();
    assert!(w.volumes[i].to_json().get("dataAccessible").is_none());
    // the same at launch (volumeIds), and on create with deploymentId
    let vo = offer(&w, |o| o.provider == "verda" && o.has_region("FIN-02"));
    let d = w
        .create_deployment(
            &body(
                &vo,
                json!({"region": "FIN-02", "volumeIds": ["vol_fincache6"]}),
            ),
            at(3600),
        )
        .unwrap();
    let i = w.volume_index("vol_fincache6").unwrap();
    assert_eq!(w.volumes[i].to_json()["inaccessibleFrom"], json!([d["id"]]));
    let v = create(
        &mut w,
        json!({"name": "far", "sizeInGb": 10, "provider": "data-crunch", "region": "FIN-01", "deploymentId": verda}),
    )
    .unwrap();
    assert_eq!(v["dataAccessible"], json!(false));
    // every other provider refuses it
    let sp = running(&mut w, "spheron-ai", "us-west-2");
    assert!(
        attach(&mut w, "vol_scratch03", &sp)
            .unwrap_err()
            .contains("us-east-1")
    );
}

#[test]
fn deploy_volume_ids_checks_provider_region_state() {
    let mut w = world();
    let o = offer(&w, |o| {
        o.provider == "spheron-ai" && o.has_region("us-east-1")
    });
    let f = |w: &mut World, ids: Value| {
        w.create_deployment(
            &body(&o, json!({"region": "us-east-1", "volumeIds": ids})),
            at(0),
        )
        .map(|_| ())
        .map_err(|e| (e.field().unwrap_or("-").to_string(), e.message))
    };
    assert!(
        f(&mut w, json!(["vol_ckpt0002"]))
            .unwrap_err()
            .1
            .contains("us-west-2")
    );
    assert!(
        f(&mut w, json!(["vol_datasets01"]))
            .unwrap_err()
            .1
            .contains("data-crunch")
    );
    assert!(
        f(&mut w, json!(["vol_missing"]))
            .unwrap_err()
            .1
            .contains("not found")
    );
    // a volume of the other team (spheron-ai, us-west-2 too) stays with its team
    let o2 = offer(&w, |o| {
        o.provider == "spheron-ai" && o.has_region("us-west-2")
    });
    let e = w
        .create_deployment(
            &body(
                &o2,
                json!({"region": "us-west-2", "volumeIds": ["vol_grant008"]}),
            ),
            at(0),
        )
        .unwrap_err();
    assert!(e.message.contains("team"), "{}", e.message);
    assert!(f(&mut w, json!(["vol_scratch03", "vol_scratch03"])).is_err());
    assert_eq!(
        f(&mut w, json!("vol_scratch03")).unwrap_err().0,
        "volumeIds"
    );
    assert!(f(&mut w, json!(["vol_scratch03"])).is_ok());
    // now attached to that instance: a second instance cannot take it (spheron-ai)
    assert!(
        f(&mut w, json!(["vol_scratch03"]))
            .unwrap_err()
            .1
            .contains("already attached")
    );
    // massed-compute has no volumes
    let mc = offer(&w, |o| o.provider == "massed-compute");
    let e = w
        .create_deployment(&body(&mc, json!({"volumeIds": ["vol_scratch03"]})), at(0))
        .unwrap_err();
    assert_eq!(e.field(), Some("volumeIds"));
}

#[test]
fn delete_only_detached_and_terminate_detaches() {
    let mut w = world();
    let e = w.delete_volume("vol_datasets01", at(1)).unwrap_err();
    assert!(e.message.contains("detach"));
    // terminating the instance detaches (the volume survives)
    w.terminate("dep_7f3a91c2e0b4", at(1)).unwrap();
    assert_eq!(status(&w, "vol_datasets01"), "available");
    let r = w.delete_volume("vol_datasets01", at(2)).unwrap();
    assert!(r["message"].is_string());
    assert_eq!(status(&w, "vol_datasets01"), "deleting");
    assert!(w.delete_volume("vol_datasets01", at(3)).is_err());
    w.advance_to(at(31));
    assert_eq!(
        w.delete_volume("vol_datasets01", at(31))
            .unwrap_err()
            .status,
        404
    );
    // seeded `deleting` volume disappears too
    assert!(w.volume_index("vol_oldlogs07").is_err());
    let listed = w.list_volumes(Some("available"), None, at(22)).unwrap();
    assert!(listed.iter().all(|v| v["status"] == "available"));
    assert!(w.list_volumes(Some("weird"), None, at(22)).is_err());
}

/// The demo enforces exactly what the shared table (`domain::volume_rules`) says, provider by
/// provider: the same table the dashboard's dialogs read.
#[test]
fn the_demo_follows_the_shared_table() {
    use crate::domain::volume_rules::rules_for;
    for provider in [
        "voltage-park",
        "data-crunch",
        "verda",
        "sesterce",
        "spheron-ai",
    ] {
        let rules = rules_for(provider).unwrap();
        let mut w = world();
        let region = w.catalog.regions_of(provider).unwrap()[0].clone();
        if w.catalog.check_listed(provider).is_err() {
            // a name the providers list does not use is refused, whatever else the body says
            let e = create(
                &mut w,
                json!({"name": "x", "sizeInGb": 100, "provider": provider, "region": region.id}),
            );
            assert_eq!(e.err().as_deref(), Some("provider"), "{provider}");
            continue;
        }
        // region and cloudId requirements
        let no_region = create(
            &mut w,
            json!({"name": "x", "sizeInGb": 100, "provider": provider}),
        );
        let missing = no_region.err();
        if rules.region_required {
            assert_eq!(missing.as_deref(), Some("region"), "{provider}");
        } else {
            assert_eq!(missing, None, "{provider}");
        }
        if rules.cloud_id_required {
            let e = create(
                &mut w,
                json!({"name": "x", "sizeInGb": 100, "provider": provider, "region": region.id,
                       "cloudName": region.cloud_name}),
            );
            assert_eq!(e.err().as_deref(), Some("cloudId"), "{provider}");
            let e = create(
                &mut w,
                json!({"name": "x", "sizeInGb": 100, "provider": provider, "region": region.id,
                       "cloudId": region.cloud_id}),
            );
            assert_eq!(e.err().as_deref(), Some("cloudName"), "{provider}");
            let e = create(
                &mut w,
                json!({"name": "x", "sizeInGb": 100, "provider": provider, "region": region.id,
                       "cloudId": region.cloud_id, "cloudName": "Somewhere Else"}),
            );
            assert_eq!(e.err().as_deref(), Some("cloudName"), "{provider}");
        }
        // sizes: the tighter of the provider's and the region's limits
        let (min, max) = (
            rules.min_size_gb.max(region.min_size_gb),
            rules.max_size_gb.min(region.max_size_gb),
        );
        for (size, ok) in [(min - 1, false), (min, true), (max, true), (max + 1, false)] {
            if size == 0 {
                continue;
            }
            let mut b =
                json!({"name": "s", "sizeInGb": size, "provider": provider, "region": region.id});
            b["cloudId"] = json!(region.cloud_id);
            b["cloudName"] = json!(region.cloud_name);
            assert_eq!(create(&mut w, b).is_ok(), ok, "{provider} {size} GB");
        }
        // rename and expand exactly where the table allows them
        let id = new_vol(&mut w, provider, &region.id, "rules");
        let t = w.last;
        let renamed = w.update_volume(&id, &json!({"name": "renamed"}), t);
        assert_eq!(renamed.is_ok(), rules.rename, "{provider} rename");
        let grown = w.update_volume(&id, &json!({"sizeInGb": 200}), t);
        assert_eq!(grown.is_ok(), rules.expand, "{provider} expand");
        // Voltage Park volumes carry their NFS address
        let vol = &w.volumes[w.volume_index(&id).unwrap()];
        assert_eq!(vol.virtual_ip.is_some(), rules.virtual_ip, "{provider}");
    }
}
