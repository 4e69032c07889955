//! Each tip kind on images a throwaway engine built: the exact bytes every tip counts, where it
//! points (paths, layer, step), and that no secret the image holds reaches the report.

use drydock_engine::Engine;
use drydock_store::Store;
use drydock_testkit::fixtures::{Builder, BASE};
use drydock_testkit::Dockerd;
use drydock_tips::{Read, Tip, TipKind, TipsReport};
use std::sync::Mutex;

/// The tips of `name` as the app and the CLI get them: the one read of the export, through a
/// fresh store.
fn read_tips(engine: &Dockerd, name: &str) -> TipsReport {
    read_tips_twice(engine, name).0
}

/// The tips of `name` read from the export, then again from the facts the store kept of it.
fn read_tips_twice(engine: &Dockerd, name: &str) -> (TipsReport, TipsReport) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let eng = Engine::open_host(&engine.host()).await.expect("connects");
        let store = Mutex::new(Store::in_memory().expect("store"));
        let (first, how) = drydock_tips::image_tips(&eng, &store, name, 0, |_| {})
            .await
            .expect("tips");
        assert_eq!(how, Read::Exported);
        let (again, how) = drydock_tips::image_tips(&eng, &store, name, 1, |_| {})
            .await
            .expect("tips again");
        assert_eq!(how, Read::Kept);
        (first, again)
    })
}

/// Deterministic bytes that no other fixture file shares (so only the copies made on purpose
/// are duplicates).
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

const NPM_SECRET: &str = "s3cr3t-npm-token-4a1b";
const KEY_SECRET: &str = "s3cr3t-key-body-77c2";
const ENV_SECRET: &str = "s3cr3t-env-value-5d3e";
const ARG_SECRET: &str = "s3cr3t-arg-value-9f0a";

const APT_LIST: usize = 123_456;
const PIP_CACHE: usize = 23_456;
const HIDDEN: usize = 700_000;
const DEV_HEADER: usize = 1_000;
const DEV_ARCHIVE: usize = 20_000;
const GO_BINARY: usize = 4_000;
const JAVAC: usize = 500;
const JMOD: usize = 9_000;
const JEST: usize = 6_000;
const EXPRESS: usize = 1_000;
const DUPLICATE: usize = 8_000;
const ARCHIVE: usize = 5_000;
const GIT_PACK: usize = 3_000;
const CORE: usize = 70_000;

fn dockerfile() -> String {
    format!(
        "FROM tips/base:1\n\
         COPY ctx/ /\n\
         RUN mkdir -p /var/lib/apt/lists /root/.cache/pip/http \
             && head -c {APT_LIST} /dev/urandom > /var/lib/apt/lists/deb_Packages \
             && head -c {PIP_CACHE} /dev/urandom > /root/.cache/pip/http/blob\n\
         RUN head -c {HIDDEN} /dev/urandom > /tmp/big && head -c {DUPLICATE} /dev/urandom > /data.bin\n\
         RUN rm /tmp/big /root/.npmrc && cp /data.bin /copy.bin\n\
         RUN mkdir -p /usr/local/go/bin /opt/tool /app/.git \
             && head -c {GO_BINARY} /dev/urandom > /usr/local/go/bin/go \
             && head -c {ARCHIVE} /dev/urandom > /opt/tool.tar.gz \
             && head -c {GIT_PACK} /dev/urandom > /app/.git/pack \
             && head -c {CORE} /dev/urandom > /app/core.123\n\
         ENV API_KEY={ENV_SECRET}\n\
         ARG NPM_TOKEN={ARG_SECRET}\n\
         RUN echo built > /built\n"
    )
}

fn context() -> Vec<(String, Vec<u8>)> {
    let key = format!(
        "-----BEGIN OPENSSH PRIVATE KEY-----\n{KEY_SECRET}\n-----END OPENSSH PRIVATE KEY-----\n"
    );
    vec![
        (
            "ctx/var/lib/dpkg/status".into(),
            b"Package: libfoo-dev\nStatus: install ok installed\nInstalled-Size: 21\n\n\
              Package: libfoo1\nStatus: install ok installed\n\n"
                .to_vec(),
        ),
        (
            "ctx/var/lib/dpkg/info/libfoo-dev:amd64.list".into(),
            b"/.\n/usr\n/usr/include\n/usr/include/foo.h\n/usr/lib\n/usr/lib/libfoo.a\n".to_vec(),
        ),
        ("ctx/usr/include/foo.h".into(), noise(DEV_HEADER, 1)),
        ("ctx/usr/lib/libfoo.a".into(), noise(DEV_ARCHIVE, 2)),
        ("ctx/usr/lib/libfoo.so.1".into(), noise(3_000, 3)),
        ("ctx/opt/jdk/bin/javac".into(), noise(JAVAC, 4)),
        ("ctx/opt/jdk/bin/java".into(), noise(300, 5)),
        ("ctx/opt/jdk/jmods/java.base.jmod".into(), noise(JMOD, 6)),
        ("ctx/opt/jdk/lib/modules".into(), noise(7_000, 7)),
        (
            "ctx/app/package.json".into(),
            br#"{"name":"app","dependencies":{"express":"4"},"devDependencies":{"jest":"29"}}"#
                .to_vec(),
        ),
        ("ctx/app/node_modules/jest/index.js".into(), noise(JEST, 8)),
        (
            "ctx/app/node_modules/express/index.js".into(),
            noise(EXPRESS, 9),
        ),
        ("ctx/root/.ssh/id_rsa".into(), key.into_bytes()),
        (
            "ctx/root/.npmrc".into(),
            format!("//registry.example/:_authToken={NPM_SECRET}\n").into_bytes(),
        ),
    ]
}

fn npmrc_len() -> u64 {
    format!("//registry.example/:_authToken={NPM_SECRET}\n").len() as u64
}

/// Layers of the image, lowest first: the busybox import, the base's RUN, then the steps above.
const COPY_LAYER: usize = 2;
const CACHE_LAYER: usize = 3;
const BIG_LAYER: usize = 4;
const RM_LAYER: usize = 5;
const LEFTOVER_LAYER: usize = 6;
const BUILT_LAYER: usize = 7;

fn tip<'r>(report: &'r TipsReport, kind: TipKind, title_part: &str) -> &'r Tip {
    report
        .tips
        .iter()
        .find(|t| t.kind == kind && t.title.contains(title_part))
        .unwrap_or_else(|| panic!("a {kind:?} tip titled …{title_part}… in {:#?}", report.tips))
}

fn image_size(engine: &Dockerd, name: &str) -> u64 {
    engine
        .docker(&["image", "inspect", "--format", "{{.Size}}", name])
        .trim()
        .parse()
        .expect("image size")
}

#[test]
fn every_tip_kind_with_its_exact_bytes() {
    let engine = Dockerd::start();
    engine.base();
    engine.build(
        "tips/base:1",
        &format!("FROM {BASE}\nRUN head -c 200000 /dev/urandom > /base.bin\n"),
        Builder::Classic,
    );
    engine.build(
        "tips/base:1-slim",
        &format!("FROM {BASE}\nRUN head -c 1000 /dev/urandom > /base.bin\n"),
        Builder::Classic,
    );
    let context = context();
    let files: Vec<(&str, &[u8])> = context
        .iter()
        .map(|(path, bytes)| (path.as_str(), bytes.as_slice()))
        .collect();
    engine.build_in("tips/kinds:1", &dockerfile(), &files, Builder::Classic);

    let (report, again) = read_tips_twice(&engine, "tips/kinds:1");
    // The facts the store keeps give the same tips as the export they were read from.
    assert_eq!(again, report);
    let json = serde_json::to_string(&report).expect("report serializes");
    for secret in [NPM_SECRET, KEY_SECRET, ENV_SECRET, ARG_SECRET] {
        assert!(!json.contains(secret), "{secret} leaked into {json}");
    }
    assert!(
        !json.contains("s3cr3t"),
        "part of a secret leaked into {json}"
    );

    let apt = tip(&report, TipKind::PackageCache, "apt");
    assert_eq!(apt.bytes, APT_LIST as u64);
    assert!(apt.exact);
    assert_eq!(apt.layer, Some(CACHE_LAYER));
    assert!(
        apt.step
            .as_deref()
            .is_some_and(|s| s.contains("head -c 123456")),
        "{apt:?}"
    );
    assert_eq!(apt.paths[0].path, "/var/lib/apt/lists");
    let pip = tip(&report, TipKind::PackageCache, "pip");
    assert_eq!(pip.bytes, PIP_CACHE as u64);
    assert_eq!(pip.paths[0].path, "/root/.cache/pip");

    let hidden = tip(&report, TipKind::HiddenBytes, "");
    assert_eq!(hidden.bytes, HIDDEN as u64 + npmrc_len());
    assert_eq!(hidden.layer, Some(BIG_LAYER));
    assert!(
        hidden.title.contains(&format!("layer {RM_LAYER}")),
        "{}",
        hidden.title
    );
    assert_eq!(hidden.paths[0].path, "/tmp/big");

    let dpkg = tip(&report, TipKind::BuildTools, "apt: libfoo-dev");
    assert_eq!(dpkg.bytes, (DEV_HEADER + DEV_ARCHIVE) as u64);
    assert!(dpkg.exact);
    assert_eq!(dpkg.layer, Some(COPY_LAYER));
    let go = tip(&report, TipKind::BuildTools, "/usr/local/go");
    assert_eq!(go.bytes, GO_BINARY as u64);
    assert!(go.exact);
    let jdk = tip(&report, TipKind::BuildTools, "/opt/jdk");
    assert_eq!(jdk.bytes, (JAVAC + JMOD) as u64);
    assert!(!jdk.exact && jdk.estimate.is_some());
    let node = tip(&report, TipKind::BuildTools, "/app/package.json");
    assert_eq!(node.bytes, JEST as u64);
    assert!(node.exact);

    let duplicate = tip(&report, TipKind::DuplicateFiles, "");
    assert_eq!(duplicate.bytes, DUPLICATE as u64);
    assert_eq!(duplicate.paths.len(), 1);
    assert_eq!(duplicate.paths[0].path, "/copy.bin");
    assert_eq!(duplicate.paths[0].layer, RM_LAYER);

    let archive = tip(&report, TipKind::BuildLeftovers, "Archives");
    assert_eq!(archive.bytes, ARCHIVE as u64);
    assert_eq!(archive.paths[0].path, "/opt/tool.tar.gz");
    assert_eq!(archive.layer, Some(LEFTOVER_LAYER));
    assert_eq!(
        tip(&report, TipKind::BuildLeftovers, ".git").bytes,
        GIT_PACK as u64
    );
    assert_eq!(
        tip(&report, TipKind::BuildLeftovers, "Core").bytes,
        CORE as u64
    );

    let share = tip(&report, TipKind::BaseImage, "Base image tips/base:1");
    assert_eq!(share.bytes, 0);
    assert_eq!(share.layer, Some(1));
    let switch = tip(&report, TipKind::BaseImage, "tips/base:1-slim");
    let expected_switch =
        image_size(&engine, "tips/base:1") - image_size(&engine, "tips/base:1-slim");
    assert_eq!(switch.bytes, expected_switch);
    assert!(!switch.exact);

    assert_eq!(tip(&report, TipKind::RunsAsRoot, "").bytes, 0);
    let key = tip(&report, TipKind::SecretInFile, "Private keys");
    assert!(key.title.contains("/root/.ssh/id_rsa"));
    assert_eq!(key.bytes, 0);
    let deleted = tip(&report, TipKind::SecretInFile, "/root/.npmrc");
    assert_eq!(deleted.paths[0].layer, COPY_LAYER);
    assert!(tip(&report, TipKind::SecretInConfig, "env")
        .title
        .ends_with("API_KEY"));
    let history = tip(&report, TipKind::SecretInConfig, "history");
    assert!(history.title.ends_with("NPM_TOKEN"), "{}", history.title);
    // The RUN that saw the build argument, its value masked.
    assert_eq!(history.layer, Some(BUILT_LAYER));
    assert!(
        history
            .step
            .as_deref()
            .is_some_and(|s| s.contains("NPM_TOKEN=***") && s.contains("echo built")),
        "{history:?}"
    );

    // Nothing overlaps here: each tip's bytes once, plus the switch of base.
    let expected = [
        APT_LIST,
        PIP_CACHE,
        HIDDEN,
        DEV_HEADER,
        DEV_ARCHIVE,
        GO_BINARY,
        JAVAC,
        JMOD,
        JEST,
        DUPLICATE,
        ARCHIVE,
        GIT_PACK,
        CORE,
    ]
    .iter()
    .map(|n| *n as u64)
    .sum::<u64>()
        + npmrc_len()
        + expected_switch;
    assert_eq!(report.could_save, expected);
}

#[test]
fn an_image_with_a_user_and_nothing_to_lose_has_no_tips() {
    let engine = Dockerd::start();
    engine.base();
    engine.build(
        "tips/clean:1",
        &format!("FROM {BASE}\nRUN echo hi > /hello\nUSER 10001\n"),
        Builder::Classic,
    );
    let report = read_tips(&engine, "tips/clean:1");
    // Only the base's share, which saves nothing.
    assert!(
        report
            .tips
            .iter()
            .all(|t| t.kind == TipKind::BaseImage && t.bytes == 0),
        "{:#?}",
        report.tips
    );
    assert_eq!(report.could_save, 0);
}

#[test]
fn apk_packages_caches_links_and_env_files() {
    const STDIO: usize = 5_000;
    const LIBC: usize = 12_345;
    const APK_CACHE: usize = 7_777;
    let engine = Dockerd::start();
    engine.base();
    let installed = b"C:Q1abc=\nP:musl\nV:1.2\nF:lib\nR:ld-musl-x86_64.so.1\n\n\
                      C:Q1def=\nP:musl-dev\nV:1.2\nF:usr/include\nR:stdio.h\nF:usr/lib\nR:libc.a\n\n"
        .to_vec();
    let env = format!("DATABASE_URL=postgres://app:{ENV_SECRET}@db/app\n");
    let stdio = noise(STDIO, 11);
    let libc = noise(LIBC, 12);
    let files: Vec<(&str, &[u8])> = vec![
        ("ctx/lib/apk/db/installed", &installed),
        ("ctx/lib/ld-musl-x86_64.so.1", b"runtime"),
        ("ctx/srv/.env", env.as_bytes()),
        ("ctx/usr/include/stdio.h", &stdio),
        ("ctx/usr/lib/libc.a", &libc),
    ];
    engine.build_in(
        "tips/apk:1",
        &format!(
            "FROM {BASE}\n\
             COPY ctx/ /\n\
             RUN mkdir -p /etc/apk/cache && head -c {APK_CACHE} /dev/urandom > /etc/apk/cache/x.apk\n\
             RUN head -c 9000 /dev/urandom > /h1 && ln /h1 /h2 && cp /h1 /h3\n\
             USER 10001\n"
        ),
        &files,
        Builder::Classic,
    );
    let report = read_tips(&engine, "tips/apk:1");
    let json = serde_json::to_string(&report).expect("report serializes");
    assert!(!json.contains(ENV_SECRET), "{json}");

    let apk = tip(&report, TipKind::BuildTools, "apk: musl-dev");
    assert_eq!(apk.bytes, (STDIO + LIBC) as u64);
    assert!(apk.exact);
    let cache = tip(&report, TipKind::PackageCache, "apk");
    assert_eq!(cache.bytes, APK_CACHE as u64);
    assert_eq!(cache.paths[0].path, "/etc/apk/cache");
    // A hard link and a copy made in the same step are not stored again by another layer.
    assert!(
        !report
            .tips
            .iter()
            .any(|t| t.kind == TipKind::DuplicateFiles),
        "{:#?}",
        report.tips
    );
    assert!(!report.tips.iter().any(|t| t.kind == TipKind::RunsAsRoot));
    let env_file = tip(&report, TipKind::SecretInFile, ".env");
    assert!(env_file.title.contains("/srv/.env"));
    assert_eq!(env_file.bytes, 0);
    assert_eq!(report.could_save, (STDIO + LIBC + APK_CACHE) as u64);
}
