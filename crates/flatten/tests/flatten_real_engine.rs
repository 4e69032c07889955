//! Flatten on a throwaway dockerd: an image of several layers with hidden bytes and every config
//! field a Dockerfile can set, flattened into one layer that holds the same files, carries the
//! same config, runs its command with the same result, and measures what the plan predicted.

use drydock_engine::Engine;
use drydock_flatten::{flatten, plan, FlattenError, FLATTEN_LABEL};
use drydock_testkit::fixtures::Builder;
use drydock_testkit::{runtime, Dockerd};

const BASE: &str = "drydock-flatten/base:1";
const IMAGE: &str = "drydock-flatten/app:1";
const BIG: u64 = 3_000_000;

/// `/big` written then removed, `/kept` written then overwritten (both hidden), and a script
/// that shows the config at work (env, workdir, user, entrypoint and cmd).
const DOCKERFILE: &str = r#"FROM drydock-flatten/base:1
RUN head -c 3000000 /dev/zero > /big && echo one > /kept
RUN rm /big && echo two > /kept
RUN mkdir -p /app /data && echo 'echo "$GREETING $(cat /kept) $(pwd) $1"; ls /; test -e /big || echo no-big' > /app/run.sh
ENV GREETING=hello OTHER="a b"
WORKDIR /app
USER 1000:1000
EXPOSE 8080/tcp 53/udp
VOLUME /data
LABEL org.example.team="drydock" org.example.empty=""
STOPSIGNAL SIGINT
HEALTHCHECK --interval=5s --timeout=2s --retries=2 CMD true
SHELL ["/bin/sh", "-c"]
ENTRYPOINT ["/bin/sh", "/app/run.sh"]
CMD ["from-cmd"]
"#;

fn inspect(engine: &Dockerd, image: &str, format: &str) -> String {
    engine.docker(&["image", "inspect", "--format", format, image])
}

#[test]
fn a_flat_image_has_one_layer_the_same_files_config_and_behaviour_and_the_predicted_size() {
    let engine = Dockerd::start();
    // The base carries its own /etc/hosts, which the engine's init layer replaces in containers.
    engine.import_rootfs(BASE, &[("etc/hosts", b"127.0.0.1 fixture\n")]);
    let id = engine.build(IMAGE, DOCKERFILE, Builder::Classic);
    let layers_before = inspect(&engine, IMAGE, "{{json .RootFS.Layers}}");
    let tags_before = inspect(&engine, IMAGE, "{{json .RepoTags}}");
    let work = engine.scratch("flatten-work");
    let volumes_before = engine.docker(&["volume", "ls", "-q"]);

    let rt = runtime();
    let (planned, done) = rt.block_on(async {
        let drydock = Engine::open_host(&engine.host()).await.expect("connects");
        let planned = plan(&drydock, IMAGE, None, |_| {}).await.expect("plan");
        let mut stages = Vec::new();
        let done = flatten(&drydock, &planned, &work, |p| stages.push(p))
            .await
            .expect("flatten");
        assert!(!stages.is_empty());
        (planned, done)
    });

    assert_eq!(planned.id, id);
    assert_eq!(planned.refusal, None);
    assert_eq!(planned.new_tag, "drydock-flatten/app:1-flat");
    assert_eq!(planned.layers, 4);
    // /big and the first /kept ("one\n").
    assert_eq!(planned.predicted_saving, BIG + 4);
    assert_eq!(
        planned.predicted_bytes,
        planned.stored_bytes - planned.predicted_saving
    );
    assert!(planned.history_lost.iter().any(|s| s.contains("rm /big")));
    assert!(
        planned.history_lost.len() >= 15,
        "{:?}",
        planned.history_lost
    );

    assert_eq!(done.new_tag, planned.new_tag);
    assert_eq!(done.measured_bytes, planned.predicted_bytes);
    assert!(
        done.same_tree,
        "{} != {}",
        done.original_digest, done.flattened_digest
    );
    assert!(done.engine_size_after < done.engine_size_before);
    assert!(done.engine_size_before - done.engine_size_after >= BIG);

    // One layer, the same config field by field, the same architecture and os.
    let flat = done.new_tag.as_str();
    assert_eq!(inspect(&engine, flat, "{{.Id}}"), done.new_id);
    assert_eq!(inspect(&engine, flat, "{{len .RootFS.Layers}}"), "1");
    for field in [
        "{{json .Config}}",
        "{{.Os}}",
        "{{.Architecture}}",
        "{{.Variant}}",
        "{{json .Config.Env}}",
        "{{json .Config.Entrypoint}}",
        "{{json .Config.Cmd}}",
        "{{.Config.WorkingDir}}",
        "{{.Config.User}}",
        "{{json .Config.ExposedPorts}}",
        "{{json .Config.Volumes}}",
        "{{json .Config.Labels}}",
        "{{.Config.StopSignal}}",
        "{{json .Config.Healthcheck}}",
        "{{json .Config.Shell}}",
    ] {
        assert_eq!(
            inspect(&engine, flat, field),
            inspect(&engine, IMAGE, field),
            "{field}"
        );
    }
    let history = engine.docker(&["history", "--no-trunc", "--format", "{{.CreatedBy}}", flat]);
    assert_eq!(history, format!("drydock flatten of {id} (4 layers)"));

    // It runs its command as the original does.
    let run = |image: &str| engine.docker(&["run", "--network", "none", "--rm", image]);
    let (before, after) = (run(IMAGE), run(flat));
    assert!(before.starts_with("hello two /app from-cmd"), "{before}");
    assert!(before.ends_with("no-big"), "{before}");
    assert_eq!(before, after);

    // The original is untouched, and no temporary container is left.
    assert_eq!(inspect(&engine, IMAGE, "{{.Id}}"), id);
    assert_eq!(
        inspect(&engine, IMAGE, "{{json .RootFS.Layers}}"),
        layers_before
    );
    assert_eq!(inspect(&engine, IMAGE, "{{json .RepoTags}}"), tags_before);
    let label = format!("label={FLATTEN_LABEL}");
    assert_eq!(engine.docker(&["ps", "-aq", "--filter", &label]), "");
    assert_eq!(std::fs::read_dir(&work).expect("work dir").count(), 0);
    // The anonymous volume the engine made for `VOLUME /data` went with the container.
    assert_eq!(engine.docker(&["volume", "ls", "-q"]), volumes_before);

    // The flat image's own /etc/hosts is the base's, not the init layer's empty one.
    let saved = engine.scratch("saved").join("flat.tar");
    let saved_text = saved.to_string_lossy().into_owned();
    engine.docker(&["save", "-o", &saved_text, flat]);
    let hosts = hosts_in_saved(&saved);
    assert_eq!(hosts, b"127.0.0.1 fixture\n");

    // The tag exists now: the plan refuses, and so does a run whose plan predates it.
    rt.block_on(async {
        let drydock = Engine::open_host(&engine.host()).await.expect("connects");
        let again = plan(&drydock, IMAGE, None, |_| {}).await.expect("plan");
        let reason = again.refusal.clone().expect("refused");
        assert!(reason.contains("already names image"), "{reason}");
        assert!(reason.contains("--tag"), "{reason}");
        let err = flatten(&drydock, &planned, &work, |_| {})
            .await
            .expect_err("tag taken");
        assert!(matches!(err, FlattenError::TagTaken { .. }), "{err}");
        let mut stale = again.clone();
        stale.refusal = None;
        stale.id = "sha256:0000".into();
        let err = flatten(&drydock, &stale, &work, |_| {})
            .await
            .expect_err("moved");
        assert!(matches!(err, FlattenError::Moved { .. }), "{err}");
    });
    assert_eq!(engine.docker(&["ps", "-aq", "--filter", &label]), "");
}

/// `/etc/hosts` of the only layer of a saved single-image archive.
fn hosts_in_saved(path: &std::path::Path) -> Vec<u8> {
    use std::io::Read;
    let mut outer = tar::Archive::new(std::fs::File::open(path).expect("saved"));
    for entry in outer.entries().expect("entries") {
        let entry = entry.expect("entry");
        let name = entry.path().expect("path").display().to_string();
        if name.ends_with("layer.tar") {
            let mut layer = tar::Archive::new(entry);
            for inner in layer.entries().expect("layer entries") {
                let mut inner = inner.expect("layer entry");
                let inner_name = inner.path().expect("path").display().to_string();
                if inner_name.trim_start_matches("./") == "etc/hosts" {
                    let mut bytes = Vec::new();
                    inner.read_to_end(&mut bytes).expect("hosts");
                    return bytes;
                }
            }
        }
    }
    panic!("no etc/hosts in {}", path.display());
}

#[test]
fn the_plan_counts_the_bytes_shared_with_other_images_and_names_an_untagged_image() {
    let engine = Dockerd::start();
    engine.import_rootfs(BASE, &[]);
    let base_size: u64 = inspect(&engine, BASE, "{{.Size}}").parse().expect("size");
    let untagged = engine.build(
        "drydock-flatten/tmp:1",
        &format!("FROM {BASE}\nRUN head -c 200000 /dev/zero > /payload\n"),
        Builder::Classic,
    );
    // The tag moves to another image: the first one is left without a tag.
    engine.build(
        "drydock-flatten/tmp:1",
        &format!("FROM {BASE}\nRUN head -c 300000 /dev/zero > /payload\n"),
        Builder::Classic,
    );

    let rt = runtime();
    let planned = rt.block_on(async {
        let drydock = Engine::open_host(&engine.host()).await.expect("connects");
        plan(&drydock, &untagged, None, |_| {}).await.expect("plan")
    });
    assert_eq!(planned.tags, Vec::<String>::new());
    assert_eq!(
        planned.new_tag,
        format!("drydock-flat/{}:latest", &untagged[7..19])
    );
    // Its base layer is the base image's, which flattening stops sharing.
    assert_eq!(planned.shared_bytes, base_size);
    assert_eq!(planned.sharing_images, [BASE, "drydock-flatten/tmp:1"]);
    assert_eq!(planned.predicted_saving, 0);
    assert_eq!(planned.refusal, None);
}
