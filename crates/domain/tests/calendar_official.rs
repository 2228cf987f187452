//! The working calendar with the shipped official schedules (`assets/calendar/`), checked
//! day by day against the announced 2025 and 2026 schedules, and the weekly-rest rule checked
//! by property.

use chrono::{Datelike, NaiveDate, Weekday};
use domain::calendar::{
    bundled_schedules, DayKind, OfficialSchedule, PublicHoliday, WorkingCalendar,
};
use proptest::prelude::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

fn official_calendar() -> WorkingCalendar {
    WorkingCalendar::with_defaults(bundled_schedules().expect("shipped schedules parse"))
}

/// Every weekday off and weekend day worked in 2026 (civil servants): Tết DL 1–2/1 with the
/// Sat 10/1 swap (VPCP 12729/VPCP-KGVX), Tết Bính Ngọ 16–20/2, Giỗ Tổ Sun 26/4 made up Mon 27/4
/// (BLLĐ 2019 art. 111.3), 30/4 Thu, 1/5 Fri, Quốc khánh 1–2/9 (default, unconfirmed).
#[test]
fn exceptions_2026_are_exactly_the_announced_schedule() {
    let exceptions = official_calendar().exceptions(2026);
    let got: Vec<(NaiveDate, bool)> = exceptions.iter().map(|e| (e.date, e.working)).collect();
    let expected = vec![
        (date(2026, 1, 1), false),
        (date(2026, 1, 2), false),
        (date(2026, 1, 10), true),
        (date(2026, 2, 16), false),
        (date(2026, 2, 17), false),
        (date(2026, 2, 18), false),
        (date(2026, 2, 19), false),
        (date(2026, 2, 20), false),
        (date(2026, 4, 27), false),
        (date(2026, 4, 30), false),
        (date(2026, 5, 1), false),
        (date(2026, 9, 1), false),
        (date(2026, 9, 2), false),
    ];
    assert_eq!(got, expected);
    let national_day_eve = &exceptions[11];
    assert!(
        !national_day_eve.confirmed,
        "1/9/2026 is the unverified default"
    );
    assert_eq!(
        national_day_eve.kind,
        DayKind::Holiday {
            holiday: PublicHoliday::NationalDay
        }
    );
    let swap = &exceptions[2];
    assert_eq!(swap.weekday, "Thứ Bảy");
    assert!(swap.source.contains("12729/VPCP-KGVX"));
    assert_eq!(exceptions[8].source, "BLLĐ 2019 Đ.111.3");
}

/// 2025: Tết Ất Tỵ off 27–31/1 with the make-up for Sat 1/2 placed on Mon 27/1 (so Mon 3/2 is
/// worked), and 30/4–4/5 with Fri 2/5 swapped against Sat 26/4.
#[test]
fn exceptions_2025_follow_the_tet_and_april_swaps() {
    let calendar = official_calendar();
    let got: Vec<(NaiveDate, bool)> = calendar
        .exceptions(2025)
        .iter()
        .map(|e| (e.date, e.working))
        .collect();
    let expected = vec![
        (date(2025, 1, 1), false),
        (date(2025, 1, 27), false),
        (date(2025, 1, 28), false),
        (date(2025, 1, 29), false),
        (date(2025, 1, 30), false),
        (date(2025, 1, 31), false),
        (date(2025, 4, 7), false),
        (date(2025, 4, 26), true),
        (date(2025, 4, 30), false),
        (date(2025, 5, 1), false),
        (date(2025, 5, 2), false),
        (date(2025, 9, 1), false),
        (date(2025, 9, 2), false),
    ];
    assert_eq!(got, expected);
    // Mon 3/2 is a weekday worked, so not an exception; it is worked only because the schedule
    // overrides the computed make-up day.
    assert!(matches!(
        calendar.day_kind(date(2025, 2, 3)),
        DayKind::OfficialWorkingDay { .. }
    ));
}

/// Without the schedule, the computed default of 2025 puts the make-up for Sat 1/2 on Mon 3/2
/// (BLLĐ 2019 art. 111.3): the JSON is what moves it to 27/1.
#[test]
fn without_the_schedule_the_2025_make_up_day_is_the_next_monday() {
    let calendar = WorkingCalendar::with_defaults(vec![]);
    assert_eq!(
        calendar.day_kind(date(2025, 2, 3)),
        DayKind::MakeUp {
            for_date: date(2025, 2, 1),
            holiday: PublicHoliday::LunarNewYear
        }
    );
    assert!(calendar.is_working_day(date(2025, 1, 27)));
}

/// A later schedule in the list overrides an earlier one for the same date (a newer
/// announcement, e.g. the PM choosing 3/9 instead of the default 1/9).
#[test]
fn later_schedule_overrides_the_default_adjacent_national_day() {
    let choose_third = OfficialSchedule::parse_json(
        r#"{"year": 2026, "note": "test",
            "days_off": [{"date": "2026-09-03", "reason": "Quốc khánh", "source": "test"}],
            "working_days": [{"date": "2026-09-01", "reason": "không nghỉ 1/9", "source": "test"}]}"#,
    )
    .expect("valid");
    let mut schedules = bundled_schedules().expect("valid");
    schedules.push(choose_third);
    let calendar = WorkingCalendar::with_defaults(schedules);
    assert!(calendar.is_working_day(date(2026, 9, 1)));
    assert!(!calendar.is_working_day(date(2026, 9, 2)));
    assert!(!calendar.is_working_day(date(2026, 9, 3)));
}

/// The exceptions serialise for `motcua calendar YEAR` with a tagged day kind.
#[test]
fn exceptions_serialise_as_tagged_json() {
    let exceptions = official_calendar().exceptions(2026);
    let json = serde_json::to_value(&exceptions[9]).expect("serialisable");
    assert_eq!(json["date"], "2026-04-30");
    assert_eq!(json["kind"]["kind"], "holiday");
    assert_eq!(json["kind"]["holiday"], "reunification_day");
    assert_eq!(json["working"], false);
}

/// Every year 1990–2100 has the art. 112 count of holiday days on the computed default
/// calendar: 11 from 2021 (1 + 5 + 1 + 1 + 1 + 2), counted as weekdays off plus weekend
/// holidays, each weekend holiday producing one make-up weekday.
#[test]
fn every_year_from_2021_has_eleven_holiday_days() {
    let calendar = WorkingCalendar::with_defaults(vec![]);
    for year in 2021..=2100 {
        let mut holidays = 0;
        let mut make_ups = 0;
        let mut day = date(year, 1, 1);
        while day.year() == year {
            match calendar.day_kind(day) {
                DayKind::Holiday { .. } => holidays += 1,
                DayKind::MakeUp { .. } => make_ups += 1,
                _ => {}
            }
            day = day.succ_opt().expect("in range");
        }
        // Coincident holidays (Giỗ Tổ on 30/4 or 1/5) would lower the count; none before 2100
        // is expected, and this test would reveal one.
        assert_eq!(holidays, 11, "{year}");
        assert!(make_ups <= 11, "{year}");
    }
}

proptest! {
    /// Saturdays and Sundays are never working days unless an official schedule lists them
    /// (QĐ 188/1999; BLLĐ 2019 art. 111.3 and 112.3).
    #[test]
    fn weekends_are_working_days_only_by_official_schedule(days in 0i64..(365 * 120)) {
        let calendar = official_calendar();
        let day = date(1990, 1, 1) + chrono::Days::new(days as u64);
        if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            let official = matches!(calendar.day_kind(day), DayKind::OfficialWorkingDay { .. });
            prop_assert_eq!(calendar.is_working_day(day), official);
            prop_assert_eq!(official, day == date(2026, 1, 10) || day == date(2025, 4, 26));
        }
    }

    /// `is_working_day` and `day_kind` agree on every date.
    #[test]
    fn is_working_day_agrees_with_day_kind(days in 0i64..(365 * 120)) {
        let calendar = official_calendar();
        let day = date(1990, 1, 1) + chrono::Days::new(days as u64);
        prop_assert_eq!(calendar.is_working_day(day), calendar.day_kind(day).is_working());
    }
}
