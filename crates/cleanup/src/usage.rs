//! Image use, recorded from the engine's event log: the engine keeps no last-used time, so
//! least-recently-used clean-up needs Drydock to remember it.

use crate::error::CleanupError;
use crate::with_store;
use drydock_engine::{Engine, EngineError};
use drydock_store::Store;
use std::collections::HashMap;
use std::sync::Mutex;

/// How far back to read the first time: the engine only keeps its recent events anyway.
const FIRST_WINDOW: i64 = 7 * 86_400;

/// Reads the events since the last read (for this engine) up to `now`, records each image use,
/// and returns how many uses were recorded.
pub async fn record_uses(
    engine: &Engine,
    journal: &Mutex<Store>,
    now: i64,
) -> Result<usize, CleanupError> {
    // The engine holds an events read open until its `until`: never ask past the real clock,
    // whatever `now` the caller plans with.
    let now = now.min(crate::unix_now());
    let key = engine.endpoint().to_string();
    let since = with_store(journal, |s| s.events_read_until(&key))?
        .unwrap_or(now - FIRST_WINDOW)
        .min(now);
    // `until` is compared with nanosecond event times: a second past `now` takes in the events of
    // this very second (the engine holds the answer until then). The next read starts at `now`
    // again; recording a use twice changes nothing.
    let events = engine.events_between(since, now + 1).await?;
    // An event names the image as the user did (a tag, a short id): resolve each name once.
    let mut ids: HashMap<&str, Option<String>> = HashMap::new();
    let mut uses = Vec::new();
    for event in &events {
        let Some(name) = event.image_use() else {
            continue;
        };
        if !ids.contains_key(name) {
            let id = match engine.image_refs(name).await {
                Ok(refs) => Some(refs.id),
                Err(EngineError::ObjectNotFound { .. }) => None,
                Err(e) => return Err(e.into()),
            };
            ids.insert(name, id);
        }
        if let Some(Some(id)) = ids.get(name) {
            uses.push((id.clone(), event.time));
        }
    }
    with_store(journal, |s| {
        for (id, at) in &uses {
            s.record_use(id, *at)?;
        }
        s.set_events_read_until(&key, now)
    })?;
    Ok(uses.len())
}
