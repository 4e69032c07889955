//! Bytes a later layer overwrote or deleted: every layer ships whole, so they are stored and
//! pulled though no container ever sees them.

use super::{Draft, Finding, View};
use crate::{FileKind, TipKind, TipPath};
use std::collections::HashMap;

const WHY: &str = "Each layer is stored and pulled whole. A file deleted or replaced by a later \
                   step disappears from the container's view but not from the image: the layer \
                   that wrote it still carries its bytes.";

pub(super) fn detect(view: &View) -> Vec<Finding> {
    let facts = view.facts;
    let mut files = Vec::new();
    let mut paths = Vec::new();
    let mut hidden_by: HashMap<usize, u64> = HashMap::new();
    for (index, file) in facts.files.iter().enumerate() {
        let (Some(hider), Some(layer)) = (file.hidden_in, file.layer) else {
            continue;
        };
        if file.kind != FileKind::File || file.size == 0 {
            continue;
        }
        files.push(index);
        paths.push(TipPath {
            path: file.path.clone(),
            bytes: file.size,
            layer,
        });
        let bytes = hidden_by.entry(hider).or_default();
        *bytes = bytes.saturating_add(file.size);
    }
    let bytes = if facts.hidden_bytes > 0 {
        facts.hidden_bytes
    } else {
        super::sum(facts, &files)
    };
    if bytes == 0 {
        return Vec::new();
    }
    let main_hider = hidden_by
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(layer, _)| layer);
    let title = match main_hider {
        Some(hider) => format!(
            "Files deleted or overwritten by a later layer still ship (most hidden by layer {hider})"
        ),
        None => "Files deleted or overwritten by a later layer still ship".to_string(),
    };
    let draft = Draft {
        kind: TipKind::HiddenBytes,
        title,
        exact: true,
        estimate: None,
        why: WHY,
        fix: "Delete in the same RUN that writes (`RUN curl -fsSLO URL && tar -xf x.tar && rm \
              x.tar`), or build in a stage of its own and `COPY --from` only the result; for an \
              image already built, `drydock flatten <image>` writes it again as one layer."
            .to_string(),
    };
    vec![draft.finish_with(view, files, paths, bytes)]
}
