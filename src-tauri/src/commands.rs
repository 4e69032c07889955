//! `#[tauri::command]`s: a few lines each. The plain `*_for` functions hold the logic so the
//! shell is tested without a window.

use crate::state::AppState;
use drydock_engine::{EngineError, EngineStatus};
use serde::Serialize;

/// Errors cross IPC as `{code, message}`; the UI branches on `code`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct IpcError {
    pub code: String,
    pub message: String,
}

impl From<EngineError> for IpcError {
    fn from(err: EngineError) -> Self {
        IpcError {
            code: err.code().to_owned(),
            message: err.to_string(),
        }
    }
}

pub async fn engine_status_for(state: &AppState) -> Result<EngineStatus, IpcError> {
    let result = async { state.engine().await?.status().await }.await;
    if let Err(err) = &result {
        if err.code() == "engine_unavailable" {
            state.forget_engine().await;
        }
    }
    result.map_err(IpcError::from)
}

#[tauri::command]
pub async fn engine_status(state: tauri::State<'_, AppState>) -> Result<EngineStatus, IpcError> {
    engine_status_for(&state).await
}
