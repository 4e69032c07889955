//! Fixing hostile Dockerfiles must cost memory in proportion to their size, as linting does
//! (`linear_cost.rs`): the edits of every finding, the fixed text and its diff. Each shape is
//! fixed at about 10 KB and at a larger size; the peak heap bytes per input KB must stay within
//! a small factor. Deterministic: heap bytes, never time.

use std::sync::Mutex;

use drydock_lint::fix::{apply, diff};
use drydock_lint::{lint, Config, Project, Selection};
use peak_alloc::PeakAlloc;

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

/// Tests share the one allocator count: one measures at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const SMALL: usize = 10_000;
const LARGE: usize = 160_000;
const FACTOR: f64 = 3.0;

/// Shapes by name, each growing to about `bytes`.
type Shape = (&'static str, fn(usize) -> String);

const SHAPES: &[Shape] = &[
    ("fixable RUN lines", |bytes| {
        "FROM alpine:3\n".to_string() + &"RUN apk add curl && pip install x\n".repeat(bytes / 34)
    }),
    ("one RUN of many installs", |bytes| {
        format!(
            "FROM debian:12\nRUN true{}\n",
            " && apt-get install -y x".repeat(bytes / 24)
        )
    }),
    ("one huge CMD", |bytes| {
        format!("FROM alpine:3\nCMD run{}\n", " arg".repeat(bytes / 4))
    }),
    ("short RUNs to join", |bytes| {
        "FROM alpine:3\n".to_string() + &"RUN a && b\n".repeat(bytes / 11)
    }),
    ("installs after context copies", |bytes| {
        "FROM node:22\nWORKDIR /app\n".to_string() + &"COPY . .\nRUN npm ci\n".repeat(bytes / 20)
    }),
    ("cleanups and mode changes in later RUNs", |bytes| {
        "# syntax=docker/dockerfile:1\nFROM debian:12\n".to_string()
            + &"RUN apt-get update\nRUN rm -rf /var/lib/apt/lists/*\nCOPY a.sh /a.sh\nRUN chmod 755 /a.sh\n"
                .repeat(bytes / 87)
    }),
    ("copies from stage indexes", |bytes| {
        "FROM alpine:3 AS a\nFROM alpine:3\n".to_string()
            + &"COPY --from=0 /a /a\n".repeat(bytes / 20)
    }),
];

/// Peak heap bytes while fixing `source` once and diffing the result.
fn peak_bytes(source: &str) -> usize {
    HEAP.reset_peak_usage();
    let before = HEAP.current_usage();
    let edits: Vec<_> = lint(
        "Dockerfile",
        source,
        &Config::default(),
        Project::default(),
        &Selection::All,
    )
    .into_iter()
    .flat_map(|f| f.edits)
    .collect();
    assert!(!edits.is_empty());
    // Fixes of neighbouring findings may overlap (joined RUNs, options inserted into them):
    // what is left out waits for the next round.
    let fixed = apply(source, &edits);
    assert_ne!(fixed.text, source);
    let shown = diff(source, &fixed.text, "Dockerfile");
    assert!(shown.starts_with("--- a/Dockerfile"));
    HEAP.peak_usage().saturating_sub(before)
}

#[test]
fn fixing_hostile_shapes_costs_linear_memory() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    for (name, grow) in SHAPES {
        let per_kb = |bytes: usize| {
            let source = grow(bytes);
            peak_bytes(&source) as f64 * 1024.0 / source.len() as f64
        };
        let (small, large) = (per_kb(SMALL), per_kb(LARGE));
        assert!(
            large <= small * FACTOR,
            "{name}: {large:.0} heap bytes per input KB at {} KB, {small:.0} at 10 KB",
            LARGE / 1000
        );
    }
}

#[test]
fn a_diff_of_texts_with_many_lines_added_stays_linear() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let per_kb = |lines: usize| {
        let old: String = (0..lines).map(|i| format!("RUN a{i}\n")).collect();
        let new: String = (0..lines)
            .flat_map(|i| [format!("RUN a{i}\n"), format!("RUN b{i}\n")])
            .collect();
        HEAP.reset_peak_usage();
        let before = HEAP.current_usage();
        let shown = diff(&old, &new, "f");
        assert_eq!(shown.matches("\n+RUN b").count(), lines);
        HEAP.peak_usage().saturating_sub(before) as f64 * 1024.0 / old.len() as f64
    };
    let (small, large) = (per_kb(1_000), per_kb(16_000));
    assert!(
        large <= small * FACTOR,
        "{large:.0} vs {small:.0} bytes per KB"
    );
}
