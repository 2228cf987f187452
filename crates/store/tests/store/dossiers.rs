//! Intake, status changes, corrections, letters, taps, settings and the list queries.

use domain::dossier::{Action, DossierStatus};
use store::{
    Clerk, CommuneSettings, DossierCorrection, EventKind, SatisfactionTap, StatusChange,
    Timeliness, WorkingPeriod,
};

use crate::common::{at, citizen, new_dossier, new_store};

fn change(code: &str, action: Action, from: DossierStatus, to: DossierStatus) -> StatusChange {
    StatusChange {
        code: code.to_string(),
        action,
        from,
        to,
        due_at: Some(at(600)),
        timeliness: None,
        clerk_id: "clerk-1".to_string(),
    }
}

/// Intake writes the row the screens read and its `dossier_taken_in` event together, and the
/// event is numbered seq 1 in the current epoch.
#[test]
fn intake_writes_the_row_and_its_event() {
    let mut fx = new_store();
    let dossier = fx
        .store
        .take_in(
            &new_dossier("X.01-261123-0001", "Nguyễn Văn An", 0, 600),
            at(1),
        )
        .expect("intake");
    assert_eq!(dossier.status, DossierStatus::Received);
    assert_eq!(dossier.citizen.name, "Nguyễn Văn An");
    assert_eq!(dossier.due_at, Some(at(600)));
    let events = fx.store.events_of("X.01-261123-0001").expect("events");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, EventKind::DossierTakenIn);
    assert_eq!(events[0].seq, 1);
    assert_eq!(events[0].epoch, fx.store.identity().epoch);
    assert!(events[0].payload.contains("\"code\":\"X.01-261123-0001\""));
    // Compact JSON: no pretty-printing whitespace.
    assert!(!events[0].payload.contains(": "));
}

/// A second intake with the same code is refused and leaves no extra event.
#[test]
fn duplicate_code_is_refused_without_writing_an_event() {
    let mut fx = new_store();
    fx.store
        .take_in(&new_dossier("X-0001", "Lò Văn Hùng", 0, 600), at(1))
        .expect("intake");
    let error = fx
        .store
        .take_in(&new_dossier("X-0001", "Lò Thị Xuân", 0, 600), at(2))
        .unwrap_err();
    assert_eq!(error.code(), "store.duplicate_code");
    assert_eq!(fx.store.outbox_stats().expect("stats").highest_seq, 1);
}

/// Status changes fold into the row (supplement count, extension flag, return time,
/// timeliness) and each leaves an event; NĐ 118 art. 19.5 (supplement) and 19.6 (extension).
#[test]
fn status_changes_fold_into_the_row_and_each_leaves_an_event() {
    let mut fx = new_store();
    let code = "X-0002";
    fx.store
        .take_in(&new_dossier(code, "Hoàng Thị Lan", 0, 600), at(1))
        .expect("intake");
    fx.store
        .change_status(
            &change(
                code,
                Action::StartProcessing,
                DossierStatus::Received,
                DossierStatus::InProgress,
            ),
            at(2),
        )
        .expect("start");
    let mut supplement = change(
        code,
        Action::RequestSupplement {
            reason: "thiếu giấy chứng sinh".into(),
        },
        DossierStatus::InProgress,
        DossierStatus::SupplementRequested,
    );
    supplement.due_at = None;
    let d = fx
        .store
        .change_status(&supplement, at(3))
        .expect("supplement");
    assert_eq!((d.supplement_count, d.due_at), (1, None));
    fx.store
        .change_status(
            &change(
                code,
                Action::Resubmit,
                DossierStatus::SupplementRequested,
                DossierStatus::InProgress,
            ),
            at(4),
        )
        .expect("resubmit");
    let mut extend = change(
        code,
        Action::Extend {
            reason: "cần xác minh".into(),
            new_due_at: at(2000),
        },
        DossierStatus::InProgress,
        DossierStatus::InProgress,
    );
    extend.due_at = Some(at(2000));
    let d = fx.store.change_status(&extend, at(5)).expect("extend");
    assert!(d.extended);
    assert_eq!(d.due_at, Some(at(2000)));
    fx.store
        .change_status(
            &change(
                code,
                Action::ResultReady,
                DossierStatus::InProgress,
                DossierStatus::ResultReady,
            ),
            at(6),
        )
        .expect("ready");
    let mut give_back = change(
        code,
        Action::Return,
        DossierStatus::ResultReady,
        DossierStatus::Returned,
    );
    give_back.due_at = Some(at(2000));
    give_back.timeliness = Some(Timeliness::Early);
    let d = fx.store.change_status(&give_back, at(7)).expect("return");
    assert_eq!(d.status, DossierStatus::Returned);
    assert_eq!(d.returned_at, Some(at(7)));
    assert_eq!(d.timeliness, Some(Timeliness::Early));
    let events = fx.store.events_of(code).expect("events");
    assert_eq!(events.len(), 7);
    assert!(events
        .windows(2)
        .all(|w| w[0].hlc < w[1].hlc && w[0].seq + 1 == w[1].seq));
    assert!(events[4].payload.contains("\"action\":\"extend\""));
}

/// A change computed from a status the dossier is no longer in is refused (two windows acting
/// on one dossier), and writes nothing.
#[test]
fn stale_status_change_is_refused_and_writes_nothing() {
    let mut fx = new_store();
    fx.store
        .take_in(&new_dossier("X-0003", "Vi Văn Thắng", 0, 600), at(1))
        .expect("intake");
    let error = fx
        .store
        .change_status(
            &change(
                "X-0003",
                Action::Return,
                DossierStatus::ResultReady,
                DossierStatus::Returned,
            ),
            at(2),
        )
        .unwrap_err();
    assert_eq!(error.code(), "store.stale_status");
    let missing = fx
        .store
        .change_status(
            &change(
                "NOPE",
                Action::Return,
                DossierStatus::ResultReady,
                DossierStatus::Returned,
            ),
            at(2),
        )
        .unwrap_err();
    assert_eq!(missing.code(), "store.dossier_not_found");
    assert_eq!(fx.store.events_of("X-0003").expect("events").len(), 1);
}

/// Corrections are new events; the intake event keeps the original values (audit trail).
#[test]
fn correction_is_a_new_event_and_the_original_event_is_unchanged() {
    let mut fx = new_store();
    fx.store
        .take_in(&new_dossier("X-0004", "Nông Văn Dền", 0, 600), at(1))
        .expect("intake");
    let correction = DossierCorrection {
        citizen: Some(citizen("Nông Thị Dến", Some("001090099999"), None)),
        official_code: Some("H15.50.05.13-261123-0004".into()),
        ..DossierCorrection::default()
    };
    let d = fx
        .store
        .correct("X-0004", &correction, "sai dấu tên", "clerk-1", at(2))
        .expect("correct");
    assert_eq!(d.citizen.name, "Nông Thị Dến");
    assert_eq!(d.official_code.as_deref(), Some("H15.50.05.13-261123-0004"));
    let events = fx.store.events_of("X-0004").expect("events");
    assert_eq!(events.len(), 2);
    assert!(events[0].payload.contains("Nông Văn Dền"));
    assert_eq!(events[1].kind, EventKind::DossierCorrected);
    // The official code finds the dossier too.
    assert_eq!(
        fx.store
            .dossier("H15.50.05.13-261123-0004")
            .expect("by official")
            .code,
        "X-0004"
    );
    // Search follows the corrected name, and the old one no longer matches.
    assert_eq!(
        fx.store.search("nong thi den", 10).expect("search").len(),
        1
    );
    assert!(fx.store.search("nong van", 10).expect("search").is_empty());
}

/// The database itself refuses to edit or delete an event: corrections must be new events.
#[test]
fn events_cannot_be_edited_or_deleted_even_with_raw_sql() {
    let mut fx = new_store();
    fx.store
        .take_in(&new_dossier("X-0005", "Ma Thị Hạnh", 0, 600), at(1))
        .expect("intake");
    drop(fx.store);
    let conn = rusqlite::Connection::open(fx.dir.path().join("motcua.db")).expect("open");
    conn.execute_batch(&format!(
        "PRAGMA key = \"x'{}'\";",
        crate::common::key().to_hex()
    ))
    .expect("key");
    let update = conn.execute("UPDATE event SET payload = '{}'", []);
    let delete = conn.execute("DELETE FROM event", []);
    assert!(update.unwrap_err().to_string().contains("immutable"));
    assert!(delete.unwrap_err().to_string().contains("never deleted"));
}

/// Due today / within a horizon / overdue / apology due (NĐ 118 art. 19.6) only list dossiers
/// whose clock runs, with the instants the app passes.
#[test]
fn due_overdue_and_apology_lists_use_the_instants_given() {
    let mut fx = new_store();
    for (code, due) in [("D-1", 30), ("D-2", 90), ("D-3", 300), ("D-4", 5000)] {
        fx.store
            .take_in(&new_dossier(code, "Lương Văn Tám", 0, due), at(1))
            .expect("intake");
    }
    // D-2 has its clock stopped: it must vanish from every due list.
    let mut stop = change(
        "D-2",
        Action::RequestSupplement {
            reason: "thiếu".into(),
        },
        DossierStatus::Received,
        DossierStatus::SupplementRequested,
    );
    stop.due_at = Some(at(90));
    fx.store.change_status(&stop, at(2)).expect("supplement");
    // D-3 was already extended: no second apology.
    let mut extend = change(
        "D-3",
        Action::Extend {
            reason: "xác minh".into(),
            new_due_at: at(300),
        },
        DossierStatus::Received,
        DossierStatus::InProgress,
    );
    extend.due_at = Some(at(300));
    fx.store.change_status(&extend, at(3)).expect("extend");

    let codes = |list: Vec<store::Dossier>| list.into_iter().map(|d| d.code).collect::<Vec<_>>();
    assert_eq!(
        codes(fx.store.due_between(at(0), at(480)).expect("today")),
        ["D-1", "D-3"]
    );
    assert_eq!(
        codes(fx.store.overdue(at(100), 50).expect("overdue")),
        ["D-1"]
    );
    assert_eq!(
        codes(fx.store.apology_due(at(400)).expect("apology")),
        ["D-1"]
    );
    assert_eq!(
        codes(
            fx.store
                .by_status(DossierStatus::SupplementRequested, 10)
                .expect("status")
        ),
        ["D-2"]
    );
}

/// Tracking-book order is (received_at, code); period queries are half-open.
#[test]
fn tracking_book_orders_by_receipt_time_then_code() {
    let mut fx = new_store();
    for (code, minute) in [("B-2", 10), ("B-1", 10), ("B-0", 20), ("A-9", 5)] {
        fx.store
            .take_in(&new_dossier(code, "Đinh Văn Sơn", minute, 600), at(30))
            .expect("intake");
    }
    let book: Vec<_> = fx
        .store
        .received_between(at(0), at(20))
        .expect("book")
        .into_iter()
        .map(|d| d.code)
        .collect();
    assert_eq!(book, ["A-9", "B-1", "B-2"]);
    assert_eq!(
        fx.store
            .by_procedure("1.001193", at(0), at(60))
            .expect("procedure")
            .len(),
        4
    );
    assert_eq!(
        fx.store
            .by_clerk("clerk-1", at(0), at(60))
            .expect("clerk")
            .len(),
        4
    );
    assert_eq!(
        fx.store
            .by_clerk("clerk-2", at(0), at(60))
            .expect("clerk")
            .len(),
        0
    );
    assert_eq!(
        fx.store
            .highest_code_with_prefix("B-")
            .expect("prefix")
            .as_deref(),
        Some("B-2")
    );
}

/// Returned-in-period feeds the reports' early/on-time/late counts (domain.md §7).
#[test]
fn returned_between_lists_dossiers_handed_over_in_the_period() {
    let mut fx = new_store();
    fx.store
        .take_in(&new_dossier("R-1", "Sầm Thị Nhung", 0, 600), at(1))
        .expect("intake");
    fx.store
        .take_in(&new_dossier("R-2", "Sầm Văn Phúc", 0, 600), at(1))
        .expect("intake");
    let mut give = change(
        "R-1",
        Action::Return,
        DossierStatus::Received,
        DossierStatus::Returned,
    );
    give.timeliness = Some(Timeliness::OnTime);
    fx.store.change_status(&give, at(100)).expect("return");
    let returned = fx
        .store
        .returned_between(at(50), at(150))
        .expect("returned");
    assert_eq!(returned.len(), 1);
    assert_eq!(returned[0].timeliness, Some(Timeliness::OnTime));
    assert!(fx
        .store
        .returned_between(at(101), at(150))
        .expect("returned")
        .is_empty());
}

/// Satisfaction taps (NĐ 118 art. 31, 33), settings and clerks are stored with their events.
#[test]
fn taps_settings_and_clerks_are_stored_with_events() {
    let mut fx = new_store();
    fx.store
        .take_in(&new_dossier("T-1", "Hà Văn Mạnh", 0, 600), at(1))
        .expect("intake");
    let tap = SatisfactionTap {
        level: 3,
        scale: 3,
        criteria: vec!["staff_attitude".into()],
        dossier_code: Some("T-1".into()),
        clerk_id: Some("clerk-1".into()),
        tapped_at: at(5),
    };
    fx.store.record_tap(&tap, at(5)).expect("tap");
    assert_eq!(
        fx.store.taps_between(at(0), at(10)).expect("taps"),
        vec![tap.clone()]
    );
    let bad = SatisfactionTap {
        level: 4,
        ..tap.clone()
    };
    assert_eq!(
        fx.store.record_tap(&bad, at(6)).unwrap_err().code(),
        "store.invalid_input"
    );
    let unknown = SatisfactionTap {
        dossier_code: Some("NOPE".into()),
        ..tap
    };
    assert_eq!(
        fx.store.record_tap(&unknown, at(6)).unwrap_err().code(),
        "store.dossier_not_found"
    );

    let settings = CommuneSettings {
        commune_code: "04321".into(),
        commune_name: "Xã Minh Sơn".into(),
        counter_name: "Bộ phận Một cửa xã Minh Sơn".into(),
        code_prefix: "H15.50.05.13".into(),
        working_hours: vec![WorkingPeriod {
            start: chrono::NaiveTime::from_hms_opt(7, 30, 0).expect("time"),
            end: chrono::NaiveTime::from_hms_opt(11, 30, 0).expect("time"),
        }],
    };
    assert_eq!(fx.store.settings().expect("none"), None);
    fx.store.save_settings(&settings, at(7)).expect("settings");
    assert_eq!(fx.store.settings().expect("some"), Some(settings));
    let clerk = Clerk {
        id: "clerk-1".into(),
        full_name: "Lý Thị Mai".into(),
        active: true,
    };
    fx.store.save_clerk(&clerk, at(8)).expect("clerk");
    assert_eq!(fx.store.clerks().expect("clerks"), vec![clerk]);
    fx.store
        .record_letter_printed("T-1", "form_01_receipt", "clerk-1", at(9))
        .expect("letter");
    let stats = fx.store.outbox_stats().expect("stats");
    // intake, tap, settings, clerk, letter.
    assert_eq!(stats.events_waiting, 5);
}

/// An HLC keeps ordering events when the wall clock jumps back (sync.md scenario 11).
#[test]
fn events_stay_ordered_when_the_wall_clock_jumps_back() {
    let mut fx = new_store();
    fx.store
        .take_in(&new_dossier("H-1", "Bế Văn Đàn", 0, 600), at(60))
        .expect("intake");
    fx.store
        .take_in(&new_dossier("H-2", "Bế Thị Hoa", 0, 600), at(-600))
        .expect("intake");
    let first = &fx.store.events_of("H-1").expect("events")[0];
    let second = &fx.store.events_of("H-2").expect("events")[0];
    assert!(second.hlc > first.hlc);
    assert_eq!(second.device_time, at(-600).to_rfc3339());
}
