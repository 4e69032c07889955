use super::*;
use drydock_history::{CleanupMark, Forecast};
use drydock_inventory::{HostDisk, KindUsage};

const T0: i64 = 1_780_000_000;

fn usage(size: i64) -> KindUsage {
    KindUsage {
        count: 1,
        active: 0,
        size,
        reclaimable: size / 2,
    }
}

fn sample(at: i64, images: i64) -> Sample {
    Sample {
        at,
        images: usage(images),
        containers: usage(2_000_000_000),
        volumes: usage(1_500_000_000),
        build_cache: usage(images / 3),
        host: Some(HostDisk {
            data_root: "/var/lib/docker".into(),
            mount_point: "/".into(),
            total: 100_000_000_000,
            free: 40_000_000_000,
        }),
    }
}

fn week() -> DfHistory {
    DfHistory {
        since: T0,
        until: T0 + 7 * 86_400,
        samples: (0..=14)
            .map(|i| {
                let images = if i < 9 {
                    3_000_000_000 + i * 500_000_000
                } else {
                    2_500_000_000
                };
                sample(T0 + i * 43_200, images)
            })
            .collect(),
        cleanups: vec![CleanupMark {
            at: T0 + 9 * 43_200 - 600,
            freed: 4_500_000_000,
            removed: 12,
        }],
        forecast: Some(Forecast {
            full_at: T0 + 60 * 86_400,
            bytes_per_day: 700_000_000.0,
            basis: "the last 14 days: 15 samples over 7.0 days".into(),
        }),
    }
}

#[test]
fn a_week_with_a_cleanup_and_a_forecast() {
    let svg = disk_use_over_time(&week(), 720);
    assert!(svg.starts_with("<svg"), "{svg}");
    assert!(svg.contains("−4.5 GB") || svg.contains("−4.2 GiB"), "{svg}");
    assert!(svg.contains("the host disk fills around 2026-"), "{svg}");
    insta::assert_snapshot!("disk_use_over_time_week", svg);
}

#[test]
fn no_samples_gets_a_note() {
    let history = DfHistory {
        since: T0,
        until: T0 + 86_400,
        samples: vec![],
        cleanups: vec![],
        forecast: None,
    };
    let svg = disk_use_over_time(&history, 720);
    assert!(svg.contains("Nothing here yet"));
}

#[test]
fn one_sample_is_a_dot_and_a_short_span_shows_hours() {
    let history = DfHistory {
        since: T0,
        until: T0 + 3_600,
        samples: vec![sample(T0 + 60, 1_000)],
        cleanups: vec![],
        forecast: None,
    };
    let svg = disk_use_over_time(&history, 720);
    assert!(svg.contains("<circle"), "{svg}");
    assert!(svg.contains(&when(T0, false)));
    assert!(svg.contains("No forecast"));
}

#[test]
fn forecast_text_is_escaped() {
    let mut history = week();
    if let Some(f) = history.forecast.as_mut() {
        f.basis = "<script>alert(1)</script>&".into();
    }
    let svg = disk_use_over_time(&history, 720);
    assert!(!svg.contains("<script"), "{svg}");
    assert!(svg.contains("&lt;script&gt;"));
}

#[test]
fn dates_are_utc_calendar_days() {
    assert_eq!(when(0, true), "1970-01-01");
    assert_eq!(when(951_782_400, true), "2000-02-29");
    assert_eq!(when(1_780_000_000, false), "2026-05-28 20:26");
    assert_eq!(when(-86_400, true), "1969-12-31");
}

#[test]
fn any_span_draws_without_overflow() {
    let mut history = week();
    history.since = i64::MIN;
    history.until = i64::MAX;
    history.samples[0].at = i64::MIN;
    history.samples[0].images.size = i64::MAX;
    history.samples[0].images.reclaimable = i64::MIN;
    let svg = disk_use_over_time(&history, 0);
    assert!(svg.starts_with("<svg"));
}

#[test]
fn close_cleanups_share_one_label_with_their_bytes_summed() {
    let mut history = week();
    let at = history.cleanups[0].at;
    history.cleanups = (0..5)
        .map(|i| CleanupMark {
            at: at + i * 60,
            freed: 1_000_000,
            removed: 1,
        })
        .collect();
    let svg = disk_use_over_time(&history, 720);
    assert!(svg.contains("−5 MB (5 cleanups)"), "{svg}");
    assert_eq!(svg.matches("cleanups)").count(), 1, "{svg}");
    // Far apart, each keeps its own label.
    assert_eq!(
        mark_labels(&[(100, 1), (400, 2), (410, 3)], 130),
        vec![(100, 1, 1), (410, 5, 2)]
    );
    // A chain of close marks is one label: two labels never stand closer than the room.
    assert_eq!(
        mark_labels(&[(0, 1), (129, 2), (131, 3)], 130),
        vec![(131, 6, 3)]
    );
}

#[test]
fn the_last_date_is_anchored_inside_the_chart() {
    let svg = disk_use_over_time(&week(), 720);
    let last = when(T0 + 7 * 86_400, true);
    let tag = svg
        .split("<text")
        .find(|t| t.contains(&last))
        .unwrap_or_default();
    assert!(tag.contains("text-anchor=\"end\""), "{tag}");
}
