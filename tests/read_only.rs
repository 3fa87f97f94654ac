//! Read-only end to end: a `--read-only` session (reducer and client both read-only,
//! as `runtime::prepare` builds them) against the demo server. Every write key path says why
//! and the server sees no POST/PATCH/DELETE, even when a write Command is forced past the
//! reducer. The reducer alone: `deploy_flows::read_only_refuses_every_write_in_the_reducer_and_says_why`
//! and the proptest `properties::read_only_never_writes`; the client alone:
//! `client_contract::read_only_refuses_every_write_and_sends_nothing`.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use crossterm::event::KeyCode;
use spheron_tui::api::{Client, ClientOptions};
use spheron_tui::app::Command;
use spheron_tui::app::dialogs::Dialog;
use spheron_tui::credentials::ApiKey;
use support::harness::Harness;

fn writes_seen(h: &Harness) -> Vec<String> {
    h.demo
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

fn flash(h: &Harness) -> String {
    h.state
        .status
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_read_only_session_sends_no_write_and_says_why() {
    let mut h = Harness::new().await;
    h.state.session.read_only = true;
    let mut o = ClientOptions::new(h.server.url(), Some(ApiKey::new(h.server.key())));
    o.read_only = true;
    h.exec.client = Client::with_options(o).unwrap();
    assert!(
        h.screen().to_lowercase().contains("read-only"),
        "{}",
        h.screen()
    );

    // Deploy: the wizard opens (to look), the summary says why, y/Enter send nothing.
    h.press("d").await;
    assert!(matches!(h.state.dialog, Some(Dialog::Deploy(_))));
    for _ in 0..12 {
        h.key(KeyCode::Enter).await;
        h.press("y").await;
        if !matches!(h.state.dialog, Some(Dialog::Deploy(_))) {
            break;
        }
    }
    assert!(
        h.screen().contains("Read-only") || flash(&h).contains("Read-only"),
        "{}",
        h.screen()
    );
    h.key(KeyCode::Esc).await;
    h.key(KeyCode::Esc).await;
    h.key(KeyCode::Esc).await;

    // Terminate and rename on a deployment.
    h.press("2").await;
    assert!(!h.state.deployments.items.is_empty());
    h.press("x").await;
    assert!(flash(&h).contains("Read-only"), "{}", flash(&h));
    h.press("y").await;
    h.press("e").await;
    assert!(flash(&h).contains("rename"), "{}", flash(&h));
    h.press("zz").await;
    h.key(KeyCode::Enter).await;

    assert_eq!(h.count(Command::is_write), 0, "{:?}", h.emitted);
    assert_eq!(writes_seen(&h), Vec::<String>::new());

    // Forced past the reducer: the client refuses before sending.
    let id = h.state.deployments.items[0].id.clone();
    for cmd in [
        Command::Terminate { id: id.clone() },
        Command::RenameDeployment {
            id,
            name: "renamed".into(),
        },
    ] {
        let out = h.exec.perform(cmd).await;
        let text = format!("{out:?}");
        assert!(text.contains("ReadOnly"), "{text}");
    }
    assert_eq!(writes_seen(&h), Vec::<String>::new());
}

#[tokio::test]
async fn a_refusal_is_readable_on_the_status_line_even_when_it_is_long() {
    let mut h = Harness::new().await;
    h.state.session.read_only = true;
    h.press("2").await;
    h.press("x").await;
    let screen = h.screen();
    let status = screen
        .lines()
        .rev()
        .nth(1)
        .expect("the status line")
        .to_string();
    assert!(status.contains("READ-ONLY"), "{status}");
    assert!(
        status.contains("Restart without it to make changes."),
        "{status}"
    );
    // with no message the routine part is there
    h.state.status.flash = None;
    let screen = h.screen();
    let status = screen.lines().rev().nth(1).unwrap();
    assert!(status.contains("budget"), "{status}");
}
