//! Layer analyses by image id. An image id is the digest of the image's config, which names its
//! layers' digests: the same id is the same content, so a kept analysis never goes stale.

use crate::{Store, StoreError};
use drydock_layers::Analysis;
use rusqlite::{params, OptionalExtension};

pub(crate) const TABLE: &str = "layer_analyses";

pub(crate) const MIGRATIONS: &[&str] = &["CREATE TABLE layer_analyses (
        image_id TEXT PRIMARY KEY,
        analysis TEXT NOT NULL
    )"];

impl Store {
    /// The analysis kept for `image_id`. One Drydock can no longer read (its shape changed since
    /// it was kept) counts as none.
    pub fn layer_analysis(&self, image_id: &str) -> Result<Option<Analysis>, StoreError> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT analysis FROM layer_analyses WHERE image_id = ?1",
                params![image_id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    pub fn keep_layer_analysis(
        &self,
        image_id: &str,
        analysis: &Analysis,
    ) -> Result<(), StoreError> {
        let text = serde_json::to_string(analysis)?;
        self.conn.execute(
            "INSERT INTO layer_analyses (image_id, analysis) VALUES (?1, ?2)
             ON CONFLICT (image_id) DO UPDATE SET analysis = excluded.analysis",
            params![image_id, text],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use drydock_layers::{FileTree, LayerReport};

    fn analysis(hidden: u64) -> Analysis {
        Analysis {
            report: LayerReport {
                image: "app:1".into(),
                stored_bytes: 100,
                hidden_bytes: hidden,
                efficiency: 0.9802201106091416,
                layers: Vec::new(),
                wasted: Vec::new(),
            },
            tree: FileTree {
                entries: Vec::new(),
                truncated: false,
            },
        }
    }

    #[test]
    fn an_analysis_is_kept_by_image_id_and_survives_reopening() {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::open_in(dir.path()).expect("open");
        assert_eq!(store.layer_analysis("sha256:a").expect("read"), None);
        store
            .keep_layer_analysis("sha256:a", &analysis(50))
            .expect("keep");
        store
            .keep_layer_analysis("sha256:a", &analysis(60))
            .expect("replace");
        drop(store);
        let store = Store::open_in(dir.path()).expect("reopen");
        assert_eq!(
            store.layer_analysis("sha256:a").expect("read"),
            Some(analysis(60))
        );
        assert_eq!(store.layer_analysis("sha256:b").expect("read"), None);
    }

    #[test]
    fn an_analysis_of_an_older_shape_counts_as_none() {
        let store = Store::in_memory().expect("open");
        store
            .conn
            .execute(
                "INSERT INTO layer_analyses VALUES ('sha256:old', '{\"report\": 1}')",
                [],
            )
            .expect("insert");
        assert_eq!(store.layer_analysis("sha256:old").expect("read"), None);
    }
}
