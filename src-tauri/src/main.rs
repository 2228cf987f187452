//! Một Cửa, the counter's desktop app: windows and thin commands over the `app` crate.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;

use std::sync::Mutex;
use tauri::Manager;

fn main() {
    let data_dir = std::env::var_os("MOTCUA_DATA_DIR")
        .map(std::path::PathBuf::from)
        .or_else(app::default_data_dir)
        .expect("no data folder: set MOTCUA_DATA_DIR");
    let desk =
        app::desk::Desk::open(&data_dir).expect("the counter's database could not be opened");
    tauri::Builder::default()
        .manage(commands::DeskState(Mutex::new(desk)))
        .manage(commands::BackgroundSyncState::default())
        .setup(|app| {
            // Syncs from the start when enrolled; a failure leaves the counter working offline
            // and the indicator says "not enrolled" or "offline".
            if let Err(error) = commands::start_background_sync(app.handle()) {
                eprintln!("background sync not started: {:?}", error.code);
            }
            commands::spawn_housekeeping(app.handle().clone());
            // The citizen-facing window goes fullscreen on a second screen when there is one.
            if let Some(window) = app.get_webview_window("satisfaction") {
                let monitors = window.available_monitors().unwrap_or_default();
                if let Some(second) = monitors.get(1) {
                    let _ = window.set_position(*second.position());
                    let _ = window.set_fullscreen(true);
                }
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::setup_status,
            commands::setup,
            commands::enroll,
            commands::save_clerk,
            commands::list_procedures,
            commands::preview_due,
            commands::validate_field,
            commands::intake,
            commands::board,
            commands::dossier_detail,
            commands::transition,
            commands::search,
            commands::print_document,
            commands::record_tap,
            commands::sync_status,
            commands::sync_now,
            commands::settings,
            commands::save_settings,
            commands::report,
            commands::report_series,
            commands::export_report,
        ])
        .build(tauri::generate_context!("../tauri.conf.json"))
        .expect("the Một Cửa window could not start")
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                commands::stop_background_sync(app);
            }
        });
}
