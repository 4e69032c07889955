//! Package inventories by image id, for the scanner. An image id names its content exactly, so an
//! inventory kept once stays true: a rescan after the advisory data changed is matching only.
//! The store keeps the inventory as the scanner wrote it (JSON) and gives it back typed.

use crate::by_image::ByImage;
use crate::{Store, StoreError};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub(crate) const TABLE: &str = "image_inventories";

pub(crate) const MIGRATIONS: &[&str] = &["CREATE TABLE image_inventories (
        image_id TEXT PRIMARY KEY,
        inventory TEXT NOT NULL,
        kept_at INTEGER NOT NULL
    )"];

const TABLE_OF: ByImage = ByImage {
    table: TABLE,
    document: "inventory",
    kept_at: "kept_at",
};

impl Store {
    /// The inventory kept for `image_id`. One this Drydock can no longer read (its shape changed
    /// since) counts as none: the image is read again.
    pub fn inventory<T: DeserializeOwned>(&self, image_id: &str) -> Result<Option<T>, StoreError> {
        TABLE_OF.get(&self.conn, image_id)
    }

    /// Keeps `inventory` for `image_id` (read at `now`, Unix seconds), replacing any earlier one.
    pub fn keep_inventory<T: Serialize>(
        &self,
        image_id: &str,
        inventory: &T,
        now: i64,
    ) -> Result<(), StoreError> {
        TABLE_OF.put(&self.conn, image_id, inventory, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inventory_is_kept_by_image_id_and_survives_reopening() {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::open_in(dir.path()).expect("open");
        assert_eq!(
            store.inventory::<Vec<String>>("sha256:a").expect("read"),
            None
        );
        let first = vec!["openssl 3.0.11".to_owned()];
        store.keep_inventory("sha256:a", &first, 1).expect("keep");
        let second = vec!["openssl 3.0.13".to_owned()];
        store
            .keep_inventory("sha256:a", &second, 2)
            .expect("replace");
        drop(store);
        let store = Store::open_in(dir.path()).expect("reopen");
        assert_eq!(store.inventory("sha256:a").expect("read"), Some(second));
        assert_eq!(
            store.inventory::<Vec<String>>("sha256:b").expect("read"),
            None
        );
    }

    #[test]
    fn an_inventory_of_another_shape_counts_as_none() {
        let store = Store::in_memory().expect("store");
        store.keep_inventory("sha256:a", &"text", 1).expect("keep");
        assert_eq!(store.inventory::<Vec<u32>>("sha256:a").expect("read"), None);
    }
}
