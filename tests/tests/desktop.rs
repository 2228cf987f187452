//! The real desktop app in a real WebKitGTK webview under Xvfb, driven through tauri-driver.
//! Run by `make e2e` (part of `make test`), which builds the app and provides the display.

use motcua_system_tests::{artifacts_dir, repo_root, webdriver::Driver};
use std::time::Duration;

fn app_binary() -> std::path::PathBuf {
    let binary = repo_root().join("target/debug/motcua-desktop");
    assert!(
        binary.exists(),
        "build the app first: cargo build -p motcua-desktop"
    );
    binary
}

/// The window opens with the bundled UI, and the UI reaches the Rust core over IPC.
#[test]
#[ignore = "needs a display and tauri-driver: run by `make e2e`"]
fn app_window_opens_and_the_ui_reaches_the_core() {
    let data_dir = std::env::temp_dir().join(format!("motcua-e2e-{}", std::process::id()));
    let data_dir_text = data_dir.to_string_lossy().to_string();
    let driver = Driver::start();
    let session = driver.session(&app_binary(), &[("MOTCUA_DATA_DIR", &data_dir_text)]);
    assert_eq!(session.title(), "Một Cửa");
    let status = session.wait_for_text("[data-testid=status]", "Sẵn sàng", Duration::from_secs(20));
    assert!(
        status.contains("thủ tục"),
        "status bar names the catalogue: {status}"
    );
    session.screenshot(&artifacts_dir("e2e").join("01-shell.png"));
    session.quit();
}
