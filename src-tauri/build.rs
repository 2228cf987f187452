//! The Tauri build step, reading the one config at the repository root.

fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().config_path("../tauri.conf.json"))
        .expect("tauri-build failed to read ../tauri.conf.json");
}
