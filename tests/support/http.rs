//! A small recording HTTP server for the client contract tests: canned answers per
//! `METHOD /path`, every request recorded (method, raw path, query, headers, body, time).

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::Value;
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub at: tokio::time::Instant,
}

impl Recorded {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

#[derive(Debug, Clone)]
pub struct Canned {
    pub status: u16,
    pub body: String,
    pub content_type: &'static str,
    pub headers: Vec<(String, String)>,
    pub delay: Option<Duration>,
    /// Send the headers and part of the body, then abort the connection.
    pub abort_body: bool,
}

impl Canned {
    pub fn json(status: u16, body: Value) -> Canned {
        Canned {
            status,
            body: body.to_string(),
            content_type: "application/json",
            headers: Vec::new(),
            delay: None,
            abort_body: false,
        }
    }
    pub fn text(status: u16, content_type: &'static str, body: &str) -> Canned {
        Canned {
            status,
            body: body.to_string(),
            content_type,
            headers: Vec::new(),
            delay: None,
            abort_body: false,
        }
    }
    pub fn header(mut self, k: &str, v: &str) -> Canned {
        self.headers.push((k.to_string(), v.to_string()));
        self
    }
    pub fn abort_body(mut self) -> Canned {
        self.abort_body = true;
        self
    }
    pub fn delay(mut self, d: Duration) -> Canned {
        self.delay = Some(d);
        self
    }
}

#[derive(Default)]
struct Shared {
    /// Answers per "METHOD /path"; the last one repeats.
    routes: Mutex<HashMap<String, VecDeque<Canned>>>,
    log: Mutex<Vec<Recorded>>,
}

pub struct Mock {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
}

impl Mock {
    pub async fn start() -> Mock {
        let shared = Arc::new(Shared::default());
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Mock { addr, shared }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Queue an answer for `key` ("GET /api/providers").
    pub fn on(&self, key: &str, c: Canned) -> &Self {
        self.shared
            .routes
            .lock()
            .unwrap()
            .entry(key.to_string())
            .or_default()
            .push_back(c);
        self
    }

    pub fn on_json(&self, key: &str, status: u16, body: Value) -> &Self {
        self.on(key, Canned::json(status, body))
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.log.lock().unwrap().clone()
    }

    pub fn last(&self) -> Recorded {
        self.requests().last().cloned().expect("a request was made")
    }

    pub fn count(&self) -> usize {
        self.shared.log.lock().unwrap().len()
    }
}

async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .map(|b| b.to_vec())
        .unwrap_or_default();
    let rec = Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers.clone(),
        body,
        at: tokio::time::Instant::now(),
    };
    let key = format!("{} {}", rec.method, rec.path);
    shared.log.lock().unwrap().push(rec);
    let canned = {
        let mut routes = shared.routes.lock().unwrap();
        match routes.get_mut(&key) {
            Some(q) if q.len() > 1 => q.pop_front(),
            Some(q) => q.front().cloned(),
            None => None,
        }
    };
    let c = canned.unwrap_or_else(|| {
        Canned::json(
            404,
            serde_json::json!({"error": format!("no route {key}"), "code": "NOT_FOUND"}),
        )
    });
    if let Some(d) = c.delay {
        tokio::time::sleep(d).await;
    }
    let body = if c.abort_body {
        let half = c.body.as_bytes()[..c.body.len() / 2].to_vec();
        Body::from_stream(futures_util::stream::iter(vec![
            Ok(half),
            Err(std::io::Error::other(
                "connection aborted by the test server",
            )),
        ]))
    } else {
        Body::from(c.body.clone())
    };
    let mut resp = Response::new(body);
    *resp.status_mut() = StatusCode::from_u16(c.status).unwrap();
    let h = resp.headers_mut();
    if !c.body.is_empty() {
        h.insert("content-type", HeaderValue::from_static(c.content_type));
    }
    h.insert("x-ratelimit-limit", HeaderValue::from_static("250"));
    h.insert("x-ratelimit-remaining", HeaderValue::from_static("240"));
    h.insert("x-ratelimit-reset", HeaderValue::from_static("900"));
    for (k, v) in &c.headers {
        h.insert(
            axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            HeaderValue::from_str(v).unwrap(),
        );
    }
    resp
}

/// A listener that accepts, reads the request, and closes the connection without answering.
pub struct Dropper {
    pub addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
}

impl Dropper {
    pub async fn start() -> Dropper {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let n = accepted.clone();
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                n.fetch_add(1, Ordering::SeqCst);
                let mut buf = [0u8; 4096];
                let _ = sock.read(&mut buf).await;
                drop(sock);
            }
        });
        Dropper { addr, accepted }
    }
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}
