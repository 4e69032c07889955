//! Every image Drydock has seen, kept after the engine removes it, for the build history of each
//! repository. Docker forgets a removed image entirely; this table keeps its id, the tags it had
//! when last seen, every repository it was ever tagged under (so a build that went dangling when
//! its tag moved to the next build stays under its repository), its size and its layers.
//!
//! The history crate decides what goes in and how many removed images stay (it drops the oldest
//! beyond a bound per repository); this module only keeps rows.

use crate::{Store, StoreError};
use rusqlite::{params, OptionalExtension};
use std::collections::BTreeSet;

pub(crate) const TABLE: &str = "seen_images";
pub(crate) const MIGRATIONS: &[&str] = &[
    "CREATE TABLE seen_images (
        image_id TEXT PRIMARY KEY,
        tags TEXT NOT NULL,
        repositories TEXT NOT NULL,
        created INTEGER NOT NULL,
        size INTEGER NOT NULL,
        layers TEXT NOT NULL,
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        present INTEGER NOT NULL
    )",
    // The sub-second part of `created`, for builds made within one second; 0 for rows kept
    // before it was read (their images are not read again).
    "ALTER TABLE seen_images ADD COLUMN created_nanos INTEGER NOT NULL DEFAULT 0",
];

/// One image as kept. Lists are JSON in the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenRow {
    /// `sha256:...`
    pub id: String,
    /// The tags it had when last seen (empty when it was dangling then).
    pub tags: Vec<String>,
    /// Every repository it was tagged under while Drydock saw it, sorted.
    pub repositories: Vec<String>,
    /// Unix seconds the image says it was created.
    pub created: i64,
    /// Nanoseconds past `created`'s second; 0 when not known.
    pub created_nanos: u32,
    pub size: u64,
    /// Diff ids, lowest first.
    pub layers: Vec<String>,
    /// Unix seconds Drydock first and last saw it.
    pub first_seen: i64,
    pub last_seen: i64,
    /// On the engine when last recorded.
    pub present: bool,
}

impl Store {
    /// Records what is on the engine at `now` (Unix seconds), in one transaction: every row in
    /// `present` is upserted as present with `last_seen = now` (its first sighting kept, its
    /// repositories merged with those kept), and every kept image not in it is marked removed,
    /// keeping its last tags and last sighting. A row with no repositories that is not kept
    /// already is skipped: an image never tagged belongs to no repository's history.
    pub fn record_seen_images(&self, present: &[SeenRow], now: i64) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute("UPDATE seen_images SET present = 0 WHERE present = 1", [])?;
        {
            let mut kept =
                tx.prepare("SELECT repositories, first_seen FROM seen_images WHERE image_id = ?1")?;
            let mut put = tx.prepare(
                "INSERT INTO seen_images (image_id, tags, repositories, created, created_nanos,
                     size, layers, first_seen, last_seen, present)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1)
                 ON CONFLICT (image_id) DO UPDATE SET tags = excluded.tags,
                     repositories = excluded.repositories, created = excluded.created,
                     created_nanos = excluded.created_nanos, size = excluded.size, layers = excluded.layers,
                     last_seen = excluded.last_seen, present = 1",
            )?;
            for row in present {
                let before: Option<(String, i64)> = kept
                    .query_row(params![row.id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                let mut repositories: BTreeSet<String> = row.repositories.iter().cloned().collect();
                let first_seen = match &before {
                    Some((kept_repos, first)) => {
                        repositories.extend(list(kept_repos));
                        *first
                    }
                    None if repositories.is_empty() => continue,
                    None => now,
                };
                let repositories: Vec<String> = repositories.into_iter().collect();
                put.execute(params![
                    row.id,
                    serde_json::to_string(&row.tags)?,
                    serde_json::to_string(&repositories)?,
                    row.created,
                    row.created_nanos,
                    i64::try_from(row.size).unwrap_or(i64::MAX),
                    serde_json::to_string(&row.layers)?,
                    first_seen,
                    now,
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Every kept image, present or removed, in no particular order.
    pub fn seen_images(&self) -> Result<Vec<SeenRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT image_id, tags, repositories, created, created_nanos, size, layers,
                 first_seen, last_seen, present FROM seen_images",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(SeenRow {
                id: r.get(0)?,
                tags: list(&r.get::<_, String>(1)?),
                repositories: list(&r.get::<_, String>(2)?),
                created: r.get(3)?,
                created_nanos: r.get(4)?,
                size: u64::try_from(r.get::<_, i64>(5)?).unwrap_or(0),
                layers: list(&r.get::<_, String>(6)?),
                first_seen: r.get(7)?,
                last_seen: r.get(8)?,
                present: r.get::<_, i64>(9)? != 0,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Forgets the given images (the history crate's bound on removed builds).
    pub fn forget_seen_images(&self, ids: &[String]) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        {
            let mut stmt = tx.prepare("DELETE FROM seen_images WHERE image_id = ?1")?;
            for id in ids {
                stmt.execute(params![id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

/// A kept JSON list; one this Drydock cannot read counts as empty.
fn list(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, tags: &[&str], repos: &[&str]) -> SeenRow {
        SeenRow {
            id: id.into(),
            tags: tags.iter().map(|t| (*t).into()).collect(),
            repositories: repos.iter().map(|t| (*t).into()).collect(),
            created: 1,
            created_nanos: 0,
            size: 10,
            layers: vec!["sha256:l1".into()],
            first_seen: 0,
            last_seen: 0,
            present: true,
        }
    }

    #[test]
    fn upserts_marks_removed_and_merges_repositories() {
        let store = Store::in_memory().expect("store");
        let a = row("sha256:a", &["app:1"], &["app"]);
        let b = row("sha256:b", &["app:2"], &["app"]);
        store
            .record_seen_images(&[a.clone(), b], 100)
            .expect("first");
        // a goes dangling (its tag moved), b is removed, c was never tagged.
        let a_dangling = row("sha256:a", &[], &[]);
        let c = row("sha256:c", &[], &[]);
        store
            .record_seen_images(&[a_dangling, c], 200)
            .expect("second");
        let mut rows = store.seen_images().expect("rows");
        rows.sort_by(|x, y| x.id.cmp(&y.id));
        assert_eq!(
            rows.len(),
            2,
            "the never-tagged image is not kept: {rows:?}"
        );
        assert_eq!(rows[0].id, "sha256:a");
        assert!(rows[0].present);
        assert!(rows[0].tags.is_empty());
        assert_eq!(rows[0].repositories, vec!["app".to_owned()]);
        assert_eq!((rows[0].first_seen, rows[0].last_seen), (100, 200));
        assert_eq!(rows[1].id, "sha256:b");
        assert!(!rows[1].present);
        assert_eq!(rows[1].tags, vec!["app:2".to_owned()]);
        assert_eq!((rows[1].first_seen, rows[1].last_seen), (100, 100));
        store
            .forget_seen_images(&["sha256:b".into()])
            .expect("forget");
        assert_eq!(store.seen_images().expect("rows").len(), 1);
    }

    #[test]
    fn created_nanos_arrive_by_migration_with_old_rows_kept_as_unknown() {
        let conn = rusqlite::Connection::open_in_memory().expect("db");
        crate::migrate::table(&conn, TABLE, &MIGRATIONS[..1]).expect("the first schema");
        conn.execute(
            "INSERT INTO seen_images VALUES
                 ('sha256:old', '[\"app:1\"]', '[\"app\"]', 5, 10, '[]', 100, 100, 1)",
            [],
        )
        .expect("a row kept before the column");
        let store = Store::with(conn, None).expect("migrated");
        let rows = store.seen_images().expect("rows");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].id, "sha256:old");
        assert_eq!(rows[0].created, 5);
        assert_eq!(rows[0].created_nanos, 0);
        assert_eq!(rows[0].tags, vec!["app:1".to_owned()]);

        let mut new = row("sha256:new", &["app:2"], &["app"]);
        new.created_nanos = 999_999_999;
        store.record_seen_images(&[new], 200).expect("record");
        let mut rows = store.seen_images().expect("rows");
        rows.sort_by(|x, y| x.id.cmp(&y.id));
        assert_eq!(rows[0].id, "sha256:new");
        assert_eq!(rows[0].created_nanos, 999_999_999);
    }
}
