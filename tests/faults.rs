//! Faults: the real app (reducer + executor + real client) against the demo server with
//! fault injection. After each fault: the app still answers keys, says what happened in words,
//! keeps what the user typed, and shows the data again once the fault stops.
//!
//! 500 on `POST /api/deployments` (with and without the deployment created) and "one deployment
//! per confirm" are in `tests/deploy_demo.rs` (`a_500_after_the_deployment_was_created_is_not_retried`,
//! `a_500_with_nothing_created_offers_a_retry_only_on_a_new_confirm`).
//!
//! Time: the app reads the demo server's manual clock; the client's timers (request timeout,
//! GET retry delay, the hold after a 429) and the server's `slow` fault run on tokio's clock,
//! paused in every test here, so a timeout is reached by the virtual clock advancing, never by
//! a race in real time. Server and client share one current-thread runtime over loopback.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use spheron_tui::api::{
    Client, ClientOptions, Completeness, Deployment, Gap, Listing, OffersPage, decode_list,
};
use spheron_tui::app::dialogs::Dialog;
use spheron_tui::app::{Action, Command, Pane, update};
use spheron_tui::credentials::ApiKey;
use spheron_tui::demo::{Fault, FaultRule, synth};
use support::harness::Harness;

/// A client with the default timeouts (on the paused clock they cost no real time).
fn client_for(url: &str, key: &str) -> Client {
    Client::with_options(ClientOptions::new(url, Some(ApiKey::new(key)))).expect("client")
}

/// Longer than the client's request timeout: an answer that never comes in time. (Virtual
/// time: the paused clock reaches the timeout first, whatever the machine's load.)
const NEVER_IN_TIME: Duration = Duration::from_secs(3600);

/// A harness with a filter typed on Offers, then on the Deployments pane.
async fn typed_and_on_deployments() -> Harness {
    let mut h = Harness::new().await;
    h.exec.client = client_for(&h.server.url(), h.server.key());
    h.press("/h100").await;
    h.key(KeyCode::Enter).await;
    h.press("2").await;
    assert_eq!(h.state.pane, Pane::Deployments);
    assert!(
        !h.state.deployments.items.is_empty(),
        "demo deployments load"
    );
    h
}

fn deployment_gets(h: &Harness) -> usize {
    h.demo
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.starts_with("/api/deployments?"))
        .count()
}

/// Keys still work: `?` opens help, Esc closes it, the typed filter is intact.
async fn still_answers_keys(h: &mut Harness) {
    h.press("?").await;
    assert!(
        matches!(h.state.dialog, Some(Dialog::Help(_))),
        "? opens help"
    );
    h.key(KeyCode::Esc).await;
    assert!(h.state.dialog.is_none(), "Esc closes help");
    h.key(KeyCode::Down).await;
    h.key(KeyCode::Up).await;
    assert!(h.state.dialog.is_none(), "arrows move, open nothing");
    assert_eq!(
        h.state.offers.filter_input.value(),
        "h100",
        "typed filter kept"
    );
    h.press("1").await;
    assert!(
        h.screen().contains("h100"),
        "filter text still on the offers screen:\n{}",
        h.screen()
    );
    h.press("2").await;
}

/// The clock moved to the next deployments poll, whenever it is due.
async fn next_poll(h: &mut Harness) {
    let gets = deployment_gets(h);
    for _ in 0..30 {
        if deployment_gets(h) > gets {
            return;
        }
        h.advance(5).await;
    }
    panic!("no deployments poll in 150 s");
}

/// Inject `fault` on the next deployments poll (`count` answers for each team's read, which
/// go out at once), check the words, then recover.
async fn survive_get_fault(fault: Fault, count: u32, words: &[&str]) {
    let mut h = typed_and_on_deployments().await;
    // every team's list is in view (the second team read at start, once the teams answered)
    let teams = h.state.team_lists.read_deployments.len() as u32 + 1;
    assert_eq!(teams, 2, "the demo's two teams");
    let before = h.state.deployments.items.len();
    h.demo.inject(FaultRule::new(
        Some("GET"),
        "/api/deployments",
        fault.clone(),
        count * teams,
    ));
    next_poll(&mut h).await;
    let err = h
        .state
        .status
        .last_error
        .clone()
        .unwrap_or_else(|| panic!("{fault:?}: no error shown"));
    for w in words {
        assert!(err.contains(w), "{fault:?}: {err:?} lacks {w:?}");
    }
    let screen = h.screen();
    assert!(
        screen.contains(&err[..20.min(err.len())]),
        "{fault:?}: error not on screen:\n{screen}"
    );
    assert_eq!(
        h.state.deployments.items.len(),
        before,
        "{fault:?}: rows kept through the fault"
    );
    still_answers_keys(&mut h).await;

    h.demo.clear_faults();
    h.advance(60).await;
    assert!(
        h.state.deployments.error.is_none(),
        "{fault:?}: recovered: {:?}",
        h.state.deployments.error
    );
    assert_eq!(h.state.deployments.items.len(), before);
    assert!(
        h.state.status.last_error.is_none(),
        "{fault:?}: stale error still in the status bar after recovery: {:?}",
        h.state.status.last_error
    );
    assert_eq!(h.count(Command::is_write), 0, "{fault:?}: nothing written");
}

#[tokio::test(start_paused = true)]
async fn server_error_on_get() {
    // Count 2: the client retries a GET once after a 5xx.
    survive_get_fault(Fault::ServerError, 2, &["server error", "500"]).await;
}

#[tokio::test(start_paused = true)]
async fn malformed_json() {
    survive_get_fault(Fault::MalformedJson, 1, &["Unreadable answer"]).await;
}

#[tokio::test(start_paused = true)]
async fn html_error_page() {
    survive_get_fault(Fault::HtmlError, 2, &["502"]).await;
}

#[tokio::test(start_paused = true)]
async fn dropped_connection() {
    survive_get_fault(Fault::DropConnection, 2, &["API"]).await;
}

#[tokio::test(start_paused = true)]
async fn request_timeout() {
    // An answer slower than the client's request timeout (and its one retry).
    survive_get_fault(Fault::Slow(NEVER_IN_TIME), 2, &["did not answer in time"]).await;
}

/// A 429 whose `retryAfter` (90 s) is longer than the poll interval (20 s): nothing is asked
/// until it has passed, not on the next polls, not on `r`; then polling resumes.
#[tokio::test(start_paused = true)]
async fn rate_limited_with_retry_after_is_respected() {
    let mut h = typed_and_on_deployments().await;
    h.demo.inject(FaultRule::new(
        None,
        "/api/deployments",
        Fault::RateLimited {
            retry_after_secs: 90,
        },
        1,
    ));
    h.advance(20).await;
    let err = h.state.status.last_error.clone().expect("429 shown");
    assert!(err.contains("Rate limited"), "{err}");
    let screen = h.screen();
    assert!(screen.to_lowercase().contains("rate limited"), "{screen}");
    still_answers_keys(&mut h).await;
    let gets = deployment_gets(&h);
    let asked = |h: &Harness| {
        h.emitted
            .iter()
            .filter(|c| matches!(c, Command::FetchDeployments { .. }))
            .count()
    };
    let fetches = asked(&h);
    // Three poll intervals and a refresh key inside the 90 s: the app asks nothing.
    h.press("r").await;
    for _ in 0..4 {
        h.advance(20).await;
    }
    h.press("r").await;
    assert_eq!(asked(&h), fetches, "a deployments fetch inside retryAfter");
    assert_eq!(deployment_gets(&h), gets, "a request inside retryAfter");
    // 80 s have passed; past 90 the poll resumes.
    h.advance(20).await;
    assert!(
        deployment_gets(&h) > gets,
        "polling resumes after retryAfter"
    );
    assert!(h.state.deployments.error.is_none());
    assert!(
        h.state.status.last_error.is_none(),
        "stale 429 after recovery"
    );
}

#[tokio::test(start_paused = true)]
async fn connection_refused_then_back() {
    let mut h = typed_and_on_deployments().await;
    // Bound and kept, never listening: every connection is refused, and no other test can
    // take the port meanwhile.
    let refusing = tokio::net::TcpSocket::new_v4().unwrap();
    refusing.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let closed = refusing.local_addr().unwrap().port();
    let good = h.exec.client.clone();
    h.exec.client = client_for(&format!("http://127.0.0.1:{closed}"), h.server.key());
    h.advance(20).await;
    let err = h.state.status.last_error.clone().expect("refusal shown");
    assert!(err.contains("Could not reach the API"), "{err}");
    still_answers_keys(&mut h).await;
    h.exec.client = good;
    next_poll(&mut h).await;
    assert!(h.state.deployments.error.is_none());
    assert!(!h.state.deployments.items.is_empty());
    drop(refusing);
}

#[tokio::test(start_paused = true)]
async fn offers_fault_keeps_the_filter_and_recovers() {
    let mut h = typed_and_on_deployments().await;
    h.press("1").await;
    let rows = h.state.offers.visible.len();
    h.demo.inject(FaultRule::new(
        Some("GET"),
        "/api/gpu-offers",
        Fault::MalformedJson,
        1,
    ));
    h.press("r").await;
    assert!(h.state.offers.error.is_some(), "offers error kept");
    assert!(h.screen().contains("Unreadable answer"));
    assert_eq!(h.state.offers.visible.len(), rows, "rows kept");
    assert_eq!(h.state.offers.filter_input.value(), "h100");
    h.press("r").await;
    assert!(h.state.offers.error.is_none());
    assert!(h.state.status.last_error.is_none(), "stale offers error");
}

/// The reducer never awaits: keys are handled while a 5 s slow answer is outstanding, and the
/// answer is taken when it comes. (Virtual time: the request is in the server's hands before
/// the keys, and its answer comes 5 s of paused clock later.)
#[tokio::test(start_paused = true)]
async fn keys_are_handled_while_a_5s_answer_is_outstanding() {
    let mut h = Harness::new().await;
    h.demo.inject(FaultRule::new(
        Some("GET"),
        "/api/deployments",
        Fault::Slow(Duration::from_secs(5)),
        1,
    ));
    let asked = deployment_gets(&h);
    // The harness awaits each command; run this one on its own task instead.
    let exec = h.exec.clone();
    let started = tokio::time::Instant::now();
    let task = tokio::spawn(async move {
        exec.perform(Command::FetchDeployments {
            status: Some("active"),
            teams: vec![],
        })
        .await
    });
    // Let the request reach the server (yielding does not move the paused clock).
    while deployment_gets(&h) == asked {
        tokio::task::yield_now().await;
    }
    for c in "1/a100".chars() {
        let cmds = update(
            &mut h.state,
            Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
        assert!(cmds.iter().all(|c| !c.is_write()));
    }
    assert!(!task.is_finished(), "keys handled before the slow answer");
    assert_eq!(h.state.offers.filter_input.value(), "a100");
    let actions = task.await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(5),
        "the answer came before the server's 5 s"
    );
    for a in actions {
        update(&mut h.state, a);
    }
    assert!(h.state.deployments.error.is_none());
    assert!(!h.state.deployments.items.is_empty());
}

#[tokio::test(start_paused = true)]
async fn unknown_missing_and_unreadable_items_are_all_shown() {
    let mut h = Harness::new().await;
    let v = serde_json::json!({ "deployments": [
        { "id": "d-1", "name": "extra", "status": "running", "surprise": {"new": [1, 2]},
          "gpuType": "H100", "gpuCount": 1, "ipAddress": "10.0.0.1", "futureField": true },
        { "id": "d-2", "name": "bare" },
        { "id": "d-3", "name": "odd", "status": "weird", "gpuCount": "eight" },
        "dep_broken",
    ]});
    let list = decode_list::<Deployment>(v, &["deployments"]).unwrap();
    assert_eq!(list.items.len(), 3);
    assert_eq!(list.unreadable.len(), 1);
    let rows = list.rows();
    let ids: Vec<&str> = rows.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["d-1", "d-2", "d-3", "dep_broken"]);
    h.press("2").await;
    h.press("f").await;
    h.press("f").await; // All: read at once
    let incomplete = Completeness::with(Gap::Unreadable(1));
    h.dispatch(Action::DeploymentsLoaded(Ok(Listing::with(
        rows, incomplete,
    ))))
    .await;
    let screen = h.screen();
    for shown in [
        "extra",
        "bare",
        "odd",
        "weird",
        "dep_broken (unrea",
        "· 1 unreadable, the list may be incomplete (Enter on it: why)",
    ] {
        assert!(screen.contains(shown), "{shown}: {screen}");
    }
    // Enter on the unreadable row says why, and what the API sent.
    let at = h
        .state
        .visible_deployments()
        .iter()
        .position(|d| d.id == "dep_broken")
        .unwrap();
    h.press("g").await;
    for _ in 0..at {
        h.press("j").await;
    }
    h.key(KeyCode::Enter).await;
    let Some(Dialog::Details(d)) = &h.state.dialog else {
        panic!("{:?}", h.state.dialog.as_ref().map(|_| ()));
    };
    assert_eq!(d.title, "Unreadable deployment dep_broken");
    assert_eq!(
        d.lines[..3],
        [
            "This deployment could not be read: the API sent a string where an object was expected.",
            "It is counted as billing, at an unknown rate.",
            "The list it came in proves nothing absent.",
        ]
    );
    assert_eq!(d.lines.last().map(String::as_str), Some("\"dep_broken\""));
    h.key(KeyCode::Esc).await;
    still_on(&h, Pane::Deployments);
}

fn still_on(h: &Harness, p: Pane) {
    assert_eq!(h.state.pane, p);
    assert!(!h.state.quit);
}

/// 5,000 offers and 300 deployments, parsed the way the client does, then driven by keys.
#[tokio::test(start_paused = true)]
async fn five_thousand_offers_and_three_hundred_deployments() {
    let mut h = Harness::new().await;
    let bytes = serde_json::to_vec(&synth::offers_page(5000)).unwrap();
    let page = OffersPage::from_slice(&bytes).expect("5,000 offers parse");
    let seq = h.state.offers.seq;
    h.dispatch(Action::OffersLoaded {
        seq,
        page: 1,
        result: Ok(page),
    })
    .await;
    assert_eq!(h.state.offers.all.len(), 5000);
    h.press("G").await;
    assert_eq!(
        h.state.offers.cursor.selected,
        h.state.offers.visible.len() - 1
    );
    h.press("/h100").await;
    let filtered = h.state.offers.visible.len();
    assert!(filtered > 0 && filtered < 5000, "{filtered}");
    h.key(KeyCode::Esc).await;
    h.press("ssS").await;
    let _ = h.screen();

    let d = decode_list::<Deployment>(synth::deployments(300), &["deployments"])
        .expect("300 deployments parse")
        .items;
    assert_eq!(d.len(), 300);
    h.press("2").await;
    h.press("f").await;
    h.press("f").await; // All: read at once
    h.dispatch(Action::DeploymentsLoaded(Ok(d.into()))).await;
    assert_eq!(h.state.visible_deployments().len(), 300);
    h.press("G").await;
    assert_eq!(h.state.deployments.cursor.selected, 299);
    let screen = h.screen();
    assert!(screen.contains("Deployments"));
    h.press("?").await;
    assert!(matches!(h.state.dialog, Some(Dialog::Help(_))));
}

// ---------------------------------------------------------------------------------------------
// Faults on the deploy POST itself (500 with/without creation: tests/deploy_demo.rs)

fn step(h: &Harness) -> Option<spheron_tui::app::dialogs::deploy::Step> {
    match &h.state.dialog {
        Some(Dialog::Deploy(w)) => Some(w.step()),
        _ => None,
    }
}

/// A deployable DEDICATED offer, wizard defaults up to the summary (as tests/deploy_demo.rs).
async fn to_summary(h: &mut Harness) {
    use spheron_tui::app::dialogs::deploy::{SshSel, Step};
    h.press("tt").await;
    for _ in 0..200 {
        match h.state.offers.selected() {
            Some(o) if o.unavailable_reason().is_none() => break,
            _ => h.press("j").await,
        }
    }
    h.press("d").await;
    for _ in 0..30 {
        if step(h) == Some(Step::Summary) {
            return;
        }
        if matches!(&h.state.dialog, Some(Dialog::Deploy(w)) if w.ssh == Some(SshSel::Paste)) {
            h.press("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICQYLPaIOgCkzvA9E0mLdQaGcltGwYO9+LYtaEjV3QnT me@test")
                .await;
        }
        h.key(KeyCode::Enter).await;
    }
    panic!("never reached the summary");
}

fn posts(h: &Harness) -> usize {
    h.demo
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/api/deployments")
        .count()
}

/// The POST's answer never arrives (timeout, dropped connection) or is a 429: one POST per
/// confirm, never a silent retry; the status line says `said` and the wizard `words` (the demo
/// server creates nothing in these cases, and the app reads the complete list to know it). A
/// created-but-500 answer is `deploy_demo::a_500_after_the_deployment_was_created_is_not_retried`.
async fn deploy_fault(fault: Fault, said: &str, words: &str) {
    let mut h = Harness::new().await;
    h.exec.client = client_for(&h.server.url(), h.server.key());
    to_summary(&mut h).await;
    let count = h.demo.deployment_count();
    h.demo.inject(FaultRule::new(
        Some("POST"),
        "/api/deployments",
        fault.clone(),
        1,
    ));
    h.advance(15).await;
    h.press("yy").await; // the summary's action, then the confirm's
    assert_eq!(posts(&h), 1, "{fault:?}");
    assert_eq!(
        h.state.status.last_error.as_deref(),
        Some(said),
        "{fault:?}"
    );
    assert_eq!(h.state.status.flash.as_ref().map(|f| &f.text), None);
    for _ in 0..15 {
        h.advance(1).await;
    }
    let wizard = match &h.state.dialog {
        Some(Dialog::Deploy(w)) => format!("{:?} {:?}", w.phase, w.error),
        _ => String::new(),
    };
    assert!(wizard.contains(words), "{fault:?}: {wizard}");
    // Waiting and non-confirm keys send no second POST: a retry needs its own explicit `y`.
    for _ in 0..30 {
        h.advance(1).await;
    }
    h.press("n").await;
    // Esc steps back through the wizard, then closes it.
    for _ in 0..15 {
        if h.state.dialog.is_none() {
            break;
        }
        h.key(KeyCode::Esc).await;
    }
    assert!(h.state.dialog.is_none(), "{fault:?}: Esc closes the wizard");
    h.press("?").await;
    assert!(
        matches!(h.state.dialog, Some(Dialog::Help(_))),
        "{fault:?}: keys still work"
    );
    assert_eq!(posts(&h), 1, "{fault:?}: a second POST went out");
    assert_eq!(h.demo.deployment_count(), count, "{fault:?}");
}

#[tokio::test(start_paused = true)]
async fn deploy_post_timing_out_is_checked_not_retried() {
    deploy_fault(
        Fault::Slow(NEVER_IN_TIME),
        "deploy, unclear answer: The API did not answer in time (operation timed out). After a deploy, look at the deployments list before trying again",
        "it was not created",
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn deploy_post_dropped_connection_is_not_retried() {
    deploy_fault(
        Fault::DropConnection,
        "deploy, unclear answer: Could not reach the API: connection closed before message completed. Check your network connection and try again",
        "it was not created",
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn deploy_post_rate_limited_is_not_retried() {
    deploy_fault(
        Fault::RateLimited {
            retry_after_secs: 1,
        },
        "deploy: Rate limited by the API: nothing is sent for 1 s; try again after that",
        "rate-limited deploys",
    )
    .await;
}

/// Text typed into a dialog survives faults arriving meanwhile (a poll failing, a 429).
#[tokio::test(start_paused = true)]
async fn text_typed_in_a_dialog_survives_faults() {
    let mut h = typed_and_on_deployments().await;
    h.press("e").await;
    h.press("-v2").await;
    let typed = match &h.state.dialog {
        Some(Dialog::Rename(r)) => r.input.value().to_string(),
        _ => panic!("rename dialog open"),
    };
    assert!(typed.ends_with("-v2"), "{typed}");
    for fault in [
        Fault::ServerError,
        Fault::MalformedJson,
        Fault::RateLimited {
            retry_after_secs: 1,
        },
    ] {
        // every read of a round fails, its retry too (the two teams' lists are read at once)
        h.demo
            .inject(FaultRule::new(Some("GET"), "/api", fault.clone(), 8));
        h.advance(60).await;
        assert!(h.state.status.last_error.is_some(), "{fault:?} said");
        match &h.state.dialog {
            Some(Dialog::Rename(r)) => assert_eq!(r.input.value(), typed, "{fault:?}"),
            _ => panic!("{fault:?} closed the rename dialog"),
        }
        h.demo.clear_faults();
    }
    assert_eq!(h.state.offers.filter_input.value(), "h100");
    assert_eq!(h.count(Command::is_write), 0);
}
