//! Every way a call to the Spheron API can fail, each with a one-line message that tells the
//! user what to do (docs/api-rules.md, "Errors"). `Clone` so an error can travel inside an `Action`.

use std::time::Duration;

use serde_json::Value;

use super::models::{CanTerminate, decode};

/// How long to wait after a 429 that names no wait at all.
pub const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// 400 (or 422): a parameter is missing or wrong. `body` keeps the whole JSON answer, e.g.
    /// DELETE's `canTerminate: false, timeRemaining, minimumRuntime`.
    #[error("{}", validation_line(message, field.as_deref(), body))]
    Validation {
        message: String,
        field: Option<String>,
        code: Option<String>,
        body: Value,
    },
    #[error(
        "The API key was refused ({}): {message}. Check SPHERON_API_KEY or ~/.spheron/credentials, or create a key at https://app.spheron.ai/settings?tab=api",
        code.as_deref().unwrap_or("401")
    )]
    Unauthorized {
        message: String,
        code: Option<String>,
    },
    #[error(
        "Not allowed ({}): {message}. The key is valid but lacks permission for this resource or team; check that you own it",
        code.as_deref().unwrap_or("403")
    )]
    Forbidden {
        message: String,
        code: Option<String>,
    },
    #[error(
        "Not found ({}): {message}. It does not exist or was already terminated or deleted",
        code.as_deref().unwrap_or("404")
    )]
    NotFound {
        message: String,
        code: Option<String>,
    },
    #[error(
        "Rate limited by the API: nothing is sent for {}; try again after that",
        human_secs(*retry_after)
    )]
    RateLimited { retry_after: Duration },
    #[error(
        "Spheron server error ({status}{}): {message}. Try again shortly; if it persists, contact info@spheron.ai",
        code.as_deref().map(|c| format!(" {c}")).unwrap_or_default()
    )]
    Server {
        status: u16,
        message: String,
        code: Option<String>,
    },
    /// Any other non-2xx status (405, 409, 413, …).
    #[error(
        "The API answered {status}{}: {message}",
        code.as_deref().map(|c| format!(" {c}")).unwrap_or_default()
    )]
    Http {
        status: u16,
        message: String,
        code: Option<String>,
    },
    /// A 3xx answer: redirects are never followed, so the key cannot be carried elsewhere.
    #[error(
        "The API answered with a redirect ({status}{}); it was not followed so the key stays put. Check --api-url",
        location.as_deref().map(|l| format!(" to {l}")).unwrap_or_default()
    )]
    Redirect {
        status: u16,
        location: Option<String>,
    },
    /// Connection refused, reset or dropped before an answer.
    #[error("Could not reach the API: {message}. Check your network connection and try again")]
    Network { message: String },
    #[error(
        "The API did not answer in time ({message}). After a deploy, look at the deployments list before trying again"
    )]
    Timeout { message: String },
    /// The body could not be read as the expected JSON (an HTML error page, a truncated body…).
    #[error("Unreadable answer from the API (HTTP {status}): {message}; it begins {snippet:?}")]
    Decode {
        status: u16,
        message: String,
        snippet: String,
    },
    /// The base-URL guard refused the URL; nothing was sent.
    #[error(
        "Refused API URL {url}: {reason}. The key is only ever sent to https://app.spheron.ai or a loopback address"
    )]
    Refused { url: String, reason: String },
    /// A write was refused locally because the client is read-only; nothing was sent.
    #[error("Read-only mode: the change was not sent. Start without --read-only to make changes")]
    ReadOnly { method: String, path: String },
    /// A value given to the client cannot be sent safely (e.g. an id of `..`); nothing was sent.
    #[error("Not sent: {message}")]
    InvalidInput { message: String },
}

/// The one-line text of a 400. Written for the screen: the wire code and field names stay in
/// the error's fields (and `Debug`, which the logs use); the field is named in words.
fn validation_line(message: &str, field: Option<&str>, body: &Value) -> String {
    // DELETE of a deployment before its minimum runtime: nothing to fix, only to wait.
    if body.get("canTerminate").and_then(Value::as_bool) == Some(false) {
        let wait = body
            .get("timeRemaining")
            .and_then(Value::as_f64)
            .map(|m| format!("; try again in {} min", m.ceil()))
            .unwrap_or_default();
        return format!("Not terminated: {message}. The minimum runtime is not met yet{wait}");
    }
    match field {
        Some(f) => format!(
            "Refused by the platform: {message}. Check the {}; the same request would fail again",
            field_words(f)
        ),
        None => format!(
            "Refused by the platform: {message}. Fix the request; the same request would fail again"
        ),
    }
}

/// A request field as a person calls it (`publicKey` → "public key").
pub fn field_words(field: &str) -> String {
    let known = match field {
        "publicKey" | "ssh_public_key" | "sshPublicKey" => "public key",
        "sshKeyId" => "SSH key",
        "teamId" => "team",
        "offerId" => "offer",
        "sizeInGb" | "size" => "size",
        "operatingSystem" => "operating system",
        "instanceType" => "instance type",
        "gpuCount" => "GPU count",
        "cloudInit" => "cloud-init",
        "region" | "clusterName" => "region",
        "name" => "name",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    // camelCase and snake_case into words
    let mut out = String::new();
    for c in field.chars() {
        if c == '_' {
            out.push(' ');
        } else if c.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    format!("{out} value")
}

fn human_secs(d: Duration) -> String {
    let s = d.as_secs_f64().ceil() as u64;
    if s >= 120 {
        format!("{} min {} s", s / 60, s % 60)
    } else {
        format!("{s} s")
    }
}

impl ApiError {
    /// The HTTP status behind this error, when one was received.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Validation { .. } => Some(400),
            Self::Unauthorized { .. } => Some(401),
            Self::Forbidden { .. } => Some(403),
            Self::NotFound { .. } => Some(404),
            Self::RateLimited { .. } => Some(429),
            Self::Server { status, .. }
            | Self::Http { status, .. }
            | Self::Redirect { status, .. }
            | Self::Decode { status, .. } => Some(*status),
            Self::Network { .. }
            | Self::Timeout { .. }
            | Self::Refused { .. }
            | Self::ReadOnly { .. }
            | Self::InvalidInput { .. } => None,
        }
    }

    /// Whether a GET that failed this way should be tried once more after a short delay:
    /// a 5xx, or a connection dropped/refused before an answer (docs/api-rules.md, "Errors").
    pub fn is_retryable_get(&self) -> bool {
        matches!(self, Self::Server { status, .. } if matches!(status, 500 | 502 | 503 | 504))
            || matches!(self, Self::Network { .. })
    }

    /// The `code` of the error envelope, when the API sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Validation { code, .. }
            | Self::Unauthorized { code, .. }
            | Self::Forbidden { code, .. }
            | Self::NotFound { code, .. }
            | Self::Server { code, .. }
            | Self::Http { code, .. } => code.as_deref(),
            Self::RateLimited { .. } => Some("RATE_LIMIT_EXCEEDED"),
            _ => None,
        }
    }

    /// The whole JSON body of a 400, e.g. DELETE's `canTerminate`/`timeRemaining`.
    pub fn details(&self) -> Option<&Value> {
        match self {
            Self::Validation { body, .. } => Some(body),
            _ => None,
        }
    }

    /// A 400 from DELETE `/api/deployments/{id}` that says the minimum runtime is not met.
    pub fn termination_blocked(&self) -> Option<CanTerminate> {
        let body = self.details()?;
        let blocked = body.get("canTerminate").and_then(Value::as_bool) == Some(false)
            || body.get("timeRemaining").is_some();
        if !blocked {
            return None;
        }
        decode::<CanTerminate>(body.clone()).ok()
    }

    /// The wait a 429 asked for.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after } => Some(*retry_after),
            _ => None,
        }
    }

    /// Nothing reached the server (guard, read-only, invalid input).
    pub fn is_local(&self) -> bool {
        matches!(
            self,
            Self::Refused { .. } | Self::ReadOnly { .. } | Self::InvalidInput { .. }
        )
    }

    /// Replace every occurrence of `secret` (the API key) in the text this error carries, in
    /// case a server echoes it back.
    pub fn redact(self, secret: &str) -> ApiError {
        if secret.is_empty() {
            return self;
        }
        let r = |s: String| s.replace(secret, "[key]");
        let ro = |s: Option<String>| s.map(r);
        match self {
            Self::Validation {
                message,
                field,
                code,
                body,
            } => {
                let text = body.to_string();
                let body = if text.contains(secret) {
                    serde_json::from_str(&r(text)).unwrap_or(Value::Null)
                } else {
                    body
                };
                Self::Validation {
                    message: r(message),
                    field: ro(field),
                    code: ro(code),
                    body,
                }
            }
            Self::Unauthorized { message, code } => Self::Unauthorized {
                message: r(message),
                code: ro(code),
            },
            Self::Forbidden { message, code } => Self::Forbidden {
                message: r(message),
                code: ro(code),
            },
            Self::NotFound { message, code } => Self::NotFound {
                message: r(message),
                code: ro(code),
            },
            Self::Server {
                status,
                message,
                code,
            } => Self::Server {
                status,
                message: r(message),
                code: ro(code),
            },
            Self::Http {
                status,
                message,
                code,
            } => Self::Http {
                status,
                message: r(message),
                code: ro(code),
            },
            Self::Redirect { status, location } => Self::Redirect {
                status,
                location: ro(location),
            },
            Self::Decode {
                status,
                message,
                snippet,
            } => Self::Decode {
                status,
                message: r(message),
                snippet: r(snippet),
            },
            other => other,
        }
    }

    /// Map a non-2xx answer to an error. `retry_after_header` is the `Retry-After` header.
    pub fn from_response(
        status: u16,
        body: &[u8],
        retry_after_header: Option<Duration>,
        location: Option<String>,
    ) -> ApiError {
        if (300..400).contains(&status) {
            return ApiError::Redirect { status, location };
        }
        let json: Option<Value> = serde_json::from_slice(body).ok();
        let envelope = json.as_ref().filter(|v| v.is_object());
        let text = |k: &str| {
            envelope
                .and_then(|v| v.get(k))
                .and_then(Value::as_str)
                .map(one_line)
                .filter(|s| !s.is_empty())
        };
        let code = text("code");
        let message = text("message").or_else(|| text("error"));
        if status == 429 {
            let from_body = envelope
                .and_then(|v| v.get("retryAfter"))
                .and_then(seconds_of);
            return ApiError::RateLimited {
                retry_after: from_body
                    .or(retry_after_header)
                    .unwrap_or(DEFAULT_RETRY_AFTER),
            };
        }
        let Some(message) = message else {
            if envelope.is_none() && !body.iter().all(u8::is_ascii_whitespace) {
                // Not our envelope at all: an HTML error page, a proxy's text, a cut-off body.
                return ApiError::Decode {
                    status,
                    message: not_json_reason(body),
                    snippet: snippet(body),
                };
            }
            return ApiError::from_parts(status, reason_phrase(status).to_string(), code, json);
        };
        ApiError::from_parts(status, message, code, json)
    }

    fn from_parts(status: u16, message: String, code: Option<String>, json: Option<Value>) -> Self {
        match status {
            400 | 422 => {
                let body = json.unwrap_or(Value::Null);
                let field = field_of(&body, &message);
                ApiError::Validation {
                    message,
                    field,
                    code,
                    body,
                }
            }
            401 => ApiError::Unauthorized { message, code },
            403 => ApiError::Forbidden { message, code },
            404 | 410 => ApiError::NotFound { message, code },
            500..=599 => ApiError::Server {
                status,
                message,
                code,
            },
            _ => ApiError::Http {
                status,
                message,
                code,
            },
        }
    }
}

/// A number of seconds as a JSON number or numeric string.
fn seconds_of(v: &Value) -> Option<Duration> {
    let f = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    (f.is_finite() && f >= 0.0).then(|| Duration::from_secs_f64(f.min(86_400.0)))
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        400 => "bad request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not found",
        500 => "internal server error",
        502 => "bad gateway",
        503 => "service unavailable",
        504 => "gateway timeout",
        _ => "no message",
    }
}

fn not_json_reason(body: &[u8]) -> String {
    let start = String::from_utf8_lossy(&body[..body.len().min(64)]).to_ascii_lowercase();
    let start = start.trim_start();
    if start.starts_with("<!doctype html") || start.starts_with("<html") || start.starts_with('<') {
        "got an HTML page instead of JSON (a proxy, captive portal or maintenance page?)".into()
    } else {
        "the body is not valid JSON".into()
    }
}

/// Collapse whitespace and newlines so a message stays on one line; cap its length.
pub(crate) fn one_line(s: &str) -> String {
    let mut out = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if out.chars().count() > 300 {
        out = out.chars().take(299).collect::<String>() + "…";
    }
    out
}

/// The first ~80 characters of a body, on one line.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(400)]);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 80 {
        flat.chars().take(80).collect::<String>() + "…"
    } else {
        flat
    }
}

/// The field a 400 is about: `details.field`, else the only key of `details`, else a field
/// named in the message ("`region` is required", "Invalid region", "Team ID is required").
fn field_of(body: &Value, message: &str) -> Option<String> {
    let details = body.get("details");
    if let Some(f) = details
        .and_then(|d| d.get("field"))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        return Some(f.to_string());
    }
    if let Some(f) = details.and_then(Value::as_object).and_then(|o| {
        o.keys()
            .find(|k| !matches!(k.as_str(), "message" | "reason"))
    }) {
        return Some(f.clone());
    }
    if let Some(f) = body.get("field").and_then(Value::as_str) {
        return Some(f.to_string());
    }
    field_from_message(message)
}

fn field_from_message(message: &str) -> Option<String> {
    // A quoted name: `region`, 'region', "region".
    for q in ['`', '\'', '"'] {
        let mut parts = message.split(q);
        if let (Some(_), Some(inner), Some(_)) = (parts.next(), parts.next(), parts.next())
            && is_ident(inner)
        {
            return Some(inner.to_string());
        }
    }
    let lower = message.to_ascii_lowercase();
    for marker in [
        " is required",
        " is invalid",
        " must ",
        " is missing",
        " is not valid",
    ] {
        if let Some(at) = lower.find(marker) {
            let before = message[..at].trim();
            let words: Vec<&str> = before
                .rsplit([':', '.', ','])
                .next()
                .unwrap_or(before)
                .split_whitespace()
                .collect();
            let words = &words[words.len().saturating_sub(2)..];
            if !words.is_empty() && words.len() <= 2 && words.iter().all(|w| is_ident(w)) {
                return Some(camel(words));
            }
        }
    }
    for prefix in ["invalid ", "missing ", "missing field ", "unknown "] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            let start = message.len() - rest.len();
            let word = message[start..]
                .split(|c: char| c.is_whitespace() || c == ':' || c == ',' || c == '.')
                .next()?;
            if is_ident(word) {
                return Some(word.to_string());
            }
        }
    }
    None
}

fn is_ident(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// ["Team", "ID"] → "teamId"; ["region"] → "region"; ["sshKeyId"] → "sshKeyId".
fn camel(words: &[&str]) -> String {
    if words.len() == 1 {
        let w = words[0];
        if w.chars().all(|c| c.is_ascii_uppercase())
            || (w.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && w[1..].chars().all(|c| c.is_ascii_lowercase()))
        {
            return w.to_ascii_lowercase();
        }
        return w.to_string();
    }
    let mut out = words[0].to_ascii_lowercase();
    for w in &words[1..] {
        let lower = w.to_ascii_lowercase();
        let mut cs = lower.chars();
        if let Some(c) = cs.next() {
            out.push(c.to_ascii_uppercase());
            out.extend(cs);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(status: u16, body: Value) -> ApiError {
        ApiError::from_response(status, body.to_string().as_bytes(), None, None)
    }

    #[test]
    fn statuses_map_to_variants() {
        let e = err(
            400,
            json!({"error": "bad", "code": "VALIDATION_ERROR", "details": {"field": "region"}}),
        );
        assert!(matches!(&e, ApiError::Validation { field: Some(f), .. } if f == "region"));
        assert_eq!(e.code(), Some("VALIDATION_ERROR"));
        assert!(matches!(
            err(401, json!({"error": "no"})),
            ApiError::Unauthorized { .. }
        ));
        assert!(matches!(
            err(403, json!({"error": "no"})),
            ApiError::Forbidden { .. }
        ));
        assert!(matches!(
            err(404, json!({"error": "no"})),
            ApiError::NotFound { .. }
        ));
        assert!(matches!(
            err(500, json!({"error": "x"})),
            ApiError::Server { status: 500, .. }
        ));
        assert!(matches!(
            err(409, json!({"error": "x"})),
            ApiError::Http { status: 409, .. }
        ));
        let e = err(429, json!({"error": "slow", "retryAfter": 42}));
        assert_eq!(e.retry_after(), Some(Duration::from_secs(42)));
        let e = ApiError::from_response(429, b"", Some(Duration::from_secs(7)), None);
        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
        let e = ApiError::from_response(302, b"", None, Some("http://x".into()));
        assert!(matches!(e, ApiError::Redirect { status: 302, .. }));
    }

    #[test]
    fn message_beats_error_and_code_is_kept() {
        let e = err(
            403,
            json!({"error": "Forbidden", "message": "Team t2 is not yours", "code": "FORBIDDEN"}),
        );
        let s = e.to_string();
        assert!(s.contains("Team t2 is not yours"), "{s}");
        assert!(s.contains("FORBIDDEN"), "{s}");
        assert!(!s.contains('\n'));
    }

    #[test]
    fn field_from_details_keys_or_message() {
        let e = err(
            400,
            json!({"error": "bad", "details": {"sizeInGb": "too big"}}),
        );
        assert!(matches!(&e, ApiError::Validation { field: Some(f), .. } if f == "sizeInGb"));
        for (msg, want) in [
            ("`region` is required", Some("region")),
            ("Team ID is required for deployments", Some("teamId")),
            (
                "Invalid operatingSystem: not offered",
                Some("operatingSystem"),
            ),
            ("name must be lowercase", Some("name")),
            ("Something broke", None),
        ] {
            let e = err(400, json!({"error": msg}));
            let ApiError::Validation { field, .. } = e else {
                panic!()
            };
            assert_eq!(field.as_deref(), want, "{msg}");
        }
    }

    #[test]
    fn html_and_garbage_are_decode_errors_with_snippets() {
        let e = ApiError::from_response(502, b"<html><body>Bad Gateway</body></html>", None, None);
        let ApiError::Decode {
            snippet, message, ..
        } = &e
        else {
            panic!("{e:?}")
        };
        assert!(snippet.starts_with("<html>"));
        assert!(message.contains("HTML"));
        let e = ApiError::from_response(500, b"{\"error\": ", None, None);
        assert!(matches!(e, ApiError::Decode { status: 500, .. }));
        let e = ApiError::from_response(503, b"", None, None);
        assert!(matches!(e, ApiError::Server { status: 503, .. }));
        assert!(e.is_retryable_get());
    }

    #[test]
    fn validation_text_names_the_field_in_words_not_wire_names() {
        let e = err(
            400,
            json!({"error": "not an SSH public key", "code": "VALIDATION_ERROR",
                   "details": {"field": "publicKey"}}),
        );
        let s = e.to_string();
        assert!(s.contains("Check the public key"), "{s}");
        assert!(
            !s.contains("VALIDATION_ERROR") && !s.contains("publicKey"),
            "{s}"
        );
        assert_eq!(
            e.code(),
            Some("VALIDATION_ERROR"),
            "the code stays for logs"
        );
        assert_eq!(field_words("diskSizeGb"), "disk size gb value");
    }

    #[test]
    fn delete_too_early_keeps_its_numbers() {
        let e = err(
            400,
            json!({"error": "Minimum runtime not met", "code": "VALIDATION_ERROR",
            "canTerminate": false, "timeRemaining": 12, "minimumRuntime": 20}),
        );
        assert!(e.to_string().contains("try again in 12 min"), "{e}");
        let ct = e.termination_blocked().unwrap();
        assert_eq!(ct.can_terminate, Some(false));
        assert_eq!(ct.time_remaining, Some(12.0));
        assert_eq!(e.details().unwrap()["minimumRuntime"], 20);
        assert!(
            err(400, json!({"error": "x"}))
                .termination_blocked()
                .is_none()
        );
    }
}
