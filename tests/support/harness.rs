//! Drives the real app (reducer + executor + real client) against the demo server with a
//! manual clock, without a terminal: press keys, let commands finish, look at the screen.

use std::collections::VecDeque;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use spheron_tui::api::{Client, ClientOptions};
use spheron_tui::app::state::Session;
use spheron_tui::app::{Action, AppState, Command, update};
use spheron_tui::credentials::ApiKey;
use spheron_tui::demo::{self, DemoHandle, DemoOptions, DemoServer};
use spheron_tui::runtime::SnapshotFormat;
use spheron_tui::runtime::executor::Executor;
use spheron_tui::runtime::snapshot::render;
use spheron_tui::ui::Theme;

pub const COLS: u16 = 120;
pub const ROWS: u16 = 40;

pub struct Harness {
    pub server: DemoServer,
    pub demo: DemoHandle,
    pub state: AppState,
    pub exec: Executor,
    /// Every command the reducer emitted, in order (terminal effects included).
    pub emitted: Vec<Command>,
}

impl Harness {
    pub async fn new() -> Harness {
        Self::with(DemoOptions::for_tests(), true).await
    }

    pub async fn with(opts: DemoOptions, with_key: bool) -> Harness {
        let server = demo::spawn(opts).await.expect("demo server");
        let demo = server.handle();
        let key = with_key.then(|| ApiKey::new(server.key()));
        let client =
            Client::with_options(ClientOptions::new(server.url(), key.clone())).expect("client");
        let session = Session {
            demo: true,
            read_only: false,
            host: client.host_label(),
            key_mask: key.as_ref().map(ApiKey::mask),
            poll_interval_secs: 20,
        };
        let mut state = AppState::new(session, demo.now());
        state.size = (COLS, ROWS);
        let exec = Executor {
            client,
            credentials_path: None,
            home: None,
            journal: Default::default(),
            tunnels: Default::default(),
            instances: spheron_tui::runtime::usage::Instances::Demo(demo.clone()),
        };
        let mut h = Harness {
            server,
            demo,
            state,
            exec,
            emitted: Vec::new(),
        };
        let now = h.demo.now();
        h.dispatch(Action::Start(now)).await;
        h
    }

    /// Feed one action and run every command that follows from it to completion.
    pub async fn dispatch(&mut self, action: Action) {
        let mut queue: VecDeque<Command> = update(&mut self.state, action).into();
        let mut steps = 0;
        while let Some(cmd) = queue.pop_front() {
            steps += 1;
            assert!(steps < 500, "command storm: {cmd:?}");
            self.emitted.push(cmd.clone());
            for a in self.exec.perform(cmd).await {
                queue.extend(update(&mut self.state, a));
            }
        }
    }

    pub async fn key(&mut self, code: KeyCode) {
        self.dispatch(Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
            .await;
    }

    pub async fn press(&mut self, keys: &str) {
        for c in keys.chars() {
            self.key(KeyCode::Char(c)).await;
        }
    }

    /// Move the demo world's clock and tick the app with the same time.
    pub async fn advance(&mut self, secs: u64) {
        self.demo.advance(Duration::from_secs(secs));
        let now = self.demo.now();
        self.dispatch(Action::Tick(now)).await;
    }

    pub fn screen(&self) -> String {
        render(
            &self.state,
            COLS,
            ROWS,
            SnapshotFormat::Text,
            &Theme::default(),
        )
        .unwrap()
    }

    pub fn buffer(&self) -> ratatui::buffer::Buffer {
        let mut term =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(COLS, ROWS)).unwrap();
        term.draw(|f| spheron_tui::ui::draw(f, &self.state, &Theme::default()))
            .unwrap();
        term.backend().buffer().clone()
    }

    pub fn count(&self, pred: impl Fn(&Command) -> bool) -> usize {
        self.emitted.iter().filter(|c| pred(c)).count()
    }
}

/// `state` drawn at `cols`×`rows`, as text.
pub fn screen_at(state: &AppState, cols: u16, rows: u16) -> String {
    render(state, cols, rows, SnapshotFormat::Text, &Theme::default()).unwrap()
}

/// Snapshot settings that hide the rate budget's count and reset time, which move with the
/// wall clock between runs.
pub fn budget_settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(r"resets \d+s", "resets [N]s");
    s.add_filter(r"budget \d+/\d+", "budget [N]/[N]");
    s
}
