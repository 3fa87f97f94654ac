//! The log file: tracing, never to the terminal while the dashboard is up, and bounded. When
//! the file passes [`MAX_LOG_BYTES`] it is rotated (`spheron-tui.log` → `.log.1` → `.log.2`)
//! and the oldest is deleted, so the logs never take more than about
//! `(KEEP_ROTATED + 1) × MAX_LOG_BYTES` (the `file-rotate` crate does the rotation). Files are
//! created 0600: the log holds account details, though never the key.

use std::fs::OpenOptions;
use std::path::Path;

use file_rotate::compression::Compression;
use file_rotate::suffix::AppendCount;
use file_rotate::{ContentLimit, FileRotate};
use tracing_subscriber::filter::Targets;

/// A log file is rotated once it passes this size.
pub const MAX_LOG_BYTES: usize = 5 * 1024 * 1024;
/// Rotated files kept besides the current one.
pub const KEEP_ROTATED: usize = 2;

/// The rotating writer for `path` (its directory is created first). `max_bytes` and `keep` are
/// [`MAX_LOG_BYTES`] and [`KEEP_ROTATED`] outside tests.
pub fn rotating_writer(
    path: &Path,
    max_bytes: usize,
    keep: usize,
) -> std::io::Result<FileRotate<AppendCount>> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut open = OpenOptions::new();
    open.read(true).create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
    // Said here rather than by the writer's first write: a file that cannot be opened is
    // reported before the dashboard takes the screen.
    open.open(path)?;
    Ok(FileRotate::new(
        path,
        AppendCount::new(keep),
        ContentLimit::BytesSurpassed(max_bytes.max(1)),
        Compression::None,
        Some(open),
    ))
}

/// Tracing to `path` through the rotating writer. Filter from `SPHERON_LOG`, else `RUST_LOG`,
/// else `info`. Returns false when the subscriber could not be installed.
pub fn init(path: &Path) -> std::io::Result<bool> {
    use tracing_subscriber::layer::{Layer, SubscriberExt};
    use tracing_subscriber::util::SubscriberInitExt;
    let writer = rotating_writer(path, MAX_LOG_BYTES, KEEP_ROTATED)?;
    let filter = std::env::var("SPHERON_LOG")
        .ok()
        .or_else(|| std::env::var("RUST_LOG").ok())
        .and_then(|f| filter(&f))
        .unwrap_or_else(|| Targets::new().with_default(tracing::Level::INFO));
    let lines = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(writer));
    Ok(tracing_subscriber::registry()
        .with(lines.with_filter(filter))
        .try_init()
        .is_ok())
}

/// A log filter: a level (`debug`), targets with levels (`spheron_tui=trace,hyper=warn`), or
/// both; `None` when it cannot be read.
fn filter(text: &str) -> Option<Targets> {
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_filter_is_a_level_or_targets_with_levels() {
        use tracing::Level;
        let debug = filter("debug").unwrap();
        assert!(debug.would_enable("hyper::client", &Level::DEBUG));
        assert!(!debug.would_enable("hyper::client", &Level::TRACE));
        let ours = filter("spheron_tui=trace,hyper=warn").unwrap();
        assert!(ours.would_enable("spheron_tui::store", &Level::TRACE));
        assert!(ours.would_enable("hyper::proto", &Level::WARN));
        assert!(!ours.would_enable("hyper::proto", &Level::INFO));
        assert!(!ours.would_enable("reqwest", &Level::ERROR));
        assert!(filter("spheron_tui=loudest").is_none());
    }

    #[test]
    fn the_logs_stay_within_their_cap() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("logs").join("spheron-tui.log");
        let mut w = rotating_writer(&path, 1000, 2).unwrap();
        let line = [b'x'; 99];
        for _ in 0..500 {
            w.write_all(&line).unwrap();
            w.write_all(b"\n").unwrap();
        }
        w.flush().unwrap();
        let mut names: Vec<String> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["spheron-tui.log", "spheron-tui.log.1", "spheron-tui.log.2"]
        );
        let total: u64 = names
            .iter()
            .map(|n| std::fs::metadata(path.with_file_name(n)).unwrap().len())
            .sum();
        // 50 000 bytes were written; at most three files of about 1000 bytes are kept.
        assert!(total <= 3 * 1100, "{total} bytes kept");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{mode:o}");
        }
    }
}
