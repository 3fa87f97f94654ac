//! The event loop, the command executor and the pollers. (Being built: issue 4.)

use std::path::PathBuf;
use std::time::Duration;

use crate::app::Pane;
use crate::credentials::ApiKey;

/// Everything the dashboard needs to start, resolved by `main.rs` from flags, env and files.
#[derive(Debug, Clone)]
pub struct Launch {
    /// Base URL, already accepted by the guard.
    pub api_url: String,
    pub api_key: Option<ApiKey>,
    /// Where a key typed into the prompt is saved.
    pub credentials_path: PathBuf,
    /// Talking to the embedded demo server.
    pub demo: bool,
    pub poll_interval: Duration,
    pub read_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotFormat {
    Text,
    Svg,
}

/// Run the dashboard until the user quits.
pub async fn run_dashboard(_launch: Launch) -> color_eyre::Result<()> {
    Err(color_eyre::eyre::eyre!("the dashboard is not built yet"))
}

/// Load the data once, render one frame of `pane` at `cols`×`rows`, return it as text or SVG.
pub async fn snapshot(
    _launch: Launch,
    _pane: Pane,
    _cols: u16,
    _rows: u16,
    _format: SnapshotFormat,
) -> color_eyre::Result<String> {
    Err(color_eyre::eyre::eyre!("snapshot is not built yet"))
}
