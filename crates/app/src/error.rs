//! The error every use case returns, with a code the UI turns into a Vietnamese message.

use serde::Serialize;

/// A stable, machine-readable error code. The UI switches on it; nobody matches message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The input was refused by a rule; the message says which.
    Validation,
    /// The thing asked for does not exist.
    NotFound,
    /// The reference data shipped with the app or received from the server is broken.
    ReferenceData,
    /// Anything else; a bug or an environment failure.
    Internal,
}

/// A failure of a use case: a typed code for programs and a message for people.
#[derive(Debug, thiserror::Error, Serialize)]
#[error("{message}")]
pub struct AppError {
    /// What kind of failure this is.
    pub code: ErrorCode,
    /// A short English description for logs and the CLI; never holds personal data.
    pub message: String,
}

impl AppError {
    /// An error of the given code.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}
