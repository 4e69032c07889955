//! Running a plan: check it again against the engine as it is now, remove item by item without
//! force, journal each removal as it succeeds, and measure what the engine's disk use really
//! dropped by.

use crate::error::CleanupError;
use crate::quarantine::{self, QuarantinePolicy};
use crate::state::engine_state;
use crate::with_store;
use drydock_engine::{Engine, EngineError};
use drydock_inventory::{docker_bytes, DiskUsage};
use drydock_prune::{plan, EngineState, Item, Kind, Plan, Request};
use drydock_store::{Entry, Run, Store};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// A plan as the user saw it, with what is needed to check it again before it runs.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub plan_id: String,
    /// The `now` the plan was made with; checking again uses the same, so ages do not shift.
    pub planned_at: i64,
    /// Who asked: `prune`, `one-click`, `gc`.
    pub why: String,
    pub request: Request,
    pub plan: Plan,
}

/// Plans `request` against the engine as it is now.
pub async fn prepare(
    engine: &Engine,
    request: Request,
    why: &str,
    now: i64,
) -> Result<Prepared, CleanupError> {
    let state = engine_state(engine).await?;
    let plan = plan(&state, &request, now).map_err(|e| CleanupError::Changed(e.0))?;
    Ok(Prepared {
        plan_id: crate::new_plan_id(now),
        planned_at: now,
        why: why.to_owned(),
        request,
        plan,
    })
}

#[derive(Default)]
pub struct Options<'a> {
    /// Save images before removing them; `None` removes without saving.
    pub quarantine: Option<&'a QuarantinePolicy>,
    /// Set by another task to stop before the next item.
    pub cancel: Option<&'a AtomicBool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Step {
    Checking,
    Saving,
    Removing,
    Removed,
    Skipped,
    Measuring,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Items finished (removed or skipped) so far, of `total`.
    pub done: usize,
    pub total: usize,
    pub step: Step,
    /// The item this step is about, if any.
    pub item: Option<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub kind: Kind,
    pub id: String,
    pub name: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub plan_id: String,
    pub plan: Vec<Item>,
    pub predicted_reclaim: u64,
    pub removed: Vec<Item>,
    pub skipped: Vec<Skipped>,
    /// The drop in the engine's disk use, df before and after; `None` if the engine could not
    /// be asked afterwards.
    pub actual_reclaim: Option<u64>,
    /// Image ids saved to quarantine before removal.
    pub quarantined: Vec<String>,
    /// Why the run ended before its last item, if it did. Items not reached are in `skipped`.
    pub stopped: Option<String>,
}

/// The engine's disk use in the terms plans count (df's, kind by kind).
fn footprint(df: &DiskUsage) -> u64 {
    u64::try_from(docker_bytes(df)).unwrap_or(0)
}

/// Runs `prepared`. Items that changed since planning are skipped with the reason; the engine's
/// own refusals (in use, running) are skipped too; an engine that goes away ends the run, and
/// the journal then holds exactly what was removed.
pub async fn execute(
    engine: &Engine,
    journal: &Mutex<Store>,
    prepared: &Prepared,
    opts: &Options<'_>,
    mut progress: impl FnMut(&Progress),
) -> Result<Outcome, CleanupError> {
    let total = prepared.plan.items.len();
    let mut report = |done: usize, step: Step, item: Option<&Item>| {
        progress(&Progress {
            done,
            total,
            step,
            item: item.cloned(),
        });
    };
    report(0, Step::Checking, None);
    let state = engine_state(engine).await?;
    settle_interrupted(journal, &state)?;
    let before = footprint(&state.df);
    let (go, mut skipped) = recheck(&state, prepared)?;

    let started = crate::unix_now();
    let mut run = Run {
        plan_id: prepared.plan_id.clone(),
        started,
        finished: None,
        why: prepared.why.clone(),
        predicted: prepared.plan.predicted_reclaim,
        actual: None,
        removed: 0,
        skipped: 0,
        stopped: None,
    };
    with_store(journal, |s| s.start_run(&run))?;
    if let Some(policy) = opts.quarantine {
        with_store(journal, |s| quarantine::evict_expired(s, policy, started))?;
    }

    let mut removed = Vec::new();
    let mut quarantined = Vec::new();
    let mut stopped = None;
    let mut done = skipped.len();
    // Build-cache records that others build on go once those have gone: the engine keeps them
    // on one pass ("not yet"), so passes repeat while any item settles.
    let mut pending = go;
    loop {
        let mut retry: Vec<&Item> = Vec::new();
        let mut settled_any = false;
        let mut queue = pending.into_iter();
        for item in queue.by_ref() {
            if opts.cancel.is_some_and(|c| c.load(Ordering::SeqCst)) {
                stopped = Some("cancelled".to_owned());
                skipped.push(skip(item, "not reached: the run was cancelled"));
                break;
            }
            let attempt =
                remove_one(engine, journal, prepared, item, opts, &mut report, done).await;
            let step = match attempt {
                Ok(Removal::Done { saved }) => {
                    if saved {
                        quarantined.push(item.id.clone());
                    }
                    removed.push(item.clone());
                    Step::Removed
                }
                Ok(Removal::NotYet) => {
                    retry.push(item);
                    continue;
                }
                Ok(Removal::Refused(reason)) => {
                    skipped.push(skip(item, &reason));
                    Step::Skipped
                }
                Err(Stop(reason)) => {
                    skipped.push(skip(item, &format!("not removed: {reason}")));
                    stopped = Some(reason);
                    break;
                }
            };
            settled_any = true;
            done += 1;
            report(done, step, Some(item));
        }
        if stopped.is_some() {
            for item in queue.chain(retry) {
                skipped.push(skip(item, "not reached: the run stopped before it"));
            }
            break;
        }
        if retry.is_empty() || !settled_any {
            for item in retry {
                skipped.push(skip(
                    item,
                    "the engine kept it: other build cache still builds on it",
                ));
            }
            break;
        }
        pending = retry;
    }

    report(done, Step::Measuring, None);
    let actual = match stopped {
        // The engine is gone: there is nothing to measure with.
        Some(_) => None,
        None => engine
            .disk_usage()
            .await
            .ok()
            .map(|after| before.saturating_sub(footprint(&after))),
    };
    run.finished = Some(crate::unix_now());
    run.actual = actual;
    run.removed = removed.len() as u64;
    run.skipped = skipped.len() as u64;
    run.stopped.clone_from(&stopped);
    with_store(journal, |s| s.finish_run(&run))?;
    Ok(Outcome {
        plan_id: prepared.plan_id.clone(),
        plan: prepared.plan.items.clone(),
        predicted_reclaim: prepared.plan.predicted_reclaim,
        removed,
        skipped,
        actual_reclaim: actual,
        quarantined,
        stopped,
    })
}

/// Splits the prepared items into those still planned on the engine as it is now and those
/// skipped, each with why. Items the fresh plan adds are not run: nobody saw them.
fn recheck<'p>(
    state: &EngineState,
    prepared: &'p Prepared,
) -> Result<(Vec<&'p Item>, Vec<Skipped>), CleanupError> {
    let fresh = plan(state, &prepared.request, prepared.planned_at)
        .map_err(|e| CleanupError::Changed(e.0))?;
    let still: HashMap<(Kind, &str), &Item> = fresh
        .items
        .iter()
        .map(|i| ((i.kind, i.id.as_str()), i))
        .collect();
    let kept: HashMap<&str, &str> = fresh
        .kept
        .iter()
        .map(|(id, why)| (id.as_str(), why.as_str()))
        .collect();
    let mut go = Vec::new();
    let mut skipped = Vec::new();
    for item in &prepared.plan.items {
        if still.contains_key(&(item.kind, item.id.as_str())) {
            go.push(item);
        } else if let Some(why) = kept.get(item.id.as_str()) {
            skipped.push(skip(item, &format!("changed since planning: {why}")));
        } else if exists(state, item.kind, &item.id) {
            skipped.push(skip(item, "changed since planning: no longer selected"));
        } else {
            skipped.push(skip(item, "already gone"));
        }
    }
    Ok((go, skipped))
}

fn exists(state: &EngineState, kind: Kind, id: &str) -> bool {
    let df = &state.df;
    match kind {
        Kind::Image => df.images.iter().any(|i| i.id == id),
        Kind::Container => df.containers.iter().any(|c| c.id == id),
        Kind::Volume => df.volumes.iter().any(|v| v.name == id),
        Kind::Network => state.networks.iter().any(|n| n.id == id),
        Kind::BuildCache => df.build_cache.iter().any(|r| r.id == id),
    }
}

/// Removals a stopped Drydock asked the engine for but never saw the end of: the engine as it is
/// now says which happened. Those whose object is gone are recorded as removed; the rest are
/// dropped from the journal.
fn settle_interrupted(journal: &Mutex<Store>, state: &EngineState) -> Result<(), CleanupError> {
    for (key, entry) in with_store(journal, Store::journal_pending)? {
        let gone =
            Kind::from_name(&entry.kind).is_some_and(|kind| !exists(state, kind, &entry.object_id));
        with_store(journal, |s| {
            if gone {
                s.journal_confirm(key, entry.at)
            } else {
                s.journal_abandon(key)
            }
        })?;
    }
    Ok(())
}

fn skip(item: &Item, reason: &str) -> Skipped {
    Skipped {
        kind: item.kind,
        id: item.id.clone(),
        name: item.name.clone(),
        reason: reason.to_owned(),
    }
}

enum Removal {
    Done {
        saved: bool,
    },
    /// Build cache the engine could not remove yet (others build on it).
    NotYet,
    Refused(String),
}

/// Ends the run: the engine went away, or the journal cannot be written.
struct Stop(String);

async fn remove_one(
    engine: &Engine,
    journal: &Mutex<Store>,
    prepared: &Prepared,
    item: &Item,
    opts: &Options<'_>,
    report: &mut impl FnMut(usize, Step, Option<&Item>),
    done: usize,
) -> Result<Removal, Stop> {
    let refused = |e: EngineError| -> Result<Removal, Stop> {
        match e.code() {
            "engine_unavailable" => Err(Stop(e.to_string())),
            "not_found" => Ok(Removal::Refused("already gone".to_owned())),
            _ => Ok(Removal::Refused(format!("the engine refused: {e}"))),
        }
    };
    let mut tags = Vec::new();
    let mut saved = None;
    if item.kind == Kind::Image {
        match engine.image_refs(&item.id).await {
            Ok(refs) if refs.id == item.id => tags = refs.references(),
            // The id resolved to another image: the planned one is no longer there.
            Ok(_) => return Ok(Removal::Refused("already gone".to_owned())),
            Err(e) => return refused(e),
        }
        if let Some(policy) = opts.quarantine {
            report(done, Step::Saving, Some(item));
            match quarantine::save(engine, journal, policy, &item.id, &tags, &prepared.plan_id)
                .await
            {
                Ok(entry) => saved = Some(entry),
                Err(e) if e.code() == "engine_unavailable" => return Err(Stop(e.to_string())),
                Err(e) => {
                    return Ok(Removal::Refused(format!(
                        "kept: it could not be quarantined first ({e})"
                    )))
                }
            }
        }
    }
    let entry = Entry {
        plan_id: prepared.plan_id.clone(),
        at: crate::unix_now(),
        kind: item.kind.name().to_owned(),
        object_id: item.id.clone(),
        name: item.name.clone(),
        tags,
        bytes: item.bytes,
        reason: item.reason.clone(),
        quarantined: saved.is_some(),
    };
    // Written before the engine is asked and confirmed after, so that even Drydock being killed
    // in between leaves a record the next run settles. No record, no removal.
    let key = with_store(journal, |s| s.journal_intent(&entry))
        .map_err(|e| Stop(format!("the journal could not be written: {e}")))?;
    report(done, Step::Removing, Some(item));
    let result = match item.kind {
        Kind::Container => engine.remove_container(&item.id).await.map(|()| true),
        Kind::Image => engine
            .remove_image(&item.id, &entry.tags)
            .await
            .map(|()| true),
        Kind::Volume => engine.remove_volume(&item.id).await.map(|()| true),
        Kind::Network => engine.remove_network(&item.id).await.map(|()| true),
        // `false`: other build cache still builds on it.
        Kind::BuildCache => engine.remove_build_cache(&item.id).await,
    };
    if !matches!(result, Ok(true)) {
        // Best effort: an abandon that fails leaves an intent the next run settles.
        let _ = with_store(journal, |s| s.journal_abandon(key));
        if let Some(entry) = &saved {
            let _ = with_store(journal, |s| quarantine::forget(s, entry));
        }
        return match result {
            Err(e) => refused(e),
            Ok(_) => Ok(Removal::NotYet),
        };
    }
    // A removal the journal cannot confirm ends the run: nothing more goes unrecorded.
    with_store(journal, |s| s.journal_confirm(key, crate::unix_now()))
        .map_err(|e| Stop(format!("the journal could not be written: {e}")))?;
    Ok(Removal::Done {
        saved: saved.is_some(),
    })
}
