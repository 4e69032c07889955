//! The advisory store: what is known to be vulnerable, offline. Importers read OSV (a JSON file,
//! a directory, an ecosystem's `all.zip`), the Debian Security Tracker's JSON and Alpine's secdb
//! into a SQLite file of its own in the data directory; an update builds a new file and replaces
//! the old one atomically, so a failed update leaves the old one working.
//!
//! Lookups ([`Store::for_package`]) give plain data; comparing versions is `drydock-versions`'
//! job, done by the matcher.

mod alpine;
pub mod cvss;
mod debian;
pub mod fetch;
mod model;
mod osv;
mod read;
mod store;

pub use model::{
    normalise_name, Advisory, Affected, DistroState, DistroStatus, Event, Severity, SUMMARY_CAP,
};
pub use read::{Kind, MAX_JSON_FILE, MAX_RECORD, MAX_ZIP_TOTAL};
pub use store::{
    import, ImportReport, Imported, Input, Progress, SourceStatus, Status, Store, FILE_NAME,
    STALE_AFTER_SECS,
};

/// What can go wrong reading, importing or fetching advisories. Messages name the file (or
/// URL) and, inside it, the entry.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    /// The content of an input is wrong: `path` names the input, `entry` the record in it.
    #[error("{path}{}: {message}", entry.as_ref().map(|e| format!(": {e}")).unwrap_or_default())]
    Content {
        path: String,
        entry: Option<String>,
        message: String,
    },
    #[error("the advisory store {path} failed: {source}")]
    Sql {
        path: String,
        source: rusqlite::Error,
    },
    #[error("the advisory store {path} is damaged: {what}\n  fix: import the advisories again (drydock db update, or drydock db import PATH...)")]
    Damaged { path: String, what: String },
    #[error("the advisory store {path} has schema version {found}, this drydock reads {expected}\n  fix: import the advisories again (drydock db update, or drydock db import PATH...)")]
    Schema {
        path: String,
        found: i64,
        expected: i64,
    },
    #[error("cannot replace the advisory store {path}: {source}")]
    Replace {
        path: String,
        source: std::io::Error,
    },
    #[error("another import is replacing the advisory store {path}\n  fix: wait for it to finish, then run this again")]
    Busy { path: String },
    /// Downloads that failed, each `URL: why`.
    #[error("cannot fetch {}", failures.join("; "))]
    Fetch { failures: Vec<String> },
}

impl Error {
    pub(crate) fn at(path: &str, entry: Option<&str>, message: String) -> Error {
        Error::Content {
            path: path.to_owned(),
            entry: entry.map(str::to_owned),
            message,
        }
    }
}
