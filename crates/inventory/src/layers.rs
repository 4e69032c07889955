//! An image's layers as the engine stores them: identified by chain id, with their sizes.
//!
//! The engine keys a layer by its chain id (the diff id of the layer and of every layer under it),
//! so two images share a layer exactly when they share a chain id. Sizes come from the history:
//! each step that wrote a layer carries that layer's size, in the same order as the diff ids.

use crate::history::layer_steps;
use crate::raw::RawHistory;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fmt;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Layer {
    pub chain_id: String,
    pub diff_id: String,
    pub size: i64,
    /// Written by a BuildKit build step: the build cache holds the same bytes, so removing the
    /// image alone does not free them while that cache stays.
    #[serde(skip)]
    pub buildkit: bool,
}

/// The history comment BuildKit's Dockerfile frontend writes on each step.
const BUILDKIT_COMMENT: &str = "buildkit.dockerfile.v0";

/// One image's layers, lowest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageLayers {
    pub image_id: String,
    pub layers: Vec<Layer>,
}

/// The history and the root filesystem disagree on how many layers the image has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairingError {
    pub image_id: String,
    pub layers: usize,
    pub layer_steps: usize,
}

impl fmt::Display for PairingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "image {} has {} layers but its history shows {} layer-writing steps",
            self.image_id, self.layers, self.layer_steps
        )
    }
}

impl std::error::Error for PairingError {}

/// Chain ids for a list of diff ids, lowest layer first (the OCI image spec's `ChainID`).
pub fn chain_ids(diff_ids: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(diff_ids.len());
    for diff in diff_ids {
        let next = match out.last() {
            None => diff.clone(),
            Some(parent) => {
                let digest = Sha256::digest(format!("{parent} {diff}").as_bytes());
                format!("sha256:{}", hex(&digest))
            }
        };
        out.push(next);
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Pairs the root filesystem's diff ids (lowest first) with the history (newest first).
pub fn image_layers(
    image_id: &str,
    diff_ids: &[String],
    history_newest_first: &[RawHistory],
) -> Result<ImageLayers, PairingError> {
    let oldest_first: Vec<&RawHistory> = history_newest_first.iter().rev().collect();
    let made = layer_steps(&oldest_first, diff_ids.len());
    let sizes: Vec<(i64, bool)> = oldest_first
        .iter()
        .zip(&made)
        .filter(|(_, made)| **made)
        .map(|(h, _)| (h.size.max(0), h.comment == BUILDKIT_COMMENT))
        .collect();
    if sizes.len() != diff_ids.len() {
        return Err(PairingError {
            image_id: image_id.to_owned(),
            layers: diff_ids.len(),
            layer_steps: sizes.len(),
        });
    }
    let layers = chain_ids(diff_ids)
        .into_iter()
        .zip(diff_ids)
        .zip(sizes)
        .map(|((chain_id, diff_id), (size, buildkit))| Layer {
            chain_id,
            diff_id: diff_id.clone(),
            size,
            buildkit,
        })
        .collect();
    Ok(ImageLayers {
        image_id: image_id.to_owned(),
        layers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_id_of_one_layer_is_its_diff_id_and_later_ones_hash_the_parent() {
        let diffs = vec!["sha256:a".to_string(), "sha256:b".to_string()];
        let chain = chain_ids(&diffs);
        assert_eq!(chain[0], "sha256:a");
        // sha256("sha256:a sha256:b")
        assert_eq!(
            chain[1],
            format!("sha256:{}", hex(&Sha256::digest(b"sha256:a sha256:b")))
        );
        assert_ne!(chain_ids(&["sha256:b".to_string()])[0], chain[1]);
    }

    #[test]
    fn sizes_follow_the_layer_writing_steps() {
        let hist = |by: &str, size| RawHistory {
            created_by: by.into(),
            size,
            ..Default::default()
        };
        let newest_first = vec![
            hist("ENV A=1", 0),
            hist("RUN x", 7),
            hist("RUN true", 0),
            hist("", 5),
        ];
        let diffs: Vec<String> = ["sha256:1", "sha256:2", "sha256:3"]
            .map(String::from)
            .to_vec();
        let img = image_layers("sha256:img", &diffs, &newest_first).expect("pairs");
        let sizes: Vec<i64> = img.layers.iter().map(|l| l.size).collect();
        assert_eq!(sizes, vec![5, 0, 7]);
    }

    #[test]
    fn a_history_with_too_few_steps_is_an_error_not_a_guess() {
        let diffs: Vec<String> = ["sha256:1", "sha256:2"].map(String::from).to_vec();
        let err = image_layers("sha256:img", &diffs, &[]).expect_err("cannot pair");
        assert_eq!((err.layers, err.layer_steps), (2, 0));
        assert!(err.to_string().contains("sha256:img"));
    }
}
