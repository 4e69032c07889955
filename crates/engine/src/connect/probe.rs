//! The first request, over a plain socket (unix or TCP without TLS): one HTTP/1.0 exchange read
//! by hand, so each way an endpoint can fail gets its own cause. A socket that is missing, a
//! file, refused, silent; a server that answers but is not Docker (an HTML page, someone else's
//! JSON); an engine answering only errors. The answer is read up to its end as its headers give
//! it, never to the close: a server that keeps the connection open has still answered.

use crate::error::{html_title, looks_like_html, one_line, EngineError};
use std::io::{ErrorKind, Read, Write};
use std::time::{Duration, Instant};

/// An answer is a few headers and a small body; more than this is not an engine's ping.
const MAX_ANSWER: usize = 64 * 1024;

/// One HTTP answer, as far as it came.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Something that carries bytes both ways with per-call timeouts.
trait Conn: Read + Write {
    fn set_timeouts(&self, within: Duration) -> std::io::Result<()>;
}

#[cfg(unix)]
impl Conn for std::os::unix::net::UnixStream {
    fn set_timeouts(&self, within: Duration) -> std::io::Result<()> {
        self.set_read_timeout(Some(within))?;
        self.set_write_timeout(Some(within))
    }
}

impl Conn for std::net::TcpStream {
    fn set_timeouts(&self, within: Duration) -> std::io::Result<()> {
        self.set_read_timeout(Some(within))?;
        self.set_write_timeout(Some(within))
    }
}

/// Where the probe connects, and how the endpoint is named in errors.
pub(super) enum Target<'a> {
    #[cfg(unix)]
    Unix(&'a std::path::Path),
    Tcp(&'a str),
}

/// The API version the endpoint speaks: `/_ping`'s `Api-Version` header, or `/version`'s
/// `ApiVersion` when the ping does not carry it.
pub(super) fn api_version(
    target: &Target,
    shown: &str,
    within: Duration,
) -> Result<String, EngineError> {
    let ping = exchange(target, shown, "/_ping", within)?;
    if ping.status == 200 {
        if let Some(version) = ping.header("api-version").filter(|v| valid(v)) {
            return Ok(version.to_owned());
        }
    }
    // Docker never answers a ping with a page or a 5xx from a healthy engine: no need to ask on.
    if let Some(err) = failing_or_foreign(&ping, "/_ping", shown) {
        return Err(err);
    }
    let version = exchange(target, shown, "/version", within)?;
    judge_version(&version, shown)
}

fn valid(version: &str) -> bool {
    crate::connect::parse_api(version).is_some()
}

/// `/version`'s answer: Docker's JSON with an `ApiVersion`, or the reason it is not an engine.
pub(super) fn judge_version(answer: &Answer, shown: &str) -> Result<String, EngineError> {
    if answer.status == 200 {
        let version = serde_json::from_slice::<serde_json::Value>(&answer.body)
            .ok()
            .and_then(|v| v.get("ApiVersion")?.as_str().map(str::to_owned))
            .filter(|v| valid(v));
        if let Some(version) = version {
            return Ok(version);
        }
    }
    Err(
        failing_or_foreign(answer, "/version", shown).unwrap_or_else(|| EngineError::NotDocker {
            endpoint: shown.to_owned(),
            answer: format!(
                "GET /version with {}",
                describe(answer.status, &answer.body)
            ),
        }),
    )
}

/// A 5xx is an engine (or a proxy in front of one) that is there but failing; an HTML page is
/// no engine at all. Anything else needs the `/version` request to tell.
fn failing_or_foreign(answer: &Answer, path: &str, shown: &str) -> Option<EngineError> {
    let text = String::from_utf8_lossy(&answer.body);
    if answer.status >= 500 {
        let message = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("message")?.as_str().map(str::to_owned))
            .unwrap_or_else(|| text.clone().into_owned());
        return Some(EngineError::EngineFailing {
            endpoint: shown.to_owned(),
            status: answer.status,
            message: one_line(&message),
        });
    }
    looks_like_html(&text).then(|| EngineError::NotDocker {
        endpoint: shown.to_owned(),
        answer: format!("GET {path} with {}", describe(answer.status, &answer.body)),
    })
}

/// What an answer that is not Docker's looks like, for the error message.
pub(super) fn describe(status: u16, body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return format!("HTTP {status} and an empty body");
    }
    if looks_like_html(trimmed) {
        return match html_title(trimmed) {
            Some(title) => format!(
                "HTTP {status} and an HTML page titled {:?}",
                one_line(&title)
            ),
            None => format!("HTTP {status} and an HTML page"),
        };
    }
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_str(trimmed) {
        let keys: Vec<&str> = map.keys().take(5).map(String::as_str).collect();
        return format!(
            "HTTP {status} and JSON that is not Docker's (keys: {})",
            one_line(&keys.join(", "))
        );
    }
    let first = trimmed.lines().next().unwrap_or_default();
    let first: String = first.chars().take(80).collect();
    format!("HTTP {status} and the text {:?}", one_line(&first))
}

/// Sends `GET path` and reads the answer within `within`.
fn exchange(
    target: &Target,
    shown: &str,
    path: &str,
    within: Duration,
) -> Result<Answer, EngineError> {
    let deadline = Instant::now() + within;
    let mut conn = open(target, shown, within)?;
    let request = format!("GET {path} HTTP/1.0\r\nHost: docker\r\nUser-Agent: drydock\r\n\r\n");
    let silent = || EngineError::NotAnswering {
        endpoint: shown.to_owned(),
        after: within,
    };
    let lost = |detail: String| EngineError::Transport {
        endpoint: shown.to_owned(),
        what: "connecting".into(),
        detail,
    };
    conn.set_timeouts(within).map_err(|e| lost(e.to_string()))?;
    conn.write_all(request.as_bytes())
        .map_err(|e| match e.kind() {
            ErrorKind::WouldBlock | ErrorKind::TimedOut => silent(),
            _ => lost(e.to_string()),
        })?;
    let mut received = Vec::new();
    let mut buf = [0u8; 8192];
    let mut closed = false;
    loop {
        if let Some(answer) = complete(&received, false) {
            return Ok(answer);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || received.len() >= MAX_ANSWER {
            break;
        }
        conn.set_timeouts(left).map_err(|e| lost(e.to_string()))?;
        match conn.read(&mut buf) {
            Ok(0) => {
                closed = true;
                break;
            }
            Ok(n) => received.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => break,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(lost(e.to_string())),
        }
    }
    // The end came (close, deadline or size): whatever arrived is the answer, if it is one.
    if let Some(answer) = complete(&received, true) {
        return Ok(answer);
    }
    if !received.is_empty() && !received.starts_with(b"HTTP/") {
        return Err(EngineError::NotDocker {
            endpoint: shown.to_owned(),
            answer: format!(
                "something that is not HTTP ({:?})",
                one_line(&String::from_utf8_lossy(
                    &received[..received.len().min(60)]
                ))
            ),
        });
    }
    match (closed, received.is_empty()) {
        (true, true) => Err(lost("it closed the connection without answering".into())),
        (true, false) => Err(lost(
            "it closed the connection in the middle of its answer".into(),
        )),
        (false, _) => Err(silent()),
    }
}

fn open(target: &Target, shown: &str, within: Duration) -> Result<Box<dyn Conn>, EngineError> {
    match target {
        #[cfg(unix)]
        Target::Unix(path) => match std::os::unix::net::UnixStream::connect(path) {
            Ok(stream) => Ok(Box::new(stream)),
            Err(e) => Err(unix_connect_error(e, path, shown)),
        },
        Target::Tcp(addr) => {
            use std::net::ToSocketAddrs;
            let addrs = addr.to_socket_addrs().map_err(|e| EngineError::Transport {
                endpoint: shown.to_owned(),
                what: "looking up the engine's address".into(),
                detail: e.to_string(),
            })?;
            let mut last = None;
            for one in addrs {
                match std::net::TcpStream::connect_timeout(&one, within) {
                    Ok(stream) => return Ok(Box::new(stream)),
                    Err(e) => last = Some(e),
                }
            }
            Err(match last {
                Some(e) => match e.kind() {
                    ErrorKind::ConnectionRefused => EngineError::NotRunning {
                        endpoint: shown.to_owned(),
                    },
                    ErrorKind::TimedOut | ErrorKind::WouldBlock => EngineError::NotAnswering {
                        endpoint: shown.to_owned(),
                        after: within,
                    },
                    _ => EngineError::Transport {
                        endpoint: shown.to_owned(),
                        what: "connecting".into(),
                        detail: e.to_string(),
                    },
                },
                None => EngineError::Transport {
                    endpoint: shown.to_owned(),
                    what: "looking up the engine's address".into(),
                    detail: "the name has no address".into(),
                },
            })
        }
    }
}

#[cfg(unix)]
fn unix_connect_error(e: std::io::Error, path: &std::path::Path, shown: &str) -> EngineError {
    use std::os::unix::fs::FileTypeExt;
    // Connecting to a file that is not a socket is refused as if nobody listened: say what it is.
    if let Ok(meta) = std::fs::metadata(path) {
        let kind = meta.file_type();
        if !kind.is_socket() {
            let found = if kind.is_dir() {
                "a directory"
            } else if kind.is_file() {
                "a regular file"
            } else {
                "not a socket either"
            };
            return EngineError::NotASocket {
                endpoint: shown.to_owned(),
                found: found.into(),
            };
        }
    }
    match e.kind() {
        ErrorKind::NotFound => EngineError::NotFound {
            looked: vec![shown.to_owned()],
        },
        ErrorKind::PermissionDenied => EngineError::PermissionDenied {
            endpoint: shown.to_owned(),
        },
        ErrorKind::ConnectionRefused => EngineError::NotRunning {
            endpoint: shown.to_owned(),
        },
        _ => EngineError::Transport {
            endpoint: shown.to_owned(),
            what: "connecting".into(),
            detail: e.to_string(),
        },
    }
}

/// The answer in `received` if it is whole: its headers, and its body as far as
/// `Content-Length` or chunked encoding say. With `ended`, no more will come: the headers are
/// enough, and the body is what arrived.
fn complete(received: &[u8], ended: bool) -> Option<Answer> {
    let head_end = find(received, b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&received[..head_end]);
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    if !status_line.starts_with("HTTP/") {
        return None;
    }
    let status = status_line.split_whitespace().nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            Some((name.trim().to_owned(), value.trim().to_owned()))
        })
        .collect();
    let mut answer = Answer {
        status,
        headers,
        body: Vec::new(),
    };
    let body = &received[head_end + 4..];
    let chunked = answer
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    let length = answer
        .header("content-length")
        .and_then(|v| v.parse::<usize>().ok());
    if chunked {
        match dechunk(body) {
            Some(whole) => answer.body = whole,
            None if ended => answer.body = body.to_vec(),
            None => return None,
        }
    } else if let Some(length) = length {
        if body.len() < length && !ended {
            return None;
        }
        answer.body = body[..body.len().min(length)].to_vec();
    } else if ended {
        answer.body = body.to_vec();
    } else {
        return None;
    }
    Some(answer)
}

/// A chunked body, if its last (empty) chunk has arrived.
fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = find(body, b"\r\n")?;
        let size_text = String::from_utf8_lossy(&body[..line_end]);
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(body.get(..size)?);
        body = body.get(size + 2..)?;
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_whole_at_its_length_not_at_the_close() {
        let ping = b"HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\n\r\nOK";
        let answer = complete(ping, false).expect("whole");
        assert_eq!(answer.header("API-VERSION"), Some("1.41"));
        assert_eq!(answer.body, b"OK");
        assert_eq!(complete(&ping[..ping.len() - 1], false), None);
        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nOK\r\n0\r\n\r\n";
        assert_eq!(complete(chunked, false).expect("whole").body, b"OK");
        let open_ended = b"HTTP/1.0 200 OK\r\n\r\nsome";
        assert_eq!(complete(open_ended, false), None);
        assert_eq!(complete(open_ended, true).expect("ended").body, b"some");
        assert_eq!(complete(b"\xff\xfe garbage", true), None);
    }

    #[test]
    fn answers_that_are_not_docker_are_described() {
        let page = b"<!DOCTYPE html>\n<html><head><title>Welcome to\n nginx!</title></head></html>";
        assert_eq!(
            describe(404, page),
            "HTTP 404 and an HTML page titled \"Welcome to nginx!\""
        );
        assert_eq!(
            describe(200, br#"{"status":"ok","uptime":3}"#),
            "HTTP 200 and JSON that is not Docker's (keys: status, uptime)"
        );
        assert_eq!(describe(200, b""), "HTTP 200 and an empty body");
        assert_eq!(
            describe(400, b"Client sent an HTTP request to an HTTPS server.\n"),
            "HTTP 400 and the text \"Client sent an HTTP request to an HTTPS server.\""
        );
    }

    #[test]
    fn version_answers_are_judged() {
        let ok = Answer {
            status: 200,
            headers: Vec::new(),
            body: br#"{"ApiVersion":"1.41","Version":"20.10.24"}"#.to_vec(),
        };
        assert_eq!(judge_version(&ok, "x").expect("docker"), "1.41");
        let foreign = Answer {
            body: br#"{"ApiVersion":""}"#.to_vec(),
            ..ok
        };
        let err = judge_version(&foreign, "x").expect_err("not docker");
        assert!(matches!(err, EngineError::NotDocker { .. }), "{err:?}");
        let failing = Answer {
            status: 500,
            headers: Vec::new(),
            body: br#"{"message":"the backend is down"}"#.to_vec(),
        };
        let err = judge_version(&failing, "x").expect_err("failing");
        assert!(
            err.to_string().contains("HTTP 500: the backend is down"),
            "{err}"
        );
    }
}
