//! Test-only failure injection for `tests/terminal.rs`, which shows that the terminal is given
//! back (and the report printed) whatever panics. Debug builds read `SPHERON_TUI_TEST_FAIL` once,
//! when the event loop starts; release builds never read it. After the first key press:
//!
//! - `panic-loop`: the event loop panics;
//! - `panic-draw`: the next draw panics inside ratatui's draw closure;
//! - `panic-task`: a spawned tokio task panics (the loop itself runs on).
//!
//! (`panic` and `error` before the dashboard starts are handled in `main.rs`.) Not a user
//! setting: it is not documented for users.

/// Where the injected panic happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site {
    Loop,
    Draw,
    Task,
}

/// The requested failure, armed by the first key press; each fires at most once.
#[derive(Debug, Default)]
pub struct Injected {
    site: Option<Site>,
    armed: bool,
}

impl Injected {
    /// Read `SPHERON_TUI_TEST_FAIL` (debug builds only).
    pub fn from_env() -> Injected {
        let site = if cfg!(debug_assertions) {
            match std::env::var("SPHERON_TUI_TEST_FAIL").as_deref() {
                Ok("panic-loop") => Some(Site::Loop),
                Ok("panic-draw") => Some(Site::Draw),
                Ok("panic-task") => Some(Site::Task),
                _ => None,
            }
        } else {
            None
        };
        Injected { site, armed: false }
    }

    pub fn on_key(&mut self) {
        self.armed = self.site.is_some();
    }

    /// Whether the failure at `site` fires now (then never again).
    pub fn fire(&mut self, site: Site) -> bool {
        if self.armed && self.site == Some(site) {
            self.site = None;
            self.armed = false;
            true
        } else {
            false
        }
    }
}

/// Panic, naming the site; `context` is appended (the loop passes its state, as a bug's
/// assertion message might, so the test can show a report never holds the key).
pub fn panic_at(site: Site, context: &str) -> ! {
    panic!("test panic requested (SPHERON_TUI_TEST_FAIL, {site:?}) {context}")
}
