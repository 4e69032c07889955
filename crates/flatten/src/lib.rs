//! Flatten an image into a new single-layer image with the same filesystem and the same config,
//! never touching the original: the saving predicted exactly before (the bytes later layers hide),
//! with its cost (the bytes no longer shared with other local images, the history lost), and
//! after, the size measured next to the prediction and a content digest of both trees.

mod archive;
mod digest;
mod error;
mod filter;
mod plan;
mod run;
mod scan;
mod tarstream;
#[cfg(test)]
mod test_tar;

pub use error::FlattenError;
pub use plan::plan;
pub use run::flatten;

use serde::{Deserialize, Serialize};

/// The label of the temporary container a flatten creates (never started) to read the image's
/// filesystem; one left by a flatten that died is removed by the next.
pub const FLATTEN_LABEL: &str = "io.drydock.flatten";

/// What flattening image `image` would do, shown before the user confirms.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FlattenPlan {
    /// The name the image was asked by.
    pub image: String,
    /// The image id (`sha256:...`); the run refuses when the name points elsewhere by then.
    pub id: String,
    pub tags: Vec<String>,
    /// The tag the flat image will get; the run refuses when it exists by then.
    pub new_tag: String,
    /// Layers today (the flat image has one).
    pub layers: usize,
    /// Bytes of regular-file content the layers store today (layer analysis).
    pub stored_bytes: u64,
    /// The flat image's bytes: `stored_bytes - predicted_saving`.
    pub predicted_bytes: u64,
    /// Bytes later layers hide today, which the flat image does not carry.
    pub predicted_saving: u64,
    /// Bytes of this image's layers that other local images use today; the flat image shares
    /// none of them, so keeping both costs these again.
    pub shared_bytes: u64,
    /// The local images that share them.
    pub sharing_images: Vec<String>,
    /// The build steps the flat image's history will not have, oldest first.
    pub history_lost: Vec<String>,
    /// Why this image cannot be flattened faithfully; set, the run refuses.
    pub refusal: Option<String>,
}

/// What flattening did, measured.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Flattened {
    pub plan: FlattenPlan,
    pub new_id: String,
    pub new_tag: String,
    /// Bytes of regular-file content the flat image stores (layer analysis), next to
    /// `plan.predicted_bytes`.
    pub measured_bytes: u64,
    /// The engine's own size of both images.
    pub engine_size_before: u64,
    pub engine_size_after: u64,
    /// Content digests of both filesystems (paths, types, modes, owners, link targets, contents).
    pub original_digest: String,
    pub flattened_digest: String,
    pub same_tree: bool,
}

/// How far a flatten has come, for progress bars.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum FlattenProgress {
    /// Reading the original image's layers (plan) or filesystem (run).
    Reading { read: u64, total: u64 },
    /// Handing the flat image to the engine.
    Loading,
    /// Reading the flat image back to measure it and prove its filesystem.
    Verifying { read: u64, total: u64 },
}
