//! The instance workspace against a real OpenSSH server on loopback (`support::sshd`) standing
//! in for a GPU instance, and the real OpenSSH client.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;

use chrono::Duration;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;
use spheron_tui::api::Deployment;
use spheron_tui::app::action::LocalPubKey;
use spheron_tui::app::{Action, AppState, Command, Pane, update};
use spheron_tui::domain::ssh::SshTarget;
use spheron_tui::domain::ssh_config::{HostEntry, SshPaths};
use spheron_tui::runtime::SnapshotFormat;
use spheron_tui::runtime::executor::Executor;
use spheron_tui::runtime::snapshot::render;
use spheron_tui::runtime::usage;
use spheron_tui::ui::Theme;
use support::harness::Harness;
use support::http::Mock;
use support::sshd::{Sshd, run_tool};
use support::{binary, fixtures};
use tempfile::TempDir;

/// The stand-in instance answers a real login, and its `nvidia-smi` prints the scripted
/// sequence in order, then repeats the last step; a `FAIL:` step fails with its reason.
#[test]
fn the_stand_in_instance_answers_with_the_scripted_readings() {
    let sshd = Sshd::start();
    sshd.script_gpu(&[
        "10, 100, 81920|20, 200, 81920",
        "FAIL:NVIDIA-SMI has failed",
        "99, 1, 2",
    ]);
    let call = || {
        let out = sshd
            .ssh()
            .arg("nvidia-smi --query-gpu=utilization.gpu")
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, out, err) = call();
    assert_eq!(
        (code, out.as_str()),
        (Some(0), "10, 100, 81920\n20, 200, 81920\n"),
        "{err}"
    );
    let (code, _, err) = call();
    assert_eq!(code, Some(9));
    assert!(err.contains("NVIDIA-SMI has failed"), "{err}");
    for _ in 0..2 {
        assert_eq!(call().1, "99, 1, 2\n");
    }
    assert_eq!(sshd.gpu_calls().len(), 4);
    assert!(
        sshd.gpu_calls()
            .iter()
            .all(|a| a == "--query-gpu=utilization.gpu")
    );
    let (logins, sessions) = sshd.counts();
    assert_eq!((logins, sessions), (4, 4), "{}", sshd.log());
    // Scripted terminal sessions in /dev/pts; every other `ls` is the real one.
    sshd.script_sessions(2);
    let pts = |arg: &str| {
        let out = sshd.ssh().arg(format!("ls {arg}")).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(pts("/dev/pts"), "ptmx\n0\n1\n");
    assert!(pts("/").lines().any(|l| l == "dev"));
}

/// A recording API whose one running deployment is the stand-in instance, next to one still
/// deploying (no address yet) and one ended: only the first gets a Host block.
async fn api_with_instance(sshd: &Sshd) -> Mock {
    let api = Mock::start().await;
    api.on_json(
        "GET /api/teams",
        200,
        json!([{"id": "team_1", "name": "Mine"}]),
    );
    api.on_json(
        "GET /api/balance",
        200,
        json!({"teams": [{"teamId": "team_1", "teamName": "Mine", "balance": 50,
            "isCurrentTeam": true, "role": "owner"}], "currency": "USD"}),
    );
    api.on_json(
        "GET /api/deployments",
        200,
        json!([
            {"id": "dep_a1b2c3d4e5", "name": "llm-finetune", "status": "running",
             "ipAddress": "127.0.0.1", "sshPort": sshd.port, "user": sshd.user,
             "sshKeyId": "key_1", "hourlyRate": 2.5},
            {"id": "dep_new", "name": "coming-up", "status": "deploying"},
        ]),
    );
    api.on_json(
        "GET /api/ssh-keys",
        200,
        json!([{"id": "key_1", "name": "laptop", "publicKey": sshd.client_pub().trim()}]),
    );
    api
}

/// A private HOME whose `~/.ssh` holds the key the instance accepts (as `id_work`) and the
/// user's own config.
fn home_with_key(sshd: &Sshd, user_config: Option<&[u8]>) -> TempDir {
    let home = tempfile::tempdir().unwrap();
    let ssh = home.path().join(".ssh");
    std::fs::create_dir_all(&ssh).unwrap();
    std::fs::copy(sshd.client_key(), ssh.join("id_work")).unwrap();
    std::fs::write(ssh.join("id_work.pub"), sshd.client_pub()).unwrap();
    if let Some(c) = user_config {
        std::fs::write(ssh.join("config"), c).unwrap();
    }
    home
}

async fn spheron(home: &Path, api: &str, args: &[&str]) -> Output {
    let (home, api) = (home.to_path_buf(), api.to_string());
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        binary::bin(&home)
            .env("SPHERON_API_KEY", "sai_pk_test")
            .arg("--api-url")
            .arg(api)
            .args(args)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

fn ok(o: &Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        binary::text(&o.stdout),
        binary::text(&o.stderr)
    );
    binary::text(&o.stdout)
}

/// `ssh -G` (the real client resolving the configuration, without connecting) for `alias`
/// through the user's `~/.ssh/config`: keyword → value.
fn ssh_g(home: &Path, alias: &str) -> std::collections::BTreeMap<String, String> {
    let config = home.join(".ssh/config");
    run_tool("ssh", &["-G", "-F", config.to_str().unwrap(), alias])
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn ssh_config_blocks_resolve_with_ssh_g_and_log_in_by_name() {
    let sshd = Sshd::start();
    let api = api_with_instance(&sshd).await;
    let home = home_with_key(&sshd, None);
    let h = home.path();
    let printed = ok(&spheron(h, &api.url(), &["ssh-config"]).await);
    assert!(printed.contains("Host llm-finetune.spheron\n"), "{printed}");
    assert!(
        !printed.contains("coming-up"),
        "no address, no block: {printed}"
    );
    assert!(!h.join(".ssh/config").exists(), "printing writes nothing");

    let out = ok(&spheron(h, &api.url(), &["ssh-config", "--write"]).await);
    assert!(out.contains("wrote 1 host(s)"), "{out}");
    let g = ssh_g(h, "llm-finetune.spheron");
    let ours = h.join(".spheron/ssh");
    assert_eq!(g["hostname"], "127.0.0.1");
    assert_eq!(g["port"], sshd.port.to_string());
    assert_eq!(g["user"], sshd.user);
    assert_eq!(
        g["identityfile"],
        h.join(".ssh/id_work").display().to_string()
    );
    assert_eq!(g["identitiesonly"], "yes");
    assert_eq!(g["hostkeyalias"], "dep_a1b2c3d4e5.spheron");
    assert_eq!(
        g["userknownhostsfile"],
        ours.join("known_hosts").display().to_string()
    );
    // A name that is not ours resolves as ssh always did.
    assert_eq!(
        ssh_g(h, "coming-up.spheron")["hostname"],
        "coming-up.spheron"
    );

    // The real client logs in by name; scp and rsync copy to `<alias>:`.
    let config = h.join(".ssh/config");
    let by_name = |args: &[&str]| {
        let out = std::process::Command::new(args[0])
            .arg("-F")
            .arg(&config)
            .args(["-o", "BatchMode=yes"])
            .args(&args[1..])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            binary::text(&out.stderr)
        );
        binary::text(&out.stdout)
    };
    assert_eq!(
        by_name(&["ssh", "llm-finetune.spheron", "nvidia-smi"]),
        "0, 0, 81920\n"
    );
    let file = h.join("weights.bin");
    std::fs::write(&file, b"checkpoint").unwrap();
    let dest = sshd.dir().join("copied.bin");
    by_name(&[
        "scp",
        file.to_str().unwrap(),
        &format!("llm-finetune.spheron:{}", dest.display()),
    ]);
    assert_eq!(std::fs::read(&dest).unwrap(), b"checkpoint");
    // rsync over the same alias: a folder copied whole, then only what changed.
    let data = h.join("dataset");
    std::fs::create_dir_all(data.join("shards")).unwrap();
    std::fs::write(data.join("shards/0.jsonl"), b"{\"x\": 1}\n").unwrap();
    std::fs::write(data.join("README"), b"tokens").unwrap();
    let remote_data = sshd.dir().join("dataset");
    let rsync = |extra: &[&str]| {
        let out = std::process::Command::new("rsync")
            .arg("-e")
            .arg(format!("ssh -F {} -o BatchMode=yes", config.display()))
            .args(["-a", "--itemize-changes"])
            .args(extra)
            .arg(format!("{}/", data.display()))
            .arg(format!("llm-finetune.spheron:{}/", remote_data.display()))
            .output()
            .unwrap_or_else(|e| panic!("rsync could not run (is it installed?): {e}"));
        assert!(out.status.success(), "rsync: {}", binary::text(&out.stderr));
        binary::text(&out.stdout)
    };
    let first = rsync(&[]);
    assert!(first.contains("shards/0.jsonl"), "{first}");
    assert_eq!(
        std::fs::read(remote_data.join("shards/0.jsonl")).unwrap(),
        b"{\"x\": 1}\n"
    );
    std::fs::write(data.join("README"), b"tokens, more").unwrap();
    let second = rsync(&[]);
    assert!(second.contains("README"), "{second}");
    assert!(!second.contains("0.jsonl"), "{second}");
    assert_eq!(
        std::fs::read(remote_data.join("README")).unwrap(),
        b"tokens, more"
    );
    // The host key went to our known_hosts, under the deployment's alias, not the user's.
    let known = std::fs::read_to_string(ours.join("known_hosts")).unwrap();
    assert!(known.starts_with("dep_a1b2c3d4e5.spheron "), "{known}");
    assert!(!h.join(".ssh/known_hosts").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn ssh_config_write_keeps_the_users_config_and_remove_restores_it() {
    let sshd = Sshd::start();
    let api = api_with_instance(&sshd).await;
    // The user's own config: CRLF, a comment, a Host of theirs, no newline at the end.
    let mine: &[u8] =
        b"# my hosts\r\nHost work\r\n    HostName work.example\r\n    User me\r\nHost *\n    ServerAliveInterval 30";
    let home = home_with_key(&sshd, Some(mine));
    let h = home.path();
    let config = h.join(".ssh/config");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();

    let dry = ok(&spheron(h, &api.url(), &["ssh-config", "--dry-run"]).await);
    let include = format!("Include {}", h.join(".spheron/ssh/config").display());
    assert!(dry.contains(&format!("+{include}\n")), "{dry}");
    assert!(dry.contains("+Host llm-finetune.spheron"), "{dry}");
    assert_eq!(
        std::fs::read(&config).unwrap(),
        mine,
        "a dry run changes nothing"
    );
    assert!(!h.join(".spheron/ssh/config").exists());

    ok(&spheron(h, &api.url(), &["ssh-config", "--write"]).await);
    let after = std::fs::read(&config).unwrap();
    assert_eq!(after, [format!("{include}\n").as_bytes(), mine].concat());
    assert_eq!(mode(&config), 0o644, "the user's file keeps its mode");
    assert_eq!(mode(&h.join(".spheron/ssh/config")), 0o600);
    // The user's own hosts resolve as before.
    assert_eq!(ssh_g(h, "work")["hostname"], "work.example");
    assert_eq!(ssh_g(h, "llm-finetune.spheron")["hostname"], "127.0.0.1");
    // The dashboard keeps it current from now on.
    let settings = std::fs::read_to_string(h.join("config/spheron-tui/config.toml")).unwrap();
    assert_eq!(settings, "ssh_config = true\n");

    // Run again: nothing changes.
    let again = ok(&spheron(h, &api.url(), &["ssh-config", "--write"]).await);
    assert!(
        again.contains("is current") && again.contains("already includes it"),
        "{again}"
    );
    assert_eq!(std::fs::read(&config).unwrap(), after);
    let dry = ok(&spheron(h, &api.url(), &["ssh-config", "--dry-run"]).await);
    assert_eq!(dry.trim(), "nothing would change");

    let removed = ok(&spheron(h, &api.url(), &["ssh-config", "--remove"]).await);
    assert!(removed.contains("took the Include line out"), "{removed}");
    assert_eq!(std::fs::read(&config).unwrap(), mine, "byte for byte");
    assert!(!h.join(".spheron/ssh/config").exists());
    let settings = std::fs::read_to_string(h.join("config/spheron-tui/config.toml")).unwrap();
    assert_eq!(settings, "ssh_config = false\n");
}

#[tokio::test(flavor = "multi_thread")]
async fn ssh_config_makes_a_missing_config_0600_and_removes_it_again() {
    let sshd = Sshd::start();
    let api = api_with_instance(&sshd).await;
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    ok(&spheron(h, &api.url(), &["ssh-config", "--write"]).await);
    let config = h.join(".ssh/config");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!((mode(&config), mode(&h.join(".ssh"))), (0o600, 0o700));
    // No local key matches: no IdentityFile, and ssh falls back to its defaults.
    let text = std::fs::read_to_string(h.join(".spheron/ssh/config")).unwrap();
    assert!(!text.contains("IdentityFile"), "{text}");
    ok(&spheron(h, &api.url(), &["ssh-config", "--remove"]).await);
    assert!(!config.exists());
    // A demo world's instances cannot be reached: writing them is refused.
    let demo = binary::run(h, &["--demo", "ssh-config", "--write"]);
    assert_eq!(
        demo.status.code(),
        Some(2),
        "{}",
        binary::text(&demo.stderr)
    );
    assert!(!config.exists());
}

/// The dashboard, once `ssh_config` is on, writes the Host file after each complete list and
/// takes an ended deployment's block away at the next refresh (real executor and client against
/// the demo server; the demo's own guard against writing is lifted to reach the writing).
#[tokio::test]
async fn the_dashboard_keeps_the_host_file_current() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let mut app = Harness::new().await;
    app.exec.home = Some(h.to_path_buf());
    app.state.session.demo = false;
    app.state.workspace.ssh_paths = Some(SshPaths::under(h));
    app.state.workspace.ssh_config = Some(true);
    // The next poll of the list.
    app.advance(30).await;
    let generated = h.join(".spheron/ssh/config");
    let text = std::fs::read_to_string(&generated).expect("the Host file is written");
    let running: Vec<(String, String)> = app
        .state
        .deployments
        .items
        .iter()
        .filter(|d| d.status.is_active() && d.ip_address.is_some())
        .map(|d| (d.id.clone(), d.name.clone()))
        .collect();
    assert!(!running.is_empty(), "the demo has running deployments");
    for (_, name) in &running {
        assert!(
            text.contains(&format!("Host {name}.spheron\n")),
            "{name}: {text}"
        );
    }
    let include = format!("Include {}\n", generated.display());
    assert_eq!(
        std::fs::read_to_string(h.join(".ssh/config")).unwrap(),
        include
    );
    // An ended deployment's block goes at the next refresh.
    let (gone_id, gone) = running[0].clone();
    app.demo.force_status(&gone_id, "terminated");
    app.advance(30).await;
    app.advance(30).await;
    let text = std::fs::read_to_string(&generated).unwrap();
    assert!(!text.contains(&format!("Host {gone}.spheron\n")), "{text}");
    // Only a changed text is written: each write differs from the one before.
    let written: Vec<&String> = app
        .emitted
        .iter()
        .filter_map(|c| match c {
            spheron_tui::app::Command::WriteSshConfig { text } => Some(text),
            _ => None,
        })
        .collect();
    assert!(written.len() >= 2, "{}", written.len());
    assert!(
        written.windows(2).all(|w| w[0] != w[1]),
        "an unchanged text was written again"
    );
    assert_eq!(
        std::fs::read_to_string(h.join(".ssh/config")).unwrap(),
        include
    );
}

/// Off, unanswered or in the demo: nothing is written.
#[tokio::test]
async fn the_dashboard_writes_no_host_file_unless_turned_on() {
    for (setting, demo) in [(None, false), (Some(false), false), (Some(true), true)] {
        let home = tempfile::tempdir().unwrap();
        let mut app = Harness::new().await;
        app.exec.home = Some(home.path().to_path_buf());
        app.state.session.demo = demo;
        app.state.workspace.ssh_paths = Some(SshPaths::under(home.path()));
        app.state.workspace.ssh_config = setting;
        app.advance(30).await;
        app.advance(30).await;
        assert_eq!(
            std::fs::read_dir(home.path()).unwrap().count(),
            0,
            "{setting:?} demo={demo}"
        );
    }
}

/// A dashboard on the demo server as a real API, its home and `config.toml` in `h`: the user's
/// `~/.ssh/config` (mode 0644) and `config.toml` already hold `mine` and `toml`.
async fn dashboard_asking(h: &Path, mine: &[u8], toml: &str) -> Harness {
    std::fs::create_dir_all(h.join(".ssh")).unwrap();
    std::fs::write(h.join(".ssh/config"), mine).unwrap();
    std::fs::set_permissions(
        h.join(".ssh/config"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    std::fs::write(h.join("config.toml"), toml).unwrap();
    let mut app = Harness::new().await;
    app.exec.home = Some(h.to_path_buf());
    app.state.session.demo = false;
    app.state.workspace.ssh_paths = Some(SshPaths::under(h));
    app.state.presets.file = Some(h.join("config.toml"));
    app.press("2").await;
    app
}

/// How many times the log holds the offer to reach the instances by name.
fn offers(app: &Harness) -> usize {
    app.state
        .status
        .log
        .iter()
        .filter(|l| l.text.starts_with("reach your instances by name"))
        .count()
}

/// Asked first: the offer once a run while never answered, then `H` shows what is written and
/// the one line `~/.ssh/config` gets. Yes writes the Host file and that line at the top of the
/// user's config (every other byte kept, and its mode), saves `ssh_config = true` at the top of
/// `config.toml` (the rest kept), and the real `ssh -G` resolves the alias; `H` again says it
/// is on.
#[tokio::test]
async fn h_asks_then_keeps_the_host_file_and_one_include_line() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let mine = b"Host work\n  HostName 10.0.0.5\n  User me\n";
    let toml = "# mine\ntheme = \"light\"\n";
    let mut app = dashboard_asking(h, mine, toml).await;
    app.advance(30).await;
    app.advance(30).await;
    assert_eq!(offers(&app), 1, "offered once");
    assert_eq!(std::fs::read(h.join(".ssh/config")).unwrap(), mine);
    app.press("H").await;
    let generated = h.join(".spheron/ssh/config");
    let include = format!("Include {}", generated.display());
    let text = support::accounts::dialog_text(&app.state);
    assert!(text.contains("Reach instances by name?"), "{text}");
    assert!(text.contains(&include), "{text}");
    assert!(text.contains("every other byte kept"), "{text}");
    app.press("y").await;
    assert!(app.state.dialog.is_none());
    let after = std::fs::read(h.join(".ssh/config")).unwrap();
    assert_eq!(after, [format!("{include}\n").as_bytes(), mine].concat());
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&h.join(".ssh/config")), 0o644);
    assert_eq!(mode(&generated), 0o600);
    assert_eq!(
        std::fs::read_to_string(h.join("config.toml")).unwrap(),
        format!("ssh_config = true\n{toml}")
    );
    let flash = app.state.status.flash.as_ref().unwrap().text.clone();
    assert!(flash.contains("works now"), "{flash}");
    let d = app
        .state
        .deployments
        .items
        .iter()
        .find(|d| d.name == "llm-finetune")
        .unwrap()
        .clone();
    let g = ssh_g(h, "llm-finetune.spheron");
    assert_eq!(g["hostname"], d.ip_address.clone().unwrap());
    assert_eq!(g["port"], d.ssh_port.unwrap().to_string());
    assert_eq!(g["user"], "ubuntu");
    assert_eq!(ssh_g(h, "work")["hostname"], "10.0.0.5");
    // On: H says so and changes nothing; no more offers.
    app.press("H").await;
    let text = support::accounts::dialog_text(&app.state);
    assert!(text.contains("Instances by name: on"), "{text}");
    app.key(KeyCode::Esc).await;
    app.advance(30).await;
    assert_eq!(offers(&app), 1);
    assert_eq!(
        std::fs::read(h.join(".ssh/config")).unwrap(),
        [format!("{include}\n").as_bytes(), mine].concat()
    );
}

/// "Don't ask again" saves `ssh_config = false` and writes nothing else; Esc only closes
/// (asked again next run); the demo asks but writes nothing, not even the answer.
#[tokio::test]
async fn h_declined_or_closed_writes_nothing_but_the_answer() {
    let mine = b"Host work\n  User me\n";
    let toml = "theme = \"dark\"\n";
    // Esc: not now.
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let mut app = dashboard_asking(h, mine, toml).await;
    app.advance(30).await;
    app.press("H").await;
    app.key(KeyCode::Esc).await;
    assert!(app.state.dialog.is_none());
    assert_eq!(app.state.workspace.ssh_config, None);
    assert_eq!(
        std::fs::read_to_string(h.join("config.toml")).unwrap(),
        toml
    );
    // n: don't ask again.
    app.press("H").await;
    app.press("n").await;
    assert_eq!(app.state.workspace.ssh_config, Some(false));
    assert_eq!(
        std::fs::read_to_string(h.join("config.toml")).unwrap(),
        format!("ssh_config = false\n{toml}")
    );
    app.advance(30).await;
    app.advance(30).await;
    assert_eq!(std::fs::read(h.join(".ssh/config")).unwrap(), mine);
    assert!(!h.join(".spheron").exists());
    // The demo: asked, nothing written.
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let mut app = dashboard_asking(h, mine, toml).await;
    app.state.session.demo = true;
    app.advance(30).await;
    assert_eq!(offers(&app), 0, "the demo does not offer");
    app.press("H").await;
    assert!(support::accounts::dialog_text(&app.state).contains("Demo: nothing is written"));
    app.press("y").await;
    app.advance(30).await;
    assert_eq!(std::fs::read(h.join(".ssh/config")).unwrap(), mine);
    assert_eq!(
        std::fs::read_to_string(h.join("config.toml")).unwrap(),
        toml
    );
    assert!(!h.join(".spheron").exists());
}

/// The stand-in instance as a Host entry, with our files under `home`.
pub(crate) fn instance_entry(sshd: &Sshd) -> HostEntry {
    HostEntry {
        alias: "box.spheron".into(),
        deployment_id: "dep_box".into(),
        target: SshTarget {
            user: sshd.user.clone(),
            host: "127.0.0.1".into(),
            port: sshd.port,
        },
        identity_file: Some(sshd.client_key()),
    }
}

/// Probes over the real ssh: the scripted readings parsed in order, a failing nvidia-smi said
/// with its reason, an open terminal session counted, and every probe on one connection.
#[tokio::test(flavor = "multi_thread")]
async fn gpu_probes_read_the_instance_over_one_connection() {
    let sshd = Sshd::start();
    let home = tempfile::tempdir().unwrap();
    let paths = SshPaths::under(home.path());
    let entry = instance_entry(&sshd);
    sshd.script_gpu(&[
        "87, 40000, 81920|91, 41000, 81920",
        "FAIL:NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver",
        "2, 30000, 81920|0, 30000, 81920",
    ]);
    let busy = usage::probe(&entry, &paths).await.unwrap();
    assert_eq!((busy.max_util(), busy.gpus.len()), (91.0, 2));
    let failed = usage::probe(&entry, &paths).await.unwrap_err();
    assert!(
        failed.starts_with("nvidia-smi failed (exit 9): NVIDIA-SMI has failed"),
        "{failed}"
    );
    // An interactive session (with a terminal) is open while the next probe runs.
    let mut held = sshd
        .ssh()
        .args(["-tt", "echo ready; cat"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut ready = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(held.stdout.as_mut().unwrap()),
        &mut ready,
    )
    .unwrap();
    assert_eq!(ready.trim(), "ready");
    // This machine's real `/dev/pts` is counted: other terminals may be open on it too, so
    // the held one is at least one.
    let idle = usage::probe(&entry, &paths).await.unwrap();
    assert_eq!(idle.max_util(), 2.0);
    assert!(idle.sessions >= 1, "the held terminal is counted: {idle:?}");
    held.kill().unwrap();
    held.wait().unwrap();
    // Exactly the query the issue names, every time.
    let calls = sshd.gpu_calls();
    assert_eq!(calls.len(), 3);
    assert!(calls.iter().all(|a| a
        == "--query-gpu=utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits"));
    // Three probes, one login of ours (the held session is the other): one connection.
    let (logins, sessions) = sshd.counts();
    assert_eq!((logins, sessions), (2, 4), "{}", sshd.log());
}

/// A probe of an instance nobody answers for fails within the connect timeout, with ssh's
/// reason.
#[tokio::test(flavor = "multi_thread")]
async fn a_probe_of_an_unreachable_instance_says_why() {
    let home = tempfile::tempdir().unwrap();
    let paths = SshPaths::under(home.path());
    // A port with nothing listening.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let entry = HostEntry {
        alias: "gone.spheron".into(),
        deployment_id: "dep_gone".into(),
        target: SshTarget {
            user: "nobody".into(),
            host: "127.0.0.1".into(),
            port,
        },
        identity_file: None,
    };
    let why = usage::probe(&entry, &paths).await.unwrap_err();
    assert!(why.starts_with("ssh: ") && why.contains("refused"), "{why}");
}

/// The dashboard's state with one running deployment that is the stand-in instance, its key
/// on the account and in `home`'s `~/.ssh`, and an executor whose home is `home`.
fn dashboard_on_instance(sshd: &Sshd, home: &Path) -> (AppState, Executor) {
    let ssh = home.join(".ssh");
    std::fs::create_dir_all(&ssh).unwrap();
    std::fs::copy(sshd.client_key(), ssh.join("id_work")).unwrap();
    let pub_path = ssh.join("id_work.pub");
    std::fs::write(&pub_path, sshd.client_pub()).unwrap();
    let mut state = AppState::new(fixtures::session(false), fixtures::t0());
    state.size = (160, 40);
    let d: Deployment = spheron_tui::api::decode(json!({
        "id": "dep_llm", "name": "llm-finetune", "status": "running", "gpuType": "H100_SXM5",
        "gpuCount": 2, "provider": "spheron-ai", "ipAddress": "127.0.0.1", "sshPort": sshd.port,
        "user": sshd.user, "sshKeyId": "key_1", "hourlyRate": 5.0,
        "startedAt": "2026-11-28T10:00:00Z"
    }))
    .unwrap();
    state.deployments.items = vec![d];
    state.keys.items = vec![
        spheron_tui::api::decode(json!({"id": "key_1", "name": "work",
            "publicKey": sshd.client_pub().trim()}))
        .unwrap(),
    ];
    state.cache.local_pub_keys = Some(vec![LocalPubKey {
        path: pub_path.display().to_string(),
        text: sshd.client_pub().trim().to_string(),
    }]);
    state.pane = Pane::Deployments;
    state.usage.all = true;
    let exec = Executor {
        client: spheron_tui::api::Client::new("http://127.0.0.1:9", None).unwrap(),
        credentials_path: None,
        home: Some(home.to_path_buf()),
        journal: Default::default(),
        tunnels: Default::default(),
        instances: Default::default(),
    };
    (state, exec)
}

/// Feed `action` and perform every command that follows (the probes over the real ssh).
async fn run(state: &mut AppState, exec: &Executor, action: Action) -> Vec<Command> {
    let mut queue: std::collections::VecDeque<Command> = update(state, action).into();
    let mut seen = Vec::new();
    while let Some(c) = queue.pop_front() {
        seen.push(c.clone());
        if matches!(c, Command::ProbeUsage { .. }) {
            for a in exec.perform(c).await {
                queue.extend(update(state, a));
            }
        }
    }
    seen
}

fn screen(state: &AppState) -> String {
    render(state, 160, 40, SnapshotFormat::Text, &Theme::default()).unwrap()
}

fn row_of<'a>(screen: &'a str, name: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(name))
        .unwrap_or_else(|| panic!("no row {name}:\n{screen}"))
}

/// Readings from the real instance, through the reducer and the executor, in the Deployments
/// pane and the details: a busy reading, a failed probe as `?` with its reason, then idle; a
/// probe a minute at most.
#[tokio::test(flavor = "multi_thread")]
async fn gpu_use_is_read_over_ssh_and_shown() {
    let sshd = Sshd::start();
    sshd.script_gpu(&[
        "87, 40000, 81920|91, 41000, 81920",
        "FAIL:NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver",
        "3, 30000, 81920|1, 30000, 81920",
    ]);
    sshd.script_sessions(0);
    let home = tempfile::tempdir().unwrap();
    let (mut state, exec) = dashboard_on_instance(&sshd, home.path());
    let t0 = fixtures::t0();
    let probes = |c: &[Command]| {
        c.iter()
            .filter(|c| matches!(c, Command::ProbeUsage { .. }))
            .count()
    };
    assert_eq!(probes(&run(&mut state, &exec, Action::Tick(t0)).await), 1);
    let s = screen(&state);
    assert!(s.contains("GPU use"), "{s}");
    assert!(row_of(&s, "llm-finetune").contains("89% · 79/160G"), "{s}");
    // Not again before a minute has passed.
    assert_eq!(
        probes(&run(&mut state, &exec, Action::Tick(t0 + Duration::seconds(30))).await),
        0
    );
    assert_eq!(
        probes(&run(&mut state, &exec, Action::Tick(t0 + Duration::seconds(60))).await),
        1
    );
    let s = screen(&state);
    assert!(row_of(&s, "llm-finetune").contains(" ? "), "{s}");
    run(
        &mut state,
        &exec,
        Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    )
    .await;
    let s = screen(&state);
    assert!(
        s.contains("? (nvidia-smi failed (exit 9): NVIDIA-SMI has failed"),
        "the reason is in the details:\n{s}"
    );
    run(
        &mut state,
        &exec,
        Action::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
    )
    .await;
    run(&mut state, &exec, Action::Tick(t0 + Duration::seconds(120))).await;
    let s = screen(&state);
    assert!(row_of(&s, "llm-finetune").contains("2% · 59/160G"), "{s}");
    run(
        &mut state,
        &exec,
        Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    )
    .await;
    let s = screen(&state);
    assert!(s.contains("2% · 59/160G · 0 terminal sessions"), "{s}");
    assert!(s.contains("GPU 0    3% · 29.3/80 GiB"), "{s}");
    // The last hour: busy, no reading, idle (the newest last).
    assert!(s.contains("▇ ▁│ a mark a minute"), "{s}");
    assert_eq!(sshd.gpu_calls().len(), 3);
}

/// Behind an API that is not Spheron's (a standalone `demo-server`, a test server) the GPU-use
/// probe follows the readiness probe's one rule: an instance on loopback is reached, one
/// anywhere else is not contacted (its address may be made up) and shows `?` with the reason.
#[tokio::test(flavor = "multi_thread")]
async fn behind_a_local_api_only_an_instance_on_loopback_is_probed() {
    let sshd = Sshd::start();
    sshd.script_gpu(&["3, 30000, 81920"]);
    sshd.script_sessions(0);
    let home = tempfile::tempdir().unwrap();
    let (mut state, exec) = dashboard_on_instance(&sshd, home.path());
    let t0 = fixtures::t0();
    let ready = async |host: &str| {
        let id = "dep_llm".to_string();
        let (host, port) = (host.to_string(), sshd.port);
        match &exec.perform(Command::ProbeSsh { id, host, port }).await[..] {
            [Action::SshProbed { ok, .. }] => *ok,
            other => panic!("{other:?}"),
        }
    };
    run(&mut state, &exec, Action::Tick(t0)).await;
    assert!(state.usage.last("dep_llm").unwrap().result.is_ok());
    assert!(ready("127.0.0.1").await);
    // The same instance said to be at a public address (a documentation one, nobody's host).
    state.deployments.items[0].ip_address = Some("203.0.113.7".into());
    run(&mut state, &exec, Action::Tick(t0 + Duration::seconds(60))).await;
    let why = state
        .usage
        .last("dep_llm")
        .unwrap()
        .result
        .clone()
        .unwrap_err();
    assert_eq!(
        why,
        "not contacted: 203.0.113.7 comes from the API at 127.0.0.1:9, not app.spheron.ai (its addresses may be made up)"
    );
    let s = screen(&state);
    assert!(row_of(&s, "llm-finetune").contains(" ? "), "{s}");
    assert!(!ready("203.0.113.7").await);
    // Only the loopback probe reached the instance.
    assert_eq!(sshd.gpu_calls().len(), 1);
}

/// With `--demo` the column reads the demo world's instances (`usage::Instances::Demo`)
/// through the executor and the same parser: the seed's busy cluster, its paused notebook (GPUs
/// idle, memory held), and its instance that never answers (`?`, with ssh's reason).
#[tokio::test(flavor = "multi_thread")]
async fn in_the_demo_gpu_use_comes_from_the_demo_world() {
    let mut h = Harness::new().await;
    h.state.usage.all = true;
    h.press("2").await;
    h.advance(1).await;
    let read = |h: &Harness, id: &str| h.state.usage.last(id).unwrap().result.clone();
    let busy = read(&h, "dep_c41e9a7b3d55").unwrap();
    assert_eq!(busy.gpus.len(), 16);
    assert!(busy.max_util() >= 55.0 && busy.sessions == 1, "{busy:?}");
    let paused = read(&h, "dep_7f3a91c2e0b4").unwrap();
    assert!(
        paused.max_util() < 5.0 && paused.sessions == 0,
        "{paused:?}"
    );
    assert!(paused.memory().0 > 20_000.0, "{paused:?}");
    let lost = read(&h, "dep_2b8c4d6e1f90").unwrap_err();
    assert_eq!(
        lost,
        "ssh: connect to host 38.140.17.203 port 31722: Connection timed out"
    );
    let s = screen(&h.state);
    assert!(s.contains("GPU use"), "{s}");
    assert!(row_of(&s, "sdxl-batch-spot").contains(" ? "), "{s}");
    assert!(row_of(&s, "llm-finetune").contains("· 30/80G"), "{s}");
    // A minute later, the next readings: the busy cluster still busy.
    h.advance(60).await;
    let again = read(&h, "dep_c41e9a7b3d55").unwrap();
    assert!(again.max_util() >= 55.0, "{again:?}");
}

/// `U` on a running deployment follows its GPU use (the first probe at once, then a minute
/// apart) or stops following it; with `gpu_usage = true` (every one followed) it turns one off.
/// The footer offers it only on a row it acts on.
#[test]
fn u_follows_the_gpu_use_of_one_deployment_or_stops() {
    use spheron_tui::app::keys::hints;
    use support::accounts::{chr, loaded, select};
    let mut s = loaded(false);
    for (i, d) in s.deployments.items.iter_mut().enumerate() {
        d.ip_address = (d.status == spheron_tui::api::DeploymentStatus::Running)
            .then(|| format!("10.0.0.{}", i + 1));
    }
    let probed = |cmds: &[Command]| -> Vec<String> {
        cmds.iter()
            .filter_map(|c| match c {
                Command::ProbeUsage { id, .. } => Some(id.clone()),
                _ => None,
            })
            .collect()
    };
    let offers = |s: &AppState| {
        hints::pane_footer(s)
            .usable
            .iter()
            .any(|(k, h)| k == "U" && *h == "gpu use")
    };
    let t0 = fixtures::t0();
    assert!(probed(&update(&mut s, Action::Tick(t0))).is_empty());
    select(&mut s, Pane::Deployments, "dep_sp1");
    assert!(offers(&s));
    assert_eq!(probed(&chr(&mut s, 'U')), vec!["dep_sp1"]);
    assert_eq!(
        s.status.flash.as_ref().unwrap().text,
        "gpu use: following sp-train, a reading a minute (U again stops)"
    );
    update(
        &mut s,
        Action::UsageSampled {
            id: "dep_sp1".into(),
            result: Err("ssh: connect to host 10.0.0.1 port 22: Connection timed out".into()),
        },
    );
    assert!(matches!(s.usage.last("dep_sp1"), Some(x) if x.result.is_err()));
    let minute = t0 + Duration::seconds(61);
    assert_eq!(
        probed(&update(&mut s, Action::Tick(minute))),
        vec!["dep_sp1"]
    );
    update(
        &mut s,
        Action::UsageSampled {
            id: "dep_sp1".into(),
            result: Err("x".into()),
        },
    );
    // U again: no longer followed, its samples gone, no probe.
    assert!(probed(&chr(&mut s, 'U')).is_empty());
    assert!(s.usage.last("dep_sp1").is_none());
    let later = t0 + Duration::minutes(5);
    assert!(probed(&update(&mut s, Action::Tick(later))).is_empty());
    // Every one followed (gpu_usage = true): U turns the selected one off, the others go on.
    s.usage.all = true;
    let all = probed(&update(&mut s, Action::Tick(later + Duration::minutes(1))));
    assert!(all.contains(&"dep_sp1".to_string()) && all.contains(&"dep_sp2".to_string()));
    for id in all {
        update(
            &mut s,
            Action::UsageSampled {
                id,
                result: Err("x".into()),
            },
        );
    }
    chr(&mut s, 'U');
    assert_eq!(
        s.status.flash.as_ref().unwrap().text,
        "gpu use: sp-train no longer followed (U follows it again)"
    );
    let rest = probed(&update(&mut s, Action::Tick(later + Duration::minutes(3))));
    assert!(!rest.contains(&"dep_sp1".to_string()), "{rest:?}");
    assert!(rest.contains(&"dep_sp2".to_string()), "{rest:?}");
    // A late answer for it is dropped.
    update(
        &mut s,
        Action::UsageSampled {
            id: "dep_sp1".into(),
            result: Err("late".into()),
        },
    );
    assert!(s.usage.last("dep_sp1").is_none());
    // Not on a deployment still deploying: not offered, does nothing.
    select(&mut s, Pane::Deployments, "dep_vp");
    assert!(!offers(&s));
    assert!(chr(&mut s, 'U').is_empty());
}

/// The pace over an hour of virtual time: a probe a minute per instance followed, none for
/// one that is not, answers at once.
#[test]
fn an_hour_of_gpu_use_costs_sixty_probes_per_instance() {
    let mut state = AppState::new(fixtures::session(false), fixtures::t0());
    let dep = |id: &str, ip: &str| -> Deployment {
        spheron_tui::api::decode(json!({"id": id, "name": id, "status": "running",
            "ipAddress": ip, "gpuCount": 1}))
        .unwrap()
    };
    state.deployments.items = vec![
        dep("a", "10.0.0.1"),
        dep("b", "10.0.0.2"),
        dep("c", "10.0.0.3"),
    ];
    state.usage.on = ["a".to_string(), "b".to_string()].into();
    let mut probes: std::collections::BTreeMap<String, usize> = Default::default();
    for s in 0..3600 {
        let now = fixtures::t0() + Duration::seconds(s);
        for c in update(&mut state, Action::Tick(now)) {
            if let Command::ProbeUsage { id, .. } = c {
                *probes.entry(id.clone()).or_default() += 1;
                update(
                    &mut state,
                    Action::UsageSampled {
                        id,
                        result: Err("x".into()),
                    },
                );
            }
        }
    }
    println!("SSH probes in one hour per instance: {probes:?}");
    assert_eq!(probes.get("a"), Some(&60));
    assert_eq!(probes.get("b"), Some(&60));
    assert_eq!(probes.get("c"), None, "not followed: never probed");
}

/// A port served on the "instance" (a loopback HTTP listener answering `body` to every
/// request); its port.
pub(crate) fn serve_on_instance(body: &'static str) -> u16 {
    use std::io::{Read, Write};
    let service = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = service.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in service.incoming() {
            let Ok(mut s) = s else { continue };
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf);
            let head = format!("HTTP/1.0 200 OK\r\nContent-Length: {}\r\n\r\n", body.len());
            let _ = s.write_all(format!("{head}{body}").as_bytes());
        }
    });
    port
}

/// `GET /` on localhost `port`: the whole answer.
pub(crate) fn http_get(port: u16) -> std::io::Result<String> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port))?;
    s.write_all(b"GET / HTTP/1.0\r\n\r\n")?;
    let mut out = String::new();
    s.read_to_string(&mut out)?;
    Ok(out)
}

/// A tunnel to a port served on the instance (an HTTP listener on loopback, reached through
/// the real `ssh -N -L`): `tunnel NAME PORT:LOCAL` serves it on localhost; a local port in use
/// gets the next free one, and says so.
#[tokio::test(flavor = "multi_thread")]
async fn a_tunnel_reaches_a_port_served_on_the_instance() {
    use std::io::{BufRead, Read};
    let sshd = Sshd::start();
    let api = api_with_instance(&sshd).await;
    let home = home_with_key(&sshd, None);
    let remote = serve_on_instance("jupyter");
    // The local port asked for is taken here.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let want = taken.local_addr().unwrap().port();
    let mut child = binary::bin(home.path())
        .env("SPHERON_API_KEY", "sai_pk_test")
        .arg("--api-url")
        .arg(api.url())
        .args(["tunnel", "llm-finetune", &format!("{remote}:{want}")])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let local: u16 = first
        .strip_prefix("http://localhost:")
        .and_then(|r| r.split(' ').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no URL first: {first:?}"));
    assert!(local > want, "{first}");
    assert!(
        first.contains(&format!("→ llm-finetune.spheron port {remote}")),
        "{first}"
    );
    // The forward is up once ssh has logged in: ask until it answers (or 30 s pass).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let body = loop {
        let got = http_get(local);
        match got {
            Ok(out) if out.ends_with("jupyter") => break out,
            _ if std::time::Instant::now() > deadline => {
                let _ = child.kill();
                panic!("the tunnel did not answer within 30 s: {got:?}");
            }
            _ => std::thread::sleep(std::time::Duration::from_millis(50)),
        }
    };
    assert!(body.starts_with("HTTP/1.0 200 OK"), "{body}");
    child.kill().unwrap();
    child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(
        err.contains(&format!(
            "port {want} is in use here: using {local} instead"
        )),
        "{err}"
    );
    drop(taken);
}

/// `open NAME --editor code` runs `code --remote ssh-remote+<alias> <home>` once the alias is
/// in the SSH config (before, it says to run `ssh-config --write`); an editor not on PATH is
/// named with what to install.
#[tokio::test(flavor = "multi_thread")]
async fn open_runs_the_editor_on_the_alias() {
    let sshd = Sshd::start();
    let api = api_with_instance(&sshd).await;
    let home = home_with_key(&sshd, None);
    let h = home.path();
    let bin = tempfile::tempdir().unwrap();
    let code = bin.path().join("code");
    std::fs::write(
        &code,
        "#!/bin/sh\necho \"$*\" > \"$(dirname \"$0\")/args\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&code, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let open = |editor: &str| {
        binary::bin(h)
            .env("SPHERON_API_KEY", "sai_pk_test")
            .env("PATH", &path)
            .arg("--api-url")
            .arg(api.url())
            .args(["open", "llm-finetune", "--editor", editor])
            .output()
            .unwrap()
    };
    let before = open("code");
    assert_eq!(before.status.code(), Some(1));
    assert!(
        binary::text(&before.stderr).contains("run `spheron-tui ssh-config --write` once"),
        "{}",
        binary::text(&before.stderr)
    );
    assert!(!bin.path().join("args").exists());
    ok(&spheron(h, &api.url(), &["ssh-config", "--write"]).await);
    let opened = open("code");
    ok(&opened);
    let home_dir = if sshd.user == "root" {
        "/root".to_string()
    } else {
        format!("/home/{}", sshd.user)
    };
    assert_eq!(
        std::fs::read_to_string(bin.path().join("args")).unwrap(),
        format!("--remote ssh-remote+llm-finetune.spheron {home_dir}\n")
    );
    let cursor = open("cursor");
    assert_eq!(cursor.status.code(), Some(1));
    assert!(
        binary::text(&cursor.stderr).contains("install Cursor"),
        "{}",
        binary::text(&cursor.stderr)
    );
}
