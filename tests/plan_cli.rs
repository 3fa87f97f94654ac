//! `plan` through the built binary and through the library against the demo server over HTTP:
//! the JSON document's shape, the ranking, the account's discounted prices, every page of
//! offers, an unknown model (exit 2, the closest names), a config.json.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use std::process::Output;

use crate::support::binary::against_fresh as run_at;

use clap::Parser;
use serde_json::Value;
use spheron_tui::api::Client;
use spheron_tui::commands::cli::{Cli, Command as Cmd};
use spheron_tui::commands::plan;
use spheron_tui::credentials::ApiKey;
use spheron_tui::demo::{self, DemoOptions, DemoServer};

async fn server() -> DemoServer {
    demo::spawn(DemoOptions::for_tests()).await.unwrap()
}

fn json(o: &Output) -> Value {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

const PLAN_70B: [&str; 7] = [
    "plan",
    "--model",
    "llama-3.1-70b",
    "--precision",
    "fp8",
    "--context",
    "32768",
];

#[tokio::test(flavor = "multi_thread")]
async fn json_has_the_documented_shape_and_ranks_fits_first_by_cost_per_token() {
    let s = server().await;
    let mut args = PLAN_70B.to_vec();
    args.push("--json");
    let doc = json(&run_at(&s.url(), &args).await);
    let keys = |v: &Value| -> std::collections::BTreeSet<String> {
        v.as_object().unwrap().keys().cloned().collect()
    };
    let want = |k: &[&str]| k.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        keys(&doc),
        want(&[
            "model",
            "precision",
            "context",
            "batch",
            "needGb",
            "breakdown",
            "offers"
        ])
    );
    assert_eq!(
        keys(&doc["breakdown"]),
        want(&["weightsGb", "kvGb", "overheadGb"])
    );
    assert_eq!(doc["model"], "llama-3.1-70b");
    assert_eq!(doc["precision"], "fp8");
    assert_eq!(doc["context"], 32768);
    assert_eq!(doc["batch"], 1);
    let b = &doc["breakdown"];
    let sum = b["weightsGb"].as_f64().unwrap()
        + b["kvGb"].as_f64().unwrap()
        + b["overheadGb"].as_f64().unwrap();
    assert!(
        (sum - doc["needGb"].as_f64().unwrap()).abs() < 0.02,
        "{doc}"
    );
    assert!(
        (b["kvGb"].as_f64().unwrap() - 10.74).abs() < 0.01,
        "327,680 B × 32,768"
    );
    let offers = doc["offers"].as_array().unwrap();
    assert!(!offers.is_empty());
    for o in offers {
        assert_eq!(
            keys(o),
            want(&[
                "offerId",
                "gpu",
                "gpuCount",
                "vramGb",
                "needGb",
                "fit",
                "tokensPerSecond",
                "usdPerMillionTokens",
                "pricePerHour"
            ])
        );
        if o["gpuCount"] == 1 && o["vramGb"] == 80 {
            assert_eq!(o["fit"], "no", "an 80 GB GPU cannot hold 89 GB: {o}");
            assert!(o["usdPerMillionTokens"].is_null());
        }
    }
    // Fits, then tight, then no; within each, $/Mtok ascending.
    let group = |o: &Value| match o["fit"].as_str() {
        Some("fits") => 0,
        Some("tight") => 1,
        _ => 2,
    };
    for w in offers.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        assert!(group(a) <= group(b), "{a} before {b}");
        if let (true, Some(x), Some(y)) = (
            group(a) == group(b),
            a["usdPerMillionTokens"].as_f64(),
            b["usdPerMillionTokens"].as_f64(),
        ) {
            assert!(x <= y, "{a} before {b}");
        }
    }
    assert_eq!(offers[0]["fit"], "fits");
}

#[tokio::test(flavor = "multi_thread")]
async fn prices_are_the_accounts_and_match_the_offers_command() {
    let s = server().await;
    let mut args = PLAN_70B.to_vec();
    args.push("--json");
    let doc = json(&run_at(&s.url(), &args).await);
    let listed = json(&run_at(&s.url(), &["offers", "--json"]).await);
    let listed_offer = |id: &str| {
        listed
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["offerId"] == id)
            .unwrap_or_else(|| panic!("{id} is listed by offers"))
            .clone()
    };
    let mut discounted = 0;
    for o in doc["offers"].as_array().unwrap() {
        let l = listed_offer(o["offerId"].as_str().unwrap());
        // pricePerHour is what the account pays: the discounted price when there is one.
        assert_eq!(o["pricePerHour"], l["pricePerHour"], "{o}");
        if l["listPricePerHour"].as_f64() > l["pricePerHour"].as_f64() {
            discounted += 1;
        }
    }
    assert!(
        discounted > 0,
        "the demo account has discounts, and plan uses them"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_of_offers_is_planned() {
    let s = server().await;
    let client = Client::new(&s.url(), Some(ApiKey::new(s.key()))).unwrap();
    let mut argv = vec!["spheron-tui"];
    argv.extend(PLAN_70B);
    argv.push("--json");
    let Some(Cmd::Plan(a)) = Cli::parse_from(argv).command else {
        panic!("plan parses");
    };
    let ids = |printed: spheron_tui::commands::lists::Printed| -> Vec<String> {
        assert_eq!(printed.incomplete, None, "every page was read");
        let doc: Value = serde_json::from_str(&printed.text).unwrap();
        doc["offers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["offerId"].as_str().unwrap().to_string())
            .collect()
    };
    let one_group_a_page = ids(plan::run(&client, &a, 1).await.unwrap());
    let all_at_once = ids(plan::run(&client, &a, 100).await.unwrap());
    assert_eq!(one_group_a_page, all_at_once);
    let groups: std::collections::BTreeSet<&str> = all_at_once
        .iter()
        .map(|id| id.split('-').next().unwrap())
        .collect();
    assert!(
        groups.len() > 5,
        "offers of many GPU groups (pages): {groups:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_model_exits_2_naming_the_closest_known_ones() {
    let s = server().await;
    let o = run_at(&s.url(), &["plan", "--model", "llama-3.1-7b"]).await;
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("unknown model `llama-3.1-7b`"), "{err}");
    assert!(
        err.contains("llama-3.1-70b") && err.contains("llama-3.1-8b"),
        "{err}"
    );
    assert!(o.stdout.is_empty());
    let bad = run_at(
        &s.url(),
        &["plan", "--model", "qwen3-8b", "--precision", "fp7"],
    )
    .await;
    assert_eq!(bad.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_config_json_plans_like_its_catalogue_entry() {
    let s = server().await;
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/planner/qwen3-8b.config.json"
    );
    let from_file = json(&run_at(&s.url(), &["plan", "--config", fixture, "--json"]).await);
    let from_name = json(&run_at(&s.url(), &["plan", "--model", "qwen3-8b", "--json"]).await);
    assert_eq!(from_file["needGb"], from_name["needGb"]);
    assert_eq!(from_file["offers"], from_name["offers"]);
    assert_eq!(from_file["model"], "qwen3-8b.config");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_table_says_how_the_estimates_are_made() {
    let s = server().await;
    let o = run_at(&s.url(), &PLAN_70B).await;
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("needs 89.3 GB on one GPU"), "{out}");
    assert!(out.contains("memory bandwidth × 0.55"), "{out}");
    assert!(out.contains("OFFER ID") && out.contains("$/MTOK"), "{out}");
    let csv = run_at(&s.url(), &["plan", "--model", "qwen3-8b", "--csv"]).await;
    let text = String::from_utf8_lossy(&csv.stdout);
    assert!(text.starts_with(
        "offerId,gpu,gpuCount,vramGb,needGb,fit,tokensPerSecond,usdPerMillionTokens,pricePerHour\r\n"
    ));
}
