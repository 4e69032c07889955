//! `drydock review`: a Dockerfile annotated with what each instruction wrote in the image it
//! built (found on the engine, or named) and the findings on its lines, then its build context.
//! Without an engine, the Dockerfile and the context alone.

use crate::args::{ReviewArgs, ReviewFormat};
use crate::commands::Outcome;
use crate::error::CliError;
use crate::output::inert;
use drydock_engine::Engine;
use drydock_inventory::{human_bytes, HistoryRow};
use drydock_review::context::{analyse, ContextReport};
use drydock_review::join::{self, Confidence, Join, JoinError, Options};
use drydock_review::review::{review, Candidate, ImageInput, Review, ReviewedImage};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

mod rebuild;

/// The image chosen and what the review needs of it.
struct Chosen {
    image: ReviewedImage,
    join: Join,
    history: Vec<HistoryRow>,
}

pub async fn run(args: &ReviewArgs, engine: Result<Engine, CliError>) -> Result<Outcome, CliError> {
    let (context_dir, dockerfile) = paths(args);
    let shown = inert(&dockerfile.display().to_string());
    let lint = drydock_lint::lint_path(&dockerfile, &drydock_lint::run::Options::default())
        .map_err(|e| CliError::new(format!("cannot lint {shown}")).caused_by(e))?;
    let Some(file) = lint.files.first() else {
        return Err(CliError::new(format!(
            "cannot read the Dockerfile {shown}: {}",
            inert(&lint.problems.join("; "))
        ))
        .fix(
            "name the Dockerfile with --dockerfile FILE, or the context directory that holds it",
        ));
    };
    let source = file.text.clone();
    let mut findings = file.findings.clone();
    findings.extend(lint.config_findings.iter().cloned());
    // The context analysis takes a relative Dockerfile from the context; this one is from here.
    let from_here = std::path::absolute(&dockerfile).unwrap_or_else(|_| dockerfile.clone());
    let context = analyse(&context_dir, &from_here)
        .map_err(|e| CliError::from_error(e).fix("give the build context directory as PATH"))?;
    let options = Options {
        target: args.target.clone(),
        ..Options::default()
    };
    // Naming an image or rebuilding needs the engine: its error, not a review without one.
    let engine = match engine {
        Err(e) if args.image.is_some() || args.rebuild => return Err(e),
        other => other,
    };
    let (chosen, candidates) = match &engine {
        Ok(engine) => {
            let (chosen, candidates) = choose(engine, &source, &options, args).await?;
            let layers = match &chosen {
                Some(c) => match engine.layer_report(&c.image.id).await {
                    Ok(report) => Some(report),
                    Err(e) => {
                        eprintln!(
                            "note: cannot analyse the image's layers, so hidden bytes are not shown: {}",
                            inert(&e.to_string())
                        );
                        None
                    }
                },
                None => None,
            };
            (chosen.map(|c| (c, layers)), candidates)
        }
        Err(e) => {
            eprintln!(
                "note: no engine reachable ({}); reviewing the Dockerfile and its context only",
                inert(
                    e.to_string()
                        .lines()
                        .next()
                        .unwrap_or_default()
                        .trim_start_matches("error: ")
                )
            );
            (None, Vec::new())
        }
    };
    let review = review(
        shown_path(&dockerfile),
        &source,
        findings,
        chosen.as_ref().map(|(c, layers)| ImageInput {
            image: c.image.clone(),
            join: &c.join,
            history: &c.history,
            layers: layers.as_ref(),
        }),
        Some(context),
        candidates,
    );
    let rebuilt = match (&engine, args.rebuild) {
        (Ok(engine), true) => {
            let before = review.image.as_ref().map(|i| i.id.clone());
            rebuild::rebuild(engine, args, &context_dir, &dockerfile, before).await?
        }
        _ => None,
    };
    Ok(Outcome::ok(match args.format {
        ReviewFormat::Tty => {
            let mut out = tty(&review);
            if let Some(rebuilt) = &rebuilt {
                rebuild::tty(&mut out, rebuilt);
            }
            out
        }
        ReviewFormat::Json => json(&review, args.rebuild.then_some(rebuilt.as_ref()))?,
    }))
}

/// The build context and the Dockerfile, as `docker build [-f F] PATH` takes them: a PATH that
/// is a file is the Dockerfile, its directory the context.
fn paths(args: &ReviewArgs) -> (PathBuf, PathBuf) {
    let path = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    if path.is_file() {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        return (dir, args.dockerfile.clone().unwrap_or(path));
    }
    let dockerfile = args
        .dockerfile
        .clone()
        .unwrap_or_else(|| path.join("Dockerfile"));
    (path, dockerfile)
}

fn shown_path(path: &Path) -> String {
    let text = path.display().to_string();
    text.strip_prefix("./").map_or(text.clone(), str::to_owned)
}

/// The image named by `--image`, else the engine's image whose history best matches the
/// Dockerfile; the others that matched at all are the candidates.
async fn choose(
    engine: &Engine,
    source: &str,
    options: &Options,
    args: &ReviewArgs,
) -> Result<(Option<Chosen>, Vec<Candidate>), CliError> {
    let usage = |e: JoinError| match e {
        JoinError::NoTarget(_) => Err(CliError::from_error(e)),
        JoinError::NoStage => {
            eprintln!("note: the Dockerfile has no FROM, so no image is matched to it");
            Ok((None, Vec::new()))
        }
    };
    if let Some(name) = &args.image {
        let refs = engine.image_refs(name).await?;
        let history = engine.history(&refs.id).await?;
        let joined = match join::join(source, options, &history) {
            Ok(j) => j,
            Err(e) => return usage(e),
        };
        if joined.confidence == Confidence::None {
            eprintln!(
                "note: {} does not look built from this Dockerfile: no instruction matched its history",
                inert(name)
            );
        }
        let image = ReviewedImage {
            id: refs.id.clone(),
            tags: refs.repo_tags.clone().unwrap_or_default(),
            confidence: joined.confidence,
        };
        return Ok((
            Some(Chosen {
                image,
                join: joined,
                history,
            }),
            Vec::new(),
        ));
    }
    let mut histories = Vec::new();
    for row in engine.images().await? {
        // An image removed since the list is simply not a candidate.
        if let Ok(history) = engine.history(&row.id).await {
            histories.push(((row.id, row.tags), history));
        }
    }
    let ranked = match join::best_image(source, options, &histories) {
        Ok(r) => r,
        Err(e) => return usage(e),
    };
    let candidates: Vec<Candidate> = ranked
        .iter()
        .filter(|(_, j)| j.confidence != Confidence::None)
        .map(|((id, tags), j)| Candidate {
            image: id.clone(),
            tags: tags.clone(),
            confidence: j.confidence,
        })
        .collect();
    let best = ranked
        .into_iter()
        .next()
        .filter(|(_, j)| j.confidence != Confidence::None);
    let Some(((id, tags), joined)) = best else {
        eprintln!(
            "note: no image on the engine matches this Dockerfile; reviewing it without one (build it, or name one with --image IMAGE)"
        );
        return Ok((None, candidates));
    };
    if candidates.len() > 1 {
        eprintln!(
            "note: {} images match; reviewing the best, pick another with --image IMAGE",
            candidates.len()
        );
    }
    let history = histories
        .into_iter()
        .find(|((i, _), _)| *i == id)
        .map(|(_, h)| h)
        .unwrap_or_default();
    let image = ReviewedImage {
        id,
        tags,
        confidence: joined.confidence,
    };
    Ok((
        Some(Chosen {
            image,
            join: joined,
            history,
        }),
        candidates,
    ))
}

/// The review as JSON; with `--rebuild`, the comparison under `rebuild` (null when no autofix
/// applied).
fn json(review: &Review, rebuilt: Option<Option<&rebuild::Rebuilt>>) -> Result<String, CliError> {
    #[derive(serde::Serialize)]
    struct WithRebuild<'a> {
        #[serde(flatten)]
        review: &'a Review,
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
