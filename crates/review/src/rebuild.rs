//! Rebuild and measure: build the fixed Dockerfile on the engine as a trial image and compare it
//! with the image the original built (total size, layers, hidden bytes, findings), so the gain a
//! review promises is shown, not estimated. The use case both front ends call.
//!
//! The trial is tagged `drydock-trial/<project>:<time>` and labelled [`TRIAL_LABEL`], so it is easy
//! to find and remove; removal goes through the ordinary prune plan ([`trial_removal`]), never a
//! forced delete. The user's Dockerfile is never written: the fixed text replaces it inside the
//! context's tar only. Dropping the future cancels the build (the engine stops it when the
//! connection closes).
//!
//! The trial image's command is not run here: running a user's command is not something to do
//! behind their back. The real-engine tests run both images' commands and compare.

mod body;
mod wording;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use drydock_engine::{BuildOptions, BuildProgress, BuilderKind, Engine, EngineError, ErrorCode};
use drydock_prune::{Filters, ImageScope, ImageSelect};
use serde::Serialize;

use crate::context::{pack, tar_name, Builder, PackError};
pub use wording::{summary, trial_tag};

/// The label on every trial image; its value is the Dockerfile's path.
pub const TRIAL_LABEL: &str = "io.drydock.trial";

/// One image, measured.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Measure {
    /// The image id.
    pub image: String,
    pub tags: Vec<String>,
    /// The image's size: the sum of its layers.
    pub bytes: i64,
    pub layers: usize,
    /// Bytes stored in a layer and hidden by a later one.
    pub hidden_bytes: u64,
    /// Lint findings of the Dockerfile text it was built from.
    pub findings: usize,
    /// Known vulnerabilities; `None` when not counted (no advisory database given).
    pub vulnerabilities: Option<usize>,
}

/// Before and after, and how to find the trial image.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Comparison {
    pub before: Measure,
    pub after: Measure,
    pub trial_tag: String,
    pub trial_image: String,
    /// The original built as a trial too (no reviewed image was given): its tag, also labelled
    /// [`TRIAL_LABEL`].
    pub before_trial_tag: Option<String>,
    /// `before.bytes - after.bytes`: negative when the image grew.
    pub saved_bytes: i64,
    /// `saved_bytes` as a percentage of `before.bytes`.
    pub saved_percent: f64,
    /// `-184 MB, -62%`, or `+3 MB, +1%`.
    pub summary: String,
    /// Whether the trial image still runs its command; `None`: not checked (see the module).
    pub runs: Option<bool>,
}

pub struct RebuildRequest {
    pub context: PathBuf,
    /// On disk, absolute or relative to the current directory.
    pub dockerfile: PathBuf,
    /// The Dockerfile text to build (fixes applied).
    pub text: String,
    pub target: Option<String>,
    pub build_args: BTreeMap<String, String>,
    /// The reviewed image's id; `None` builds the original file too, as a second trial.
    pub before: Option<String>,
    /// `--network` for the RUN steps; `None` is the engine's default.
    pub network: Option<String>,
    /// Unix seconds, for the trial tag.
    pub now: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum RebuildError {
    #[error("building {which}: {source}")]
    Build {
        which: &'static str,
        source: EngineError,
    },
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Context(#[from] PackError),
    #[error("cannot read the Dockerfile {path}: {why}\n  fix: check that the file is there and readable")]
    Dockerfile { path: String, why: String },
}

impl RebuildError {
    /// The code the app's UI branches on, as the engine's errors do.
    pub fn code(&self) -> ErrorCode {
        match self {
            RebuildError::Build { source, .. } | RebuildError::Engine(source) => source.code(),
            RebuildError::Context(_) | RebuildError::Dockerfile { .. } => ErrorCode::InvalidInput,
        }
    }
}

/// Builds `request.text` as the trial (and the original too when no reviewed image is named)
/// with BuildKit, measures both images and compares them.
pub async fn rebuild_and_compare(
    engine: &Engine,
    request: &RebuildRequest,
    progress: &mut (dyn FnMut(BuildProgress) + Send),
) -> Result<Comparison, RebuildError> {
    rebuild_and_compare_with(engine, request, BuilderKind::BuildKit, progress).await
}

/// [`rebuild_and_compare`] with a chosen builder (the classic one for engines without BuildKit,
/// or Dockerfiles that need it).
pub async fn rebuild_and_compare_with(
    engine: &Engine,
    request: &RebuildRequest,
    builder: BuilderKind,
    progress: &mut (dyn FnMut(BuildProgress) + Send),
) -> Result<Comparison, RebuildError> {
    let trial_tag = trial_tag(&request.context, request.now);
    let original = read_dockerfile(&request.dockerfile)?;
    let (before_id, before_trial_tag) = match &request.before {
        Some(id) => (id.clone(), None),
        None => {
            let tag = format!("{trial_tag}-before");
            let id = build(engine, request, builder, None, &tag, progress)
                .await
                .map_err(|e| e.during("the original Dockerfile"))?;
            (id, Some(tag))
        }
    };
    let trial_image = build(
        engine,
        request,
        builder,
        Some(&request.text),
        &trial_tag,
        progress,
    )
    .await
    .map_err(|e| e.during("the fixed Dockerfile"))?;
    let before = measure(
        engine,
        &before_id,
        findings(&request.dockerfile, &original)?,
    )
    .await?;
    let after = measure(
        engine,
        &trial_image,
        findings(&request.dockerfile, &request.text)?,
    )
    .await?;
    let saved_bytes = before.bytes - after.bytes;
    let saved_percent = if before.bytes > 0 {
        saved_bytes as f64 * 100.0 / before.bytes as f64
    } else {
        0.0
    };
    Ok(Comparison {
        summary: summary(before.bytes, after.bytes),
        before,
        after,
        trial_tag,
        trial_image,
        before_trial_tag,
        saved_bytes,
        saved_percent,
        runs: None,
    })
}

/// The prune request that removes a trial image through the ordinary plan, confirm and
/// journaled run: only that image, only if no container uses it.
pub fn trial_removal(image_id: &str) -> drydock_prune::Request {
    drydock_prune::Request {
        images: Some(ImageSelect {
            scope: ImageScope::Unused,
            filters: Filters::default(),
        }),
        image_ids: Some(BTreeSet::from([image_id.to_owned()])),
        ..drydock_prune::Request::default()
    }
}

impl RebuildError {
    fn during(self, which: &'static str) -> RebuildError {
        match self {
            RebuildError::Engine(source) => RebuildError::Build { which, source },
            other => other,
        }
    }
}

/// Builds the context with `text` as the Dockerfile (`None`: the file as it is on disk).
async fn build(
    engine: &Engine,
    request: &RebuildRequest,
    builder: BuilderKind,
    text: Option<&str>,
    tag: &str,
    progress: &mut (dyn FnMut(BuildProgress) + Send),
) -> Result<String, RebuildError> {
    let dockerfile =
        std::path::absolute(&request.dockerfile).unwrap_or_else(|_| request.dockerfile.clone());
    let context = std::path::absolute(&request.context).unwrap_or_else(|_| request.context.clone());
    let options = BuildOptions {
        dockerfile: tar_name(&context, &dockerfile),
        tags: vec![tag.to_owned()],
        labels: BTreeMap::from([(
            TRIAL_LABEL.to_owned(),
            request.dockerfile.display().to_string(),
        )]),
        target: request.target.clone(),
        build_args: request.build_args.clone(),
        network: request.network.clone(),
        builder,
    };
    let ignore_builder = match builder {
        BuilderKind::BuildKit => Builder::BuildKit,
        BuilderKind::Classic => Builder::Classic,
    };
    let text = text.map(str::to_owned);
    let (body, mut writer) = body::channel();
    let packer = tokio::task::spawn_blocking(move || {
        let packed = pack(
            &context,
            &dockerfile,
            ignore_builder,
            text.as_deref(),
            &mut writer,
        );
        if packed.is_err() {
            writer.fail();
        }
        packed.map(|_| ())
    });
    let built = engine.build(body, &options, progress).await;
    let packed = packer.await.unwrap_or(Ok(()));
    match (built, packed) {
        (Ok(id), _) => Ok(id),
        // The context could not be read: that, not the build cut short, is the cause.
        (Err(_), Err(e @ (PackError::Unreadable { .. } | PackError::Changed { .. }))) => {
            Err(e.into())
        }
        (Err(e), _) => Err(e.into()),
    }
}

async fn measure(engine: &Engine, id: &str, findings: usize) -> Result<Measure, RebuildError> {
    let refs = engine.image_refs(id).await?;
    let (_, layers) = engine.history_and_layers(&refs.id).await?;
    let report = engine.layer_report(&refs.id).await?;
    let tags = refs
        .repo_tags
        .unwrap_or_default()
        .into_iter()
        .filter(|t| !t.starts_with("<none>"))
        .collect();
    Ok(Measure {
        image: refs.id,
        tags,
        bytes: layers.layers.iter().map(|l| l.size.max(0)).sum(),
        layers: layers.layers.len(),
        hidden_bytes: report.hidden_bytes,
        findings,
        vulnerabilities: None,
    })
}

fn read_dockerfile(path: &Path) -> Result<String, RebuildError> {
    let bytes = std::fs::read(path).map_err(|e| RebuildError::Dockerfile {
        path: path.display().to_string(),
        why: e.to_string(),
    })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The findings of `text` linted as the Dockerfile at `path` (its project's lint settings).
pub fn findings(path: &Path, text: &str) -> Result<usize, RebuildError> {
    Ok(lint_text(path, text)?.len())
}

/// The findings of `text` linted as the Dockerfile at `path`, with its project's settings.
fn lint_text(path: &Path, text: &str) -> Result<Vec<drydock_lint::Finding>, RebuildError> {
    let (run, input) = lint_run(path, text)?;
    let linted = run.lint(path.display().to_string(), vec![input]);
    Ok(linted.files.into_iter().flat_map(|f| f.findings).collect())
}

/// A lint run with the settings of the project at `path`, and `text` as its Dockerfile.
fn lint_run(
    path: &Path,
    text: &str,
) -> Result<(drydock_lint::run::Run, drydock_lint::run::Input), RebuildError> {
    let dir = path.parent().unwrap_or(Path::new(""));
    let config = drydock_lint::Config::discover(dir).map_err(|e| RebuildError::Dockerfile {
        path: path.display().to_string(),
        why: e.to_string(),
    })?;
    let input = drydock_lint::run::Input {
        name: path.display().to_string(),
        text: text.to_owned(),
        project: drydock_lint::files::project_for(path),
    };
    Ok((drydock_lint::run::Run::new(config, dir), input))
}

/// The Dockerfile at `path` with every autofix of its findings applied (overlapping fixes in
/// later rounds), and how many findings carried a fix. Nothing is written.
pub fn fixed(path: &Path) -> Result<Fixed, RebuildError> {
    let original = read_dockerfile(path)?;
    let fixes = lint_text(path, &original)?
        .iter()
        .filter(|f| !f.edits.is_empty())
        .count();
    let (run, input) = lint_run(path, &original)?;
    let text = run.fix(&input);
    Ok(Fixed {
        original,
        text,
        fixes,
    })
}

/// A Dockerfile and its fixed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed {
    pub original: String,
    pub text: String,
    /// Findings of the original that carried a fix.
    pub fixes: usize,
}
