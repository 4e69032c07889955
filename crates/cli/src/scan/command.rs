//! `drydock scan`: each image (from the engine, a saved archive or a root filesystem) read once,
//! its packages matched against the offline advisory store, the report printed in the chosen
//! format. Exit 1 when a finding reaches `--fail-on`, 2 on errors.

use super::{render, ScanFormat};
use crate::args::{ScanArgs, SeverityArg};
use crate::commands::Outcome;
use crate::error::CliError;
use crate::output::inert;
use drydock_advisories::Store as Advisories;
use drydock_engine::Engine;
use drydock_layers::{collect_files, collect_rootfs, CollectLimits, Collected};
use drydock_scan::ignore;
use drydock_scan::{db_sources, inventory, keep, report, ImageRef, ScanReport, Severity, Status};
use drydock_store::Store;
use std::io::{BufReader, IsTerminal};
use std::path::Path;
use std::sync::Mutex;

/// Big reads: the reader takes a tar header block at a time.
const READ_BUFFER: usize = 256 << 10;

fn severity(arg: SeverityArg) -> Severity {
    match arg {
        SeverityArg::Critical => Severity::Critical,
        SeverityArg::High => Severity::High,
        SeverityArg::Medium => Severity::Medium,
        SeverityArg::Low => Severity::Low,
        SeverityArg::Unknown => Severity::Unknown,
    }
}

/// The advisory store with its sources' ages at `now`, or an error that says how to get one.
/// `warn`: name the stale sources on stderr (the table says so in its header instead).
fn advisories(now: i64, warn: bool) -> Result<(Advisories, Vec<drydock_scan::DbSource>), CliError> {
    let dir = drydock_store::data_dir().ok_or_else(|| {
        CliError::new("cannot tell where Drydock keeps its data on this system")
            .fix("set DRYDOCK_DATA_DIR to a writable directory")
    })?;
    let store = Advisories::open(&dir)
        .map_err(CliError::from_error)?
        .ok_or_else(|| {
            CliError::new("there is no advisory database yet, so nothing can be matched")
                .fix("`drydock db update` downloads one (or `--mirror URL`); offline, `drydock db import FILE...` reads OSV files, the Debian tracker's JSON or Alpine's secdb")
        })?;
    let status = store.status().map_err(CliError::from_error)?;
    for stale in status.stale(now).into_iter().filter(|_| warn) {
        eprintln!(
            "warning: the advisory source {} was imported {} days ago; `drydock db update` brings it up to date",
            inert(&stale.name),
            now.saturating_sub(stale.imported_at) / 86_400
        );
    }
    let sources = db_sources(&status, now);
    Ok((store, sources))
}

pub async fn run(args: &ScanArgs, engine: Option<&Engine>) -> Result<Outcome, CliError> {
    let machine = !matches!(args.format, ScanFormat::Table | ScanFormat::Json);
    let targets = args.images.len()
        + usize::from(args.archive.is_some())
        + usize::from(args.rootfs.is_some());
    if targets == 0 {
        return Err(CliError::new("nothing to scan").fix(
            "name an image (`drydock scan IMAGE`), or give --archive FILE.tar or --rootfs DIR",
        ));
    }
    if machine && targets > 1 {
        return Err(CliError::new("SARIF and SBOM output describe one image")
            .fix("scan one image per command for --format sarif, cyclonedx or spdx"));
    }
    let ignores = match &args.config {
        Some(path) => Some((
            path.clone(),
            ignore::load(path).map_err(CliError::from_error)?,
        )),
        None => {
            let cwd = std::env::current_dir().unwrap_or_default();
            ignore::discover(&cwd).map_err(CliError::from_error)?
        }
    };
    let now = drydock_cleanup::unix_now();
    let (db, sources) = advisories(now, args.format != ScanFormat::Table)?;
    let mut reports = Vec::new();
    if let (Some(engine), false) = (engine, args.images.is_empty()) {
        // Package lists are kept by image id: without a store, each image is read every time.
        let store = drydock_store::data_dir()
            .and_then(|dir| Store::open_in(&dir).ok())
            .map_or_else(Store::in_memory, Ok)
            .map_err(CliError::from_error)?;
        let store = Mutex::new(store);
        for name in &args.images {
            reports.push(scan_engine_image(engine, &store, &db, &sources, name, now).await?);
        }
    }
    if let Some(file) = &args.archive {
        let collected = read_archive(file)?;
        let shown = file.display().to_string();
        reports.push(report(
            image_named(&shown),
            &inventory(collected),
            &db,
            sources.clone(),
        ));
    }
    if let Some(dir) = &args.rootfs {
        let collected = collect_rootfs(dir, &keep, &CollectLimits::default()).map_err(|e| {
            CliError::new(format!(
                "cannot read the directory {}",
                inert(&dir.display().to_string())
            ))
            .caused_by(e)
            .fix("give the root of an image's filesystem (a directory holding etc/, usr/, ...)")
        })?;
        let shown = dir.display().to_string();
        reports.push(report(
            image_named(&shown),
            &inventory(collected),
            &db,
            sources.clone(),
        ));
    }
    let today = chrono::DateTime::from_timestamp(now, 0)
        .map(|t| t.date_naive())
        .unwrap_or_default();
    let mut failed = false;
    for report in &mut reports {
        if let Some((path, list)) = &ignores {
            let (_, expired) = ignore::apply(&mut report.findings, list, today);
            for e in expired {
                eprintln!(
                    "warning: {}: the ignore entry for {} expired on {}: it ignores nothing now; review it",
                    inert(&path.display().to_string()),
                    inert(&e.id),
                    e.expires.map(|d| d.to_string()).unwrap_or_default()
                );
            }
        }
        filter(report, args);
        if let Some(limit) = args.fail_on {
            failed |= report
                .findings
                .iter()
                .any(|f| f.severity >= severity(limit));
        }
    }
    let stdout = match (args.format, reports.as_slice()) {
        (ScanFormat::Json, [one]) => render(ScanFormat::Json, one, now),
        (ScanFormat::Json, many) => {
            let mut text = serde_json::to_string_pretty(many).unwrap_or_default();
            text.push('\n');
            text
        }
        (format, many) => many
            .iter()
            .map(|r| render(format, r, now))
            .collect::<Vec<_>>()
            .join("\n"),
    };
    Ok(Outcome {
        stdout,
        error: None,
        failed,
    })
}

/// `--severity` and `--ignore-unfixed` narrow what is shown (and what `--fail-on` weighs).
fn filter(report: &mut ScanReport, args: &ScanArgs) {
    if !args.severity.is_empty() {
        let shown: Vec<Severity> = args.severity.iter().map(|s| severity(*s)).collect();
        report.findings.retain(|f| shown.contains(&f.severity));
    }
    if args.ignore_unfixed {
        report.findings.retain(|f| f.status == Status::Fixed);
    }
}

fn image_named(shown: &str) -> ImageRef {
    ImageRef {
        id: shown.to_owned(),
        tags: Vec::new(),
    }
}

/// How many known vulnerabilities each image holds, from the advisory database as it is;
/// `None` when there is no database (counting is then not possible, and not an error).
pub(crate) async fn count_vulnerabilities(
    engine: &Engine,
    images: &[&str],
) -> Result<Option<Vec<usize>>, CliError> {
    let exists = drydock_store::data_dir()
        .map(|dir| Advisories::open(&dir).map(|db| db.is_some()))
        .transpose()
        .map_err(CliError::from_error)?;
    if exists != Some(true) {
        return Ok(None);
    }
    let now = drydock_cleanup::unix_now();
    let (db, sources) = advisories(now, false)?;
    let store = drydock_store::data_dir()
        .and_then(|dir| Store::open_in(&dir).ok())
        .map_or_else(Store::in_memory, Ok)
        .map_err(CliError::from_error)?;
    let store = Mutex::new(store);
    let mut counts = Vec::new();
    for name in images {
        let report = scan_engine_image(engine, &store, &db, &sources, name, now).await?;
        counts.push(report.findings.len());
    }
    Ok(Some(counts))
}

async fn scan_engine_image(
    engine: &Engine,
    store: &Mutex<Store>,
    db: &Advisories,
    sources: &[drydock_scan::DbSource],
    name: &str,
    now: i64,
) -> Result<ScanReport, CliError> {
    let live = std::io::stderr().is_terminal();
    let shown = inert(name);
    let (image, inventory, _) = drydock_scan::image_inventory(engine, store, name, now, |p| {
        if live {
            let percent = (p.read.saturating_mul(100))
                .checked_div(p.total)
                .unwrap_or(0)
                .min(100);
            eprint!("\r\x1b[2Kreading {shown}: {percent}%");
        }
    })
    .await
    .map_err(CliError::from_error)?;
    if live {
        eprint!("\r\x1b[2K");
    }
    Ok(report(image, &inventory, db, sources.to_vec()))
}

fn read_archive(file: &Path) -> Result<Collected, CliError> {
    let named = inert(&file.display().to_string());
    let input = std::fs::File::open(file).map_err(|e| {
        CliError::new(format!("cannot open {named}"))
            .caused_by(e)
            .fix("give the path of a tar written by `docker save IMAGE -o FILE.tar` (or an OCI image layout, as a tar)")
    })?;
    collect_files(
        BufReader::with_capacity(READ_BUFFER, input),
        &keep,
        &CollectLimits::default(),
    )
    .map_err(|e| {
        CliError::new(format!("cannot read {named}"))
            .caused_by(e)
            .fix("check that it is a complete image archive: save it again with `docker save IMAGE -o FILE.tar`")
    })
}
