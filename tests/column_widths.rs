//! How the tables share their width in the demo, with the real app and demo server: what a
//! user pays for (a GPU model and how many) and what names a row are never cut while a
//! less important column can give way.

use crate::support;

use support::harness::{Harness, budget_settings as settings, screen_at as draw};

/// The table's lines (between its borders), header first.
fn table(screen: &str) -> Vec<&str> {
    screen.lines().filter(|l| l.starts_with('│')).collect()
}

fn row<'a>(screen: &'a str, name: &str) -> &'a str {
    table(screen)
        .into_iter()
        .find(|l| l.contains(name))
        .unwrap_or_else(|| panic!("no row {name}:\n{screen}"))
}

/// A deploy named as the wizard names it, guarded, still deploying 12 s later (its status
/// `deploying 12s` one cell wider than `running ssh✓`), beside the team and GPU-use columns: at
/// 160 columns its countdown and its whole name show, and no other deployment's name is cut
/// either (the team and the region, the first to give way, do).
#[tokio::test(flavor = "multi_thread")]
async fn a_deploying_guarded_row_keeps_its_whole_name_at_160x45() {
    let mut h = Harness::new().await;
    h.state.usage.all = true;
    let d = support::deploying::deploy_first_offer(
        &h.exec.client,
        "rtx-4090-x1-data-crunch",
        "team_demo_01",
        "sshk_5d2e8a41",
    )
    .await;
    h.press("2").await;
    h.advance(12).await;
    h.press("r").await;
    h.state.guard.rows.insert(d.id.clone(), "⏱1h59m".into());
    let screen = draw(&h.state, 160, 45);
    let line = row(&screen, &d.name);
    assert!(
        line.contains("⏱1h59m rtx-4090-x1-data-crunch ") && line.contains("deploying 12s"),
        "{screen}"
    );
    let head = table(&screen)[0];
    assert!(
        head.contains("Team") && head.contains("GPU use"),
        "{screen}"
    );
    for name in [
        "notebook-4090",
        "sdxl-batch-spot",
        "k8s-training-cluster",
        "llm-finetune",
        "grant-eval-a100",
    ] {
        assert!(
            row(&screen, name).contains(&format!("{name} ")),
            "{name} cut:\n{screen}"
        );
    }
    settings().bind(|| insta::assert_snapshot!("deploying_guarded_160x45", screen));
}

/// Two days on, the demo's 16-GPU cluster has spent thousands at $44/h: at 80×24 every GPU
/// cell still reads its whole model and its count (`H200 SXM5×16`, never `H200 SXM5…`); at
/// 64×20, where the GPU column does not fit beside the name, Type, status and money, it goes
/// whole. Money is never cut.
#[tokio::test(flavor = "multi_thread")]
async fn wide_amounts_leave_every_gpu_model_and_count_whole() {
    let mut h = Harness::new().await;
    h.press("2").await;
    h.advance(2 * 24 * 3600).await;
    h.press("r").await;
    let cluster = h
        .state
        .deployments
        .items
        .iter()
        .find(|d| d.name == "k8s-training-cluster")
        .unwrap()
        .clone();
    let spent = spheron_tui::domain::cost::usd_opt(cluster.spent(h.state.now));
    assert!(spent.contains(','), "spent in the thousands: {spent}");
    let cells = ["RTX 4090×1", "A100 80GB×1", "H200 SXM5×16", "H100 SXM5×1"];
    for (cols, rows) in [(80, 24), (64, 20)] {
        let screen = draw(&h.state, cols, rows);
        assert!(row(&screen, "k8s-train").contains(&spent), "{screen}");
        let head = table(&screen)[0];
        if head.contains("GPU") {
            for cell in cells {
                assert!(
                    screen.contains(cell),
                    "{cell} cut at {cols}×{rows}:\n{screen}"
                );
            }
        } else {
            assert!(!screen.contains("SXM5"), "{screen}");
        }
        assert!(head.contains("Type") && head.contains("Status"), "{screen}");
        settings().bind(|| {
            insta::assert_snapshot!(format!("deployments_wide_amounts_{cols}x{rows}"), screen)
        });
    }
    // 80×24 has the room for it
    assert!(table(&draw(&h.state, 80, 24))[0].contains("GPU"));
}
