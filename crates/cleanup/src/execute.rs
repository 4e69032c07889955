//! Running a plan: check it again against the engine as it is now, remove item by item without
//! force, journal each removal ahead (an intent before the engine is asked, confirmed or dropped
//! by its answer, settled against the engine when the answer is lost), and measure what the
//! engine's disk use really dropped by.

use crate::error::CleanupError;
use crate::quarantine::{self, QuarantinePolicy};
use crate::settle::{settle, settle_one, Settlement};
use crate::state::engine_state;
use crate::with_store;
use drydock_engine::{Engine, EngineError, ErrorCode};
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
    /// The engine the plan was made on: it runs there or nowhere.
    pub engine: String,
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
        engine: engine.endpoint().to_string(),
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "PruneStep"))]
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "PruneProgress"))]
pub struct Progress {
    /// Items finished (removed or skipped) so far, of `total`.
    pub done: usize,
    pub total: usize,
    pub step: Step,
    /// The item this step is about, if any.
    pub item: Option<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "SkippedItem"))]
pub struct Skipped {
    pub kind: Kind,
    pub id: String,
    pub name: String,
    pub reason: String,
}

/// What a run did; [`crate::RunReport`] puts it beside the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RunOutcome"))]
pub struct Outcome {
    pub removed: Vec<Item>,
    pub skipped: Vec<Skipped>,
    /// The drop in the engine's disk use, df before and after; `None` if the engine could not
    /// be asked afterwards.
    pub actual_reclaim: Option<u64>,
    /// Image ids saved to quarantine before removal.
    pub quarantined: Vec<String>,
    /// Why the run ended before its last item, if it did. Items not reached are in `skipped`.
    pub stopped: Option<String>,
    /// Items whose removal was asked for but whose outcome is not known (the engine's answer
    /// never came): journaled as unsettled, settled against the engine when it is next reached.
    pub unsettled: Vec<Item>,
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
    let here = engine.endpoint().to_string();
    if prepared.engine != here {
        return Err(CleanupError::Invalid(format!(
            "this plan was made on the engine at {}, and Drydock is now connected to {here}: nothing was removed\n  fix: make the plan again on this engine",
            prepared.engine
        )));
    }
    report(0, Step::Checking, None);
    settle(engine, journal).await?;
    let state = engine_state(engine).await?;
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
    // Held while the run goes on: another Drydock settling the journal leaves this run's
    // intents alone while it waits for the engine's answers.
    let _lease = with_store(journal, |s| s.lease_run(&run.plan_id))?;
    with_store(journal, |s| s.start_run(&run))?;
    if let Some(policy) = opts.quarantine {
        with_store(journal, |s| quarantine::evict_expired(s, policy, started))?;
    }

    let mut removed = Vec::new();
    let mut quarantined = Vec::new();
    let mut unsettled = Vec::new();
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
                Err(Stop::Before(reason)) => {
                    skipped.push(skip(item, &format!("not removed: {reason}")));
                    stopped = Some(reason);
                    break;
                }
                Err(Stop::Unknown(reason)) => {
                    unsettled.push(item.clone());
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
        removed,
        skipped,
        actual_reclaim: actual,
        quarantined,
        stopped,
        unsettled,
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

/// Ends the run.
enum Stop {
    /// Before the engine was asked (it went away), or the journal cannot be written.
    Before(String),
    /// The engine was asked and its answer never came: the item's intent stays pending.
    Unknown(String),
}

async fn remove_one(
    engine: &Engine,
    journal: &Mutex<Store>,
    prepared: &Prepared,
    item: &Item,
    opts: &Options<'_>,
    report: &mut impl FnMut(usize, Step, Option<&Item>),
    done: usize,
) -> Result<Removal, Stop> {
    let refused = |e: &EngineError| -> Result<Removal, Stop> {
        match e.code() {
            ErrorCode::EngineUnavailable => Err(Stop::Before(e.to_string())),
            ErrorCode::NotFound => Ok(Removal::Refused("already gone".to_owned())),
            _ => Ok(Removal::Refused(format!("the engine refused: {e}"))),
        }
    };
    let unwritable =
        |e: CleanupError| Stop::Before(format!("the journal could not be written: {e}"));
    let mut refs = Vec::new();
    let mut saved = None;
    if item.kind == Kind::Image {
        match engine.image_refs(&item.id).await {
            Ok(found) if found.id == item.id => refs = found.references(),
            // The id resolved to another image: the planned one is no longer there.
            Ok(_) => return Ok(Removal::Refused("already gone".to_owned())),
            Err(e) => return refused(&e),
        }
        let added: Vec<&str> = refs
            .iter()
            .filter(|r| !item.refs.contains(r))
            .map(String::as_str)
            .collect();
        if !added.is_empty() {
            return Ok(Removal::Refused(format!(
                "changed since planning: tagged {} after the plan was made",
                added.join(", ")
            )));
        }
        if let Some(policy) = opts.quarantine {
            report(done, Step::Saving, Some(item));
            match quarantine::save(engine, journal, policy, &item.id, &refs, &prepared.plan_id)
                .await
            {
                Ok(entry) => saved = Some(entry),
                Err(e) if e.code() == ErrorCode::EngineUnavailable => {
                    return Err(Stop::Before(e.to_string()))
                }
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
        tags: refs,
        bytes: item.bytes,
        reason: item.reason.clone(),
        quarantined: saved.is_some(),
        status: drydock_store::Status::Unsettled,
    };
    // Written before the engine is asked and settled after, so that a lost answer or Drydock
    // being killed in between leaves a record that is settled against the engine. No record,
    // no removal.
    let key = with_store(journal, |s| s.journal_intent(&entry)).map_err(unwritable)?;
    report(done, Step::Removing, Some(item));
    let result = match item.kind {
        Kind::Container => engine
            .remove_container(&item.id)
            .await
            .map(|()| Answer::Gone),
        Kind::Image => remove_image(engine, &item.id, &entry.tags).await,
        Kind::Volume => engine.remove_volume(&item.id).await.map(|()| Answer::Gone),
        Kind::Network => engine.remove_network(&item.id).await.map(|()| Answer::Gone),
        Kind::BuildCache => engine.remove_build_cache(&item.id).await.map(|gone| {
            if gone {
                Answer::Gone
            } else {
                Answer::NotYet
            }
        }),
    };
    let failure = match result {
        Ok(Answer::Gone) => {
            // A removal the journal cannot confirm ends the run: nothing more goes unrecorded.
            with_store(journal, |s| s.journal_confirm(key, crate::unix_now()))
                .map_err(unwritable)?;
            return Ok(Removal::Done {
                saved: saved.is_some(),
            });
        }
        Ok(Answer::NotYet) => {
            with_store(journal, |s| s.journal_abandon(key)).map_err(unwritable)?;
            return Ok(Removal::NotYet);
        }
        Err(e) if e.code() == ErrorCode::NotFound => {
            with_store(journal, |s| s.journal_abandon(key)).map_err(unwritable)?;
            return Ok(Removal::Refused("already gone".to_owned()));
        }
        Ok(Answer::Look) => None,
        Err(e) => Some(e),
    };
    // No answer, a refusal part way through an image's references, or references dropped one
    // by one: what the engine holds now says what happened.
    let then = |f: &Option<EngineError>| match f {
        Some(e) => format!("then the engine refused: {e}"),
        None => "it gained a reference meanwhile, so it stays".to_owned(),
    };
    match settle_one(engine, journal, key, &entry).await {
        Ok(Settlement::Removed) => Ok(Removal::Done {
            saved: saved.is_some(),
        }),
        Ok(Settlement::Untagged(went)) => Ok(Removal::Refused(format!(
            "only untagged ({}): {}",
            went.join(", "),
            then(&failure)
        ))),
        Ok(Settlement::NotDone) => match &failure {
            // The answer was lost but the engine did nothing: it can be asked again later.
            Some(f) if f.code() == ErrorCode::EngineUnavailable => {
                Ok(Removal::Refused(format!("not removed: {f}")))
            }
            Some(f) => refused(f),
            None => Ok(Removal::Refused(
                "the engine kept it, with every reference it had".to_owned(),
            )),
        },
        Err(CleanupError::Engine(e)) => Err(Stop::Unknown(format!(
            "{}\n  the outcome of removing {} {} is not known: it is journaled as unsettled, and settled against the engine the next time Drydock reaches it",
            failure.as_ref().unwrap_or(&e),
            item.kind.name(),
            item.name
        ))),
        Err(e) => Err(unwritable(e)),
    }
}

/// What the engine said to a removal.
enum Answer {
    Gone,
    /// Build cache the engine kept: others build on it.
    NotYet,
    /// An image's references went one by one: what it holds now says whether the image went.
    Look,
}

/// Removes image `id`: an image with references loses exactly `refs` (the ones the user saw,
/// dropped one by one; the last one takes the image), an image without any goes by its id.
/// Its id is never used on an image with references: deleting by id takes an image's only
/// tag with it, even one added after the user looked.
async fn remove_image(engine: &Engine, id: &str, refs: &[String]) -> Result<Answer, EngineError> {
    if refs.is_empty() {
        return engine.remove_reference(id).await.map(|()| Answer::Gone);
    }
    for reference in refs {
        match engine.remove_reference(reference).await {
            // Dropped meanwhile (another client): nothing to do.
            Ok(()) | Err(EngineError::ObjectNotFound { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Answer::Look)
}
