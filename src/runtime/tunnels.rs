//! Tunnels as processes: the local port a tunnel takes, the dashboard's tunnels (each an
//! `ssh -N -L` in its own process group, stopped by `p` or when the dashboard quits), and the
//! editor's command.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::oneshot;

use crate::app::Action;
use crate::domain::ssh_config::{HostEntry, SshPaths};
use crate::domain::tunnel::{Editor, NEXT_PORTS, install_hint, open_argv, tunnel_argv};

/// The first local port from `want` that can be bound on loopback.
pub fn free_local_port(want: u16) -> Option<u16> {
    (0..NEXT_PORTS)
        .filter_map(|i| want.checked_add(i))
        .find(|p| std::net::TcpListener::bind(("127.0.0.1", *p)).is_ok())
}

/// Where `program` is on `PATH`, if it is.
pub fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// The tunnels this process runs, by key: what stops each, and its task.
#[derive(Clone, Default)]
pub struct Tunnels {
    running: Arc<Mutex<HashMap<u64, Running>>>,
}

struct Running {
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

/// How often a starting tunnel looks whether ssh listens yet.
const LISTEN_CHECK: Duration = Duration::from_millis(200);

impl Tunnels {
    /// Start `ssh -N -L` for `key` on its own task; what happens comes back on `tx`.
    pub fn start(
        &self,
        key: u64,
        entry: HostEntry,
        home: Option<PathBuf>,
        remote: u16,
        want: u16,
        tx: UnboundedSender<Action>,
    ) {
        let (stop, stopped) = oneshot::channel();
        let running = self.running.clone();
        let task = tokio::spawn(async move {
            let why = run(&entry, home, remote, want, &tx, key, stopped).await;
            running.lock().expect("tunnels lock").remove(&key);
            if let Some(why) = why {
                let _ = tx.send(Action::TunnelDown { key, why });
            }
        });
        self.running
            .lock()
            .expect("tunnels lock")
            .insert(key, Running { stop, task });
    }

    /// Stop the tunnel `key` (its ssh is killed); nothing is said back.
    pub fn stop(&self, key: u64) {
        if let Some(r) = self.running.lock().expect("tunnels lock").remove(&key) {
            let _ = r.stop.send(());
        }
    }

    /// Stop every tunnel and wait until their ssh processes are gone.
    pub async fn stop_all(&self) {
        let all: Vec<Running> = self
            .running
            .lock()
            .expect("tunnels lock")
            .drain()
            .map(|(_, r)| r)
            .collect();
        for r in all {
            let _ = r.stop.send(());
            let _ = r.task.await;
        }
    }
}

/// Whether something listens on (or holds) `port` on loopback here: ssh has bound it.
fn taken(port: u16) -> bool {
    std::net::TcpListener::bind(("127.0.0.1", port)).is_err()
}

/// One tunnel's life: choose the local port, run ssh, say when it listens; `None` when it was
/// stopped, else why it ended.
async fn run(
    entry: &HostEntry,
    home: Option<PathBuf>,
    remote: u16,
    want: u16,
    tx: &UnboundedSender<Action>,
    key: u64,
    mut stopped: oneshot::Receiver<()>,
) -> Option<String> {
    let Some(home) = home else {
        return Some("no home directory is known for our SSH files".into());
    };
    let paths = SshPaths::under(&home);
    let Some(local) = free_local_port(want) else {
        return Some(format!(
            "ports {want} to {} are all in use here",
            want.saturating_add(NEXT_PORTS - 1)
        ));
    };
    if let Err(e) = super::files::create_private_dir(&paths.control_dir) {
        return Some(format!("{}: {e}", paths.control_dir.display()));
    }
    let argv = tunnel_argv(entry, &paths, remote, local, true);
    let mut cmd = tokio::process::Command::new(&argv[0]);
    cmd.args(&argv[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    // Its own process group: keys meant for the dashboard (or an `o` session) never signal it.
    #[cfg(unix)]
    cmd.process_group(0);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Some("ssh is not installed (the OpenSSH client is needed)".into());
        }
        Err(e) => return Some(format!("ssh could not start: {e}")),
    };
    let mut stderr = child.stderr.take();
    let said = tokio::spawn(async move {
        let mut text = String::new();
        if let Some(e) = stderr.as_mut() {
            let _ = e.read_to_string(&mut text).await;
        }
        text
    });
    let mut up = false;
    let mut check = tokio::time::interval(LISTEN_CHECK);
    loop {
        tokio::select! {
            status = child.wait() => {
                let text = said.await.unwrap_or_default();
                return Some(ended(status, &text));
            }
            _ = &mut stopped => {
                let _ = child.kill().await;
                return None;
            }
            _ = check.tick(), if !up => {
                if taken(local) {
                    up = true;
                    let _ = tx.send(Action::TunnelUp { key, local });
                }
            }
        }
    }
}

/// Why a tunnel's ssh ended: its last line on stderr, or its exit.
fn ended(status: std::io::Result<std::process::ExitStatus>, stderr: &str) -> String {
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty());
    match (status, last) {
        (_, Some(line)) if line.contains("Permission denied") => format!(
            "{} (a key with a passphrase needs ssh-agent: the tunnel cannot ask)",
            line.trim()
        ),
        (_, Some(line)) => line.trim().to_string(),
        (Ok(s), None) => format!("ssh exited ({s})"),
        (Err(e), None) => format!("ssh: {e}"),
    }
}

/// Whether the editor can reach `alias`: it finds it through `~/.ssh/config` only, so our
/// Include line must be there and our Host file must list it.
pub fn editor_reaches(paths: &SshPaths, alias: &str) -> Result<(), String> {
    let generated = std::fs::read_to_string(&paths.generated).unwrap_or_default();
    let listed = generated
        .lines()
        .any(|l| l.trim() == format!("Host {alias}"));
    if super::ssh_config::is_included(paths) && listed {
        Ok(())
    } else {
        let key = crate::app::keys::rebind::key_for(crate::app::keys::KeyCmd::SshConfig);
        Err(format!(
            "{alias} is not in your SSH config yet: run `spheron-tui ssh-config --write` once, or press {key} on the dashboard's Deployments (the editor reaches it through ~/.ssh/config; the dashboard then keeps it current)"
        ))
    }
}

/// `E`: the first of VS Code and Cursor on PATH opens `folder` on `alias`; the command run, or
/// why not.
pub async fn open_editor(
    home: Option<PathBuf>,
    alias: String,
    folder: String,
) -> Result<String, String> {
    let home = home.ok_or("no home directory is known for our SSH files")?;
    let found = Editor::ALL
        .into_iter()
        .find_map(|e| on_path(e.program()).map(|p| (e, p)));
    let Some((editor, program)) = found else {
        return Err(format!(
            "{} — or Cursor, with its `cursor` command",
            install_hint(Editor::Code)
        ));
    };
    editor_reaches(&SshPaths::under(&home), &alias)?;
    let argv = open_argv(&program, &alias, &folder);
    let status = tokio::process::Command::new(&argv[0])
        .args(&argv[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await
        .map_err(|e| format!("could not run {}: {e}", editor.program()))?;
    if status.success() {
        Ok(argv.join(" "))
    } else {
        Err(format!("{} exited with {status}", editor.program()))
    }
}
