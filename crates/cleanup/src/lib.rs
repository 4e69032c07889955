//! Cleanup: the side of pruning that touches the engine and the disk. A plan comes from
//! `drydock-prune` (pure); here it is prepared from the live engine, checked again just before it
//! runs, executed item by item without ever forcing, journaled ahead of each removal (an outcome
//! not known is settled against the engine later, never assumed), and measured (engine disk use
//! before and after). Images can be quarantined (saved) first and restored later with the same
//! id and tags.
//!
//! Both clients (the CLI and the app) call these functions; neither removes anything itself. The
//! use cases they share live here too: planning from what a person chose ([`plan_spec`]), the
//! book of plans shown but not yet run ([`PlanBook`]), the schedule's consent rule
//! ([`consented`]), and the reports both show ([`PlanReport`], [`RunReport`], ...).

mod book;
mod error;
mod execute;
mod gc;
mod quarantine;
mod report;
mod schedule;
mod settle;
mod spec;
mod state;
mod usage;

pub use book::PlanBook;
pub use error::CleanupError;
pub use execute::{execute, prepare, Options, Outcome, Prepared, Progress, Skipped, Step};
pub use gc::prepare_gc;
pub use quarantine::{restore, QuarantineEntry, QuarantinePolicy, Restored};
pub use report::{GcFit, JournalReport, Kept, PlanReport, QuarantineReport, RunReport};
pub use schedule::{
    consented, last_scheduled, mark_read, not_run, prepare_scheduled, run_scheduled, Schedule,
    ScheduleReport, ScheduledRun, Terms, MAX_HOURS, MIN_HOURS,
};
pub use settle::{settle, Settled};
pub use spec::{parse_size, plan_spec, saved_keep, set_saved_keep, ImageChoice, Spec, SpecError};
pub use state::engine_state;
pub use usage::record_uses;

/// A plan id: when it was made and by which process, unique enough to key a journal.
pub fn new_plan_id(now: i64) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static SEQ: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "{now:x}-{:x}-{nanos:x}-{:x}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    )
}

/// Seconds since the Unix epoch, for the callers that pass `now` in.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The store behind `journal`, locked.
pub(crate) fn lock(
    journal: &std::sync::Mutex<drydock_store::Store>,
) -> Result<std::sync::MutexGuard<'_, drydock_store::Store>, CleanupError> {
    journal
        .lock()
        .map_err(|_| CleanupError::Invalid("the journal is unavailable".into()))
}

/// Runs `f` on the store behind `journal`, holding the lock only for the call.
pub(crate) fn with_store<T>(
    journal: &std::sync::Mutex<drydock_store::Store>,
    f: impl FnOnce(&drydock_store::Store) -> Result<T, drydock_store::StoreError>,
) -> Result<T, CleanupError> {
    Ok(f(&*lock(journal)?)?)
}
