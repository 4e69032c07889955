//! Layer analysis: how many bytes an image stores, and how many of them its final filesystem
//! cannot see because a later layer overwrote, removed or hid them.
//!
//! [`analyse`] reads an image export (what `docker save` writes: the legacy layout with
//! `manifest.json` and `<id>/layer.tar`, or an OCI image layout with `index.json` and
//! `blobs/sha256/...`; layers uncompressed, gzip or zstd) in one streaming pass. Nothing is
//! extracted and no file content is kept: each layer is summarised into a compact list of paths as
//! it streams by, then the layers are merged in order once the manifest says what that order is.
//!
//! [`collect_files`] reads the same export in the same one pass for the vulnerability scanner:
//! the files of the final filesystem a caller asks for, with the layer that wrote each, within
//! [`CollectLimits`]; [`collect_rootfs`] does it for a directory.
//!
//! [`inspect_image`] does both in the same one pass for the tips, with content digests of the
//! big files and the image config's user and environment.
//!
//! Pure: a reader and the image's history in, plain data out. No engine, no clock, no disk.
//! Untrusted input is fine: a damaged archive gives an error naming the layer and entry, and
//! what is held in memory is bounded by [`Limits`] and by the longest path an engine can create
//! (4096 bytes, Linux's PATH_MAX).

mod archive;
mod collect;
mod error;
mod filetree;
mod inspect;
mod layer;
mod layout;
mod merge;
mod os;
mod path;
mod report;
mod tar;

#[cfg(test)]
mod tests;

pub use collect::{
    collect_files, collect_image, collect_rootfs, CollectLimits, Collected, Keep, LayerMeta,
};
pub use error::LayersError;
pub use filetree::{EntryKind, FileTree, HiddenBy, TreeEntry};
pub use inspect::{inspect_image, ImageConfig, InspectOptions, Inspection};
pub use os::Os;
pub use report::{How, LayerReport, LayerRow, Step, Wasted};

use serde::{Deserialize, Serialize};
use std::io::Read;

/// What the analysis holds in memory at most.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// One JSON document (manifest, index, config).
    pub max_json_bytes: u64,
    /// All JSON documents kept from one archive.
    pub max_total_json_bytes: u64,
    /// Entries of all layers together: each costs a path in memory until the merge. A layer the
    /// image lists more than once counts each time, as it is merged each time.
    pub max_entries: u64,
    /// A header claiming more than this is damaged, not a real file.
    pub max_entry_bytes: u64,
    /// Entries of the merged file tree ([`analyse_with_tree`]); beyond it the tree is marked
    /// truncated, the figures stay exact.
    pub max_tree_entries: u64,
    /// Bytes of the merged file tree's paths: each entry carries its whole path, so a deep path
    /// brings its directories' paths too. Beyond it the tree is marked truncated.
    pub max_tree_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_json_bytes: 16 << 20,
            max_total_json_bytes: 64 << 20,
            max_entries: 1_000_000,
            max_entry_bytes: 1 << 40,
            max_tree_entries: 1_000_000,
            max_tree_bytes: 256 << 20,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Which image of the archive, by name or id; needed only when it holds several.
    pub select: Option<String>,
    /// The image's build steps, oldest first (e.g. from the engine's history). Without them, or
    /// when they do not pair with the layers, the steps recorded in the image's config are used.
    pub history: Option<Vec<Step>>,
    pub limits: Limits,
}

/// Analyses the image export read from `export`. The report's `image` is the image's first name
/// in the archive (empty when it has none); callers that know a better name set it.
pub fn analyse(export: impl Read, options: &Options) -> Result<LayerReport, LayersError> {
    analysis(export, options, false).map(|a| a.report)
}

/// The report and the merged file tree, for explorers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Analysis {
    pub report: LayerReport,
    pub tree: FileTree,
}

/// [`analyse`], and the merged file tree (at most [`Limits::max_tree_entries`] entries).
pub fn analyse_with_tree(export: impl Read, options: &Options) -> Result<Analysis, LayersError> {
    analysis(export, options, true)
}

fn analysis(
    export: impl Read,
    options: &Options,
    with_tree: bool,
) -> Result<Analysis, LayersError> {
    let contents = archive::read(export, &options.limits)?;
    let plan = layout::plan(&contents, options.select.as_deref())?;
    let layers = planned_layers(&contents, &plan, &options.limits, |s| s.changes.len())?;
    let mut merged = merge::merged(&layers)?;
    let hidden = merged.hidden();
    let tree = if with_tree {
        filetree::build(&merged, &layers, &options.limits)
    } else {
        FileTree {
            entries: Vec::new(),
            truncated: false,
        }
    };
    let image = options
        .select
        .clone()
        .or_else(|| plan.name.clone())
        .unwrap_or_default();
    let report = report::assemble(
        image,
        &plan,
        merged.into_figures(),
        hidden,
        options.history.as_deref(),
    );
    Ok(Analysis { report, tree })
}

/// The layers `plan` lists, lowest first, each with its archive entry and what the consumer made
/// of it (`entries` counts its changes). A layer listed again is read once but applied again, as
/// the engine applies it, so the result stays what the engine would show. Each listing counts
/// against the entry limit: a manifest repeating one layer costs what an image of that many
/// entries costs, no more.
fn planned_layers<'c, L>(
    contents: &'c archive::Contents<L>,
    plan: &'c layout::Plan,
    limits: &Limits,
    entries: impl Fn(&L) -> usize,
) -> Result<Vec<(&'c str, &'c L)>, LayersError> {
    let mut layers = Vec::with_capacity(plan.layers.len());
    for (index, layer) in plan.layers.iter().enumerate() {
        let at = || format!("layer {index} ({:?})", layer.path);
        let read = match contents.get(&layer.path) {
            Some(archive::Item::Layer(read)) => read,
            Some(archive::Item::Unsupported(compression)) => {
                return Err(LayersError::Corrupt {
                    at: at(),
                    problem: format!(
                        "it is compressed with {compression}, which Drydock does not read (gzip and zstd it does)"
                    ),
                })
            }
            Some(_) => {
                return Err(LayersError::Corrupt {
                    at: at(),
                    problem: "it is not a layer: neither a tar nor a gzip or zstd stream".into(),
                })
            }
            None => {
                return Err(LayersError::Missing {
                    what: at(),
                    by: plan.by.clone(),
                })
            }
        };
        layers.push((layer.path.as_str(), read));
    }
    let merged_entries = layers
        .iter()
        .map(|(_, read)| entries(read) as u64)
        .fold(0, u64::saturating_add);
    if merged_entries > limits.max_entries {
        return Err(LayersError::Limit {
            what: format!(
                "{}, which lists {} layers holding {merged_entries} entries in all (a layer listed again counts again),",
                plan.by,
                layers.len()
            ),
            limit: format!("{} entries", limits.max_entries),
        });
    }
    Ok(layers)
}
