//! When Drydock speaks up outside its window: pure decisions on plain data (the time comes in as
//! a parameter), so the rate limits are tested without a desktop.

use drydock_cleanup::ScheduledRun;
use drydock_inventory::{human_bytes, DfReport};
use serde::{Deserialize, Serialize};

/// A host-disk alert is repeated at most this often while the disk stays over the threshold.
pub const DISK_ALERT_EVERY: i64 = 6 * 60 * 60;
/// How far (in percentage points) the disk must fall under the threshold before crossing it
/// again alerts at once: a disk hovering at the line does not alert on every refresh.
pub const DISK_REARM_POINTS: u64 = 1;

/// What the disk alert remembers between refreshes (and across restarts: it is kept in the store).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DiskWatch {
    /// The disk was over the threshold at the last look (and has not fallen back under it since).
    pub over: bool,
    /// When the last alert was shown (unix seconds).
    pub told_at: Option<i64>,
}

/// The disk alert's decision for one look at the disk: `used` of `total` bytes at `now`, with a
/// threshold of `percent`. Returns the watch to keep and whether to alert now. An alert comes
/// when the disk crosses the threshold, and again while it stays over only once
/// [`DISK_ALERT_EVERY`] has passed; falling under it (by [`DISK_REARM_POINTS`]) re-arms it.
pub fn disk_alert(
    watch: DiskWatch,
    used: u64,
    total: u64,
    percent: u8,
    now: i64,
) -> (DiskWatch, bool) {
    if total == 0 {
        return (watch, false);
    }
    let (used, total, percent) = (u128::from(used), u128::from(total), u128::from(percent));
    let over = used * 100 >= percent * total;
    if !over {
        let rearm = percent.saturating_sub(u128::from(DISK_REARM_POINTS));
        let under = used * 100 < rearm * total;
        // Between the re-arm line and the threshold: still counted as over, so a disk hovering
        // at the line stays quiet.
        let still_over = watch.over && !under;
        return (
            DiskWatch {
                over: still_over,
                ..watch
            },
            false,
        );
    }
    let due = !watch.over || watch.told_at.is_none_or(|at| now - at >= DISK_ALERT_EVERY);
    if due {
        (
            DiskWatch {
                over: true,
                told_at: Some(now),
            },
            true,
        )
    } else {
        (
            DiskWatch {
                over: true,
                ..watch
            },
            false,
        )
    }
}

/// What Drydock could free right now: the reclaimable bytes of images, containers and build
/// cache. Volumes hold data, so they are never counted as free to take.
pub fn freeable(report: &DfReport) -> u64 {
    [&report.images, &report.containers, &report.build_cache]
        .iter()
        .map(|k| u64::try_from(k.reclaimable).unwrap_or(0))
        .sum()
}

/// The disk alert's title and body.
pub fn disk_words(used: u64, total: u64, freeable: u64) -> (String, String) {
    let percent = if total == 0 {
        0
    } else {
        u128::from(used) * 100 / u128::from(total)
    };
    let title = format!("The disk Docker uses is {percent}% full");
    let body = if freeable == 0 {
        "Drydock finds nothing it could free safely right now: look at what takes the space in Drydock."
            .to_owned()
    } else {
        format!(
            "Drydock could free {} right now (volumes not counted). Open Drydock to clean up.",
            bytes(freeable)
        )
    };
    (title, body)
}

/// Whether a scheduled run is worth a desktop notification: one that removed something or
/// stopped early is; one that found nothing to do is routine; one that could not run is told
/// once, not again on each retry while the engine stays away (`was_failing`).
pub fn run_worth_telling(run: &ScheduledRun, was_failing: bool) -> bool {
    match (&run.plan_id, &run.error) {
        (None, Some(_)) => !was_failing,
        (None, None) => false,
        (Some(_), _) => run.removed > 0 || run.error.is_some(),
    }
}

/// A scheduled run's notification: title and body.
pub fn run_words(run: &ScheduledRun) -> (String, String) {
    if let (None, Some(error)) = (&run.plan_id, &run.error) {
        return (
            "The scheduled clean-up could not run".to_owned(),
            format!(
                "{}. Drydock tries again in 15 minutes.",
                error.trim().trim_end_matches('.')
            ),
        );
    }
    let images = |n: usize| {
        if n == 1 {
            "1 image".to_owned()
        } else {
            format!("{n} images")
        }
    };
    let mut body = match run.freed {
        Some(freed) => format!(
            "Removed {} and freed {}.",
            images(run.removed),
            bytes(freed)
        ),
        None => format!("Removed {}.", images(run.removed)),
    };
    if let Some(error) = &run.error {
        body.push_str(&format!(
            " Stopped early: {}.",
            error.trim().trim_end_matches('.')
        ));
    }
    body.push_str(" Open Drydock's journal for the list.");
    ("Scheduled clean-up done".to_owned(), body)
}

/// Whether closing the window keeps Drydock running in the tray: the user wants it, and there is
/// work to do in the background (a schedule, or alerts). Without a tray it always quits: the
/// user would have no way back to it.
pub fn stays_in_tray(
    keep_in_tray: bool,
    tray_shown: bool,
    schedule_on: bool,
    alerts_on: bool,
) -> bool {
    keep_in_tray && tray_shown && (schedule_on || alerts_on)
}

fn bytes(n: u64) -> String {
    human_bytes(i64::try_from(n).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GB: u64 = 1_000_000_000;
    const HOUR: i64 = 60 * 60;

    /// Looks at the disk at each `(percent used, hour)` and returns the hours that alerted.
    fn alerts(looks: &[(u64, i64)]) -> Vec<i64> {
        let mut watch = DiskWatch::default();
        let mut told = Vec::new();
        for &(used, hour) in looks {
            let (next, alert) = disk_alert(watch, used * GB, 100 * GB, 90, hour * HOUR);
            watch = next;
            if alert {
                told.push(hour);
            }
        }
        told
    }

    #[test]
    fn crossing_the_threshold_alerts_once() {
        assert_eq!(alerts(&[(80, 0), (90, 1), (91, 2), (95, 3)]), vec![1]);
    }

    #[test]
    fn a_disk_that_stays_full_is_told_again_after_six_hours() {
        assert_eq!(
            alerts(&[(92, 0), (92, 5), (93, 6), (93, 11), (93, 12)]),
            vec![0, 6, 12]
        );
    }

    #[test]
    fn crossing_again_after_going_under_alerts_at_once() {
        assert_eq!(alerts(&[(92, 0), (70, 1), (92, 2)]), vec![0, 2]);
    }

    #[test]
    fn a_disk_hovering_at_the_line_stays_quiet() {
        // 89.5% is under the threshold but not under the re-arm line (89%).
        let mut watch = DiskWatch::default();
        let mut told = 0;
        for (i, used) in [900, 895, 900, 895, 900].into_iter().enumerate() {
            let (next, alert) = disk_alert(watch, used * GB / 10, 100 * GB, 90, i as i64 * HOUR);
            watch = next;
            told += usize::from(alert);
        }
        assert_eq!(told, 1);
    }

    #[test]
    fn under_the_threshold_or_without_a_size_nothing_is_told() {
        assert_eq!(alerts(&[(10, 0), (89, 1)]), Vec::<i64>::new());
        assert!(!disk_alert(DiskWatch::default(), 5, 0, 90, 0).1);
    }

    #[test]
    fn the_disk_alert_says_what_drydock_could_free() {
        let (title, body) = disk_words(92 * GB, 100 * GB, 3_400_000_000);
        assert_eq!(title, "The disk Docker uses is 92% full");
        assert!(
            body.starts_with("Drydock could free 3.4 GB right now"),
            "{body}"
        );
        assert!(disk_words(92 * GB, 100 * GB, 0)
            .1
            .contains("nothing it could free"));
    }

    fn run(plan: bool, removed: usize, error: Option<&str>) -> ScheduledRun {
        ScheduledRun {
            at: 0,
            plan_id: plan.then(|| "p".to_owned()),
            removed,
            skipped: 0,
            freed: Some(2_500_000_000),
            image_bytes: 0,
            max_bytes: 0,
            fits: true,
            error: error.map(str::to_owned),
        }
    }

    #[test]
    fn only_scheduled_runs_that_did_something_or_failed_first_are_told() {
        assert!(run_worth_telling(&run(true, 3, None), false));
        assert!(
            !run_worth_telling(&run(false, 0, None), false),
            "nothing to do is routine"
        );
        assert!(run_worth_telling(&run(false, 0, Some("no engine")), false));
        assert!(
            !run_worth_telling(&run(false, 0, Some("no engine")), true),
            "each retry"
        );
        assert!(run_worth_telling(
            &run(true, 1, Some("engine went away")),
            true
        ));
        let (title, body) = run_words(&run(true, 3, None));
        assert_eq!(title, "Scheduled clean-up done");
        assert!(
            body.starts_with("Removed 3 images and freed 2.5 GB."),
            "{body}"
        );
        assert!(run_words(&run(false, 0, Some("no engine.")))
            .1
            .starts_with("no engine. Drydock"));
    }

    #[test]
    fn closing_keeps_drydock_in_the_tray_only_with_work_to_do_and_a_tray() {
        assert!(stays_in_tray(true, true, true, false));
        assert!(stays_in_tray(true, true, false, true));
        assert!(!stays_in_tray(true, true, false, false));
        assert!(!stays_in_tray(false, true, true, true));
        assert!(!stays_in_tray(true, false, true, true));
    }
}
