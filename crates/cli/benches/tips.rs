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

use common::{ms, paired};
use drydock_testkit::fixtures::Builder;
use drydock_testkit::Dockerd;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
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
    let report = tips_json(&bin, &engine, data.path(), BIG);
    let tips = report["tips"].as_array().map_or(0, Vec::len);

    let (save, fresh, ratio) = paired(
        RUNS,
        || time_save(&engine, BIG),
        || {
            let data = tempfile::tempdir().expect("temp dir");
            time_tips(&bin, &engine, data.path(), BIG)
        },
    );
    // The data directory of the first run keeps the facts: a second look reads no export.
    let mut kept: Vec<Duration> = (0..RUNS)
        .map(|_| time_tips(&bin, &engine, data.path(), BIG))
        .collect();
    kept.sort();
    let rss = {
        let data = tempfile::tempdir().expect("temp dir");
        peak_rss_kib(&bin, &engine, data.path(), BIG)
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
fn drydock(bin: &Path, engine: &Dockerd, data: &Path, image: &str) -> Command {
    let mut cmd = Command::new(bin);
    cmd.arg("-H")
        .arg(engine.host())
        .args(["tips", image, "--format", "json"])
        .env("DRYDOCK_DATA_DIR", data)
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT");
    cmd
}

fn time_tips(bin: &Path, engine: &Dockerd, data: &Path, image: &str) -> Duration {
    let t = Instant::now();
    let status = drydock(bin, engine, data, image)
        .stdout(Stdio::null())
        .status()
        .expect("run drydock");
    let elapsed = t.elapsed();
    assert!(status.success(), "drydock tips {image}");
    elapsed
}

fn tips_json(bin: &Path, engine: &Dockerd, data: &Path, image: &str) -> serde_json::Value {
    let out = drydock(bin, engine, data, image)
        .output()
        .expect("run drydock");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

/// The peak resident memory of one uncached `drydock tips` run, from GNU time.
fn peak_rss_kib(bin: &Path, engine: &Dockerd, data: &Path, image: &str) -> Option<u64> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let out = Command::new(time)
        .args(["-f", "%M"])
        .arg(bin)
        .arg("-H")
        .arg(engine.host())
        .args(["tips", image, "--format", "json"])
        .env("DRYDOCK_DATA_DIR", data)
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
