//! Disk use over time: the figures of `drydock df` sampled now and then, compacted as they age
//! so the table stays small for years. A sample older than [`RAW_FOR`] is merged into one per
//! hour, older than [`HOURLY_FOR`] into one per day; a merged sample keeps the figures of the
//! LAST sample of its hour or day (the disk as it stood when the bucket closed), and that
//! sample's time. The last keeps a cleanup's drop visible where an average or a maximum would
//! smear it.
//!
//! Buckets are aligned to whole hours and days (UTC) and only whole buckets are compacted, so
//! every sample of a bucket is merged at once and a bucket never holds two rows.

use crate::journal::Run;
use crate::{Store, StoreError};
use rusqlite::params;
use serde::{Deserialize, Serialize};

pub(crate) const TABLE: &str = "df_samples";
pub(crate) const MIGRATIONS: &[&str] = &[
    // One row per sample; `grain` is 0 raw, 1 hourly, 2 daily. Sixteen integers and the host's
    // two paths: about a hundred bytes a row.
    "CREATE TABLE df_samples (
        at INTEGER PRIMARY KEY,
        grain INTEGER NOT NULL DEFAULT 0,
        images_count INTEGER NOT NULL,
        images_active INTEGER NOT NULL,
        images_size INTEGER NOT NULL,
        images_reclaimable INTEGER NOT NULL,
        containers_count INTEGER NOT NULL,
        containers_active INTEGER NOT NULL,
        containers_size INTEGER NOT NULL,
        containers_reclaimable INTEGER NOT NULL,
        volumes_count INTEGER NOT NULL,
        volumes_active INTEGER NOT NULL,
        volumes_size INTEGER NOT NULL,
        volumes_reclaimable INTEGER NOT NULL,
        build_cache_count INTEGER NOT NULL,
        build_cache_active INTEGER NOT NULL,
        build_cache_size INTEGER NOT NULL,
        build_cache_reclaimable INTEGER NOT NULL,
        host_data_root TEXT,
        host_mount_point TEXT,
        host_total INTEGER,
        host_free INTEGER
    );
    CREATE INDEX df_samples_by_grain ON df_samples (grain, at)",
];

/// Samples younger than this (seconds) are kept as recorded.
pub const RAW_FOR: i64 = 2 * 86_400;
/// Samples younger than this (and older than [`RAW_FOR`]) are kept one per hour; older ones one
/// per day.
pub const HOURLY_FOR: i64 = 60 * 86_400;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;

/// One kind's figures, as `drydock df` reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DfKind {
    pub count: i64,
    pub active: i64,
    pub size: i64,
    pub reclaimable: i64,
}

/// The host disk under the engine's data root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DfHost {
    pub data_root: String,
    pub mount_point: String,
    pub total: i64,
    pub free: i64,
}

/// One stored sample (the store does not know the inventory's types; drydock-history maps).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DfSample {
    /// Unix seconds.
    pub at: i64,
    /// Images, containers, volumes, build cache.
    pub kinds: [DfKind; 4],
    pub host: Option<DfHost>,
}

/// The bucket a sample at `at` falls in when compacted as of `now`: its own time while raw, else
/// the start of its hour or day. Samples with the same key become one. The policy in one place,
/// for tests and for readers.
pub fn bucket_of(at: i64, now: i64) -> (u8, i64) {
    let (hour_cut, day_cut) = cuts(now);
    if at < day_cut {
        (2, at.div_euclid(DAY) * DAY)
    } else if at < hour_cut {
        (1, at.div_euclid(HOUR) * HOUR)
    } else {
        (0, at)
    }
}

/// Samples before the first cut are compacted hourly, before the second daily; both fall on a
/// bucket boundary so a bucket is compacted whole.
fn cuts(now: i64) -> (i64, i64) {
    let hour_cut = now.saturating_sub(RAW_FOR).div_euclid(HOUR) * HOUR;
    let day_cut = now.saturating_sub(HOURLY_FOR).div_euclid(DAY) * DAY;
    (hour_cut, day_cut.min(hour_cut))
}

const COLUMNS: &str = "at, images_count, images_active, images_size, images_reclaimable,
    containers_count, containers_active, containers_size, containers_reclaimable,
    volumes_count, volumes_active, volumes_size, volumes_reclaimable,
    build_cache_count, build_cache_active, build_cache_size, build_cache_reclaimable,
    host_data_root, host_mount_point, host_total, host_free";

impl Store {
    /// Stores `sample` (a sample at the same second replaces it) and compacts as of its time.
    pub fn record_df_sample(&self, sample: &DfSample) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        insert(&tx, sample)?;
        compact(&tx, sample.at)?;
        tx.commit()?;
        Ok(())
    }

    /// Stores many samples in one transaction, then compacts as of `now` (imports, tests).
    pub fn record_df_samples(&self, samples: &[DfSample], now: i64) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        for sample in samples {
            insert(&tx, sample)?;
        }
        compact(&tx, now)?;
        tx.commit()?;
        Ok(())
    }

    /// Samples with `since <= at <= until`, oldest first.
    pub fn df_samples(&self, since: i64, until: i64) -> Result<Vec<DfSample>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM df_samples WHERE at >= ?1 AND at <= ?2 ORDER BY at"
        ))?;
        let rows = stmt.query_map(params![since, until], |r| {
            let kind = |i: usize| -> rusqlite::Result<DfKind> {
                Ok(DfKind {
                    count: r.get(i)?,
                    active: r.get(i + 1)?,
                    size: r.get(i + 2)?,
                    reclaimable: r.get(i + 3)?,
                })
            };
            let host = match (
                r.get::<_, Option<String>>(17)?,
                r.get::<_, Option<String>>(18)?,
                r.get::<_, Option<i64>>(19)?,
                r.get::<_, Option<i64>>(20)?,
            ) {
                (Some(data_root), Some(mount_point), Some(total), Some(free)) => Some(DfHost {
                    data_root,
                    mount_point,
                    total,
                    free,
                }),
                _ => None,
            };
            Ok(DfSample {
                at: r.get(0)?,
                kinds: [kind(1)?, kind(5)?, kind(9)?, kind(13)?],
                host,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many samples the table holds.
    pub fn df_sample_count(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM df_samples", [], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Cleanup runs that finished with `since <= finished <= until`, oldest first: the marks on
    /// the disk-use timeline.
    pub fn runs_finished_between(&self, since: i64, until: i64) -> Result<Vec<Run>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT plan_id, started, finished, why, predicted, actual, removed, skipped, stopped
             FROM prune_runs WHERE finished IS NOT NULL AND finished >= ?1 AND finished <= ?2
             ORDER BY finished, rowid",
        )?;
        let u = |n: i64| u64::try_from(n).unwrap_or(0);
        let rows = stmt.query_map(params![since, until], |r| {
            Ok(Run {
                plan_id: r.get(0)?,
                started: r.get(1)?,
                finished: r.get(2)?,
                why: r.get(3)?,
                predicted: u(r.get(4)?),
                actual: r.get::<_, Option<i64>>(5)?.map(u),
                removed: u(r.get(6)?),
                skipped: u(r.get(7)?),
                stopped: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

fn insert(conn: &rusqlite::Connection, s: &DfSample) -> rusqlite::Result<()> {
    let [i, c, v, b] = s.kinds;
    let host = s.host.as_ref();
    conn.execute(
        &format!(
            "INSERT OR REPLACE INTO df_samples ({COLUMNS}) VALUES
             (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
              ?18, ?19, ?20, ?21)"
        ),
        params![
            s.at,
            i.count,
            i.active,
            i.size,
            i.reclaimable,
            c.count,
            c.active,
            c.size,
            c.reclaimable,
            v.count,
            v.active,
            v.size,
            v.reclaimable,
            b.count,
            b.active,
            b.size,
            b.reclaimable,
            host.map(|h| h.data_root.as_str()),
            host.map(|h| h.mount_point.as_str()),
            host.map(|h| h.total),
            host.map(|h| h.free),
        ],
    )?;
    Ok(())
}

/// Merges the samples that aged past a cut since the last compaction. Only rows of a finer grain
/// than their age calls for are looked at (the `(grain, at)` index finds them), so a compaction
/// costs the rows it merges, not the table.
fn compact(conn: &rusqlite::Connection, now: i64) -> rusqlite::Result<()> {
    let (hour_cut, day_cut) = cuts(now);
    for (grain, cut, width) in [(1_i64, hour_cut, HOUR), (2, day_cut, DAY)] {
        let buckets: Vec<i64> = {
            let mut stmt = conn.prepare(
                "SELECT DISTINCT (at - ((at % ?3) + ?3) % ?3) FROM df_samples
                 WHERE grain < ?1 AND at < ?2",
            )?;
            let rows = stmt.query_map(params![grain, cut, width], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        for start in buckets {
            let end = start.saturating_add(width);
            conn.execute(
                "DELETE FROM df_samples WHERE at >= ?1 AND at < ?2
                   AND at < (SELECT MAX(at) FROM df_samples WHERE at >= ?1 AND at < ?2)",
                params![start, end],
            )?;
            conn.execute(
                "UPDATE df_samples SET grain = ?3 WHERE at >= ?1 AND at < ?2",
                params![start, end, grain],
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn sample(at: i64, size: i64) -> DfSample {
        let kind = DfKind {
            count: 3,
            active: 1,
            size,
            reclaimable: size / 2,
        };
        DfSample {
            at,
            kinds: [kind, kind, kind, kind],
            host: Some(DfHost {
                data_root: "/var/lib/docker".into(),
                mount_point: "/".into(),
                total: 500_000_000_000,
                free: 200_000_000_000 - size,
            }),
        }
    }

    #[test]
    fn samples_read_back_as_written() {
        let store = Store::in_memory().expect("store");
        let mut s = sample(1_000, 42);
        store.record_df_sample(&s).expect("record");
        s.at = 1_060;
        s.host = None;
        store.record_df_sample(&s).expect("record");
        let back = store.df_samples(0, i64::MAX).expect("read");
        assert_eq!(back, vec![sample(1_000, 42), s]);
        assert_eq!(store.df_samples(1_001, 2_000).expect("span").len(), 1);
    }

    #[test]
    fn an_aged_hour_keeps_its_last_sample() {
        let store = Store::in_memory().expect("store");
        let base = 100 * DAY;
        for m in 0..60 {
            store
                .record_df_sample(&sample(base + m * 60, m))
                .expect("record");
        }
        assert_eq!(store.df_sample_count().expect("count"), 60, "still raw");
        store
            .record_df_sample(&sample(base + RAW_FOR + 2 * HOUR, 999))
            .expect("later");
        let back = store.df_samples(0, i64::MAX).expect("read");
        assert_eq!(back.len(), 2);
        assert_eq!(back[0], sample(base + 59 * 60, 59), "the last of the hour");
    }

    #[test]
    fn a_late_sample_in_a_compacted_hour_merges_into_it() {
        let store = Store::in_memory().expect("store");
        let base = 100 * DAY;
        store.record_df_sample(&sample(base + 600, 1)).expect("a");
        store
            .record_df_sample(&sample(base + RAW_FOR + 2 * HOUR, 2))
            .expect("b");
        // Recorded out of order (a clock set back): it joins its hour, which keeps the last.
        store
            .record_df_sample(&sample(base + 1_200, 3))
            .expect("late");
        store
            .record_df_sample(&sample(base + RAW_FOR + 3 * HOUR, 4))
            .expect("c");
        let back = store.df_samples(base, base + HOUR).expect("read");
        assert_eq!(back, vec![sample(base + 1_200, 3)]);
    }

    /// A year at one sample a minute: the file stays under a fixed bound and holds exactly the
    /// rows the policy says.
    #[test]
    fn a_year_of_samples_stays_small() {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::open_in(dir.path()).expect("store");
        let start = 1_700_000_000_i64;
        let minutes = 365 * 24 * 60;
        let mut day = Vec::with_capacity(1_440);
        for m in 0..minutes {
            day.push(sample(start + m * 60, m));
            if day.len() == 1_440 || m == minutes - 1 {
                let now = day.last().map(|s| s.at).unwrap_or(start);
                store.record_df_samples(&day, now).expect("record");
                day.clear();
            }
        }
        let now = start + (minutes - 1) * 60;
        let expected: BTreeSet<(u8, i64)> = (0..minutes)
            .map(|m| bucket_of(start + m * 60, now))
            .collect();
        let rows = store.df_sample_count().expect("count");
        assert_eq!(rows, expected.len() as u64);
        // 2 days raw (2 880) + 58 days hourly (1 392) + ~305 days: about 4 600 rows.
        assert!((4_500..4_700).contains(&rows), "{rows} rows");
        drop(store);
        let size = std::fs::metadata(dir.path().join(crate::FILE_NAME))
            .expect("file")
            .len();
        assert!(size < 2_000_000, "the store file is {size} bytes");
        let store = Store::open_in(dir.path()).expect("reopen");
        let back = store.df_samples(0, i64::MAX).expect("read");
        assert_eq!(back.len() as u64, rows);
        assert_eq!(back.last(), Some(&sample(now, minutes - 1)));
        assert!(back.windows(2).all(|w| w[0].at < w[1].at));
        // What one more sample costs on a year's table (a figure, not an assertion).
        let timer = std::time::Instant::now();
        for m in 1..=60 {
            store
                .record_df_sample(&sample(now + m * 60, m))
                .expect("one more");
        }
        eprintln!(
            "a year: {rows} rows, {size} bytes; one more sample: {:?}",
            timer.elapsed() / 60
        );
    }

    #[test]
    fn runs_are_listed_by_their_end() {
        let store = Store::in_memory().expect("store");
        let mut run = Run {
            plan_id: "p1".into(),
            started: 100,
            finished: None,
            why: "prune".into(),
            predicted: 10,
            actual: None,
            removed: 0,
            skipped: 0,
            stopped: None,
        };
        store.start_run(&run).expect("start");
        assert!(store
            .runs_finished_between(0, 1_000)
            .expect("none")
            .is_empty());
        run.finished = Some(200);
        run.actual = Some(9);
        run.removed = 2;
        store.finish_run(&run).expect("finish");
        assert_eq!(
            store.runs_finished_between(0, 1_000).expect("one"),
            vec![run]
        );
        assert!(store
            .runs_finished_between(201, 1_000)
            .expect("later")
            .is_empty());
    }
}
