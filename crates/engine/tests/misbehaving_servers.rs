//! Endpoints that are not a healthy Docker engine: each error names the real cause and a fix.
//!
//! Every server here is started by its test on a unix socket in a temporary directory or on
//! 127.0.0.1, answers as the test scripts it, and stops by itself (when the test drops it, and
//! after [`LIFETIME`] at the latest).

use drydock_engine::{ConnectOptions, Engine, EngineError, ErrorCode, HostEnv, Selection};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// No test server outlives this, whatever its test does.
const LIFETIME: Duration = Duration::from_secs(60);

const PING_OK: &[u8] = b"HTTP/1.0 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\n\r\nOK";

/// What a test server does with one request.
#[derive(Clone)]
enum Reply {
    /// Sends these bytes and closes.
    Send(Vec<u8>),
    /// Sends these bytes and keeps the connection open, saying nothing more.
    SendAndHold(Vec<u8>),
    /// Reads the request and never answers.
    Silent,
    /// Sends `head`, then `body` a byte at a time every `every`, then closes.
    Trickle {
        head: Vec<u8>,
        body: Vec<u8>,
        every: Duration,
    },
}

fn http(status: &str, content_type: &str, body: &str) -> Reply {
    Reply::Send(
        format!(
            "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

/// The script: the reply to the `n`th request (from 0) for `path`.
type Script = dyn Fn(&str, usize) -> Reply + Send + Sync;

struct Server {
    stop: Arc<AtomicBool>,
    /// For `--host`.
    host: String,
    _dir: Option<tempfile::TempDir>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

enum Listener {
    Unix(std::os::unix::net::UnixListener),
    Tcp(std::net::TcpListener),
}

trait Conn: Read + Write + Send {
    fn timeouts(&self, d: Duration);
}

impl Conn for std::os::unix::net::UnixStream {
    fn timeouts(&self, d: Duration) {
        let _ = self.set_read_timeout(Some(d));
        let _ = self.set_write_timeout(Some(d));
        let _ = self.set_nonblocking(false);
    }
}

impl Conn for std::net::TcpStream {
    fn timeouts(&self, d: Duration) {
        let _ = self.set_read_timeout(Some(d));
        let _ = self.set_write_timeout(Some(d));
        let _ = self.set_nonblocking(false);
    }
}

impl Server {
    fn unix(script: impl Fn(&str, usize) -> Reply + Send + Sync + 'static) -> Server {
        let dir = tempfile::Builder::new()
            .prefix("dd-fake-")
            .tempdir_in("/tmp")
            .expect("tempdir");
        let path = dir.path().join("docker.sock");
        let listener = std::os::unix::net::UnixListener::bind(&path).expect("bind");
        let host = format!("unix://{}", path.display());
        Server::run(Listener::Unix(listener), host, Some(dir), Arc::new(script))
    }

    fn tcp(script: impl Fn(&str, usize) -> Reply + Send + Sync + 'static) -> Server {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let host = format!("tcp://{}", listener.local_addr().expect("addr"));
        Server::run(Listener::Tcp(listener), host, None, Arc::new(script))
    }

    fn run(
        listener: Listener,
        host: String,
        dir: Option<tempfile::TempDir>,
        script: Arc<Script>,
    ) -> Server {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let started = Instant::now();
        let over = move || stopped.load(Ordering::SeqCst) || started.elapsed() > LIFETIME;
        let counts = Arc::new(std::sync::Mutex::new(std::collections::HashMap::new()));
        match &listener {
            Listener::Unix(l) => l.set_nonblocking(true).expect("nonblocking"),
            Listener::Tcp(l) => l.set_nonblocking(true).expect("nonblocking"),
        }
        thread::spawn(move || {
            while !over() {
                let accepted: Option<Box<dyn Conn>> = match &listener {
                    Listener::Unix(l) => l.accept().ok().map(|(s, _)| Box::new(s) as _),
                    Listener::Tcp(l) => l.accept().ok().map(|(s, _)| Box::new(s) as _),
                };
                let Some(conn) = accepted else {
                    thread::sleep(Duration::from_millis(5));
                    continue;
                };
                let script = Arc::clone(&script);
                let counts = Arc::clone(&counts);
                let over = over.clone();
                thread::spawn(move || serve(conn, &*script, &counts, over));
            }
        });
        Server {
            stop,
            host,
            _dir: dir,
        }
    }
}

fn serve(
    mut conn: Box<dyn Conn>,
    script: &Script,
    counts: &std::sync::Mutex<std::collections::HashMap<String, usize>>,
    over: impl Fn() -> bool,
) {
    conn.timeouts(Duration::from_secs(5));
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&head);
    let path = text
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned();
    let n = {
        let mut counts = counts.lock().expect("counts");
        let count = counts.entry(path.clone()).or_insert(0);
        *count += 1;
        *count - 1
    };
    let hold = |conn: &mut Box<dyn Conn>| {
        let _ = conn.flush();
        while !over() {
            thread::sleep(Duration::from_millis(10));
        }
    };
    match script(&path, n) {
        Reply::Send(bytes) => {
            let _ = conn.write_all(&bytes);
        }
        Reply::SendAndHold(bytes) => {
            let _ = conn.write_all(&bytes);
            hold(&mut conn);
        }
        Reply::Silent => hold(&mut conn),
        Reply::Trickle { head, body, every } => {
            let _ = conn.write_all(&head);
            for byte in body {
                if over() || conn.write_all(&[byte]).is_err() {
                    return;
                }
                let _ = conn.flush();
                thread::sleep(every);
            }
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn quick() -> ConnectOptions {
    ConnectOptions {
        answer_within: Duration::from_millis(500),
        stuck_after: Duration::from_secs(3),
    }
}

fn open_with(host: &str, opts: &ConnectOptions) -> Result<Engine, EngineError> {
    let selection = Selection {
        host: Some(host.to_owned()),
        context: None,
    };
    runtime().block_on(Engine::open(&selection, &HostEnv::default(), opts))
}

fn open(host: &str) -> Result<Engine, EngineError> {
    open_with(host, &quick())
}

/// The error, its message, and a check that the message has a fix.
fn failed<T>(result: Result<T, EngineError>) -> (EngineError, String) {
    let err = result.err().expect("an error");
    let text = err.to_string();
    assert!(text.contains("\n  fix: "), "no fix in: {text}");
    (err, text)
}

/// Answers the first ping as Docker 20.10 does, and every other request by `rest`.
fn docker_then(rest: impl Fn(&str, usize) -> Reply + Send + Sync + 'static) -> Server {
    Server::unix(move |path, n| {
        if path == "/_ping" && n == 0 {
            Reply::Send(PING_OK.to_vec())
        } else {
            rest(path, n)
        }
    })
}

#[test]
fn an_html_page_is_not_an_engine() {
    let page = "<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head><body>\n<h1>Welcome</h1></body></html>";
    let server = Server::unix(move |_, _| http("200 OK", "text/html", page));
    let (err, text) = failed(open(&server.host));
    assert!(matches!(err, EngineError::NotDocker { .. }), "{err:?}");
    assert!(
        text.contains("is not a Docker engine") && text.contains("\"Welcome to nginx!\""),
        "{text}"
    );
    assert_eq!(err.code(), ErrorCode::EngineUnavailable);
}

#[test]
fn json_from_another_server_is_not_an_engine() {
    let server = Server::tcp(|path, _| match path {
        "/version" => http(
            "200 OK",
            "application/json",
            r#"{"status":"ok","version":"2.4.1"}"#,
        ),
        _ => http(
            "404 Not Found",
            "application/json",
            r#"{"error":"no route"}"#,
        ),
    });
    let (err, text) = failed(open(&server.host));
    assert!(matches!(err, EngineError::NotDocker { .. }), "{err:?}");
    assert!(
        text.contains(
            "GET /version with HTTP 200 and JSON that is not Docker's (keys: status, version)"
        ),
        "{text}"
    );
    assert!(!text.contains("unreadable API version"), "{text}");
}

#[test]
fn something_that_is_not_http_is_not_an_engine() {
    let server = Server::unix(|_, _| Reply::Send(b"SSH-2.0-OpenSSH_9.2\r\n".to_vec()));
    let (err, text) = failed(open(&server.host));
    assert!(matches!(err, EngineError::NotDocker { .. }), "{err:?}");
    assert!(
        text.contains("not HTTP") && text.contains("SSH-2.0"),
        "{text}"
    );
}

#[test]
fn an_engine_answering_500_at_first_contact_is_failing_not_missing() {
    let server = Server::unix(|_, _| {
        http(
            "500 Internal Server Error",
            "application/json",
            r#"{"message":"the Docker backend is not running"}"#,
        )
    });
    let (err, text) = failed(open(&server.host));
    assert!(matches!(err, EngineError::EngineFailing { .. }), "{err:?}");
    assert!(
        text.contains("HTTP 500: the Docker backend is not running") && text.contains("restart"),
        "{text}"
    );
    assert_eq!(err.code(), ErrorCode::EngineUnavailable);
}

#[test]
fn a_500_on_a_later_request_is_the_engine_failing_with_a_fix() {
    let server = docker_then(|_, _| {
        http(
            "500 Internal Server Error",
            "text/html",
            "<html><head><title>500 Internal Server Error</title></head>\n<body>\x1b[2J</body></html>",
        )
    });
    let engine = open(&server.host).expect("connects");
    let (err, text) = failed(runtime().block_on(engine.status()));
    assert!(
        text.starts_with(
            "the engine failed on the engine info request (HTTP 500): 500 Internal Server Error\n"
        ),
        "{text}"
    );
    assert_eq!(err.code(), ErrorCode::Internal);
}

#[test]
fn a_server_that_keeps_the_connection_open_after_answering_has_answered() {
    // Answers the ping whole (its length says so) but does not close, as HTTP/1.1 servers that
    // ignore the request's HTTP/1.0 do. The old reader waited for the close and timed out.
    let server = Server::unix(|path, _| match path {
        "/_ping" => Reply::SendAndHold(PING_OK.to_vec()),
        _ => Reply::Silent,
    });
    let opts = ConnectOptions {
        answer_within: Duration::from_secs(5),
        ..quick()
    };
    let started = Instant::now();
    let engine = open_with(&server.host, &opts).expect("connects");
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(engine.server().api, (1, 41));
}

#[test]
fn a_server_that_accepts_and_never_answers_is_not_answering() {
    let server = Server::unix(|_, _| Reply::Silent);
    let (err, text) = failed(open(&server.host));
    assert!(matches!(err, EngineError::NotAnswering { .. }), "{err:?}");
    assert!(text.contains("did not answer within 0.5s"), "{text}");
}

#[test]
fn every_ordinary_request_has_the_timeout_not_only_the_first() {
    let server = docker_then(|_, _| Reply::Silent);
    let engine = open(&server.host).expect("connects");
    let started = Instant::now();
    let (err, text) = failed(runtime().block_on(engine.history("app:1")));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "waited {:?}",
        started.elapsed()
    );
    assert!(matches!(err, EngineError::NoAnswer { .. }), "{err:?}");
    assert!(
        text.contains("did not answer within 0.5s (image app:1)"),
        "{text}"
    );
    assert_eq!(err.code(), ErrorCode::EngineUnavailable);
}

#[test]
fn a_removal_whose_answer_never_comes_is_engine_unavailable() {
    // The engine answers the first ping, then nothing: the DELETE was sent and its answer lost.
    let server = docker_then(|_, _| Reply::Silent);
    let engine = open(&server.host).expect("connects");
    let started = Instant::now();
    let (err, _) = failed(runtime().block_on(engine.remove_volume("data")));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "waited {:?}",
        started.elapsed()
    );
    assert!(matches!(err, EngineError::NoAnswer { .. }), "{err:?}");
    assert_eq!(err.code(), ErrorCode::EngineUnavailable);
}

#[test]
fn a_long_request_waits_while_the_engine_answers_pings_and_stops_when_stuck() {
    // df is silent (as while a real engine walks its volumes); pings keep being answered.
    let server = Server::unix(|path, _| match path {
        "/_ping" => Reply::Send(PING_OK.to_vec()),
        _ => Reply::Silent,
    });
    let engine = open(&server.host).expect("connects");
    let started = Instant::now();
    let (err, text) = failed(runtime().block_on(engine.disk_usage()));
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(3) && waited < Duration::from_secs(6),
        "waited {waited:?}"
    );
    assert!(matches!(err, EngineError::Stuck { .. }), "{err:?}");
    assert!(
        text.contains("still answers, but sent nothing for 3s (the disk usage request)"),
        "{text}"
    );
}

#[test]
fn a_long_request_stops_once_the_engine_stops_answering_pings() {
    let server = docker_then(|_, _| Reply::Silent);
    let engine = open(&server.host).expect("connects");
    let started = Instant::now();
    let (err, _) = failed(runtime().block_on(engine.disk_usage()));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "waited {:?}",
        started.elapsed()
    );
    assert!(matches!(err, EngineError::NoAnswer { .. }), "{err:?}");
}

#[test]
fn a_long_answer_that_keeps_flowing_is_never_cut() {
    // Pings go unanswered after the first: only the bytes of the answer show progress, and the
    // answer takes several times the timeout.
    let body = r#"{"LayersSize":0,"Images":[],"Containers":[],"Volumes":[],"BuildCache":[]}"#;
    let server = docker_then(move |path, _| match path {
        "/v1.41/system/df" => Reply::Trickle {
            head: b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n".to_vec(),
            body: body.as_bytes().to_vec(),
            every: Duration::from_millis(40),
        },
        _ => Reply::Silent,
    });
    let engine = open(&server.host).expect("connects");
    let started = Instant::now();
    let usage = runtime()
        .block_on(engine.disk_usage())
        .expect("the whole answer");
    assert!(started.elapsed() > Duration::from_secs(2));
    assert!(usage.images.is_empty());
}

#[test]
fn a_server_that_closes_mid_answer_is_a_lost_connection() {
    let server = docker_then(|_, _| {
        Reply::Send(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"Name\":\"half"
                .to_vec(),
        )
    });
    let engine = open(&server.host).expect("connects");
    let (err, text) = failed(runtime().block_on(engine.status()));
    assert!(matches!(err, EngineError::Transport { .. }), "{err:?}");
    assert!(
        text.starts_with("lost the connection to the engine at"),
        "{text}"
    );
}

#[test]
fn a_regular_file_where_the_socket_should_be_is_named_as_such() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("docker.sock");
    std::fs::write(&path, b"").expect("file");
    let (err, text) = failed(open(&format!("unix://{}", path.display())));
    assert!(matches!(err, EngineError::NotASocket { .. }), "{err:?}");
    assert!(
        text.contains("is a regular file, not a socket") && text.contains("remove it"),
        "{text}"
    );
    assert_eq!(err.code(), ErrorCode::EngineUnavailable);
}

fn env_with_config(dir: &Path) -> HostEnv {
    HostEnv {
        docker_config_dir: Some(dir.to_path_buf()),
        home: Some(dir.join("home")),
        ..HostEnv::default()
    }
}

fn open_default(env: &HostEnv) -> Result<Engine, EngineError> {
    runtime().block_on(Engine::open(&Selection::default(), env, &quick()))
}

/// Where the Docker CLI keeps a context's files: under the hex SHA-256 of its name.
fn context_dir(config: &Path, kind: &str, name: &str) -> std::path::PathBuf {
    use sha2::{Digest, Sha256};
    let id: String = Sha256::digest(name.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    config.join("contexts").join(kind).join(id)
}

#[test]
fn a_malformed_cli_config_names_the_file_and_how_to_get_past_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("config.json"), b"{\"auths\": {},,}").expect("config");
    let (err, text) = failed(open_default(&env_with_config(dir.path())));
    assert!(matches!(err, EngineError::Config { .. }), "{err:?}");
    assert!(
        text.contains("config.json: it is not valid JSON") && text.contains("--host"),
        "{text}"
    );
    assert_eq!(err.code(), ErrorCode::InvalidInput);
}

#[test]
fn a_malformed_context_record_names_the_context_and_how_to_make_it_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("config.json"),
        br#"{"currentContext": "broken"}"#,
    )
    .expect("config");
    let meta = context_dir(dir.path(), "meta", "broken");
    std::fs::create_dir_all(&meta).expect("mkdir");
    std::fs::write(
        meta.join("meta.json"),
        b"{\"Name\": \"broken\", \"Endpoints\": [",
    )
    .expect("meta");
    let (err, text) = failed(open_default(&env_with_config(dir.path())));
    assert!(matches!(err, EngineError::Config { .. }), "{err:?}");
    assert!(
        text.contains("meta.json: it is not a context record")
            && text.contains("`docker context rm broken`"),
        "{text}"
    );
}

#[test]
fn a_context_missing_its_tls_files_says_so_and_not_that_the_config_is_unreadable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let meta = context_dir(dir.path(), "meta", "remote");
    std::fs::create_dir_all(&meta).expect("mkdir");
    let record = r#"{"Name":"remote","Metadata":{},"Endpoints":{"docker":{"Host":"tcp://127.0.0.1:1","SkipTLSVerify":false}}}"#;
    std::fs::write(meta.join("meta.json"), record).expect("meta");
    let tls = context_dir(dir.path(), "tls", "remote").join("docker");
    std::fs::create_dir_all(&tls).expect("mkdir");
    std::fs::write(tls.join("ca.pem"), b"not used").expect("ca");
    let selection = Selection {
        host: None,
        context: Some("remote".into()),
    };
    let env = env_with_config(dir.path());
    let result = runtime().block_on(Engine::open(&selection, &env, &quick()));
    let (err, text) = failed(result);
    assert!(matches!(err, EngineError::TlsFile { .. }), "{err:?}");
    assert!(
        text.contains(&format!(
            "the TLS file {} for tcp://127.0.0.1:1 (TLS): it is missing",
            tls.join("cert.pem").display()
        )) && text.contains("`docker context update remote"),
        "{text}"
    );
    assert!(!text.contains("Docker CLI configuration"), "{text}");
    assert_eq!(err.code(), ErrorCode::InvalidInput);
}

#[test]
fn docker_tls_verify_without_certificates_points_at_docker_cert_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let env = HostEnv {
        docker_host: Some("tcp://127.0.0.1:1".into()),
        docker_tls_verify: true,
        docker_cert_path: Some(dir.path().to_path_buf()),
        ..HostEnv::default()
    };
    let (err, text) = failed(open_default(&env));
    assert!(matches!(err, EngineError::TlsFile { .. }), "{err:?}");
    assert!(
        text.contains("ca.pem for tcp://127.0.0.1:1 (TLS): it is missing")
            && text.contains("DOCKER_CERT_PATH"),
        "{text}"
    );
}
