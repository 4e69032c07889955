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
        "nothing answers on {endpoint}: no engine is listening there\n  fix: start the engine (Docker Desktop, `sudo systemctl start docker`, `colima start`, ...)"
    )]
    NotRunning { endpoint: String },

    #[error(
        "{endpoint} is {found}, not a socket: no engine can listen there\n  fix: remove it and start the engine (a bind mount of a socket that did not exist yet leaves a file or directory in its place), or name the engine's real socket with --host"
    )]
    NotASocket { endpoint: String, found: String },

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
        "the server at {endpoint} is not a Docker engine: it answered {answer}\n  fix: point Drydock at the Docker engine's socket or address (--host unix:///var/run/docker.sock, DOCKER_HOST, or --context; `docker context ls` lists the engines the Docker CLI knows)"
    )]
    NotDocker { endpoint: String, answer: String },

    #[error(
        "the engine at {endpoint} answers, but only with errors (HTTP {status}: {message})\n  fix: the engine is there but failing: restart it (`sudo systemctl restart docker`, Docker Desktop's Troubleshoot > Restart, `colima restart`) and read its log if it persists"
    )]
    EngineFailing {
        endpoint: String,
        status: u16,
        message: String,
    },

    #[error(
        "the engine at {endpoint} did not answer within {}s ({what})\n  fix: it may be overloaded or stuck; try again, restart it if it persists, or allow more time with --timeout",
        after.as_secs_f32()
    )]
    NoAnswer {
        endpoint: String,
        what: String,
        after: Duration,
    },

    #[error(
        "the engine at {endpoint} still answers, but sent nothing for {}s ({what})\n  fix: the engine may be stuck on this request; restart it and try again",
        after.as_secs()
    )]
    Stuck {
        endpoint: String,
        what: String,
        after: Duration,
    },

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

    #[error("cannot read the Docker CLI configuration at {path}: {detail}\n  fix: {fix}")]
    Config {
        path: String,
        detail: String,
        fix: String,
    },

    #[error("cannot use the TLS file {file} for {endpoint}: {problem}\n  fix: {fix}")]
    TlsFile {
        endpoint: String,
        file: String,
        problem: String,
        fix: String,
    },

    #[error("{what} is not supported yet\n  fix: {fix}")]
    Unsupported { what: String, fix: String },

    #[error("{message}")]
    ObjectNotFound { message: String },

    #[error("{what} is in use: {message}")]
    InUse { what: String, message: String },

    #[error("{}", api_message(what, *status, message))]
    Api {
        what: String,
        status: u16,
        message: String,
    },

    #[error("the engine failed while {what}: {message}\n  fix: the error is the engine's own; try again, and if it persists read the engine's log")]
    Failed { what: String, message: String },

    #[error("the archive {file} is damaged or incomplete: the engine could not read it ({detail})\n  fix: the image cannot come back from this archive; remove it, and rebuild or pull the image instead")]
    DamagedArchive { file: String, detail: String },

    #[error("cannot read the archive {file}: {detail}\n  fix: check that the file is there and readable")]
    ArchiveUnreadable { file: String, detail: String },

    #[error("cannot write the archive {file}: {detail}\n  fix: free space on that disk (or lower the quarantine limit), or check that the directory is writable; nothing was removed because of it")]
    ArchiveUnwritable { file: String, detail: String },

    #[error("lost the connection to the engine at {endpoint} while {what}: {detail}\n  fix: check that the engine is still running and try again")]
    Transport {
        endpoint: String,
        what: String,
        detail: String,
    },

    #[error("the engine's answer to {what} could not be read: {detail}")]
    Data { what: String, detail: String },

    #[error(
        "the build failed{}: {message}\n  fix: the message is the builder's own; correct the Dockerfile or the build context and build again",
        step.as_ref().map(|s| format!(" at {s}")).unwrap_or_default()
    )]
    BuildFailed {
        /// The step that failed, when the builder said (`[2/3] RUN make`).
        step: Option<String>,
        message: String,
    },
}

/// The small set of error codes the app's UI branches on; everything else about an error is in
/// its message. Serialised as the snake_case names the UI has always read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No engine could be reached or used: the UI offers the engine screen.
    EngineUnavailable,
    /// The object asked about is not there (any more).
    NotFound,
    /// The object is in use, or a cleanup is already running.
    InUse,
    /// What was asked cannot be done as given; the message says what to change.
    InvalidInput,
    /// Anything else: a bug, a damaged file, an engine answer that makes no sense.
    Internal,
}

impl EngineError {
    /// The code the app's UI branches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            EngineError::NotFound { .. }
            | EngineError::NotRunning { .. }
            | EngineError::NotASocket { .. }
            | EngineError::PermissionDenied { .. }
            | EngineError::NotAnswering { .. }
            | EngineError::NotDocker { .. }
            | EngineError::EngineFailing { .. }
            | EngineError::NoAnswer { .. }
            | EngineError::Stuck { .. }
            | EngineError::ApiTooOld { .. }
            | EngineError::Transport { .. } => ErrorCode::EngineUnavailable,
            EngineError::ObjectNotFound { .. } => ErrorCode::NotFound,
            EngineError::InUse { .. } => ErrorCode::InUse,
            EngineError::BadHost { .. }
            | EngineError::ContextNotFound { .. }
            | EngineError::Config { .. }
            | EngineError::TlsFile { .. }
            | EngineError::Unsupported { .. }
            | EngineError::BuildFailed { .. } => ErrorCode::InvalidInput,
            EngineError::Api { .. }
            | EngineError::Failed { .. }
            | EngineError::DamagedArchive { .. }
            | EngineError::ArchiveUnreadable { .. }
            | EngineError::ArchiveUnwritable { .. }
            | EngineError::Data { .. } => ErrorCode::Internal,
        }
    }

    /// Maps a bollard error for the request `what` sent to `endpoint`. The engine's own words
    /// (its error bodies) come from outside: they are cut to one short line here.
    pub(crate) fn from_bollard(err: bollard::errors::Error, endpoint: &str, what: &str) -> Self {
        use bollard::errors::Error as B;
        match err {
            B::DockerResponseServerError {
                status_code: 404,
                message,
            } => EngineError::ObjectNotFound {
                message: not_found_message(what, &one_line(&message)),
            },
            B::DockerResponseServerError {
                status_code: 409,
                message,
            } => EngineError::InUse {
                what: what.to_owned(),
                message: one_line(&message),
            },
            B::DockerResponseServerError {
                status_code,
                message,
            } => EngineError::Api {
                what: what.to_owned(),
                status: status_code,
                message: one_line(&message),
            },
            // An error the engine wrote into a stream it had begun with 200: its own failure,
            // not a lost connection.
            B::DockerStreamError { error } => EngineError::Failed {
                what: what.to_owned(),
                message: one_line(&error),
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

impl EngineError {
    /// Maps an error loading the archive `file`. The engine answers a load it cannot read (a
    /// tar cut short, a damaged one, one without its manifest) with an error in the body of a
    /// 200 answer, which bollard reports as a stream error: the archive is the cause.
    pub(crate) fn from_load(err: bollard::errors::Error, endpoint: &str, file: &str) -> Self {
        use bollard::errors::Error as B;
        let said = match &err {
            B::DockerStreamError { error } => Some(error.as_str()),
            B::DockerResponseServerError {
                status_code: 400 | 500,
                message,
            } => Some(message.as_str()),
            _ => None,
        };
        match said {
            Some(message) if archive_problem(message) => EngineError::DamagedArchive {
                file: file.to_owned(),
                detail: one_line(message),
            },
            _ => EngineError::from_bollard(err, endpoint, &format!("loading {file}")),
        }
    }
}

/// Whether the engine's complaint about a load is about the archive's content (not its own
/// disk, say).
fn archive_problem(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    [
        "tar",
        "eof",
        "manifest",
        "repositories",
        "invalid",
        "no such file or directory",
    ]
    .iter()
    .any(|hint| lower.contains(hint))
        && !["no space left", "read-only file system"]
            .iter()
            .any(|own| lower.contains(own))
}

fn api_message(what: &str, status: u16, message: &str) -> String {
    let said = if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    };
    if status >= 500 {
        format!(
            "the engine failed on {what} (HTTP {status}){said}\n  fix: the error is the engine's own; try again, and if it persists restart the engine and read its log (`journalctl -u docker`, Docker Desktop's Troubleshoot page)"
        )
    } else {
        format!(
            "the engine refused {what} (HTTP {status}){said}\n  fix: the engine, or a proxy in front of it, does not accept this request; check that it is Docker 20.10 or newer, and report the message if it is"
        )
    }
}

/// Longest engine text kept in a message, in chars.
const ENGINE_TEXT_CHARS: usize = 300;

/// Text a server sent, made fit for one line of a message: an HTML page becomes its title (or
/// its text), whitespace runs (line breaks included) become one space, and long text is cut.
pub(crate) fn one_line(text: &str) -> String {
    let text = if looks_like_html(text) {
        html_title(text).unwrap_or_else(|| strip_tags(text))
    } else {
        text.to_owned()
    };
    let words: Vec<&str> = text.split_whitespace().collect();
    let joined = words.join(" ");
    if joined.chars().count() > ENGINE_TEXT_CHARS {
        let mut cut: String = joined.chars().take(ENGINE_TEXT_CHARS - 1).collect();
        cut.push('…');
        cut
    } else {
        joined
    }
}

pub(crate) fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .trim_start()
        .chars()
        .take(15)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html") || head.starts_with("<head")
}

/// The `<title>` of an HTML page, if it has a non-empty one.
pub(crate) fn html_title(page: &str) -> Option<String> {
    let lower = page.to_ascii_lowercase();
    let open = lower.find("<title")?;
    let start = open + lower[open..].find('>')? + 1;
    let end = start + lower[start..].find("</title")?;
    let title = page.get(start..end)?.split_whitespace().collect::<Vec<_>>();
    (!title.is_empty()).then(|| title.join(" "))
}

fn strip_tags(page: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in page.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
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
            EngineError::NotASocket {
                endpoint: "unix:///x".into(),
                found: "a regular file".into(),
            },
            EngineError::NotDocker {
                endpoint: "tcp://127.0.0.1:8080".into(),
                answer: "GET /_ping with HTTP 404 and an HTML page".into(),
            },
            EngineError::EngineFailing {
                endpoint: "unix:///x".into(),
                status: 500,
                message: "backend down".into(),
            },
            EngineError::NoAnswer {
                endpoint: "unix:///x".into(),
                what: "image a".into(),
                after: Duration::from_secs(3),
            },
            EngineError::Stuck {
                endpoint: "unix:///x".into(),
                what: "removing image a".into(),
                after: Duration::from_secs(600),
            },
            EngineError::Transport {
                endpoint: "unix:///x".into(),
                what: "removing image a".into(),
                detail: "connection reset".into(),
            },
        ];
        for err in errors {
            let text = err.to_string();
            assert!(text.contains("\n  fix: "), "no fix in: {text}");
            assert_eq!(err.code(), ErrorCode::EngineUnavailable, "{text}");
        }
    }

    #[test]
    fn engine_failures_say_whose_fault_and_what_to_do() {
        let failed = bollard::errors::Error::DockerResponseServerError {
            status_code: 500,
            message: "<html><head><title>500 Internal Server Error</title></head>\n<body>\n<h1>oops</h1></body></html>".into(),
        };
        let err = EngineError::from_bollard(failed, "unix:///x", "the engine info request");
        let text = err.to_string();
        assert!(
            text.starts_with("the engine failed on the engine info request (HTTP 500): 500 Internal Server Error\n  fix: "),
            "{text}"
        );
        assert_eq!(err.code(), ErrorCode::Internal);
        let streamed = bollard::errors::Error::DockerStreamError {
            error: "Error processing tar file(exit status 1): unexpected EOF".into(),
        };
        let err = EngineError::from_load(streamed, "unix:///x", "/q/sha256-a.tar");
        assert!(matches!(err, EngineError::DamagedArchive { .. }), "{err:?}");
        assert!(
            err.to_string().contains("/q/sha256-a.tar is damaged"),
            "{err}"
        );
        let full = bollard::errors::Error::DockerStreamError {
            error: "write /var/lib/docker/tmp/x: no space left on device".into(),
        };
        let err = EngineError::from_load(full, "unix:///x", "/q/a.tar");
        assert!(matches!(err, EngineError::Failed { .. }), "{err:?}");
    }

    #[test]
    fn a_disk_that_cannot_take_the_archive_is_not_blamed_on_the_engine() {
        let full = EngineError::ArchiveUnwritable {
            file: "/q/sha256-a.partial".into(),
            detail: "No space left on device (os error 28)".into(),
        };
        let text = full.to_string();
        assert!(
            text.starts_with("cannot write the archive /q/sha256-a.partial"),
            "{text}"
        );
        assert!(!text.contains("engine"), "{text}");
        assert!(text.contains("\n  fix: free space"), "{text}");
        assert_eq!(full.code(), ErrorCode::Internal);
    }

    #[test]
    fn server_text_is_cut_to_one_short_line() {
        assert_eq!(one_line("  a\n\n  fix: b\r\n"), "a fix: b");
        assert_eq!(
            one_line("<!DOCTYPE html><html><body><p>plain</p></body></html>"),
            "plain"
        );
        let long = one_line(&"x".repeat(1000));
        assert_eq!(long.chars().count(), ENGINE_TEXT_CHARS);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn engine_404_and_409_map_to_codes_the_ui_branches_on() {
        let not_found = bollard::errors::Error::DockerResponseServerError {
            status_code: 404,
            message: "No such image: nope:1".into(),
        };
        let err = EngineError::from_bollard(not_found, "unix:///x", "image history");
        assert_eq!(err.code(), ErrorCode::NotFound);
        assert_eq!(err.to_string(), "No such image: nope:1");
        let conflict = bollard::errors::Error::DockerResponseServerError {
            status_code: 409,
            message: "image is being used by running container abc".into(),
        };
        assert_eq!(
            EngineError::from_bollard(conflict, "x", "removing image").code(),
            ErrorCode::InUse
        );
    }
}
