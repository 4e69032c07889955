//! `drydock review --rebuild` end to end on a throwaway engine: the fixed Dockerfile built as a
//! trial, the gain printed plainly, the diff and the steps on stderr, the user's file untouched,
//! and the printed removal command removing the trial and nothing else.

mod common;

use common::{json_of, offline, on_engine as cli, succeeded};
use drydock_testkit::fixtures::BASE;
use drydock_testkit::Dockerd;

/// 3 MB written then removed by the next RUN, 1 MB copied then chown-ed in a layer of its own:
/// the two fixes save 4 MB. The CMD names an applet the fixture base links in /bin: its fix to
/// exec form runs it without busybox's shell, which finds applets no link names (`stat` ran in
/// the shell form and not in the exec form: running both images caught it).
fn dockerfile() -> String {
    format!(
        "FROM {BASE}\n\
         RUN head -c 3000000 /dev/zero > /big\n\
         RUN rm /big\n\
         COPY data.bin /data.bin\n\
         RUN chown 1:1 /data.bin\n\
         CMD ls -ln /data.bin\n"
    )
}

/// The project, built as `tag` by `docker build` from the same directory, so the files the
/// trial copies are the very files the original copied (times included).
fn project(engine: &Dockerd, tag: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let root = tempfile::tempdir().expect("temp dir");
    let dir = root.path().join("shop");
    std::fs::create_dir(&dir).expect("project dir");
    std::fs::write(dir.join("Dockerfile"), dockerfile()).expect("Dockerfile");
    std::fs::write(dir.join("data.bin"), vec![7u8; 1_000_000]).expect("data");
    let ctx = dir.to_string_lossy().into_owned();
    let mut build = engine.docker_command(&["build", "--network", "none", "-q", "-t", tag, &ctx]);
    build.env("DOCKER_BUILDKIT", "0");
    let out = build.output().expect("docker build");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (root, dir)
}

#[test]
fn rebuild_prints_the_measured_gain_and_the_removal_that_works() {
    let engine = Dockerd::start();
    engine.base();
    let data = tempfile::tempdir().expect("data");
    let (_root, dir) = project(&engine, "shop:1");
    let dir_text = dir.to_str().expect("utf-8 path");

    let out = cli(
        &engine,
        data.path(),
        &["review", dir_text, "--rebuild", "--network", "none"],
    );
    succeeded(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let result = stdout
        .lines()
        .find(|l| l.starts_with("Rebuilt with "))
        .unwrap_or_else(|| panic!("no result line:\n{stdout}\n{stderr}"));
    assert!(result.contains(" fixes as drydock-trial/shop:"), "{result}");
    assert!(result.contains("(-4 MB, -"), "{result}");
    assert!(result.contains("5 -> 3 layers"), "{result}");
    assert!(result.contains("hidden 4 MB -> 0 B"), "{result}");
    assert!(stdout.contains(
        "Remove the trial image with: drydock prune --images unused --label io.drydock.trial"
    ));
    // The diff first, then one line per step, on stderr.
    let diff_at = stderr.find("--- a/").expect("the diff");
    let step_at = stderr.find("RUN head -c 3000000").expect("a step line");
    assert!(diff_at < step_at, "{stderr}");
    assert!(
        stderr.contains("+RUN head -c 3000000 /dev/zero > /big"),
        "{stderr}"
    );
    // Never written: that is `drydock lint --fix`.
    assert_eq!(
        std::fs::read_to_string(dir.join("Dockerfile")).expect("read"),
        dockerfile()
    );
    let trial = engine.docker(&[
        "images",
        "-q",
        "--no-trunc",
        "--filter",
        "label=io.drydock.trial",
    ]);
    assert_eq!(trial.lines().count(), 1, "{trial}");
    assert_eq!(
        engine.docker(&["run", "--rm", "--network", "none", trial.trim()]),
        engine.docker(&["run", "--rm", "--network", "none", "shop:1"])
    );

    // The command it prints removes the trial, and only the trial.
    let out = cli(
        &engine,
        data.path(),
        &[
            "prune",
            "--images",
            "unused",
            "--label",
            "io.drydock.trial",
            "--yes",
        ],
    );
    succeeded(&out);
    assert!(!engine
        .try_docker(&["image", "inspect", trial.trim()])
        .status
        .success());
    assert!(engine
        .try_docker(&["image", "inspect", "shop:1"])
        .status
        .success());
    assert!(engine
        .try_docker(&["image", "inspect", BASE])
        .status
        .success());
}

#[test]
fn rebuild_in_json_nests_the_comparison_under_rebuild() {
    let engine = Dockerd::start();
    engine.base();
    let data = tempfile::tempdir().expect("data");
    let (_root, dir) = project(&engine, "shop:1");
    let dir_text = dir.to_str().expect("utf-8 path");
    let out = cli(
        &engine,
        data.path(),
        &[
            "review",
            dir_text,
            "--rebuild",
            "--network",
            "none",
            "--builder",
            "classic",
            "--format",
            "json",
        ],
    );
    succeeded(&out);
    let review = json_of(&out);
    let rebuild = &review["rebuild"];
    let saved = rebuild["saved_bytes"].as_i64().expect("saved bytes");
    assert!((3_950_000..4_050_000).contains(&saved), "{rebuild:#}");
    assert_eq!(rebuild["after"]["hidden_bytes"], 0, "{rebuild:#}");
    assert_eq!(rebuild["before"]["image"], review["image"]["id"]);
    assert!(rebuild["trial_tag"]
        .as_str()
        .is_some_and(|t| t.starts_with("drydock-trial/shop:")));
    assert_eq!(rebuild["before_trial_tag"], serde_json::Value::Null);
    assert!(rebuild["summary"]
        .as_str()
        .is_some_and(|s| s.starts_with("-4 MB, -")));
    // The review itself is there as before.
    assert!(review["instructions"].is_array());
}

#[test]
fn rebuild_without_an_engine_is_an_engine_error() {
    let data = tempfile::tempdir().expect("data");
    std::fs::write(data.path().join("Dockerfile"), dockerfile()).expect("Dockerfile");
    let out = offline(
        data.path(),
        &[
            "-H",
            "unix:///nonexistent/drydock-test.sock",
            "review",
            ".",
            "--rebuild",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn rebuild_counts_the_vulnerabilities_of_both_images_when_there_is_a_database() {
    let engine = Dockerd::start();
    engine.base();
    let data = tempfile::tempdir().expect("data");
    let secdb = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../advisories/tests/data/alpine-v3.17-main.json");
    succeeded(&offline(
        data.path(),
        &["db", "import", secdb.to_str().expect("utf-8 path")],
    ));
    // An Alpine package database with an OpenSSL that has known vulnerabilities, and a cleanup
    // in a later layer for the fix to fold in: the fix saves bytes, not vulnerabilities.
    let root = tempfile::tempdir().expect("temp dir");
    let dir = root.path().join("api");
    std::fs::create_dir(&dir).expect("project dir");
    std::fs::write(
        dir.join("Dockerfile"),
        format!(
            "FROM {BASE}\nCOPY alpine-release os-release /etc/\nCOPY installed /lib/apk/db/installed\n\
             RUN head -c 2000000 /dev/zero > /big\nRUN rm /big\n"
        ),
    )
    .expect("Dockerfile");
    std::fs::write(dir.join("alpine-release"), "3.17.2\n").expect("release");
    std::fs::write(
        dir.join("os-release"),
        "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.17.2\n",
    )
    .expect("os-release");
    std::fs::write(
        dir.join("installed"),
        "P:libcrypto3\nV:3.0.7-r0\nA:x86_64\no:openssl\n\n",
    )
    .expect("installed");
    let ctx = dir.to_string_lossy().into_owned();
    let mut build =
        engine.docker_command(&["build", "--network", "none", "-q", "-t", "api:1", &ctx]);
    build.env("DOCKER_BUILDKIT", "0");
    assert!(build.output().expect("docker build").status.success());

    let out = cli(
        &engine,
        data.path(),
        &[
            "review",
            &ctx,
            "--rebuild",
            "--network",
            "none",
            "--format",
            "json",
        ],
    );
    succeeded(&out);
    let rebuild = &json_of(&out)["rebuild"];
    let before = rebuild["before"]["vulnerabilities"]
        .as_u64()
        .expect("counted");
    assert!(before > 0, "{rebuild:#}");
    assert_eq!(rebuild["after"]["vulnerabilities"].as_u64(), Some(before));
    let saved = rebuild["saved_bytes"].as_i64().expect("saved bytes");
    assert!((1_950_000..2_050_000).contains(&saved), "{rebuild:#}");
}
