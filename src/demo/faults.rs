//! Fault injection: for a method + path prefix, the next N answers misbehave.
//!
//! # Spec syntax (`demo-server --fault SPEC`, [`parse_fault_spec`])
//!
//! `[METHOD ]PATH_PREFIX=KIND[xCOUNT]`
//!
//! - `METHOD`: `GET`, `POST`, … or `*` / omitted for any method.
//! - `PATH_PREFIX`: matched against the request path, e.g. `/api/deployments`. With a query part
//!   (`/api/deployments?teamId=t2`), the path must start with what is before the `?` and the
//!   query must contain each `&`-separated pair after it, in any order.
//! - `KIND`:
//!   - `429` or `429:SECS` — 429 `RATE_LIMIT_EXCEEDED` with `retryAfter` (default 30 s)
//!   - `500` — 500 `INTERNAL_ERROR`
//!   - `slow:MS` — wait MS milliseconds (real time), then answer normally
//!   - `malformed` — 200 with the real body cut in half (invalid JSON)
//!   - `html` — 502 with a `text/html` error page
//!   - `drop` — headers, then a body stream that errors, so the connection is aborted
//!   - `created500` — the request is served (e.g. the deployment is created) but the answer is 500
//!   - `omit:FIELD` — served, but FIELD is taken out of the answer's object (e.g.
//!     `GET /api/deployments/d1/can-terminate=omit:canTerminate`: an answer that does not say)
//! - `COUNT`: how many answers (default 1).
//!
//! Examples: `GET /api/deployments=500x3`, `POST /api/deployments=created500`,
//! `/api/gpu-offers=slow:2000x2`, `* /api=429:10`.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::error::ApiError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    RateLimited {
        retry_after_secs: u64,
    },
    ServerError,
    Slow(Duration),
    MalformedJson,
    HtmlError,
    DropConnection,
    CreatedButServerError,
    /// Served, with this top-level field taken out of the answer.
    Omit(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    /// Upper-case method, `None` for any.
    pub method: Option<String>,
    pub path_prefix: String,
    pub fault: Fault,
    /// Answers left to spoil.
    pub count: u32,
}

impl FaultRule {
    pub fn new(method: Option<&str>, path_prefix: &str, fault: Fault, count: u32) -> FaultRule {
        FaultRule {
            method: method.map(str::to_ascii_uppercase),
            path_prefix: path_prefix.to_string(),
            fault,
            count,
        }
    }

    /// Whether the rule spoils a request for `method` and `path` (with its query, if any).
    pub fn matches(&self, method: &str, path: &str) -> bool {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let (prefix, wanted) = self
            .path_prefix
            .split_once('?')
            .unwrap_or((&self.path_prefix, ""));
        let pairs: Vec<&str> = query.split('&').collect();
        self.count > 0
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && path.starts_with(prefix)
            && wanted
                .split('&')
                .filter(|w| !w.is_empty())
                .all(|w| pairs.contains(&w))
    }
}

/// Parse a `--fault` flag; see the module docs for the syntax.
pub fn parse_fault_spec(s: &str) -> Result<FaultRule, String> {
    let (target, kind) = s
        .rsplit_once('=')
        .ok_or_else(|| format!("fault spec '{s}': expected [METHOD ]PATH=KIND[xN]"))?;
    let target = target.trim();
    let (method, path) = match target.split_once(char::is_whitespace) {
        Some((m, p)) => (Some(m.trim()), p.trim()),
        None => (None, target),
    };
    let method = method.filter(|m| *m != "*");
    if let Some(m) = method
        && !m.chars().all(|c| c.is_ascii_alphabetic())
    {
        return Err(format!("fault spec '{s}': bad method '{m}'"));
    }
    if !path.starts_with('/') {
        return Err(format!("fault spec '{s}': the path must start with '/'"));
    }
    let kind = kind.trim();
    let (kind, count) = match kind.rsplit_once('x') {
        Some((k, n)) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => (
            k,
            n.parse::<u32>()
                .map_err(|e| format!("fault spec '{s}': {e}"))?,
        ),
        _ => (kind, 1),
    };
    let (name, arg) = match kind.split_once(':') {
        Some((n, a)) => (n, Some(a)),
        None => (kind, None),
    };
    let num = |a: Option<&str>, default: Option<u64>| -> Result<u64, String> {
        match a {
            Some(a) => a
                .parse()
                .map_err(|_| format!("fault spec '{s}': bad number '{a}'")),
            None => default.ok_or_else(|| format!("fault spec '{s}': '{name}' needs a value")),
        }
    };
    let fault = match name.to_ascii_lowercase().as_str() {
        "429" => Fault::RateLimited {
            retry_after_secs: num(arg, Some(30))?,
        },
        "500" => Fault::ServerError,
        "slow" => Fault::Slow(Duration::from_millis(num(arg, None)?)),
        "malformed" => Fault::MalformedJson,
        "html" | "502" => Fault::HtmlError,
        "drop" => Fault::DropConnection,
        "created500" => Fault::CreatedButServerError,
        "omit" => match arg {
            Some(field) if !field.is_empty() => Fault::Omit(field.to_string()),
            _ => return Err(format!("fault spec '{s}': 'omit' needs a field")),
        },
        other => return Err(format!("fault spec '{s}': unknown kind '{other}'")),
    };
    Ok(FaultRule::new(method, path, fault, count))
}

/// Active rules; the first matching one with answers left is used.
#[derive(Debug, Default)]
pub struct FaultTable(pub Vec<FaultRule>);

impl FaultTable {
    pub fn take(&mut self, method: &str, path: &str) -> Option<Fault> {
        let r = self.0.iter_mut().find(|r| r.matches(method, path))?;
        r.count -= 1;
        let f = r.fault.clone();
        self.0.retain(|r| r.count > 0);
        Some(f)
    }
}

pub fn json_response(status: u16, body: &serde_json::Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(body.clone())).into_response()
}

pub fn error_response(e: &ApiError, alt: bool) -> Response {
    let mut r = json_response(e.status, &e.body(alt));
    if let Some(secs) = e
        .extra
        .get("retryAfter")
        .and_then(serde_json::Value::as_u64)
    {
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    r
}

pub fn injected_server_error(alt: bool) -> Response {
    error_response(&ApiError::internal("Internal server error (injected)"), alt)
}

pub fn html_error() -> Response {
    let body = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>cloudflare</center></body></html>\n";
    (
        StatusCode::BAD_GATEWAY,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

/// A 200 whose body stream fails after a first chunk: hyper aborts the connection.
pub fn dropped_connection() -> Response {
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::from_static(b"{\"data\": [{\"id\": \"")),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected connection drop",
        )),
    ];
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(futures_util::stream::iter(chunks)),
    )
        .into_response()
}

/// 200 with the first half of the real body (at least something that is not valid JSON).
pub async fn malformed(real: Response) -> Response {
    let bytes = axum::body::to_bytes(real.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    let half = if bytes.len() >= 4 {
        bytes.slice(..bytes.len() / 2)
    } else {
        Bytes::from_static(b"{\"data\": [")
    };
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        half,
    )
        .into_response()
}

/// The real answer with `field` taken out of its object (an answer that is not a JSON object
/// is left as it was).
pub async fn omit(real: Response, field: &str) -> Response {
    let (mut parts, body) = real.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let body = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::Object(mut o)) => {
            o.remove(field);
            parts.headers.remove(header::CONTENT_LENGTH);
            serde_json::to_vec(&o).unwrap_or_default().into()
        }
        _ => bytes,
    };
    Response::from_parts(parts, Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_specs() {
        assert_eq!(
            parse_fault_spec("GET /api/deployments/d1/can-terminate=omit:canTerminate")
                .unwrap()
                .fault,
            Fault::Omit("canTerminate".into())
        );
        assert!(parse_fault_spec("/api=omit:").is_err());
        let r = parse_fault_spec("GET /api/deployments=500x3").unwrap();
        assert_eq!(
            r,
            FaultRule::new(Some("GET"), "/api/deployments", Fault::ServerError, 3)
        );
        let r = parse_fault_spec("/api/gpu-offers=slow:1500").unwrap();
        assert_eq!(
            (r.method, r.fault, r.count),
            (None, Fault::Slow(Duration::from_millis(1500)), 1)
        );
        assert_eq!(
            parse_fault_spec("* /api=429:10x2").unwrap().fault,
            Fault::RateLimited {
                retry_after_secs: 10
            }
        );
        assert_eq!(
            parse_fault_spec("post /api/deployments=created500")
                .unwrap()
                .method
                .as_deref(),
            Some("POST")
        );
        assert_eq!(
            parse_fault_spec("/api=malformed").unwrap().fault,
            Fault::MalformedJson
        );
        assert_eq!(
            parse_fault_spec("/api=html").unwrap().fault,
            Fault::HtmlError
        );
        assert_eq!(
            parse_fault_spec("/api=drop x 2".replace(' ', "").as_str())
                .unwrap()
                .count,
            2
        );
        assert!(parse_fault_spec("/api").is_err());
        assert!(parse_fault_spec("api=500").is_err());
        assert!(parse_fault_spec("/api=teapot").is_err());
        assert!(parse_fault_spec("/api=slow").is_err());
    }

    #[test]
    fn a_query_part_picks_requests_by_their_parameters() {
        let r = FaultRule::new(
            Some("GET"),
            "/api/deployments?teamId=t2",
            Fault::ServerError,
            1,
        );
        assert!(r.matches("GET", "/api/deployments?status=active&teamId=t2&page=1"));
        assert!(!r.matches("GET", "/api/deployments?status=active&page=1"));
        assert!(!r.matches("GET", "/api/deployments?teamId=t22"));
        let any = FaultRule::new(None, "/api/deployments", Fault::ServerError, 1);
        assert!(any.matches("GET", "/api/deployments?teamId=t2"));
    }

    #[test]
    fn table_counts_down() {
        let mut t = FaultTable::default();
        t.0.push(FaultRule::new(
            Some("GET"),
            "/api/deployments",
            Fault::ServerError,
            2,
        ));
        assert_eq!(t.take("POST", "/api/deployments"), None);
        assert_eq!(t.take("GET", "/api/volumes"), None);
        assert_eq!(
            t.take("GET", "/api/deployments/x"),
            Some(Fault::ServerError)
        );
        assert_eq!(t.take("get", "/api/deployments"), Some(Fault::ServerError));
        assert_eq!(t.take("GET", "/api/deployments"), None);
        assert!(t.0.is_empty());
    }
}
