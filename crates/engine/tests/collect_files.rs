//! The scanner's read of an image: the engine's export streamed into the layers crate's
//! collector, against a throwaway dockerd.

use drydock_engine::Engine;
use drydock_layers::{CollectLimits, Keep};
use drydock_testkit::fixtures::{Builder, BASE};
use drydock_testkit::Dockerd;

fn keep(path: &str) -> Keep {
    if path.starts_with("/opt/app/") {
        Keep::Whole
    } else if path.starts_with("/bin/") {
        Keep::IfMagic
    } else {
        Keep::No
    }
}

#[test]
fn the_final_filesystem_comes_with_the_layer_and_step_that_wrote_each_file() {
    let engine = Dockerd::start();
    engine.base();
    let tag = "drydock-fixture/collect:1";
    engine.build(
        tag,
        &format!(
            "FROM {BASE}\n\
             RUN mkdir -p /opt/app && echo v1 > /opt/app/version && echo bye > /opt/app/old\n\
             ENV A=b\n\
             RUN echo v2 > /opt/app/version && rm /opt/app/old && ln -s version /opt/app/current\n"
        ),
        Builder::Classic,
    );
    let diff_ids = engine.docker(&[
        "image",
        "inspect",
        "--format",
        "{{range .RootFS.Layers}}{{.}} {{end}}",
        tag,
    ]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let mut reports = 0;
    let collected = runtime
        .block_on(async {
            let eng = Engine::open_host(&engine.host()).await.expect("connects");
            eng.collect_files(tag, keep, &CollectLimits::default(), |_| reports += 1)
                .await
        })
        .expect("collected");
    assert!(reports >= 2, "progress at the start and the end");

    let files: Vec<(&str, usize)> = collected
        .files
        .iter()
        .map(|(path, (layer, _))| (path.as_str(), *layer))
        .collect();
    // The applets are symbolic links to busybox: recorded, not kept as files.
    assert_eq!(
        files,
        vec![("/bin/busybox", 0), ("/opt/app/version", 2)],
        "{:?}",
        collected.skipped
    );
    assert!(collected.files["/bin/busybox"].1.starts_with(b"\x7fELF"));
    assert_eq!(collected.files["/opt/app/version"].1, b"v2\n");
    assert_eq!(
        collected.links.get("/bin/sh").map(String::as_str),
        Some("busybox")
    );
    assert_eq!(
        collected.links.get("/opt/app/current").map(String::as_str),
        Some("version")
    );
    assert!(collected.skipped.is_empty(), "{:?}", collected.skipped);

    let digests: Vec<&str> = collected.layers.iter().map(|l| l.digest.as_str()).collect();
    assert_eq!(digests, diff_ids.split_whitespace().collect::<Vec<_>>());
    assert!(
        collected.layers[1]
            .created_by
            .contains("echo v1 > /opt/app/version"),
        "{:?}",
        collected.layers
    );
    assert!(
        collected.layers[2].created_by.contains("rm /opt/app/old"),
        "{:?}",
        collected.layers
    );
}
