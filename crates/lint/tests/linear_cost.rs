//! Hostile Dockerfiles must cost memory in proportion to their size: the app lints any
//! repository a user opens. Each shape is linted at about 10 KB and at a larger size, and the
//! peak heap bytes per input KB must stay within a small factor. Before scopes were shared, a
//! file of 8,000 ENV lines took 6 GB (every instruction held its own copy of every variable).
//!
//! Deterministic: heap bytes, counted by this test binary's allocator, never time (the
//! `lint_scaling` benchmark of the CLI prints times per KB up to 8 MB).

mod shapes;

use std::sync::Mutex;

use drydock_lint::{lint, Config, Project, Selection};
use peak_alloc::PeakAlloc;

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

/// Tests share the one allocator count: one measures at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const SMALL: usize = 10_000;
const LARGE: usize = 160_000;
/// How much more memory per KB the large file may take than the small one.
const FACTOR: f64 = 3.0;

/// Peak heap bytes while linting `source`, above what was in use before.
fn peak_bytes(source: &str) -> usize {
    let before = HEAP.current_usage();
    HEAP.reset_peak_usage();
    let findings = lint(
        "Dockerfile",
        source,
        &Config::default(),
        Project {
            dockerignore: Some(true),
        },
        &Selection::All,
    );
    let peak = HEAP.peak_usage().saturating_sub(before);
    drop(findings);
    peak
}

fn assert_linear(names: &[&str]) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    for (name, grow) in shapes::SHAPES.iter().filter(|(n, _)| names.contains(n)) {
        let per_kb = |bytes: usize| {
            let source = grow(bytes);
            peak_bytes(&source) as f64 * 1024.0 / source.len() as f64
        };
        let (small, large) = (per_kb(SMALL), per_kb(LARGE));
        assert!(
            large <= small * FACTOR,
            "{name}: {:.0} heap bytes per input KB at {} KB, {:.0} at 10 KB ({:.1}x, at most {FACTOR}x)",
            large,
            LARGE / 1000,
            small,
            large / small
        );
    }
}

#[test]
fn thousands_of_env_lines_cost_linear_memory() {
    assert_linear(&[
        "env lines",
        "env lines using the one before",
        "one huge env of keys using earlier ones",
    ]);
}

#[test]
fn thousands_of_arg_lines_cost_linear_memory() {
    assert_linear(&[
        "global arg lines",
        "stage arg lines",
        "stages from a global arg",
    ]);
}

#[test]
fn thousands_of_stages_built_on_each_other_cost_linear_memory() {
    assert_linear(&["stages built on the stage before"]);
}

#[test]
fn every_other_hostile_shape_costs_linear_memory() {
    let named = [
        "env lines",
        "env lines using the one before",
        "one huge env of keys using earlier ones",
        "global arg lines",
        "stage arg lines",
        "stages from a global arg",
        "stages built on the stage before",
    ];
    let others: Vec<&str> = shapes::SHAPES
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| !named.contains(n))
        .collect();
    assert_linear(&others);
}
