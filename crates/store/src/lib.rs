//! Drydock's local store: one SQLite file (`drydock.sqlite3` in the data directory the caller
//! names). One module per table, each with its own forward-only migrations.

mod by_image;
mod data_dir;
mod df_samples;
mod image_use;
mod inventories;
mod journal;
mod layer_analyses;
mod lease;
mod migrate;
mod quarantine;
mod scan_reports;
mod seen_images;
mod settings;
mod tips;

pub use data_dir::{data_dir, data_dir_for, DataEnv, Os};
pub use df_samples::{bucket_of, DfHost, DfKind, DfSample, HOURLY_FOR, RAW_FOR};
pub use journal::{Entry, Run, Status};
pub use lease::RunLease;
pub use quarantine::Quarantined;
pub use seen_images::SeenRow;

use rusqlite::Connection;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the store {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error("cannot create the data directory {path}: {source}")]
    Dir {
        path: String,
        source: std::io::Error,
    },
    #[error("the store failed: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("cannot encode a stored value: {0}")]
    Encode(#[from] serde_json::Error),
}

/// A name made from an id that is safe as a file name anywhere (letters and digits kept, every
/// other character a dash), for the files the data directory keeps per object.
pub fn file_stem(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// The file name of the store in its data directory.
pub const FILE_NAME: &str = "drydock.sqlite3";

pub struct Store {
    conn: Connection,
    /// The data directory; `None` for a store in memory.
    dir: Option<std::path::PathBuf>,
}

impl Store {
    /// Opens (creating it if needed) the store in `dir`, and brings its tables up to date.
    pub fn open_in(dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Dir {
            path: dir.display().to_string(),
            source,
        })?;
        let path = dir.join(FILE_NAME);
        let conn = Connection::open(&path).map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source,
        })?;
        Store::with(conn, Some(dir.to_path_buf()))
    }

    /// Opens the store in `dir` only if it exists: commands that merely settle what an earlier
    /// run left must not create Drydock's data directory on a machine that never ran a cleanup.
    pub fn open_existing(dir: &Path) -> Result<Option<Store>, StoreError> {
        if dir.join(FILE_NAME).is_file() {
            Store::open_in(dir).map(Some)
        } else {
            Ok(None)
        }
    }

    /// A store that lives in memory only, for tests.
    pub fn in_memory() -> Result<Store, StoreError> {
        Store::with(Connection::open_in_memory()?, None)
    }

    fn with(conn: Connection, dir: Option<std::path::PathBuf>) -> Result<Store, StoreError> {
        // Another Drydock (the CLI, a second window) may hold the file for a moment.
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate::table(&conn, layer_analyses::TABLE, layer_analyses::MIGRATIONS)?;
        migrate::table(&conn, journal::RUNS, journal::RUN_MIGRATIONS)?;
        migrate::table(&conn, journal::ENTRIES, journal::ENTRY_MIGRATIONS)?;
        migrate::table(&conn, quarantine::TABLE, quarantine::MIGRATIONS)?;
        migrate::table(&conn, image_use::TABLE, image_use::MIGRATIONS)?;
        migrate::table(&conn, settings::TABLE, settings::MIGRATIONS)?;
        migrate::table(&conn, inventories::TABLE, inventories::MIGRATIONS)?;
        migrate::table(&conn, scan_reports::TABLE, scan_reports::MIGRATIONS)?;
        migrate::table(&conn, tips::FACTS, tips::FACT_MIGRATIONS)?;
        migrate::table(&conn, tips::REPORTS, tips::REPORT_MIGRATIONS)?;
        migrate::table(&conn, df_samples::TABLE, df_samples::MIGRATIONS)?;
        migrate::table(&conn, seen_images::TABLE, seen_images::MIGRATIONS)?;
        Ok(Store { conn, dir })
    }
}
