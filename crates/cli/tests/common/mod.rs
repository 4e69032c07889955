//! What every CLI test needs: the real `drydock` binary, isolated from the developer's setup.

use assert_cmd::Command;

/// The `drydock` binary with no engine settings from the environment: the developer's own
/// engine (and data directory) must never leak into a test.
pub fn drydock() -> Command {
    let mut cmd = Command::cargo_bin("drydock").expect("drydock binary");
    for var in [
        "DOCKER_HOST",
        "DOCKER_CONTEXT",
        "DOCKER_CONFIG",
        "DOCKER_TLS_VERIFY",
        "DOCKER_CERT_PATH",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("RUST_BACKTRACE", "1");
    // Never the developer's journal or quarantine: tests that read them set their own.
    cmd.env(
        "DRYDOCK_DATA_DIR",
        std::env::temp_dir().join(format!("drydock-cli-test-{}", std::process::id())),
    );
    cmd
}

/// `drydock -H <engine> ARGS` with its data in `data`, run to the end.
#[allow(dead_code)] // not every test binary talks to an engine
pub fn on_engine(
    engine: &drydock_testkit::Dockerd,
    data: &std::path::Path,
    args: &[&str],
) -> std::process::Output {
    drydock()
        .arg("-H")
        .arg(engine.host())
        .env("DRYDOCK_DATA_DIR", data)
        .current_dir(data)
        .args(args)
        .output()
        .expect("run drydock")
}

/// `drydock ARGS` with no engine and its data in `data`, run from `data`, to the end.
#[allow(dead_code)]
pub fn offline(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    drydock()
        .env("DRYDOCK_DATA_DIR", data)
        .current_dir(data)
        .args(args)
        .output()
        .expect("run drydock")
}

/// stdout as JSON, or a panic that shows what came instead.
#[allow(dead_code)]
pub fn json_of(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Asserts the run succeeded, showing its stderr if not.
#[allow(dead_code)]
pub fn succeeded(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
}
