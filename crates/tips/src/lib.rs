//! Tips from an image's own files, for images with no Dockerfile nearby: what ships but need not,
//! each with the bytes it would save (measured, or an upper bound that says what it rests on),
//! where it is (paths, layer, build step), why it matters and how to fix it.

use serde::{Deserialize, Serialize};

/// Every tip for one image. Field names are the JSON contract documented in docs/cli.md.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TipsReport {
    /// The name the image was asked by (or its first tag).
    pub image: String,
    /// The image id (`sha256:...`).
    pub id: String,
    pub tags: Vec<String>,
    /// Bytes of regular-file content the image's layers store.
    pub size: u64,
    /// What the tips would save together, each byte counted once.
    pub could_save: u64,
    /// Biggest saving first.
    pub tips: Vec<Tip>,
    /// What could not be read or judged, one line each.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Tip {
    pub kind: TipKind,
    /// One line: what and where.
    pub title: String,
    /// Bytes the fix would save.
    pub bytes: u64,
    /// `true`: `bytes` is measured on the image; `false`: an upper bound ("up to"), `estimate`
    /// says what it rests on.
    pub exact: bool,
    pub estimate: Option<String>,
    /// Biggest first, at most a few dozen; `more_paths` counts the rest.
    pub paths: Vec<TipPath>,
    pub more_paths: u64,
    /// The layer (lowest is 0) and the build step that wrote it, where one does.
    pub layer: Option<usize>,
    pub step: Option<String>,
    /// The practice, in a sentence or two.
    pub why: String,
    /// The Dockerfile change or the command that applies it.
    pub fix: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TipPath {
    /// Rooted (`/var/lib/apt/lists`).
    pub path: String,
    pub bytes: u64,
    pub layer: usize,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum TipKind {
    /// Package-manager lists, archives and caches that ship.
    PackageCache,
    /// Compilers, SDKs, `-dev` packages, node devDependencies in the final image.
    BuildTools,
    /// Bytes a later layer overwrote or deleted: stored, shipped, never seen.
    HiddenBytes,
    /// The same content in more than one layer.
    DuplicateFiles,
    /// Archives beside their extracted tree, core dumps, `.git` directories, test fixtures.
    BuildLeftovers,
    /// The base image's share, and a smaller local image of the same family.
    BaseImage,
    /// The image's user is root.
    RunsAsRoot,
    /// A private key, credentials or token file in the filesystem (names and places only).
    SecretInFile,
    /// A secret-looking variable in the config's env or a build step (names only).
    SecretInConfig,
}

pub mod detect;
mod facts;
mod image;
mod kept;

pub use detect::{could_save, detect, scrub_secrets, wanted};
pub use facts::{
    ConfigFacts, FileFact, FileKind, ImageFacts, LayerFact, LocalImage, HASH_MIN_BYTES,
};
pub use image::{
    archive_tips, cached_tips, image_tips, image_tips_among, local_images, Read, TipsError,
};
