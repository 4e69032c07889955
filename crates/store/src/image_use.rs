//! When each image was last used. The engine keeps no such time, so Drydock records it from the
//! event stream (a container created or started from the image, a build or pull that tagged it)
//! and remembers how far it has read, for least-recently-used clean-up.

use crate::{Store, StoreError};
use rusqlite::params;
use std::collections::BTreeMap;

pub(crate) const TABLE: &str = "image_use";
pub(crate) const MIGRATIONS: &[&str] = &["CREATE TABLE image_use (
        image_id TEXT PRIMARY KEY,
        last_used INTEGER NOT NULL
    )"];

impl Store {
    /// Records a use of `image_id` at `at` (Unix seconds); an older time never replaces a newer.
    pub fn record_use(&self, image_id: &str, at: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO image_use (image_id, last_used) VALUES (?1, ?2)
             ON CONFLICT (image_id) DO UPDATE SET last_used = MAX(last_used, excluded.last_used)",
            params![image_id, at],
        )?;
        Ok(())
    }

    pub fn last_uses(&self) -> Result<BTreeMap<String, i64>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT image_id, last_used FROM image_use")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How far the event stream was read for `engine` (Unix seconds), if ever.
    pub fn events_read_until(&self, engine: &str) -> Result<Option<i64>, StoreError> {
        self.setting::<i64>(&format!("events-read-until:{engine}"))
    }

    pub fn set_events_read_until(&self, engine: &str, at: i64) -> Result<(), StoreError> {
        self.set_setting(&format!("events-read-until:{engine}"), &at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_use_wins() {
        let store = Store::in_memory().expect("store");
        store.record_use("sha256:a", 50).expect("50");
        store.record_use("sha256:a", 40).expect("40");
        store.record_use("sha256:b", 10).expect("10");
        let uses = store.last_uses().expect("uses");
        assert_eq!(uses.get("sha256:a"), Some(&50));
        assert_eq!(uses.get("sha256:b"), Some(&10));
        assert_eq!(store.events_read_until("e").expect("unread"), None);
        store.set_events_read_until("e", 99).expect("set");
        assert_eq!(store.events_read_until("e").expect("read"), Some(99));
    }
}
