use super::*;
use drydock_store::Run;

const T0: i64 = 1_780_000_000;

fn usage(size: i64) -> KindUsage {
    KindUsage {
        count: 2,
        active: 1,
        size,
        reclaimable: size / 4,
    }
}

/// Images at `images` bytes, 10 MB of everything else, the host with `free` bytes free.
fn sample(at: i64, images: i64, free: Option<u64>) -> Sample {
    Sample {
        at,
        images: usage(images),
        containers: usage(4_000_000),
        volumes: usage(5_000_000),
        build_cache: usage(1_000_000),
        host: free.map(|free| HostDisk {
            data_root: "/var/lib/docker".into(),
            mount_point: "/".into(),
            total: 100_000_000_000,
            free,
        }),
    }
}

#[test]
fn a_report_becomes_a_sample_and_reads_back_whole() {
    let report = DfReport {
        images: usage(7),
        containers: usage(8),
        volumes: usage(9),
        build_cache: usage(10),
        host: Some(HostDisk {
            data_root: "/d".into(),
            mount_point: "/".into(),
            total: 100,
            free: 40,
        }),
    };
    let s = sample_of(&report, T0);
    assert_eq!(s.at, T0);
    assert_eq!(s.build_cache, usage(10));
    let store = Mutex::new(Store::in_memory().expect("store"));
    record_sample(&store, &s).expect("record");
    let mut no_host = s.clone();
    no_host.at += 60;
    no_host.host = None;
    record_sample(&store, &no_host).expect("record");
    let history = df_history(&store, T0, T0 + 60).expect("history");
    assert_eq!(history.samples, vec![s, no_host]);
    assert_eq!(history.since, T0);
    assert!(history.cleanups.is_empty() && history.forecast.is_none());
}

#[test]
fn cleanups_are_marked_with_what_they_freed() {
    let store = Store::in_memory().expect("store");
    for (id, finished, actual) in [("a", T0 + 10, Some(500)), ("b", T0 + 20, None)] {
        let mut run = Run {
            plan_id: id.into(),
            started: T0,
            finished: None,
            why: "prune".into(),
            predicted: 700,
            actual: None,
            removed: 0,
            skipped: 0,
            stopped: None,
        };
        store.start_run(&run).expect("start");
        run.finished = Some(finished);
        run.actual = actual;
        run.removed = 3;
        store.finish_run(&run).expect("finish");
    }
    let store = Mutex::new(store);
    let history = df_history(&store, T0, T0 + 100).expect("history");
    assert_eq!(
        history.cleanups,
        vec![
            CleanupMark {
                at: T0 + 10,
                freed: 500,
                removed: 3
            },
            // Not measured: the journal's prediction stands in.
            CleanupMark {
                at: T0 + 20,
                freed: 700,
                removed: 3
            },
        ]
    );
    assert!(df_history(&store, T0 + 11, T0 + 100)
        .expect("later")
        .cleanups
        .iter()
        .all(|c| c.at == T0 + 20));
}

/// Every six hours for `days` days, images growing by `per_day` bytes a day, the free disk
/// shrinking as much.
fn series(days: i64, per_day: i64) -> Vec<Sample> {
    (0..=days * 4)
        .map(|i| {
            let at = T0 + i * DAY / 4;
            let grown = per_day * i / 4;
            sample(
                at,
                1_000_000_000 + grown,
                Some(u64::try_from(50_000_000_000 - grown).expect("free")),
            )
        })
        .collect()
}

#[test]
fn steady_growth_forecasts_the_day_the_disk_fills() {
    let samples = series(10, 1_000_000_000);
    let now = samples.last().expect("some").at;
    let f = forecast(&samples, now).expect("a forecast");
    // 40 GB free after ten days, growing 1 GB a day: full 40 days after the last sample.
    assert!((f.bytes_per_day - 1e9).abs() < 1.0, "{}", f.bytes_per_day);
    assert!(
        (f.full_at - (now + 40 * DAY)).abs() <= 1,
        "{}",
        f.full_at - now
    );
    assert_eq!(f.basis, "the last 14 days: 41 samples over 10.0 days");
}

#[test]
fn only_the_last_fourteen_days_count() {
    // Shrinking for a month until 15 days before the growth, then growing for ten days.
    let mut samples: Vec<Sample> = (15..45)
        .rev()
        .map(|k| {
            sample(
                T0 - k * DAY,
                1_000_000_000 + (k - 15) * 1_000_000_000,
                Some(1),
            )
        })
        .collect();
    samples.extend(series(10, 1_000_000_000));
    let now = samples.last().expect("some").at;
    assert!(forecast(&samples, now).is_some());
}

#[test]
fn flat_use_has_no_forecast() {
    assert_eq!(forecast(&series(10, 0), T0 + 10 * DAY), None);
}

#[test]
fn shrinking_use_has_no_forecast() {
    assert_eq!(forecast(&series(10, -100_000_000), T0 + 10 * DAY), None);
}

#[test]
fn too_few_samples_or_too_short_a_span_has_no_forecast() {
    let few: Vec<Sample> = series(10, 1_000_000_000).into_iter().step_by(10).collect();
    assert_eq!(few.len(), 5);
    assert_eq!(forecast(&few, T0 + 10 * DAY), None);
    // Many samples, two days.
    assert_eq!(forecast(&series(2, 1_000_000_000), T0 + 2 * DAY), None);
}

#[test]
fn an_unknown_host_disk_has_no_forecast() {
    let mut samples = series(10, 1_000_000_000);
    if let Some(last) = samples.last_mut() {
        last.host = None;
    }
    assert_eq!(forecast(&samples, T0 + 10 * DAY), None);
}

#[test]
fn growth_too_slow_to_matter_has_no_forecast() {
    // 1 kB a day against 40 GB free: over a hundred thousand years.
    assert_eq!(forecast(&series(10, 1_000), T0 + 10 * DAY), None);
}

#[test]
fn the_history_carries_the_forecast_as_of_its_end() {
    let store = Mutex::new(Store::in_memory().expect("store"));
    for s in series(10, 1_000_000_000) {
        record_sample(&store, &s).expect("record");
    }
    // A span of the last day only: the forecast still rests on the last fourteen days.
    let until = T0 + 10 * DAY;
    let history = df_history(&store, until - DAY, until).expect("history");
    assert_eq!(history.samples.len(), 5);
    let f = history.forecast.expect("forecast");
    assert!((f.full_at - (until + 40 * DAY)).abs() <= 1);
    assert!(df_history(&store, T0, T0 + DAY)
        .expect("early")
        .forecast
        .is_none());
}

#[test]
fn recording_compacts_as_samples_age() {
    // Every five minutes for 70 days, through the function the app and the CLI call.
    let store = Mutex::new(Store::in_memory().expect("store"));
    let step = 300;
    let count = 70 * DAY / step;
    for i in 0..count {
        record_sample(&store, &sample(T0 + i * step, i, Some(1))).expect("record");
    }
    let now = T0 + (count - 1) * step;
    let expected: std::collections::BTreeSet<(u8, i64)> = (0..count)
        .map(|i| drydock_store::bucket_of(T0 + i * step, now))
        .collect();
    let history = df_history(&store, 0, now).expect("history");
    assert_eq!(history.samples.len(), expected.len());
    // 2 days raw (576), 58 days hourly (1 392), 10 days daily: ~1 980.
    assert!(
        (1_950..2_010).contains(&history.samples.len()),
        "{}",
        history.samples.len()
    );
    // A compacted hour carries its last sample: T0 is 26:40 past an hour, so samples fall at
    // 1:40, 6:40, ... 56:40 past each hour; the last is at 56:40 (3 400 s).
    let hourly = history
        .samples
        .iter()
        .find(|s| s.at > now - 30 * DAY)
        .expect("an hourly sample");
    assert_eq!(T0.rem_euclid(3_600), 1_600);
    assert_eq!(hourly.at.rem_euclid(3_600), 3_400);
}
