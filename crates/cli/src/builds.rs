//! `drydock builds [REPOSITORY]`: every build Drydock has seen per repository, removed ones too,
//! with the size of each and the change from the one before; with `--records`, the BuildKit
//! build records the engine keeps in its build cache.
//!
//! Each run records what the engine holds now into Drydock's store first (the engine forgets a
//! removed image; the store keeps it), then reads the history back. Tags, repository names and
//! build steps come from images: the table format makes each inert; JSON leaves that to serde.

use crate::error::CliError;
use crate::output::inert;
use crate::output::table::{render, short_id, Align};
use clap::{Args, ValueEnum};
use drydock_engine::Engine;
use drydock_history::{Build, BuildRecord, RepositoryHistory};
use drydock_inventory::human_bytes;
use drydock_store::Store;
use serde::Serialize;
use std::fmt::Write as _;
use std::sync::Mutex;

/// A build record's description is cut to this many characters in the table (JSON has it whole).
const DESCRIPTION_CHARS: usize = 70;

#[derive(Debug, Args)]
pub struct BuildsArgs {
    /// A repository (`myapp`, `localhost:5000/team/app`): its builds, oldest first. Without one,
    /// one line per repository
    pub repository: Option<String>,
    /// Also list the BuildKit build records of the engine's build cache, newest use first
    #[arg(long)]
    pub records: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = BuildsFormat::Table)]
    pub format: BuildsFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BuildsFormat {
    Table,
    Json,
}

/// One repository in the list of all.
#[derive(Debug, Serialize)]
struct Summary {
    repository: String,
    /// Builds seen, removed ones included.
    builds: usize,
    /// Builds still on the engine.
    present: usize,
    /// The newest build's id and size, and its size minus the build before it.
    latest_id: String,
    latest_size: u64,
    latest_change: Option<i64>,
}

#[derive(Serialize)]
struct AllJson<'a> {
    repositories: &'a [Summary],
    #[serde(skip_serializing_if = "Option::is_none")]
    records: Option<&'a [BuildRecord]>,
}

#[derive(Serialize)]
struct OneJson<'a> {
    #[serde(flatten)]
    history: &'a RepositoryHistory,
    #[serde(skip_serializing_if = "Option::is_none")]
    records: Option<&'a [BuildRecord]>,
}

pub async fn run(args: &BuildsArgs, engine: &Engine) -> Result<crate::commands::Outcome, CliError> {
    let store = Mutex::new(open_store()?);
    let now = drydock_cleanup::unix_now();
    let seen = drydock_history::seen_now_known(engine, &store, None)
        .await
        .map_err(CliError::from_error)?;
    drydock_history::record_seen(&store, &seen, now).map_err(CliError::from_error)?;
    let records = if args.records {
        Some(
            drydock_history::build_records(engine)
                .await
                .map_err(CliError::from_error)?,
        )
    } else {
        None
    };
    let stdout = match &args.repository {
        None => {
            let all = drydock_history::repositories(&store).map_err(CliError::from_error)?;
            let summaries: Vec<Summary> = all.iter().filter_map(summary).collect();
            match args.format {
                BuildsFormat::Json => json(&AllJson {
                    repositories: &summaries,
                    records: records.as_deref(),
                }),
                BuildsFormat::Table => {
                    let mut out = summaries_table(&summaries);
                    if let Some(records) = &records {
                        out.push('\n');
                        out.push_str(&records_table(records));
                    }
                    out
                }
            }
        }
        Some(repository) => {
            let history = drydock_history::repository_history(&store, repository)
                .map_err(CliError::from_error)?;
            if history.builds.is_empty() {
                return Err(CliError::new(format!(
                    "no builds of {} seen",
                    inert(repository)
                ))
                .fix("name a repository without its tag (`myapp`, not `myapp:1`); `drydock builds` lists those seen"));
            }
            match args.format {
                BuildsFormat::Json => json(&OneJson {
                    history: &history,
                    records: records.as_deref(),
                }),
                BuildsFormat::Table => {
                    let mut out = builds_table(&history);
                    if let Some(records) = &records {
                        out.push('\n');
                        out.push_str(&records_table(records));
                    }
                    out
                }
            }
        }
    };
    Ok(crate::commands::Outcome::ok(stdout))
}

/// Records the images of a df answer the caller already holds (`drydock images`), so the build
/// history also keeps what was seen there. Only images the store does not know yet are read
/// (their layer lists); a failure is a warning, never the command's failure.
pub async fn record_quietly(engine: &Engine, usage: std::sync::Arc<drydock_inventory::DiskUsage>) {
    let Some(store) = drydock_store::data_dir().and_then(|dir| Store::open_in(&dir).ok()) else {
        return;
    };
    let store = Mutex::new(store);
    let recorded = match drydock_history::seen_now_known(engine, &store, Some(usage)).await {
        Ok(seen) => drydock_history::record_seen(&store, &seen, drydock_cleanup::unix_now()),
        Err(e) => Err(e),
    };
    if let Err(e) = recorded {
        let first = e.to_string();
        let first = first.lines().next().unwrap_or_default();
        eprintln!(
            "warning: the build history was not updated: {}",
            inert(first)
        );
    }
}

/// The shared store, or one in memory (with a warning) when it cannot be opened: the builds on
/// the engine now are still shown, only the past is missing.
fn open_store() -> Result<Store, CliError> {
    let opened = drydock_store::data_dir()
        .ok_or_else(|| "no data directory (set DRYDOCK_DATA_DIR)".to_owned())
        .and_then(|dir| Store::open_in(&dir).map_err(|e| e.to_string()));
    match opened {
        Ok(store) => Ok(store),
        Err(why) => {
            eprintln!(
                "warning: builds are not kept: {}\n  fix: make Drydock's data directory writable, or set DRYDOCK_DATA_DIR",
                inert(&why)
            );
            Store::in_memory().map_err(CliError::from_error)
        }
    }
}

fn summary(history: &RepositoryHistory) -> Option<Summary> {
    let latest = history.builds.last()?;
    Some(Summary {
        repository: history.repository.clone(),
        builds: history.builds.len(),
        present: history.builds.iter().filter(|b| b.image.present).count(),
        latest_id: latest.image.id.clone(),
        latest_size: latest.image.size,
        latest_change: latest.size_delta,
    })
}

fn json<T: Serialize>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

fn summaries_table(summaries: &[Summary]) -> String {
    if summaries.is_empty() {
        return "no builds seen yet: Drydock keeps each tagged image it sees from now on\n".into();
    }
    let rows: Vec<Vec<String>> = summaries
        .iter()
        .map(|s| {
            vec![
                inert(&s.repository),
                s.builds.to_string(),
                s.present.to_string(),
                human(s.latest_size),
                change(s.latest_change),
            ]
        })
        .collect();
    render(
        &[
            ("REPOSITORY", Align::Left),
            ("BUILDS", Align::Right),
            ("ON ENGINE", Align::Right),
            ("LATEST SIZE", Align::Right),
            ("CHANGE", Align::Right),
        ],
        &rows,
    )
}

fn builds_table(history: &RepositoryHistory) -> String {
    let present = history.builds.iter().filter(|b| b.image.present).count();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} build{} seen, {present} on the engine",
        inert(&history.repository),
        history.builds.len(),
        if history.builds.len() == 1 { "" } else { "s" },
    );
    let rows: Vec<Vec<String>> = history
        .builds
        .iter()
        .enumerate()
        .map(|(n, b)| build_row(n + 1, b))
        .collect();
    out.push_str(&render(
        &[
            ("#", Align::Right),
            ("IMAGE", Align::Left),
            ("CREATED", Align::Left),
            ("SIZE", Align::Right),
            ("CHANGE", Align::Right),
            ("SHARED LAYERS", Align::Right),
            ("STATE", Align::Left),
            ("TAGS", Align::Left),
        ],
        &rows,
    ));
    out
}

fn build_row(n: usize, b: &Build) -> Vec<String> {
    let shared = match b.shared_layers {
        Some(s) => format!("{s} of {}", b.image.layers.len()),
        None => "-".into(),
    };
    let state = if b.image.present {
        "present".to_owned()
    } else {
        format!("removed (last seen {})", time(Some(b.image.last_seen)))
    };
    let tags = if b.image.tags.is_empty() {
        "<none>".to_owned()
    } else {
        b.image
            .tags
            .iter()
            .map(|t| inert(t))
            .collect::<Vec<_>>()
            .join(", ")
    };
    vec![
        n.to_string(),
        short_id(&b.image.id),
        time(Some(b.image.created)),
        human(b.image.size),
        change(b.size_delta),
        shared,
        state,
        tags,
    ]
}

fn records_table(records: &[BuildRecord]) -> String {
    if records.is_empty() {
        return "no build records: the engine's build cache is empty (classic builds leave none)\n"
            .into();
    }
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|r| {
            vec![
                time(r.last_used.or(r.created)),
                r.usage_count.to_string(),
                human(r.size),
                inert(&r.kind),
                if r.in_use { "yes" } else { "no" }.to_owned(),
                if r.shared { "yes" } else { "no" }.to_owned(),
                r.image.as_deref().map_or_else(|| "-".to_owned(), short_id),
                cut(&inert(&r.description)),
            ]
        })
        .collect();
    let mut out = format!("build records ({}, newest use first):\n", records.len());
    out.push_str(&render(
        &[
            ("LAST USED", Align::Left),
            ("USES", Align::Right),
            ("SIZE", Align::Right),
            ("TYPE", Align::Left),
            ("IN USE", Align::Left),
            ("SHARED", Align::Left),
            ("IMAGE", Align::Left),
            ("DESCRIPTION", Align::Left),
        ],
        &rows,
    ));
    out
}

fn human(n: u64) -> String {
    human_bytes(i64::try_from(n).unwrap_or(i64::MAX))
}

/// `+3.0 kB`, `-1.2 MB`, `0 B`; `-` for the first build.
fn change(delta: Option<i64>) -> String {
    match delta {
        None => "-".into(),
        Some(0) => "0 B".into(),
        Some(d) if d > 0 => format!("+{}", human_bytes(d)),
        Some(d) => format!("-{}", human_bytes(d.checked_neg().unwrap_or(i64::MAX))),
    }
}

/// Unix seconds as `2026-12-04 06:31` UTC; `-` when unknown.
fn time(at: Option<i64>) -> String {
    at.and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .map_or_else(|| "-".into(), |t| t.format("%Y-%m-%d %H:%M").to_string())
}

fn cut(text: &str) -> String {
    if text.chars().count() > DESCRIPTION_CHARS {
        format!(
            "{}…",
            text.chars().take(DESCRIPTION_CHARS - 1).collect::<String>()
        )
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_read_with_their_sign() {
        assert_eq!(change(None), "-");
        assert_eq!(change(Some(0)), "0 B");
        assert_eq!(change(Some(3_000)), "+3 kB");
        assert_eq!(change(Some(-500)), "-500 B");
        assert_eq!(
            change(Some(i64::MIN)),
            format!("-{}", human_bytes(i64::MAX))
        );
    }

    #[test]
    fn text_from_images_is_inert_in_tables() {
        let record = BuildRecord {
            id: "r\x1b]0;x\x07".into(),
            description: "[2/2] RUN echo \x1b[31mred\nfake line".into(),
            kind: "regular".into(),
            size: 1,
            in_use: false,
            shared: false,
            created: Some(0),
            last_used: None,
            usage_count: 1,
            image: None,
        };
        let table = records_table(&[record]);
        assert!(
            !table.contains('\x1b') && !table.contains('\x07'),
            "{table:?}"
        );
        assert_eq!(table.lines().count(), 3, "{table:?}");
        let history = RepositoryHistory {
            repository: "app\x1b[2J".into(),
            builds: vec![Build {
                image: drydock_history::SeenImage {
                    id: "sha256:abc".into(),
                    tags: vec!["app:\x1b[1m1\n".into()],
                    created: 0,
                    created_nanos: 0,
                    size: 5,
                    layers: vec![],
                    first_seen: 0,
                    last_seen: 0,
                    present: true,
                },
                size_delta: None,
                shared_layers: None,
            }],
        };
        let table = builds_table(&history);
        assert!(!table.contains('\x1b'), "{table:?}");
        assert_eq!(table.lines().count(), 3, "{table:?}");
        let table = summaries_table(&[summary(&history).expect("one build")]);
        assert!(!table.contains('\x1b'), "{table:?}");
    }

    #[test]
    fn times_are_utc_minutes() {
        assert_eq!(time(Some(0)), "1970-01-01 00:00");
        assert_eq!(time(None), "-");
    }
}
