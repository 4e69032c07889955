//! `drydock images` and `drydock df` against the bare engine API calls they make, on a throwaway
//! engine holding 300 images. Prints medians and ratios; asserts nothing about time.
//!
//! The baseline sends the same requests (`/_ping` to learn the API version, df, inspect + history
//! for each image sharing layers, eight at a time like Drydock, and info) over plain HTTP/1.0 on
//! the unix socket, with no parsing beyond reading the ids it needs. The drydock side is the whole
//! CLI process: start-up, discovery, connection, requests, computation and rendering.

mod common;

use common::{ms, paired};
use drydock_testkit::fixtures::many_images;
use drydock_testkit::Dockerd;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const IMAGES: usize = 300;
const RUNS: usize = 31;
const IN_FLIGHT: usize = 8;

fn main() {
    let engine = Dockerd::start();
    eprintln!("filling the throwaway engine with {IMAGES} images...");
    let filled = Instant::now();
    fill(&engine);
    eprintln!("filled in {:.1}s", filled.elapsed().as_secs_f64());
    let socket = engine.socket();
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_drydock"));

    // Each pair runs drydock and the bare calls back to back, so drift in the engine's speed
    // (its df walks every layer) hits both sides alike.
    let (images_cli, images_raw, _) = paired(
        RUNS,
        || time_cli(&bin, &engine, "images"),
        || {
            let t = Instant::now();
            get(&socket, "/_ping");
            get(&socket, "/v1.41/system/df");
            t.elapsed()
        },
    );
    let (df_cli, df_raw, _) = paired(
        RUNS,
        || time_cli(&bin, &engine, "df"),
        || {
            let t = Instant::now();
            get(&socket, "/_ping");
            let df = get(&socket, "/v1.41/system/df");
            let ids = sharing_image_ids(&df);
            parallel_layer_reads(&socket, ids);
            get(&socket, "/v1.41/info");
            t.elapsed()
        },
    );

    println!("\ninventory benchmark: {IMAGES} images, median of {RUNS} runs each");
    println!(
        "{:<18} {:>12} {:>14} {:>8}",
        "command", "drydock", "bare API", "ratio"
    );
    for (name, cli, raw) in [
        ("drydock images", images_cli, images_raw),
        ("drydock df", df_cli, df_raw),
    ] {
        println!(
            "{:<18} {:>10.1}ms {:>12.1}ms {:>7.2}x",
            name,
            ms(cli),
            ms(raw),
            cli.as_secs_f64() / raw.as_secs_f64()
        );
    }
    println!("target: within 1.10x of the bare API time");
}

/// One base, 299 images built on it (each with its own layer), and containers on a few of them.
fn fill(engine: &Dockerd) {
    many_images(engine, IMAGES);
    for i in 1..=10 {
        engine.docker(&["create", "--network", "none", &format!("bench/app-{i}:1")]);
    }
}

fn time_cli(bin: &Path, engine: &Dockerd, command: &str) -> Duration {
    let t = Instant::now();
    let out = Command::new(bin)
        .arg("-H")
        .arg(engine.host())
        .args([command, "--format", "json"])
        .env_remove("DOCKER_HOST")
        .output()
        .expect("run drydock");
    let elapsed = t.elapsed();
    assert!(
        out.status.success(),
        "drydock {command}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    elapsed
}

/// A bare HTTP/1.0 GET on the engine's unix socket; returns the body.
fn get(socket: &Path, path: &str) -> Vec<u8> {
    let mut stream = UnixStream::connect(socket).expect("connect");
    write!(stream, "GET {path} HTTP/1.0\r\nHost: docker\r\n\r\n").expect("request");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("response");
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers end")
        + 4;
    response.split_off(split)
}

fn sharing_image_ids(df: &[u8]) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_slice(df).expect("df json");
    value["Images"]
        .as_array()
        .expect("images")
        .iter()
        .filter(|i| i["SharedSize"].as_i64().unwrap_or(0) > 0)
        .filter_map(|i| i["Id"].as_str().map(str::to_owned))
        .collect()
}

fn parallel_layer_reads(socket: &Path, ids: Vec<String>) {
    let queue = Arc::new(Mutex::new(ids));
    std::thread::scope(|scope| {
        for _ in 0..IN_FLIGHT {
            let queue = Arc::clone(&queue);
            scope.spawn(move || loop {
                let Some(id) = queue.lock().expect("queue").pop() else {
                    break;
                };
                get(socket, &format!("/v1.41/images/{id}/json"));
                get(socket, &format!("/v1.41/images/{id}/history"));
            });
        }
    });
}
