//! `demo reset`: a fresh demo world for every process that shares it.

use crate::config::Paths;
use crate::exit::{FAILURE, OK};

/// Start the demo world afresh, and remove from the demo store what named the old one (its
/// guard rules and journal); the demo's watches and price history stay. Processes running
/// with `--demo` serve the fresh world from their next request. Returns the exit code.
pub fn reset(paths: Option<&Paths>) -> u8 {
    let Some(paths) = paths else {
        eprintln!("error: no data directory is known, so there is no demo world");
        return FAILURE;
    };
    let world = paths.demo_world_file();
    if let Err(e) = crate::demo::reset_world(&world) {
        eprintln!("error: {e}");
        return FAILURE;
    }
    println!("a fresh demo world: {}", world.display());
    let store = paths.demo_store_file();
    if !store.exists() {
        return OK;
    }
    let forgot = crate::store::Store::open(&store).and_then(|(mut s, _)| s.forget_world());
    match forgot {
        Ok((rules, entries)) => {
            println!(
                "removed from {}: {rules} guard rule{} and {entries} journal entr{} of the old world (watches and price history kept)",
                store.display(),
                if rules == 1 { "" } else { "s" },
                if entries == 1 { "y" } else { "ies" },
            );
            OK
        }
        Err(e) => {
            eprintln!("error: the old world's guard rules and journal are still there: {e}");
            FAILURE
        }
    }
}
