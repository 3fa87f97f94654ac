//! The store's file while it is open: this process keeps reading and writing the file it
//! opened, so a store deleted, replaced by another file (a restored backup, a sync tool),
//! truncated or overwritten at its path goes unseen by SQLite. [`Store::check_file`] looks at
//! the path itself: the same file (device and inode), still starting as an SQLite database.

use std::io::Read as _;
use std::os::unix::fs::MetadataExt as _;
use std::path::Path;

use super::Store;

/// The first bytes of every SQLite database file.
const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Which file a path names: device and inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId {
    dev: u64,
    ino: u64,
}

/// The file at `path` now, if there is one.
pub(super) fn file_id(path: &Path) -> Option<FileId> {
    std::fs::metadata(path).ok().map(|m| FileId {
        dev: m.dev(),
        ino: m.ino(),
    })
}

/// What became of the store's file while it was open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileTrouble {
    Deleted,
    /// Another file is at the path now.
    Replaced,
    /// Shorter than an SQLite header (zero bytes, usually).
    Truncated(u64),
    /// It no longer starts as an SQLite database.
    Overwritten,
    /// It cannot be looked at.
    Unreadable(String),
}

impl FileTrouble {
    /// What happened, for the user, in one paragraph.
    pub fn text(&self, path: &Path) -> String {
        let what = match self {
            FileTrouble::Deleted => "was deleted".to_string(),
            FileTrouble::Replaced => "was replaced by another file".to_string(),
            FileTrouble::Truncated(0) => "was truncated to zero bytes".to_string(),
            FileTrouble::Truncated(n) => format!("was truncated to {n} bytes"),
            FileTrouble::Overwritten => {
                "was overwritten (it no longer starts as an SQLite database)".to_string()
            }
            FileTrouble::Unreadable(e) => format!("cannot be looked at ({e})"),
        };
        format!(
            "the local store {} {what} while this process had it open",
            path.display()
        )
    }
}

impl Store {
    /// Whether the file at the store's path is still the one this process opened, holding a
    /// database.
    pub fn check_file(&self) -> Result<(), FileTrouble> {
        let meta = match std::fs::metadata(&self.path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(FileTrouble::Deleted);
            }
            Err(e) => return Err(FileTrouble::Unreadable(e.to_string())),
        };
        let now = FileId {
            dev: meta.dev(),
            ino: meta.ino(),
        };
        if self.file_id.is_some_and(|opened| opened != now) {
            return Err(FileTrouble::Replaced);
        }
        if meta.len() < 100 {
            return Err(FileTrouble::Truncated(meta.len()));
        }
        let mut head = [0u8; 16];
        std::fs::File::open(&self.path)
            .and_then(|mut f| f.read_exact(&mut head))
            .map_err(|e| FileTrouble::Unreadable(e.to_string()))?;
        if &head != MAGIC {
            return Err(FileTrouble::Overwritten);
        }
        Ok(())
    }
}
