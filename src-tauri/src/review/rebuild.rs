//! Rebuild and compare: the shown review's Dockerfile with the chosen fixes built as a trial
//! image and measured against the image the review matched. One rebuild at a time; a cancel
//! drops the build (the engine stops it when the connection closes). The trial image goes
//! through the ordinary cleanup plan, confirmed and journaled like any other removal.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use drydock_cleanup::{prepare, PlanReport};
use drydock_engine::{BuildProgress, ErrorCode};
use drydock_review::rebuild::{
    rebuild_and_compare, trial_removal, Comparison, RebuildError, RebuildRequest,
};
use drydock_review::walkthrough::fixed_dockerfile;
use tauri::ipc::Channel;
use tokio::sync::Notify;

use super::ReviewState;
use crate::cleanup::CleanupState;
use crate::commands::{on_engine, IpcError};
use crate::security::{scan_image_for, SecurityState};
use crate::state::AppState;

/// The trial rebuild's state: whether one runs, how to stop it, and the trial images it made
/// (the only images the review offers to remove).
#[derive(Default)]
pub struct Rebuilds {
    running: AtomicBool,
    cancel: Notify,
    trials: Mutex<BTreeSet<String>>,
}

/// Held while a rebuild runs; released when dropped, however the rebuild ends.
struct Running<'a>(&'a AtomicBool);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

impl Rebuilds {
    fn hold(&self) -> Result<Running<'_>, IpcError> {
        if self.running.swap(true, Ordering::SeqCst) {
            return Err(IpcError::new(
                ErrorCode::InUse,
                "a rebuild is already running\n  fix: wait for it to finish, or cancel it first",
            ));
        }
        Ok(Running(&self.running))
    }

    fn made(&self, ids: impl IntoIterator<Item = String>) {
        if let Ok(mut trials) = self.trials.lock() {
            trials.extend(ids);
        }
    }

    /// Fails unless every id is a trial image a rebuild of this session made.
    fn check_trials(&self, ids: &[String]) -> Result<(), IpcError> {
        let trials = self
            .trials
            .lock()
            .map_err(|_| IpcError::new(ErrorCode::Internal, "the review state is unavailable"))?;
        match ids.iter().find(|id| !trials.contains(*id)) {
            Some(other) => Err(IpcError::new(
                ErrorCode::InvalidInput,
                format!("{other} is not a trial image of this session's rebuilds, so the review does not remove it\n  fix: remove it from the Cleanup view"),
            )),
            None if ids.is_empty() => Err(IpcError::new(
                ErrorCode::InvalidInput,
                "name the trial image to remove",
            )),
            None => Ok(()),
        }
    }
}

impl From<RebuildError> for IpcError {
    fn from(err: RebuildError) -> Self {
        IpcError::new(err.code(), err.to_string())
    }
}

/// Builds the shown review of `dockerfile` with `steps` fixed and compares it with the image
/// the review matched (or with the original, built too, when none matched).
pub async fn review_rebuild_for(
    state: &AppState,
    review: &ReviewState,
    dockerfile: &str,
    steps: &[String],
    network: Option<String>,
    progress: &mut (dyn FnMut(BuildProgress) + Send),
) -> Result<Comparison, IpcError> {
    let shown = review.shown_with_target(dockerfile)?;
    let rebuilds = &review.rebuild;
    let _running = rebuilds.hold()?;
    // Listening from here on: a cancel from now stops this rebuild.
    let cancelled = rebuilds.cancel.notified();
    tokio::pin!(cancelled);
    cancelled.as_mut().enable();
    let reviewed = &shown.reviewed;
    let (text, _) = fixed_dockerfile(&reviewed.review, &reviewed.source, steps);
    let (context, path) = reviewed.paths.clone();
    let request = RebuildRequest {
        context,
        dockerfile: path,
        text,
        target: shown.target.clone(),
        build_args: BTreeMap::new(),
        before: reviewed.review.image.as_ref().map(|i| i.id.clone()),
        network: network.filter(|n| !n.trim().is_empty()),
        now: drydock_cleanup::unix_now(),
    };
    let build = on_engine(state, |engine| async move {
        rebuild_and_compare(&engine, &request, progress).await
    });
    // Dropping the build closes its connection, which stops it on the engine.
    let comparison = tokio::select! {
        built = build => built?,
        () = &mut cancelled => {
            return Err(IpcError::new(ErrorCode::Internal, "the rebuild was cancelled"));
        }
    };
    let mut made = vec![comparison.trial_image.clone()];
    if comparison.before_trial_tag.is_some() {
        made.push(comparison.before.image.clone());
    }
    rebuilds.made(made);
    Ok(comparison)
}

/// Plans the removal of trial images this session's rebuilds made (nothing is removed): the
/// plan is kept with the Cleanup view's, and `prune_run` runs it once the user agreed.
pub async fn review_plan_trial_removal_for(
    state: &AppState,
    review: &ReviewState,
    cleanup: &CleanupState,
    images: Vec<String>,
) -> Result<PlanReport, IpcError> {
    review.rebuild.check_trials(&images)?;
    let mut request = trial_removal(&images[0]);
    request
        .image_ids
        .get_or_insert_with(BTreeSet::new)
        .extend(images.iter().cloned());
    let now = drydock_cleanup::unix_now();
    let prepared = on_engine(state, |engine| async move {
        prepare(&engine, request, "review trial", now).await
    })
    .await?;
    Ok(cleanup.shown(prepared))
}

/// Known vulnerabilities of both images, when there is an advisory database: scanned (and
/// kept) as the Security view scans. Without one, or when a scan fails, they stay uncounted.
pub async fn count_vulnerabilities(
    state: &AppState,
    cleanup: &CleanupState,
    security: &SecurityState,
    comparison: &mut Comparison,
) {
    for measure in [&mut comparison.before, &mut comparison.after] {
        measure.vulnerabilities =
            scan_image_for(state, cleanup, security, measure.image.clone(), |_| {})
                .await
                .ok()
                .map(|report| report.findings.len());
    }
}

#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn review_rebuild(
    state: tauri::State<'_, AppState>,
    review: tauri::State<'_, ReviewState>,
    cleanup: tauri::State<'_, CleanupState>,
    security: tauri::State<'_, SecurityState>,
    dockerfile: String,
    steps: Vec<String>,
    network: Option<String>,
    channel: Channel<BuildProgress>,
) -> Result<Comparison, IpcError> {
    let mut comparison =
        review_rebuild_for(&state, &review, &dockerfile, &steps, network, &mut |p| {
            let _ = channel.send(p);
        })
        .await?;
    count_vulnerabilities(&state, &cleanup, &security, &mut comparison).await;
    Ok(comparison)
}

#[tauri::command]
pub fn review_cancel_rebuild(review: tauri::State<'_, ReviewState>) {
    review.rebuild.cancel.notify_waiters();
}

#[tauri::command]
pub async fn review_plan_trial_removal(
    state: tauri::State<'_, AppState>,
    review: tauri::State<'_, ReviewState>,
    cleanup: tauri::State<'_, CleanupState>,
    images: Vec<String>,
) -> Result<PlanReport, IpcError> {
    review_plan_trial_removal_for(&state, &review, &cleanup, images).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_rebuild_is_refused_while_one_runs_and_allowed_after() {
        let rebuilds = Rebuilds::default();
        let first = rebuilds.hold().expect("the first");
        let e = rebuilds.hold().err().expect("refused");
        assert_eq!(e.code, ErrorCode::InUse);
        assert!(e.message.contains("already running"), "{}", e.message);
        drop(first);
        assert!(rebuilds.hold().is_ok(), "free again once the first ended");
    }

    #[test]
    fn only_this_sessions_trial_images_are_offered_for_removal() {
        let rebuilds = Rebuilds::default();
        rebuilds.made(["sha256:trial".to_owned()]);
        assert!(rebuilds.check_trials(&["sha256:trial".to_owned()]).is_ok());
        let e = rebuilds
            .check_trials(&["sha256:trial".to_owned(), "sha256:users".to_owned()])
            .expect_err("not a trial");
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(e.message.contains("sha256:users"), "{}", e.message);
        assert!(rebuilds.check_trials(&[]).is_err());
    }
}
