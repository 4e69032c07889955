//! `drydock layers` against a bare `docker save`, on a throwaway engine. Prints medians, ratios and
//! the analyser's peak memory; asserts nothing about time.
//!
//! 1. A ~300 MB image of 20,000 files (plus a layer deleting 1,111 of them and one copying up
//!    1,111 by chmod): `docker save IMAGE > /dev/null` and `drydock layers IMAGE --format json`
//!    run alternately, so drift in the engine's speed hits both alike. Both read the whole export;
//!    the target is drydock within 1.2x of the save, under 100 MB of peak memory.
//! 2. Scaling with deletions: images deleting 500, 5,000 and 50,000 files one whiteout each, timed
//!    end to end and in-process (the analysis alone, on the saved archive in memory). Merging is
//!    linear: ten times the deletions costs about ten times the analysis, not a hundred. (The
//!    smallest case is dominated by the base layer and fixed costs.)

#[path = "common/big_image.rs"]
mod big_image;
use big_image::time_save;
mod common;
#[path = "common/run.rs"]
mod run;

use common::paired;
use drydock_layers::{analyse, Options};
use drydock_testkit::fixtures::{Builder, BASE};
use drydock_testkit::Dockerd;
use run::{shown, Drydock};
use std::path::{Path, PathBuf};
use std::time::Instant;

const RUNS: usize = 9;
const BIG: &str = big_image::TAG;

fn main() {
    let engine = Dockerd::start();
    engine.base();
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_drydock"));

    eprintln!("building a ~300 MB image of 20,000 files (a few minutes)...");
    let built = Instant::now();
    engine.build(BIG, &big_image::dockerfile(), Builder::Classic);
    eprintln!("built in {:.0}s", built.elapsed().as_secs_f64());
    let report = drydock_layers(&bin, &engine, BIG).json();
    let files: u64 = report["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .map(|l| l["files_added"].as_u64().unwrap_or(0))
        .sum();

    let (save, layers, ratio) = paired(
        RUNS,
        || time_save(&engine, BIG),
        || drydock_layers(&bin, &engine, BIG).time(),
    );
    let rss = drydock_layers(&bin, &engine, BIG).peak_rss_kib();

    println!(
        "\nlayers benchmark: {BIG}, {} MB stored in {} files, {} MB hidden; median of {RUNS} runs",
        report["stored_bytes"].as_u64().unwrap_or(0) / 1_000_000,
        files,
        report["hidden_bytes"].as_u64().unwrap_or(0) / 1_000_000,
    );
    println!(
        "{:<44} {:>10}",
        "docker save IMAGE > /dev/null",
        shown(save)
    );
    println!(
        "{:<44} {:>10}",
        "drydock layers IMAGE --format json",
        shown(layers)
    );
    println!(
        "{:<44} {:>9.2}x   (target: at most 1.20x)",
        "ratio (median of per-pair ratios)", ratio
    );
    match rss {
        Some(kib) => println!(
            "{:<44} {:>7.1} MB   (target: under 100 MB)",
            "drydock peak memory (max RSS)",
            kib as f64 * 1024.0 / 1e6
        ),
        None => println!("drydock peak memory: /usr/bin/time is missing (apt-get install time)"),
    }

    println!("\nscaling with deleted files (one whiteout each):");
    println!(
        "{:<10} {:>12} {:>12} {:>16} {:>14}",
        "deleted", "save", "drydock", "analysis (min)", "per deletion"
    );
    let mut alone = Vec::new();
    let counts = [500usize, 5000, 50_000];
    for n in counts {
        let tag = format!("bench/deleted-{n}:1");
        engine.build(&tag, &deleting_dockerfile(n), Builder::Classic);
        let (save, layers, _) = paired(
            RUNS,
            || time_save(&engine, &tag),
            || drydock_layers(&bin, &engine, &tag).time(),
        );
        let archive = saved(&engine, &tag);
        // The fastest run: in-process work on memory, so anything slower was interference.
        let analysis = (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                let report = analyse(&archive[..], &Options::default()).expect("analyse");
                assert_eq!(report.wasted.len(), n);
                t.elapsed()
            })
            .min()
            .expect("runs");
        println!(
            "{:<10} {:>12} {:>12} {:>16} {:>12.2}µs",
            n,
            shown(save),
            shown(layers),
            shown(analysis),
            analysis.as_secs_f64() * 1e6 / n as f64
        );
        alone.push(analysis);
    }
    for i in 1..counts.len() {
        println!(
            "analysis time {} / {} deletions: {:.1}x (linear: ~10x; quadratic: ~100x)",
            counts[i],
            counts[i - 1],
            alone[i].as_secs_f64() / alone[i - 1].as_secs_f64()
        );
    }
}

fn deleting_dockerfile(n: usize) -> String {
    format!(
        "FROM {BASE}\nRUN mkdir /d && cd /d && for i in $(seq 1 {n}); do echo $i > f$i; done && echo k > keep\nRUN rm /d/f*\n"
    )
}

/// `drydock layers IMAGE --format json`.
fn drydock_layers(bin: &Path, engine: &Dockerd, image: &str) -> Drydock {
    Drydock::new(bin, engine, None, &["layers", image, "--format", "json"])
}

fn saved(engine: &Dockerd, image: &str) -> Vec<u8> {
    let out = engine
        .docker_command(&["save", image])
        .output()
        .expect("docker save");
    assert!(out.status.success());
    out.stdout
}
