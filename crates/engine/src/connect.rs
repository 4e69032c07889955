//! Connecting to one endpoint: reach it, check it answers, agree on an API version.

use crate::discovery::{Candidate, Endpoint};
use crate::error::{error_chain, EngineError};
use bollard::{Docker, API_DEFAULT_VERSION};
use std::time::Duration;

/// The oldest API Drydock reads correctly (Docker 19.03). Tests run 1.41 (Docker 20.10).
pub const MIN_API: (u32, u32) = (1, 40);

#[derive(Debug, Clone, Copy)]
pub struct ConnectOptions {
    /// How long the engine has to answer the first request.
    pub answer_within: Duration,
    /// Ceiling for any later request; the df call walks every container and volume, so it is long.
    pub request_timeout: Duration,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            answer_within: Duration::from_secs(10),
            request_timeout: Duration::from_secs(600),
        }
    }
}

/// What the engine said about itself when we connected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerVersion {
    pub version: String,
    pub api_version: String,
    pub api: (u32, u32),
    pub os: String,
    pub arch: String,
}

pub(crate) async fn connect(
    candidate: &Candidate,
    opts: &ConnectOptions,
) -> Result<(Docker, ServerVersion), EngineError> {
    let endpoint_text = candidate.endpoint.to_string();
    let docker = open_transport(&candidate.endpoint, opts)?;
    let answer = tokio::time::timeout(opts.answer_within, docker.version()).await;
    let version = match answer {
        Err(_) => {
            return Err(EngineError::NotAnswering {
                endpoint: endpoint_text,
                after: opts.answer_within,
            })
        }
        Ok(Err(err)) => return Err(first_contact_error(err, &candidate.endpoint)),
        Ok(Ok(v)) => v,
    };
    let api_version = version.api_version.clone().unwrap_or_default();
    let api = parse_api(&api_version).ok_or_else(|| EngineError::Data {
        what: "the version request".into(),
        detail: format!("unreadable API version {api_version:?}"),
    })?;
    if api < MIN_API {
        return Err(EngineError::ApiTooOld {
            endpoint: endpoint_text,
            version: api_version,
            minimum: format!("{}.{}", MIN_API.0, MIN_API.1),
        });
    }
    let docker = tokio::time::timeout(opts.answer_within, docker.negotiate_version())
        .await
        .map_err(|_| EngineError::NotAnswering {
            endpoint: endpoint_text.clone(),
            after: opts.answer_within,
        })?
        .map_err(|e| EngineError::from_bollard(e, &endpoint_text, "negotiating the API version"))?;
    Ok((
        docker,
        ServerVersion {
            version: version.version.unwrap_or_default(),
            api_version,
            api,
            os: version.os.unwrap_or_default(),
            arch: version.arch.unwrap_or_default(),
        },
    ))
}

/// `"1.41"` → `(1, 41)`.
pub fn parse_api(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.trim().split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

fn open_transport(endpoint: &Endpoint, opts: &ConnectOptions) -> Result<Docker, EngineError> {
    let secs = opts.request_timeout.as_secs().max(1);
    let text = endpoint.to_string();
    let fail = |e: bollard::errors::Error| EngineError::Transport {
        endpoint: text.clone(),
        what: "connecting".into(),
        detail: error_chain(&e),
    };
    match endpoint {
        Endpoint::Unix(path) => {
            probe_unix(path, &text)?;
            Docker::connect_with_unix(&path.to_string_lossy(), secs, API_DEFAULT_VERSION).map_err(fail)
        }
        Endpoint::Tcp { addr, tls: None } => Docker::connect_with_http(addr, secs, API_DEFAULT_VERSION).map_err(fail),
        Endpoint::Tcp { addr, tls: Some(files) } => {
            for file in [&files.ca, &files.cert, &files.key] {
                if !file.exists() {
                    return Err(EngineError::Config {
                        path: file.display().to_string(),
                        detail: "TLS file missing: the engine needs the CA, client certificate and key".into(),
                    });
                }
            }
            Docker::connect_with_ssl(addr, &files.key, &files.cert, &files.ca, secs, API_DEFAULT_VERSION).map_err(fail)
        }
        Endpoint::NamedPipe(pipe) => open_pipe(pipe, secs).map_err(fail),
        Endpoint::Ssh(_) => Err(EngineError::Unsupported {
            what: format!("the ssh engine address {text}"),
            fix: "forward the remote socket (`ssh -nNT -L /tmp/remote-docker.sock:/var/run/docker.sock HOST`) and use --host unix:///tmp/remote-docker.sock".into(),
        }),
    }
}

#[cfg(windows)]
fn open_pipe(pipe: &str, secs: u64) -> Result<Docker, bollard::errors::Error> {
    Docker::connect_with_named_pipe(pipe, secs, API_DEFAULT_VERSION)
}

#[cfg(not(windows))]
fn open_pipe(pipe: &str, _secs: u64) -> Result<Docker, bollard::errors::Error> {
    Err(bollard::errors::Error::SocketNotFoundError(format!(
        "{pipe}: named pipes exist only on Windows"
    )))
}

/// A plain connect before bollard's, because it tells apart the three ways a socket fails
/// (missing, permission denied, nobody listening) that need three different fixes.
#[cfg(unix)]
fn probe_unix(path: &std::path::Path, text: &str) -> Result<(), EngineError> {
    use std::io::ErrorKind;
    match std::os::unix::net::UnixStream::connect(path) {
        Ok(_) => Ok(()),
        Err(e) => Err(match e.kind() {
            ErrorKind::NotFound => EngineError::NotFound {
                looked: vec![text.to_owned()],
            },
            ErrorKind::PermissionDenied => EngineError::PermissionDenied {
                endpoint: text.to_owned(),
            },
            ErrorKind::ConnectionRefused => EngineError::NotRunning {
                endpoint: text.to_owned(),
            },
            _ => EngineError::Transport {
                endpoint: text.to_owned(),
                what: "connecting".into(),
                detail: e.to_string(),
            },
        }),
    }
}

#[cfg(not(unix))]
fn probe_unix(_path: &std::path::Path, text: &str) -> Result<(), EngineError> {
    Err(EngineError::Unsupported {
        what: format!("the unix socket {text} on this platform"),
        fix: "use the engine's named pipe (npipe:////./pipe/docker_engine)".into(),
    })
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
    if matches!(err, bollard::errors::Error::RequestTimeoutError) {
        return EngineError::NotAnswering {
            endpoint: text,
            after: Duration::ZERO,
        };
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
