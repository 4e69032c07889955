//! Scheduled clean-up: a standing agreement that the least-recently-used images go whenever
//! Docker's image bytes are over a limit. Turning it on is the `--yes` of every later run, so it
//! is off until the user turns it on with the current plan in front of them; every run goes
//! through the same checks and journal as a confirmed prune, and its result is kept to report.

use crate::book::PlanBook;
use crate::error::CleanupError;
use crate::execute::{execute, Options, Outcome, Prepared};
use crate::gc::prepare_gc;
use crate::spec::saved_keep;
use crate::with_store;
use drydock_engine::Engine;
use drydock_store::Store;
use serde::{Deserialize, Serialize};
use std::sync::Mutex;

const SETTINGS_KEY: &str = "schedule";
const LAST_KEY: &str = "schedule.last";
const READ_KEY: &str = "schedule.read";
const HOUR: i64 = 3600;
/// After a run that could not reach the engine, the next try comes this much later rather than
/// a whole interval later.
pub const RETRY_AFTER: i64 = 15 * 60;
/// The intervals offered: hourly up to weekly.
pub const MIN_HOURS: u32 = 1;
pub const MAX_HOURS: u32 = 24 * 7;

/// What the user agreed to. Off by default; the limit and interval start at values that suit a
/// laptop (20 GB, daily).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Schedule {
    pub enabled: bool,
    /// Docker's image bytes (each shared layer once) are brought under this.
    pub max_bytes: u64,
    pub every_hours: u32,
    /// Save images to the quarantine before removing them.
    pub quarantine: bool,
}

impl Default for Schedule {
    fn default() -> Schedule {
        Schedule {
            enabled: false,
            max_bytes: 20 * 1000 * 1000 * 1000,
            every_hours: 24,
            quarantine: false,
        }
    }
}

/// How a scheduled run ended, kept for the app to report after the fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScheduledRun {
    pub at: i64,
    /// The journal's plan id; `None` when nothing was planned (it fit, or the engine was away).
    pub plan_id: Option<String>,
    pub removed: usize,
    pub skipped: usize,
    /// Measured from the engine; `None` when it could not be measured or nothing ran.
    pub freed: Option<u64>,
    /// Image bytes when the run planned, and whether they fit under the limit after it.
    pub image_bytes: u64,
    pub max_bytes: u64,
    pub fits: bool,
    /// Why the run did not happen or stopped early.
    pub error: Option<String>,
}

impl Schedule {
    pub fn load(store: &Store) -> Result<Schedule, CleanupError> {
        Ok(store.setting(SETTINGS_KEY)?.unwrap_or_default())
    }

    /// Saves the schedule after checking its values.
    pub fn save(&self, store: &Store) -> Result<(), CleanupError> {
        self.check()?;
        store.set_setting(SETTINGS_KEY, self)?;
        Ok(())
    }

    /// The same agreement, on or off aside.
    pub fn same_terms(&self, other: &Schedule) -> bool {
        (self.max_bytes, self.every_hours, self.quarantine)
            == (other.max_bytes, other.every_hours, other.quarantine)
    }

    pub fn check(&self) -> Result<(), CleanupError> {
        if !(MIN_HOURS..=MAX_HOURS).contains(&self.every_hours) {
            return Err(CleanupError::Invalid(format!(
                "a schedule runs every {MIN_HOURS} to {MAX_HOURS} hours, not {}",
                self.every_hours
            )));
        }
        if self.max_bytes == 0 {
            return Err(CleanupError::Invalid(
                "a limit of 0 bytes would remove every image nothing protects: give a size such as 20GB".into(),
            ));
        }
        Ok(())
    }

    /// When the next run is due: never while off; at once when it never ran; after a failed
    /// run, a short retry; otherwise one interval after the last.
    pub fn next_run(&self, last: Option<&ScheduledRun>) -> Option<i64> {
        if !self.enabled {
            return None;
        }
        Some(match last {
            None => i64::MIN,
            Some(run) if run.error.is_some() && run.plan_id.is_none() => {
                run.at.saturating_add(RETRY_AFTER)
            }
            Some(run) => run
                .at
                .saturating_add(i64::from(self.every_hours).saturating_mul(HOUR)),
        })
    }

    pub fn due(&self, last: Option<&ScheduledRun>, now: i64) -> bool {
        self.next_run(last).is_some_and(|at| at <= now)
    }
}

pub fn last_scheduled(store: &Store) -> Result<Option<ScheduledRun>, CleanupError> {
    Ok(store.setting(LAST_KEY)?)
}

/// The schedule as its screen shows it: the terms, the last run, when the next is due, and
/// whether the user has read about the last run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScheduleReport {
    pub schedule: Schedule,
    pub last: Option<ScheduledRun>,
    /// When the next run is due (seconds since the epoch); `None` while off.
    pub next_run: Option<i64>,
    /// Whether the user has dismissed the notice of the last run.
    pub last_read: bool,
}

impl ScheduleReport {
    pub fn read(store: &Store) -> Result<ScheduleReport, CleanupError> {
        let schedule = Schedule::load(store)?;
        let last = last_scheduled(store)?;
        let read: Option<i64> = store.setting(READ_KEY)?;
        Ok(ScheduleReport {
            next_run: schedule.next_run(last.as_ref()).map(|t| t.max(0)),
            last_read: last.as_ref().is_none_or(|run| read == Some(run.at)),
            schedule,
            last,
        })
    }
}

/// Marks the last run's notice as read, so it is not shown again.
pub fn mark_read(store: &Store) -> Result<(), CleanupError> {
    if let Some(run) = last_scheduled(store)? {
        store.set_setting(READ_KEY, &run.at)?;
    }
    Ok(())
}

/// A schedule preview as the user saw it: the terms beside the plan they were shown.
#[derive(Debug, Clone)]
pub struct Terms {
    pub schedule: Schedule,
    pub gc: drydock_prune::GcPlan,
}

/// The consent rule. Turning the schedule on is the `--yes` of every later run, so it takes the
/// id of a preview the user saw on exactly these terms; that plan is the one that runs first.
/// Turning it off needs nothing.
pub fn consented(
    previews: &PlanBook<Terms>,
    schedule: &Schedule,
    plan_id: Option<&str>,
) -> Result<Option<(Prepared, drydock_prune::GcPlan)>, CleanupError> {
    if !schedule.enabled {
        return Ok(None);
    }
    let (prepared, terms) = plan_id
        .and_then(|id| previews.find(id, |t| t.schedule.same_terms(schedule)))
        .ok_or(CleanupError::NoConsent)?;
    // A preview consents once.
    previews.ran(&prepared.plan_id);
    Ok(Some((prepared, terms.gc)))
}

/// Plans what a scheduled run with `schedule`'s limit would remove now (nothing is removed), with
/// the saved keep list applied. The app shows this before the user turns the schedule on.
pub async fn prepare_scheduled(
    engine: &Engine,
    journal: &Mutex<Store>,
    schedule: &Schedule,
    now: i64,
) -> Result<(Prepared, drydock_prune::GcPlan), CleanupError> {
    schedule.check()?;
    let keep = saved_keep(&*crate::lock(journal)?)?;
    let (mut prepared, gc) = prepare_gc(engine, journal, schedule.max_bytes, keep, now).await?;
    prepared.why = "scheduled".to_owned();
    Ok((prepared, gc))
}

/// Runs one scheduled clean-up: `prepared` when the user has just seen it, otherwise a fresh
/// least-recently-used plan. The result is recorded as the last run whatever happened, so the
/// app can say so; an engine that could not be reached is retried sooner than a whole interval.
/// `opts.quarantine` is used when the schedule asks for it; `opts.cancel` stops the run before
/// its next removal (the app quitting), and the run is journaled as far as it went.
pub async fn run_scheduled(
    engine: &Engine,
    journal: &Mutex<Store>,
    schedule: &Schedule,
    opts: &Options<'_>,
    seen: Option<(Prepared, drydock_prune::GcPlan)>,
    now: i64,
) -> Result<ScheduledRun, CleanupError> {
    let planned = match seen {
        Some(seen) => Ok(seen),
        None => prepare_scheduled(engine, journal, schedule, now).await,
    };
    let (prepared, gc) = match planned {
        Ok(planned) => planned,
        Err(err) => return not_run(journal, schedule, now, &err.to_string()),
    };
    let mut run = ScheduledRun {
        image_bytes: gc.image_bytes,
        fits: gc.fits,
        ..ScheduledRun::empty(schedule, now)
    };
    if !prepared.plan.items.is_empty() {
        let opts = Options {
            quarantine: if schedule.quarantine {
                opts.quarantine
            } else {
                None
            },
            cancel: opts.cancel,
        };
        run.plan_id = Some(prepared.plan_id.clone());
        match execute(engine, journal, &prepared, &opts, |_| {}).await {
            Ok(outcome) => record_outcome(&mut run, &outcome),
            Err(err) => run.error = Some(err.to_string()),
        }
    }
    remember(journal, run)
}

/// Records a run that could not happen (no engine, no plan) as the last run, with why.
pub fn not_run(
    journal: &Mutex<Store>,
    schedule: &Schedule,
    now: i64,
    why: &str,
) -> Result<ScheduledRun, CleanupError> {
    let run = ScheduledRun {
        error: Some(why.to_owned()),
        ..ScheduledRun::empty(schedule, now)
    };
    remember(journal, run)
}

/// Keeps `run` as the last run, for the app to report.
fn remember(journal: &Mutex<Store>, run: ScheduledRun) -> Result<ScheduledRun, CleanupError> {
    with_store(journal, |s| s.set_setting(LAST_KEY, &run))?;
    Ok(run)
}

impl ScheduledRun {
    fn empty(schedule: &Schedule, now: i64) -> ScheduledRun {
        ScheduledRun {
            at: now,
            plan_id: None,
            removed: 0,
            skipped: 0,
            freed: None,
            image_bytes: 0,
            max_bytes: schedule.max_bytes,
            fits: false,
            error: None,
        }
    }
}

fn record_outcome(run: &mut ScheduledRun, outcome: &Outcome) {
    run.removed = outcome.removed.len();
    run.skipped = outcome.skipped.len();
    run.freed = outcome.actual_reclaim;
    run.error = outcome.stopped.clone();
    if !outcome.skipped.is_empty() {
        // What stays is not known to fit if some of the plan could not go.
        run.fits = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ran(at: i64, error: Option<&str>, plan: Option<&str>) -> ScheduledRun {
        ScheduledRun {
            at,
            plan_id: plan.map(str::to_owned),
            removed: 0,
            skipped: 0,
            freed: None,
            image_bytes: 0,
            max_bytes: 1,
            fits: true,
            error: error.map(str::to_owned),
        }
    }

    #[test]
    fn due_times() {
        let on = Schedule {
            enabled: true,
            every_hours: 24,
            ..Schedule::default()
        };
        assert!(!Schedule::default().due(None, 0), "off by default");
        assert!(on.due(None, 0), "never ran: due at once");
        let day = 24 * HOUR;
        assert!(!on.due(Some(&ran(1000, None, Some("p"))), 1000 + day - 1));
        assert!(on.due(Some(&ran(1000, None, Some("p"))), 1000 + day));
        // The engine was away: try again soon, not tomorrow.
        let away = ran(1000, Some("no engine"), None);
        assert_eq!(on.next_run(Some(&away)), Some(1000 + RETRY_AFTER));
        // A run that stopped part-way waits for its interval like any other.
        let stopped = ran(1000, Some("engine went away"), Some("p"));
        assert_eq!(on.next_run(Some(&stopped)), Some(1000 + day));
    }

    #[test]
    fn bad_terms_are_refused_and_the_store_round_trips() {
        let store = Store::in_memory().expect("store");
        assert_eq!(Schedule::load(&store).expect("load"), Schedule::default());
        for bad in [
            Schedule {
                every_hours: 0,
                ..Schedule::default()
            },
            Schedule {
                every_hours: MAX_HOURS + 1,
                ..Schedule::default()
            },
            Schedule {
                max_bytes: 0,
                ..Schedule::default()
            },
        ] {
            let err = bad.save(&store).expect_err("refused");
            assert!(matches!(err, CleanupError::Invalid(_)), "{err}");
        }
        let good = Schedule {
            enabled: true,
            max_bytes: 5,
            every_hours: 6,
            quarantine: true,
        };
        good.save(&store).expect("save");
        assert_eq!(Schedule::load(&store).expect("load"), good);
        assert_eq!(last_scheduled(&store).expect("none"), None);
        store
            .set_setting(LAST_KEY, &Some(ran(7, None, Some("p"))))
            .expect("set");
        assert_eq!(
            last_scheduled(&store).expect("read"),
            Some(ran(7, None, Some("p")))
        );
    }
}
