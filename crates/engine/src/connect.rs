//! Connecting to one endpoint: reach it, check it answers, agree on an API version.

mod probe;

use crate::discovery::{Candidate, Endpoint, Source};
use crate::error::{error_chain, EngineError};
use crate::raw::{self, RawError};
use bollard::{ClientVersion, Docker, API_DEFAULT_VERSION};
use std::time::Duration;

/// The oldest API Drydock reads correctly (Docker 19.03). Tests run 1.41 (Docker 20.10).
pub const MIN_API: (u32, u32) = (1, 40);

/// How long Drydock waits on an engine.
#[derive(Debug, Clone, Copy)]
pub struct ConnectOptions {
    /// How long the engine has to answer each request: the first, every ordinary one after it
    /// (inspect, history, info, lists, tagging), and each ping that checks the engine is still
    /// there while a long request runs. The CLI's `--timeout`.
    pub answer_within: Duration,
    /// How long a long request (df, an image export or load, the event log, a removal) may go
    /// without progress while the engine still answers pings; past it the request is stuck.
    pub stuck_after: Duration,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            answer_within: Duration::from_secs(10),
            stuck_after: Duration::from_secs(600),
        }
    }
}

/// bollard's own deadline (to an answer's headers) on the client long requests use: only a
/// backstop, since [`crate::Engine`] watches those requests itself.
const BACKSTOP: Duration = Duration::from_secs(24 * 60 * 60);

/// The API version the engine speaks, learnt when connecting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerVersion {
    pub api_version: String,
    pub api: (u32, u32),
}

/// Connects with one cheap request. Over a plain socket (unix, TCP without TLS) that is
/// `GET /_ping` read by hand, whose `Api-Version` header is all the negotiation needs
/// (`/version` makes the engine run `runc --version`, which costs more than the rest of a
/// `drydock images`); elsewhere `/version` through bollard. The client returned has no deadline
/// of its own beyond a backstop: [`crate::Engine`] sets each request's.
pub(crate) async fn connect(
    candidate: &Candidate,
    opts: &ConnectOptions,
) -> Result<(Docker, ServerVersion), EngineError> {
    let endpoint = &candidate.endpoint;
    let endpoint_text = endpoint.to_string();
    let api_version = match endpoint {
        Endpoint::Unix(_) | Endpoint::Tcp { tls: None, .. } => {
            plain_probe(endpoint.clone(), opts.answer_within).await?
        }
        _ => version_request(candidate, opts).await?,
    };
    let api = parse_api(&api_version).ok_or_else(|| EngineError::NotDocker {
        endpoint: endpoint_text.clone(),
        answer: format!("the API version {api_version:?}"),
    })?;
    if api < MIN_API {
        return Err(EngineError::ApiTooOld {
            endpoint: endpoint_text,
            version: api_version,
            minimum: format!("{}.{}", MIN_API.0, MIN_API.1),
        });
    }
    // Speak the engine's version, or bollard's newest if the engine is newer still.
    let newest = (
        API_DEFAULT_VERSION.major_version,
        API_DEFAULT_VERSION.minor_version,
    );
    let (major, minor) = (api.0 as usize, api.1 as usize).min(newest);
    let client = ClientVersion {
        major_version: major,
        minor_version: minor,
    };
    let docker = open_transport(candidate, BACKSTOP, &client)?;
    Ok((docker, ServerVersion { api_version, api }))
}

/// bollard takes whole seconds, and 0 would time out at once.
pub(crate) fn whole_seconds(within: Duration) -> u64 {
    (within.as_secs_f64().ceil() as u64).max(1)
}

async fn plain_probe(endpoint: Endpoint, within: Duration) -> Result<String, EngineError> {
    let shown = endpoint.to_string();
    let task = tokio::task::spawn_blocking(move || {
        let shown = endpoint.to_string();
        match &endpoint {
            #[cfg(unix)]
            Endpoint::Unix(path) => probe::api_version(&probe::Target::Unix(path), &shown, within),
            Endpoint::Tcp { addr, .. } => {
                probe::api_version(&probe::Target::Tcp(addr), &shown, within)
            }
            _ => Err(EngineError::Unsupported {
                what: format!("the unix socket {shown} on this platform"),
                fix: "use the engine's named pipe (npipe:////./pipe/docker_engine)".into(),
            }),
        }
    });
    task.await.map_err(|e| EngineError::Transport {
        endpoint: shown,
        what: "connecting".into(),
        detail: e.to_string(),
    })?
}

/// `/version` through bollard, for TLS and named pipes.
async fn version_request(
    candidate: &Candidate,
    opts: &ConnectOptions,
) -> Result<String, EngineError> {
    let endpoint = &candidate.endpoint;
    let shown = endpoint.to_string();
    let docker = open_transport(candidate, opts.answer_within, API_DEFAULT_VERSION)?;
    let raw = raw::raw_client(&docker);
    let answer = tokio::time::timeout(
        opts.answer_within,
        raw::get(&raw, "/version", 64 * 1024, None),
    )
    .await;
    let not_answering = || EngineError::NotAnswering {
        endpoint: shown.clone(),
        after: opts.answer_within,
    };
    let answer = match answer {
        Err(_) => return Err(not_answering()),
        Ok(Ok(body)) => probe::Answer {
            status: 200,
            headers: Vec::new(),
            body,
        },
        Ok(Err(RawError::Engine(bollard::errors::Error::DockerResponseServerError {
            status_code,
            message,
        }))) => probe::Answer {
            status: status_code,
            headers: Vec::new(),
            body: message.into_bytes(),
        },
        Ok(Err(RawError::Engine(bollard::errors::Error::RequestTimeoutError))) => {
            return Err(not_answering())
        }
        Ok(Err(RawError::Engine(err))) => return Err(first_contact_error(err, endpoint)),
        Ok(Err(RawError::TooLarge { .. })) => {
            return Err(EngineError::NotDocker {
                endpoint: shown,
                answer: "GET /version with more than 64 KiB".into(),
            })
        }
    };
    probe::judge_version(&answer, &shown)
}

/// `"1.41"` → `(1, 41)`.
pub fn parse_api(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.trim().split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

fn open_transport(
    candidate: &Candidate,
    deadline: Duration,
    version: &ClientVersion,
) -> Result<Docker, EngineError> {
    let secs = whole_seconds(deadline);
    let endpoint = &candidate.endpoint;
    let text = endpoint.to_string();
    let fail = |e: bollard::errors::Error| EngineError::Transport {
        endpoint: text.clone(),
        what: "connecting".into(),
        detail: error_chain(&e),
    };
    match endpoint {
        Endpoint::Unix(path) => Docker::connect_with_unix(&path.to_string_lossy(), secs, version).map_err(fail),
        Endpoint::Tcp { addr, tls: None } => Docker::connect_with_http(addr, secs, version).map_err(fail),
        Endpoint::Tcp { addr, tls: Some(files) } => {
            let tls_error = |file: &std::path::Path, problem: String| EngineError::TlsFile {
                endpoint: text.clone(),
                file: file.display().to_string(),
                problem,
                fix: tls_fix(&candidate.source, file),
            };
            for file in [&files.ca, &files.cert, &files.key] {
                if !file.is_file() {
                    return Err(tls_error(file, "it is missing; an engine that speaks TLS needs the CA certificate (ca.pem), a client certificate (cert.pem) and its key (key.pem)".into()));
                }
            }
            Docker::connect_with_ssl(addr, &files.key, &files.cert, &files.ca, secs, version).map_err(|e| {
                use bollard::errors::Error as B;
                match e {
                    B::CertPathError { path } => tls_error(&path, "it cannot be read".into()),
                    B::CertParseError { path } => tls_error(&path, "it is not a PEM certificate or key".into()),
                    B::CertMultipleKeys { path, count } => tls_error(&path, format!("it holds {count} keys, and one is needed")),
                    other => fail(other),
                }
            })
        }
        Endpoint::NamedPipe(pipe) => open_pipe(pipe, secs, version).map_err(fail),
        Endpoint::Ssh(_) => Err(EngineError::Unsupported {
            what: format!("the ssh engine address {text}"),
            fix: "forward the remote socket (`ssh -nNT -L /tmp/remote-docker.sock:/var/run/docker.sock HOST`) and use --host unix:///tmp/remote-docker.sock".into(),
        }),
    }
}

/// Where a TLS file comes from decides how to put it back.
fn tls_fix(source: &Source, file: &std::path::Path) -> String {
    let dir = file
        .parent()
        .map(|d| d.display().to_string())
        .unwrap_or_default();
    match source {
        Source::ContextFlag(name) | Source::DockerContextEnv(name) | Source::CurrentContext(name) => format!(
            "give context {name:?} its TLS files again (`docker context update {name} --docker host=...,ca=ca.pem,cert=cert.pem,key=key.pem`), or pick another engine with --context / --host"
        ),
        _ => format!(
            "put ca.pem, cert.pem and key.pem in {dir} (or point DOCKER_CERT_PATH at the directory that holds them), or unset DOCKER_TLS_VERIFY if the engine does not use TLS"
        ),
    }
}

#[cfg(windows)]
fn open_pipe(
    pipe: &str,
    secs: u64,
    version: &ClientVersion,
) -> Result<Docker, bollard::errors::Error> {
    Docker::connect_with_named_pipe(pipe, secs, version)
}

#[cfg(not(windows))]
fn open_pipe(
    pipe: &str,
    _secs: u64,
    _version: &ClientVersion,
) -> Result<Docker, bollard::errors::Error> {
    Err(bollard::errors::Error::SocketNotFoundError(format!(
        "{pipe}: named pipes exist only on Windows"
    )))
}

/// The first request failed: say why in the user's terms.
fn first_contact_error(err: bollard::errors::Error, endpoint: &Endpoint) -> EngineError {
    let text = endpoint.to_string();
    let chain = error_chain(&err);
    let lower = chain.to_lowercase();
    if lower.contains("connection refused") {
        return EngineError::NotRunning { endpoint: text };
    }
    if lower.contains("permission denied") {
        return EngineError::PermissionDenied { endpoint: text };
    }
    EngineError::from_bollard(err, &text, "the version request")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions_compare_numerically() {
        assert_eq!(parse_api("1.41"), Some((1, 41)));
        assert!(parse_api("1.9").expect("parses") < MIN_API);
        assert!(parse_api("1.100").expect("parses") > MIN_API);
        assert_eq!(parse_api("banana"), None);
    }
}
