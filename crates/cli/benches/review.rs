//! `drydock review` of a big build context against `tar` of the same context: a project of
//! 100,000 files totalling ~1 GB (100 directories of 1,000 files of 10 kB under `src/`), a
//! Dockerfile that copies `src/`, and a `.dockerignore` that leaves three of the directories out.
//! No engine (`-H` names a socket that does not exist), so the review is the Dockerfile and the
//! context walk alone. Prints the medians of alternating runs and the ratio; asserts nothing
//! about time. Target: within 1.2x of the tar.
//!
//! The baseline is what `docker build` does with the context before anything else: tar it. It
//! tars exactly the files Docker would send (the ignored directories excluded) and reads their
//! contents: GNU tar skips reading file data when the archive is `/dev/null` (it stats the
//! archive, so `-f /dev/null` and `-f - > /dev/null` both short-circuit), so the archive goes
//! through a pipe that this process drains. Both sides run once first, so the page cache is warm.

mod common;

use common::{ms, paired};
use serde_json::Value;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 5;
const DIRS: usize = 100;
const FILES_PER_DIR: usize = 1000;
const FILE_BYTES: usize = 10 * 1024;
/// Left out by the `.dockerignore`, one by a plain path, one by a glob, one by `**`.
const IGNORED: [&str; 3] = ["d07", "d42", "d99"];
const DOCKERIGNORE: &str = "src/d07\nsrc/d4[2]\n**/d99\n*.tmp\n";
const NO_ENGINE: &str = "unix:///nonexistent/docker.sock";

fn main() {
    let project = tempfile::Builder::new()
        .prefix("drydock-review-bench-")
        .tempdir()
        .expect("scratch directory");
    let dir = project.path();
    eprintln!("writing a ~1 GB context of 100,000 files...");
    let written = Instant::now();
    let bytes = write_project(dir);
    eprintln!(
        "written in {:.1}s: {} MB",
        written.elapsed().as_secs_f64(),
        bytes / 1_000_000
    );

    let drydock = PathBuf::from(env!("CARGO_BIN_EXE_drydock"));
    let expected = expected_files();
    let review = || {
        let t = Instant::now();
        let out = Command::new(&drydock)
            .args(["-H", NO_ENGINE, "review"])
            .arg(dir)
            .args(["--format", "json"])
            .stdin(Stdio::null())
            .output()
            .expect("start drydock");
        let took = t.elapsed();
        assert!(
            out.status.success(),
            "drydock review: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: Value = serde_json::from_slice(&out.stdout).expect("drydock review JSON");
        let files = json["context"]["files"].as_u64().expect("context.files");
        assert_eq!(files, expected, "files in the reviewed context");
        took
    };
    let tar = || tar_context(dir);

    println!(
        "\nreview benchmark: {} files, {} MB in the context ({} files sent after .dockerignore), \
         median of {RUNS} runs",
        DIRS * FILES_PER_DIR + 2,
        bytes / 1_000_000,
        expected
    );
    let (ours, theirs, ratio) = paired(RUNS, review, tar);
    println!(
        "drydock review (context) {:.0} ms vs tar {:.0} ms: {:.2}x (target ≤ 1.20x)",
        ms(ours),
        ms(theirs),
        1.0 / ratio
    );
}

/// `src/dNN/fNNNN.dat` × 100,000 of one shared buffer, the Dockerfile and the ignore file.
/// Returns the bytes written.
fn write_project(dir: &Path) -> u64 {
    let buf: Vec<u8> = (0..FILE_BYTES).map(|i| (i * 31 % 251) as u8).collect();
    for d in 0..DIRS {
        let sub = dir.join("src").join(format!("d{d:02}"));
        fs::create_dir_all(&sub).expect("create a context directory");
        for f in 0..FILES_PER_DIR {
            fs::write(sub.join(format!("f{f:04}.dat")), &buf).expect("write a context file");
        }
    }
    fs::write(dir.join("Dockerfile"), "FROM scratch\nCOPY src/ /src/\n").expect("Dockerfile");
    fs::write(dir.join(".dockerignore"), DOCKERIGNORE).expect(".dockerignore");
    (DIRS * FILES_PER_DIR * FILE_BYTES) as u64
}

/// What Docker sends: the files of the directories not ignored, the Dockerfile and the
/// `.dockerignore` (the builder always gets those two).
fn expected_files() -> u64 {
    ((DIRS - IGNORED.len()) * FILES_PER_DIR + 2) as u64
}

/// `tar -cf - -C DIR --exclude ... .` into a pipe read to the end here.
fn tar_context(dir: &Path) -> Duration {
    let t = Instant::now();
    let mut child = Command::new("tar")
        .arg("-cf")
        .arg("-")
        .arg("-C")
        .arg(dir)
        .args(IGNORED.iter().map(|d| format!("--exclude=./src/{d}")))
        .arg(".")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start tar");
    let mut pipe = child.stdout.take().expect("tar's stdout");
    let mut buf = vec![0u8; 1 << 20];
    let mut archived = 0u64;
    loop {
        match pipe.read(&mut buf).expect("read tar's archive") {
            0 => break,
            n => archived += n as u64,
        }
    }
    let status = child.wait().expect("wait for tar");
    let took = t.elapsed();
    assert!(status.success(), "tar failed: {status}");
    let least = ((DIRS - IGNORED.len()) * FILES_PER_DIR * FILE_BYTES) as u64;
    assert!(
        archived >= least,
        "tar wrote {archived} bytes, fewer than the {least} of file data: it did not read the files"
    );
    took
}
