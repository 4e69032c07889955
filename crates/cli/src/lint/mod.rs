//! `drydock lint` and `drydock rule`: read Dockerfiles, run the linter, render one format.
//! No engine is involved. Each output format is one file behind [`RenderLint`].

mod catalogue;
mod checkstyle;
mod fix;
mod input;
mod json;
pub(crate) mod sarif;
mod tty;

use std::io::IsTerminal;
use std::path::PathBuf;

use drydock_lint::config::Entry;
use drydock_lint::run::Run;
use drydock_lint::{Config, Level, LintRun, Selection};

use crate::args::{LintArgs, LintFormat, Threshold};
use crate::commands::Outcome;
use crate::error::CliError;

pub use catalogue::rule;

/// What the renderers render: the lint crate's report of the run.
pub type Report = LintRun;

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

pub fn run(args: &LintArgs) -> Result<Outcome, CliError> {
    let cwd = std::env::current_dir()
        .map_err(|e| CliError::new("cannot read the current directory").caused_by(e))?;
    let config = match &args.config {
        Some(path) => {
            let mut config = Config::default();
            config.load(path).map_err(CliError::from_error)?;
            config
        }
        None => Config::discover(&cwd).map_err(CliError::from_error)?,
    };
    // Typos in the config are findings (they may sit in a shared file); typos on the command
    // line are usage errors, reported before anything runs.
    let mut run = Run::new(config, &cwd);
    for id in &args.rules {
        catalogue::check_id("--rule", id, false)?;
    }
    for id in &args.ignore {
        catalogue::check_id("--ignore", id, true)?;
        run.config_mut().ignored.push(Entry {
            id: id.clone(),
            file: PathBuf::from("--ignore"),
            line: 1,
            column: 1,
        });
    }
    run.config_mut()
        .settings
        .trusted_registries
        .extend(args.trusted_registry.iter().cloned());
    for (name, kind) in &args.require_label {
        run.config_mut().settings.require_label(name, *kind);
    }
    if args.strict_labels {
        run.config_mut().settings.strict_labels = true;
    }
    if !args.rules.is_empty() {
        run.select(Selection::Only(args.rules.clone()));
    }
    let threshold = match args.failure_threshold {
        Some(t) => threshold(t),
        None => run.config().failure_threshold.unwrap_or(DEFAULT_THRESHOLD),
    };

    let inputs = input::collect(&run, &args.paths)?;
    let terminal = std::io::stdout().is_terminal();
    let (inputs, diff) = if args.fix || args.diff {
        fix::fix(&run, inputs, args.fix, terminal)?
    } else {
        (inputs, String::new())
    };
    let report = run.lint(".".to_string(), inputs);
    let failed =
        !args.no_fail && threshold.is_some_and(|t| report.findings().any(|f| f.level >= t));
    let color = args.format == LintFormat::Tty
        && !args.no_color
        && terminal
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    Ok(Outcome {
        stdout: diff + &pick(args.format, color).render(&report),
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
