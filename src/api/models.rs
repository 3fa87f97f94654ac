//! Typed models of what the Spheron API sends, read tolerantly (`api-notes.md`): unknown fields
//! are ignored, optional fields are optional, both observed spellings are accepted, and the raw
//! JSON of every object is kept in `raw` so a details view can show fields no model names.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

use super::lenient as le;

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
    let (items, total_pages) = match v {
        Value::Array(items) => (items, None),
        Value::Object(mut o) => {
            let total_pages = o.get("totalPages").and_then(Value::as_u64);
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
            (items, total_pages)
        }
        other => {
            return Err(serde::de::Error::custom(format!(
                "expected a list, got {}",
                json_kind(&other)
            )));
        }
    };
    let mut out = Vec::with_capacity(items.len());
    let mut skipped = 0;
    for item in items {
        match decode::<T>(item) {
            Ok(t) => out.push(t),
            Err(_) => skipped += 1,
        }
    }
    Ok(Listed {
        items: out,
        skipped,
        total_pages,
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

/// A decoded list plus how many items could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed<T> {
    pub items: Vec<T>,
    pub skipped: usize,
    pub total_pages: Option<u64>,
}

// ---------------------------------------------------------------------------------------------
// Offers

#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum InstanceType {
    Spot,
    #[default]
    Dedicated,
    Cluster,
    Other(String),
}

impl InstanceType {
    pub fn parse(s: &str) -> Self {
        match s.trim().to_ascii_uppercase().as_str() {
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
        }
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

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KubernetesAddonOffer {
    #[serde(default, deserialize_with = "le::string")]
    pub version: String,
    #[serde(
        default,
        alias = "total_cost_per_hour",
        deserialize_with = "le::opt_f64"
    )]
    pub total_cost_per_hour: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct OfferTechnical {
    #[serde(default, alias = "unitsAvailable", deserialize_with = "le::opt_u32")]
    pub units_available: Option<u32>,
    #[serde(
        default,
        alias = "availabilityLevel",
        deserialize_with = "le::opt_string"
    )]
    pub availability_level: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct OfferExtras {
    #[serde(default, alias = "deploymentType", deserialize_with = "le::opt_string")]
    pub deployment_type: Option<String>,
    #[serde(default, deserialize_with = "le::bool_or_false")]
    pub nvlink: bool,
    #[serde(default, alias = "kubernetesAddon")]
    pub kubernetes_addon: Option<KubernetesAddonOffer>,
    #[serde(default)]
    pub technical: Option<OfferTechnical>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Offer {
    #[serde(default, deserialize_with = "le::string")]
    pub provider: String,
    #[serde(
        default,
        alias = "offer_id",
        alias = "id",
        deserialize_with = "le::string"
    )]
    pub offer_id: String,
    #[serde(default, deserialize_with = "le::string")]
    pub name: String,
    #[serde(default, deserialize_with = "le::string")]
    pub description: String,
    #[serde(
        default,
        alias = "vcpu",
        alias = "cpus",
        deserialize_with = "le::opt_u32"
    )]
    pub vcpus: Option<u32>,
    /// RAM in GB.
    #[serde(default, alias = "ram", deserialize_with = "le::opt_f64")]
    pub memory: Option<f64>,
    /// Disk in GB.
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub storage: Option<f64>,
    #[serde(default, alias = "gpu_count", deserialize_with = "le::u32_or_zero")]
    pub gpu_count: u32,
    /// List price, USD per hour, for the whole configuration.
    #[serde(default, deserialize_with = "le::f64_or_zero")]
    pub price: f64,
    #[serde(default, alias = "spot_price", deserialize_with = "le::opt_f64")]
    pub spot_price: Option<f64>,
    #[serde(default = "yes", deserialize_with = "le::bool_or_false")]
    pub available: bool,
    #[serde(default, deserialize_with = "le::string_list")]
    pub clusters: Vec<String>,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub region: Option<String>,
    /// VRAM per GPU in GB.
    #[serde(default, alias = "gpu_memory", deserialize_with = "le::opt_f64")]
    pub gpu_memory: Option<f64>,
    #[serde(default, alias = "os_options", deserialize_with = "le::string_list")]
    pub os_options: Vec<String>,
    #[serde(default, deserialize_with = "le::bool_or_false")]
    pub maintenance: bool,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub interconnect_type: Option<String>,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub interconnect_description: Option<String>,
    #[serde(default, alias = "instance_type")]
    pub instance_type: InstanceType,
    #[serde(
        default,
        alias = "supports_cloud_init",
        deserialize_with = "le::bool_or_false"
    )]
    pub supports_cloud_init: bool,
    #[serde(default)]
    pub extras: OfferExtras,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub original_price: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub discounted_price: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub discount_percentage: Option<f64>,
    #[serde(default, deserialize_with = "le::bool_or_false")]
    pub has_discount: bool,
    /// The group's `gpuType`, copied in by [`GpuGroup`] decoding (offers do not repeat it).
    #[serde(default, alias = "gpu_type", deserialize_with = "le::string")]
    pub gpu_type: String,
    /// The group's display name (e.g. "H100 SXM5 80GB"), copied in from the group.
    #[serde(skip)]
    pub gpu_display: String,
    #[serde(skip)]
    pub raw: RawJson,
}

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

fn yes() -> bool {
    true
}

impl Offer {
    /// What the user pays per hour for the whole configuration: `discountedPrice` when present,
    /// else `price` (spheron-api.md §6).
    pub fn hourly_rate(&self) -> f64 {
        match self.discounted_price {
            Some(d) if d > 0.0 => d,
            _ => self.price,
        }
    }

    /// The list price when a discount lowers it, for showing struck through.
    pub fn list_price_if_discounted(&self) -> Option<f64> {
        let list = self.original_price.unwrap_or(self.price);
        (self.hourly_rate() + 1e-9 < list).then_some(list)
    }

    pub fn per_gpu_rate(&self) -> f64 {
        self.hourly_rate() / f64::from(self.gpu_count.max(1))
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
        } else {
            None
        }
    }

    pub fn kubernetes_addon(&self) -> Option<&KubernetesAddonOffer> {
        self.extras.kubernetes_addon.as_ref()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GpuGroup {
    #[serde(default, alias = "gpu_type", deserialize_with = "le::string")]
    pub gpu_type: String,
    #[serde(default, deserialize_with = "le::string")]
    pub gpu_model: String,
    #[serde(default, deserialize_with = "le::string")]
    pub display_name: String,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub popularity: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_u32")]
    pub total_available: Option<u32>,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub lowest_price: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub highest_price: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub average_price: Option<f64>,
    #[serde(default, deserialize_with = "le::string_list")]
    pub providers: Vec<String>,
    /// Decoded separately by [`GpuGroup::decode`] so one bad offer does not drop the group.
    #[serde(skip)]
    pub offers: Vec<Offer>,
    #[serde(skip)]
    pub raw: Value,
}

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
        group.offers = parts
            .offers
            .into_iter()
            .filter_map(|r| {
                let mut o: Offer = serde_json::from_str(r.get()).ok()?;
                o.raw = RawJson::from_text(r.get());
                Some(o)
            })
            .map(|o| group.adopt(o, &display))
            .collect();
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
        group.offers = offers
            .into_iter()
            .filter_map(|o| decode::<Offer>(o).ok())
            .map(|o| group.adopt(o, &display))
            .collect();
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
        let groups: Vec<GpuGroup> = p
            .data
            .into_iter()
            .filter_map(|g| GpuGroup::from_parts(g).ok())
            .collect();
        let page = p.page.map_or(1, |f| f as u64).max(1);
        Ok(OffersPage {
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
        let num = |k: &str| meta.get(k).and_then(|v| v.as_f64()).map(|f| f as u64);
        let groups: Vec<GpuGroup> = items
            .into_iter()
            .filter_map(|g| GpuGroup::decode(g).ok())
            .collect();
        let page = num("page").unwrap_or(1).max(1);
        Ok(OffersPage {
            total: num("total").unwrap_or(groups.len() as u64),
            limit: num("limit").unwrap_or(groups.len() as u64),
            total_pages: num("totalPages").unwrap_or(page),
            page,
            groups,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Deployments

#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum DeploymentStatus {
    #[default]
    Deploying,
    Running,
    Failed,
    Terminated,
    TerminatedProvider,
    Stopped,
    Other(String),
}

impl DeploymentStatus {
    pub fn parse(s: &str) -> Self {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "deploying" | "pending" | "provisioning" => Self::Deploying,
            "running" | "active" => Self::Running,
            "failed" | "error" => Self::Failed,
            "terminated" => Self::Terminated,
            "terminated-provider" => Self::TerminatedProvider,
            "stopped" => Self::Stopped,
            _ => Self::Other(s.to_string()),
        }
    }
    pub fn as_str(&self) -> &str {
        match self {
            Self::Deploying => "deploying",
            Self::Running => "running",
            Self::Failed => "failed",
            Self::Terminated => "terminated",
            Self::TerminatedProvider => "terminated-provider",
            Self::Stopped => "stopped",
            Self::Other(s) => s,
        }
    }
    /// Running or deploying: costs money now.
    pub fn is_active(&self) -> bool {
        matches!(self, Self::Deploying | Self::Running)
    }
    /// No further change is possible.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Failed | Self::Terminated | Self::TerminatedProvider | Self::Stopped
        )
    }
}

impl fmt::Display for DeploymentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for DeploymentStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::parse(&le::string(d)?))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ServiceLink {
    #[serde(default, deserialize_with = "le::string")]
    pub name: String,
    #[serde(default, deserialize_with = "le::string")]
    pub url: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KubernetesAddon {
    #[serde(default, deserialize_with = "le::string")]
    pub version: String,
    #[serde(
        default,
        alias = "k8s_cluster_id",
        alias = "clusterId",
        deserialize_with = "le::opt_string"
    )]
    pub k8s_cluster_id: Option<String>,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub kubeconfig: Option<String>,
    #[serde(default, alias = "service_links")]
    pub service_links: Vec<ServiceLink>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct PortForward {
    #[serde(default, deserialize_with = "le::opt_u32")]
    pub external: Option<u32>,
    #[serde(default, deserialize_with = "le::opt_u32")]
    pub internal: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    #[serde(
        default,
        alias = "_id",
        alias = "deploymentId",
        deserialize_with = "le::string"
    )]
    pub id: String,
    #[serde(default, deserialize_with = "le::string")]
    pub name: String,
    #[serde(default, deserialize_with = "le::string")]
    pub provider: String,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub provider_id: Option<String>,
    #[serde(
        default,
        alias = "gpuModelId",
        alias = "gpu_type",
        deserialize_with = "le::string"
    )]
    pub gpu_type: String,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub offer_id: Option<String>,
    #[serde(default, deserialize_with = "le::u32_or_zero")]
    pub gpu_count: u32,
    #[serde(default, deserialize_with = "le::string")]
    pub region: String,
    #[serde(default)]
    pub instance_type: InstanceType,
    #[serde(default, alias = "os", deserialize_with = "le::opt_string")]
    pub operating_system: Option<String>,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub ssh_key_id: Option<String>,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub ssh_key_name: Option<String>,
    #[serde(default, alias = "ip", deserialize_with = "le::opt_string")]
    pub ip_address: Option<String>,
    #[serde(default, alias = "username", deserialize_with = "le::opt_string")]
    pub user: Option<String>,
    #[serde(default, deserialize_with = "le::opt_u32")]
    pub ssh_port: Option<u32>,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub ssh_command: Option<String>,
    #[serde(default)]
    pub status: DeploymentStatus,
    #[serde(default, deserialize_with = "le::opt_time")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "le::opt_time")]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "le::opt_time")]
    pub stopped_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub total_cost: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub hourly_rate: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub original_hourly_rate: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub discount_percentage: Option<f64>,
    #[serde(default, deserialize_with = "le::bool_or_false")]
    pub has_discount: bool,
    #[serde(default, deserialize_with = "le::opt_u32")]
    pub vcpus: Option<u32>,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub memory: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub storage: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub team_id: Option<String>,
    #[serde(default, alias = "volumes", deserialize_with = "le::string_list")]
    pub volume_ids: Vec<String>,
    #[serde(
        default,
        alias = "error",
        alias = "failure_reason",
        alias = "statusMessage",
        deserialize_with = "le::opt_string"
    )]
    pub failure_reason: Option<String>,
    #[serde(default)]
    pub kubernetes_addon: Option<KubernetesAddon>,
    #[serde(default)]
    pub port_forwards: Vec<PortForward>,
    #[serde(skip)]
    pub raw: Value,
}

impl Deployment {
    /// The command to reach the instance: `sshCommand` when sent, else built from
    /// `user`, `ipAddress` and `sshPort` (api-notes.md).
    pub fn ssh_command(&self) -> Option<String> {
        if let Some(cmd) = self.ssh_command.as_deref().filter(|c| !c.trim().is_empty()) {
            return Some(cmd.trim().to_string());
        }
        let ip = self.ip_address.as_deref().filter(|s| !s.is_empty())?;
        let user = self
            .user
            .as_deref()
            .filter(|s| !s.is_empty())
            .unwrap_or("ubuntu");
        Some(match self.ssh_port {
            Some(p) if p != 22 => format!("ssh -p {p} {user}@{ip}"),
            _ => format!("ssh {user}@{ip}"),
        })
    }

    /// When the meter started: `startedAt`, else `createdAt`.
    pub fn since(&self) -> Option<DateTime<Utc>> {
        self.started_at.or(self.created_at)
    }

    /// Seconds it has been up (or was up, for a stopped one) at `now`.
    pub fn uptime_secs(&self, now: DateTime<Utc>) -> Option<i64> {
        let start = self.since()?;
        let end = if self.status.is_terminal() {
            self.stopped_at.unwrap_or(now)
        } else {
            now
        };
        Some((end - start).num_seconds().max(0))
    }

    /// Money spent so far: the API's `totalCost`, else the hourly rate times uptime.
    pub fn spent(&self, now: DateTime<Utc>) -> Option<f64> {
        self.total_cost.or_else(|| {
            let secs = self.uptime_secs(now)?;
            Some(self.hourly_rate? * secs as f64 / 3600.0)
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CanTerminate {
    #[serde(
        default,
        alias = "can_terminate",
        deserialize_with = "le::bool_or_false"
    )]
    pub can_terminate: bool,
    #[serde(default, alias = "message", deserialize_with = "le::opt_string")]
    pub reason: Option<String>,
    /// Minutes.
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub minimum_runtime: Option<f64>,
    /// Minutes.
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub time_remaining: Option<f64>,
    /// Minutes.
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub runtime: Option<f64>,
    #[serde(skip)]
    pub raw: Value,
}

// ---------------------------------------------------------------------------------------------
// SSH keys, volumes, kubernetes, teams

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SshKey {
    #[serde(default, alias = "_id", deserialize_with = "le::string")]
    pub id: String,
    #[serde(default, deserialize_with = "le::string")]
    pub name: String,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub fingerprint: Option<String>,
    #[serde(
        default,
        alias = "public_key",
        alias = "key",
        deserialize_with = "le::opt_string"
    )]
    pub public_key: Option<String>,
    #[serde(default, deserialize_with = "le::opt_time")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub raw: Value,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Volume {
    #[serde(
        default,
        alias = "_id",
        alias = "volumeId",
        deserialize_with = "le::string"
    )]
    pub id: String,
    #[serde(default, deserialize_with = "le::string")]
    pub name: String,
    #[serde(default, deserialize_with = "le::string")]
    pub provider: String,
    #[serde(default, deserialize_with = "le::string")]
    pub region: String,
    #[serde(
        default,
        alias = "size",
        alias = "size_in_gb",
        deserialize_with = "le::opt_f64"
    )]
    pub size_in_gb: Option<f64>,
    #[serde(default, deserialize_with = "le::string")]
    pub status: String,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub deployment_id: Option<String>,
    #[serde(
        default,
        alias = "attachedDeployments",
        deserialize_with = "le::string_list"
    )]
    pub attached_to: Vec<String>,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub hourly_rate: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub hourly_rate_per_gb: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_time")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub team_id: Option<String>,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub cloud_id: Option<String>,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub virtual_ip: Option<String>,
    #[serde(
        default,
        alias = "usedSizeGb",
        alias = "usage",
        deserialize_with = "le::opt_f64"
    )]
    pub used_gb: Option<f64>,
    #[serde(skip)]
    pub raw: Value,
}

impl Volume {
    /// Every deployment this volume is attached to (`attachedTo[]` and/or `deploymentId`).
    pub fn attachments(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.attached_to.iter().map(String::as_str).collect();
        if let Some(d) = self.deployment_id.as_deref().filter(|d| !d.is_empty())
            && !out.contains(&d)
        {
            out.push(d);
        }
        out
    }

    /// USD per hour: `hourlyRate`, else size × per-GB rate.
    pub fn cost_per_hour(&self) -> Option<f64> {
        self.hourly_rate
            .or_else(|| Some(self.size_in_gb? * self.hourly_rate_per_gb?))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumeRegion {
    #[serde(
        default,
        alias = "region",
        alias = "regionId",
        deserialize_with = "le::string"
    )]
    pub id: String,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "le::string")]
    pub provider: String,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub min_size_gb: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub max_size_gb: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub hourly_rate_per_gb: Option<f64>,
    #[serde(default, deserialize_with = "le::bool_or_false")]
    pub has_gpu_offers: bool,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub cloud_id: Option<String>,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub cloud_name: Option<String>,
    #[serde(skip)]
    pub raw: Value,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumePricing {
    #[serde(default, deserialize_with = "le::string")]
    pub provider: String,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub region: Option<String>,
    #[serde(default, alias = "pricePerGbHour", deserialize_with = "le::opt_f64")]
    pub hourly_rate_per_gb: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub currency: Option<String>,
    #[serde(skip)]
    pub raw: Value,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KubernetesVersion {
    #[serde(default, alias = "name", deserialize_with = "le::string")]
    pub version: String,
    #[serde(default, alias = "isDefault", deserialize_with = "le::bool_or_false")]
    pub default: bool,
    #[serde(skip)]
    pub raw: Value,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterHealth {
    #[serde(default, alias = "cluster_id", deserialize_with = "le::opt_string")]
    pub cluster_id: Option<String>,
    #[serde(
        default,
        alias = "health",
        alias = "state",
        deserialize_with = "le::string"
    )]
    pub status: String,
    #[serde(default, deserialize_with = "le::opt_time")]
    pub checked_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "le::opt_u32")]
    pub nodes_ready: Option<u32>,
    #[serde(default, deserialize_with = "le::opt_u32")]
    pub nodes_total: Option<u32>,
    #[serde(skip)]
    pub raw: Value,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamBalance {
    #[serde(default, alias = "id", deserialize_with = "le::string")]
    pub team_id: String,
    #[serde(default, alias = "name", deserialize_with = "le::string")]
    pub team_name: String,
    #[serde(default, deserialize_with = "le::f64_or_zero")]
    pub balance: f64,
    #[serde(default, deserialize_with = "le::bool_or_false")]
    pub is_current_team: bool,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub role: Option<String>,
    #[serde(skip)]
    pub raw: Value,
}

/// `GET /api/balance`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Balance {
    pub teams: Vec<TeamBalance>,
    pub currency: String,
}

impl Balance {
    pub fn decode(v: Value) -> Result<Self, serde_json::Error> {
        let currency = v
            .get("currency")
            .and_then(Value::as_str)
            .unwrap_or("USD")
            .to_string();
        // A single-team answer may come as one object with a `balance` field.
        let teams = if v.get("balance").is_some() && v.get("teams").is_none() {
            vec![decode::<TeamBalance>(v)?]
        } else {
            decode_list::<TeamBalance>(v, &["teams", "data"])?.items
        };
        Ok(Balance { teams, currency })
    }

    pub fn current(&self) -> Option<&TeamBalance> {
        self.teams
            .iter()
            .find(|t| t.is_current_team)
            .or(self.teams.first())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Team {
    #[serde(
        default,
        alias = "teamId",
        alias = "_id",
        deserialize_with = "le::string"
    )]
    pub id: String,
    #[serde(default, alias = "teamName", deserialize_with = "le::string")]
    pub name: String,
    #[serde(default, deserialize_with = "le::opt_f64")]
    pub balance: Option<f64>,
    #[serde(default, deserialize_with = "le::opt_string")]
    pub role: Option<String>,
    #[serde(
        default,
        alias = "isCurrentTeam",
        deserialize_with = "le::bool_or_false"
    )]
    pub is_default: bool,
    #[serde(skip)]
    pub raw: Value,
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

// ---------------------------------------------------------------------------------------------
// Request bodies

/// `POST /api/deployments`. Build it with `domain::deploy::build_request` from ONE offer so the
/// seven offer fields cannot be mixed between offers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeployRequest {
    pub provider: String,
    pub offer_id: String,
    pub gpu_type: String,
    pub gpu_count: u32,
    pub region: String,
    pub operating_system: String,
    pub instance_type: InstanceType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssh_key_id: Option<String>,
    #[serde(rename = "ssh_public_key", skip_serializing_if = "Option::is_none")]
    pub ssh_public_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_init: Option<CloudInit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kubernetes_addon: Option<KubernetesAddonRequest>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volume_ids: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CloudInit {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub runcmd: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub packages: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub write_files: Vec<WriteFile>,
}

impl CloudInit {
    pub fn is_empty(&self) -> bool {
        self.runcmd.is_empty() && self.packages.is_empty() && self.write_files.is_empty()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WriteFile {
    pub path: String,
    pub content: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KubernetesAddonRequest {
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_config_b64: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewSshKey {
    pub name: String,
    pub public_key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewVolume {
    pub name: String,
    pub size_in_gb: u64,
    pub provider: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment_id: Option<String>,
}

/// `PATCH /api/volumes/{id}`: rename and/or expand, where the provider allows it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumePatch {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size_in_gb: Option<u64>,
}

/// Query of `GET /api/gpu-offers`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffersQuery {
    pub page: Option<u32>,
    pub limit: Option<u32>,
    pub search: Option<String>,
    pub sort_by: Option<String>,
    pub sort_order: Option<SortOrder>,
    pub instance_type: Option<InstanceType>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    Asc,
    Desc,
}

impl SortOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Asc => "asc",
            Self::Desc => "desc",
        }
    }
}

/// The `status` filter of `GET /api/deployments`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeploymentFilter {
    #[default]
    Active,
    Inactive,
    All,
}

impl DeploymentFilter {
    /// The query value, or `None` for all.
    pub fn query(self) -> Option<&'static str> {
        match self {
            Self::Active => Some("active"),
            Self::Inactive => Some("inactive"),
            Self::All => None,
        }
    }
}

/// Query of `GET /api/deployments`: `status` is `active`, `inactive` or an exact status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeploymentsQuery {
    pub status: Option<String>,
    pub team_id: Option<String>,
    pub user_id: Option<String>,
}

impl From<DeploymentFilter> for DeploymentsQuery {
    fn from(f: DeploymentFilter) -> Self {
        DeploymentsQuery {
            status: f.query().map(str::to_owned),
            ..Default::default()
        }
    }
}

/// Query of `GET /api/volumes`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VolumesQuery {
    pub page: Option<u32>,
    pub limit: Option<u32>,
    /// `available`, `attached`, `deleting`, …
    pub status: Option<String>,
    pub team_id: Option<String>,
}

/// The answer of `DELETE /api/deployments/{id}`: `{message, deployment: {id, status, stoppedAt}}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TerminateOutcome {
    pub message: Option<String>,
    /// The deployment as the API reported it after terminating (often only id/status/stoppedAt).
    pub deployment: Option<Deployment>,
    pub raw: Value,
}

impl TerminateOutcome {
    pub fn decode(v: Value) -> Self {
        let message = v.get("message").and_then(Value::as_str).map(str::to_owned);
        let deployment = match v.get("deployment").or_else(|| v.get("data")) {
            Some(d @ Value::Object(_)) => decode::<Deployment>(d.clone()).ok(),
            _ if v.get("id").is_some() => decode::<Deployment>(v.clone()).ok(),
            _ => None,
        };
        TerminateOutcome {
            message,
            deployment,
            raw: v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
        assert!((o.per_gpu_rate() - 2.69).abs() < 1e-9);
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
        assert_eq!(p.groups[0].offers[0].price, 1.5);
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
        assert_eq!(o.hourly_rate(), 2.4);
        assert_eq!(o.list_price_if_discounted(), Some(3.0));
        let o: Offer = decode(json!({"price": 3.0})).unwrap();
        assert_eq!(o.hourly_rate(), 3.0);
        assert_eq!(o.list_price_if_discounted(), None);
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
        assert_eq!(b.current().unwrap().balance, 7.5);
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
