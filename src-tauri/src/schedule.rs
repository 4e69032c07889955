//! Scheduled clean-up in the app. The user turns it on after seeing what it would remove now;
//! that plan runs at once, and later runs come on time while the app is open, each journaled like
//! any prune. A run's result stays until the user has read it, so a notice is never missed.

use crate::cleanup::{plan_view, CleanupState, PlanView};
use crate::commands::{on_engine, IpcError};
use crate::state::AppState;
use drydock_cleanup::{
    last_scheduled, not_run, prepare_scheduled, run_scheduled, unix_now, Prepared, Schedule,
    ScheduledRun,
};
use drydock_prune::GcPlan;
use serde::Serialize;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager};

/// How often the app looks whether a run is due: a laptop that wakes after its run time gets it
/// within this, and reading one setting this often costs nothing.
const CHECK_EVERY: Duration = Duration::from_secs(60);
/// Previews remembered: the schedule is turned on only with the plan of one of them.
const PREVIEWS_KEPT: usize = 8;

#[derive(Debug, Clone, Serialize)]
pub struct ScheduleView {
    pub schedule: Schedule,
    pub last: Option<ScheduledRun>,
    /// When the next run is due (seconds since the epoch); `None` while off.
    pub next_run: Option<i64>,
    /// Whether the user has dismissed the notice of the last run.
    pub last_read: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SchedulePreview {
    pub plan: PlanView,
    pub image_bytes: u64,
    pub max_bytes: u64,
    pub fits: bool,
}

/// A preview as the user saw it: the terms and the plan they were shown.
pub struct Seen {
    schedule: Schedule,
    prepared: Prepared,
    gc: GcPlan,
}

const READ_KEY: &str = "schedule.read";

pub fn schedule_get_for(cleanup: &CleanupState) -> Result<ScheduleView, IpcError> {
    cleanup.with_store(|s| {
        let schedule = Schedule::load(s)?;
        let last = last_scheduled(s)?;
        let read: Option<i64> = s.setting(READ_KEY)?;
        Ok(ScheduleView {
            next_run: schedule.next_run(last.as_ref()).map(|t| t.max(0)),
            last_read: last.as_ref().is_none_or(|run| read == Some(run.at)),
            schedule,
            last,
        })
    })
}

/// Marks the last run's notice as read.
pub fn schedule_read_for(cleanup: &CleanupState) -> Result<ScheduleView, IpcError> {
    cleanup.with_store(|s| {
        if let Some(run) = last_scheduled(s)? {
            s.set_setting(READ_KEY, &run.at)?;
        }
        Ok(())
    })?;
    schedule_get_for(cleanup)
}

/// What a run on `schedule`'s terms would remove now. Nothing is removed.
pub async fn schedule_preview_for(
    state: &AppState,
    cleanup: &CleanupState,
    schedule: Schedule,
) -> Result<SchedulePreview, IpcError> {
    let journal = cleanup.journal()?;
    let terms = schedule.clone();
    let (prepared, gc) = on_engine(state, |engine| async move {
        prepare_scheduled(&engine, journal, &terms, unix_now()).await
    })
    .await?;
    let preview = SchedulePreview {
        plan: plan_view(&prepared),
        image_bytes: gc.image_bytes,
        max_bytes: gc.max_bytes,
        fits: gc.fits,
    };
    if let Ok(mut seen) = cleanup.previews.lock() {
        seen.push(Seen {
            schedule,
            prepared,
            gc,
        });
        let excess = seen.len().saturating_sub(PREVIEWS_KEPT);
        seen.drain(..excess);
    }
    Ok(preview)
}

/// Saves the schedule. Turning it on (or changing its terms while on) takes the id of a preview
/// on the same terms: the user agreed to that plan, and it runs now; later runs need no one.
/// Turning it off needs nothing.
pub async fn schedule_set_for(
    state: &AppState,
    cleanup: &CleanupState,
    schedule: Schedule,
    plan_id: Option<String>,
) -> Result<ScheduleView, IpcError> {
    schedule.check().map_err(IpcError::from)?;
    if !schedule.enabled {
        cleanup.with_store(|s| schedule.save(s))?;
        return schedule_get_for(cleanup);
    }
    let seen = cleanup.previews.lock().ok().and_then(|mut seen| {
        let at = seen.iter().position(|s| {
            Some(&s.prepared.plan_id) == plan_id.as_ref() && s.schedule.same_terms(&schedule)
        })?;
        Some(seen.remove(at))
    });
    let Some(seen) = seen else {
        return Err(IpcError {
            code: "invalid_input".into(),
            message: "turn the schedule on from a preview of these terms: preview again and confirm what it shows".into(),
        });
    };
    let Some(_running) = cleanup.hold() else {
        return Err(IpcError {
            code: "in_use".into(),
            message: "a cleanup is already running: wait for it to finish, then turn the schedule on again".into(),
        });
    };
    cleanup.with_store(|s| schedule.save(s))?;
    run_now(
        state,
        cleanup,
        &schedule,
        Some((seen.prepared, seen.gc)),
        unix_now(),
    )
    .await?;
    schedule_get_for(cleanup)
}

/// Runs the schedule if it is due at `now`. `None` when it is not, or when another cleanup is
/// running (the next check tries again).
pub async fn scheduled_tick_for(
    state: &AppState,
    cleanup: &CleanupState,
    now: i64,
) -> Result<Option<ScheduledRun>, IpcError> {
    let Some(_running) = cleanup.hold() else {
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
    let run = match state.engine().await {
        Ok(engine) => run_scheduled(&engine, journal, schedule, Some(&policy), seen, now).await?,
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
pub fn schedule_get(cleanup: tauri::State<'_, CleanupState>) -> Result<ScheduleView, IpcError> {
    schedule_get_for(&cleanup)
}

#[tauri::command]
pub fn schedule_read(cleanup: tauri::State<'_, CleanupState>) -> Result<ScheduleView, IpcError> {
    schedule_read_for(&cleanup)
}

#[tauri::command]
pub async fn schedule_preview(
    state: tauri::State<'_, AppState>,
    cleanup: tauri::State<'_, CleanupState>,
    schedule: Schedule,
) -> Result<SchedulePreview, IpcError> {
    schedule_preview_for(&state, &cleanup, schedule).await
}

#[tauri::command]
pub async fn schedule_set(
    state: tauri::State<'_, AppState>,
    cleanup: tauri::State<'_, CleanupState>,
    schedule: Schedule,
    plan_id: Option<String>,
) -> Result<ScheduleView, IpcError> {
    schedule_set_for(&state, &cleanup, schedule, plan_id).await
}
