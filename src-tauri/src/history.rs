//! What grew, when and why: disk use over time for the overview's chart, every build of a
//! repository for an image's History tab and the Builds view, BuildKit's build records, and the
//! file-level diff of two builds. The app samples the df figures and notes the images it sees at
//! start, after the engine's changes and every few minutes while open.

use crate::commands::{on_engine, IpcError};
use crate::state::AppState;
use crate::turns::Turns;
use drydock_charts::disk_use_over_time;
use drydock_engine::ErrorCode;
use drydock_history::{
    diff_images, record_sample, record_seen, sample_of, seen_now_known, BuildRecord, DiffProgress,
    HistoryError, ImageDiff, RepositoryHistory,
};
use drydock_inventory::DfReport;
use drydock_store::Store;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tauri::ipc::Channel;
use tauri::{AppHandle, Emitter, Manager};
use tokio::sync::Notify;
use ts_rs::TS;

/// The spans the overview's chart offers.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, TS)]
#[serde(rename_all = "lowercase")]
pub enum Range {
    Day,
    Week,
    Month,
    Year,
}

impl Range {
    /// The span in seconds.
    pub fn seconds(self) -> i64 {
        const DAY: i64 = 24 * 60 * 60;
        match self {
            Range::Day => DAY,
            Range::Week => 7 * DAY,
            Range::Month => 30 * DAY,
            Range::Year => 365 * DAY,
        }
    }
}

/// Disk use over the span, and the chart of it the CLI writes too.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
pub struct DfHistoryView {
    pub history: drydock_history::DfHistory,
    /// The plotters SVG; the UI shows it through `<img>`, never as markup.
    pub svg: String,
}

/// The overview's chart, in SVG pixels: it scales to the card.
const CHART_WIDTH: u32 = 900;
/// How often the app samples while open, change or not: the chart has a point per few minutes
/// even on an idle engine, and compaction keeps the table small.
const SAMPLE_EVERY: Duration = Duration::from_secs(5 * 60);
/// Quiet time after a change before sampling: a burst of changes (a build, a prune) is one sample.
const SETTLE: Duration = Duration::from_secs(2);
/// The first sample waits for the window's first views (they read the engine first).
const FIRST_SAMPLE: Duration = Duration::from_secs(1);

/// The store the samples and the seen images live in, and the one diff running.
pub struct HistoryState {
    data_dir: PathBuf,
    store: Result<Mutex<Store>, String>,
    /// Told after the engine reported a change: a sample is taken once the burst settles.
    changed: Notify,
    diffing: AtomicBool,
}

/// One diff at a time: held while a diff runs, released when dropped.
struct Diffing<'a>(&'a AtomicBool);

impl Drop for Diffing<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

impl HistoryState {
    /// The history in Drydock's store in `data_dir` (the CLI's, so `drydock df --history` and
    /// the app's chart show the same samples). Without a store the views say why; nothing fails
    /// at start.
    pub fn open_in(data_dir: PathBuf) -> HistoryState {
        let store = Store::open_in(&data_dir)
            .map(Mutex::new)
            .map_err(|e| e.to_string());
        HistoryState {
            data_dir,
            store,
            changed: Notify::new(),
            diffing: AtomicBool::new(false),
        }
    }

    fn store(&self) -> Result<&Mutex<Store>, IpcError> {
        self.store.as_ref().map_err(|e| {
            IpcError::new(
                ErrorCode::Internal,
                format!(
                    "Drydock's store could not be opened, so it keeps no history: {e}\n  fix: check that {} is writable",
                    self.data_dir.display()
                ),
            )
        })
    }

    /// The engine changed: sample once the burst settles.
    pub fn poke(&self) {
        self.changed.notify_one();
    }

    fn hold_diff(&self) -> Result<Diffing<'_>, IpcError> {
        if self.diffing.swap(true, Ordering::SeqCst) {
            return Err(IpcError::new(
                ErrorCode::InUse,
                "a comparison is already running\n  fix: wait for it to finish, then compare again",
            ));
        }
        Ok(Diffing(&self.diffing))
    }
}

impl From<HistoryError> for IpcError {
    fn from(err: HistoryError) -> Self {
        IpcError::new(err.code(), err.to_string())
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Records one sample of the df figures and the images on the engine now, and returns the
/// figures and Docker's bytes in all (the tray shows them). Best effort: a failure is told on
/// stderr and the next sample tries again.
pub async fn sample_for(
    state: &AppState,
    history: &HistoryState,
) -> Result<(DfReport, u64), IpcError> {
    let store = history.store()?;
    let (report, seen, docker) = on_engine(state, |engine| async move {
        // One df answer for both; only images the store does not know yet are inspected.
        let usage = engine.disk_usage().await?;
        let seen = seen_now_known(&engine, store, Some(std::sync::Arc::clone(&usage))).await?;
        let docker = u64::try_from(drydock_inventory::docker_bytes(&usage)).unwrap_or(0);
        let report = engine.df_of(usage).await?;
        Ok::<_, HistoryError>((report, seen, docker))
    })
    .await?;
    let at = now();
    tokio::task::block_in_place(|| {
        record_sample(store, &sample_of(&report, at))?;
        record_seen(store, &seen, at)
    })?;
    Ok((report, docker))
}

/// Samples at start, after each change the engine reports (once the burst settles) and every
/// [`SAMPLE_EVERY`] while the app is open.
pub fn start(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(FIRST_SAMPLE).await;
        loop {
            let (state, history) = (app.state::<AppState>(), app.state::<HistoryState>());
            match sample_for(&state, &history).await {
                // The chart and the builds shown read the store again.
                Ok((report, docker)) => {
                    let _ = app.emit("history-sampled", ());
                    // The tray's figures and the disk alert come from the same sample.
                    crate::desktop::on_sample(&app, &report, docker);
                }
                // No engine is no news: the next change or tick samples again.
                Err(err) if err.code == ErrorCode::EngineUnavailable => {
                    crate::desktop::on_engine_away(&app);
                }
                Err(err) => eprintln!("warning: disk use was not sampled: {}", err.message),
            }
            tokio::select! {
                () = tokio::time::sleep(SAMPLE_EVERY) => {}
                () = history.changed.notified() => {
                    // Fold the rest of the burst in.
                    while tokio::time::timeout(SETTLE, history.changed.notified()).await.is_ok() {}
                }
            }
        }
    });
}

pub async fn df_history_for(
    history: &HistoryState,
    range: Range,
) -> Result<DfHistoryView, IpcError> {
    let store = history.store()?;
    let until = now();
    let since = until.saturating_sub(range.seconds());
    let history = tokio::task::block_in_place(|| drydock_history::df_history(store, since, until))?;
    let svg = disk_use_over_time(&history, CHART_WIDTH);
    Ok(DfHistoryView { history, svg })
}

pub async fn repository_history_for(
    history: &HistoryState,
    repository: &str,
) -> Result<RepositoryHistory, IpcError> {
    let store = history.store()?;
    Ok(tokio::task::block_in_place(|| {
        drydock_history::repository_history(store, repository)
    })?)
}

pub async fn repositories_for(history: &HistoryState) -> Result<Vec<RepositoryHistory>, IpcError> {
    let store = history.store()?;
    Ok(tokio::task::block_in_place(|| {
        drydock_history::repositories(store)
    })?)
}

pub async fn build_records_for(state: &AppState) -> Result<Vec<BuildRecord>, IpcError> {
    on_engine(state, |engine| async move {
        drydock_history::build_records(&engine).await
    })
    .await
}

pub async fn image_diff_for(
    state: &AppState,
    history: &HistoryState,
    a: String,
    b: String,
    progress: impl FnMut(DiffProgress) + Send,
) -> Result<ImageDiff, IpcError> {
    let _one = history.hold_diff()?;
    on_engine(state, |engine| async move {
        diff_images(&engine, &a, &b, progress).await
    })
    .await
}

#[tauri::command]
pub async fn df_history(
    history: tauri::State<'_, HistoryState>,
    range: Range,
) -> Result<DfHistoryView, IpcError> {
    df_history_for(&history, range).await
}

#[tauri::command]
pub async fn repository_history(
    history: tauri::State<'_, HistoryState>,
    repository: String,
) -> Result<RepositoryHistory, IpcError> {
    repository_history_for(&history, &repository).await
}

#[tauri::command]
pub async fn repositories(
    history: tauri::State<'_, HistoryState>,
) -> Result<Vec<RepositoryHistory>, IpcError> {
    repositories_for(&history).await
}

#[tauri::command]
pub async fn build_records(
    state: tauri::State<'_, AppState>,
) -> Result<Vec<BuildRecord>, IpcError> {
    build_records_for(&state).await
}

#[tauri::command]
pub async fn image_diff(
    state: tauri::State<'_, AppState>,
    history: tauri::State<'_, HistoryState>,
    turns: tauri::State<'_, Turns>,
    a: String,
    b: String,
    channel: Channel<DiffProgress>,
) -> Result<ImageDiff, IpcError> {
    // Two whole exports: the user's read goes before the background's (which stops its own).
    let _turn = turns.user().await;
    image_diff_for(&state, &history, a, b, |p| {
        let _ = channel.send(p);
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_diff_is_refused_while_one_runs() {
        let dir = tempfile::tempdir().expect("temp dir");
        let history = HistoryState::open_in(dir.path().to_path_buf());
        let first = history.hold_diff().expect("the first diff runs");
        let refused = history.hold_diff().err().expect("the second waits");
        assert_eq!(refused.code, ErrorCode::InUse);
        drop(first);
        assert!(
            history.hold_diff().is_ok(),
            "free again once the first ends"
        );
    }

    #[test]
    fn the_spans_are_a_day_a_week_a_month_and_a_year() {
        assert_eq!(Range::Day.seconds(), 86_400);
        assert_eq!(Range::Week.seconds(), 7 * 86_400);
        assert_eq!(Range::Month.seconds(), 30 * 86_400);
        assert_eq!(Range::Year.seconds(), 365 * 86_400);
        let json = serde_json::to_string(&Range::Month).expect("json");
        assert_eq!(json, "\"month\"");
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn an_empty_store_has_no_history_and_no_builds() {
        let dir = tempfile::tempdir().expect("temp dir");
        let history = HistoryState::open_in(dir.path().to_path_buf());
        let view = df_history_for(&history, Range::Week)
            .await
            .expect("history");
        assert!(view.history.samples.is_empty());
        assert!(view.history.forecast.is_none());
        assert!(view.svg.starts_with("<svg"), "{}", view.svg);
        let myapp = repository_history_for(&history, "myapp")
            .await
            .expect("myapp");
        assert!(myapp.builds.is_empty());
        assert!(repositories_for(&history).await.expect("all").is_empty());
    }
}
