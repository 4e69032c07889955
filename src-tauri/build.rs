/// Every command the UI may call; the capability in tauri.conf.json grants exactly these.
const COMMANDS: [&str; 41] = [
    "engine_status",
    "overview",
    "images",
    "image_detail",
    "containers",
    "volumes",
    "build_cache",
    "engines",
    "switch_engine",
    "lint_rules",
    "lint_path",
    "review_project",
    "review_preview",
    "review_apply",
    "review_undo",
    "review_rebuild",
    "review_cancel_rebuild",
    "review_plan_trial_removal",
    "image_layers",
    "cleanup_plan",
    "prune_run",
    "prune_cancel",
    "cleanup_journal",
    "quarantine_list",
    "quarantine_restore",
    "keep_list",
    "set_keep_list",
    "schedule_get",
    "schedule_read",
    "schedule_preview",
    "schedule_set",
    "scan_image",
    "scan_cancel",
    "scan_last",
    "advisory_status",
    "alert_threshold",
    "set_alert_threshold",
    "image_tips",
    "tips_overview",
    "flatten_plan",
    "flatten_run",
];

fn main() {
    // tauri.conf.json sits beside the root Cargo.toml, where tauri-build looks by default.
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(&COMMANDS));
    tauri_build::try_build(attributes).expect("tauri build script failed");
}
