//! The real desktop app in a real WebKitGTK webview under Xvfb, driven through tauri-driver.
//! Run by `make e2e` (part of `make test`), which builds the app and provides the display.
//! Screenshots of each screen land in `artifacts/e2e/` for a person to look at.

use motcua_system_tests::webdriver::{Driver, Session};
use motcua_system_tests::{artifacts_dir, repo_root};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

fn app_binary() -> PathBuf {
    let binary = repo_root().join("target/debug/motcua-desktop");
    assert!(
        binary.exists(),
        "build the app first: cargo build -p motcua-desktop"
    );
    binary
}

fn fresh_data_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("motcua-e2e-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// tauri-driver for an app with its own data folder. Printing saves the PDF without handing it
/// to a printer: there is none under Xvfb.
fn driver_for(data_dir: &Path) -> Driver {
    let data_dir = data_dir.to_string_lossy().to_string();
    Driver::start(&[
        ("MOTCUA_DATA_DIR", &data_dir),
        ("MOTCUA_PRINT_ROUTE", "save-only"),
    ])
}

fn shot(session: &Session, name: &str) {
    session.screenshot(&artifacts_dir("e2e").join(format!("{name}.png")));
}

/// The PDF's text with runs of white space folded to one space, since lines wrap anywhere.
fn pdf_text(path: &Path) -> String {
    let output = Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(output.status.success(), "pdftotext read {}", path.display());
    let text = String::from_utf8_lossy(&output.stdout);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Types into an input the way a clerk would, one key event per character.
fn type_into(session: &Session, css: &str, text: &str) {
    session.find(css, WAIT).send_keys(text);
}

fn click(session: &Session, css: &str) {
    session.find(css, WAIT).click();
}

/// Waits until the open dossier screen shows `label` in its status line.
fn wait_status(session: &Session, label: &str) {
    session.wait_for_text("[data-testid=detail-status]", label, WAIT);
}

/// The window opens with the bundled UI, and the UI reaches the Rust core over IPC.
#[test]
#[ignore = "needs a display and tauri-driver: run by `make e2e`"]
fn app_window_opens_and_the_ui_reaches_the_core() {
    let driver = driver_for(&fresh_data_dir("smoke"));
    let session = driver.session(&app_binary());
    assert_eq!(session.title(), "Một Cửa");
    let status = session.wait_for_text("[data-testid=status]", "Sẵn sàng", WAIT);
    assert!(
        status.contains("thủ tục"),
        "status bar names the catalogue: {status}"
    );
    shot(&session, "00-first-run");
    session.quit();
}

/// A clerk's day, end to end in the real app: first-run set-up, intake with the slip printed,
/// finding the dossier by a name typed without diacritics, supplement → completed → result →
/// returned, an apology with a new date on a second dossier, and the citizen's tap on the
/// satisfaction window.
#[test]
#[ignore = "needs a display and tauri-driver: run by `make e2e`"]
fn clerk_journey_from_first_run_to_the_citizens_tap() {
    let data_dir = fresh_data_dir("journey");
    let driver = driver_for(&data_dir);
    let session = driver.session(&app_binary());
    session.switch_to_window_titled("Một Cửa", WAIT);

    // First run: the commune, the counter, one clerk, and "work offline for now".
    type_into(&session, "[data-testid=setup-commune-code]", "H15.50.05.13");
    type_into(&session, "[data-testid=setup-commune-name]", "Tả Van");
    type_into(&session, "[data-testid=setup-counter-name]", "Quầy 1");
    type_into(&session, "[data-testid=setup-clerk-name]", "Lò Thị Mai\n");
    shot(&session, "01-setup");
    click(&session, "[data-testid=setup-offline]");

    // Intake: the procedure found by typing without diacritics, the citizen, save.
    type_into(
        &session,
        "[data-testid=intake-procedure-search]",
        "dang ky khai sinh",
    );
    session
        .find(
            "[data-testid=intake-procedure-option][data-code='1.001193']",
            WAIT,
        )
        .click();
    session.find("[data-testid=intake-documents]", WAIT);
    type_into(
        &session,
        "[data-testid=intake-citizen-name]",
        "Giàng Thị Mỷ",
    );
    type_into(
        &session,
        "[data-testid=intake-citizen-id_number]",
        "010195012345",
    );
    type_into(
        &session,
        "[data-testid=intake-citizen-phone]",
        "0912 345 678",
    );
    type_into(
        &session,
        "[data-testid=intake-citizen-address]",
        "Thôn Lao Chải, xã Tả Van",
    );
    session.wait_for_text("[data-testid=intake-due]", "/", WAIT);
    shot(&session, "02-intake");
    click(&session, "[data-testid=intake-save]");
    let code = session
        .wait_for_text("[data-testid=intake-result-code]", "-", WAIT)
        .trim()
        .to_string();
    session.wait_for_text("[data-testid=intake-print-note]", "", WAIT);
    shot(&session, "03-intake-saved");

    // The slip was printed straight after saving: the PDF holds the dossier's fields.
    let slip = data_dir.join("prints").join(format!("{code}-slip.pdf"));
    let deadline = std::time::Instant::now() + WAIT;
    while !slip.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let text = pdf_text(&slip);
    for field in [
        code.as_str(),
        "Giàng Thị Mỷ",
        "Thôn Lao Chải, xã Tả Van",
        "GIẤY TIẾP NHẬN HỒ SƠ",
    ] {
        assert!(text.contains(field), "the slip shows {field:?}: {text}");
    }

    // Search by the name typed without diacritics, and open the dossier.
    click(&session, "[data-testid=nav-search]");
    type_into(&session, "[data-testid=search-input]", "giang thi my");
    session
        .find(
            &format!("[data-testid=search-result][data-code='{code}']"),
            WAIT,
        )
        .click();
    session.find("[data-testid=detail]", WAIT);
    shot(&session, "04-detail");

    // Supplement requested (form 02), the completed dossier back, result, returned.
    click(&session, "[data-testid=detail-action-request_supplement]");
    type_into(
        &session,
        "[data-testid=dialog-request_supplement-reason]",
        "Thiếu bản chính Giấy chứng sinh",
    );
    click(&session, "[data-testid=dialog-request_supplement-confirm]");
    wait_status(&session, "bổ sung");
    click(&session, "[data-testid=detail-action-resubmit]");
    wait_status(&session, "tiếp nhận");
    click(&session, "[data-testid=detail-action-result_ready]");
    wait_status(&session, "Có kết quả");
    click(&session, "[data-testid=detail-action-return]");
    wait_status(&session, "Đã trả");
    let history = session.find("[data-testid=detail-history]", WAIT).text();
    for step in [
        "Tiếp nhận hồ sơ",
        "Yêu cầu bổ sung",
        "Nhận lại hồ sơ",
        "Trả kết quả",
    ] {
        assert!(
            history.contains(step),
            "the history shows {step:?}: {history}"
        );
    }
    shot(&session, "05-returned");

    // A second dossier with a multi-day time limit gets the apology and a new date (form 04).
    click(&session, "[data-testid=nav-intake]");
    type_into(
        &session,
        "[data-testid=intake-procedure-search]",
        "xac nhan tinh trang hon nhan",
    );
    session
        .find(
            "[data-testid=intake-procedure-option][data-code='LOCAL.HT.11']",
            WAIT,
        )
        .click();
    session.find("[data-testid=intake-documents]", WAIT);
    type_into(
        &session,
        "[data-testid=intake-citizen-name]",
        "Triệu Tả Mẩy",
    );
    type_into(
        &session,
        "[data-testid=intake-citizen-address]",
        "Thôn Giàng Tả Chải, xã Tả Van",
    );
    click(&session, "[data-testid=intake-save]");
    let second = session
        .wait_for_text("[data-testid=intake-result-code]", "-", WAIT)
        .trim()
        .to_string();
    assert_ne!(second, code, "each dossier gets its own code");
    click(&session, "[data-testid=nav-search]");
    type_into(&session, "[data-testid=search-input]", "trieu ta may");
    session
        .find(
            &format!("[data-testid=search-result][data-code='{second}']"),
            WAIT,
        )
        .click();
    click(&session, "[data-testid=detail-action-extend]");
    type_into(
        &session,
        "[data-testid=dialog-extend-reason]",
        "Cần xác minh thêm tại nơi cư trú trước đây",
    );
    // A datetime-local input takes its value from script more reliably than from keystrokes.
    session.execute(
        "const input = document.querySelector('[data-testid=dialog-extend-date]');\
         input.value = '2027-01-29T16:00';\
         input.dispatchEvent(new Event('input', {bubbles: true}));\
         input.dispatchEvent(new Event('change', {bubbles: true}));",
        vec![],
    );
    shot(&session, "06-apology-dialog");
    click(&session, "[data-testid=dialog-extend-confirm]");
    session
        .find("[data-testid=detail-print-apology]", WAIT)
        .click();
    let apology = data_dir
        .join("prints")
        .join(format!("{second}-apology.pdf"));
    let deadline = std::time::Instant::now() + WAIT;
    while !apology.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let text = pdf_text(&apology);
    for field in [
        "Triệu Tả Mẩy",
        "29/01/2027",
        "Cần xác minh thêm tại nơi cư trú trước đây",
        "xác nhận tình trạng hôn nhân",
    ] {
        assert!(text.contains(field), "the apology shows {field:?}: {text}");
    }
    // The return date can be reset only once (NĐ 118 art. 19.6): the action is gone.
    let extend_buttons = session.execute(
        "return document.querySelectorAll('[data-testid=detail-action-extend]').length;",
        vec![],
    );
    assert_eq!(
        extend_buttons,
        serde_json::json!(0),
        "extend is offered once only"
    );
    shot(&session, "07-apology-issued");

    // The citizen taps "very satisfied" on the customer-facing window.
    session.switch_to_window_titled("hài lòng", WAIT);
    session.find("[data-testid=tap-dossier]", WAIT);
    click(&session, "[data-testid=tap-very_satisfied]");
    std::thread::sleep(Duration::from_millis(1200));
    click(&session, "[data-testid=tap-skip]");
    session.find("[data-testid=tap-thanks]", WAIT);
    shot(&session, "08-tap-thanks");

    // The tap is in the dossier's history.
    session.switch_to_window_titled("Một Cửa", WAIT);
    click(&session, "[data-testid=nav-search]");
    type_into(&session, "[data-testid=search-input]", "trieu ta may");
    session
        .find(
            &format!("[data-testid=search-result][data-code='{second}']"),
            WAIT,
        )
        .click();
    session.wait_for_text("[data-testid=detail-history]", "đánh giá", WAIT);

    // The month's report (domain.md §7) counts the dossier returned today as on time, above
    // the 98% target, said in words; the 12-month chart has this month's bar.
    click(&session, "[data-testid=nav-reports]");
    let on_time = session.wait_for_text("[data-testid=reports-on-time]", "100,00%", WAIT);
    assert!(
        on_time.contains("đạt chỉ tiêu 98%") && !on_time.contains("chưa"),
        "{on_time}"
    );
    session.find("[data-testid=reports-chart-on-time] rect", WAIT);
    shot(&session, "09-reports");
    session.quit();
}
