//! The advisory store's SQLite file. It is never changed in place: an import builds
//! `advisories.sqlite3.new` (the sources it read, then every other source copied from the old
//! file), and renames it over the old one only once complete. A failed or interrupted import
//! leaves the old file as it was. The file is rebuilt whole on every import, so its schema needs
//! no migrations: a file of another schema version is rebuilt by the next import.

use crate::model::{Advisory, Affected, DistroState, DistroStatus, Event, Record, Severity};
use crate::read::{self, Sink};
use crate::Error;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Transaction};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The file name of the advisory store in its data directory.
pub const FILE_NAME: &str = "advisories.sqlite3";
/// Bumped whenever the tables below change; a file of another version is not read.
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE sources (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    imported_at INTEGER NOT NULL,
    records INTEGER NOT NULL,
    path TEXT NOT NULL
);
CREATE TABLE advisories (
    key INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    source TEXT NOT NULL,
    aliases TEXT NOT NULL,
    summary TEXT,
    severity TEXT NOT NULL,
    vendor_severity TEXT,
    published TEXT,
    modified TEXT
);
CREATE TABLE affected (
    advisory INTEGER NOT NULL REFERENCES advisories (key),
    ecosystem TEXT NOT NULL,
    package TEXT NOT NULL,
    ranges TEXT NOT NULL,
    versions TEXT NOT NULL,
    release TEXT,
    status TEXT,
    fixed_version TEXT,
    urgency TEXT
);
CREATE INDEX advisories_by_source ON advisories (source, id);
CREATE INDEX affected_by_package ON affected (ecosystem, package);
CREATE INDEX affected_by_advisory ON affected (advisory);
";

/// Sources older than this are stale (`drydock db status` warns).
pub const STALE_AFTER_SECS: i64 = 7 * 24 * 60 * 60;

/// One input of an import: a path, and how errors name it (the path, or the URL it came from).
#[derive(Debug, Clone)]
pub struct Input {
    pub path: PathBuf,
    pub label: String,
}

impl Input {
    pub fn path(path: &Path) -> Input {
        Input {
            path: path.to_path_buf(),
            label: path.display().to_string(),
        }
    }
}

/// What one input of an import added.
#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    /// The source name: `osv/PyPI`, `debian-tracker`, `alpine/v3.17/main`, `osv/<ID>` for a
    /// single record. Importing a source again replaces its records.
    pub name: String,
    pub kind: &'static str,
    pub label: String,
    pub records: u64,
    /// Withdrawn OSV records, not kept.
    pub withdrawn: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub imported: Vec<Imported>,
    /// Sources kept from the previous store.
    pub kept: Vec<String>,
    /// Set when the previous store could not be read (another schema version, damaged): its
    /// sources were not carried over.
    pub previous_dropped: Option<String>,
    pub path: String,
}

/// How far an import is, for a progress line.
pub struct Progress<'a> {
    pub label: &'a str,
    pub records: u64,
}

/// Imports `inputs` into the store in `dir` (created if needed), keeping the other sources the
/// store already had. `now` (seconds since the epoch) is recorded as the import time.
pub fn import(
    dir: &Path,
    inputs: &[Input],
    now: i64,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<ImportReport, Error> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Read {
        path: dir.display().to_string(),
        source,
    })?;
    let path = dir.join(FILE_NAME);
    let new = dir.join(format!("{FILE_NAME}.new"));
    // Two imports at once would build the same new file: the second one waits for nobody and
    // says so. The lock goes with the process, so a killed import leaves none behind.
    let lock_path = dir.join(format!("{FILE_NAME}.lock"));
    let lock = std::fs::File::create(&lock_path).map_err(|source| Error::Read {
        path: lock_path.display().to_string(),
        source,
    })?;
    if lock.try_lock().is_err() {
        return Err(Error::Busy {
            path: path.display().to_string(),
        });
    }
    let result = build(&path, &new, inputs, now, progress);
    match result {
        Ok(report) => {
            replace(&new, &path)?;
            Ok(report)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&new);
            Err(e)
        }
    }
}

fn replace(new: &Path, path: &Path) -> Result<(), Error> {
    let fail = |source| Error::Replace {
        path: path.display().to_string(),
        source,
    };
    std::fs::File::open(new)
        .and_then(|f| f.sync_all())
        .map_err(fail)?;
    std::fs::rename(new, path).map_err(fail)?;
    if let Some(dir) = path.parent() {
        // Makes the rename itself durable where the platform allows it.
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(())
}

fn build(
    path: &Path,
    new: &Path,
    inputs: &[Input],
    now: i64,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<ImportReport, Error> {
    let shown = new.display().to_string();
    let sql = |source| Error::Sql {
        path: shown.clone(),
        source,
    };
    // A left-over from an interrupted import is not reused.
    match std::fs::remove_file(new) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(Error::Replace {
                path: shown.clone(),
                source: e,
            })
        }
        _ => {}
    }
    let mut conn = Connection::open(new).map_err(sql)?;
    // The file is thrown away if anything fails: no journal needed while it is built.
    conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
        .map_err(sql)?;
    conn.execute_batch(SCHEMA).map_err(sql)?;
    let previous_dropped = attach_previous(&conn, path);

    let tx = conn.transaction().map_err(sql)?;
    let mut imported: Vec<Imported> = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let pending = format!("\u{0}pending-{i}");
        let mut writer = Writer {
            tx: &tx,
            source: &pending,
            path: &shown,
            ids: HashMap::new(),
            records: 0,
            label: &input.label,
            progress,
        };
        let found = read::read(&input.path, &input.label, &mut writer)?;
        let records = writer.records;
        (writer.progress)(Progress {
            label: &input.label,
            records,
        });
        // The same source twice in one import: the later one wins, as a later import would.
        if imported.iter().any(|s| s.name == found.name) {
            delete_source(&tx, &found.name).map_err(sql)?;
            imported.retain(|s| s.name != found.name);
        }
        tx.execute(
            "UPDATE advisories SET source = ?1 WHERE source = ?2",
            params![found.name, pending],
        )
        .map_err(sql)?;
        tx.execute(
            "INSERT OR REPLACE INTO sources (name, kind, imported_at, records, path)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                found.name,
                found.kind.as_str(),
                now,
                records as i64,
                input.label
            ],
        )
        .map_err(sql)?;
        imported.push(Imported {
            name: found.name,
            kind: found.kind.as_str(),
            label: input.label.clone(),
            records,
            withdrawn: found.withdrawn,
        });
    }
    let kept = if previous_dropped.is_none() && path.is_file() {
        copy_previous(&tx, &imported).map_err(sql)?
    } else {
        Vec::new()
    };
    tx.commit().map_err(sql)?;
    if path.is_file() {
        let _ = conn.execute_batch("DETACH DATABASE old");
    }
    conn.pragma_update(None, "user_version", SCHEMA_VERSION)
        .map_err(sql)?;
    conn.close().map_err(|(_, e)| sql(e))?;
    Ok(ImportReport {
        imported,
        kept,
        previous_dropped,
        path: path.display().to_string(),
    })
}

/// Attaches the current store as `old`; `Some(why)` when it exists but cannot be carried over.
fn attach_previous(conn: &Connection, path: &Path) -> Option<String> {
    if !path.is_file() {
        return None;
    }
    let attached = conn
        .execute(
            "ATTACH DATABASE ?1 AS old",
            params![path.display().to_string()],
        )
        .and_then(|_| conn.query_row("PRAGMA old.user_version", [], |r| r.get::<_, i64>(0)));
    match attached {
        Ok(SCHEMA_VERSION) => None,
        Ok(v) => Some(format!(
            "the previous store has schema version {v}, this drydock writes {SCHEMA_VERSION}"
        )),
        Err(e) => Some(format!("the previous store cannot be read: {e}")),
    }
}

/// Copies every source of the attached old store that this import did not read.
fn copy_previous(tx: &Transaction<'_>, imported: &[Imported]) -> rusqlite::Result<Vec<String>> {
    tx.execute_batch("CREATE TEMP TABLE imported (name TEXT PRIMARY KEY)")?;
    for s in imported {
        tx.execute("INSERT INTO imported (name) VALUES (?1)", params![s.name])?;
    }
    let offset: i64 = tx.query_row(
        "SELECT coalesce(max(key), 0) FROM main.advisories",
        [],
        |r| r.get(0),
    )?;
    tx.execute(
        "INSERT INTO main.advisories
         SELECT key + ?1, id, source, aliases, summary, severity, vendor_severity, published, modified
         FROM old.advisories WHERE source NOT IN (SELECT name FROM imported)",
        params![offset],
    )?;
    tx.execute(
        "INSERT INTO main.affected
         SELECT f.advisory + ?1, f.ecosystem, f.package, f.ranges, f.versions, f.release,
                f.status, f.fixed_version, f.urgency
         FROM old.affected f JOIN old.advisories a ON a.key = f.advisory
         WHERE a.source NOT IN (SELECT name FROM imported)",
        params![offset],
    )?;
    tx.execute(
        "INSERT INTO main.sources SELECT * FROM old.sources
         WHERE name NOT IN (SELECT name FROM imported)",
        [],
    )?;
    let mut stmt =
        tx.prepare("SELECT name FROM old.sources WHERE name NOT IN (SELECT name FROM imported)")?;
    let kept = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    drop(stmt);
    tx.execute_batch("DROP TABLE temp.imported")?;
    Ok(kept)
}

fn delete_source(tx: &Transaction<'_>, name: &str) -> rusqlite::Result<()> {
    tx.execute(
        "DELETE FROM affected WHERE advisory IN (SELECT key FROM advisories WHERE source = ?1)",
        params![name],
    )?;
    tx.execute("DELETE FROM advisories WHERE source = ?1", params![name])?;
    tx.execute("DELETE FROM sources WHERE name = ?1", params![name])?;
    Ok(())
}

/// Writes the records of one input under its pending source name.
struct Writer<'a, 'p> {
    tx: &'a Transaction<'a>,
    source: &'a str,
    path: &'a str,
    /// Advisory id → key: a distro id concerning several packages is one advisory.
    ids: HashMap<String, i64>,
    records: u64,
    label: &'a str,
    progress: &'p mut dyn FnMut(Progress<'_>),
}

impl Sink for Writer<'_, '_> {
    fn record(&mut self, record: Record) -> Result<(), Error> {
        self.write(record).map_err(|source| Error::Sql {
            path: self.path.to_owned(),
            source,
        })
    }
}

impl Writer<'_, '_> {
    fn write(&mut self, record: Record) -> rusqlite::Result<()> {
        let a = &record.advisory;
        let key = match self.ids.get(&a.id) {
            Some(key) => *key,
            None => {
                self.tx
                    .prepare_cached(
                        "INSERT INTO advisories (id, source, aliases, summary, severity,
                         vendor_severity, published, modified)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    )?
                    .execute(params![
                        a.id,
                        self.source,
                        json(&a.aliases),
                        a.summary,
                        json(&a.severity),
                        a.vendor_severity,
                        record.published,
                        record.modified
                    ])?;
                let key = self.tx.last_insert_rowid();
                self.ids.insert(a.id.clone(), key);
                self.records += 1;
                if self.records.is_multiple_of(2000) {
                    (self.progress)(Progress {
                        label: self.label,
                        records: self.records,
                    });
                }
                key
            }
        };
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO affected (advisory, ecosystem, package, ranges, versions, release,
             status, fixed_version, urgency) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        for p in &record.packages {
            let d = p.distro.as_ref();
            stmt.execute(params![
                key,
                p.ecosystem,
                p.name,
                json(&p.ranges),
                json(&p.versions),
                d.map(|d| d.release.as_str()),
                d.map(|d| d.status.as_str()),
                d.and_then(|d| d.fixed_version.as_deref()),
                d.and_then(|d| d.urgency.as_deref()),
            ])?;
        }
        Ok(())
    }
}

fn json<T: Serialize + ?Sized>(value: &T) -> String {
    // Strings, lists and plain enums only: serialising cannot fail.
    serde_json::to_string(value).unwrap_or_else(|_| "[]".to_owned())
}

/// The advisory store, open for lookups.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// What the store holds: its sources and where it is.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub sources: Vec<SourceStatus>,
    pub path: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceStatus {
    pub name: String,
    pub kind: String,
    pub records: u64,
    /// Seconds since the epoch.
    pub imported_at: i64,
    /// Where it was imported from (a path or a URL).
    pub path: String,
}

impl SourceStatus {
    /// Whether this source was imported more than a week before `now` (seconds since the epoch).
    pub fn is_stale(&self, now: i64) -> bool {
        now.saturating_sub(self.imported_at) > STALE_AFTER_SECS
    }
}

impl Status {
    /// The sources imported more than a week before `now`.
    pub fn stale(&self, now: i64) -> Vec<&SourceStatus> {
        self.sources.iter().filter(|s| s.is_stale(now)).collect()
    }
}

impl Store {
    /// Opens the store in `dir` for reading; `None` when nothing was imported there yet.
    pub fn open(dir: &Path) -> Result<Option<Store>, Error> {
        let path = dir.join(FILE_NAME);
        if !path.is_file() {
            return Ok(None);
        }
        let shown = path.display().to_string();
        let sql = |source| Error::Sql {
            path: shown.clone(),
            source,
        };
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(sql)?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(sql)?;
        if version != SCHEMA_VERSION {
            return Err(Error::Schema {
                path: shown,
                found: version,
                expected: SCHEMA_VERSION,
            });
        }
        Ok(Some(Store { conn, path }))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sql(&self, source: rusqlite::Error) -> Error {
        Error::Sql {
            path: self.path.display().to_string(),
            source,
        }
    }

    /// Every advisory concerning `name` in `ecosystem` (PyPI names are normalised here too).
    pub fn for_package(&self, ecosystem: &str, name: &str) -> Result<Vec<Affected>, Error> {
        let name = crate::normalise_name(ecosystem, name);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT a.id, a.aliases, a.summary, a.severity, a.vendor_severity, a.source,
                        f.ecosystem, f.package, f.ranges, f.versions, f.release, f.status,
                        f.fixed_version, f.urgency
                 FROM affected f JOIN advisories a ON a.key = f.advisory
                 WHERE f.ecosystem = ?1 AND f.package = ?2
                 ORDER BY a.id, a.source",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map(params![ecosystem, name], |r| {
                Ok(Row {
                    id: r.get(0)?,
                    aliases: r.get(1)?,
                    summary: r.get(2)?,
                    severity: r.get(3)?,
                    vendor_severity: r.get(4)?,
                    source: r.get(5)?,
                    ecosystem: r.get(6)?,
                    package: r.get(7)?,
                    ranges: r.get(8)?,
                    versions: r.get(9)?,
                    release: r.get(10)?,
                    status: r.get(11)?,
                    fixed_version: r.get(12)?,
                    urgency: r.get(13)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        let mut out = Vec::new();
        for row in rows {
            let row = row.map_err(|e| self.sql(e))?;
            out.push(row.decode().map_err(|what| Error::Damaged {
                path: self.path.display().to_string(),
                what,
            })?);
        }
        Ok(out)
    }

    pub fn status(&self) -> Result<Status, Error> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, kind, records, imported_at, path FROM sources ORDER BY name")
            .map_err(|e| self.sql(e))?;
        let sources = stmt
            .query_map([], |r| {
                Ok(SourceStatus {
                    name: r.get(0)?,
                    kind: r.get(1)?,
                    records: u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                    imported_at: r.get(3)?,
                    path: r.get(4)?,
                })
            })
            .map_err(|e| self.sql(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.sql(e))?;
        Ok(Status {
            sources,
            path: self.path.display().to_string(),
        })
    }

    /// How many advisories and affected packages the store holds.
    pub fn counts(&self) -> Result<(u64, u64), Error> {
        let count = |table: &str| -> Result<u64, Error> {
            self.conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| {
                    r.get::<_, i64>(0)
                })
                .optional()
                .map(|n| n.and_then(|n| u64::try_from(n).ok()).unwrap_or(0))
                .map_err(|e| self.sql(e))
        };
        Ok((count("advisories")?, count("affected")?))
    }
}

struct Row {
    id: String,
    aliases: String,
    summary: Option<String>,
    severity: String,
    vendor_severity: Option<String>,
    source: String,
    ecosystem: String,
    package: String,
    ranges: String,
    versions: String,
    release: Option<String>,
    status: Option<String>,
    fixed_version: Option<String>,
    urgency: Option<String>,
}

impl Row {
    fn decode(self) -> Result<Affected, String> {
        let what = |field: &str| format!("{} ({}): {field}", self.id, self.source);
        let aliases: Vec<String> =
            serde_json::from_str(&self.aliases).map_err(|_| what("aliases"))?;
        let severity: Vec<Severity> =
            serde_json::from_str(&self.severity).map_err(|_| what("severity"))?;
        let ranges: Vec<Vec<Event>> =
            serde_json::from_str(&self.ranges).map_err(|_| what("ranges"))?;
        let versions: Vec<String> =
            serde_json::from_str(&self.versions).map_err(|_| what("versions"))?;
        let distro = match (self.release, self.status.as_deref()) {
            (Some(release), Some(status)) => Some(DistroStatus {
                release,
                status: DistroState::parse(status).ok_or_else(|| what("status"))?,
                fixed_version: self.fixed_version,
                urgency: self.urgency,
            }),
            _ => None,
        };
        Ok(Affected {
            advisory: Advisory {
                id: self.id,
                aliases,
                summary: self.summary,
                severity,
                vendor_severity: self.vendor_severity,
                source: self.source,
            },
            ecosystem: self.ecosystem,
            package: self.package,
            ranges,
            versions,
            distro,
        })
    }
}
