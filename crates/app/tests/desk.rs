//! The desk behind the desktop app, driven as the IPC commands drive it, on a real encrypted
//! SQLite file in a temporary folder.

use app::desk::{ClerkInput, Desk, SetupInput};
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
