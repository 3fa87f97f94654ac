//! The simulated Spheron API. PLACEHOLDER with the agreed interface only: the real demo server
//! is built on its own branch and replaces this file on merge. Until then `spawn` and
//! `run_standalone` report that it is missing instead of serving anything.

use std::io;
use std::net::SocketAddr;

/// The key the demo server accepts.
pub const DEMO_API_KEY: &str = "sai_demo_0000000000000000000000000000";

/// One injected fault, as parsed from `--fault SPEC`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    pub spec: String,
}

#[derive(Debug, Clone, Default)]
pub struct DemoOptions {
    pub faults: Vec<FaultRule>,
    pub alt_shapes: bool,
}

/// A running demo server.
#[derive(Debug)]
pub struct DemoServer {
    url: String,
}

impl DemoServer {
    pub fn url(&self) -> String {
        self.url.clone()
    }
    pub fn key(&self) -> &str {
        DEMO_API_KEY
    }
}

fn missing() -> io::Error {
    io::Error::other("the demo server is not part of this build yet")
}

/// Start the demo server on `127.0.0.1:0` in this process.
pub async fn spawn(_opts: DemoOptions) -> io::Result<DemoServer> {
    Err(missing())
}

/// Serve the demo API on `addr` until interrupted.
pub async fn run_standalone(_addr: SocketAddr, _opts: DemoOptions) -> io::Result<()> {
    Err(missing())
}

/// `[METHOD ]PATH_PREFIX=KIND[xCOUNT]` (only the shape is checked here).
pub fn parse_fault_spec(s: &str) -> Result<FaultRule, String> {
    match s.rsplit_once('=') {
        Some((path, kind)) if path.trim_start().contains('/') && !kind.trim().is_empty() => {
            Ok(FaultRule {
                spec: s.to_string(),
            })
        }
        _ => Err(format!("fault spec '{s}': expected [METHOD ]PATH=KIND[xN]")),
    }
}
