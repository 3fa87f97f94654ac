//! The model planner: how much GPU memory a job needs (weights, KV cache, overhead), whether an
//! offer holds it (`fits` / `tight` / `no`), and what serving on it would cost per token.
//!
//! Pure functions over the embedded tables (`assets/models.toml`, `assets/gpus.toml`). Every
//! constant is stated where it is used, with where it comes from. Sizes are in decimal bytes;
//! `GB` is 1e9 bytes, the unit offers report VRAM in.

pub mod gpus;
pub mod memory;
pub mod model;
pub mod offers;
pub mod spec;

pub use gpus::{GpuSpec, gpu_for};
pub use memory::{Need, kv_cache_bytes};
pub use model::{Architecture, Attention, CatalogEntry, Model, catalog, closest, find};
pub use offers::{Fit, OfferPlan, plan_offer, rank};
pub use spec::{FitCheck, job_from_spec, job_spec, parse_context, parse_job, unknown_model};

/// Bytes in a GB, as offers count them.
pub const GB: f64 = 1e9;

/// How the weights (or the KV cache) are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Precision {
    Int4,
    Fp8,
    #[default]
    Bf16,
    Fp32,
}

/// int4 weights carry a scale per group: GGUF's Q4_0 stores 18 bytes per 32 weights (4.5 bits),
/// and GPTQ/AWQ with 128-weight groups come close to it.
pub const INT4_BYTES_PER_PARAM: f64 = 18.0 / 32.0;

impl Precision {
    pub const ALL: [Precision; 4] = [
        Precision::Fp32,
        Precision::Bf16,
        Precision::Fp8,
        Precision::Int4,
    ];

    pub fn bytes(self) -> f64 {
        match self {
            Precision::Fp32 => 4.0,
            Precision::Bf16 => 2.0,
            Precision::Fp8 => 1.0,
            Precision::Int4 => INT4_BYTES_PER_PARAM,
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_lowercase().as_str() {
            "fp32" | "float32" | "f32" => Some(Precision::Fp32),
            "bf16" | "fp16" | "bfloat16" | "float16" | "f16" => Some(Precision::Bf16),
            "fp8" | "int8" | "f8" | "i8" => Some(Precision::Fp8),
            "int4" | "i4" | "q4" | "4bit" => Some(Precision::Int4),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Fp32 => "fp32",
            Precision::Bf16 => "bf16",
            Precision::Fp8 => "fp8",
            Precision::Int4 => "int4",
        }
    }
}

/// What the GPUs will do with the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Task {
    #[default]
    Infer,
    FinetuneLora,
    FinetuneFull,
}

impl Task {
    pub const ALL: [Task; 3] = [Task::Infer, Task::FinetuneLora, Task::FinetuneFull];

    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_lowercase().as_str() {
            "infer" | "inference" | "serve" => Some(Task::Infer),
            "finetune-lora" | "lora" => Some(Task::FinetuneLora),
            "finetune-full" | "finetune" | "full" => Some(Task::FinetuneFull),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Task::Infer => "infer",
            Task::FinetuneLora => "finetune-lora",
            Task::FinetuneFull => "finetune-full",
        }
    }
}

/// A job to place: a model, how it is stored, how many tokens and sequences, and what for.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub model: Model,
    pub precision: Precision,
    /// The KV cache's precision (bf16 or fp8).
    pub kv_precision: Precision,
    /// Tokens per sequence (prompt and output).
    pub context: u32,
    /// Sequences served at once.
    pub batch: u32,
    pub task: Task,
}

/// The context a job gets when none is asked for.
pub const DEFAULT_CONTEXT: u32 = 8192;

impl Job {
    pub fn new(model: Model) -> Self {
        Job {
            model,
            precision: Precision::Bf16,
            kv_precision: Precision::Bf16,
            context: DEFAULT_CONTEXT,
            batch: 1,
            task: Task::Infer,
        }
    }

    /// "llama-3.1-70b fp8 32k", as the header shows a plan.
    pub fn label(&self) -> String {
        let ctx = if self.context >= 1024 && self.context.is_multiple_of(1024) {
            format!("{}k", self.context / 1024)
        } else {
            self.context.to_string()
        };
        let mut s = format!("{} {} {ctx}", self.model.name, self.precision.as_str());
        if self.batch > 1 {
            s.push_str(&format!(" ×{}", self.batch));
        }
        if self.task != Task::Infer {
            s.push(' ');
            s.push_str(self.task.as_str());
        }
        s
    }
}
