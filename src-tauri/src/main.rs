//! Một Cửa, the counter's desktop app: windows and thin commands over the `app` crate.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("the Một Cửa window could not start");
}
