//! `drydock db import | update | status`: the offline advisory database. The work is
//! `drydock-advisories`'; this module reads the clock, prints progress and reports.

use crate::args::{DbImportArgs, DbUpdateArgs, Format, FormatArg};
use crate::commands::Outcome;
use crate::error::CliError;
use crate::output::inert;
use drydock_advisories::fetch::{self, Timeouts};
use drydock_advisories::{ImportReport, Input, Progress, SourceStatus, Store, STALE_AFTER_SECS};
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

fn data_dir() -> Result<PathBuf, CliError> {
    drydock_store::data_dir().ok_or_else(|| {
        CliError::new("cannot tell where Drydock keeps its data on this system")
            .fix("set DRYDOCK_DATA_DIR to a writable directory")
    })
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// A progress line on stderr, rewritten in place, only when a person watches it.
fn progress_line() -> impl FnMut(Progress<'_>) {
    let tty = std::io::stderr().is_terminal();
    move |p: Progress<'_>| {
        if tty {
            let _ = write!(
                std::io::stderr(),
                "\r\x1b[2Kreading {}: {} records",
                inert(p.label),
                p.records
            );
        }
    }
}

fn end_progress_line() {
    if std::io::stderr().is_terminal() {
        let _ = write!(std::io::stderr(), "\r\x1b[2K");
    }
}

pub fn import(args: &DbImportArgs) -> Result<Outcome, CliError> {
    let dir = data_dir()?;
    let inputs: Vec<Input> = args.paths.iter().map(|p| Input::path(p)).collect();
    let result = drydock_advisories::import(&dir, &inputs, now(), &mut progress_line());
    end_progress_line();
    let report = result.map_err(|e| {
        CliError::from_error(e).fix(
            "nothing was changed: the advisory database is as it was; give OSV records (a JSON \
             file, a directory, an ecosystem's all.zip), the Debian tracker's JSON or Alpine \
             secdb files",
        )
    })?;
    Ok(Outcome::ok(render_import(&report, args.format.format)))
}

fn render_import(report: &ImportReport, format: Format) -> String {
    if format == Format::Json {
        return to_json(report);
    }
    let mut out = String::new();
    let width = report
        .imported
        .iter()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(0);
    for s in &report.imported {
        let withdrawn = match s.withdrawn {
            0 => String::new(),
            n => format!(" ({n} withdrawn, skipped)"),
        };
        out.push_str(&format!(
            "imported {:<width$}  {:>7} {} from {}{withdrawn}\n",
            inert(&s.name),
            s.records,
            if s.records == 1 { "record " } else { "records" },
            inert(&s.label),
        ));
    }
    for name in &report.kept {
        out.push_str(&format!("kept     {} (imported earlier)\n", inert(name)));
    }
    if let Some(why) = &report.previous_dropped {
        out.push_str(&format!(
            "note: the earlier sources were not kept: {}\n",
            inert(why)
        ));
    }
    out.push_str(&format!("database: {}\n", inert(&report.path)));
    out
}

pub fn update(args: &DbUpdateArgs) -> Result<Outcome, CliError> {
    let dir = data_dir()?;
    let list = fetch::downloads(args.mirror.as_deref());
    let mut note = |line: &str| {
        end_progress_line();
        let _ = writeln!(std::io::stderr(), "{}", inert(line));
    };
    let result = fetch::update(
        &dir,
        &list,
        Timeouts::default(),
        now(),
        &mut note,
        &mut progress_line(),
    );
    end_progress_line();
    let report = result.map_err(|e| {
        CliError::from_error(e).fix("nothing was changed: the advisory database is as it was")
    })?;
    let stdout = match (&report.import, args.format.format) {
        (_, Format::Json) => to_json(&report),
        (Some(import), Format::Table) => render_import(import, Format::Table),
        (None, Format::Table) => String::new(),
    };
    let error = (!report.failures.is_empty()).then(|| {
        let what = report
            .failures
            .iter()
            .map(|f| format!("\n  {}", inert(f)))
            .collect::<String>();
        CliError::new(format!("cannot fetch or read:{what}")).fix(match &args.mirror {
            Some(_) => {
                "those sources keep their earlier records; check that the mirror serves \
                        the same paths as the public sources (drydock db update --help)"
            }
            None => {
                "those sources keep their earlier records; check the network, or use \
                     --mirror URL for an internal mirror"
            }
        })
    });
    Ok(Outcome {
        stdout,
        error,
        failed: false,
    })
}

/// One source of `drydock db status --format json`.
#[derive(Serialize)]
struct SourceRow<'a> {
    #[serde(flatten)]
    source: &'a SourceStatus,
    age_seconds: i64,
    stale: bool,
}

#[derive(Serialize)]
struct StatusReport<'a> {
    path: &'a str,
    sources: Vec<SourceRow<'a>>,
    /// Whether any source is older than a week.
    stale: bool,
}

pub fn status(args: &FormatArg) -> Result<Outcome, CliError> {
    let dir = data_dir()?;
    let store = Store::open(&dir).map_err(CliError::from_error)?;
    let Some(store) = store else {
        return Err(CliError::new(format!(
            "there is no advisory database in {} yet",
            inert(&dir.display().to_string())
        ))
        .fix("drydock db update (downloads the public sources), or drydock db import PATH... (OSV all.zip, the Debian tracker's JSON, Alpine secdb files)"));
    };
    let status = store.status().map_err(CliError::from_error)?;
    let now = now();
    let stale = status.stale(now);
    if !stale.is_empty() {
        let names: Vec<String> = stale.iter().map(|s| inert(&s.name)).collect();
        let _ = writeln!(
            std::io::stderr(),
            "warning: older than {} days: {}; run drydock db update",
            STALE_AFTER_SECS / 86_400,
            names.join(", ")
        );
    }
    let rows: Vec<SourceRow<'_>> = status
        .sources
        .iter()
        .map(|s| SourceRow {
            source: s,
            age_seconds: now.saturating_sub(s.imported_at).max(0),
            stale: s.is_stale(now),
        })
        .collect();
    let stdout = match args.format {
        Format::Json => to_json(&StatusReport {
            path: &status.path,
            stale: !stale.is_empty(),
            sources: rows,
        }),
        Format::Table => status_table(&rows, &status.path),
    };
    Ok(Outcome::ok(stdout))
}

fn status_table(rows: &[SourceRow<'_>], path: &str) -> String {
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|r| {
            [
                inert(&r.source.name),
                inert(&r.source.kind),
                r.source.records.to_string(),
                age(r.age_seconds),
                inert(&r.source.path),
            ]
        })
        .collect();
    let headers = ["SOURCE", "KIND", "RECORDS", "AGE", "FROM"];
    let mut widths = headers.map(|h| h.chars().count());
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let [w0, w1, w2, w3, _] = widths;
    let mut out = String::new();
    let headers = headers.map(str::to_owned);
    for row in std::iter::once(&headers).chain(&cells) {
        let [name, kind, records, age, from] = row;
        let line = format!("{name:<w0$}   {kind:<w1$}   {records:>w2$}   {age:>w3$}   {from}");
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if rows.is_empty() {
        out.push_str("(no sources)\n");
    }
    out.push_str(&format!("database: {}\n", inert(path)));
    out
}

/// An age in the largest whole unit: `45s`, `12m`, `5h`, `3d`.
fn age(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    let mut text =
        serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_in_their_largest_unit() {
        assert_eq!(age(59), "59s");
        assert_eq!(age(3599), "59m");
        assert_eq!(age(7200), "2h");
        assert_eq!(age(8 * 86_400 + 5), "8d");
    }
}
