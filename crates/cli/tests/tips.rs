//! `drydock tips` against fixture images on a throwaway engine. Every expected byte count comes
//! from what the Dockerfile writes (`head -c N` writes N bytes, a context file is as long as the
//! test makes it), never from running the tool.

mod common;

use common::{json_of, offline, on_engine as cli, succeeded};
use drydock_testkit::fixtures::{Builder, BASE};
use drydock_testkit::Dockerd;
use serde_json::Value;

const APT_LIST: &str =
    "/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages";
const APT_BYTES: u64 = 300_000;
const DUP_BYTES: usize = 50_000;
const JUNK_BYTES: usize = 80_000;
/// The value of the secret variable: it must never be printed.
const SECRET: &str = "hunter2-do-not-print";

/// Bytes no other file of the fixture holds (a duplicate is the same content).
fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u64 * 7 + u64::from(seed) * 13 + (i as u64 >> 8)) as u8)
        .collect()
}

/// The fixture: apt lists left by a RUN (layer 1), the same file copied twice (layers 2 and 3),
/// a file copied then removed (layers 4 and 5), a secret in the env, no USER (root).
fn build_fixture(engine: &Dockerd) -> String {
    engine.base();
    let dup = pattern(DUP_BYTES, 1);
    let junk = pattern(JUNK_BYTES, 2);
    engine.build_in(
        "fixture/tips:1",
        &format!(
            "FROM {BASE}\n\
             RUN mkdir -p /var/lib/apt/lists && head -c {APT_BYTES} /dev/zero > {APT_LIST}\n\
             COPY dup.bin /opt/a.bin\n\
             COPY dup.bin /srv/b.bin\n\
             COPY junk.bin /tmp/junk.bin\n\
             RUN rm /tmp/junk.bin\n\
             ENV API_TOKEN={SECRET}\n"
        ),
        &[("dup.bin", &dup), ("junk.bin", &junk)],
        Builder::Classic,
    )
}

fn tips_of<'a>(report: &'a Value, kind: &str) -> Vec<&'a Value> {
    report["tips"]
        .as_array()
        .expect("tips")
        .iter()
        .filter(|t| t["kind"] == kind)
        .collect()
}

fn one<'a>(report: &'a Value, kind: &str) -> &'a Value {
    let found = tips_of(report, kind);
    assert_eq!(found.len(), 1, "one {kind} tip in {report:#}");
    found[0]
}

#[test]
fn tips_name_the_bytes_the_layer_and_the_fix_and_never_a_secret() {
    let engine = Dockerd::start();
    let data = tempfile::tempdir().expect("data");
    let id = build_fixture(&engine);

    let out = cli(
        &engine,
        data.path(),
        &["tips", "fixture/tips:1", "--format", "json"],
    );
    succeeded(&out);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        !text.contains(SECRET),
        "the secret's value is never printed"
    );
    let report = json_of(&out);

    // The report's shape: the documented keys, and no others.
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(&report),
        ["could_save", "id", "image", "notes", "size", "tags", "tips"]
    );
    assert_eq!(report["image"], "fixture/tips:1");
    assert_eq!(report["id"], id.as_str());
    assert_eq!(report["tags"], serde_json::json!(["fixture/tips:1"]));
    let first = &report["tips"][0];
    assert_eq!(
        keys(first),
        [
            "bytes",
            "estimate",
            "exact",
            "fix",
            "kind",
            "layer",
            "more_paths",
            "paths",
            "step",
            "title",
            "why"
        ]
    );

    // apt lists a RUN left in layer 1.
    let apt = one(&report, "package_cache");
    assert_eq!(apt["bytes"], APT_BYTES);
    assert_eq!(apt["exact"], true);
    assert_eq!(apt["layer"], 1);
    assert!(
        apt["step"].as_str().expect("step").contains("apt/lists"),
        "{apt:#}"
    );
    assert_eq!(apt["paths"][0]["bytes"], APT_BYTES);
    assert!(
        apt["paths"][0]["path"]
            .as_str()
            .expect("path")
            .starts_with("/var/lib/apt/lists"),
        "{apt:#}"
    );
    assert!(
        apt["fix"]
            .as_str()
            .expect("fix")
            .contains("rm -rf /var/lib/apt/lists"),
        "{apt:#}"
    );

    // The file copied then removed: stored in layer 4, hidden by layer 5.
    let hidden = one(&report, "hidden_bytes");
    assert_eq!(hidden["bytes"], JUNK_BYTES as u64);
    assert_eq!(hidden["exact"], true);
    assert_eq!(hidden["paths"][0]["path"], "/tmp/junk.bin");
    assert_eq!(hidden["paths"][0]["layer"], 4);

    // The same content in layers 2 and 3: one copy could go.
    let dup = one(&report, "duplicate_files");
    assert_eq!(dup["bytes"], DUP_BYTES as u64);
    assert_eq!(dup["exact"], true);
    let dup_paths: Vec<&str> = dup["paths"]
        .as_array()
        .expect("paths")
        .iter()
        .map(|p| p["path"].as_str().expect("path"))
        .collect();
    assert!(
        dup_paths.contains(&"/opt/a.bin") || dup_paths.contains(&"/srv/b.bin"),
        "{dup:#}"
    );

    // No USER: root. A risk, not a size.
    let root = one(&report, "runs_as_root");
    assert_eq!(root["bytes"], 0);

    // The secret's name, never its value.
    let secret = one(&report, "secret_in_config");
    assert!(secret.to_string().contains("API_TOKEN"), "{secret:#}");
    assert_eq!(secret["bytes"], 0);

    // Together, each byte once.
    assert_eq!(
        report["could_save"],
        APT_BYTES + JUNK_BYTES as u64 + DUP_BYTES as u64
    );

    // The tty format: a block per tip with its bytes, layer, paths, why and fix, then the sum.
    let out = cli(&engine, data.path(), &["tips", "fixture/tips:1"]);
    succeeded(&out);
    let tty = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(!tty.contains(SECRET), "{tty}");
    assert!(
        tty.starts_with(&format!(
            "fixture/tips:1 ({}): ",
            &id["sha256:".len().."sha256:".len() + 12]
        )),
        "{tty}"
    );
    let apt_block = format!(
        "\n{}\n  saves: 300 kB\n  where: layer 1: mkdir -p /var/lib/apt/lists && head -c 300000 /dev/zero > /var/lib/apt/lists/deb.debian.org_debian_…\n    {} (300 kB, layer 1)\n  why: ",
        apt["title"].as_str().expect("title"),
        apt["paths"][0]["path"].as_str().expect("path"),
    );
    assert!(tty.contains(&apt_block), "{apt_block}\nnot in\n{tty}");
    assert!(tty.contains("  where: ENV API_TOKEN=***\n"), "{tty}");
    assert!(tty.contains("  saves: 300 kB\n"), "{tty}");
    assert!(tty.contains("  saves: 80 kB\n"), "{tty}");
    assert!(tty.contains("  saves: 50 kB\n"), "{tty}");
    assert!(tty.contains("  where: layer 1: "), "{tty}");
    assert!(
        tty.contains("    /tmp/junk.bin (80 kB, layer 4)\n"),
        "{tty}"
    );
    assert!(tty.contains("API_TOKEN"), "{tty}");
    assert!(tty.contains("\ncould save 430 kB of "), "{tty}");
}

#[test]
fn a_second_look_at_the_same_image_reads_the_kept_facts() {
    let engine = Dockerd::start();
    let data = tempfile::tempdir().expect("data");
    let id = build_fixture(&engine);
    let first = cli(
        &engine,
        data.path(),
        &["tips", "fixture/tips:1", "--format", "json"],
    );
    succeeded(&first);
    // Mark the kept facts: a second look that read the export again would not carry the mark.
    {
        let store = drydock_store::Store::open_in(data.path()).expect("store");
        let mut facts: Value = store
            .tip_facts(&id)
            .expect("read")
            .expect("the facts are kept by image id");
        facts["notes"] = serde_json::json!(["kept-mark"]);
        store.keep_tip_facts(&id, &facts, 1).expect("mark");
    }
    // The same id by another name.
    engine.docker(&["tag", "fixture/tips:1", "fixture/tips:again"]);
    let second = cli(
        &engine,
        data.path(),
        &["tips", "fixture/tips:again", "--format", "json"],
    );
    succeeded(&second);
    let (a, mut b) = (json_of(&first), json_of(&second));
    assert_eq!(b["notes"], serde_json::json!(["kept-mark"]), "{b:#}");
    assert_eq!(b["image"], "fixture/tips:again");
    // Everything else is the first report (the tags now name both).
    b["image"] = a["image"].clone();
    b["tags"] = a["tags"].clone();
    b["notes"] = a["notes"].clone();
    assert_eq!(a, b);
}

#[test]
fn user_1000_is_not_root_and_archives_need_no_engine() {
    let engine = Dockerd::start();
    let data = tempfile::tempdir().expect("data");
    engine.base();
    engine.build(
        "fixture/tips-user:1",
        &format!("FROM {BASE}\nUSER 1000\n"),
        Builder::Classic,
    );
    let out = cli(
        &engine,
        data.path(),
        &["tips", "fixture/tips-user:1", "--format", "json"],
    );
    succeeded(&out);
    let report = json_of(&out);
    assert!(tips_of(&report, "runs_as_root").is_empty(), "{report:#}");

    // The fixture saved to a file and read offline: the same file tips.
    build_fixture(&engine);
    let file = data.path().join("tips.tar");
    engine.docker(&["save", "-o", &file.display().to_string(), "fixture/tips:1"]);
    let out = offline(
        data.path(),
        &[
            "tips",
            "--archive",
            &file.display().to_string(),
            "--format",
            "json",
        ],
    );
    succeeded(&out);
    let report = json_of(&out);
    assert_eq!(report["image"], "fixture/tips:1");
    assert_eq!(one(&report, "package_cache")["bytes"], APT_BYTES);
    assert_eq!(one(&report, "hidden_bytes")["bytes"], JUNK_BYTES as u64);
    assert_eq!(one(&report, "duplicate_files")["bytes"], DUP_BYTES as u64);
    assert!(!String::from_utf8_lossy(&out.stdout).contains(SECRET));

    // A missing archive: exit 2 and what to do.
    let out = offline(data.path(), &["tips", "--archive", "nope.tar"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot open nope.tar") && err.contains("fix: "),
        "{err}"
    );
}
