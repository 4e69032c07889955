//! The desktop app's start-up, memory and size, as a user meets them: the release binary under
//! Xvfb, pointed at a throwaway engine with 300 images. Prints the figures; asserts nothing.
//!
//! - cold start to data: from asking tauri-driver for a session (which launches the app) until the
//!   overview shows the engine's figures;
//! - resident memory after 5 s idle on the overview (VmRSS of the app process);
//! - the release binary's size.

use drydock_testkit::desktop::{session, TauriDriver, Xvfb};
use drydock_testkit::fixtures::many_images;
use drydock_testkit::Dockerd;
use fantoccini::Locator;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

const IMAGES: usize = 300;
const STARTS: usize = 5;

fn rss_kib(name: &str) -> Option<u64> {
    let pids = Command::new("pgrep").args(["-x", name]).output().ok()?;
    let pid = String::from_utf8_lossy(&pids.stdout)
        .lines()
        .next()?
        .trim()
        .to_owned();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

fn main() {
    let app = PathBuf::from(env!("CARGO_BIN_EXE_drydock-app"));
    let engine = Dockerd::start();
    eprintln!("filling the throwaway engine with {IMAGES} images...");
    many_images(&engine, IMAGES);

    let xvfb = Xvfb::start();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");

    let mut starts = Vec::new();
    let mut rss = None;
    for run in 0..STARTS {
        let driver = TauriDriver::start(&xvfb.display, &engine.host());
        let elapsed = runtime.block_on(async {
            let t0 = Instant::now();
            let client = session(&driver, &app.to_string_lossy()).await;
            while client
                .find(Locator::Css("[data-testid=overview-cards]"))
                .await
                .is_err()
            {
                assert!(
                    t0.elapsed() < Duration::from_secs(60),
                    "overview never showed data"
                );
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            let elapsed = t0.elapsed();
            if run == STARTS - 1 {
                tokio::time::sleep(Duration::from_secs(5)).await;
                rss = rss_kib("drydock-app");
            }
            let _ = client.close().await;
            elapsed
        });
        starts.push(elapsed);
        drop(driver);
        std::thread::sleep(Duration::from_millis(300));
    }
    drop(xvfb);
    starts.sort();
    let median = starts[STARTS / 2];
    let size = std::fs::metadata(&app).map(|m| m.len()).unwrap_or(0);
    println!("\napp benchmark: {IMAGES} images, release build, under Xvfb");
    println!("cold start to overview data: median {:.0} ms of {STARTS} (target < 1500 ms): {:.2}x of target", median.as_secs_f64() * 1000.0, median.as_secs_f64() / 1.5);
    match rss {
        Some(kib) => println!(
            "resident memory idle on the overview: {:.1} MB (target < 200 MB): {:.2}x of target",
            kib as f64 / 1024.0,
            kib as f64 / 1024.0 / 200.0
        ),
        None => println!("resident memory: could not read /proc for drydock-app"),
    }
    println!(
        "release binary: {:.1} MB (target < 25 MB): {:.2}x of target",
        size as f64 / 1e6,
        size as f64 / 25e6
    );
}
