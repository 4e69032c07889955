//! The prune journal: every run (what was predicted, what was measured) and every object it
//! removed. Written ahead: a removal is recorded as an intent before the engine is asked and
//! settled after (removed, untagged only, or not done). An intent whose outcome is not known (the
//! answer was lost, the engine or Drydock died) stays pending, listed as unsettled, until it is
//! settled against the engine.

use crate::{Store, StoreError};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

pub(crate) const RUNS: &str = "prune_runs";
pub(crate) const RUN_MIGRATIONS: &[&str] = &["CREATE TABLE prune_runs (
        plan_id TEXT PRIMARY KEY,
        started INTEGER NOT NULL,
        finished INTEGER,
        why TEXT NOT NULL,
        predicted INTEGER NOT NULL,
        actual INTEGER,
        removed INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0,
        stopped TEXT
    )"];

pub(crate) const ENTRIES: &str = "journal";
pub(crate) const ENTRY_MIGRATIONS: &[&str] = &[
    "CREATE TABLE journal (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        plan_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        object_id TEXT NOT NULL,
        name TEXT NOT NULL,
        tags TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        reason TEXT NOT NULL,
        quarantined INTEGER NOT NULL
    );
    CREATE INDEX journal_by_plan ON journal (plan_id)",
    // Written before the engine is asked, confirmed after: a removal interrupted between the two
    // (Drydock killed) is found and settled against the engine on the next run.
    "ALTER TABLE journal ADD COLUMN pending INTEGER NOT NULL DEFAULT 0",
    // An image the run only untagged: some of its references went, the image stayed. `tags`
    // then holds the references that went, and `bytes` is 0.
    "ALTER TABLE journal ADD COLUMN untagged INTEGER NOT NULL DEFAULT 0",
];

/// One prune run, as started and (once done) as finished.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "PruneRun"))]
pub struct Run {
    pub plan_id: String,
    /// Unix seconds.
    pub started: i64,
    pub finished: Option<i64>,
    /// Who asked: `prune`, `one-click`, `gc`, ...
    pub why: String,
    pub predicted: u64,
    /// Bytes measured from the engine (df before and after); `None` when it could not be measured.
    pub actual: Option<u64>,
    pub removed: u64,
    pub skipped: u64,
    /// Why the run ended before its last item (engine gone, cancelled), if it did.
    pub stopped: Option<String>,
}

/// What became of a journaled removal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "JournalStatus"))]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The object is gone.
    #[default]
    Removed,
    /// An image lost the references in `tags` but stayed.
    Untagged,
    /// Asked for, outcome not known yet: settled against the engine when it is next reached.
    Unsettled,
}

/// One removed object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "JournalEntry"))]
pub struct Entry {
    pub plan_id: String,
    pub at: i64,
    pub kind: String,
    pub object_id: String,
    pub name: String,
    /// An image's tags and digests as they were just before removal.
    pub tags: Vec<String>,
    pub bytes: u64,
    pub reason: String,
    pub quarantined: bool,
    /// Ignored when an intent is written; read back as the entry's state.
    #[serde(default)]
    pub status: Status,
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Store {
    pub fn start_run(&self, run: &Run) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO prune_runs (plan_id, started, why, predicted) VALUES (?1, ?2, ?3, ?4)",
            params![run.plan_id, run.started, run.why, to_i64(run.predicted)],
        )?;
        Ok(())
    }

    pub fn finish_run(&self, run: &Run) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE prune_runs SET finished = ?2, actual = ?3, removed = ?4, skipped = ?5, stopped = ?6
             WHERE plan_id = ?1",
            params![
                run.plan_id,
                run.finished,
                run.actual.map(to_i64),
                to_i64(run.removed),
                to_i64(run.skipped),
                run.stopped
            ],
        )?;
        Ok(())
    }

    /// Records a removal about to be asked for; returns its key for [`Store::journal_confirm`]
    /// or [`Store::journal_abandon`]. Until then it is not listed as removed.
    pub fn journal_intent(&self, entry: &Entry) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO journal (plan_id, at, kind, object_id, name, tags, bytes, reason, quarantined, pending)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1)",
            params![
                entry.plan_id,
                entry.at,
                entry.kind,
                entry.object_id,
                entry.name,
                serde_json::to_string(&entry.tags)?,
                to_i64(entry.bytes),
                entry.reason,
                entry.quarantined
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The removal happened (at `at`).
    pub fn journal_confirm(&self, key: i64, at: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE journal SET pending = 0, at = ?2 WHERE seq = ?1",
            params![key, at],
        )?;
        self.recount(key)
    }

    /// Only some of the image's references went (`tags`), the image stayed.
    pub fn journal_untagged(&self, key: i64, tags: &[String], at: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE journal SET pending = 0, untagged = 1, bytes = 0, tags = ?2, at = ?3
             WHERE seq = ?1",
            params![key, serde_json::to_string(tags)?, at],
        )?;
        self.recount(key)
    }

    /// The run's count of removals follows its journal, so a removal settled after the run
    /// ended (a lost answer, a killed Drydock) is counted too.
    fn recount(&self, key: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE prune_runs SET removed = (
                SELECT COUNT(*) FROM journal j
                WHERE j.plan_id = prune_runs.plan_id AND j.pending = 0 AND j.untagged = 0)
             WHERE plan_id = (SELECT plan_id FROM journal WHERE seq = ?1)",
            params![key],
        )?;
        Ok(())
    }

    /// Runs that never finished: the Drydock running them stopped (or still runs them: ask
    /// [`Store::run_is_live`]).
    pub fn unfinished_runs(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT plan_id FROM prune_runs WHERE finished IS NULL ORDER BY started")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Closes a run whose Drydock stopped before finishing it, saying so.
    pub fn mark_interrupted(&self, plan_id: &str, at: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE prune_runs SET finished = ?2,
               stopped = COALESCE(stopped, 'Drydock stopped during the run; what it removed was settled against the engine afterwards')
             WHERE plan_id = ?1 AND finished IS NULL",
            params![plan_id, at],
        )?;
        Ok(())
    }

    /// The removal did not happen.
    pub fn journal_abandon(&self, key: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "DELETE FROM journal WHERE seq = ?1 AND pending = 1",
            params![key],
        )?;
        Ok(())
    }

    /// Removals asked for but never confirmed or abandoned: Drydock stopped between the two.
    pub fn journal_pending(&self) -> Result<Vec<(i64, Entry)>, StoreError> {
        self.read_entries(
            "SELECT plan_id, at, kind, object_id, name, tags, bytes, reason, quarantined, seq,
               pending, untagged
             FROM journal WHERE pending = 1 ORDER BY seq",
            params![],
        )
    }

    fn read_entries(
        &self,
        sql: &str,
        args: impl rusqlite::Params,
    ) -> Result<Vec<(i64, Entry)>, StoreError> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map(args, |r| {
            let tags: String = r.get(5)?;
            let status = match (r.get::<_, bool>(10)?, r.get::<_, bool>(11)?) {
                (true, _) => Status::Unsettled,
                (false, true) => Status::Untagged,
                (false, false) => Status::Removed,
            };
            Ok((
                r.get(9)?,
                Entry {
                    plan_id: r.get(0)?,
                    at: r.get(1)?,
                    kind: r.get(2)?,
                    object_id: r.get(3)?,
                    name: r.get(4)?,
                    tags: serde_json::from_str(&tags).unwrap_or_default(),
                    bytes: to_u64(r.get(6)?),
                    reason: r.get(7)?,
                    quarantined: r.get(8)?,
                    status,
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The newest `limit` runs, newest first.
    pub fn runs(&self, limit: usize) -> Result<Vec<Run>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT plan_id, started, finished, why, predicted, actual, removed, skipped, stopped
             FROM prune_runs ORDER BY started DESC, rowid DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![to_i64(limit as u64)], |r| {
            Ok(Run {
                plan_id: r.get(0)?,
                started: r.get(1)?,
                finished: r.get(2)?,
                why: r.get(3)?,
                predicted: to_u64(r.get(4)?),
                actual: r.get::<_, Option<i64>>(5)?.map(to_u64),
                removed: to_u64(r.get(6)?),
                skipped: to_u64(r.get(7)?),
                stopped: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Removals, newest first: of one run, or the newest `limit` of all runs. Unsettled intents
    /// are listed too, with that status: they may have happened.
    pub fn journal(&self, plan_id: Option<&str>, limit: usize) -> Result<Vec<Entry>, StoreError> {
        let rows = self.read_entries(
            "SELECT plan_id, at, kind, object_id, name, tags, bytes, reason, quarantined, seq,
               pending, untagged
             FROM journal WHERE (?1 IS NULL OR plan_id = ?1)
             ORDER BY seq DESC LIMIT ?2",
            params![plan_id, to_i64(limit as u64)],
        )?;
        Ok(rows.into_iter().map(|(_, e)| e).collect())
    }

    /// Bytes freed over all runs, as measured (a run whose measure failed counts its removals'
    /// predicted bytes, which the journal holds).
    pub fn total_freed(&self) -> Result<u64, StoreError> {
        let measured: Option<i64> = self
            .conn
            .query_row(
                "SELECT SUM(actual) FROM prune_runs WHERE actual IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        let unmeasured: Option<i64> = self.conn.query_row(
            "SELECT SUM(j.bytes) FROM journal j JOIN prune_runs r ON r.plan_id = j.plan_id
             WHERE r.actual IS NULL AND j.pending = 0",
            [],
            |r| r.get(0),
        )?;
        Ok(to_u64(measured.unwrap_or(0)) + to_u64(unmeasured.unwrap_or(0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(id: &str, started: i64) -> Run {
        Run {
            plan_id: id.into(),
            started,
            finished: None,
            why: "prune".into(),
            predicted: 100,
            actual: None,
            removed: 0,
            skipped: 0,
            stopped: None,
        }
    }

    fn entry(plan: &str, id: &str, bytes: u64) -> Entry {
        Entry {
            plan_id: plan.into(),
            at: 5,
            kind: "image".into(),
            object_id: id.into(),
            name: "app:1".into(),
            tags: vec!["app:1".into(), "app:latest".into()],
            bytes,
            reason: "dangling image".into(),
            quarantined: true,
            status: Status::Removed,
        }
    }

    /// A removal as cleanup records it: intended, then confirmed.
    fn removed(store: &Store, entry: &Entry) {
        let key = store.journal_intent(entry).expect("intent");
        store.journal_confirm(key, entry.at).expect("confirm");
    }

    #[test]
    fn runs_and_removals_read_back_newest_first() {
        let store = Store::in_memory().expect("store");
        store.start_run(&run("a", 1)).expect("start a");
        removed(&store, &entry("a", "sha256:1", 60));
        removed(&store, &entry("a", "sha256:2", 40));
        let mut done = run("a", 1);
        done.finished = Some(2);
        done.actual = Some(100);
        done.removed = 2;
        store.finish_run(&done).expect("finish a");
        store.start_run(&run("b", 3)).expect("start b");
        removed(&store, &entry("b", "sha256:3", 7));

        let runs = store.runs(10).expect("runs");
        assert_eq!(
            runs.iter().map(|r| r.plan_id.as_str()).collect::<Vec<_>>(),
            ["b", "a"]
        );
        assert_eq!(runs[1], done);
        let a = store.journal(Some("a"), 10).expect("journal a");
        assert_eq!(
            a,
            vec![entry("a", "sha256:2", 40), entry("a", "sha256:1", 60)]
        );
        assert_eq!(
            store.journal(None, 1).expect("newest"),
            vec![entry("b", "sha256:3", 7)]
        );
        // Run a measured 100; run b (unfinished, unmeasured) counts its journaled 7.
        assert_eq!(store.total_freed().expect("total"), 107);
    }

    #[test]
    fn an_intent_is_unsettled_until_confirmed_untagged_or_abandoned() {
        let store = Store::in_memory().expect("store");
        store.start_run(&run("a", 1)).expect("start");
        let went = store
            .journal_intent(&entry("a", "sha256:1", 60))
            .expect("intent 1");
        let stayed = store
            .journal_intent(&entry("a", "sha256:2", 40))
            .expect("intent 2");
        let unknown = store
            .journal_intent(&entry("a", "sha256:3", 9))
            .expect("intent 3");
        let untagged = store
            .journal_intent(&entry("a", "sha256:4", 5))
            .expect("intent 4");
        let listed = store.journal(None, 10).expect("journal");
        assert_eq!(listed.len(), 4);
        assert!(listed.iter().all(|e| e.status == Status::Unsettled));
        assert_eq!(store.total_freed().expect("total"), 0);
        store.journal_confirm(went, 8).expect("confirm");
        store.journal_abandon(stayed).expect("abandon");
        store
            .journal_untagged(untagged, &["app:latest".to_owned()], 9)
            .expect("untagged");
        let mut confirmed = entry("a", "sha256:1", 60);
        confirmed.at = 8;
        let mut only_untagged = entry("a", "sha256:4", 0);
        only_untagged.at = 9;
        only_untagged.tags = vec!["app:latest".into()];
        only_untagged.status = Status::Untagged;
        let mut open = entry("a", "sha256:3", 9);
        open.status = Status::Unsettled;
        assert_eq!(
            store.journal(None, 10).expect("journal"),
            vec![only_untagged, open.clone(), confirmed]
        );
        // An untagging frees nothing; the run counts the one removal its journal holds.
        assert_eq!(store.total_freed().expect("total"), 60);
        assert_eq!(store.runs(1).expect("runs")[0].removed, 1);
        // The third was never settled: it is what a lost answer or a stopped Drydock leaves.
        assert_eq!(
            store.journal_pending().expect("pending"),
            vec![(unknown, open)]
        );
        // Abandoning a confirmed removal changes nothing.
        store.journal_abandon(went).expect("no-op");
        assert_eq!(store.journal(None, 10).expect("journal").len(), 3);
        // Settled later, after the run ended: the run's count follows.
        store.journal_confirm(unknown, 20).expect("late confirm");
        assert_eq!(store.runs(1).expect("runs")[0].removed, 2);
    }

    #[test]
    fn a_run_drydock_never_finished_is_closed_as_interrupted() {
        let store = Store::in_memory().expect("store");
        store.start_run(&run("a", 1)).expect("a");
        store.start_run(&run("b", 2)).expect("b");
        let mut done = run("b", 2);
        done.finished = Some(3);
        store.finish_run(&done).expect("finish b");
        assert_eq!(store.unfinished_runs().expect("unfinished"), ["a"]);
        store.mark_interrupted("a", 9).expect("mark");
        assert!(store.unfinished_runs().expect("unfinished").is_empty());
        let a = store.runs(10).expect("runs").pop().expect("run a");
        assert_eq!(a.finished, Some(9));
        assert!(a
            .stopped
            .is_some_and(|s| s.contains("stopped during the run")));
    }
}
