//! `drydock review` end to end: a small project built on the throwaway engine (classic
//! builder), found again among the engine's images by its history, and reviewed: the bytes each
//! instruction wrote and later hid, the findings on their lines, and the build context's
//! secrets and what should not be sent.

mod common;

use common::{json_of, offline, on_engine as cli, succeeded};
use drydock_testkit::fixtures::{Builder, BASE};
use drydock_testkit::Dockerd;
use serde_json::Value;

const BIG: usize = 600_000;

fn dockerfile() -> String {
    format!("FROM {BASE}\nCOPY big /data/big\nRUN rm /data/big\n")
}

/// The project's files (besides the Dockerfile): a big file the image copies then deletes, a
/// secret, installed npm packages the ignore file lets through.
fn files() -> Vec<(&'static str, Vec<u8>)> {
    // Varied bytes, so no layer store can make them smaller than they are.
    let big: Vec<u8> = (0..BIG).map(|i| (i * 7 % 251) as u8).collect();
    vec![
        ("big", big),
        (".env", b"API_TOKEN=s3cr3t\n".to_vec()),
        (
            "node_modules/left-pad/index.js",
            b"module.exports = (s) => s;\n".repeat(400),
        ),
        (".dockerignore", b"*.log\n".to_vec()),
    ]
}

fn write_project(dir: &std::path::Path) {
    std::fs::write(dir.join("Dockerfile"), dockerfile()).expect("Dockerfile");
    for (path, bytes) in files() {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("dir");
        std::fs::write(file, bytes).expect("file");
    }
}

fn instruction(review: &Value, line: u64) -> &Value {
    review["instructions"]
        .as_array()
        .expect("instructions")
        .iter()
        .find(|i| i["line"] == line)
        .unwrap_or_else(|| panic!("no instruction on line {line}: {review:#}"))
}

fn paths(flagged: &Value) -> Vec<&str> {
    flagged
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect()
}

#[test]
fn the_image_built_from_the_dockerfile_is_found_and_each_line_shows_its_bytes_and_findings() {
    let engine = Dockerd::start();
    let data = tempfile::tempdir().expect("data");
    let project = tempfile::tempdir().expect("project");
    write_project(project.path());
    engine.base();
    let owned = files();
    let context: Vec<(&str, &[u8])> = owned.iter().map(|(p, b)| (*p, b.as_slice())).collect();
    let id = engine.build_in(
        "fixture/reviewed:1",
        &dockerfile(),
        &context,
        Builder::Classic,
    );
    let dir = project.path().to_str().expect("utf-8 path");

    let out = cli(&engine, data.path(), &["review", dir, "--format", "json"]);
    succeeded(&out);
    let review = json_of(&out);

    assert_eq!(review["image"]["id"], id.as_str(), "{review:#}");
    assert_ne!(review["image"]["confidence"], "none");
    let copy = instruction(&review, 2);
    let written = copy["layer_bytes"]
        .as_i64()
        .expect("the COPY's layer bytes");
    assert!(
        (BIG as i64..BIG as i64 + 64 * 1024).contains(&written),
        "COPY wrote {written}: {review:#}"
    );
    assert!(
        copy["hidden_bytes"].as_u64().expect("hidden bytes") >= BIG as u64,
        "{review:#}"
    );
    let run = instruction(&review, 3);
    let codes: Vec<&str> = run["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(codes.contains(&"cleanup-in-later-layer"), "{review:#}");
    assert!(instruction(&review, 1)["findings"]
        .as_array()
        .expect("findings")
        .is_empty());

    let context = &review["context"];
    assert_eq!(paths(&context["secrets"]), [".env"], "{review:#}");
    assert!(
        paths(&context["should_not_send"]).contains(&"node_modules"),
        "{review:#}"
    );

    // The walkthrough leads with the fix whose saving is measured: folding the `rm` into the
    // RUN before cannot apply here (a COPY wrote the file), so it says what to do instead.
    let first = &review["walkthrough"][0];
    assert_eq!(first["code"], "DD102", "{review:#}");
    assert_eq!(first["impact"], "image");
    assert!(first["saves_bytes"].as_u64().expect("saves") >= BIG as u64);
    assert!(first["why"].as_str().is_some_and(|w| !w.is_empty()));
    let context_step = review["walkthrough"]
        .as_array()
        .expect("walkthrough")
        .iter()
        .find(|s| s["id"] == "context@ignore")
        .expect("the .dockerignore step");
    assert!(context_step["diff"]
        .as_str()
        .is_some_and(|d| d.contains("+node_modules\n") && d.contains("+.env\n")));
    assert!(review["notes"].as_array().expect("notes").is_empty());

    // The people's form says the same, line by line, then the walkthrough.
    let out = cli(&engine, data.path(), &["review", dir]);
    succeeded(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("DD102"), "{text}");
    assert!(text.contains("hidden later"), "{text}");
    assert!(text.contains(".env"), "{text}");
    let walk = text
        .split("Walkthrough, most impact first:\n")
        .nth(1)
        .expect("the walkthrough");
    assert!(walk.starts_with("  1. [image size] "), "{walk}");
    assert!(
        walk.lines()
            .next()
            .is_some_and(|l| l.contains("DD102, saves 6")),
        "{walk}"
    );
    assert!(walk.contains("     +node_modules"), "{walk}");
}

#[test]
fn without_an_engine_the_dockerfile_and_its_context_are_reviewed_alone() {
    let data = tempfile::tempdir().expect("data");
    let project = tempfile::tempdir().expect("project");
    write_project(project.path());
    let dir = project.path().to_str().expect("utf-8 path");
    let out = offline(
        data.path(),
        &[
            "-H",
            "unix:///nonexistent/drydock-test.sock",
            "review",
            dir,
            "--format",
            "json",
        ],
    );
    succeeded(&out);
    let review = json_of(&out);
    assert!(review["image"].is_null());
    assert!(instruction(&review, 2)["layer_bytes"].is_null());
    assert_eq!(paths(&review["context"]["secrets"]), [".env"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no engine reachable"));
}

/// `drydock review proj` from the project's parent: the Dockerfile's path was joined onto the
/// context a second time (`proj/proj/Dockerfile`), so a relative path failed where an absolute one
/// worked.
#[test]
fn a_relative_project_path_is_reviewed_like_an_absolute_one() {
    let data = tempfile::tempdir().expect("data");
    let project = data.path().join("proj");
    std::fs::create_dir_all(&project).expect("project dir");
    write_project(&project);
    let args = |path: &'static str| {
        [
            "-H",
            "unix:///nonexistent/drydock-test.sock",
            "review",
            path,
            "--format",
            "json",
        ]
    };
    let out = offline(data.path(), &args("proj"));
    succeeded(&out);
    assert_eq!(paths(&json_of(&out)["context"]["secrets"]), [".env"]);
    let out = offline(data.path(), &args("proj/Dockerfile"));
    succeeded(&out);
    assert_eq!(paths(&json_of(&out)["context"]["secrets"]), [".env"]);
}
