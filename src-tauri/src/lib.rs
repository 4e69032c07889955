//! The desktop shell: Tauri commands that take state, call one domain function, map the error.
//! The views and the data they show live in the domain crates and in `ui/`.

mod cleanup;
mod commands;
pub mod contract;
mod desktop;
mod flatten;
mod history;
mod layers;
mod lint;
mod review;
mod schedule;
mod security;
mod state;
mod tips;
mod turns;
mod watch;

pub use commands::IpcError;

/// The plain functions behind the commands, for the shell's tests.
pub mod commands_for_tests {
    pub use crate::cleanup::{
        cleanup_journal_for, cleanup_plan_for, prune_run_for, quarantine_list_for,
        quarantine_restore_for, CleanupState,
    };
    pub use crate::commands::{
        build_cache_for, containers_for, engine_status_for, engines_for, image_detail_for,
        images_for, overview_for, switch_engine_for, volumes_for,
    };
    pub use crate::desktop::alerts::{disk_alert, DiskWatch};
    pub use crate::desktop::{
        desktop_settings_for, set_desktop_settings_for, DesktopSettings, LoginItem,
    };
    pub use crate::flatten::{flatten_plan_for, flatten_run_for, FlattenState};
    pub use crate::history::{
        build_records_for, df_history_for, image_diff_for, repositories_for,
        repository_history_for, sample_for, HistoryState, Range,
    };
    pub use crate::layers::{image_layers_for, ImageLayers, LayerCache};
    pub use crate::schedule::{
        schedule_get_for, schedule_preview_for, schedule_read_for, schedule_set_for,
        scheduled_tick_for,
    };
    pub use crate::security::{
        advisory_status_for, alert_for, alert_for_new, alert_threshold_for, database_changed,
        new_images, older_database, rescan_after_update_for, scan_image_for, scan_last_for,
        set_alert_threshold_for, SecurityState,
    };
    pub use crate::tips::{image_tips_for, TipsState};
    pub use crate::turns::Turns;
}
pub use state::AppState;

/// Starts the app. The engine is chosen exactly as the CLI chooses it (DOCKER_HOST, contexts,
/// the usual sockets), so `DOCKER_HOST=... drydock-app` shows that engine.
pub fn run() {
    let state = AppState::from_process();
    let result = tauri::Builder::default()
        // First: a second launch (from the menu, or at login while one runs) only brings the
        // running Drydock forward, so one app runs the schedule. Without a session bus (D-Bus on
        // Linux) it launches normally.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            desktop::notify::open(app, None);
        }))
        .manage(state)
        .plugin(tauri_plugin_notification::init())
        // The login item starts Drydock in the tray (see desktop::start).
        .plugin(
            tauri_plugin_autostart::Builder::new()
                .arg(desktop::AUTOSTART_ARG)
                .build(),
        )
        .manage(desktop::DesktopState::default())
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                desktop::on_close_requested(window, api);
            }
        })
        .setup(|app| {
            use tauri::Manager;
            // The CLI's data directory (DRYDOCK_DATA_DIR or the platform's), so both share one
            // journal and quarantine; Tauri's own choice if the platform has none.
            let data_dir = drydock_store::data_dir().or_else(|| app.path().app_data_dir().ok());
            app.manage(layers::LayerCache::open_in(data_dir.as_deref()));
            let fallback = std::env::temp_dir().join("drydock");
            let data_dir = data_dir.unwrap_or(fallback);
            app.manage(security::SecurityState::new(data_dir.clone()));
            app.manage(turns::Turns::default());
            app.manage(tips::TipsState::default());
            // The flat image's tar is written beside the journal, then handed to the engine.
            app.manage(flatten::FlattenState::new(data_dir.join("flatten")));
            app.manage(history::HistoryState::open_in(data_dir.clone()));
            app.manage(cleanup::CleanupState::open_in(data_dir));
            app.manage(review::ReviewState::default());
            watch::start(app.handle().clone());
            schedule::start(app.handle().clone());
            security::start(app.handle().clone());
            tips::start(app.handle().clone());
            history::start(app.handle().clone());
            desktop::start(app.handle());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::engine_status,
            commands::overview,
            commands::images,
            commands::image_detail,
            commands::containers,
            commands::volumes,
            commands::build_cache,
            commands::engines,
            commands::switch_engine,
            lint::lint_rules,
            lint::lint_path,
            review::review_project,
            review::review_preview,
            review::review_apply,
            review::review_undo,
            review::rebuild::review_rebuild,
            review::rebuild::review_cancel_rebuild,
            review::rebuild::review_plan_trial_removal,
            layers::image_layers,
            cleanup::cleanup_plan,
            cleanup::prune_run,
            cleanup::prune_cancel,
            cleanup::cleanup_journal,
            cleanup::quarantine_list,
            cleanup::quarantine_restore,
            cleanup::keep_list,
            cleanup::set_keep_list,
            schedule::schedule_get,
            schedule::schedule_read,
            schedule::schedule_preview,
            schedule::schedule_set,
            security::scan_image,
            security::scan_cancel,
            security::scan_last,
            security::advisory_status,
            security::alert_threshold,
            security::set_alert_threshold,
            tips::image_tips,
            tips::tips_overview,
            flatten::flatten_plan,
            flatten::flatten_run,
            history::df_history,
            history::repository_history,
            history::repositories,
            history::build_records,
            history::image_diff,
            desktop::desktop_settings,
            desktop::set_desktop_settings,
        ])
        .build(tauri::generate_context!());
    match result {
        // Quitting waits for a running clean-up to finish its current removal.
        Ok(app) => app.run(|app, event| match &event {
            tauri::RunEvent::ExitRequested { api, .. } => desktop::on_exit_requested(app, api),
            // macOS: a click on the Dock icon brings back the window hidden in the tray.
            #[cfg(target_os = "macos")]
            tauri::RunEvent::Reopen {
                has_visible_windows: false,
                ..
            } => desktop::notify::open(app, None),
            _ => {}
        }),
        Err(err) => {
            eprintln!("error: Drydock could not start its window: {err}");
            std::process::exit(2);
        }
    }
}
