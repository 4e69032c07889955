//! `drydock db import | update | status`, the real binary against a data directory of its own;
//! `update` fetches from a small HTTP server on 127.0.0.1 serving fixtures.

mod common;

use assert_cmd::Command;
use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../advisories/tests/data")
        .join(name)
}

fn drydock(dir: &Path) -> Command {
    let mut cmd = common::drydock();
    cmd.env("DRYDOCK_DATA_DIR", dir);
    cmd
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let out = drydock(dir).args(args).output().expect("run drydock");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Source name → records, from `db status --format json`.
fn sources(dir: &Path) -> Vec<(String, u64)> {
    let r = run(dir, &["db", "status", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).expect("json");
    v["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap_or_default().to_owned(),
                s["records"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

fn hand_written() -> Vec<String> {
    [
        "debian-tracker.json",
        "alpine-v3.17-main.json",
        "npm-GHSA-dd00-0000-0001.json",
    ]
    .iter()
    .map(|n| data(n).display().to_string())
    .collect()
}

#[test]
fn status_without_a_database_says_how_to_get_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let r = run(dir.path(), &["db", "status"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no advisory database"), "{}", r.stderr);
    assert!(r.stderr.contains("fix: drydock db update"), "{}", r.stderr);
    assert!(r.stderr.contains("drydock db import PATH"), "{}", r.stderr);
}

#[test]
fn import_reports_each_source_and_status_lists_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut args = vec!["db", "import"];
    let paths = hand_written();
    args.extend(paths.iter().map(String::as_str));
    let r = run(dir.path(), &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for line in [
        "imported debian-tracker",
        "imported alpine/v3.17/main",
        "imported osv/GHSA-dd00-0000-0001",
    ] {
        assert!(r.stdout.contains(line), "{line}: {}", r.stdout);
    }
    assert!(r.stdout.contains("      4 records from"), "{}", r.stdout);
    assert_eq!(
        sources(dir.path()),
        [
            ("alpine/v3.17/main".to_owned(), 5),
            ("debian-tracker".to_owned(), 4),
            ("osv/GHSA-dd00-0000-0001".to_owned(), 1),
        ]
    );
    let table = run(dir.path(), &["db", "status"]);
    assert_eq!(table.code, 0);
    assert!(table.stdout.starts_with("SOURCE"), "{}", table.stdout);
    assert!(table.stdout.contains("debian-tracker"), "{}", table.stdout);
    // Just imported: no warning.
    assert!(!table.stderr.contains("warning"), "{}", table.stderr);
}

#[test]
fn status_warns_when_a_source_is_older_than_a_week() {
    let dir = tempfile::tempdir().expect("tempdir");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    let eight_days_ago = now - 8 * 86_400;
    drydock_advisories::import(
        dir.path(),
        &[drydock_advisories::Input::path(&data(
            "debian-tracker.json",
        ))],
        eight_days_ago,
        &mut |_| {},
    )
    .expect("import");
    let r = run(dir.path(), &["db", "status"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("warning: older than 7 days: debian-tracker; run drydock db update"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("8d"), "{}", r.stdout);
    let json: Value =
        serde_json::from_str(&run(dir.path(), &["db", "status", "--format", "json"]).stdout)
            .expect("json");
    assert_eq!(json["stale"], true);
    assert_eq!(json["sources"][0]["stale"], true);
    assert_eq!(json["sources"][0]["kind"], "debian-tracker");
}

#[test]
fn a_failed_import_names_the_file_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let paths = hand_written();
    let mut args = vec!["db", "import"];
    args.extend(paths.iter().map(String::as_str));
    assert_eq!(run(dir.path(), &args).code, 0);
    let before = sources(dir.path());
    let bad = dir.path().join("broken.json");
    std::fs::write(&bad, r#"{"openssl": {"CVE-1": {"releases": 5}}}"#).expect("write");
    let r = run(
        dir.path(),
        &["db", "import", &paths[1], &bad.display().to_string()],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("broken.json: openssl CVE-1"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("nothing was changed"), "{}", r.stderr);
    assert_eq!(sources(dir.path()), before);
}

/// A zip holding one OSV record for `ecosystem` (an npm-like record, renamed).
fn osv_zip(ecosystem: &str) -> Vec<u8> {
    let id = format!("DRYDOCK-{}-1", ecosystem.replace('.', "-"));
    let record = format!(
        r#"{{"id": "{id}", "modified": "2026-11-20T10:00:00Z", "aliases": ["CVE-2026-99002"],
            "summary": "test record", "affected": [{{"package": {{"ecosystem": "{ecosystem}",
            "name": "pkg"}}, "ranges": [{{"type": "ECOSYSTEM", "events": [{{"introduced": "0"}},
            {{"fixed": "2.0"}}]}}]}}]}}"#
    );
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file(format!("{id}.json"), opts).expect("entry");
    zip.write_all(record.as_bytes()).expect("write");
    zip.finish().expect("finish");
    buf.into_inner()
}

/// What the fixture server answers for a path: the body, and whether to cut it short (the
/// Content-Length still promises the whole body).
#[derive(Clone)]
struct Reply {
    body: Vec<u8>,
    truncate: bool,
}

type Routes = Arc<Mutex<HashMap<String, Reply>>>;

/// Serves `routes` on 127.0.0.1 for the rest of the test process; returns its base URL.
fn serve(routes: Routes) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            // The headers, up to the blank line.
            let mut line = String::new();
            while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                line.clear();
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
            let reply = routes.lock().expect("routes").get(&path).cloned();
            let _ = match reply {
                Some(r) => {
                    let sent = if r.truncate {
                        &r.body[..r.body.len() / 2]
                    } else {
                        &r.body[..]
                    };
                    write!(
                        stream,
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        r.body.len()
                    )
                    .and_then(|()| stream.write_all(sent))
                }
                None => write!(
                    stream,
                    "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                ),
            };
        }
    });
    format!("http://{addr}")
}

/// Every path `db update` fetches, under a mirror.
fn mirror_routes() -> HashMap<String, Reply> {
    let mut routes = HashMap::new();
    let ok = |body: Vec<u8>| Reply {
        body,
        truncate: false,
    };
    for eco in ["PyPI", "npm", "Go", "crates.io", "Maven"] {
        routes.insert(format!("/{eco}/all.zip"), ok(osv_zip(eco)));
    }
    let tracker = std::fs::read(data("debian-tracker.json")).expect("tracker");
    routes.insert("/tracker/data/json".to_owned(), ok(tracker));
    let alpine = std::fs::read_to_string(data("alpine-v3.17-main.json")).expect("alpine");
    for branch in ["v3.19", "v3.20", "v3.21", "v3.22"] {
        for repo in ["main", "community"] {
            let body = alpine
                .replace("\"v3.17\"", &format!("\"{branch}\""))
                .replace("\"main\"", &format!("\"{repo}\""));
            routes.insert(format!("/{branch}/{repo}.json"), ok(body.into_bytes()));
        }
    }
    routes
}

#[test]
fn update_from_a_mirror_then_a_truncated_download_keeps_the_old_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let routes: Routes = Arc::new(Mutex::new(mirror_routes()));
    let url = serve(Arc::clone(&routes));
    let r = run(dir.path(), &["db", "update", "--mirror", &url]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("fetched http://127.0.0.1"),
        "{}",
        r.stderr
    );
    let all = sources(dir.path());
    let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    for name in [
        "osv/PyPI",
        "osv/npm",
        "osv/Go",
        "osv/crates.io",
        "osv/Maven",
        "debian-tracker",
        "alpine/v3.19/main",
        "alpine/v3.22/community",
    ] {
        assert!(names.contains(&name), "{name}: {names:?}");
    }
    assert_eq!(all.len(), 14, "{names:?}");

    // The tracker now arrives cut in half, Maven is gone, and PyPI has one more record.
    {
        let mut routes = routes.lock().expect("routes");
        if let Some(r) = routes.get_mut("/tracker/data/json") {
            r.truncate = true;
        }
        routes.remove("/Maven/all.zip");
    }
    let r = run(dir.path(), &["db", "update", "--mirror", &url]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(&format!("{url}/tracker/data/json")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!("{url}/Maven/all.zip")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("keep their earlier records"),
        "{}",
        r.stderr
    );
    // The sources that could not be fetched still answer from the earlier update.
    assert_eq!(sources(dir.path()), all);
    let store = drydock_advisories::Store::open(dir.path())
        .expect("open")
        .expect("exists");
    assert_eq!(
        store
            .for_package("Debian:12", "openssl")
            .expect("lookup")
            .len(),
        2
    );
    assert_eq!(store.for_package("Maven", "pkg").expect("lookup").len(), 1);
}

#[test]
fn update_with_nothing_reachable_names_each_url_and_creates_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = serve(Arc::new(Mutex::new(HashMap::new())));
    let r = run(dir.path(), &["db", "update", "--mirror", &url]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(&format!("{url}/PyPI/all.zip")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!("{url}/v3.22/community.json")),
        "{}",
        r.stderr
    );
    assert!(drydock_advisories::Store::open(dir.path())
        .expect("open")
        .is_none());
}
