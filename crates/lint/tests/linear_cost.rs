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
    lint_counted(source).1
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
fn variable_expansion_bombs_cost_linear_memory() {
    assert_linear(&[
        "env lines doubling the one before",
        "env lines using one big value",
    ]);
}

#[test]
fn removing_and_chmodding_copied_paths_costs_linear_memory() {
    assert_linear(&[
        "copies, then rm of each path",
        "copies, then chmod of each path",
        "copies, then rm of each path by glob",
        "copies by glob, then rm and chmod of each path",
    ]);
}

/// `lines` ENVs, each twice the one before: 2^lines bytes if expanded in full.
fn doubling(lines: usize) -> String {
    let mut source = String::from("FROM alpine:3.20\nENV A0=xxxxxxxx\n");
    for i in 0..lines {
        source.push_str(&format!("ENV A{}=$A{i}$A{i}\n", i + 1));
    }
    source.push_str(&format!(
        "WORKDIR $A{lines}\nCOPY $A{lines} /app/\nRUN echo $A{lines}\n"
    ));
    source
}

#[test]
fn label_rules_under_a_schema_cost_linear_memory() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // Every label type, strict labels, and the off-by-default health check turned on.
    let mut config = Config::default();
    for (i, kind) in drydock_lint::LabelType::ALL.into_iter().enumerate() {
        config.settings.require_label(&format!("k{i}"), kind);
    }
    config.settings.strict_labels = true;
    config
        .apply(
            std::path::Path::new(".drydock.yaml"),
            "override:\n  info: [DL3057]\n",
        )
        .expect("valid");
    for name in ["one huge label", "stages built on the stage before"] {
        let Some((_, grow)) = shapes::SHAPES.iter().find(|(n, _)| *n == name) else {
            panic!("no shape {name}");
        };
        let per_kb = |bytes: usize| {
            let source = grow(bytes);
            let before = HEAP.current_usage();
            HEAP.reset_peak_usage();
            let _ = lint(
                "Dockerfile",
                &source,
                &config,
                Project::default(),
                &Selection::All,
            );
            HEAP.peak_usage().saturating_sub(before) as f64 * 1024.0 / source.len() as f64
        };
        let (small, large) = (per_kb(SMALL), per_kb(LARGE));
        assert!(
            large <= small * FACTOR,
            "{name} under a label schema: {large:.0} heap bytes per input KB at {} KB, {small:.0} at 10 KB",
            LARGE / 1000,
        );
    }
}

/// Findings and peak heap bytes of linting `source` with every rule.
fn lint_counted(source: &str) -> (Vec<drydock_lint::Finding>, usize) {
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
    (findings, HEAP.peak_usage().saturating_sub(before))
}

#[test]
fn doubling_env_lines_end_in_one_expansion_limit_finding() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // Before the budget, 40 lines aborted the process (2^40 bytes asked for).
    for lines in [60, 200] {
        let (findings, peak) = lint_counted(&doubling(lines));
        let limits: Vec<_> = findings
            .iter()
            .filter(|f| f.code == "expansion-limit")
            .collect();
        assert_eq!(limits.len(), 1, "{lines} lines: {findings:#?}");
        // 16 MiB doubles past the budget at `ENV A22` (8 bytes x 2^21), on line 23.
        assert_eq!(limits[0].line, 23, "{:?}", limits[0]);
        assert!(
            limits[0].message.contains("16777216 bytes"),
            "{}",
            limits[0].message
        );
        // The values kept come to at most the 16 MiB budget; lexing copies them a few times.
        assert!(peak < 96 << 20, "{lines} lines: {} MB of heap", peak >> 20);
        // Values past the budget are unknown: nothing is judged on them.
        assert!(
            findings
                .iter()
                .all(|f| f.line <= 23 || f.line > lines as u32 + 2 || f.code != "DD513"),
            "{findings:#?}"
        );
    }
}

#[test]
fn ordinary_env_use_stays_within_the_budget() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let source = "ARG VERSION=1.4.2\nFROM eclipse-temurin:21-jre\nARG VERSION\nENV APP_HOME=/opt/app PATH=/opt/app/bin:$PATH\nENV JAR=$APP_HOME/app-$VERSION.jar\nWORKDIR $APP_HOME\nCOPY target/app-$VERSION.jar $JAR\nRUN chmod 644 $JAR\nUSER 1000\nCMD [\"java\", \"-jar\", \"/opt/app/app.jar\"]\n";
    let (findings, _) = lint_counted(source);
    assert!(
        findings.iter().all(|f| f.code != "expansion-limit"),
        "{findings:#?}"
    );
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
        "env lines doubling the one before",
        "env lines using one big value",
        "copies, then rm of each path",
        "copies, then chmod of each path",
        "copies, then rm of each path by glob",
        "copies by glob, then rm and chmod of each path",
    ];
    let others: Vec<&str> = shapes::SHAPES
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| !named.contains(n))
        .collect();
    assert_linear(&others);
}
