//! Scheduled clean-up in the app. The user turns it on after seeing what it would remove now;
//! that plan runs at once, and later runs come on time while the app runs (in its window or the
//! tray), each journaled like any prune. A run's result stays until the user has read it, so a
//! notice is never missed; a desktop notification tells a run that did something.

use crate::cleanup::CleanupState;
use crate::commands::{on_engine, IpcError};
use crate::state::AppState;
use drydock_cleanup::{
    consented, last_scheduled, mark_read, not_run, prepare_scheduled, run_scheduled, unix_now,
    Options, PlanReport, Prepared, Schedule, ScheduleReport, ScheduledRun, Terms,
};
use drydock_prune::GcPlan;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager};

/// How often the app looks whether a run is due: a laptop that wakes after its run time gets it
/// within this, and reading one setting this often costs nothing.
const CHECK_EVERY: Duration = Duration::from_secs(60);

pub fn schedule_get_for(cleanup: &CleanupState) -> Result<ScheduleReport, IpcError> {
    cleanup.with_store(ScheduleReport::read)
}

/// Marks the last run's notice as read.
pub fn schedule_read_for(cleanup: &CleanupState) -> Result<ScheduleReport, IpcError> {
    cleanup.with_store(mark_read)?;
    schedule_get_for(cleanup)
}

/// What a run on `schedule`'s terms would remove now. Nothing is removed.
pub async fn schedule_preview_for(
    state: &AppState,
    cleanup: &CleanupState,
    schedule: Schedule,
) -> Result<PlanReport, IpcError> {
    let journal = cleanup.journal()?;
    let terms = schedule.clone();
    let (prepared, gc) = on_engine(state, |engine| async move {
        prepare_scheduled(&engine, journal, &terms, unix_now()).await
    })
    .await?;
    let preview = PlanReport::of(&prepared, Some(&gc));
    cleanup.previews.shown(prepared, Terms { schedule, gc });
    Ok(preview)
}

/// Saves the schedule. Turning it on (or changing its terms while on) takes the id of a preview
/// on the same terms (the consent rule, [`consented`]); that plan runs now.
pub async fn schedule_set_for(
    state: &AppState,
    cleanup: &CleanupState,
    schedule: Schedule,
    plan_id: Option<String>,
) -> Result<ScheduleReport, IpcError> {
    schedule.check().map_err(IpcError::from)?;
    let Some(seen) = consented(&cleanup.previews, &schedule, plan_id.as_deref())? else {
        cleanup.with_store(|s| schedule.save(s))?;
        return schedule_get_for(cleanup);
    };
    let _running = cleanup.hold()?;
    cleanup.with_store(|s| schedule.save(s))?;
    run_now(state, cleanup, &schedule, Some(seen), unix_now()).await?;
    schedule_get_for(cleanup)
}

/// Runs the schedule if it is due at `now`. `None` when it is not, or when another cleanup is
/// running (the next check tries again).
pub async fn scheduled_tick_for(
    state: &AppState,
    cleanup: &CleanupState,
    now: i64,
) -> Result<Option<ScheduledRun>, IpcError> {
    let Ok(_running) = cleanup.hold() else {
        return Ok(None);
    };
    let (schedule, last) = cleanup.with_store(|s| Ok((Schedule::load(s)?, last_scheduled(s)?)))?;
    if !schedule.due(last.as_ref(), now) {
        return Ok(None);
    }
    run_now(state, cleanup, &schedule, None, now)
        .await
        .map(Some)
}

/// One run (the caller holds the cleanup lock). An engine that cannot be reached is recorded as
/// a run that did not happen, so it is reported and retried.
async fn run_now(
    state: &AppState,
    cleanup: &CleanupState,
    schedule: &Schedule,
    seen: Option<(Prepared, GcPlan)>,
    now: i64,
) -> Result<ScheduledRun, IpcError> {
    let journal = cleanup.journal()?;
    let policy = cleanup.policy()?;
    // Quitting stops the run before its next removal; what it removed is journaled.
    cleanup.arm_cancel();
    let opts = Options {
        quarantine: Some(&policy),
        cancel: Some(&cleanup.cancel),
    };
    let run = match state.engine().await {
        Ok(engine) => run_scheduled(&engine, journal, schedule, &opts, seen, now).await?,
        Err(err) => not_run(journal, schedule, now, &err.to_string())?,
    };
    if run.error.is_some() && run.plan_id.is_none() {
        // Connect afresh next time: the engine may have moved or restarted.
        state.forget_engine().await;
    }
    Ok(run)
}

/// Checks every minute whether a run is due, and tells the UI after each run. (Turning the
/// schedule on runs the confirmed plan there and then, so nothing waits on this loop.)
pub fn start(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        loop {
            let state = app.state::<AppState>();
            let cleanup = app.state::<CleanupState>();
            match scheduled_tick_for(&state, &cleanup, unix_now()).await {
                Ok(Some(run)) => {
                    let _ = app.emit("scheduled-cleanup", &run);
                    crate::desktop::on_scheduled_run(&app, &run);
                }
                Ok(None) => {}
                Err(err) => eprintln!(
                    "warning: the scheduled clean-up did not run: {}",
                    err.message
                ),
            }
            tokio::time::sleep(CHECK_EVERY).await;
        }
    });
}

#[tauri::command]
pub fn schedule_get(cleanup: tauri::State<'_, CleanupState>) -> Result<ScheduleReport, IpcError> {
    schedule_get_for(&cleanup)
}

#[tauri::command]
pub fn schedule_read(cleanup: tauri::State<'_, CleanupState>) -> Result<ScheduleReport, IpcError> {
    schedule_read_for(&cleanup)
}

#[tauri::command]
pub async fn schedule_preview(
    state: tauri::State<'_, AppState>,
    cleanup: tauri::State<'_, CleanupState>,
    schedule: Schedule,
) -> Result<PlanReport, IpcError> {
    schedule_preview_for(&state, &cleanup, schedule).await
}

#[tauri::command]
pub async fn schedule_set(
    state: tauri::State<'_, AppState>,
    cleanup: tauri::State<'_, CleanupState>,
    schedule: Schedule,
    plan_id: Option<String>,
) -> Result<ScheduleReport, IpcError> {
    schedule_set_for(&state, &cleanup, schedule, plan_id).await
}
