//! What a newcomer reads in the panes: a deployment's details name its guard rule (in local time
//! with the zone) and say when an ended one has no SSH; Deployments sort like Offers; Volumes show
//! $/30d and what the API says of mounting; at 64×20 Type stays (as S/D/C), names keep 12
//! letters and the runway is whole; at 160 columns nothing is cut and no column is wider than
//! its text.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use spheron_tui::api::Deployment;
use spheron_tui::app::dialogs::Dialog;
use spheron_tui::app::guard::GuardUpdate;
use spheron_tui::app::{Action, AppState, Pane, update};
use spheron_tui::domain::guard::{GuardRule, StoredRule};
use support::fixtures::*;

/// The details of the selected deployment, as their lines read.
fn details(s: &mut AppState) -> Vec<String> {
    enter(s);
    match &s.dialog {
        Some(Dialog::DeploymentInfo(i)) => i.fields.clone(),
        other => panic!("expected the details, got {other:?}"),
    }
}

fn field(lines: &[String], name: &str) -> String {
    lines
        .iter()
        .find(|l| l.starts_with(&format!("{name:<19}")))
        .unwrap_or_else(|| panic!("no {name} line in {lines:#?}"))
        .clone()
}

fn rule(id: &str, rule: GuardRule, spec: &str) -> StoredRule {
    StoredRule {
        deployment_id: id.into(),
        rule,
        spec: spec.into(),
        created_at: t0(),
    }
}

#[test]
fn deployment_details_name_the_guard_rule_in_local_time() {
    let mut s = ready(vec![vp_cluster()], 500.0);
    s.guard.local_offset = chrono::FixedOffset::east_opt(3600);
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![
            running("d1", "train-run"),
            running("d2", "spender"),
            running("d3", "notebook"),
            running("d4", "bare"),
        ]
        .into())),
    );
    s.pane = Pane::Deployments;
    let rules = vec![
        rule(
            "d1",
            GuardRule::Deadline(t0() + chrono::Duration::minutes(90)),
            "--after 90m",
        ),
        rule("d2", GuardRule::MaxSpend(50.0), "--max-spend 50.00"),
        rule(
            "d3",
            GuardRule::Idle {
                window: chrono::Duration::minutes(30),
                below_pct: 5.0,
            },
            "--idle 30m --below 5",
        ),
    ];
    update(&mut s, Action::Guard(GuardUpdate::Rules(rules)));
    let rows = [("d2".to_string(), "$12.00 left".to_string())]
        .into_iter()
        .collect();
    update(&mut s, Action::Guard(GuardUpdate::Rows(rows)));
    let select = |s: &mut AppState, id: &str| {
        s.dialog = None;
        let at = s
            .visible_deployments()
            .iter()
            .position(|d| d.id == id)
            .unwrap();
        s.deployments.cursor.selected = at;
    };

    select(&mut s, "d1");
    assert_eq!(
        field(&details(&mut s), "guard"),
        format!(
            "{:<19}terminate at 14:30 UTC+1, in 1h 30m (set as --after 90m)",
            "guard"
        )
    );
    select(&mut s, "d2");
    assert_eq!(
        field(&details(&mut s), "guard"),
        format!(
            "{:<19}terminate once $50.00 is spent · now $12.00 left (set as --max-spend 50.00)",
            "guard"
        )
    );
    select(&mut s, "d3");
    let idle = field(&details(&mut s), "guard");
    assert!(
        idle.contains("terminate after 30m 00s with every GPU below 5% and no terminal session"),
        "{idle}"
    );
    select(&mut s, "d4");
    assert_eq!(
        field(&details(&mut s), "guard"),
        format!("{:<19}none (T sets one)", "guard")
    );
    // The drawn details show it too.
    select(&mut s, "d1");
    details(&mut s);
    assert!(
        render(&s).contains("terminate at 14:30 UTC+1"),
        "{}",
        render(&s)
    );
}

#[test]
fn an_ended_deployment_says_it_has_no_ssh() {
    let mut s = ready(vec![vp_cluster()], 500.0);
    let mut ended = running("d1", "old-run");
    ended.status = spheron_tui::api::DeploymentStatus::Terminated;
    s.deployment_filter = spheron_tui::api::DeploymentFilter::All;
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![ended].into())));
    s.pane = Pane::Deployments;
    let lines = details(&mut s);
    assert_eq!(
        field(&lines, "ssh"),
        format!("{:<19}– ended (terminated): no SSH", "ssh")
    );
    assert!(!lines.iter().any(|l| l.contains("no address yet")));
    assert_eq!(field(&lines, "guard"), format!("{:<19}none", "guard"));
    // `c` copies nothing and says why, though the ended row still lists its last address.
    s.dialog = None;
    let cmds = chr(&mut s, 'c');
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(flash(&s), "old-run has ended (terminated): no SSH");
}

fn dep(id: &str, name: &str, status: &str, rate: Option<f64>, started: &str) -> Deployment {
    let mut v = serde_json::json!({"id": id, "name": name, "status": status,
        "gpuType": "H100_SXM5", "gpuCount": 1, "provider": "data-crunch", "region": "FIN-01",
        "instanceType": "SPOT", "startedAt": started});
    if let Some(r) = rate {
        v["hourlyRate"] = serde_json::json!(r);
    }
    deployment(v)
}

/// Four deployments in the API's order: one without a known rate.
fn four() -> Vec<Deployment> {
    vec![
        dep("d1", "beta", "running", Some(2.0), "2026-11-28T11:00:00Z"),
        dep(
            "d2",
            "Alpha",
            "deploying",
            Some(0.5),
            "2026-11-28T11:50:00Z",
        ),
        dep("d3", "gamma", "running", None, "2026-11-28T09:00:00Z"),
        dep(
            "d4",
            "aardvark",
            "failed",
            Some(1.0),
            "2026-11-28T10:00:00Z",
        ),
    ]
}

fn order(s: &AppState) -> Vec<String> {
    s.visible_deployments()
        .iter()
        .map(|d| d.id.clone())
        .collect()
}

fn selected(s: &AppState) -> String {
    s.selected_deployment().unwrap().id.clone()
}

#[test]
fn deployments_sort_by_rate_uptime_spent_name_and_status_with_unknown_last() {
    let mut s = ready(vec![vp_cluster()], 500.0);
    s.deployment_filter = spheron_tui::api::DeploymentFilter::All;
    update(&mut s, Action::DeploymentsLoaded(Ok(four().into())));
    chr(&mut s, '2');
    assert_eq!(
        order(&s),
        ["d1", "d2", "d3", "d4"],
        "listed: the API's order"
    );
    assert!(render(&s).contains("sort listed ↑"), "{}", render(&s));

    chr(&mut s, 's');
    assert_eq!(order(&s), ["d2", "d4", "d1", "d3"], "$/h, unknown last");
    assert!(render(&s).contains("sort $/h ↑"));
    chr(&mut s, 'S');
    assert_eq!(
        order(&s),
        ["d1", "d4", "d2", "d3"],
        "$/h ↓, unknown still last"
    );
    chr(&mut s, 'S');

    chr(&mut s, 's');
    // uptime: a deploying one has none shown, so it goes last
    assert_eq!(order(&s), ["d1", "d4", "d3", "d2"], "uptime");
    chr(&mut s, 's');
    // spent: d2 $0.08 so far, d1 and d4 $2.00 each (a tie keeps the API's order), d3 unknown
    assert_eq!(order(&s), ["d2", "d1", "d4", "d3"], "spent");
    chr(&mut s, 's');
    assert_eq!(order(&s), ["d4", "d2", "d1", "d3"], "name, case aside");
    chr(&mut s, 's');
    assert_eq!(
        order(&s),
        ["d1", "d3", "d2", "d4"],
        "status: running, deploying, failed"
    );
    chr(&mut s, 's');
    assert_eq!(
        order(&s),
        ["d1", "d2", "d3", "d4"],
        "back to the API's order"
    );
}

#[test]
fn the_deployments_sort_survives_a_refresh_and_keeps_the_selection() {
    let mut s = ready(vec![vp_cluster()], 500.0);
    s.deployment_filter = spheron_tui::api::DeploymentFilter::All;
    update(&mut s, Action::DeploymentsLoaded(Ok(four().into())));
    chr(&mut s, '2');
    chr(&mut s, 's'); // $/h
    assert_eq!(selected(&s), "d1", "the selection follows its deployment");
    chr(&mut s, 'g');
    key(&mut s, crossterm::event::KeyCode::Down);
    assert_eq!(selected(&s), "d4");
    // The next answer lists them in another order: the sort holds, d4 stays selected.
    let mut again = four();
    again.reverse();
    update(&mut s, Action::DeploymentsLoaded(Ok(again.into())));
    assert_eq!(order(&s), ["d2", "d4", "d1", "d3"]);
    assert_eq!(selected(&s), "d4");
    // Reversing keeps it selected too, at its new place.
    chr(&mut s, 'S');
    assert_eq!(selected(&s), "d4");
    assert_eq!(order(&s)[1], "d4");
    // Time passing moves no row under the cursor.
    let later = s.now + chrono::Duration::hours(3);
    update(&mut s, Action::Now(later));
    assert_eq!(selected(&s), "d4");
}

#[test]
fn volumes_show_30_days_beside_the_hour_and_what_the_api_says_of_mounting() {
    let mut s = ready(vec![vp_cluster()], 500.0);
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![running("d1", "train-run")].into())),
    );
    let vols: Vec<spheron_tui::api::Volume> = [
        serde_json::json!({"id": "v1", "name": "shared", "provider": "voltage-park",
            "region": "culpeper-usa-1", "sizeInGb": 2000, "hourlyRate": 0.24,
            "status": "attached", "deploymentId": "d1", "virtualIp": "10.20.0.7"}),
        serde_json::json!({"id": "v2", "name": "nopriced", "provider": "spheron-ai",
            "region": "us-east-1", "sizeInGb": 100, "status": "available"}),
    ]
    .into_iter()
    .map(|v| spheron_tui::api::decode(v).unwrap())
    .collect();
    update(&mut s, Action::VolumesLoaded(Ok(vols.into())));
    chr(&mut s, '3');
    let screen = render(&s);
    let line = |name: &str| {
        screen
            .lines()
            .find(|l| l.contains(name))
            .unwrap()
            .to_string()
    };
    assert!(screen.contains("$/30d"), "{screen}");
    assert!(
        line("shared").contains("$0.24") && line("shared").contains("$172.80"),
        "{screen}"
    );
    assert!(line("shared").contains("NFS 10.20.0.7"), "{screen}");
    // unknown stays unknown: never $0.00
    assert_eq!(line("nopriced").matches(" ?").count(), 2, "{screen}");
    assert!(!line("nopriced").contains("$0.00"), "{screen}");
    // details: the cost over 30 days, and that the API gives no mount path
    enter(&mut s);
    let details = render(&s);
    assert!(
        details.contains("$0.24/h · $172.80 per 30 days"),
        "{details}"
    );
    assert!(details.contains("10.20.0.7 (mount over NFS)"), "{details}");
    assert!(
        details.contains("mount path    not given by the API"),
        "{details}"
    );
}

/// The demo at `cols`×`rows` on `pane`, with a guard countdown on the cluster's row.
async fn demo_screen(pane: char, cols: u16, rows: u16) -> String {
    let mut h = support::harness::Harness::new().await;
    h.state.size = (cols, rows);
    if let Some(d) = h
        .state
        .deployments
        .items
        .iter()
        .find(|d| d.name == "k8s-training-cluster")
    {
        let id = d.id.clone();
        h.state.guard.rows.insert(id, "⏱1h26m".into());
    }
    h.press(&pane.to_string()).await;
    spheron_tui::runtime::snapshot::render(
        &h.state,
        cols,
        rows,
        spheron_tui::runtime::SnapshotFormat::Text,
        &spheron_tui::ui::Theme::default(),
    )
    .unwrap()
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(r"resets \d+s", "resets [N]s");
    s.add_filter(r"budget \d+/\d+", "budget [N]/[N]");
    s
}

/// The table's header row.
fn header<'a>(screen: &'a str, first: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.starts_with(&format!("│{first}")))
        .unwrap_or_else(|| panic!("no header starting {first}:\n{screen}"))
}

#[tokio::test]
async fn narrow_panes_keep_type_names_and_the_runway() {
    let offers = demo_screen('1', 64, 20).await;
    let head = header(&offers, "GPU");
    assert!(head.contains("Type"), "{offers}");
    assert!(
        !head.contains("Region") && !head.contains("vCPU"),
        "{offers}"
    );
    assert!(offers.contains(" S ") && offers.contains(" D "), "{offers}");

    let deps = demo_screen('2', 64, 20).await;
    assert!(header(&deps, "Name").contains("Type"), "{deps}");
    assert!(!header(&deps, "Name").contains("Region"), "{deps}");
    // the guarded name keeps 12 letters after its countdown
    assert!(deps.contains("⏱1h26m k8s-training"), "{deps}");
    for name in [
        "notebook-409",
        "sdxl-batch-s",
        "llm-finetune",
        "grant-eval-a",
    ] {
        assert!(deps.contains(name), "{name} cut short:\n{deps}");
    }

    let vols = demo_screen('3', 64, 20).await;
    assert!(vols.contains("shared-model"), "{vols}");

    // at 80×24 a GPU model's name is whole (H100 SXM5 and H100 NVL must not both read `H100 SX…`)
    let deps = demo_screen('2', 80, 24).await;
    assert!(header(&deps, "Name").contains("GPU"), "{deps}");
    for gpu in ["RTX 4090", "A100 80GB", "H100 SXM5"] {
        assert!(deps.contains(gpu), "{gpu} cut short:\n{deps}");
    }

    let account = demo_screen('5', 64, 20).await;
    assert!(account.contains("~64 days"), "{account}");
    assert!(account.contains("Runway"), "{account}");
    // the runway's line wraps, whole, on the rows the notes of the lines above gave up
    let summary: String = account.lines().take(9).collect::<Vec<_>>().join(" ");
    assert!(
        summary.contains("Demo Lab runs out in ~5.2 h — add credit soon,")
            && summary.contains("balance lasts ~30.6 h at this rate (all teams)"),
        "{account}"
    );
    // each amount keeps its scope: the balance is one team's, the burn and spend every team's
    assert!(summary.contains("in Demo Lab"), "{account}");
    for line in ["Burn rate", "Spent today"] {
        let l = account.lines().find(|l| l.contains(line)).unwrap();
        assert!(
            l.contains(" all teams"),
            "{line} without its scope:\n{account}"
        );
    }
}

#[tokio::test]
async fn wide_panes_size_columns_from_their_text_and_cut_no_name() {
    let offers = demo_screen('1', 160, 45).await;
    let head = header(&offers, "GPU");
    // the GPU column is as wide as its longest name (RTX PRO 6000 PCIe), plus a gap of 3
    let gap = head.find("Provider").unwrap() - head.find("GPU").unwrap();
    assert!(gap <= "RTX PRO 6000 PCIe".len() + 3, "{gap}:\n{offers}");
    let deps = demo_screen('2', 160, 45).await;
    assert!(deps.contains("⏱1h26m k8s-training-cluster "), "{deps}");
    let vols = demo_screen('3', 160, 45).await;
    // a volume attached to an ended deployment names it (read by id), never only its id
    assert!(vols.contains("eval-h100-sesterce (terminated)"), "{vols}");
    assert!(!vols.contains("dep_"), "{vols}");
    for screen in [&offers, &deps, &vols] {
        let cut = screen
            .lines()
            .any(|l| l.starts_with('│') && l.contains('…'));
        assert!(!cut, "nothing in a table is cut at 160 columns:\n{screen}");
    }
}

#[tokio::test]
async fn panes_at_64x20_80x24_and_160x45() {
    for (cols, rows) in [(64, 20), (80, 24), (160, 45)] {
        for (key, name) in [
            ('1', "offers"),
            ('2', "deployments"),
            ('3', "volumes"),
            ('5', "account"),
        ] {
            let screen = demo_screen(key, cols, rows).await;
            settings().bind(|| {
                insta::assert_snapshot!(format!("{name}_{cols}x{rows}"), screen);
            });
        }
    }
}
