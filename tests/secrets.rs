//! Secrets: the API key never shows on any pane or dialog, in the log file, in a
//! panic report (tests/terminal.rs), in `Debug` output, or in a snapshot file.
//! Also covered elsewhere: redirects are never followed so the key cannot reach another port
//! (`client_contract::a_redirect_is_not_followed_and_the_key_stays_home`), the URL guard
//! (`tests/base_url.rs`), credentials written 0600 atomically and loose files warned about
//! (`tests/credentials.rs`).

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossterm::event::KeyCode;
use serde_json::json;
use spheron_tui::api::{Client, ClientOptions};
use spheron_tui::app::dialogs::Dialog;
use spheron_tui::app::state::Session;
use spheron_tui::app::{Action, AppState, Command, update};
use spheron_tui::credentials::ApiKey;
use spheron_tui::demo::{DEMO_API_KEY, DemoOptions};
use spheron_tui::runtime::Launch;
use spheron_tui::runtime::executor::Executor;
use support::harness::Harness;
use support::http::{Canned, Mock};

const KEY: &str = "sai_pk_secret_test_key_5f3a9c1e7b2d4680";

/// Fails naming where the key (or its middle: a mask shows at most 4 + 4 characters) appears,
/// with a little context only, so a failure does not print pages of state.
fn assert_clean(what: &str, text: &str, key: &str) {
    let middle = &key[8..key.len() - 8];
    if let Some(at) = text.find(middle) {
        panic!(
            "{what} shows (part of) the key at byte {at} of {}",
            text.len()
        );
    }
}

fn assert_state_clean(h: &Harness, what: &str, key: &str) {
    assert_clean(what, &h.screen(), key);
    assert_clean(
        &format!("{what} (state Debug)"),
        &format!("{:?}", h.state),
        key,
    );
    assert_clean(
        &format!("{what} (commands)"),
        &format!("{:?}", h.emitted),
        key,
    );
}

#[tokio::test]
async fn no_pane_or_dialog_shows_the_loaded_key() {
    let mut h = Harness::new().await;
    let key = DEMO_API_KEY;
    assert_eq!(h.server.key(), key);
    for p in "12345".chars() {
        h.press(&p.to_string()).await;
        assert_state_clean(&h, &format!("pane {p}"), key);
        h.key(KeyCode::Enter).await; // details of the selected row
        assert_state_clean(&h, &format!("details on pane {p}"), key);
        h.key(KeyCode::Esc).await;
    }
    h.press("?").await;
    assert!(matches!(h.state.dialog, Some(Dialog::Help(_))));
    assert_state_clean(&h, "help", key);
    h.key(KeyCode::Esc).await;

    // Terminate dialog on the first deployment.
    h.press("2x").await;
    assert!(
        matches!(&h.state.dialog, Some(d) if d.kind() == spheron_tui::app::dialogs::Kind::Terminate)
    );
    assert_state_clean(&h, "terminate dialog", key);
    h.key(KeyCode::Esc).await;

    // Deploy wizard up to its summary.
    h.press("1").await;
    h.press("d").await;
    assert!(matches!(h.state.dialog, Some(Dialog::Deploy(_))));
    for _ in 0..12 {
        assert_state_clean(&h, "deploy wizard", key);
        h.key(KeyCode::Enter).await;
        if !matches!(h.state.dialog, Some(Dialog::Deploy(_))) {
            break;
        }
    }
    assert_eq!(h.count(Command::is_write), 0);
}

#[tokio::test]
async fn the_key_prompt_masks_what_is_typed() {
    let mut h = Harness::with(DemoOptions::for_tests(), false).await;
    h.press("2").await;
    assert!(matches!(h.state.dialog, Some(Dialog::KeyPrompt(_))));
    let key = h.server.key().to_string();
    for (i, c) in key.chars().enumerate() {
        h.key(KeyCode::Char(c)).await;
        if i % 7 == 0 || i + 1 == key.len() {
            assert_state_clean(&h, &format!("key prompt after {} chars", i + 1), &key);
        }
    }
    h.key(KeyCode::Enter).await;
    assert!(h.state.dialog.is_none(), "key accepted");
    assert!(
        h.emitted.iter().any(|c| matches!(c, Command::UseKey(_))),
        "UseKey emitted"
    );
    assert_state_clean(&h, "after the key was entered", &key);
    assert!(!h.state.deployments.items.is_empty(), "the key works");
}

#[tokio::test]
async fn a_key_the_demo_api_refuses_is_not_saved_and_a_good_one_is() {
    let mut h = Harness::with(DemoOptions::for_tests(), false).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(".spheron").join("credentials");
    h.exec.credentials_path = Some(file.clone());
    h.press("2").await;
    h.press("sai_pk_not_a_real_key").await;
    h.key(KeyCode::Enter).await;
    let Some(Dialog::KeyPrompt(p)) = &h.state.dialog else {
        panic!("the prompt stays open for a refused key")
    };
    let said = p.error.clone().unwrap_or_default();
    assert!(said.contains("refused this key (401)"), "{said}");
    assert!(h.screen().contains("refused this key"), "{}", h.screen());
    assert!(!file.exists(), "a refused key was saved");
    assert!(!h.exec.client.has_key(), "a refused key is in use");
    assert_eq!(h.count(|c| matches!(c, Command::UseKey(_))), 0);
    for _ in 0.."sai_pk_not_a_real_key".len() {
        h.key(KeyCode::Backspace).await;
    }
    let key = h.server.key().to_string();
    h.press(&key).await;
    h.key(KeyCode::Enter).await;
    assert!(h.state.dialog.is_none(), "a good key is accepted");
    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(saved.contains(&key));
    assert!(h.exec.client.has_key());
}

#[test]
fn debug_of_client_options_launch_command_and_state_hide_the_key() {
    let k = ApiKey::new(KEY);
    let opts = ClientOptions::new("http://127.0.0.1:9", Some(k.clone()));
    assert_clean("ClientOptions", &format!("{opts:?}"), KEY);
    let client = Client::with_options(opts).unwrap();
    assert_clean("Client", &format!("{client:?}"), KEY);
    let launch = Launch {
        api_url: "http://127.0.0.1:9".into(),
        api_key: Some(k.clone()),
        credentials_path: PathBuf::from("/tmp/x"),
        demo: false,
        poll_interval: Duration::from_secs(20),
        read_only: false,
        look: Default::default(),
        store_path: None,
        max_burn_usd_per_hour: None,
        ssh_config: None,
        gpu_usage: None,
        config_file: None,
        presets: Default::default(),
        account_watch: None,
        instances: Default::default(),
    };
    assert_clean("Launch", &format!("{launch:?} {launch:#?}"), KEY);
    assert_clean("Command", &format!("{:?}", Command::UseKey(k.clone())), KEY);
    assert_clean("ApiKey Display", &format!("{k} {k:?}"), KEY);

    // What a bug's panic message would format: the state and the action in hand. (The real
    // panic hook's report, screen and log, is searched for the key in tests/terminal.rs
    // `a_panic_in_the_event_loop_restores_the_terminal`, whose message carries the state.)
    let session = Session {
        key_mask: Some(k.mask()),
        ..Session::default()
    };
    let state = AppState::new(session, chrono::Utc::now());
    assert_clean("AppState", &format!("{state:?} {state:#?}"), KEY);
}

/// A writer the fmt subscriber can share: appends to a file.
#[derive(Clone)]
struct FileWriter(Arc<Mutex<std::fs::File>>);

impl Write for FileWriter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().write(b)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.lock().unwrap().flush()
    }
}

/// A session whose answers echo the key (401 and 400 bodies, a text body), logged at TRACE to a
/// file: neither the file, the state, the screen nor the errors carry the key.
#[tokio::test]
async fn the_log_file_and_errors_never_carry_the_key_even_when_the_api_echoes_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spheron-tui.log");
    let file = FileWriter(Arc::new(Mutex::new(std::fs::File::create(&path).unwrap())));
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || file.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let m = Mock::start().await;
    m.on_json(
        "GET /api/deployments",
        401,
        json!({"error": format!("invalid key {KEY}"), "code": "UNAUTHORIZED"}),
    );
    m.on_json(
        "GET /api/balance",
        400,
        json!({"error": format!("bad key {KEY}"), "details": {"key": KEY}}),
    );
    m.on(
        "GET /api/teams",
        Canned::text(500, "text/plain", &format!("oops {KEY}")),
    );
    m.on(
        "GET /api/volumes",
        Canned::text(200, "text/html", &format!("<html>{KEY}</html>")),
    );
    m.on_json("GET /api/gpu-offers", 403, json!({"error": KEY}));

    let mut o = ClientOptions::new(m.url(), Some(ApiKey::new(KEY)));
    o.get_retry_delay = Duration::from_millis(1);
    let exec = Executor {
        client: Client::with_options(o).unwrap(),
        credentials_path: None,
        home: None,
        journal: Default::default(),
        tunnels: Default::default(),
        instances: Default::default(),
    };
    let session = Session {
        host: exec.client.host_label(),
        key_mask: Some(ApiKey::new(KEY).mask()),
        poll_interval_secs: 20,
        ..Session::default()
    };
    let now = chrono::Utc::now();
    let mut state = AppState::new(session, now);
    let mut queue: Vec<Command> = update(&mut state, Action::Start(now));
    let mut screens = String::new();
    let mut n = 0;
    while let Some(cmd) = queue.pop() {
        n += 1;
        assert!(n < 100, "command storm");
        tracing::debug!(?cmd, "performing");
        for a in exec.perform(cmd).await {
            tracing::debug!(?a, "action");
            queue.extend(update(&mut state, a));
            tracing::debug!(state = ?state, "after");
            screens.push_str(
                &spheron_tui::runtime::snapshot::render(
                    &state,
                    120,
                    40,
                    spheron_tui::runtime::SnapshotFormat::Text,
                    &spheron_tui::ui::Theme::default(),
                )
                .unwrap(),
            );
        }
    }
    assert!(m.count() >= 4, "requests went out: {}", m.count());
    assert!(state.status.last_error.is_some(), "errors were shown");
    drop(_guard);
    let log = std::fs::read_to_string(&path).unwrap();
    assert!(log.contains("api error"), "the errors were logged:\n{log}");
    assert_clean("log file", &log, KEY);
    assert_clean("screens", &screens, KEY);
    assert_clean("state", &format!("{state:?}"), KEY);
}

#[test]
fn snapshot_files_hold_no_key() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots");
    let keys = [
        DEMO_API_KEY,
        KEY,
        "sai_pk_contract_test_key_0123456789",
        "sai_pk_9b1d6c0e4f2a8d7c3b5e1f9a0c2d4e6f",
        "sai_pk_cli_info_test_key_abcdef123456",
    ];
    let mut scanned = 0;
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "snap") {
            let text = std::fs::read_to_string(&p).unwrap();
            for k in keys {
                assert!(!text.contains(k), "{} holds {k}", p.display());
            }
            scanned += 1;
        }
    }
    assert!(scanned >= 10, "only {scanned} snapshot files found");
}

/// Kubeconfig saving (`runtime::files::save_private_file`): a file
/// that was readable by others is replaced by a 0600 one, atomically (no temp file left).
#[cfg(unix)]
#[test]
fn a_kubeconfig_overwriting_a_loose_file_ends_up_0600() {
    use spheron_tui::runtime::files::save_private_file;
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("kubeconfig.yaml");
    std::fs::write(&p, "old").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
    save_private_file(&p, b"apiVersion: v1\n", true).unwrap();
    let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "mode {mode:o}");
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "apiVersion: v1\n");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "temp file left"
    );
}
