//! What can go wrong reading history and diffing images. The app branches on [`HistoryError::code`].

use drydock_engine::{EngineError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// The image's merged file tree stopped at the layer reader's limits: a diff of part of the
    /// files would claim files are gone that are not.
    #[error("image {image} has more files than Drydock compares ({entries} read before the limit)\n  fix: compare the images with `drydock layers IMAGE` instead; report it if it is a real image")]
    TooManyFiles { image: String, entries: usize },
    /// Drydock's store could not be read or written.
    #[error("{0}\n  fix: check that Drydock's data directory (DRYDOCK_DATA_DIR) is writable and not full")]
    Store(#[from] drydock_store::StoreError),
    /// Another thread panicked while holding the store.
    #[error("the store is unusable after an earlier failure\n  fix: restart Drydock")]
    Poisoned,
}

impl HistoryError {
    /// The code the app's UI branches on, as the engine's errors do.
    pub fn code(&self) -> ErrorCode {
        match self {
            HistoryError::Engine(e) => e.code(),
            HistoryError::TooManyFiles { .. } => ErrorCode::InvalidInput,
            HistoryError::Store(_) | HistoryError::Poisoned => ErrorCode::Internal,
        }
    }
}
