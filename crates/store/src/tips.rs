//! What the tips read of an image, by image id: the facts of its one export (the expensive part,
//! so a second look at the same id does not export again) and the last report made from them
//! (so the app lists tips of images already read without reading anything). An image id names
//! its content exactly, so the facts never go stale; the report's base-image tip may, as other
//! images come and go, and is made again whenever the image's tips are asked for.
//!
//! The store keeps both as the tips crate wrote them (JSON) and gives them back typed; one this
//! Drydock can no longer read counts as none.

use crate::by_image::ByImage;
use crate::{Store, StoreError};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub(crate) const FACTS: &str = "tip_facts";
pub(crate) const FACT_MIGRATIONS: &[&str] = &["CREATE TABLE tip_facts (
        image_id TEXT PRIMARY KEY,
        facts TEXT NOT NULL,
        kept_at INTEGER NOT NULL
    )"];

pub(crate) const REPORTS: &str = "tip_reports";
pub(crate) const REPORT_MIGRATIONS: &[&str] = &["CREATE TABLE tip_reports (
        image_id TEXT PRIMARY KEY,
        report TEXT NOT NULL,
        kept_at INTEGER NOT NULL
    )"];

const FACTS_OF: ByImage = ByImage {
    table: FACTS,
    document: "facts",
    kept_at: "kept_at",
};

const REPORTS_OF: ByImage = ByImage {
    table: REPORTS,
    document: "report",
    kept_at: "kept_at",
};

impl Store {
    /// The facts kept for `image_id`.
    pub fn tip_facts<T: DeserializeOwned>(&self, image_id: &str) -> Result<Option<T>, StoreError> {
        FACTS_OF.get(&self.conn, image_id)
    }

    /// Keeps `facts` for `image_id` (read at `now`, Unix seconds), replacing any earlier ones.
    pub fn keep_tip_facts<T: Serialize>(
        &self,
        image_id: &str,
        facts: &T,
        now: i64,
    ) -> Result<(), StoreError> {
        FACTS_OF.put(&self.conn, image_id, facts, now)
    }

    /// The last tips report kept for `image_id`.
    pub fn tips_report<T: DeserializeOwned>(
        &self,
        image_id: &str,
    ) -> Result<Option<T>, StoreError> {
        REPORTS_OF.get(&self.conn, image_id)
    }

    /// Keeps `report` for `image_id` (made at `now`, Unix seconds), replacing any earlier one.
    pub fn keep_tips_report<T: Serialize>(
        &self,
        image_id: &str,
        report: &T,
        now: i64,
    ) -> Result<(), StoreError> {
        REPORTS_OF.put(&self.conn, image_id, report, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_and_reports_are_kept_by_image_id_and_survive_reopening() {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::open_in(dir.path()).expect("open");
        assert_eq!(store.tip_facts::<Vec<u64>>("sha256:a").expect("read"), None);
        store
            .keep_tip_facts("sha256:a", &vec![1u64], 1)
            .expect("keep");
        store
            .keep_tip_facts("sha256:a", &vec![2u64], 2)
            .expect("replace");
        store
            .keep_tips_report("sha256:a", &"report", 2)
            .expect("keep");
        drop(store);
        let store = Store::open_in(dir.path()).expect("reopen");
        assert_eq!(store.tip_facts("sha256:a").expect("read"), Some(vec![2u64]));
        assert_eq!(
            store.tips_report::<String>("sha256:a").expect("read"),
            Some("report".to_owned())
        );
        assert_eq!(store.tips_report::<String>("sha256:b").expect("read"), None);
        assert_eq!(store.tip_facts::<Vec<u32>>("sha256:b").expect("read"), None);
    }

    #[test]
    fn a_store_written_before_the_tips_gains_their_tables() {
        let dir = tempfile::tempdir().expect("dir");
        {
            // An older Drydock's store: its tables, and no tip tables.
            let conn = rusqlite::Connection::open(dir.path().join(crate::FILE_NAME)).expect("db");
            crate::migrate::table(
                &conn,
                crate::inventories::TABLE,
                crate::inventories::MIGRATIONS,
            )
            .expect("old table");
        }
        let store = Store::open_in(dir.path()).expect("open the old store");
        store.keep_tip_facts("sha256:a", &1u8, 1).expect("keep");
        assert_eq!(store.tip_facts("sha256:a").expect("read"), Some(1u8));
    }

    #[test]
    fn facts_of_another_shape_count_as_none() {
        let store = Store::in_memory().expect("store");
        store.keep_tip_facts("sha256:a", &"text", 1).expect("keep");
        assert_eq!(store.tip_facts::<Vec<u32>>("sha256:a").expect("read"), None);
    }
}
