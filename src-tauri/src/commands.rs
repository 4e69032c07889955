//! `#[tauri::command]`s: a few lines each. The plain `*_for` functions hold the logic so the
//! shell is tested without a window.

use crate::state::AppState;
use drydock_charts::{reclaimable_by_category, top_images_by_unique_size};
use drydock_cleanup::CleanupError;
use drydock_engine::{discover, EngineError, EngineStatus, ErrorCode};
use drydock_inventory::{
    build_cache_rows, container_rows, docker_bytes, image_rows, volume_rows, BuildCacheRow,
    ContainerRow, DfReport, HistoryRow, ImageRow, Layer, VolumeRow,
};
use serde::Serialize;
use std::future::Future;
use ts_rs::TS;

/// Errors cross IPC as `{code, message}`; the UI branches on `code`, and shows `message` (which
/// ends with a `fix:` line where there is one) as text.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

impl IpcError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> IpcError {
        IpcError {
            code,
            message: message.into(),
        }
    }
}

impl From<EngineError> for IpcError {
    fn from(err: EngineError) -> Self {
        IpcError::new(err.code(), err.to_string())
    }
}

impl From<CleanupError> for IpcError {
    fn from(err: CleanupError) -> Self {
        IpcError::new(err.code(), err.to_string())
    }
}

/// Runs a read of the engine; an engine-unavailable error drops the connection so the next
/// call (the UI retries) connects afresh.
pub(crate) async fn with_engine<T, F, Fut>(state: &AppState, read: F) -> Result<T, IpcError>
where
    F: FnOnce(std::sync::Arc<drydock_engine::Engine>) -> Fut,
    Fut: Future<Output = Result<T, EngineError>>,
{
    on_engine(state, read).await
}

/// [`with_engine`] for work whose errors are the domain's own (`E` wraps engine errors).
pub(crate) async fn on_engine<T, E, F, Fut>(state: &AppState, call: F) -> Result<T, IpcError>
where
    F: FnOnce(std::sync::Arc<drydock_engine::Engine>) -> Fut,
    Fut: Future<Output = Result<T, E>>,
    E: From<EngineError> + Into<IpcError>,
{
    let result = match state.engine().await {
        Ok(engine) => call(engine).await,
        Err(e) => Err(E::from(e)),
    }
    .map_err(Into::into);
    if let Err(err) = &result {
        if err.code == ErrorCode::EngineUnavailable {
            state.forget_engine().await;
        }
    }
    result
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Overview {
    pub report: DfReport,
    /// Bytes Docker holds in all: images, containers, volumes and build cache.
    pub docker_bytes: i64,
    pub image_count: usize,
    pub reclaimable_chart: String,
    pub top_images_chart: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ImageDetail {
    pub history: Vec<HistoryRow>,
    pub layers: Vec<Layer>,
    pub containers: Vec<ContainerRow>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct EngineChoice {
    pub source: String,
    pub endpoint: String,
    pub present: bool,
    pub chosen: bool,
}

pub async fn engine_status_for(state: &AppState) -> Result<EngineStatus, IpcError> {
    with_engine(state, |e| async move { e.status().await }).await
}

pub async fn overview_for(state: &AppState) -> Result<Overview, IpcError> {
    with_engine(state, |engine| async move {
        // One df answer feeds both the figures and the image chart.
        let usage = engine.disk_usage().await?;
        let rows = image_rows(&usage.images);
        let docker_bytes = docker_bytes(&usage);
        let report = engine.df_of(usage).await?;
        Ok(Overview {
            docker_bytes,
            image_count: rows.len(),
            reclaimable_chart: reclaimable_by_category(&report),
            top_images_chart: top_images_by_unique_size(&rows, 15),
            report,
        })
    })
    .await
}

pub async fn images_for(state: &AppState) -> Result<Vec<ImageRow>, IpcError> {
    with_engine(state, |e| async move { e.images().await }).await
}

pub async fn image_detail_for(state: &AppState, id: String) -> Result<ImageDetail, IpcError> {
    with_engine(state, |engine| async move {
        let (history, layers) = engine.history_and_layers(&id).await?;
        let usage = engine.disk_usage_cached().await?;
        let containers = container_rows(&usage)
            .into_iter()
            .filter(|c| c.image_id == layers.image_id)
            .collect();
        Ok(ImageDetail {
            history,
            layers: layers.layers,
            containers,
        })
    })
    .await
}

pub async fn containers_for(state: &AppState) -> Result<Vec<ContainerRow>, IpcError> {
    with_engine(state, |e| async move {
        Ok(container_rows(&*e.disk_usage().await?))
    })
    .await
}

pub async fn volumes_for(state: &AppState) -> Result<Vec<VolumeRow>, IpcError> {
    with_engine(state, |e| async move {
        Ok(volume_rows(&*e.disk_usage().await?))
    })
    .await
}

pub async fn build_cache_for(state: &AppState) -> Result<Vec<BuildCacheRow>, IpcError> {
    with_engine(state, |e| async move {
        Ok(build_cache_rows(&*e.disk_usage().await?))
    })
    .await
}

pub async fn engines_for(state: &AppState) -> Result<Vec<EngineChoice>, IpcError> {
    let found = discover(&state.selection().await, state.env())?;
    Ok(found
        .candidates
        .iter()
        .enumerate()
        .map(|(i, c)| EngineChoice {
            source: c.source.to_string(),
            endpoint: c.endpoint.to_string(),
            present: c.present,
            chosen: found.chosen == Some(i),
        })
        .collect())
}

pub async fn switch_engine_for(
    state: &AppState,
    host: Option<String>,
) -> Result<EngineStatus, IpcError> {
    state.switch(host).await;
    engine_status_for(state).await
}

#[tauri::command]
pub async fn engine_status(state: tauri::State<'_, AppState>) -> Result<EngineStatus, IpcError> {
    engine_status_for(&state).await
}

#[tauri::command]
pub async fn overview(state: tauri::State<'_, AppState>) -> Result<Overview, IpcError> {
    overview_for(&state).await
}

#[tauri::command]
pub async fn images(state: tauri::State<'_, AppState>) -> Result<Vec<ImageRow>, IpcError> {
    images_for(&state).await
}

#[tauri::command]
pub async fn image_detail(
    state: tauri::State<'_, AppState>,
    id: String,
) -> Result<ImageDetail, IpcError> {
    image_detail_for(&state, id).await
}

#[tauri::command]
pub async fn containers(state: tauri::State<'_, AppState>) -> Result<Vec<ContainerRow>, IpcError> {
    containers_for(&state).await
}

#[tauri::command]
pub async fn volumes(state: tauri::State<'_, AppState>) -> Result<Vec<VolumeRow>, IpcError> {
    volumes_for(&state).await
}

#[tauri::command]
pub async fn build_cache(
    state: tauri::State<'_, AppState>,
) -> Result<Vec<BuildCacheRow>, IpcError> {
    build_cache_for(&state).await
}

#[tauri::command]
pub async fn engines(state: tauri::State<'_, AppState>) -> Result<Vec<EngineChoice>, IpcError> {
    engines_for(&state).await
}

#[tauri::command]
pub async fn switch_engine(
    state: tauri::State<'_, AppState>,
    host: Option<String>,
) -> Result<EngineStatus, IpcError> {
    switch_engine_for(&state, host).await
}
