//! Reading a path given to an import: what it holds is found from its content (a zip, an OSV
//! record, the Debian tracker's JSON, an Alpine secdb file) or, for a directory, from the OSV
//! records under it. Every read is capped, so a hostile file costs bounded memory and time.

use crate::model::Record;
use crate::{alpine, debian, osv, Error};
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// The largest JSON file read whole (the Debian tracker's is under 100 MB today).
pub const MAX_JSON_FILE: u64 = 512 << 20;
/// The largest OSV record read, from a zip or a directory.
pub const MAX_RECORD: u64 = 16 << 20;
/// The most bytes a zip may decompress to, all entries together (a zip bomb stops here).
pub const MAX_ZIP_TOTAL: u64 = 2 << 30;
/// The most entries read from a zip or files from a directory.
pub const MAX_ENTRIES: usize = 2_000_000;
/// How deep a directory of OSV records is walked.
const MAX_DEPTH: usize = 16;

/// What an import read, as the store names and lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Osv,
    DebianTracker,
    AlpineSecdb,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Osv => "osv",
            Kind::DebianTracker => "debian-tracker",
            Kind::AlpineSecdb => "alpine-secdb",
        }
    }
}

/// Receives each record as it is read.
pub(crate) trait Sink {
    fn record(&mut self, record: Record) -> Result<(), Error>;
}

/// What a read found: its kind, the source name the store keys it by, records withdrawn.
pub(crate) struct Found {
    pub kind: Kind,
    pub name: String,
    pub withdrawn: u64,
}

/// Reads `path` into `sink`. `label` names the input in errors (a path, or the URL it came from).
pub(crate) fn read(path: &Path, label: &str, sink: &mut dyn Sink) -> Result<Found, Error> {
    let io = |source| Error::Read {
        path: label.to_owned(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        let mut osv = OsvSource::default();
        let mut files = 0;
        walk(path, label, 0, &mut files, &mut osv, sink)?;
        return Ok(osv.found(label, "directory"));
    }
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut magic = [0u8; 4];
    let n = read_up_to(&mut file, &mut magic).map_err(io)?;
    if magic.get(..n) == Some(b"PK\x03\x04".as_slice()) || magic.get(..n) == Some(b"PK\x05\x06") {
        return read_zip(file, label, sink);
    }
    drop(file);
    let text = read_text(path, label, MAX_JSON_FILE)?;
    read_json(&text, label, sink)
}

fn read_up_to(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(buf.get_mut(n..).unwrap_or_default())? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Reads a whole file as UTF-8, refusing one bigger than `cap`.
fn read_text(path: &Path, label: &str, cap: u64) -> Result<String, Error> {
    let file = std::fs::File::open(path).map_err(|source| Error::Read {
        path: label.to_owned(),
        source,
    })?;
    capped_text(file, cap, label, None)
}

fn capped_text(
    reader: impl Read,
    cap: u64,
    label: &str,
    entry: Option<&str>,
) -> Result<String, Error> {
    let mut bytes = Vec::new();
    reader
        .take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::at(label, entry, format!("cannot read: {e}")))?;
    if bytes.len() as u64 > cap {
        return Err(Error::at(
            label,
            entry,
            format!("is larger than {} MiB, the most Drydock reads", cap >> 20),
        ));
    }
    String::from_utf8(bytes).map_err(|_| Error::at(label, entry, "is not UTF-8 text".to_owned()))
}

fn read_json(text: &str, label: &str, sink: &mut dyn Sink) -> Result<Found, Error> {
    let top: BTreeMap<String, &RawValue> = serde_json::from_str(text).map_err(|e| {
        Error::at(
            label,
            None,
            format!("is not an OSV record, the Debian tracker's JSON or an Alpine secdb file: {e}"),
        )
    })?;
    let keys: Vec<&str> = top.keys().map(String::as_str).collect();
    if alpine::looks_like(&keys) {
        let db = alpine::parse(text).map_err(|e| {
            Error::at(
                label,
                None,
                format!("is not a valid Alpine secdb file: {e}"),
            )
        })?;
        for record in db.records() {
            sink.record(record)?;
        }
        return Ok(Found {
            kind: Kind::AlpineSecdb,
            name: format!("alpine/{}/{}", db.distroversion, db.reponame),
            withdrawn: 0,
        });
    }
    if osv::looks_like(&keys) {
        let mut osv = OsvSource::default();
        osv.record(text, label, None, sink)?;
        // One record: its own source, so importing it never replaces a whole ecosystem.
        let id = match top
            .get("id")
            .map(|v| serde_json::from_str::<String>(v.get()))
        {
            Some(Ok(id)) => id,
            _ => "record".to_owned(),
        };
        return Ok(Found {
            kind: Kind::Osv,
            name: format!("osv/{id}"),
            withdrawn: osv.withdrawn,
        });
    }
    if debian::looks_like(top.values().next().copied()) {
        for (package, raw) in &top {
            let records = debian::parse_package(package, raw).map_err(|(id, e)| {
                let entry = match id {
                    Some(id) => format!("{package} {id}"),
                    None => package.clone(),
                };
                Error::at(label, Some(&entry), e.to_string())
            })?;
            for record in records {
                sink.record(record)?;
            }
        }
        return Ok(Found {
            kind: Kind::DebianTracker,
            name: "debian-tracker".to_owned(),
            withdrawn: 0,
        });
    }
    Err(Error::at(
        label,
        None,
        "is JSON but not an OSV record, the Debian tracker's JSON or an Alpine secdb file"
            .to_owned(),
    ))
}

/// What the OSV records of one zip or directory have in common, to name the source.
#[derive(Default)]
struct OsvSource {
    /// The ecosystem (before any `:`) of the records read, while they all agree.
    ecosystem: Option<String>,
    mixed: bool,
    withdrawn: u64,
}

impl OsvSource {
    fn record(
        &mut self,
        text: &str,
        label: &str,
        entry: Option<&str>,
        sink: &mut dyn Sink,
    ) -> Result<(), Error> {
        let record = osv::parse(text)
            .map_err(|e| Error::at(label, entry, format!("is not an OSV record: {e}")))?;
        let Some(record) = record else {
            self.withdrawn += 1;
            return Ok(());
        };
        for p in &record.packages {
            let base = p.ecosystem.split(':').next().unwrap_or_default();
            match &self.ecosystem {
                None if !self.mixed => self.ecosystem = Some(base.to_owned()),
                Some(e) if e != base => {
                    self.ecosystem = None;
                    self.mixed = true;
                }
                _ => {}
            }
        }
        sink.record(record)
    }

    /// An ecosystem's zip is `osv/<ecosystem>` wherever it came from, so a new download
    /// replaces the old; a mix is named after its file.
    fn found(self, label: &str, fallback: &str) -> Found {
        let name = match self.ecosystem {
            Some(e) if !self.mixed => format!("osv/{e}"),
            _ => {
                let file = Path::new(label)
                    .file_name()
                    .map_or(fallback.to_owned(), |f| f.to_string_lossy().into_owned());
                format!("osv/{file}")
            }
        };
        Found {
            kind: Kind::Osv,
            name,
            withdrawn: self.withdrawn,
        }
    }
}

fn read_zip(file: std::fs::File, label: &str, sink: &mut dyn Sink) -> Result<Found, Error> {
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| Error::at(label, None, format!("is not a readable zip: {e}")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(Error::at(
            label,
            None,
            format!("holds more than {MAX_ENTRIES} entries"),
        ));
    }
    let mut osv = OsvSource::default();
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip
            .by_index(i)
            .map_err(|e| Error::at(label, None, format!("entry {i} cannot be read: {e}")))?;
        let name = entry
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| format!("entry {i}"));
        if entry.is_dir() || !name.ends_with(".json") {
            continue;
        }
        let text = capped_text(entry, MAX_RECORD, label, Some(&name))?;
        total = total.saturating_add(text.len() as u64);
        if total > MAX_ZIP_TOTAL {
            return Err(Error::at(
                label,
                None,
                format!(
                    "decompresses to more than {} MiB, the most Drydock reads",
                    MAX_ZIP_TOTAL >> 20
                ),
            ));
        }
        osv.record(&text, label, Some(&name), sink)?;
    }
    Ok(osv.found(label, "all.zip"))
}

fn walk(
    dir: &Path,
    label: &str,
    depth: usize,
    files: &mut usize,
    osv: &mut OsvSource,
    sink: &mut dyn Sink,
) -> Result<(), Error> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    let io = |source| Error::Read {
        path: dir.display().to_string(),
        source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .collect::<Result<_, _>>()
        .map_err(io)?;
    // Sorted, so the same directory imports the same way every time.
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        // Symbolic links are not followed: a loop, or a link out of the directory, is skipped.
        let kind = entry.file_type().map_err(io)?;
        if kind.is_dir() {
            walk(&path, label, depth + 1, files, osv, sink)?;
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "json") {
            *files += 1;
            if *files > MAX_ENTRIES {
                return Err(Error::at(
                    label,
                    None,
                    format!("holds more than {MAX_ENTRIES} files"),
                ));
            }
            let shown = path.display().to_string();
            let text = read_text(&path, &shown, MAX_RECORD)?;
            osv.record(&text, &shown, None, sink)?;
        }
    }
    Ok(())
}
