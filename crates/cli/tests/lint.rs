//! `drydock lint` and `drydock rule`, the real binary on Dockerfiles in temporary directories:
//! exit codes, every output format (snapshots), configuration and pragmas end to end, file
//! discovery, and hostile input. No engine is involved.
//!
//! Rules keep being added, so findings are selected with `--rule` (by name) wherever the
//! exact output matters: a new rule must not change these snapshots.

mod common;

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;
use tempfile::TempDir;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn drydock(dir: &Path) -> Command {
    let mut cmd = common::drydock();
    cmd.current_dir(dir);
    cmd
}

/// `drydock lint ARGS` in `dir`.
fn run_in(dir: &Path, args: &[&str]) -> Run {
    finish(drydock(dir).arg("lint").args(args))
}

/// `drydock lint ARGS` in `dir`, with `stdin` piped in.
fn run_stdin(dir: &Path, args: &[&str], stdin: &str) -> Run {
    finish(drydock(dir).arg("lint").args(args).write_stdin(stdin))
}

/// `drydock ARGS` in `dir`.
fn raw(dir: &Path, args: &[&str]) -> Run {
    finish(drydock(dir).args(args))
}

fn finish(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("run drydock");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A temporary project holding `files` (path, content).
fn project(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, text) in files {
        let path = dir.path().join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, text).expect("write");
    }
    dir
}

fn json(run: &Run) -> Vec<Value> {
    match serde_json::from_str(&run.stdout) {
        Ok(Value::Array(items)) => items,
        other => panic!("not a JSON array: {other:?}\n{}", run.stdout),
    }
}

/// (code, line) of each finding.
fn hits(run: &Run) -> Vec<(String, u64)> {
    json(run)
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

const LATEST: &[&str] = &["--rule", "latest-base-image"];

/// The project every format is snapshotted on: a config with an override and a typo, a
/// pragma, a parse error, and two files.
fn sample() -> TempDir {
    project(&[
        (
            "Dockerfile",
            "# syntax=docker/dockerfile:1\nFROM python:latest AS build\nRUN pip install -r requirements.txt\n# hadolint ignore=DL3007\nFROM node:latest\nFROM alpine:3.20\nCOPY --from=build /app /app\n",
        ),
        (
            "api/Dockerfile.dev",
            "FROM registry.example.com:5000/team/api:latest\nFOO bar\n",
        ),
        (
            ".hadolint.yaml",
            "override:\n  error:\n    - latest-base-image\nignored:\n  - latest-base-imag\n",
        ),
    ])
}

#[test]
fn tty_shows_each_finding_with_its_line_underlined() {
    let dir = sample();
    let run = run_in(dir.path(), LATEST);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        !run.stdout.contains('\x1b'),
        "no colour when not a terminal"
    );
    insta::assert_snapshot!("lint_tty", run.stdout);
}

#[test]
fn json_uses_hadolints_keys_and_drydocks_only() {
    let dir = sample();
    let run = run_in(dir.path(), &[LATEST, &["--format", "json"]].concat());
    assert_eq!(run.code, 1, "{}", run.stderr);
    for finding in json(&run) {
        let mut keys: Vec<&str> = finding
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "code", "column", "end_line", "file", "fix", "hadolint", "level", "line",
                "message", "rule"
            ]
        );
    }
    insta::assert_snapshot!("lint_json", run.stdout);
}

#[test]
fn checkstyle_is_well_formed_and_lists_every_file() {
    let dir = sample();
    let run = run_in(dir.path(), &[LATEST, &["--format", "checkstyle"]].concat());
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc = roxmltree::Document::parse(&run.stdout).expect("well-formed XML");
    let files: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("file"))
        .filter_map(|n| n.attribute("name"))
        .collect();
    assert_eq!(
        files,
        [".hadolint.yaml", "Dockerfile", "api/Dockerfile.dev"]
    );
    insta::assert_snapshot!("lint_checkstyle", run.stdout);
}

#[test]
fn sarif_snapshot() {
    let dir = sample();
    let run = run_in(dir.path(), &[LATEST, &["--format", "sarif"]].concat());
    assert_eq!(run.code, 1, "{}", run.stderr);
    let stdout = run.stdout.replace(env!("CARGO_PKG_VERSION"), "<version>");
    insta::assert_snapshot!("lint_sarif", stdout);
}

// ---- SARIF against the official schema ----

fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json"),
    )
    .expect("vendored schema");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}

fn assert_valid_sarif(validator: &jsonschema::Validator, text: &str) -> Value {
    let log: Value = serde_json::from_str(text).expect("SARIF is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "invalid SARIF:\n{}\n{text}",
        errors.join("\n")
    );
    log
}

#[test]
fn sarif_marks_a_rule_that_is_off_by_default() {
    let validator = sarif_validator();
    let dir = project(&[("Dockerfile", "FROM alpine:3.20\nCMD [\"true\"]\n")]);
    // missing-healthcheck (DL3057) runs only when asked for, as in hadolint.
    let run = run_in(
        dir.path(),
        &[
            "--format",
            "sarif",
            "--no-fail",
            "--rule",
            "missing-healthcheck",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let log = assert_valid_sarif(&validator, &run.stdout);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let rule = rules
        .iter()
        .find(|r| r["name"] == "missing-healthcheck")
        .expect("the rule that fired");
    assert_eq!(rule["defaultConfiguration"]["enabled"], false, "{rule}");
    assert!(rules
        .iter()
        .filter(|r| r["name"] != "missing-healthcheck")
        .all(|r| r["defaultConfiguration"].get("enabled").is_none()));
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let validator = sarif_validator();
    // The validator really checks: a result with hadolint's level name is rejected.
    let broken = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"level":"info"}]}]}"#;
    assert!(!validator.is_valid(&serde_json::from_str(broken).expect("json")));

    // Every kind of finding: rules at each level, parse errors, config and pragma findings,
    // paths that need encoding, and all rules at once.
    let dir = project(&[
        (
            "Dockerfile",
            "FROM python:latest\nFOO bar\n# hadolint ignore=nope\nRUN apt-get install curl\n",
        ),
        ("my dir/a:b.Dockerfile", "FROM node:latest\nCOPY . .\n"),
        (
            ".drydock.yaml",
            "ignored: [not-a-rule]\noverride:\n  style: [latest-base-image]\n",
        ),
    ]);
    let run = run_in(dir.path(), &["--format", "sarif", "--no-fail"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let log = assert_valid_sarif(&validator, &run.stdout);
    let results = log["runs"][0]["results"].as_array().expect("results");
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    for result in results {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"], "{result}");
    }
    let uris: Vec<&str> = results
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(uris.contains(&"my%20dir/a%3Ab.Dockerfile"), "{uris:?}");
    assert!(uris.contains(&".drydock.yaml"), "{uris:?}");
    let levels: Vec<&str> = results.iter().filter_map(|r| r["level"].as_str()).collect();
    assert!(
        levels.contains(&"note") && levels.contains(&"error"),
        "{levels:?}"
    );

    // No findings, and an absolute path.
    let clean = dir.path().join("clean/Dockerfile");
    std::fs::create_dir_all(clean.parent().expect("parent")).expect("mkdir");
    std::fs::write(&clean, "FROM alpine:3.20\n").expect("write");
    let run = run_in(
        Path::new("/"),
        &[
            LATEST,
            &["--format", "sarif", clean.to_str().expect("utf-8")],
        ]
        .concat(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_valid_sarif(&validator, &run.stdout);
    std::fs::write(&clean, "FROM alpine:latest\n").expect("write");
    let run = run_in(
        Path::new("/"),
        &[
            LATEST,
            &["--format", "sarif", clean.to_str().expect("utf-8")],
        ]
        .concat(),
    );
    let log = assert_valid_sarif(&validator, &run.stdout);
    let uri = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert!(
        uri.as_str().is_some_and(|u| u.starts_with("file:///")),
        "{uri}"
    );

    // Every rule on hundreds of real Dockerfiles, when the shared corpus is on this machine.
    let corpus = Path::new("/work/shared/corpus/dockerfiles");
    if corpus.is_dir() {
        let run = run_in(corpus, &["--format", "sarif", "--no-fail"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let log = assert_valid_sarif(&validator, &run.stdout);
        let results = log["runs"][0]["results"].as_array().map_or(0, Vec::len);
        assert!(results > 100, "{results} results");
    }
}

// ---- exit codes ----

#[test]
fn exit_codes_say_clean_findings_or_error() {
    let dir = project(&[
        ("clean/Dockerfile", "FROM alpine:3.20\n"),
        ("dirty/Dockerfile", "FROM alpine:latest\n"),
        ("empty/README.md", "nothing here\n"),
    ]);
    let clean = run_in(dir.path(), &[LATEST, &["clean"]].concat());
    assert_eq!(clean.code, 0, "{}", clean.stderr);
    assert_eq!(clean.stdout, "1 file checked, no findings\n");
    assert_eq!(run_in(dir.path(), &[LATEST, &["dirty"]].concat()).code, 1);

    let missing = run_in(dir.path(), &["nope/Dockerfile"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .starts_with("error: cannot read nope/Dockerfile"),
        "{}",
        missing.stderr
    );
    assert!(missing.stderr.contains("fix:"), "{}", missing.stderr);
    assert!(
        missing.stdout.is_empty(),
        "nothing half printed: {}",
        missing.stdout
    );

    let empty = run_in(dir.path(), &["empty"]);
    assert_eq!(empty.code, 2);
    assert!(
        empty.stderr.contains("no Dockerfile under empty"),
        "{}",
        empty.stderr
    );

    // One bad path fails the run before anything is printed.
    let mixed = run_in(dir.path(), &["dirty", "nope"]);
    assert_eq!((mixed.code, mixed.stdout.as_str()), (2, ""));
}

#[test]
fn no_path_lints_the_current_directory_and_an_empty_one_is_not_an_error() {
    let dir = project(&[("Dockerfile", "FROM alpine:latest\n")]);
    let run = run_in(dir.path(), &[LATEST, &["--format", "json"]].concat());
    assert_eq!(hits(&run), [("DD301".to_string(), 1)]);
    assert_eq!(json(&run)[0]["file"], "Dockerfile");

    let empty = project(&[("README.md", "x\n")]);
    let run = run_in(empty.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("note: no Dockerfile"), "{}", run.stderr);
    assert_eq!(run.stdout, "0 files checked, no findings\n");
}

#[test]
fn bad_configs_are_usage_errors() {
    let dir = project(&[
        ("Dockerfile", "FROM alpine:3.20\n"),
        (".hadolint.yaml", "ignore: [DL3007]\n"),
    ]);
    let run = run_in(dir.path(), &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains(".hadolint.yaml is not a valid lint configuration"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("fix:"), "{}", run.stderr);

    let run = run_in(dir.path(), &["--config", "missing.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read missing.yaml"),
        "{}",
        run.stderr
    );

    std::fs::write(dir.path().join("bad.yaml"), "failure-threshold: loud\n").expect("write");
    let run = run_in(dir.path(), &["--config", "bad.yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("`loud`"), "{}", run.stderr);
}

#[test]
fn unknown_rule_names_on_the_command_line_suggest_the_closest() {
    let dir = project(&[("Dockerfile", "FROM alpine:3.20\n")]);
    let run = run_in(dir.path(), &["--rule", "latest-base-imag"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("lint_unknown_rule", run.stderr);
    // hadolint codes Drydock has no rule for may be ignored (hadolint scripts carry them).
    assert_eq!(
        run_in(dir.path(), &["--ignore", "DL3059", "--rule", "DD301"]).code,
        0
    );
    assert_eq!(run_in(dir.path(), &["--ignore", "nonsense"]).code, 2);
    // `drydock lint --format` is checked by clap, with its usage code.
    assert_eq!(run_in(dir.path(), &["--format", "xml"]).code, 2);
}

// ---- threshold ----

#[test]
fn the_failure_threshold_decides_the_exit_code() {
    let dir = project(&[("Dockerfile", "FROM alpine:latest\n")]);
    let code = |args: &[&str]| run_in(dir.path(), &[LATEST, args].concat()).code;
    // DD301 is a warning; hadolint's default threshold is info.
    assert_eq!(code(&[]), 1);
    assert_eq!(code(&["--failure-threshold", "warning"]), 1);
    assert_eq!(code(&["--failure-threshold", "error"]), 0);
    assert_eq!(code(&["--failure-threshold", "none"]), 0);
    assert_eq!(code(&["--failure-threshold", "ignore"]), 0);
    assert_eq!(code(&["--no-fail"]), 0);
    let no_fail = run_in(dir.path(), &[LATEST, &["--no-fail"]].concat());
    assert!(no_fail.stdout.contains("DD301"), "findings still shown");

    std::fs::write(
        dir.path().join(".hadolint.yaml"),
        "failure-threshold: error\n",
    )
    .expect("write");
    assert_eq!(code(&[]), 0);
    // The flag wins over the config.
    assert_eq!(code(&["--failure-threshold", "style"]), 1);
}

// ---- configuration and pragmas ----

#[test]
fn config_ignored_override_and_trusted_registries_apply() {
    let dir = project(&[(
        "Dockerfile",
        "FROM alpine:latest\nFROM quay.io/team/tool:1.0\n",
    )]);
    let config =
        |text: &str| std::fs::write(dir.path().join(".hadolint.yaml"), text).expect("write");
    let lint = || {
        run_in(
            dir.path(),
            &[
                "--format",
                "json",
                "--no-fail",
                "--rule",
                "latest-base-image",
                "--rule",
                "untrusted-registry",
            ],
        )
    };

    config("");
    assert_eq!(
        hits(&lint()),
        [("DD301".to_string(), 1)],
        "no trusted list: any registry"
    );

    config("ignored: [DL3007]\ntrustedRegistries: [docker.io]\n");
    let run = lint();
    assert_eq!(hits(&run), [("DD207".to_string(), 2)]);
    assert_eq!(json(&run)[0]["level"], "error");

    config("override:\n  info: [untrusted-registry, DL3007]\ntrustedRegistries:\n  - docker.io\n  - quay.io\n");
    let run = lint();
    assert_eq!(hits(&run), [("DD301".to_string(), 1)]);
    assert_eq!(json(&run)[0]["level"], "info");

    // --ignore adds to the config's list; --trusted-registry to its registries.
    config("trustedRegistries: [docker.io]\n");
    let run = run_in(
        dir.path(),
        &[
            "--format",
            "json",
            "--rule",
            "DD301",
            "--rule",
            "DD207",
            "--ignore",
            "latest-base-image",
            "--trusted-registry",
            "quay.io",
        ],
    );
    assert_eq!((run.code, hits(&run)), (0, vec![]));
}

#[test]
fn label_schema_and_strict_labels_come_from_config_and_flags() {
    let dir = project(&[(
        "Dockerfile",
        "FROM alpine:3.20\nLABEL maintainer=\"Ops <ops@example.com>\" team=ops\nHEALTHCHECK NONE\n",
    )]);
    let config =
        |text: &str| std::fs::write(dir.path().join(".hadolint.yaml"), text).expect("write");
    let lint = |extra: &[&str]| {
        run_in(
            dir.path(),
            &[&["--format", "json", "--no-fail"], extra].concat(),
        )
    };
    let labels = |run: &Run| -> Vec<(String, u64)> {
        let mut found: Vec<_> = hits(run)
            .into_iter()
            .filter(|(code, _)| code.starts_with("DD9") || code == "DD550")
            .collect();
        found.sort();
        found
    };

    config("");
    assert_eq!(labels(&lint(&[])), [], "no schema: only key checks");

    config("label-schema:\n  maintainer: email\n  org.opencontainers.image.version: semver\nstrict-labels: true\n");
    assert_eq!(
        labels(&lint(&[])),
        [
            ("DD902".to_string(), 1),
            ("DD903".to_string(), 2),
            ("DD910".to_string(), 2)
        ]
    );

    // The flags add to the config's schema and turn strict labels on.
    config("");
    let run = lint(&[
        "--require-label",
        "team:text",
        "--require-label",
        "maintainer:email",
    ]);
    assert_eq!(labels(&run), [("DD910".to_string(), 2)], "{}", run.stderr);
    let run = lint(&["--require-label", "maintainer:text", "--strict-labels"]);
    assert_eq!(labels(&run), [("DD903".to_string(), 2)]);

    // missing-healthcheck is off until asked for.
    std::fs::write(dir.path().join("Dockerfile"), "FROM alpine:3.20\n").expect("write");
    assert_eq!(labels(&lint(&[])), []);
    assert_eq!(
        labels(&lint(&["--rule", "DL3057"])),
        [("DD550".to_string(), 1)]
    );

    let bad = lint(&["--require-label", "maintainer:name"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("semver"), "{}", bad.stderr);
    config("label-schema: {maintainer: name}\n");
    assert_eq!(lint(&[]).code, 2);
}

#[test]
fn an_explicit_config_replaces_discovery() {
    let dir = project(&[
        ("Dockerfile", "FROM alpine:latest\n"),
        (".hadolint.yaml", "ignored: [DL3007]\n"),
        ("ci/strict.yaml", "override:\n  error: [DL3007]\n"),
    ]);
    let run = run_in(dir.path(), &[LATEST, &["--format", "json"]].concat());
    assert_eq!(hits(&run), []);
    let run = run_in(
        dir.path(),
        &[LATEST, &["--format", "json", "--config", "ci/strict.yaml"]].concat(),
    );
    assert_eq!(json(&run)[0]["level"], "error");
}

#[test]
fn pragmas_suppress_the_next_instruction_or_the_whole_file() {
    let dir = project(&[(
        "Dockerfile",
        "# hadolint ignore=DL3007\nFROM alpine:latest\nFROM node:latest\n",
    )]);
    let run = run_in(dir.path(), &[LATEST, &["--format", "json"]].concat());
    assert_eq!(hits(&run), [("DD301".to_string(), 3)]);

    std::fs::write(
        dir.path().join("Dockerfile"),
        "# hadolint global ignore=DL3007\nFROM alpine:latest\n# drydock ignore=latest-base-image\nFROM node:latest\n",
    )
    .expect("write");
    let run = run_in(dir.path(), &[LATEST, &["--format", "json"]].concat());
    assert_eq!((run.code, hits(&run)), (0, vec![]), "{}", run.stdout);

    // A pragma with nothing to suppress is reported as style: below the default threshold, so
    // a stale pragma is noticed without failing the run, unless the threshold asks for style.
    std::fs::write(
        dir.path().join("Dockerfile"),
        "# hadolint ignore=DL3007\nFROM alpine:3.20\n",
    )
    .expect("write");
    let run = run_in(dir.path(), &[LATEST, &["--format", "json"]].concat());
    assert_eq!(hits(&run), [("unused-suppression".to_string(), 1)]);
    assert_eq!(json(&run)[0]["level"], "style");
    assert_eq!(run.code, 0);
    let strict = run_in(
        dir.path(),
        &[
            LATEST,
            &["--format", "json", "--failure-threshold", "style"],
        ]
        .concat(),
    );
    assert_eq!(strict.code, 1);
}

#[test]
fn unknown_and_unused_suppressions_are_reported_where_they_are_written() {
    let dir = project(&[
        (
            "Dockerfile",
            "FROM alpine:3.20\n# hadolint ignore=DL3007,latest-bass-image\nRUN echo hi\n",
        ),
        (
            ".hadolint.yaml",
            "ignored:\n  - DL3008\n  - no-such-rule\noverride:\n  warning: [DD999]\n",
        ),
    ]);
    let run = run_in(dir.path(), &[LATEST, &["--format", "json"]].concat());
    let found: Vec<(String, String, u64, u64)> = json(&run)
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap_or_default().to_string(),
                f["code"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
                f["column"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    let expected =
        |file: &str, code: &str, line, column| (file.to_string(), code.to_string(), line, column);
    let dl3008_known = raw(dir.path(), &["rule", "DL3008"]).code == 0;
    let mut want = Vec::new();
    if !dl3008_known {
        want.push(expected(".hadolint.yaml", "unknown-suppression", 2, 5));
    }
    want.extend([
        expected(".hadolint.yaml", "unknown-suppression", 3, 5),
        expected(".hadolint.yaml", "unknown-suppression", 5, 13),
        expected("Dockerfile", "unknown-suppression", 2, 1),
        expected("Dockerfile", "unused-suppression", 2, 1),
    ]);
    assert_eq!(found, want, "{}", run.stdout);

    // Suppression findings can themselves be ignored, as a hadolint config full of codes
    // Drydock lacks would otherwise fail every run.
    std::fs::write(
        dir.path().join(".hadolint.yaml"),
        "ignored: [DL3008, no-such-rule, unknown-suppression, unused-suppression]\n",
    )
    .expect("write");
    let run = run_in(dir.path(), &[LATEST, &["--format", "json"]].concat());
    assert_eq!((run.code, hits(&run)), (0, vec![]));
}

// ---- files ----

#[test]
fn directories_are_searched_for_dockerfiles_skipping_vcs_dependencies_and_hidden_dirs() {
    let from = "FROM alpine:latest\n";
    let dir = project(&[
        ("Dockerfile", from),
        ("api/Dockerfile.dev", from),
        ("web/app.Dockerfile", from),
        ("tools/Containerfile", from),
        ("tools/Containerfile.ci", from),
        ("docs/README.md", "FROM is not here\n"),
        ("Dockerfile.dockerignore", "node_modules\n"),
        (".git/Dockerfile", from),
        (".hidden/Dockerfile", from),
        ("node_modules/pkg/Dockerfile", from),
        ("target/Dockerfile", from),
    ]);
    let run = run_in(dir.path(), &[LATEST, &["--format", "checkstyle"]].concat());
    let doc = roxmltree::Document::parse(&run.stdout).expect("xml");
    let files: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("file"))
        .filter_map(|n| n.attribute("name"))
        .collect();
    assert_eq!(
        files,
        [
            "Dockerfile",
            "api/Dockerfile.dev",
            "tools/Containerfile",
            "tools/Containerfile.ci",
            "web/app.Dockerfile"
        ]
    );
    // A file given twice (directly and through its directory) is linted once.
    let run = run_in(
        dir.path(),
        &[LATEST, &["api", "api/Dockerfile.dev", "./api"]].concat(),
    );
    assert!(
        run.stdout
            .ends_with("1 file checked, 1 finding: 1 warning\n"),
        "{}",
        run.stdout
    );
    // A file given explicitly is linted whatever its name.
    std::fs::write(dir.path().join("build.txt"), from).expect("write");
    let run = run_in(
        dir.path(),
        &[LATEST, &["--format", "json", "build.txt"]].concat(),
    );
    assert_eq!(json(&run)[0]["file"], "build.txt");
}

#[test]
fn a_dockerignore_beside_the_file_is_seen() {
    let dockerfile = "FROM node:22-slim\nWORKDIR /app\nCOPY . .\n";
    let dir = project(&[
        ("bare/Dockerfile", dockerfile),
        ("plain/Dockerfile", dockerfile),
        ("plain/.dockerignore", ".git\n"),
        ("own/api.Dockerfile", dockerfile),
        ("own/api.Dockerfile.dockerignore", ".git\n"),
    ]);
    let run = run_in(
        dir.path(),
        &[
            "--format",
            "json",
            "--rule",
            "missing-dockerignore",
            "bare",
            "plain",
            "own",
        ],
    );
    let findings = json(&run);
    let files: Vec<&str> = findings.iter().filter_map(|f| f["file"].as_str()).collect();
    assert_eq!(files, ["bare/Dockerfile"], "{}", run.stdout);
    // Piped text has no directory: the rule cannot know, and says nothing.
    let run = run_stdin(
        dir.path(),
        &["--format", "json", "--rule", "missing-dockerignore", "-"],
        dockerfile,
    );
    assert_eq!((run.code, hits(&run)), (0, vec![]), "{}", run.stderr);
}

#[test]
fn stdin_is_read_for_a_dash() {
    let dir = project(&[]);
    let run = run_stdin(
        dir.path(),
        &[LATEST, &["--format", "json", "-"]].concat(),
        "FROM a:latest\n",
    );
    assert_eq!(run.code, 1);
    assert_eq!(json(&run)[0]["file"], "-");
    let run = run_stdin(dir.path(), &["-", "-"], "FROM a:1\n");
    assert_eq!(run.code, 2, "{}", run.stderr);
}

// ---- parse errors and hostile input ----

#[test]
fn a_parse_error_is_reported_and_the_rest_of_the_file_still_linted() {
    let dir = project(&[(
        "Dockerfile",
        "FROM python:latest\nFOO bar\nCOPY\nFROM node:latest\n",
    )]);
    let run = run_in(dir.path(), &[LATEST, &["--format", "json"]].concat());
    assert_eq!(
        hits(&run),
        [
            ("DD301".to_string(), 1),
            ("parse-error".to_string(), 2),
            ("parse-error".to_string(), 3),
            ("DD301".to_string(), 4)
        ]
    );
    let first_error = &json(&run)[1];
    assert_eq!(first_error["level"], "error");
    assert_eq!(first_error["rule"], "parse-error");
}

#[test]
fn control_characters_never_reach_the_terminal() {
    let dir = project(&[(
        "Dockerfile",
        "FROM evil\x1b]0;pwned\x07\x1b[2J:latest\nRUN echo \u{202e}txt.exe \x1b[31m\n",
    )]);
    let run = run_in(dir.path(), LATEST);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        !run.stdout
            .chars()
            .any(|c| c.is_control() && c != '\n' || c == '\u{202e}'),
        "{:?}",
        run.stdout
    );
    assert!(
        run.stdout.contains("evil\\u{1b}]0;pwned\\u{7}"),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!("lint_tty_hostile", run.stdout);

    let run = run_in(dir.path(), &[LATEST, &["--format", "checkstyle"]].concat());
    roxmltree::Document::parse(&run.stdout).expect("checkstyle stays well-formed");
    let run = run_in(dir.path(), &[LATEST, &["--format", "json"]].concat());
    let message = json(&run)[0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        message.contains("evil\x1b]0;pwned\x07"),
        "JSON keeps the text, escaped by JSON"
    );
    assert!(!run.stdout.contains('\x1b'));
}

#[test]
fn huge_lines_and_files_are_handled() {
    let huge_image = "a".repeat(3_000_000);
    let source = format!(
        "FROM {huge_image}:latest\nRUN echo {}\nFROM b:latest\n",
        "x".repeat(2_000_000)
    );
    let dir = project(&[("Dockerfile", &source)]);
    let run = run_in(dir.path(), LATEST);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.len() < 4_000,
        "output cut to size: {} bytes",
        run.stdout.len()
    );
    assert!(run.stdout.contains('…'));
    assert!(
        run.stdout.contains("Dockerfile:3:6 warning DD301"),
        "{}",
        &run.stdout
    );

    // Invalid UTF-8 is read lossily, as the build would choke on it anyway.
    std::fs::write(
        dir.path().join("Dockerfile"),
        b"FROM a:latest\nRUN echo \xff\xfe\n",
    )
    .expect("write");
    let run = run_in(dir.path(), LATEST);
    assert_eq!(run.code, 1, "{}", run.stderr);

    // Past 8 MiB a "Dockerfile" is refused by name.
    let big = format!("FROM a:1\nRUN echo {}\n", "y".repeat(8 * 1024 * 1024));
    std::fs::write(dir.path().join("Dockerfile"), &big).expect("write");
    let run = run_in(dir.path(), &[]);
    assert_eq!(run.code, 2);
    let said = format!(
        "error: Dockerfile is {} bytes, more than the 8388608",
        big.len()
    );
    assert!(run.stderr.starts_with(&said), "{}", run.stderr);
}

// ---- drydock rule ----

#[test]
fn rule_explains_one_rule_and_lists_them_all() {
    let dir = project(&[]);
    let run = raw(dir.path(), &["rule", "DL3007"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("DD301 latest-base-image\ncategory: base\nlevel:    warning\nhadolint: DL3007\n\n## What it does\n"), "{}", run.stdout);
    assert_eq!(
        raw(dir.path(), &["rule", "latest-base-image"]).stdout,
        run.stdout
    );

    let list = raw(dir.path(), &["rules"]);
    assert_eq!(list.code, 0);
    assert!(list.stdout.starts_with("CODE "), "{}", list.stdout);
    assert!(
        list.stdout
            .lines()
            .any(|l| l.starts_with("DD301  latest-base-image") && l.contains("DL3007")),
        "{}",
        list.stdout
    );
    assert!(list.stdout.contains("parse-error (error)"));
    assert_eq!(raw(dir.path(), &["rule", "--list"]).stdout, list.stdout);

    let unknown = raw(dir.path(), &["rule", "latest-base-imag"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .contains("did you mean `latest-base-image` (DD301)?"),
        "{}",
        unknown.stderr
    );
}
