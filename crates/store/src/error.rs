//! What can go wrong in the store, each with a stable code the app maps to its own error codes.

use rusqlite::ErrorCode;

/// An error from the store. Every variant has a stable [`StoreError::code`]; messages never
/// contain personal data (names, id numbers, phones), only dossier codes and technical facts.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The disk (or the database's size limit) is full: nothing of the failed call was written.
    #[error("the disk is full; nothing was written")]
    DiskFull,
    /// The database file or its folder is read-only.
    #[error("the database is read-only")]
    ReadOnly,
    /// Another process held the database lock for longer than the busy timeout.
    #[error("the database is locked by another program")]
    Busy,
    /// The file is damaged: the integrity check failed or SQLite reported corruption.
    #[error("the database file is damaged: {detail}")]
    Corrupt {
        /// What the integrity check reported (page numbers, never row content).
        detail: String,
    },
    /// The file is not a database this app can read, or the encryption key is wrong.
    #[error("the file is not a Một Cửa database, or the key is wrong")]
    NotADatabaseOrWrongKey,
    /// The database was written by a newer version of the app.
    #[error(
        "the database has schema version {found}; this app knows up to {supported}: update the app"
    )]
    NewerSchema {
        /// The version in the file.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// A migration step failed; the database was left at its previous version.
    #[error("migration to schema version {version} failed: {detail}")]
    MigrationFailed {
        /// The version that could not be reached.
        version: i64,
        /// SQLite's message.
        detail: String,
    },
    /// The database was never initialised (no device identity).
    #[error("the database is not initialised")]
    NotInitialised,
    /// No dossier with this code.
    #[error("no dossier with code {code}")]
    DossierNotFound {
        /// The code asked for.
        code: String,
    },
    /// A dossier with this code already exists.
    #[error("a dossier with code {code} already exists")]
    DuplicateCode {
        /// The code.
        code: String,
    },
    /// The dossier's status changed since the caller read it (optimistic concurrency).
    #[error("dossier {code} is no longer in the status the change was computed from")]
    StaleStatus {
        /// The dossier.
        code: String,
    },
    /// The sync client asked to acknowledge events that were never written.
    #[error("ack up to seq {hwm} in epoch {epoch}, but the highest written seq is {highest}")]
    AckBeyondWritten {
        /// The epoch acknowledged.
        epoch: i64,
        /// The high-water mark asked for.
        hwm: i64,
        /// The highest seq written in that epoch.
        highest: i64,
    },
    /// The caller passed a value the store cannot keep.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// A file operation (sidecar, backup path) failed.
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    /// Any other SQLite error.
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    /// A stored JSON value could not be read back.
    #[error("stored value could not be decoded: {0}")]
    Decode(String),
}

impl StoreError {
    /// A stable, machine-readable code. The UI and the CLI switch on this, never on the message.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::DiskFull => "store.disk_full",
            StoreError::ReadOnly => "store.read_only",
            StoreError::Busy => "store.busy",
            StoreError::Corrupt { .. } => "store.corrupt",
            StoreError::NotADatabaseOrWrongKey => "store.not_a_database_or_wrong_key",
            StoreError::NewerSchema { .. } => "store.newer_schema",
            StoreError::MigrationFailed { .. } => "store.migration_failed",
            StoreError::NotInitialised => "store.not_initialised",
            StoreError::DossierNotFound { .. } => "store.dossier_not_found",
            StoreError::DuplicateCode { .. } => "store.duplicate_code",
            StoreError::StaleStatus { .. } => "store.stale_status",
            StoreError::AckBeyondWritten { .. } => "store.ack_beyond_written",
            StoreError::InvalidInput(_) => "store.invalid_input",
            StoreError::Io(_) => "store.io",
            StoreError::Sqlite(_) => "store.sqlite",
            StoreError::Decode(_) => "store.decode",
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        if let rusqlite::Error::SqliteFailure(failure, ref message) = error {
            match failure.code {
                ErrorCode::DiskFull => return StoreError::DiskFull,
                ErrorCode::ReadOnly => return StoreError::ReadOnly,
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => return StoreError::Busy,
                ErrorCode::NotADatabase => return StoreError::NotADatabaseOrWrongKey,
                ErrorCode::DatabaseCorrupt => {
                    return StoreError::Corrupt {
                        detail: message.clone().unwrap_or_else(|| "SQLITE_CORRUPT".into()),
                    }
                }
                _ => {}
            }
        }
        StoreError::Sqlite(error)
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(error: serde_json::Error) -> Self {
        StoreError::Decode(error.to_string())
    }
}

/// Shorthand for results of the store.
pub type StoreResult<T> = Result<T, StoreError>;
