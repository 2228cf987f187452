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

impl TimeLimit {
    /// A rough lower bound of the limit in working hours (8 h a working day), used only to check
    /// that a catalogue entry is sane (a verification limit must be longer than the standard one).
    /// Calendar days count as 5/7 working days, the fewest they can hold in a normal week.
    pub fn nominal_working_hours(self) -> u64 {
        match self {
            TimeLimit::Immediate => 0,
            TimeLimit::SameDay => 8,
            TimeLimit::WorkingHours(hours) => u64::from(hours),
            TimeLimit::WorkingDays(days) => u64::from(days) * 8,
            TimeLimit::CalendarDays(days) => u64::from(days) * 8 * 5 / 7,
        }
    }

    /// The count carried by the limit (days or hours), `None` for same-day and immediate limits.
    pub fn count(self) -> Option<u32> {
        match self {
            TimeLimit::Immediate | TimeLimit::SameDay => None,
            TimeLimit::WorkingHours(n) | TimeLimit::WorkingDays(n) | TimeLimit::CalendarDays(n) => {
                Some(n)
            }
        }
    }

    /// The limit as the receipt slip prints it (form 01, item 3), in Vietnamese.
    pub fn label_vi(self) -> String {
        match self {
            TimeLimit::Immediate => "Ngay sau khi nhận đủ giấy tờ theo quy định".to_owned(),
            TimeLimit::SameDay => {
                "Trong ngày làm việc; nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo"
                    .to_owned()
            }
            TimeLimit::WorkingHours(n) => format!("{n} giờ làm việc"),
            TimeLimit::WorkingDays(n) => format!("{n} ngày làm việc"),
            TimeLimit::CalendarDays(n) => format!("{n} ngày"),
        }
    }
}

/// The field (lĩnh vực) a procedure belongs to, as grouped in the national procedure database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcedureField {
    /// Hộ tịch: civil status (births, marriages, deaths, parentage, guardianship...).
    CivilStatus,
    /// Chứng thực: certification of copies, signatures, contracts.
    Certification,
}

impl ProcedureField {
    /// The field's Vietnamese name.
    pub fn label_vi(self) -> &'static str {
        match self {
            ProcedureField::CivilStatus => "Hộ tịch",
            ProcedureField::Certification => "Chứng thực",
        }
    }
}

/// The fee or charge (lệ phí / phí) of a procedure, as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fee {
    /// The fee as the counter shows it, in Vietnamese ("Miễn lệ phí", "2.000 đồng/trang"...).
    pub text: String,
    /// The base amount in VND when it is fixed nationally (0 when free); `None` when the
    /// provincial People's Council sets it (lệ phí hộ tịch, Thông tư 85/2019/TT-BTC) or it
    /// depends on the case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_vnd: Option<u64>,
    /// Who is exempt, in Vietnamese, if anyone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exemptions: Option<String>,
}

/// One document the citizen must (or may) hand in; a row of the slip's document table (form 01).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RequiredDocument {
    /// The document's name, in Vietnamese.
    pub name: String,
    /// The form the document is expected in (bản chính, bản sao chứng thực, bản chụp).
    pub form: crate::dossier::DocumentForm,
    /// How many copies.
    #[serde(default = "one")]
    pub count: u32,
    /// Needed only in some cases (the name says which).
    #[serde(default)]
    pub optional: bool,
}

fn one() -> u32 {
    1
}

/// The friendly-government letter a clerk is offered after the procedure's result is returned.
/// Local "Chính quyền thân thiện" practice, not NĐ 118 (seed plans 003, 004).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpLetter {
    /// Thư chúc mừng after a birth registration.
    BirthCongratulations,
    /// Thư chúc mừng after a marriage registration.
    MarriageCongratulations,
    /// Thư chia buồn after a death registration.
    Condolences,
}

/// One version of an administrative procedure, in force from `valid_from` to `valid_until`.
///
/// The catalogue is versioned because the law changes: Luật Hộ tịch 03/2026/QH16 replaces the
/// 2014 law on 01/3/2027, and a dossier follows the version in force on its receipt date
/// (Luật Hộ tịch 2026 art. 30).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    /// The code in the national procedure database (e.g. "1.001193"), or a local code
    /// "LOCAL.<field>.<nn>" where no national code was confirmed.
    pub code: String,
    /// The procedure's official name, in Vietnamese.
    pub name: String,
    /// Its field (lĩnh vực).
    pub field: ProcedureField,
    /// The legal processing time.
    pub processing_time: ProcessingTime,
    /// The fee.
    pub fee: Fee,
    /// The documents of the dossier, in the order the slip lists them.
    pub documents: Vec<RequiredDocument>,
    /// The letter to suggest once the result is returned, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_letter: Option<FollowUpLetter>,
    /// The legal basis (articles) of the procedure and its time limit.
    pub legal_source: String,
    /// First day this version applies (inclusive).
    pub valid_from: chrono::NaiveDate,
    /// Last day this version applies (inclusive); `None` while no end is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<chrono::NaiveDate>,
    /// What is uncertain about this entry and must be checked against the province's list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Procedure {
    /// Whether this version is in force on `date`.
    pub fn in_force_on(&self, date: chrono::NaiveDate) -> bool {
        self.valid_from <= date && self.valid_until.is_none_or(|until| date <= until)
    }

    /// Whether the code is a local placeholder rather than a national database code.
    pub fn has_local_code(&self) -> bool {
        self.code.starts_with(LOCAL_CODE_PREFIX)
    }
}

/// The prefix that marks a procedure code as local (not from the national database).
pub const LOCAL_CODE_PREFIX: &str = "LOCAL.";
