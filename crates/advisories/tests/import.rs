//! Imports from files in the real formats (hand-written under tests/data, and the real OSV zips
//! in ../shared when present), then lookups as the matcher makes them.

use drydock_advisories::{
    import, DistroState, Error, Event, ImportReport, Input, Store, MAX_RECORD,
};
use std::io::Write;
use std::path::{Path, PathBuf};

const NOW: i64 = 1_800_000_000;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn import_paths(dir: &Path, paths: &[PathBuf]) -> Result<ImportReport, Error> {
    let inputs: Vec<Input> = paths.iter().map(|p| Input::path(p)).collect();
    import(dir, &inputs, NOW, &mut |_| {})
}

fn open(dir: &Path) -> Store {
    Store::open(dir)
        .expect("store opens")
        .expect("store exists")
}

fn counts(dir: &Path) -> Vec<(String, u64)> {
    open(dir)
        .status()
        .expect("status")
        .sources
        .into_iter()
        .map(|s| (s.name, s.records))
        .collect()
}

fn hand_written() -> Vec<PathBuf> {
    vec![
        data("debian-tracker.json"),
        data("alpine-v3.17-main.json"),
        data("npm-GHSA-dd00-0000-0001.json"),
    ]
}

/// A zip of `entries` (name, text), deflated as OSV's are.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6));
    for (name, text) in entries {
        zip.start_file(*name, opts).expect("entry");
        zip.write_all(text).expect("write");
    }
    zip.finish().expect("finish");
    buf.into_inner()
}

#[test]
fn no_store_yet_is_none_not_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert!(Store::open(dir.path()).expect("open").is_none());
}

#[test]
fn debian_tracker_statuses_by_source_package_and_release() {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = import_paths(dir.path(), &hand_written()).expect("import");
    let names: Vec<(&str, &str, u64)> = report
        .imported
        .iter()
        .map(|s| (s.name.as_str(), s.kind, s.records))
        .collect();
    assert_eq!(
        names,
        [
            ("debian-tracker", "debian-tracker", 4),
            ("alpine/v3.17/main", "alpine-secdb", 5),
            ("osv/GHSA-dd00-0000-0001", "osv", 1)
        ]
    );
    let store = open(dir.path());
    let found = store.for_package("Debian:12", "openssl").expect("lookup");
    let by_id: Vec<(&str, DistroState, Option<&str>, Option<&str>)> = found
        .iter()
        .map(|a| {
            let d = a.distro.as_ref().expect("distro status");
            (
                a.advisory.id.as_str(),
                d.status,
                d.fixed_version.as_deref(),
                d.urgency.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        by_id,
        [
            (
                "CVE-2023-0286",
                DistroState::Fixed,
                Some("3.0.8-1"),
                Some("not yet assigned")
            ),
            ("CVE-2024-9143", DistroState::Deferred, None, Some("low")),
        ]
    );
    assert_eq!(
        found[0].advisory.summary.as_deref(),
        Some("X.400 address type confusion in X.509 GeneralName")
    );
    let bullseye = store.for_package("Debian:11", "openssl").expect("lookup");
    assert_eq!(
        bullseye[1].distro.as_ref().map(|d| d.status),
        Some(DistroState::WillNotFix)
    );
    let zlib = store.for_package("Debian:12", "zlib").expect("lookup");
    let states: Vec<DistroState> = zlib
        .iter()
        .filter_map(|a| a.distro.as_ref().map(|d| d.status))
        .collect();
    assert_eq!(states, [DistroState::NotAffected, DistroState::Open]);
    let buster = store.for_package("Debian:10", "zlib").expect("lookup");
    assert_eq!(
        buster[0].distro.as_ref().map(|d| d.status),
        Some(DistroState::EndOfLife)
    );
    assert_eq!(
        store
            .for_package("Debian:unstable", "openssl")
            .expect("sid")
            .len(),
        1
    );
    // Distro data never answers for another distro or an upstream ecosystem.
    assert!(store
        .for_package("Debian:12", "busybox")
        .expect("lookup")
        .is_empty());
}

#[test]
fn alpine_secfixes_by_origin_and_branch() {
    let dir = tempfile::tempdir().expect("tempdir");
    import_paths(dir.path(), &hand_written()).expect("import");
    let store = open(dir.path());
    let found = store
        .for_package("Alpine:v3.17", "openssl")
        .expect("lookup");
    let rows: Vec<(&str, DistroState, Option<&str>)> = found
        .iter()
        .map(|a| {
            let d = a.distro.as_ref().expect("distro");
            (a.advisory.id.as_str(), d.status, d.fixed_version.as_deref())
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("CVE-2022-1292", DistroState::NotAffected, None),
            ("CVE-2022-3996", DistroState::Fixed, Some("3.0.7-r2")),
            ("CVE-2023-0215", DistroState::Fixed, Some("3.0.8-r0")),
            ("CVE-2023-0286", DistroState::Fixed, Some("3.0.8-r0")),
        ]
    );
    // The same CVE in Debian is another source's advisory, found only under Debian.
    assert!(found
        .iter()
        .all(|a| a.advisory.source == "alpine/v3.17/main"));
    assert!(store
        .for_package("Alpine:v3.18", "openssl")
        .expect("lookup")
        .is_empty());
}

#[test]
fn an_npm_record_keeps_ranges_versions_severity_and_drops_git_ranges() {
    let dir = tempfile::tempdir().expect("tempdir");
    import_paths(dir.path(), &hand_written()).expect("import");
    let store = open(dir.path());
    // npm names are exact: another case is another package.
    assert!(store
        .for_package("npm", "@drydock-test/left-pad")
        .expect("lookup")
        .is_empty());
    let found = store
        .for_package("npm", "@drydock-test/Left-Pad")
        .expect("lookup");
    assert_eq!(found.len(), 1);
    let a = &found[0];
    assert_eq!(a.advisory.aliases, ["CVE-2026-99001"]);
    assert_eq!(a.advisory.vendor_severity.as_deref(), Some("MODERATE"));
    assert_eq!(a.advisory.severity.len(), 1);
    assert_eq!(a.advisory.severity[0].kind, "CVSS_V3");
    assert!(a.advisory.severity[0].score.starts_with("CVSS:3.1/AV:N"));
    assert_eq!(
        a.ranges,
        vec![
            vec![Event::Introduced("0".into()), Event::Fixed("1.4.2".into())],
            vec![
                Event::Introduced("2.0.0".into()),
                Event::LastAffected("2.1.0".into())
            ],
        ]
    );
    assert_eq!(a.versions, ["1.4.0", "1.4.1", "2.0.0", "2.1.0"]);
    assert!(a.distro.is_none());
}

#[test]
fn reimporting_a_source_replaces_its_records_and_keeps_the_others() {
    let dir = tempfile::tempdir().expect("tempdir");
    import_paths(dir.path(), &hand_written()).expect("import");
    let smaller = dir.path().join("tracker-again.json");
    std::fs::write(
        &smaller,
        r#"{"curl": {"CVE-2024-1": {"description": "d", "releases":
            {"bookworm": {"status": "open", "urgency": "high"}}}}}"#,
    )
    .expect("write");
    let report = import_paths(dir.path(), &[smaller]).expect("reimport");
    assert_eq!(
        report.kept,
        ["alpine/v3.17/main", "osv/GHSA-dd00-0000-0001"]
    );
    assert_eq!(
        counts(dir.path()),
        [
            ("alpine/v3.17/main".to_owned(), 5),
            ("debian-tracker".to_owned(), 1),
            ("osv/GHSA-dd00-0000-0001".to_owned(), 1),
        ]
    );
    let store = open(dir.path());
    assert!(store
        .for_package("Debian:12", "openssl")
        .expect("lookup")
        .is_empty());
    assert_eq!(
        store
            .for_package("Debian:12", "curl")
            .expect("lookup")
            .len(),
        1
    );
    // The kept sources' records came across whole.
    assert_eq!(
        store
            .for_package("Alpine:v3.17", "openssl")
            .expect("lookup")
            .len(),
        4
    );
    assert_eq!(store.counts().expect("counts").0, 7);
}

#[test]
fn an_import_that_fails_half_way_leaves_the_previous_store_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    import_paths(dir.path(), &hand_written()).expect("import");
    let before = counts(dir.path());
    let record = std::fs::read(data("npm-GHSA-dd00-0000-0001.json")).expect("record");
    let padding = vec![b' '; 200_000];
    let whole = zip_of(&[
        ("GHSA-dd00-0000-0001.json", &record),
        ("padding.json", &padding),
    ]);
    let truncated = dir.path().join("all.zip");
    std::fs::write(&truncated, &whole[..whole.len() / 2]).expect("write");
    // A good source first, so the new file already holds records when the zip fails.
    let err = import_paths(dir.path(), &[data("alpine-v3.17-main.json"), truncated])
        .expect_err("a truncated zip fails");
    assert!(err.to_string().contains("all.zip"), "{err}");
    assert_eq!(counts(dir.path()), before);
    assert!(!dir.path().join("advisories.sqlite3.new").exists());
    let store = open(dir.path());
    assert_eq!(
        store
            .for_package("Debian:12", "openssl")
            .expect("lookup")
            .len(),
        2
    );
}

#[test]
fn a_bad_entry_deep_in_a_zip_is_named_and_nothing_is_replaced() {
    let dir = tempfile::tempdir().expect("tempdir");
    import_paths(dir.path(), &hand_written()).expect("import");
    let before = counts(dir.path());
    let record = std::fs::read(data("npm-GHSA-dd00-0000-0001.json")).expect("record");
    let bad =
        br#"{"id": "GHSA-bad", "modified": "m", "affected": [{"package": {"ecosystem": 7}}]}"#;
    let zip = dir.path().join("npm.zip");
    std::fs::write(
        &zip,
        zip_of(&[
            ("GHSA-dd00-0000-0001.json", &record),
            ("GHSA-bad.json", bad),
        ]),
    )
    .expect("write");
    let err = import_paths(dir.path(), &[zip]).expect_err("bad entry");
    let text = err.to_string();
    assert!(
        text.contains("npm.zip") && text.contains("GHSA-bad.json"),
        "{text}"
    );
    assert_eq!(counts(dir.path()), before);
}

#[test]
fn a_zip_bomb_stops_at_the_per_record_cap() {
    let dir = tempfile::tempdir().expect("tempdir");
    let zeros = vec![b' '; usize::try_from(MAX_RECORD).expect("fits") + 1024];
    let zip = dir.path().join("bomb.zip");
    let bytes = zip_of(&[("GHSA-big.json", &zeros)]);
    // What arrives is small; what it would decompress to is not.
    assert!(bytes.len() < 200_000, "{}", bytes.len());
    std::fs::write(&zip, bytes).expect("write");
    let err = import_paths(dir.path(), &[zip]).expect_err("too big");
    let text = err.to_string();
    assert!(
        text.contains("GHSA-big.json") && text.contains("larger than"),
        "{text}"
    );
    assert!(Store::open(dir.path()).expect("open").is_none());
}

#[test]
fn a_directory_of_records_is_one_source_named_after_its_ecosystem() {
    let dir = tempfile::tempdir().expect("tempdir");
    let records = dir.path().join("records");
    std::fs::create_dir_all(records.join("2026/11")).expect("mkdir");
    std::fs::copy(
        data("npm-GHSA-dd00-0000-0001.json"),
        records.join("2026/11/GHSA-dd00-0000-0001.json"),
    )
    .expect("copy");
    std::fs::write(
        records.join("GHSA-dd00-0000-0002.json"),
        r#"{"id": "GHSA-dd00-0000-0002", "modified": "m", "affected": [{"package":
            {"ecosystem": "npm", "name": "other"}, "versions": ["1.0.0"]}]}"#,
    )
    .expect("write");
    std::fs::write(
        records.join("GHSA-dd00-0000-0003.json"),
        r#"{"id": "GHSA-dd00-0000-0003", "modified": "m", "withdrawn": "2026-01-01T00:00:00Z"}"#,
    )
    .expect("write");
    std::fs::write(records.join("README.md"), "not a record").expect("write");
    let report = import_paths(dir.path(), &[records]).expect("import");
    assert_eq!(report.imported[0].name, "osv/npm");
    assert_eq!(report.imported[0].records, 2);
    assert_eq!(report.imported[0].withdrawn, 1);
    assert_eq!(
        open(dir.path())
            .for_package("npm", "other")
            .expect("lookup")
            .len(),
        1
    );
}

#[test]
fn hostile_inputs_are_errors_naming_the_file_never_panics() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: &[(&str, &[u8])] = &[
        ("empty.json", b""),
        ("garbage.json", b"\x00\xff\xfe garbage"),
        ("array.json", b"[1, 2, 3]"),
        ("number.json", b"42"),
        ("nested.json", &[b'['; 100_000]),
        (
            "alpine-wrong.json",
            br#"{"distroversion": 3, "reponame": "main", "packages": []}"#,
        ),
        (
            "alpine-pkgs.json",
            br#"{"distroversion": "v3", "reponame": "m", "packages": [{"pkg": 1}]}"#,
        ),
        (
            "debian-wrong.json",
            br#"{"p": {"CVE-1": {"releases": {"bookworm": {"status": 5}}}}}"#,
        ),
        ("osv-wrong.json", br#"{"id": 5, "modified": "m"}"#),
        ("other.json", br#"{"name": "a package.json"}"#),
        ("fake.zip", b"PK\x03\x04 not really a zip"),
    ];
    for (name, bytes) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let err = import_paths(dir.path(), &[path]).expect_err(name);
        assert!(err.to_string().contains(name), "{name}: {err}");
    }
    let err = import_paths(dir.path(), &[dir.path().join("missing.json")]).expect_err("missing");
    assert!(err.to_string().contains("missing.json"), "{err}");
    assert!(Store::open(dir.path()).expect("open").is_none());
}

#[test]
fn a_debian_error_names_the_package_and_the_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("tracker.json");
    std::fs::write(
        &path,
        r#"{"curl": {"CVE-2024-1": {"releases": {"bookworm": {"status": "open"}}}},
            "zlib": {"CVE-2024-2": {"releases": {"bookworm": {"fixed_version": ["x"]}}}}}"#,
    )
    .expect("write");
    let err = import_paths(dir.path(), &[path]).expect_err("bad entry");
    assert!(
        err.to_string().contains("tracker.json: zlib CVE-2024-2"),
        "{err}"
    );
}

#[test]
fn status_tells_sources_and_staleness() {
    let dir = tempfile::tempdir().expect("tempdir");
    import_paths(dir.path(), &hand_written()).expect("import");
    let status = open(dir.path()).status().expect("status");
    assert_eq!(status.sources.len(), 3);
    assert!(status.sources.iter().all(|s| s.imported_at == NOW));
    assert!(status.stale(NOW + 7 * 24 * 3600).is_empty());
    assert_eq!(status.stale(NOW + 7 * 24 * 3600 + 1).len(), 3);
    assert!(status.path.ends_with("advisories.sqlite3"));
}

/// The real OSV zips in ../shared (skipped with a note when absent).
fn shared_zip(ecosystem: &str) -> Option<PathBuf> {
    let path = Path::new("/work/shared/advisories/osv")
        .join(ecosystem)
        .join("all.zip");
    if path.is_file() {
        Some(path)
    } else {
        eprintln!("note: {} is absent; skipped", path.display());
        None
    }
}

#[test]
fn real_osv_zips_import_and_known_records_are_found() {
    let (Some(crates), Some(pypi), Some(go)) = (
        shared_zip("crates.io"),
        shared_zip("PyPI"),
        shared_zip("Go"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let report = import_paths(dir.path(), &[crates, pypi, go]).expect("import");
    let names: Vec<&str> = report.imported.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["osv/crates.io", "osv/PyPI", "osv/Go"]);
    assert!(
        report.imported.iter().all(|s| s.records > 1000),
        "{report:?}"
    );
    let store = open(dir.path());
    let tokio = store.for_package("crates.io", "tokio").expect("lookup");
    let rustsec = tokio
        .iter()
        .find(|a| a.advisory.id == "RUSTSEC-2021-0124")
        .expect("RUSTSEC-2021-0124 is found for tokio");
    assert!(rustsec
        .advisory
        .aliases
        .contains(&"CVE-2021-45710".to_owned()));
    assert!(rustsec
        .advisory
        .aliases
        .contains(&"GHSA-fg7r-2g4j-5cgr".to_owned()));
    assert_eq!(
        rustsec.ranges,
        vec![vec![
            Event::Introduced("0.1.14".into()),
            Event::Fixed("1.8.4".into()),
            Event::Introduced("1.9.0".into()),
            Event::Fixed("1.13.1".into()),
        ]]
    );
    // PyPI names are normalised at import and at lookup (PEP 503): `jw.util` is `JW_Util` too.
    let jw = store.for_package("PyPI", "JW_Util").expect("lookup");
    assert!(jw.iter().any(|a| a.advisory.id == "PYSEC-2020-341"
        && a.package == "jw-util"
        && a.advisory.aliases.contains(&"CVE-2020-13388".to_owned())));
    assert!(!store
        .for_package("Go", "stdlib")
        .expect("lookup")
        .is_empty());
}

#[test]
fn a_left_over_from_an_interrupted_import_is_ignored_then_replaced() {
    let dir = tempfile::tempdir().expect("tempdir");
    import_paths(dir.path(), &hand_written()).expect("import");
    let before = counts(dir.path());
    // What a killed import leaves: a half-written new file next to the store.
    let left_over = dir.path().join("advisories.sqlite3.new");
    std::fs::write(&left_over, b"SQLite format 3\0 and then nothing").expect("write");
    assert_eq!(counts(dir.path()), before);
    import_paths(dir.path(), &[data("alpine-v3.17-main.json")]).expect("import again");
    assert_eq!(counts(dir.path()), before);
    assert!(!left_over.exists());
}

#[test]
fn a_store_of_another_schema_is_refused_for_lookups_and_rebuilt_by_an_import() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("advisories.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).expect("create");
        conn.execute_batch("CREATE TABLE sources (name TEXT); PRAGMA user_version = 99;")
            .expect("old schema");
    }
    let err = Store::open(dir.path()).err().map(|e| e.to_string());
    assert!(
        err.as_deref()
            .is_some_and(|e| e.contains("schema version 99")),
        "{err:?}"
    );
    let report = import_paths(dir.path(), &[data("alpine-v3.17-main.json")]).expect("import");
    assert!(report.previous_dropped.is_some());
    assert_eq!(counts(dir.path()), [("alpine/v3.17/main".to_owned(), 5)]);
}

#[test]
fn a_second_import_at_the_same_time_is_refused_not_interleaved() {
    let dir = tempfile::tempdir().expect("tempdir");
    import_paths(dir.path(), &hand_written()).expect("import");
    let before = counts(dir.path());
    let held = std::fs::File::create(dir.path().join("advisories.sqlite3.lock")).expect("lock");
    held.lock().expect("hold the lock");
    let err = import_paths(dir.path(), &[data("alpine-v3.17-main.json")]).expect_err("busy");
    assert!(matches!(err, Error::Busy { .. }), "{err}");
    assert_eq!(counts(dir.path()), before);
    held.unlock().expect("unlock");
    import_paths(dir.path(), &[data("alpine-v3.17-main.json")]).expect("import after");
}
