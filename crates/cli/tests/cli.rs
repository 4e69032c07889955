//! The real `drydock` binary against a throwaway engine: output contracts, errors, exit codes.

mod common;

use assert_cmd::Command;
use common::drydock;
use drydock_testkit::fixtures::{Builder, InventoryHost, BASE};
use drydock_testkit::Dockerd;
use serde_json::Value;
use std::process::Stdio;

/// Runs drydock against `engine`, expecting success; returns stdout.
fn stdout_of(engine: &Dockerd, args: &[&str]) -> String {
    let out = drydock()
        .arg("-H")
        .arg(engine.host())
        .args(args)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "drydock {args:?}: {stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(engine: &Dockerd, args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.extend(["--format", "json"]);
    serde_json::from_str(&stdout_of(engine, &args)).expect("valid JSON")
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
    k.sort();
    k
}

/// Replaces what changes between runs (ids, dates, temp paths) with placeholders of the same
/// width, so snapshots keep the real layout.
fn stable(text: &str, engine: &Dockerd) -> String {
    let text = text.replace(&engine.host(), "unix://<engine>");
    let text = text.replace(&engine.data_root().display().to_string(), "<data-root>");
    let mut out = String::new();
    for line in text.lines() {
        let words: Vec<&str> = line
            .split(' ')
            .map(|w| {
                let is_hex = w.len() == 12 && w.chars().all(|c| c.is_ascii_hexdigit());
                let is_date = w.len() == 10 && w.starts_with("20") && w.matches('-').count() == 2;
                let is_time = w.len() == 5 && w.as_bytes()[2] == b':';
                match (is_hex, is_date, is_time) {
                    (true, _, _) => "<image-id>  ",
                    (_, true, _) => "YYYY-MM-DD",
                    (_, _, true) => "hh:mm",
                    _ => w,
                }
            })
            .collect();
        out.push_str(&words.join(" "));
        out.push('\n');
    }
    out
}

#[test]
fn images_df_and_history_keep_their_json_contracts() {
    let engine = Dockerd::start();
    let host = InventoryHost::create(&engine);

    let images = json(&engine, &["images"]);
    let list = images.as_array().expect("array");
    assert_eq!(list.len(), 8);
    assert_eq!(
        keys(&list[0]),
        [
            "containers",
            "created",
            "dangling",
            "digests",
            "id",
            "shared_size",
            "size",
            "tags",
            "unique_size"
        ]
    );
    let dangling = list
        .iter()
        .find(|i| i["id"] == host.dangling.as_str())
        .expect("dangling listed");
    assert_eq!(dangling["tags"], serde_json::json!([]));
    assert_eq!(dangling["dangling"], true);
    assert!(list
        .iter()
        .all(|i| i["id"].as_str().is_some_and(|id| id.starts_with("sha256:"))));
    assert!(list
        .iter()
        .all(|i| chrono_like(i["created"].as_str().expect("created"))));

    let df = json(&engine, &["df"]);
    assert_eq!(
        keys(&df),
        ["build_cache", "containers", "host", "images", "volumes"]
    );
    for kind in ["images", "containers", "volumes", "build_cache"] {
        assert_eq!(
            keys(&df[kind]),
            ["active", "count", "reclaimable", "size"],
            "{kind}"
        );
    }
    assert_eq!(df["containers"]["reclaimable"], 70_000);
    assert_eq!(df["volumes"]["reclaimable"], 40_000);
    assert_eq!(
        df["host"]["data_root"],
        engine.data_root().display().to_string()
    );
    assert!(
        df["host"]["total"].as_u64().expect("total") >= df["host"]["free"].as_u64().expect("free")
    );

    let history = json(&engine, &["history", "drydock-fixture/leaf-used:1"]);
    let steps = history.as_array().expect("array");
    assert_eq!(
        keys(&steps[0]),
        [
            "comment",
            "created",
            "created_by",
            "empty_layer",
            "id",
            "size",
            "tags"
        ]
    );
    assert_eq!(steps[0]["id"], host.leaf_used.as_str());
    assert!(
        steps[0]["created_by"]
            .as_str()
            .expect("text")
            .starts_with("/bin/sh -c "),
        "unchanged engine text"
    );
}

fn chrono_like(text: &str) -> bool {
    text.len() == 20 && text.ends_with('Z') && text.as_bytes()[10] == b'T'
}

#[test]
fn tables_read_well() {
    let engine = Dockerd::start();
    engine.base();
    // Creation times have one-second resolution and the table orders by them: without this
    // pause both images may share a second and their order would fall to their random ids.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    engine.build(
        "drydock-fixture/app:1",
        &format!("FROM {BASE}\nRUN head -c 100000 /dev/zero > /payload\nENV MODE=production\nRUN mkdir /srv\n"),
        Builder::Classic,
    );
    let run = |args: &[&str]| stable(&stdout_of(&engine, args), &engine);
    insta::assert_snapshot!("history_table", run(&["history", "drydock-fixture/app:1"]));
    insta::assert_snapshot!("images_table", run(&["images"]));
    let df = run(&["df"]);
    let df_table: String = df.lines().take(5).map(|l| format!("{l}\n")).collect();
    insta::assert_snapshot!("df_table", df_table);
    assert!(df.contains("Host disk holding <data-root>"), "{df}");
}

#[test]
fn engines_lists_candidates_and_marks_the_one_in_use() {
    let engine = Dockerd::start();
    let home = tempfile::tempdir().expect("home");
    let out = drydock()
        .env("HOME", home.path())
        .env_remove("XDG_RUNTIME_DIR")
        .arg("-H")
        .arg(engine.host())
        .args(["engines", "--format", "json"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Value = serde_json::from_slice(&out.stdout).expect("json");
    let rows = rows.as_array().expect("array");
    assert_eq!(rows[0]["source"], "--host");
    assert_eq!(rows[0]["chosen"], true);
    assert_eq!(rows[0]["api_version"], "1.41");
    assert!(rows.iter().skip(1).all(|r| r["chosen"] == false));
    assert!(
        rows.iter().any(|r| r["source"] == "Docker Desktop"),
        "defaults are listed too"
    );
}

/// Runs drydock expecting exit 2 with a one-line-headed error and no panic.
fn expect_error(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("stack backtrace"),
        "{stderr}"
    );
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    stderr
}

#[test]
fn engine_errors_name_the_cause_and_the_fix() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = format!("unix://{}/missing.sock", dir.path().display());
    let stderr = expect_error(drydock().args(["-H", &missing, "images"]));
    assert!(
        stderr.contains("no Docker engine found")
            && stderr.contains("missing.sock")
            && stderr.contains("fix:"),
        "{stderr}"
    );

    let dead = dir.path().join("dead.sock");
    drop(std::os::unix::net::UnixListener::bind(&dead).expect("bind"));
    let stderr = expect_error(drydock().args(["-H", &format!("unix://{}", dead.display()), "df"]));
    assert!(
        stderr.contains("no engine is listening") && stderr.contains("fix: start the engine"),
        "{stderr}"
    );

    let silent = dir.path().join("silent.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&silent).expect("bind");
    let stderr = expect_error(drydock().args([
        "-H",
        &format!("unix://{}", silent.display()),
        "--timeout",
        "0.5",
        "images",
    ]));
    assert!(
        stderr.contains("did not answer within 0.5s") && stderr.contains("--timeout"),
        "{stderr}"
    );

    let stderr = expect_error(drydock().args(["-H", "ftp://example", "images"]));
    assert!(stderr.contains("invalid engine address"), "{stderr}");

    let stderr = expect_error(
        drydock()
            .env("DOCKER_HOST", "ssh://user@build-host")
            .arg("images"),
    );
    assert!(
        stderr.contains("ssh") && stderr.contains("ssh -nNT -L"),
        "{stderr}"
    );

    let stderr =
        expect_error(
            drydock()
                .env("HOME", dir.path())
                .args(["--context", "staging", "images"]),
        );
    assert!(stderr.contains("context \"staging\" not found"), "{stderr}");
}

#[test]
fn permission_denied_suggests_the_docker_group() {
    // Root passes every permission check, so ask as an unprivileged user (the tests run as root).
    let engine = Dockerd::start();
    let runuser = ["/usr/sbin/runuser", "/sbin/runuser"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    let Some(runuser) = runuser else {
        panic!("runuser (util-linux) is needed to test permission errors as an unprivileged user");
    };
    // The build directory may sit under root's home, out of `nobody`'s reach: run a copy.
    let shelf = tempfile::tempdir().expect("tempdir");
    let bin = shelf.path().join("drydock");
    std::fs::copy(assert_cmd::cargo::cargo_bin("drydock"), &bin).expect("copy drydock");
    for path in [shelf.path(), bin.as_path()] {
        std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .expect("chmod");
    }
    let out = std::process::Command::new(runuser)
        .args(["-u", "nobody", "--"])
        .arg(&bin)
        .arg("-H")
        .arg(engine.host())
        .arg("images")
        .env_remove("DOCKER_HOST")
        .output()
        .expect("runuser");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    // The socket's directory or the socket itself refuses `nobody`: either way the fix is the same.
    assert!(
        stderr.contains("permission denied") && stderr.contains("docker group"),
        "expected a permission error, got: {stderr}"
    );
}

#[test]
fn history_of_a_missing_image_is_a_clear_error() {
    let engine = Dockerd::start();
    let stderr = expect_error(
        drydock()
            .arg("-H")
            .arg(engine.host())
            .args(["history", "nope:404"]),
    );
    assert!(stderr.contains("No such image: nope:404"), "{stderr}");
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let engine = Dockerd::start();
    engine.base();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("drydock"))
        .arg("-H")
        .arg(engine.host())
        .arg("images")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take()); // the reader goes away, as `| head -0` would
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}
