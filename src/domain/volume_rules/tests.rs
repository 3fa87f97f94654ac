use super::*;

const RUNNING: DeploymentStatus = DeploymentStatus::Running;

fn vol<'a>(provider: &'a str, region: &'a str, attached_to: usize) -> VolumeFacts<'a> {
    VolumeFacts {
        provider,
        region,
        attached_to,
    }
}

fn dep<'a>(provider: &'a str, region: &'a str, n: usize) -> AttachTarget<'a> {
    AttachTarget {
        provider,
        region,
        status: &RUNNING,
        volumes_attached: n,
    }
}

#[test]
fn aliases_resolve_to_one_provider() {
    assert_eq!(rules_for("verda").unwrap().provider, "data-crunch");
    assert!(same_provider("verda", "data-crunch"));
    assert!(!same_provider("verda", "sesterce"));
    assert!(rules_for("massed-compute").is_none());
}

#[test]
fn names_follow_the_pattern() {
    assert!(check_name("my-data_01").is_ok());
    for bad in ["", "My-Data", "has space", "dot.name", &"a".repeat(61)] {
        assert!(check_name(bad).is_err(), "{bad}");
    }
    assert!(check_name(&"a".repeat(60)).is_ok());
}

#[test]
fn sizes_by_provider_and_region() {
    let s = rules_for("sesterce").unwrap();
    assert!(check_size(s, 49, None, None).is_err());
    assert!(check_size(s, 50, None, None).is_ok());
    assert!(check_size(s, 10_001, None, None).is_err());
    let sp = rules_for("spheron-ai").unwrap();
    assert!(check_size(sp, 51_200, None, None).is_ok());
    assert!(check_size(sp, 51_200, None, Some(20_000.0)).is_err());
    let vp = rules_for("voltage-park").unwrap();
    assert!(check_size(vp, 64_000, None, None).is_ok());
    assert!(check_size(vp, 64_001, None, None).is_err());
}

#[test]
fn attach_rules_allowed_and_refused() {
    // allowed
    assert!(check_attach(vol("spheron-ai", "us-1", 0), dep("spheron-ai", "us-1", 9)).is_ok());
    assert!(check_attach(vol("verda", "FIN-01", 3), dep("data-crunch", "FIN-01", 2)).is_ok());
    assert!(check_attach(vol("voltage-park", "r", 0), dep("voltage-park", "r", 0)).is_ok());
    // refused
    let refused = [
        (
            vol("sesterce", "eu", 0),
            dep("sesterce", "eu", 0),
            "only when the instance is created",
        ),
        (
            vol("spheron-ai", "us-1", 1),
            dep("spheron-ai", "us-1", 0),
            "one instance at a time",
        ),
        (
            vol("spheron-ai", "us-1", 0),
            dep("spheron-ai", "us-1", 10),
            "10 volumes",
        ),
        (
            vol("voltage-park", "r", 0),
            dep("voltage-park", "r", 1),
            "1 volume",
        ),
        (
            vol("verda", "FIN-01", 0),
            dep("verda", "FIN-02", 0),
            "silently cannot be read",
        ),
        (
            vol("spheron-ai", "us-1", 0),
            dep("voltage-park", "us-1", 0),
            "same provider",
        ),
        (
            vol("massed-compute", "x", 0),
            dep("massed-compute", "x", 0),
            "does not offer",
        ),
    ];
    for (v, d, why) in refused {
        let err = check_attach(v, d).unwrap_err();
        assert!(err.contains(why), "{err} ∌ {why}");
    }
    let deploying = DeploymentStatus::Deploying;
    let d = AttachTarget {
        status: &deploying,
        ..dep("spheron-ai", "us-1", 0)
    };
    assert!(check_attach(vol("spheron-ai", "us-1", 0), d).is_err());
}

#[test]
fn each_providers_limits_say_what_editing_a_volume_allows() {
    let said: Vec<(&str, String)> = RULES.iter().map(|r| (r.provider, r.limits())).collect();
    assert_eq!(
        said,
        [
            (
                "voltage-park",
                "1–64000 GB · can be renamed and resized".to_string()
            ),
            (
                "data-crunch",
                "1–10000 GB · cannot be renamed or resized".to_string()
            ),
            (
                "sesterce",
                "50–10000 GB · cannot be renamed or resized".to_string()
            ),
            (
                "spheron-ai",
                "1–51200 GB · cannot be renamed or resized".to_string()
            ),
        ]
    );
    // The words follow the checks the edit dialog makes, alias included.
    for p in [
        "voltage-park",
        "data-crunch",
        "verda",
        "sesterce",
        "spheron-ai",
    ] {
        let limits = rules_for(p).unwrap().limits();
        assert_eq!(
            limits.contains("cannot be renamed"),
            check_rename(p).is_err(),
            "{p}"
        );
        assert_eq!(
            limits.contains("cannot be renamed or resized"),
            check_expand(p, 10, 20).is_err(),
            "{p}"
        );
    }
}

#[test]
fn create_rules_allowed_and_refused() {
    // placement: (provider, region, cloudId, cloudName, ok or why)
    type Case<'a> = (
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        Result<(), &'a str>,
    );
    let placement: [Case; 11] = [
        ("voltage-park", None, None, None, Ok(())),
        ("voltage-park", Some("r"), None, None, Ok(())),
        ("data-crunch", Some("FIN-01"), None, None, Ok(())),
        ("verda", None, None, None, Err("need a region")),
        ("spheron-ai", Some("us-1"), None, None, Ok(())),
        ("spheron-ai", None, None, None, Err("need a region")),
        ("sesterce", Some("eu"), Some("c1"), Some("EU"), Ok(())),
        ("sesterce", Some("eu"), None, Some("EU"), Err("cloudId")),
        ("sesterce", Some("eu"), Some("c1"), None, Err("cloudName")),
        (
            "sesterce",
            Some("eu"),
            Some("c1"),
            Some(""),
            Err("cloudName"),
        ),
        (
            "massed-compute",
            Some("x"),
            None,
            None,
            Err("does not offer"),
        ),
    ];
    for (p, r, c, n, want) in placement {
        match (check_placement(p, r, c, n), want) {
            (Ok(_), Ok(())) => {}
            (Err(e), Err(why)) => assert!(e.contains(why), "{p}: {e} ∌ {why}"),
            (got, want) => panic!("{p} {r:?} {c:?} {n:?}: {got:?} vs {want:?}"),
        }
    }
    // attach during creation: (provider, volume region, target, ok or why)
    let at_create = [
        ("voltage-park", "r", dep("voltage-park", "r", 0), Ok(())),
        (
            "voltage-park",
            "r",
            dep("voltage-park", "r", 1),
            Err("1 volume"),
        ),
        ("data-crunch", "FIN-01", dep("verda", "FIN-01", 9), Ok(())),
        (
            "data-crunch",
            "FIN-01",
            dep("verda", "FIN-03", 0),
            Err("silently cannot be read"),
        ),
        ("spheron-ai", "us-1", dep("spheron-ai", "us-1", 0), Ok(())),
        (
            "spheron-ai",
            "us-1",
            dep("spheron-ai", "us-2", 0),
            Err("same region"),
        ),
        (
            "spheron-ai",
            "us-1",
            dep("verda", "us-1", 0),
            Err("same provider"),
        ),
        (
            "sesterce",
            "eu",
            dep("sesterce", "eu", 0),
            Err("cannot be attached when"),
        ),
    ];
    for (p, r, d, want) in at_create {
        match (check_attach_at_create(p, r, d), want) {
            (Ok(()), Ok(())) => {}
            (Err(e), Err(why)) => assert!(e.contains(why), "{p}: {e} ∌ {why}"),
            (got, want) => panic!("{p} {r}: {got:?} vs {want:?}"),
        }
    }
    // sizes at each provider's bounds
    for r in RULES {
        assert!(
            check_size(r, r.min_size_gb, None, None).is_ok(),
            "{}",
            r.provider
        );
        assert!(
            check_size(r, r.max_size_gb, None, None).is_ok(),
            "{}",
            r.provider
        );
        assert!(
            check_size(r, r.max_size_gb + 1, None, None).is_err(),
            "{}",
            r.provider
        );
        assert!(
            check_size(r, r.min_size_gb - 1, None, None).is_err(),
            "{}",
            r.provider
        );
    }
    // the region's own limits narrow the provider's
    let s = rules_for("sesterce").unwrap();
    assert!(check_size(s, 60, Some(100.0), Some(500.0)).is_err());
    assert!(check_size(s, 100, Some(100.0), Some(500.0)).is_ok());
}

#[test]
fn the_table_matches_the_reference() {
    // (provider, max/instance, shareable, attach after launch, at create, rename, expand,
    //  detach only when terminal, virtualIp)
    let want = [
        (
            "voltage-park",
            1,
            false,
            true,
            true,
            true,
            true,
            false,
            true,
        ),
        (
            "data-crunch",
            10,
            true,
            true,
            true,
            false,
            false,
            false,
            false,
        ),
        (
            "sesterce", 1, false, false, false, false, false, true, false,
        ),
        (
            "spheron-ai",
            10,
            false,
            true,
            true,
            false,
            false,
            false,
            false,
        ),
    ];
    for (p, max, share, after, create, ren, exp, term, vip) in want {
        let r = rules_for(p).unwrap();
        assert_eq!(
            (
                r.max_per_instance,
                r.shareable,
                r.attach_after_launch,
                r.attach_at_create,
                r.rename,
                r.expand,
                r.detach_only_when_terminal(),
                r.virtual_ip
            ),
            (max, share, after, create, ren, exp, term, vip),
            "{p}"
        );
    }
    assert_eq!(RULES.len(), 4);
}

#[test]
fn detach_rename_expand_delete() {
    assert!(check_detach("spheron-ai", &RUNNING).is_ok());
    assert!(check_detach("sesterce", &RUNNING).is_err());
    assert!(check_detach("sesterce", &DeploymentStatus::TerminatedProvider).is_ok());
    assert!(check_rename("voltage-park").is_ok());
    assert!(
        check_rename("spheron-ai")
            .unwrap_err()
            .contains("create a larger volume")
    );
    assert!(check_rename("sesterce").is_err());
    assert!(check_expand("voltage-park", 100, 200).is_ok());
    assert!(check_expand("voltage-park", 100, 100).is_err());
    assert!(check_expand("voltage-park", 100, 70_000).is_err());
    assert!(check_expand("spheron-ai", 100, 200).is_err());
    assert!(check_delete(1, "attached").is_err());
    assert!(check_delete(0, "available").is_ok());
    assert!(check_delete(0, "deleting").is_err());
    assert_eq!(max_at_launch("sesterce"), 1);
    assert_eq!(max_at_launch("verda"), 10);
    assert_eq!(max_at_launch("massed-compute"), 0);
}

#[test]
fn a_regionless_voltage_park_volume_attaches_after_launch_as_at_launch() {
    // Voltage Park volumes need no region: one made without it serves any instance.
    assert!(check_attach(vol("voltage-park", "", 0), dep("voltage-park", "r", 0)).is_ok());
    assert!(check_attach_at_create("voltage-park", "", dep("voltage-park", "r", 0)).is_ok());
    // Every provider that needs a region still needs the same one.
    for p in ["spheron-ai", "data-crunch"] {
        let err = check_attach(vol(p, "", 0), dep(p, "r", 0)).unwrap_err();
        assert!(err.contains("same region"), "{p}: {err}");
    }
}

#[test]
fn the_providers_list_names_a_provider_known_by_two_names() {
    let list = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    let verda = list(&["spheron-ai", "verda"]);
    assert_eq!(listed_name("data-crunch", Some(&verda)), "verda");
    assert_eq!(listed_name("verda", Some(&verda)), "verda");
    let dc = list(&["data-crunch", "sesterce"]);
    assert_eq!(listed_name("verda", Some(&dc)), "data-crunch");
    // unknown list, or a provider it does not name: as it is
    assert_eq!(listed_name("verda", None), "verda");
    assert_eq!(listed_name("massed-compute", Some(&dc)), "massed-compute");
}

#[test]
fn one_region_comparison_for_attach_and_launch() {
    // prefix and case do not matter; an empty region matches nothing
    assert!(same_region("166e655a:FIN-01", "fin-01"));
    assert!(same_region("FIN-01", "FIN-01"));
    assert!(!same_region("FIN-01", "FIN-03"));
    assert!(!same_region("", ""));
    assert!(!same_region("abc:", "def:"));
    // the attach dialog and the deploy wizard answer alike for the same pair
    let attach = check_attach(
        vol("verda", "FIN-03", 0),
        dep("verda", "166e655a:FIN-01", 0),
    );
    assert!(attach.unwrap_err().contains("silently cannot be read"));
    assert!(
        check_attach(
            vol("verda", "FIN-01", 0),
            dep("verda", "166e655a:fin-01", 0)
        )
        .is_ok()
    );
}
