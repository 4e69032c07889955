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

/// Memory of the app: its own resident set, and the proportional set (shared pages split among
/// the processes that map them) of the app and every process under it, since WebKitGTK draws
/// the page in its own web and network processes and the user pays for those too.
struct Memory {
    app_rss_kib: u64,
    tree_pss_kib: u64,
    processes: usize,
}

fn field_kib(path: &str, name: &str) -> u64 {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(name))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn memory(name: &str) -> Option<Memory> {
    let pids = Command::new("pgrep")
        .args(["-n", "-x", name])
        .output()
        .ok()?;
    let root = String::from_utf8_lossy(&pids.stdout)
        .lines()
        .next()?
        .trim()
        .to_owned();
    let app_rss_kib = field_kib(&format!("/proc/{root}/status"), "VmRSS:");
    let mut queue = vec![root];
    let (mut tree_pss_kib, mut processes) = (0, 0);
    while let Some(pid) = queue.pop() {
        tree_pss_kib += field_kib(&format!("/proc/{pid}/smaps_rollup"), "Pss:");
        processes += 1;
        let children = Command::new("pgrep").args(["-P", &pid]).output().ok()?;
        queue.extend(
            String::from_utf8_lossy(&children.stdout)
                .lines()
                .map(|l| l.trim().to_owned()),
        );
    }
    Some(Memory {
        app_rss_kib,
        tree_pss_kib,
        processes,
    })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
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
                rss = memory("drydock-app");
            }
            let _ = client.close().await;
            elapsed
        });
        starts.push(elapsed);
        drop(driver);
        std::thread::sleep(Duration::from_millis(300));
    }
    drop(xvfb);
    let first = starts[0];
    starts.sort();
    let median = starts[STARTS / 2];
    let size = std::fs::metadata(&app).map(|m| m.len()).unwrap_or(0);
    println!("\napp benchmark: {IMAGES} images, release build, under Xvfb");
    println!(
        "cold start to overview data: median {:.0} ms of {STARTS} (first {:.0} ms, range {:.0} to {:.0}); target < 1500 ms: {:.2}x of target",
        ms(median),
        ms(first),
        ms(starts[0]),
        ms(starts[STARTS - 1]),
        median.as_secs_f64() / 1.5
    );
    match rss {
        Some(m) => {
            let mb = |kib: u64| kib as f64 / 1024.0;
            println!(
                "resident memory idle on the overview, app process: {:.1} MB RSS; target < 200 MB: {:.2}x of target",
                mb(m.app_rss_kib),
                mb(m.app_rss_kib) / 200.0
            );
            println!(
                "  with its {} WebKit processes: {:.1} MB PSS ({:.2}x of the 200 MB target)",
                m.processes - 1,
                mb(m.tree_pss_kib),
                mb(m.tree_pss_kib) / 200.0
            );
        }
        None => println!("resident memory: could not read /proc for drydock-app"),
    }
    println!(
        "release binary: {:.1} MB (target < 25 MB): {:.2}x of target",
        size as f64 / 1e6,
        size as f64 / 25e6
    );
}
