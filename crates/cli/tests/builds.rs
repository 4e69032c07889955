//! `drydock builds` on a throwaway engine: the list of repositories, one repository's builds
//! (a removed one kept from Drydock's store) in both formats, and the build records.
//! Sizes are the fixture's: the base image's size plus the bytes each build writes.

mod common;

use common::{json_of, on_engine as cli, succeeded};
use drydock_testkit::fixtures::BASE;
use drydock_testkit::Dockerd;

const PAYLOADS: [u64; 3] = [1_000, 4_000, 10_000];

#[test]
fn lists_repositories_then_one_repositorys_builds_with_the_removed_one() {
    let engine = Dockerd::start();
    let data = tempfile::tempdir().expect("data dir");
    let ids: Vec<String> = PAYLOADS
        .iter()
        .enumerate()
        .map(|(n, bytes)| engine.build_in_turn(&format!("myapp:{}", n + 1), *bytes as usize))
        .collect();
    let base_size: u64 = engine
        .docker(&["image", "inspect", "--format", "{{.Size}}", BASE])
        .parse()
        .expect("size");

    // The first run records all three; then myapp:1 goes, and only the store remembers it.
    let out = cli(&engine, data.path(), &["builds", "--format", "json"]);
    succeeded(&out);
    engine.docker(&["rmi", "myapp:1"]);

    let out = cli(&engine, data.path(), &["builds", "--format", "json"]);
    succeeded(&out);
    let all = json_of(&out);
    let myapp = all["repositories"]
        .as_array()
        .expect("repositories")
        .iter()
        .find(|r| r["repository"] == "myapp")
        .unwrap_or_else(|| panic!("myapp in {all:#}"));
    assert_eq!(myapp["builds"], 3);
    assert_eq!(myapp["present"], 2);
    assert_eq!(myapp["latest_id"], ids[2].as_str());
    assert_eq!(myapp["latest_size"], base_size + PAYLOADS[2]);
    assert_eq!(myapp["latest_change"], 6_000);
    assert!(all.get("records").is_none(), "records only with --records");

    let out = cli(
        &engine,
        data.path(),
        &["builds", "myapp", "--format", "json"],
    );
    succeeded(&out);
    let one = json_of(&out);
    assert_eq!(one["repository"], "myapp");
    let builds = one["builds"].as_array().expect("builds");
    assert_eq!(builds.len(), 3);
    for (n, build) in builds.iter().enumerate() {
        assert_eq!(build["image"]["id"], ids[n].as_str());
        assert_eq!(build["image"]["size"], base_size + PAYLOADS[n]);
        assert_eq!(build["image"]["tags"][0], format!("myapp:{}", n + 1));
        assert_eq!(build["image"]["present"], n > 0);
    }
    assert_eq!(builds[0]["size_delta"], serde_json::Value::Null);
    assert_eq!(builds[1]["size_delta"], 3_000);
    assert_eq!(builds[2]["size_delta"], 6_000);

    let out = cli(&engine, data.path(), &["builds"]);
    succeeded(&out);
    let table = String::from_utf8_lossy(&out.stdout);
    let line = table
        .lines()
        .find(|l| l.starts_with("myapp "))
        .unwrap_or_else(|| panic!("myapp line in\n{table}"));
    let cells: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(cells[..3], ["myapp", "3", "2"], "{line}");
    assert!(line.ends_with(" +6 kB"), "{line}");

    let out = cli(&engine, data.path(), &["builds", "myapp"]);
    succeeded(&out);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.starts_with("myapp: 3 builds seen, 2 on the engine\n"),
        "{table}"
    );
    let rows: Vec<&str> = table.lines().skip(2).collect();
    assert_eq!(rows.len(), 3, "{table}");
    assert!(
        rows[0].contains("removed (last seen ") && rows[0].ends_with("myapp:1"),
        "{table}"
    );
    assert!(rows[1].contains(" +3 kB "), "{table}");
    assert!(
        rows[2].contains("present") && rows[2].ends_with("myapp:3"),
        "{table}"
    );

    // No builds seen under a name: an error that says what to give instead.
    let out = cli(&engine, data.path(), &["builds", "myapp:2"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no builds of myapp:2 seen") && err.contains("fix:"),
        "{err}"
    );
}

#[test]
fn records_are_listed_with_the_flag_and_empty_without_a_buildkit_build() {
    let engine = Dockerd::start();
    let data = tempfile::tempdir().expect("data dir");
    engine.build_in_turn("plain:1", 100);
    let out = cli(
        &engine,
        data.path(),
        &["builds", "--records", "--format", "json"],
    );
    succeeded(&out);
    let all = json_of(&out);
    assert_eq!(
        all["records"],
        serde_json::json!([]),
        "classic builds leave none"
    );
    let out = cli(&engine, data.path(), &["builds", "plain", "--records"]);
    succeeded(&out);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("no build records"), "{table}");
}

#[test]
fn images_records_what_it_lists_for_the_build_history() {
    let engine = Dockerd::start();
    let data = tempfile::tempdir().expect("data dir");
    let id = engine.build_in_turn("listed:1", 2_000);
    succeeded(&cli(&engine, data.path(), &["images", "--format", "json"]));
    engine.docker(&["rmi", "listed:1"]);
    let out = cli(
        &engine,
        data.path(),
        &["builds", "listed", "--format", "json"],
    );
    succeeded(&out);
    let one = json_of(&out);
    let builds = one["builds"].as_array().expect("builds");
    assert_eq!(builds.len(), 1, "{one:#}");
    assert_eq!(builds[0]["image"]["id"], id.as_str());
    assert_eq!(builds[0]["image"]["present"], false);
    assert_eq!(builds[0]["image"]["tags"][0], "listed:1");
}
