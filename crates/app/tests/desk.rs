//! The desk behind the desktop app, driven as the IPC commands drive it, on a real encrypted
//! SQLite file in a temporary folder.

use app::desk::{ClerkInput, Desk, ReportQuery, SetupInput};
use app::{Action, DossierStatus, IntakeInput};

fn set_up_desk() -> (tempfile::TempDir, Desk) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut desk = Desk::open(dir.path()).expect("desk opens on an empty folder");
    assert!(
        !desk.setup_status().expect("status").configured,
        "a new folder is not set up"
    );
    desk.setup(SetupInput {
        commune_code: "H15.50.05.13".into(),
        commune_name: "Tả Van".into(),
        counter_name: "Quầy 1".into(),
        clerks: vec!["Lò Thị Mai".into()],
        server_url: None,
        enroll_code: None,
    })
    .expect("first-run set-up");
    (dir, desk)
}

fn intake(desk: &mut Desk, name: &str) -> String {
    let input: IntakeInput = serde_json::from_value(serde_json::json!({
        "procedure": "1.001193",
        "citizen": {"name": name, "phone": "0912345678"},
        "channel": "counter",
        "documents": ["Tờ khai đăng ký khai sinh"],
    }))
    .expect("intake input");
    desk.intake(input).expect("intake").dossier.code
}

/// Each status change is visible in the next detail read, with its event in the history
/// (NĐ 118 art. 19.5: supplement, then the completed dossier restarts the clock).
#[test]
fn a_transition_shows_in_the_next_detail_read() {
    let (_dir, mut desk) = set_up_desk();
    let code = intake(&mut desk, "Giàng Thị Mỷ");
    let action = Action::RequestSupplement {
        reason: "Thiếu giấy chứng sinh".into(),
    };
    let moved = desk.transition(&code, action, None).expect("supplement");
    assert_eq!(moved.dossier.status, DossierStatus::SupplementRequested);
    let detail = desk.dossier_detail(&code).expect("detail");
    assert_eq!(
        detail.dossier.dossier.status,
        DossierStatus::SupplementRequested
    );
    assert!(detail
        .events
        .iter()
        .any(|e| e.summary.starts_with("Yêu cầu bổ sung")));
    assert_eq!(
        detail.dossier.dossier.due_at, None,
        "the clock stops while the citizen completes it"
    );
    let back = desk
        .transition(&code, Action::Resubmit, None)
        .expect("resubmit");
    assert!(
        back.dossier.due_at.is_some(),
        "the clock restarts from zero on resubmission"
    );
}

/// The search finds a dossier by the name typed without diacritics.
#[test]
fn search_finds_a_name_typed_without_diacritics() {
    let (_dir, mut desk) = set_up_desk();
    let code = intake(&mut desk, "Triệu Tả Mẩy");
    let found = desk.search("trieu ta may").expect("search");
    assert_eq!(
        found
            .iter()
            .map(|d| d.dossier.code.as_str())
            .collect::<Vec<_>>(),
        vec![code.as_str()]
    );
}

/// A failed enrolment at first run does not undo the set-up: the counter is configured, works
/// offline, is not enrolled, and the set-up answer says why with a stable code.
#[test]
fn a_failed_enrolment_leaves_the_counter_set_up_and_offline() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut desk = Desk::open(dir.path()).expect("desk");
    // Port 9 (discard) on loopback: nothing answers there.
    let status = desk
        .setup(SetupInput {
            commune_code: "H15.50.05.13".into(),
            commune_name: "Tả Van".into(),
            counter_name: "Quầy 1".into(),
            clerks: vec!["Lò Thị Mai".into()],
            server_url: Some("http://127.0.0.1:9".into()),
            enroll_code: Some("ABCD-EFGH".into()),
        })
        .expect("the set-up itself succeeds");
    assert!(status.configured);
    assert!(!status.enrolled);
    let error = status
        .enroll_error
        .expect("the enrolment failure is reported");
    assert!(
        matches!(
            error.code,
            app::ErrorCode::EnrollFailed | app::ErrorCode::SyncFailed
        ),
        "{error:?}"
    );
    assert_eq!(
        desk.sync_status().expect("sync status").state,
        "not_enrolled"
    );
    let code = intake(&mut desk, "Vàng Thị Dua");
    assert!(
        desk.events_waiting().expect("waiting") > 0,
        "{code} waits for the sync"
    );
}

/// Clerks are added with a fresh id, retired (never deleted: history still names them), and the
/// last working clerk cannot be retired because every intake needs a receiving clerk.
#[test]
fn clerks_are_added_and_retired_but_never_all_of_them() {
    let (_dir, mut desk) = set_up_desk();
    let added = desk
        .save_clerk(&ClerkInput {
            id: None,
            name: "  Hầu   Văn Páo ".into(),
            active: true,
        })
        .expect("add a clerk");
    let names: Vec<_> = added.clerks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Lò Thị Mai", "Hầu Văn Páo"]);
    assert_eq!(added.clerks[1].id, "clerk-2");

    let retired = desk
        .save_clerk(&ClerkInput {
            id: Some("clerk-1".into()),
            name: "Lò Thị Mai".into(),
            active: false,
        })
        .expect("retire the first clerk");
    assert_eq!(
        retired.clerks.len(),
        1,
        "the header lists working clerks only"
    );
    let refused = desk
        .save_clerk(&ClerkInput {
            id: Some("clerk-2".into()),
            name: "Hầu Văn Páo".into(),
            active: false,
        })
        .expect_err("the last working clerk stays");
    assert_eq!(refused.rule, Some("last_clerk"));
    let bad_name = desk
        .save_clerk(&ClerkInput {
            id: None,
            name: "Nguyễn 2".into(),
            active: true,
        })
        .expect_err("a name holds letters only");
    assert_eq!(bad_name.code, app::ErrorCode::Validation);
    // A new clerk after a retirement gets a new id, never a reused one.
    let third = desk
        .save_clerk(&ClerkInput {
            id: None,
            name: "Sùng Thị Lan".into(),
            active: true,
        })
        .expect("add another");
    assert!(third.clerks.iter().any(|c| c.id == "clerk-3"));
}

/// The reports screen's charts are the month reports themselves (domain.md §7): twelve months
/// oldest first, the current one holding today's returned dossier as on time, the others
/// empty; an export lands in the data folder's `exports/` with the period in its name.
#[test]
fn report_series_is_the_month_reports_and_exports_land_in_the_data_folder() {
    std::env::set_var("MOTCUA_PRINT_ROUTE", "save-only");
    let (dir, mut desk) = set_up_desk();
    let returned = intake(&mut desk, "Thào Thị Hoa");
    let _open = intake(&mut desk, "Giàng A Páo");
    for action in [Action::StartProcessing, Action::ResultReady, Action::Return] {
        desk.transition(&returned, action, None).expect("step");
    }
    desk.record_tap(&app::TapInput {
        level: "satisfied".into(),
        criteria: vec![],
        dossier_code: Some(returned.clone()),
        clerk_id: None,
    })
    .expect("tap");

    let series = desk.report_series(12, 0).expect("series");
    assert_eq!(series.len(), 12);
    assert!(
        series.windows(2).all(|w| w[0].from < w[1].from),
        "oldest first"
    );
    let current = series.last().expect("current month");
    assert_eq!(current.resolved, 1);
    assert_eq!(current.on_time_rate_basis_points, Some(10_000));
    assert_eq!(current.taps, 1);
    assert!(series[..11]
        .iter()
        .all(|p| p.resolved == 0 && p.on_time_rate_basis_points.is_none()));

    let query: ReportQuery = serde_json::from_value(serde_json::json!({
        "kind": "custom", "from": current.from, "to": current.to,
    }))
    .expect("query");
    let report = desk.report(&query).expect("report");
    assert_eq!(
        report.on_time_rate_basis_points,
        current.on_time_rate_basis_points
    );
    assert_eq!(report.indicators.totals.received.total(), 2);

    let exported = desk
        .export_report(&query, app::report::ReportFormat::Pdf)
        .expect("export");
    assert!(exported.path.starts_with(dir.path().join("exports")));
    let bytes = std::fs::read(&exported.path).expect("written");
    assert!(bytes.starts_with(b"%PDF-"));

    let missing_end: ReportQuery =
        serde_json::from_value(serde_json::json!({"kind": "custom", "from": current.from}))
            .expect("query");
    let refused = desk
        .report(&missing_end)
        .expect_err("a custom period needs both days");
    assert_eq!(refused.code, app::ErrorCode::Validation);
}

/// The store's housekeeping waits until the counter has been quiet, then runs in steps until
/// nothing is owed; the next write owes it again (the desktop host calls this every 2 s).
#[test]
fn housekeeping_runs_only_when_the_counter_is_quiet() {
    let (_dir, mut desk) = set_up_desk();
    for name in ["Sùng A Páo", "Lầu Thị Mỷ", "Giàng Seo Dính"] {
        intake(&mut desk, name);
    }
    let long = std::time::Duration::from_secs(3600);
    assert!(
        !desk.housekeep_when_idle(long).expect("busy"),
        "just wrote: not quiet"
    );
    let mut steps = 0;
    while desk
        .housekeep_when_idle(std::time::Duration::ZERO)
        .expect("step")
    {
        steps += 1;
        assert!(steps < 1000, "housekeeping must finish");
    }
    assert!(steps >= 1);
    intake(&mut desk, "Vàng A Chử");
    assert!(desk
        .housekeep_when_idle(std::time::Duration::ZERO)
        .expect("owed again"));
    assert_eq!(desk.search("vang a chu").expect("search").len(), 1);
}
