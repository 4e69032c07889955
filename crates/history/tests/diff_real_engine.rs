//! `diff_images` on three builds of one fixture that grow in known ways, on a throwaway engine.
//! Every expected byte count is what the Dockerfile writes (`head -c N` writes N bytes, `printf`
//! its text), never what the tool said before.
//!
//! - v1: `/app/keep` (5,000 bytes), `/app/gone` (3,000) in one layer, `/app/conf` (10) in the next.
//! - v2: the same first step (so the cache shares its layer), `/app/conf` rewritten to 20 bytes,
//!   `/app/big` (80,000) added.
//! - v3: v2, then `/app/gone` removed, and `/app/keep` rewritten in a new layer with the same
//!   bytes: unchanged, although another layer now holds it.

use drydock_engine::{ConnectOptions, Engine, HostEnv, Selection};
use drydock_history::{diff_images, ChangedPath, DiffProgress, ImageDiff, PathBytes};
use drydock_testkit::fixtures::{Builder, BASE};
use drydock_testkit::Dockerd;

const KEEP: usize = 5_000;
const GONE: usize = 3_000;
const BIG: usize = 80_000;

fn first_step() -> String {
    format!(
        "FROM {BASE}\n\
         RUN mkdir /app && head -c {KEEP} /dev/urandom > /app/keep && head -c {GONE} /dev/urandom > /app/gone\n"
    )
}

fn build_versions(engine: &Dockerd) -> [String; 3] {
    engine.base();
    let v1 = engine.build(
        "history/app:1",
        &format!("{}RUN printf 0123456789 > /app/conf\n", first_step()),
        Builder::Classic,
    );
    let v2 = engine.build(
        "history/app:2",
        &format!(
            "{}RUN printf 01234567890123456789 > /app/conf\nRUN head -c {BIG} /dev/urandom > /app/big\n",
            first_step()
        ),
        Builder::Classic,
    );
    let v3 = engine.build(
        "history/app:3",
        "FROM history/app:2\n\
         RUN rm /app/gone\n\
         RUN cp /app/keep /tmp/k && rm /app/keep && cp /tmp/k /app/keep && rm /tmp/k\n",
        Builder::Classic,
    );
    [v1, v2, v3]
}

fn diff(engine: &Dockerd, a: &str, b: &str) -> (ImageDiff, Vec<DiffProgress>) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let selection = Selection {
            host: Some(engine.host()),
            context: None,
        };
        let eng = Engine::open(&selection, &HostEnv::default(), &ConnectOptions::default())
            .await
            .expect("connects");
        let mut heard = Vec::new();
        let diff = diff_images(&eng, a, b, |p| heard.push(p))
            .await
            .expect("diff");
        (diff, heard)
    })
}

fn layer_count(engine: &Dockerd, image: &str) -> usize {
    engine
        .docker(&[
            "image",
            "inspect",
            "--format",
            "{{len .RootFS.Layers}}",
            image,
        ])
        .trim()
        .parse()
        .expect("layer count")
}

#[test]
fn three_builds_differ_by_exactly_the_files_and_bytes_they_wrote() {
    let engine = Dockerd::start();
    let [v1, v2, v3] = build_versions(&engine);

    // v1 -> v2: the base and the first step are shared; conf grew, big is new.
    let (d, heard) = diff(&engine, "history/app:1", "history/app:2");
    assert_eq!(
        (d.a.as_str(), d.b.as_str()),
        ("history/app:1", "history/app:2")
    );
    assert_eq!(
        (d.a_id.as_str(), d.b_id.as_str()),
        (v1.as_str(), v2.as_str())
    );
    assert_eq!(d.shared_layers, 2, "the base and the first RUN");
    assert_eq!(
        d.added,
        vec![PathBytes {
            path: "/app/big".into(),
            bytes: BIG as u64
        }]
    );
    assert!(d.removed.is_empty(), "{:?}", d.removed);
    assert_eq!(
        d.changed,
        vec![ChangedPath {
            path: "/app/conf".into(),
            bytes_before: 10,
            bytes_after: 20
        }]
    );
    assert_eq!(d.size_delta, BIG as i64 + 10);
    // Both reads reported, each to its end.
    for name in ["history/app:1", "history/app:2"] {
        let last = heard
            .iter()
            .rev()
            .find(|p| p.image == name)
            .unwrap_or_else(|| panic!("progress of {name} in {heard:?}"));
        assert!(last.read > 0 && last.read >= last.total / 2, "{last:?}");
    }

    // v2 -> v3: every layer of v2 is shared; gone is removed; keep, rewritten with the same
    // bytes in a new layer, is unchanged.
    let (d, _) = diff(&engine, "history/app:2", "history/app:3");
    assert_eq!(d.b_id, v3);
    assert_eq!(d.shared_layers, layer_count(&engine, "history/app:2"));
    assert!(d.added.is_empty(), "{:?}", d.added);
    assert_eq!(
        d.removed,
        vec![PathBytes {
            path: "/app/gone".into(),
            bytes: GONE as u64
        }]
    );
    assert!(d.changed.is_empty(), "{:?}", d.changed);
    assert_eq!(d.size_delta, -(GONE as i64));

    // v3 -> v1, backwards: the inverse of both steps at once, biggest first.
    let (d, _) = diff(&engine, "history/app:3", "history/app:1");
    assert_eq!(d.shared_layers, 2);
    assert_eq!(
        d.added,
        vec![PathBytes {
            path: "/app/gone".into(),
            bytes: GONE as u64
        }]
    );
    assert_eq!(
        d.removed,
        vec![PathBytes {
            path: "/app/big".into(),
            bytes: BIG as u64
        }]
    );
    assert_eq!(
        d.changed,
        vec![ChangedPath {
            path: "/app/conf".into(),
            bytes_before: 20,
            bytes_after: 10
        }]
    );
    assert_eq!(d.size_delta, GONE as i64 - BIG as i64 - 10);

    // An image against itself: nothing differs.
    let (d, _) = diff(&engine, "history/app:3", &v3);
    assert_eq!(d.shared_layers, layer_count(&engine, "history/app:3"));
    assert!(d.added.is_empty() && d.removed.is_empty() && d.changed.is_empty());
    assert_eq!(d.size_delta, 0);
}

#[test]
fn a_missing_image_is_not_found() {
    let engine = Dockerd::start();
    engine.base();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let err = rt.block_on(async {
        let selection = Selection {
            host: Some(engine.host()),
            context: None,
        };
        let eng = Engine::open(&selection, &HostEnv::default(), &ConnectOptions::default())
            .await
            .expect("connects");
        diff_images(&eng, BASE, "history/nothing:here", |_| {})
            .await
            .expect_err("no such image")
    });
    assert_eq!(err.code(), drydock_engine::ErrorCode::NotFound, "{err}");
}
