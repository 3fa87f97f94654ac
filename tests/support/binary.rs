//! The built binary run as a user would, with a private HOME, config and data dir and nothing
//! else from the environment but PATH.

use std::path::Path;
use std::process::{Command, Output};

pub fn bin(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_spheron-tui"));
    c.env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    c
}

pub fn run(home: &Path, args: &[&str]) -> Output {
    bin(home).args(args).output().unwrap()
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `spheron-tui ARGS` in `home`, which must succeed; its stdout.
pub fn run_ok(home: &Path, args: &[&str]) -> String {
    let out = run(home, args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// The binary against the API at `url` with the demo's key, HOME `home`, `env` added, and no
/// terminal (stdin closed). Runs on a blocking thread, so a demo server of this process keeps
/// serving.
pub async fn against_env(url: &str, home: &Path, args: &[&str], env: &[(&str, String)]) -> Output {
    let url = url.to_string();
    let home = home.to_path_buf();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    tokio::task::spawn_blocking(move || {
        let mut c = bin(&home);
        c.env("SPHERON_API_KEY", spheron_tui::demo::DEMO_API_KEY)
            .arg("--api-url")
            .arg(&url)
            .args(&args)
            .stdin(std::process::Stdio::null());
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().unwrap()
    })
    .await
    .unwrap()
}

/// [`against_env`] with nothing added.
pub async fn against(url: &str, home: &Path, args: &[&str]) -> Output {
    against_env(url, home, args, &[]).await
}

/// [`against`] with a HOME of its own, removed after the run.
pub async fn against_fresh(url: &str, args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    against(url, home.path(), args).await
}
