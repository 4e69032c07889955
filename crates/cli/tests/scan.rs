//! `drydock scan` end to end: a fixture image built on the throwaway engine with a package
//! database per cataloger (each written by its own build step), advisories imported from files
//! written here in the real formats, and the findings tied to the layer and step that brought
//! each package.

mod common;

use common::{json_of, offline, on_engine as cli, succeeded};
use drydock_testkit::fixtures::{Builder, BASE};
use drydock_testkit::Dockerd;
use serde_json::Value;
use std::path::Path;

const OS_RELEASE: &str = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nID=debian\n";

/// libssl3 built from openssl (a binNMU), zlib1g from zlib, and a package that was removed.
const DPKG_STATUS: &str = "\
Package: libssl3
Status: install ok installed
Architecture: amd64
Source: openssl (3.0.7-1)
Version: 3.0.7-1+b1
Description: Secure Sockets Layer toolkit - shared libraries

Package: zlib1g
Status: install ok installed
Architecture: amd64
Source: zlib
Version: 1:1.2.13.dfsg-1
Description: compression library - runtime

Package: gone
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0
Description: removed, its config left
";

const METADATA: &str = "Metadata-Version: 2.1\nName: Requests\nVersion: 2.30.0\nSummary: HTTP for Humans.\n\nLong description.\n";

const PACKAGE_JSON: &str =
    r#"{"name": "@drydock-test/Left-Pad", "version": "1.4.1", "main": "index.js"}"#;

/// An OSV record for the PyPI package, in the layout OSV publishes.
const REQUESTS_OSV: &str = r#"{
  "schema_version": "1.6.0",
  "id": "GHSA-test-0000-0002",
  "modified": "2026-11-20T10:00:00Z",
  "aliases": ["CVE-2026-99002"],
  "summary": "Credentials sent to a redirect <script>alert(1)</script>",
  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
  "affected": [{
    "package": {"ecosystem": "PyPI", "name": "requests"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.3.0"}, {"fixed": "2.31.0"}]}]
  }]
}"#;

/// The advisories: the npm record and the Debian tracker of the advisories crate's test data,
/// and the PyPI record above, imported as a user would.
fn import_advisories(engine: &Dockerd, data: &Path) {
    let osv = data.join("osv");
    std::fs::create_dir_all(&osv).expect("osv dir");
    std::fs::write(osv.join("GHSA-test-0000-0002.json"), REQUESTS_OSV).expect("osv record");
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../advisories/tests/data");
    std::fs::copy(
        shared.join("npm-GHSA-dd00-0000-0001.json"),
        osv.join("GHSA-dd00-0000-0001.json"),
    )
    .expect("npm record");
    let tracker = shared.join("debian-tracker.json");
    let out = cli(
        engine,
        data,
        &[
            "db",
            "import",
            &osv.display().to_string(),
            &tracker.display().to_string(),
        ],
    );
    succeeded(&out);
}

fn build_fixture(engine: &Dockerd) -> String {
    engine.base();
    engine.build_in(
        "fixture/scanned:1",
        &format!(
            "FROM {BASE}\n\
             COPY os-release /etc/os-release\n\
             COPY status /var/lib/dpkg/status\n\
             COPY METADATA /usr/lib/python3/site-packages/requests-2.30.0.dist-info/METADATA\n\
             COPY package.json /app/node_modules/@drydock-test/left-pad/package.json\n"
        ),
        &[
            ("os-release", OS_RELEASE.as_bytes()),
            ("status", DPKG_STATUS.as_bytes()),
            ("METADATA", METADATA.as_bytes()),
            ("package.json", PACKAGE_JSON.as_bytes()),
        ],
        Builder::Classic,
    )
}

fn finding<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| {
            f["id"] == id
                || f["aliases"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|x| x == id))
        })
        .unwrap_or_else(|| panic!("no finding {id} in {report:#}"))
}

#[test]
fn each_finding_names_its_package_fix_and_the_layer_and_step_that_brought_it() {
    let engine = Dockerd::start();
    let data = tempfile::tempdir().expect("data");
    let id = build_fixture(&engine);

    // No database yet: a clear error and how to get one.
    let out = cli(&engine, data.path(), &["scan", "fixture/scanned:1"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no advisory database") && err.contains("drydock db"),
        "{err}"
    );

    import_advisories(&engine, data.path());
    let out = cli(
        &engine,
        data.path(),
        &["scan", "fixture/scanned:1", "--format", "json"],
    );
    succeeded(&out);
    let report = json_of(&out);
    assert_eq!(report["image"]["id"], id.as_str());
    assert_eq!(report["os"]["id"], "debian");
    assert_eq!(
        report["packages"], 4,
        "two dpkg (one removed is not), one PyPI, one npm"
    );
    assert!(!report["db"].as_array().expect("db").is_empty());

    // The distro package, by its source package and source version, against Debian's data.
    let ssl = finding(&report, "CVE-2023-0286");
    assert_eq!(ssl["package"], "libssl3");
    assert_eq!(ssl["source_package"], "openssl");
    assert_eq!(ssl["installed"], "3.0.7-1+b1");
    assert_eq!(ssl["fixed"], "3.0.8-1");
    assert_eq!(ssl["status"], "fixed");
    assert_eq!(ssl["path"], "/var/lib/dpkg/status");
    assert_eq!(ssl["layer"], 2, "the second COPY wrote the status file");
    assert!(
        ssl["step"].as_str().expect("step").contains("COPY"),
        "{ssl:#}"
    );
    let postponed = finding(&report, "CVE-2024-9143");
    assert_eq!(postponed["status"], "deferred");
    assert!(postponed["fixed"].is_null());

    // Language packages against OSV ranges.
    let requests = finding(&report, "GHSA-test-0000-0002");
    assert_eq!(requests["package"], "requests");
    assert_eq!(requests["fixed"], "2.31.0");
    assert_eq!(requests["severity"], "critical");
    assert_eq!(requests["cvss"], 9.8);
    assert_eq!(requests["layer"], 3);
    let pad = finding(&report, "CVE-2026-99001");
    assert_eq!(pad["ecosystem"], "npm");
    assert_eq!(pad["fixed"], "1.4.2");
    assert_eq!(pad["layer"], 4);

    // --fail-on: exit 1 when a finding reaches it; --ignore-unfixed drops the open ones.
    let out = cli(
        &engine,
        data.path(),
        &["scan", "fixture/scanned:1", "--fail-on", "critical"],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("CVE-2023-0286") || table.contains("libssl3"),
        "{table}"
    );
    assert!(
        !table.contains("<script>alert"),
        "hostile text is shown inert: {table}"
    );
    let out = cli(
        &engine,
        data.path(),
        &[
            "scan",
            "fixture/scanned:1",
            "--format",
            "json",
            "--ignore-unfixed",
        ],
    );
    let fixed_only = json_of(&out);
    assert!(fixed_only["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .all(|f| f["status"] == "fixed"));

    // An ignore entry with a reason drops the finding; the rest stay.
    std::fs::write(
        data.path().join(".drydock.yaml"),
        "scan:\n  ignore:\n    - id: CVE-2026-99002\n      reason: the app never follows redirects\n",
    )
    .expect("config");
    let out = cli(
        &engine,
        data.path(),
        &["scan", "fixture/scanned:1", "--format", "json"],
    );
    let ignored = json_of(&out);
    assert!(ignored["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .all(|f| f["id"] != "GHSA-test-0000-0002"));
    assert_eq!(
        ignored["findings"].as_array().map(Vec::len),
        report["findings"].as_array().map(|f| f.len() - 1)
    );

    // The same image saved to a file gives the same findings, read offline.
    let archive = data.path().join("scanned.tar");
    engine.docker(&[
        "save",
        "-o",
        &archive.display().to_string(),
        "fixture/scanned:1",
    ]);
    std::fs::remove_file(data.path().join(".drydock.yaml")).expect("config gone");
    let out = offline(
        data.path(),
        &[
            "scan",
            "--archive",
            &archive.display().to_string(),
            "--format",
            "json",
        ],
    );
    succeeded(&out);
    let saved = json_of(&out);
    let ids = |r: &Value| -> Vec<String> {
        let mut ids: Vec<String> = r["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f["id"].as_str().unwrap_or_default().to_owned())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&saved), ids(&report));

    // SBOMs list every package with its purl.
    let out = cli(
        &engine,
        data.path(),
        &["scan", "fixture/scanned:1", "--format", "cyclonedx"],
    );
    let bom = json_of(&out);
    assert_eq!(bom["specVersion"], "1.5");
    let purls: Vec<&str> = bom["components"]
        .as_array()
        .expect("components")
        .iter()
        .filter_map(|c| c["purl"].as_str())
        .collect();
    assert!(
        purls
            .iter()
            .any(|p| p.starts_with("pkg:deb/debian/libssl3@")),
        "{purls:?}"
    );
    assert!(
        purls
            .iter()
            .any(|p| p.starts_with("pkg:pypi/requests@2.30.0")),
        "{purls:?}"
    );
    let out = cli(
        &engine,
        data.path(),
        &["scan", "fixture/scanned:1", "--format", "spdx"],
    );
    assert_eq!(json_of(&out)["spdxVersion"], "SPDX-2.3");
}

#[test]
fn a_root_filesystem_directory_is_scanned_without_an_engine() {
    let data = tempfile::tempdir().expect("data");
    let root = data.path().join("root");
    let dist = root.join("usr/lib/python3/site-packages/requests-2.30.0.dist-info");
    std::fs::create_dir_all(&dist).expect("dirs");
    std::fs::write(dist.join("METADATA"), METADATA).expect("metadata");
    let osv = data.path().join("GHSA-test-0000-0002.json");
    std::fs::write(&osv, REQUESTS_OSV).expect("record");
    let report = import_and_scan(data.path(), &[&osv.display().to_string()], &root);
    assert_eq!(report["packages"], 1);
    assert_eq!(report["findings"][0]["id"], "GHSA-test-0000-0002");
    assert_eq!(report["findings"][0]["layer"], 0);
}

/// `drydock db import IMPORTS...`, then the JSON report of `drydock scan --rootfs ROOT`.
fn import_and_scan(data: &Path, imports: &[&str], root: &Path) -> Value {
    let mut args = vec!["db", "import"];
    args.extend_from_slice(imports);
    succeeded(&offline(data, &args));
    let root = root.display().to_string();
    let out = offline(data, &["scan", "--rootfs", &root, "--format", "json"]);
    succeeded(&out);
    json_of(&out)
}

/// An Alpine root: apk packages matched by origin against Alpine's secdb, where version `0`
/// means never affected and `-rN` orders numerically.
#[test]
fn alpine_packages_are_matched_by_origin_against_the_secdb() {
    let data = tempfile::tempdir().expect("data");
    let root = data.path().join("root");
    std::fs::create_dir_all(root.join("etc")).expect("etc");
    std::fs::create_dir_all(root.join("lib/apk/db")).expect("apk db");
    std::fs::write(root.join("etc/alpine-release"), "3.17.2\n").expect("release");
    std::fs::write(
        root.join("etc/os-release"),
        "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.17.2\nPRETTY_NAME=\"Alpine Linux v3.17\"\n",
    )
    .expect("os-release");
    std::fs::write(
        root.join("lib/apk/db/installed"),
        "C:Q1abc=\nP:libcrypto3\nV:3.0.7-r0\nA:x86_64\no:openssl\n\nC:Q1def=\nP:busybox\nV:1.35.0-r29\nA:x86_64\no:busybox\n\n",
    )
    .expect("installed");
    let secdb = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../advisories/tests/data/alpine-v3.17-main.json");
    let report = import_and_scan(data.path(), &[&secdb.display().to_string()], &root);
    assert_eq!(report["os"]["id"], "alpine");
    let mut found: Vec<(String, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap_or_default().to_owned(),
                f["fixed"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("CVE-2022-3996".to_owned(), "3.0.7-r2".to_owned()),
            ("CVE-2023-0215".to_owned(), "3.0.8-r0".to_owned()),
            ("CVE-2023-0286".to_owned(), "3.0.8-r0".to_owned()),
        ],
        "{report:#}"
    );
    assert!(report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .all(|f| f["package"] == "libcrypto3" && f["source_package"] == "openssl"));
}

/// Real advisory data: the shared OSV zips (PyPI's 2024 snapshot, the Go vulnerability database),
/// a Python package known to be vulnerable, and, where Go is installed, a real Go binary whose
/// standard library the Go database names.
#[test]
fn real_osv_data_finds_a_known_python_vulnerability_and_a_go_binarys_stdlib() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/advisories/osv");
    let (pypi, go) = (shared.join("PyPI/all.zip"), shared.join("Go/all.zip"));
    if !pypi.is_file() || !go.is_file() {
        eprintln!("note: {} is absent; skipped", shared.display());
        return;
    }
    let data = tempfile::tempdir().expect("data");
    let root = data.path().join("root");
    let dist = root.join("usr/local/lib/python3.11/site-packages/Jinja2-2.10.dist-info");
    std::fs::create_dir_all(&dist).expect("dirs");
    std::fs::write(
        dist.join("METADATA"),
        "Metadata-Version: 2.1\nName: Jinja2\nVersion: 2.10\n\n",
    )
    .expect("metadata");
    let go_built = build_go_binary(&root.join("app/hello"), data.path());
    let (pypi, go) = (pypi.display().to_string(), go.display().to_string());
    let report = import_and_scan(data.path(), &[&pypi, &go], &root);
    let sandbox = finding(&report, "CVE-2019-10906");
    assert_eq!(sandbox["package"], "jinja2");
    assert_eq!(sandbox["fixed"], "2.10.1");
    assert!(
        sandbox["aliases"]
            .as_array()
            .expect("aliases")
            .iter()
            .any(|a| a == "GHSA-462w-v97r-4m45")
            || sandbox["id"] == "GHSA-462w-v97r-4m45",
        "{sandbox:#}"
    );
    if go_built {
        let stdlib: Vec<&Value> = report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["package"] == "stdlib" && f["ecosystem"] == "Go")
            .collect();
        assert!(
            !stdlib.is_empty(),
            "an old Go's standard library has known vulnerabilities: {report:#}"
        );
        assert!(stdlib.iter().all(|f| f["path"] == "/app/hello"));
    }
}

/// Builds a program with no dependencies into `out`, offline; false (with a note) without Go.
fn build_go_binary(out: &Path, scratch: &Path) -> bool {
    let src = scratch.join("gosrc");
    std::fs::create_dir_all(&src).expect("go src");
    std::fs::write(src.join("go.mod"), "module example.com/hello\n\ngo 1.19\n").expect("go.mod");
    std::fs::write(
        src.join("main.go"),
        "package main\n\nfunc main() { println(\"hi\") }\n",
    )
    .expect("main.go");
    std::fs::create_dir_all(out.parent().expect("parent")).expect("out dir");
    let built = std::process::Command::new("go")
        .current_dir(&src)
        .env("GOPROXY", "off")
        .env("GOFLAGS", "-mod=mod")
        .env("GOCACHE", scratch.join("gocache"))
        .env("GOPATH", scratch.join("gopath"))
        .args(["build", "-o"])
        .arg(out)
        .arg(".")
        .output();
    match built {
        Ok(o) if o.status.success() => true,
        Ok(o) => panic!("go build failed: {}", String::from_utf8_lossy(&o.stderr)),
        Err(_) => {
            eprintln!("note: no Go toolchain here; the Go binary part is skipped");
            false
        }
    }
}
