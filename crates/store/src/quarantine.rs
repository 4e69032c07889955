//! Quarantined images: saved (`docker save`) into the data directory before a prune removed them,
//! so `drydock restore` can bring them back with the same id and tags.

use crate::{Store, StoreError};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

pub(crate) const TABLE: &str = "quarantine";
pub(crate) const MIGRATIONS: &[&str] = &["CREATE TABLE quarantine (
        image_id TEXT PRIMARY KEY,
        tags TEXT NOT NULL,
        file TEXT NOT NULL,
        file_bytes INTEGER NOT NULL,
        saved_at INTEGER NOT NULL,
        plan_id TEXT NOT NULL
    )"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quarantined {
    pub image_id: String,
    /// Tags and digests the image had when it was removed.
    pub tags: Vec<String>,
    /// The saved archive, relative to the quarantine directory.
    pub file: String,
    pub file_bytes: u64,
    /// Unix seconds.
    pub saved_at: i64,
    pub plan_id: String,
}

impl Store {
    pub fn quarantine_add(&self, q: &Quarantined) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO quarantine (image_id, tags, file, file_bytes, saved_at, plan_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (image_id) DO UPDATE SET tags = excluded.tags, file = excluded.file,
               file_bytes = excluded.file_bytes, saved_at = excluded.saved_at,
               plan_id = excluded.plan_id",
            params![
                q.image_id,
                serde_json::to_string(&q.tags)?,
                q.file,
                i64::try_from(q.file_bytes).unwrap_or(i64::MAX),
                q.saved_at,
                q.plan_id
            ],
        )?;
        Ok(())
    }

    /// Everything quarantined, oldest first (the order eviction takes).
    pub fn quarantine_list(&self) -> Result<Vec<Quarantined>, StoreError> {
        self.read_quarantine("ORDER BY saved_at, rowid", params![])
    }

    /// The quarantined archive of image `image_id`, if it has one.
    pub fn quarantine_of(&self, image_id: &str) -> Result<Option<Quarantined>, StoreError> {
        Ok(self
            .read_quarantine("WHERE image_id = ?1", params![image_id])?
            .pop())
    }

    fn read_quarantine(
        &self,
        clause: &str,
        args: impl rusqlite::Params,
    ) -> Result<Vec<Quarantined>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT image_id, tags, file, file_bytes, saved_at, plan_id FROM quarantine {clause}"
        ))?;
        let rows = stmt.query_map(args, |r| {
            let tags: String = r.get(1)?;
            Ok(Quarantined {
                image_id: r.get(0)?,
                tags: serde_json::from_str(&tags).unwrap_or_default(),
                file: r.get(2)?,
                file_bytes: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
                saved_at: r.get(4)?,
                plan_id: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn quarantine_remove(&self, image_id: &str) -> Result<bool, StoreError> {
        let gone = self
            .conn
            .query_row(
                "DELETE FROM quarantine WHERE image_id = ?1 RETURNING 1",
                params![image_id],
                |r| r.get::<_, i64>(0),
            )
            .optional()?;
        Ok(gone.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(id: &str, saved_at: i64) -> Quarantined {
        Quarantined {
            image_id: id.into(),
            tags: vec!["app:1".into()],
            file: format!("{id}.tar"),
            file_bytes: 10,
            saved_at,
            plan_id: "p".into(),
        }
    }

    #[test]
    fn entries_list_oldest_first_and_go_once() {
        let store = Store::in_memory().expect("store");
        store.quarantine_add(&q("b", 20)).expect("b");
        store.quarantine_add(&q("a", 10)).expect("a");
        let ids: Vec<String> = store
            .quarantine_list()
            .expect("list")
            .into_iter()
            .map(|q| q.image_id)
            .collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(store.quarantine_list().expect("list")[1], q("b", 20));
        assert_eq!(store.quarantine_of("a").expect("of a"), Some(q("a", 10)));
        assert!(store.quarantine_remove("a").expect("remove"));
        assert_eq!(store.quarantine_of("a").expect("of a"), None);
        assert!(!store.quarantine_remove("a").expect("again"));
        assert_eq!(store.quarantine_list().expect("list").len(), 1);
    }
}
