//! Due dates (ngày hẹn trả), apology deadlines and timeliness, in working time.
//!
//! Rules (NĐ 118 = Nghị định 118/2025/NĐ-CP; BLDS = Bộ luật Dân sự 2015):
//! - The period counts from the receipt of the complete, valid dossier (NĐ 118 art. 17.3).
//! - **15:00 cut-off**: a dossier received after 15:00, or on a day the office does not work,
//!   is passed on at the start of the next working day (NĐ 118 art. 18.2), so the period counts
//!   from that day. Received before opening or during the lunch break of a working day, it
//!   counts from that day.
//! - **Day periods start the next day** (BLDS art. 147.2): N working days end at the close of
//!   the Nth working day after the receipt day. The Civil Code ends a day at 24:00
//!   (art. 148.6); a counter returns results in office hours, so the due time is the day's
//!   closing time (17:00 by default).
//! - Calendar-day periods whose last day is a weekly rest day or a holiday end on the next
//!   working day (BLDS art. 148.5).
//! - Every due instant this module returns is working time: on a working day, inside a
//!   working interval or exactly at an interval's close.

use crate::calendar::{at, vietnam_offset, WorkingCalendar};
use crate::procedure::TimeLimit;
use chrono::{DateTime, Days, FixedOffset, NaiveDate, TimeDelta};
use serde::{Deserialize, Serialize};

/// How many calendar days a citizen has to complete a dossier sent back for completion before
/// it is closed (NĐ 118 art. 19.5: "15 ngày").
pub const SUPPLEMENT_DAYS: u64 = 15;

/// The longest period counted, in working days (about 100 years); longer limits are treated as
/// this long. No legal limit comes near it; it bounds the work a corrupt catalogue can cause.
pub const MAX_COUNTED_WORKING_DAYS: u32 = 26_100;

fn local(instant: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    instant.with_timezone(&vietnam_offset())
}

/// The working day from which a period counts (NĐ 118 art. 18.2): the day of receipt if it is
/// a working day and the dossier came before the 15:00 cut-off, else the next working day.
pub fn receipt_day(received_at: DateTime<FixedOffset>, cal: &WorkingCalendar) -> NaiveDate {
    let received = local(received_at);
    let date = received.date_naive();
    if cal.is_working_day(date) && received.time() < cal.hours().afternoon_cutoff() {
        date
    } else {
        cal.next_working_day(date)
    }
}

/// The instant from which a period in working hours counts: the receipt instant (moved to the
/// next interval start if it falls outside one) before the cut-off, else the opening of the
/// next working day (NĐ 118 art. 17.3, 18.2).
pub fn counting_start(
    received_at: DateTime<FixedOffset>,
    cal: &WorkingCalendar,
) -> DateTime<FixedOffset> {
    let day = receipt_day(received_at, cal);
    if day == local(received_at).date_naive() {
        cal.next_working_start(received_at)
    } else {
        cal.opening_of(day)
    }
}

/// The due instant of a dossier received complete at `received_at` under `limit`.
///
/// - `SameDay` ("ngay trong ngày"): the close of the receipt day; after 15:00, the close of the
///   next working day (NĐ 118 art. 18.2; Luật Hộ tịch 2014 art. 16).
/// - `Immediate` ("ngay sau khi nhận đủ giấy tờ"): handled at the counter while the citizen
///   waits, so no cut-off applies: the close of the day of receipt, or of the next working day
///   if received outside a working day or after closing.
/// - `WorkingDays(n)`: the close of the nth working day after the receipt day (BLDS art. 147.2);
///   `n = 0` means the receipt day itself.
/// - `WorkingHours(n)`: n hours counted through the working intervals from [`counting_start`].
/// - `CalendarDays(n)`: the close of receipt day + n days, rolled to the next working day
///   (BLDS art. 147.2, 148.5).
pub fn due_at(
    received_at: DateTime<FixedOffset>,
    limit: TimeLimit,
    cal: &WorkingCalendar,
) -> DateTime<FixedOffset> {
    match limit {
        TimeLimit::SameDay => cal.closing_of(receipt_day(received_at, cal)),
        TimeLimit::Immediate => {
            let received = local(received_at);
            let date = received.date_naive();
            if cal.is_working_day(date) && received.time() < cal.hours().closing() {
                cal.closing_of(date)
            } else {
                cal.closing_of(cal.next_working_day(date))
            }
        }
        TimeLimit::WorkingDays(n) => {
            cal.closing_of(add_working_days(receipt_day(received_at, cal), n, cal))
        }
        TimeLimit::WorkingHours(n) => {
            add_working_minutes(counting_start(received_at, cal), i64::from(n) * 60, cal)
        }
        TimeLimit::CalendarDays(n) => {
            let day = receipt_day(received_at, cal);
            let last = day.checked_add_days(Days::new(u64::from(n))).unwrap_or(day);
            cal.closing_of(cal.working_day_on_or_after(last))
        }
    }
}

/// The new due instant when the completed dossier comes back after a request for completion:
/// the period **restarts from zero** as for a fresh receipt (NĐ 118 art. 19.5), so this is
/// [`due_at`] from `completed_at`.
pub fn restart_after_supplement(
    completed_at: DateTime<FixedOffset>,
    limit: TimeLimit,
    cal: &WorkingCalendar,
) -> DateTime<FixedOffset> {
    due_at(completed_at, limit, cal)
}

/// The instant after which a dossier sent back for completion is closed if the citizen has not
/// completed it (NĐ 118 art. 19.5, "sau 15 ngày").
///
/// The decree says "15 ngày", not "ngày làm việc", so these are **calendar days** under the
/// Civil Code: they start the day after the request (BLDS art. 147.2), end at 24:00 of the 15th
/// day (art. 148.6), and a last day off rolls to the end of the next working day
/// (art. 148.5). Unlike a processing due date this is the citizen's deadline, so it keeps the
/// Code's 24:00 (returned as 00:00 of the following day: the deadline is exclusive).
pub fn supplement_closing_deadline(
    requested_at: DateTime<FixedOffset>,
    cal: &WorkingCalendar,
) -> DateTime<FixedOffset> {
    let requested = local(requested_at).date_naive();
    let last = requested
        .checked_add_days(Days::new(SUPPLEMENT_DAYS))
        .unwrap_or(requested);
    let last = cal.working_day_on_or_after(last);
    let end = last.succ_opt().unwrap_or(last);
    at(end, chrono::NaiveTime::MIN)
}

/// Why a proposed extension of the due date is refused (NĐ 118 art. 19.6).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtensionError {
    /// The return date may be reset only once (art. 19.6).
    #[error("extension_already_granted: the due date has already been extended once")]
    AlreadyExtended,
    /// The new date must be later than the current due date.
    #[error("extension_not_later: proposed {proposed} is not after the current due {current}")]
    NotLater {
        /// The current due instant.
        current: DateTime<FixedOffset>,
        /// The proposed one.
        proposed: DateTime<FixedOffset>,
    },
    /// The new date must be a time the office can return the result.
    #[error("extension_not_working_time: proposed {0} is outside working time")]
    NotWorkingTime(DateTime<FixedOffset>),
}

impl ExtensionError {
    /// A stable machine-readable code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::AlreadyExtended => "extension_already_granted",
            Self::NotLater { .. } => "extension_not_later",
            Self::NotWorkingTime(_) => "extension_not_working_time",
        }
    }
}

/// Checks a proposed new due date (Mẫu 04, "thời hạn trả kết quả mới"): only one extension per
/// dossier, later than the current due date, and in working time (NĐ 118 art. 19.6).
pub fn validate_extension(
    current_due: DateTime<FixedOffset>,
    proposed: DateTime<FixedOffset>,
    extensions_already_granted: u32,
    cal: &WorkingCalendar,
) -> Result<(), ExtensionError> {
    if extensions_already_granted > 0 {
        return Err(ExtensionError::AlreadyExtended);
    }
    if proposed <= current_due {
        return Err(ExtensionError::NotLater {
            current: local(current_due),
            proposed: local(proposed),
        });
    }
    if !cal.is_working_time(proposed) {
        return Err(ExtensionError::NotWorkingTime(local(proposed)));
    }
    Ok(())
}

/// The latest instant to issue the apology and extension request: "chậm nhất 01 ngày trước
/// ngày hết hạn" (NĐ 118 art. 19.6), read as the close of the last working day before the due
/// date's day (a day off before the due date cannot be used to send it).
pub fn apology_deadline(
    due_at: DateTime<FixedOffset>,
    cal: &WorkingCalendar,
) -> DateTime<FixedOffset> {
    cal.closing_of(cal.previous_working_day(local(due_at).date_naive()))
}

/// Whether the apology for a dossier still in progress is due at `now`: from the opening of
/// the working day of [`apology_deadline`] onwards (it stays due after the deadline and after
/// the due date; the caller stops asking once the apology is issued or the result returned).
/// For periods of one working day or less the deadline precedes receipt, so the answer is
/// `true` from receipt: the law leaves no room for an advance apology there.
pub fn is_apology_due(
    now: DateTime<FixedOffset>,
    due_at: DateTime<FixedOffset>,
    cal: &WorkingCalendar,
) -> bool {
    let deadline_day = apology_deadline(due_at, cal).date_naive();
    now >= cal.opening_of(deadline_day)
}

/// Timeliness of a returned dossier (Phiếu kiểm soát: trước hạn / đúng hạn / quá hạn).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Trước hạn: returned on a day before the due date's day.
    Early,
    /// Đúng hạn: returned on the due date's day, at or before the due instant.
    OnTime,
    /// Quá hạn: returned after the due instant.
    Late,
}

/// Classifies a return at `at` against `due_at` (rule in [`Timeliness`]). For a dossier still
/// in progress pass `now`: `Late` then means overdue, the other values what a return now
/// would be. The calendar is not needed by this rule (early is judged by calendar date, so a
/// Saturday return before a Monday due date is early); it is taken so callers need not change
/// if a province counts early returns in working days.
pub fn classify(
    at: DateTime<FixedOffset>,
    due_at: DateTime<FixedOffset>,
    _cal: &WorkingCalendar,
) -> Timeliness {
    if at > due_at {
        Timeliness::Late
    } else if local(at).date_naive() < local(due_at).date_naive() {
        Timeliness::Early
    } else {
        Timeliness::OnTime
    }
}

/// The state of a dossier still in progress, for reports ("đang giải quyết: trong hạn / quá
/// hạn").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PendingStatus {
    /// Not yet due at `now`.
    NotYetDue,
    /// Past its due instant and not returned.
    Overdue,
}

/// Whether an unreturned dossier is overdue at `now`.
pub fn classify_pending(
    now: DateTime<FixedOffset>,
    due_at: DateTime<FixedOffset>,
) -> PendingStatus {
    if now > due_at {
        PendingStatus::Overdue
    } else {
        PendingStatus::NotYetDue
    }
}

/// The nth working day after `date` (BLDS art. 147.2: day periods start the next day). With
/// `n = 0`, `date` itself if it is a working day, else the next one. `n` is capped at
/// [`MAX_COUNTED_WORKING_DAYS`] so a corrupt limit cannot hang the caller.
pub fn add_working_days(date: NaiveDate, n: u32, cal: &WorkingCalendar) -> NaiveDate {
    if n == 0 {
        return cal.working_day_on_or_after(date);
    }
    let mut day = date;
    for _ in 0..n.min(MAX_COUNTED_WORKING_DAYS) {
        day = cal.next_working_day(day);
    }
    day
}

/// Adds `minutes` of working time to `start`, through the working intervals and over days
/// off. The result is inside an interval or exactly at an interval's close. Negative minutes
/// count as 0; more than [`MAX_COUNTED_WORKING_DAYS`] days' worth are capped.
pub fn add_working_minutes(
    start: DateTime<FixedOffset>,
    minutes: i64,
    cal: &WorkingCalendar,
) -> DateTime<FixedOffset> {
    let mut instant = cal.next_working_start(start);
    let cap = i64::from(MAX_COUNTED_WORKING_DAYS) * cal.hours().minutes_per_day();
    let mut remaining = TimeDelta::minutes(minutes.clamp(0, cap));
    loop {
        let date = instant.date_naive();
        let time = instant.time();
        let Some(interval) = cal
            .hours()
            .intervals()
            .iter()
            .find(|i| i.start <= time && time < i.end)
        else {
            // Unreachable for a valid calendar; stop rather than loop.
            return instant;
        };
        let available = at(date, interval.end) - instant;
        if remaining <= available {
            return instant + remaining;
        }
        remaining -= available;
        instant = cal.next_working_start(at(date, interval.end));
    }
}

/// The earliest working instant at or after `instant` (see
/// [`WorkingCalendar::next_working_start`]).
pub fn next_working_start(
    instant: DateTime<FixedOffset>,
    cal: &WorkingCalendar,
) -> DateTime<FixedOffset> {
    cal.next_working_start(instant)
}

/// The number of working days in `(from, to]`; negative, with the same magnitude as for the
/// swapped arguments, when `to` is before `from`.
pub fn working_days_between(from: NaiveDate, to: NaiveDate, cal: &WorkingCalendar) -> i64 {
    let (low, high, sign) = if from <= to {
        (from, to, 1)
    } else {
        (to, from, -1)
    };
    let mut count = 0;
    let mut day = low;
    while let Some(next) = day.succ_opt().filter(|next| *next <= high) {
        if cal.is_working_day(next) {
            count += 1;
        }
        day = next;
    }
    sign * count
}

/// The close of the nth working day after `now`'s date (with `n = 0`, of `now`'s date if it
/// is a working day, else of the next one): "due within n working days" means due at or before
/// this instant. Matches [`add_working_days`], so a dossier received before the cut-off with
/// `WorkingDays(n)` is due exactly at the horizon of its receipt instant.
pub fn working_day_horizon(
    now: DateTime<FixedOffset>,
    n: u32,
    cal: &WorkingCalendar,
) -> DateTime<FixedOffset> {
    cal.closing_of(add_working_days(local(now).date_naive(), n, cal))
}
