//! The last scan report of each image, so an image scanned once shows its findings after a
//! restart instead of "not scanned", and is matched again when the advisory database changes.
//! The store keeps the report as the scanner wrote it (JSON) and gives it back typed.

use crate::by_image::ByImage;
use crate::{Store, StoreError};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub(crate) const TABLE: &str = "scan_reports";

pub(crate) const MIGRATIONS: &[&str] = &["CREATE TABLE scan_reports (
        image_id TEXT PRIMARY KEY,
        report TEXT NOT NULL,
        scanned_at INTEGER NOT NULL
    )"];

const TABLE_OF: ByImage = ByImage {
    table: TABLE,
    document: "report",
    kept_at: "scanned_at",
};

impl Store {
    /// The last report kept for `image_id`. One this Drydock can no longer read (its shape
    /// changed since) counts as none: the image shows as not scanned.
    pub fn scan_report<T: DeserializeOwned>(
        &self,
        image_id: &str,
    ) -> Result<Option<T>, StoreError> {
        TABLE_OF.get(&self.conn, image_id)
    }

    /// Every report kept, oldest scan first; those that no longer read are left out.
    pub fn scan_reports<T: DeserializeOwned>(&self) -> Result<Vec<T>, StoreError> {
        TABLE_OF.all(&self.conn)
    }

    /// Keeps `report` as the last of `image_id` (scanned at `now`, Unix seconds), replacing any
    /// earlier one.
    pub fn keep_scan_report<T: Serialize>(
        &self,
        image_id: &str,
        report: &T,
        now: i64,
    ) -> Result<(), StoreError> {
        TABLE_OF.put(&self.conn, image_id, report, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_report_is_kept_by_image_id_and_survives_reopening() {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::open_in(dir.path()).expect("open");
        assert_eq!(
            store.scan_report::<Vec<String>>("sha256:a").expect("read"),
            None
        );
        let first = vec!["CVE-2023-0286".to_owned()];
        store.keep_scan_report("sha256:a", &first, 1).expect("keep");
        let second = vec!["CVE-2023-0286".to_owned(), "CVE-2023-0464".to_owned()];
        store
            .keep_scan_report("sha256:a", &second, 2)
            .expect("replace");
        drop(store);
        let store = Store::open_in(dir.path()).expect("reopen");
        assert_eq!(store.scan_report("sha256:a").expect("read"), Some(second));
        assert_eq!(
            store.scan_report::<Vec<String>>("sha256:b").expect("read"),
            None
        );
    }

    #[test]
    fn all_reports_come_back_oldest_scan_first() {
        let store = Store::in_memory().expect("store");
        assert!(store.scan_reports::<String>().expect("none").is_empty());
        store.keep_scan_report("sha256:b", &"b", 5).expect("keep");
        store.keep_scan_report("sha256:a", &"a", 7).expect("keep");
        store.keep_scan_report("sha256:c", &"c", 6).expect("keep");
        store
            .keep_scan_report("sha256:b", &"b2", 8)
            .expect("replace");
        assert_eq!(
            store.scan_reports::<String>().expect("all"),
            ["c", "a", "b2"]
        );
    }

    #[test]
    fn a_report_of_another_shape_counts_as_none() {
        let store = Store::in_memory().expect("store");
        store
            .keep_scan_report("sha256:a", &"text", 1)
            .expect("keep");
        store
            .keep_scan_report("sha256:b", &[1, 2], 2)
            .expect("keep");
        assert_eq!(
            store.scan_report::<Vec<u32>>("sha256:a").expect("read"),
            None
        );
        assert_eq!(store.scan_reports::<Vec<u32>>().expect("all"), [vec![1, 2]]);
    }
}
