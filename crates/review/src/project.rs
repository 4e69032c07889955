//! The review as both front ends ask for it: a project's Dockerfile linted, its build context
//! analysed, the image it built found on the engine (or the one named) and measured, and the
//! walkthrough of what to fix first. Without an engine, the Dockerfile and the context alone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use drydock_engine::{Engine, EngineError, ErrorCode, ExportProgress};
use drydock_inventory::HistoryRow;
use serde::Serialize;

use crate::context::{analyse, ContextError};
use crate::join::{self, Confidence, Join, JoinError, Options};
use crate::review::{review, Candidate, ImageInput, Review, ReviewedImage};
use crate::walkthrough::{walkthrough, WalkStep};

/// What to review.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The build context directory.
    pub context: PathBuf,
    /// The Dockerfile, absolute or relative to the current directory.
    pub dockerfile: PathBuf,
    /// The image to join with (name, tag or id) instead of the best match.
    pub image: Option<String>,
    /// The stage (`--target`); the last when `None`.
    pub target: Option<String>,
    pub build_args: BTreeMap<String, String>,
}

impl Request {
    /// The context and Dockerfile as `docker build [-f F] PATH` takes them: a `path` that is a
    /// file is the Dockerfile and its directory the context; a directory is the context, with
    /// `PATH/Dockerfile` unless `dockerfile` names one.
    pub fn for_path(path: &Path, dockerfile: Option<&Path>) -> Request {
        let (context, dockerfile) = if path.is_file() {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            (
                dir,
                dockerfile.map_or_else(|| path.to_path_buf(), Path::to_path_buf),
            )
        } else {
            (
                path.to_path_buf(),
                dockerfile.map_or_else(|| path.join("Dockerfile"), Path::to_path_buf),
            )
        };
        Request {
            context,
            dockerfile,
            ..Request::default()
        }
    }
}

/// A finished review with what it was made from: the front ends show the source, apply steps
/// to it, and say the notes.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Reviewed {
    #[serde(flatten)]
    pub review: Review,
    /// Most impact first.
    pub walkthrough: Vec<WalkStep>,
    /// The Dockerfile's text as reviewed: the walkthrough's diffs and ids refer to it.
    pub source: String,
    /// The ignore file's text (`None` when there is none): the context step's diff refers to it.
    #[serde(skip)]
    pub ignore_text: Option<String>,
    /// The context directory and the Dockerfile, as reviewed.
    #[serde(skip)]
    pub paths: (PathBuf, PathBuf),
    /// What the user should know about how the review was made (no engine, several matches).
    pub notes: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("cannot read the Dockerfile {path}: {why}\n  fix: name the Dockerfile with --dockerfile FILE, or the context directory that holds it")]
    Dockerfile { path: String, why: String },
    #[error("{0}\n  fix: give the build context directory")]
    Context(#[from] ContextError),
    #[error("{0}")]
    Target(JoinError),
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("no engine reachable to read {image} from: {why}")]
    NoEngine { image: String, why: String },
    #[error("the review stopped: {0}")]
    Stopped(String),
}

impl ReviewError {
    pub fn code(&self) -> ErrorCode {
        match self {
            ReviewError::Dockerfile { .. } | ReviewError::Context(_) | ReviewError::Target(_) => {
                ErrorCode::InvalidInput
            }
            ReviewError::Engine(e) => e.code(),
            ReviewError::NoEngine { .. } => ErrorCode::EngineUnavailable,
            ReviewError::Stopped(_) => ErrorCode::Internal,
        }
    }
}

/// How far a review has got, for a progress line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum ReviewProgress {
    /// Linting the Dockerfile and walking the build context.
    Reading,
    /// Matching the engine's images' histories with the Dockerfile.
    Matching,
    /// Reading the chosen image's layers.
    Layers { read: u64, total: u64 },
}

/// Reviews `request`. `engine` is the engine, or why none is reachable (its first line is
/// enough): without one the review covers the Dockerfile and the context, unless an image was
/// named.
pub async fn review_project(
    engine: Result<&Engine, String>,
    request: &Request,
    progress: &mut (dyn FnMut(ReviewProgress) + Send),
) -> Result<Reviewed, ReviewError> {
    progress(ReviewProgress::Reading);
    let (context_dir, dockerfile) = (request.context.clone(), request.dockerfile.clone());
    // Reading files is blocking work: off the async runtime.
    let read = tokio::task::spawn_blocking(move || read_project(&context_dir, &dockerfile))
        .await
        .map_err(|e| ReviewError::Stopped(e.to_string()))?;
    let (source, findings, context, ignore_text) = read?;
    let options = Options {
        target: request.target.clone(),
        build_args: request.build_args.clone(),
    };
    let mut notes = Vec::new();
    let chosen = match engine {
        Ok(engine) => {
            progress(ReviewProgress::Matching);
            let (chosen, candidates) =
                choose(engine, &source, &options, request, &mut notes).await?;
            let layers = match &chosen {
                Some(c) => {
                    let mut report = |p: ExportProgress| {
                        progress(ReviewProgress::Layers {
                            read: p.read,
                            total: p.total,
                        })
                    };
                    match engine.layer_report_with(&c.image.id, &mut report).await {
                        Ok(layers) => Some(layers),
                        Err(e) => {
                            notes.push(format!(
                                "cannot analyse the image's layers, so hidden bytes are not shown: {}",
                                first_line(&e.to_string())
                            ));
                            None
                        }
                    }
                }
                None => None,
            };
            (chosen, layers, candidates)
        }
        Err(why) => {
            if let Some(image) = &request.image {
                return Err(ReviewError::NoEngine {
                    image: image.clone(),
                    why,
                });
            }
            notes.push(format!(
                "no engine reachable ({}); reviewing the Dockerfile and its context only",
                first_line(&why)
            ));
            (None, None, Vec::new())
        }
    };
    let (chosen, layers, candidates) = chosen;
    let review = review(
        shown_path(&request.dockerfile),
        &source,
        findings,
        chosen.as_ref().map(|c| ImageInput {
            image: c.image.clone(),
            join: &c.join,
            history: &c.history,
            layers: layers.as_ref(),
        }),
        Some(context),
        candidates,
    );
    let steps = walkthrough(&review, &source, ignore_text.as_deref());
    Ok(Reviewed {
        review,
        walkthrough: steps,
        source,
        ignore_text,
        paths: (request.context.clone(), request.dockerfile.clone()),
        notes,
    })
}

type Read = (
    String,
    Vec<drydock_lint::Finding>,
    crate::context::ContextReport,
    Option<String>,
);

/// The Dockerfile's text and findings, the context report and the ignore file's text.
fn read_project(context_dir: &Path, dockerfile: &Path) -> Result<Read, ReviewError> {
    let (source, findings) = lint(dockerfile)?;
    // The context analysis takes a relative Dockerfile from the context; this one is from here.
    let from_here = std::path::absolute(dockerfile).unwrap_or_else(|_| dockerfile.to_path_buf());
    let context = analyse(context_dir, &from_here)?;
    let ignore_text = context.ignore_file.as_ref().and_then(|name| {
        std::fs::read(context_dir.join(name))
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    });
    Ok((source, findings, context, ignore_text))
}

/// The Dockerfile's text and findings (with the project's lint settings beside it).
fn lint(dockerfile: &Path) -> Result<(String, Vec<drydock_lint::Finding>), ReviewError> {
    let shown = dockerfile.display().to_string();
    let run = drydock_lint::lint_path(dockerfile, &drydock_lint::run::Options::default()).map_err(
        |e| ReviewError::Dockerfile {
            path: shown.clone(),
            why: e.to_string(),
        },
    )?;
    let Some(file) = run.files.first() else {
        return Err(ReviewError::Dockerfile {
            path: shown,
            why: run.problems.join("; "),
        });
    };
    let mut findings = file.findings.clone();
    findings.extend(run.config_findings.iter().cloned());
    Ok((file.text.clone(), findings))
}

fn first_line(text: &str) -> &str {
    text.lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ")
}

fn shown_path(path: &Path) -> String {
    let text = path.display().to_string();
    text.strip_prefix("./").map_or(text.clone(), str::to_owned)
}

/// The image chosen and what the review needs of it.
struct Chosen {
    image: ReviewedImage,
    join: Join,
    history: Vec<HistoryRow>,
}

/// The image named in the request, else the engine's image whose history best matches the
/// Dockerfile; the others that matched at all are the candidates.
async fn choose(
    engine: &Engine,
    source: &str,
    options: &Options,
    request: &Request,
    notes: &mut Vec<String>,
) -> Result<(Option<Chosen>, Vec<Candidate>), ReviewError> {
    let mut usage = |e: JoinError| match e {
        JoinError::NoTarget(_) => Err(ReviewError::Target(e)),
        JoinError::NoStage => {
            notes.push("the Dockerfile has no FROM, so no image is matched to it".into());
            Ok((None, Vec::new()))
        }
    };
    if let Some(name) = &request.image {
        let refs = engine.image_refs(name).await?;
        let history = engine.history(&refs.id).await?;
        let joined = match join::join(source, options, &history) {
            Ok(j) => j,
            Err(e) => return usage(e),
        };
        if joined.confidence == Confidence::None {
            notes.push(format!(
                "{name} does not look built from this Dockerfile: no instruction matched its history"
            ));
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
        notes.push(
            "no image on the engine matches this Dockerfile; reviewing it without one (build it, or name one)"
                .into(),
        );
        return Ok((None, candidates));
    };
    if candidates.len() > 1 {
        notes.push(format!(
            "{} images match; reviewing the best, pick another to review it instead",
            candidates.len()
        ));
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
