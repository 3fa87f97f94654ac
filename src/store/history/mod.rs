//! Price history in the store: a point per offer only when its price or availability changes,
//! hourly roll-ups (lowest and highest) after 48 h, 90 days kept, and a cap on the space the
//! history may use. Dedup uses an in-memory copy of each offer's last point, filled from the
//! file on first use, so an unchanged load costs no write at all.
//!
//! Points live in three tiers, newest first:
//! - `price_recent`, keyed by time: a load's points are appended there, a few pages per load
//!   whichever offers changed;
//! - `price_points`, keyed by offer and time: the raw points of the last 48 hours, moved there
//!   from `price_recent` by the hourly compaction ([`compact`]);
//! - `price_hours`: the hourly roll-ups, packed one blob per offer per week ([`pack`]).
//!
//! A read merges the three; a time two tiers both hold reads as the newer tier says.

mod compact;
pub mod pack;
mod read;
mod record;
mod rows;
pub mod sim;

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;

use chrono::Duration;

pub use compact::Compaction;
pub use record::Last;

/// Raw points are kept this long; older ones are rolled up to one per offer per hour.
pub const RAW_KEEP: Duration = Duration::hours(48);
/// Points older than this are deleted (the last one of each offer stays: it is its state).
pub const KEEP: Duration = Duration::days(90);
/// The most space the history may take; the oldest roll-ups go first past it.
pub const CAP_BYTES: u64 = 48 * 1024 * 1024;
