//! Placeholder until the foundation branch lands (issue 2 replaces this file).

use std::time::Duration;

#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    Validation {
        message: String,
        field: Option<String>,
        body: serde_json::Value,
    },
    #[error("the API key was refused: check it (401)")]
    Unauthorized,
    #[error("not allowed (403)")]
    Forbidden,
    #[error("not found (404)")]
    NotFound,
    #[error("rate limited: wait {}s", retry_after.as_secs())]
    RateLimited { retry_after: Duration },
    #[error("server error {status}: {message}")]
    Server { status: u16, message: String },
    #[error("network: {0}")]
    Network(String),
    #[error("timed out")]
    Timeout,
    #[error("undecodable answer: {0}")]
    Decode(String),
    #[error("refused: {0}")]
    Refused(String),
    #[error("read-only mode: nothing that creates, changes or deletes is sent")]
    ReadOnly,
}
