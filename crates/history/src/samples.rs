//! Disk use over time: one [`Sample`] of `drydock df`'s figures per look (the CLI's `df`, the
//! app's refreshes), kept in the store's `df_samples` table and compacted as it ages (see
//! [`drydock_store::RAW_FOR`]: raw for 2 days, one per hour until 60 days, then one per day; a
//! compacted sample keeps the figures of the last sample of its hour or day). Read back with the
//! cleanups of the journal and, when the samples support one, a forecast of when the host disk
//! fills.

use crate::{CleanupMark, DfHistory, Forecast, HistoryError, Sample};
use drydock_inventory::{DfReport, HostDisk, KindUsage};
use drydock_store::{DfHost, DfKind, DfSample, Store};
use std::sync::Mutex;

const DAY: i64 = 86_400;
/// The forecast looks at the samples of this many days before the end of the span.
pub const FORECAST_WINDOW_DAYS: i64 = 14;
/// ... and needs at least this many of them,
pub const FORECAST_MIN_SAMPLES: usize = 6;
/// ... spanning at least this many days: a burst of pulls in one afternoon is not a trend.
pub const FORECAST_MIN_SPAN_DAYS: i64 = 3;
/// A disk that fills further out than this at the recent rate gets no forecast: the rate says
/// nothing about years ahead.
const FORECAST_HORIZON: i64 = 5 * 365 * DAY;

/// The sample `drydock df` reported at `at` (Unix seconds).
pub fn sample_of(report: &DfReport, at: i64) -> Sample {
    Sample {
        at,
        images: report.images,
        containers: report.containers,
        volumes: report.volumes,
        build_cache: report.build_cache,
        host: report.host.clone(),
    }
}

/// Stores `sample` and compacts the samples that aged since the last one.
pub fn record_sample(store: &Mutex<Store>, sample: &Sample) -> Result<(), HistoryError> {
    let store = store.lock().map_err(|_| HistoryError::Poisoned)?;
    store.record_df_sample(&to_stored(sample))?;
    Ok(())
}

/// Disk use between `since` and `until` (Unix seconds, both included): the samples, the
/// cleanups that ended in the span, and the forecast as of `until` (from the samples of the
/// [`FORECAST_WINDOW_DAYS`] before it, whatever the span).
pub fn df_history(store: &Mutex<Store>, since: i64, until: i64) -> Result<DfHistory, HistoryError> {
    let store = store.lock().map_err(|_| HistoryError::Poisoned)?;
    let window_start = until.saturating_sub(FORECAST_WINDOW_DAYS * DAY);
    let read_from = since.min(window_start);
    let stored = store.df_samples(read_from, until)?;
    let runs = store.runs_finished_between(since, until)?;
    drop(store);
    let all: Vec<Sample> = stored.iter().map(from_stored).collect();
    let forecast = forecast(&all, until);
    let samples = all.into_iter().filter(|s| s.at >= since).collect();
    let cleanups = runs
        .into_iter()
        .filter_map(|run| {
            Some(CleanupMark {
                at: run.finished?,
                freed: run.actual.unwrap_or(run.predicted),
                removed: run.removed,
            })
        })
        .collect();
    Ok(DfHistory {
        since,
        until,
        samples,
        cleanups,
        forecast,
    })
}

/// Docker's total use in a sample: the four kinds' sizes.
pub fn total_size(sample: &Sample) -> i64 {
    [
        &sample.images,
        &sample.containers,
        &sample.volumes,
        &sample.build_cache,
    ]
    .iter()
    .map(|k| k.size.max(0))
    .fold(0_i64, i64::saturating_add)
}

/// When the host disk fills at the rate Docker's use grew over the [`FORECAST_WINDOW_DAYS`]
/// before `now`: a least-squares line through the total use of those samples. `None` unless
/// there are [`FORECAST_MIN_SAMPLES`] of them over [`FORECAST_MIN_SPAN_DAYS`] days, use grows,
/// the newest sample knows the host disk, and the disk fills within five years.
pub fn forecast(samples: &[Sample], now: i64) -> Option<Forecast> {
    let start = now.saturating_sub(FORECAST_WINDOW_DAYS * DAY);
    let window: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.at >= start && s.at <= now)
        .collect();
    let (first, last) = (window.first()?, window.last()?);
    let span = last.at.saturating_sub(first.at);
    if window.len() < FORECAST_MIN_SAMPLES || span < FORECAST_MIN_SPAN_DAYS * DAY {
        return None;
    }
    let free = last.host.as_ref()?.free;
    // Centred on the means: Unix seconds squared would lose the slope in f64's rounding.
    let n = window.len() as f64;
    let mean_t = window.iter().map(|s| (s.at - first.at) as f64).sum::<f64>() / n;
    let mean_y = window.iter().map(|s| total_size(s) as f64).sum::<f64>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for s in &window {
        let dt = (s.at - first.at) as f64 - mean_t;
        sxy += dt * (total_size(s) as f64 - mean_y);
        sxx += dt * dt;
    }
    let per_second = sxy / sxx;
    if !per_second.is_finite() || per_second <= 0.0 {
        return None;
    }
    let seconds = free as f64 / per_second;
    if !seconds.is_finite() || seconds > FORECAST_HORIZON as f64 {
        return None;
    }
    Some(Forecast {
        full_at: last.at.saturating_add(seconds.round() as i64),
        bytes_per_day: per_second * DAY as f64,
        basis: format!(
            "the last {FORECAST_WINDOW_DAYS} days: {} samples over {:.1} days",
            window.len(),
            span as f64 / DAY as f64
        ),
    })
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn to_stored(s: &Sample) -> DfSample {
    let kind = |k: &KindUsage| DfKind {
        count: to_i64(k.count),
        active: to_i64(k.active),
        size: k.size,
        reclaimable: k.reclaimable,
    };
    DfSample {
        at: s.at,
        kinds: [
            kind(&s.images),
            kind(&s.containers),
            kind(&s.volumes),
            kind(&s.build_cache),
        ],
        host: s.host.as_ref().map(|h| DfHost {
            data_root: h.data_root.clone(),
            mount_point: h.mount_point.clone(),
            total: to_i64(h.total),
            free: to_i64(h.free),
        }),
    }
}

fn from_stored(s: &DfSample) -> Sample {
    let kind = |k: &DfKind| KindUsage {
        count: to_u64(k.count),
        active: to_u64(k.active),
        size: k.size,
        reclaimable: k.reclaimable,
    };
    let [images, containers, volumes, build_cache] = &s.kinds;
    Sample {
        at: s.at,
        images: kind(images),
        containers: kind(containers),
        volumes: kind(volumes),
        build_cache: kind(build_cache),
        host: s.host.as_ref().map(|h| HostDisk {
            data_root: h.data_root.clone(),
            mount_point: h.mount_point.clone(),
            total: to_u64(h.total),
            free: to_u64(h.free),
        }),
    }
}

#[cfg(test)]
mod tests;
