//! `drydock layers`: what each layer stores and what later layers hide, from the engine or from a
//! saved archive. With `--ci`, thresholds decide the exit code.

use crate::args::{Format, LayersArgs};
use crate::commands::Outcome;
use crate::error::CliError;
use crate::output;
use drydock_inventory::human_bytes;
use drydock_layers::{analyse, LayerReport, LayersError, Options};
use std::io::{BufReader, Read};
use std::path::Path;

/// Big reads: the analyser reads headers a block at a time.
const READ_BUFFER: usize = 256 << 10;

/// Analyses a saved image; `select` names one image of an archive holding several.
pub fn read_archive(file: &Path, select: Option<&str>) -> Result<LayerReport, CliError> {
    let shown = if file.as_os_str() == "-" {
        "stdin".to_owned()
    } else {
        file.display().to_string()
    };
    // A file name may hold line breaks: inert where it enters a message of several lines.
    let named = output::inert(&shown);
    let input: Box<dyn Read> = if file.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(file).map_err(|e| {
            CliError::new(format!("cannot open {named}"))
                .caused_by(e)
                .fix("give the path of a tar written by `docker save IMAGE -o FILE.tar`")
        })?)
    };
    let options = Options {
        select: select.map(str::to_owned),
        ..Options::default()
    };
    let mut report =
        analyse(BufReader::with_capacity(READ_BUFFER, input), &options).map_err(|e| {
            let fix = fix(&e, &named);
            CliError::new(format!("cannot analyse {named}"))
                .caused_by(e)
                .fix(fix)
        })?;
    if report.image.is_empty() {
        report.image = shown;
    }
    Ok(report)
}

fn fix(err: &LayersError, shown: &str) -> String {
    match err {
        LayersError::SeveralImages { .. } | LayersError::NoSuchImage { .. } => {
            format!("name one of them: `drydock layers NAME --archive {shown}`")
        }
        LayersError::Limit { .. } => {
            "the image is beyond what Drydock analyses; report it if it is a real image".into()
        }
        _ => "check that it is a complete image archive: save it again with `docker save IMAGE -o FILE.tar` (or an OCI image layout, as a tar)".into(),
    }
}

/// The rendered report, and with `--ci` the verdict of each threshold.
pub fn outcome(args: &LayersArgs, report: &LayerReport) -> Outcome {
    let mut stdout = output::pick(args.format.format).layers(report);
    if !args.ci {
        return Outcome {
            stdout,
            error: None,
            failed: false,
        };
    }
    let checks = checks(args, report);
    let failed = checks.iter().any(|c| !c.passed);
    let verdict: String = checks
        .iter()
        .map(|c| format!("{} {}\n", if c.passed { "pass:" } else { "FAIL:" }, c.text))
        .collect();
    match args.format.format {
        // People read the verdict under the table; programs keep stdout pure JSON.
        Format::Table => {
            stdout.push('\n');
            stdout.push_str(&verdict);
        }
        Format::Json => eprint!("{verdict}"),
    }
    Outcome {
        stdout,
        error: None,
        failed,
    }
}

struct Check {
    passed: bool,
    text: String,
}

fn checks(args: &LayersArgs, report: &LayerReport) -> Vec<Check> {
    let mut out = Vec::new();
    if let Some(max) = args.max_hidden_bytes {
        let passed = report.hidden_bytes <= max;
        out.push(Check {
            passed,
            text: format!(
                "hidden bytes {} ({}) {} --max-hidden-bytes {} ({})",
                report.hidden_bytes,
                human(report.hidden_bytes),
                if passed { "within" } else { "over" },
                max,
                human(max)
            ),
        });
    }
    if let Some(min) = args.min_efficiency {
        let passed = report.efficiency >= min;
        out.push(Check {
            passed,
            text: format!(
                "efficiency {} {} --min-efficiency {min}",
                report.efficiency,
                if passed { "meets" } else { "is below" }
            ),
        });
    }
    out
}

fn human(n: u64) -> String {
    human_bytes(i64::try_from(n).unwrap_or(i64::MAX))
}
