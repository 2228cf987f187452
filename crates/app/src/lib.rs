//! What a clerk can do, host-agnostic: the one API used by the desktop shell and the `motcua` CLI.
//!
//! Invariant: hosts call only this crate. It reads the clock (through [`Clock`]) and the shipped
//! reference data, and turns every failure into an [`AppError`] with a typed [`ErrorCode`].

pub mod error;
pub mod reference;

pub use error::{AppError, ErrorCode};
