//! `drydock review --rebuild`: the Dockerfile with every autofix applied, built as a trial image
//! and measured against the reviewed image, so the gain is shown rather than promised.
//!
//! The diff goes to stderr before the build, and the build's steps after it (one line per step,
//! whether stderr is a terminal or a log: a build is long enough that a log reader wants them
//! too), so stdout holds only the review and the result. The user's Dockerfile is never written
//! (`drydock lint --fix` does that). Ctrl-C ends the process, which closes the connection: the
//! engine then cancels the build.

use crate::args::{BuilderArg, ReviewArgs};
use crate::error::CliError;
use crate::output::inert;
use drydock_engine::{BuildProgress, BuilderKind, Engine, StepState};
use drydock_inventory::human_bytes;
use drydock_review::rebuild::{
    fixed, rebuild_and_compare_with, Comparison, RebuildRequest, TRIAL_LABEL,
};
use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;

/// The comparison, and how many findings' fixes it was built with.
pub(super) struct Rebuilt {
    pub comparison: Comparison,
    pub fixes: usize,
}

/// Builds the fixed Dockerfile and compares; `None` when no autofix applies (nothing to build).
pub(super) async fn rebuild(
    engine: &Engine,
    args: &ReviewArgs,
    context: &Path,
    dockerfile: &Path,
    before: Option<String>,
) -> Result<Option<Rebuilt>, CliError> {
    let shown = inert(&dockerfile.display().to_string());
    let fix = fixed(dockerfile).map_err(CliError::from_error)?;
    if fix.text == fix.original {
        eprintln!("note: no autofix applies to {shown}, so there is nothing to rebuild");
        return Ok(None);
    }
    eprint!(
        "{}",
        inert(&drydock_lint::fix::diff(&fix.original, &fix.text, &shown))
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let request = RebuildRequest {
        context: context.to_path_buf(),
        dockerfile: dockerfile.to_path_buf(),
        text: fix.text,
        target: args.target.clone(),
        build_args: super::build_args(&args.build_args)?,
        before,
        network: args.network.clone(),
        now,
    };
    let builder = match args.builder {
        BuilderArg::Buildkit => BuilderKind::BuildKit,
        BuilderArg::Classic => BuilderKind::Classic,
    };
    let mut shown_steps = HashSet::new();
    let mut progress = |p: BuildProgress| {
        if let Some(line) = step_line(&p, &mut shown_steps) {
            eprintln!("{}", inert(&line));
        }
    };
    let mut comparison = rebuild_and_compare_with(engine, &request, builder, &mut progress)
        .await
        .map_err(CliError::from_error)?;
    let images = [
        comparison.before.image.as_str(),
        comparison.after.image.as_str(),
    ];
    match crate::scan::count_vulnerabilities(engine, &images).await? {
        Some(counts) => {
            comparison.before.vulnerabilities = counts.first().copied();
            comparison.after.vulnerabilities = counts.get(1).copied();
        }
        None => eprintln!(
            "note: vulnerabilities are not compared: there is no advisory database (`drydock db update` or `drydock db import`)"
        ),
    }
    Ok(Some(Rebuilt {
        comparison,
        fixes: fix.fixes,
    }))
}

/// One line per step: when it starts or comes from the cache, and when it fails.
fn step_line(p: &BuildProgress, shown: &mut HashSet<String>) -> Option<String> {
    let BuildProgress::Step {
        index,
        of,
        name,
        state,
        error,
    } = p
    else {
        return None;
    };
    let counted = match (index, of) {
        (Some(i), Some(o)) => format!("[{i}/{o}] {name}"),
        _ => name.clone(),
    };
    match state {
        StepState::Failed => Some(format!(
            "{counted}: failed: {}",
            error.as_deref().unwrap_or_default()
        )),
        StepState::Started | StepState::Cached if index.is_some() => {
            if !shown.insert(counted.clone()) {
                return None;
            }
            Some(if *state == StepState::Cached {
                format!("{counted} (cached)")
            } else {
                counted
            })
        }
        _ => None,
    }
}

/// `Rebuilt with 4 fixes as drydock-trial/app:1764819000: 212 MB -> 28 MB (-184 MB, -62%), ...`
/// and how to remove the trial.
pub(super) fn tty(out: &mut String, rebuilt: &Rebuilt) {
    let c = &rebuilt.comparison;
    let (b, a) = (&c.before, &c.after);
    let hidden = |n: u64| human_bytes(i64::try_from(n).unwrap_or(i64::MAX));
    let _ = writeln!(
        out,
        "\nRebuilt with {} {} as {}: {} -> {} ({}), {} -> {} layers, hidden {} -> {}, findings {} -> {}{}",
        rebuilt.fixes,
        if rebuilt.fixes == 1 { "fix" } else { "fixes" },
        inert(&c.trial_tag),
        human_bytes(b.bytes),
        human_bytes(a.bytes),
        c.summary,
        b.layers,
        a.layers,
        hidden(b.hidden_bytes),
        hidden(a.hidden_bytes),
        b.findings,
        a.findings,
        match (b.vulnerabilities, a.vulnerabilities) {
            (Some(b), Some(a)) => format!(", vulnerabilities {b} -> {a}"),
            _ => String::new(),
        }
    );
    if let Some(tag) = &c.before_trial_tag {
        let _ = writeln!(
            out,
            "No image matched the Dockerfile, so the original was built too, as {}",
            inert(tag)
        );
    }
    let _ = writeln!(
        out,
        "Remove the trial image with: drydock prune --images unused --label {TRIAL_LABEL}"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(index: Option<usize>, name: &str, state: StepState) -> BuildProgress {
        BuildProgress::Step {
            index,
            of: index.map(|_| 3),
            name: name.into(),
            state,
            error: (state == StepState::Failed).then(|| "exit code: 3".into()),
        }
    }

    #[test]
    fn each_step_is_told_once_and_a_failure_always() {
        let mut shown = HashSet::new();
        let lines: Vec<String> = [
            step(None, "[internal] load .dockerignore", StepState::Started),
            step(Some(2), "RUN make", StepState::Started),
            step(Some(2), "RUN make", StepState::Started),
            step(Some(2), "RUN make", StepState::Done),
            step(Some(3), "COPY . /app", StepState::Cached),
            step(Some(3), "RUN false", StepState::Failed),
            BuildProgress::Log {
                text: "noise".into(),
            },
        ]
        .iter()
        .filter_map(|p| step_line(p, &mut shown))
        .collect();
        assert_eq!(
            lines,
            [
                "[2/3] RUN make",
                "[3/3] COPY . /app (cached)",
                "[3/3] RUN false: failed: exit code: 3"
            ]
        );
    }
}
