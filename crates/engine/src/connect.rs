//! Connecting to one endpoint: reach it, check it answers, agree on an API version.

use crate::discovery::{Candidate, Endpoint};
use crate::error::{error_chain, EngineError};
use bollard::{ClientVersion, Docker, API_DEFAULT_VERSION};
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

/// The API version the engine speaks, learnt when connecting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerVersion {
    pub api_version: String,
    pub api: (u32, u32),
}

/// Connects with one cheap request. On a unix socket that is `GET /_ping`, whose `Api-Version`
/// header is all the negotiation needs (`/version` makes the engine run `runc --version`, which
/// costs more than the rest of a `drydock images`); elsewhere bollard's typed `/version`.
pub(crate) async fn connect(
    candidate: &Candidate,
    opts: &ConnectOptions,
) -> Result<(Docker, ServerVersion), EngineError> {
    let endpoint = &candidate.endpoint;
    let endpoint_text = endpoint.to_string();
    let pinged = match endpoint {
        Endpoint::Unix(path) => {
            ping_unix(path.clone(), opts.answer_within, endpoint_text.clone()).await?
        }
        _ => None,
    };
    let api_version = match pinged {
        Some(api) => api,
        None => version_request(endpoint, opts).await?,
    };
    let api = parse_api(&api_version).ok_or_else(|| EngineError::Data {
        what: "the engine's API version".into(),
        detail: format!("unreadable API version {api_version:?}"),
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
    let docker = open_transport(endpoint, opts, &client)?;
    Ok((docker, ServerVersion { api_version, api }))
}

async fn version_request(
    endpoint: &Endpoint,
    opts: &ConnectOptions,
) -> Result<String, EngineError> {
    let docker = open_transport(endpoint, opts, API_DEFAULT_VERSION)?;
    let answer = tokio::time::timeout(opts.answer_within, docker.version()).await;
    match answer {
        Err(_) => Err(EngineError::NotAnswering {
            endpoint: endpoint.to_string(),
            after: opts.answer_within,
        }),
        Ok(Err(err)) => Err(first_contact_error(err, endpoint)),
        Ok(Ok(v)) => Ok(v.api_version.unwrap_or_default()),
    }
}

/// `"1.41"` → `(1, 41)`.
pub fn parse_api(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.trim().split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

fn open_transport(
    endpoint: &Endpoint,
    opts: &ConnectOptions,
    version: &ClientVersion,
) -> Result<Docker, EngineError> {
    let secs = opts.request_timeout.as_secs().max(1);
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
            for file in [&files.ca, &files.cert, &files.key] {
                if !file.exists() {
                    return Err(EngineError::Config {
                        path: file.display().to_string(),
                        detail: "TLS file missing: the engine needs the CA, client certificate and key".into(),
                    });
                }
            }
            Docker::connect_with_ssl(addr, &files.key, &files.cert, &files.ca, secs, version).map_err(fail)
        }
        Endpoint::NamedPipe(pipe) => open_pipe(pipe, secs, version).map_err(fail),
        Endpoint::Ssh(_) => Err(EngineError::Unsupported {
            what: format!("the ssh engine address {text}"),
            fix: "forward the remote socket (`ssh -nNT -L /tmp/remote-docker.sock:/var/run/docker.sock HOST`) and use --host unix:///tmp/remote-docker.sock".into(),
        }),
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

/// `GET /_ping` over a plain socket: tells apart the ways a socket fails (missing, permission
/// denied, nobody listening, silent) that need different fixes, and reads the `Api-Version`
/// header. `None` when the engine answers without one (then `/version` is asked).
#[cfg(unix)]
async fn ping_unix(
    path: std::path::PathBuf,
    within: Duration,
    text: String,
) -> Result<Option<String>, EngineError> {
    let task = tokio::task::spawn_blocking(move || ping_unix_blocking(&path, within, &text));
    task.await.map_err(|e| EngineError::Transport {
        endpoint: String::new(),
        what: "connecting".into(),
        detail: e.to_string(),
    })?
}

#[cfg(unix)]
fn ping_unix_blocking(
    path: &std::path::Path,
    within: Duration,
    text: &str,
) -> Result<Option<String>, EngineError> {
    use std::io::{ErrorKind, Read, Write};
    let transport = |e: std::io::Error| EngineError::Transport {
        endpoint: text.to_owned(),
        what: "connecting".into(),
        detail: e.to_string(),
    };
    let mut stream = match std::os::unix::net::UnixStream::connect(path) {
        Ok(stream) => stream,
        Err(e) => {
            return Err(match e.kind() {
                ErrorKind::NotFound => EngineError::NotFound {
                    looked: vec![text.to_owned()],
                },
                ErrorKind::PermissionDenied => EngineError::PermissionDenied {
                    endpoint: text.to_owned(),
                },
                ErrorKind::ConnectionRefused => EngineError::NotRunning {
                    endpoint: text.to_owned(),
                },
                _ => transport(e),
            })
        }
    };
    let silent = || EngineError::NotAnswering {
        endpoint: text.to_owned(),
        after: within,
    };
    stream.set_read_timeout(Some(within)).map_err(transport)?;
    stream.set_write_timeout(Some(within)).map_err(transport)?;
    stream
        .write_all(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
        .map_err(|e| match e.kind() {
            ErrorKind::WouldBlock | ErrorKind::TimedOut => silent(),
            _ => transport(e),
        })?;
    // The answer is a few headers and "OK"; read at most 64 KiB of it.
    let mut answer = Vec::new();
    let read = stream.take(64 * 1024).read_to_end(&mut answer);
    match read {
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
            return Err(silent())
        }
        Err(e) => return Err(transport(e)),
        Ok(_) => {}
    }
    Ok(api_version_header(&answer))
}

/// The `Api-Version` header of a successful HTTP answer.
fn api_version_header(answer: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(answer);
    let head = text.split("\r\n\r\n").next()?;
    let mut lines = head.lines();
    let status = lines.next()?;
    if status.split_whitespace().nth(1) != Some("200") {
        return None;
    }
    lines.find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("api-version")
            .then(|| value.trim().to_owned())
    })
}

#[cfg(not(unix))]
async fn ping_unix(
    _path: std::path::PathBuf,
    _within: Duration,
    text: String,
) -> Result<Option<String>, EngineError> {
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
    fn reads_the_api_version_from_a_ping_answer() {
        let answer = b"HTTP/1.0 200 OK\r\nApi-Version: 1.41\r\nOstype: linux\r\n\r\nOK";
        assert_eq!(api_version_header(answer).as_deref(), Some("1.41"));
        assert_eq!(
            api_version_header(b"HTTP/1.0 404 Not Found\r\nApi-Version: 1.41\r\n\r\n"),
            None
        );
        assert_eq!(
            api_version_header(b"HTTP/1.0 200 OK\r\nServer: x\r\n\r\nOK"),
            None
        );
        assert_eq!(api_version_header(b"\xff\xfe garbage"), None);
    }

    #[test]
    fn api_versions_compare_numerically() {
        assert_eq!(parse_api("1.41"), Some((1, 41)));
        assert!(parse_api("1.9").expect("parses") < MIN_API);
        assert!(parse_api("1.100").expect("parses") > MIN_API);
        assert_eq!(parse_api("banana"), None);
    }
}
