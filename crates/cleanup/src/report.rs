//! What a cleanup shows its user, as data: the plan before it runs, the plan with its outcome
//! after, the journal and the quarantine. The app sends these over IPC and the CLI prints them
//! (as tables, or as the same JSON), so both front ends say the same thing in the same terms.

use crate::error::CleanupError;
use crate::execute::{Outcome, Prepared};
use crate::quarantine::{QuarantineEntry, QuarantinePolicy};
use drydock_prune::{GcPlan, Item};
use drydock_store::{Entry, Run, Store};
use serde::Serialize;
use std::collections::HashSet;
use std::path::Path;
use std::sync::Mutex;

/// A plan as the user sees it before anything is removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlanReport {
    /// Runs take this id: only a plan the user saw is run.
    pub plan_id: String,
    /// Unix seconds.
    pub planned_at: i64,
    /// In the order they are removed.
    pub items: Vec<Item>,
    /// What the engine's disk use drops by if the plan runs as it is.
    pub predicted_reclaim: u64,
    /// What matched the selection but stays, and why.
    pub kept: Vec<Kept>,
    /// For least-recently-used plans (`drydock gc`, the schedule): the images' size and limit.
    pub gc: Option<GcFit>,
}

/// An object that stays, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Kept {
    pub id: String,
    pub reason: String,
}

/// Where a least-recently-used plan leaves Docker's images against the limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GcFit {
    /// The images' bytes now, each shared layer counted once.
    pub image_bytes: u64,
    pub max_bytes: u64,
    /// Whether they fit under the limit once the plan has run: what stays (in use, kept, bases of
    /// those) can be larger than the limit on its own.
    pub fits: bool,
}

/// A plan and what its run did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RunReport {
    #[serde(flatten)]
    pub plan: PlanReport,
    #[serde(flatten)]
    pub outcome: Outcome,
}

impl PlanReport {
    /// The report of `prepared`, with the sizes of the least-recently-used plan it came from.
    pub fn of(prepared: &Prepared, gc: Option<&GcPlan>) -> PlanReport {
        PlanReport {
            plan_id: prepared.plan_id.clone(),
            planned_at: prepared.planned_at,
            items: prepared.plan.items.clone(),
            predicted_reclaim: prepared.plan.predicted_reclaim,
            kept: prepared
                .plan
                .kept
                .iter()
                .map(|(id, reason)| Kept {
                    id: id.clone(),
                    reason: reason.clone(),
                })
                .collect(),
            gc: gc.map(|gc| GcFit {
                image_bytes: gc.image_bytes,
                max_bytes: gc.max_bytes,
                fits: gc.fits,
            }),
        }
    }
}

/// Past cleanups and what each removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct JournalReport {
    /// Newest first.
    pub runs: Vec<Run>,
    /// The removals of those runs, newest first; each names its run's `plan_id`.
    pub entries: Vec<Entry>,
    /// Bytes freed by every cleanup on record.
    pub total_freed: u64,
}

impl JournalReport {
    /// The last `runs` runs and up to `entries` of their removals.
    pub fn read(store: &Store, runs: usize, entries: usize) -> Result<JournalReport, CleanupError> {
        let runs = store.runs(runs)?;
        let mut listed = store.journal(None, entries)?;
        // Removals of older runs than those listed would belong to nothing shown.
        let shown: HashSet<&str> = runs.iter().map(|r| r.plan_id.as_str()).collect();
        listed.retain(|e| shown.contains(e.plan_id.as_str()));
        Ok(JournalReport {
            runs,
            entries: listed,
            total_freed: store.total_freed()?,
        })
    }
}

/// Images saved before removal, and the limits they are kept under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QuarantineReport {
    pub entries: Vec<QuarantineEntry>,
    pub max_bytes: u64,
    pub max_days: u32,
    pub dir: String,
}

impl QuarantineReport {
    /// What the quarantine in `data_dir` holds at `now` (expired archives are deleted first).
    pub fn read(
        journal: &Mutex<Store>,
        data_dir: &Path,
        now: i64,
    ) -> Result<QuarantineReport, CleanupError> {
        let policy = QuarantinePolicy::load(&*crate::lock(journal)?, data_dir)?;
        let entries = QuarantineEntry::list(journal, &policy, now)?;
        Ok(QuarantineReport {
            entries,
            max_bytes: policy.max_bytes,
            max_days: policy.max_days,
            dir: policy.dir.display().to_string(),
        })
    }
}
