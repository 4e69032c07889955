//! Scanning an image of the engine: its packages are read once per image id (and kept in the
//! store), then matched against the advisory store as it is now.

use crate::inventory::{inventory, keep, Inventory};
use crate::report::{DbSource, ImageRef, ScanReport};
use crate::Advisories;
use drydock_engine::{Engine, EngineError, ExportProgress};
use drydock_store::{Store, StoreError};
use std::sync::Mutex;

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("{0}\n  fix: check that Drydock's data directory is writable (set DRYDOCK_DATA_DIR to use another)")]
    Store(#[from] StoreError),
    #[error("the store is unavailable")]
    Poisoned,
}

/// How an image's packages were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// From the store: the image was read before (its id names its content).
    Kept,
    /// Read from the engine now.
    Exported,
}

/// The packages of image `name`: kept ones when this image id was read before, else read from
/// its export (reporting progress) and kept. `now`: Unix seconds.
pub async fn image_inventory(
    engine: &Engine,
    store: &Mutex<Store>,
    name: &str,
    now: i64,
    progress: impl FnMut(ExportProgress),
) -> Result<(ImageRef, Inventory, Read), ScanError> {
    let refs = engine.image_refs(name).await?;
    let image = ImageRef {
        id: refs.id.clone(),
        tags: refs.repo_tags.clone().unwrap_or_default(),
    };
    let kept: Option<Inventory> = store
        .lock()
        .map_err(|_| ScanError::Poisoned)?
        .inventory(&refs.id)?;
    if let Some(kept) = kept {
        return Ok((image, kept, Read::Kept));
    }
    let collected = engine
        .collect_files(&refs.id, keep, &Default::default(), progress)
        .await?;
    let read = inventory(collected);
    store
        .lock()
        .map_err(|_| ScanError::Poisoned)?
        .keep_inventory(&refs.id, &read, now)?;
    Ok((image, read, Read::Exported))
}

/// Scans image `name` of `engine` against `db`.
pub async fn scan_image(
    engine: &Engine,
    store: &Mutex<Store>,
    db: &dyn Advisories,
    sources: Vec<DbSource>,
    name: &str,
    now: i64,
    progress: impl FnMut(ExportProgress),
) -> Result<(ScanReport, Read), ScanError> {
    let (image, inventory, read) = image_inventory(engine, store, name, now, progress).await?;
    Ok((crate::report(image, &inventory, db, sources), read))
}
