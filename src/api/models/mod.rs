//! Typed models of what the Spheron API sends, read tolerantly (`docs/wire-shapes.md`): unknown fields
//! are ignored, optional fields are optional, both observed spellings are accepted, and the raw
//! JSON of every object is kept in `raw` so a details view can show fields no model names.

mod account;
mod deployments;
mod offers;
pub mod reader;
mod requests;

pub use account::*;
pub use deployments::*;
pub use offers::*;
pub use requests::*;

use serde::Deserialize;
use serde_json::Value;

use reader::{Read, Unreadable};

/// The status of a list item that could not be read: it counts as billing, at an unknown rate.
pub const UNREADABLE: &str = "unreadable";

/// Objects that keep their raw JSON next to the typed fields.
pub trait WithRaw: Sized {
    fn set_raw(&mut self, raw: Value);
}

macro_rules! with_raw {
    ($($t:ty),*) => {$(
        impl WithRaw for $t {
            fn set_raw(&mut self, raw: Value) {
                self.raw = raw;
            }
        }
    )*};
}

/// Decode one object, keeping its raw JSON.
pub fn decode<T>(v: Value) -> Result<T, serde_json::Error>
where
    T: for<'de> Deserialize<'de> + WithRaw,
{
    let mut t = T::deserialize(&v)?;
    t.set_raw(v);
    Ok(t)
}

/// Unwrap an object that may come bare or wrapped in one of `keys` (`{"deployment": {...}}`).
pub fn unwrap_object(v: Value, keys: &[&str]) -> Value {
    if let Value::Object(ref o) = v {
        for k in keys {
            if let Some(inner @ Value::Object(_)) = o.get(*k) {
                return inner.clone();
            }
        }
    }
    v
}

/// A list that may come as a bare array or wrapped in one of `keys` (`{"data": [...]}`).
/// Items that fail to decode are skipped (and counted) rather than failing the whole list.
pub fn decode_list<T>(v: Value, keys: &[&str]) -> Result<Listed<T>, serde_json::Error>
where
    T: for<'de> Deserialize<'de> + WithRaw,
{
    let (items, total_pages, total) = match v {
        Value::Array(items) => (items, None, None),
        Value::Object(mut o) => {
            let num = |k: &str| {
                o.get(k).and_then(|t| {
                    t.as_u64()
                        .or_else(|| t.as_str()?.trim().parse().ok())
                        .or_else(|| t.as_f64().filter(|f| *f >= 0.0).map(|f| f.ceil() as u64))
                })
            };
            let (total_pages, total, limit) = (num("totalPages"), num("total"), num("limit"));
            let items = keys
                .iter()
                .find_map(|k| match o.remove(*k) {
                    Some(Value::Array(items)) => Some(items),
                    _ => None,
                })
                .ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "expected a list (bare, or under one of {keys:?})"
                    ))
                })?;
            // Without `totalPages`, `total` over the page size says how many pages there are.
            let per_page = limit.or((!items.is_empty()).then_some(items.len() as u64));
            let total_pages = total_pages.or_else(|| Some(total?.div_ceil(per_page?.max(1))));
            (items, total_pages, total)
        }
        other => {
            return Err(serde::de::Error::custom(format!(
                "expected a list, got {}",
                json_kind(&other)
            )));
        }
    };
    let mut out = Vec::with_capacity(items.len());
    let mut unreadable = Vec::new();
    for item in items {
        match T::deserialize(&item) {
            Ok(mut t) => {
                t.set_raw(item);
                out.push(t);
            }
            Err(e) => {
                let why = if item.is_object() {
                    e.to_string()
                } else {
                    format!(
                        "the API sent {} where an object was expected",
                        json_kind(&item)
                    )
                };
                unreadable.push((item, why));
            }
        }
    }
    Ok(Listed {
        items: out,
        unreadable,
        total_pages,
        total,
    })
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A decoded list plus the items that could not be read (each as sent, with why).
#[derive(Debug, Clone, PartialEq)]
pub struct Listed<T> {
    pub items: Vec<T>,
    pub unreadable: Vec<(Value, String)>,
    pub total_pages: Option<u64>,
    /// How many items the whole list holds, when the answer says (`total`).
    pub total: Option<u64>,
}

impl<T> Listed<T> {
    /// Every item, those that could not be read kept as rows: their id where one was found,
    /// and why.
    pub fn rows(self) -> Vec<T>
    where
        T: Read + Unreadable + WithRaw,
    {
        let ids = T::SPELLINGS.first().copied().unwrap_or(&[]);
        let mut items = self.items;
        for (raw, why) in self.unreadable {
            let mut row = T::unreadable(reader::find_id(&raw, ids), why);
            row.set_raw(raw);
            items.push(row);
        }
        items
    }
}

with_raw!(
    Deployment,
    CanTerminate,
    SshKey,
    Volume,
    VolumeRegion,
    VolumePricing,
    KubernetesVersion,
    ClusterHealth,
    TeamBalance,
    Team
);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn can_terminate_empty_or_missing_is_not_said() {
        for v in [
            json!({"canTerminate": "", "reason": "checking"}),
            json!({"reason": "checking"}),
        ] {
            let ct: CanTerminate = decode(v.clone()).unwrap();
            assert_eq!(ct.can_terminate, None, "{v}");
        }
        let ct: CanTerminate = decode(json!({"can_terminate": "false"})).unwrap();
        assert_eq!(ct.can_terminate, Some(false));
    }

    #[test]
    fn offer_group_copies_gpu_type_and_keeps_raw() {
        let g = GpuGroup::decode(json!({
            "gpuType": "H100_80G", "displayName": "H100 80GB", "futureField": 1,
            "offers": [
                {"provider": "spheron-ai", "offerId": "o1", "gpuCount": 8, "price": "21.52",
                 "clusters": ["166e655a:culpeper-usa-1"], "os_options": ["Ubuntu 22.04"],
                 "instanceType": "dedicated", "gpu_memory": 80, "weird": [1,2]},
                "not an offer"
            ]
        }))
        .unwrap();
        assert_eq!(g.offers.len(), 1);
        let o = &g.offers[0];
        assert_eq!(o.gpu_type, "H100_80G");
        assert_eq!(o.gpu_display, "H100 80GB");
        assert_eq!(o.instance_type, InstanceType::Dedicated);
        assert!((o.per_gpu_rate().unwrap() - 2.69).abs() < 1e-9);
        assert_eq!(o.regions(), vec!["166e655a:culpeper-usa-1"]);
        assert_eq!(o.os_options, vec!["Ubuntu 22.04"]);
        assert_eq!(o.gpu_memory, Some(80.0));
        assert_eq!(o.raw.value()["weird"], json!([1, 2]));
        assert_eq!(g.raw["futureField"], json!(1));
        assert!(g.raw.get("offers").is_none());
    }

    #[test]
    fn snake_and_camel_spellings_of_offer_fields() {
        for v in [
            json!({"os_options": ["a"], "gpu_memory": 80, "spot_price": 1.5}),
            json!({"osOptions": ["a"], "gpuMemory": 80, "spotPrice": 1.5}),
        ] {
            let o: Offer = decode(v.clone()).unwrap();
            assert_eq!(o.os_options, vec!["a"], "{v}");
            assert_eq!(o.gpu_memory, Some(80.0), "{v}");
            assert_eq!(o.spot_price, Some(1.5), "{v}");
        }
    }

    #[test]
    fn fast_offer_parsing_agrees_with_the_tolerant_path() {
        let v = crate::demo::synth::offers_page(120);
        let bytes = serde_json::to_vec(&v).unwrap();
        let fast = OffersPage::from_slice(&bytes).unwrap();
        assert_eq!(fast, OffersPage::decode(v).unwrap());
        assert_eq!(
            fast.groups.iter().map(|g| g.offers.len()).sum::<usize>(),
            120
        );
        // Shapes the fast path does not know still decode: a bare array of groups.
        let bare = br#"[{"gpuType": "X", "offers": [{"offerId": "o", "price": "1.5"}]}]"#;
        let p = OffersPage::from_slice(bare).unwrap();
        assert_eq!(p.groups[0].offers[0].price, Some(1.5));
        assert!(OffersPage::from_slice(b"<html>").is_err());
        // A group whose `offers` is not a list keeps the group, with no offers.
        let odd = br#"{"data": [{"gpuType": "X", "offers": "none"}], "total": 1}"#;
        let p = OffersPage::from_slice(odd).unwrap();
        assert_eq!(p.groups.len(), 1);
        assert!(p.groups[0].offers.is_empty());
    }

    #[test]
    fn discount_wins_when_present() {
        let o: Offer =
            decode(json!({"price": 3.0, "discountedPrice": 2.4, "originalPrice": 3.0})).unwrap();
        assert_eq!(o.hourly_rate(), Some(2.4));
        assert_eq!(o.list_price_if_discounted(), Some(3.0));
        let o: Offer = decode(json!({"price": 3.0})).unwrap();
        assert_eq!(o.hourly_rate(), Some(3.0));
        assert_eq!(o.list_price_if_discounted(), None);
        for unreadable in [
            json!({}),
            json!({"price": "n/a"}),
            json!({"price": null}),
            json!({"price": -1}),
        ] {
            let mut unreadable = unreadable;
            unreadable["clusters"] = json!(["r1"]);
            let o: Offer = decode(unreadable.clone()).unwrap();
            assert_eq!(o.hourly_rate(), None, "{unreadable}");
            assert_eq!(o.per_gpu_rate(), None, "{unreadable}");
            assert!(
                o.unavailable_reason().unwrap().contains("price"),
                "{unreadable}"
            );
        }
    }

    #[test]
    fn maintenance_beats_available() {
        let o: Offer =
            decode(json!({"available": true, "maintenance": true, "region": "us"})).unwrap();
        assert_eq!(o.unavailable_reason(), Some("the offer is in maintenance"));
        assert_eq!(o.regions(), vec!["us"]);
    }

    #[test]
    fn deployment_lists_in_every_shape() {
        let item = json!({"id": "d1", "gpuModelId": "A100", "status": "terminated-provider"});
        for v in [
            json!([item.clone()]),
            json!({"data": [item.clone()], "totalPages": 1}),
            json!({"deployments": [item.clone()]}),
        ] {
            let l = decode_list::<Deployment>(v, &["deployments", "data"]).unwrap();
            assert_eq!(l.items.len(), 1);
            assert_eq!(l.items[0].gpu_type, "A100");
            assert_eq!(l.items[0].status, DeploymentStatus::TerminatedProvider);
        }
        assert!(decode_list::<Deployment>(json!("nope"), &["data"]).is_err());
        // pages: `totalPages` (number or string), else `total` over `limit` or the page's size
        let pages = |v: Value| decode_list::<Deployment>(v, &["data"]).unwrap().total_pages;
        assert_eq!(
            pages(json!({"data": [item.clone()], "totalPages": "3"})),
            Some(3)
        );
        assert_eq!(
            pages(json!({"data": [item.clone()], "total": 250, "limit": 100})),
            Some(3)
        );
        assert_eq!(
            pages(json!({"data": [item.clone(), item.clone()], "total": 5})),
            Some(3)
        );
        assert_eq!(pages(json!({"data": [item.clone()]})), None);
        assert!(decode_list::<Deployment>(json!({"other": []}), &["data"]).is_err());
    }

    #[test]
    fn ssh_command_is_built_when_absent() {
        let d: Deployment =
            decode(json!({"ipAddress": "1.2.3.4", "user": "root", "sshPort": 2222})).unwrap();
        assert_eq!(d.ssh_command().as_deref(), Some("ssh -p 2222 root@1.2.3.4"));
        let d: Deployment = decode(json!({"sshCommand": "ssh ubuntu@5.6.7.8"})).unwrap();
        assert_eq!(d.ssh_command().as_deref(), Some("ssh ubuntu@5.6.7.8"));
        let d: Deployment = decode(json!({"status": "deploying"})).unwrap();
        assert_eq!(d.ssh_command(), None);
    }

    #[test]
    fn balance_single_and_many() {
        let b = Balance::decode(json!({"teams": [
            {"teamId": "t1", "teamName": "A", "balance": 5, "isCurrentTeam": false},
            {"teamId": "t2", "teamName": "B", "balance": "7.5", "isCurrentTeam": true}
        ], "currency": "USD"}))
        .unwrap();
        assert_eq!(b.current().unwrap().team_id, "t2");
        assert_eq!(b.current().unwrap().balance, Some(7.5));
        // a missing or unreadable balance is unknown, not $0.00
        let b = Balance::decode(json!({"teams": [
            {"teamId": "t1", "teamName": "A"},
            {"teamId": "t2", "teamName": "B", "balance": "lots"}
        ]}))
        .unwrap();
        assert!(b.teams.iter().all(|t| t.balance.is_none()));
        let b = Balance::decode(json!({"teamId": "t1", "balance": 3})).unwrap();
        assert_eq!(b.teams.len(), 1);
    }

    #[test]
    fn deploy_request_uses_the_wire_names() {
        let r = DeployRequest {
            provider: "spheron-ai".into(),
            offer_id: "o".into(),
            gpu_type: "rtx-4090".into(),
            gpu_count: 1,
            region: "us-east-1".into(),
            operating_system: "ubuntu-22.04".into(),
            instance_type: InstanceType::Dedicated,
            ssh_key_id: None,
            ssh_public_key: Some("ssh-ed25519 AAAA".into()),
            team_id: Some("t".into()),
            name: None,
            cloud_init: None,
            kubernetes_addon: None,
            volume_ids: vec![],
        };
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["offerId"], "o");
        assert_eq!(v["operatingSystem"], "ubuntu-22.04");
        assert_eq!(v["instanceType"], "DEDICATED");
        assert_eq!(v["ssh_public_key"], "ssh-ed25519 AAAA");
        assert_eq!(v["teamId"], "t");
        assert!(v.get("sshKeyId").is_none());
        assert!(v.get("volumeIds").is_none());
    }
}
