//! Một Cửa, the counter's desktop app: windows and thin commands over the `app` crate.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![commands::app_info])
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("the Một Cửa window could not start");
}
