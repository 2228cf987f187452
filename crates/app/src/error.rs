//! The error every use case returns, with a code the UI turns into a Vietnamese message.

use serde::Serialize;

/// A stable, machine-readable error code. The UI switches on it (ui/src/lib/i18n); nobody
/// matches message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The input was refused by a rule; `field` and `rule` say which.
    Validation,
    /// The dossier, procedure or file asked for does not exist.
    NotFound,
    /// The action is not allowed from the dossier's status.
    IllegalTransition,
    /// The dossier is in a final status and accepts nothing.
    FinalStatus,
    /// The return date was already reset once (NĐ 118 art. 19.6).
    AlreadyExtended,
    /// The new return date is not later than the current one.
    ExtensionNotLater,
    /// A supplement was already requested once (NĐ 118 art. 11.2.c, 16.3).
    SupplementAlreadyRequested,
    /// The action needs a reason.
    ReasonRequired,
    /// No due date is known for the dossier.
    DueDateUnknown,
    /// Another window or counter changed the dossier first; reload and try again.
    Conflict,
    /// The counter is not set up yet (`motcua init` or the first-run screen).
    NotInitialised,
    /// The counter is set up already.
    AlreadyInitialised,
    /// The disk is full; nothing was written.
    DiskFull,
    /// The database file or its folder is read-only; nothing was written.
    ReadOnly,
    /// Another program holds the database; nothing was written.
    Busy,
    /// The database file is damaged; restore it from a backup.
    Corrupt,
    /// The database key does not open the file, or the file is not a database.
    WrongKey,
    /// The database was written by a newer version of the app.
    NewerSchema,
    /// The reference data shipped with the app or received from the server is broken.
    ReferenceData,
    /// A document could not be printed.
    PrintFailed,
    /// The server refused the enrolment code.
    EnrollFailed,
    /// The enrolment code was made for another commune than this counter's.
    EnrollWrongCommune,
    /// The district server could not be reached or refused the sync.
    SyncFailed,
    /// Anything else; a bug or an environment failure.
    Internal,
}

impl ErrorCode {
    /// Every code, for the check that the UI has a message for each.
    pub const ALL: [ErrorCode; 23] = [
        ErrorCode::Validation,
        ErrorCode::NotFound,
        ErrorCode::IllegalTransition,
        ErrorCode::FinalStatus,
        ErrorCode::AlreadyExtended,
        ErrorCode::ExtensionNotLater,
        ErrorCode::SupplementAlreadyRequested,
        ErrorCode::ReasonRequired,
        ErrorCode::DueDateUnknown,
        ErrorCode::Conflict,
        ErrorCode::NotInitialised,
        ErrorCode::AlreadyInitialised,
        ErrorCode::DiskFull,
        ErrorCode::ReadOnly,
        ErrorCode::Busy,
        ErrorCode::Corrupt,
        ErrorCode::WrongKey,
        ErrorCode::NewerSchema,
        ErrorCode::ReferenceData,
        ErrorCode::PrintFailed,
        ErrorCode::EnrollWrongCommune,
        ErrorCode::EnrollFailed,
        ErrorCode::SyncFailed,
    ];
}

/// A failure of a use case: a typed code for programs and a message for people reading logs.
#[derive(Debug, Clone, thiserror::Error, Serialize, ts_rs::TS)]
#[error("{message}")]
#[ts(optional_fields)]
pub struct AppError {
    /// What kind of failure this is.
    pub code: ErrorCode,
    /// For validation failures: the input field (`name`, `id_number`, `phone`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
    /// For validation failures: the rule's stable code (`id_number_length`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'static str>,
    /// A short English description for logs and the CLI; never holds personal data.
    pub message: String,
}

impl AppError {
    /// An error of the given code.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            field: None,
            rule: None,
            message: message.into(),
        }
    }

    /// A validation failure of `field` by the rule `rule`.
    pub fn invalid(field: &'static str, rule: &'static str, message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Validation,
            field: Some(field),
            rule: Some(rule),
            message: message.into(),
        }
    }
}

impl From<store::StoreError> for AppError {
    fn from(error: store::StoreError) -> Self {
        use store::StoreError as E;
        let code = match &error {
            E::DiskFull => ErrorCode::DiskFull,
            E::ReadOnly => ErrorCode::ReadOnly,
            E::Busy => ErrorCode::Busy,
            E::Corrupt { .. } => ErrorCode::Corrupt,
            E::NotADatabaseOrWrongKey => ErrorCode::WrongKey,
            E::NewerSchema { .. } => ErrorCode::NewerSchema,
            E::NotInitialised => ErrorCode::NotInitialised,
            E::DossierNotFound { .. } => ErrorCode::NotFound,
            E::StaleStatus { .. } | E::DuplicateCode { .. } => ErrorCode::Conflict,
            E::InvalidInput(_) => ErrorCode::Validation,
            _ => ErrorCode::Internal,
        };
        AppError::new(code, format!("{} ({})", error, error.code()))
    }
}

impl From<domain::status::TransitionError> for AppError {
    fn from(error: domain::status::TransitionError) -> Self {
        use domain::status::TransitionError as E;
        let code = match error {
            E::FinalStatus { .. } => ErrorCode::FinalStatus,
            E::IllegalTransition { .. } => ErrorCode::IllegalTransition,
            E::AlreadyExtended => ErrorCode::AlreadyExtended,
            E::ExtensionNotLater => ErrorCode::ExtensionNotLater,
            E::DueDateUnknown => ErrorCode::DueDateUnknown,
            E::SupplementAlreadyRequested => ErrorCode::SupplementAlreadyRequested,
            E::ReasonRequired { .. } => ErrorCode::ReasonRequired,
        };
        AppError::new(code, error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    /// Adding a code without adding it to `ALL` fails to compile here (exhaustive match).
    fn listed(code: ErrorCode) -> bool {
        match code {
            ErrorCode::Validation
            | ErrorCode::NotFound
            | ErrorCode::IllegalTransition
            | ErrorCode::FinalStatus
            | ErrorCode::AlreadyExtended
            | ErrorCode::ExtensionNotLater
            | ErrorCode::SupplementAlreadyRequested
            | ErrorCode::ReasonRequired
            | ErrorCode::DueDateUnknown
            | ErrorCode::Conflict
            | ErrorCode::NotInitialised
            | ErrorCode::AlreadyInitialised
            | ErrorCode::DiskFull
            | ErrorCode::ReadOnly
            | ErrorCode::Busy
            | ErrorCode::Corrupt
            | ErrorCode::WrongKey
            | ErrorCode::NewerSchema
            | ErrorCode::ReferenceData
            | ErrorCode::PrintFailed
            | ErrorCode::EnrollFailed
            | ErrorCode::EnrollWrongCommune
            | ErrorCode::SyncFailed
            | ErrorCode::Internal => ErrorCode::ALL.contains(&code) || code == ErrorCode::Internal,
        }
    }

    /// The UI turns every error code into a message of its own, in Vietnamese and English
    /// (ui/src/lib/i18n): a clerk never sees "something went wrong (code …)" for a known case.
    #[test]
    fn every_error_code_has_a_vietnamese_and_an_english_message() {
        let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/i18n");
        for language in ["vi.ts", "en.ts"] {
            let text = std::fs::read_to_string(ui.join(language)).expect("i18n file");
            for code in ErrorCode::ALL.into_iter().chain([ErrorCode::Internal]) {
                assert!(listed(code));
                let name = serde_json::to_value(code).expect("code");
                let key = format!("\"error.{}\":", name.as_str().expect("string"));
                assert!(text.contains(&key), "{language} has no message for {key}");
            }
        }
    }
}
