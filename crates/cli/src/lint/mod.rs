//! `drydock lint` and `drydock rule`: read Dockerfiles, run the linter, render one format.
//! No engine is involved. Each output format is one file behind [`RenderLint`].

mod catalogue;
mod checkstyle;
mod input;
mod json;
mod sarif;
mod tty;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use drydock_lint::config::Entry;
use drydock_lint::{config_findings, lint as lint_source, Config, Finding, Level, Selection};

use crate::args::{LintArgs, LintFormat, Threshold};
use crate::commands::Outcome;

pub use catalogue::rule;

/// A text findings point into: a Dockerfile, or a config file whose entries are reported.
pub struct Source {
    /// As shown in findings: relative to the current directory when it is below it.
    pub name: String,
    pub text: String,
}

/// Everything one run found, in the order it is shown.
pub struct Report {
    /// The Dockerfiles linted, in the order given.
    pub files: Vec<Source>,
    /// Config files that findings point at.
    pub configs: Vec<Source>,
    /// Config findings first, then each file's findings by position.
    pub findings: Vec<Finding>,
}

impl Report {
    /// The text of the file a finding names, if it was read.
    pub fn source(&self, name: &str) -> Option<&str> {
        self.files
            .iter()
            .chain(&self.configs)
            .find(|s| s.name == name)
            .map(|s| s.text.as_str())
    }
}

/// Renders a whole run as text for stdout.
pub trait RenderLint {
    fn render(&self, report: &Report) -> String;
}

fn pick(format: LintFormat, color: bool) -> Box<dyn RenderLint> {
    match format {
        LintFormat::Tty => Box::new(tty::Tty { color }),
        LintFormat::Json => Box::new(json::Json),
        LintFormat::Sarif => Box::new(sarif::Sarif),
        LintFormat::Checkstyle => Box::new(checkstyle::Checkstyle),
    }
}

/// hadolint's default: any finding of level info or above fails the run.
const DEFAULT_THRESHOLD: Option<Level> = Some(Level::Info);

pub fn run(args: &LintArgs) -> Result<Outcome, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let mut config = match &args.config {
        Some(path) => {
            let mut config = Config::default();
            config.load(path).map_err(|e| e.to_string())?;
            config
        }
        None => Config::discover(&cwd).map_err(|e| e.to_string())?,
    };
    // Typos in the config are findings (they may sit in a shared file); typos on the command
    // line are usage errors, reported before anything runs.
    let mut findings = config_findings(&config);
    for id in &args.rules {
        catalogue::check_id("--rule", id, false)?;
    }
    for id in &args.ignore {
        catalogue::check_id("--ignore", id, true)?;
        config.ignored.push(Entry {
            id: id.clone(),
            file: PathBuf::from("--ignore"),
            line: 1,
            column: 1,
        });
    }
    config
        .settings
        .trusted_registries
        .extend(args.trusted_registry.iter().cloned());
    let selection = if args.rules.is_empty() {
        Selection::All
    } else {
        Selection::Only(args.rules.clone())
    };
    let threshold = match args.failure_threshold {
        Some(t) => threshold(t),
        None => config.failure_threshold.unwrap_or(DEFAULT_THRESHOLD),
    };

    let inputs = input::collect(&args.paths, &cwd)?;
    let mut files = Vec::with_capacity(inputs.len());
    for input in inputs {
        findings.extend(lint_source(
            &input.name,
            &input.text,
            &config,
            input.project,
            &selection,
        ));
        files.push(Source {
            name: input.name,
            text: input.text,
        });
    }
    for finding in findings.iter_mut() {
        if let Some(config_file) = config
            .files
            .iter()
            .find(|p| p.display().to_string() == finding.file)
        {
            finding.file = shown(config_file, &cwd);
        }
    }
    let configs = config
        .files
        .iter()
        .map(|path| (shown(path, &cwd), path))
        .filter(|(name, _)| findings.iter().any(|f| &f.file == name))
        .filter_map(|(name, path)| {
            let text = std::fs::read_to_string(path).ok()?;
            Some(Source { name, text })
        })
        .collect();

    let failed = !args.no_fail && threshold.is_some_and(|t| findings.iter().any(|f| f.level >= t));
    let report = Report {
        files,
        configs,
        findings,
    };
    let color = args.format == LintFormat::Tty
        && !args.no_color
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    Ok(Outcome {
        stdout: pick(args.format, color).render(&report),
        error: None,
        failed,
    })
}

fn threshold(t: Threshold) -> Option<Level> {
    match t {
        Threshold::Error => Some(Level::Error),
        Threshold::Warning => Some(Level::Warning),
        Threshold::Info => Some(Level::Info),
        Threshold::Style => Some(Level::Style),
        Threshold::None => None,
    }
}

/// A path as findings show it: relative to `cwd` when it lies below it or up to two
/// directories above (never via the root), else as it is. Leading `./` is dropped.
pub fn shown(path: &Path, cwd: &Path) -> String {
    let relative = if path.is_absolute() {
        cwd.ancestors()
            .take(3)
            .enumerate()
            .filter(|(_, base)| base.parent().is_some())
            .find_map(|(ups, base)| {
                let rest = path.strip_prefix(base).ok()?;
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
        .skip_while(|c| matches!(c, std::path::Component::CurDir))
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
    fn paths_are_shown_relative_to_the_current_directory() {
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
    }
}
