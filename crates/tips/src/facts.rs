//! What one read of an image gives the detectors: every path of its layers with the layer that
//! wrote it and the one that hid it, content digests of the files big enough to matter, the few
//! small files the detectors read whole, and the parts of the image config they judge.

use std::collections::BTreeMap;

/// Files at least this big get a content digest (duplicates smaller than this are not worth a
/// tip).
pub const HASH_MIN_BYTES: u64 = 4096;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImageFacts {
    /// Lowest first.
    pub layers: Vec<LayerFact>,
    /// Every path the layers wrote, parents before children, with hidden ones after the
    /// visible entry at the same path (the layer analysis's merged file tree).
    pub files: Vec<FileFact>,
    /// The files [`wanted`](crate::wanted) asked for, of the final filesystem: rooted path →
    /// (layer that wrote it, content).
    pub contents: BTreeMap<String, (usize, Vec<u8>)>,
    pub config: ConfigFacts,
    /// Bytes of regular-file content all layers store, and the part later layers hide.
    pub stored_bytes: u64,
    pub hidden_bytes: u64,
    /// The file list stopped early (too many entries); figures from it are lower bounds.
    pub truncated: bool,
    /// What could not be read, one line each.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LayerFact {
    /// The uncompressed layer's digest (diff id).
    pub digest: String,
    /// The build step that wrote it; empty when the history does not say.
    pub created_by: String,
    /// Bytes of regular-file content it stores, and the part later layers hide.
    pub size: u64,
    pub hidden_bytes: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Dir,
    File,
    /// A symbolic link, device or fifo.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFact {
    /// Rooted (`/etc/x`).
    pub path: String,
    pub kind: FileKind,
    /// Bytes of content (0 for directories and links).
    pub size: u64,
    /// The layer that wrote it; `None` for a directory only implied by paths under it.
    pub layer: Option<usize>,
    /// The layer that hid it, when a later layer overwrote or removed it.
    pub hidden_in: Option<usize>,
    /// A digest of the content (files of at least [`HASH_MIN_BYTES`]).
    pub digest: Option<[u8; 16]>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigFacts {
    /// `linux`, `windows`, ...
    pub os: String,
    /// As the config says it (`""` is root).
    pub user: String,
    /// `NAME=value`, as the config holds them. Detectors report names only.
    pub env: Vec<String>,
    /// Every build step of the history, oldest first, empty layers included.
    pub history: Vec<String>,
}

/// Another local image, for the base-image tip.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocalImage {
    pub id: String,
    pub tags: Vec<String>,
    /// The engine's size of the image.
    pub size: u64,
    /// Diff ids, lowest first.
    pub layers: Vec<String>,
}
