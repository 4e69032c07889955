//! `drydock lint --fix` and `--diff`, the real binary on Dockerfiles in temporary directories:
//! the diff printed, files rewritten in place with a backup, and the exit code decided by the
//! findings left. Rules are selected with `--rule` so new rules do not change the output.
//! Fixed files that move and join instructions are built on a throwaway engine, by both
//! builders, beside the originals.

mod common;

use std::path::Path;

use tempfile::TempDir;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `drydock lint ARGS` in `dir`, with `stdin` piped in when given.
fn lint(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = common::drydock();
    cmd.current_dir(dir).arg("lint").args(args);
    if let Some(stdin) = stdin {
        cmd.write_stdin(stdin);
    }
    let out = cmd.output().expect("run drydock");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn project(name: &str, text: &[u8]) -> TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(name), text).expect("write");
    dir
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

const SOURCE: &str = "FROM alpine:3.20 AS build\nRUN apk add gcc\nFROM debian:12\nRUN apt-get update && apt-get install -y curl\nCOPY --from=0 /a /a\nCMD ./serve --port 80\n";
const FIXED: &str = "FROM alpine:3.20 AS build\nRUN apk add gcc\nFROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends -y curl\nCOPY --from=build /a /a\nCMD [\"./serve\", \"--port\", \"80\"]\n";
const RULES: &[&str] = &[
    "--rule",
    "apt-get-install-recommends",
    "--rule",
    "copy-from-stage-index",
    "--rule",
    "shell-form-cmd",
    "--rule",
    "apt-get-unpinned",
];

#[test]
fn fix_rewrites_the_file_keeps_a_backup_and_prints_the_diff() {
    let dir = project("Dockerfile", SOURCE.as_bytes());
    let run = lint(
        dir.path(),
        &[&["--fix", "Dockerfile"], RULES].concat(),
        None,
    );
    // `curl` is still unpinned: a finding left, so the run fails as lint does.
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(
            "--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,6 +1,6 @@\n FROM alpine:3.20 AS build\n RUN apk add gcc\n FROM debian:12\n-RUN apt-get update && apt-get install -y curl\n-COPY --from=0 /a /a\n-CMD ./serve --port 80\n+RUN apt-get update && apt-get install --no-install-recommends -y curl\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("DD601 [apt-get-unpinned]"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("DD104"), "{}", run.stdout);
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).expect("read");
    assert_eq!(read("Dockerfile"), FIXED);
    assert_eq!(read("Dockerfile.drydock-bak"), SOURCE);
    assert_eq!(names(dir.path()), ["Dockerfile", "Dockerfile.drydock-bak"]);

    // Fixed already: nothing to print, nothing written, the backup of the original kept.
    let again = lint(
        dir.path(),
        &[&["--fix", "Dockerfile"], RULES].concat(),
        None,
    );
    assert!(again.stdout.starts_with("Dockerfile:"), "{}", again.stdout);
    assert_eq!(read("Dockerfile.drydock-bak"), SOURCE);
}

#[test]
fn diff_prints_the_fixes_without_writing_and_the_findings_left_decide_the_exit() {
    let dir = project("Dockerfile", SOURCE.as_bytes());
    let args = ["--diff", "Dockerfile", "--rule", "copy-from-stage-index"];
    let run = lint(dir.path(), &args, None);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout,
        "--- a/Dockerfile\n+++ b/Dockerfile\n@@ -2,5 +2,5 @@\n RUN apk add gcc\n FROM debian:12\n RUN apt-get update && apt-get install -y curl\n-COPY --from=0 /a /a\n+COPY --from=build /a /a\n CMD ./serve --port 80\n\n1 file checked, no findings\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Dockerfile")).expect("read"),
        SOURCE
    );
    assert_eq!(names(dir.path()), ["Dockerfile"]);
}

#[test]
fn stdin_can_be_diffed_but_not_fixed_in_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = lint(
        dir.path(),
        &["--diff", "-", "--rule", "shell-form-cmd"],
        Some(SOURCE),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("+CMD [\"./serve\", \"--port\", \"80\"]\n"),
        "{}",
        run.stdout
    );
    let run = lint(dir.path(), &["--fix", "-"], Some(SOURCE));
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("error: `--fix` cannot rewrite stdin"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn fix_leaves_a_file_that_is_not_utf8_alone() {
    let text = b"FROM debian:12\nRUN apt-get install -y x # \xff\n".to_vec();
    let dir = project("Dockerfile", &text);
    let run = lint(
        dir.path(),
        &["--fix", "Dockerfile", "--rule", "DD104"],
        None,
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("is not UTF-8 text"), "{}", run.stderr);
    assert_eq!(
        std::fs::read(dir.path().join("Dockerfile")).expect("read"),
        text
    );
    assert_eq!(names(dir.path()), ["Dockerfile"]);
}

#[test]
fn fix_and_diff_print_a_diff_so_other_formats_are_usage_errors() {
    let dir = project("Dockerfile", SOURCE.as_bytes());
    for flag in ["--fix", "--diff"] {
        let run = lint(dir.path(), &[flag, "--format", "json", "Dockerfile"], None);
        assert_eq!(run.code, 2, "{flag}: {}", run.stderr);
    }
    let run = lint(dir.path(), &["--fix", "--diff", "Dockerfile"], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn a_piped_diff_keeps_the_dockerfiles_bytes_for_patch() {
    let dir = project(
        "Dockerfile",
        "FROM alpine:3\nCMD echo \u{202e}red\x1bc\n".as_bytes(),
    );
    let run = lint(
        dir.path(),
        &["--diff", "Dockerfile", "--rule", "shell-form-cmd"],
        None,
    );
    assert!(
        run.stdout
            .contains("+CMD [\"echo\", \"\u{202e}red\\u001bc\"]\n"),
        "{:?}",
        run.stdout
    );
    assert!(
        run.stdout.contains("-CMD echo \u{202e}red\x1bc\n"),
        "{:?}",
        run.stdout
    );
}

#[test]
fn fixes_that_move_and_join_instructions_settle_in_one_run() {
    let source = "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n# tidy up\nRUN rm -rf /var/lib/apt/lists/*\nCOPY run.sh /run.sh\nRUN chown app:app /run.sh\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"/run.sh\"]\n";
    let dir = project("Dockerfile", source.as_bytes());
    let rules = [
        "apt-get-install-recommends",
        "apt-lists-kept",
        "cleanup-in-later-layer",
        "consecutive-run-instructions",
        "chmod-in-separate-layer",
        "copy-context-before-dependencies",
    ];
    let mut args = vec!["--fix", "Dockerfile"];
    for rule in rules {
        args.extend(["--rule", rule]);
    }
    let run = lint(dir.path(), &args, None);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let fixed = std::fs::read_to_string(dir.path().join("Dockerfile")).expect("read");
    assert_eq!(
        fixed,
        "FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends -y curl \\\n# tidy up\n && rm -rf /var/lib/apt/lists/*\nCOPY --chown=app:app run.sh /run.sh\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nCMD [\"/run.sh\"]\n"
    );
    // Fixing the fixed file finds nothing left to change.
    let again = lint(dir.path(), &[&["--diff"], &args[1..]].concat(), None);
    assert_eq!(again.code, 0, "{}", again.stdout);
    assert!(!again.stdout.contains("--- a/"), "{}", again.stdout);
}

/// The mode, owner and contents a test image holds at the paths the fixes touch, read in a
/// container of `image`.
fn image_state(engine: &drydock_testkit::Dockerd, name: &str, image: &str) -> String {
    engine.run_exited(
        name,
        image,
        "cd / && busybox stat -c '%a %u:%g %n' run.sh tmp/dl app/installed && \
         find var/lib/apt app | busybox sort && cat app/installed",
    );
    engine.docker(&["logs", name])
}

/// Layers an image's history records (empty ones included: the count of instructions).
fn history_rows(engine: &drydock_testkit::Dockerd, image: &str) -> usize {
    engine.docker(&["history", "-q", image]).lines().count()
}

// What the fixes write must build on both builders to the same files: RUNs joined with a
// comment line inside the continuation, `COPY --chown`, manifests copied first. Fake `apt-get`
// and `npm` scripts stand in for the real tools the busybox base lacks.
#[test]
fn fixed_dockerfiles_build_the_same_files_on_both_builders() {
    use drydock_testkit::fixtures::{Builder, BASE};

    let engine = drydock_testkit::Dockerd::start();
    engine.base();
    let source = format!(
        "FROM {BASE}\n\
RUN echo 'mkdir -p /var/lib/apt/lists && echo index > /var/lib/apt/lists/index' > /bin/apt-get && echo 'cat package.json > installed' > /bin/npm && chmod 755 /bin/apt-get /bin/npm\n\
RUN apt-get update\n\
# tidy up\n\
RUN rm -rf /var/lib/apt/lists/*\n\
COPY run.sh /run.sh\n\
RUN chown 1000:1000 /run.sh\n\
ENV STEP=download\n\
RUN echo data > /tmp/dl\n\
RUN chmod 600 /tmp/dl\n\
WORKDIR /app\n\
COPY . .\n\
RUN npm ci\n"
    );
    let dir = project("Dockerfile", source.as_bytes());
    let mut args = vec!["--fix", "Dockerfile", "--no-fail"];
    for rule in [
        "apt-lists-kept",
        "cleanup-in-later-layer",
        "consecutive-run-instructions",
        "chmod-in-separate-layer",
        "copy-context-before-dependencies",
    ] {
        args.extend(["--rule", rule]);
    }
    let run = lint(dir.path(), &args, None);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let fixed = std::fs::read_to_string(dir.path().join("Dockerfile")).expect("read");
    assert_eq!(
        fixed,
        format!(
            "FROM {BASE}\n\
RUN echo 'mkdir -p /var/lib/apt/lists && echo index > /var/lib/apt/lists/index' > /bin/apt-get && echo 'cat package.json > installed' > /bin/npm && chmod 755 /bin/apt-get /bin/npm\n\
RUN apt-get update \\\n\
# tidy up\n \
&& rm -rf /var/lib/apt/lists/*\n\
COPY --chown=1000:1000 run.sh /run.sh\n\
ENV STEP=download\n\
RUN echo data > /tmp/dl \\\n \
&& chmod 600 /tmp/dl\n\
WORKDIR /app\n\
COPY package*.json ./\n\
RUN npm ci\n\
COPY . .\n"
        )
    );
    let files: &[(&str, &[u8])] = &[
        ("run.sh", b"echo run\n"),
        ("package.json", b"{\"name\": \"x\"}\n"),
        ("src.txt", b"source\n"),
    ];
    for (builder, label) in [
        (Builder::Classic, "classic"),
        (Builder::BuildKit, "buildkit"),
    ] {
        let before = engine.build_in(&format!("fix/{label}-before:1"), &source, files, builder);
        let after = engine.build_in(&format!("fix/{label}-after:1"), &fixed, files, builder);
        let want = image_state(&engine, &format!("{label}-before"), &before);
        assert!(want.contains("600 0:0 tmp/dl"), "{want}");
        assert!(want.contains("644 1000:1000 run.sh"), "{want}");
        assert!(!want.contains("lists/index"), "{want}");
        assert_eq!(
            image_state(&engine, &format!("{label}-after"), &after),
            want,
            "{label}"
        );
        // Three RUNs fewer, one COPY (of the manifests) more.
        assert_eq!(
            history_rows(&engine, &after) + 2,
            history_rows(&engine, &before),
            "{label}"
        );
    }
}

// `COPY --chmod` is written only into a file that relies on BuildKit; the BuildKit of this
// engine (20.10's, without a `# syntax=` frontend: none can be pulled here) must build it.
#[test]
fn copy_chmod_written_for_a_buildkit_file_builds_with_buildkit() {
    use drydock_testkit::fixtures::{Builder, BASE};

    let engine = drydock_testkit::Dockerd::start();
    engine.base();
    let source =
        format!("FROM {BASE}\nRUN --mount=type=tmpfs,target=/t true\nCOPY run.sh /run.sh\nRUN chmod 0750 /run.sh\n");
    let dir = project("Dockerfile", source.as_bytes());
    let run = lint(
        dir.path(),
        &["--fix", "Dockerfile", "--rule", "chmod-in-separate-layer"],
        None,
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let fixed = std::fs::read_to_string(dir.path().join("Dockerfile")).expect("read");
    assert_eq!(
        fixed,
        format!("FROM {BASE}\nRUN --mount=type=tmpfs,target=/t true\nCOPY --chmod=0750 run.sh /run.sh\n")
    );
    let image = engine.build_in(
        "fix/chmod:1",
        &fixed,
        &[("run.sh", b"echo\n")],
        Builder::BuildKit,
    );
    engine.run_exited("chmod", &image, "busybox stat -c '%a' /run.sh");
    assert_eq!(engine.docker(&["logs", "chmod"]).trim(), "750");
}
