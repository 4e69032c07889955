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
