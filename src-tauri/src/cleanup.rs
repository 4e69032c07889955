//! Cleanup commands: plan (nothing removed), run the plan the user saw by its id, cancel, and the
//! journal, quarantine and keep list behind the Cleanup view and the overview's one-click button.

use crate::commands::{on_engine, IpcError};
use crate::state::AppState;
use drydock_cleanup::{
    execute, prepare, record_uses, restore, saved_keep, set_saved_keep, CleanupError, Options,
    Outcome, Prepared, Progress, QuarantineEntry, QuarantinePolicy, Restored, Spec,
};
use drydock_prune::Item;
use drydock_store::{Entry, Run, Store};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use tauri::ipc::Channel;

impl From<CleanupError> for IpcError {
    fn from(err: CleanupError) -> Self {
        IpcError {
            code: err.code().to_owned(),
            message: err.to_string(),
        }
    }
}

/// How many prepared plans are remembered: a plan is run by id, and only a recent one.
const PLANS_KEPT: usize = 16;

/// The journal store, the data directory and the plans shown but not yet run.
pub struct CleanupState {
    data_dir: PathBuf,
    journal: Result<Mutex<Store>, String>,
    plans: Mutex<Vec<(String, Prepared)>>,
    /// Schedule previews shown; turning the schedule on takes one of them.
    pub(crate) previews: Mutex<Vec<crate::schedule::Seen>>,
    cancel: AtomicBool,
    running: AtomicBool,
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
            plans: Mutex::new(Vec::new()),
            previews: Mutex::new(Vec::new()),
            cancel: AtomicBool::new(false),
            running: AtomicBool::new(false),
        }
    }

    /// The cleanup lock, unless a cleanup is already running.
    pub(crate) fn hold(&self) -> Option<Running<'_>> {
        (!self.running.swap(true, Ordering::SeqCst)).then_some(Running(&self.running))
    }

    /// Cleanup removes things only when it can record them: no journal, no cleanup.
    pub(crate) fn journal(&self) -> Result<&Mutex<Store>, IpcError> {
        self.journal.as_ref().map_err(|e| IpcError {
            code: "internal".into(),
            message: format!(
                "the journal could not be opened, so nothing will be removed: {e}\n  fix: check that {} is writable",
                self.data_dir.display()
            ),
        })
    }

    pub(crate) fn with_store<T>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, CleanupError>,
    ) -> Result<T, IpcError> {
        let journal = self.journal()?;
        let store = journal.lock().map_err(|_| IpcError {
            code: "internal".into(),
            message: "the journal is unavailable".into(),
        })?;
        f(&store).map_err(IpcError::from)
    }

    pub(crate) fn policy(&self) -> Result<QuarantinePolicy, IpcError> {
        self.with_store(|s| QuarantinePolicy::load(s, &self.data_dir))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanView {
    pub plan_id: String,
    pub planned_at: i64,
    pub items: Vec<Item>,
    pub predicted_reclaim: u64,
    pub kept: Vec<(String, String)>,
}

/// The plan as the UI shows it.
pub fn plan_view(prepared: &Prepared) -> PlanView {
    PlanView {
        plan_id: prepared.plan_id.clone(),
        planned_at: prepared.planned_at,
        items: prepared.plan.items.clone(),
        predicted_reclaim: prepared.plan.predicted_reclaim,
        kept: prepared.plan.kept.clone(),
    }
}

pub async fn cleanup_plan_for(
    state: &AppState,
    cleanup: &CleanupState,
    spec: Spec,
) -> Result<PlanView, IpcError> {
    let keep = cleanup.with_store(saved_keep)?;
    let request = spec
        .request(&keep)
        .map_err(|e| IpcError::from(CleanupError::from(e)))?;
    let why = if spec.one_click { "one-click" } else { "prune" };
    let now = drydock_cleanup::unix_now();
    let prepared = on_engine(state, |engine| async move {
        prepare(&engine, request, why, now).await
    })
    .await?;
    let view = plan_view(&prepared);
    if let Ok(mut plans) = cleanup.plans.lock() {
        plans.push((prepared.plan_id.clone(), prepared));
        let excess = plans.len().saturating_sub(PLANS_KEPT);
        plans.drain(..excess);
    }
    Ok(view)
}

pub async fn prune_run_for(
    state: &AppState,
    cleanup: &CleanupState,
    plan_id: String,
    quarantine: bool,
    progress: impl FnMut(&Progress) + Send,
) -> Result<Outcome, IpcError> {
    let prepared = cleanup
        .plans
        .lock()
        .ok()
        .and_then(|plans| {
            plans
                .iter()
                .find(|(id, _)| *id == plan_id)
                .map(|(_, p)| p.clone())
        })
        .ok_or_else(|| IpcError {
            code: "invalid_input".into(),
            message: "this plan is no longer known: plan again and confirm the new plan".into(),
        })?;
    let Some(running) = cleanup.hold() else {
        return Err(IpcError {
            code: "in_use".into(),
            message: "a cleanup is already running: wait for it to finish".into(),
        });
    };
    cleanup.cancel.store(false, Ordering::SeqCst);
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
    if result.is_ok() {
        // A plan runs once: running it again would skip everything as already gone.
        if let Ok(mut plans) = cleanup.plans.lock() {
            plans.retain(|(id, _)| *id != plan_id);
        }
    }
    result
}

#[derive(Debug, Clone, Serialize)]
pub struct Journal {
    pub runs: Vec<Run>,
    pub entries: Vec<Entry>,
    pub total_freed: u64,
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
) -> Result<Journal, IpcError> {
    settle_left_over(state, cleanup).await;
    cleanup.with_store(|s| {
        Ok(Journal {
            runs: s.runs(200)?,
            entries: s.journal(None, 500)?,
            total_freed: s.total_freed()?,
        })
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct QuarantineView {
    pub entries: Vec<QuarantineEntry>,
    pub max_bytes: u64,
    pub max_days: u32,
    pub dir: String,
}

pub async fn quarantine_list_for(
    state: &AppState,
    cleanup: &CleanupState,
) -> Result<QuarantineView, IpcError> {
    // Settling decides which archives stay (an image known to be there keeps none).
    settle_left_over(state, cleanup).await;
    let policy = cleanup.policy()?;
    let entries = QuarantineEntry::list(cleanup.journal()?, &policy, drydock_cleanup::unix_now())?;
    Ok(QuarantineView {
        entries,
        max_bytes: policy.max_bytes,
        max_days: policy.max_days,
        dir: policy.dir.display().to_string(),
    })
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
) -> Result<PlanView, IpcError> {
    cleanup_plan_for(&state, &cleanup, spec).await
}

#[tauri::command]
pub async fn prune_run(
    state: tauri::State<'_, AppState>,
    cleanup: tauri::State<'_, CleanupState>,
    plan_id: String,
    quarantine: bool,
    channel: Channel<Progress>,
) -> Result<Outcome, IpcError> {
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
) -> Result<Journal, IpcError> {
    cleanup_journal_for(&state, &cleanup).await
}

#[tauri::command]
pub async fn quarantine_list(
    state: tauri::State<'_, AppState>,
    cleanup: tauri::State<'_, CleanupState>,
) -> Result<QuarantineView, IpcError> {
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
