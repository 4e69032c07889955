use drydock_engine::{EngineError, ErrorCode};
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
    #[error("--volumes: no volume is called {} on this engine\n  fix: nothing was removed; `docker volume ls` lists the volumes (names are matched exactly)", quoted(.0))]
    NoSuchVolumes(Vec<String>),
    #[error("this plan is no longer known: plan again and confirm the new plan")]
    UnknownPlan,
    #[error("turn the schedule on from a preview of these terms: preview again and confirm what it shows")]
    NoConsent,
    #[error("a cleanup is already running: wait for it to finish")]
    Busy,
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(" or ")
}

impl CleanupError {
    /// The code the app's UI branches on, as the engine's errors do.
    pub fn code(&self) -> ErrorCode {
        match self {
            CleanupError::Engine(e) => e.code(),
            CleanupError::NotQuarantined(_) => ErrorCode::NotFound,
            CleanupError::Invalid(_)
            | CleanupError::Ambiguous(..)
            | CleanupError::NoSuchVolumes(_)
            | CleanupError::UnknownPlan
            | CleanupError::NoConsent => ErrorCode::InvalidInput,
            CleanupError::Busy => ErrorCode::InUse,
            CleanupError::Store(_) | CleanupError::Changed(_) | CleanupError::Archive { .. } => {
                ErrorCode::Internal
            }
        }
    }
}
