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

use common::{ms, paired};
use drydock_layers::{analyse, Options};
use drydock_testkit::fixtures::{Builder, BASE};
use drydock_testkit::Dockerd;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
    let report = layers_json(&bin, &engine, BIG);
    let files: u64 = report["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .map(|l| l["files_added"].as_u64().unwrap_or(0))
        .sum();

    let (save, layers, ratio) = paired(
        RUNS,
        || time_save(&engine, BIG),
        || time_layers(&bin, &engine, BIG),
    );
    let rss = peak_rss_kib(&bin, &engine, BIG);

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
            || time_layers(&bin, &engine, &tag),
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

fn drydock(bin: &Path, engine: &Dockerd, image: &str) -> Command {
    let mut cmd = Command::new(bin);
    cmd.arg("-H")
        .arg(engine.host())
        .args(["layers", image, "--format", "json"])
        .env_remove("DOCKER_HOST");
    cmd
}

fn time_layers(bin: &Path, engine: &Dockerd, image: &str) -> Duration {
    let t = Instant::now();
    let status = drydock(bin, engine, image)
        .stdout(Stdio::null())
        .status()
        .expect("run drydock");
    let elapsed = t.elapsed();
    assert!(status.success(), "drydock layers {image}");
    elapsed
}

fn layers_json(bin: &Path, engine: &Dockerd, image: &str) -> serde_json::Value {
    let out = drydock(bin, engine, image).output().expect("run drydock");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

fn saved(engine: &Dockerd, image: &str) -> Vec<u8> {
    let out = engine
        .docker_command(&["save", image])
        .output()
        .expect("docker save");
    assert!(out.status.success());
    out.stdout
}

/// The peak resident memory of one `drydock layers` run, from GNU time.
fn peak_rss_kib(bin: &Path, engine: &Dockerd, image: &str) -> Option<u64> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let out = Command::new(time)
        .args(["-f", "%M"])
        .arg(bin)
        .arg("-H")
        .arg(engine.host())
        .args(["layers", image, "--format", "json"])
        .env_remove("DOCKER_HOST")
        .stdout(Stdio::null())
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()
}

/// A duration as the tables print it.
fn shown(d: Duration) -> String {
    format!("{:.1}ms", ms(d))
}
