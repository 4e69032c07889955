//! `drydock review`: a Dockerfile annotated with what each instruction wrote in the image it
//! built (found on the engine, or named) and the findings on its lines, then its build context.
//! Without an engine, the Dockerfile and the context alone.

use crate::args::{ReviewArgs, ReviewFormat};
use crate::commands::Outcome;
use crate::error::CliError;
use crate::output::inert;
use drydock_engine::Engine;
use drydock_inventory::human_bytes;
use drydock_review::context::ContextReport;
use drydock_review::join::Confidence;
use drydock_review::project::{review_project, Request, Reviewed};
use drydock_review::review::Review;
use drydock_review::walkthrough::{Impact, WalkStep};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

mod rebuild;

pub async fn run(args: &ReviewArgs, engine: Result<Engine, CliError>) -> Result<Outcome, CliError> {
    let mut request = Request::for_path(
        &args.path.clone().unwrap_or_else(|| PathBuf::from(".")),
        args.dockerfile.as_deref(),
    );
    request.image = args.image.clone();
    request.target = args.target.clone();
    request.build_args = build_args(&args.build_args)?;
    // Naming an image or rebuilding needs the engine: its error, not a review without one.
    let engine = match engine {
        Err(e) if args.image.is_some() || args.rebuild => return Err(e),
        other => other,
    };
    let reviewed = review_project(
        engine.as_ref().map_err(|e| e.to_string()),
        &request,
        &mut |_| {},
    )
    .await
    .map_err(CliError::from_error)?;
    for note in &reviewed.notes {
        eprintln!("note: {}", inert(note));
    }
    let rebuilt = match (&engine, args.rebuild) {
        (Ok(engine), true) => {
            let before = reviewed.review.image.as_ref().map(|i| i.id.clone());
            let (context_dir, dockerfile) = &reviewed.paths;
            rebuild::rebuild(engine, args, context_dir, dockerfile, before).await?
        }
        _ => None,
    };
    Ok(Outcome::ok(match args.format {
        ReviewFormat::Tty => {
            let mut out = tty(&reviewed.review);
            walkthrough_tty(&mut out, &reviewed.walkthrough);
            if let Some(rebuilt) = &rebuilt {
                rebuild::tty(&mut out, rebuilt);
            }
            out
        }
        ReviewFormat::Json => json(&reviewed, args.rebuild.then_some(rebuilt.as_ref()))?,
    }))
}

/// `--build-arg NAME=VALUE` as the join expands them (a bare `NAME` takes the environment's).
fn build_args(given: &[String]) -> Result<BTreeMap<String, String>, CliError> {
    let mut args = BTreeMap::new();
    for arg in given {
        let (name, value) = match arg.split_once('=') {
            Some((n, v)) => (n.to_string(), v.to_string()),
            None => (arg.clone(), std::env::var(arg).unwrap_or_default()),
        };
        if name.is_empty() {
            return Err(CliError::new(format!(
                "--build-arg {}: a build argument needs a name",
                inert(arg)
            ))
            .fix("write it as NAME=VALUE"));
        }
        args.insert(name, value);
    }
    Ok(args)
}

/// The review as JSON (with its walkthrough and notes); with `--rebuild`, the comparison under
/// `rebuild` (null when no autofix applied).
fn json(review: &Reviewed, rebuilt: Option<Option<&rebuild::Rebuilt>>) -> Result<String, CliError> {
    #[derive(serde::Serialize)]
    struct WithRebuild<'a> {
        #[serde(flatten)]
        review: &'a Reviewed,
        rebuild: Option<&'a drydock_review::rebuild::Comparison>,
    }
    let written = match rebuilt {
        None => serde_json::to_string_pretty(review),
        Some(rebuilt) => serde_json::to_string_pretty(&WithRebuild {
            review,
            rebuild: rebuilt.map(|r| &r.comparison),
        }),
    };
    let mut text =
        written.map_err(|e| CliError::new("cannot write the review as JSON").caused_by(e))?;
    text.push('\n');
    Ok(text)
}

/// The walkthrough: what to fix first, with each fix's diff and what it saves.
fn walkthrough_tty(out: &mut String, steps: &[WalkStep]) {
    if steps.is_empty() {
        return;
    }
    out.push_str("\nWalkthrough, most impact first:\n");
    for (n, step) in steps.iter().enumerate() {
        let place = match (step.line, &step.code) {
            (Some(line), Some(code)) => format!("line {line}, {}", inert(code)),
            _ => inert(&step.file),
        };
        let mut figures = String::new();
        if let Some(saves) = step.saves_bytes.filter(|b| *b > 0) {
            let _ = write!(figures, ", saves {}", bytes(saves));
        } else if let Some(at_stake) = step.at_stake_bytes.filter(|b| *b > 0) {
            let _ = write!(figures, ", {} at stake", bytes(at_stake));
        }
        let _ = writeln!(
            out,
            "{:>3}. [{}] {} ({place}{figures})",
            n + 1,
            impact(step.impact),
            inert(&step.title)
        );
        if !step.why.is_empty() {
            let _ = writeln!(out, "     why: {}", inert(&step.why));
        }
        match (&step.diff, &step.instead) {
            (Some(diff), _) => {
                for line in diff.lines().skip(2) {
                    let _ = writeln!(out, "     {}", inert(line));
                }
            }
            (None, Some(instead)) => {
                let _ = writeln!(out, "     instead: {}", inert(instead));
            }
            (None, None) => {}
        }
    }
    if steps.iter().any(|s| s.diff.is_some()) {
        out.push_str(
            "\nApply the Dockerfile's fixes with `drydock lint --fix FILE`; measure them first with `drydock review --rebuild`.\n",
        );
    }
}

fn impact(i: Impact) -> &'static str {
    match i {
        Impact::Image => "image size",
        Impact::Context => "build context",
        Impact::Cache => "build cache",
        Impact::Security => "security",
        Impact::Other => "other",
    }
}

fn bytes(n: u64) -> String {
    human_bytes(i64::try_from(n).unwrap_or(i64::MAX))
}

fn tty(review: &Review) -> String {
    let mut out = String::new();
    let _ = write!(out, "{}", inert(&review.dockerfile));
    match &review.image {
        Some(image) => {
            let name = image.tags.first().unwrap_or(&image.id);
            let _ = writeln!(
                out,
                "  built as {} (match: {})",
                inert(name),
                confidence(image.confidence)
            );
        }
        None => out.push_str("  (no image)\n"),
    }
    for ins in &review.instructions {
        let mut sizes = String::new();
        if let Some(b) = ins.layer_bytes {
            sizes = human_bytes(b);
        }
        if let Some(h) = ins.hidden_bytes.filter(|h| *h > 0) {
            let _ = write!(sizes, ", {} hidden later", bytes(h));
        }
        let line = format!("{:>4}  {:<60} {}", ins.line, inert(&ins.instruction), sizes);
        let _ = writeln!(out, "{}", line.trim_end());
        for f in &ins.findings {
            let _ = writeln!(
                out,
                "        {} {} {}",
                f.level,
                inert(&f.code),
                inert(&f.message)
            );
        }
    }
    for f in &review.other_findings {
        let _ = writeln!(
            out,
            "{:>4}  {} {} {}",
            f.line,
            f.level,
            inert(&f.code),
            inert(&f.message)
        );
    }
    if let Some(context) = &review.context {
        context_tty(&mut out, context);
    }
    out
}

fn confidence(c: Confidence) -> &'static str {
    match c {
        Confidence::Exact => "exact",
        Confidence::Likely => "likely",
        Confidence::Partial => "partial",
        Confidence::None => "none",
    }
}

fn context_tty(out: &mut String, c: &ContextReport) {
    let _ = writeln!(
        out,
        "\nBuild context: {} in {} files{}{}",
        bytes(c.bytes),
        c.files,
        c.ignore_file
            .as_deref()
            .map_or(" (no .dockerignore)".to_string(), |f| format!(
                " after {}",
                inert(f)
            )),
        if c.truncated {
            " (at least: walk stopped)"
        } else {
            ""
        }
    );
    for e in &c.ignore_errors {
        let _ = writeln!(out, "  ignore file error: {}", inert(e));
    }
    if !c.biggest_dirs.is_empty() {
        out.push_str("  biggest directories:\n");
        for (dir, b) in c.biggest_dirs.iter().take(5) {
            let _ = writeln!(out, "    {:>10}  {}", bytes(*b), inert(dir));
        }
    }
    let _ = writeln!(
        out,
        "  sent but used by no COPY/ADD: {}",
        bytes(c.unused_bytes)
    );
    if !c.should_not_send.is_empty() {
        out.push_str("  should not be sent:\n");
        for f in &c.should_not_send {
            let _ = writeln!(
                out,
                "    {:>10}  {}  ({})",
                bytes(f.bytes),
                inert(&f.path),
                inert(&f.why)
            );
        }
    }
    if !c.secrets.is_empty() {
        out.push_str("  secrets sent:\n");
        for f in &c.secrets {
            let _ = writeln!(out, "    {}  ({})", inert(&f.path), inert(&f.why));
        }
    }
    if !c.proposed_dockerignore.is_empty() {
        let _ = writeln!(
            out,
            "  add to {} (saves {}):",
            inert(c.ignore_file.as_deref().unwrap_or(".dockerignore")),
            bytes(c.proposed_saves_bytes)
        );
        for line in &c.proposed_dockerignore {
            let _ = writeln!(out, "    {}", inert(line));
        }
    }
    for path in &c.unreadable {
        let _ = writeln!(out, "  unreadable: {}", inert(path));
    }
}
