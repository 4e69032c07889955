//! The layer explorer: an image's layer analysis with its merged file tree, streamed from the
//! engine with progress, and kept in the store by image id so reopening the image is instant.

use crate::commands::{with_engine, IpcError};
use crate::state::AppState;
use drydock_engine::ExportProgress;
use drydock_layers::{Analysis, FileTree, LayerReport};
use drydock_store::Store;
use serde::Serialize;
use std::path::Path;
use std::sync::Mutex;
use tauri::ipc::Channel;

/// Kept analyses. Best effort: without a store (it could not be opened) or when it fails, the
/// image is analysed again; the explorer never fails for the cache's sake.
pub struct LayerCache {
    store: Option<Mutex<Store>>,
}

impl LayerCache {
    pub fn open_in(dir: Option<&Path>) -> LayerCache {
        let store = dir.and_then(|dir| match Store::open_in(dir) {
            Ok(store) => Some(Mutex::new(store)),
            Err(err) => {
                eprintln!("warning: layer analyses will not be kept: {err}");
                None
            }
        });
        LayerCache { store }
    }

    /// The analysis kept for `image_id`, if any.
    pub fn kept(&self, image_id: &str) -> Option<Analysis> {
        let store = self.store.as_ref()?.lock().ok()?;
        tokio::task::block_in_place(|| store.layer_analysis(image_id).ok().flatten())
    }

    fn keep(&self, image_id: &str, analysis: &Analysis) {
        if let Some(Ok(store)) = self.store.as_ref().map(Mutex::lock) {
            if let Err(err) =
                tokio::task::block_in_place(|| store.keep_layer_analysis(image_id, analysis))
            {
                eprintln!("warning: the layer analysis of {image_id} was not kept: {err}");
            }
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
pub struct ImageLayers {
    pub report: LayerReport,
    pub tree: FileTree,
    /// Read from the store, not from the engine.
    pub kept: bool,
}

/// Image ids are content addresses; a name can move to other content, so only ids are kept.
pub async fn image_layers_for(
    state: &AppState,
    cache: &LayerCache,
    id: String,
    progress: impl FnMut(ExportProgress) + Send,
) -> Result<ImageLayers, IpcError> {
    let content_addressed = id.starts_with("sha256:");
    if content_addressed {
        if let Some(Analysis { report, tree }) = cache.kept(&id) {
            return Ok(ImageLayers {
                report,
                tree,
                kept: true,
            });
        }
    }
    let analysis = with_engine(state, |engine| async move {
        engine.layer_analysis(&id, progress).await.map(|a| (id, a))
    })
    .await;
    let (id, analysis) = analysis?;
    if content_addressed {
        cache.keep(&id, &analysis);
    }
    Ok(ImageLayers {
        report: analysis.report,
        tree: analysis.tree,
        kept: false,
    })
}

#[tauri::command]
pub async fn image_layers(
    state: tauri::State<'_, AppState>,
    cache: tauri::State<'_, LayerCache>,
    turns: tauri::State<'_, crate::turns::Turns>,
    id: String,
    channel: Channel<ExportProgress>,
) -> Result<ImageLayers, IpcError> {
    // The user's read goes before the background's (which stops its own).
    let _turn = turns.user().await;
    image_layers_for(&state, &cache, id, |p| {
        // A closed window stops listening; the analysis still finishes and is kept.
        let _ = channel.send(p);
    })
    .await
}
