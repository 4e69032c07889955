use drydock_engine::EngineError;
use drydock_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum CleanupError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("{0}\n  fix: check that Drydock's data directory is writable (set DRYDOCK_DATA_DIR to use another)")]
    Store(#[from] StoreError),
    #[error("image {0} changed while Drydock read it, so its freed bytes cannot be known exactly\n  fix: run the command again")]
    Changed(String),
    #[error("{0}")]
    Invalid(String),
    #[error(
        "nothing in quarantine matches {0:?}\n  fix: `drydock restore` lists what can be restored"
    )]
    NotQuarantined(String),
    #[error("{0:?} matches several quarantined images ({1})\n  fix: give more of the id")]
    Ambiguous(String, String),
    #[error("the quarantine archive {path} is missing or unreadable: {detail}")]
    Archive { path: String, detail: String },
}

impl CleanupError {
    /// The code the app's UI branches on, as the engine's errors do.
    pub fn code(&self) -> &'static str {
        match self {
            CleanupError::Engine(e) => e.code(),
            CleanupError::NotQuarantined(_) => "not_found",
            CleanupError::Invalid(_) | CleanupError::Ambiguous(..) => "invalid_input",
            CleanupError::Store(_) | CleanupError::Changed(_) | CleanupError::Archive { .. } => {
                "internal"
            }
        }
    }
}
