//! The desk behind the desktop app, driven as the IPC commands drive it, on a real encrypted
//! SQLite file in a temporary folder.

use app::desk::{Desk, SetupInput};
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
