//! `drydock lint` on hostile Dockerfiles of 10 KB, 100 KB, 1 MB and 8 MB, one shape at a time
//! (thousands of ENV lines, stages built on each other, pragmas, one RUN of many `&&`...):
//! prints the time per KB and the peak heap at each size, and the ratio of the time per KB at
//! 8 MB to that at 10 KB. Linear cost means a ratio near 1; before scopes were shared, 8,000
//! ENV lines (95 KB) took over a minute. Asserts nothing about time.
//!
//! Words after `--` keep only the shapes whose name contains one of them
//! (`cargo bench -p drydock-cli --bench lint_scaling -- doubling rm`).
//!
//! The linting is the library's, in this process (no start-up or output), so the heap can be
//! counted; the shapes are the ones the lint crate's linear-cost test checks for memory.

#[path = "../../lint/tests/shapes/mod.rs"]
mod shapes;

use std::time::{Duration, Instant};

use drydock_lint::{lint, Config, Project, Selection};
use peak_alloc::PeakAlloc;

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

const SIZES: [(usize, &str); 4] = [
    (10_000, "10 KB"),
    (100_000, "100 KB"),
    (1_000_000, "1 MB"),
    (8_000_000, "8 MB"),
];

/// Each size is linted until this much time has passed (and at least three times): the
/// median run counts.
const ENOUGH: Duration = Duration::from_millis(300);

fn main() {
    let config = Config::default();
    let project = Project {
        dockerignore: Some(true),
    };
    let run = |source: &str| lint("Dockerfile", source, &config, project, &Selection::All).len();
    println!("\nlint scaling benchmark: time per input KB (median run) and peak heap, by size");
    let mut worst: (f64, &str) = (0.0, "");
    // cargo passes `--bench`; other words pick shapes.
    let wanted: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let picked = shapes::SHAPES
        .iter()
        .filter(|(name, _)| wanted.is_empty() || wanted.iter().any(|w| name.contains(w.as_str())));
    for (name, grow) in picked {
        println!("{name}");
        let mut first_per_kb = None;
        for (bytes, label) in SIZES {
            let source = grow(bytes);
            let kb = source.len() as f64 / 1024.0;
            let before = HEAP.current_usage();
            HEAP.reset_peak_usage();
            let findings = run(&source);
            let peak = HEAP.peak_usage().saturating_sub(before);
            let mut times = Vec::new();
            let started = Instant::now();
            while times.len() < 3 || started.elapsed() < ENOUGH {
                let t = Instant::now();
                std::hint::black_box(run(std::hint::black_box(&source)));
                times.push(t.elapsed());
            }
            times.sort();
            let median = times[times.len() / 2];
            let per_kb = median.as_secs_f64() * 1e6 / kb;
            let base = *first_per_kb.get_or_insert(per_kb);
            println!(
                "  {label:>6}: {per_kb:>8.2} µs/KB  {:>9.1} ms  peak heap {:>8.1} MB ({:>5.0} KB per KB)  {findings} findings",
                median.as_secs_f64() * 1000.0,
                peak as f64 / (1024.0 * 1024.0),
                peak as f64 / 1024.0 / kb,
            );
            if bytes == SIZES[SIZES.len() - 1].0 {
                let ratio = per_kb / base;
                println!("  time per KB at 8 MB / at 10 KB: {ratio:.2}");
                if ratio > worst.0 {
                    worst = (ratio, name);
                }
            }
        }
    }
    println!(
        "\nlargest ratio of time per KB (8 MB / 10 KB): {:.2}, {} (flat is near 1)",
        worst.0, worst.1
    );
}
