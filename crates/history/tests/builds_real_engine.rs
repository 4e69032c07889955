//! Build history per repository and BuildKit build records on a throwaway engine. Each expected
//! size is the fixture's own: the base image's size as the engine reports it plus the bytes the
//! build step writes (`head -c N` writes N bytes; the engine counts regular files' bytes only).

use bytes::Bytes;
use drydock_engine::{BuildOptions, BuilderKind, ConnectOptions, Engine, HostEnv, Selection};
use drydock_history::{
    build_records, record_seen, repositories, repository_history, seen_now, seen_now_known,
};
use drydock_store::Store;
use drydock_testkit::fixtures::{Builder, BASE};
use drydock_testkit::Dockerd;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Bytes each build of `myapp` writes on the base: growing by known amounts.
const PAYLOADS: [u64; 3] = [1_000, 4_000, 10_000];

async fn connect(engine: &Dockerd) -> Engine {
    let selection = Selection {
        host: Some(engine.host()),
        context: None,
    };
    Engine::open(&selection, &HostEnv::default(), &ConnectOptions::default())
        .await
        .expect("connects")
}

fn inspect(engine: &Dockerd, format: &str, image: &str) -> String {
    engine.docker(&["image", "inspect", "--format", format, image])
}

#[test]
fn three_builds_in_order_with_exact_sizes_deltas_and_the_removed_one_kept() {
    let engine = Dockerd::start();
    let ids: Vec<String> = PAYLOADS
        .iter()
        .enumerate()
        .map(|(n, bytes)| engine.build_in_turn(&format!("myapp:{}", n + 1), *bytes as usize))
        .collect();
    let base_size: u64 = inspect(&engine, "{{.Size}}", BASE).parse().expect("size");
    let base_layers: usize = inspect(&engine, "{{len .RootFS.Layers}}", BASE)
        .parse()
        .expect("layers");
    let store = Mutex::new(Store::in_memory().expect("store"));
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let eng = connect(&engine).await;
        let seen = seen_now(&eng).await.expect("seen");
        record_seen(&store, &seen, 100).expect("record");
        engine.docker(&["rmi", "myapp:1"]);
        let seen = seen_now(&eng).await.expect("seen again");
        assert!(seen.iter().all(|s| s.id != ids[0]), "myapp:1 is gone");
        record_seen(&store, &seen, 200).expect("record again");
        // From the store's layers: the same images, with no layer read for the kept ones.
        let mut known = seen_now_known(&eng, &store, None).await.expect("known");
        let mut fresh = seen;
        known.sort_by(|a, b| a.id.cmp(&b.id));
        fresh.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(known, fresh);
    });

    let history = repository_history(&store, "myapp").expect("history");
    assert_eq!(history.repository, "myapp");
    let got: Vec<&str> = history.builds.iter().map(|b| b.image.id.as_str()).collect();
    assert_eq!(got, ids.iter().map(String::as_str).collect::<Vec<_>>());
    let sizes: Vec<u64> = history.builds.iter().map(|b| b.image.size).collect();
    assert_eq!(sizes, PAYLOADS.map(|p| base_size + p));
    let deltas: Vec<Option<i64>> = history.builds.iter().map(|b| b.size_delta).collect();
    assert_eq!(deltas, [None, Some(3_000), Some(6_000)]);
    let shared: Vec<Option<usize>> = history.builds.iter().map(|b| b.shared_layers).collect();
    assert_eq!(shared, [None, Some(base_layers), Some(base_layers)]);
    for (n, build) in history.builds.iter().enumerate() {
        assert_eq!(build.image.tags, [format!("myapp:{}", n + 1)]);
        assert_eq!(build.image.layers.len(), base_layers + 1);
        assert_eq!(build.image.first_seen, 100);
    }
    let first = &history.builds[0].image;
    assert!(!first.present, "myapp:1 was removed");
    assert_eq!(first.last_seen, 100);
    assert!(history.builds[1..]
        .iter()
        .all(|b| b.image.present && b.image.last_seen == 200));

    let all = repositories(&store).expect("all");
    let myapp = all
        .iter()
        .find(|r| r.repository == "myapp")
        .expect("myapp listed");
    assert_eq!(myapp, &history);
}

/// Builds made back to back, without waiting.
const MAX_QUICK_BUILDS: usize = 40;

/// The image's created time as the engine's inspect gives it, in Unix nanoseconds.
fn created_nanos(engine: &Dockerd, image: &str) -> i64 {
    let text = inspect(engine, "{{.Created}}", image);
    chrono::DateTime::parse_from_rfc3339(&text)
        .unwrap_or_else(|e| panic!("created time {text:?}: {e}"))
        .timestamp_nanos_opt()
        .expect("within range")
}

/// Two builds within one second whose ids sort the other way round: ordering by whole seconds,
/// then by id, would put the later one first.
fn id_order_would_mislead(built: &[(String, i64)]) -> bool {
    const SECOND: i64 = 1_000_000_000;
    built.iter().enumerate().any(|(n, (earlier, at))| {
        built[n + 1..]
            .iter()
            .any(|(later, later_at)| later_at / SECOND == at / SECOND && later < earlier)
    })
}

#[test]
fn builds_made_within_one_second_stay_in_build_order() {
    let engine = Dockerd::start();
    engine.base();
    // A label-only step commits without running a container: several builds fit in a second.
    let mut built: Vec<(String, i64)> = Vec::new();
    while !id_order_would_mislead(&built) {
        assert!(
            built.len() < MAX_QUICK_BUILDS,
            "no two of {MAX_QUICK_BUILDS} quick builds shared a second with their ids reversed"
        );
        let n = built.len();
        let dockerfile = format!("FROM {BASE}\nLABEL build={n}\n");
        let id = engine.build(&format!("quick:{n}"), &dockerfile, Builder::Classic);
        let at = created_nanos(&engine, &id);
        built.push((id, at));
    }
    assert!(
        built.windows(2).all(|w| w[0].1 < w[1].1),
        "the engine's created times follow the build order: {built:?}"
    );

    let store = Mutex::new(Store::in_memory().expect("store"));
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let eng = connect(&engine).await;
        // All in one sample, as the app records them: their first sightings are equal too.
        let seen = seen_now_known(&eng, &store, None).await.expect("seen");
        record_seen(&store, &seen, 100).expect("record");
    });
    let history = repository_history(&store, "quick").expect("history");
    let got: Vec<&str> = history.builds.iter().map(|b| b.image.id.as_str()).collect();
    let want: Vec<&str> = built.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(got, want);
    assert!(history.builds.iter().all(|b| b.image.first_seen == 100));
}

/// A context tar holding only `Dockerfile`.
fn context(dockerfile: &str) -> Vec<std::io::Result<Bytes>> {
    let mut tar = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(dockerfile.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    tar.append_data(&mut header, "Dockerfile", dockerfile.as_bytes())
        .expect("tar entry");
    vec![Ok(Bytes::from(tar.into_inner().expect("tar")))]
}

#[test]
fn a_buildkit_build_leaves_records_newest_use_first() {
    let engine = Dockerd::start();
    engine.base();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let eng = connect(&engine).await;
        assert!(
            build_records(&eng).await.expect("records").is_empty(),
            "a fresh engine has no build cache"
        );
        let options = BuildOptions {
            dockerfile: "Dockerfile".into(),
            tags: vec!["records/app:1".into()],
            labels: BTreeMap::new(),
            network: Some("none".into()),
            builder: BuilderKind::BuildKit,
            ..BuildOptions::default()
        };
        let dockerfile = format!("FROM {BASE}\nRUN head -c 4242 /dev/zero > /payload\n");
        eng.build(
            futures_util::stream::iter(context(&dockerfile)),
            &options,
            &mut |_| {},
        )
        .await
        .expect("BuildKit build");
        let records = build_records(&eng).await.expect("records");
        assert!(!records.is_empty());
        let run = records
            .iter()
            .find(|r| r.description.contains("head -c 4242"))
            .unwrap_or_else(|| panic!("the RUN step's record in {records:#?}"));
        assert!(run.size >= 4242, "{run:?}");
        assert!(run.created.is_some(), "{run:?}");
        assert!(!run.id.is_empty());
        let built = engine.docker(&["image", "inspect", "--format", "{{.Id}}", "records/app:1"]);
        assert_eq!(run.image.as_deref(), Some(built.as_str()), "{run:?}");
        // The build's other records (its context, the base) produced no image layer of theirs.
        assert!(
            records.iter().filter(|r| r.image.is_some()).count() == 1,
            "{records:#?}"
        );
        let used: Vec<Option<i64>> = records.iter().map(|r| r.last_used.or(r.created)).collect();
        assert!(
            used.windows(2).all(|w| w[0] >= w[1]),
            "newest use first: {used:?}"
        );
    });
}
