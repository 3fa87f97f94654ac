//! Random keys never reach an irreversible write. The built binary runs `--demo` in a tmux pane
//! (a real terminal, real time) and is sent keys from a fixed seed at about 100 a second:
//! letters (not `q`), digits, Enter, Esc, Tab, arrows, Space, Backspace, PgUp/PgDn. Afterwards
//! the journal of writes (every write is recorded before it is sent) is read with the binary's
//! own `journal --json`: no terminate, no volume delete, no SSH key delete may be there.
//! Reversible writes (a rename, an attach…) may happen; they are printed.
//!
//! `FUZZ_KEYS` sets how many keys (2,000 by default), `FUZZ_SEED` the seed and `FUZZ_BIN`
//! another build of the binary to measure (an older one, to compare); the figure in the
//! README comes from `FUZZ_KEYS=20000 cargo test --test fuzz_keys -- --nocapture`. It needs
//! tmux (`.ci/run` installs it): without it the test FAILS.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_spheron-tui");

/// The keys a cat, a held key or a script typing into the wrong window may send, as tmux
/// names them.
const NAMED: [&str; 11] = [
    "Enter", "Escape", "Tab", "Up", "Down", "Left", "Right", "Space", "BSpace", "PPage", "NPage",
];

fn alphabet() -> Vec<String> {
    let letters = ('a'..='z').chain('A'..='Z').filter(|c| *c != 'q');
    letters
        .chain('0'..='9')
        .map(String::from)
        .chain(NAMED.iter().map(|s| s.to_string()))
        .collect()
}

/// xorshift64*: a fixed seed gives the same keys on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

struct Pane {
    sock: String,
    home: tempfile::TempDir,
}

impl Pane {
    fn tmux(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .args(["-L", &self.sock, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux runs (.ci/run installs it; locally: apt-get install tmux)")
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-t", "f"]).stdout).into_owned()
    }

    fn env(&self) -> Vec<String> {
        let home = self.home.path().display();
        vec![
            format!("PATH={home}/bin:/usr/bin:/bin"),
            format!("HOME={home}"),
            format!("XDG_CONFIG_HOME={home}/.config"),
            format!("XDG_DATA_HOME={home}/.local/share"),
            "TERM=xterm-256color".into(),
        ]
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

/// `ssh` (the `o` key) and the editors stand in as programs that end at once: random keys
/// must not reach a real remote host.
fn stand_ins(home: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let bin = home.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for name in ["ssh", "code", "cursor", "xdg-open"] {
        let p = bin.join(name);
        std::fs::write(&p, "#!/bin/sh\nexit 0\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn random_keys_never_reach_an_irreversible_write() {
    let ok = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "tmux is not installed: this test needs it (.ci/run installs it)"
    );
    let count: usize = std::env::var("FUZZ_KEYS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5EED_CA75);
    let pane = Pane {
        sock: format!("spheron-fuzz-{}", std::process::id()),
        home: tempfile::tempdir().unwrap(),
    };
    stand_ins(pane.home.path());
    let mut cmd: Vec<String> = vec![
        "new-session".into(),
        "-d".into(),
        "-s".into(),
        "f".into(),
        "-x".into(),
        "120".into(),
        "-y".into(),
        "40".into(),
        "env".into(),
        "-i".into(),
    ];
    cmd.extend(pane.env());
    let bin = std::env::var("FUZZ_BIN").unwrap_or_else(|_| BIN.into());
    cmd.extend([bin.clone(), "--demo".into()]);
    let args: Vec<&str> = cmd.iter().map(String::as_str).collect();
    assert!(pane.tmux(&args).status.success());
    let deadline = Instant::now() + Duration::from_secs(60);
    while !pane.screen().contains("Deployments") {
        assert!(
            Instant::now() < deadline,
            "no dashboard:\n{}",
            pane.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    let keys = alphabet();
    let mut rng = Rng(seed);
    let started = Instant::now();
    let mut sent = 0;
    while sent < count {
        // ten keys, then a tenth of a second: about 100 a second
        let batch: Vec<&str> = (0..10.min(count - sent))
            .map(|_| keys[(rng.next() % keys.len() as u64) as usize].as_str())
            .collect();
        let mut args = vec!["send-keys", "-t", "f"];
        args.extend(&batch);
        pane.tmux(&args);
        sent += batch.len();
        let due = started + Duration::from_millis(sent as u64 * 10);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
    let took = started.elapsed();
    // the last answers come in, then the dashboard is still there (no key ended it)
    std::thread::sleep(Duration::from_secs(2));
    let alive = pane.tmux(&["display", "-p", "-t", "f", "#{pane_dead} #{alternate_on}"]);
    let alive = String::from_utf8_lossy(&alive.stdout).trim().to_string();
    let _ = pane.tmux(&["kill-server"]);

    let out = Command::new(&bin)
        .env_clear()
        .envs(pane.env().iter().filter_map(|e| e.split_once('=')))
        .args(["--demo", "journal", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let writes: Vec<String> = rows
        .iter()
        .map(|r| {
            let e = if r["entry"].is_object() {
                &r["entry"]
            } else {
                r
            };
            format!(
                "{} {}",
                e["method"].as_str().unwrap_or("?"),
                e["path"].as_str().unwrap_or("?")
            )
        })
        .collect();
    let irreversible: Vec<&String> = writes.iter().filter(|w| w.starts_with("DELETE")).collect();
    println!(
        "{sent} keys in {:.1} s (seed {seed:#x}): {} writes, {} irreversible: {writes:?}",
        took.as_secs_f64(),
        writes.len(),
        irreversible.len()
    );
    assert_eq!(alive, "0 1", "the dashboard ended or left its screen");
    assert!(
        irreversible.is_empty(),
        "irreversible writes: {irreversible:?}"
    );
}
