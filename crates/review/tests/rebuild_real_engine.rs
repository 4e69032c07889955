//! Rebuild and measure on a throwaway dockerd: fixture projects built by both builders, reviewed,
//! fixed, rebuilt as a trial; the measured gain is what the fixes should save, the trial still
//! does what the original did, and it goes through the ordinary journaled prune.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use drydock_cleanup::{execute, prepare, Options};
use drydock_engine::{BuildProgress, BuilderKind, Engine};
use drydock_review::project::{review_project, Request};
use drydock_review::rebuild::{
    fixed, rebuild_and_compare_with, trial_removal, RebuildRequest, TRIAL_LABEL,
};
use drydock_store::Store;
use drydock_testkit::fixtures::{Builder, BASE};
use drydock_testkit::{runtime, Dockerd};

const BIG: u64 = 3_000_000;
const DATA: usize = 1_000_000;

/// A 3 MB file written by one RUN and removed by the next (cleanup-in-later-layer), a 1 MB file
/// copied and then chown-ed in a layer of its own (chmod-in-separate-layer: its fix is
/// `COPY --chown`, which both builders take; `--chmod` would be offered only to a file that
/// relies on BuildKit, which needs a `# syntax=` image no registry here serves), a shell-form CMD.
/// `who` tells the projects apart, so each review finds its own image.
fn dockerfile_text(who: &str) -> String {
    format!(
        "FROM {BASE}\n\
         RUN head -c {BIG} /dev/zero > /big\n\
         RUN rm /big\n\
         COPY data.bin /data.bin\n\
         RUN chown 1:1 /data.bin\n\
         CMD stat -c '%u:%g %s' /data.bin; test -e /big || echo no-big; echo {who}\n"
    )
}

fn project(dir: &Path, who: &str) {
    std::fs::write(dir.join("Dockerfile"), dockerfile_text(who)).expect("Dockerfile");
    std::fs::write(dir.join("data.bin"), vec![7u8; DATA]).expect("data");
    std::fs::write(dir.join(".dockerignore"), "*.tmp\n").expect("ignore");
    std::fs::write(dir.join("junk.tmp"), vec![1u8; 500_000]).expect("junk");
}

fn docker_build(engine: &Dockerd, dir: &Path, tag: &str, builder: Builder) -> String {
    let ctx = dir.to_string_lossy().into_owned();
    let mut cmd = engine.docker_command(&["build", "--network", "none", "-q", "-t", tag, &ctx]);
    cmd.env(
        "DOCKER_BUILDKIT",
        if builder == Builder::BuildKit {
            "1"
        } else {
            "0"
        },
    );
    let out = cmd.output().expect("docker build");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    engine.docker(&["image", "inspect", "--format", "{{.Id}}", tag])
}

fn runs(engine: &Dockerd, image: &str) -> String {
    engine.docker(&["run", "--rm", "--network", "none", image])
}

#[test]
fn fixes_rebuilt_shrink_the_image_by_what_they_save_and_keep_its_behaviour() {
    let engine = Dockerd::start();
    engine.base();
    let rt = runtime();
    for (builder, kind, name) in [
        (Builder::BuildKit, BuilderKind::BuildKit, "bk-app"),
        (Builder::Classic, BuilderKind::Classic, "classic-app"),
    ] {
        let root = tempfile::tempdir().expect("temp dir");
        let dir = root.path().join(name);
        std::fs::create_dir(&dir).expect("project dir");
        project(&dir, name);
        let original = docker_build(&engine, &dir, &format!("{name}:1"), builder);
        let dockerfile = dir.join("Dockerfile");

        // Review: the built image is found among the engine's images.
        let request = Request {
            context: dir.clone(),
            dockerfile: dockerfile.clone(),
            image: None,
            target: None,
            build_args: BTreeMap::new(),
        };
        let fix = fixed(&dockerfile).expect("fixes");
        assert!(fix.fixes >= 2, "{name}: {} fixes:\n{}", fix.fixes, fix.text);
        assert_ne!(fix.text, fix.original);
        let mut steps = Vec::new();
        let comparison = rt
            .block_on(async {
                let eng = Engine::open_host(&engine.host()).await.expect("connects");
                let reviewed = review_project(Ok(&eng), &request, &mut |_| {})
                    .await
                    .expect("reviews");
                let image = reviewed.review.image.expect("the built image is found");
                assert_eq!(image.id, original);
                let rebuild = RebuildRequest {
                    context: dir.clone(),
                    dockerfile: dockerfile.clone(),
                    text: fix.text.clone(),
                    target: None,
                    build_args: BTreeMap::new(),
                    before: Some(image.id),
                    network: Some("none".into()),
                    now: 1_764_819_000,
                };
                rebuild_and_compare_with(&eng, &rebuild, kind, &mut |p| steps.push(p)).await
            })
            .unwrap_or_else(|e| panic!("{name}: {e}\nfixed text:\n{}", fix.text));

        // The user's file is untouched.
        assert_eq!(
            std::fs::read_to_string(&dockerfile).expect("read"),
            dockerfile_text(name)
        );
        // Progress came step by step.
        assert!(
            steps.iter().any(
                |p| matches!(p, BuildProgress::Step { name, .. } if name.starts_with("RUN head"))
            ),
            "{name}: {steps:#?}"
        );

        let (before, after) = (&comparison.before, &comparison.after);
        assert_eq!(before.image, original);
        // The fixes save the 3 MB the rm hid and the 1 MB the chown copied.
        let expected = BIG as i64 + DATA as i64;
        assert!(
            (comparison.saved_bytes - expected).abs() < 50_000,
            "{name}: saved {} of an expected {expected}: {comparison:#?}",
            comparison.saved_bytes
        );
        assert!(
            before.hidden_bytes >= BIG + DATA as u64,
            "{name}: {before:?}"
        );
        assert_eq!(after.hidden_bytes, 0, "{name}: {after:?}");
        assert!(after.layers < before.layers, "{name}: {before:?} {after:?}");
        assert!(
            after.findings < before.findings,
            "{name}: {before:?} {after:?}"
        );
        assert!(
            comparison.summary.starts_with("-4 MB, -"),
            "{}",
            comparison.summary
        );
        assert!(comparison.saved_percent > 0.0);
        assert_eq!(after.vulnerabilities, None);

        // Tagged and labelled so it is easy to find.
        assert_eq!(
            comparison.trial_tag,
            format!("drydock-trial/{name}:1764819000")
        );
        assert_eq!(after.tags, vec![comparison.trial_tag.clone()]);
        assert_eq!(after.image, comparison.trial_image);
        let label = engine.docker(&[
            "image",
            "inspect",
            "--format",
            &format!("{{{{index .Config.Labels \"{TRIAL_LABEL}\"}}}}"),
            &comparison.trial_image,
        ]);
        assert_eq!(label, dockerfile.display().to_string());

        // Same command, same output.
        let said = runs(&engine, &original);
        assert_eq!(said, format!("1:1 1000000\nno-big\n{name}"));
        assert_eq!(runs(&engine, &comparison.trial_image), said, "{name}");

        // Removal: the ordinary plan and journaled run, the trial only.
        let journal = Mutex::new(Store::in_memory().expect("store"));
        let outcome = rt.block_on(async {
            let eng = Engine::open_host(&engine.host()).await.expect("connects");
            let prepared = prepare(
                &eng,
                trial_removal(&comparison.trial_image),
                "trial",
                1_764_819_100,
            )
            .await
            .expect("plans");
            assert_eq!(
                prepared.plan.items.len(),
                1,
                "{name}: {:?}",
                prepared.plan.items
            );
            let outcome = execute(&eng, &journal, &prepared, &Options::default(), |_| {})
                .await
                .expect("runs");
            (prepared.plan_id, outcome)
        });
        assert_eq!(outcome.1.removed.len(), 1);
        let entries = journal
            .lock()
            .expect("journal")
            .journal(Some(&outcome.0), 10)
            .expect("entries");
        assert!(
            entries
                .iter()
                .any(|e| e.object_id == comparison.trial_image),
            "{entries:?}"
        );
        assert!(!engine
            .try_docker(&["image", "inspect", &comparison.trial_image])
            .status
            .success());
        assert!(engine
            .try_docker(&["image", "inspect", &original])
            .status
            .success());
    }
}

#[test]
fn without_a_reviewed_image_the_original_is_built_as_a_trial_too() {
    let engine = Dockerd::start();
    engine.base();
    let rt = runtime();
    let root = tempfile::tempdir().expect("temp dir");
    let dir = root.path().join("fresh");
    std::fs::create_dir(&dir).expect("project dir");
    project(&dir, "fresh");
    let dockerfile = dir.join("Dockerfile");
    let fix = fixed(&dockerfile).expect("fixes");
    let comparison = rt
        .block_on(async {
            let eng = Engine::open_host(&engine.host()).await.expect("connects");
            let rebuild = RebuildRequest {
                context: dir.clone(),
                dockerfile: dockerfile.clone(),
                text: fix.text.clone(),
                target: None,
                build_args: BTreeMap::new(),
                before: None,
                network: Some("none".into()),
                now: 7,
            };
            rebuild_and_compare_with(&eng, &rebuild, BuilderKind::BuildKit, &mut |_| {}).await
        })
        .expect("rebuilds");
    assert_eq!(
        comparison.before_trial_tag.as_deref(),
        Some("drydock-trial/fresh:7-before")
    );
    assert_eq!(
        comparison.before.tags,
        vec!["drydock-trial/fresh:7-before".to_string()]
    );
    assert!(comparison.saved_bytes > 3_900_000, "{comparison:#?}");
    // Both trials carry the label a prune selects them by.
    let labelled = engine.docker(&[
        "images",
        "-q",
        "--no-trunc",
        "--filter",
        &format!("label={TRIAL_LABEL}"),
    ]);
    assert_eq!(labelled.lines().count(), 2, "{labelled}");
}

#[test]
fn a_failing_fixed_dockerfile_says_which_build_and_step_failed() {
    let engine = Dockerd::start();
    engine.base();
    let rt = runtime();
    let root = tempfile::tempdir().expect("temp dir");
    let dir = root.path().join("broken");
    std::fs::create_dir(&dir).expect("project dir");
    project(&dir, "broken");
    let err = rt
        .block_on(async {
            let eng = Engine::open_host(&engine.host()).await.expect("connects");
            let rebuild = RebuildRequest {
                context: dir.clone(),
                dockerfile: dir.join("Dockerfile"),
                text: format!("FROM {BASE}\nRUN exit 7\n"),
                target: None,
                build_args: BTreeMap::new(),
                before: Some(engine.base()),
                network: Some("none".into()),
                now: 1,
            };
            rebuild_and_compare_with(&eng, &rebuild, BuilderKind::BuildKit, &mut |_| {}).await
        })
        .expect_err("fails");
    let text = err.to_string();
    assert!(
        text.contains("the fixed Dockerfile") && text.contains("RUN exit 7"),
        "{text}"
    );
    assert_eq!(err.code(), drydock_engine::ErrorCode::InvalidInput);
}
