//! `drydock df --history`: disk use over time from the samples each `drydock df` (and the app)
//! recorded, with the cleanups of the journal and a forecast of when the host disk fills. And
//! the recording itself: one sample per plain `drydock df`.

use crate::args::{DfArgs, DfFormat};
use crate::commands::Outcome;
use crate::error::CliError;
use crate::output::table::{render, Align};
use drydock_history::{df_history, record_sample, sample_of, total_size, DfHistory, Sample};
use drydock_inventory::{human_bytes, DfReport, KindUsage};
use drydock_store::Store;
use std::sync::Mutex;

/// How far back `--history` looks without `--since`.
const DEFAULT_SINCE: &str = "30d";

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Records `report` as a sample of disk use. Best effort: `df` answers even when the store
/// cannot be written, with a warning on stderr.
pub fn record(report: &DfReport) {
    let Some(dir) = drydock_store::data_dir() else {
        return;
    };
    let result = Store::open_in(&dir)
        .map_err(drydock_history::HistoryError::from)
        .and_then(|store| record_sample(&Mutex::new(store), &sample_of(report, now())));
    if let Err(e) = result {
        eprintln!(
            "warning: this sample of disk use was not recorded: {}",
            crate::output::inert_lines(&e.to_string())
        );
    }
}

/// `--since`: `30d`, `12h`, `2w`, `1y`, `1h30m` (a year is 365 days).
fn parse_since(text: &str) -> Result<i64, CliError> {
    let bad = || {
        CliError::new(format!(
            "--since {} is not an age",
            crate::output::inert(text)
        ))
        .fix("give a number and a unit: 12h, 30d, 2w, 1y")
    };
    let trimmed = text.trim();
    let seconds = match trimmed.strip_suffix('y') {
        Some(years) if !years.is_empty() && years.chars().all(|c| c.is_ascii_digit()) => years
            .parse::<u64>()
            .ok()
            .and_then(|n| n.checked_mul(365 * 86_400))
            .ok_or_else(bad)?,
        _ => drydock_prune::parse_age(trimmed)
            .map_err(|_| bad())?
            .as_secs(),
    };
    i64::try_from(seconds).map_err(|_| bad())
}

/// `drydock df --history`: offline, from the store only.
pub fn run(args: &DfArgs) -> Result<Outcome, CliError> {
    let age = parse_since(args.since.as_deref().unwrap_or(DEFAULT_SINCE))?;
    let until = now();
    let since = until.saturating_sub(age);
    let history = match drydock_store::data_dir() {
        Some(dir) => match Store::open_existing(&dir).map_err(CliError::from_error)? {
            Some(store) => {
                df_history(&Mutex::new(store), since, until).map_err(CliError::from_error)?
            }
            None => empty(since, until),
        },
        None => empty(since, until),
    };
    let stdout = match args.format {
        DfFormat::Json => {
            let mut text = serde_json::to_string_pretty(&history)
                .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
            text.push('\n');
            text
        }
        DfFormat::Svg => {
            let mut svg = drydock_charts::disk_use_over_time(&history, 800);
            svg.push('\n');
            svg
        }
        DfFormat::Table => table(&history),
    };
    Ok(Outcome::ok(stdout))
}

fn empty(since: i64, until: i64) -> DfHistory {
    DfHistory {
        since,
        until,
        samples: vec![],
        cleanups: vec![],
        forecast: None,
    }
}

fn bytes(n: u64) -> String {
    human_bytes(i64::try_from(n).unwrap_or(i64::MAX))
}

/// One row per sample (size / reclaimable per kind, the total, the host's free bytes) with the
/// cleanups between them, then the forecast.
fn table(history: &DfHistory) -> String {
    use Align::*;
    if history.samples.is_empty() && history.cleanups.is_empty() {
        return format!(
            "No disk-use samples since {}: each `drydock df` records one.\n",
            drydock_charts::when(history.since, false)
        );
    }
    let kind = |k: &KindUsage| format!("{} / {}", human_bytes(k.size), human_bytes(k.reclaimable));
    let sample_row = |s: &Sample| {
        vec![
            drydock_charts::when(s.at, false),
            kind(&s.images),
            kind(&s.containers),
            kind(&s.volumes),
            kind(&s.build_cache),
            human_bytes(total_size(s)),
            s.host
                .as_ref()
                .map_or_else(|| "-".to_owned(), |h| bytes(h.free)),
            String::new(),
        ]
    };
    // Both lists are oldest first: merge them by time.
    let mut rows = Vec::with_capacity(history.samples.len() + history.cleanups.len());
    let (mut s, mut c) = (
        history.samples.iter().peekable(),
        history.cleanups.iter().peekable(),
    );
    loop {
        let take_cleanup = match (s.peek(), c.peek()) {
            (Some(a), Some(b)) => b.at <= a.at,
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (None, None) => break,
        };
        if take_cleanup {
            if let Some(mark) = c.next() {
                let mut row = vec![String::new(); 8];
                row[0] = drydock_charts::when(mark.at, false);
                row[7] = format!(
                    "cleanup: freed {}, {} removed",
                    bytes(mark.freed),
                    mark.removed
                );
                rows.push(row);
            }
        } else if let Some(sample) = s.next() {
            rows.push(sample_row(sample));
        }
    }
    let mut out = render(
        &[
            ("TIME (UTC)", Left),
            ("IMAGES", Right),
            ("CONTAINERS", Right),
            ("VOLUMES", Right),
            ("BUILD CACHE", Right),
            ("TOTAL", Right),
            ("HOST FREE", Right),
            ("", Left),
        ],
        &rows,
    );
    out.push_str("\nEach kind: size / reclaimable.\n");
    match &history.forecast {
        Some(f) => out.push_str(&format!(
            "Forecast: at {} a day, the host disk fills around {} ({}).\n",
            human_bytes(f.bytes_per_day.round() as i64),
            drydock_charts::when(f.full_at, true),
            f.basis
        )),
        None => out.push_str(&format!(
            "No forecast: it needs {} samples over {} of the last {} days showing growth, and the host disk.\n",
            drydock_history::FORECAST_MIN_SAMPLES,
            drydock_history::FORECAST_MIN_SPAN_DAYS,
            drydock_history::FORECAST_WINDOW_DAYS
        )),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(at: i64, images: i64, cache: i64, free: u64) -> Sample {
        let k = |size: i64, reclaimable: i64| KindUsage {
            count: 3,
            active: 1,
            size,
            reclaimable,
        };
        Sample {
            at,
            images: k(images, images / 3),
            containers: k(120_000_000, 0),
            volumes: k(1_500_000_000, 0),
            build_cache: k(cache, cache),
            host: Some(drydock_inventory::HostDisk {
                data_root: "/var/lib/docker".into(),
                mount_point: "/".into(),
                total: 100_000_000_000,
                free,
            }),
        }
    }

    #[test]
    fn cleanups_sit_between_the_samples_they_came_between() {
        let t = 1_796_379_120;
        let history = DfHistory {
            since: t - 86_400,
            until: t + 86_400,
            samples: vec![
                sample(t, 3_200_000_000, 800_000_000, 38_000_000_000),
                sample(t + 43_200, 2_100_000_000, 0, 40_000_000_000),
            ],
            cleanups: vec![drydock_history::CleanupMark {
                at: t + 34_000,
                freed: 1_900_000_000,
                removed: 12,
            }],
            forecast: None,
        };
        let text = table(&history);
        println!("{text}");
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("TIME (UTC)"));
        assert!(lines[1].contains("3.2 GB / 1.07 GB"), "{text}");
        assert!(
            lines[2].ends_with("cleanup: freed 1.9 GB, 12 removed"),
            "{text}"
        );
        assert!(lines[3].contains("40 GB"), "{text}");
        assert!(text.contains("No forecast"));
    }

    #[test]
    fn ages_read_with_years() {
        assert_eq!(parse_since("30d").expect("d"), 30 * 86_400);
        assert_eq!(parse_since("12h").expect("h"), 12 * 3_600);
        assert_eq!(parse_since("1y").expect("y"), 365 * 86_400);
        assert!(parse_since("y").is_err());
        assert!(parse_since("-3d").is_err());
        assert!(parse_since("99999999999999999y").is_err());
    }
}
