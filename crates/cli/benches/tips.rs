//! `drydock tips` against a bare `docker save`, on a throwaway engine. Prints medians, the ratio
//! and the peak memory; asserts nothing about time.
//!
//! The ~300 MB image of 20,000 files the layers benchmark reads (every file the same 15 kB, so
//! every file is digested and all are duplicates of one another: the heaviest case for the
//! duplicate tip). `docker save IMAGE > /dev/null` and `drydock tips IMAGE --format json` run
//! alternately, so drift in the engine's speed hits both alike. Each tips run has a fresh data
//! directory, so nothing is kept from an earlier run: it reads the whole export, digests every
//! file, lists the other local images and runs every detector. The target is drydock within
//! 1.2x of the save. A second look at the same image (facts kept) is timed too.

#[path = "common/big_image.rs"]
mod big_image;
use big_image::time_save;
mod common;
#[path = "common/run.rs"]
mod run;

use common::paired;
use drydock_testkit::fixtures::Builder;
use drydock_testkit::Dockerd;
use run::{shown, Drydock};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const RUNS: usize = 7;
const BIG: &str = big_image::TAG;

fn main() {
    let engine = Dockerd::start();
    engine.base();
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_drydock"));

    eprintln!("building a ~300 MB image of 20,000 files (a few minutes)...");
    let built = Instant::now();
    engine.build(BIG, &big_image::dockerfile(), Builder::Classic);
    eprintln!("built in {:.0}s", built.elapsed().as_secs_f64());

    let data = tempfile::tempdir().expect("temp dir");
    let report = drydock_tips(&bin, &engine, data.path(), BIG).json();
    let tips = report["tips"].as_array().map_or(0, Vec::len);

    let (save, fresh, ratio) = paired(
        RUNS,
        || time_save(&engine, BIG),
        || {
            let data = tempfile::tempdir().expect("temp dir");
            drydock_tips(&bin, &engine, data.path(), BIG).time()
        },
    );
    // The data directory of the first run keeps the facts: a second look reads no export.
    let mut kept: Vec<Duration> = (0..RUNS)
        .map(|_| drydock_tips(&bin, &engine, data.path(), BIG).time())
        .collect();
    kept.sort();
    let rss = {
        let data = tempfile::tempdir().expect("temp dir");
        drydock_tips(&bin, &engine, data.path(), BIG).peak_rss_kib()
    };

    println!(
        "\ntips benchmark: {BIG}, {} MB stored, {tips} tips, could save {} MB; median of {RUNS} runs",
        report["size"].as_u64().unwrap_or(0) / 1_000_000,
        report["could_save"].as_u64().unwrap_or(0) / 1_000_000,
    );
    println!(
        "{:<44} {:>10}",
        "docker save IMAGE > /dev/null",
        shown(save)
    );
    println!(
        "{:<44} {:>10}",
        "drydock tips IMAGE --format json (uncached)",
        shown(fresh)
    );
    println!(
        "{:<44} {:>9.2}x   (target: at most 1.20x)",
        "ratio (median of per-pair ratios)", ratio
    );
    println!(
        "{:<44} {:>10}",
        "drydock tips again (facts kept)",
        shown(kept[RUNS / 2])
    );
    match rss {
        Some(kib) => println!(
            "{:<44} {:>7.1} MB",
            "drydock peak memory (max RSS, uncached)",
            kib as f64 * 1024.0 / 1e6
        ),
        None => println!("drydock peak memory: /usr/bin/time is missing (apt-get install time)"),
    }
}

/// `drydock tips IMAGE --format json` with its data in `data`.
fn drydock_tips(bin: &Path, engine: &Dockerd, data: &Path, image: &str) -> Drydock {
    Drydock::new(
        bin,
        engine,
        Some(data),
        &["tips", image, "--format", "json"],
    )
}
