//! The reader cannot lose an object (proptest): valid deployments, offers, volumes, SSH keys and
//! teams are mutated the ways the live service has been seen to, and worse, and each mutated
//! object is still read, with its id; its money reads as unknown (never 0) when its rate is
//! missing.
//!
//! The mutation kinds ([`Mutation`]):
//! - `Duplicate`: the field also sent under every other spelling, with the same value;
//! - `DuplicateJunk`: another spelling of the field added with a different value (the first
//!   spelling in the fixed order wins, so the read does not change);
//! - `Null`: the field is `null`;
//! - `StringForNumber`: a number sent as a string (`8` → `"8"`);
//! - `NumberForString`: a numeric string sent as a number (an id `"4711"` → `4711`);
//! - `WrapValue`: the value one level deeper (`{"value": 8}`);
//! - `WrapObject`: the whole object one level deeper (`{"deployment": {...}}`);
//! - `Remove`: the field left out (an optional one; the id stays);
//! - `UnknownEnum`: a status or instance type this client does not know;
//! - `ExtraField`: a field this client does not know, nested.
//!
//! `PROPTEST_CASES=5000 cargo test --test tolerant_reader` runs a longer fuzz.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use spheron_tui::api::models::reader::Read;
use spheron_tui::api::{
    Deployment, DeploymentStatus, Offer, OffersPage, SshKey, Team, Volume, decode, decode_list,
};

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mutation {
    Duplicate,
    DuplicateJunk,
    Null,
    StringForNumber,
    NumberForString,
    WrapValue,
    WrapObject,
    Remove,
    UnknownEnum,
    ExtraField,
}

const MUTATIONS: &[Mutation] = &[
    Mutation::Duplicate,
    Mutation::DuplicateJunk,
    Mutation::Null,
    Mutation::StringForNumber,
    Mutation::NumberForString,
    Mutation::WrapValue,
    Mutation::WrapObject,
    Mutation::Remove,
    Mutation::UnknownEnum,
    Mutation::ExtraField,
];

impl Mutation {
    /// Whether the object reads exactly as before.
    fn keeps_everything(self) -> bool {
        matches!(
            self,
            Mutation::Duplicate
                | Mutation::DuplicateJunk
                | Mutation::StringForNumber
                | Mutation::NumberForString
                | Mutation::WrapValue
                | Mutation::WrapObject
                | Mutation::ExtraField
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Deployment,
    Offer,
    Volume,
    SshKey,
    Team,
}

const KINDS: &[Kind] = &[
    Kind::Deployment,
    Kind::Offer,
    Kind::Volume,
    Kind::SshKey,
    Kind::Team,
];

impl Kind {
    /// A valid object, every field under its first spelling; the id is numeric text, so it can
    /// also be sent as a number.
    fn valid(self) -> Value {
        match self {
            Kind::Deployment => json!({
                "id": "4711", "name": "train-7", "provider": "voltage-park",
                "providerId": "vp-991", "gpuType": "H100_SXM5", "offerId": "vp-h100-8",
                "gpuCount": 8, "region": "culpeper-usa-1", "instanceType": "DEDICATED",
                "operatingSystem": "ubuntu-22.04", "sshKeyId": "k1", "sshKeyName": "laptop",
                "ipAddress": "10.0.0.5", "user": "ubuntu", "sshPort": 2222,
                "sshCommand": "ssh -p 2222 ubuntu@10.0.0.5", "status": "running",
                "createdAt": "2026-11-28T11:00:00Z", "startedAt": "2026-11-28T11:01:00Z",
                "totalCost": 21.5, "hourlyRate": 19.37, "originalHourlyRate": 21.52,
                "discountPercentage": 10, "hasDiscount": true, "vcpus": 96, "memory": 1024,
                "storage": 2000, "teamId": "t1", "volumeIds": ["v1"],
                "portForwards": [{"external": 2222, "internal": 22}],
                "kubernetesAddon": {"version": "1.35", "k8sClusterId": "c1",
                                    "serviceLinks": [{"name": "grafana", "url": "https://g"}]}
            }),
            Kind::Offer => json!({
                "provider": "voltage-park", "offerId": "4711", "name": "8x H100",
                "description": "bare metal", "vcpus": 96, "memory": 1024, "storage": 2000,
                "gpuCount": 8, "price": 21.52, "spotPrice": 12.0, "available": true,
                "clusters": ["166e655a:culpeper-usa-1"], "gpuMemory": 80,
                "osOptions": ["Ubuntu 22.04"], "maintenance": false,
                "interconnectType": "SXM5", "instanceType": "CLUSTER",
                "supportsCloudInit": true, "originalPrice": 21.52, "discountedPrice": 19.37,
                "discountPercentage": 10, "hasDiscount": true, "gpuType": "H100_SXM5",
                "extras": {"deployment_type": "bare-metal", "nvlink": true,
                           "technical": {"units_available": 3}}
            }),
            Kind::Volume => json!({
                "id": "4711", "name": "data", "provider": "voltage-park",
                "region": "culpeper-usa-1", "sizeInGb": 500, "status": "attached",
                "deploymentId": "d1", "attachedTo": ["d1"], "hourlyRate": 0.05,
                "createdAt": "2026-11-28T11:00:00Z", "teamId": "t1", "usedGb": 12
            }),
            Kind::SshKey => json!({
                "id": "4711", "name": "laptop", "fingerprint": "SHA256:abc",
                "publicKey": "ssh-ed25519 AAAA", "createdAt": "2026-11-28T11:00:00Z"
            }),
            Kind::Team => json!({
                "id": "4711", "name": "Lab", "balance": 250, "role": "owner", "isDefault": true
            }),
        }
    }

    fn spellings(self) -> &'static [&'static [&'static str]] {
        match self {
            Kind::Deployment => Deployment::SPELLINGS,
            Kind::Offer => Offer::SPELLINGS,
            Kind::Volume => Volume::SPELLINGS,
            Kind::SshKey => SshKey::SPELLINGS,
            Kind::Team => Team::SPELLINGS,
        }
    }

    /// The field whose value is the id.
    fn id_field(self) -> &'static str {
        match self {
            Kind::Offer => "offerId",
            _ => "id",
        }
    }

    /// The fields whose absence makes the object's money unknown: all of them missing or
    /// null (a volume's rate is its `hourlyRate`, else its size times its rate per GB).
    fn money_fields(self) -> &'static [&'static str] {
        match self {
            Kind::Deployment => &["hourlyRate"],
            Kind::Offer => &["price", "discountedPrice"],
            Kind::Volume => &["hourlyRate"],
            Kind::SshKey | Kind::Team => &[],
        }
    }

    fn wrapper(self) -> &'static str {
        match self {
            Kind::Deployment => "deployment",
            Kind::Offer => "offer",
            Kind::Volume => "volume",
            Kind::SshKey => "sshKey",
            Kind::Team => "team",
        }
    }
}

/// What an object reads as: its id, its money, and the whole object (raw left out).
#[derive(Debug, PartialEq)]
struct Read_ {
    id: String,
    money: Option<f64>,
    whole: String,
}

fn read(kind: Kind, v: &Value) -> Result<Read_, String> {
    let err = |e: serde_json::Error| e.to_string();
    Ok(match kind {
        Kind::Deployment => {
            let mut d: Deployment = decode(v.clone()).map_err(err)?;
            d.raw = Value::Null;
            Read_ {
                id: d.id.clone(),
                money: d.hourly_rate,
                whole: format!("{d:?}"),
            }
        }
        Kind::Offer => {
            let mut o: Offer = decode(v.clone()).map_err(err)?;
            o.raw = Default::default();
            Read_ {
                id: o.offer_id.clone(),
                money: o.hourly_rate(),
                whole: format!("{o:?}"),
            }
        }
        Kind::Volume => {
            let mut x: Volume = decode(v.clone()).map_err(err)?;
            x.raw = Value::Null;
            Read_ {
                id: x.id.clone(),
                money: x.cost_per_hour(),
                whole: format!("{x:?}"),
            }
        }
        Kind::SshKey => {
            let mut k: SshKey = decode(v.clone()).map_err(err)?;
            k.raw = Value::Null;
            Read_ {
                id: k.id.clone(),
                money: None,
                whole: format!("{k:?}"),
            }
        }
        Kind::Team => {
            let mut t: Team = decode(v.clone()).map_err(err)?;
            t.raw = Value::Null;
            Read_ {
                id: t.id.clone(),
                money: t.balance,
                whole: format!("{t:?}"),
            }
        }
    })
}

/// The object inside any wrappers added.
fn inner(kind: Kind, v: &mut Value) -> &mut Map<String, Value> {
    let key = kind.wrapper();
    if v.get(key).is_some_and(Value::is_object) && v.as_object().is_some_and(|o| o.len() == 1) {
        return inner(kind, v.get_mut(key).unwrap());
    }
    v.as_object_mut().unwrap()
}

/// Applies `m` to the field `pick` chooses; returns whether it changed anything.
fn mutate(kind: Kind, v: &mut Value, m: Mutation, pick: &prop::sample::Index) -> bool {
    let spellings = kind.spellings();
    let id = kind.id_field();
    if m == Mutation::WrapObject {
        let wrapped = json!({ kind.wrapper(): v.take() });
        *v = wrapped;
        return true;
    }
    let obj = inner(kind, v);
    let present: Vec<String> = spellings
        .iter()
        .map(|s| s[0].to_string())
        .filter(|k| obj.get(k).is_some_and(|x| !x.is_null()))
        .collect();
    if present.is_empty() {
        return false;
    }
    let field = pick.get(&present).clone();
    let others: Vec<&str> = spellings
        .iter()
        .find(|s| s[0] == field)
        .map(|s| s[1..].to_vec())
        .unwrap_or_default();
    let value = obj[&field].clone();
    match m {
        Mutation::Duplicate => {
            for o in &others {
                obj.insert((*o).to_string(), value.clone());
            }
            !others.is_empty()
        }
        Mutation::DuplicateJunk => match others.first() {
            Some(o) => {
                obj.insert((*o).to_string(), json!("junk-that-must-not-win"));
                true
            }
            None => false,
        },
        Mutation::Null if field != id => {
            obj.insert(field, Value::Null);
            true
        }
        Mutation::Remove if field != id => {
            obj.remove(&field);
            true
        }
        Mutation::StringForNumber => match value {
            Value::Number(n) => {
                obj.insert(field, Value::String(n.to_string()));
                true
            }
            _ => false,
        },
        Mutation::NumberForString => match value.as_str().and_then(|s| s.parse::<u64>().ok()) {
            Some(n) if value.as_str() == Some(&n.to_string()) => {
                obj.insert(field, json!(n));
                true
            }
            _ => false,
        },
        Mutation::WrapValue if !value.is_object() && !value.is_array() => {
            obj.insert(field, json!({ "value": value }));
            true
        }
        Mutation::UnknownEnum => {
            for f in ["status", "instanceType"] {
                if obj.contains_key(f) {
                    obj.insert(f.to_string(), json!("HIBERNATING_V2"));
                    return true;
                }
            }
            false
        }
        Mutation::ExtraField => {
            obj.insert(
                "futureField".into(),
                json!({"nested": [1, {"deeper": null}], "id": "not-the-id"}),
            );
            true
        }
        _ => false,
    }
}

/// Whether every field of `fields` is missing or null in the (unwrapped) object.
fn all_missing(kind: Kind, v: &mut Value, fields: &[&str]) -> bool {
    let obj = inner(kind, v);
    let spellings = kind.spellings();
    fields.iter().all(|f| {
        spellings
            .iter()
            .find(|s| s[0] == *f)
            .map(|s| s.to_vec())
            .unwrap_or_else(|| vec![*f])
            .iter()
            .all(|k| {
                obj.get(*k)
                    .is_none_or(|x| x.is_null() || x == "junk-that-must-not-win")
            })
    })
}

fn mutations() -> impl Strategy<Value = Vec<(Mutation, prop::sample::Index)>> {
    prop::collection::vec(
        (
            prop::sample::select(MUTATIONS),
            any::<prop::sample::Index>(),
        ),
        1..8,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(512)))]

    #[test]
    fn a_mutated_object_is_still_read_with_its_id(
        kind in prop::sample::select(KINDS),
        steps in mutations(),
    ) {
        let valid = kind.valid();
        let before = read(kind, &valid).unwrap();
        prop_assert_eq!(&before.id, "4711");
        let mut v = valid.clone();
        let mut lossless = true;
        for (m, pick) in &steps {
            if mutate(kind, &mut v, *m, pick) {
                lossless &= m.keeps_everything();
            }
        }
        let after = read(kind, &v);
        prop_assert!(after.is_ok(), "{kind:?} {steps:?}: {after:?}\n{v:#}");
        let after = after.unwrap();
        prop_assert_eq!(&after.id, &before.id, "{:?} {:?}\n{:#}", kind, steps, v);
        if lossless {
            prop_assert_eq!(&after.whole, &before.whole, "{:?} {:?}\n{:#}", kind, steps, v);
        }
        // Money: unknown when the rate is missing, never 0; otherwise as sent.
        let money = kind.money_fields();
        if !money.is_empty() && all_missing(kind, &mut v, money) {
            prop_assert_eq!(after.money, None, "{:?} {:?}\n{:#}", kind, steps, v);
        } else if lossless {
            prop_assert_eq!(after.money, before.money);
        }
        prop_assert_ne!(after.money, Some(0.0));
    }

    #[test]
    fn a_list_of_mutated_objects_keeps_every_item(
        kind in prop::sample::select(&[Kind::Deployment, Kind::Volume, Kind::SshKey, Kind::Team][..]),
        lists in prop::collection::vec(mutations(), 1..6),
    ) {
        let items: Vec<Value> = lists
            .iter()
            .enumerate()
            .map(|(i, steps)| {
                let mut v = kind.valid();
                inner(kind, &mut v).insert("id".into(), json!(format!("{i}")));
                for (m, pick) in steps {
                    mutate(kind, &mut v, *m, pick);
                }
                v
            })
            .collect();
        let body = json!({"data": items, "total": items.len(), "totalPages": 1});
        let ids = |v: Vec<String>| v;
        let got = match kind {
            Kind::Deployment => ids(decode_list::<Deployment>(body, &["data"]).unwrap().rows().into_iter().map(|d| d.id).collect()),
            Kind::Volume => ids(decode_list::<Volume>(body, &["data"]).unwrap().rows().into_iter().map(|d| d.id).collect()),
            Kind::SshKey => ids(decode_list::<SshKey>(body, &["data"]).unwrap().rows().into_iter().map(|d| d.id).collect()),
            _ => ids(decode_list::<Team>(body, &["data"]).unwrap().rows().into_iter().map(|d| d.id).collect()),
        };
        let want: Vec<String> = (0..items.len()).map(|i| i.to_string()).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn offers_mutated_inside_a_page_are_all_read_on_both_paths(
        lists in prop::collection::vec(mutations(), 1..6),
    ) {
        let offers: Vec<Value> = lists
            .iter()
            .enumerate()
            .map(|(i, steps)| {
                let mut v = Kind::Offer.valid();
                inner(Kind::Offer, &mut v).insert("offerId".into(), json!(format!("{i}")));
                for (m, pick) in steps {
                    mutate(Kind::Offer, &mut v, *m, pick);
                }
                v
            })
            .collect();
        let body = json!({"data": [{"gpuType": "H100_SXM5", "offers": offers}],
                          "total": 1, "page": 1, "totalPages": 1});
        let want: Vec<String> = (0..offers.len()).map(|i| i.to_string()).collect();
        let fast = OffersPage::from_slice(body.to_string().as_bytes()).unwrap();
        let tolerant = OffersPage::decode(body).unwrap();
        for page in [fast, tolerant] {
            prop_assert_eq!(page.unreadable, 0);
            let got: Vec<String> = page.groups[0].offers.iter().map(|o| o.offer_id.clone()).collect();
            prop_assert_eq!(&got, &want);
        }
    }
}

/// The reproduction: each deployment in every observed spelling at once, numbers as
/// strings, `portForwards: null`.
#[test]
fn every_spelling_at_once_reads_each_deployment() {
    let both = |id: &str| {
        json!({"id": id, "_id": id, "deploymentId": id, "name": id, "gpuType": "A100",
               "gpuModelId": "A100", "gpu_type": "A100", "gpuCount": "2", "hourlyRate": "0.05",
               "status": "running", "portForwards": null, "kubernetesAddon": null,
               "volumes": null, "instanceType": null})
    };
    let l = decode_list::<Deployment>(
        json!({"data": [both("a"), both("b")], "total": "2"}),
        &["data"],
    )
    .unwrap();
    assert!(l.unreadable.is_empty());
    let rows = l.rows();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].id, "a");
    assert_eq!(rows[1].gpu_type, "A100");
    assert_eq!(rows[1].gpu_count, 2);
    assert_eq!(rows[1].hourly_rate, Some(0.05));
    assert_eq!(rows[1].status, DeploymentStatus::Running);
}

/// What is not an object at all is kept as an unreadable row, billing at an unknown rate, with
/// its id when one can be found.
#[test]
fn what_cannot_be_read_stays_as_a_row() {
    let l = decode_list::<Deployment>(
        json!([{"id": "ok"}, "dep_42", 7, [{"_id": "in-array"}], null]),
        &["data"],
    )
    .unwrap();
    assert_eq!(l.unreadable.len(), 4);
    let rows = l.rows();
    let ids: Vec<&str> = rows.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["ok", "dep_42", "", "in-array", ""]);
    for d in &rows[1..] {
        assert_eq!(d.status.as_str(), "unreadable");
        assert!(d.status.is_active(), "counted as billing");
        assert_eq!(d.hourly_rate, None, "at an unknown rate");
        assert!(
            d.unreadable
                .as_deref()
                .unwrap()
                .contains("where an object was expected"),
            "{:?}",
            d.unreadable
        );
    }
    assert_eq!(rows[0].unreadable, None);
}
