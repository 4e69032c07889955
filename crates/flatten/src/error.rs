//! What can stop a flatten, each with what happened and the fix.

use drydock_engine::{EngineError, ErrorCode};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum FlattenError {
    #[error(transparent)]
    Engine(#[from] EngineError),

    /// The plan says the image cannot be flattened faithfully.
    #[error("cannot flatten {image}: {reason}")]
    Refused { image: String, reason: String },

    #[error("{image} now names image {now}, not {planned} as planned; nothing was done\n  fix: look at the plan again (run the command again) and confirm it")]
    Moved {
        image: String,
        planned: String,
        now: String,
    },

    #[error("the tag {tag} already names image {holder}; nothing was done\n  fix: choose another tag with --tag, or remove that tag first")]
    TagTaken { tag: String, holder: String },

    #[error("the image {image} could not be read as flattening needs: {detail}\n  fix: {fix}")]
    Unreadable {
        image: String,
        detail: String,
        fix: String,
    },

    #[error("cannot write the flat image's archive in {dir}: {detail}\n  fix: free space on that disk, or check that the directory is writable; nothing was done to any image")]
    WorkDir { dir: String, detail: String },

    #[error("the engine loaded the flat image as {got}, not as {expected}, the id of the config Drydock wrote\n  fix: the tag {tag} may have been taken meanwhile; look at `docker image inspect {tag}` and remove the image if it is not what you expect")]
    NotAsWritten {
        tag: String,
        expected: String,
        got: String,
    },
}

impl FlattenError {
    /// The code the app's UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            FlattenError::Engine(e) => e.code(),
            FlattenError::Refused { .. } | FlattenError::Moved { .. } => ErrorCode::InvalidInput,
            FlattenError::TagTaken { .. } => ErrorCode::InUse,
            FlattenError::Unreadable { .. }
            | FlattenError::WorkDir { .. }
            | FlattenError::NotAsWritten { .. } => ErrorCode::Internal,
        }
    }
}
