//! A model as the planner sees it: its architecture (the `config.json` fields that size it),
//! where it comes from (the embedded catalogue, a `config.json`, or numbers given by hand), and
//! its parameter count.

use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

/// What a token's attention keeps in the KV cache.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Attention {
    /// Full or grouped-query attention: K and V, `kv_heads × head_dim` values each, per layer.
    Kv { kv_heads: u32, head_dim: u32 },
    /// Multi-head latent attention (DeepSeek-V2/V3): one compressed latent of
    /// `kv_lora_rank + rope_head_dim` values per layer, shared by every head, so it is not split
    /// across GPUs under tensor parallelism (vLLM's MLA backends cache exactly this).
    Latent {
        kv_lora_rank: u32,
        rope_head_dim: u32,
    },
}

/// The fields of a model the planner sizes it from.
#[derive(Debug, Clone, PartialEq)]
pub struct Architecture {
    pub layers: u32,
    pub attention: Attention,
    /// Layers alternate between attention over the whole context and over the last
    /// `sliding_window` tokens: every `full_attention_every`-th layer is full (1 = all full).
    pub sliding_window: Option<u32>,
    pub full_attention_every: u32,
    /// `hidden_size`, when known: activations during fine-tuning are sized from it.
    pub hidden: Option<u32>,
    /// `max_position_embeddings`, when known.
    pub max_context: Option<u32>,
}

/// A model ready to plan: its architecture and its parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The catalogue name, the config file's name, or "custom".
    pub name: String,
    pub display: String,
    pub arch: Architecture,
    /// Every parameter (all experts of a mixture of experts are held in memory).
    pub params: f64,
    /// The parameters one token reads (a mixture of experts reads only its routed experts).
    pub active_params: f64,
}

/// One entry of `assets/models.toml` (see the comments there for each field).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CatalogEntry {
    pub name: String,
    pub display: String,
    pub source: String,
    pub checked: String,
    #[serde(default)]
    pub note: Option<String>,
    pub layers: u32,
    pub hidden: u32,
    pub intermediate: u32,
    pub heads: u32,
    pub kv_heads: u32,
    #[serde(default)]
    pub head_dim: Option<u32>,
    pub vocab: u32,
    pub tie_embeddings: bool,
    #[serde(default)]
    pub qkv_bias: bool,
    #[serde(default)]
    pub qk_norm: bool,
    #[serde(default)]
    pub sandwich_norms: bool,
    #[serde(default)]
    pub experts: Option<u32>,
    #[serde(default)]
    pub experts_per_token: Option<u32>,
    #[serde(default)]
    pub max_context: Option<u32>,
    #[serde(default)]
    pub sliding_window: Option<u32>,
    #[serde(default)]
    pub full_attention_every: Option<u32>,
    #[serde(default)]
    pub kv_lora_rank: Option<u32>,
    #[serde(default)]
    pub rope_head_dim: Option<u32>,
    #[serde(default)]
    pub params_b: Option<f64>,
    #[serde(default)]
    pub active_params_b: Option<f64>,
    #[serde(default)]
    pub published_bytes: Option<u64>,
}

#[derive(Deserialize)]
struct CatalogFile {
    model: Vec<CatalogEntry>,
}

/// The embedded catalogue, parsed once.
pub fn catalog() -> &'static [CatalogEntry] {
    static CATALOG: OnceLock<Vec<CatalogEntry>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let file: CatalogFile = toml::from_str(include_str!("../../../assets/models.toml"))
            .expect("assets/models.toml is checked by a test");
        file.model
    })
}

/// The dimensions a dense or mixture-of-experts decoder's parameters are counted from.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Dimensions {
    pub layers: u32,
    pub hidden: u32,
    /// Per expert for a mixture of experts.
    pub intermediate: u32,
    pub heads: u32,
    pub kv_heads: u32,
    pub head_dim: u32,
    pub vocab: u32,
    pub tie_embeddings: bool,
    pub qkv_bias: bool,
    pub experts: u32,
    pub experts_per_token: u32,
    /// A norm on each head's query and key (`q_norm`, `k_norm`: Qwen3, Gemma 3).
    pub qk_norm: bool,
    /// Norms before and after the MLP as well as around attention: four a layer (Gemma 2 and 3).
    pub sandwich_norms: bool,
}

impl Dimensions {
    /// Parameters of a decoder built like Llama: embeddings (and an untied output head), per
    /// layer q/k/v/o projections (with biases for Qwen2), a gated MLP of three matrices (one per
    /// expert, plus the router, for a mixture of experts) and two norms (four for Gemma 2 and 3,
    /// and a `head_dim` norm each on queries and keys for Qwen3 and Gemma 3), and the final norm.
    /// Returns (total, read per token). It reproduces the published safetensors totals of
    /// Llama 3.1 8B and 70B, Qwen2.5 3B and 7B, Qwen3 4B to 32B, Gemma 2 9B and Mixtral 8x7B to
    /// the parameter (tested).
    pub fn params(&self) -> (f64, f64) {
        let h = f64::from(self.hidden);
        let q = f64::from(self.heads) * f64::from(self.head_dim);
        let kv = f64::from(self.kv_heads) * f64::from(self.head_dim);
        let mut attention = h * q + 2.0 * h * kv + q * h;
        if self.qkv_bias {
            attention += q + 2.0 * kv;
        }
        let mlp = 3.0 * h * f64::from(self.intermediate);
        let experts = f64::from(self.experts.max(1));
        let active = f64::from(self.experts_per_token.max(1)).min(experts);
        let router = if self.experts > 1 { h * experts } else { 0.0 };
        let qk_norms = if self.qk_norm {
            2.0 * f64::from(self.head_dim)
        } else {
            0.0
        };
        let norms = if self.sandwich_norms { 4.0 } else { 2.0 } * h + qk_norms;
        let layers = f64::from(self.layers);
        let embeddings = f64::from(self.vocab) * h * if self.tie_embeddings { 1.0 } else { 2.0 };
        let total = layers * (attention + experts * mlp + router + norms) + embeddings + h;
        let read = layers * (attention + active * mlp + router + norms) + embeddings + h;
        (total, read)
    }
}

impl CatalogEntry {
    pub fn dimensions(&self) -> Dimensions {
        Dimensions {
            layers: self.layers,
            hidden: self.hidden,
            intermediate: self.intermediate,
            heads: self.heads,
            kv_heads: self.kv_heads,
            head_dim: self.head_dim.unwrap_or(self.hidden / self.heads.max(1)),
            vocab: self.vocab,
            tie_embeddings: self.tie_embeddings,
            qkv_bias: self.qkv_bias,
            experts: self.experts.unwrap_or(0),
            experts_per_token: self.experts_per_token.unwrap_or(0),
            qk_norm: self.qk_norm,
            sandwich_norms: self.sandwich_norms,
        }
    }

    pub fn model(&self) -> Model {
        let dims = self.dimensions();
        let (counted, counted_active) = dims.params();
        let attention = match (self.kv_lora_rank, self.rope_head_dim) {
            (Some(kv_lora_rank), Some(rope_head_dim)) => Attention::Latent {
                kv_lora_rank,
                rope_head_dim,
            },
            _ => Attention::Kv {
                kv_heads: dims.kv_heads,
                head_dim: dims.head_dim,
            },
        };
        Model {
            name: self.name.clone(),
            display: self.display.clone(),
            arch: Architecture {
                layers: self.layers,
                attention,
                sliding_window: self.sliding_window,
                full_attention_every: self.full_attention_every.unwrap_or(1).max(1),
                hidden: Some(self.hidden),
                max_context: self.max_context,
            },
            params: self.params_b.map_or(counted, |b| b * 1e9),
            active_params: self.active_params_b.map_or(counted_active, |b| b * 1e9),
        }
    }
}

/// A catalogue model by name: exact (case-insensitive), or the only name containing `name`.
pub fn find(name: &str) -> Option<&'static CatalogEntry> {
    let wanted = name.trim().to_lowercase();
    let all = catalog();
    if let Some(e) = all.iter().find(|e| e.name == wanted) {
        return Some(e);
    }
    let mut containing = all.iter().filter(|e| e.name.contains(&wanted));
    match (containing.next(), containing.next()) {
        (Some(one), None) if !wanted.is_empty() => Some(one),
        _ => None,
    }
}

/// The catalogue names closest to `name`, best first: those containing it, then by edit
/// distance. For "unknown model" messages.
pub fn closest(name: &str, n: usize) -> Vec<&'static str> {
    let wanted = name.trim().to_lowercase();
    let mut scored: Vec<(usize, &'static str)> = catalog()
        .iter()
        .map(|e| {
            let contains = e.name.contains(&wanted) || wanted.contains(e.name.as_str());
            let distance = strsim::levenshtein(&wanted, &e.name);
            (if contains { 0 } else { 1 + distance }, e.name.as_str())
        })
        .collect();
    scored.sort();
    scored.into_iter().take(n).map(|(_, name)| name).collect()
}

/// Why a `config.json` could not be read as a model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("config.json is not JSON: {0}")]
    Json(String),
    #[error("config.json lacks `{0}`")]
    Missing(&'static str),
    #[error(
        "cannot count this architecture's parameters from config.json ({0}); give them with --params"
    )]
    Params(&'static str),
}

/// A model from a Hugging Face `config.json` (the text model's fields when they sit under
/// `text_config`). `params` overrides the count (`--params`), and is required where the count
/// cannot be derived (multi-head latent attention). Its name is the one the config gives
/// (`_name_or_path`), else the catalogue model it is built exactly like, else its
/// `model_type` and size ("qwen3 8.2B"); `file` (the file's name without `.json`) only when the
/// config says nothing of the kind.
pub fn from_config(file: &str, text: &str, params: Option<f64>) -> Result<Model, ConfigError> {
    let root: Value = serde_json::from_str(text).map_err(|e| ConfigError::Json(e.to_string()))?;
    let c = root
        .get("text_config")
        .filter(|t| t.is_object())
        .unwrap_or(&root);
    let num = |key: &str| c.get(key).and_then(Value::as_u64).map(|v| v as u32);
    let need = |key: &'static str| num(key).ok_or(ConfigError::Missing(key));
    let layers = need("num_hidden_layers")?;
    let hidden = need("hidden_size")?;
    let heads = need("num_attention_heads")?;
    let kv_heads = num("num_key_value_heads").unwrap_or(heads);
    let head_dim = num("head_dim").unwrap_or(hidden / heads.max(1));
    let experts = num("num_local_experts")
        .or_else(|| num("num_experts"))
        .or_else(|| num("n_routed_experts"))
        .unwrap_or(0);
    let model_type = c.get("model_type").and_then(Value::as_str).unwrap_or("");
    let latent = num("kv_lora_rank").zip(num("qk_rope_head_dim"));
    let (sliding_window, full_attention_every) = sliding_layers(c);
    let arch = Architecture {
        layers,
        attention: match latent {
            Some((kv_lora_rank, rope_head_dim)) => Attention::Latent {
                kv_lora_rank,
                rope_head_dim,
            },
            None => Attention::Kv { kv_heads, head_dim },
        },
        sliding_window,
        full_attention_every,
        hidden: Some(hidden),
        max_context: num("max_position_embeddings"),
    };
    let (total, active) = match params {
        Some(p) => (p, p),
        None if latent.is_some() => return Err(ConfigError::Params("multi-head latent attention")),
        None => {
            let intermediate = if experts > 1 {
                num("moe_intermediate_size")
                    .or_else(|| num("intermediate_size"))
                    .ok_or(ConfigError::Missing("moe_intermediate_size"))?
            } else {
                need("intermediate_size")?
            };
            Dimensions {
                layers,
                hidden,
                intermediate,
                heads,
                kv_heads,
                head_dim,
                vocab: need("vocab_size")?,
                // Absent, it is what the architecture's config class defaults to: tied for
                // Gemma (transformers' GemmaConfig), untied for Llama, Mistral and Qwen.
                tie_embeddings: c
                    .get("tie_word_embeddings")
                    .or_else(|| root.get("tie_word_embeddings"))
                    .and_then(Value::as_bool)
                    .unwrap_or(model_type.starts_with("gemma")),
                qkv_bias: model_type == "qwen2"
                    || c.get("attention_bias").and_then(Value::as_bool) == Some(true),
                experts,
                experts_per_token: num("num_experts_per_tok").unwrap_or(0),
                qk_norm: matches!(model_type, "qwen3" | "qwen3_moe" | "gemma3" | "gemma3_text"),
                sandwich_norms: matches!(model_type, "gemma2" | "gemma3" | "gemma3_text"),
            }
            .params()
        }
    };
    let mut model = Model {
        name: file.to_string(),
        display: file.to_string(),
        arch,
        params: total,
        active_params: active,
    };
    let given = root
        .get("_name_or_path")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|n| !n.is_empty() && !n.starts_with('/') && !n.starts_with('.'));
    let twin = catalog().iter().find(|e| {
        let m = e.model();
        m.arch == model.arch && (m.params - model.params).abs() < 0.5
    });
    if let Some(n) = given {
        model.name = n.to_string();
        model.display = n.to_string();
    } else if let Some(e) = twin {
        model.name = e.name.clone();
        model.display = e.display.clone();
    } else if !model_type.is_empty() {
        model.name = format!("{model_type} {:.1}B", model.params / 1e9);
        model.display = model.name.clone();
    }
    Ok(model)
}

/// The sliding-window layout a config declares: `layer_types` (each "sliding_attention" or
/// "full_attention"), else Gemma 3's `sliding_window_pattern`, else Gemma 2's alternation.
fn sliding_layers(c: &Value) -> (Option<u32>, u32) {
    let window = c
        .get("sliding_window")
        .and_then(Value::as_u64)
        .map(|w| w as u32);
    let Some(window) = window else {
        return (None, 1);
    };
    if let Some(types) = c.get("layer_types").and_then(Value::as_array) {
        let full = types
            .iter()
            .position(|t| t.as_str() == Some("full_attention"));
        return match full {
            Some(i) => (Some(window), i as u32 + 1),
            None => (Some(window), u32::MAX),
        };
    }
    if let Some(pattern) = c.get("sliding_window_pattern").and_then(Value::as_u64) {
        return (Some(window), pattern as u32);
    }
    match c.get("model_type").and_then(Value::as_str) {
        Some("gemma2") => (Some(window), 2),
        // Other configs carry `sliding_window` without using it everywhere (Qwen2 keeps it with
        // `use_sliding_window: false`): size the cache for the whole context, the safe side.
        _ => (None, 1),
    }
}

/// A model given by hand: parameters (billions), layers, KV heads and head size.
pub fn by_hand(params_b: f64, layers: u32, kv_heads: u32, head_dim: u32) -> Model {
    Model {
        name: "custom".into(),
        display: format!("custom {params_b}B"),
        arch: Architecture {
            layers,
            attention: Attention::Kv { kv_heads, head_dim },
            sliding_window: None,
            full_attention_every: 1,
            hidden: None,
            max_context: None,
        },
        params: params_b * 1e9,
        active_params: params_b * 1e9,
    }
}
