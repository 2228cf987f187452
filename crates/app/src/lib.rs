//! What a clerk can do, host-agnostic: the one API used by the desktop shell and the `motcua` CLI.
//!
//! Invariant: hosts call only this crate. It reads the clock (through [`Clock`]) and the shipped
//! reference data, and turns every failure into an [`AppError`] with a typed [`ErrorCode`].

pub mod clock;
pub mod deadlines;
pub mod error;
pub mod reference;

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{AppError, ErrorCode};

/// What the app says about itself in the status bar and `motcua --version`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct About {
    /// The app's version.
    pub version: &'static str,
    /// How many procedures of the shipped catalogue are in force.
    pub procedures: usize,
}

/// The version and the size of the shipped catalogue.
pub fn about() -> Result<About, AppError> {
    Ok(About { version: env!("CARGO_PKG_VERSION"), procedures: reference::procedure_count()? })
}
