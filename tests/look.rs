//! `config.toml`'s `mouse = false` through the real binary in a tmux pane: tmux reports whether
//! the program in the pane asked for mouse events (`#{mouse_any_flag}`). Needs tmux; fails with
//! the reason when it is missing. Every wait polls with a bound.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_spheron-tui");

struct Tmux {
    sock: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let o = Command::new("tmux")
            .args(["-L", &self.sock, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux is installed (the mouse test needs a terminal)");
        String::from_utf8_lossy(&o.stdout).into_owned()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
    }
}

/// Start the demo dashboard with `config` as its `config.toml`; return whether it captured the
/// mouse once the offers were drawn.
fn mouse_captured_with(config: &str, name: &str) -> bool {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("config/spheron-tui");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), config).unwrap();
    let t = Tmux {
        sock: format!("spheron-tui-look-{}-{name}", std::process::id()),
    };
    let h = home.path().display().to_string();
    t.run(&[
        "new-session",
        "-d",
        "-s",
        "t",
        "-x",
        "120",
        "-y",
        "40",
        "env",
        "-i",
        &format!("HOME={h}"),
        &format!("XDG_CONFIG_HOME={h}/config"),
        &format!("XDG_DATA_HOME={h}/data"),
        "TERM=xterm-256color",
        BIN,
        "--demo",
    ]);
    let start = Instant::now();
    while !t
        .run(&["capture-pane", "-p", "-t", "t"])
        .contains("shown of")
    {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the dashboard did not draw its offers:\n{}",
            t.run(&["capture-pane", "-p", "-t", "t"])
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let flag = t.run(&["display", "-p", "-t", "t", "#{mouse_any_flag}"]);
    t.run(&["send-keys", "-t", "t", "q"]);
    flag.trim() == "1"
}

#[test]
fn mouse_false_leaves_the_mouse_to_the_terminal() {
    assert!(
        Command::new("tmux").arg("-V").output().is_ok(),
        "tmux is not installed: this test needs it (apt-get install tmux)"
    );
    assert!(
        mouse_captured_with("", "default"),
        "the dashboard captures the mouse by default"
    );
    assert!(
        !mouse_captured_with("mouse = false\n", "off"),
        "mouse = false: no mouse capture"
    );
    assert!(mouse_captured_with(
        "mouse = true\ntheme = \"light\"\n",
        "on"
    ));
}

/// `theme = "light"` reaches the drawn frame: no yellow anywhere (it reads poorly on white), where
/// the dark theme's headers are yellow.
#[test]
fn the_light_theme_reaches_the_frame() {
    let svg = |config: &str| {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("config/spheron-tui");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.toml"), config).unwrap();
        let out = Command::new(BIN)
            .env_clear()
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_DATA_HOME", home.path().join("data"))
            .args([
                "snapshot",
                "--demo",
                "--pane",
                "deployments",
                "--format",
                "svg",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    const YELLOW: &str = "#f9e2af";
    assert!(svg("").contains(YELLOW), "dark theme: yellow headers");
    let light = svg("theme = \"light\"\n");
    assert!(!light.contains(YELLOW), "light theme: no yellow");
}
