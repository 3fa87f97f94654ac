//! The model plan in the dashboard: the Offers pane's Fit, est. tok/s and $/Mtok columns (at
//! 80×24 and 160×48), the header, the sorts, the plan kept in the store and read back, and the
//! same ranking as `plan`. Demo data through the real client (harness), the store a real file.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use spheron_tui::app::Command;
use spheron_tui::app::planning::{self, PlanCmd, PlanEvent};
use spheron_tui::app::state::OfferSort;
use spheron_tui::domain::planner::{Fit, Job, Precision, find, job_spec, rank};
use spheron_tui::runtime::SnapshotFormat;
use spheron_tui::runtime::snapshot::render;
use spheron_tui::ui::Theme;
use support::harness::Harness;

fn llama_70b_fp8_32k() -> Job {
    let mut job = Job::new(find("llama-3.1-70b").unwrap().model());
    job.precision = Precision::Fp8;
    job.context = 32_768;
    job
}

fn screen(h: &Harness, cols: u16, rows: u16) -> String {
    render(
        &h.state,
        cols,
        rows,
        SnapshotFormat::Text,
        &Theme::default(),
    )
    .unwrap()
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(r"resets \d+s", "resets [N]s");
    s.add_filter(r"budget \d+/\d+", "budget [N]/[N]");
    s
}

#[tokio::test]
async fn the_offers_pane_shows_the_plan_at_80x24_and_160x48() {
    let mut h = Harness::new().await;
    let cmds = planning::choose(&mut h.state, Some(llama_70b_fp8_32k()));
    assert_eq!(
        cmds,
        vec![Command::Plan(PlanCmd::Save(Some(
            "llama-3.1-70b@fp8/32768 kv:bf16 batch:1 task:infer".into()
        )))]
    );
    let small = screen(&h, 80, 24);
    let large = screen(&h, 160, 48);
    for s in [&small, &large] {
        assert!(s.contains("planning llama-3.1-70b fp8 32k"), "{s}");
        assert!(s.contains("sort $/Mtok ↑"), "{s}");
        assert!(s.contains("$/Mtok"), "{s}");
    }
    assert!(
        large.contains("fits") && large.contains("est. tok/s"),
        "{large}"
    );
    settings().bind(|| {
        insta::assert_snapshot!("offers_plan_80x24", small);
        insta::assert_snapshot!("offers_plan_160x48", large);
    });
}

#[tokio::test]
async fn the_pane_ranks_as_the_plan_command_does() {
    let mut h = Harness::new().await;
    let job = llama_70b_fp8_32k();
    planning::choose(&mut h.state, Some(job.clone()));
    let o = &h.state.offers;
    assert_eq!(o.sort, OfferSort::PerMtok);
    let shown: Vec<&str> = o
        .visible
        .iter()
        .map(|&i| o.all[i].offer_id.as_str())
        .collect();
    let ranked = rank(&job, &o.all);
    let expected: Vec<&str> = ranked.iter().map(|(_, o)| o.offer_id.as_str()).collect();
    assert_eq!(shown, expected);
    let first = &o.plan.as_ref().unwrap().rows[o.visible[0]];
    assert_eq!(first.fit, Some(Fit::Fits));
    // An 80 GB single GPU is marked no, as `plan` says.
    let one_h100 = o
        .all
        .iter()
        .position(|x| x.gpu_count == 1 && x.gpu_memory == Some(80.0))
        .unwrap();
    assert_eq!(o.plan.as_ref().unwrap().rows[one_h100].fit, Some(Fit::No));
}

#[tokio::test]
async fn sorts_cycle_through_the_plan_columns_only_with_a_plan() {
    let mut h = Harness::new().await;
    let mut seen = Vec::new();
    for _ in 0..OfferSort::ALL.len() {
        h.press("s").await;
        seen.push(h.state.offers.sort);
    }
    assert!(seen.iter().all(|s| !s.needs_plan()), "{seen:?}");
    planning::choose(&mut h.state, Some(llama_70b_fp8_32k()));
    seen.clear();
    for _ in 0..OfferSort::ALL.len() {
        h.press("s").await;
        seen.push(h.state.offers.sort);
    }
    for s in [
        OfferSort::Fit,
        OfferSort::TokensPerSecond,
        OfferSort::PerMtok,
    ] {
        assert!(seen.contains(&s), "{seen:?}");
    }
    // Clearing the plan leaves no plan sort behind.
    h.state.offers.sort = OfferSort::Fit;
    planning::choose(&mut h.state, None);
    assert_eq!(h.state.offers.sort, OfferSort::Price);
    assert!(!screen(&h, 120, 40).contains("planning"));
}

#[tokio::test]
async fn a_plan_read_back_from_the_store_is_shown_and_a_bad_one_is_said() {
    let mut h = Harness::new().await;
    // Read back after the offers came (sorted by $/h, the cheapest selected): the pane shows
    // the top of the plan's order, not the old selection far down it.
    assert_eq!(h.state.offers.cursor.selected, 0);
    let spec = job_spec(&llama_70b_fp8_32k());
    h.dispatch(spheron_tui::app::Action::Plan(PlanEvent::Loaded(Ok(Some(
        spec,
    )))))
    .await;
    assert!(screen(&h, 120, 40).contains("planning llama-3.1-70b fp8 32k"));
    assert_eq!(h.state.offers.cursor.selected, 0);
    let top = &h.state.offers.plan.as_ref().unwrap().rows[h.state.offers.visible[0]];
    assert_eq!(top.fit, Some(Fit::Fits));
    let mut h = Harness::new().await;
    h.dispatch(spheron_tui::app::Action::Plan(PlanEvent::Loaded(Ok(Some(
        "no-such-model@fp8/1k".into(),
    )))))
    .await;
    assert!(h.state.offers.plan.is_none());
    assert!(
        h.state
            .status
            .flash
            .as_ref()
            .is_some_and(|f| f.text.contains("could not be read")),
        "{:?}",
        h.state.status.flash
    );
}

#[test]
fn the_store_keeps_the_plan_until_cleared() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    let now = chrono::Utc::now();
    let spec = job_spec(&llama_70b_fp8_32k());
    {
        let (store, _) = spheron_tui::store::Store::open(&path).unwrap();
        assert_eq!(store.setting("plan").unwrap(), None);
        store.set_setting("plan", Some(&spec), now).unwrap();
    }
    let (store, _) = spheron_tui::store::Store::open(&path).unwrap();
    assert_eq!(store.setting("plan").unwrap(), Some(spec));
    store.set_setting("plan", None, now).unwrap();
    assert_eq!(store.setting("plan").unwrap(), None);
}

#[tokio::test]
async fn the_deploy_summary_repeats_the_verdict() {
    use crossterm::event::KeyCode;
    use spheron_tui::app::dialogs::Dialog;
    use spheron_tui::app::dialogs::deploy::{SshSel, Step};
    let mut h = Harness::new().await;
    planning::choose(&mut h.state, Some(llama_70b_fp8_32k()));
    // The first deployable offer in the plan's order (the cheapest per token the model fits on).
    while h
        .state
        .offers
        .selected()
        .is_some_and(|o| o.unavailable_reason().is_some())
    {
        h.press("j").await;
    }
    h.press("d").await;
    let step = |h: &Harness| match &h.state.dialog {
        Some(Dialog::Deploy(w)) => Some((w.step(), w.ssh.clone())),
        _ => None,
    };
    while step(&h).map(|s| s.0) != Some(Step::Summary) {
        if let Some((Step::Ssh, Some(SshSel::Paste))) = step(&h) {
            for c in "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f me@test".chars() {
                h.key(KeyCode::Char(c)).await;
            }
        }
        h.key(KeyCode::Enter).await;
    }
    let s = h.screen();
    let line = s
        .lines()
        .find(|l| l.contains("Model plan"))
        .unwrap_or_else(|| panic!("{s}"));
    assert!(line.contains("llama-3.1-70b fp8 32k: fits"), "{line}");
    assert!(line.contains("tok/s") && line.contains("/Mtok"), "{line}");
}

#[tokio::test]
async fn the_planner_dialog_plans_a_model_as_typed_and_clears_it() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use spheron_tui::app::Action;
    use spheron_tui::app::dialogs::Dialog;
    let mut h = Harness::new().await;
    h.press("p").await;
    assert!(matches!(h.state.dialog, Some(Dialog::Planner(_))));
    h.press("llama-3.1-70").await; // the search narrows the list
    let open = screen(&h, 120, 40);
    assert!(
        open.contains("Model planner") && open.contains("llama-3.1-70b"),
        "{open}"
    );
    h.key(KeyCode::Tab).await; // precision
    h.key(KeyCode::Right).await; // bf16 → fp8
    h.key(KeyCode::Tab).await; // KV cache
    h.key(KeyCode::Tab).await; // task
    h.key(KeyCode::Tab).await; // context
    h.dispatch(Action::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )))
    .await;
    h.press("32k").await;
    let filled = screen(&h, 120, 40);
    assert!(
        filled.contains("Needs 89.3 GB on one GPU: weights 70.6 + KV cache 10.7 + overhead 8.1"),
        "{filled}"
    );
    let small = screen(&h, 80, 24);
    assert!(small.contains("Needs 89.3 GB"), "{small}");
    settings().bind(|| {
        insta::assert_snapshot!("planner_dialog", filled);
        insta::assert_snapshot!("planner_dialog_80x24", small);
    });
    h.key(KeyCode::Enter).await;
    assert!(h.state.dialog.is_none());
    let plan = h.state.offers.plan.as_ref().expect("planned");
    assert_eq!(plan.job.label(), "llama-3.1-70b fp8 32k");
    assert!(h.emitted.contains(&Command::Plan(PlanCmd::Save(Some(
        "llama-3.1-70b@fp8/32768 kv:bf16 batch:1 task:infer".into()
    )))));
    // Opened again, the first row clears it.
    h.press("p").await;
    h.key(KeyCode::Home).await;
    for _ in 0..40 {
        h.key(KeyCode::Up).await;
    }
    h.key(KeyCode::Enter).await;
    assert!(h.state.offers.plan.is_none());
    assert!(h.emitted.contains(&Command::Plan(PlanCmd::Save(None))));
    // A bad context is said, and nothing is planned.
    h.press("p").await;
    for _ in 0..4 {
        h.key(KeyCode::Tab).await;
    }
    h.press("x").await;
    h.key(KeyCode::Enter).await;
    assert!(matches!(h.state.dialog, Some(Dialog::Planner(_))));
    assert!(screen(&h, 120, 40).contains("context: a number of tokens"));
}
