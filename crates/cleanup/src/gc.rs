//! Least-recently-used clean-up, prepared like any plan so it runs through the same checks,
//! journal and quarantine.

use crate::error::CleanupError;
use crate::execute::Prepared;
use crate::state::engine_state;
use crate::usage::record_uses;
use crate::with_store;
use drydock_engine::Engine;
use drydock_prune::{last_uses, plan_to_fit, Filters, GcPlan, ImageScope, ImageSelect, Request};
use drydock_store::Store;
use std::sync::Mutex;

/// Records recent use, then plans removing least-recently-used images until image bytes fit
/// under `max_bytes`. The prepared request names exactly the planned images, so the check
/// before running can only narrow it.
pub async fn prepare_gc(
    engine: &Engine,
    journal: &Mutex<Store>,
    max_bytes: u64,
    keep: Vec<String>,
    now: i64,
) -> Result<(Prepared, GcPlan), CleanupError> {
    record_uses(engine, journal, now).await?;
    let state = engine_state(engine).await?;
    let recorded = with_store(journal, Store::last_uses)?;
    let uses = last_uses(&state.df, &recorded);
    let gc = plan_to_fit(&state, &uses, max_bytes, &keep, now)
        .map_err(|e| CleanupError::Changed(e.0))?;
    let request = Request {
        images: Some(ImageSelect {
            scope: ImageScope::Unused,
            filters: Filters::default(),
        }),
        keep,
        image_ids: Some(gc.plan.items.iter().map(|i| i.id.clone()).collect()),
        ..Request::default()
    };
    let prepared = Prepared {
        plan_id: crate::new_plan_id(now),
        planned_at: now,
        why: "gc".to_owned(),
        request,
        plan: gc.plan.clone(),
        engine: engine.endpoint().to_string(),
    };
    Ok((prepared, gc))
}
