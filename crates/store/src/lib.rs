//! Drydock's local store: one SQLite file (`drydock.sqlite3` in the data directory the caller
//! names). One module per table, each with its own forward-only migrations.

mod layer_analyses;
mod migrate;

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

/// The file name of the store in its data directory.
pub const FILE_NAME: &str = "drydock.sqlite3";

pub struct Store {
    conn: Connection,
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
        Store::with(conn)
    }

    /// A store that lives in memory only, for tests.
    pub fn in_memory() -> Result<Store, StoreError> {
        Store::with(Connection::open_in_memory()?)
    }

    fn with(conn: Connection) -> Result<Store, StoreError> {
        // Another Drydock (the CLI, a second window) may hold the file for a moment.
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate::table(&conn, layer_analyses::TABLE, layer_analyses::MIGRATIONS)?;
        Ok(Store { conn })
    }
}
