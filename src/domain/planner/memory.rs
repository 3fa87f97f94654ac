//! GPU memory a job needs on each GPU of an offer: weights (or, for fine-tuning, the training
//! state), the KV cache, and the overhead of activations and the runtime.

use super::model::{Architecture, Attention};
use super::{GB, Job, Precision, Task};

/// Inference activations and the serving engine's buffers, as a share of the weights. EleutherAI's
/// "Transformer Math 101" (quoted by Hugging Face's model-memory Space) puts inference at about
/// 1.2× the weights; that 20% also covers a small KV cache, which is counted separately here, so
/// half of it is kept.
pub const ACTIVATION_SHARE: f64 = 0.10;

/// The CUDA context and the runtime's own allocations on each GPU, outside the weights. PyTorch's
/// CUDA context alone takes several hundred MB; 1 GB per GPU is kept.
pub const RUNTIME_BYTES_PER_GPU: f64 = 1.0 * GB;

/// Full fine-tuning with Adam in mixed precision: bf16 weights (2) and gradients (2), fp32 master
/// weights (4) and two fp32 Adam moments (8) — 16 bytes per parameter (ZeRO paper, Rajbhandari
/// et al. 2020, §3.1), spread evenly over the GPUs as ZeRO-3 / FSDP shards them.
pub const FULL_FINETUNE_BYTES_PER_PARAM: f64 = 16.0;

/// LoRA trains small adapters beside the frozen weights. Rank-16 adapters on every linear layer of
/// Llama 3.1 8B hold 42 M parameters (0.52%: 32 layers × 16 × Σ(in + out) of q, k, v, o, gate, up,
/// down); 1% of the model is kept, trained like full fine-tuning at 16 bytes each.
pub const LORA_ADAPTER_SHARE: f64 = 0.01;

/// Activations kept for the backward pass with full activation recomputation: one bf16 hidden
/// state per token and layer, 2·s·b·h bytes per layer (Korthikanti et al. 2022, "Reducing
/// Activation Recomputation in Large Transformer Models", §4.1).
pub const CHECKPOINTED_ACTIVATION_BYTES: f64 = 2.0;

/// What one GPU must hold, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Need {
    /// The weights; for fine-tuning, the whole training state (weights, gradients, optimizer).
    pub weights: f64,
    /// The KV cache of every sequence (zero when training).
    pub kv: f64,
    /// Activations and the runtime.
    pub overhead: f64,
}

impl Need {
    pub fn total(&self) -> f64 {
        self.weights + self.kv + self.overhead
    }
}

/// The KV cache on one GPU of `tp` for `batch` sequences of `context` tokens, in bytes:
/// 2 (K and V) × layers × KV heads × head size × tokens × batch × bytes, as vLLM's
/// `get_cache_block_size` counts it. Under tensor parallelism each GPU holds
/// max(1, KV heads / tp) heads: a grouped-query model's few KV heads are replicated, never
/// split below one. A layer with a sliding window holds at most that many tokens. A latent
/// (MLA) cache is one vector per token and layer, on every GPU.
pub fn kv_cache_bytes(
    arch: &Architecture,
    kv_precision: Precision,
    tp: u32,
    context: u32,
    batch: u32,
) -> f64 {
    let tp = tp.max(1);
    let per_token_per_layer = match arch.attention {
        Attention::Kv { kv_heads, head_dim } => {
            let heads_here = kv_heads.div_ceil(tp).max(1);
            2.0 * f64::from(heads_here) * f64::from(head_dim)
        }
        Attention::Latent {
            kv_lora_rank,
            rope_head_dim,
        } => f64::from(kv_lora_rank + rope_head_dim),
    } * kv_precision.bytes();
    let every = arch.full_attention_every.max(1);
    let tokens: f64 = (0..arch.layers)
        .map(|i| {
            let full = arch.sliding_window.is_none() || (every != u32::MAX && (i + 1) % every == 0);
            let held = match arch.sliding_window {
                Some(window) if !full => context.min(window),
                _ => context,
            };
            f64::from(held)
        })
        .sum();
    per_token_per_layer * tokens * f64::from(batch)
}

/// What each GPU of an offer with `gpus` GPUs must hold for `job`, the model split across them
/// by tensor parallelism.
pub fn need(job: &Job, gpus: u32) -> Need {
    let tp = f64::from(gpus.max(1));
    let model = &job.model;
    let activations_training = || {
        model.arch.hidden.map(|h| {
            CHECKPOINTED_ACTIVATION_BYTES
                * f64::from(job.context)
                * f64::from(job.batch)
                * f64::from(h)
                * f64::from(model.arch.layers)
        })
    };
    match job.task {
        Task::Infer => {
            let weights = model.params * job.precision.bytes() / tp;
            Need {
                weights,
                kv: kv_cache_bytes(&model.arch, job.kv_precision, gpus, job.context, job.batch),
                overhead: ACTIVATION_SHARE * weights + RUNTIME_BYTES_PER_GPU,
            }
        }
        Task::FinetuneFull | Task::FinetuneLora => {
            let weights = if job.task == Task::FinetuneFull {
                model.params * FULL_FINETUNE_BYTES_PER_PARAM
            } else {
                model.params * job.precision.bytes()
                    + model.params * LORA_ADAPTER_SHARE * FULL_FINETUNE_BYTES_PER_PARAM
            } / tp;
            let activations = activations_training().map_or(ACTIVATION_SHARE * weights, |a| a / tp);
            Need {
                weights,
                kv: 0.0,
                overhead: activations + RUNTIME_BYTES_PER_GPU,
            }
        }
    }
}
