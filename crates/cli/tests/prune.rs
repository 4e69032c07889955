//! `drydock prune`, `gc`, `restore`, `journal` and `keep` as scripts and people use them.

mod common;

use common::{json_of, on_engine as cli};
use drydock_testkit::fixtures::{Builder, InventoryHost, BASE};
use drydock_testkit::Dockerd;
use serde_json::Value;

fn image_exists(engine: &Dockerd, name: &str) -> bool {
    engine
        .try_docker(&["image", "inspect", name])
        .status
        .success()
}

#[test]
fn prune_refuses_without_a_terminal_or_yes_and_removes_nothing() {
    let engine = Dockerd::start();
    let host = InventoryHost::create(&engine);
    let data = tempfile::tempdir().expect("data");
    let out = cli(&engine, data.path(), &["prune", "--images"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refusing") && err.contains("--yes") && err.contains("--dry-run"),
        "{err}"
    );
    assert!(image_exists(&engine, &host.dangling));

    let out = cli(&engine, data.path(), &["prune"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to prune was chosen"));
}

#[test]
fn dry_run_then_yes_keeps_the_json_contract_and_frees_what_it_predicted() {
    let engine = Dockerd::start();
    let host = InventoryHost::create(&engine);
    let data = tempfile::tempdir().expect("data");
    let args = [
        "prune",
        "--images",
        "unused",
        "--containers",
        "--volumes",
        "fixture-unused-data",
        "--build-cache",
        "--label!",
        "never-set",
        "--format",
        "json",
    ];
    let mut dry = args.to_vec();
    dry.push("--dry-run");
    let out = cli(&engine, data.path(), &dry);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan = json_of(&out);
    let predicted = plan["predicted_reclaim"].as_u64().expect("predicted");
    assert!(predicted > 0);
    let items = plan["items"].as_array().expect("plan list");
    for item in items {
        for key in ["kind", "id", "name", "bytes"] {
            assert!(item.get(key).is_some(), "{key} in {item}");
        }
    }
    assert!(plan.get("removed").is_none(), "a dry run removes nothing");
    assert!(image_exists(&engine, &host.alone));

    let mut yes = args.to_vec();
    yes.push("--yes");
    let out = cli(&engine, data.path(), &yes);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let done = json_of(&out);
    assert_eq!(done["predicted_reclaim"].as_u64(), Some(predicted));
    assert_eq!(done["actual_reclaim"].as_u64(), Some(predicted), "{done:#}");
    assert_eq!(done["skipped"], Value::Array(vec![]));
    assert_eq!(done["removed"].as_array().map(Vec::len), Some(items.len()));
    assert!(!image_exists(&engine, &host.alone));
    assert!(
        image_exists(&engine, BASE),
        "the running container's image stays"
    );
    assert!(engine
        .try_docker(&["volume", "inspect", "fixture-used-data"])
        .status
        .success());

    let out = cli(&engine, data.path(), &["journal", "--format", "json"]);
    let journal = json_of(&out);
    assert_eq!(journal["total_freed"].as_u64(), Some(predicted));
    let runs = journal["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["removed"].as_u64(), Some(items.len() as u64));
    let entries = journal["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), items.len());
    assert!(entries.iter().all(|e| e["plan_id"] == runs[0]["plan_id"]));
}

#[test]
fn quarantine_restore_and_keep_from_the_command_line() {
    let engine = Dockerd::start();
    engine.base();
    let id = engine.build(
        "fixture/cli-keepsake:1",
        &format!("FROM {BASE}\nRUN head -c 30000 /dev/zero > /k.bin\n"),
        Builder::Classic,
    );
    let data = tempfile::tempdir().expect("data");
    let out = cli(
        &engine,
        data.path(),
        &["keep", "--add", "drydock-fixture/*"],
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("drydock-fixture/*"));

    let out = cli(
        &engine,
        data.path(),
        &["prune", "--images", "unused", "--quarantine", "--yes"],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("Quarantined 1 image"), "{text}");
    assert!(!image_exists(&engine, &id));
    assert!(image_exists(&engine, BASE), "kept by the saved keep list");

    let listed =
        String::from_utf8_lossy(&cli(&engine, data.path(), &["restore"]).stdout).into_owned();
    assert!(listed.contains("fixture/cli-keepsake:1"), "{listed}");
    let short: String = id.trim_start_matches("sha256:").chars().take(12).collect();
    let out = cli(&engine, data.path(), &["restore", &short]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        engine.docker(&[
            "image",
            "inspect",
            "--format",
            "{{.Id}}",
            "fixture/cli-keepsake:1"
        ]),
        id
    );
    let again = cli(&engine, data.path(), &["restore", &short]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("nothing in quarantine matches"));
}

#[test]
fn gc_dry_run_names_the_least_recently_used_image() {
    let engine = Dockerd::start();
    engine.base();
    engine.build(
        "fixture/old:1",
        &format!("FROM {BASE}\nRUN head -c 50000 /dev/zero > /o\n"),
        Builder::Classic,
    );
    std::thread::sleep(std::time::Duration::from_millis(1100));
    engine.build(
        "fixture/new:1",
        &format!("FROM {BASE}\nRUN head -c 50001 /dev/zero > /n\n"),
        Builder::Classic,
    );
    let data = tempfile::tempdir().expect("data");
    let out = cli(
        &engine,
        data.path(),
        &[
            "gc",
            "--max-size",
            "1B",
            "--keep",
            BASE,
            "--dry-run",
            "--format",
            "json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan = json_of(&out);
    assert_eq!(
        plan["gc"]["fits"],
        Value::Bool(false),
        "the kept base alone is over 1 byte"
    );
    let names = |plan: &Value| -> Vec<String> {
        plan["items"]
            .as_array()
            .expect("plan")
            .iter()
            .filter_map(|i| i["name"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(names(&plan).len(), 2, "both go, and still it does not fit");
    // One byte under what the images take: only the least recently used goes.
    let limit = format!(
        "{}",
        plan["gc"]["image_bytes"].as_u64().expect("image bytes") - 1
    );
    let out = cli(
        &engine,
        data.path(),
        &[
            "gc",
            "--max-size",
            &limit,
            "--keep",
            BASE,
            "--dry-run",
            "--format",
            "json",
        ],
    );
    let plan = json_of(&out);
    assert_eq!(plan["gc"]["fits"], Value::Bool(true));
    assert_eq!(names(&plan), ["fixture/old:1"]);
    let bad = cli(
        &engine,
        data.path(),
        &["gc", "--max-size", "lots", "--dry-run"],
    );
    assert_eq!(bad.status.code(), Some(2));
}
