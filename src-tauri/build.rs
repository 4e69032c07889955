fn main() {
    // tauri.conf.json sits beside the root Cargo.toml, where tauri-build looks by default.
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(&["engine_status"]));
    tauri_build::try_build(attributes).expect("tauri build script failed");
}
