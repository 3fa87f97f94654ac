//! The GPU table (`assets/gpus.toml`) and the matching of an offer's GPU to one of its entries.

use std::sync::OnceLock;

use serde::Deserialize;

/// One GPU model: memory, bandwidth and throughput per GPU, with where they come from.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GpuSpec {
    pub name: String,
    /// Lowercase letters and digits, matched inside the offer's normalized GPU names.
    #[serde(rename = "match")]
    pub aliases: Vec<String>,
    pub vram_gb: f64,
    /// Memory bandwidth in GB/s; `None` when not confirmed (speed then unknown).
    #[serde(default)]
    pub bandwidth_gbs: Option<f64>,
    /// Dense bf16 tensor TFLOPS; `None` when not confirmed.
    #[serde(default)]
    pub bf16_tflops: Option<f64>,
    pub source: String,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Deserialize)]
struct GpuFile {
    gpu: Vec<GpuSpec>,
}

/// The embedded GPU table, parsed once.
pub fn table() -> &'static [GpuSpec] {
    static TABLE: OnceLock<Vec<GpuSpec>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let file: GpuFile = toml::from_str(include_str!("../../../assets/gpus.toml"))
            .expect("assets/gpus.toml is checked by a test");
        file.gpu
    })
}

/// Lowercase ASCII letters and digits only: "RTX PRO 6000-PCIE" → "rtxpro6000pcie".
fn normalize(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The table entry for an offer's GPU, from its `gpuType` and display name: the entry with the
/// longest alias found in them (so "h100nvl" wins over "h100"); `None` when nothing matches.
pub fn gpu_for(gpu_type: &str, display: &str) -> Option<&'static GpuSpec> {
    let hay = normalize(&format!("{gpu_type} {display}"));
    table()
        .iter()
        .filter_map(|g| {
            g.aliases
                .iter()
                .filter(|a| hay.contains(a.as_str()))
                .map(String::len)
                .max()
                .map(|len| (len, g))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, g)| g)
}
