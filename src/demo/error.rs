//! The error envelope of docs/api-rules.md, "Errors": `{error, code, details}`.

use serde_json::{Map, Value, json};

/// An API error produced by the world model or a handler. Free of HTTP types so the world stays
/// pure; `routes` turns it into a response.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    pub details: Value,
    /// Extra top-level fields (e.g. `canTerminate`, `retryAfter`).
    pub extra: Map<String, Value>,
}

impl ApiError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            details: json!({}),
            extra: Map::new(),
        }
    }

    /// 400 VALIDATION_ERROR naming the offending field in `details.field`.
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        let mut e = Self::new(400, "VALIDATION_ERROR", message);
        e.details = json!({ "field": field });
        e
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, "NOT_FOUND", message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(401, "UNAUTHORIZED", message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, "INTERNAL_ERROR", message)
    }

    pub fn rate_limited(retry_after: u64) -> Self {
        Self::new(
            429,
            "RATE_LIMIT_EXCEEDED",
            format!("Too many requests, retry in {retry_after} seconds"),
        )
        .with("retryAfter", json!(retry_after))
    }

    pub fn with(mut self, key: &str, value: Value) -> Self {
        self.extra.insert(key.to_string(), value);
        self
    }

    /// `details.field`, when the error names one.
    pub fn field(&self) -> Option<&str> {
        self.details.get("field").and_then(Value::as_str)
    }

    /// The JSON body. `alt` adds the `message` field some live answers carry.
    pub fn body(&self, alt: bool) -> Value {
        let mut m = Map::new();
        m.insert("error".into(), json!(self.message));
        m.insert("code".into(), json!(self.code));
        m.insert("details".into(), self.details.clone());
        for (k, v) in &self.extra {
            m.insert(k.clone(), v.clone());
        }
        if alt {
            m.insert("message".into(), json!(self.message));
        }
        Value::Object(m)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
