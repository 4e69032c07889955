//! `Engine::build` against a throwaway dockerd: both builders, their progress, a failing step
//! named with the builder's message, and a build cancelled by dropping it.

use bytes::Bytes;
use drydock_engine::{
    BuildOptions, BuildProgress, BuilderKind, Engine, EngineError, ErrorCode, StepState,
};
use drydock_testkit::fixtures::BASE;
use drydock_testkit::{runtime, Dockerd};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// A context tar holding `Dockerfile` and `files`.
fn tar_of(dockerfile: &str, files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut tar = tar::Builder::new(Vec::new());
    let mut entries: Vec<(&str, &[u8])> = vec![("Dockerfile", dockerfile.as_bytes())];
    entries.extend_from_slice(files);
    for (name, bytes) in entries {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, name, bytes)
            .expect("tar entry");
    }
    tar.into_inner().expect("tar")
}

/// The context's tar cut in small pieces, so the body streams.
fn pieces(tar: &[u8]) -> Vec<std::io::Result<Bytes>> {
    tar.chunks(4096)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect()
}

fn context(
    dockerfile: &str,
    files: &[(&str, &[u8])],
) -> impl futures_util::Stream<Item = std::io::Result<Bytes>> + Send + 'static {
    futures_util::stream::iter(pieces(&tar_of(dockerfile, files)))
}

fn options(tag: &str, builder: BuilderKind) -> BuildOptions {
    BuildOptions {
        dockerfile: "Dockerfile".into(),
        tags: vec![tag.into()],
        labels: BTreeMap::from([("io.drydock.test".into(), "yes".into())]),
        network: Some("none".into()),
        builder,
        ..BuildOptions::default()
    }
}

#[test]
fn both_builders_build_tag_label_and_report_each_step() {
    let engine = Dockerd::start();
    engine.base();
    let rt = runtime();
    for (builder, tag) in [
        (BuilderKind::BuildKit, "built/buildkit:1"),
        (BuilderKind::Classic, "built/classic:1"),
    ] {
        let dockerfile = format!("FROM {BASE}\nCOPY hello.txt /hello.txt\nRUN echo built-by-{tag} > /out\nCMD cat /out /hello.txt\n");
        let mut seen = Vec::new();
        let id = rt
            .block_on(async {
                let eng = Engine::open_host(&engine.host()).await.expect("connects");
                eng.build(
                    context(&dockerfile, &[("hello.txt", b"hello\n")]),
                    &options(tag, builder),
                    &mut |p| seen.push(p),
                )
                .await
            })
            .unwrap_or_else(|e| panic!("{builder:?} build: {e}"));
        assert!(id.starts_with("sha256:"), "{id}");
        assert_eq!(
            engine.docker(&["image", "inspect", "--format", "{{.Id}}", tag]),
            id
        );
        assert_eq!(
            engine.docker(&[
                "image",
                "inspect",
                "--format",
                "{{index .Config.Labels \"io.drydock.test\"}}",
                tag
            ]),
            "yes"
        );
        let out = engine.docker(&["run", "--rm", "--network", "none", tag]);
        assert_eq!(out, format!("built-by-{tag}\nhello"));
        // The classic builder counts CMD and the labels as steps too: only the RUN's index is
        // the same in both.
        let run_step = seen.iter().find(|p| {
            matches!(p, BuildProgress::Step { index: Some(3), name, .. } if name.starts_with("RUN echo built-by"))
        });
        assert!(
            run_step.is_some(),
            "{builder:?}: no third step RUN in {seen:#?}"
        );
        if builder == BuilderKind::BuildKit {
            assert!(
                seen.iter().any(|p| matches!(
                    p,
                    BuildProgress::Step {
                        index: Some(3),
                        state: StepState::Done,
                        ..
                    }
                )),
                "{seen:#?}"
            );
        }
    }
}

#[test]
fn a_failing_step_is_named_with_the_builders_message() {
    let engine = Dockerd::start();
    engine.base();
    let rt = runtime();
    for builder in [BuilderKind::BuildKit, BuilderKind::Classic] {
        let dockerfile = format!("FROM {BASE}\nRUN echo fine\nRUN exit 3\n");
        let err = rt
            .block_on(async {
                let eng = Engine::open_host(&engine.host()).await.expect("connects");
                eng.build(
                    context(&dockerfile, &[]),
                    &options("broken:1", builder),
                    &mut |_| {},
                )
                .await
            })
            .expect_err("the build fails");
        assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
        let EngineError::BuildFailed { step, message } = &err else {
            panic!("{builder:?}: not a build failure: {err}");
        };
        assert!(
            step.as_deref().is_some_and(|s| s.contains("RUN exit 3")),
            "{builder:?}: {step:?}"
        );
        assert!(message.contains('3'), "{message}");
        let text = err.to_string();
        assert!(
            text.contains("RUN exit 3") && text.contains("fix:"),
            "{text}"
        );
    }
}

#[test]
fn a_dropped_build_leaves_no_image_and_no_container() {
    let engine = Dockerd::start();
    engine.base();
    let rt = runtime();
    for (builder, tag) in [
        (BuilderKind::Classic, "cancelled/classic:1"),
        (BuilderKind::BuildKit, "cancelled/buildkit:1"),
    ] {
        let dockerfile = format!("FROM {BASE}\nRUN sleep 30\n");
        let started = Instant::now();
        let outcome = rt.block_on(async {
            let eng = Engine::open_host(&engine.host()).await.expect("connects");
            tokio::time::timeout(
                Duration::from_secs(1),
                eng.build(
                    context(&dockerfile, &[]),
                    &options(tag, builder),
                    &mut |_| {},
                ),
            )
            .await
        });
        assert!(outcome.is_err(), "{builder:?}: the build ended within 1 s");
        // The engine notices the closed connection and stops the step; give it a moment.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let containers = engine.docker(&["ps", "-aq"]);
            let images = engine.docker(&["images", "-q", tag]);
            if containers.is_empty() && images.is_empty() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{builder:?}: left containers {containers:?} images {images:?}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        assert!(
            started.elapsed() < Duration::from_secs(25),
            "{builder:?}: the step ran to its end"
        );
    }
}

#[test]
fn a_context_that_fails_midway_builds_nothing() {
    let engine = Dockerd::start();
    engine.base();
    let rt = runtime();
    let dockerfile = format!("FROM {BASE}\nCOPY big /big\n");
    let big = vec![1u8; 200_000];
    let whole = pieces(&tar_of(&dockerfile, &[("big", &big)]));
    // Half the tar, then the reader's error: the engine must not take it for a whole context.
    let mut cut: Vec<std::io::Result<Bytes>> = whole.into_iter().take(20).collect();
    cut.push(Err(std::io::Error::other("disk went away")));
    let outcome = rt.block_on(async {
        let eng = Engine::open_host(&engine.host()).await.expect("connects");
        eng.build(
            futures_util::stream::iter(cut),
            &options("cut:1", BuilderKind::BuildKit),
            &mut |_| {},
        )
        .await
    });
    assert!(outcome.is_err(), "{outcome:?}");
    assert_eq!(engine.docker(&["images", "-q", "cut:1"]), "");
}
