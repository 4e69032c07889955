//! What grew, when and why. Docker forgets: `docker system df` has no past, and an image's
//! history says how it was built, not how it changed since the last build. Drydock keeps the
//! past: disk use sampled over time (compacted as it ages), every image it has seen under each
//! repository (removed ones too), and the file-level diff of two images.

use drydock_inventory::{HostDisk, KindUsage};
use serde::{Deserialize, Serialize};

mod builds;
mod diff;
mod error;
mod samples;

pub use builds::{
    attribute_records, build_records, record_seen, records_of, repositories, repository_history,
    repository_of, seen_now, seen_now_known, MAX_REMOVED_PER_REPOSITORY,
};
pub use diff::{diff_images, diff_trees, DiffProgress, FileEntry, ImageFiles};
pub use error::HistoryError;
pub use samples::{
    df_history, forecast, record_sample, sample_of, total_size, FORECAST_MIN_SAMPLES,
    FORECAST_MIN_SPAN_DAYS, FORECAST_WINDOW_DAYS,
};

/// The figures of `drydock df` at one moment. Field names are the JSON contract (docs/cli.md).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Sample {
    /// Unix seconds. A compacted sample stands for its hour or day and carries its last time.
    pub at: i64,
    pub images: KindUsage,
    pub containers: KindUsage,
    pub volumes: KindUsage,
    pub build_cache: KindUsage,
    /// The host disk under the engine's data root, when the engine runs on this machine.
    pub host: Option<HostDisk>,
}

/// Disk use over a span of time, for `drydock df --history` and the app's chart.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DfHistory {
    /// Unix seconds: the span asked for.
    pub since: i64,
    pub until: i64,
    /// Oldest first.
    pub samples: Vec<Sample>,
    /// Cleanups from the journal within the span, oldest first.
    pub cleanups: Vec<CleanupMark>,
    /// When the host disk fills at the recent rate; only when the samples support it.
    pub forecast: Option<Forecast>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CleanupMark {
    /// Unix seconds the run ended.
    pub at: i64,
    /// Bytes the run freed, as measured.
    pub freed: u64,
    /// Objects it removed.
    pub removed: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Forecast {
    /// Unix seconds when the host disk's free bytes reach zero at `bytes_per_day`.
    pub full_at: i64,
    /// Growth of Docker's use, bytes per day, over the samples it rests on.
    pub bytes_per_day: f64,
    /// What it rests on, in words ("the last 14 days: 38 samples").
    pub basis: String,
}

/// An image Drydock has seen, kept after it is removed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SeenImage {
    /// `sha256:...`
    pub id: String,
    /// Tags it had when last seen.
    pub tags: Vec<String>,
    /// Unix seconds the image says it was created.
    pub created: i64,
    /// Nanoseconds past `created`'s second, so builds within one second keep their order; 0
    /// when not known (images recorded before Drydock read it).
    pub created_nanos: u32,
    /// The engine's size.
    pub size: u64,
    /// Diff ids, lowest first.
    pub layers: Vec<String>,
    /// Unix seconds Drydock first and last saw it.
    pub first_seen: i64,
    pub last_seen: i64,
    /// Still on the engine.
    pub present: bool,
}

/// One build of a repository, with the change from the build before it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Build {
    pub image: SeenImage,
    /// Size minus the previous build's; `None` for the first.
    pub size_delta: Option<i64>,
    /// Layers it shares with the previous build (a common prefix is what the cache reused).
    pub shared_layers: Option<usize>,
}

/// Every build Drydock has seen under one repository name (`myapp`), in build order.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RepositoryHistory {
    pub repository: String,
    /// Oldest first (by created time to the nanosecond where known, then first seen).
    pub builds: Vec<Build>,
}

/// A BuildKit build record the engine keeps in its build cache.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BuildRecord {
    pub id: String,
    /// The step as BuildKit describes it (`[2/4] RUN ...`).
    pub description: String,
    pub kind: String,
    pub size: u64,
    pub in_use: bool,
    pub shared: bool,
    /// Unix seconds; `None` when the engine does not say.
    pub created: Option<i64>,
    pub last_used: Option<i64>,
    pub usage_count: u64,
    /// The local image it produced, where that can be told.
    pub image: Option<String>,
}

/// What differs between two images, for "why is build 42 bigger than build 41". Field names are
/// the JSON contract (docs/cli.md).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImageDiff {
    /// The names asked, and their ids.
    pub a: String,
    pub b: String,
    pub a_id: String,
    pub b_id: String,
    /// Layers both images have at the same place from the bottom (the shared base).
    pub shared_layers: usize,
    /// B's size minus A's (bytes of regular-file content of their final filesystems).
    pub size_delta: i64,
    /// Biggest first. Files whose content is identical count as unchanged even when their
    /// layer differs.
    pub added: Vec<PathBytes>,
    pub removed: Vec<PathBytes>,
    pub changed: Vec<ChangedPath>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PathBytes {
    /// Rooted (`/app/dist/main.js`).
    pub path: String,
    pub bytes: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChangedPath {
    pub path: String,
    pub bytes_before: u64,
    pub bytes_after: u64,
}
