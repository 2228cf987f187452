//! What a clerk can do, host-agnostic: the one API used by the desktop shell and the `motcua` CLI.
//!
//! Invariant: hosts call only this crate. It reads the clock (through [`Clock`]) and the shipped
//! reference data, and turns every failure into an [`AppError`] with a typed [`ErrorCode`].

pub mod citizen;
pub mod clock;
pub mod counter;
pub mod deadlines;
pub mod desk;
pub mod error;
pub mod print;
pub mod reference;
pub mod report;
pub mod satisfaction;
pub mod sync;

pub use clock::{Clock, FixedClock, SystemClock};
pub use counter::{Counter, DossierView, InitInput, IntakeInput, ListFilter};
pub use domain::dossier::{Action, DossierStatus};
pub use error::{AppError, ErrorCode};
pub use satisfaction::TapInput;

/// What the app says about itself in the status bar and `motcua --version`.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct About {
    /// The app's version.
    pub version: &'static str,
    /// How many procedures of the shipped catalogue are in force.
    pub procedures: usize,
}

/// The version and the number of procedures in force today.
pub fn about(clock: &dyn Clock) -> Result<About, AppError> {
    let today = clock.now().date_naive();
    Ok(About {
        version: env!("CARGO_PKG_VERSION"),
        procedures: reference::procedure_count(today)?,
    })
}

/// The store's record of early / on time / late, from the domain's classification.
fn timeliness(value: domain::due::Timeliness) -> store::Timeliness {
    match value {
        domain::due::Timeliness::Early => store::Timeliness::Early,
        domain::due::Timeliness::OnTime => store::Timeliness::OnTime,
        domain::due::Timeliness::Late => store::Timeliness::Late,
    }
}

/// The platform's data folder for the counter (`~/.local/share/motcua` on Linux,
/// `%APPDATA%\\motcua` on Windows).
pub fn default_data_dir() -> Option<std::path::PathBuf> {
    let base = if cfg!(windows) {
        std::env::var_os("APPDATA").map(std::path::PathBuf::from)
    } else {
        std::env::var_os("XDG_DATA_HOME")
            .map(std::path::PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME")
                    .map(|home| std::path::Path::new(&home).join(".local/share"))
            })
    };
    base.map(|dir| dir.join("motcua"))
}
