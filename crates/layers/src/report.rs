//! The report: stored and hidden bytes, each layer's figures and build step, and the paths
//! behind the hidden bytes. Field names are the JSON contract documented in docs/cli.md.

use crate::layout::Plan;
use crate::merge::{Figures, Hidden};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LayerReport {
    pub image: String,
    /// Bytes of regular-file content in all layers (hard links carry none).
    pub stored_bytes: u64,
    /// The part of `stored_bytes` not visible in the final filesystem.
    pub hidden_bytes: u64,
    /// `(stored_bytes - hidden_bytes) / stored_bytes`; 1.0 for an image with no bytes.
    pub efficiency: f64,
    /// Lowest layer first.
    pub layers: Vec<LayerRow>,
    /// Biggest first.
    pub wasted: Vec<Wasted>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LayerRow {
    pub index: usize,
    /// The uncompressed layer's digest (its diff id), as `docker inspect` lists the layers.
    pub digest: String,
    /// The build step that wrote the layer; empty when the history does not say.
    pub created_by: String,
    /// Bytes of regular-file content this layer stores.
    pub size: u64,
    /// Files, links and special files (not directories) new at their path.
    pub files_added: u64,
    /// ... that replace one a lower layer put at the same path.
    pub files_modified: u64,
    /// ... of lower layers that this layer's whiteouts or opaque directories remove.
    pub files_removed: u64,
    /// Bytes this layer wrote that a later layer hides.
    pub hidden_bytes: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Wasted {
    /// Rooted (`/etc/x`); where the content was written.
    pub path: String,
    pub bytes: u64,
    /// Index of the layer that wrote the content.
    pub written_in: usize,
    /// Index of the layer that hid it.
    pub hidden_in: usize,
    pub how: How,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "HiddenHow"))]
#[serde(rename_all = "lowercase")]
pub enum How {
    /// A later layer wrote the same path (a new file, or a copy-up by chmod or chown).
    Overwritten,
    /// A whiteout removed the path or a directory above it.
    Removed,
    /// An opaque directory hid what lower layers put under it.
    Opaque,
}

impl How {
    pub fn as_str(self) -> &'static str {
        match self {
            How::Overwritten => "overwritten",
            How::Removed => "removed",
            How::Opaque => "opaque",
        }
    }
}

/// One build step, oldest first, as the caller knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub created_by: String,
    /// The step changed only metadata and wrote no layer.
    pub empty_layer: bool,
}

pub(crate) fn assemble(
    image: String,
    plan: &Plan,
    figures: Vec<Figures>,
    hidden: Vec<Hidden>,
    history: Option<&[Step]>,
) -> LayerReport {
    let steps = created_by(plan, history);
    let layers: Vec<LayerRow> = figures
        .into_iter()
        .enumerate()
        .map(|(index, f)| LayerRow {
            index,
            digest: plan.layers[index].digest.clone(),
            created_by: steps.get(index).cloned().unwrap_or_default(),
            size: f.size,
            files_added: f.added,
            files_modified: f.modified,
            files_removed: f.removed,
            hidden_bytes: f.hidden,
        })
        .collect();
    let stored_bytes: u64 = layers.iter().map(|l| l.size).sum();
    let hidden_bytes: u64 = layers.iter().map(|l| l.hidden_bytes).sum();
    LayerReport {
        image,
        stored_bytes,
        hidden_bytes,
        efficiency: efficiency(stored_bytes, hidden_bytes),
        layers,
        wasted: hidden
            .into_iter()
            .map(|h| Wasted {
                path: h.path,
                bytes: h.bytes,
                written_in: h.written_in,
                hidden_in: h.hidden_in,
                how: h.how,
            })
            .collect(),
    }
}

pub(crate) fn efficiency(stored: u64, hidden: u64) -> f64 {
    if stored == 0 {
        1.0
    } else {
        stored.saturating_sub(hidden) as f64 / stored as f64
    }
}

/// The build step of each layer: the caller's history if its layer-writing steps pair one to one
/// with the layers, else the config's (whose `empty_layer` flags are exact), else none.
pub(crate) fn created_by(plan: &Plan, history: Option<&[Step]>) -> Vec<String> {
    let wanted = plan.layers.len();
    let from_caller = history.map(|steps| {
        steps
            .iter()
            .filter(|s| !s.empty_layer)
            .map(|s| s.created_by.clone())
            .collect::<Vec<_>>()
    });
    let from_config = plan.config.as_ref().map(|c| {
        c.history
            .iter()
            .filter(|s| !s.empty_layer)
            .map(|s| s.created_by.clone())
            .collect::<Vec<_>>()
    });
    [from_caller, from_config]
        .into_iter()
        .flatten()
        .find(|steps| steps.len() == wanted)
        .unwrap_or_default()
}
