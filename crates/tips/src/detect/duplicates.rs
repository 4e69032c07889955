//! The same content at visible paths in two or more layers: each layer stores its own copy.
//! Copies within one layer (hard links, or a copy made in the same step) are not this tip.

use super::{Draft, Finding, View};
use crate::TipKind;
use crate::TipPath;
use std::collections::HashMap;

const WHY: &str = "Layers do not share content with each other: the same file written by two \
                   steps is stored, pulled and unpacked twice.";

pub(super) fn detect(view: &View) -> Vec<Finding> {
    // digest → (the first copy's layer, the layers seen so far with their copy)
    let mut groups: HashMap<[u8; 16], Vec<(usize, usize)>> = HashMap::new();
    for (index, file) in view.visible_files() {
        let (Some(digest), Some(layer)) = (file.digest, file.layer) else {
            continue;
        };
        if file.size == 0 {
            continue;
        }
        let layers = groups.entry(digest).or_default();
        // One copy per layer: a layer's further paths of the same content are links or copies
        // within the step.
        if !layers.iter().any(|(seen, _)| *seen == layer) {
            layers.push((layer, index));
        }
    }
    let mut files = Vec::new();
    let mut paths = Vec::new();
    for mut layers in groups.into_values() {
        if layers.len() < 2 {
            continue;
        }
        layers.sort();
        // The lowest layer's copy stays; the later ones are the extra copies.
        for (layer, index) in layers.into_iter().skip(1) {
            let Some(file) = view.facts.files.get(index) else {
                continue;
            };
            files.push(index);
            paths.push(TipPath {
                path: file.path.clone(),
                bytes: file.size,
                layer,
            });
        }
    }
    if files.is_empty() {
        return Vec::new();
    }
    files.sort_unstable();
    let draft = Draft {
        kind: TipKind::DuplicateFiles,
        title: "The same files stored again by later layers".to_string(),
        exact: true,
        estimate: None,
        why: WHY,
        fix: "Write each file once: COPY it to one place and link to it (`ln -s`) instead of \
              copying it again, and in a multi-stage build `COPY --from` only what the final \
              stage lacks."
            .to_string(),
    };
    vec![draft.finish(view, files, paths)]
}
