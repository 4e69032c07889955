//! Follows the engine's event stream and tells the UI when something changed, so an image built
//! or removed elsewhere shows up without a refresh. Bursts (a build emits dozens of events) are
//! folded into one notice, and the UI's refresh goes through the shared df call.

use crate::state::AppState;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager};

/// Quiet time after an event before the UI is told: one refresh per burst.
const SETTLE: Duration = Duration::from_millis(400);
/// Wait before following again after the engine went away.
const RETRY: Duration = Duration::from_secs(3);

pub fn start(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let mut was_down = false;
        loop {
            was_down = !follow(&app, was_down).await;
            let state = app.state::<AppState>();
            tokio::select! {
                _ = tokio::time::sleep(RETRY) => {}
                _ = state.switched.notified() => {}
            }
        }
    });
}

/// Follows one engine's events until the stream ends, fails, or the user switches engines.
/// Returns false when no engine could be reached. An engine reached after a time without one
/// is news too: the no-engine screen comes to life without the user doing anything.
async fn follow(app: &AppHandle, was_down: bool) -> bool {
    let state = app.state::<AppState>();
    let Ok(engine) = state.engine().await else {
        return false;
    };
    if was_down {
        let _ = app.emit("engine-changed", ());
    }
    // Another engine, or the same one back: its images are looked at again.
    app.state::<crate::tips::TipsState>().poke();
    // It subscribes again every few minutes by itself: a link that died without closing does
    // not leave the app deaf.
    let mut changes = engine.changes();
    loop {
        tokio::select! {
            _ = state.switched.notified() => return true,
            next = changes.next() => match next {
                // Drydock's own reads (a scan's export) are not news, or every scan would
                // refresh every view and re-plan a cleanup on screen.
                Some(Ok(change)) if !change.changes_state() => continue,
                Some(Ok(_)) => {}
                // The engine closed the stream, or the link is gone.
                None | Some(Err(_)) => return true,
            },
        }
        // Fold the rest of the burst in.
        while let Ok(Some(_)) = tokio::time::timeout(SETTLE, changes.next()).await {}
        let _ = app.emit("engine-changed", ());
        crate::cleanup::record_use_for(&state, &app.state::<crate::cleanup::CleanupState>()).await;
        // A scan reads the whole image: it goes on beside the watch, not in its way.
        tauri::async_runtime::spawn(crate::security::alert_new_images(app.clone()));
        // New images get their tips in the background; gone ones leave the overview.
        app.state::<crate::tips::TipsState>().poke();
        // A sample of disk use and of the images seen, once the history's own settle passes.
        app.state::<crate::history::HistoryState>().poke();
    }
}
