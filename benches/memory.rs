//! Resident memory with 10,000 offers and 300 deployments loaded (Linux: /proc/self/status).
//! `cargo bench --bench memory` prints the figures; it asserts nothing (a measurement).

mod common;

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn main() {
    let before = rss_kib();
    let state = common::state_with(10_000, 300);
    let after = rss_kib();
    std::hint::black_box(&state);
    match (before, after) {
        (Some(b), Some(a)) => println!(
            "memory: RSS {:.1} MiB before loading, {:.1} MiB with {} offers and {} deployments",
            b as f64 / 1024.0,
            a as f64 / 1024.0,
            state.offers.all.len(),
            state.deployments.items.len()
        ),
        _ => println!("memory: /proc/self/status not readable on this system"),
    }
}
