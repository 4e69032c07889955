//! Pure inventory logic: plain engine data in, plain figures out.
//!
//! Nothing here talks to an engine or reads the clock: callers pass what the engine said (the raw
//! shapes in [`raw`]) and get back the rows Drydock shows. That keeps every figure testable on data.

pub mod df;
pub mod history;
pub mod images;
pub mod layers;
pub mod objects;
pub mod raw;
pub mod size;

pub use df::{docker_bytes, DfReport, HostDisk, KindUsage};
pub use history::{history_rows, HistoryRow};
pub use images::{image_rows, ImageRow};
pub use layers::{chain_ids, ImageLayers, Layer};
pub use objects::{
    build_cache_rows, container_rows, volume_rows, BuildCacheRow, ContainerRow, VolumeRow,
};
pub use raw::{DiskUsage, RawBuildCache, RawContainer, RawHistory, RawImage, RawVolume};
pub use size::human_bytes;
