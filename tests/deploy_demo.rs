//! The deploy → watch → terminate flow driven by keys, through the real client, against the
//! demo server (manual clock).

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use crossterm::event::KeyCode;
use spheron_tui::app::dialogs::Dialog;
use spheron_tui::app::dialogs::deploy::{SshSel, Step};
use spheron_tui::app::dialogs::terminate::Check;
use spheron_tui::app::{Command, Pane};
use spheron_tui::demo::{Fault, FaultRule};
use support::harness::Harness;

fn step(h: &Harness) -> Option<Step> {
    match &h.state.dialog {
        Some(Dialog::Deploy(w)) => Some(w.step()),
        _ => None,
    }
}

/// Select a DEDICATED offer that can be deployed now, open the wizard, accept the defaults up
/// to the summary.
async fn to_summary(h: &mut Harness) -> spheron_tui::api::Offer {
    h.press("tt").await;
    for _ in 0..200 {
        match h.state.offers.selected() {
            Some(o) if o.unavailable_reason().is_none() => break,
            _ => h.press("j").await,
        }
    }
    let offer = h
        .state
        .offers
        .selected()
        .cloned()
        .expect("a deployable offer");
    h.press("d").await;
    while step(h) != Some(Step::Summary) {
        if step(h) == Some(Step::Ssh)
            && matches!(&h.state.dialog, Some(Dialog::Deploy(w)) if w.ssh == Some(SshSel::Paste))
        {
            for c in "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f me@test".chars() {
                h.key(KeyCode::Char(c)).await;
            }
        }
        h.key(KeyCode::Enter).await;
    }
    offer
}

fn posts(h: &Harness) -> usize {
    h.demo
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/api/deployments")
        .count()
}

#[tokio::test]
async fn deploy_watch_and_terminate_against_the_demo_server() {
    let mut h = Harness::new().await;
    let offer = to_summary(&mut h).await;
    let before = h.count(|c| matches!(c, Command::Deploy { .. }));
    h.press("yy").await; // the summary's action, then the confirm's
    assert_eq!(h.count(|c| matches!(c, Command::Deploy { .. })), before + 1);
    // Created: on the Deployments pane at once, deploying, selected.
    assert!(h.state.dialog.is_none(), "{:?}", h.state.status);
    assert_eq!(h.state.pane, Pane::Deployments);
    let d = h
        .state
        .selected_deployment()
        .expect("the new deployment")
        .clone();
    assert_eq!(d.status.as_str(), "deploying");
    assert_eq!(d.offer_id.as_deref(), Some(offer.offer_id.as_str()));
    assert!(h.screen().contains("deploying"));
    // The poller moves it on; the bell rings when it runs (and for the seed's own deploying
    // instance, which comes up in the same two minutes).
    for _ in 0..120 {
        h.advance(1).await;
    }
    let now = h
        .state
        .deployments
        .items
        .iter()
        .find(|x| x.id == d.id)
        .unwrap();
    assert_eq!(now.status.as_str(), "running");
    assert!(h.count(|c| matches!(c, Command::Bell)) >= 1);
    // Demo addresses are made up: never probed, never ssh'd into; the instance counts as ready.
    assert_eq!(h.count(|c| matches!(c, Command::ProbeSsh { .. })), 0);
    assert!(h.screen().contains("running ssh✓"), "{}", h.screen());
    h.press("o").await;
    assert_eq!(h.count(|c| matches!(c, Command::OpenSsh { .. })), 0);
    assert!(
        h.state
            .status
            .flash
            .as_ref()
            .unwrap()
            .text
            .contains("demo: would run `ssh -p")
    );
    assert_eq!(h.count(|c| matches!(c, Command::Deploy { .. })), before + 1);

    // Terminate: too early first (minimum runtime), then allowed.
    h.press("x").await;
    match &h.state.dialog {
        Some(Dialog::Confirm(t)) => {
            assert_eq!(t.op.target_id(), d.id);
            assert!(matches!(t.check, Some(Check::Blocked(_))), "{:?}", t.check);
        }
        other => panic!("{other:?}"),
    }
    assert!(h.screen().contains("minutes remain"));
    h.press("y").await;
    assert_eq!(h.count(|c| matches!(c, Command::Terminate { .. })), 0);
    h.key(KeyCode::Esc).await;
    for _ in 0..(20 * 60 / 20) {
        h.advance(20).await;
    }
    h.press("x").await;
    assert!(
        matches!(&h.state.dialog, Some(Dialog::Confirm(t)) if matches!(t.check, Some(Check::Allowed(_))))
    );
    // the deliberate answer: yes, then Enter
    h.press("yes").await;
    h.key(KeyCode::Enter).await;
    assert_eq!(
        h.count(|c| matches!(c, Command::Terminate { id } if id == &d.id)),
        1
    );
    assert!(h.state.dialog.is_none());
    let gone = h.state.deployments.items.iter().find(|x| x.id == d.id);
    assert!(gone.is_none_or(|x| x.status.as_str() == "terminated"));
}

#[tokio::test]
async fn a_500_after_the_deployment_was_created_is_not_retried() {
    let mut h = Harness::new().await;
    to_summary(&mut h).await;
    h.demo.inject(FaultRule::new(
        Some("POST"),
        "/api/deployments",
        Fault::CreatedButServerError,
        1,
    ));
    let count = h.demo.deployment_count();
    h.advance(15).await;
    h.press("yy").await; // the summary's action, then the confirm's
    // Checking: the list is read (at most 10 s after the last one) before anything else.
    for _ in 0..12 {
        h.advance(1).await;
    }
    assert_eq!(posts(&h), 1);
    assert_eq!(h.demo.deployment_count(), count + 1);
    assert!(
        h.state.dialog.is_none(),
        "{:?}",
        h.state.dialog.as_ref().map(|_| ())
    );
    let flash = h.state.status.flash.as_ref().unwrap().text.clone();
    assert!(flash.contains("NOT retrying"), "{flash}");
    assert_eq!(
        h.state.selected_deployment().unwrap().status.as_str(),
        "deploying"
    );
    // Nothing a key does sends another.
    for c in "yyd\n".chars() {
        h.key(KeyCode::Char(c)).await;
    }
    assert_eq!(posts(&h), 1);
}

#[tokio::test]
async fn a_500_with_nothing_created_offers_a_retry_only_on_a_new_confirm() {
    let mut h = Harness::new().await;
    to_summary(&mut h).await;
    h.demo.inject(FaultRule::new(
        Some("POST"),
        "/api/deployments",
        Fault::ServerError,
        1,
    ));
    let count = h.demo.deployment_count();
    h.advance(15).await;
    h.press("yy").await; // the summary's action, then the confirm's
    for _ in 0..12 {
        h.advance(1).await;
    }
    assert_eq!(posts(&h), 1);
    assert_eq!(h.demo.deployment_count(), count);
    // The screen wraps the message: its words are read across the lines, borders left out.
    let words: Vec<String> = h
        .screen()
        .lines()
        .flat_map(|l| {
            l.split('│')
                .nth(2)
                .unwrap_or("")
                .split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        words
            .join(" ")
            .contains("it was not created. Retry sends a NEW deploy."),
        "{}",
        h.screen()
    );
    assert!(h.screen().contains("Retry deploy"));
    // Waiting sends nothing.
    for _ in 0..60 {
        h.advance(1).await;
    }
    assert_eq!(posts(&h), 1);
    h.key(KeyCode::Tab).await;
    h.key(KeyCode::Enter).await;
    assert_eq!(posts(&h), 2);
    assert_eq!(h.demo.deployment_count(), count + 1);
    assert_eq!(h.state.pane, Pane::Deployments);
}
