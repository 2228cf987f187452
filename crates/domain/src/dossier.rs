//! The dossier (hồ sơ) a citizen brings to the counter, and what can happen to it.
//!
//! A dossier's state is the fold of its events: the store keeps the events (immutable, also the
//! audit trail and the sync outbox) and a row with the folded state for the screens.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// How the dossier reached the commune (NĐ 118 art. 14: in person, by post, online).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Trực tiếp: handed in at the counter.
    Counter,
    /// Dịch vụ bưu chính công ích: by post.
    Post,
    /// Trực tuyến: online, through the national or provincial portal.
    Online,
}

/// The citizen who submits the dossier (người nộp hồ sơ). Personal data: it stays on the counter
/// and the district server, never in logs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Citizen {
    /// Full name, NFC-normalised.
    pub name: String,
    /// The 12-digit personal identification number (số định danh cá nhân = CCCD number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    /// A Vietnamese phone number in national form (0 followed by 9 digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Address, NFC-normalised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// The form in which a document was received (hình thức: bản chính, bản sao, bản chụp).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum DocumentForm {
    /// Bản chính: the original.
    Original,
    /// Bản sao chứng thực: a certified copy.
    CertifiedCopy,
    /// Bản chụp: a plain copy or photocopy.
    #[default]
    Copy,
}

/// One document received with the dossier, one row of the slip's document table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ReceivedDocument {
    /// The document's name, as in the procedure's list.
    pub name: String,
    /// The form it was received in.
    #[serde(default)]
    pub form: DocumentForm,
    /// How many copies.
    #[serde(default = "one")]
    pub count: u32,
}

fn one() -> u32 {
    1
}

/// Where a dossier stands (trạng thái hồ sơ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum DossierStatus {
    /// Đã tiếp nhận: received complete; the clock runs.
    Received,
    /// Đang giải quyết: being processed by the competent officer.
    InProgress,
    /// Yêu cầu bổ sung: sent back for completion; the clock is stopped and restarts from zero
    /// when the completed dossier comes back (NĐ 118 art. 19.5).
    SupplementRequested,
    /// Có kết quả: the result is ready to hand over.
    ResultReady,
    /// Đã trả kết quả: the result was handed to the citizen. Final.
    Returned,
    /// Từ chối giải quyết: refused, with a reason (NĐ 118 art. 19.3). Final.
    Refused,
    /// Dừng giải quyết: stopped at the citizen's request (NĐ 118 art. 21). Final.
    Stopped,
    /// Đã đóng: closed because the citizen did not complete it within 15 days
    /// (NĐ 118 art. 19.5). Final.
    Closed,
}

/// Something a clerk does to a dossier after intake. Each is recorded as an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Start processing (hand over to the competent officer).
    StartProcessing,
    /// Ask the citizen to complete the dossier, once, with what is missing (form 02).
    RequestSupplement {
        /// What is missing or wrong, and why.
        reason: String,
    },
    /// The completed dossier came back; the clock restarts from zero (NĐ 118 art. 19.5).
    Resubmit,
    /// Refuse, with a reason (form 03).
    Refuse {
        /// Why.
        reason: String,
    },
    /// Stop at the citizen's request (form 05).
    Stop {
        /// Why, as the citizen gave it.
        reason: String,
    },
    /// Apologise and set a new due date, once only (form 04; NĐ 118 art. 19.6).
    Extend {
        /// The reason for the delay.
        reason: String,
        /// The new due date-time.
        new_due_at: DateTime<FixedOffset>,
    },
    /// The result is ready.
    ResultReady,
    /// The result was handed over.
    Return,
    /// Close a dossier left incomplete for 15 days (NĐ 118 art. 19.5).
    Close,
}
