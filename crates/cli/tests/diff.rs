//! `drydock diff` against two builds on a throwaway engine: the JSON contract of docs/cli.md
//! and the table. Every expected byte count is what the Dockerfile writes.

mod common;

use common::{json_of, on_engine as cli, succeeded};
use drydock_testkit::fixtures::{Builder, BASE};
use drydock_testkit::Dockerd;

const BIG: u64 = 80_000;

/// Two builds sharing their first step: B rewrites `/app/conf` (10 to 20 bytes), adds
/// `/app/big`, and removes `/app/gone` (3,000 bytes), whose name asks the terminal to clear.
fn build_pair(engine: &Dockerd) -> (String, String) {
    engine.base();
    let first = format!(
        "FROM {BASE}\nRUN mkdir /app && head -c 3000 /dev/urandom > \"/app/gone$(printf '\\033')[2J\"\n"
    );
    let a = engine.build(
        "cli/diff:1",
        &format!("{first}RUN printf 0123456789 > /app/conf\n"),
        Builder::Classic,
    );
    let b = engine.build(
        "cli/diff:2",
        &format!(
            "{first}RUN printf 01234567890123456789 > /app/conf && rm /app/gone*\n\
             RUN head -c {BIG} /dev/zero > /app/big\n"
        ),
        Builder::Classic,
    );
    (a, b)
}

#[test]
fn json_lists_what_changed_with_its_bytes_and_the_table_shows_it_inert() {
    let engine = Dockerd::start();
    let (a_id, b_id) = build_pair(&engine);
    let data = tempfile::tempdir().expect("temp dir");

    let out = cli(
        &engine,
        data.path(),
        &["diff", "cli/diff:1", "cli/diff:2", "--format", "json"],
    );
    succeeded(&out);
    let json = json_of(&out);
    assert_eq!(json["a"], "cli/diff:1");
    assert_eq!(json["b"], "cli/diff:2");
    assert_eq!(json["a_id"], a_id.as_str());
    assert_eq!(json["b_id"], b_id.as_str());
    assert_eq!(json["shared_layers"], 2);
    assert_eq!(json["size_delta"], BIG as i64 + 10 - 3000);
    assert_eq!(
        json["added"],
        serde_json::json!([{ "path": "/app/big", "bytes": BIG }])
    );
    assert_eq!(
        json["removed"],
        serde_json::json!([{ "path": "/app/gone\u{1b}[2J", "bytes": 3000 }])
    );
    assert_eq!(
        json["changed"],
        serde_json::json!([{ "path": "/app/conf", "bytes_before": 10, "bytes_after": 20 }])
    );

    let out = cli(
        &engine,
        data.path(),
        &["diff", "cli/diff:1", "cli/diff:2", "--limit", "0"],
    );
    succeeded(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("shared layers: 2"), "{text}");
    assert!(
        text.contains("size change:   +77 kB (77010 bytes"),
        "{text}"
    );
    assert!(
        text.contains("added: 1 path, 80 kB\n  and 1 more path (80 kB)"),
        "{text}"
    );
    let out = cli(&engine, data.path(), &["diff", "cli/diff:1", "cli/diff:2"]);
    succeeded(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("80 kB  /app/big\n"), "{text}");
    assert!(text.contains("3 kB  /app/gone\\u{1b}[2J\n"), "{text}");
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(text.contains("+10 B  /app/conf (10 B -> 20 B)"), "{text}");
}

#[test]
fn a_missing_image_is_an_error_naming_it() {
    let engine = Dockerd::start();
    engine.base();
    let data = tempfile::tempdir().expect("temp dir");
    let out = cli(&engine, data.path(), &["diff", BASE, "cli/nothing:here"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cli/nothing:here"), "{err}");
}
