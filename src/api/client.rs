//! The async Spheron client: construction, shared state and the transport policy. The
//! endpoint methods are in `endpoints.rs`.
//!
//! Policy, in one place: the base URL passed the guard; redirects are never followed; the key is
//! sent only when set; writes are refused locally in read-only mode; after a 429 nothing is sent
//! until `retryAfter` has passed (GETs wait, writes fail fast); a GET that meets a 5xx or a
//! dropped connection is tried once more after a short delay; writes are never retried.

use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue, LOCATION};
use reqwest::{Method, Url};
use serde_json::Value;
use tokio::time::Instant;

use super::base_url::{check_base_url, host_label, may_use_proxy};
use super::budget::{Bucket, Budget, RateStatus, retry_after_header};
use super::error::{ApiError, snippet};
use crate::credentials::ApiKey;

pub const USER_AGENT_VALUE: &str = concat!("spheron-tui/", env!("CARGO_PKG_VERSION"));

/// How the client is built. `Debug` shows whether a key is set, never the key.
#[derive(Clone)]
pub struct ClientOptions {
    pub base_url: String,
    pub key: Option<ApiKey>,
    /// Refuse every POST/PATCH/DELETE before sending.
    pub read_only: bool,
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    /// Delay before the one retry of a GET that met a 5xx or a dropped connection.
    pub get_retry_delay: Duration,
    /// The proxy settings, read from the environment by [`ClientOptions::new`].
    pub proxy: ProxyEnv,
}

/// Proxy settings as the environment gives them. Only an https proxy setting is read
/// (`HTTPS_PROXY`, then `ALL_PROXY`, either case) with `NO_PROXY`: the only remote the key goes
/// to is https, and there a proxy is used as a CONNECT tunnel. `HTTP_PROXY` is never used.
/// `Debug` shows whether a proxy is set, not its URL (which may hold a password).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProxyEnv {
    pub https: Option<String>,
    pub no_proxy: Option<String>,
}

impl ProxyEnv {
    pub fn from_env() -> ProxyEnv {
        ProxyEnv::from_lookup(|name| std::env::var(name).ok())
    }

    /// From any variable lookup (the environment, or a test's table).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> ProxyEnv {
        let first = |names: &[&str]| {
            names
                .iter()
                .filter_map(|n| get(n))
                .find(|v| !v.trim().is_empty())
        };
        ProxyEnv {
            https: first(&["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]),
            no_proxy: first(&["NO_PROXY", "no_proxy"]),
        }
    }

    /// The proxy for requests to `base`: none unless the route guard allows one.
    fn proxy_for(&self, base: &Url) -> Result<Option<reqwest::Proxy>, ApiError> {
        let Some(url) = self.https.as_deref().filter(|_| may_use_proxy(base)) else {
            return Ok(None);
        };
        // `Proxy::https` applies to https targets only, which reqwest always tunnels (CONNECT).
        // reqwest's error would repeat the URL, which may hold a password: not shown.
        let proxy = reqwest::Proxy::https(url.trim()).map_err(|_| ApiError::Network {
            message: "the https proxy setting (HTTPS_PROXY or ALL_PROXY) cannot be used: give an http:// or https:// proxy URL".into(),
        })?;
        Ok(Some(
            proxy.no_proxy(
                self.no_proxy
                    .as_deref()
                    .and_then(reqwest::NoProxy::from_string),
            ),
        ))
    }
}

impl std::fmt::Debug for ProxyEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyEnv")
            .field("https", &self.https.as_ref().map(|_| "(set)"))
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

impl ClientOptions {
    pub fn new(base_url: impl Into<String>, key: Option<ApiKey>) -> Self {
        ClientOptions {
            base_url: base_url.into(),
            key,
            read_only: false,
            request_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            get_retry_delay: Duration::from_millis(500),
            proxy: ProxyEnv::from_env(),
        }
    }
}

impl std::fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientOptions")
            .field("base_url", &self.base_url)
            .field("key", &self.key)
            .field("read_only", &self.read_only)
            .field("request_timeout", &self.request_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("get_retry_delay", &self.get_retry_delay)
            .field("proxy", &self.proxy)
            .finish()
    }
}

/// The Spheron API client. Cheap to clone; clones share the key, the budget and the connection
/// pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base: Url,
    key: RwLock<Option<ApiKey>>,
    read_only: bool,
    budget: Mutex<Budget>,
    get_retry_delay: Duration,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base.as_str())
            .field("key", &self.key().as_ref().map(ApiKey::mask))
            .field("read_only", &self.inner.read_only)
            .finish()
    }
}

impl Client {
    /// A client for `base_url` (which must pass the guard) with default options.
    pub fn new(base_url: &str, key: Option<ApiKey>) -> Result<Client, ApiError> {
        Client::with_options(ClientOptions::new(base_url, key))
    }

    pub fn with_options(opts: ClientOptions) -> Result<Client, ApiError> {
        let base = check_base_url(&opts.base_url)?;
        // No proxy from reqwest's own reading of the environment (it would send plain-http and
        // loopback requests, key included, through HTTP_PROXY); only the one the route allows.
        let mut builder = reqwest::Client::builder().no_proxy();
        if let Some(p) = opts.proxy.proxy_for(&base)? {
            builder = builder.proxy(p);
        }
        let http = builder
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(USER_AGENT_VALUE)
            .connect_timeout(opts.connect_timeout)
            .timeout(opts.request_timeout)
            .https_only(base.scheme() == "https")
            .build()
            .map_err(|e| ApiError::Network {
                message: format!("could not set up HTTP: {}", error_chain(&e)),
            })?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                key: RwLock::new(opts.key),
                read_only: opts.read_only,
                budget: Mutex::new(Budget::default()),
                get_retry_delay: opts.get_retry_delay,
            }),
        })
    }

    /// Use `key` from now on (after the in-dashboard prompt).
    pub fn set_key(&self, key: ApiKey) {
        *self
            .inner
            .key
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Some(key);
    }

    pub fn has_key(&self) -> bool {
        self.key().is_some()
    }

    fn key(&self) -> Option<ApiKey> {
        self.inner
            .key
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The base URL, e.g. `https://app.spheron.ai/`.
    pub fn base_url(&self) -> &str {
        self.inner.base.as_str()
    }

    /// Which account this client speaks for, as the local store keeps what it learns per
    /// account: the masked key and the API's host without its port (the demo's embedded server
    /// gets a new port every run), e.g. `sai_…4e2d@127.0.0.1`.
    pub fn account_label(&self) -> String {
        let key = self.key().map_or("no key".to_string(), |k| k.mask());
        let host = self.inner.base.host_str().unwrap_or_default();
        format!("{key}@{host}")
    }

    /// "app.spheron.ai" or "127.0.0.1:4567".
    pub fn host_label(&self) -> String {
        host_label(&self.inner.base)
    }

    /// Whether an instance this API reports at `host` may be contacted
    /// ([`super::base_url::may_contact_instance`]).
    pub fn may_contact(&self, host: &str) -> bool {
        super::base_url::may_contact_instance(&self.host_label(), host)
    }

    pub fn is_read_only(&self) -> bool {
        self.inner.read_only
    }

    /// What the rate-limit headers said last, and any block after a 429.
    pub fn rate_status(&self) -> RateStatus {
        self.budget().status(Instant::now())
    }

    /// Extra delay a poller should add before its next request (zero while the budget is fine).
    pub fn pace_hint(&self) -> Duration {
        self.budget().pace_hint(Instant::now())
    }

    fn budget(&self) -> std::sync::MutexGuard<'_, Budget> {
        self.inner
            .budget
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    // -----------------------------------------------------------------------------------------
    // Transport

    pub(super) async fn get(
        &self,
        path: &[&str],
        query: &[(&str, String)],
    ) -> Result<Value, ApiError> {
        self.send(Method::GET, path, query, None).await
    }

    /// A GET whose 2xx body is handed to `parse` as bytes (large answers skip the `Value`
    /// tree). A body `parse` cannot read is a `Decode` error, as in [`Client::send`].
    pub(super) async fn get_with<T>(
        &self,
        path: &[&str],
        query: &[(&str, String)],
        parse: impl FnOnce(&[u8]) -> Result<T, serde_json::Error>,
    ) -> Result<T, ApiError> {
        let (status, bytes) = self.send_raw(Method::GET, path, query, None).await?;
        parse(&bytes).map_err(|e| self.decode_error(status, &bytes, &e))
    }

    /// Send one request under the client's policy; parse the body as JSON (`Null` when empty).
    pub(super) async fn send(
        &self,
        method: Method,
        path: &[&str],
        query: &[(&str, String)],
        body: Option<Value>,
    ) -> Result<Value, ApiError> {
        let (status, bytes) = self.send_raw(method, path, query, body).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&bytes).map_err(|e| self.decode_error(status, &bytes, &e))
    }

    fn decode_error(&self, status: u16, bytes: &[u8], e: &serde_json::Error) -> ApiError {
        let key = self.key();
        let secret = key.as_ref().map(ApiKey::expose).unwrap_or_default();
        ApiError::Decode {
            status,
            message: if bytes.trim_ascii_start().starts_with(b"<") {
                "got an HTML page instead of JSON".into()
            } else {
                format!("the body is not valid JSON ({e})")
            },
            snippet: snippet(bytes),
        }
        .redact(secret)
    }

    /// Send one request under the client's policy (budget, one GET retry); the 2xx body as
    /// bytes with its status.
    async fn send_raw(
        &self,
        method: Method,
        path: &[&str],
        query: &[(&str, String)],
        body: Option<Value>,
    ) -> Result<(u16, bytes::Bytes), ApiError> {
        self.send_raw_as(self.key(), method, path, query, body)
            .await
    }

    /// [`Client::send_raw`] with `key` instead of the client's own.
    async fn send_raw_as(
        &self,
        key: Option<ApiKey>,
        method: Method,
        path: &[&str],
        query: &[(&str, String)],
        body: Option<Value>,
    ) -> Result<(u16, bytes::Bytes), ApiError> {
        let is_get = method == Method::GET;
        let url = self.url(path, query)?;
        if !is_get && self.inner.read_only {
            return Err(ApiError::ReadOnly {
                method: method.to_string(),
                path: url.path().to_string(),
            });
        }
        let bucket = if method == Method::POST && path == ["deployments"] {
            Bucket::Deploy
        } else {
            Bucket::General
        };
        let mut attempt = 0;
        loop {
            self.wait_for_budget(bucket, is_get).await?;
            let result = self
                .send_once(key.as_ref(), &method, &url, body.as_ref(), bucket)
                .await;
            match result {
                Err(e) if is_get && attempt == 0 && e.is_retryable_get() => {
                    tracing::info!(%method, path = url.path(), error = %e, "retrying GET once");
                    attempt += 1;
                    tokio::time::sleep(self.inner.get_retry_delay).await;
                }
                other => return other,
            }
        }
    }

    /// After a 429: a GET waits for the block to pass; a write fails fast with the wait left.
    async fn wait_for_budget(&self, bucket: Bucket, is_get: bool) -> Result<(), ApiError> {
        loop {
            let blocked = self.budget().blocked_for(bucket, Instant::now());
            let Some(wait) = blocked else { return Ok(()) };
            if !is_get {
                return Err(ApiError::RateLimited { retry_after: wait });
            }
            tracing::debug!(?wait, "rate limited: GET waits");
            tokio::time::sleep(wait).await;
        }
    }

    async fn send_once(
        &self,
        key: Option<&ApiKey>,
        method: &Method,
        url: &Url,
        body: Option<&Value>,
        bucket: Bucket,
    ) -> Result<(u16, bytes::Bytes), ApiError> {
        let mut req = self
            .inner
            .http
            .request(method.clone(), url.clone())
            .header(ACCEPT, "application/json");
        if let Some(k) = key {
            let mut v = HeaderValue::from_str(&format!("Bearer {}", k.expose())).map_err(|_| {
                ApiError::InvalidInput {
                    message: "the API key contains characters that cannot be sent in a header"
                        .into(),
                }
            })?;
            v.set_sensitive(true);
            req = req.header(AUTHORIZATION, v);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let started = Instant::now();
        let resp = req.send().await.map_err(|e| transport_error(&e))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        self.budget().record(bucket, &headers, Instant::now());
        let bytes = resp.bytes().await.map_err(|e| transport_error(&e))?;
        tracing::debug!(%method, path = url.path(), status, ms = started.elapsed().as_millis() as u64, "api");
        let secret = key.map(ApiKey::expose).unwrap_or_default();
        if (200..300).contains(&status) {
            return Ok((status, bytes));
        }
        let location = header_str(&headers, LOCATION);
        let err = ApiError::from_response(status, &bytes, retry_after_header(&headers), location)
            .redact(secret);
        if let ApiError::RateLimited { retry_after } = &err {
            self.budget().block(bucket, *retry_after, Instant::now());
        }
        tracing::info!(%method, path = url.path(), status, error = %err, "api error");
        Err(err)
    }

    /// Whether the API accepts `key`, by one cheap authenticated request (the current team's
    /// balance), before it is used or saved. The client's own key is not changed.
    pub async fn check_key(&self, key: &ApiKey) -> Result<(), ApiError> {
        let query = [("all", "false".to_string())];
        self.send_raw_as(Some(key.clone()), Method::GET, &["balance"], &query, None)
            .await
            .map(drop)
    }

    /// `base` + `/api/` + percent-encoded segments + query. An id can never add a path level.
    fn url(&self, segments: &[&str], query: &[(&str, String)]) -> Result<Url, ApiError> {
        let mut path = String::from("/api");
        for s in segments {
            if s.is_empty() || *s == "." || *s == ".." {
                return Err(ApiError::InvalidInput {
                    message: format!("{s:?} is not a usable id"),
                });
            }
            path.push('/');
            path.push_str(&encode_segment(s));
        }
        let mut url = self.inner.base.clone();
        url.set_path(&path);
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        Ok(url)
    }
}

fn header_str(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(200).collect())
}

/// Percent-encode everything but RFC 3986 unreserved characters, so `/`, `?`, `#` and `%`
/// inside an id stay inside its segment.
fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn transport_error(e: &reqwest::Error) -> ApiError {
    let message = error_chain(e);
    if e.is_timeout() {
        ApiError::Timeout { message }
    } else {
        ApiError::Network { message }
    }
}

/// The innermost cause ("Connection refused (os error 111)", "operation timed out"), else the
/// error itself without its URL: short, and one line.
fn error_chain(e: &reqwest::Error) -> String {
    let mut innermost: Option<String> = None;
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        innermost = Some(s.to_string());
        source = s.source();
    }
    let top = e.to_string();
    let top = top.split(" for url").next().unwrap_or(&top).to_string();
    super::error::one_line(&innermost.unwrap_or(top))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_cannot_escape_their_segment() {
        let c = Client::new("http://127.0.0.1:9", None).unwrap();
        let u = c.url(&["deployments", "a/../../b?x#y"], &[]).unwrap();
        assert_eq!(u.path(), "/api/deployments/a%2F..%2F..%2Fb%3Fx%23y");
        assert_eq!(u.query(), None);
        for bad in ["..", ".", ""] {
            assert!(matches!(
                c.url(&["volumes", bad], &[]),
                Err(ApiError::InvalidInput { .. })
            ));
        }
        let u = c
            .url(&["gpu-offers"], &[("search", "h100 & co".into())])
            .unwrap();
        assert_eq!(
            u.as_str(),
            "http://127.0.0.1:9/api/gpu-offers?search=h100+%26+co"
        );
    }

    #[test]
    fn a_proxy_is_used_only_towards_the_https_api() {
        let env = ProxyEnv::from_lookup(|n| match n {
            "HTTP_PROXY" | "http_proxy" => Some("http://127.0.0.1:1".into()),
            "all_proxy" => Some("http://user:pw@127.0.0.1:2".into()),
            _ => None,
        });
        assert_eq!(env.https.as_deref(), Some("http://user:pw@127.0.0.1:2"));
        assert!(!format!("{env:?}").contains("pw"));
        let url = |u: &str| Url::parse(u).unwrap();
        for base in [
            "http://127.0.0.1:9",
            "https://127.0.0.1:9",
            "https://localhost",
            "https://[::1]:4",
            "http://app.spheron.ai",
        ] {
            assert!(env.proxy_for(&url(base)).unwrap().is_none(), "{base}");
        }
        assert!(
            env.proxy_for(&url("https://app.spheron.ai"))
                .unwrap()
                .is_some()
        );
        let only_http = ProxyEnv::from_lookup(|n| (n == "HTTP_PROXY").then(|| "http://p:1".into()));
        assert_eq!(only_http, ProxyEnv::default());
    }

    #[test]
    fn debug_shows_no_key() {
        let key = ApiKey::new("sai_pk_supersecretvalue1234567890");
        let c = Client::new("http://127.0.0.1:9", Some(key.clone())).unwrap();
        let o = ClientOptions::new("http://127.0.0.1:9", Some(key));
        for s in [format!("{c:?}"), format!("{o:?}")] {
            assert!(!s.contains("supersecret"), "{s}");
        }
    }
}
