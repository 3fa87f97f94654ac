//! GPU offers: groups, offers, the page of `GET /api/gpu-offers`.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

use super::reader::{Fields, Read, Spellings, read_through_spellings, spelling_index};
use super::*;
use crate::api::lenient as le;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum InstanceType {
    Spot,
    Dedicated,
    Cluster,
    Other(String),
    /// The object did not say (missing, `null` or empty): never taken for DEDICATED, since a
    /// SPOT instance can be reclaimed at any moment. An offer of unknown type is not deployed.
    #[default]
    Unknown,
}

impl InstanceType {
    pub fn parse(s: &str) -> Self {
        match s.trim().to_ascii_uppercase().as_str() {
            "" => Self::Unknown,
            "SPOT" => Self::Spot,
            "DEDICATED" => Self::Dedicated,
            "CLUSTER" => Self::Cluster,
            _ => Self::Other(s.to_string()),
        }
    }
    pub fn as_str(&self) -> &str {
        match self {
            Self::Spot => "SPOT",
            Self::Dedicated => "DEDICATED",
            Self::Cluster => "CLUSTER",
            Self::Other(s) => s,
            Self::Unknown => "?",
        }
    }
    /// Could be reclaimed by its provider at any moment: SPOT, or a type not known to be
    /// anything else.
    pub fn may_be_spot(&self) -> bool {
        matches!(self, Self::Spot | Self::Unknown)
    }
}

impl fmt::Display for InstanceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for InstanceType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::parse(&le::string(d)?))
    }
}

impl Serialize for InstanceType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct KubernetesAddonOffer {
    pub version: String,
    pub total_cost_per_hour: Option<f64>,
}

impl Read for KubernetesAddonOffer {
    const SPELLINGS: Spellings = &[&["version"], &["totalCostPerHour", "total_cost_per_hour"]];
    spelling_index!();
    fn build(f: &Fields) -> Self {
        KubernetesAddonOffer {
            version: f.string("version"),
            total_cost_per_hour: f.f64("totalCostPerHour"),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct OfferTechnical {
    pub units_available: Option<u32>,
    pub availability_level: Option<String>,
}

impl Read for OfferTechnical {
    const SPELLINGS: Spellings = &[
        &["units_available", "unitsAvailable"],
        &["availability_level", "availabilityLevel"],
    ];
    spelling_index!();
    fn build(f: &Fields) -> Self {
        OfferTechnical {
            units_available: f.u32("units_available"),
            availability_level: f.opt_string("availability_level"),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct OfferExtras {
    pub deployment_type: Option<String>,
    pub nvlink: bool,
    pub kubernetes_addon: Option<KubernetesAddonOffer>,
    pub technical: Option<OfferTechnical>,
}

impl Read for OfferExtras {
    const SPELLINGS: Spellings = &[
        &["deployment_type", "deploymentType"],
        &["nvlink", "nvLink"],
        &["kubernetes_addon", "kubernetesAddon"],
        &["technical"],
    ];
    spelling_index!();
    fn build(f: &Fields) -> Self {
        OfferExtras {
            deployment_type: f.opt_string("deployment_type"),
            nvlink: f.bool("nvlink").unwrap_or(false),
            kubernetes_addon: f.object("kubernetes_addon"),
            technical: f.object("technical"),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Offer {
    pub provider: String,
    pub offer_id: String,
    pub name: String,
    pub description: String,
    pub vcpus: Option<u32>,
    /// RAM in GB.
    pub memory: Option<f64>,
    /// Disk in GB.
    pub storage: Option<f64>,
    pub gpu_count: u32,
    /// List price, USD per hour, for the whole configuration; `None` when missing or unreadable.
    pub price: Option<f64>,
    pub spot_price: Option<f64>,
    pub available: bool,
    pub clusters: Vec<String>,
    pub region: Option<String>,
    /// VRAM per GPU in GB.
    pub gpu_memory: Option<f64>,
    pub os_options: Vec<String>,
    pub maintenance: bool,
    pub interconnect_type: Option<String>,
    pub interconnect_description: Option<String>,
    pub instance_type: InstanceType,
    pub supports_cloud_init: bool,
    pub extras: OfferExtras,
    pub original_price: Option<f64>,
    pub discounted_price: Option<f64>,
    pub discount_percentage: Option<f64>,
    pub has_discount: bool,
    /// The group's `gpuType`, copied in by [`GpuGroup`] decoding (offers do not repeat it).
    pub gpu_type: String,
    /// The group's display name (e.g. "H100 SXM5 80GB"), copied in from the group.
    pub gpu_display: String,
    pub raw: RawJson,
}

impl Read for Offer {
    const SPELLINGS: Spellings = &[
        &["provider", "providerName"],
        &["offerId", "offer_id", "id", "_id"],
        &["name"],
        &["description"],
        &["vcpus", "vcpu", "cpus"],
        &["memory", "ram"],
        &["storage", "disk"],
        &["gpuCount", "gpu_count"],
        &["price", "pricePerHour"],
        &["spotPrice", "spot_price"],
        &["available", "isAvailable"],
        &["clusters"],
        &["region"],
        &["gpuMemory", "gpu_memory"],
        &["osOptions", "os_options"],
        &["maintenance"],
        &["interconnectType", "interconnect_type"],
        &["interconnectDescription", "interconnect_description"],
        &["instanceType", "instance_type"],
        &["supportsCloudInit", "supports_cloud_init"],
        &["extras"],
        &["originalPrice", "original_price"],
        &["discountedPrice", "discounted_price"],
        &["discountPercentage", "discount_percentage"],
        &["hasDiscount", "has_discount"],
        &["gpuType", "gpu_type"],
    ];
    spelling_index!();
    fn build(f: &Fields) -> Self {
        Offer {
            provider: f.string("provider"),
            offer_id: f.string("offerId"),
            name: f.string("name"),
            description: f.string("description"),
            vcpus: f.u32("vcpus"),
            memory: f.f64("memory"),
            storage: f.f64("storage"),
            gpu_count: f.u32("gpuCount").unwrap_or(0),
            price: f.f64("price"),
            spot_price: f.f64("spotPrice"),
            // An offer that does not say is taken as available (maintenance still blocks).
            available: f.bool("available").unwrap_or(true),
            clusters: f.strings("clusters"),
            region: f.opt_string("region"),
            gpu_memory: f.f64("gpuMemory"),
            os_options: f.strings("osOptions"),
            maintenance: f.bool("maintenance").unwrap_or(false),
            interconnect_type: f.opt_string("interconnectType"),
            interconnect_description: f.opt_string("interconnectDescription"),
            instance_type: f
                .opt_string("instanceType")
                .map(|t| InstanceType::parse(&t))
                .unwrap_or_default(),
            supports_cloud_init: f.bool("supportsCloudInit").unwrap_or(false),
            extras: f.object("extras").unwrap_or_default(),
            original_price: f.f64("originalPrice"),
            discounted_price: f.f64("discountedPrice"),
            discount_percentage: f.f64("discountPercentage"),
            has_discount: f.bool("hasDiscount").unwrap_or(false),
            gpu_type: f.string("gpuType"),
            gpu_display: String::new(),
            raw: RawJson::default(),
        }
    }
}

read_through_spellings!(KubernetesAddonOffer, OfferTechnical, OfferExtras, Offer);

impl WithRaw for Offer {
    fn set_raw(&mut self, raw: Value) {
        self.raw = RawJson::from_value(&raw);
    }
}

/// The raw JSON text of an object, kept compact: offers come by the thousand and a `Value`
/// tree apiece costs several KiB. Parsed back into a `Value` only when a details view opens.
#[derive(Clone, Default, PartialEq)]
pub struct RawJson(Option<Arc<str>>);

impl RawJson {
    pub fn from_value(v: &Value) -> Self {
        RawJson(Some(v.to_string().into()))
    }
    pub fn from_text(s: &str) -> Self {
        RawJson(Some(s.into()))
    }
    pub fn as_str(&self) -> &str {
        self.0.as_deref().unwrap_or("null")
    }
    pub fn value(&self) -> Value {
        serde_json::from_str(self.as_str()).unwrap_or(Value::Null)
    }
}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Offer {
    /// What the user pays per hour for the whole configuration: `discountedPrice` when present,
    /// else `price` (docs/api-rules.md, "Cost").
    /// `None` when neither is a readable amount: an unknown price is never read as $0.
    pub fn hourly_rate(&self) -> Option<f64> {
        let readable = |p: f64| p.is_finite() && p >= 0.0;
        match self.discounted_price {
            Some(d) if d > 0.0 && readable(d) => Some(d),
            _ => self.price.filter(|p| readable(*p)),
        }
    }

    /// The list price when a discount lowers it, for showing struck through.
    pub fn list_price_if_discounted(&self) -> Option<f64> {
        let list = self.original_price.or(self.price)?;
        (self.hourly_rate()? + 1e-9 < list).then_some(list)
    }

    pub fn per_gpu_rate(&self) -> Option<f64> {
        Some(self.hourly_rate()? / f64::from(self.gpu_count.max(1)))
    }

    /// Regions the offer can be deployed in, verbatim: `clusters[]`, else `region`.
    pub fn regions(&self) -> Vec<&str> {
        if !self.clusters.is_empty() {
            self.clusters.iter().map(String::as_str).collect()
        } else {
            self.region.as_deref().into_iter().collect()
        }
    }

    /// Why this offer cannot be deployed now, if it cannot.
    pub fn unavailable_reason(&self) -> Option<&'static str> {
        if self.maintenance {
            Some("the offer is in maintenance")
        } else if !self.available {
            Some("the offer is not available")
        } else if self.regions().is_empty() {
            Some("the offer lists no region")
        } else if self.hourly_rate().is_none() {
            Some(
                "the offer's price is unknown (missing or unreadable), so its cost cannot be shown",
            )
        } else if self.instance_type == InstanceType::Unknown {
            Some(
                "the offer does not say its instance type (SPOT, DEDICATED or CLUSTER), so what it rents is unknown",
            )
        } else {
            None
        }
    }

    pub fn kubernetes_addon(&self) -> Option<&KubernetesAddonOffer> {
        self.extras.kubernetes_addon.as_ref()
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct GpuGroup {
    pub gpu_type: String,
    pub gpu_model: String,
    pub display_name: String,
    pub popularity: Option<f64>,
    pub total_available: Option<u32>,
    pub lowest_price: Option<f64>,
    pub highest_price: Option<f64>,
    pub average_price: Option<f64>,
    pub providers: Vec<String>,
    /// Decoded separately by [`GpuGroup::decode`] so one bad offer does not drop the group.
    pub offers: Vec<Offer>,
    /// Offers of the group that could not be read.
    pub unreadable: usize,
    pub raw: Value,
}

impl Read for GpuGroup {
    const SPELLINGS: Spellings = &[
        &["gpuType", "gpu_type"],
        &["gpuModel", "gpu_model"],
        &["displayName", "display_name"],
        &["popularity"],
        &["totalAvailable", "total_available"],
        &["lowestPrice", "lowest_price"],
        &["highestPrice", "highest_price"],
        &["averagePrice", "average_price"],
        &["providers"],
    ];
    spelling_index!();
    fn build(f: &Fields) -> Self {
        GpuGroup {
            gpu_type: f.string("gpuType"),
            gpu_model: f.string("gpuModel"),
            display_name: f.string("displayName"),
            popularity: f.f64("popularity"),
            total_available: f.u32("totalAvailable"),
            lowest_price: f.f64("lowestPrice"),
            highest_price: f.f64("highestPrice"),
            average_price: f.f64("averagePrice"),
            providers: f.strings("providers"),
            offers: Vec::new(),
            unreadable: 0,
            raw: Value::Null,
        }
    }
}

read_through_spellings!(GpuGroup);

impl GpuGroup {
    /// Decode a group from its parts: the group's own fields as a `Value`, each offer typed
    /// from its slice of the text (which it keeps as its raw JSON).
    fn from_parts(parts: GroupParts) -> Result<Self, serde_json::Error> {
        let v = Value::Object(
            parts
                .fields
                .into_iter()
                .map(|(k, r)| (k, serde_json::from_str(r.get()).unwrap_or(Value::Null)))
                .collect(),
        );
        let mut group = GpuGroup::deserialize(&v)?;
        group.raw = v;
        let display = group.display().to_string();
        let listed = parts.offers.len();
        let mut offers = Vec::with_capacity(listed);
        offers.extend(parts.offers.into_iter().filter_map(|r| {
            let mut o: Offer = serde_json::from_str(r.get()).ok()?;
            o.raw = RawJson::from_text(r.get());
            Some(group.adopt(o, &display))
        }));
        group.offers = offers;
        group.unreadable = listed - group.offers.len();
        Ok(group)
    }

    fn display(&self) -> &str {
        if self.display_name.is_empty() {
            &self.gpu_model
        } else {
            &self.display_name
        }
    }

    /// Copy the group's GPU type and name into one of its offers.
    fn adopt(&self, mut o: Offer, display: &str) -> Offer {
        if o.gpu_type.is_empty() {
            o.gpu_type = self.gpu_type.clone();
        }
        o.gpu_display = display.to_string();
        o
    }

    /// Decode a group and its offers, copying the group's GPU type into each offer. The raw
    /// JSON kept for the group has its `offers` removed (each offer keeps its own).
    pub fn decode(mut v: Value) -> Result<Self, serde_json::Error> {
        let offers = match v.as_object_mut().and_then(|o| o.remove("offers")) {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        };
        let mut group = GpuGroup::deserialize(&v)?;
        group.raw = v;
        let display = group.display().to_string();
        let listed = offers.len();
        group.offers = offers
            .into_iter()
            .filter_map(|o| decode::<Offer>(o).ok())
            .map(|o| group.adopt(o, &display))
            .collect();
        group.unreadable = listed - group.offers.len();
        Ok(group)
    }
}

/// A group as found in the answer's text, split in ONE pass: its own fields as raw slices, and
/// its offers as raw slices (so no offer is scanned more than twice: here, and when typed).
struct GroupParts<'a> {
    fields: Vec<(String, &'a RawValue)>,
    offers: Vec<&'a RawValue>,
}

impl<'de: 'a, 'a> Deserialize<'de> for GroupParts<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = GroupParts<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a GPU group object")
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(
                self,
                mut m: M,
            ) -> Result<Self::Value, M::Error> {
                let mut parts = GroupParts {
                    fields: Vec::new(),
                    offers: Vec::new(),
                };
                while let Some(key) = m.next_key::<String>()? {
                    if key == "offers" {
                        // Anything but a list fails the fast path; the tolerant path then
                        // reads the answer (a non-list `offers` counts as none there).
                        parts.offers = m.next_value()?;
                    } else {
                        parts.fields.push((key, m.next_value()?));
                    }
                }
                Ok(parts)
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// One page of `GET /api/gpu-offers`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OffersPage {
    pub groups: Vec<GpuGroup>,
    pub total: u64,
    pub page: u64,
    pub limit: u64,
    pub total_pages: u64,
    /// Groups, and offers within groups, that could not be read.
    pub unreadable: usize,
}

impl OffersPage {
    /// Decode an answer straight from its bytes: each offer is read from its own slice of the
    /// text and keeps that text as its raw JSON, with no `Value` tree for the whole page.
    /// Shapes the fast path does not know fall back to [`OffersPage::decode`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Page<'a> {
            #[serde(borrow)]
            data: Vec<GroupParts<'a>>,
            #[serde(default, deserialize_with = "le::opt_f64")]
            total: Option<f64>,
            #[serde(default, deserialize_with = "le::opt_f64")]
            page: Option<f64>,
            #[serde(default, deserialize_with = "le::opt_f64")]
            limit: Option<f64>,
            #[serde(default, deserialize_with = "le::opt_f64")]
            total_pages: Option<f64>,
        }
        let Ok(p) = serde_json::from_slice::<Page>(bytes) else {
            return Self::decode(serde_json::from_slice(bytes)?);
        };
        let listed = p.data.len();
        let groups: Vec<GpuGroup> = p
            .data
            .into_iter()
            .filter_map(|g| GpuGroup::from_parts(g).ok())
            .collect();
        let page = p.page.map_or(1, |f| f as u64).max(1);
        Ok(OffersPage {
            unreadable: unreadable(listed, &groups),
            total: p.total.map_or(groups.len() as u64, |f| f as u64),
            limit: p.limit.map_or(groups.len() as u64, |f| f as u64),
            total_pages: p.total_pages.map_or(page, |f| f as u64),
            page,
            groups,
        })
    }

    pub fn decode(v: Value) -> Result<Self, serde_json::Error> {
        let (items, meta) = match v {
            Value::Array(items) => (items, serde_json::Map::new()),
            Value::Object(mut o) => match o.remove("data").or_else(|| o.remove("offers")) {
                Some(Value::Array(items)) => (items, o),
                _ => {
                    return Err(serde::de::Error::custom(
                        "gpu-offers answer has no `data` list",
                    ));
                }
            },
            _ => {
                return Err(serde::de::Error::custom(
                    "gpu-offers answer is not an object",
                ));
            }
        };
        let num = |k: &str| meta.get(k).and_then(le::f64_of).map(|f| f as u64);
        let listed = items.len();
        let groups: Vec<GpuGroup> = items
            .into_iter()
            .filter_map(|g| GpuGroup::decode(g).ok())
            .collect();
        let page = num("page").unwrap_or(1).max(1);
        Ok(OffersPage {
            unreadable: unreadable(listed, &groups),
            total: num("total").unwrap_or(groups.len() as u64),
            limit: num("limit").unwrap_or(groups.len() as u64),
            total_pages: num("totalPages").unwrap_or(page),
            page,
            groups,
        })
    }
}

/// Groups that could not be read (of `listed`), and the offers within the others.
fn unreadable(listed: usize, groups: &[GpuGroup]) -> usize {
    listed - groups.len() + groups.iter().map(|g| g.unreadable).sum::<usize>()
}
