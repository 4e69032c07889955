//! `.dockerignore` against what the engine really receives: a context that lists itself, built
//! by the classic builder on a throwaway dockerd, compared with what [`Ignore`] says is sent.

use std::path::Path;

use drydock_review::context::{analyse_with, ignore_file_for, ignore_for_build, Builder};
use drydock_testkit::fixtures::BASE;
use drydock_testkit::Dockerd;

const FILES: &[&str] = &[
    "a.log",
    "keep.log",
    "sub/b.log",
    "sub/keep.log",
    "node_modules/left-pad/index.js",
    "sub/node_modules/y.js",
    "docs/draft1.md",
    "docs/a/b/draft.txt",
    "docs/final.md",
    "docs/a/notes.md",
    "docs/drafts/x.md",
    "src/main.rs",
    "weird name [1].txt",
    ".hidden",
];

/// Every file under `root` (no symlinks here), context-relative, sorted.
fn all_files(root: &Path, rel: &str, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(root.join(rel)).expect("read dir") {
        let entry = entry.expect("entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        let child = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        if entry.file_type().expect("file type").is_dir() {
            all_files(root, &child, out);
        } else {
            out.push(child);
        }
    }
}

/// Builds `Dockerfile.dev` in `ctx` with `builder`, returns the files `/ctx` received.
fn received(engine: &Dockerd, ctx: &Path, builder: Builder, tag: &str) -> Vec<String> {
    let ctx_text = ctx.to_string_lossy().into_owned();
    let dockerfile = ctx.join("Dockerfile.dev").to_string_lossy().into_owned();
    let mut build = engine.docker_command(&[
        "build",
        "--network",
        "none",
        "-q",
        "-f",
        &dockerfile,
        "-t",
        tag,
        &ctx_text,
    ]);
    build.env(
        "DOCKER_BUILDKIT",
        if builder == Builder::BuildKit {
            "1"
        } else {
            "0"
        },
    );
    let out = build.output().expect("run docker build");
    assert!(
        out.status.success(),
        "docker build ({builder:?}) failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = engine.docker(&["run", "--rm", "--network", "none", tag, "cat", "/list"]);
    listed.lines().map(str::to_string).collect()
}

/// What [`Ignore`] says `builder` sends, as `/ctx/...` paths, sorted.
fn expected(ctx: &Path, builder: Builder) -> Vec<String> {
    let dockerfile = ctx.join("Dockerfile.dev");
    let (_, text) = ignore_file_for(ctx, &dockerfile, builder).expect("an ignore file");
    let text = text.expect("readable");
    let ignore = ignore_for_build(&text, Some("Dockerfile.dev"));
    assert!(ignore.errors.is_empty(), "{:?}", ignore.errors);
    let mut files = Vec::new();
    all_files(ctx, "", &mut files);
    let mut sent: Vec<String> = files
        .iter()
        .filter(|f| !ignore.excluded(f, false))
        .map(|f| format!("/ctx/{f}"))
        .collect();
    sent.sort();
    sent
}

#[test]
fn the_engine_receives_exactly_what_ignore_lets_through() {
    let engine = Dockerd::start();
    engine.base();
    let ctx = engine.scratch("context-lists-itself");
    for file in FILES {
        let path = ctx.join(file);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
        std::fs::write(path, file.as_bytes()).expect("file");
    }
    std::fs::write(
        ctx.join("Dockerfile.dev"),
        format!("FROM {BASE}\nCOPY . /ctx\nRUN find /ctx -type f | sort > /list\n"),
    )
    .expect("Dockerfile");
    let tricky = "# tricky\n**/*.log\n!keep.log\n/node_modules\ndocs/**/draft*\n";
    std::fs::write(ctx.join(".dockerignore"), tricky).expect(".dockerignore");
    // BuildKit takes the Dockerfile's own file instead of the root one.
    std::fs::write(
        ctx.join("Dockerfile.dev.dockerignore"),
        format!("{tricky}src\n!docs/a/b/draft.txt\n"),
    )
    .expect("Dockerfile.dev.dockerignore");

    let classic = received(
        &engine,
        &ctx,
        Builder::Classic,
        "drydock-test/context-classic:1",
    );
    assert_eq!(classic, expected(&ctx, Builder::Classic));
    for sent in [
        "/ctx/keep.log",
        "/ctx/sub/node_modules/y.js",
        "/ctx/docs/final.md",
        "/ctx/src/main.rs",
    ] {
        assert!(
            classic.iter().any(|f| f == sent),
            "{sent} was not sent: {classic:?}"
        );
    }
    for kept_out in [
        "/ctx/a.log",
        "/ctx/sub/keep.log",
        "/ctx/node_modules/left-pad/index.js",
        "/ctx/docs/a/b/draft.txt",
        "/ctx/docs/drafts/x.md",
    ] {
        assert!(
            !classic.iter().any(|f| f == kept_out),
            "{kept_out} was sent"
        );
    }

    let buildkit = received(
        &engine,
        &ctx,
        Builder::BuildKit,
        "drydock-test/context-buildkit:1",
    );
    assert_eq!(buildkit, expected(&ctx, Builder::BuildKit));
    assert!(!buildkit.iter().any(|f| f == "/ctx/src/main.rs"));
    assert!(buildkit.iter().any(|f| f == "/ctx/docs/a/b/draft.txt"));

    let report =
        analyse_with(&ctx, &ctx.join("Dockerfile.dev"), Builder::Classic, 1000).expect("analyse");
    assert_eq!(report.files as usize, classic.len());
    assert_eq!(report.unused_bytes, 0, "COPY . reads everything sent");
}
