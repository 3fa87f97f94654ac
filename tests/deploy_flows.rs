//! Deploy → watch → connect → rename → terminate, as reducer flows: Actions in, state and
//! Commands out. No terminal, no network, no clock.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use chrono::Duration;
use crossterm::event::KeyCode;
use serde_json::json;
use spheron_tui::api::{
    ApiError, CanTerminate, Completeness, DeploymentStatus, Gap, InstanceType, KubernetesVersion,
    Listing, decode,
};
use spheron_tui::app::dialogs::deploy::{Phase, SshSel, Step};
use spheron_tui::app::dialogs::terminate::Check;
use spheron_tui::app::dialogs::{Dialog, Op};
use spheron_tui::app::{Action, AppState, Command, Pane, update};
use support::fixtures::*;

fn wizard(s: &AppState) -> &spheron_tui::app::dialogs::deploy::DeployWizard {
    match &s.dialog {
        Some(Dialog::Deploy(w)) => w,
        other => panic!("expected the deploy wizard, got {other:?}"),
    }
}

fn k8s(s: &mut AppState) {
    let v: Vec<KubernetesVersion> = ["1.34", "1.35"]
        .iter()
        .map(|v| decode(json!({ "version": v })).unwrap())
        .collect();
    update(s, Action::KubernetesVersions(Ok(v)));
}

/// Open the wizard on the first offer and accept every default up to the summary.
fn to_summary(s: &mut AppState) {
    chr(s, 'd');
    k8s(s);
    while wizard(s).step() != Step::Summary {
        let before = wizard(s).at;
        enter(s);
        assert_ne!(wizard(s).at, before, "stuck on {:?}", wizard(s).step());
    }
}

fn confirm(s: &mut AppState) -> Vec<Command> {
    confirm_deploy(s)
}

fn new_deployment(id: &str, status: &str) -> spheron_tui::api::Deployment {
    deployment(
        json!({"id": id, "name": "h100-sxm5-x8-voltage-park", "status": status,
        "offerId": "vp-h100-8", "gpuType": "H100_SXM5", "gpuCount": 8, "provider": "voltage-park",
        "instanceType": "CLUSTER", "hourlyRate": 19.37, "createdAt": "2026-11-28T12:00:00Z"}),
    )
}

fn flash(s: &AppState) -> String {
    s.status
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// The wizard

#[test]
fn the_wizard_footer_offers_each_key_only_on_the_step_where_it_acts() {
    let footer = |s: &AppState| render(s).lines().last().unwrap().to_string();
    let mut s = ready(vec![vp_cluster()], 500.0);
    chr(&mut s, 'd');
    k8s(&mut s);
    assert_eq!(wizard(&s).step(), Step::Region);
    let first = footer(&s);
    assert!(first.contains("choose"), "{first}");
    assert!(!first.contains("select volume"), "{first}");
    assert!(!first.contains("y deploy"), "{first}");
    // the footer on every step but the summary offers no deploy
    while wizard(&s).step() != Step::Summary {
        let f = footer(&s);
        assert!(!f.contains("y deploy"), "{:?}: {f}", wizard(&s).step());
        assert_eq!(
            f.contains("select volume"),
            wizard(&s).step() == Step::Volumes,
            "{:?}: {f}",
            wizard(&s).step()
        );
        enter(&mut s);
    }
    let summary = footer(&s);
    assert!(summary.contains("y deploy"), "{summary}");
    assert!(!summary.contains("choose"), "{summary}");
    // once sent, no second deploy is offered
    confirm(&mut s);
    assert!(!footer(&s).contains("y deploy"));
}

#[test]
fn the_wizard_loads_what_it_needs_and_offers_only_that_offers_choices() {
    let mut s = AppState::new(session(false), t0());
    update(&mut s, Action::Start(t0()));
    let seq = s.offers.seq;
    update(
        &mut s,
        Action::OffersLoaded {
            seq,
            page: 1,
            result: Ok(page(vec![vp_cluster()])),
        },
    );
    let cmds = chr(&mut s, 'd');
    assert!(cmds.iter().any(|c| matches!(c, Command::FetchKeys)));
    assert!(cmds.iter().any(|c| matches!(c, Command::ScanPubKeys)));
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::FetchKubernetesVersions))
    );
    assert_eq!(deploys(&cmds), 0);
    let w = wizard(&s);
    assert_eq!(
        w.steps,
        vec![
            Step::Region,
            Step::Os,
            Step::Ssh,
            Step::Team,
            Step::Name,
            Step::CloudInit,
            Step::Volumes,
            Step::Kubernetes,
            Step::Guard,
            Step::Summary
        ]
    );
    // A SPOT spheron-ai offer without cloud-init: no cloud-init step, no add-on step.
    let mut s = ready(vec![spot_offer()], 50.0);
    let cmds = chr(&mut s, 'd');
    assert!(
        !cmds
            .iter()
            .any(|c| matches!(c, Command::FetchKubernetesVersions))
    );
    assert!(!cmds.iter().any(|c| matches!(c, Command::FetchKeys))); // already loaded
    assert_eq!(
        wizard(&s).steps,
        vec![
            Step::Region,
            Step::Os,
            Step::Ssh,
            Step::Team,
            Step::Name,
            Step::Volumes,
            Step::Guard,
            Step::Summary
        ]
    );
    // Region list stops at the offer's regions.
    for _ in 0..5 {
        chr(&mut s, 'j');
    }
    assert_eq!(wizard(&s).region(), "us-east-1");
}

/// The summary's action opens the one confirm, carrying the resolved request and the spend
/// now → after; `n` and Enter on Cancel send nothing; `y` sends that request once, and the
/// wizard awaits the answer.
#[test]
fn the_deploy_goes_through_the_one_confirm_and_sends_one_post() {
    let mut s = ready(vec![vp_cluster()], 500.0);
    to_summary(&mut s);
    assert_eq!(deploys(&chr(&mut s, 'y')), 0);
    let Some(Dialog::Confirm(c)) = &s.dialog else {
        panic!("{:?}", s.dialog)
    };
    let Op::Deploy(shown) = &c.op else {
        panic!("{:?}", c.op)
    };
    let shown = shown.clone();
    assert_eq!(shown.offer_id, "vp-h100-8");
    assert!(!c.on_action, "focus starts on Cancel");
    let spend = c.spend.expect("the deploy changes the spend");
    let added = spend.after.value().unwrap() - spend.now.value().unwrap();
    assert!(added > 0.0, "{spend:?}");
    // Enter on Cancel: back to the summary, nothing sent; the same again with `n`.
    assert_eq!(deploys(&enter(&mut s)), 0);
    assert_eq!(wizard(&s).step(), Step::Summary);
    chr(&mut s, 'y');
    assert_eq!(deploys(&chr(&mut s, 'n')), 0);
    assert_eq!(wizard(&s).step(), Step::Summary);
    chr(&mut s, 'y');
    let cmds = chr(&mut s, 'y');
    assert_eq!(deploys(&cmds), 1);
    let Some(Command::Deploy { request }) = cmds.first() else {
        panic!("{cmds:?}")
    };
    assert_eq!(**request, *shown, "the request the confirm showed");
    assert_eq!(wizard(&s).phase, Phase::Sending);
    assert!(s.deploy.in_flight);
    // Nothing more while it is out.
    for c in ['y', 'y', '\n'] {
        assert_eq!(deploys(&chr(&mut s, c)), 0);
    }
}

/// The wizard's `Esc` hint says what it does on each step: close on the first step only,
/// back on the others (in the dialog's hint line and in the footer).
#[test]
fn the_wizard_says_esc_closes_on_the_first_step_only() {
    use spheron_tui::app::keys::hints::{dialog_footer, dialog_line};
    let esc = |s: &AppState| {
        let d = s.dialog.as_ref().unwrap();
        let footer: Vec<String> = dialog_footer(d, s)
            .into_iter()
            .filter(|(k, _)| k == "Esc")
            .map(|(_, h)| h.to_string())
            .collect();
        (dialog_line(d, s), footer)
    };
    let mut s = ready(vec![vp_cluster()], 500.0);
    chr(&mut s, 'd');
    assert_eq!(wizard(&s).at, 0);
    let (line, footer) = esc(&s);
    assert!(line.ends_with("Esc close"), "{line}");
    assert_eq!(footer, ["close"]);
    enter(&mut s);
    assert_eq!(wizard(&s).at, 1);
    let (line, footer) = esc(&s);
    assert!(line.ends_with("Esc back"), "{line}");
    assert_eq!(footer, ["back"]);
    // Esc does what it said: back a step, then closed from the first.
    key(&mut s, KeyCode::Esc);
    assert_eq!(wizard(&s).at, 0);
    key(&mut s, KeyCode::Esc);
    assert!(s.dialog.is_none());
    to_summary(&mut s);
    assert!(esc(&s).0.ends_with("Esc back"));
    key(&mut s, KeyCode::Esc);
    assert_eq!(wizard(&s).step(), Step::Guard);
}

/// `Esc` on the deploy's confirm goes back to the summary with everything typed kept.
#[test]
fn esc_on_the_deploy_confirm_returns_to_the_summary_with_the_inputs() {
    let mut s = ready(vec![vp_cluster()], 500.0);
    to_summary(&mut s);
    key(&mut s, KeyCode::Esc);
    assert_eq!(wizard(&s).step(), Step::Guard);
    type_text(&mut s, "8h");
    enter(&mut s);
    assert_eq!(wizard(&s).step(), Step::Summary);
    let before = format!("{:?}", wizard(&s));
    chr(&mut s, 'y');
    assert!(matches!(&s.dialog, Some(Dialog::Confirm(c)) if matches!(c.op, Op::Deploy(_))));
    assert_eq!(deploys(&key(&mut s, KeyCode::Esc)), 0);
    assert_eq!(wizard(&s).step(), Step::Summary);
    assert_eq!(wizard(&s).guard.value(), "8h");
    assert_eq!(format!("{:?}", wizard(&s)), before);
}

/// The confirm sends the request it showed: if the choices resolve to another one meanwhile
/// (the Kubernetes versions reloaded in another order), nothing is sent and the summary asks
/// for a new confirm.
#[test]
fn the_deploy_confirm_sends_nothing_when_the_request_changed_meanwhile() {
    let mut s = ready(vec![vp_cluster()], 500.0);
    to_summary(&mut s);
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Esc);
    assert_eq!(wizard(&s).step(), Step::Kubernetes);
    chr(&mut s, 'j'); // 1.34
    enter(&mut s);
    enter(&mut s);
    assert_eq!(wizard(&s).step(), Step::Summary);
    chr(&mut s, 'y');
    let v: Vec<KubernetesVersion> = ["1.33", "1.34"]
        .iter()
        .map(|v| decode(json!({ "version": v })).unwrap())
        .collect();
    update(&mut s, Action::KubernetesVersions(Ok(v)));
    assert_eq!(deploys(&chr(&mut s, 'y')), 0);
    assert_eq!(wizard(&s).step(), Step::Summary);
    assert!(wizard(&s).error.as_ref().unwrap().contains("confirm again"));
    assert!(!s.deploy.in_flight);
    // A new confirm sends what it now shows.
    chr(&mut s, 'y');
    assert_eq!(deploys(&chr(&mut s, 'y')), 1);
}

/// Read-only: the summary opens no confirm and says why in the one wording.
#[test]
fn a_read_only_deploy_is_refused_in_the_one_wording_before_any_confirm() {
    let mut s = ready(vec![vp_cluster()], 500.0);
    to_summary(&mut s);
    s.session.read_only = true;
    let why = spheron_tui::app::dialogs::read_only_refusal("the deploy");
    let sum = spheron_tui::app::dialogs::deploy::summary(&s, wizard(&s));
    assert_eq!(sum.blocked.as_deref(), Some(why.as_str()));
    assert!(
        render(&s).contains("No deploy: Read-only mode"),
        "{}",
        render(&s)
    );
    assert_eq!(deploys(&chr(&mut s, 'y')), 0);
    assert!(
        matches!(s.dialog, Some(Dialog::Deploy(_))),
        "no confirm opens"
    );
}

#[test]
fn a_confirmed_deploy_sends_one_post_built_from_the_one_offer() {
    let mut s = ready(vec![vp_cluster()], 120.0);
    chr(&mut s, 'd');
    k8s(&mut s);
    chr(&mut s, 'j'); // second region
    enter(&mut s);
    chr(&mut s, 'j'); // Ubuntu 24.04
    enter(&mut s);
    // SSH: saved keys, then the readable local key (the broken file is not offered), then paste
    // (typing there starts a pasted key: the arrows move).
    assert_eq!(wizard(&s).ssh, Some(SshSel::Saved("k1".into())));
    key(&mut s, KeyCode::Down);
    key(&mut s, KeyCode::Down);
    assert_eq!(
        wizard(&s).ssh,
        Some(SshSel::Local("/home/me/.ssh/id_ed25519.pub".into()))
    );
    enter(&mut s);
    assert_eq!(wizard(&s).team.as_deref(), Some("t1")); // the current team
    enter(&mut s);
    key(&mut s, KeyCode::Char('u'));
    update(
        &mut s,
        Action::Key(crossterm::event::KeyEvent::new(
            KeyCode::Char('u'),
            crossterm::event::KeyModifiers::CONTROL,
        )),
    );
    type_text(&mut s, "trainer");
    enter(&mut s);
    // Cloud-init: packages, a command, a file; Tab moves between fields.
    type_text(&mut s, "htop, nvtop");
    enter(&mut s);
    key(&mut s, KeyCode::Tab);
    type_text(&mut s, "nvidia-smi > /root/gpus.txt");
    enter(&mut s);
    key(&mut s, KeyCode::Tab);
    type_text(&mut s, "/etc/motd=hello\\nworld");
    enter(&mut s);
    enter(&mut s); // empty: next step
    assert_eq!(wizard(&s).step(), Step::Volumes);
    // Region 2 is dallas: only the dallas voltage-park volume is offered.
    key(&mut s, KeyCode::Char(' '));
    assert_eq!(wizard(&s).volumes, vec!["v3".to_string()]);
    enter(&mut s);
    chr(&mut s, 'j');
    chr(&mut s, 'j'); // Kubernetes 1.35
    enter(&mut s);
    // The spend guard: a typo is shown on the step; 8h goes.
    assert_eq!(wizard(&s).step(), Step::Guard);
    type_text(&mut s, "soon");
    enter(&mut s);
    assert_eq!(wizard(&s).step(), Step::Guard);
    // How to type a guard; that empty means none is the step's help line, said once.
    assert_eq!(
        wizard(&s).error.as_deref(),
        Some("`soon` is not a guard: type 8h, 1h30m, 18:00, $50 or idle 30m")
    );
    let screen = render(&s);
    assert_eq!(screen.matches("no guard").count(), 1, "{screen}");
    assert!(!screen.contains("empty clears"), "{screen}");
    for _ in 0..4 {
        key(&mut s, KeyCode::Backspace);
    }
    type_text(&mut s, "8h");
    enter(&mut s);
    assert_eq!(wizard(&s).step(), Step::Summary);
    // Focus starts on Back: Enter goes back, nothing is sent.
    assert_eq!(deploys(&enter(&mut s)), 0);
    assert_eq!(wizard(&s).step(), Step::Guard);
    enter(&mut s);
    key(&mut s, KeyCode::Tab);
    // The summary's action opens the one confirm (focus on Cancel); Enter on its action sends.
    assert_eq!(deploys(&enter(&mut s)), 0);
    assert!(
        matches!(&s.dialog, Some(Dialog::Confirm(c)) if !c.on_action),
        "{:?}",
        s.dialog
    );
    key(&mut s, KeyCode::Tab);
    let cmds = enter(&mut s);
    assert_eq!(deploys(&cmds), 1);
    let Some(Command::Deploy { request: r }) = cmds.first() else {
        panic!("{cmds:?}")
    };
    assert!(Command::Deploy { request: r.clone() }.is_write());
    assert_eq!(r.provider, "voltage-park");
    assert_eq!(r.offer_id, "vp-h100-8");
    assert_eq!(r.gpu_type, "H100_SXM5");
    assert_eq!(r.gpu_count, 8);
    assert_eq!(r.region, "a7f3:dallas-usa-2");
    assert_eq!(r.operating_system, "Ubuntu 24.04");
    assert_eq!(r.instance_type, InstanceType::Cluster);
    assert_eq!(r.ssh_public_key.as_deref(), Some(PUB));
    assert_eq!(r.ssh_key_id, None);
    assert_eq!(r.team_id.as_deref(), Some("t1"));
    assert_eq!(r.name.as_deref(), Some("trainer"));
    let ci = r.cloud_init.as_ref().unwrap();
    assert_eq!(ci.packages, vec!["htop", "nvtop"]);
    assert_eq!(ci.runcmd, vec!["nvidia-smi > /root/gpus.txt"]);
    assert_eq!(ci.write_files[0].path, "/etc/motd");
    assert_eq!(ci.write_files[0].content, "hello\nworld");
    assert_eq!(r.volume_ids, vec!["v3"]);
    assert_eq!(r.kubernetes_addon.as_ref().unwrap().version, "1.35");
    assert_eq!(wizard(&s).phase, Phase::Sending);

    // The answer: shown at once as deploying, selected, watched, on the Deployments pane.
    let later = t0() + Duration::seconds(12);
    update(&mut s, Action::Tick(later));
    let cmds = update(
        &mut s,
        Action::Deployed(Ok(new_deployment("dep-new", "deploying"))),
    );
    assert!(s.dialog.is_none());
    assert_eq!(s.pane, Pane::Deployments);
    assert_eq!(s.selected_deployment().unwrap().id, "dep-new");
    assert_eq!(
        s.selected_deployment().unwrap().status,
        DeploymentStatus::Deploying
    );
    assert!(s.arrivals.contains_key("dep-new"));
    assert!(flash(&s).contains("Deploying"));
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::FetchDeployments { .. }))
    );
    assert_eq!(deploys(&cmds), 0);
    // The guard typed in the wizard is set on the new deployment, counted from its answer.
    let guard = cmds.iter().find_map(|c| match c {
        Command::SetGuard { rule: r, .. } => Some(r.clone()),
        _ => None,
    });
    let guard = guard.expect("the wizard's guard is stored");
    assert_eq!(guard.deployment_id, "dep-new");
    assert_eq!(
        guard.rule,
        spheron_tui::domain::guard::GuardRule::Deadline(later + Duration::hours(8))
    );
}

#[test]
fn a_400_shows_the_field_and_keeps_everything_typed() {
    let mut s = ready(vec![vp_cluster()], 120.0);
    chr(&mut s, 'd');
    k8s(&mut s);
    for _ in 0..4 {
        enter(&mut s);
    }
    type_text(&mut s, "-v2");
    while wizard(&s).step() != Step::Summary {
        enter(&mut s);
    }
    assert_eq!(deploys(&confirm(&mut s)), 1);
    let cmds = update(
        &mut s,
        Action::Deployed(Err(err::validation(
            Some("operatingSystem"),
            "Unsupported operating system",
        ))),
    );
    assert!(cmds.is_empty());
    let w = wizard(&s);
    assert_eq!(w.phase, Phase::Editing);
    assert_eq!(w.step(), Step::Os);
    assert_eq!(w.error_step, Some(Step::Os));
    assert!(
        w.error
            .as_ref()
            .unwrap()
            .contains("Unsupported operating system")
    );
    assert_eq!(w.name.value(), "h100-sxm5-x8-voltage-park-v2");
    assert!(!s.deploy.in_flight);
    // Fixing it and confirming again sends again (a new, explicit confirm).
    while wizard(&s).step() != Step::Summary {
        enter(&mut s);
    }
    assert!(wizard(&s).error.is_none());
    assert_eq!(deploys(&confirm(&mut s)), 1);
}

#[test]
fn definite_refusals_keep_the_wizard_and_send_nothing_more() {
    for e in [
        err::unauthorized(),
        err::forbidden(),
        err::not_found(),
        err::read_only(),
        err::http(409),
        err::invalid_input(),
        err::validation(None, "Team ID is required"),
    ] {
        let mut s = ready(vec![vp_cluster()], 120.0);
        to_summary(&mut s);
        assert_eq!(deploys(&confirm(&mut s)), 1);
        let cmds = update(&mut s, Action::Deployed(Err(e.clone())));
        assert!(cmds.is_empty(), "{e:?}: {cmds:?}");
        let w = wizard(&s);
        assert_eq!(w.phase, Phase::Editing, "{e:?}");
        assert_eq!(w.step(), Step::Summary);
        assert!(
            w.error.as_ref().unwrap().contains("nothing was created"),
            "{e:?}"
        );
        assert!(s.deploy.check.is_none());
        assert!(!matches!(s.dialog, Some(Dialog::KeyPrompt(_))));
    }
}

#[test]
fn a_429_on_deploy_holds_the_button_until_retry_after() {
    let mut s = ready(vec![vp_cluster()], 120.0);
    to_summary(&mut s);
    confirm(&mut s);
    update(&mut s, Action::Deployed(Err(err::rate_limited(90))));
    assert!(wizard(&s).error.as_ref().unwrap().contains("Wait 90s"));
    update(&mut s, Action::Tick(t0() + Duration::seconds(60)));
    let cmds = confirm(&mut s);
    assert_eq!(deploys(&cmds), 0);
    let sum = spheron_tui::app::dialogs::deploy::summary(&s, wizard(&s));
    assert!(sum.blocked.unwrap().contains("rate-limited"));
    update(&mut s, Action::Tick(t0() + Duration::seconds(91)));
    assert_eq!(deploys(&confirm(&mut s)), 1);
}

#[test]
fn unclear_failures_read_the_list_and_find_the_created_deployment() {
    for e in [
        err::server(),
        err::network(),
        err::timeout(),
        err::decode(),
        err::redirect(),
    ] {
        let mut s = ready(vec![vp_cluster()], 120.0);
        update(&mut s, Action::Tick(t0() + Duration::seconds(30)));
        update(
            &mut s,
            Action::DeploymentsLoaded(Ok(vec![running("old", "old")].into())),
        );
        to_summary(&mut s);
        assert_eq!(deploys(&confirm(&mut s)), 1);
        update(&mut s, Action::Tick(t0() + Duration::seconds(45)));
        let cmds = update(&mut s, Action::Deployed(Err(e.clone())));
        assert_eq!(deploys(&cmds), 0, "{e:?}");
        // The list is read in full (a deployment that failed at once must be seen too).
        assert!(
            matches!(&cmds[..], [Command::FetchDeployments { status: None, .. }]),
            "{e:?}: {cmds:?}"
        );
        assert_eq!(wizard(&s).phase, Phase::Checking);
        // Keys cannot resend while checking.
        for k in ['y', 'y', '\n'] {
            assert_eq!(deploys(&chr(&mut s, k)), 0);
        }
        let cmds = update(
            &mut s,
            Action::DeploymentsLoaded(Ok(vec![
                running("old", "old"),
                new_deployment("dep-x", "deploying"),
            ]
            .into())),
        );
        assert_eq!(deploys(&cmds), 0);
        assert!(s.dialog.is_none(), "{e:?}");
        assert_eq!(s.selected_deployment().unwrap().id, "dep-x");
        assert!(flash(&s).contains("NOT retrying"), "{}", flash(&s));
        assert!(s.arrivals.contains_key("dep-x"));
    }
}

#[test]
fn unclear_failure_with_nothing_created_offers_a_retry_that_must_be_confirmed() {
    let mut s = ready(vec![vp_cluster()], 120.0);
    update(&mut s, Action::Tick(t0() + Duration::seconds(30))); // a poll goes out…
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![].into()))); // …and comes back
    to_summary(&mut s);
    confirm(&mut s);
    update(&mut s, Action::Tick(t0() + Duration::seconds(45)));
    let cmds = update(&mut s, Action::Deployed(Err(err::timeout())));
    assert!(matches!(
        &cmds[..],
        [Command::FetchDeployments { status: None, .. }]
    ));
    // An old deployment of the same offer is not "the new one".
    let mut old = new_deployment("dep-old", "terminated");
    old.created_at = Some(t0() - Duration::days(2));
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![old].into())));
    let w = wizard(&s);
    assert!(matches!(&w.phase, Phase::NotCreated { error } if error.contains("was not created")));
    assert!(!w.on_action, "focus starts on Cancel");
    // Enter on Cancel goes back to the summary: nothing sent.
    assert_eq!(deploys(&enter(&mut s)), 0);
    assert_eq!(wizard(&s).phase, Phase::Editing);
    // The summary's own confirm is a new, explicit confirm: exactly one POST.
    let cmds = confirm(&mut s);
    assert_eq!(deploys(&cmds), 1);
    update(&mut s, Action::Deployed(Err(err::server())));
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![].into())));
    assert!(matches!(wizard(&s).phase, Phase::NotCreated { .. }));
    key(&mut s, KeyCode::Tab);
    assert_eq!(deploys(&enter(&mut s)), 1);
}

#[test]
fn a_list_already_in_flight_when_the_post_failed_is_not_trusted_to_say_no() {
    let mut s = ready(vec![vp_cluster()], 120.0);
    to_summary(&mut s);
    confirm(&mut s);
    // A poll goes out while the POST is on the wire.
    let c = update(&mut s, Action::Tick(t0() + Duration::seconds(25)));
    assert!(
        c.iter()
            .any(|c| matches!(c, Command::FetchDeployments { .. }))
    );
    let cmds = update(&mut s, Action::Deployed(Err(err::network())));
    assert!(cmds.is_empty(), "one list request at a time: {cmds:?}");
    // That answer does not show it: not enough to say "not created"; read again.
    let cmds = update(&mut s, Action::DeploymentsLoaded(Ok(vec![].into())));
    assert_eq!(wizard(&s).phase, Phase::Checking);
    let cmds = if cmds.is_empty() {
        update(&mut s, Action::Tick(t0() + Duration::seconds(35)))
    } else {
        cmds
    };
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::FetchDeployments { status: None, .. }))
    );
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![].into())));
    assert!(matches!(wizard(&s).phase, Phase::NotCreated { .. }));
}

#[test]
fn when_the_list_cannot_be_read_it_says_unknown_and_r_reads_again() {
    let mut s = ready(vec![vp_cluster()], 120.0);
    update(&mut s, Action::Tick(t0() + Duration::seconds(30)));
    to_summary(&mut s);
    confirm(&mut s);
    update(&mut s, Action::Deployed(Err(err::server())));
    update(&mut s, Action::DeploymentsLoaded(Err(err::server())));
    assert!(
        matches!(&wizard(&s).phase, Phase::Unknown { error } if error.contains("check before retrying") && !error.contains("not created"))
    );
    assert_eq!(deploys(&confirm(&mut s)), 0);
    assert_eq!(deploys(&enter(&mut s)), 0);
    update(&mut s, Action::Tick(t0() + Duration::seconds(45)));
    let cmds = chr(&mut s, 'r');
    assert!(matches!(
        &cmds[..],
        [Command::FetchDeployments { status: None, .. }]
    ));
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![new_deployment("dep-y", "failed")].into())),
    );
    assert!(s.dialog.is_none());
    assert_eq!(s.deployments.selected_id.as_deref(), Some("dep-y"));
}

#[test]
fn an_incomplete_list_never_says_not_created() {
    // Each way a list answer may be missing something: none of them proves the deploy absent.
    let gaps = [
        Gap::Unreadable(1),
        Gap::Pages { read: 100, of: 101 },
        Gap::Truncated {
            expected: 120,
            got: 100,
        },
        Gap::Team {
            team: "t2".into(),
            error: "HTTP 500".into(),
        },
    ];
    for gap in gaps {
        let mut s = ready(vec![vp_cluster()], 120.0);
        update(&mut s, Action::Tick(t0() + Duration::seconds(30)));
        update(&mut s, Action::DeploymentsLoaded(Ok(vec![].into())));
        to_summary(&mut s);
        confirm(&mut s);
        update(&mut s, Action::Deployed(Err(err::timeout())));
        let incomplete =
            Listing::with(vec![running("old", "old")], Completeness::with(gap.clone()));
        update(&mut s, Action::DeploymentsLoaded(Ok(incomplete)));
        let Phase::Unknown { error } = &wizard(&s).phase else {
            panic!("{gap:?}: {:?}", wizard(&s).phase);
        };
        assert!(error.contains("check before retrying"), "{error}");
        assert!(error.contains(&gap.to_string()), "{error}");
        assert!(!error.contains("not created"), "{error}");
        // No retry is offered: neither confirm nor Enter sends anything.
        assert_eq!(deploys(&confirm(&mut s)), 0);
        assert_eq!(deploys(&enter(&mut s)), 0);
        // `r` reads again; a complete list that holds it settles it.
        update(&mut s, Action::Tick(t0() + Duration::seconds(60)));
        chr(&mut s, 'r');
        update(
            &mut s,
            Action::DeploymentsLoaded(Ok(vec![new_deployment("dep-z", "deploying")].into())),
        );
        assert!(s.dialog.is_none(), "{gap:?}");
        assert_eq!(s.deployments.selected_id.as_deref(), Some("dep-z"));
    }
}

#[test]
fn a_team_list_with_an_unreadable_team_never_says_not_created() {
    let mut s = ready(vec![vp_cluster()], 120.0);
    // One team could not be read: its deployments are not read either.
    let teams = spheron_tui::api::decode_list::<spheron_tui::api::Team>(
        json!([{"id": "t1", "name": "Lab", "isDefault": true}, 42]),
        &["teams"],
    )
    .unwrap();
    let teams = Listing::with(teams.rows(), Completeness::with(Gap::Unreadable(1)));
    update(&mut s, Action::TeamsLoaded(Ok(teams)));
    update(&mut s, Action::Tick(t0() + Duration::seconds(30)));
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![].into())));
    to_summary(&mut s);
    confirm(&mut s);
    update(&mut s, Action::Deployed(Err(err::timeout())));
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![].into())));
    let Phase::Unknown { error } = &wizard(&s).phase else {
        panic!("{:?}", wizard(&s).phase);
    };
    assert!(
        error.contains("check before retrying (the list is incomplete: not every team is known (1 item could not be read))"),
        "{error}"
    );
}

#[test]
fn zero_balance_maintenance_and_an_exhausted_deploy_budget_have_no_deploy_button() {
    let mut s = ready(vec![vp_cluster()], 0.0);
    to_summary(&mut s);
    let sum = spheron_tui::app::dialogs::deploy::summary(&s, wizard(&s));
    assert!(sum.blocked.as_ref().unwrap().contains("add credit"));
    assert_eq!(deploys(&confirm(&mut s)), 0);
    // only Back: Tab does not move to a deploy button, Enter goes back to edit
    key(&mut s, KeyCode::Tab);
    assert_eq!(deploys(&enter(&mut s)), 0);
    assert_ne!(wizard(&s).step(), Step::Summary);

    let blocked = |s: &AppState| {
        spheron_tui::app::dialogs::deploy::summary(s, wizard(s))
            .blocked
            .unwrap_or_default()
    };
    let mut s = ready(vec![maintenance_offer()], 50.0);
    to_summary(&mut s);
    assert_eq!(deploys(&confirm(&mut s)), 0);
    assert!(blocked(&s).contains("maintenance"));

    let mut s = ready(vec![vp_cluster()], 120.0);
    s.status.rate.deploy_remaining = Some(0);
    s.status.rate.deploy_limit = Some(10);
    to_summary(&mut s);
    assert_eq!(deploys(&confirm(&mut s)), 0);
    assert!(blocked(&s).contains("0 of 10"));
    s.status.rate.deploy_remaining = Some(3);
    let sum = spheron_tui::app::dialogs::deploy::summary(&s, wizard(&s));
    assert_eq!(sum.deploys_left, Some((3, 10)));
    assert_eq!(deploys(&confirm(&mut s)), 1);
}

#[test]
fn the_summary_adds_instance_volumes_and_addon_for_the_whole_configuration() {
    let mut s = ready(vec![vp_cluster()], 120.0);
    chr(&mut s, 'd');
    k8s(&mut s);
    for _ in 0..6 {
        enter(&mut s);
    }
    assert_eq!(wizard(&s).step(), Step::Volumes);
    key(&mut s, KeyCode::Char(' ')); // datasets: 500 GB × 0.0001
    chr(&mut s, 'j');
    key(&mut s, KeyCode::Char(' ')); // a second one: voltage-park allows one
    assert_eq!(wizard(&s).volumes, vec!["v1".to_string()]);
    assert!(
        wizard(&s)
            .error
            .as_ref()
            .unwrap()
            .contains("allows 1 volume")
    );
    enter(&mut s);
    chr(&mut s, 'j'); // Kubernetes 1.34
    enter(&mut s);
    let sum = spheron_tui::app::dialogs::deploy::summary(&s, wizard(&s));
    let e = sum.estimate;
    assert!(
        (e.instance.unwrap() - 19.37).abs() < 1e-9,
        "discounted, whole configuration"
    );
    assert!((e.volumes.unwrap() - 0.05).abs() < 1e-9);
    assert!((e.addon_per_hour().unwrap() - 0.8).abs() < 1e-9);
    assert_eq!(e.addon.unwrap().gpus, 8);
    assert!((e.for_hours(24.0).unwrap() - 24.0 * (19.37 + 0.05 + 0.8)).abs() < 1e-9);
    // the 20-minute minimum of the instance and its add-on
    assert!((e.minimum_charge().unwrap() - (19.37 + 0.8) / 3.0).abs() < 1e-9);
    assert_eq!(sum.balance, Some(120.0));
    // Volumes already bill (they are in the burn rate); the deploy adds instance + add-on.
    let burn_volumes = 0.05 + 0.1 + 0.01 + 0.01;
    assert!((sum.spend_now.value().unwrap() - burn_volumes).abs() < 1e-9);
    assert!((sum.spend_after.value().unwrap() - (burn_volumes + 19.37 + 0.8)).abs() < 1e-9);
    assert!(sum.blocked.is_none());
}

#[test]
fn an_unpriced_addon_or_offer_is_unknown_and_cannot_be_deployed() {
    // a Voltage Park cluster whose extras do not price the add-on: no $0 fallback
    let mut bare = vp_cluster();
    bare["extras"] = json!({});
    let mut s = ready(vec![bare], 120.0);
    chr(&mut s, 'd');
    k8s(&mut s);
    while wizard(&s).step() != Step::Kubernetes {
        enter(&mut s);
    }
    chr(&mut s, 'j'); // Kubernetes 1.34
    while wizard(&s).step() != Step::Summary {
        enter(&mut s);
    }
    let sum = spheron_tui::app::dialogs::deploy::summary(&s, wizard(&s));
    assert_eq!(sum.estimate.addon_per_hour(), None);
    assert_eq!(sum.estimate.per_hour(), None);
    assert_eq!(sum.spend_after.value(), None);
    assert!(sum.blocked.as_ref().unwrap().contains("Kubernetes"));
    assert_eq!(deploys(&confirm(&mut s)), 0);

    // an offer without a readable price
    let mut unpriced = vp_cluster();
    for k in ["price", "discountedPrice", "originalPrice"] {
        unpriced.as_object_mut().unwrap().remove(k);
    }
    let mut s = ready(vec![unpriced], 120.0);
    to_summary(&mut s);
    let sum = spheron_tui::app::dialogs::deploy::summary(&s, wizard(&s));
    assert_eq!(sum.estimate.minimum_charge(), None);
    assert!(sum.blocked.as_ref().unwrap().contains("price"));
    assert_eq!(deploys(&confirm(&mut s)), 0);
}

#[test]
fn read_only_refuses_every_write_in_the_reducer_and_says_why() {
    let mut s = ready_with(vec![vp_cluster()], 120.0, true);
    to_summary(&mut s);
    let sum = spheron_tui::app::dialogs::deploy::summary(&s, wizard(&s));
    assert!(sum.blocked.as_ref().unwrap().contains("Read-only"));
    assert_eq!(deploys(&confirm(&mut s)), 0);
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Esc);
    s.dialog = None;
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![running("d1", "alpha")].into())),
    );
    chr(&mut s, '2');
    let cmds = chr(&mut s, 'x');
    assert!(cmds.is_empty());
    assert!(s.dialog.is_none());
    assert!(flash(&s).contains("Read-only"));
    let cmds = chr(&mut s, 'e');
    assert!(cmds.is_empty());
    assert!(s.dialog.is_none());
    assert!(flash(&s).contains("rename"));
    // ssh only reads: allowed.
    assert!(matches!(&chr(&mut s, 'o')[..], [Command::OpenSsh { .. }]));
    for c in [
        Command::Terminate { id: "d1".into() },
        Command::RenameDeployment {
            id: "d1".into(),
            name: "x".into(),
        },
    ] {
        assert!(c.is_write());
    }
    for c in [
        Command::CheckCanTerminate { id: "d1".into() },
        Command::FetchKubernetesVersions,
        Command::ScanPubKeys,
        Command::OpenSsh { argv: vec![] },
        Command::ProbeSsh {
            id: "d1".into(),
            host: "h".into(),
            port: 22,
        },
    ] {
        assert!(!c.is_write());
    }
}

#[test]
fn no_key_sequence_after_one_confirm_sends_a_second_deploy() {
    use crossterm::event::{KeyEvent, KeyModifiers};
    let keys = [
        KeyCode::Char('y'),
        KeyCode::Char('n'),
        KeyCode::Char('d'),
        KeyCode::Char('r'),
        KeyCode::Char('1'),
        KeyCode::Char('2'),
        KeyCode::Char(' '),
        KeyCode::Char('j'),
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Up,
        KeyCode::Down,
    ];
    for seed in 0..200u64 {
        let mut s = ready(vec![vp_cluster(), spot_offer()], 120.0);
        to_summary(&mut s);
        let mut total = deploys(&confirm(&mut s));
        assert_eq!(total, 1);
        let mut rng = fastrand::Rng::with_seed(seed);
        for step in 0..120 {
            let code = keys[rng.usize(..keys.len())];
            let cmds = update(&mut s, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
            total += deploys(&cmds);
            assert_eq!(total, 1, "seed {seed}, step {step}: {code:?}");
            if step % 17 == 0 {
                let t = t0() + Duration::seconds(step as i64);
                total += deploys(&update(&mut s, Action::Tick(t)));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Watch

#[test]
fn running_rings_the_bell_shows_ssh_and_probes_until_ready() {
    let mut s = ready(vec![vp_cluster()], 120.0);
    to_summary(&mut s);
    confirm(&mut s);
    update(
        &mut s,
        Action::Deployed(Ok(new_deployment("dep-new", "deploying"))),
    );
    // Elapsed time is live from the moment it appears.
    assert_eq!(
        s.selected_deployment()
            .unwrap()
            .uptime_secs(t0() + Duration::seconds(42)),
        Some(42)
    );
    let mut up = new_deployment("dep-new", "running");
    up.ip_address = Some("203.0.113.7".into());
    up.user = Some("ubuntu".into());
    up.ssh_port = Some(2222);
    let cmds = update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![up.clone()].into())),
    );
    assert!(cmds.iter().any(|c| matches!(c, Command::Bell)));
    assert!(cmds.iter().any(|c| matches!(c,
        Command::ProbeSsh { id, host, port: 2222 } if id == "dep-new" && host == "203.0.113.7")));
    assert!(
        flash(&s).contains("ssh -p 2222 ubuntu@203.0.113.7"),
        "{}",
        flash(&s)
    );
    assert!(flash(&s).contains("203.0.113.7"));
    let d = s.deployments.items[0].clone();
    assert_eq!(
        spheron_tui::app::arrivals::status_label(&s, &d, "running"),
        "running ssh…"
    );
    // Port closed: probed again on the next poll, and no second bell.
    update(
        &mut s,
        Action::SshProbed {
            id: "dep-new".into(),
            ok: false,
        },
    );
    let cmds = update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![up.clone()].into())),
    );
    assert!(!cmds.iter().any(|c| matches!(c, Command::Bell)));
    assert!(cmds.iter().any(|c| matches!(c, Command::ProbeSsh { .. })));
    update(
        &mut s,
        Action::SshProbed {
            id: "dep-new".into(),
            ok: true,
        },
    );
    assert!(flash(&s).contains("ssh ready"));
    assert_eq!(
        spheron_tui::app::arrivals::status_label(&s, &d, "running"),
        "running ssh✓"
    );
    // Ready: no more probes.
    let cmds = update(&mut s, Action::DeploymentsLoaded(Ok(vec![up].into())));
    assert!(!cmds.iter().any(|c| matches!(c, Command::ProbeSsh { .. })));
}

/// The row of `name` on the Deployments pane.
fn row_of(s: &AppState, name: &str) -> String {
    let screen = render(s);
    screen
        .lines()
        .find(|l| l.contains(name))
        .unwrap_or_else(|| panic!("no row {name}:\n{screen}"))
        .to_string()
}

/// Deploying: the status cell counts the time since it was created and Uptime is empty;
/// running: Uptime counts from the API's start time. The column never shows 48 s, then 8 s.
#[test]
fn a_deploying_row_shows_elapsed_time_and_uptime_never_goes_back() {
    let mut s = ready(vec![vp_cluster()], 120.0);
    to_summary(&mut s);
    confirm(&mut s);
    update(
        &mut s,
        Action::Deployed(Ok(new_deployment("dep-new", "deploying"))),
    );
    update(&mut s, Action::Tick(t0() + Duration::seconds(48)));
    let row = row_of(&s, "h100-sxm5-x8");
    assert!(row.contains("deploying 48s"), "{row}");
    assert_eq!(
        row.matches("48s").count(),
        1,
        "no uptime while deploying: {row}"
    );
    let mut up = new_deployment("dep-new", "running");
    up.started_at = Some(t0() + Duration::seconds(40));
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![up].into())));
    let row = row_of(&s, "h100-sxm5-x8");
    assert!(row.contains("running ssh…"), "{row}");
    assert!(row.contains(" 8s "), "uptime from startedAt: {row}");
    update(&mut s, Action::Tick(t0() + Duration::seconds(60)));
    let row = row_of(&s, "h100-sxm5-x8");
    assert!(row.contains(" 20s "), "{row}");
}

#[test]
fn the_first_load_announces_nothing() {
    let mut s = AppState::new(session(false), t0());
    update(&mut s, Action::Start(t0()));
    let cmds = update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![running("d1", "alpha")].into())),
    );
    // Only its SSH readiness is asked (as for every running deployment): no bell, no message.
    assert!(
        cmds.iter().all(|c| matches!(c, Command::ProbeSsh { .. })),
        "{cmds:?}"
    );
    assert!(s.status.flash.is_none());
}

#[test]
fn failure_reason_and_spot_reclaim_are_announced() {
    let mut s = ready(vec![vp_cluster()], 120.0);
    let mut a = new_deployment("a", "deploying");
    a.name = "alpha".into();
    let mut spot = running("b", "spotty");
    spot.instance_type = InstanceType::Spot;
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![a.clone(), spot.clone()].into())),
    );
    let mut failed = a.clone();
    failed.status = DeploymentStatus::Failed;
    failed.failure_reason = Some("no capacity in culpeper-usa-1".into());
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![failed, spot.clone()].into())),
    );
    assert!(flash(&s).contains("alpha failed: no capacity in culpeper-usa-1"));
    let mut gone = spot.clone();
    gone.status = DeploymentStatus::TerminatedProvider;
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![gone].into())));
    let f = flash(&s);
    assert!(f.contains("SPOT instance spotty was reclaimed"), "{f}");
    assert!(f.contains("DEDICATED"));
}

// ---------------------------------------------------------------------------------------------
// Connect and rename

#[test]
fn o_runs_ssh_directly_with_a_checked_argv() {
    let mut s = ready(vec![], 10.0);
    chr(&mut s, '2');
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![running("d1", "alpha")].into())),
    );
    let cmds = chr(&mut s, 'o');
    match &cmds[..] {
        [Command::OpenSsh { argv }] => assert_eq!(argv, &["ssh", "-p", "2222", "ubuntu@10.0.0.5"]),
        other => panic!("{other:?}"),
    }
    let mut evil = running("d1", "alpha");
    evil.user = Some("-oProxyCommand=touch /tmp/x".into());
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![evil].into())));
    assert!(chr(&mut s, 'o').is_empty());
    assert!(flash(&s).contains("refusing"));
    let mut deploying = running("d1", "alpha");
    deploying.status = DeploymentStatus::Deploying;
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![deploying].into())),
    );
    assert!(chr(&mut s, 'o').is_empty());
    assert!(flash(&s).contains("once it is running"));
    update(&mut s, Action::SshExited(Ok(Some(255))));
    assert!(flash(&s).contains("could not connect"));
}

#[test]
fn rename_patches_only_the_name_and_keeps_the_dialog_on_error() {
    let mut s = ready(vec![], 10.0);
    chr(&mut s, '2');
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(
            vec![running("d1", "alpha"), running("d2", "beta")].into()
        )),
    );
    chr(&mut s, 'j');
    assert!(chr(&mut s, 'e').is_empty());
    match &s.dialog {
        Some(Dialog::Rename(r)) => {
            assert_eq!(r.id, "d2");
            assert_eq!(r.input.value(), "beta");
        }
        other => panic!("{other:?}"),
    }
    type_text(&mut s, "-2");
    // The list moves under the dialog: the id it holds does not.
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(
            vec![running("d2", "beta"), running("d1", "alpha")].into()
        )),
    );
    let cmds = enter(&mut s);
    assert!(matches!(&cmds[..],
        [Command::RenameDeployment { id, name }] if id == "d2" && name == "beta-2"));
    assert!(
        enter(&mut s).is_empty(),
        "no second PATCH while one is on the wire"
    );
    update(
        &mut s,
        Action::Renamed {
            id: "d2".into(),
            result: Err(err::validation(Some("name"), "Name already in use")),
        },
    );
    match &s.dialog {
        Some(Dialog::Rename(r)) => {
            assert!(r.error.as_ref().unwrap().contains("Name already in use"));
            assert_eq!(r.input.value(), "beta-2");
        }
        other => panic!("{other:?}"),
    }
    let cmds = enter(&mut s);
    assert_eq!(cmds.len(), 1);
    let mut renamed = running("d2", "beta-2");
    renamed.raw = json!({});
    update(
        &mut s,
        Action::Renamed {
            id: "d2".into(),
            result: Ok(renamed),
        },
    );
    assert!(s.dialog.is_none());
    assert!(
        s.deployments
            .items
            .iter()
            .any(|d| d.id == "d2" && d.name == "beta-2")
    );
    // Esc cancels without a request.
    chr(&mut s, 'e');
    assert!(key(&mut s, KeyCode::Esc).is_empty());
    assert!(s.dialog.is_none());
}

// ---------------------------------------------------------------------------------------------
// Terminate

fn can(can: bool, remaining: f64) -> CanTerminate {
    decode(
        json!({"canTerminate": can, "minimumRuntime": 20, "timeRemaining": remaining,
                  "reason": if can { "" } else { "Minimum runtime not reached" }}),
    )
    .unwrap()
}

fn terminate_state() -> AppState {
    let mut s = ready(vec![], 10.0);
    chr(&mut s, '2');
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(
            vec![running("d1", "alpha"), running("d2", "beta")].into()
        )),
    );
    chr(&mut s, 'j');
    s
}

fn dialog(s: &AppState) -> &spheron_tui::app::dialogs::Confirm {
    match &s.dialog {
        Some(Dialog::Confirm(d)) if matches!(d.op, Op::Terminate { .. }) => d,
        other => panic!("expected the terminate dialog, got {other:?}"),
    }
}

fn terminates(cmds: &[Command]) -> usize {
    cmds.iter()
        .filter(|c| matches!(c, Command::Terminate { .. }))
        .count()
}

#[test]
fn terminate_checks_first_then_asks_for_the_name_and_sends_one_delete() {
    let mut s = terminate_state();
    let cmds = chr(&mut s, 'x');
    assert!(matches!(&cmds[..], [Command::CheckCanTerminate { id }] if id == "d2"));
    assert_eq!(dialog(&s).check, Some(Check::Pending));
    // No terminate before the check answers: the word and Enter only cancel.
    let mut early = type_yes(&mut s);
    early.extend(chr(&mut s, 'y'));
    assert_eq!(terminates(&early), 0);
    assert!(s.dialog.is_none());
    // Enter with nothing typed cancels; a letter that is not on the way cancels; so does Esc
    // and any key that is not part of the answer — nothing sent, the key goes no further.
    for no in [
        vec![KeyCode::Enter],
        vec![KeyCode::Char('y'), KeyCode::Char('y')],
        vec![KeyCode::Char('n')],
        vec![KeyCode::Char('b'), KeyCode::Char('x')],
        vec![KeyCode::Esc],
        vec![KeyCode::Tab],
        vec![KeyCode::Down],
    ] {
        chr(&mut s, 'x');
        allow(&mut s, "d2");
        let mut cmds = Vec::new();
        for k in &no {
            cmds.extend(key(&mut s, *k));
        }
        assert_eq!(terminates(&cmds), 0, "{no:?}");
        assert!(s.dialog.is_none(), "{no:?}: {:?}", s.dialog);
        assert_eq!(s.deployments.cursor.selected, 1, "{no:?} reached the pane");
    }
    // The first three characters of its name (any case), then Enter: one DELETE for the
    // captured id.
    chr(&mut s, 'x');
    allow(&mut s, "d2");
    type_text(&mut s, "BeT");
    let cmds = enter(&mut s);
    assert!(matches!(&cmds[..], [Command::Terminate { id }] if id == "d2"));
    assert_eq!(terminates(&type_yes(&mut s)), 0, "one DELETE");
    assert_eq!(terminates(&enter(&mut s)), 0);
    update(&mut s, Action::Tick(t0() + Duration::seconds(12)));
    let cmds = update(
        &mut s,
        Action::Terminated {
            id: "d2".into(),
            result: Ok(()),
        },
    );
    assert!(s.dialog.is_none());
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::FetchDeployments { .. }))
    );
    let d2 = s.deployments.items.iter().find(|d| d.id == "d2").unwrap();
    assert_eq!(d2.status, DeploymentStatus::Terminated);
    assert!(flash(&s).contains("the instance stopped billing; no volume was attached"));
    // `yes` works as well.
    let mut s = terminate_state();
    chr(&mut s, 'x');
    allow(&mut s, "d2");
    assert_eq!(terminates(&type_yes(&mut s)), 1);
}

/// `can-terminate` allows the terminate of `id`.
fn allow(s: &mut AppState, id: &str) {
    update(
        s,
        Action::CanTerminateChecked {
            id: id.into(),
            result: Ok(can(true, 0.0)),
        },
    );
}

#[test]
fn terminate_blocked_by_minimum_runtime_shows_minutes_and_no_confirm() {
    let mut s = checked(Ok(can(false, 12.0)));
    assert!(matches!(&dialog(&s).check, Some(Check::Blocked(c)) if c.time_remaining == Some(12.0)));
    // no word to type: any key but Esc cancels, and goes no further
    assert_eq!(terminates(&chr(&mut s, 'y')), 0);
    assert!(s.dialog.is_none());
}

#[test]
fn a_blocked_terminate_says_why_once() {
    let s = checked(Ok(can(false, 12.0)));
    let screen = render(&s);
    assert!(
        screen
            .contains("Cannot terminate yet: 12 minutes remain of the 20-minute minimum runtime."),
        "{screen}"
    );
    // the API's reason says the same: not repeated under it
    assert_eq!(screen.matches("inimum runtime").count(), 1, "{screen}");
    // a "no" without minutes left: the API's own reason, once
    let locked = json!({"canTerminate": false, "reason": "Deployment is locked by an admin"});
    let s = checked(Ok(decode(locked).unwrap()));
    let screen = render(&s);
    assert!(
        screen.contains("Cannot terminate: Deployment is locked by an admin"),
        "{screen}"
    );
    assert_eq!(screen.matches("locked by an admin").count(), 1, "{screen}");
}

/// The terminate dialog of d2 after `can-terminate` answered `answer`.
fn checked(answer: Result<CanTerminate, ApiError>) -> AppState {
    let mut s = terminate_state();
    chr(&mut s, 'x');
    update(
        &mut s,
        Action::CanTerminateChecked {
            id: "d2".into(),
            result: answer,
        },
    );
    s
}

/// d2 terminated anyway after an answer that did not say, and the DELETE answered `error`.
fn terminated_anyway(error: ApiError) -> AppState {
    let mut s = checked(Ok(decode(json!({})).unwrap()));
    enter(&mut s);
    type_yes(&mut s);
    update(
        &mut s,
        Action::Terminated {
            id: "d2".into(),
            result: Err(error),
        },
    );
    s
}

#[test]
fn an_answer_that_does_not_say_offers_terminate_anyway_and_the_delete_decides() {
    // canTerminate missing, or not a yes or no: not read as a "no"
    for body in [
        json!({"minimumRuntime": 20, "timeRemaining": 0}),
        json!({"canTerminate": "maybe", "minimumRuntime": 20}),
        json!({"canTerminate": null}),
    ] {
        let mut s = checked(Ok(decode(body.clone()).unwrap()));
        assert!(
            matches!(dialog(&s).check, Some(Check::Unsaid(_))),
            "{body}: {:?}",
            dialog(&s).check
        );
        let screen = render(&s);
        assert!(
            screen.contains("The platform did not say whether it can be terminated yet."),
            "{screen}"
        );
        let footer = screen.lines().last().unwrap().to_string();
        assert!(footer.contains("Enter terminate anyway"), "{footer}");
        assert!(footer.contains("r check again"), "{footer}");
        // Enter goes on to terminate anyway: nothing is sent yet, the word is asked for
        assert_eq!(enter(&mut s), vec![]);
        assert_eq!(dialog(&s).check, Some(Check::Anyway));
        let screen = render(&s);
        assert!(
            screen.contains("Terminate anyway: type bet (the first three characters of the name)"),
            "{screen}"
        );
        type_text(&mut s, "bet");
        let cmds = enter(&mut s);
        assert!(
            matches!(&cmds[..], [Command::Terminate { id }] if id == "d2"),
            "{body}: {cmds:?}"
        );
    }
    // The DELETE's "too early" decides: the time left, said once, and no terminate.
    let mut s = terminated_anyway(err::validation_body(
        "Cannot terminate before the minimum runtime of 20 minutes (7 min remaining)",
        json!({"error": "Cannot terminate before the minimum runtime of 20 minutes (7 min remaining)",
               "canTerminate": false, "timeRemaining": 7, "minimumRuntime": 20}),
    ));
    assert!(matches!(&dialog(&s).check, Some(Check::Blocked(c)) if c.time_remaining == Some(7.0)));
    let screen = render(&s);
    assert!(
        screen.contains("Cannot terminate yet: 7 minutes remain of the 20-minute minimum runtime."),
        "{screen}"
    );
    assert_eq!(terminates(&type_yes(&mut s)), 0);
    // Any other refusal is shown as the platform said it, and the word can be typed again.
    let mut s = terminated_anyway(err::validation(None, "Deployment is locked by an admin"));
    let error = dialog(&s).error.clone().unwrap();
    assert!(
        error.contains("Deployment is locked by an admin"),
        "{error}"
    );
    assert!(error.contains("nothing was terminated"), "{error}");
    assert!(render(&s).contains("Deployment is locked by an admin"));
    assert_eq!(terminates(&type_yes(&mut s)), 1);
}

#[test]
fn a_failed_check_offers_terminate_anyway_and_r_asks_again() {
    let mut s = checked(Err(err::network()));
    assert!(matches!(dialog(&s).check, Some(Check::Failed(_))));
    assert!(
        render(&s).contains("The platform did not say whether it can be terminated yet."),
        "{}",
        render(&s)
    );
    // a word typed before Enter is no answer: its first key closes the dialog, nothing sent
    assert_eq!(terminates(&chr(&mut s, 'y')), 0);
    assert!(s.dialog.is_none());
    let mut s = checked(Err(err::network()));
    assert!(matches!(&chr(&mut s, 'r')[..], [Command::CheckCanTerminate { id }] if id == "d2"));
    assert_eq!(dialog(&s).check, Some(Check::Pending));
    let mut s = checked(Err(err::server()));
    assert_eq!(enter(&mut s), vec![]);
    assert_eq!(dialog(&s).check, Some(Check::Anyway));
    // what was typed before counts for nothing: the word is typed after Enter
    assert_eq!(terminates(&enter(&mut s)), 0);
    assert!(s.dialog.is_none());
    let mut s = checked(Err(err::server()));
    enter(&mut s);
    assert_eq!(terminates(&type_yes(&mut s)), 1);
}

#[test]
fn a_stopped_deployment_and_one_of_unknown_status_bill_and_can_be_terminated() {
    for status in ["stopped", "hibernating"] {
        let mut s = ready(vec![], 10.0);
        chr(&mut s, '2');
        let mut odd = running("d9", "odd");
        odd.status = DeploymentStatus::parse(status);
        update(&mut s, Action::DeploymentsLoaded(Ok(vec![odd].into())));
        // shown in the active view and counted in the burn rate
        assert_eq!(s.selected_deployment().map(|d| d.id.as_str()), Some("d9"));
        let burn = spheron_tui::domain::spend::burn_rate(
            &s.deployments.items,
            &Vec::<spheron_tui::api::Volume>::new(),
            spheron_tui::domain::spend::Coverage::FULL,
            &|_| None,
        );
        assert_eq!(burn.at_least(), Some(19.37), "{status}");
        assert_eq!(burn.unknown, 0, "{status}");
        // the API decides whether it can end: asked, not refused here
        let cmds = chr(&mut s, 'x');
        assert!(
            matches!(&cmds[..], [Command::CheckCanTerminate { id }] if id == "d9"),
            "{status}: {cmds:?}"
        );
        assert_eq!(dialog(&s).check, Some(Check::Pending));
    }
}

#[test]
fn the_footer_offers_only_what_the_terminate_dialog_allows() {
    let footer = |s: &AppState| render(s).lines().last().unwrap().to_string();
    let mut s = terminate_state();
    chr(&mut s, 'x');
    update(
        &mut s,
        Action::CanTerminateChecked {
            id: "d2".into(),
            result: Ok(can(false, 12.0)),
        },
    );
    let blocked = footer(&s);
    assert!(!blocked.contains("Enter terminate"), "{blocked}");
    assert!(!blocked.contains("check again"), "{blocked}");
    assert!(blocked.contains("Esc back/close"), "{blocked}");
    update(
        &mut s,
        Action::CanTerminateChecked {
            id: "d2".into(),
            result: Err(err::network()),
        },
    );
    let failed = footer(&s);
    assert!(failed.contains("r check again"), "{failed}");
    update(
        &mut s,
        Action::CanTerminateChecked {
            id: "d2".into(),
            result: Ok(can(true, 0.0)),
        },
    );
    let allowed = footer(&s);
    assert!(allowed.contains("Enter terminate"), "{allowed}");
    assert!(!allowed.contains("check again"), "{allowed}");
    assert!(render(&s).contains("type bet"), "{}", render(&s));
}

#[test]
fn the_terminate_dialog_keeps_its_id_while_the_list_moves() {
    let mut s = terminate_state();
    chr(&mut s, 'x');
    // A refresh reorders the rows; an answer about another id is ignored.
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![
            running("d9", "new"),
            running("d2", "beta"),
            running("d1", "alpha"),
        ]
        .into())),
    );
    allow(&mut s, "d1");
    assert_eq!(dialog(&s).check, Some(Check::Pending));
    allow(&mut s, "d2");
    let cmds = type_yes(&mut s);
    assert!(matches!(&cmds[..], [Command::Terminate { id }] if id == "d2"));
}

#[test]
fn a_too_early_400_on_delete_becomes_blocked_and_other_errors_allow_a_new_confirm() {
    let mut s = terminate_state();
    chr(&mut s, 'x');
    allow(&mut s, "d2");
    type_yes(&mut s);
    update(
        &mut s,
        Action::Terminated {
            id: "d2".into(),
            result: Err(err::server()),
        },
    );
    let d = dialog(&s);
    assert!(!d.busy);
    assert!(d.error.as_ref().unwrap().contains("nothing was terminated"));
    // the answer is asked for again: a stray Enter sends nothing (and cancels)
    assert_eq!(d.word().map(|(_, t)| t.value()), Some(""));
    assert_eq!(terminates(&type_yes(&mut s)), 1);
    update(
        &mut s,
        Action::Terminated {
            id: "d2".into(),
            result: Err(err::validation_body(
                "Minimum runtime not reached",
                json!({"error": "Minimum runtime not reached", "canTerminate": false,
                       "timeRemaining": 7, "minimumRuntime": 20}),
            )),
        },
    );
    assert!(matches!(&dialog(&s).check, Some(Check::Blocked(c)) if c.time_remaining == Some(7.0)));
    assert_eq!(terminates(&type_yes(&mut s)), 0);
    // A failed check offers no confirm; r asks again.
    let mut s = terminate_state();
    chr(&mut s, 'x');
    update(
        &mut s,
        Action::CanTerminateChecked {
            id: "d2".into(),
            result: Err(err::network()),
        },
    );
    assert!(matches!(dialog(&s).check, Some(Check::Failed(_))));
    assert!(matches!(&chr(&mut s, 'r')[..], [Command::CheckCanTerminate { id }] if id == "d2"));
    assert_eq!(terminates(&enter(&mut s)), 0);
}

#[test]
fn while_a_new_deployment_comes_up_the_poll_reads_every_status_to_see_a_failure() {
    let mut s = ready(vec![vp_cluster()], 120.0);
    to_summary(&mut s);
    confirm(&mut s);
    update(&mut s, Action::Tick(t0() + Duration::seconds(12)));
    let cmds = update(
        &mut s,
        Action::Deployed(Ok(new_deployment("dep-new", "deploying"))),
    );
    assert!(
        matches!(&cmds[..], [Command::FetchDeployments { status: None, .. }]),
        "{cmds:?}"
    );
    let mut failed = new_deployment("dep-new", "failed");
    failed.failure_reason = Some("provider out of capacity".into());
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![failed].into())));
    assert!(flash(&s).contains("failed: provider out of capacity"));
    assert!(s.arrivals.is_empty());
    // Nothing left coming up: back to the active-only poll.
    let cmds = update(&mut s, Action::Tick(t0() + Duration::seconds(60)));
    assert!(cmds.iter().any(|c| matches!(
        c,
        Command::FetchDeployments {
            status: Some("active"),
            ..
        }
    )));
}

/// The ids of the deployments `cmds` read one by one.
fn reads_by_id(cmds: &[Command]) -> Vec<String> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::FetchDeployment { id } => Some(id.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_spot_instance_that_leaves_the_active_list_is_read_by_id_and_said_from_its_status() {
    let spot = || {
        let mut d = running("s1", "cheap-spot");
        d.instance_type = InstanceType::Spot;
        d
    };
    let fetched = |status: &str| {
        let mut d = spot();
        d.status = DeploymentStatus::parse(status);
        Action::DeploymentFetched {
            id: "s1".into(),
            result: Ok(Box::new(d)),
        }
    };
    let left = |s: &mut AppState| {
        update(
            s,
            Action::DeploymentsLoaded(Ok(vec![spot(), running("d1", "alpha")].into())),
        );
        update(
            s,
            Action::DeploymentsLoaded(Ok(vec![running("d1", "alpha")].into())),
        )
    };

    // reclaimed: said only once the read by id says terminated-provider
    let mut s = ready(vec![], 10.0);
    assert_eq!(reads_by_id(&left(&mut s)), ["s1"]);
    assert!(s.status.flash.is_none());
    update(&mut s, fetched("terminated-provider"));
    assert_eq!(
        flash(&s),
        "SPOT instance cheap-spot was reclaimed by its provider (terminated-provider): it is gone. DEDICATED instances are not interrupted."
    );
    assert!(s.leaving.is_empty());

    // terminated by its user elsewhere: not "reclaimed"
    let mut s = ready(vec![], 10.0);
    left(&mut s);
    update(&mut s, fetched("terminated"));
    assert_eq!(
        flash(&s),
        "cheap-spot is no longer active (terminated). f shows inactive ones."
    );

    // still running (the list lagged): nothing said
    let mut s = ready(vec![], 10.0);
    left(&mut s);
    update(&mut s, fetched("running"));
    assert!(s.status.flash.is_none());

    // the read fails: said so, never "reclaimed"
    let mut s = ready(vec![], 10.0);
    left(&mut s);
    update(
        &mut s,
        Action::DeploymentFetched {
            id: "s1".into(),
            result: Err(err::server()),
        },
    );
    assert!(
        flash(&s).starts_with("cheap-spot left the active list; its status could not be read ("),
        "{}",
        flash(&s)
    );
    assert!(!flash(&s).contains("reclaimed"));

    // an incomplete list proves nothing has left: no read, nothing said
    let mut s = ready(vec![], 10.0);
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![spot(), running("d1", "alpha")].into())),
    );
    let partial = Listing::with(
        vec![running("d1", "alpha")],
        Completeness::with(Gap::Pages { read: 1, of: 2 }),
    );
    assert!(reads_by_id(&update(&mut s, Action::DeploymentsLoaded(Ok(partial)))).is_empty());
    assert!(s.status.flash.is_none());

    // a DEDICATED one this session did not create is read too, and said only if its provider
    // ended it
    let mut s = ready(vec![], 10.0);
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![running("d1", "alpha")].into())),
    );
    assert_eq!(
        reads_by_id(&update(
            &mut s,
            Action::DeploymentsLoaded(Ok(vec![].into()))
        )),
        ["d1"]
    );
    let mut d = running("d1", "alpha");
    d.status = DeploymentStatus::parse("terminated");
    update(
        &mut s,
        Action::DeploymentFetched {
            id: "d1".into(),
            result: Ok(Box::new(d)),
        },
    );
    assert!(s.status.flash.is_none());
}

#[test]
fn a_spot_instance_the_guard_or_the_user_terminated_is_never_said_reclaimed() {
    use spheron_tui::app::guard::GuardUpdate;
    let mut s = ready(vec![], 10.0);
    let spot = |id: &str, name: &str| {
        let mut d = running(id, name);
        d.instance_type = InstanceType::Spot;
        d
    };
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![spot("s1", "guarded"), spot("s2", "mine")].into())),
    );
    // The guard sends its DELETE for s1; the user's DELETE of s2 gets no clear answer.
    update(
        &mut s,
        Action::Guard(GuardUpdate::Terminating { id: "s1".into() }),
    );
    update(
        &mut s,
        Action::Terminated {
            id: "s2".into(),
            result: Err(ApiError::Timeout {
                message: "no answer in 30 s".into(),
            }),
        },
    );
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![spot("s2", "mine")].into())),
    );
    assert_eq!(
        flash(&s),
        "guarded was terminated by the spend guard: it is no longer active. f shows inactive ones."
    );
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![].into())));
    assert_eq!(
        flash(&s),
        "mine was terminated by you: it is no longer active. f shows inactive ones."
    );
    let said: Vec<&str> = s.status.log.iter().map(|e| e.text.as_str()).collect();
    assert!(said.iter().all(|t| !t.contains("reclaimed")), "{said:?}");
}

#[test]
fn changing_the_region_drops_volumes_that_no_longer_fit() {
    let mut s = ready(vec![vp_cluster()], 120.0);
    chr(&mut s, 'd');
    for _ in 0..6 {
        enter(&mut s);
    }
    key(&mut s, KeyCode::Char(' '));
    assert_eq!(wizard(&s).volumes, vec!["v1".to_string()]);
    while wizard(&s).step() != Step::Region {
        key(&mut s, KeyCode::Esc);
    }
    chr(&mut s, 'j'); // dallas
    enter(&mut s);
    assert!(wizard(&s).volumes.is_empty());
}

#[test]
fn a_deployment_listed_between_the_post_and_its_failed_answer_is_still_found() {
    let mut s = ready(vec![vp_cluster()], 120.0);
    to_summary(&mut s);
    confirm(&mut s);
    // The POST is slow; a poll meanwhile already lists the new deployment.
    update(&mut s, Action::Tick(t0() + Duration::seconds(25)));
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![new_deployment("dep-slow", "deploying")].into())),
    );
    update(&mut s, Action::Tick(t0() + Duration::seconds(40)));
    let cmds = update(&mut s, Action::Deployed(Err(err::timeout())));
    assert_eq!(deploys(&cmds), 0);
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![new_deployment("dep-slow", "deploying")].into())),
    );
    assert!(s.dialog.is_none(), "found, not offered for retry");
    assert!(flash(&s).contains("NOT retrying"));
}

#[test]
fn a_new_deployment_the_list_does_not_show_yet_is_still_watched_for_a_while() {
    let mut s = ready(vec![vp_cluster()], 120.0);
    to_summary(&mut s);
    confirm(&mut s);
    update(
        &mut s,
        Action::Deployed(Ok(new_deployment("dep-lag", "deploying"))),
    );
    // The first list after the POST does not have it yet.
    update(&mut s, Action::Tick(t0() + Duration::seconds(20)));
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![].into())));
    assert!(s.arrivals.contains_key("dep-lag"));
    // It shows up and runs: announced with the bell, as if it had been there all along.
    update(&mut s, Action::Tick(t0() + Duration::seconds(40)));
    let cmds = update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![running("dep-lag", "lagging")].into())),
    );
    assert!(cmds.iter().any(|c| matches!(c, Command::Bell)));
    // Gone from a full list well after the grace period: no longer watched.
    update(&mut s, Action::Tick(t0() + Duration::seconds(400)));
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![].into())));
    let mut ended = running("dep-lag", "lagging");
    ended.status = DeploymentStatus::Terminated;
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![ended].into())));
    assert!(s.arrivals.is_empty());
}

#[test]
fn terminate_names_each_volume_with_its_rate_and_what_the_provider_does_with_it() {
    let mut s = terminate_state(); // on "beta" (d2)
    let vols: Vec<_> = [
        json!({"id": "vs", "name": "ses-data", "provider": "sesterce", "region": "fr-par-1",
               "sizeInGb": 100, "hourlyRate": 0.5, "status": "attached", "deploymentId": "d2"}),
        json!({"id": "vp", "name": "sp-cache", "provider": "spheron-ai", "region": "us-east-1",
               "sizeInGb": 100, "hourlyRate": 0.25, "status": "attached", "attachedTo": ["d2"]}),
        json!({"id": "vo", "name": "elsewhere", "provider": "spheron-ai", "region": "us-east-1",
               "sizeInGb": 100, "hourlyRate": 0.1, "status": "attached", "attachedTo": ["d1"]}),
    ]
    .into_iter()
    .map(|v| decode(v).unwrap())
    .collect();
    update(&mut s, Action::VolumesLoaded(Ok(vols.into())));
    let fates = spheron_tui::app::dialogs::terminate::volume_fates(&s, "d2");
    assert_eq!(
        fates
            .iter()
            .map(|f| (f.name.as_str(), f.per_hour, f.stays_bound))
            .collect::<Vec<_>>(),
        vec![
            ("ses-data", Some(0.5), true),
            ("sp-cache", Some(0.25), false)
        ]
    );
    chr(&mut s, 'x');
    // $/h now → after: the instance stops, its volumes keep billing
    let spend = dialog(&s).spend.expect("terminate shows the spend change");
    assert!(
        (spend.now.value().unwrap() - (19.37 * 2.0 + 0.85)).abs() < 1e-9,
        "{spend:?}"
    );
    assert!(
        (spend.after.value().unwrap() - (19.37 + 0.85)).abs() < 1e-9,
        "{spend:?}"
    );
    let text = render(&s);
    assert!(text.contains("ses-data $0.50/h stays bound"), "{text}");
    assert!(
        text.contains("sp-cache $0.25/h is detached and kept"),
        "{text}"
    );
    update(
        &mut s,
        Action::CanTerminateChecked {
            id: "d2".into(),
            result: Ok(can(true, 0.0)),
        },
    );
    chr(&mut s, 'y');
    let cmds = update(
        &mut s,
        Action::Terminated {
            id: "d2".into(),
            result: Ok(()),
        },
    );
    // fresh after the write: volumes at once, deployments at once or as soon as the 10 s
    // spacing allows (the poll timer restarts from there)
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::FetchVolumes { .. })),
        "{cmds:?}"
    );
    let at_once = cmds
        .iter()
        .any(|c| matches!(c, Command::FetchDeployments { .. }));
    let soon = s.schedule.deployments_due.is_some_and(|due| {
        s.schedule
            .deployments_last
            .is_some_and(|last| due <= last + Duration::seconds(10))
    });
    assert!(at_once || soon, "{cmds:?} {:?}", s.schedule);
    let said = flash(&s);
    assert!(said.contains("volumes keep billing ($0.75/h)"), "{said}");
    assert!(said.contains("detached: sp-cache"), "{said}");
    assert!(said.contains("still bound"), "{said}");
    assert!(said.contains("ses-data"), "{said}");
}

#[test]
fn x_on_an_ended_deployment_says_so_once_with_the_reason() {
    let mut s = ready(vec![], 10.0);
    chr(&mut s, '2');
    chr(&mut s, 'f'); // inactive
    let failed = deployment(json!({"id": "df", "name": "broken", "status": "failed",
        "failureReason": "no capacity in region", "gpuType": "H100", "gpuCount": 1,
        "provider": "sesterce", "hourlyRate": 2.0}));
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![failed].into())));
    assert_eq!(s.deployments.selected_id.as_deref(), Some("df"));
    let cmds = chr(&mut s, 'x');
    assert!(s.dialog.is_none(), "no terminate dialog: {:?}", s.dialog);
    assert!(
        !cmds
            .iter()
            .any(|c| matches!(c, Command::CheckCanTerminate { .. })),
        "{cmds:?}"
    );
    let said = flash(&s);
    assert!(said.contains("already ended (failed)"), "{said}");
    assert!(said.contains("no capacity in region"), "{said}");
    assert!(!said.contains("minute"), "{said}");
}

#[test]
fn details_of_a_deployment_without_a_cluster_offer_no_kubeconfig_key() {
    let mut s = terminate_state();
    key(&mut s, KeyCode::Enter);
    assert!(matches!(s.dialog, Some(Dialog::DeploymentInfo(_))));
    let screen = render(&s);
    assert!(!screen.contains("K kubeconfig"), "{screen}");
    assert!(screen.contains("J raw JSON"), "{screen}");
    // K there does nothing, as the hints say
    chr(&mut s, 'K');
    assert!(matches!(s.dialog, Some(Dialog::DeploymentInfo(_))));
}

#[test]
fn details_are_readable_fields_with_the_raw_json_one_key_away() {
    let mut s = terminate_state(); // on "beta", started 11:00, now 12:00
    let fresh = deployment(
        json!({"id": "d3", "name": "fresh", "status": "provisioning-ish",
        "gpuType": "H100", "gpuCount": 1, "provider": "spheron-ai", "hourlyRate": 2.5,
        "startedAt": "2026-11-28T11:55:00Z", "failureReason": null}),
    );
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![
            running("d1", "alpha"),
            running("d2", "beta"),
            fresh,
        ]
        .into())),
    );
    key(&mut s, KeyCode::Enter);
    let Some(Dialog::DeploymentInfo(i)) = &s.dialog else {
        panic!("{:?}", s.dialog)
    };
    let text = i.fields.join("\n");
    for needle in [
        "status             running",
        "reason             –",
        "cost               $19.37/h",
        "ssh                ssh -p 2222 ubuntu@10.0.0.5",
        "volumes            none attached",
        "terminate          possible now",
    ] {
        assert!(text.contains(needle), "{needle:?} in\n{text}");
    }
    assert!(!i.show_raw);
    assert!(!render(&s).contains("\"hourlyRate\""));
    chr(&mut s, 'J');
    assert!(render(&s).contains("\"hourlyRate\""), "J shows every field");
    chr(&mut s, 'J');
    key(&mut s, KeyCode::Esc);
    // an unknown status is shown as it came; terminate waits for the minimum runtime
    chr(&mut s, 'j');
    key(&mut s, KeyCode::Enter);
    let Some(Dialog::DeploymentInfo(i)) = &s.dialog else {
        panic!("{:?}", s.dialog)
    };
    let text = i.fields.join("\n");
    assert!(
        text.contains("status             provisioning-ish"),
        "{text}"
    );
    assert!(
        text.contains("possible from 12:15 UTC, in 15m 00s"),
        "{text}"
    );
    // open details follow the clock: the countdown and the spend move
    update(&mut s, Action::Tick(t0() + Duration::minutes(5)));
    let Some(Dialog::DeploymentInfo(i)) = &s.dialog else {
        panic!("{:?}", s.dialog)
    };
    let text = i.fields.join("\n");
    assert!(
        text.contains("possible from 12:15 UTC, in 10m 00s"),
        "{text}"
    );
    // times are local, with the zone said
    s.guard.local_offset = chrono::FixedOffset::east_opt(3600);
    update(&mut s, Action::Tick(t0() + Duration::minutes(6)));
    let Some(Dialog::DeploymentInfo(i)) = &s.dialog else {
        panic!("{:?}", s.dialog)
    };
    let text = i.fields.join("\n");
    assert!(
        text.contains("possible from 13:15 UTC+1, in 9m 00s"),
        "{text}"
    );
}
