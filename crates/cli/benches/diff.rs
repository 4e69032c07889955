//! `drydock diff` of two ~300 MB builds against two bare `docker save`s, on a throwaway engine.
//! Prints medians and the ratio; asserts nothing about time.
//!
//! A is the 300 MB image of 20,000 files the layers benchmark reads. B is the next build of the
//! same Dockerfile: its layers come from the cache, then one more layer writes a 5 MB file and
//! removes 1,111 of A's files, and another rewrites 1,000 files with other content. `docker save
//! A > /dev/null; docker save B > /dev/null` and `drydock diff A B --format json > /dev/null`
//! run alternately, so drift in the engine's speed hits both alike. The diff reads each image's
//! whole export once (the two at the same time) and digests every file. The target is drydock
//! within 1.2x of the two saves.

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
use std::time::Instant;

const RUNS: usize = 5;
const A: &str = big_image::TAG;
const B: &str = "bench/big:2";

fn next_build() -> String {
    format!(
        "{}RUN head -c 5000000 /dev/urandom > /extra.bin && rm /d2/f2*\n\
         RUN cd /d3 && for i in $(seq 3000 3999); do printf changed > f$i; done\n",
        big_image::dockerfile()
    )
}

fn main() {
    let engine = Dockerd::start();
    engine.base();
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_drydock"));

    eprintln!("building two ~300 MB images of 20,000 files (a few minutes)...");
    let built = Instant::now();
    engine.build(A, &big_image::dockerfile(), Builder::Classic);
    engine.build(B, &next_build(), Builder::Classic);
    eprintln!("built in {:.0}s", built.elapsed().as_secs_f64());

    let data = tempfile::tempdir().expect("temp dir");
    let diff = drydock_diff(&bin, &engine, data.path()).json();
    let count = |key: &str| diff[key].as_array().map_or(0, Vec::len);

    let (save, drydock, ratio) = paired(
        RUNS,
        || time_save(&engine, A) + time_save(&engine, B),
        || drydock_diff(&bin, &engine, data.path()).time(),
    );

    println!(
        "\ndiff benchmark: {A} -> {B}: {} shared layers, {:+} bytes, {} added, {} removed, {} changed; median of {RUNS} runs",
        diff["shared_layers"].as_u64().unwrap_or(0),
        diff["size_delta"].as_i64().unwrap_or(0),
        count("added"),
        count("removed"),
        count("changed"),
    );
    println!(
        "{:<44} {:>10}",
        "docker save A > /dev/null; docker save B",
        shown(save)
    );
    println!(
        "{:<44} {:>10}",
        "drydock diff A B --format json",
        shown(drydock)
    );
    println!(
        "{:<44} {:>9.2}x   (target: at most 1.20x)",
        "ratio (median of per-pair ratios)", ratio
    );
    match drydock_diff(&bin, &engine, data.path()).peak_rss_kib() {
        Some(kib) => println!(
            "{:<44} {:>7.1} MB",
            "drydock peak memory (max RSS)",
            kib as f64 * 1024.0 / 1e6
        ),
        None => println!("drydock peak memory: /usr/bin/time is missing (apt-get install time)"),
    }
}

/// `drydock diff A B --format json` with its data in `data`.
fn drydock_diff(bin: &Path, engine: &Dockerd, data: &Path) -> Drydock {
    Drydock::new(bin, engine, Some(data), &["diff", A, B, "--format", "json"])
}
