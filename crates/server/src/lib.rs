//! The district server `motcua-server` as a library: storage (SQLite or PostgreSQL behind one
//! transaction trait), device enrolment, the sync round trip, reference-data publishing, and
//! the HTTP routes. The binary (`src/main.rs`) is only the command line over this.
#![deny(missing_docs)]

pub mod dashboard;
pub mod devices;
pub mod http;
pub mod lookup;
pub mod officers;
pub mod storage;
pub mod sync;

use storage::StorageError;

/// Every failure a request can meet, each with a stable code and an HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// No or unknown/revoked credential, or a bad enrolment code (401).
    #[error("unauthorized ({0})")]
    Unauthorized(&'static str),
    /// Authenticated, but not allowed: forged device id, another commune's data (403).
    #[error("forbidden ({0})")]
    Forbidden(&'static str),
    /// The request is malformed (400).
    #[error("bad request ({0}): {1}")]
    BadRequest(&'static str, String),
    /// The body exceeds the size limit (413).
    #[error("request body too large")]
    PayloadTooLarge,
    /// The body is not in the sync content type (415).
    #[error("unsupported content type")]
    UnsupportedMediaType,
    /// The database cannot take writes now (503 + Retry-After).
    #[error("storage: {0}")]
    Storage(#[from] StorageError),
    /// A bug or an environment failure (500).
    #[error("internal error: {0}")]
    Internal(String),
}

impl ServerError {
    /// The stable code sent in error bodies and logs.
    pub fn code(&self) -> &'static str {
        match self {
            ServerError::Unauthorized(code) | ServerError::Forbidden(code) => code,
            ServerError::BadRequest(code, _) => code,
            ServerError::PayloadTooLarge => "payload_too_large",
            ServerError::UnsupportedMediaType => "unsupported_media_type",
            ServerError::Storage(e) => e.code(),
            ServerError::Internal(_) => "internal",
        }
    }
}

/// Milliseconds since the Unix epoch, from the system clock (the one place the server reads it).
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
