//! Flatten from the image detail: the plan the user reads (the saving, what stops being shared,
//! the history lost), then the run of that plan once confirmed, one at a time, with progress.
//! The flat image is written through the app's data directory; the original is never touched.

use crate::commands::{on_engine, IpcError};
use crate::state::AppState;
use crate::turns::Turns;
use drydock_engine::ErrorCode;
use drydock_flatten::{FlattenError, FlattenPlan, FlattenProgress, Flattened};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use tauri::ipc::Channel;

/// The plans shown this session (by image id) and whether a flatten runs.
pub struct FlattenState {
    work_dir: PathBuf,
    running: AtomicBool,
    plans: Mutex<HashMap<String, FlattenPlan>>,
}

/// Held while a flatten runs; released when dropped, however it ends.
struct Running<'a>(&'a AtomicBool);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

impl FlattenState {
    pub fn new(work_dir: PathBuf) -> FlattenState {
        FlattenState {
            work_dir,
            running: AtomicBool::new(false),
            plans: Mutex::new(HashMap::new()),
        }
    }

    fn hold(&self) -> Result<Running<'_>, IpcError> {
        if self.running.swap(true, Ordering::SeqCst) {
            return Err(IpcError::new(
                ErrorCode::InUse,
                "a flatten is already running\n  fix: wait for it to finish, then flatten this image",
            ));
        }
        Ok(Running(&self.running))
    }

    fn keep(&self, plan: &FlattenPlan) {
        if let Ok(mut plans) = self.plans.lock() {
            plans.insert(plan.id.clone(), plan.clone());
        }
    }

    /// The plan shown for image `id`, with the tag the user settled on.
    fn shown(&self, id: &str, new_tag: Option<String>) -> Result<FlattenPlan, IpcError> {
        let mut plan = self
            .plans
            .lock()
            .map_err(|_| IpcError::new(ErrorCode::Internal, "the flatten state is unavailable"))?
            .get(id)
            .cloned()
            .ok_or_else(|| {
                IpcError::new(
                    ErrorCode::InvalidInput,
                    format!("no flatten of {id} was planned in this session\n  fix: open the image's Flatten dialog again"),
                )
            })?;
        if let Some(tag) = new_tag.map(|t| t.trim().to_owned()) {
            if tag.is_empty() {
                return Err(IpcError::new(
                    ErrorCode::InvalidInput,
                    "the flat image needs a tag\n  fix: type one, such as name:flat",
                ));
            }
            plan.new_tag = tag;
        }
        if let Some(why) = &plan.refusal {
            return Err(IpcError::new(ErrorCode::InvalidInput, why.clone()));
        }
        Ok(plan)
    }
}

impl From<FlattenError> for IpcError {
    fn from(err: FlattenError) -> Self {
        IpcError::new(err.code(), err.to_string())
    }
}

/// Plans flattening image `name` (nothing is made), in the user's turn.
pub async fn flatten_plan_for(
    state: &AppState,
    turns: &Turns,
    flatten: &FlattenState,
    name: String,
    new_tag: Option<String>,
    progress: impl FnMut(FlattenProgress) + Send,
) -> Result<FlattenPlan, IpcError> {
    let new_tag = new_tag.filter(|t| !t.trim().is_empty());
    let _turn = turns.user().await;
    let plan = on_engine(state, |engine| async move {
        drydock_flatten::plan(&engine, &name, new_tag.as_deref(), progress).await
    })
    .await?;
    flatten.keep(&plan);
    Ok(plan)
}

/// Runs the plan shown for image `id` (its tag replaced by `new_tag` when the user edited it).
pub async fn flatten_run_for(
    state: &AppState,
    turns: &Turns,
    flatten: &FlattenState,
    id: String,
    new_tag: Option<String>,
    progress: impl FnMut(FlattenProgress) + Send,
) -> Result<Flattened, IpcError> {
    let _running = flatten.hold()?;
    let plan = flatten.shown(&id, new_tag)?;
    let _turn = turns.user().await;
    let work_dir = flatten.work_dir.clone();
    std::fs::create_dir_all(&work_dir).map_err(|e| {
        IpcError::new(
            ErrorCode::Internal,
            format!("{} could not be made: {e}", work_dir.display()),
        )
    })?;
    on_engine(state, |engine| async move {
        drydock_flatten::flatten(&engine, &plan, &work_dir, progress).await
    })
    .await
}

#[tauri::command]
pub async fn flatten_plan(
    state: tauri::State<'_, AppState>,
    turns: tauri::State<'_, Turns>,
    flatten: tauri::State<'_, FlattenState>,
    name: String,
    new_tag: Option<String>,
    channel: Channel<FlattenProgress>,
) -> Result<FlattenPlan, IpcError> {
    flatten_plan_for(&state, &turns, &flatten, name, new_tag, |p| {
        let _ = channel.send(p);
    })
    .await
}

#[tauri::command]
pub async fn flatten_run(
    state: tauri::State<'_, AppState>,
    turns: tauri::State<'_, Turns>,
    flatten: tauri::State<'_, FlattenState>,
    id: String,
    new_tag: Option<String>,
    channel: Channel<FlattenProgress>,
) -> Result<Flattened, IpcError> {
    flatten_run_for(&state, &turns, &flatten, id, new_tag, |p| {
        let _ = channel.send(p);
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(refusal: Option<&str>) -> FlattenPlan {
        FlattenPlan {
            image: "web:1".into(),
            id: "sha256:a".into(),
            tags: vec!["web:1".into()],
            new_tag: "web:1-flat".into(),
            layers: 3,
            stored_bytes: 100,
            predicted_bytes: 60,
            predicted_saving: 40,
            shared_bytes: 0,
            sharing_images: Vec::new(),
            history_lost: Vec::new(),
            refusal: refusal.map(str::to_owned),
        }
    }

    #[test]
    fn a_second_flatten_is_refused_while_one_runs() {
        let state = FlattenState::new(std::env::temp_dir());
        let first = state.hold().expect("the first");
        let e = state.hold().err().expect("refused");
        assert_eq!(e.code, ErrorCode::InUse);
        drop(first);
        assert!(state.hold().is_ok());
    }

    #[test]
    fn the_run_takes_the_shown_plan_with_the_edited_tag_and_never_a_refused_one() {
        let state = FlattenState::new(std::env::temp_dir());
        assert_eq!(
            state.shown("sha256:a", None).expect_err("not planned").code,
            ErrorCode::InvalidInput
        );
        state.keep(&plan(None));
        assert_eq!(
            state
                .shown("sha256:a", Some(" web:slim ".into()))
                .expect("plan")
                .new_tag,
            "web:slim"
        );
        assert_eq!(
            state.shown("sha256:a", None).expect("plan").new_tag,
            "web:1-flat"
        );
        assert!(state.shown("sha256:a", Some("  ".into())).is_err());
        state.keep(&plan(Some(
            "a Windows image cannot be flattened faithfully",
        )));
        let e = state.shown("sha256:a", None).expect_err("refused");
        assert!(e.message.contains("Windows"), "{}", e.message);
    }
}
