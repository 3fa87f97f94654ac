//! The real binary in a tmux pane gives the terminal back (main screen, cooked mode with echo)
//! after `q`, SIGINT, SIGTERM, Ctrl-C, a panic, an error return, around an `o` SSH session and
//! a `Ctrl-Z` stop, and after a panic before the dashboard, in its event loop, in a draw and in
//! a spawned task;
//! and exits with the status README, "Running" names (0, 130, 143, 1). They need tmux (`.ci/run`
//! installs it): without it every test FAILS, saying so. A tmux pane runs in real time, so every
//! wait polls the pane with a generous bound (60 s, for a loaded debug build); nothing sleeps for
//! a fixed long time.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_spheron-tui");
const KEY: &str = "sai_pk_terminal_test_key_8d2f6a4c1e9b3570";

static N: AtomicUsize = AtomicUsize::new(0);

struct Tmux {
    sock: String,
    dir: tempfile::TempDir,
}

/// How long any one wait on the pane may take.
const WAIT: Duration = Duration::from_secs(60);

/// Fails the test (never skips it) when tmux cannot run.
fn need_tmux() {
    let ok = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "tmux is not installed: the terminal tests need it for a pty (.ci/run installs it; \
         locally: apt-get install tmux)"
    );
}

impl Tmux {
    fn start() -> Tmux {
        need_tmux();
        let sock = format!(
            "spheron-tui-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        let dir = tempfile::tempdir().unwrap();
        let t = Tmux { sock, dir };
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
            &format!("PATH={}:/usr/bin:/bin", t.dir.path().display()),
            &format!("HOME={}", t.dir.path().display()),
            "TERM=xterm-256color",
            "PS1=$ ",
            // Everything into the log file, which is then searched for the key.
            "SPHERON_LOG=trace",
            // In the environment, not on a typed line, so the screen never shows it.
            &format!("SPHERON_API_KEY={KEY}"),
            "sh",
        ]);
        t.wait_for("shell prompt", |s| s.contains('$'));
        t
    }

    fn run(&self, args: &[&str]) -> String {
        let o = Command::new("tmux")
            .args(["-L", &self.sock, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    fn send_line(&self, line: &str) {
        self.run(&["send-keys", "-t", "t", "-l", line]);
        self.run(&["send-keys", "-t", "t", "Enter"]);
    }

    fn keys(&self, k: &str) {
        self.run(&["send-keys", "-t", "t", "-l", k]);
    }

    /// The pane and 200 lines of history; `-J` joins wrapped lines, so a long line (a panic
    /// report) is searched whole.
    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-J", "-t", "t", "-S", "-200"])
    }

    fn alternate_on(&self) -> bool {
        self.run(&["display", "-p", "-t", "t", "#{alternate_on}"])
            .trim()
            == "1"
    }

    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Start the binary with `args` (and `env`); returns its pid (read from a file: the
    /// dashboard may cover the screen before a printed pid could be read).
    fn launch(&self, env: &str, args: &str) -> u32 {
        let pid_file = self.dir.path().join("pid");
        let _ = std::fs::remove_file(&pid_file);
        // `sh -c 'echo $$ > F; exec …'` keeps the pid; EX""IT= so the typed line never matches.
        self.send_line(&format!(
            "{env} sh -c 'echo $$ > {}; exec {BIN} {args}'; echo EX\"\"IT=$?",
            pid_file.display()
        ));
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(pid) = std::fs::read_to_string(&pid_file)
                .ok()
                .and_then(|p| p.trim().parse().ok())
            {
                return pid;
            }
            assert!(Instant::now() < deadline, "no pid:\n{}", self.screen());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn wait_dashboard(&self) {
        let deadline = Instant::now() + WAIT;
        while !(self.alternate_on() && self.screen().contains("Deployments")) {
            assert!(
                Instant::now() < deadline,
                "dashboard never appeared:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// After the program ended: main screen, exit line shown, cooked mode with echo.
    fn assert_restored(&self) -> String {
        let s = self.wait_for("the program to exit", |s| s.contains("EXIT="));
        assert!(!self.alternate_on(), "still on the alternate screen:\n{s}");
        let flags = self.run(&[
            "display",
            "-p",
            "-t",
            "t",
            "#{cursor_flag} #{mouse_any_flag}",
        ]);
        assert_eq!(
            flags.trim(),
            "1 0",
            "cursor shown, mouse reporting off:\n{s}"
        );
        self.send_line("stty -a | tr ' ' '\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' '; echo STTY_\"\"END");
        let s = self.wait_for("stty output", |s| s.contains("STTY_END"));
        let line = s
            .lines()
            .find(|l| l.contains("STTY_END") && !l.contains("grep"))
            .unwrap_or_default()
            .to_string();
        let words: Vec<&str> = line.split_whitespace().collect();
        assert!(
            words.contains(&"icanon") && words.contains(&"echo"),
            "terminal left in raw mode: {line:?}\n{s}"
        );
        assert!(!s.contains(KEY), "the key was printed:\n{s}");
        s
    }

    fn exit_code(&self) -> i32 {
        let s = self.screen();
        s.split("EXIT=")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .and_then(|c| c.parse().ok())
            .expect("exit code shown")
    }
}

/// Every file under `dir` (the session's HOME: log file, config…); none holds `key`, and a
/// log file was written (so the check looked at something).
fn assert_files_clean(dir: &Path, key: &str) {
    fn walk(p: &Path, out: &mut Vec<PathBuf>) {
        if let Ok(rd) = std::fs::read_dir(p) {
            for e in rd.flatten() {
                let path = e.path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    out.push(path);
                }
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, &mut files);
    let log = files
        .iter()
        .find(|p| p.ends_with("spheron-tui.log"))
        .unwrap_or_else(|| panic!("no log file under {}: {files:?}", dir.display()));
    assert!(std::fs::metadata(log).unwrap().len() > 0, "empty log");
    for f in &files {
        let bytes = std::fs::read(f).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(key), "{} holds the key", f.display());
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
    }
}

fn kill(sig: &str, pid: u32) {
    let ok = Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "kill {sig} {pid}");
}

#[test]
fn q_restores_the_terminal() {
    let t = Tmux::start();
    t.launch("", "--demo");
    t.wait_dashboard();
    t.keys("q");
    t.assert_restored();
    assert_eq!(t.exit_code(), 0);
    assert_files_clean(t.dir.path(), KEY);
}

#[test]
fn sigint_sigterm_sighup_and_sigquit_restore_the_terminal_and_free_the_lock() {
    for (sig, code) in [("-INT", 130), ("-TERM", 143), ("-HUP", 129), ("-QUIT", 131)] {
        let t = Tmux::start();
        let pid = t.launch("", "--demo");
        t.wait_dashboard();
        let holder = t.wait_for_the_enforcer_lock();
        kill(sig, pid);
        t.assert_restored();
        assert_eq!(t.exit_code(), code, "exit code after kill {sig}");
        assert_eq!(holder(), None, "{sig}: the enforcer lock was given up");
    }
}

impl Tmux {
    /// Waits until the dashboard's guard holds the enforcer lock in the demo store (it does
    /// while the dashboard is up); returns who holds it now, asked again at each call.
    fn wait_for_the_enforcer_lock(&self) -> impl Fn() -> Option<String> {
        let store = self
            .dir
            .path()
            .join(".local/share/spheron-tui/spheron-tui-demo.sqlite3");
        let holder = move || {
            spheron_tui::store::Store::open(&store)
                .and_then(|(s, _)| s.lock_holder(chrono::Utc::now()))
                .unwrap()
        };
        let deadline = Instant::now() + WAIT;
        while holder().is_none() {
            assert!(Instant::now() < deadline, "the lock was never taken");
            std::thread::sleep(Duration::from_millis(50));
        }
        holder
    }
}

/// The terminal itself goes away (its tmux server killed, as when the window is closed with
/// the dashboard in it): the dashboard stops as after SIGHUP — the enforcer lock given up and
/// exit code 129 in the log — rather than with a panic from writing to the closed terminal, and
/// the process ends instead of staying to read a terminal that is gone.
#[test]
fn a_closed_terminal_ends_the_dashboard_in_order() {
    let t = Tmux::start();
    let pid = t.launch("", "--demo");
    t.wait_dashboard();
    let holder = t.wait_for_the_enforcer_lock();
    t.run(&["kill-server"]);
    // Ended: gone, or a zombie not yet reaped by whoever adopted it.
    let deadline = Instant::now() + WAIT;
    while !matches!(proc_state(pid), '?' | 'Z') {
        assert!(
            Instant::now() < deadline,
            "still running after its terminal closed (state {})",
            proc_state(pid)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let log = std::fs::read_to_string(
        t.dir
            .path()
            .join(".local/share/spheron-tui/spheron-tui.log"),
    )
    .unwrap();
    assert!(!log.contains("panic="), "it panicked:\n{log}");
    assert!(
        log.contains("stopped by a signal") && log.contains("code=129"),
        "no orderly stop on the hang-up:\n{log}"
    );
    assert_eq!(holder(), None, "the enforcer lock was given up");
}

/// Ctrl-C pressed in the dashboard (raw mode: a key, not a signal) ends it like SIGINT.
#[test]
fn ctrl_c_restores_the_terminal_and_exits_130() {
    let t = Tmux::start();
    t.launch("", "--demo");
    t.wait_dashboard();
    t.run(&["send-keys", "-t", "t", "C-c"]);
    t.assert_restored();
    assert_eq!(t.exit_code(), 130);
}

#[test]
fn a_panic_restores_the_terminal_and_prints_the_report() {
    let t = Tmux::start();
    t.launch("SPHERON_TUI_TEST_FAIL=panic", "--demo");
    let s = t.assert_restored();
    assert!(s.contains("test panic requested"), "no panic report:\n{s}");
    assert_ne!(t.exit_code(), 0);
}

/// After the dashboard is up, a key press makes the binary panic at `how` (a test-only hook in
/// debug builds, `src/runtime/test_fault.rs`): the terminal comes back, the report is shown on
/// the main screen, and the program ends with 101 (a task's panic too: the dashboard does not
/// run on without its terminal). The session uses KEY as its real key (against a loopback port
/// that refuses), so the real panic hook's report, on screen and in the log, is searched for it;
/// the event loop's panic message carries the whole state.
fn panic_after_the_dashboard_restores(how: &str) {
    // Bound, never listening: connections are refused, and no other test can take the port.
    let refusing = tokio::net::TcpSocket::new_v4().unwrap();
    refusing.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let port = refusing.local_addr().unwrap().port();
    let t = Tmux::start();
    t.launch(
        &format!("SPHERON_TUI_TEST_FAIL={how}"),
        &format!("--api-url http://127.0.0.1:{port}"),
    );
    t.wait_dashboard();
    t.keys("j");
    let s = t.assert_restored();
    assert!(
        s.contains("test panic requested"),
        "{how}: no panic report:\n{s}"
    );
    assert_eq!(t.exit_code(), 101, "{how}");
    assert_files_clean(t.dir.path(), KEY);
    drop(refusing);
}

#[test]
fn a_panic_in_the_event_loop_restores_the_terminal() {
    panic_after_the_dashboard_restores("panic-loop");
}

#[test]
fn a_panic_in_a_draw_restores_the_terminal() {
    panic_after_the_dashboard_restores("panic-draw");
}

#[test]
fn a_panic_in_a_spawned_task_restores_the_terminal() {
    panic_after_the_dashboard_restores("panic-task");
}

#[test]
fn an_error_return_restores_the_terminal() {
    let t = Tmux::start();
    t.launch("SPHERON_TUI_TEST_FAIL=error", "--demo");
    let s = t.assert_restored();
    assert!(s.contains("Error: test error requested"), "{s}");
    assert_eq!(t.exit_code(), 1);
}

fn fake_ssh(dir: &Path) -> PathBuf {
    let out = dir.join("during-ssh.txt");
    let script = format!(
        "#!/bin/sh\necho \"$@\" > {o}.args\nstty -a > {o}\necho FAKE_SSH_RAN\nexit 0\n",
        o = out.display()
    );
    let path = dir.join("ssh");
    std::fs::write(&path, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    out
}

/// `o` on a running deployment (a real session against the demo server, so ssh really runs; a
/// fake `ssh` on PATH records the terminal it was given), then back, then `q`.
#[test]
fn an_ssh_session_gets_a_cooked_terminal_and_the_dashboard_comes_back() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = rt
        .block_on(spheron_tui::demo::spawn(
            spheron_tui::demo::DemoOptions::for_tests(),
        ))
        .unwrap();
    let t = Tmux::start();
    let during = fake_ssh(t.dir.path());
    // The demo key, not KEY: this session talks to the demo server as a real API.
    t.send_line(&format!(
        "SPHERON_API_KEY={} {BIN} --api-url {}; echo EX\"\"IT=$?",
        server.key(),
        server.url()
    ));
    t.wait_dashboard();
    t.keys("2");
    // Find a running deployment: walk down until `o` starts ssh. On any other row `o` says
    // why not in the status bar; that answer (or ssh starting) ends each wait, not a timer.
    t.wait_for("deployments", |s| s.contains("running"));
    // The status bar cuts long messages at the edge: match their start.
    let refusal = |s: &str| {
        s.lines()
            .find(|l| l.contains(" is deploying") || l.contains("no IP address"))
            .map(str::to_string)
    };
    let mut ran = false;
    for _ in 0..8 {
        let before = refusal(&t.screen());
        t.keys("o");
        let deadline = Instant::now() + WAIT;
        loop {
            if during.exists() {
                ran = true;
                break;
            }
            let now = refusal(&t.screen());
            if now.is_some() && now != before {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "o neither ran ssh nor said why:\n{}",
                t.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        if ran {
            break;
        }
        t.keys("j");
    }
    assert!(ran, "ssh never ran:\n{}", t.screen());
    // The dashboard takes the terminal back after ssh exits.
    let deadline = Instant::now() + WAIT;
    while !(t.alternate_on() && t.screen().contains("ssh session ended")) {
        assert!(
            Instant::now() < deadline,
            "not back (alternate {}):\n{}",
            t.alternate_on(),
            t.run(&["capture-pane", "-p", "-t", "t"])
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let stty = std::fs::read_to_string(&during).unwrap();
    let words: Vec<&str> = stty.split_whitespace().collect();
    assert!(
        words.contains(&"icanon") && words.contains(&"echo"),
        "ssh got a raw terminal:\n{stty}"
    );
    t.keys("q");
    t.assert_restored();
    // This session used the demo key as a real key, logged at TRACE (reqwest/hyper too).
    assert_files_clean(t.dir.path(), server.key());
    drop(server);
}

/// Base64 of "fake-private-key-material-for-tests": must never reach the screen or a file.
const PRIVATE_MARK: &str = "ZmFrZS1wcml2YXRlLWtleS1tYXRlcmlhbC1mb3ItdGVzdHM";

/// Every file under `dir` but the credentials file (where a key entered at the prompt is meant
/// to go): none holds any of `secrets`; the log was written at TRACE.
fn assert_files_clean_but_credentials(dir: &Path, secrets: &[&str]) {
    fn walk(p: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(p).into_iter().flatten().flatten() {
            let path = e.path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, &mut files);
    let logs: Vec<&PathBuf> = files
        .iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("spheron-tui.log"))
        })
        .collect();
    assert!(
        !logs.is_empty(),
        "no log file under {}: {files:?}",
        dir.display()
    );
    let log = std::fs::read_to_string(logs[0]).unwrap();
    assert!(
        log.contains("TRACE") || log.contains("DEBUG"),
        "log not at trace"
    );
    for f in &files {
        if f.ends_with(".spheron/credentials") {
            continue;
        }
        let text = String::from_utf8_lossy(&std::fs::read(f).unwrap_or_default()).into_owned();
        for s in secrets {
            assert!(!text.contains(s), "{} holds a secret", f.display());
        }
    }
}

/// A whole session as a new user has it, logged at TRACE: no key yet, so the prompt; the key
/// pasted into it (bracketed paste); a private key pasted into the add-key dialog by mistake;
/// API errors (injected 500s). Neither the key nor the private key reaches the screen or any
/// file but the credentials file.
#[test]
fn a_session_with_paste_prompt_and_errors_leaves_no_secret_in_the_log() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut opts = spheron_tui::demo::DemoOptions::for_tests();
    opts.faults
        .push(spheron_tui::demo::parse_fault_spec("GET /api/volumes=500x20").unwrap());
    let server = rt.block_on(spheron_tui::demo::spawn(opts)).unwrap();
    let key = server.key().to_string();
    let t = Tmux::start();
    // No key in the environment: the dashboard asks for one.
    t.launch("SPHERON_API_KEY=", &format!("--api-url {}", server.url()));
    t.wait_dashboard();
    t.keys("2");
    t.wait_for("the key prompt", |s| s.contains("API key"));
    t.run(&["set-buffer", "-b", "k", "--", &key]);
    t.run(&["paste-buffer", "-p", "-b", "k", "-t", "t"]);
    t.run(&["send-keys", "-t", "t", "Enter"]);
    t.wait_for("deployments with the pasted key", |s| s.contains("running"));

    // A private key pasted into the add-key dialog.
    t.keys("4");
    t.keys("a");
    t.wait_for("the add-key dialog", |s| s.contains("public key"));
    t.keys("laptop");
    t.run(&["send-keys", "-t", "t", "Tab"]);
    let private = format!(
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n{PRIVATE_MARK}\n-----END OPENSSH PRIVATE KEY-----\n"
    );
    t.run(&["set-buffer", "-b", "p", "--", &private]);
    t.run(&["paste-buffer", "-p", "-b", "p", "-t", "t"]);
    let s = t.wait_for("the refusal", |s| s.contains("THIS IS A PRIVATE KEY"));
    assert!(!s.contains(PRIVATE_MARK), "the private key is drawn:\n{s}");
    t.run(&["send-keys", "-t", "t", "Escape"]);
    // Wait, so the next key is not read together with the Escape as Alt+key.
    t.wait_for("the dialog to close", |s| !s.contains("Add SSH key"));

    // API errors on the volumes pane.
    t.keys("3");
    t.wait_for("the volumes error", |s| {
        s.contains("500") || s.contains("rror")
    });
    t.keys("q");
    let s = t.assert_restored();
    assert_eq!(t.exit_code(), 0);
    assert!(!s.contains(&key) && !s.contains(PRIVATE_MARK), "{s}");
    let creds = t.dir.path().join(".spheron/credentials");
    assert!(creds.exists(), "the pasted key was saved");
    assert_files_clean_but_credentials(t.dir.path(), &[&key, PRIVATE_MARK, KEY]);
    drop(server);
}

/// The process state letter from /proc (`T`: stopped).
fn proc_state(pid: u32) -> char {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| s.rsplit_once(") ").and_then(|(_, r)| r.chars().next()))
        .unwrap_or('?')
}

/// `Ctrl-Z` suspends like any terminal program: the terminal given back (main screen, cooked,
/// cursor shown, mouse off), the process stopped as a job of the shell, and on `fg` the
/// dashboard redrawn whole; `q` then ends it with 0.
#[test]
fn ctrl_z_stops_with_the_terminal_given_back_and_fg_redraws_the_dashboard() {
    let t = Tmux::start();
    let pid_file = t.dir.path().join("pid");
    // No `; echo` after it: the shell would run that as soon as the job stops.
    t.send_line(&format!(
        "sh -c 'echo $$ > {}; exec {BIN} --demo'",
        pid_file.display()
    ));
    t.wait_dashboard();
    let pid: u32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    t.run(&["send-keys", "-t", "t", "C-z"]);
    let s = t.wait_for("the stop", |s| {
        s.contains("Stopped") && s.contains("`fg` brings")
    });
    assert!(!t.alternate_on(), "still on the alternate screen:\n{s}");
    assert!(s.contains("spend guard"), "it says the guard pauses:\n{s}");
    let deadline = Instant::now() + WAIT;
    while proc_state(pid) != 'T' {
        assert!(
            Instant::now() < deadline,
            "never stopped: {}",
            proc_state(pid)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let flags = t.run(&[
        "display",
        "-p",
        "-t",
        "t",
        "#{cursor_flag} #{mouse_any_flag}",
    ]);
    assert_eq!(flags.trim(), "1 0", "cursor shown, mouse reporting off");
    t.send_line(
        "stty -a | tr ' ' '\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' '; echo STTY_\"\"END",
    );
    let s = t.wait_for("stty output", |s| s.contains("STTY_END"));
    let line = s
        .lines()
        .find(|l| l.contains("STTY_END") && !l.contains("grep"))
        .unwrap_or_default();
    let words: Vec<&str> = line.split_whitespace().collect();
    assert!(
        words.contains(&"icanon") && words.contains(&"echo"),
        "the shell got a raw terminal: {line:?}"
    );
    // Cleared, so what is on the pane after `fg` was drawn by the dashboard again.
    t.run(&["clear-history", "-t", "t"]);
    t.send_line("clear");
    t.wait_for("a cleared pane", |s| !s.contains("STTY_END"));
    t.send_line("fg");
    t.wait_dashboard();
    assert_ne!(proc_state(pid), 'T');
    let pane = t.run(&["capture-pane", "-p", "-t", "t"]);
    assert!(pane.contains("1 Offers"), "the tabs are drawn:\n{pane}");
    assert!(pane.contains("Offers"), "{pane}");
    t.keys("q");
    let deadline = Instant::now() + WAIT;
    while t.alternate_on() {
        assert!(Instant::now() < deadline, "q did not end it");
        std::thread::sleep(Duration::from_millis(50));
    }
    t.send_line("echo EX\"\"IT=$?");
    t.assert_restored();
    assert_eq!(t.exit_code(), 0);
}

/// A warning about `config.toml` is on the first frame of the dashboard (a notice) and in its
/// message log, not only printed before the dashboard covers the screen.
#[test]
fn config_warnings_are_on_the_first_frame_and_in_the_message_log() {
    let t = Tmux::start();
    let dir = t.dir.path().join(".config/spheron-tui");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), "colour = \"red\"\n").unwrap();
    t.launch("", "--demo");
    let s = t.wait_for("the notice", |s| s.contains("Warnings from the settings"));
    assert!(t.alternate_on(), "drawn by the dashboard:\n{s}");
    assert!(s.contains("unknown setting `colour`"), "{s}");
    t.run(&["send-keys", "-t", "t", "Enter"]);
    t.wait_for("the notice closed", |s| {
        !s.contains("Warnings from the settings")
    });
    t.keys("m");
    let s = t.wait_for("the message log", |s| {
        s.contains("unknown setting `colour`")
    });
    assert!(s.contains("warning: config.toml"), "{s}");
    // Esc alone (followed at once by `q` it would read as Alt-q).
    t.run(&["send-keys", "-t", "t", "Escape"]);
    t.wait_for("the log closed", |s| !s.contains("warning: config.toml"));
    t.keys("q");
    t.assert_restored();
    assert_eq!(t.exit_code(), 0);
}
