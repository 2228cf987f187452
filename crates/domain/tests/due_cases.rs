//! Hand-worked due-date cases on the official 2025–2026 calendar (default hours 07:30–11:30,
//! 13:30–17:00, cut-off 15:00). Each case names the rule and article it checks.

use chrono::{DateTime, FixedOffset, NaiveDate};
use domain::calendar::{bundled_schedules, WorkingCalendar};
use domain::due::{
    add_working_days, apology_deadline, classify, classify_pending, due_at, is_apology_due,
    restart_after_supplement, supplement_closing_deadline, validate_extension, working_day_horizon,
    working_days_between, ExtensionError, PendingStatus, Timeliness,
};
use domain::procedure::TimeLimit;

fn cal() -> WorkingCalendar {
    WorkingCalendar::with_defaults(bundled_schedules().expect("shipped schedules parse"))
}

/// An instant in Vietnam time, written "YYYY-MM-DD HH:MM".
fn t(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_str(&format!("{text}:00 +07:00"), "%Y-%m-%d %H:%M:%S %z")
        .expect("valid test instant")
}

fn d(text: &str) -> NaiveDate {
    text.parse().expect("valid test date")
}

#[track_caller]
fn check(received: &str, limit: TimeLimit, expected_due: &str) {
    assert_eq!(
        due_at(t(received), limit, &cal()),
        t(expected_due),
        "received {received}, {limit:?}"
    );
}

/// Tết Bính Ngọ 2026 (16–20/2 off, then the weekend): 3 working days from Fri 13/2 skip the
/// whole week (BLDS art. 147.2: counting starts the next day).
#[test]
fn working_days_across_the_2026_tet_week() {
    check(
        "2026-02-13 10:00",
        TimeLimit::WorkingDays(3),
        "2026-02-25 17:00",
    );
    check(
        "2026-02-12 10:00",
        TimeLimit::WorkingDays(1),
        "2026-02-13 17:00",
    );
    check(
        "2026-02-12 10:00",
        TimeLimit::WorkingDays(2),
        "2026-02-23 17:00",
    );
}

/// NĐ 118 art. 18.2: received after 15:00 on a Friday, the period counts from Monday.
#[test]
fn the_15_00_cut_off_on_a_friday_moves_counting_to_monday() {
    check(
        "2026-03-06 14:59",
        TimeLimit::WorkingDays(2),
        "2026-03-10 17:00",
    );
    check(
        "2026-03-06 15:00",
        TimeLimit::WorkingDays(2),
        "2026-03-11 17:00",
    );
    check(
        "2026-03-06 15:30",
        TimeLimit::WorkingDays(2),
        "2026-03-11 17:00",
    );
    // Received on Saturday: the same as after the cut-off.
    check(
        "2026-03-07 09:00",
        TimeLimit::WorkingDays(2),
        "2026-03-11 17:00",
    );
}

/// The cut-off is judged in Vietnam time whatever offset the instant carries: 08:30 UTC is
/// 15:30 in Hà Nội.
#[test]
fn the_cut_off_is_judged_in_vietnam_time() {
    let received = DateTime::parse_from_rfc3339("2026-03-06T08:30:00Z").expect("valid");
    assert_eq!(
        due_at(received, TimeLimit::WorkingDays(2), &cal()),
        t("2026-03-11 17:00")
    );
}

/// "Ngay trong ngày; nhận sau 15 giờ trả trong ngày làm việc tiếp theo" (NĐ 118 art. 18.2,
/// Luật Hộ tịch 2014 art. 16): a birth registration received at 16:50.
#[test]
fn same_day_procedure_received_at_16_50_is_due_next_working_day() {
    check("2026-03-05 16:50", TimeLimit::SameDay, "2026-03-06 17:00");
    check("2026-03-06 16:50", TimeLimit::SameDay, "2026-03-09 17:00");
    check("2026-03-05 09:10", TimeLimit::SameDay, "2026-03-05 17:00");
    // Before opening on a working day it is still that day.
    check("2026-03-05 06:45", TimeLimit::SameDay, "2026-03-05 17:00");
}

/// "Ngay sau khi nhận đủ giấy tờ": handled while the citizen waits, no 15:00 cut-off.
#[test]
fn immediate_procedures_are_due_at_the_close_of_the_day_of_receipt() {
    check("2026-03-05 16:50", TimeLimit::Immediate, "2026-03-05 17:00");
    check("2026-03-05 17:00", TimeLimit::Immediate, "2026-03-06 17:00");
    check("2026-03-07 09:00", TimeLimit::Immediate, "2026-03-09 17:00");
}

/// NĐ 118 art. 19.5: the period restarts from zero when the completed dossier comes back; a
/// dossier not completed within 15 (calendar) days of the request is closed.
#[test]
fn supplement_restart_and_closing_deadline() {
    let limit = TimeLimit::WorkingDays(3);
    assert_eq!(
        due_at(t("2026-03-02 09:00"), limit, &cal()),
        t("2026-03-05 17:00")
    );
    // Sent back on Tue 3/3, completed on Wed 11/3 at 10:00: Thu 12, Fri 13, Mon 16.
    assert_eq!(
        restart_after_supplement(t("2026-03-11 10:00"), limit, &cal()),
        t("2026-03-16 17:00")
    );
    // 15 days after Tue 3/3 is Wed 18/3; the period ends at 24:00 (BLDS art. 148.6).
    assert_eq!(
        supplement_closing_deadline(t("2026-03-03 10:00"), &cal()),
        t("2026-03-19 00:00")
    );
    // Requested Fri 6/3: day 15 is Sat 21/3, rolled to Mon 23/3 (BLDS art. 148.5).
    assert_eq!(
        supplement_closing_deadline(t("2026-03-06 10:00"), &cal()),
        t("2026-03-24 00:00")
    );
}

/// 30/4 (Thu) and 1/5 (Fri) 2026, and the Giỗ Tổ make-up Mon 27/4 (BLLĐ 2019 art. 111.3).
#[test]
fn working_days_across_30_4_and_1_5_2026() {
    check(
        "2026-04-29 09:00",
        TimeLimit::WorkingDays(2),
        "2026-05-05 17:00",
    );
    check(
        "2026-04-24 10:00",
        TimeLimit::WorkingDays(3),
        "2026-05-04 17:00",
    );
}

/// Tết Dương lịch 2026: Thu 1/1 and Fri 2/1 off, Sat 10/1 worked (VPCP 12729/VPCP-KGVX).
#[test]
fn working_days_across_the_new_year_swap_of_2026() {
    check(
        "2025-12-31 10:00",
        TimeLimit::WorkingDays(3),
        "2026-01-07 17:00",
    );
    // The swapped Saturday counts as a working day.
    check(
        "2026-01-08 10:00",
        TimeLimit::WorkingDays(2),
        "2026-01-10 17:00",
    );
    check("2026-01-09 16:00", TimeLimit::SameDay, "2026-01-10 17:00");
}

/// Working hours count through the intervals and skip the lunch break (NĐ 118 art. 17.2's
/// "8 giờ làm việc").
#[test]
fn working_hours_span_the_lunch_break_and_the_night() {
    // 10:00–11:30 (1.5 h) + 13:30–17:00 (3.5 h) + 07:30–10:30 (3 h).
    check(
        "2026-03-03 10:00",
        TimeLimit::WorkingHours(8),
        "2026-03-04 10:30",
    );
    check(
        "2026-03-03 11:00",
        TimeLimit::WorkingHours(1),
        "2026-03-03 14:00",
    );
    // Received during lunch: counting starts at 13:30.
    check(
        "2026-03-03 12:00",
        TimeLimit::WorkingHours(2),
        "2026-03-03 15:30",
    );
    // After the cut-off: from Wed 07:30, 7.5 h on Wednesday, 0.5 h on Thursday.
    check(
        "2026-03-03 15:30",
        TimeLimit::WorkingHours(8),
        "2026-03-05 08:00",
    );
    // Exactly filling the morning ends at the interval's close.
    check(
        "2026-03-03 07:30",
        TimeLimit::WorkingHours(4),
        "2026-03-03 11:30",
    );
}

/// Calendar days (BLDS art. 147.2, 148.5): start the next day; a last day off rolls over.
#[test]
fn calendar_days_roll_over_a_weekend_last_day() {
    check(
        "2026-03-02 10:00",
        TimeLimit::CalendarDays(15),
        "2026-03-17 17:00",
    );
    check(
        "2026-03-06 10:00",
        TimeLimit::CalendarDays(15),
        "2026-03-23 17:00",
    );
}

/// NĐ 118 art. 19.6: the apology is sent at the latest 1 day before the due date, i.e. by the
/// close of the previous working day.
#[test]
fn apology_deadline_is_the_close_of_the_previous_working_day() {
    let cal = cal();
    assert_eq!(
        apology_deadline(t("2026-02-25 17:00"), &cal),
        t("2026-02-24 17:00")
    );
    // Due the Monday after Tết: the last working day before it is Fri 13/2.
    assert_eq!(
        apology_deadline(t("2026-02-23 17:00"), &cal),
        t("2026-02-13 17:00")
    );
    assert!(!is_apology_due(
        t("2026-02-24 07:29"),
        t("2026-02-25 17:00"),
        &cal
    ));
    assert!(is_apology_due(
        t("2026-02-24 07:30"),
        t("2026-02-25 17:00"),
        &cal
    ));
    assert!(is_apology_due(
        t("2026-02-26 09:00"),
        t("2026-02-25 17:00"),
        &cal
    ));
}

/// NĐ 118 art. 19.6: one extension only, to a later date, in working time.
#[test]
fn extension_is_validated() {
    let cal = cal();
    let due = t("2026-03-05 17:00");
    assert_eq!(
        validate_extension(due, t("2026-03-10 17:00"), 0, &cal),
        Ok(())
    );
    assert_eq!(
        validate_extension(due, t("2026-03-10 17:00"), 1, &cal),
        Err(ExtensionError::AlreadyExtended)
    );
    let earlier = validate_extension(due, t("2026-03-05 16:00"), 0, &cal);
    assert_eq!(earlier.map_err(|e| e.code()), Err("extension_not_later"));
    let saturday = validate_extension(due, t("2026-03-07 09:00"), 0, &cal);
    assert_eq!(
        saturday.map_err(|e| e.code()),
        Err("extension_not_working_time")
    );
    let lunch = validate_extension(due, t("2026-03-09 12:00"), 0, &cal);
    assert_eq!(
        lunch.map_err(|e| e.code()),
        Err("extension_not_working_time")
    );
}

/// Phiếu kiểm soát: trước hạn (a day before the due date's day), đúng hạn (on the due day up
/// to the due time), quá hạn (after it).
#[test]
fn timeliness_of_returned_and_pending_dossiers() {
    let cal = cal();
    let due = t("2026-02-25 17:00");
    assert_eq!(
        classify(t("2026-02-24 16:00"), due, &cal),
        Timeliness::Early
    );
    assert_eq!(
        classify(t("2026-02-25 08:00"), due, &cal),
        Timeliness::OnTime
    );
    assert_eq!(
        classify(t("2026-02-25 17:00"), due, &cal),
        Timeliness::OnTime
    );
    assert_eq!(classify(t("2026-02-25 17:01"), due, &cal), Timeliness::Late);
    assert_eq!(
        classify_pending(t("2026-02-25 17:00"), due),
        PendingStatus::NotYetDue
    );
    assert_eq!(
        classify_pending(t("2026-02-26 07:30"), due),
        PendingStatus::Overdue
    );
}

/// Helpers for reports: counting working days and the "due within n working days" horizon.
#[test]
fn working_day_counting_helpers() {
    let cal = cal();
    assert_eq!(
        working_days_between(d("2026-02-13"), d("2026-02-25"), &cal),
        3
    );
    assert_eq!(
        working_days_between(d("2026-02-25"), d("2026-02-13"), &cal),
        -3
    );
    assert_eq!(
        working_days_between(d("2026-01-08"), d("2026-01-12"), &cal),
        3
    );
    assert_eq!(add_working_days(d("2026-02-14"), 1, &cal), d("2026-02-23"));
    assert_eq!(add_working_days(d("2026-02-14"), 0, &cal), d("2026-02-23"));
    assert_eq!(
        working_day_horizon(t("2026-02-12 10:00"), 1, &cal),
        t("2026-02-13 17:00")
    );
    assert_eq!(
        working_day_horizon(t("2026-02-13 10:00"), 1, &cal),
        t("2026-02-23 17:00")
    );
    assert_eq!(
        working_day_horizon(t("2026-02-13 10:00"), 0, &cal),
        t("2026-02-13 17:00")
    );
}
