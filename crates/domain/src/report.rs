//! Report indicators of the one-stop counter (báo cáo kết quả giải quyết thủ tục hành chính),
//! computed from dossier facts and satisfaction taps for a reporting period.
//!
//! One implementation for the counter and the district server: the caller gathers
//! [`DossierFacts`] and [`TapFact`]s (from its own database) and calls [`compute`]. Nothing here
//! reads the clock: the instant the report is made comes in as `now`.
//!
//! The indicators follow domain.md §7 (matching the QĐ 766/QĐ-TTg index and the Phiếu kiểm
//! soát): received by channel, carried over, resolved early / on time / late, in progress (not
//! yet due / overdue), returned for completion, refused, stopped, apologies issued, the on-time
//! rate against the 98 % target, the satisfaction rate; each also by procedure and by clerk.
//!
//! Periods ([`ReportPeriod`]) follow the government reporting regime's cut-off dates
//! (NĐ 09/2019/NĐ-CP pattern as applied by provinces, domain.md §7): a month runs from the 15th
//! of the previous month to the 14th; the cut-off day is configurable ([`CutOff`]), and
//! [`CutOff::Calendar`] gives calendar months, quarters and years.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::calendar::vietnam_offset;
use crate::dossier::{Channel, DossierStatus};
use crate::due::Timeliness;
use crate::satisfaction::{SatisfactionLevel, SatisfactionTally};

/// The target on-time rate, in basis points: "trên 98 %" of dossiers resolved early or on time
/// (domain.md §7, seed plan 001). A period meets it when the exact rate is **above** 98 %.
pub const ON_TIME_TARGET_BASIS_POINTS: u32 = 9_800;

/// Why a reporting period could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// The cut-off day must be 0 (calendar periods) or 2–28 (every month has it).
    #[error("period_cutoff_day: cut-off day {0} is not 0 (calendar) or 2-28")]
    CutOffDay(u32),
    /// The month, quarter or similar number is out of range.
    #[error("period_number: {kind} number {number} is out of range")]
    Number {
        /// Which kind of period.
        kind: &'static str,
        /// The number given.
        number: u32,
    },
    /// The year is outside what the calendar supports.
    #[error("period_year: year {0} is out of range")]
    Year(i32),
    /// The last day is before the first.
    #[error("period_reversed: {last} is before {first}")]
    Reversed {
        /// The first day given.
        first: NaiveDate,
        /// The last day given.
        last: NaiveDate,
    },
}

impl PeriodError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            PeriodError::CutOffDay(_) => "period_cutoff_day",
            PeriodError::Number { .. } => "period_number",
            PeriodError::Year(_) => "period_year",
            PeriodError::Reversed { .. } => "period_reversed",
        }
    }
}

/// Where reporting periods are cut (ngày chốt số liệu).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "day")]
pub enum CutOff {
    /// Calendar periods: a month from its 1st to its last day, a year from 1/1 to 31/12.
    Calendar,
    /// Periods start on this day of the month before the period's first month and end the day
    /// before it in the period's last month: with 15, the month of 11/2026 is 15/10–14/11/2026
    /// (domain.md §7). Always 2–28 (see [`CutOff::day`]).
    Day(u32),
}

impl CutOff {
    /// The common cut-off: the 15th (domain.md §7, NĐ 09/2019 pattern).
    pub const FIFTEENTH: CutOff = CutOff::Day(15);

    /// The cut-off for a configured day: 0 means calendar periods; 2–28 a cut-off day. 1 is
    /// refused (it would shift every period back a whole month) and so is anything past 28,
    /// which February does not have.
    pub fn day(day: u32) -> Result<CutOff, PeriodError> {
        match day {
            0 => Ok(CutOff::Calendar),
            2..=28 => Ok(CutOff::Day(day)),
            other => Err(PeriodError::CutOffDay(other)),
        }
    }
}

/// The kind of a reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    /// Báo cáo tháng.
    Month,
    /// Báo cáo quý (the head of the counter reviews every 3 months, NĐ 118 art. 9.2).
    Quarter,
    /// Báo cáo 6 tháng (the first half of the year).
    HalfYear,
    /// Báo cáo 9 tháng.
    NineMonths,
    /// Báo cáo năm.
    Year,
    /// Any range of days.
    Custom,
}

impl PeriodKind {
    /// The period kind in Vietnamese, for report titles.
    pub fn label_vi(self) -> &'static str {
        match self {
            PeriodKind::Month => "Tháng",
            PeriodKind::Quarter => "Quý",
            PeriodKind::HalfYear => "6 tháng",
            PeriodKind::NineMonths => "9 tháng",
            PeriodKind::Year => "Năm",
            PeriodKind::Custom => "Từ ngày … đến ngày …",
        }
    }
}

/// A reporting period: whole days from `first` to `last`, both included, in Vietnam time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
pub struct ReportPeriod {
    kind: PeriodKind,
    first: NaiveDate,
    last: NaiveDate,
}

const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 9000;

fn check_year(year: i32) -> Result<(), PeriodError> {
    if (MIN_YEAR..=MAX_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(PeriodError::Year(year))
    }
}

fn date(year: i32, month: u32, day: u32) -> Result<NaiveDate, PeriodError> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or(PeriodError::Year(year))
}

/// The last day of a month.
fn last_day_of(year: i32, month: u32) -> Result<NaiveDate, PeriodError> {
    let (next_year, next_month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    date(next_year, next_month, 1)?
        .pred_opt()
        .ok_or(PeriodError::Year(year))
}

impl ReportPeriod {
    /// Months `first_month..=last_month` of `year` under `cutoff`.
    fn months(
        kind: PeriodKind,
        year: i32,
        first_month: u32,
        last_month: u32,
        cutoff: CutOff,
    ) -> Result<ReportPeriod, PeriodError> {
        check_year(year)?;
        let (first, last) = match cutoff {
            CutOff::Calendar => (date(year, first_month, 1)?, last_day_of(year, last_month)?),
            CutOff::Day(day) => {
                let (start_year, start_month) = if first_month == 1 {
                    (year - 1, 12)
                } else {
                    (year, first_month - 1)
                };
                (
                    date(start_year, start_month, day)?,
                    date(year, last_month, day - 1)?,
                )
            }
        };
        Ok(ReportPeriod { kind, first, last })
    }

    /// The month `month` (1–12) of `year`: with the 15th as cut-off, 11/2026 is
    /// 15/10/2026–14/11/2026 (domain.md §7).
    pub fn month(year: i32, month: u32, cutoff: CutOff) -> Result<ReportPeriod, PeriodError> {
        if !(1..=12).contains(&month) {
            return Err(PeriodError::Number {
                kind: "month",
                number: month,
            });
        }
        Self::months(PeriodKind::Month, year, month, month, cutoff)
    }

    /// Quarter `quarter` (1–4) of `year`, up to the cut-off in the quarter's last month: with
    /// the 15th, quarter IV is 15/09–14/12 (domain.md §7).
    pub fn quarter(year: i32, quarter: u32, cutoff: CutOff) -> Result<ReportPeriod, PeriodError> {
        if !(1..=4).contains(&quarter) {
            return Err(PeriodError::Number {
                kind: "quarter",
                number: quarter,
            });
        }
        Self::months(
            PeriodKind::Quarter,
            year,
            quarter * 3 - 2,
            quarter * 3,
            cutoff,
        )
    }

    /// The first six months of `year`: with the 15th, 15/12 of the previous year to 14/6.
    pub fn half_year(year: i32, cutoff: CutOff) -> Result<ReportPeriod, PeriodError> {
        Self::months(PeriodKind::HalfYear, year, 1, 6, cutoff)
    }

    /// The first nine months of `year`: with the 15th, 15/12 of the previous year to 14/9.
    pub fn nine_months(year: i32, cutoff: CutOff) -> Result<ReportPeriod, PeriodError> {
        Self::months(PeriodKind::NineMonths, year, 1, 9, cutoff)
    }

    /// The year: with the 15th, 15/12 of the previous year to 14/12.
    pub fn year(year: i32, cutoff: CutOff) -> Result<ReportPeriod, PeriodError> {
        Self::months(PeriodKind::Year, year, 1, 12, cutoff)
    }

    /// Any range of days, both included.
    pub fn custom(first: NaiveDate, last: NaiveDate) -> Result<ReportPeriod, PeriodError> {
        if last < first {
            return Err(PeriodError::Reversed { first, last });
        }
        check_year(first.year())?;
        check_year(last.year())?;
        Ok(ReportPeriod {
            kind: PeriodKind::Custom,
            first,
            last,
        })
    }

    /// The kind of period.
    pub fn kind(&self) -> PeriodKind {
        self.kind
    }

    /// The first and the last day of the period, **both included** (as reports print them:
    /// "từ ngày 15/10/2026 đến ngày 14/11/2026").
    pub fn range(&self) -> (NaiveDate, NaiveDate) {
        (self.first, self.last)
    }

    /// The period as instants `[start, end)` in Vietnam time: 00:00 of the first day to 00:00
    /// of the day after the last.
    pub fn instants(&self) -> (DateTime<FixedOffset>, DateTime<FixedOffset>) {
        let start = crate::calendar::at(self.first, NaiveTime::MIN);
        let end = crate::calendar::at(self.last.succ_opt().unwrap_or(self.last), NaiveTime::MIN);
        (start, end)
    }

    /// "từ ngày 15/10/2026 đến ngày 14/11/2026".
    pub fn label_vi(&self) -> String {
        format!(
            "từ ngày {} đến ngày {}",
            self.first.format("%d/%m/%Y"),
            self.last.format("%d/%m/%Y")
        )
    }
}

/// A change of the due date in force, from the dossier's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueChange {
    /// When the change happened (receipt, supplement request, resubmission, extension).
    pub at: DateTime<FixedOffset>,
    /// The due instant from then on; `None` while the clock is stopped for completion
    /// (NĐ 118 art. 19.5).
    pub due_at: Option<DateTime<FixedOffset>>,
}

/// How a dossier ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The final status: returned, refused, stopped or closed.
    pub status: DossierStatus,
    /// When it reached it.
    pub at: DateTime<FixedOffset>,
    /// For a returned dossier: early / on time / late as recorded at the return.
    pub timeliness: Option<Timeliness>,
}

/// What a report needs to know about one dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierFacts {
    /// The dossier code (for tracing a figure back to its dossiers).
    pub code: String,
    /// When the complete dossier was received.
    pub received_at: DateTime<FixedOffset>,
    /// How it reached the commune.
    pub channel: Channel,
    /// The procedure's code.
    pub procedure_code: String,
    /// The procedure's name.
    pub procedure_name: String,
    /// The receiving clerk.
    pub clerk_id: String,
    /// The due dates in force over time, oldest first; the first is the one set at receipt.
    pub due_history: Vec<DueChange>,
    /// The final status and when, if the dossier is resolved.
    pub outcome: Option<Outcome>,
    /// When the citizen was asked to complete the dossier (form 02, NĐ 118 art. 19.5).
    pub supplement_requested_at: Option<DateTime<FixedOffset>>,
    /// When the apology and new due date were issued (form 04, NĐ 118 art. 19.6).
    pub apology_issued_at: Option<DateTime<FixedOffset>>,
}

impl DossierFacts {
    /// The due date in force at `at`: the last change made at or before `at`. `None` before
    /// receipt and while the clock is stopped.
    pub fn due_in_force(&self, at: DateTime<FixedOffset>) -> Option<DateTime<FixedOffset>> {
        self.due_history
            .iter()
            .rev()
            .find(|change| change.at <= at)
            .and_then(|change| change.due_at)
    }

    /// Whether the dossier was still open (not in a final status) at `at`.
    fn open_at(&self, at: DateTime<FixedOffset>) -> bool {
        self.received_at < at && self.outcome.is_none_or(|outcome| outcome.at >= at)
    }
}

/// One satisfaction tap (NĐ 118 art. 31), on the three-level scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TapFact {
    /// When.
    pub tapped_at: DateTime<FixedOffset>,
    /// The level.
    pub level: SatisfactionLevel,
    /// The clerk the evaluation is about, when known.
    pub clerk_id: Option<String>,
    /// The procedure of the dossier evaluated, when known.
    pub procedure_code: Option<String>,
}

/// Maps a tap on a device with `scale` levels (1 = least satisfied) to the three-level scale
/// (domain.md §6: a five-level device maps 4–5 to the satisfied levels and 1–3 to not
/// satisfied): the top level is Rất hài lòng, the one below Hài lòng, the rest Không hài lòng;
/// on a two-level device, 2 is Hài lòng. `None` for a level not on the scale.
pub fn level_of_tap(level: u8, scale: u8) -> Option<SatisfactionLevel> {
    if scale < 2 || level == 0 || level > scale {
        return None;
    }
    Some(if scale == 2 {
        if level == 2 {
            SatisfactionLevel::Satisfied
        } else {
            SatisfactionLevel::Dissatisfied
        }
    } else if level == scale {
        SatisfactionLevel::VerySatisfied
    } else if level == scale - 1 {
        SatisfactionLevel::Satisfied
    } else {
        SatisfactionLevel::Dissatisfied
    })
}

/// Dossiers received in the period, by channel (NĐ 118 art. 14).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct ChannelCounts {
    /// Trực tiếp.
    pub counter: u64,
    /// Qua dịch vụ bưu chính công ích.
    pub post: u64,
    /// Trực tuyến.
    pub online: u64,
}

impl ChannelCounts {
    /// All channels.
    pub fn total(&self) -> u64 {
        self.counter + self.post + self.online
    }

    fn add(&mut self, channel: Channel) {
        match channel {
            Channel::Counter => self.counter += 1,
            Channel::Post => self.post += 1,
            Channel::Online => self.online += 1,
        }
    }
}

/// Dossiers whose result was handed over in the period, by timeliness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct ResolvedCounts {
    /// Trước hạn.
    pub early: u64,
    /// Đúng hạn.
    pub on_time: u64,
    /// Quá hạn.
    pub late: u64,
    /// Returned with no recorded timeliness and no due date to judge it by (data brought in
    /// without a due date); left out of the on-time rate.
    pub unclassified: u64,
}

impl ResolvedCounts {
    /// All returned dossiers.
    pub fn total(&self) -> u64 {
        self.early + self.on_time + self.late + self.unclassified
    }
}

/// Dossiers still open at the end of the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct PendingCounts {
    /// Đang giải quyết, trong hạn.
    pub not_yet_due: u64,
    /// Đang giải quyết, quá hạn.
    pub overdue: u64,
    /// Chờ bổ sung: sent back for completion, the clock stopped (NĐ 118 art. 19.5); neither
    /// due nor overdue.
    pub awaiting_supplement: u64,
}

impl PendingCounts {
    /// All open dossiers.
    pub fn total(&self) -> u64 {
        self.not_yet_due + self.overdue + self.awaiting_supplement
    }
}

/// The indicators of one period for one set of dossiers (all, one procedure, one clerk).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct Indicators {
    /// Tiếp nhận mới trong kỳ, by channel.
    pub received: ChannelCounts,
    /// Từ kỳ trước chuyển sang: received before the period and still open at its start.
    pub carried_over: u64,
    /// Đã giải quyết (result handed over) in the period, by timeliness.
    pub resolved: ResolvedCounts,
    /// Từ chối giải quyết in the period (form 03, NĐ 118 art. 19.3).
    pub refused: u64,
    /// Dừng giải quyết in the period, at the citizen's request (form 05, NĐ 118 art. 21).
    pub stopped: u64,
    /// Closed in the period, not completed within 15 days (NĐ 118 art. 19.5).
    pub closed: u64,
    /// Open at the end of the period.
    pub pending: PendingCounts,
    /// Requests for completion issued in the period (form 02, NĐ 118 art. 19.5).
    pub supplement_requests: u64,
    /// Apologies issued in the period (form 04, NĐ 118 art. 19.6). Form 04 is the apology and
    /// the request for a new date at once, so each is also an extension of the due date.
    pub apologies_issued: u64,
    /// Returned late in the period without an apology ever issued: the art. 19.6 duty missed.
    pub late_without_apology: u64,
    /// Satisfaction taps in the period (NĐ 118 art. 31).
    pub satisfaction: SatisfactionTally,
}

impl Indicators {
    /// Resolved in the period in any final way: returned, refused, stopped or closed.
    pub fn finished(&self) -> u64 {
        self.resolved.total() + self.refused + self.stopped + self.closed
    }

    /// **The on-time rate (tỷ lệ giải quyết đúng hạn)** in basis points (10 000 = 100 %),
    /// rounded half up: (early + on time) ÷ (early + on time + late), over the dossiers whose
    /// result was handed over in the period.
    ///
    /// Refused, stopped and closed dossiers are not in it: domain.md §7 lists them as their own
    /// indicators beside "resolved early / on time / late"; a stop or closure is the citizen's
    /// doing (NĐ 118 art. 19.5, 21), not the office's speed; and the on-time component of the
    /// QĐ 766 index measures processing that produced a result. Returned dossiers without a
    /// timeliness ([`ResolvedCounts::unclassified`]) cannot be judged and are left out.
    /// `None` when nothing was returned: a rate of nothing is neither 0 % nor 100 %.
    pub fn on_time_rate_basis_points(&self) -> Option<u32> {
        let judged = u128::from(self.resolved.early + self.resolved.on_time + self.resolved.late);
        if judged == 0 {
            return None;
        }
        let in_time = u128::from(self.resolved.early + self.resolved.on_time);
        u32::try_from((in_time * 20_000 + judged) / (2 * judged)).ok()
    }

    /// Whether the exact on-time rate is above the 98 % target ([`ON_TIME_TARGET_BASIS_POINTS`]);
    /// `None` when nothing was returned.
    pub fn meets_on_time_target(&self) -> Option<bool> {
        let judged = u128::from(self.resolved.early + self.resolved.on_time + self.resolved.late);
        if judged == 0 {
            return None;
        }
        let in_time = u128::from(self.resolved.early + self.resolved.on_time);
        Some(in_time * 10_000 > u128::from(ON_TIME_TARGET_BASIS_POINTS) * judged)
    }

    /// The satisfaction rate in basis points (see [`SatisfactionTally::rate_basis_points`]).
    pub fn satisfaction_rate_basis_points(&self) -> Option<u32> {
        self.satisfaction.rate_basis_points()
    }

    /// Adds another set of indicators to these (a dossier's to the totals).
    fn absorb(&mut self, other: &Indicators) {
        self.received.counter += other.received.counter;
        self.received.post += other.received.post;
        self.received.online += other.received.online;
        self.carried_over += other.carried_over;
        self.resolved.early += other.resolved.early;
        self.resolved.on_time += other.resolved.on_time;
        self.resolved.late += other.resolved.late;
        self.resolved.unclassified += other.resolved.unclassified;
        self.refused += other.refused;
        self.stopped += other.stopped;
        self.closed += other.closed;
        self.pending.not_yet_due += other.pending.not_yet_due;
        self.pending.overdue += other.pending.overdue;
        self.pending.awaiting_supplement += other.pending.awaiting_supplement;
        self.supplement_requests += other.supplement_requests;
        self.apologies_issued += other.apologies_issued;
        self.late_without_apology += other.late_without_apology;
        self.satisfaction.very_satisfied += other.satisfaction.very_satisfied;
        self.satisfaction.satisfied += other.satisfaction.satisfied;
        self.satisfaction.dissatisfied += other.satisfaction.dissatisfied;
    }

    /// What one dossier contributes to the period's indicators.
    fn of_dossier(facts: &DossierFacts, window: &Window) -> Indicators {
        let mut own = Indicators::default();
        own.add_dossier(facts, window);
        own
    }

    fn add_dossier(&mut self, facts: &DossierFacts, window: &Window) {
        let Window { start, end, as_of } = *window;
        let in_period = |at: DateTime<FixedOffset>| start <= at && at < end;
        if in_period(facts.received_at) {
            self.received.add(facts.channel);
        }
        if facts.received_at < start && facts.open_at(start) {
            self.carried_over += 1;
        }
        if let Some(outcome) = facts.outcome.filter(|o| in_period(o.at)) {
            match outcome.status {
                DossierStatus::Returned => {
                    match outcome.timeliness {
                        Some(Timeliness::Early) => self.resolved.early += 1,
                        Some(Timeliness::OnTime) => self.resolved.on_time += 1,
                        Some(Timeliness::Late) => self.resolved.late += 1,
                        None => self.resolved.unclassified += 1,
                    }
                    if outcome.timeliness == Some(Timeliness::Late)
                        && facts.apology_issued_at.is_none()
                    {
                        self.late_without_apology += 1;
                    }
                }
                DossierStatus::Refused => self.refused += 1,
                DossierStatus::Stopped => self.stopped += 1,
                // Closed, and any non-final status given as an outcome by mistake.
                _ => self.closed += 1,
            }
        }
        if facts.open_at(end) {
            // Judged at the end of the period, or now for a period not yet over.
            match facts.due_in_force(as_of) {
                None => self.pending.awaiting_supplement += 1,
                Some(due) if as_of > due => self.pending.overdue += 1,
                Some(_) => self.pending.not_yet_due += 1,
            }
        }
        if facts.supplement_requested_at.is_some_and(in_period) {
            self.supplement_requests += 1;
        }
        if facts.apology_issued_at.is_some_and(in_period) {
            self.apologies_issued += 1;
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Window {
    start: DateTime<FixedOffset>,
    end: DateTime<FixedOffset>,
    as_of: DateTime<FixedOffset>,
}

/// One procedure's row of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ProcedureRow {
    /// The procedure's code.
    pub procedure_code: String,
    /// Its name (as on the latest dossier of the period).
    pub procedure_name: String,
    /// Its indicators.
    pub indicators: Indicators,
}

/// One clerk's row of the report (dossiers they received, taps about them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ClerkRow {
    /// The clerk's id.
    pub clerk_id: String,
    /// Their indicators.
    pub indicators: Indicators,
}

/// The report of a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PeriodReport {
    /// The period.
    pub period: ReportPeriod,
    /// The instant open dossiers were judged due or overdue at: the end of the period, or the
    /// moment the report was made if the period is not over.
    pub as_of: DateTime<FixedOffset>,
    /// All dossiers.
    pub totals: Indicators,
    /// By procedure, by code.
    pub by_procedure: Vec<ProcedureRow>,
    /// By receiving clerk, by id.
    pub by_clerk: Vec<ClerkRow>,
}

/// Computes the report of `period` from the facts of the dossiers and the taps.
///
/// `dossiers` may hold more than the period needs (a dossier resolved long before, one received
/// after): each is counted only where its dates fall. `taps` are counted when tapped in the
/// period. `now` is when the report is made: open dossiers of a period not yet over are judged
/// overdue at `now` rather than at the period's end.
pub fn compute(
    period: &ReportPeriod,
    now: DateTime<FixedOffset>,
    dossiers: &[DossierFacts],
    taps: &[TapFact],
) -> PeriodReport {
    let (start, end) = period.instants();
    let window = Window {
        start,
        end,
        as_of: now.min(end).with_timezone(&vietnam_offset()),
    };
    let mut totals = Indicators::default();
    let mut by_procedure: BTreeMap<&str, (&str, DateTime<FixedOffset>, Indicators)> =
        BTreeMap::new();
    let mut by_clerk: BTreeMap<&str, Indicators> = BTreeMap::new();

    for facts in dossiers {
        let own = Indicators::of_dossier(facts, &window);
        if own == Indicators::default() {
            continue;
        }
        totals.absorb(&own);
        let procedure = by_procedure
            .entry(facts.procedure_code.as_str())
            .or_insert((
                facts.procedure_name.as_str(),
                facts.received_at,
                Indicators::default(),
            ));
        // The name as on the latest dossier: catalogue renames show their current wording.
        if facts.received_at >= procedure.1 {
            procedure.0 = facts.procedure_name.as_str();
            procedure.1 = facts.received_at;
        }
        procedure.2.absorb(&own);
        by_clerk
            .entry(facts.clerk_id.as_str())
            .or_default()
            .absorb(&own);
    }

    for tap in taps {
        if !(start <= tap.tapped_at && tap.tapped_at < end) {
            continue;
        }
        totals.satisfaction.add(tap.level);
        if let Some(code) = tap.procedure_code.as_deref() {
            let name = dossiers
                .iter()
                .find(|d| d.procedure_code == code)
                .map_or("", |d| d.procedure_name.as_str());
            by_procedure
                .entry(code)
                .or_insert((name, tap.tapped_at, Indicators::default()))
                .2
                .satisfaction
                .add(tap.level);
        }
        if let Some(clerk) = tap.clerk_id.as_deref() {
            by_clerk
                .entry(clerk)
                .or_default()
                .satisfaction
                .add(tap.level);
        }
    }

    PeriodReport {
        period: *period,
        as_of: window.as_of,
        totals,
        by_procedure: by_procedure
            .into_iter()
            .map(|(code, (name, _, indicators))| ProcedureRow {
                procedure_code: code.to_string(),
                procedure_name: name.to_string(),
                indicators,
            })
            .collect(),
        by_clerk: by_clerk
            .into_iter()
            .map(|(clerk_id, indicators)| ClerkRow {
                clerk_id: clerk_id.to_string(),
                indicators,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period_dates(period: Result<ReportPeriod, PeriodError>) -> (String, String) {
        let (first, last) = period.expect("valid period").range();
        (first.to_string(), last.to_string())
    }

    fn pair(first: &str, last: &str) -> (String, String) {
        (first.to_string(), last.to_string())
    }

    /// domain.md §7: with the 15th as cut-off, the month of 11/2026 is 15/10–14/11/2026.
    #[test]
    fn month_with_cutoff_15_runs_from_15th_of_previous_month_to_14th() {
        assert_eq!(
            period_dates(ReportPeriod::month(2026, 11, CutOff::FIFTEENTH)),
            pair("2026-10-15", "2026-11-14")
        );
    }

    /// The January report starts in December of the previous year.
    #[test]
    fn january_with_cutoff_15_starts_in_previous_year() {
        assert_eq!(
            period_dates(ReportPeriod::month(2027, 1, CutOff::FIFTEENTH)),
            pair("2026-12-15", "2027-01-14")
        );
    }

    /// domain.md §7: quarterly reports run up to the 14th of the quarter's last month;
    /// quarter IV is 15/09–14/12.
    #[test]
    fn quarter_iv_with_cutoff_15_is_15_september_to_14_december() {
        assert_eq!(
            period_dates(ReportPeriod::quarter(2026, 4, CutOff::FIFTEENTH)),
            pair("2026-09-15", "2026-12-14")
        );
        assert_eq!(
            period_dates(ReportPeriod::quarter(2026, 1, CutOff::FIFTEENTH)),
            pair("2025-12-15", "2026-03-14")
        );
    }

    /// domain.md §7: 6 months 15/12–14/6, 9 months to 14/9, the year 15/12–14/12.
    #[test]
    fn half_nine_months_and_year_with_cutoff_15_roll_over_from_previous_december() {
        assert_eq!(
            period_dates(ReportPeriod::half_year(2026, CutOff::FIFTEENTH)),
            pair("2025-12-15", "2026-06-14")
        );
        assert_eq!(
            period_dates(ReportPeriod::nine_months(2026, CutOff::FIFTEENTH)),
            pair("2025-12-15", "2026-09-14")
        );
        assert_eq!(
            period_dates(ReportPeriod::year(2026, CutOff::FIFTEENTH)),
            pair("2025-12-15", "2026-12-14")
        );
    }

    /// Cut-off 0 means calendar periods: February of a leap year ends on the 29th.
    #[test]
    fn calendar_periods_run_from_first_to_last_day() {
        let calendar = CutOff::day(0).expect("0 is calendar");
        assert_eq!(
            period_dates(ReportPeriod::month(2028, 2, calendar)),
            pair("2028-02-01", "2028-02-29")
        );
        assert_eq!(
            period_dates(ReportPeriod::quarter(2026, 4, calendar)),
            pair("2026-10-01", "2026-12-31")
        );
        assert_eq!(
            period_dates(ReportPeriod::year(2026, calendar)),
            pair("2026-01-01", "2026-12-31")
        );
    }

    #[test]
    fn cutoff_day_outside_2_to_28_and_bad_numbers_are_refused_with_codes() {
        assert_eq!(
            CutOff::day(1).map_err(|e| e.code()),
            Err("period_cutoff_day")
        );
        assert_eq!(
            CutOff::day(29).map_err(|e| e.code()),
            Err("period_cutoff_day")
        );
        assert_eq!(CutOff::day(20), Ok(CutOff::Day(20)));
        assert_eq!(
            ReportPeriod::month(2026, 13, CutOff::Calendar).map_err(|e| e.code()),
            Err("period_number")
        );
        assert_eq!(
            ReportPeriod::quarter(2026, 0, CutOff::Calendar).map_err(|e| e.code()),
            Err("period_number")
        );
        let first = NaiveDate::from_ymd_opt(2026, 3, 2).expect("date");
        let last = NaiveDate::from_ymd_opt(2026, 3, 1).expect("date");
        assert_eq!(
            ReportPeriod::custom(first, last).map_err(|e| e.code()),
            Err("period_reversed")
        );
    }

    /// The period's instants are Vietnam midnights, the end exclusive (the day after the last).
    #[test]
    fn instants_are_half_open_vietnam_midnights() {
        let period = ReportPeriod::month(2026, 11, CutOff::FIFTEENTH).expect("period");
        let (start, end) = period.instants();
        assert_eq!(start.to_rfc3339(), "2026-10-15T00:00:00+07:00");
        assert_eq!(end.to_rfc3339(), "2026-11-15T00:00:00+07:00");
        assert_eq!(period.label_vi(), "từ ngày 15/10/2026 đến ngày 14/11/2026");
    }

    /// domain.md §6: a five-level device maps 4–5 to the satisfied levels, 1–3 to not.
    #[test]
    fn five_level_taps_map_top_two_to_satisfied() {
        assert_eq!(level_of_tap(5, 5), Some(SatisfactionLevel::VerySatisfied));
        assert_eq!(level_of_tap(4, 5), Some(SatisfactionLevel::Satisfied));
        assert_eq!(level_of_tap(3, 5), Some(SatisfactionLevel::Dissatisfied));
        assert_eq!(level_of_tap(3, 3), Some(SatisfactionLevel::VerySatisfied));
        assert_eq!(level_of_tap(2, 3), Some(SatisfactionLevel::Satisfied));
        assert_eq!(level_of_tap(1, 3), Some(SatisfactionLevel::Dissatisfied));
        assert_eq!(level_of_tap(2, 2), Some(SatisfactionLevel::Satisfied));
        assert_eq!(level_of_tap(0, 3), None);
        assert_eq!(level_of_tap(4, 3), None);
    }
}
