//! Properties of the due-date engine over random receipts in 2024–2027 on the official
//! calendar: due dates fall in working time (NĐ 118 art. 17.3, 18.2; BLDS art. 147–148), never
//! move earlier for a later receipt or an added day off, and the apology deadline precedes the
//! due date (NĐ 118 art. 19.6).

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use domain::calendar::{bundled_schedules, OfficialSchedule, ScheduleEntry, WorkingCalendar};
use domain::due::{add_working_minutes, apology_deadline, due_at};
use domain::procedure::TimeLimit;
use proptest::prelude::*;
use std::sync::LazyLock;

static CALENDAR: LazyLock<WorkingCalendar> = LazyLock::new(|| {
    WorkingCalendar::with_defaults(bundled_schedules().expect("shipped schedules parse"))
});

fn origin() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2024-01-01T00:00:00+07:00").expect("valid")
}

/// A receipt instant anywhere in 2024–2027, to the minute.
fn instant() -> impl Strategy<Value = DateTime<FixedOffset>> {
    (0i64..(4 * 366 * 24 * 60)).prop_map(|minutes| origin() + Duration::minutes(minutes))
}

fn limit() -> impl Strategy<Value = TimeLimit> {
    prop_oneof![
        Just(TimeLimit::SameDay),
        Just(TimeLimit::Immediate),
        (0u32..40).prop_map(TimeLimit::WorkingDays),
        (0u32..120).prop_map(TimeLimit::WorkingHours),
        (0u32..60).prop_map(TimeLimit::CalendarDays),
    ]
}

proptest! {
    /// A due date is always working time: a working day, inside an interval or at its close.
    #[test]
    fn due_date_is_in_working_time(received in instant(), limit in limit()) {
        let due = due_at(received, limit, &CALENDAR);
        prop_assert!(CALENDAR.is_working_time(due), "{received} {limit:?} -> {due}");
        prop_assert!(due >= received, "{received} {limit:?} -> {due}");
    }

    /// A later receipt never gives an earlier due date.
    #[test]
    fn later_receipt_never_gives_an_earlier_due_date(
        first in instant(), gap in 0i64..(10 * 24 * 60), limit in limit()
    ) {
        let second = first + Duration::minutes(gap);
        prop_assert!(due_at(first, limit, &CALENDAR) <= due_at(second, limit, &CALENDAR));
    }

    /// Adding a day off (a holiday or official day off) never moves a due date earlier.
    #[test]
    fn adding_a_day_off_never_moves_a_due_date_earlier(
        received in instant(), limit in limit(), extra in 0u64..(4 * 366)
    ) {
        let day_off = NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid") + chrono::Days::new(extra);
        let mut schedules = bundled_schedules().expect("valid");
        schedules.push(OfficialSchedule {
            year: chrono::Datelike::year(&day_off),
            note: String::new(),
            days_off: vec![ScheduleEntry {
                date: day_off,
                reason: "test day off".into(),
                source: "test".into(),
                confirmed: true,
            }],
            working_days: vec![],
        });
        let with_extra = WorkingCalendar::with_defaults(schedules);
        prop_assert!(due_at(received, limit, &with_extra) >= due_at(received, limit, &CALENDAR));
    }

    /// The apology deadline is working time strictly before the due date's day.
    #[test]
    fn apology_deadline_precedes_the_due_day(received in instant(), limit in limit()) {
        let due = due_at(received, limit, &CALENDAR);
        let deadline = apology_deadline(due, &CALENDAR);
        prop_assert!(deadline.date_naive() < due.date_naive());
        prop_assert!(CALENDAR.is_working_time(deadline));
    }

    /// Adding working minutes is additive: a + b minutes equals a minutes then b minutes.
    #[test]
    fn working_minutes_are_additive(start in instant(), a in 0i64..2000, b in 0i64..2000) {
        let at_once = add_working_minutes(start, a + b, &CALENDAR);
        let in_two = add_working_minutes(add_working_minutes(start, a, &CALENDAR), b, &CALENDAR);
        // They can differ only by where an interval's close is reported (17:00 vs the next
        // opening), which is the same working instant: compare in working time.
        prop_assert_eq!(
            CALENDAR.next_working_start(at_once),
            CALENDAR.next_working_start(in_two)
        );
    }
}
