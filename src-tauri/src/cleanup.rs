//! Cleanup commands: plan (nothing removed), run the plan the user saw by its id, cancel, and the
//! journal, quarantine and keep list behind the Cleanup view and the overview's one-click button.

use crate::commands::{on_engine, IpcError};
use crate::state::AppState;
use drydock_cleanup::{
    execute, plan_spec, record_uses, restore, saved_keep, set_saved_keep, CleanupError,
    JournalReport, Options, PlanBook, PlanReport, Progress, QuarantinePolicy, QuarantineReport,
    Restored, RunReport, Spec, Terms,
};
use drydock_engine::ErrorCode;
use drydock_store::Store;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use tauri::ipc::Channel;

/// How many prepared plans are remembered: a plan is run by id, and only a recent one.
const PLANS_KEPT: usize = 16;
/// Schedule previews remembered: the schedule is turned on only with the plan of one of them.
const PREVIEWS_KEPT: usize = 8;
/// The journal as the Cleanup view lists it.
const JOURNAL_RUNS: usize = 200;
const JOURNAL_ENTRIES: usize = 500;

/// The journal store, the data directory and the plans shown but not yet run.
pub struct CleanupState {
    data_dir: PathBuf,
    journal: Result<Mutex<Store>, String>,
    plans: PlanBook,
    /// Schedule previews shown; turning the schedule on takes one of them.
    pub(crate) previews: PlanBook<Terms>,
    pub(crate) cancel: AtomicBool,
    running: AtomicBool,
    /// Set once the app is quitting: no cleanup starts, a running one stops before its next
    /// removal.
    stopping: AtomicBool,
}

/// One cleanup at a time: held while a run goes, released when dropped.
pub(crate) struct Running<'a>(&'a AtomicBool);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

impl CleanupState {
    pub fn open_in(data_dir: PathBuf) -> CleanupState {
        let journal = Store::open_in(&data_dir)
            .map(Mutex::new)
            .map_err(|e| e.to_string());
        CleanupState {
            data_dir,
            journal,
            plans: PlanBook::new(PLANS_KEPT),
            previews: PlanBook::new(PREVIEWS_KEPT),
            cancel: AtomicBool::new(false),
            running: AtomicBool::new(false),
            stopping: AtomicBool::new(false),
        }
    }

    /// The app is quitting: refuses new cleanups and stops a running one before its next
    /// removal (the one under way finishes and is journaled). [`CleanupState::idle`] tells when
    /// it has.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.cancel.store(true, Ordering::SeqCst);
    }

    /// Whether no cleanup is running.
    pub fn idle(&self) -> bool {
        !self.running.load(Ordering::SeqCst)
    }

    /// Clears the cancel flag for a run that starts now, unless the app is quitting.
    pub(crate) fn arm_cancel(&self) {
        let stopping = self.stopping.load(Ordering::SeqCst);
        self.cancel.store(stopping, Ordering::SeqCst);
    }

    /// The cleanup lock, unless a cleanup is already running.
    pub(crate) fn hold(&self) -> Result<Running<'_>, IpcError> {
        if self.stopping.load(Ordering::SeqCst) {
            return Err(IpcError::new(
                ErrorCode::Internal,
                "Drydock is quitting, so no clean-up starts now\n  fix: open Drydock again and run it there",
            ));
        }
        if self.running.swap(true, Ordering::SeqCst) {
            return Err(CleanupError::Busy.into());
        }
        Ok(Running(&self.running))
    }

    /// Cleanup removes things only when it can record them: no journal, no cleanup.
    pub(crate) fn journal(&self) -> Result<&Mutex<Store>, IpcError> {
        self.journal.as_ref().map_err(|e| {
            IpcError::new(
                ErrorCode::Internal,
                format!(
                    "the journal could not be opened, so nothing will be removed: {e}\n  fix: check that {} is writable",
                    self.data_dir.display()
                ),
            )
        })
    }

    pub(crate) fn with_store<T>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, CleanupError>,
    ) -> Result<T, IpcError> {
        let journal = self.journal()?;
        let store = journal
            .lock()
            .map_err(|_| IpcError::new(ErrorCode::Internal, "the journal is unavailable"))?;
        f(&store).map_err(IpcError::from)
    }

    /// Remembers a plan made elsewhere (a review's trial image) so `prune_run` runs it by id,
    /// like any plan the Cleanup view shows.
    pub(crate) fn shown(&self, prepared: drydock_cleanup::Prepared) -> PlanReport {
        let report = PlanReport::of(&prepared, None);
        self.plans.shown(prepared, ());
        report
    }

    pub(crate) fn policy(&self) -> Result<QuarantinePolicy, IpcError> {
        self.with_store(|s| QuarantinePolicy::load(s, &self.data_dir))
    }
}

pub async fn cleanup_plan_for(
    state: &AppState,
    cleanup: &CleanupState,
    spec: Spec,
) -> Result<PlanReport, IpcError> {
    let journal = cleanup.journal()?;
    let now = drydock_cleanup::unix_now();
    let prepared = on_engine(state, |engine| async move {
        plan_spec(&engine, journal, &spec, now).await
    })
    .await?;
    let report = PlanReport::of(&prepared, None);
    cleanup.plans.shown(prepared, ());
    Ok(report)
}

pub async fn prune_run_for(
    state: &AppState,
    cleanup: &CleanupState,
    plan_id: String,
    quarantine: bool,
    progress: impl FnMut(&Progress) + Send,
) -> Result<RunReport, IpcError> {
    let (prepared, ()) = cleanup
        .plans
        .find(&plan_id, |_| true)
        .ok_or(CleanupError::UnknownPlan)?;
    let plan = PlanReport::of(&prepared, None);
    let running = cleanup.hold()?;
    cleanup.arm_cancel();
    let result = async {
        let journal = cleanup.journal()?;
        let policy = if quarantine {
            Some(cleanup.policy()?)
        } else {
            None
        };
        on_engine(state, |engine| async move {
            let opts = Options {
                quarantine: policy.as_ref(),
                cancel: Some(&cleanup.cancel),
            };
            execute(&engine, journal, &prepared, &opts, progress).await
        })
        .await
    }
    .await;
    drop(running);
    let outcome = result?;
    cleanup.plans.ran(&plan_id);
    Ok(RunReport { plan, outcome })
}

/// Settles removals an earlier run left unsettled, when the engine answers; otherwise they are
/// listed as unsettled. Best effort: the journal is read either way.
async fn settle_left_over(state: &AppState, cleanup: &CleanupState) {
    let (Ok(engine), Ok(journal)) = (state.engine().await, cleanup.journal()) else {
        return;
    };
    if let Err(e) = drydock_cleanup::settle(&engine, journal).await {
        eprintln!("warning: unsettled removals were not settled: {e}");
    }
}

pub async fn cleanup_journal_for(
    state: &AppState,
    cleanup: &CleanupState,
) -> Result<JournalReport, IpcError> {
    settle_left_over(state, cleanup).await;
    cleanup.with_store(|s| JournalReport::read(s, JOURNAL_RUNS, JOURNAL_ENTRIES))
}

pub async fn quarantine_list_for(
    state: &AppState,
    cleanup: &CleanupState,
) -> Result<QuarantineReport, IpcError> {
    // Settling decides which archives stay (an image known to be there keeps none).
    settle_left_over(state, cleanup).await;
    Ok(QuarantineReport::read(
        cleanup.journal()?,
        &cleanup.data_dir,
        drydock_cleanup::unix_now(),
    )?)
}

pub async fn quarantine_restore_for(
    state: &AppState,
    cleanup: &CleanupState,
    image_id: String,
) -> Result<Restored, IpcError> {
    let journal = cleanup.journal()?;
    on_engine(state, |engine| async move {
        restore(&engine, journal, &image_id).await
    })
    .await
}

/// Records image use from the events since the last read: the watcher calls this after each
/// burst of events, so least-recently-used clean-up knows what the app saw used.
pub async fn record_use_for(state: &AppState, cleanup: &CleanupState) {
    let (Ok(engine), Ok(journal)) = (state.engine().await, cleanup.journal()) else {
        return;
    };
    if let Err(e) = record_uses(&engine, journal, drydock_cleanup::unix_now()).await {
        eprintln!("warning: image use was not recorded: {e}");
    }
}

#[tauri::command]
pub async fn cleanup_plan(
    state: tauri::State<'_, AppState>,
    cleanup: tauri::State<'_, CleanupState>,
    spec: Spec,
) -> Result<PlanReport, IpcError> {
    cleanup_plan_for(&state, &cleanup, spec).await
}

#[tauri::command]
pub async fn prune_run(
    state: tauri::State<'_, AppState>,
    cleanup: tauri::State<'_, CleanupState>,
    plan_id: String,
    quarantine: bool,
    channel: Channel<Progress>,
) -> Result<RunReport, IpcError> {
    prune_run_for(&state, &cleanup, plan_id, quarantine, |p| {
        let _ = channel.send(p.clone());
    })
    .await
}

#[tauri::command]
pub fn prune_cancel(cleanup: tauri::State<'_, CleanupState>) {
    cleanup.cancel.store(true, Ordering::SeqCst);
}

#[tauri::command]
pub async fn cleanup_journal(
    state: tauri::State<'_, AppState>,
    cleanup: tauri::State<'_, CleanupState>,
) -> Result<JournalReport, IpcError> {
    cleanup_journal_for(&state, &cleanup).await
}

#[tauri::command]
pub async fn quarantine_list(
    state: tauri::State<'_, AppState>,
    cleanup: tauri::State<'_, CleanupState>,
) -> Result<QuarantineReport, IpcError> {
    quarantine_list_for(&state, &cleanup).await
}

#[tauri::command]
pub async fn quarantine_restore(
    state: tauri::State<'_, AppState>,
    cleanup: tauri::State<'_, CleanupState>,
    image_id: String,
) -> Result<Restored, IpcError> {
    quarantine_restore_for(&state, &cleanup, image_id).await
}

#[tauri::command]
pub fn keep_list(cleanup: tauri::State<'_, CleanupState>) -> Result<Vec<String>, IpcError> {
    cleanup.with_store(saved_keep)
}

#[tauri::command]
pub fn set_keep_list(
    cleanup: tauri::State<'_, CleanupState>,
    keep: Vec<String>,
) -> Result<Vec<String>, IpcError> {
    cleanup.with_store(|s| {
        set_saved_keep(s, &keep)?;
        saved_keep(s)
    })
}
