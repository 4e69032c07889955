//! Engine access against a throwaway dockerd: connection, exact figures, shared df calls.

use drydock_engine::{ConnectOptions, Engine, EngineError, HostEnv, Selection};
use drydock_testkit::fixtures::{Builder, InventoryHost, BASE};
use drydock_testkit::{runtime, Dockerd};
use std::sync::Arc;
use std::time::Duration;

/// `docker system df`'s reclaimable: all layers minus what in-use images hold alone.
fn docker_cli_reclaimable(usage: &drydock_inventory::DiskUsage) -> i64 {
    let used: i64 = usage
        .images
        .iter()
        .filter(|i| i.containers > 0)
        .map(|i| i.size - i.shared_size)
        .sum();
    usage.layers_size - used
}

#[test]
fn connects_with_the_old_api_and_names_the_engine() {
    let engine = Dockerd::start();
    runtime().block_on(async {
        let eng = Engine::open_host(&engine.host()).await.expect("connects");
        assert_eq!(
            eng.server().api_version,
            "1.41",
            "the Debian engine the tests run"
        );
        let status = eng.status().await.expect("status");
        assert_eq!(status.endpoint, engine.host());
        assert_eq!(status.source, "--host");
        assert_eq!(status.data_root, engine.data_root().display().to_string());
        assert!(status.version.starts_with("20.10"), "{status:?}");
    });
}

#[test]
fn image_rows_carry_the_engines_exact_figures() {
    let engine = Dockerd::start();
    let host = InventoryHost::create(&engine);
    runtime().block_on(async {
        let eng = Engine::open_host(&engine.host()).await.expect("connects");
        let rows = eng.images().await.expect("images");
        assert_eq!(rows.len(), 8, "{rows:#?}");
        for row in &rows {
            let size: i64 = engine
                .docker(&["image", "inspect", "--format", "{{.Size}}", &row.id])
                .parse()
                .expect("size");
            assert_eq!(row.size, size, "size of {:?}", row.tags);
            assert_eq!(row.unique_size, row.size - row.shared_size);
            assert!(
                row.tags.iter().all(|t| !t.contains("<none>")),
                "{:?}",
                row.tags
            );
        }
        let by_id = |id: &str| {
            rows.iter()
                .find(|r| r.id == id)
                .unwrap_or_else(|| panic!("{id} listed"))
        };
        let dangling = by_id(&host.dangling);
        assert!(dangling.dangling && dangling.tags.is_empty());
        assert_eq!(by_id(&host.leaf_used).containers, 1);
        assert_eq!(
            by_id(&host.base).containers,
            1,
            "the running container uses the base"
        );
        assert_eq!(by_id(&host.leaf_unused).containers, 0);
        assert_eq!(
            by_id(&host.alone).shared_size,
            0,
            "the lone import shares nothing"
        );
        assert_eq!(by_id(&host.alone).unique_size, by_id(&host.alone).size);
        // mid's own layers are all shared with the leaves built on it
        assert_eq!(by_id(&host.mid).unique_size, 0);
        assert_eq!(
            by_id(&host.mid).tags,
            vec!["drydock-fixture/mid:1".to_string()]
        );
        assert!(
            rows.windows(2).all(|w| w[0].created >= w[1].created),
            "newest first"
        );
        let _ = &host.buildkit;
    });
}

/// The central promise: what df calls reclaimable is what removing the unused objects frees.
#[test]
fn reclaimable_bytes_are_what_pruning_really_frees() {
    let engine = Dockerd::start();
    let host = InventoryHost::create(&engine);
    let rt = runtime();
    let eng = rt
        .block_on(Engine::open_host(&engine.host()))
        .expect("connects");
    let before = rt.block_on(eng.df()).expect("df");

    // Docker's figure counts layers shared with images in use; ours must not.
    let docker_says = docker_cli_reclaimable(&rt.block_on(eng.disk_usage()).expect("df"));
    assert!(before.images.reclaimable > 0);
    assert!(
        docker_says > before.images.reclaimable,
        "docker {docker_says} vs exact {}",
        before.images.reclaimable
    );

    engine.docker(&["image", "prune", "--all", "--force"]);
    let after = rt.block_on(eng.df()).expect("df after image prune");
    assert_eq!(
        before.images.size - after.images.size,
        before.images.reclaimable,
        "images: predicted vs freed"
    );
    assert_eq!(after.images.reclaimable, 0);
    // mid loses its tag but stays on as leaf-used's parent, no longer a top-level image
    assert_eq!(after.images.count, 2, "base and leaf-used stay: {after:?}");

    engine.docker(&["container", "prune", "--force"]);
    let after_c = rt.block_on(eng.df()).expect("df after container prune");
    assert_eq!(
        before.containers.reclaimable, 70_000,
        "the exited container wrote 70 kB"
    );
    assert_eq!(
        before.containers.size - after_c.containers.size,
        before.containers.reclaimable
    );
    assert_eq!(
        (after_c.containers.count, after_c.containers.active),
        (1, 1)
    );

    engine.docker(&["volume", "prune", "--force"]);
    let after_v = rt.block_on(eng.df()).expect("df after volume prune");
    assert_eq!(before.volumes.reclaimable, 40_000);
    assert_eq!(
        before.volumes.size - after_v.volumes.size,
        before.volumes.reclaimable
    );
    assert_eq!(after_v.volumes.count, 1, "the mounted volume stays");

    engine.docker(&["builder", "prune", "--all", "--force"]);
    let after_b = rt.block_on(eng.df()).expect("df after builder prune");
    assert_eq!(
        before.build_cache.size - after_b.build_cache.size,
        before.build_cache.reclaimable
    );
    assert!(before.build_cache.count > 0 && after_b.build_cache.count < before.build_cache.count);
    let _ = host;
}

#[test]
fn engine_reclaimable_overcounts_where_drydock_is_exact() {
    // Two unused images on one base that a running container uses: the engine adds the unused
    // images' sizes; only their own layers come back.
    let engine = Dockerd::start();
    engine.base();
    for (tag, kb) in [("drydock-fixture/a:1", 10), ("drydock-fixture/b:1", 20)] {
        engine.build(
            tag,
            &format!("FROM {BASE}\nRUN head -c {kb}000 /dev/zero > /f\n"),
            Builder::Classic,
        );
    }
    engine.run_detached("keeps-base", BASE, &[]);
    let rt = runtime();
    let eng = rt
        .block_on(Engine::open_host(&engine.host()))
        .expect("connects");
    let report = rt.block_on(eng.df()).expect("df");
    assert_eq!(report.images.reclaimable, 30_000);
    let docker_says = docker_cli_reclaimable(&rt.block_on(eng.disk_usage()).expect("df"));
    assert!(
        docker_says > report.images.reclaimable + 1_000_000,
        "docker {docker_says} counts the busybox base in use"
    );
}

#[test]
fn concurrent_callers_share_one_df_call() {
    let engine = Dockerd::start();
    engine.base();
    let rt = runtime();
    let eng = Arc::new(
        rt.block_on(Engine::open_host(&engine.host()))
            .expect("connects"),
    );
    let results = rt.block_on(async {
        let calls = (0..6).map(|_| {
            let eng = Arc::clone(&eng);
            tokio::spawn(async move { eng.disk_usage().await })
        });
        futures_join(calls).await
    });
    let first = results[0].as_ref().expect("df ok");
    for r in &results {
        // every caller got an answer (20.10 fails overlapping df calls) and shared a fetched one
        let usage = r.as_ref().expect("df ok");
        assert_eq!(usage.images.len(), 1);
    }
    let shared = results
        .iter()
        .filter(|r| Arc::ptr_eq(r.as_ref().expect("ok"), first))
        .count();
    assert!(
        shared >= 2,
        "callers waiting on an in-flight df reuse its answer"
    );
    // A call made after the last one finished asks the engine again.
    let later = rt.block_on(eng.disk_usage()).expect("df");
    assert!(!Arc::ptr_eq(&later, first));
}

async fn futures_join<T>(handles: impl Iterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for h in handles.collect::<Vec<_>>() {
        out.push(h.await.expect("task"));
    }
    out
}

#[test]
fn history_marks_metadata_steps_and_keeps_zero_byte_layers() {
    let engine = Dockerd::start();
    engine.base();
    let id = engine.build(
        "drydock-fixture/history:1",
        &format!("FROM {BASE}\nRUN head -c 4096 /dev/zero > /f\nENV A=b\nRUN mkdir /made\nRUN true\nLABEL x=y\n"),
        Builder::Classic,
    );
    let rt = runtime();
    let eng = rt
        .block_on(Engine::open_host(&engine.host()))
        .expect("connects");
    let rows = rt
        .block_on(eng.history("drydock-fixture/history:1"))
        .expect("history");
    let summary: Vec<(i64, bool)> = rows.iter().map(|r| (r.size, r.empty_layer)).collect();
    // newest first: LABEL, RUN true (changes nothing: no layer), RUN mkdir (a layer of zero
    // bytes), ENV, RUN head, the import
    assert_eq!(rows[0].id, id);
    assert!(rows[0].created_by.contains("LABEL x=y"), "{:?}", rows[0]);
    assert_eq!(
        summary[..5],
        [(0, true), (0, true), (0, false), (0, true), (4096, false)]
    );
    assert!(!rows.last().expect("import").empty_layer);

    let err = rt
        .block_on(eng.history("no-such-image:1"))
        .expect_err("missing image");
    assert_eq!(err.code(), drydock_engine::ErrorCode::NotFound);
    assert!(err.to_string().contains("no-such-image"), "{err}");
}

#[test]
fn a_stopped_container_keeps_its_volumes_labels_and_custom_network() {
    let engine = Dockerd::start();
    engine.base();
    let network = engine.docker(&[
        "network",
        "create",
        "--internal",
        "--label",
        "team=infra",
        "fixture-net",
    ]);
    let bind = tempfile::tempdir().expect("tempdir");
    let bind_mount = format!("{}:/host", bind.path().display());
    // Run, not just create: the engine records a network's id on the container when it starts.
    engine.docker(&[
        "run",
        "--name",
        "stopped",
        "--network",
        "fixture-net",
        "--label",
        "role=worker",
        "-v",
        "fixture-data:/data",
        "-v",
        &bind_mount,
        BASE,
        "true",
    ]);
    let id = engine.docker(&["inspect", "--format", "{{.Id}}", "stopped"]);
    assert_eq!(
        engine.docker(&["inspect", "--format", "{{.State.Status}}", "stopped"]),
        "exited"
    );
    let rt = runtime();
    let eng = rt
        .block_on(Engine::open_host(&engine.host()))
        .expect("connects");
    let (containers, networks) = rt
        .block_on(async { tokio::try_join!(eng.containers_all(), eng.networks()) })
        .expect("lists");

    let listed = containers
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("stopped container listed: {containers:#?}"));
    // The bind mount holds no volume.
    assert_eq!(listed.volumes, ["fixture-data"]);
    assert_eq!(listed.networks, std::slice::from_ref(&network));
    assert_eq!(
        listed.labels.get("role").map(String::as_str),
        Some("worker")
    );

    let net = networks
        .iter()
        .find(|n| n.id == network)
        .unwrap_or_else(|| panic!("custom network listed: {networks:#?}"));
    assert_eq!(
        (net.name.as_str(), net.driver.as_str()),
        ("fixture-net", "bridge")
    );
    assert_eq!(net.labels.get("team").map(String::as_str), Some("infra"));
    let created: i64 = engine
        .docker(&[
            "network",
            "inspect",
            "--format",
            "{{.Created.Unix}}",
            "fixture-net",
        ])
        .parse()
        .expect("created");
    assert_eq!(net.created, Some(created));
    assert!(networks.iter().any(|n| n.name == "none"), "{networks:#?}");
}

#[test]
fn a_socket_with_nobody_listening_says_the_engine_is_not_running() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("dead.sock");
    drop(std::os::unix::net::UnixListener::bind(&path).expect("bind"));
    let err = runtime()
        .block_on(Engine::open_host(&format!("unix://{}", path.display())))
        .err()
        .expect("refused");
    assert!(matches!(err, EngineError::NotRunning { .. }), "{err:?}");
    assert!(err.to_string().contains("no engine is listening"), "{err}");
}

#[test]
fn a_missing_socket_says_where_it_looked() {
    let err = runtime()
        .block_on(Engine::open_host("unix:///nonexistent/drydock/docker.sock"))
        .err()
        .expect("missing");
    assert!(matches!(err, EngineError::NotFound { .. }), "{err:?}");
    assert!(
        err.to_string().contains("/nonexistent/drydock/docker.sock"),
        "{err}"
    );
}

#[test]
fn an_engine_that_never_answers_times_out_with_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("silent.sock");
    // Accepts connections (the kernel queues them) but never answers.
    let _listener = std::os::unix::net::UnixListener::bind(&path).expect("bind");
    let opts = ConnectOptions {
        answer_within: Duration::from_millis(500),
        ..ConnectOptions::default()
    };
    let selection = Selection {
        host: Some(format!("unix://{}", path.display())),
        context: None,
    };
    let err = runtime()
        .block_on(Engine::open(&selection, &HostEnv::default(), &opts))
        .err()
        .expect("times out");
    assert!(matches!(err, EngineError::NotAnswering { .. }), "{err:?}");
    assert!(
        err.to_string().contains("did not answer within 0.5s"),
        "{err}"
    );
}
