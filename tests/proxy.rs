//! The key's route: the real binary, with the proxy variables pointing at a listener that
//! stands in for the proxy. Towards a loopback API nothing reaches the listener; towards
//! `https://app.spheron.ai` only a `CONNECT app.spheron.ai:443` tunnel request does, with no
//! byte of the key. (`HTTP_PROXY` alone towards app.spheron.ai is ignored: `api::client`'s unit
//! test covers it, as a run here would try the real network.) The variables are set on the
//! child process only, so these tests cannot race others over the process environment.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use std::io::Read;
use std::net::TcpListener;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_spheron-tui");
const KEY: &str = "sai_pk_proxy_test_key_7c1e5a9d3b2f4680";

/// A listener that records every byte sent to it; it answers nothing and closes each
/// connection once the request head has arrived.
struct FakeProxy {
    url: String,
    seen: Arc<Mutex<Vec<u8>>>,
}

impl FakeProxy {
    fn start() -> FakeProxy {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", l.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let out = seen.clone();
        std::thread::spawn(move || {
            for conn in l.incoming() {
                let Ok(mut c) = conn else { continue };
                let _ = c.set_read_timeout(Some(Duration::from_secs(5)));
                let mut buf = [0u8; 4096];
                let mut got = Vec::new();
                while let Ok(n) = c.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    got.extend_from_slice(&buf[..n]);
                    if got.windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
                out.lock().unwrap().extend_from_slice(&got);
            }
        });
        FakeProxy { url, seen }
    }

    fn seen(&self) -> String {
        String::from_utf8_lossy(&self.seen.lock().unwrap()).into_owned()
    }
}

const PROXY_VARS: [&str; 6] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// `spheron-tui ARGS` with a clean environment: a fresh HOME, `key`, and each of `vars` set to
/// `proxy`.
fn run(home: &std::path::Path, key: &str, proxy: &str, vars: &[&str], args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("HOME", home)
        .env("PATH", "/usr/bin:/bin")
        .env("SPHERON_API_KEY", key)
        .env("SPHERON_LOG", "trace")
        .args(args);
    for var in vars {
        cmd.env(var, proxy);
    }
    cmd.output().unwrap()
}

#[test]
fn a_loopback_api_never_goes_through_a_proxy() {
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
    let proxy = FakeProxy::start();
    let home = tempfile::tempdir().unwrap();
    let url = server.url();
    let url_localhost = url.replace("127.0.0.1", "localhost");
    // Each variable alone, then all of them; by IP and by name.
    let mut sets: Vec<Vec<&str>> = PROXY_VARS.iter().map(|v| vec![*v]).collect();
    sets.push(PROXY_VARS.to_vec());
    for vars in &sets {
        for api in [url.as_str(), url_localhost.as_str()] {
            let out = run(
                home.path(),
                server.key(),
                &proxy.url,
                vars,
                &["snapshot", "--pane", "deployments", "--api-url", api],
            );
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{vars:?} {api}: {:?}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                stdout.contains("running"),
                "{vars:?} {api}: no deployments:\n{stdout}"
            );
            assert_eq!(proxy.seen(), "", "{vars:?} {api}: the proxy received bytes");
        }
    }
    assert_eq!(proxy.seen(), "", "the proxy received bytes");
}

#[test]
fn towards_app_spheron_ai_a_proxy_only_carries_a_connect_tunnel() {
    let home = tempfile::tempdir().unwrap();
    for vars in [
        &["HTTPS_PROXY"][..],
        &["https_proxy"],
        &["ALL_PROXY"],
        &["all_proxy"],
        &PROXY_VARS,
    ] {
        let proxy = FakeProxy::start();
        let out = run(
            home.path(),
            KEY,
            &proxy.url,
            vars,
            &["snapshot", "--pane", "deployments"],
        );
        // The stand-in refuses the tunnel, so the run fails as a network failure.
        assert_eq!(out.status.code(), Some(1), "{vars:?}: {out:?}");
        let seen = proxy.seen();
        assert!(
            seen.starts_with("CONNECT app.spheron.ai:443 HTTP/1.1\r\n"),
            "{vars:?}: not a CONNECT tunnel: {seen:?}"
        );
        for req in seen.split("\r\n\r\n").filter(|r| !r.is_empty()) {
            assert!(
                req.starts_with("CONNECT app.spheron.ai:443 "),
                "{vars:?}: {req:?}"
            );
        }
        assert!(
            !seen.contains(&KEY[8..KEY.len() - 8]),
            "{vars:?}: the key reached the proxy"
        );
        assert!(
            !seen.to_ascii_lowercase().contains("authorization"),
            "{vars:?}: {seen:?}"
        );
    }
}
