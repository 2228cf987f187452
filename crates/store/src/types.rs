//! The rows and inputs of the store.

use chrono::{DateTime, FixedOffset};
use domain::dossier::{Action, Channel, Citizen, DossierStatus, ReceivedDocument};
use serde::{Deserialize, Serialize};

use crate::hlc::Hlc;

/// Whether a dossier was resolved before, on or after its due date (NĐ 118 art. 19; the
/// early / on-time / late split of the reports, domain.md §7). Computed by the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Trước hạn.
    Early,
    /// Đúng hạn.
    OnTime,
    /// Quá hạn.
    Late,
}

/// A dossier as the screens and the CLI see it: the folded state of its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(optional_fields = nullable)]
pub struct Dossier {
    /// The counter's dossier code (mã số hồ sơ, NĐ 118 art. 28), provisional when offline.
    pub code: String,
    /// The official code issued by the provincial system, once known.
    pub official_code: Option<String>,
    /// The procedure's code in the catalogue.
    pub procedure_code: String,
    /// The procedure's name as it was when the dossier was received.
    pub procedure_name: String,
    /// The citizen who submitted it.
    pub citizen: Citizen,
    /// How it reached the commune.
    pub channel: Channel,
    /// The documents received.
    pub documents: Vec<ReceivedDocument>,
    /// When it was received (device wall time with its offset; legally "received at").
    pub received_at: DateTime<FixedOffset>,
    /// When the result is due, as computed by the app; `None` while the clock is stopped.
    pub due_at: Option<DateTime<FixedOffset>>,
    /// Where it stands.
    pub status: DossierStatus,
    /// Whether the due date was already reset once with an apology (NĐ 118 art. 19.6).
    pub extended: bool,
    /// How many times the citizen was asked to complete it (NĐ 118 art. 19.5).
    pub supplement_count: u32,
    /// The clerk who received it.
    pub clerk_id: String,
    /// When the result was handed over.
    pub returned_at: Option<DateTime<FixedOffset>>,
    /// Early / on time / late, set by the app when the dossier is resolved.
    pub timeliness: Option<Timeliness>,
}

/// What the app hands the store at intake (the due date already computed with the calendar).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDossier {
    /// The dossier code, unique on this database.
    pub code: String,
    /// The procedure's code.
    pub procedure_code: String,
    /// The procedure's name.
    pub procedure_name: String,
    /// The citizen.
    pub citizen: Citizen,
    /// How it reached the commune.
    pub channel: Channel,
    /// The documents received.
    pub documents: Vec<ReceivedDocument>,
    /// When it was received.
    pub received_at: DateTime<FixedOffset>,
    /// When it is due.
    pub due_at: Option<DateTime<FixedOffset>>,
    /// The receiving clerk.
    pub clerk_id: String,
}

/// A status change computed by the app with the domain's status machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    /// The dossier.
    pub code: String,
    /// What the clerk did.
    pub action: Action,
    /// The status the app computed the change from; the store refuses the change with
    /// [`crate::StoreError::StaleStatus`] if the dossier is no longer in it.
    pub from: DossierStatus,
    /// The new status.
    pub to: DossierStatus,
    /// The due date after the change (pass the current one when it does not change).
    pub due_at: Option<DateTime<FixedOffset>>,
    /// Early / on time / late, when the change resolves the dossier.
    pub timeliness: Option<Timeliness>,
    /// The clerk who made the change.
    pub clerk_id: String,
}

/// A correction: new values for fields entered wrongly, recorded as a new event (never an edit
/// of an old one). Fields left `None` keep their value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierCorrection {
    /// The corrected citizen data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citizen: Option<Citizen>,
    /// The corrected document list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documents: Option<Vec<ReceivedDocument>>,
    /// The official code issued by the provincial system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub official_code: Option<String>,
}

/// The kinds of event in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A dossier was received.
    DossierTakenIn,
    /// A status change (start, supplement request, resubmission, extension and apology,
    /// result, return, refusal, stop, closure).
    StatusChanged,
    /// A letter or slip was printed.
    LetterPrinted,
    /// A citizen tapped a satisfaction level.
    SatisfactionTapped,
    /// A dossier's data was corrected.
    DossierCorrected,
    /// The commune's settings changed.
    SettingsChanged,
    /// A clerk was added or changed.
    ClerkSaved,
}

impl EventKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::DossierTakenIn => "dossier_taken_in",
            EventKind::StatusChanged => "status_changed",
            EventKind::LetterPrinted => "letter_printed",
            EventKind::SatisfactionTapped => "satisfaction_tapped",
            EventKind::DossierCorrected => "dossier_corrected",
            EventKind::SettingsChanged => "settings_changed",
            EventKind::ClerkSaved => "clerk_saved",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<EventKind> {
        [
            EventKind::DossierTakenIn,
            EventKind::StatusChanged,
            EventKind::LetterPrinted,
            EventKind::SatisfactionTapped,
            EventKind::DossierCorrected,
            EventKind::SettingsChanged,
            EventKind::ClerkSaved,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == name)
    }
}

/// One event of the log, as the audit trail shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredEvent {
    /// Position in this database's log.
    pub position: i64,
    /// UUIDv8 of (time, epoch, seq): unique, time-ordered, cheap to sync.
    pub event_id: String,
    /// The writing device.
    pub device_id: String,
    /// The sync epoch it was written in.
    pub epoch: i64,
    /// Its sequence number within the epoch.
    pub seq: i64,
    /// What happened.
    pub kind: EventKind,
    /// The dossier it concerns, if any.
    pub dossier_code: Option<String>,
    /// Compact JSON.
    pub payload: String,
    /// The device's wall time, RFC 3339.
    pub device_time: String,
    /// Its hybrid logical clock reading.
    pub hlc: Hlc,
}
