//! `drydock prune --volumes NAME`: volumes go only by name, so a name that matches no volume is
//! a mistake to report, never a plan that quietly does less than asked.

mod common;

use common::drydock;
use drydock_testkit::Dockerd;

fn prune(engine: &Dockerd, data: &std::path::Path, args: &[&str]) -> std::process::Output {
    drydock()
        .arg("-H")
        .arg(engine.host())
        .env("DRYDOCK_DATA_DIR", data)
        .arg("prune")
        .args(args)
        .output()
        .expect("run drydock")
}

#[test]
fn a_volume_name_that_matches_no_volume_says_so_exits_2_and_removes_nothing() {
    let engine = Dockerd::start();
    engine.docker(&["volume", "create", "kept-data"]);
    let data = tempfile::tempdir().expect("data");

    let out = prune(
        &engine,
        data.path(),
        &["--volumes", "no-such-data", "--dry-run", "--format", "json"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with(
            "error: --volumes: no volume is called \"no-such-data\" on this engine\n  fix: "
        ),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "no plan for scripts to act on");

    // With a real name beside it, the real one stays too: the command as given is a mistake.
    let out = prune(
        &engine,
        data.path(),
        &["--volumes", "kept-data", "no-such-data", "--yes"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(engine
        .try_docker(&["volume", "inspect", "kept-data"])
        .status
        .success());
}
