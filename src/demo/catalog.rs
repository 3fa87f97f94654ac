//! The demo catalog and seed, loaded from `assets/demo/*.json` (embedded with `include_str!`).

use std::sync::Arc;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

const PROVIDERS: &str = include_str!("../../assets/demo/providers.json");
const OFFERS: &str = include_str!("../../assets/demo/offers.json");
const VOLUME_REGIONS: &str = include_str!("../../assets/demo/volume_regions.json");
const KUBERNETES: &str = include_str!("../../assets/demo/kubernetes.json");
const SEED: &str = include_str!("../../assets/demo/seed.json");

/// One deployable offer. `raw` is the wire JSON as the catalog has it, a slice of the embedded
/// text: read into a value only when served ([`Offer::to_json`], which leaves out the team
/// discount unless the caller is authenticated and adds what the clock moved,
/// [`Offer::moved`]), so a process holds no tree of the whole catalog and the catalog at
/// another time costs no copy.
#[derive(Debug, Clone)]
pub struct Offer {
    pub gpu_type: String,
    pub provider: String,
    pub offer_id: String,
    pub gpu_count: u32,
    pub price: f64,
    pub clusters: Vec<String>,
    pub region: Option<String>,
    pub os_options: Vec<String>,
    pub maintenance: bool,
    /// `available: false`: listed, but cannot be deployed now.
    pub available: bool,
    pub instance_type: String,
    pub supports_cloud_init: bool,
    pub vcpus: u32,
    pub memory: u32,
    pub storage: u32,
    pub units_available: u64,
    pub discount_percent: f64,
    /// `extras.kubernetes_addon.total_cost_per_hour` when the offer supports the add-on.
    pub kubernetes_cost_per_hour: Option<f64>,
    /// `gpu_memory`, GB per GPU, when the offer says it.
    pub gpu_memory: Option<f64>,
    pub raw: &'static RawValue,
    /// What the clock changed ([`super::drift`]): served over `raw`.
    pub moved: Option<Moved>,
}

/// An offer as the clock moved it: its price, and whether it is up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moved {
    pub price: f64,
    pub up: bool,
}

impl Offer {
    /// The hourly rate with the team discount.
    pub fn discounted_price(&self) -> f64 {
        round(self.price * (1.0 - self.discount_percent / 100.0), 2)
    }

    /// The wire JSON; discount fields only when `authed`.
    pub fn to_json(&self, authed: bool) -> Value {
        let mut v: Value =
            serde_json::from_str(self.raw.get()).expect("catalog offers are valid JSON");
        let m = v.as_object_mut().expect("offer is an object");
        m.remove("teamDiscountPercent");
        if let Some(moved) = self.moved {
            m.insert("price".into(), json!(moved.price));
            if !moved.up {
                m.insert("available".into(), json!(false));
                if let Some(tech) = m
                    .get_mut("extras")
                    .and_then(|e| e.get_mut("technical"))
                    .and_then(|t| t.as_object_mut())
                {
                    tech.insert("units_available".into(), json!(0));
                }
            }
        }
        if authed {
            m.insert("originalPrice".into(), json!(self.price));
            m.insert("discountedPrice".into(), json!(self.discounted_price()));
            m.insert("discountPercentage".into(), json!(self.discount_percent));
            m.insert("hasDiscount".into(), json!(self.discount_percent > 0.0));
        }
        v
    }

    /// Whether `region` is one the offer lists (`clusters[]` or `region`), verbatim.
    pub fn has_region(&self, region: &str) -> bool {
        self.clusters.iter().any(|c| c == region) || self.region.as_deref() == Some(region)
    }
}

#[derive(Debug, Clone)]
pub struct Group {
    pub gpu_type: String,
    pub gpu_model: String,
    pub display_name: String,
    pub popularity: f64,
    pub offers: Vec<Offer>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumeRegion {
    pub id: String,
    pub name: String,
    pub min_size_gb: u64,
    pub max_size_gb: u64,
    pub hourly_rate_per_gb: f64,
    pub has_gpu_offers: bool,
    pub cloud_id: Option<String>,
    pub cloud_name: Option<String>,
}

impl VolumeRegion {
    pub fn to_json(&self, provider: Option<&str>) -> Value {
        let mut v = json!({
            "id": self.id, "name": self.name, "minSizeGb": self.min_size_gb,
            "maxSizeGb": self.max_size_gb, "hourlyRatePerGb": self.hourly_rate_per_gb,
            "hasGpuOffers": self.has_gpu_offers,
        });
        let m = v.as_object_mut().expect("object");
        if let Some(c) = &self.cloud_id {
            m.insert("cloudId".into(), json!(c));
        }
        if let Some(c) = &self.cloud_name {
            m.insert("cloudName".into(), json!(c));
        }
        if let Some(p) = provider {
            m.insert("provider".into(), json!(p));
        }
        v
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct K8sVersion {
    pub version: String,
    pub default: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedTeam {
    pub id: String,
    pub name: String,
    pub balance: f64,
    pub role: String,
    pub created_minutes_ago: i64,
    pub members: Vec<Value>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedKey {
    pub id: String,
    pub name: String,
    pub public_key: String,
    pub created_minutes_ago: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedDeployment {
    pub id: String,
    pub name: String,
    /// The team it belongs to; the demo user's own team when absent.
    #[serde(default)]
    pub team_id: Option<String>,
    pub offer_id: String,
    pub region: String,
    pub operating_system: String,
    pub ssh_key_id: Option<String>,
    pub status: String,
    pub created_minutes_ago: i64,
    pub started_minutes_ago: Option<i64>,
    pub stopped_minutes_ago: Option<i64>,
    pub ready_in_seconds: Option<i64>,
    pub ip_address: Option<String>,
    pub ssh_port: Option<u16>,
    pub failure_reason: Option<String>,
    pub kubernetes_version: Option<String>,
    /// What runs on it, as a GPU-use probe finds it; fresh when absent.
    #[serde(default)]
    pub workload: super::usage::Workload,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedVolume {
    pub id: String,
    pub name: String,
    /// The team it belongs to; the demo user's own team when absent.
    #[serde(default)]
    pub team_id: Option<String>,
    pub provider: String,
    pub region: String,
    pub size_in_gb: u64,
    pub attached_to: Vec<String>,
    #[serde(default)]
    pub status: Option<String>,
    pub created_minutes_ago: i64,
    pub used_gb: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Seed {
    /// The demo user's current team.
    pub team: SeedTeam,
    /// Other teams the demo user belongs to, each with its own balance.
    #[serde(default)]
    pub other_teams: Vec<SeedTeam>,
    /// Team ids that exist but the demo user is not a member of (403 FORBIDDEN).
    #[serde(default)]
    pub foreign_teams: Vec<String>,
    pub ssh_keys: Vec<SeedKey>,
    pub deployments: Vec<SeedDeployment>,
    pub volumes: Vec<SeedVolume>,
}

#[derive(Debug, Clone)]
pub struct Catalog {
    pub providers: Vec<String>,
    pub groups: Vec<Group>,
    /// Volume regions per provider, in file order.
    pub volume_regions: Vec<(String, Vec<VolumeRegion>)>,
    pub kubernetes: Vec<(String, Vec<K8sVersion>)>,
    pub seed: Seed,
}

#[derive(Deserialize)]
struct RawOffer {
    provider: String,
    #[serde(rename = "offerId")]
    offer_id: String,
    #[serde(rename = "gpuCount")]
    gpu_count: u32,
    price: f64,
    clusters: Vec<String>,
    region: Option<String>,
    os_options: Vec<String>,
    maintenance: bool,
    #[serde(default = "yes")]
    available: bool,
    #[serde(rename = "instanceType")]
    instance_type: String,
    #[serde(rename = "supportsCloudInit")]
    supports_cloud_init: bool,
    vcpus: u32,
    memory: u32,
    storage: u32,
    #[serde(rename = "teamDiscountPercent", default)]
    team_discount_percent: f64,
    #[serde(default)]
    gpu_memory: Option<f64>,
    #[serde(default)]
    extras: RawExtras,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize, Default)]
struct RawExtras {
    #[serde(default)]
    technical: RawTechnical,
    #[serde(default)]
    kubernetes_addon: Option<RawKubernetesAddon>,
}

#[derive(Deserialize, Default)]
struct RawTechnical {
    #[serde(default)]
    units_available: u64,
}

#[derive(Deserialize)]
struct RawKubernetesAddon {
    total_cost_per_hour: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawGroup<'a> {
    gpu_type: String,
    gpu_model: String,
    display_name: String,
    #[serde(default)]
    popularity: f64,
    #[serde(borrow)]
    offers: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawOffers<'a> {
    #[serde(borrow)]
    groups: Vec<RawGroup<'a>>,
}

fn parse_group(g: RawGroup<'static>) -> Result<Group, String> {
    let mut offers = Vec::with_capacity(g.offers.len());
    for raw in g.offers {
        let r: RawOffer = serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
        offers.push(Offer {
            gpu_type: g.gpu_type.clone(),
            provider: r.provider,
            offer_id: r.offer_id,
            gpu_count: r.gpu_count,
            price: r.price,
            clusters: r.clusters,
            region: r.region,
            os_options: r.os_options,
            maintenance: r.maintenance,
            available: r.available,
            instance_type: r.instance_type,
            supports_cloud_init: r.supports_cloud_init,
            vcpus: r.vcpus,
            memory: r.memory,
            storage: r.storage,
            units_available: r.extras.technical.units_available,
            discount_percent: r.team_discount_percent,
            kubernetes_cost_per_hour: r
                .extras
                .kubernetes_addon
                .and_then(|k| k.total_cost_per_hour),
            gpu_memory: r.gpu_memory,
            raw,
            moved: None,
        });
    }
    Ok(Group {
        gpu_model: g.gpu_model,
        display_name: g.display_name,
        popularity: g.popularity,
        gpu_type: g.gpu_type,
        offers,
    })
}

fn ordered<T: for<'de> Deserialize<'de>>(text: &str) -> Result<Vec<(String, T)>, String> {
    // serde_json's Map sorts keys; `Catalog::load` re-sorts by the provider list where order matters.
    let m: serde_json::Map<String, Value> =
        serde_json::from_str(text).map_err(|e| e.to_string())?;
    m.into_iter()
        .map(|(k, v)| Ok((k, serde_json::from_value(v).map_err(|e| e.to_string())?)))
        .collect()
}

impl Catalog {
    /// The embedded catalog, read once per process and shared (the demo server, the demo's
    /// history and `demo reset` all use it).
    pub fn shared() -> Arc<Catalog> {
        static CATALOG: std::sync::OnceLock<Arc<Catalog>> = std::sync::OnceLock::new();
        CATALOG
            .get_or_init(|| Arc::new(Catalog::load().expect("embedded demo assets are valid")))
            .clone()
    }

    /// Load the embedded catalog. Panics only if the embedded assets are broken (a test checks).
    pub fn load() -> Result<Catalog, String> {
        let providers: Vec<String> = serde_json::from_str(PROVIDERS).map_err(|e| e.to_string())?;
        let offers: RawOffers = serde_json::from_str(OFFERS).map_err(|e| e.to_string())?;
        let groups = offers
            .groups
            .into_iter()
            .map(parse_group)
            .collect::<Result<Vec<_>, _>>()?;
        let mut volume_regions: Vec<(String, Vec<VolumeRegion>)> = ordered(VOLUME_REGIONS)?;
        let pos = |p: &str| providers.iter().position(|x| x == p).unwrap_or(usize::MAX);
        volume_regions.sort_by_key(|(p, _)| pos(p));
        let kubernetes = ordered(KUBERNETES)?;
        let seed: Seed = serde_json::from_str(SEED).map_err(|e| e.to_string())?;
        Ok(Catalog {
            providers,
            groups,
            volume_regions,
            kubernetes,
            seed,
        })
    }

    pub fn offers(&self) -> impl Iterator<Item = &Offer> {
        self.groups.iter().flat_map(|g| g.offers.iter())
    }

    pub fn offer(&self, offer_id: &str) -> Option<&Offer> {
        self.offers().find(|o| o.offer_id == offer_id)
    }

    /// A provider's volume regions, by any name it is known by (`verda` is `data-crunch`).
    pub fn regions_of(&self, provider: &str) -> Option<&[VolumeRegion]> {
        self.volume_regions
            .iter()
            .find(|(p, _)| p == provider)
            .or_else(|| {
                self.volume_regions
                    .iter()
                    .find(|(p, _)| crate::domain::volume_rules::same_provider(p, provider))
            })
            .map(|(_, r)| r.as_slice())
    }

    /// Refuses a provider name a write carries unless the providers list names it that way: a
    /// provider known by two names takes the one the list uses.
    pub fn check_listed(&self, provider: &str) -> Result<(), String> {
        if self.providers.iter().any(|p| p == provider) {
            return Ok(());
        }
        Err(
            match self
                .providers
                .iter()
                .find(|p| crate::domain::volume_rules::same_provider(p, provider))
            {
                Some(listed) => {
                    format!("Unknown provider '{provider}': the providers list names it '{listed}'")
                }
                None => format!("Unknown provider '{provider}'"),
            },
        )
    }

    pub fn volume_region(&self, provider: &str, region: &str) -> Option<&VolumeRegion> {
        self.regions_of(provider)?.iter().find(|r| r.id == region)
    }

    pub fn k8s_versions(&self, provider: &str) -> Option<&[K8sVersion]> {
        self.kubernetes
            .iter()
            .find(|(p, _)| p == provider)
            .map(|(_, v)| v.as_slice())
    }
}

pub fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assets_load_and_are_rich_enough() {
        let c = Catalog::load().unwrap();
        assert_eq!(c.providers.len(), 5);
        // one name per provider, as the live list gives it
        for (i, a) in c.providers.iter().enumerate() {
            for b in &c.providers[i + 1..] {
                assert!(!crate::domain::volume_rules::same_provider(a, b), "{a} {b}");
            }
        }
        assert!(c.groups.len() >= 10);
        let n = c.offers().count();
        assert!((60..=100).contains(&n), "{n} offers");
        for t in ["SPOT", "DEDICATED", "CLUSTER"] {
            assert!(c.offers().any(|o| o.instance_type == t), "{t}");
        }
        assert!(c.offers().any(|o| o.maintenance));
        assert!(c.offers().any(|o| !o.available && !o.maintenance));
        assert!(c.offers().any(|o| o.discount_percent > 0.0));
        assert!(
            c.offers()
                .any(|o| o.clusters.iter().any(|r| r.contains(':')))
        );
        let k8s: Vec<_> = c
            .offers()
            .filter(|o| o.kubernetes_cost_per_hour.is_some())
            .collect();
        assert!(!k8s.is_empty());
        assert!(
            k8s.iter()
                .all(|o| o.provider == "voltage-park" && o.instance_type == "CLUSTER")
        );
        // unique offer ids, every provider known
        let mut ids: Vec<_> = c.offers().map(|o| o.offer_id.clone()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n);
        // every provider known, some offers by its other name (as older objects are)
        assert!(
            c.offers()
                .all(|o| c.regions_of(&o.provider).is_some() || c.providers.contains(&o.provider))
        );
        assert!(c.offers().any(|o| c.check_listed(&o.provider).is_err()));
        // 8x H100 priced for the whole machine
        let h100x8 = c
            .offers()
            .find(|o| o.gpu_type == "H100_SXM5" && o.gpu_count == 8)
            .unwrap();
        assert!((16.0..=24.0).contains(&h100x8.price));
        // discount fields only when authenticated
        assert!(h100x8.to_json(false).get("discountedPrice").is_none());
        assert!(h100x8.to_json(true).get("discountedPrice").is_some());
        assert!(h100x8.to_json(true).get("teamDiscountPercent").is_none());
        // seed references real offers
        for d in &c.seed.deployments {
            let o = c.offer(&d.offer_id).unwrap();
            assert!(o.has_region(&d.region), "{}", d.id);
            assert!(o.os_options.contains(&d.operating_system), "{}", d.id);
        }
        assert_eq!(
            c.regions_of("sesterce").unwrap()[0].cloud_id.as_deref(),
            Some("c-1042")
        );
    }
}
