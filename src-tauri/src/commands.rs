//! Tauri commands: each one calls the `app` crate and nothing else.

/// The version and catalogue size shown in the status bar.
#[tauri::command]
pub fn app_info() -> Result<app::About, app::AppError> {
    app::about()
}
