//! Settling removals whose outcome is not known. A removal is journaled as an intent before the
//! engine is asked; when no clear answer comes back (the answer was lost, the engine or Drydock
//! died, the engine refused half way through an image's tags) the intent stays pending and the
//! engine as it is now decides what happened: the object is gone (removed), an image lost some of
//! the tags the intent names (untagged), or nothing changed (not done). Never assumed.

use crate::error::CleanupError;
use crate::quarantine;
use crate::with_store;
use drydock_engine::{Engine, EngineError};
use drydock_prune::Kind;
use drydock_store::{Entry, Store};
use serde::Serialize;
use std::sync::Mutex;

/// What the engine holds of one journaled object now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Found {
    Gone,
    /// Still there; for an image, with its references.
    Present(Vec<String>),
}

/// What became of one intent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Settlement {
    Removed,
    /// The image stayed, without these references.
    Untagged(Vec<String>),
    NotDone,
}

/// Decides an intent from what the engine holds now (pure).
pub(crate) fn decide(entry: &Entry, found: &Found) -> Settlement {
    match found {
        Found::Gone => Settlement::Removed,
        Found::Present(refs) => {
            let went: Vec<String> = entry
                .tags
                .iter()
                .filter(|t| !refs.contains(t))
                .cloned()
                .collect();
            if went.is_empty() {
                Settlement::NotDone
            } else {
                Settlement::Untagged(went)
            }
        }
    }
}

/// Asks the engine about the object `entry` names.
pub(crate) async fn look(engine: &Engine, entry: &Entry) -> Result<Found, EngineError> {
    let id = entry.object_id.as_str();
    let present = |there: bool| {
        if there {
            Found::Present(Vec::new())
        } else {
            Found::Gone
        }
    };
    match Kind::from_name(&entry.kind) {
        Some(Kind::Image) => match engine.image_refs(id).await {
            Ok(refs) if refs.id == id => Ok(Found::Present(refs.references())),
            // The full id resolved to another image: the journaled one is not there.
            Ok(_) | Err(EngineError::ObjectNotFound { .. }) => Ok(Found::Gone),
            Err(e) => Err(e),
        },
        Some(Kind::Container) => engine.container_exists(id).await.map(present),
        Some(Kind::Volume) => engine.volume_exists(id).await.map(present),
        Some(Kind::Network) => engine.network_exists(id).await.map(present),
        Some(Kind::BuildCache) => {
            let df = engine.disk_usage().await?;
            Ok(present(df.build_cache.iter().any(|r| r.id == id)))
        }
        // A kind this Drydock does not know (a newer one wrote it): leave it to that one.
        None => Err(EngineError::Unsupported {
            what: format!("settling a journal entry of kind {:?}", entry.kind),
            fix: "settle it with the Drydock version that wrote it".to_owned(),
        }),
    }
}

/// Records `settlement` for intent `key`. A quarantine archive goes only when the image is known
/// to be there with every reference it had; after an untagging it is kept with the references
/// that went, which is what a restore puts back.
pub(crate) fn record(
    store: &Store,
    key: i64,
    entry: &Entry,
    settlement: &Settlement,
    at: i64,
) -> Result<(), drydock_store::StoreError> {
    match settlement {
        Settlement::Removed => store.journal_confirm(key, at),
        Settlement::Untagged(went) => {
            store.journal_untagged(key, went, at)?;
            if entry.quarantined {
                quarantine::keep_only(store, &entry.object_id, went)?;
            }
            Ok(())
        }
        Settlement::NotDone => {
            store.journal_abandon(key)?;
            if entry.quarantined {
                quarantine::forget_image(store, &entry.object_id)?;
            }
            Ok(())
        }
    }
}

/// Looks at the engine and records what it says of intent `key`. An engine that cannot be
/// asked, or a journal that cannot be written, leaves the intent pending.
pub(crate) async fn settle_one(
    engine: &Engine,
    journal: &Mutex<Store>,
    key: i64,
    entry: &Entry,
) -> Result<Settlement, CleanupError> {
    let found = look(engine, entry).await?;
    let settlement = decide(entry, &found);
    with_store(journal, |s| {
        record(s, key, entry, &settlement, crate::unix_now())
    })?;
    Ok(settlement)
}

/// What settling found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Settled {
    pub removed: usize,
    pub untagged: usize,
    pub not_done: usize,
    /// Still not known: the engine could not be asked.
    pub unsettled: usize,
    /// Why the engine could not be asked, when it could not.
    pub engine_error: Option<String>,
}

impl Settled {
    pub fn settled_any(&self) -> bool {
        self.removed + self.untagged + self.not_done > 0
    }
}

/// Settles every intent that no running Drydock owns, and closes runs whose Drydock stopped
/// before finishing them. Cheap when there is nothing to settle: one query, no engine call.
pub async fn settle(engine: &Engine, journal: &Mutex<Store>) -> Result<Settled, CleanupError> {
    let pending: Vec<(i64, Entry)> = with_store(journal, |s| {
        Ok(s.journal_pending()?
            .into_iter()
            .filter(|(_, e)| !s.run_is_live(&e.plan_id))
            .collect())
    })?;
    let mut settled = Settled::default();
    for (key, entry) in &pending {
        if settled.engine_error.is_some() {
            settled.unsettled += 1;
            continue;
        }
        match settle_one(engine, journal, *key, entry).await {
            Ok(Settlement::Removed) => settled.removed += 1,
            Ok(Settlement::Untagged(_)) => settled.untagged += 1,
            Ok(Settlement::NotDone) => settled.not_done += 1,
            Err(CleanupError::Engine(e)) => {
                settled.unsettled += 1;
                settled.engine_error = Some(e.to_string());
            }
            Err(e) => return Err(e),
        }
    }
    let now = crate::unix_now();
    with_store(journal, |s| {
        for plan_id in s.unfinished_runs()? {
            if !s.run_is_live(&plan_id) {
                s.mark_interrupted(&plan_id, now)?;
            }
        }
        Ok(())
    })?;
    Ok(settled)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intent(tags: &[&str]) -> Entry {
        Entry {
            plan_id: "p".into(),
            at: 1,
            kind: "image".into(),
            object_id: "sha256:a".into(),
            name: "app:1".into(),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            bytes: 10,
            reason: "dangling image".into(),
            quarantined: false,
            status: drydock_store::Status::Unsettled,
        }
    }

    #[test]
    fn an_intent_is_settled_tag_by_tag() {
        let e = intent(&["app:1", "app:latest", "app@sha256:b"]);
        assert_eq!(decide(&e, &Found::Gone), Settlement::Removed);
        let all: Vec<String> = e.tags.clone();
        assert_eq!(decide(&e, &Found::Present(all)), Settlement::NotDone);
        assert_eq!(
            decide(&e, &Found::Present(vec!["app@sha256:b".into()])),
            Settlement::Untagged(vec!["app:1".into(), "app:latest".into()])
        );
        // A reference the intent never named (added elsewhere) does not make it undone.
        assert_eq!(
            decide(
                &e,
                &Found::Present(vec![
                    "app:1".into(),
                    "app:latest".into(),
                    "app@sha256:b".into(),
                    "other:1".into()
                ])
            ),
            Settlement::NotDone
        );
        // An untagged image, still there: nothing happened.
        assert_eq!(
            decide(&intent(&[]), &Found::Present(vec![])),
            Settlement::NotDone
        );
    }
}
