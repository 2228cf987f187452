//! The working-time calendar of a commune office: working hours, public holidays, make-up days
//! and the Prime Minister's official schedules.
//!
//! Layers, strongest first (see [`WorkingCalendar::day_kind`]):
//! 1. **Official schedules** ([`OfficialSchedule`], shipped as data in `assets/calendar/YEAR.json`
//!    and updatable by sync): the days off and the swapped working days the Prime Minister fixes
//!    each year for civil servants (Bộ luật Lao động 2019 art. 112.3).
//! 2. **Computed public holidays** (art. 112.1) and **make-up days** (art. 111.3).
//! 3. **Weekly rest**: Saturday and Sunday for state agencies (QĐ 188/1999/QĐ-TTg, 40-hour week).
//!
//! Computed defaults (used where no official schedule says otherwise):
//! - **Tết Nguyên đán**: the last day of the old lunar year ("30 Tết", or 29 in a short
//!   month 12) and days 1–4 of month 1: five days (art. 112.1.b). The Prime Minister may pick
//!   other days each year; the official schedule then overrides.
//! - **Quốc khánh**: 2/9 and **1/9** as the adjacent day (art. 112.1.đ leaves the choice of 1/9
//!   or 3/9 to the Prime Minister; 1/9 was picked in 2022, 2025 and the 2026 default, 3/9 in
//!   2021 and 2024, which the official schedules of those years must state).
//! - **Older rules, modelled by year** so that historical dossiers get plausible counts:
//!   Bộ luật Lao động 1994 art. 73 (in force 01/01/1995): Tết 4 days (eve + 1–3), Quốc khánh
//!   1 day, no Giỗ Tổ; Luật 84/2007/QH11 added Giỗ Tổ from 2007; Bộ luật Lao động 2012 art. 115
//!   (in force 01/5/2013): Tết 5 days from Tết 2014; Bộ luật Lao động 2019 (in force
//!   01/01/2021): Quốc khánh 2 days. Years before 1995 are computed with the 1994 code's rule,
//!   and Saturday is treated as weekly rest in every year, although the civil-service 5-day
//!   week only began on 02/10/1999: both are approximations for historical data only.
//! - Computed holidays cover [`HOLIDAY_YEARS`]; outside it only weekly rest and official
//!   schedules apply.
//!
//! All instants are Vietnam time (UTC+7, [`vietnam_offset`]); the calendar never reads the clock.

use crate::lunar;
use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Weekday,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::RangeInclusive;
use std::sync::OnceLock;

/// The Gregorian years for which public holidays are computed (the lunar calendar's span).
pub const HOLIDAY_YEARS: RangeInclusive<i32> = lunar::SUPPORTED_YEARS;

/// How far the calendar searches for the next or previous working day before giving up and
/// returning the date it reached. Only a schedule that declares years of days off can hit it.
const MAX_DAY_SEARCH: u32 = 3_660;

const VIETNAM_OFFSET: FixedOffset = match FixedOffset::east_opt(7 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+7 is a valid offset"),
};

/// Vietnam's legal time, UTC+7, in which every instant of this crate is expressed.
pub fn vietnam_offset() -> FixedOffset {
    VIETNAM_OFFSET
}

/// Why a calendar input was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The working hours are empty, unordered, overlapping, or the cut-off is outside them.
    #[error("invalid_working_hours: {0}")]
    InvalidWorkingHours(String),
    /// The official schedule is not valid JSON of the documented shape.
    #[error("invalid_schedule_json: {0}")]
    InvalidScheduleJson(String),
    /// An entry of an official schedule lies outside the schedule's year.
    #[error("schedule_date_outside_year: {date} is not in {year}")]
    ScheduleDateOutsideYear {
        /// The schedule's year.
        year: i32,
        /// The offending date.
        date: NaiveDate,
    },
    /// A date is both an extra day off and a working day in the same schedule.
    #[error("schedule_conflicting_entries: {0} is listed both as a day off and a working day")]
    ScheduleConflictingEntries(NaiveDate),
}

impl CalendarError {
    /// A stable machine-readable code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidWorkingHours(_) => "invalid_working_hours",
            Self::InvalidScheduleJson(_) => "invalid_schedule_json",
            Self::ScheduleDateOutsideYear { .. } => "schedule_date_outside_year",
            Self::ScheduleConflictingEntries(_) => "schedule_conflicting_entries",
        }
    }
}

/// One working interval of a day, from `start` (inclusive) to `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingInterval {
    /// Opening time.
    pub start: NaiveTime,
    /// Closing time.
    pub end: NaiveTime,
}

/// The office hours of a commune (giờ làm việc) and the afternoon cut-off for receipts.
///
/// Each province sets its own hours; the default is 07:30–11:30 and 13:30–17:00. The cut-off is
/// 15:00: a paper dossier received after it is passed on at the start of the next working day
/// (NĐ 118 art. 18.2), so periods count from that day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkingHours {
    intervals: Vec<WorkingInterval>,
    afternoon_cutoff: NaiveTime,
}

fn time(hour: u32, minute: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN)
}

impl Default for WorkingHours {
    fn default() -> Self {
        Self {
            intervals: vec![
                WorkingInterval {
                    start: time(7, 30),
                    end: time(11, 30),
                },
                WorkingInterval {
                    start: time(13, 30),
                    end: time(17, 0),
                },
            ],
            afternoon_cutoff: time(15, 0),
        }
    }
}

impl WorkingHours {
    /// Working hours from a list of `(start, end)` intervals in day order and the receipt
    /// cut-off (15:00 by NĐ 118 art. 18.2). Intervals must be non-empty, ordered and disjoint,
    /// and the cut-off must fall between the first opening and the last closing.
    pub fn new(
        intervals: Vec<(NaiveTime, NaiveTime)>,
        afternoon_cutoff: NaiveTime,
    ) -> Result<Self, CalendarError> {
        let intervals: Vec<WorkingInterval> = intervals
            .into_iter()
            .map(|(start, end)| WorkingInterval { start, end })
            .collect();
        let (Some(first), Some(last)) = (intervals.first(), intervals.last()) else {
            return Err(CalendarError::InvalidWorkingHours("no interval".into()));
        };
        if let Some(bad) = intervals.iter().find(|i| i.start >= i.end) {
            return Err(CalendarError::InvalidWorkingHours(format!(
                "interval {}-{} does not end after it starts",
                bad.start, bad.end
            )));
        }
        if let Some(pair) = intervals
            .windows(2)
            .find(|pair| pair[0].end >= pair[1].start)
        {
            return Err(CalendarError::InvalidWorkingHours(format!(
                "intervals {}-{} and {}-{} are not ordered with a gap",
                pair[0].start, pair[0].end, pair[1].start, pair[1].end
            )));
        }
        if afternoon_cutoff <= first.start || afternoon_cutoff > last.end {
            return Err(CalendarError::InvalidWorkingHours(format!(
                "cut-off {afternoon_cutoff} is outside the working day"
            )));
        }
        Ok(Self {
            intervals,
            afternoon_cutoff,
        })
    }

    /// The working intervals of a day, in order.
    pub fn intervals(&self) -> &[WorkingInterval] {
        &self.intervals
    }

    /// The receipt cut-off (NĐ 118 art. 18.2).
    pub fn afternoon_cutoff(&self) -> NaiveTime {
        self.afternoon_cutoff
    }

    /// The first opening time of the day.
    pub fn opening(&self) -> NaiveTime {
        self.intervals.first().map_or(NaiveTime::MIN, |i| i.start)
    }

    /// The last closing time of the day.
    pub fn closing(&self) -> NaiveTime {
        self.intervals.last().map_or(NaiveTime::MIN, |i| i.end)
    }

    /// Working minutes in one working day.
    pub fn minutes_per_day(&self) -> i64 {
        self.intervals
            .iter()
            .map(|i| (i.end - i.start).num_minutes())
            .sum()
    }
}

/// A public holiday of Bộ luật Lao động 2019 art. 112.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicHoliday {
    /// Tết Dương lịch, 1/1 (art. 112.1.a).
    NewYear,
    /// Tết Âm lịch (Tết Nguyên đán), 5 days (art. 112.1.b).
    LunarNewYear,
    /// Giỗ Tổ Hùng Vương, 10/3 lunar (art. 112.1.e).
    HungKingsCommemoration,
    /// Ngày Chiến thắng, 30/4 (art. 112.1.c).
    ReunificationDay,
    /// Ngày Quốc tế lao động, 1/5 (art. 112.1.d).
    LabourDay,
    /// Quốc khánh, 2/9 and one adjacent day (art. 112.1.đ).
    NationalDay,
}

impl PublicHoliday {
    /// The Vietnamese name, as printed.
    pub fn name_vi(self) -> &'static str {
        match self {
            Self::NewYear => "Tết Dương lịch",
            Self::LunarNewYear => "Tết Nguyên đán",
            Self::HungKingsCommemoration => "Giỗ Tổ Hùng Vương",
            Self::ReunificationDay => "Ngày Chiến thắng",
            Self::LabourDay => "Ngày Quốc tế lao động",
            Self::NationalDay => "Quốc khánh",
        }
    }

    /// The legal source of the holiday under the 2019 Labour Code.
    pub fn legal_basis(self) -> &'static str {
        match self {
            Self::NewYear => "BLLĐ 2019 Đ.112.1.a",
            Self::LunarNewYear => "BLLĐ 2019 Đ.112.1.b",
            Self::ReunificationDay => "BLLĐ 2019 Đ.112.1.c",
            Self::LabourDay => "BLLĐ 2019 Đ.112.1.d",
            Self::NationalDay => "BLLĐ 2019 Đ.112.1.đ",
            Self::HungKingsCommemoration => "BLLĐ 2019 Đ.112.1.e",
        }
    }
}

/// What kind of day a date is for a commune office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DayKind {
    /// An ordinary working day.
    Working,
    /// Saturday or Sunday.
    WeeklyRest,
    /// A public holiday (BLLĐ 2019 art. 112.1).
    Holiday {
        /// Which holiday.
        holiday: PublicHoliday,
    },
    /// A day off in place of a holiday that fell on a weekly rest day (BLLĐ 2019 art. 111.3).
    MakeUp {
        /// The holiday date it makes up for.
        for_date: NaiveDate,
        /// The holiday it makes up for.
        holiday: PublicHoliday,
    },
    /// An extra day off set by an official schedule (a swap or a bridge day).
    OfficialDayOff {
        /// Why, as the schedule states it.
        reason: String,
    },
    /// A day worked by official schedule although it would otherwise be off (a swapped
    /// Saturday, or a computed default the Prime Minister did not choose).
    OfficialWorkingDay {
        /// Why, as the schedule states it.
        reason: String,
    },
}

impl DayKind {
    /// Whether a commune office works on such a day.
    pub fn is_working(&self) -> bool {
        matches!(self, Self::Working | Self::OfficialWorkingDay { .. })
    }
}

/// One dated entry of an official schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleEntry {
    /// The date.
    pub date: NaiveDate,
    /// Why the day is off or worked, in Vietnamese as printed.
    pub reason: String,
    /// The document that decides it (e.g. "Công văn 12729/VPCP-KGVX ngày 25/12/2025").
    pub source: String,
    /// `false` when the entry records the computed default because the final decision was not
    /// seen; such entries change nothing but tell the reader what is unverified.
    #[serde(default = "default_true")]
    pub confirmed: bool,
}

fn default_true() -> bool {
    true
}

/// The Prime Minister's schedule of days off and swapped working days for civil servants in one
/// year (BLLĐ 2019 art. 112.3), which overrides the computed defaults.
///
/// JSON shape (`assets/calendar/YEAR.json`):
/// `{"year": 2026, "note": "...", "days_off": [ScheduleEntry...], "working_days": [ScheduleEntry...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficialSchedule {
    /// The Gregorian year the schedule covers; every entry lies in it.
    pub year: i32,
    /// Free text: what is confirmed, what is a default, where it comes from.
    #[serde(default)]
    pub note: String,
    /// Days off beyond the computed holidays (or restating them, with their source).
    #[serde(default)]
    pub days_off: Vec<ScheduleEntry>,
    /// Days worked although weekly rest or a computed holiday or make-up day.
    #[serde(default)]
    pub working_days: Vec<ScheduleEntry>,
}

impl OfficialSchedule {
    /// Parses and validates a schedule from JSON text (no file IO: the caller reads the file).
    pub fn parse_json(text: &str) -> Result<Self, CalendarError> {
        let schedule: Self = serde_json::from_str(text)
            .map_err(|error| CalendarError::InvalidScheduleJson(error.to_string()))?;
        schedule.validate()?;
        Ok(schedule)
    }

    /// Checks that every entry lies in the schedule's year and no date is both off and worked.
    pub fn validate(&self) -> Result<(), CalendarError> {
        for entry in self.days_off.iter().chain(&self.working_days) {
            if entry.date.year() != self.year {
                return Err(CalendarError::ScheduleDateOutsideYear {
                    year: self.year,
                    date: entry.date,
                });
            }
        }
        if let Some(clash) = self
            .days_off
            .iter()
            .find(|off| self.working_days.iter().any(|w| w.date == off.date))
        {
            return Err(CalendarError::ScheduleConflictingEntries(clash.date));
        }
        Ok(())
    }
}

/// The official schedules shipped with the app (`assets/calendar/*.json`), embedded at compile
/// time so that the domain crate stays free of file IO.
pub fn bundled_schedules() -> Result<Vec<OfficialSchedule>, CalendarError> {
    [
        include_str!("../../../assets/calendar/2025.json"),
        include_str!("../../../assets/calendar/2026.json"),
    ]
    .into_iter()
    .map(OfficialSchedule::parse_json)
    .collect()
}

/// A day that breaks the weekly pattern: a weekday off, or a weekend day worked. The output of
/// [`WorkingCalendar::exceptions`] and of `motcua calendar YEAR`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarException {
    /// The date.
    pub date: NaiveDate,
    /// The weekday in Vietnamese ("Thứ Hai" … "Chủ nhật").
    pub weekday: &'static str,
    /// Whether the office works that day.
    pub working: bool,
    /// What the day is.
    pub kind: DayKind,
    /// Why, in Vietnamese.
    pub reason: String,
    /// The legal source or the official document.
    pub source: String,
    /// `false` when the day comes from an unconfirmed official entry.
    pub confirmed: bool,
}

/// A computed non-working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ComputedDay {
    Holiday(PublicHoliday),
    MakeUp {
        for_date: NaiveDate,
        holiday: PublicHoliday,
    },
}

/// An official entry after merging the schedules.
#[derive(Debug, Clone, PartialEq, Eq)]
struct OfficialDay {
    working: bool,
    entry: ScheduleEntry,
}

/// The working calendar of one commune: its hours, the computed holidays and the official
/// schedules. Cheap to clone; holiday tables are computed lazily, once per year.
#[derive(Debug, Clone)]
pub struct WorkingCalendar {
    hours: WorkingHours,
    official: BTreeMap<NaiveDate, OfficialDay>,
    holiday_tables: Vec<OnceLock<BTreeMap<NaiveDate, ComputedDay>>>,
}

impl WorkingCalendar {
    /// A calendar from the commune's hours and the official schedules. When two schedules give
    /// the same date, the later one in the list wins (a newer announcement replaces an older).
    pub fn new(hours: WorkingHours, schedules: Vec<OfficialSchedule>) -> Self {
        let mut official = BTreeMap::new();
        for schedule in schedules {
            for entry in schedule.days_off {
                official.insert(
                    entry.date,
                    OfficialDay {
                        working: false,
                        entry,
                    },
                );
            }
            for entry in schedule.working_days {
                official.insert(
                    entry.date,
                    OfficialDay {
                        working: true,
                        entry,
                    },
                );
            }
        }
        let year_count = HOLIDAY_YEARS.count();
        Self {
            hours,
            official,
            holiday_tables: (0..year_count).map(|_| OnceLock::new()).collect(),
        }
    }

    /// A calendar with the default hours (07:30–11:30, 13:30–17:00, cut-off 15:00).
    pub fn with_defaults(schedules: Vec<OfficialSchedule>) -> Self {
        Self::new(WorkingHours::default(), schedules)
    }

    /// The commune's working hours.
    pub fn hours(&self) -> &WorkingHours {
        &self.hours
    }

    /// What kind of day `date` is. Precedence: an official working day, then a computed
    /// holiday, a make-up day, an official day off, weekly rest, and otherwise a working day.
    pub fn day_kind(&self, date: NaiveDate) -> DayKind {
        let official = self.official.get(&date);
        if let Some(day) = official.filter(|day| day.working) {
            return DayKind::OfficialWorkingDay {
                reason: day.entry.reason.clone(),
            };
        }
        match self.computed(date) {
            Some(ComputedDay::Holiday(holiday)) => return DayKind::Holiday { holiday },
            Some(ComputedDay::MakeUp { for_date, holiday }) => {
                return DayKind::MakeUp { for_date, holiday }
            }
            None => {}
        }
        if let Some(day) = official {
            return DayKind::OfficialDayOff {
                reason: day.entry.reason.clone(),
            };
        }
        if is_weekend(date) {
            DayKind::WeeklyRest
        } else {
            DayKind::Working
        }
    }

    /// Whether the office works on `date`.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if let Some(day) = self.official.get(&date) {
            return day.working;
        }
        !is_weekend(date) && self.computed(date).is_none()
    }

    /// The first working day strictly after `date`.
    pub fn next_working_day(&self, date: NaiveDate) -> NaiveDate {
        self.search(date, 1, |d| self.is_working_day(d))
    }

    /// `date` if it is a working day, else the next working day.
    pub fn working_day_on_or_after(&self, date: NaiveDate) -> NaiveDate {
        if self.is_working_day(date) {
            date
        } else {
            self.next_working_day(date)
        }
    }

    /// The last working day strictly before `date`.
    pub fn previous_working_day(&self, date: NaiveDate) -> NaiveDate {
        self.search(date, -1, |d| self.is_working_day(d))
    }

    /// The opening instant (first interval start) of `date`.
    pub fn opening_of(&self, date: NaiveDate) -> DateTime<FixedOffset> {
        at(date, self.hours.opening())
    }

    /// The closing instant (last interval end) of `date`: the due time of a day-based period.
    pub fn closing_of(&self, date: NaiveDate) -> DateTime<FixedOffset> {
        at(date, self.hours.closing())
    }

    /// Whether `instant` is working time: on a working day, inside an interval or exactly at
    /// an interval's close.
    pub fn is_working_time(&self, instant: DateTime<FixedOffset>) -> bool {
        let local = instant.with_timezone(&VIETNAM_OFFSET).naive_local();
        self.is_working_day(local.date())
            && self
                .hours
                .intervals
                .iter()
                .any(|i| i.start <= local.time() && local.time() <= i.end)
    }

    /// The earliest instant at or after `instant` from which working time runs: `instant`
    /// itself inside an interval, else the next interval start (the same day or a later
    /// working day). Always returned in UTC+7.
    pub fn next_working_start(&self, instant: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
        let local = instant.with_timezone(&VIETNAM_OFFSET);
        let date = local.date_naive();
        if self.is_working_day(date) {
            let time = local.time();
            for interval in &self.hours.intervals {
                if time < interval.start {
                    return at(date, interval.start);
                }
                if time < interval.end {
                    return local;
                }
            }
        }
        self.opening_of(self.next_working_day(date))
    }

    /// Every weekday that is not a working day and every weekend day that is, in `year`, with
    /// the reason and its source.
    pub fn exceptions(&self, year: i32) -> Vec<CalendarException> {
        let mut result = Vec::new();
        let Some(mut date) = NaiveDate::from_ymd_opt(year, 1, 1) else {
            return result;
        };
        while date.year() == year {
            let kind = self.day_kind(date);
            let working = kind.is_working();
            if working == is_weekend(date) {
                result.push(self.describe(date, kind));
            }
            match date.succ_opt() {
                Some(next) => date = next,
                None => break,
            }
        }
        result
    }

    fn describe(&self, date: NaiveDate, kind: DayKind) -> CalendarException {
        let official = self.official.get(&date);
        let (reason, source, confirmed) = match &kind {
            DayKind::Holiday { holiday } => (
                holiday.name_vi().to_owned(),
                holiday.legal_basis().to_owned(),
                official.is_none_or(|day| day.entry.confirmed),
            ),
            DayKind::MakeUp { for_date, holiday } => (
                format!(
                    "Nghỉ bù {} ngày {} (trùng ngày nghỉ hằng tuần)",
                    holiday.name_vi(),
                    for_date.format("%d/%m/%Y")
                ),
                "BLLĐ 2019 Đ.111.3".to_owned(),
                official.is_none_or(|day| day.entry.confirmed),
            ),
            DayKind::OfficialDayOff { reason } | DayKind::OfficialWorkingDay { reason } => (
                reason.clone(),
                official
                    .map(|day| day.entry.source.clone())
                    .unwrap_or_default(),
                official.is_none_or(|day| day.entry.confirmed),
            ),
            DayKind::WeeklyRest => (
                "Nghỉ hằng tuần".to_owned(),
                "QĐ 188/1999/QĐ-TTg".to_owned(),
                true,
            ),
            DayKind::Working => ("Ngày làm việc".to_owned(), String::new(), true),
        };
        let working = kind.is_working();
        CalendarException {
            date,
            weekday: weekday_vi(date.weekday()),
            working,
            kind,
            reason,
            source,
            confirmed,
        }
    }

    fn search(&self, from: NaiveDate, step: i64, accept: impl Fn(NaiveDate) -> bool) -> NaiveDate {
        let mut date = from;
        for _ in 0..MAX_DAY_SEARCH {
            let next = if step > 0 {
                date.succ_opt()
            } else {
                date.pred_opt()
            };
            match next {
                Some(next) => date = next,
                None => return date,
            }
            if accept(date) {
                return date;
            }
        }
        date
    }

    fn computed(&self, date: NaiveDate) -> Option<ComputedDay> {
        let year = date.year();
        let index = usize::try_from(year - HOLIDAY_YEARS.start()).ok()?;
        let table = self.holiday_tables.get(index)?;
        table
            .get_or_init(|| self.compute_year(year))
            .get(&date)
            .copied()
    }

    /// The computed holidays of `year` by the rule in force that year, and the make-up days of
    /// those falling on weekly rest (BLLĐ 2019 art. 111.3: the next working day).
    fn compute_year(&self, year: i32) -> BTreeMap<NaiveDate, ComputedDay> {
        let mut table = BTreeMap::new();
        for (date, holiday) in default_holidays(year) {
            // Two holidays on one date (rare, e.g. Giỗ Tổ on 30/4) give one day off: the code
            // grants make-up days for weekly rest only.
            table.entry(date).or_insert(ComputedDay::Holiday(holiday));
        }
        let weekend_holidays: Vec<(NaiveDate, PublicHoliday)> = table
            .iter()
            .filter_map(|(date, day)| match day {
                ComputedDay::Holiday(holiday) if is_weekend(*date) => Some((*date, *holiday)),
                _ => None,
            })
            .collect();
        for (for_date, holiday) in weekend_holidays {
            let make_up = self.search(for_date, 1, |d| {
                let official_off = self.official.get(&d).is_some_and(|day| !day.working);
                !is_weekend(d) && !table.contains_key(&d) && !official_off
            });
            table.insert(make_up, ComputedDay::MakeUp { for_date, holiday });
        }
        table
    }
}

/// The public holidays of `year` by the rule in force that year (see the module docs).
fn default_holidays(year: i32) -> Vec<(NaiveDate, PublicHoliday)> {
    let mut days = Vec::new();
    let solar = |month, day| NaiveDate::from_ymd_opt(year, month, day);
    let mut push = |date: Option<NaiveDate>, holiday| {
        if let Some(date) = date {
            days.push((date, holiday));
        }
    };
    push(solar(1, 1), PublicHoliday::NewYear);
    if let (Ok(eve), Ok(tet)) = (lunar::lunar_new_years_eve(year), lunar::tet(year)) {
        // 1994 code: eve + days 1–3; 2012 code (from Tết 2014) and 2019 code: eve + days 1–4.
        let first_days = if year >= 2014 { 4 } else { 3 };
        push(Some(eve), PublicHoliday::LunarNewYear);
        for offset in 0..first_days {
            push(
                tet.checked_add_days(chrono::Days::new(offset)),
                PublicHoliday::LunarNewYear,
            );
        }
    }
    if year >= 2007 {
        push(
            lunar::hung_kings_day(year).ok(),
            PublicHoliday::HungKingsCommemoration,
        );
    }
    push(solar(4, 30), PublicHoliday::ReunificationDay);
    push(solar(5, 1), PublicHoliday::LabourDay);
    if year >= 2021 {
        push(solar(9, 1), PublicHoliday::NationalDay);
    }
    push(solar(9, 2), PublicHoliday::NationalDay);
    days
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn weekday_vi(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Mon => "Thứ Hai",
        Weekday::Tue => "Thứ Ba",
        Weekday::Wed => "Thứ Tư",
        Weekday::Thu => "Thứ Năm",
        Weekday::Fri => "Thứ Sáu",
        Weekday::Sat => "Thứ Bảy",
        Weekday::Sun => "Chủ nhật",
    }
}

/// `date` at `time`, Vietnam time. Only at the very edge of chrono's range (year ±262143) can
/// the local time not be represented; the naive value is then read as UTC rather than panic.
pub(crate) fn at(date: NaiveDate, time: NaiveTime) -> DateTime<FixedOffset> {
    let naive = NaiveDateTime::new(date, time);
    VIETNAM_OFFSET
        .from_local_datetime(&naive)
        .single()
        .unwrap_or_else(|| DateTime::from_naive_utc_and_offset(naive, VIETNAM_OFFSET))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    /// BLLĐ 2019 art. 112.1.b default: Tết Bính Ngọ 2026 = eve 16/2 + 17–20/2.
    #[test]
    fn tet_2026_default_is_eve_plus_four_days() {
        let calendar = WorkingCalendar::with_defaults(vec![]);
        for day in 16..=20 {
            assert_eq!(
                calendar.day_kind(date(2026, 2, day)),
                DayKind::Holiday {
                    holiday: PublicHoliday::LunarNewYear
                },
                "{day}/2"
            );
        }
        assert!(calendar.is_working_day(date(2026, 2, 23)));
    }

    /// BLLĐ 2019 art. 111.3: Giỗ Tổ 2026 is Sunday 26/4, made up on Monday 27/4.
    #[test]
    fn hung_kings_day_2026_on_sunday_is_made_up_on_monday() {
        let calendar = WorkingCalendar::with_defaults(vec![]);
        assert_eq!(
            calendar.day_kind(date(2026, 4, 27)),
            DayKind::MakeUp {
                for_date: date(2026, 4, 26),
                holiday: PublicHoliday::HungKingsCommemoration
            }
        );
    }

    /// Labour Code 1994 rule for old data: Tết 2010 had 4 days, no 2-day Quốc khánh.
    #[test]
    fn older_codes_give_four_days_of_tet_and_one_day_of_national_day() {
        let calendar = WorkingCalendar::with_defaults(vec![]);
        let tet_days = default_holidays(2010)
            .iter()
            .filter(|(_, h)| *h == PublicHoliday::LunarNewYear)
            .count();
        assert_eq!(tet_days, 4);
        assert!(
            calendar.is_working_day(date(2020, 9, 1)),
            "1/9/2020 was a Tuesday worked"
        );
        assert!(!calendar.is_working_day(date(2021, 9, 1)));
    }

    #[test]
    fn working_hours_reject_overlaps_and_outside_cutoff() {
        let overlapping = WorkingHours::new(
            vec![(time(7, 30), time(12, 0)), (time(11, 0), time(17, 0))],
            time(15, 0),
        );
        assert_eq!(
            overlapping.map_err(|e| e.code()),
            Err("invalid_working_hours")
        );
        let late_cutoff = WorkingHours::new(vec![(time(8, 0), time(16, 0))], time(17, 0));
        assert!(late_cutoff.is_err());
        assert!(WorkingHours::new(vec![], time(15, 0)).is_err());
        assert_eq!(WorkingHours::default().minutes_per_day(), 450);
    }

    #[test]
    fn schedule_rejects_dates_outside_its_year_and_conflicts() {
        let outside =
            r#"{"year": 2026, "days_off": [{"date": "2025-12-31", "reason": "x", "source": "y"}]}"#;
        assert_eq!(
            OfficialSchedule::parse_json(outside).map_err(|e| e.code()),
            Err("schedule_date_outside_year")
        );
        let clash = r#"{"year": 2026,
            "days_off": [{"date": "2026-01-02", "reason": "x", "source": "y"}],
            "working_days": [{"date": "2026-01-02", "reason": "x", "source": "y"}]}"#;
        assert_eq!(
            OfficialSchedule::parse_json(clash).map_err(|e| e.code()),
            Err("schedule_conflicting_entries")
        );
        assert_eq!(
            OfficialSchedule::parse_json("{").map_err(|e| e.code()),
            Err("invalid_schedule_json")
        );
    }

    #[test]
    fn bundled_schedules_parse() {
        let schedules = bundled_schedules().expect("shipped JSON is valid");
        assert_eq!(
            schedules.iter().map(|s| s.year).collect::<Vec<_>>(),
            vec![2025, 2026]
        );
    }
}
