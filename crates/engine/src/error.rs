//! What can go wrong between Drydock and an engine, each case with its cause and its fix.

use std::time::Duration;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum EngineError {
    #[error(
        "no Docker engine found\n  looked at: {}\n  fix: start Docker (Docker Desktop, Colima, `sudo systemctl start docker`, ...), or name your engine with --host / DOCKER_HOST or --context",
        looked.join(", ")
    )]
    NotFound { looked: Vec<String> },

    #[error(
        "nothing answers on {endpoint}: the socket is there but no engine is listening\n  fix: start the engine (Docker Desktop, `sudo systemctl start docker`, `colima start`, ...)"
    )]
    NotRunning { endpoint: String },

    #[error(
        "permission denied on {endpoint}\n  fix: add yourself to the docker group (`sudo usermod -aG docker $USER`, then log in again), or run rootless Docker and set DOCKER_HOST=unix://$XDG_RUNTIME_DIR/docker.sock"
    )]
    PermissionDenied { endpoint: String },

    #[error(
        "the engine at {endpoint} did not answer within {}s\n  fix: it may be starting or stuck; wait and try again, restart it, or allow more time with --timeout",
        after.as_secs_f32()
    )]
    NotAnswering { endpoint: String, after: Duration },

    #[error(
        "the engine at {endpoint} speaks Docker API {version}, older than the {minimum} Drydock needs\n  fix: upgrade Docker (20.10 or newer)"
    )]
    ApiTooOld {
        endpoint: String,
        version: String,
        minimum: String,
    },

    #[error("invalid engine address {value:?}: {reason}\n  fix: use unix:///path/to/docker.sock, tcp://host:2376, or npipe:////./pipe/docker_engine")]
    BadHost { value: String, reason: String },

    #[error("Docker context {name:?} not found (looked for {path})\n  fix: `docker context ls` lists the contexts; pass one of them to --context")]
    ContextNotFound { name: String, path: String },

    #[error("cannot read the Docker CLI configuration at {path}: {detail}")]
    Config { path: String, detail: String },

    #[error("{what} is not supported yet\n  fix: {fix}")]
    Unsupported { what: String, fix: String },

    #[error("{message}")]
    ObjectNotFound { message: String },

    #[error("{what} is in use: {message}")]
    InUse { what: String, message: String },

    #[error("the engine refused {what} (HTTP {status}): {message}")]
    Api {
        what: String,
        status: u16,
        message: String,
    },

    #[error("lost the connection to the engine at {endpoint} while {what}: {detail}\n  fix: check that the engine is still running and try again")]
    Transport {
        endpoint: String,
        what: String,
        detail: String,
    },

    #[error("the engine's answer to {what} could not be read: {detail}")]
    Data { what: String, detail: String },
}

impl EngineError {
    /// The small code set the app's UI branches on.
    pub fn code(&self) -> &'static str {
        match self {
            EngineError::NotFound { .. }
            | EngineError::NotRunning { .. }
            | EngineError::PermissionDenied { .. }
            | EngineError::NotAnswering { .. }
            | EngineError::ApiTooOld { .. }
            | EngineError::Transport { .. } => "engine_unavailable",
            EngineError::ObjectNotFound { .. } => "not_found",
            EngineError::InUse { .. } => "in_use",
            EngineError::BadHost { .. }
            | EngineError::ContextNotFound { .. }
            | EngineError::Config { .. }
            | EngineError::Unsupported { .. } => "invalid_input",
            EngineError::Api { .. } | EngineError::Data { .. } => "internal",
        }
    }

    /// Maps a bollard error for the request `what` sent to `endpoint`.
    pub(crate) fn from_bollard(err: bollard::errors::Error, endpoint: &str, what: &str) -> Self {
        use bollard::errors::Error as B;
        match err {
            B::DockerResponseServerError {
                status_code: 404,
                message,
            } => EngineError::ObjectNotFound {
                message: not_found_message(what, &message),
            },
            B::DockerResponseServerError {
                status_code: 409,
                message,
            } => EngineError::InUse {
                what: what.to_owned(),
                message,
            },
            B::DockerResponseServerError {
                status_code,
                message,
            } => EngineError::Api {
                what: what.to_owned(),
                status: status_code,
                message,
            },
            B::JsonDataError { message, .. } => EngineError::Data {
                what: what.to_owned(),
                detail: message,
            },
            B::JsonSerdeError { err } => EngineError::Data {
                what: what.to_owned(),
                detail: err.to_string(),
            },
            other => EngineError::Transport {
                endpoint: endpoint.to_owned(),
                what: what.to_owned(),
                detail: error_chain(&other),
            },
        }
    }
}

fn not_found_message(what: &str, message: &str) -> String {
    if message.is_empty() {
        format!("{what}: not found")
    } else {
        // The engine's message already names the object ("No such image: x").
        message.to_owned()
    }
}

/// An error and its causes on one line, for errors that carry no fix of their own.
pub(crate) fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let more = cause.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_names_a_fix_where_the_user_can_act() {
        let errors = [
            EngineError::NotFound {
                looked: vec!["/var/run/docker.sock".into()],
            },
            EngineError::NotRunning {
                endpoint: "unix:///x".into(),
            },
            EngineError::PermissionDenied {
                endpoint: "unix:///x".into(),
            },
            EngineError::NotAnswering {
                endpoint: "unix:///x".into(),
                after: Duration::from_secs(3),
            },
            EngineError::ApiTooOld {
                endpoint: "x".into(),
                version: "1.30".into(),
                minimum: "1.40".into(),
            },
        ];
        for err in errors {
            let text = err.to_string();
            assert!(text.contains("\n  fix: "), "no fix in: {text}");
            assert_eq!(err.code(), "engine_unavailable");
        }
    }

    #[test]
    fn engine_404_and_409_map_to_codes_the_ui_branches_on() {
        let not_found = bollard::errors::Error::DockerResponseServerError {
            status_code: 404,
            message: "No such image: nope:1".into(),
        };
        let err = EngineError::from_bollard(not_found, "unix:///x", "image history");
        assert_eq!(err.code(), "not_found");
        assert_eq!(err.to_string(), "No such image: nope:1");
        let conflict = bollard::errors::Error::DockerResponseServerError {
            status_code: 409,
            message: "image is being used by running container abc".into(),
        };
        assert_eq!(
            EngineError::from_bollard(conflict, "x", "removing image").code(),
            "in_use"
        );
    }
}
