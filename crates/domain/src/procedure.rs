//! Administrative procedures (thủ tục hành chính) and their legal processing times.

use serde::{Deserialize, Serialize};

/// One way of counting a legal processing time (thời hạn giải quyết).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum TimeLimit {
    /// "Ngay trong ngày": returned the same working day; a dossier received after 15:00 is
    /// returned on the next working day (NĐ 118 art. 18.2; Luật Hộ tịch 2014 art. 16).
    SameDay,
    /// "Ngay sau khi nhận đủ giấy tờ": returned at the counter at once, within the working day
    /// of receipt.
    Immediate,
    /// N working days (ngày làm việc).
    WorkingDays(u32),
    /// N working hours (giờ làm việc).
    WorkingHours(u32),
    /// N calendar days (ngày), for the few procedures whose law counts plain days
    /// (Bộ luật Dân sự 2015 art. 147–148: the period starts the next day, and a last day that
    /// is not a working day rolls to the next working day).
    CalendarDays(u32),
}

/// The legal processing time of a procedure: the standard limit, and the longer limit that
/// applies when the dossier needs verification (xác minh).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessingTime {
    /// The limit that applies when no verification is needed.
    pub standard: TimeLimit,
    /// The total limit when verification is needed, counted from receipt (not added to
    /// `standard`), if the law allows one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_verification: Option<TimeLimit>,
}
