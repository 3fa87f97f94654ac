//! One demo world per user, seen from many processes: the built binary with a private HOME.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;
use support::binary::{run, text};

#[test]
fn demo_info_prints_the_demos_paths_and_no_real_key() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data/spheron-tui");
    let out = run(home.path(), &["--demo", "info"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let info = text(&out.stdout);
    let line = |label: &str| {
        info.lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("no {label:?} line in:\n{info}"))
            .to_string()
    };
    let store = data.join("spheron-tui-demo.sqlite3");
    let world = data.join("spheron-tui-demo-world.sqlite3");
    assert!(
        line("demo store:").contains(&format!("{} (not present)", store.display())),
        "{info}"
    );
    assert!(
        line("demo world:").contains(&format!("{} (not present)", world.display())),
        "{info}"
    );
    assert!(line("API URL:").contains("embedded demo server"), "{info}");
    assert!(line("API key:").contains("demo"), "{info}");
    // The live store is not what --demo uses, so it is not listed.
    assert!(!info.contains("spheron-tui.sqlite3"), "{info}");
    // Once a demo command ran, both files are there.
    let out = run(home.path(), &["--demo", "guard", "list"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let info = text(&run(home.path(), &["--demo", "info"]).stdout);
    assert!(
        info.contains(&format!("demo store:    {}\n", store.display())),
        "{info}"
    );
    // The live store is never touched by a demo process.
    assert!(!data.join("spheron-tui.sqlite3").exists());
    // Without --demo, info names the real store.
    let info = text(&run(home.path(), &["info"]).stdout);
    assert!(info.contains("spheron-tui.sqlite3"), "{info}");
    assert!(!info.contains("demo world:"), "{info}");
}

/// `spheron-tui --demo ARGS` in `home`, which must succeed; its stdout.
fn demo_ok(home: &std::path::Path, args: &[&str]) -> String {
    support::binary::run_ok(home, &[&["--demo"], args].concat())
}

/// `demo-server` on a free port, sharing `home`'s demo world; killed when dropped.
struct Server {
    child: std::process::Child,
    url: String,
}

impl Server {
    fn start(home: &std::path::Path) -> Server {
        use std::io::BufRead;
        let mut child = support::binary::bin(home)
            .args(["demo-server", "--addr", "127.0.0.1:0"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut first = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let url = first
            .trim()
            .strip_prefix("demo server listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {first:?}"))
            .to_string();
        Server { child, url }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One request to the demo server with the demo key; the status and the JSON answer.
fn call(
    url: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut req = reqwest::Client::new()
            .request(method, format!("{url}{path}"))
            .bearer_auth(spheron_tui::demo::DEMO_API_KEY);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or_default())
    })
}

/// Deploy the first dedicated offer that is up, through the demo server; its id.
fn deploy(url: &str) -> String {
    let (_, offers) = call(url, reqwest::Method::GET, "/api/gpu-offers?limit=100", None);
    let (gpu, offer) = offers["data"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| {
            g["offers"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |o| (g["gpuType"].clone(), o))
        })
        .find(|(_, o)| o["available"] == true && o["instanceType"] == "DEDICATED")
        .expect("a dedicated offer that is up");
    let (_, teams) = call(url, reqwest::Method::GET, "/api/teams", None);
    let (_, keys) = call(url, reqwest::Method::GET, "/api/ssh-keys", None);
    let body = serde_json::json!({
        "provider": offer["provider"], "offerId": offer["offerId"], "gpuType": gpu,
        "gpuCount": offer["gpuCount"], "region": offer["clusters"][0],
        "operatingSystem": offer["os_options"][0], "instanceType": offer["instanceType"],
        "sshKeyId": keys[0]["id"], "teamId": teams[0]["id"],
    });
    let (status, d) = call(url, reqwest::Method::POST, "/api/deployments", Some(body));
    assert_eq!(status, 201, "{d}");
    d["id"].as_str().unwrap().to_string()
}

/// `--demo deployments --status all --json`, run as its own process: id → status.
fn deployments(home: &std::path::Path) -> std::collections::BTreeMap<String, String> {
    let out = demo_ok(home, &["deployments", "--status", "all", "--json"]);
    let list: serde_json::Value = serde_json::from_str(&out).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["id"].as_str().unwrap().to_string(),
                d["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_deploy_made_in_one_process_is_seen_by_the_others_and_can_be_guarded() {
    let home = tempfile::tempdir().unwrap();
    let server = Server::start(home.path());
    let id = deploy(&server.url);
    // Another process lists it, at once.
    assert_eq!(
        deployments(home.path()).get(&id).map(String::as_str),
        Some("deploying")
    );
    // `guard add` checks with its own embedded server that the deployment exists: it does.
    demo_ok(home.path(), &["guard", "add", &id, "--after", "2h"]);
    let rules = demo_ok(home.path(), &["guard", "list"]);
    assert!(rules.contains(&id), "{rules}");
    // And the demo server, still running, serves what the other processes did to the world.
    let (status, d) = call(
        &server.url,
        reqwest::Method::GET,
        &format!("/api/deployments/{id}"),
        None,
    );
    assert_eq!(status, 200, "{d}");
    // A second deploy from the server gets a new id (one random sequence for the world).
    let second = deploy(&server.url);
    assert_ne!(second, id);
    let listed = deployments(home.path());
    assert!(listed.contains_key(&id) && listed.contains_key(&second));
}

#[test]
fn a_guard_rule_on_a_demo_deployment_is_enforced_by_demo_guard_run() {
    use std::io::BufRead;
    let home = tempfile::tempdir().unwrap();
    // A seeded deployment running for over an hour, past its minimum runtime: a spend cap it
    // has already passed is due at once.
    let id = "dep_7f3a91c2e0b4";
    assert_eq!(
        deployments(home.path()).get(id).map(String::as_str),
        Some("running")
    );
    demo_ok(home.path(), &["guard", "add", id, "--max-spend", "0.01"]);
    let mut guard = support::binary::bin(home.path())
        .args(["--demo", "guard", "run"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let out = guard.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    // Lines until the rule goes with its deployment; a generous deadline, not a fixed wait.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(line) => {
                let done = line.contains(id) && line.contains("rule removed");
                seen.push(line);
                if done {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    let _ = guard.kill();
    let _ = guard.wait();
    assert!(
        seen.iter()
            .any(|l| l.contains(id) && l.contains("rule removed")),
        "guard run said:\n{}",
        seen.join("\n")
    );
    // A third process sees the deployment ended, and the journal has the one DELETE.
    let status = deployments(home.path()).get(id).cloned().unwrap();
    assert!(status.starts_with("terminat"), "{status}");
    let journal = demo_ok(home.path(), &["journal", "--json"]);
    let journal: serde_json::Value = serde_json::from_str(&journal).unwrap();
    let deletes: Vec<_> = journal
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["method"] == "DELETE" && e.to_string().contains(id))
        .collect();
    assert_eq!(deletes.len(), 1, "{journal}");
}

#[test]
fn demo_reset_starts_a_fresh_world_for_every_process() {
    let home = tempfile::tempdir().unwrap();
    let server = Server::start(home.path());
    let id = deploy(&server.url);
    demo_ok(
        home.path(),
        &["guard", "add", "dep_7f3a91c2e0b4", "--after", "2h"],
    );
    let out = run(home.path(), &["demo", "reset"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("a fresh demo world"), "{said}");
    assert!(said.contains("1 guard rule"), "{said}");
    // Gone for a new process, and for the server that was running all along.
    let listed = deployments(home.path());
    assert!(!listed.contains_key(&id), "{listed:?}");
    assert!(
        listed.contains_key("dep_7f3a91c2e0b4"),
        "the seeded world again"
    );
    let (status, _) = call(
        &server.url,
        reqwest::Method::GET,
        &format!("/api/deployments/{id}"),
        None,
    );
    assert_eq!(status, 404);
    let rules = demo_ok(home.path(), &["guard", "list"]);
    assert!(rules.contains("no guard rules"), "{rules}");
    assert!(
        !home
            .path()
            .join("data/spheron-tui/spheron-tui.sqlite3")
            .exists()
    );
}

/// A tmux server of its own, killed when dropped.
struct Tmux {
    sock: String,
}

impl Tmux {
    fn new(name: &str) -> Tmux {
        assert!(
            std::process::Command::new("tmux")
                .arg("-V")
                .output()
                .is_ok(),
            "tmux is not installed: this test needs it (apt-get install tmux)"
        );
        Tmux {
            sock: format!("spheron-tui-demo-world-{}-{name}", std::process::id()),
        }
    }

    /// The demo dashboard at 160×48 in a clean environment living in `home`, with `args`.
    fn demo_dashboard(&self, home: &std::path::Path, args: &[&str]) {
        let h = home.display().to_string();
        let env = [
            format!("HOME={h}"),
            format!("XDG_CONFIG_HOME={h}/config"),
            format!("XDG_DATA_HOME={h}/data"),
        ];
        let mut argv = vec!["new-session", "-d", "-s", "t", "-x", "160", "-y", "48"];
        argv.extend([
            "env",
            "-i",
            &env[0],
            &env[1],
            &env[2],
            "TERM=xterm-256color",
        ]);
        argv.extend([env!("CARGO_BIN_EXE_spheron-tui"), "--demo"]);
        argv.extend(args);
        self.run(&argv);
    }

    fn run(&self, args: &[&str]) -> String {
        let o = std::process::Command::new("tmux")
            .args(["-L", &self.sock, "-f", "/dev/null"])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "t"])
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.run(&["send-keys", "-t", "t", k]);
        }
    }

    /// Poll the screen until `want` is on it, with a generous bound; how long it took.
    fn wait_for(&self, want: &str) -> std::time::Duration {
        self.wait_until(&format!("{want:?} on screen"), |s| s.contains(want))
    }

    /// Poll the screen until `ok` holds, with a generous bound; how long it took.
    fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> std::time::Duration {
        let start = std::time::Instant::now();
        while !ok(&self.screen()) {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(30),
                "never {what}:\n{}",
                self.screen()
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        start.elapsed()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
    }
}

#[test]
fn what_other_processes_write_shows_in_the_running_dashboard() {
    let home = tempfile::tempdir().unwrap();
    let t = Tmux::new("watch");
    t.demo_dashboard(home.path(), &[]);
    // Once the trends show, the dashboard's first work on the store (the demo's history, the
    // watches as they were) is done: what comes next was written while it ran.
    t.wait_for("7d trend");
    // The watches, open and empty.
    t.keys(&["W"]);
    t.wait_for("No watches");
    demo_ok(
        home.path(),
        &["watch", "add", "--gpu", "h100", "--max-gpu-price", "50"],
    );
    let took = t.wait_for("H100 ≤ $50.00/GPU·h");
    eprintln!("a watch added from the command line showed after {took:?}");
    // Offers are loaded: the new watch's mark is computed at once, not at the next load.
    t.wait_for("◆ matching");
    // A rule and a deploy made elsewhere.
    demo_ok(
        home.path(),
        &["guard", "add", "dep_7f3a91c2e0b4", "--after", "3h"],
    );
    let server = Server::start(home.path());
    let id = deploy(&server.url);
    // Esc closes the watches (waited for: Esc and m at once would read as Alt-m).
    t.keys(&["Escape"]);
    t.wait_until("the watches closed", |s| !s.contains("Price watches"));
    t.keys(&["m"]);
    t.wait_for("watch 1 added by another spheron-tui process");
    t.wait_for("guard rule for llm-finetune (dep_7f3a91c2e0b4) set by another spheron-tui");
    // The deployments pane shows the deploy after one refresh.
    t.keys(&["Escape"]);
    t.wait_until("the messages closed", |s| !s.contains("newest first"));
    t.keys(&["2", "r"]);
    t.wait_for(&format!("-{}", &id[4..10]));
    t.keys(&["q"]);
}

#[test]
fn a_home_whose_data_directory_cannot_be_used_still_runs_the_demo_and_says_why() {
    let home = tempfile::tempdir().unwrap();
    // A file where the data directory should be: neither the world nor the store can be made.
    std::fs::create_dir_all(home.path().join("data")).unwrap();
    std::fs::write(home.path().join("data/spheron-tui"), "").unwrap();
    let out = run(home.path(), &["--demo", "snapshot", "--pane", "offers"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let said = text(&out.stderr);
    assert!(
        said.contains("spheron-tui-demo-world.sqlite3")
            && said.contains("a world of its own, not shared with other --demo processes"),
        "{said}"
    );
    let frame = text(&out.stdout);
    assert!(frame.contains("Offers 100 shown of 100"), "{frame}");
    // The frame says the store is off too.
    assert!(frame.contains("spheron-tui-demo.sqlite3"), "{frame}");
    // The commands for scripts serve that world as well.
    let listed = run(home.path(), &["--demo", "deployments", "--json"]);
    assert_eq!(listed.status.code(), Some(0), "{}", text(&listed.stderr));
    assert!(text(&listed.stdout).contains("dep_7f3a91c2e0b4"));
    assert!(text(&listed.stderr).contains("a world of its own"));
}

#[test]
fn a_deploy_made_by_another_process_shows_in_the_running_dashboard_without_a_refresh() {
    let home = tempfile::tempdir().unwrap();
    let t = Tmux::new("deploy");
    // No poll brings it within the wait below.
    t.demo_dashboard(home.path(), &["--poll-interval", "600"]);
    t.keys(&["2"]);
    t.wait_for("llm-finetune");
    // Another process deploys; the dashboard is not asked to refresh.
    let out = demo_ok(
        home.path(),
        &[
            "deploy",
            "--cheapest",
            "gpu:h100",
            "--ssh-key",
            "laptop-ed25519",
            "--name",
            "made-elsewhere",
            "--yes",
            "--json",
        ],
    );
    let deployed: serde_json::Value = serde_json::from_str(&out).unwrap();
    let id = deployed["deployment"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{out}"));
    let took = t.wait_for("made-elsewhere");
    eprintln!("a deploy made by another process showed after {took:?}");
    // One message for it, though the world and the journal each tell it: what was done, to
    // what, and which kind of process did it.
    t.keys(&["m"]);
    t.wait_for(&format!(
        "deployment made-elsewhere ({id}) created by another spheron-tui process (cli)"
    ));
    // A terminate from the command line, the same way.
    demo_ok(home.path(), &["terminate", "llm-finetune", "--yes"]);
    t.wait_for(
        "deployment llm-finetune (dep_7f3a91c2e0b4) terminated by another spheron-tui process (cli)",
    );
    let messages = t.screen();
    assert!(!messages.contains("sent POST"), "{messages}");
    assert!(!messages.contains("sent DELETE"), "{messages}");
    assert_eq!(
        messages.matches("by another spheron-tui process").count(),
        2,
        "{messages}"
    );
    t.keys(&["Escape"]);
    t.keys(&["q"]);
}
