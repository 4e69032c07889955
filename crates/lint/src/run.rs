//! Linting Dockerfiles on disk, the use case both front ends share: collect the Dockerfiles a
//! path names, read them with a size cap, load the config, lint, and report what was found and
//! what could not be read. The app returns [`LintRun`] over IPC as it is; the CLI renders it.
//!
//! ```no_run
//! # use std::path::Path;
//! let run = drydock_lint::run::lint_path(Path::new("."), &Default::default())?;
//! # Ok::<(), drydock_lint::run::LintPathError>(())
//! ```

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use crate::config::{Config, ConfigError};
use crate::driver::{config_findings, lint, Selection};
use crate::files::{self, FileError};
use crate::{Finding, Project};

/// Source lines sent with a finding are cut to this many chars.
const MAX_LINE_CHARS: usize = 400;

/// One run's result. Its JSON is what the app's Dockerfiles view reads.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LintRun {
    /// The path linted, as given (`~` expanded by the app).
    pub root: String,
    pub files: Vec<LintedFile>,
    /// Config files that applied (`.hadolint.yaml`, `.drydock.yaml`).
    pub config_files: Vec<String>,
    /// Files that could not be read, with why.
    pub problems: Vec<String>,
    /// Config entries that name no rule, against the config file, sorted by position.
    #[serde(skip)]
    pub config_findings: Vec<Finding>,
    /// The config files those findings point at, with their text.
    #[serde(skip)]
    pub configs: Vec<Source>,
}

impl LintRun {
    /// Every finding in the order shown: the config's first, then each file's by position.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.config_findings
            .iter()
            .chain(self.files.iter().flat_map(|f| f.findings.iter()))
    }

    /// The text of the file (Dockerfile or config) a finding names, if it was read.
    pub fn source(&self, name: &str) -> Option<&str> {
        let file = self.files.iter().find(|f| f.path == name);
        match file {
            Some(file) => Some(&file.text),
            None => self
                .configs
                .iter()
                .find(|s| s.name == name)
                .map(|s| s.text.as_str()),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LintedFile {
    /// As findings name it: relative to the run's base directory when it lies below it.
    pub path: String,
    /// Source lines the findings point at, by line number (cut to 400 chars), so a view can
    /// show them without the rest of the file.
    pub lines: Vec<(u32, String)>,
    pub findings: Vec<Finding>,
    /// The whole text, for renderers that quote it; never sent over IPC.
    #[serde(skip)]
    pub text: String,
}

/// A named text findings point into.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: String,
}

/// One Dockerfile read for linting.
#[derive(Debug, Clone)]
pub struct Input {
    /// As findings name it.
    pub name: String,
    pub text: String,
    pub project: Project,
}

/// What a path held: the Dockerfiles read, and those that could not be (in path order).
#[derive(Debug, Default)]
pub struct Collected {
    pub inputs: Vec<Input>,
    pub unreadable: Vec<FileError>,
}

/// Rounds of fixing a file: overlapping fixes are applied one per round.
const FIX_ROUNDS: usize = 4;

/// A run being set up: the config, which rules, and the directory file names are shown
/// relative to.
#[derive(Debug, Clone)]
pub struct Run {
    config: Config,
    config_findings: Vec<Finding>,
    selection: Selection,
    base: PathBuf,
}

impl Run {
    /// A run under `config`, naming files relative to `base`. The entries of the config files
    /// that name no rule become findings now; ids a front end adds later (`--ignore`) are its
    /// own to check, as usage errors.
    pub fn new(config: Config, base: &Path) -> Run {
        let mut config_findings = config_findings(&config);
        for finding in &mut config_findings {
            if let Some(path) = config
                .files
                .iter()
                .find(|p| p.display().to_string() == finding.file)
            {
                finding.file = shown(path, base);
            }
        }
        Run {
            config,
            config_findings,
            selection: Selection::All,
            base: base.to_path_buf(),
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn config_mut(&mut self) -> &mut Config {
        &mut self.config
    }

    /// Which rules run (all by default).
    pub fn select(&mut self, selection: Selection) {
        self.selection = selection;
    }

    /// Reads the Dockerfiles `path` names: itself if it is a file, else those under it. A file
    /// already in `seen` is skipped, so overlapping paths lint each file once.
    pub fn collect(
        &self,
        path: &Path,
        seen: &mut HashSet<PathBuf>,
    ) -> Result<Collected, FileError> {
        let mut collected = Collected::default();
        for file in files::find(path)? {
            let file: PathBuf = file
                .components()
                .filter(|c| !matches!(c, Component::CurDir))
                .collect();
            if !seen.insert(file.clone()) {
                continue;
            }
            match files::read(&file) {
                Ok(text) => collected.inputs.push(Input {
                    name: shown(&file, &self.base),
                    project: files::project_for(&file),
                    text,
                }),
                Err(e) => collected.unreadable.push(e),
            }
        }
        Ok(collected)
    }

    /// `input`'s text with the autofixes of its findings applied (the rules and config of this
    /// run; suppressed findings are not fixed). Fixes that overlap another wait for the next
    /// round, a few rounds at most; what is left is reported by [`Run::lint`] on the result.
    pub fn fix(&self, input: &Input) -> String {
        let mut text = input.text.clone();
        for _ in 0..FIX_ROUNDS {
            let edits: Vec<crate::fix::Edit> = lint(
                &input.name,
                &text,
                &self.config,
                input.project,
                &self.selection,
            )
            .into_iter()
            .flat_map(|f| f.edits)
            .collect();
            let applied = crate::fix::apply(&text, &edits);
            if applied.text == text {
                break;
            }
            text = applied.text;
        }
        text
    }

    /// Lints `inputs` (read beforehand, so an unreadable path can stop a run before anything
    /// is reported). `root` is what the run reports it linted.
    pub fn lint(self, root: String, inputs: Vec<Input>) -> LintRun {
        let files = inputs
            .into_iter()
            .map(|input| {
                let findings = lint(
                    &input.name,
                    &input.text,
                    &self.config,
                    input.project,
                    &self.selection,
                );
                LintedFile {
                    path: input.name,
                    lines: lines_of(&input.text, &findings),
                    findings,
                    text: input.text,
                }
            })
            .collect();
        let configs = self
            .config
            .files
            .iter()
            .map(|path| (shown(path, &self.base), path))
            .filter(|(name, _)| self.config_findings.iter().any(|f| &f.file == name))
            .filter_map(|(name, path)| {
                let text = std::fs::read_to_string(path).ok()?;
                Some(Source { name, text })
            })
            .collect();
        LintRun {
            root,
            files,
            config_files: self
                .config
                .files
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
            problems: Vec::new(),
            config_findings: self.config_findings,
            configs,
        }
    }
}

/// How [`lint_path`] reads a path.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub selection: Selection,
    /// Refuse a file not named like a Dockerfile. A view that shows the lines findings point
    /// at must, or it could be made to show lines of any file (a directory's walk already
    /// keeps to Dockerfile names).
    pub dockerfile_names_only: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum LintPathError {
    #[error("{} is not named like a Dockerfile, so Drydock does not read it\n  fix: name a Dockerfile (Dockerfile, Dockerfile.dev, api.Dockerfile, Containerfile) or the project directory that holds it; `drydock lint FILE` reads a file of any name", path.display())]
    NotADockerfile { path: PathBuf },
    #[error(transparent)]
    Files(#[from] FileError),
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// Lints the Dockerfile `path` names, or every one under the directory, with the config
/// found from its directory up. Files are named relative to the directory; one that cannot be
/// read is a problem of the run, not its end.
pub fn lint_path(path: &Path, options: &Options) -> Result<LintRun, LintPathError> {
    let is_file = path.is_file();
    if options.dockerfile_names_only
        && is_file
        && !path
            .file_name()
            .is_some_and(|n| files::is_dockerfile_name(&n.to_string_lossy()))
    {
        return Err(LintPathError::NotADockerfile {
            path: path.to_path_buf(),
        });
    }
    let dir = if is_file {
        path.parent().unwrap_or(Path::new(""))
    } else {
        path
    };
    let mut run = Run::new(Config::discover(dir)?, dir);
    run.select(options.selection.clone());
    let collected = run.collect(path, &mut HashSet::new())?;
    let mut report = run.lint(path.display().to_string(), collected.inputs);
    report.problems = collected
        .unreadable
        .iter()
        .map(ToString::to_string)
        .collect();
    Ok(report)
}

/// The lines `findings` (sorted by line) start on, numbered from 1, a byte order mark dropped.
fn lines_of(text: &str, findings: &[Finding]) -> Vec<(u32, String)> {
    let mut wanted: Vec<u32> = findings.iter().map(|f| f.line).collect();
    wanted.dedup();
    if wanted.is_empty() {
        return Vec::new();
    }
    text.strip_prefix('\u{feff}')
        .unwrap_or(text)
        .lines()
        .zip(1u32..)
        .filter(|(_, n)| wanted.binary_search(n).is_ok())
        .map(|(line, n)| (n, line.chars().take(MAX_LINE_CHARS).collect()))
        .collect()
}

/// A path as findings show it: relative to `base` when it lies below it, or (for an absolute
/// path) up to two directories above it (never via the root), else as it is. Leading `./` is
/// dropped.
pub fn shown(path: &Path, base: &Path) -> String {
    let below = path
        .strip_prefix(base)
        .ok()
        .filter(|rest| base.parent().is_some() && !rest.as_os_str().is_empty());
    let relative = if let Some(rest) = below {
        rest.to_path_buf()
    } else if path.is_absolute() {
        base.ancestors()
            .take(3)
            .enumerate()
            .filter(|(_, dir)| dir.parent().is_some())
            .find_map(|(ups, dir)| {
                let rest = path.strip_prefix(dir).ok()?;
                let mut out = PathBuf::new();
                for _ in 0..ups {
                    out.push("..");
                }
                out.push(rest);
                Some(out)
            })
            .unwrap_or_else(|| path.to_path_buf())
    } else {
        path.to_path_buf()
    };
    let trimmed: PathBuf = relative
        .components()
        .skip_while(|c| matches!(c, Component::CurDir))
        .collect();
    if trimmed.as_os_str().is_empty() {
        relative.display().to_string()
    } else {
        trimmed.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_shown_relative_to_the_base() {
        let cwd = Path::new("/work/app/sub");
        assert_eq!(shown(Path::new("./Dockerfile"), cwd), "Dockerfile");
        assert_eq!(shown(Path::new("./api/Dockerfile"), cwd), "api/Dockerfile");
        assert_eq!(
            shown(Path::new("/work/app/sub/x/Dockerfile"), cwd),
            "x/Dockerfile"
        );
        assert_eq!(
            shown(Path::new("/work/app/.hadolint.yaml"), cwd),
            "../.hadolint.yaml"
        );
        assert_eq!(
            shown(Path::new("/work/b/Dockerfile"), cwd),
            "../../b/Dockerfile"
        );
        assert_eq!(shown(Path::new("/etc/Dockerfile"), cwd), "/etc/Dockerfile");
        assert_eq!(
            shown(Path::new("/tmp/Dockerfile"), Path::new("/")),
            "/tmp/Dockerfile"
        );
        // A relative base (the app given `proj`) names files below it from there.
        assert_eq!(
            shown(Path::new("proj/api/Dockerfile"), Path::new("proj")),
            "api/Dockerfile"
        );
        assert_eq!(shown(Path::new("Dockerfile"), Path::new("")), "Dockerfile");
    }

    #[test]
    fn a_project_lints_every_dockerfile_and_names_them_relative() {
        let dir = tempdir();
        std::fs::create_dir(dir.join("api")).expect("mkdir");
        std::fs::write(dir.join("Dockerfile"), "FROM alpine:3.20\n").expect("write");
        std::fs::write(dir.join("api/Dockerfile"), "FROM python:latest\n").expect("write");
        let run = lint_path(&dir, &Options::default()).expect("lints");
        let names: Vec<&str> = run.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(names, ["Dockerfile", "api/Dockerfile"]);
        let api = &run.files[1];
        assert!(api.findings.iter().any(|f| f.rule == "latest-base-image"));
        assert_eq!(api.lines[0], (1, "FROM python:latest".to_string()));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_file_not_named_like_a_dockerfile_is_refused_when_asked() {
        let dir = tempdir();
        let secret = dir.join("credentials");
        std::fs::write(&secret, "aws_secret_access_key = hunter2\n").expect("write");
        let strict = Options {
            dockerfile_names_only: true,
            ..Options::default()
        };
        let e = lint_path(&secret, &strict).expect_err("refused");
        assert!(matches!(e, LintPathError::NotADockerfile { .. }), "{e}");
        assert!(!e.to_string().contains("hunter2"), "{e}");
        // Without the option it is linted as the Dockerfile it was said to be.
        let run = lint_path(&secret, &Options::default()).expect("lints");
        assert_eq!(run.files[0].path, "credentials");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_ipc_shape_has_no_file_text_nor_config_findings() {
        let run = LintRun {
            root: "/p".into(),
            files: vec![LintedFile {
                path: "Dockerfile".into(),
                lines: vec![(1, "FROM x".into())],
                findings: Vec::new(),
                text: "FROM x\nRUN secret\n".into(),
            }],
            config_files: vec!["/p/.hadolint.yaml".into()],
            problems: vec!["cannot read /p/b/Dockerfile: denied".into()],
            config_findings: Vec::new(),
            configs: Vec::new(),
        };
        let json = serde_json::to_value(&run).expect("serialises");
        assert_eq!(
            json,
            serde_json::json!({
                "root": "/p",
                "files": [{"path": "Dockerfile", "lines": [[1, "FROM x"]], "findings": []}],
                "config_files": ["/p/.hadolint.yaml"],
                "problems": ["cannot read /p/b/Dockerfile: denied"],
            })
        );
    }

    /// A fresh directory under the system's temporary one (the crate has no tempfile).
    fn tempdir() -> PathBuf {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "drydock-lint-run-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("tempdir");
        dir
    }
}
