//! Quarantine: images saved into Drydock's data directory before a prune removes them, restored
//! on request with the same image id and tags. Bounded by a size limit and an age, oldest first.

use crate::error::CleanupError;
use crate::with_store;
use drydock_engine::{Engine, EngineError};
use drydock_store::{Quarantined, Store, StoreError};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const SETTINGS_KEY: &str = "quarantine";
const DEFAULT_MAX_BYTES: u64 = 10 * 1000 * 1000 * 1000;
const DEFAULT_MAX_DAYS: u32 = 14;
const DAY: i64 = 86_400;

/// Where quarantined images go and how much of them is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarantinePolicy {
    pub dir: PathBuf,
    /// The archives together never exceed this; the oldest go first to make room.
    pub max_bytes: u64,
    /// Archives older than this are deleted.
    pub max_days: u32,
}

#[derive(Serialize, Deserialize)]
struct Limits {
    max_bytes: u64,
    max_days: u32,
}

impl QuarantinePolicy {
    /// The policy for `data_dir`, with the limits saved in settings (10 GB, 14 days by default).
    pub fn load(store: &Store, data_dir: &Path) -> Result<QuarantinePolicy, CleanupError> {
        let limits = store.setting::<Limits>(SETTINGS_KEY)?.unwrap_or(Limits {
            max_bytes: DEFAULT_MAX_BYTES,
            max_days: DEFAULT_MAX_DAYS,
        });
        Ok(QuarantinePolicy {
            dir: data_dir.join("quarantine"),
            max_bytes: limits.max_bytes,
            max_days: limits.max_days,
        })
    }

    pub fn save_limits(&self, store: &Store) -> Result<(), CleanupError> {
        let limits = Limits {
            max_bytes: self.max_bytes,
            max_days: self.max_days,
        };
        Ok(store.set_setting(SETTINGS_KEY, &limits)?)
    }

    fn expires(&self, saved_at: i64) -> i64 {
        saved_at.saturating_add(i64::from(self.max_days) * DAY)
    }
}

/// A quarantined image as the CLI and the app list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QuarantineEntry {
    pub image_id: String,
    pub tags: Vec<String>,
    pub file_bytes: u64,
    pub saved_at: i64,
    pub expires_at: i64,
    pub plan_id: String,
}

impl QuarantineEntry {
    /// Every quarantined image, oldest first, after deleting the expired ones.
    pub fn list(
        journal: &Mutex<Store>,
        policy: &QuarantinePolicy,
        now: i64,
    ) -> Result<Vec<QuarantineEntry>, CleanupError> {
        with_store(journal, |s| {
            evict_expired(s, policy, now)?;
            s.quarantine_list()
        })
        .map(|list| {
            list.into_iter()
                .map(|q| QuarantineEntry {
                    expires_at: policy.expires(q.saved_at),
                    image_id: q.image_id,
                    tags: q.tags,
                    file_bytes: q.file_bytes,
                    saved_at: q.saved_at,
                    plan_id: q.plan_id,
                })
                .collect()
        })
    }
}

fn file_name(image_id: &str) -> String {
    format!("{}.tar", drydock_store::file_stem(image_id))
}

/// Deletes an entry's archive and its record.
pub(crate) fn forget(store: &Store, entry: &Quarantined) -> Result<(), StoreError> {
    let _ = std::fs::remove_file(&entry.file);
    store.quarantine_remove(&entry.image_id)?;
    Ok(())
}

/// Deletes image `image_id`'s archive and record, if it has one: the image is known to be on
/// the engine with every reference it had, so the archive holds nothing the engine lacks.
pub(crate) fn forget_image(store: &Store, image_id: &str) -> Result<(), StoreError> {
    if let Some(entry) = store.quarantine_of(image_id)? {
        forget(store, &entry)?;
    }
    Ok(())
}

/// The image stayed but lost `went`: its archive is kept for those references only, which a
/// restore puts back.
pub(crate) fn keep_only(store: &Store, image_id: &str, went: &[String]) -> Result<(), StoreError> {
    if let Some(mut entry) = store.quarantine_of(image_id)? {
        entry.tags = went.to_vec();
        store.quarantine_add(&entry)?;
    }
    Ok(())
}

pub(crate) fn evict_expired(
    store: &Store,
    policy: &QuarantinePolicy,
    now: i64,
) -> Result<(), StoreError> {
    for entry in store.quarantine_list()? {
        if policy.expires(entry.saved_at) <= now {
            forget(store, &entry)?;
        }
    }
    Ok(())
}

/// Saves image `id` into quarantine, making room by deleting the oldest archives. Refuses an
/// image whose archive alone is over the limit (the caller then keeps the image).
pub(crate) async fn save(
    engine: &Engine,
    journal: &Mutex<Store>,
    policy: &QuarantinePolicy,
    id: &str,
    tags: &[String],
    plan_id: &str,
) -> Result<Quarantined, CleanupError> {
    std::fs::create_dir_all(&policy.dir).map_err(|e| CleanupError::Archive {
        path: policy.dir.display().to_string(),
        detail: e.to_string(),
    })?;
    let file = policy.dir.join(file_name(id));
    let partial = file.with_extension("partial");
    let bytes = engine.save_image(id, &partial).await?;
    if bytes > policy.max_bytes {
        let _ = std::fs::remove_file(&partial);
        return Err(CleanupError::Invalid(format!(
            "its archive ({bytes} bytes) is larger than the quarantine limit ({} bytes)",
            policy.max_bytes
        )));
    }
    std::fs::rename(&partial, &file).map_err(|e| CleanupError::Archive {
        path: file.display().to_string(),
        detail: e.to_string(),
    })?;
    let entry = Quarantined {
        image_id: id.to_owned(),
        tags: tags.to_vec(),
        file: file.display().to_string(),
        file_bytes: bytes,
        saved_at: crate::unix_now(),
        plan_id: plan_id.to_owned(),
    };
    with_store(journal, |s| {
        let list = s.quarantine_list()?;
        let mut held: u64 = list
            .iter()
            .filter(|q| q.image_id != id)
            .map(|q| q.file_bytes)
            .sum();
        for old in list {
            if held + bytes <= policy.max_bytes {
                break;
            }
            if old.image_id != id {
                held -= old.file_bytes;
                forget(s, &old)?;
            }
        }
        s.quarantine_add(&entry)
    })?;
    Ok(entry)
}

/// What a restore brought back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Restored {
    pub image_id: String,
    pub tags: Vec<String>,
    /// References not restored, with why (a tag that now names another image stays on it).
    pub not_restored: Vec<(String, String)>,
}

/// Restores the quarantined image whose id starts with `prefix` (with or without `sha256:`):
/// loads the archive, checks the id is the same, puts back each tag that names no other image,
/// and deletes the archive.
pub async fn restore(
    engine: &Engine,
    journal: &Mutex<Store>,
    prefix: &str,
) -> Result<Restored, CleanupError> {
    let want = prefix.trim().trim_start_matches("sha256:");
    let all = with_store(journal, Store::quarantine_list)?;
    let matches: Vec<&Quarantined> = all
        .iter()
        .filter(|q| !want.is_empty() && q.image_id.trim_start_matches("sha256:").starts_with(want))
        .collect();
    let entry = match matches.as_slice() {
        [one] => *one,
        [] => return Err(CleanupError::NotQuarantined(prefix.to_owned())),
        many => {
            let ids: Vec<&str> = many.iter().map(|q| q.image_id.as_str()).collect();
            return Err(CleanupError::Ambiguous(prefix.to_owned(), ids.join(", ")));
        }
    };
    let present = match engine.image_refs(&entry.image_id).await {
        Ok(refs) => refs.id == entry.image_id,
        Err(EngineError::ObjectNotFound { .. }) => false,
        Err(e) => return Err(e.into()),
    };
    if !present {
        let path = Path::new(&entry.file);
        if !path.is_file() {
            return Err(CleanupError::Archive {
                path: entry.file.clone(),
                detail: "no such file".into(),
            });
        }
        engine.load_image(path).await?;
        let loaded = engine.image_refs(&entry.image_id).await.map_err(|e| {
            CleanupError::Invalid(format!(
                "the archive {} loaded, but image {} is not there ({e})",
                entry.file, entry.image_id
            ))
        })?;
        if loaded.id != entry.image_id {
            return Err(CleanupError::Invalid(format!(
                "the archive {} loaded as {} instead of {}",
                entry.file, loaded.id, entry.image_id
            )));
        }
    }
    let mut tags = Vec::new();
    let mut not_restored = Vec::new();
    for reference in &entry.tags {
        if reference.contains('@') {
            not_restored.push((
                reference.clone(),
                "a digest reference comes back with the next pull of that digest".to_owned(),
            ));
            continue;
        }
        match engine.image_refs(reference).await {
            Ok(other) if other.id == entry.image_id => tags.push(reference.clone()),
            Ok(other) => not_restored.push((
                reference.clone(),
                format!("now names image {}; left as it is", other.id),
            )),
            Err(EngineError::ObjectNotFound { .. }) => {
                engine.tag_image(&entry.image_id, reference).await?;
                tags.push(reference.clone());
            }
            Err(e) => return Err(e.into()),
        }
    }
    with_store(journal, |s| forget(s, entry))?;
    Ok(Restored {
        image_id: entry.image_id.clone(),
        tags,
        not_restored,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_names_are_plain() {
        assert_eq!(file_name("sha256:ab/../c"), "sha256-ab----c.tar");
    }

    #[test]
    fn expired_archives_go_and_fresh_ones_stay() {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::in_memory().expect("store");
        let policy = QuarantinePolicy::load(&store, dir.path()).expect("policy");
        assert_eq!(policy.max_days, DEFAULT_MAX_DAYS);
        std::fs::create_dir_all(&policy.dir).expect("dir");
        for (id, at) in [("old", 0), ("new", 20 * DAY)] {
            let file = policy.dir.join(file_name(id));
            std::fs::write(&file, b"x").expect("archive");
            store
                .quarantine_add(&Quarantined {
                    image_id: id.into(),
                    tags: vec![],
                    file: file.display().to_string(),
                    file_bytes: 1,
                    saved_at: at,
                    plan_id: "p".into(),
                })
                .expect("add");
        }
        let journal = Mutex::new(store);
        let left = QuarantineEntry::list(&journal, &policy, 21 * DAY).expect("list");
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].image_id, "new");
        assert_eq!(left[0].expires_at, 34 * DAY);
        assert!(!policy.dir.join(file_name("old")).exists());
        assert!(policy.dir.join(file_name("new")).exists());
    }
}
