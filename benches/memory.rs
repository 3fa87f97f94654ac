//! Memory with 10,000 offers and 300 deployments loaded. `cargo bench --bench memory` prints:
//! live heap bytes held by the loaded state (counted by a wrapping allocator: exact, and free of
//! allocator slack), and the process RSS (Linux `/proc/self/status`). A measurement, not a test.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            LIVE.fetch_add(new_size, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    // The app reads an answer's bytes and parses them; it never holds the synthetic `Value`
    // tree this bench builds the payload from. So a child process loads pre-written bytes,
    // and its RSS is what the dashboard would have.
    if let Ok(dir) = std::env::var("SPHERON_MEM_CHILD") {
        return child(std::path::Path::new(&dir));
    }
    let dir = std::env::temp_dir().join(format!("spheron-mem-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, v: serde_json::Value| {
        std::fs::write(dir.join(name), serde_json::to_vec(&v).unwrap()).unwrap()
    };
    write("offers.json", spheron_tui::demo::synth::offers_page(10_000));
    write(
        "deployments.json",
        spheron_tui::demo::synth::deployments(300),
    );
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .env("SPHERON_MEM_CHILD", &dir)
        .output()
        .unwrap();
    print!("{}", String::from_utf8_lossy(&out.stdout));
    let _ = std::fs::remove_dir_all(&dir);
}

fn child(dir: &std::path::Path) {
    let rss0 = rss_kib();
    let before = LIVE.load(Ordering::Relaxed);
    let offers = std::fs::read(dir.join("offers.json")).unwrap();
    let fleet = std::fs::read(dir.join("deployments.json")).unwrap();
    let state = common::state_from_bytes(&offers, &fleet);
    drop((offers, fleet));
    let held = LIVE.load(Ordering::Relaxed) - before;
    std::hint::black_box(&state);
    println!(
        "memory: {:.1} MiB of heap held by the state with {} offers and {} deployments",
        mib(held),
        state.offers.all.len(),
        state.deployments.items.len()
    );
    if let (Some(a), Some(b)) = (rss0, rss_kib()) {
        println!(
            "memory: process RSS {:.1} MiB after loading ({:.1} MiB at start)",
            b as f64 / 1024.0,
            a as f64 / 1024.0
        );
    }
}
