//! Settings the user changes in the app or the CLI (the persistent keep list, quarantine limits),
//! as JSON values by key.

use crate::{Store, StoreError};
use rusqlite::{params, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub(crate) const TABLE: &str = "settings";
pub(crate) const MIGRATIONS: &[&str] = &["CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )"];

impl Store {
    /// A setting's value; one Drydock can no longer read counts as unset.
    pub fn setting<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                params![key],
                |r| r.get(0),
            )
            .optional()?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    pub fn set_setting<T: Serialize + ?Sized>(
        &self,
        key: &str,
        value: &T,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, serde_json::to_string(value)?],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_unreadable_values_count_as_unset() {
        let store = Store::in_memory().expect("store");
        assert_eq!(store.setting::<Vec<String>>("keep").expect("unset"), None);
        store
            .set_setting("keep", &["postgres:*".to_owned()][..])
            .expect("set");
        assert_eq!(
            store.setting::<Vec<String>>("keep").expect("read"),
            Some(vec!["postgres:*".to_owned()])
        );
        store.set_setting("keep", &5).expect("other shape");
        assert_eq!(store.setting::<Vec<String>>("keep").expect("read"), None);
    }
}
