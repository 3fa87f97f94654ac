//! Whole process: `spheron-tui snapshot --demo --pane offers` (start, embedded demo server, load
//! every offer, one frame, exit), run 30 times; prints the median and the spread. A
//! measurement, not a test (`hyperfine -N` gives the same figure with more statistics).

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use std::process::Command;
use std::time::Instant;

fn main() {
    let bin = env!("CARGO_BIN_EXE_spheron-tui");
    let run = || {
        let t = Instant::now();
        let out = Command::new(bin)
            .args(["snapshot", "--demo", "--pane", "offers"])
            .output()
            .expect("run spheron-tui");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        t.elapsed().as_secs_f64() * 1000.0
    };
    for _ in 0..3 {
        run(); // warm the page cache
    }
    let mut ms: Vec<f64> = (0..30).map(|_| run()).collect();
    ms.sort_by(f64::total_cmp);
    println!(
        "process: snapshot --demo --pane offers: median {:.1} ms (min {:.1}, max {:.1}, 30 runs)",
        ms[ms.len() / 2],
        ms[0],
        ms[ms.len() - 1]
    );
}
