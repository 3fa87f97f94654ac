//! The model planner's arithmetic against published figures, its verdict boundaries, tensor
//! parallelism, its tables, and properties that must hold for any job.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use proptest::prelude::*;
use serde_json::json;
use spheron_tui::api::{Offer, decode};
use spheron_tui::domain::planner::memory::{self, need};
use spheron_tui::domain::planner::model::{self, Attention, Dimensions, from_config};
use spheron_tui::domain::planner::offers::{Fit, USABLE_SHARE, plan_offer, rank};
use spheron_tui::domain::planner::{
    GB, Job, Precision, Task, catalog, find, gpu_for, kv_cache_bytes,
};

fn job(name: &str) -> Job {
    Job::new(
        find(name)
            .unwrap_or_else(|| panic!("{name} in the catalogue"))
            .model(),
    )
}

fn offer(gpu_type: &str, display: &str, count: u32, vram: f64, price: f64) -> Offer {
    let mut o: Offer = decode(json!({
        "offerId": format!("{gpu_type}-{count}x-{price}"), "gpuType": gpu_type, "gpuCount": count,
        "gpu_memory": vram, "price": price, "clusters": ["r1"],
    }))
    .unwrap();
    o.gpu_display = display.into();
    o
}

fn h100(count: u32) -> Offer {
    offer(
        "H100_SXM5",
        "NVIDIA H100 SXM5 80GB",
        count,
        80.0,
        2.5 * f64::from(count),
    )
}

#[test]
fn kv_cache_per_token_matches_vllm_for_llama_3_1() {
    // 2 × layers × KV heads × head size × 2 bytes: vLLM's get_cache_block_size per token.
    let per_token = |name: &str| kv_cache_bytes(&job(name).model.arch, Precision::Bf16, 1, 1, 1);
    assert_eq!(per_token("llama-3.1-8b"), 131_072.0);
    assert_eq!(per_token("llama-3.1-70b"), 327_680.0);
    // fp8 halves it; a context and a batch multiply it.
    let arch = job("llama-3.1-8b").model.arch;
    assert_eq!(kv_cache_bytes(&arch, Precision::Fp8, 1, 1, 1), 65_536.0);
    assert_eq!(
        kv_cache_bytes(&arch, Precision::Bf16, 1, 32_768, 4),
        131_072.0 * 32_768.0 * 4.0
    );
}

#[test]
fn a_gqa_model_is_never_sized_as_if_every_head_had_its_own_kv() {
    for entry in catalog() {
        let m = entry.model();
        let Attention::Kv { kv_heads, head_dim } = m.arch.attention else {
            continue;
        };
        assert_eq!(kv_heads, entry.kv_heads, "{}", entry.name);
        let per_token = kv_cache_bytes(&m.arch, Precision::Bf16, 1, 1, 1);
        let from_kv_heads = 2.0 * f64::from(m.arch.layers * kv_heads * head_dim) * 2.0;
        assert!(per_token <= from_kv_heads, "{}", entry.name);
        if entry.kv_heads < entry.heads {
            let every_head = 2.0 * f64::from(m.arch.layers * entry.heads * head_dim) * 2.0;
            assert!(per_token < every_head, "{} sized as multi-head", entry.name);
        }
    }
    // Llama 3 70B from hidden_size would be 8× too big.
    let hidden_based = 2.0 * 80.0 * 8192.0 * 2.0;
    assert_eq!(
        hidden_based / kv_cache_bytes(&job("llama-3.1-70b").model.arch, Precision::Bf16, 1, 1, 1),
        8.0
    );
}

#[test]
fn weights_match_published_safetensors_totals_within_two_percent() {
    let mut checked = Vec::new();
    for entry in catalog() {
        let Some(published) = entry.published_bytes else {
            continue;
        };
        let ours = entry.model().params * Precision::Bf16.bytes();
        let off = (ours - published as f64).abs() / published as f64;
        assert!(
            off <= 0.02,
            "{}: {ours} vs {published} ({off:.4})",
            entry.name
        );
        checked.push(entry.name.as_str());
    }
    // Mistral Small 3.2's text model, counted on the meta device by a public tool.
    let small = find("mistral-small-24b").unwrap().model().params;
    assert_eq!(small, 23_572_403_200.0);
    checked.push("mistral-small-24b");
    assert!(checked.len() >= 5, "{checked:?}");
}

/// Qwen3's query and key norms and Gemma 2's four norms a layer are counted: their published
/// totals are met to the byte (they are a few thousand parameters, under 0.004 %).
#[test]
fn qwen3_and_gemma_norms_are_counted_to_the_byte() {
    for (name, published) in [
        ("qwen3-4b", 8_044_936_192.0),
        ("qwen3-8b", 16_381_470_720.0),
        ("qwen3-14b", 29_536_614_400.0),
        ("qwen3-32b", 65_524_246_528.0),
        ("gemma-2-9b", 18_483_411_968.0),
    ] {
        let bytes = find(name).unwrap().model().params * Precision::Bf16.bytes();
        assert_eq!(bytes, published, "{name}");
    }
    // Gemma 3 has both: four norms a layer and the query and key norms.
    let g3 = find("gemma-3-12b").unwrap().dimensions();
    assert!(g3.qk_norm && g3.sandwich_norms);
    let plain = Dimensions {
        qk_norm: false,
        sandwich_norms: false,
        ..g3
    };
    let extra = g3.params().0 - plain.params().0;
    assert_eq!(extra, 48.0 * (2.0 * 3840.0 + 2.0 * 256.0));
}

#[test]
fn a_mixture_of_experts_holds_every_expert_and_reads_the_routed_ones() {
    let m = job("mixtral-8x7b").model;
    assert_eq!(m.params, 46_702_792_704.0);
    assert!(m.active_params < m.params / 3.0, "2 of 8 experts per token");
    let q = job("qwen3-30b-a3b").model;
    assert!((q.params / 1e9 - 30.5).abs() < 0.5, "{}", q.params);
    assert!(
        (q.active_params / 1e9 - 3.3).abs() < 0.3,
        "{}",
        q.active_params
    );
}

#[test]
fn latent_attention_has_its_own_cache_formula_and_is_not_split() {
    let arch = job("deepseek-v3").model.arch;
    assert!(matches!(arch.attention, Attention::Latent { .. }));
    // (kv_lora_rank 512 + rope 64) × 61 layers × 2 bytes.
    assert_eq!(kv_cache_bytes(&arch, Precision::Bf16, 1, 1, 1), 70_272.0);
    assert_eq!(kv_cache_bytes(&arch, Precision::Bf16, 8, 1, 1), 70_272.0);
    // A config.json with MLA cannot be counted, and says so rather than guessing.
    let cfg = json!({"num_hidden_layers": 61, "hidden_size": 7168, "num_attention_heads": 128,
        "kv_lora_rank": 512, "qk_rope_head_dim": 64, "vocab_size": 129280})
    .to_string();
    assert!(from_config("ds", &cfg, None).is_err());
    let given = from_config("ds", &cfg, Some(671e9)).unwrap();
    assert!(matches!(given.arch.attention, Attention::Latent { .. }));
}

#[test]
fn sliding_window_layers_hold_only_their_window() {
    let arch = job("gemma-3-27b").model.arch;
    // 62 layers: 10 see the whole context, 52 only the last 1,024 tokens.
    let per_layer = 2.0 * 16.0 * 128.0 * 2.0;
    assert_eq!(
        kv_cache_bytes(&arch, Precision::Bf16, 1, 32_768, 1),
        per_layer * (10.0 * 32_768.0 + 52.0 * 1024.0)
    );
    assert_eq!(
        kv_cache_bytes(&arch, Precision::Bf16, 1, 512, 1),
        per_layer * 62.0 * 512.0
    );
}

#[test]
fn verdict_boundaries() {
    let vram = 80.0 * GB;
    assert_eq!(Fit::of(vram * USABLE_SHARE, vram), Fit::Fits);
    assert_eq!(Fit::of(vram * USABLE_SHARE + 1.0, vram), Fit::Tight);
    assert_eq!(Fit::of(vram, vram), Fit::Tight);
    assert_eq!(Fit::of(vram + 1.0, vram), Fit::No);
}

#[test]
fn tensor_parallelism_across_1_2_and_8_gpus() {
    let mut j = job("llama-3.1-70b");
    j.precision = Precision::Fp8;
    j.context = 32_768;
    let weights = j.model.params; // one byte each at fp8
    let kv_full = 327_680.0 * 32_768.0; // the KV cache stays bf16

    for (gpus, kv_share, fit) in [
        (1, 1.0, Fit::No),
        (2, 0.5, Fit::Fits),
        (8, 0.125, Fit::Fits),
    ] {
        let n = need(&j, gpus);
        assert!(
            (n.weights - weights / f64::from(gpus)).abs() < 1.0,
            "{gpus}"
        );
        assert!(
            (n.kv - kv_full * kv_share).abs() < 1.0,
            "{gpus}: 8 KV heads, {gpus} GPUs"
        );
        assert_eq!(plan_offer(&j, &h100(gpus)).fit, Some(fit), "{gpus} × H100");
    }
    // Four KV heads over eight GPUs: each holds one (replicated), never half of one.
    let q = job("qwen3-30b-a3b").model.arch;
    let one = kv_cache_bytes(&q, Precision::Bf16, 1, 1, 1);
    assert_eq!(kv_cache_bytes(&q, Precision::Bf16, 4, 1, 1), one / 4.0);
    assert_eq!(kv_cache_bytes(&q, Precision::Bf16, 8, 1, 1), one / 4.0);
}

#[test]
fn llama_70b_fp8_32k_on_one_80gb_gpu_is_no_and_on_an_h200_fits() {
    let mut j = job("llama-3.1-70b");
    j.precision = Precision::Fp8;
    j.context = 32_768;
    let on_h100 = plan_offer(&j, &h100(1));
    assert_eq!(on_h100.fit, Some(Fit::No));
    assert_eq!(on_h100.tokens_per_second, None);
    assert_eq!(on_h100.usd_per_million_tokens, None);
    let h200 = offer("H200_SXM5", "NVIDIA H200 SXM5 141GB", 1, 141.0, 3.5);
    let p = plan_offer(&j, &h200);
    assert_eq!(p.fit, Some(Fit::Fits));
    // 4.8 TB/s × 0.55 over the fp8 weights and the 32k cache.
    let expect = 4800.0 * GB * 0.55 / (j.model.active_params + 327_680.0 * 32_768.0);
    assert!((p.tokens_per_second.unwrap() - expect).abs() < 1e-6);
    let per_mtok = 3.5 / (expect * 3600.0) * 1e6;
    assert!((p.usd_per_million_tokens.unwrap() - per_mtok).abs() < 1e-9);
}

#[test]
fn an_unknown_gpu_keeps_its_reported_vram_and_has_no_speed() {
    let j = job("llama-3.1-8b");
    let p = plan_offer(&j, &offer("MYSTERY-9000", "Mystery 9000", 1, 48.0, 1.0));
    assert_eq!(p.gpu, None);
    assert_eq!(p.vram_gb, Some(48.0));
    assert_eq!(p.fit, Some(Fit::Fits));
    assert_eq!(p.tokens_per_second, None);
    assert_eq!(p.speed_text(), "unknown");
    assert!(p.speed_unknown());
    let unknown_vram = plan_offer(&j, &offer("MYSTERY-9000", "Mystery", 1, 0.0, 1.0));
    assert_eq!(unknown_vram.fit, None, "no VRAM, no verdict");
}

#[test]
fn ranking_puts_fits_first_then_cost_per_token_then_per_hour_with_unknowns_last() {
    let mut j = job("llama-3.1-8b");
    j.context = 8192;
    let offers = vec![
        // 19.7 GB on 21 GB: above the usable 18.9, within the card: tight, however cheap.
        offer("H100_NVL", "H100 NVL", 1, 21.0, 0.01),
        offer("H100_SXM5", "H100", 1, 80.0, 2.5),
        offer("rtx-4090", "NVIDIA GeForce RTX 4090 24GB", 1, 24.0, 0.4),
        offer("H200_SXM5", "H200", 1, 141.0, 3.5),
        offer("MYSTERY", "Mystery", 1, 80.0, 0.1),
        offer("rtx-4090", "RTX 4090", 1, 8.0, 0.05),
    ];
    let ranked = rank(&j, &offers);
    let ids: Vec<&str> = ranked.iter().map(|(_, o)| o.offer_id.as_str()).collect();
    let per_mtok: Vec<Option<f64>> = ranked
        .iter()
        .map(|(p, _)| p.usd_per_million_tokens)
        .collect();
    let fits: Vec<f64> = per_mtok[..3].iter().flatten().copied().collect();
    assert!(fits.windows(2).all(|w| w[0] <= w[1]), "{per_mtok:?}");
    assert_eq!(
        ids,
        [
            "rtx-4090-1x-0.4",
            "H200_SXM5-1x-3.5",
            "H100_SXM5-1x-2.5",
            // fits, but its speed is unknown
            "MYSTERY-1x-0.1",
            // tight
            "H100_NVL-1x-0.01",
            // no
            "rtx-4090-1x-0.05",
        ]
    );
    assert_eq!(ranked[4].0.fit, Some(Fit::Tight));
}

#[test]
fn the_catalogue_has_thirty_models_with_sources_and_the_gpu_table_covers_the_demo() {
    let all = catalog();
    assert!(all.len() >= 30, "{}", all.len());
    let mut names: Vec<&str> = all.iter().map(|e| e.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), all.len(), "names are unique");
    for e in all {
        assert!(
            e.source.starts_with("https://huggingface.co/"),
            "{}",
            e.name
        );
        assert!(!e.checked.is_empty(), "{}", e.name);
        if e.checked == "secondary" || e.checked == "not read" {
            assert!(e.note.is_some(), "{} says how it was confirmed", e.name);
        }
        let m = e.model();
        assert!(m.params > 0.0 && m.active_params <= m.params, "{}", e.name);
    }
    let demo: serde_json::Value =
        serde_json::from_str(include_str!("../assets/demo/offers.json")).unwrap();
    for g in demo["groups"].as_array().unwrap() {
        let ty = g["gpuType"].as_str().unwrap();
        let display = g["displayName"].as_str().unwrap();
        let spec = gpu_for(ty, display).unwrap_or_else(|| panic!("{ty} in gpus.toml"));
        let vram = g["offers"][0]["gpu_memory"].as_f64().unwrap();
        assert_eq!(spec.vram_gb, vram, "{ty} matched {}", spec.name);
    }
    for (ty, display, want) in [
        ("H100_NVL", "NVIDIA H100 NVL 94GB", "H100 NVL"),
        ("GH200", "NVIDIA GH200 Grace Hopper 96GB", "GH200 96GB"),
        ("RTX4090", "NVIDIA GeForce RTX 4090 24GB", "RTX 4090"),
        ("A6000", "NVIDIA RTX A6000 48GB", "RTX A6000"),
        ("L40S", "NVIDIA L40S 48GB", "L40S"),
        (
            "RTXPRO6000-PCIE",
            "NVIDIA RTX PRO 6000 96GB",
            "RTX PRO 6000 Blackwell",
        ),
        ("A100_40G", "NVIDIA A100 40GB", "A100 40GB"),
        ("A10", "NVIDIA A10 24GB", "A10"),
        ("L4", "NVIDIA L4", "L4"),
    ] {
        assert_eq!(
            gpu_for(ty, display).map(|g| g.name.as_str()),
            Some(want),
            "{ty}"
        );
    }
}

#[test]
fn a_real_config_json_gives_the_catalogue_entry() {
    let text = include_str!("fixtures/planner/qwen3-8b.config.json");
    let from_file = from_config("qwen3-8b", text, None).unwrap();
    let entry = find("qwen3-8b").unwrap().model();
    assert_eq!(from_file.arch, entry.arch);
    assert_eq!(from_file.params, entry.params);
    assert_eq!(from_file.active_params, entry.active_params);
    let mut a = Job::new(from_file);
    let mut b = Job::new(entry);
    a.context = 32_768;
    b.context = 32_768;
    assert_eq!(need(&a, 2), need(&b, 2));
}

/// A `config.json` is named by what it says, not by its file name (`config`).
#[test]
fn a_config_json_is_named_from_its_content() {
    let text = include_str!("fixtures/planner/qwen3-8b.config.json");
    let twin = from_config("config", text, None).unwrap();
    assert_eq!(
        (twin.name.as_str(), twin.display.as_str()),
        ("qwen3-8b", "Qwen3 8B")
    );
    let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
    v["num_hidden_layers"] = json!(20);
    let other = from_config("config", &v.to_string(), None).unwrap();
    assert_eq!(other.name, "qwen3 5.1B");
    v["_name_or_path"] = json!("acme/Qwen3-20L");
    let given = from_config("config", &v.to_string(), None).unwrap();
    assert_eq!(given.name, "acme/Qwen3-20L");
    // nothing to go by: the file's name
    let bare = json!({"num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4,
        "intermediate_size": 128, "vocab_size": 100});
    assert_eq!(
        from_config("tiny", &bare.to_string(), None).unwrap().name,
        "tiny"
    );
}

#[test]
fn unknown_names_suggest_the_closest_known_ones() {
    assert!(find("llama-3.1-70b").is_some());
    assert!(find("LLAMA-3.1-70B").is_some());
    assert!(find("llama").is_none(), "ambiguous");
    assert!(find("llama-9").is_none());
    let near = model::closest("llama-3.1-7b", 3);
    assert!(
        near.contains(&"llama-3.1-8b") || near.contains(&"llama-3.1-70b"),
        "{near:?}"
    );
}

#[test]
fn fine_tuning_needs_more_than_serving() {
    let base = job("llama-3.1-8b");
    let mut lora = base.clone();
    lora.task = Task::FinetuneLora;
    let mut full = base.clone();
    full.task = Task::FinetuneFull;
    let (i, l, f) = (need(&base, 1), need(&lora, 1), need(&full, 1));
    assert!(l.weights > i.weights && f.weights > l.weights);
    assert_eq!(
        f.weights,
        base.model.params * memory::FULL_FINETUNE_BYTES_PER_PARAM
    );
    assert_eq!(f.kv, 0.0);
}

fn precision() -> impl Strategy<Value = Precision> {
    prop::sample::select(Precision::ALL.to_vec())
}

fn model_name() -> impl Strategy<Value = String> {
    prop::sample::select(catalog().iter().map(|e| e.name.clone()).collect::<Vec<_>>())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn need_grows_with_context_batch_and_precision(
        name in model_name(),
        p in precision(),
        q in precision(),
        context in 1u32..200_000,
        more_context in 0u32..100_000,
        batch in 1u32..64,
        more_batch in 0u32..64,
        gpus in prop::sample::select(vec![1u32, 2, 4, 8, 16]),
        task in prop::sample::select(Task::ALL.to_vec()),
    ) {
        let mut a = job(&name);
        a.task = task;
        a.precision = p.min(q);
        a.context = context;
        a.batch = batch;
        let mut b = a.clone();
        b.precision = p.max(q);
        b.context = context + more_context;
        b.batch = batch + more_batch;
        prop_assert!(need(&a, gpus).total() <= need(&b, gpus).total());
    }

    #[test]
    fn fits_implies_the_memory_holds_the_need(
        name in model_name(),
        p in precision(),
        context in 1u32..200_000,
        batch in 1u32..32,
        gpus in 1u32..16,
        vram in 8.0f64..300.0,
    ) {
        let mut j = job(&name);
        j.precision = p;
        j.context = context;
        j.batch = batch;
        let plan = plan_offer(&j, &offer("H100_SXM5", "H100", gpus, vram, 1.0));
        if let Some(Fit::Fits | Fit::Tight) = plan.fit {
            prop_assert!(plan.vram_gb.unwrap() >= plan.need_gb());
        }
        if plan.fit == Some(Fit::Fits) {
            prop_assert!(plan.vram_gb.unwrap() * USABLE_SHARE >= plan.need_gb());
        }
    }

    #[test]
    fn more_gpus_never_need_more_per_gpu(name in model_name(), context in 1u32..100_000) {
        let mut j = job(&name);
        j.context = context;
        let per_gpu: Vec<f64> = [1u32, 2, 8].iter().map(|&g| need(&j, g).total()).collect();
        prop_assert!(per_gpu[0] >= per_gpu[1] && per_gpu[1] >= per_gpu[2]);
    }
}

#[test]
fn dimensions_count_llama_3_1_8b_to_the_parameter() {
    let d = find("llama-3.1-8b").unwrap().dimensions();
    assert_eq!(d.params().0, 8_030_261_248.0);
    assert_eq!(Dimensions { experts: 0, ..d }.params(), d.params());
}

#[test]
fn a_gemma_config_without_tie_word_embeddings_is_tied_as_its_class_defaults() {
    // google/gemma-2b's fields (mlc-llm's gemma_2b preset): 2,506,172,416 parameters, the
    // 4.67 GiB at bf16 that `accelerate estimate-memory` reports for it.
    let cfg = json!({"model_type": "gemma", "head_dim": 256, "hidden_size": 2048,
        "intermediate_size": 16384, "num_attention_heads": 8, "num_hidden_layers": 18,
        "num_key_value_heads": 1, "vocab_size": 256000})
    .to_string();
    let m = from_config("gemma-2b", &cfg, None).unwrap();
    assert_eq!(m.params, 2_506_172_416.0);
    let llama = json!({"model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336,
        "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8,
        "vocab_size": 128256})
    .to_string();
    assert_eq!(
        from_config("l", &llama, None).unwrap().params,
        8_030_261_248.0
    );
}
