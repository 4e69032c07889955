//! Tables of JSON documents kept by image id (package inventories, scan reports). An image id
//! names its content exactly, so what was worked out for it once stays true; a document this
//! Drydock can no longer read (its shape changed since) counts as none.

use crate::StoreError;
use rusqlite::{params, Connection, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// One such table: its name, the document's column and the column of the time it was kept.
/// Names are this crate's constants, never input.
pub(crate) struct ByImage {
    pub table: &'static str,
    pub document: &'static str,
    pub kept_at: &'static str,
}

impl ByImage {
    pub fn get<T: DeserializeOwned>(
        &self,
        conn: &Connection,
        image_id: &str,
    ) -> Result<Option<T>, StoreError> {
        let sql = format!(
            "SELECT {} FROM {} WHERE image_id = ?1",
            self.document, self.table
        );
        let text: Option<String> = conn
            .query_row(&sql, params![image_id], |r| r.get(0))
            .optional()?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    /// Every document, oldest first.
    pub fn all<T: DeserializeOwned>(&self, conn: &Connection) -> Result<Vec<T>, StoreError> {
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {}, image_id",
            self.document, self.table, self.kept_at
        );
        let mut query = conn.prepare(&sql)?;
        let texts = query
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(texts
            .iter()
            .filter_map(|t| serde_json::from_str(t).ok())
            .collect())
    }

    /// Keeps `document` for `image_id` (at `now`, Unix seconds), replacing any earlier one.
    pub fn put<T: Serialize>(
        &self,
        conn: &Connection,
        image_id: &str,
        document: &T,
        now: i64,
    ) -> Result<(), StoreError> {
        let text = serde_json::to_string(document)?;
        let (table, doc, at) = (self.table, self.document, self.kept_at);
        let sql = format!(
            "INSERT INTO {table} (image_id, {doc}, {at}) VALUES (?1, ?2, ?3)
             ON CONFLICT (image_id) DO UPDATE SET {doc} = excluded.{doc}, {at} = excluded.{at}"
        );
        conn.execute(&sql, params![image_id, text, now])?;
        Ok(())
    }
}
