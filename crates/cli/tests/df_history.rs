//! `drydock df --history` against a throwaway engine: each plain `df` records a sample, and the
//! history gives back exactly the figures `df` printed.

mod common;

use common::{json_of, offline, on_engine as cli, succeeded};
use drydock_testkit::Dockerd;

#[test]
fn two_df_runs_read_back_as_two_samples_with_their_figures() {
    let engine = Dockerd::start();
    let data = tempfile::tempdir().expect("data");

    let out = cli(&engine, data.path(), &["df", "--format", "json"]);
    succeeded(&out);
    let first = json_of(&out);
    // Samples are one per second; the image makes the second differ from the first.
    engine.base();
    std::thread::sleep(std::time::Duration::from_millis(1_100));
    let out = cli(&engine, data.path(), &["df", "--format", "json"]);
    succeeded(&out);
    let second = json_of(&out);
    assert_ne!(first["images"], second["images"], "the base image counts");

    let out = offline(data.path(), &["df", "--history", "--format", "json"]);
    succeeded(&out);
    let history = json_of(&out);
    let samples = history["samples"].as_array().expect("samples");
    assert_eq!(samples.len(), 2, "{history:#}");
    for (sample, df) in samples.iter().zip([&first, &second]) {
        for kind in ["images", "containers", "volumes", "build_cache"] {
            assert_eq!(sample[kind], df[kind], "{kind}");
        }
        assert_eq!(sample["host"], df.get("host").cloned().unwrap_or_default());
        assert!(sample["at"].as_i64().is_some_and(|at| at > 1_700_000_000));
    }
    assert!(samples[0]["at"].as_i64() < samples[1]["at"].as_i64());
    assert_eq!(history["cleanups"], serde_json::json!([]));
    assert_eq!(history["forecast"], serde_json::Value::Null);
    let (since, until) = (history["since"].as_i64(), history["until"].as_i64());
    assert_eq!(
        until.zip(since).map(|(u, s)| u - s),
        Some(30 * 86_400),
        "30 days by default"
    );

    let out = offline(data.path(), &["df", "--history", "--format", "svg"]);
    succeeded(&out);
    let svg = String::from_utf8_lossy(&out.stdout);
    assert!(
        svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
        "{svg}"
    );

    let out = offline(data.path(), &["df", "--history", "--since", "12h"]);
    succeeded(&out);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.starts_with("TIME (UTC)"), "{table}");
    assert_eq!(
        table.lines().filter(|l| l.starts_with("20")).count(),
        2,
        "{table}"
    );
    assert!(table.contains("No forecast"), "{table}");
}

#[test]
fn history_without_samples_says_how_to_get_them() {
    let data = tempfile::tempdir().expect("data");
    let out = offline(data.path(), &["df", "--history"]);
    succeeded(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("each `drydock df` records one"));
    assert!(
        !data.path().join("drydock.sqlite3").exists(),
        "reading the history creates no store"
    );
}

#[test]
fn svg_without_history_and_a_bad_age_are_usage_errors() {
    let data = tempfile::tempdir().expect("data");
    let out = offline(data.path(), &["df", "--format", "svg"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--history"));
    let out = offline(data.path(), &["df", "--history", "--since", "soon"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("fix: give a number and a unit"));
    let out = offline(data.path(), &["df", "--since", "3d"]);
    assert_eq!(out.status.code(), Some(2), "--since needs --history");
}
