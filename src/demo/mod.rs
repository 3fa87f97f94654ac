//! The simulated Spheron API (the demo server): `spheron-tui --demo`, `spheron-tui demo-server`
//! and the contract tests run against it.
//!
//! - [`spawn`] binds `127.0.0.1:0` and serves on a tokio task; [`DemoServer::handle`] gives a
//!   [`DemoHandle`] that moves the world clock, injects faults and inspects the world.
//! - [`run_standalone`] binds an address, prints the URL and the demo key, serves until Ctrl-C.
//! - Data (offers, regions, seed world) come from `assets/demo/*.json` ([`catalog`]); the world
//!   model is pure and takes `now` as a parameter ([`world`], [`deploy`], [`volumes`],
//!   [`accounts`]); provider volume rules come from the one table in
//!   [`crate::domain::volume_rules`], shared with the dashboard.
//! - Fault injection syntax for `--fault`: see [`faults`] (`GET /api/deployments=500x3`).
//! - Rate limits: [`limits`], measured on the world clock; `X-RateLimit-*` on every answer.
//!
//! Wire shapes: `docs/wire-shapes.md`.

pub mod accounts;
pub mod acts;
pub mod catalog;
pub mod deploy;
pub mod drift;
pub mod error;
pub mod faults;
pub mod hostile;
pub mod limits;
pub mod live;
pub mod offers;
pub mod routes;
pub mod saved;
pub mod synth;
pub mod usage;
pub mod volumes;
pub mod world;

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, header::HeaderName};
use axum::middleware::{self, Next};
use axum::response::Response;
use chrono::{DateTime, Utc};

pub use faults::{Fault, FaultRule, parse_fault_spec};

use catalog::Catalog;
use error::{ApiError, ApiResult};
use faults::FaultTable;
use limits::{Bucket, Limiter, RateState};
use world::{World, WorldParams};

/// The key the demo server accepts.
pub const DEMO_API_KEY: &str = "sai_pk_demo_7c1e0d5b9a3f4e2d";

/// Where the world clock comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum ClockMode {
    /// Wall clock (plus whatever [`DemoHandle::advance`] added).
    Real,
    /// Starts at the given instant and moves only with [`DemoHandle::advance`].
    Manual(DateTime<Utc>),
}

#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub clock: ClockMode,
    /// Seed of the world's RNG (ids, delays, failures, SPOT interruptions).
    pub seed: u64,
    /// Share of deploys that end `failed` (0.0..=1.0).
    pub fail_share: f64,
    /// Provisioning time range in seconds, drawn per deploy.
    pub deploy_delay_secs: (u64, u64),
    /// Chance per running SPOT instance per hour to become `terminated-provider`.
    pub spot_interruptions_per_hour: f64,
    /// Requests per 15 minutes per client for everything but `POST /api/deployments`.
    pub general_limit: u32,
    /// `POST /api/deployments` per 15 minutes per client.
    pub deploy_limit: u32,
    /// Serve the live service's shapes (`docs/wire-shapes.md`, "Live shapes", the "also accepted" ones of
    /// `docs/wire-shapes.md`) instead of the documented ones: see [`live`].
    pub alt_shapes: bool,
    /// Rewrite every successful answer as awkwardly as the live service might: every spelling
    /// at once, numbers as strings, absent optional fields as `null` ([`hostile`]).
    pub hostile_shapes: bool,
    /// The accepted API key.
    pub api_key: String,
    /// Faults active from the start (`demo-server --fault`).
    pub faults: Vec<FaultRule>,
    /// Offer prices and availability move with the world clock ([`drift`]).
    pub price_drift: bool,
    /// Keep the world in this file, shared with every other process using it ([`saved`]);
    /// `None` keeps it in memory, for this server alone (tests).
    pub world_file: Option<PathBuf>,
    /// The user belongs to one team: the seed's other teams, and what they hold, are left out
    /// of a fresh world (a world file that already holds a world serves it as it is).
    pub one_team: bool,
    /// Append a line for every request received ([`RequestLog`]).
    pub request_log: Option<RequestLog>,
}

/// A file that gets one line per request the server receives, once it has answered:
/// `TIME METHOD PATH?QUERY STATUS MS` (the world clock's time of arrival, RFC 3339 UTC; the
/// answer's status, after any injected fault; milliseconds until the answer). Shared by every
/// server given it; lines are appended, never rewritten.
#[derive(Debug, Clone)]
pub struct RequestLog(Arc<Mutex<std::fs::File>>);

impl RequestLog {
    /// Open `path` for appending (created when missing, mode 0600).
    pub fn open(path: &std::path::Path) -> std::io::Result<RequestLog> {
        let mut o = std::fs::OpenOptions::new();
        o.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
        Ok(RequestLog(Arc::new(Mutex::new(o.open(path)?))))
    }

    fn write(&self, at: DateTime<Utc>, method: &str, path: &str, status: u16, ms: u128) {
        let line = format!(
            "{} {method} {path} {status} {ms}\n",
            at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        );
        let mut f = self.0.lock().expect("request log lock");
        if let Err(e) = f.write_all(line.as_bytes()) {
            tracing::warn!(error = %e, "demo: request log not written");
        }
    }
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            clock: ClockMode::Real,
            seed: 0x5e_ed_de_70,
            fail_share: 0.1,
            deploy_delay_secs: (30, 60),
            spot_interruptions_per_hour: 0.05,
            general_limit: 250,
            deploy_limit: 10,
            alt_shapes: false,
            hostile_shapes: false,
            api_key: DEMO_API_KEY.to_string(),
            faults: Vec::new(),
            price_drift: true,
            world_file: None,
            one_team: false,
            request_log: None,
        }
    }
}

impl DemoOptions {
    /// Manual clock at 2026-11-28T12:00:00Z, no failures, no SPOT interruptions, fixed seed.
    pub fn for_tests() -> Self {
        DemoOptions {
            clock: ClockMode::Manual(test_epoch()),
            seed: 42,
            fail_share: 0.0,
            spot_interruptions_per_hour: 0.0,
            price_drift: false,
            ..DemoOptions::default()
        }
    }
}

impl DemoOptions {
    /// [`DemoOptions::for_tests`] serving the live service's shapes ([`live`]).
    pub fn live_shapes_for_tests() -> Self {
        DemoOptions {
            alt_shapes: true,
            ..DemoOptions::for_tests()
        }
    }

    /// [`DemoOptions::for_tests`] serving the hostile shapes ([`hostile`]).
    pub fn hostile_shapes_for_tests() -> Self {
        DemoOptions {
            hostile_shapes: true,
            ..DemoOptions::for_tests()
        }
    }
}

/// 2026-11-28T12:00:00Z, the start of [`DemoOptions::for_tests`].
pub fn test_epoch() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-28T12:00:00Z")
        .expect("valid instant")
        .to_utc()
}

/// One request seen by the server.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestRecord {
    pub method: String,
    /// Path and query, e.g. `/api/gpu-offers?page=2`.
    pub path: String,
    /// World time when it arrived.
    pub at: DateTime<Utc>,
    /// Whether it carried an `Authorization` header.
    pub had_auth: bool,
}

/// The world clock: a base (manual) or the wall clock, plus an offset moved by `advance`.
#[derive(Debug)]
pub(crate) struct Clock {
    base: Option<DateTime<Utc>>,
    offset: Mutex<chrono::Duration>,
}

impl Clock {
    fn new(mode: &ClockMode) -> Clock {
        Clock {
            base: match mode {
                ClockMode::Real => None,
                ClockMode::Manual(t) => Some(*t),
            },
            offset: Mutex::new(chrono::Duration::zero()),
        }
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        let off = *self.offset.lock().expect("clock lock");
        let base = self.base.unwrap_or_else(Utc::now);
        base.checked_add_signed(off)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    fn advance(&self, d: std::time::Duration) {
        let d = chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX);
        let mut off = self.offset.lock().expect("clock lock");
        *off = off.checked_add(&d).unwrap_or(chrono::Duration::MAX);
    }
}

/// The world this process serves, and the file it shares it through (if any).
pub(crate) struct Held {
    world: World,
    file: Option<saved::WorldFile>,
}

/// State shared by the handlers and the handle.
pub(crate) struct Shared {
    pub(crate) clock: Clock,
    pub(crate) catalog: Arc<Catalog>,
    world: Mutex<Held>,
    faults: Mutex<FaultTable>,
    limiter: Mutex<Limiter>,
    requests: Mutex<Vec<RequestRecord>>,
    pub(crate) alt: bool,
    hostile: bool,
    pub(crate) key: String,
    pub(crate) price_drift: bool,
    request_log: Option<RequestLog>,
}

impl Shared {
    /// Run `f` on the world at the world clock's `now`. With a world file, in one transaction
    /// with every other process sharing it ([`saved::WorldFile::with`]); a file that cannot be
    /// used answers a 500 naming it.
    pub(crate) fn with_world<R>(
        &self,
        f: impl FnOnce(&mut World, DateTime<Utc>) -> R,
    ) -> ApiResult<R> {
        let mut held = self.world.lock().expect("world lock");
        let Held { world, file } = &mut *held;
        match file {
            None => Ok(f(world, self.clock.now())),
            Some(file) => file.with(world, || self.clock.now(), f).map_err(|e| {
                tracing::error!(error = %e, "demo world file");
                ApiError::new(500, "DEMO_WORLD_UNAVAILABLE", e.to_string())
            }),
        }
    }
}

/// The world a fresh demo starts with, at `now`.
fn fresh_world(catalog: &Arc<Catalog>, opts: &DemoOptions, now: DateTime<Utc>) -> World {
    let params = WorldParams {
        seed: opts.seed,
        fail_share: opts.fail_share,
        deploy_delay_secs: opts.deploy_delay_secs,
        spot_interruptions_per_hour: opts.spot_interruptions_per_hour,
        price_drift: opts.price_drift,
    };
    let mut w = World::new(catalog.clone(), params, now);
    if opts.one_team {
        w.keep_first_team();
    }
    w
}

fn build(opts: DemoOptions) -> std::io::Result<Arc<Shared>> {
    let catalog = Catalog::shared();
    let clock = Clock::new(&opts.clock);
    let mut world = fresh_world(&catalog, &opts, clock.now());
    let file = match &opts.world_file {
        None => None,
        Some(path) => {
            // Used only if the file holds no world yet.
            world.rng = fastrand::Rng::with_seed(fresh_seed(&opts));
            Some(saved::WorldFile::open(path).map_err(std::io::Error::other)?)
        }
    };
    Ok(Arc::new(Shared {
        clock,
        catalog,
        world: Mutex::new(Held { world, file }),
        faults: Mutex::new(FaultTable(opts.faults)),
        limiter: Mutex::new(Limiter::new(opts.general_limit, opts.deploy_limit)),
        requests: Mutex::new(Vec::new()),
        alt: opts.alt_shapes,
        hostile: opts.hostile_shapes,
        key: opts.api_key,
        price_drift: opts.price_drift,
        request_log: opts.request_log,
    }))
}

/// Start the world in `path` afresh (`demo reset`): every process sharing it serves the new
/// world from its next request. Returns when it was seeded.
pub fn reset_world(path: &std::path::Path) -> Result<DateTime<Utc>, saved::WorldFileError> {
    let opts = DemoOptions::default();
    let catalog = Catalog::shared();
    let now = Utc::now();
    let mut world = fresh_world(&catalog, &opts, now);
    world.rng = fastrand::Rng::with_seed(fresh_seed(&opts));
    saved::WorldFile::open(path)?.replace(&world)?;
    Ok(now)
}

/// A seed for a world that is kept: the options' seed mixed with the time, so that a world
/// started after a reset does not hand out the old world's ids again.
fn fresh_seed(opts: &DemoOptions) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    opts.seed ^ nanos
}

fn set_rate_headers(r: &mut Response, s: RateState) {
    let h = r.headers_mut();
    for (name, v) in [
        ("x-ratelimit-limit", u64::from(s.limit)),
        ("x-ratelimit-remaining", u64::from(s.remaining)),
        ("x-ratelimit-reset", s.reset_secs),
    ] {
        h.insert(HeaderName::from_static(name), HeaderValue::from(v));
    }
}

/// Record, answer ([`respond`]), then log the answer when asked to ([`RequestLog`]).
async fn gate(
    State(s): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
    next: Next,
) -> Response {
    let now = s.clock.now();
    let started = std::time::Instant::now();
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let with_query = req
        .uri()
        .path_and_query()
        .map_or(path.clone(), |p| p.as_str().to_string());
    s.requests
        .lock()
        .expect("requests lock")
        .push(RequestRecord {
            method: method.clone(),
            path: with_query.clone(),
            at: now,
            had_auth: req
                .headers()
                .contains_key(axum::http::header::AUTHORIZATION),
        });
    let resp = respond(&s, peer, req, next, now, &method, &path, &with_query).await;
    if let Some(log) = &s.request_log {
        let ms = started.elapsed().as_millis();
        log.write(now, &method, &with_query, resp.status().as_u16(), ms);
    }
    resp
}

/// Rate-limit, then maybe spoil the answer with an injected fault.
#[allow(clippy::too_many_arguments)]
async fn respond(
    s: &Shared,
    peer: SocketAddr,
    req: Request,
    next: Next,
    now: DateTime<Utc>,
    method: &str,
    path: &str,
    with_query: &str,
) -> Response {
    let bucket = Bucket::of(method, path);
    // deploys are limited per user (per key), everything else per client IP
    let client = match (bucket, routes::bearer(req.headers())) {
        (Bucket::Deploy, Some(k)) => format!("key:{k}"),
        _ => peer.ip().to_string(),
    };
    let hit = s
        .limiter
        .lock()
        .expect("limiter lock")
        .hit(bucket, &client, now);
    let rate = match hit {
        Ok(r) => r,
        Err(r) => {
            let mut resp = faults::error_response(&ApiError::rate_limited(r.reset_secs), s.alt);
            set_rate_headers(&mut resp, r);
            return resp;
        }
    };
    let fault = s
        .faults
        .lock()
        .expect("faults lock")
        .take(method, with_query);
    tracing::debug!(%method, %path, world_time = %now, ?fault, "demo request");
    let mut resp = match fault {
        None => next.run(req).await,
        Some(Fault::RateLimited { retry_after_secs }) => {
            faults::error_response(&ApiError::rate_limited(retry_after_secs), s.alt)
        }
        Some(Fault::ServerError) => faults::injected_server_error(s.alt),
        Some(Fault::Slow(d)) => {
            tokio::time::sleep(d).await;
            next.run(req).await
        }
        Some(Fault::MalformedJson) => faults::malformed(next.run(req).await).await,
        Some(Fault::Omit(field)) => faults::omit(next.run(req).await, &field).await,
        Some(Fault::HtmlError) => faults::html_error(),
        Some(Fault::DropConnection) => faults::dropped_connection(),
        Some(Fault::CreatedButServerError) => {
            let _served = next.run(req).await;
            faults::injected_server_error(s.alt)
        }
    };
    if s.hostile && resp.status().is_success() {
        resp = hostile_answer(resp).await;
    }
    set_rate_headers(&mut resp, rate);
    resp
}

/// A successful JSON answer in the hostile shapes; anything else as it was.
async fn hostile_answer(resp: Response) -> Response {
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let body = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(v) => {
            parts.headers.remove(axum::http::header::CONTENT_LENGTH);
            serde_json::to_vec(&hostile::answer(v))
                .unwrap_or_default()
                .into()
        }
        Err(_) => bytes,
    };
    Response::from_parts(parts, axum::body::Body::from(body))
}

fn app(shared: Arc<Shared>) -> axum::Router {
    routes::router(shared.clone()).layer(middleware::from_fn_with_state(shared, gate))
}

async fn serve(listener: tokio::net::TcpListener, shared: Arc<Shared>) -> std::io::Result<()> {
    axum::serve(
        listener,
        app(shared).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await
}

/// A demo server running on a tokio task; stops when dropped.
pub struct DemoServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl DemoServer {
    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn key(&self) -> &str {
        &self.shared.key
    }

    pub fn handle(&self) -> DemoHandle {
        DemoHandle {
            shared: self.shared.clone(),
        }
    }
}

impl std::fmt::Debug for DemoServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for DemoHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoHandle")
            .field("now", &self.now())
            .finish_non_exhaustive()
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Bind `127.0.0.1:0` and serve on a tokio task.
pub async fn spawn(opts: DemoOptions) -> std::io::Result<DemoServer> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let shared = build(opts)?;
    let task = tokio::spawn(serve(listener, shared.clone()));
    Ok(DemoServer { addr, shared, task })
}

/// Bind `addr`, print the URL and the demo key, serve until Ctrl-C.
pub async fn run_standalone(addr: SocketAddr, opts: DemoOptions) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    // Said once; a reader that went away (`| head -1`) does not stop the server.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "demo server listening on http://{local}");
    let _ = writeln!(out, "demo API key: {}", opts.api_key);
    let _ = out.flush();
    drop(out);
    serve_until(listener, opts, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

/// Serve on `listener` until `shutdown` completes (graceful).
async fn serve_until(
    listener: tokio::net::TcpListener,
    opts: DemoOptions,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let shared = build(opts)?;
    axum::serve(
        listener,
        app(shared).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Controls a running demo server: clock, faults, inspection. Cheap to clone.
#[derive(Clone)]
pub struct DemoHandle {
    shared: Arc<Shared>,
}

impl DemoHandle {
    /// The world clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.shared.clock.now()
    }

    /// Move the world clock forward and let the world catch up.
    pub fn advance(&self, d: std::time::Duration) {
        self.shared.clock.advance(d);
        self.world(|w, now| w.advance_to(now));
    }

    pub fn inject(&self, rule: FaultRule) {
        self.shared.faults.lock().expect("faults lock").0.push(rule);
    }

    pub fn clear_faults(&self) {
        self.shared.faults.lock().expect("faults lock").0.clear();
    }

    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.requests.lock().expect("requests lock").clone()
    }

    /// Deployments in the world, whatever their status.
    pub fn deployment_count(&self) -> usize {
        self.world(|w, _| w.deployments.len())
    }

    pub fn set_balance(&self, team_id: &str, usd: f64) {
        self.world(|w, now| {
            w.advance_to(now);
            if let Some(t) = w.team_mut(team_id) {
                t.balance = usd;
                t.stored_balance = usd;
            }
        });
    }

    /// Live team balance, as `/api/balance` would report it now.
    pub fn balance(&self, team_id: &str) -> Option<f64> {
        self.world(|w, now| {
            w.advance_to(now);
            w.teams.iter().find(|t| t.id == team_id).map(|t| t.balance)
        })
    }

    pub fn set_fail_share(&self, f: f64) {
        self.shared
            .world
            .lock()
            .expect("world lock")
            .world
            .params
            .fail_share = f;
    }

    /// For tests: a deployment's status now, read from the world (no request, so no part of
    /// any client's rate budget). `None` for an unknown id.
    pub fn deployment_status(&self, deployment_id: &str) -> Option<String> {
        self.world(|w, now| {
            w.advance_to(now);
            w.deployments
                .iter()
                .find(|d| d.id == deployment_id)
                .map(|d| d.status.clone())
        })
    }

    /// For tests: force a deployment's status now (e.g. `terminated-provider`, `running`).
    /// Unknown ids are ignored.
    pub fn force_status(&self, deployment_id: &str, status: &str) {
        self.world(|w, now| {
            let _ = w.force_status(deployment_id, status, now);
        });
    }

    /// For tests: point a deployment's address, SSH port and user at a real SSH server (one on
    /// loopback standing in for the instance). Unknown ids are ignored.
    pub fn set_ssh(&self, deployment_id: &str, ip: &str, port: u16, user: &str) {
        self.world(|w, _| {
            let _ = w.set_ssh(deployment_id, ip, port, user);
        });
    }

    /// What other processes sharing the world file did to the world since the last call,
    /// oldest first (nothing without a file). No request is made: the file is read, and only
    /// when another process changed it.
    pub fn acts_elsewhere(&self) -> Result<Vec<acts::Act>, String> {
        let mut held = self.shared.world.lock().expect("world lock");
        let Held { world, file } = &mut *held;
        match file {
            None => Ok(Vec::new()),
            Some(file) => file.peek(world).map_err(|e| e.to_string()),
        }
    }

    /// What the GPU-use probe's command prints on the simulated instance of `deployment_id`
    /// now ([`usage::answer`]), read from the world (no request); `Err` when the world cannot
    /// be read.
    pub fn probe_instance(&self, deployment_id: &str) -> Result<usage::Answer, String> {
        self.shared
            .with_world(|w, now| {
                w.advance_to(now);
                let d = w.deployments.iter().find(|d| d.id == deployment_id)?;
                let gb = w
                    .catalog
                    .offer(&d.offer_id)
                    .and_then(|o| o.gpu_memory)
                    .unwrap_or(80.0);
                Some(usage::answer(d, gb * 1024.0, now))
            })
            .map_err(|e| e.message)?
            .ok_or_else(|| format!("ssh: Could not resolve hostname for {deployment_id}"))
    }

    /// `f` on the world (and its file), at the world clock's now. The handle is for tests and
    /// tools: a world file that cannot be used is a failure of the test.
    fn world<R>(&self, f: impl FnOnce(&mut World, DateTime<Utc>) -> R) -> R {
        self.shared
            .with_world(f)
            .unwrap_or_else(|e| panic!("demo world: {}", e.message))
    }
}

#[cfg(test)]
mod server_tests {
    use super::*;

    #[tokio::test]
    async fn standalone_serves_until_shutdown() {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(serve_until(listener, DemoOptions::for_tests(), async {
            let _ = rx.await;
        }));
        let r = reqwest::get(format!("http://{addr}/api/providers"))
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["x-ratelimit-limit"], "250");
        tx.send(()).unwrap();
        assert!(task.await.unwrap().is_ok());
    }

    #[test]
    fn clock_modes() {
        let c = Clock::new(&ClockMode::Manual(test_epoch()));
        c.advance(std::time::Duration::from_secs(90));
        assert_eq!(c.now(), test_epoch() + chrono::Duration::seconds(90));
        let real = Clock::new(&ClockMode::Real);
        real.advance(std::time::Duration::from_secs(3600));
        assert!(real.now() > Utc::now() + chrono::Duration::minutes(59));
    }
}

#[cfg(test)]
mod volume_tests;
#[cfg(test)]
mod world_tests;
