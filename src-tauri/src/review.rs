//! The Dockerfiles view's guided review: review a project, preview and apply the walkthrough's
//! fixes (and undo them). Apply and preview work on the review the user saw, kept here per
//! Dockerfile, never on a fresh read: the diff on screen is exactly what is written.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use drydock_engine::ErrorCode;
use drydock_review::apply::{apply_steps, preview, undo, Applied, ApplyError, Preview, Written};
use drydock_review::project::{self, Request, ReviewError, ReviewProgress, Reviewed};
use tauri::ipc::Channel;

use crate::commands::IpcError;
use crate::lint::expand_home;
use crate::state::AppState;

/// The reviews shown and the fixes applied, per Dockerfile (as the review names it), and the
/// trial rebuild (one at a time).
#[derive(Default)]
pub struct ReviewState {
    reviews: Mutex<HashMap<String, Shown>>,
    applied: Mutex<HashMap<String, Vec<Written>>>,
    pub(crate) rebuild: rebuild::Rebuilds,
}

/// A review as shown, with the stage it was asked for (a rebuild builds the same one).
#[derive(Clone)]
pub(crate) struct Shown {
    pub reviewed: Reviewed,
    pub target: Option<String>,
}

impl From<ReviewError> for IpcError {
    fn from(err: ReviewError) -> Self {
        IpcError::new(err.code(), err.to_string())
    }
}

impl From<ApplyError> for IpcError {
    fn from(err: ApplyError) -> Self {
        IpcError::new(err.code(), err.to_string())
    }
}

fn poisoned() -> IpcError {
    IpcError::new(ErrorCode::Internal, "the review state is unavailable")
}

impl ReviewState {
    fn keep(&self, reviewed: &Reviewed, target: Option<String>) -> Result<(), IpcError> {
        let mut reviews = self.reviews.lock().map_err(|_| poisoned())?;
        let shown = Shown {
            reviewed: reviewed.clone(),
            target,
        };
        reviews.insert(reviewed.review.dockerfile.clone(), shown);
        Ok(())
    }

    /// The review of `dockerfile` the user last saw.
    pub(crate) fn shown(&self, dockerfile: &str) -> Result<Reviewed, IpcError> {
        Ok(self.shown_with_target(dockerfile)?.reviewed)
    }

    pub(crate) fn shown_with_target(&self, dockerfile: &str) -> Result<Shown, IpcError> {
        let reviews = self.reviews.lock().map_err(|_| poisoned())?;
        reviews.get(dockerfile).cloned().ok_or_else(|| {
            IpcError::new(
                ErrorCode::InvalidInput,
                format!("{dockerfile} has not been reviewed in this session\n  fix: review it first, then choose the fixes"),
            )
        })
    }
}

/// What the view asks to review, as `docker build [-f DOCKERFILE] PATH` takes it.
pub fn request_for(
    path: &str,
    dockerfile: Option<&str>,
    image: Option<String>,
    target: Option<String>,
    home: Option<&Path>,
) -> Result<Request, IpcError> {
    let path = path.trim();
    if path.is_empty() {
        return Err(IpcError::new(
            ErrorCode::InvalidInput,
            "type the path of a Dockerfile or of the project directory that holds one",
        ));
    }
    let dockerfile = dockerfile
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| expand_home(d, home));
    let mut request = Request::for_path(&expand_home(path, home), dockerfile.as_deref());
    let given = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    request.image = given(image);
    request.target = given(target);
    Ok(request)
}

/// Reviews the project with the app's engine (without one, the Dockerfile and context alone)
/// and keeps the review for the fixes the user then chooses.
pub async fn review_project_for(
    state: &AppState,
    review: &ReviewState,
    request: Request,
    progress: &mut (dyn FnMut(ReviewProgress) + Send),
) -> Result<Reviewed, IpcError> {
    let engine = state.engine().await;
    let result = project::review_project(
        engine.as_deref().map_err(|e| e.to_string()),
        &request,
        progress,
    )
    .await;
    if matches!(&result, Err(e) if e.code() == ErrorCode::EngineUnavailable) {
        state.forget_engine().await;
    }
    let reviewed = result?;
    review.keep(&reviewed, request.target.clone())?;
    Ok(reviewed)
}

/// The diff and the files that applying `steps` to the shown review of `dockerfile` would write.
pub fn review_preview_for(
    review: &ReviewState,
    dockerfile: &str,
    steps: &[String],
) -> Result<Preview, IpcError> {
    Ok(preview(&review.shown(dockerfile)?, steps)?)
}

/// Writes the fixes of `steps` to the files the shown review of `dockerfile` was made from
/// (only if they still hold what it read), keeping what was written for an undo.
pub fn review_apply_for(
    review: &ReviewState,
    dockerfile: &str,
    steps: &[String],
) -> Result<Applied, IpcError> {
    let reviewed = review.shown(dockerfile)?;
    let applied = apply_steps(&reviewed, steps)?;
    let mut written = review.applied.lock().map_err(|_| poisoned())?;
    written.insert(dockerfile.to_owned(), applied.written.clone());
    Ok(applied)
}

/// Puts back what the last apply to `dockerfile` wrote.
pub fn review_undo_for(review: &ReviewState, dockerfile: &str) -> Result<(), IpcError> {
    let mut applied = review.applied.lock().map_err(|_| poisoned())?;
    let Some(written) = applied.get(dockerfile) else {
        return Err(IpcError::new(
            ErrorCode::InvalidInput,
            format!("no fixes were applied to {dockerfile} in this session, so there is nothing to undo"),
        ));
    };
    undo(written)?;
    applied.remove(dockerfile);
    Ok(())
}

#[tauri::command]
pub async fn review_project(
    state: tauri::State<'_, AppState>,
    review: tauri::State<'_, ReviewState>,
    path: String,
    dockerfile: Option<String>,
    image: Option<String>,
    target: Option<String>,
    channel: Channel<ReviewProgress>,
) -> Result<Reviewed, IpcError> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let request = request_for(&path, dockerfile.as_deref(), image, target, home.as_deref())?;
    review_project_for(&state, &review, request, &mut |p| {
        let _ = channel.send(p);
    })
    .await
}

// Writing a small file or two: on the async runtime, not the window's thread.
#[tauri::command]
pub async fn review_preview(
    review: tauri::State<'_, ReviewState>,
    dockerfile: String,
    steps: Vec<String>,
) -> Result<Preview, IpcError> {
    review_preview_for(&review, &dockerfile, &steps)
}

#[tauri::command]
pub async fn review_apply(
    review: tauri::State<'_, ReviewState>,
    dockerfile: String,
    steps: Vec<String>,
) -> Result<Applied, IpcError> {
    review_apply_for(&review, &dockerfile, &steps)
}

#[tauri::command]
pub async fn review_undo(
    review: tauri::State<'_, ReviewState>,
    dockerfile: String,
) -> Result<(), IpcError> {
    review_undo_for(&review, &dockerfile)
}

pub(crate) mod rebuild;

#[cfg(test)]
mod tests;
