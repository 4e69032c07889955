//! The merged file tree: every path of the final filesystem with the layer that last wrote it,
//! and beside them the files whose content a later layer hid. For explorers; the CLI's report
//! does not carry it.

use crate::layer::{LayerSummary, What};
use crate::merge::{Seen, Tree};
use crate::path::{ancestors, display};
use crate::report::How;
use crate::Limits;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FileTree {
    /// Parents before their children, siblings by name (compared component by component, so a
    /// directory's subtree is contiguous). A hidden file sits after the visible entry at its path.
    pub entries: Vec<TreeEntry>,
    /// The entries stop at [`Limits::max_tree_entries`] or [`Limits::max_tree_bytes`]; the
    /// report's figures are still exact.
    pub truncated: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TreeEntry {
    /// Rooted (`/etc/x`).
    pub path: String,
    pub kind: EntryKind,
    /// Bytes of content (a hard link shows its content's); 0 for directories and links.
    pub size: u64,
    /// The layer that last wrote the path (for a hidden file: the one that wrote it). `None` for
    /// a directory no layer lists, only implied by the paths under it.
    pub layer: Option<usize>,
    /// Set when a later layer hid this file's content.
    pub hidden: Option<HiddenBy>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    Dir,
    File,
    /// A symbolic link, device or fifo.
    Other,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HiddenBy {
    pub layer: usize,
    pub how: How,
}

/// Builds the tree of the merged `tree`; `layers` are the summaries it was merged from.
pub(crate) fn build(tree: &Tree, layers: &[(&str, &LayerSummary)], limits: &Limits) -> FileTree {
    build_traced(tree, layers, limits).0
}

/// [`build`], and beside each entry where its content comes from, for a regular file: (the
/// layer that wrote the content, its change's place in that layer). A hard link leads to its
/// target's content.
pub(crate) fn build_traced(
    tree: &Tree,
    layers: &[(&str, &LayerSummary)],
    limits: &Limits,
) -> (FileTree, Vec<Option<(usize, usize)>>) {
    let max = usize::try_from(limits.max_tree_entries).unwrap_or(usize::MAX);
    let mut bytes_left = limits.max_tree_bytes;
    let mut entries: Vec<(TreeEntry, Option<(usize, usize)>)> = Vec::new();
    let mut at: HashMap<&[u8], usize> = HashMap::new();
    let mut truncated = false;
    let mut push = |entries: &mut Vec<(TreeEntry, Option<(usize, usize)>)>,
                    entry: TreeEntry,
                    origin: Option<(usize, usize)>| {
        let bytes = entry.path.len() as u64;
        if entries.len() < max && bytes <= bytes_left {
            bytes_left -= bytes;
            entries.push((entry, origin));
            true
        } else {
            truncated = true;
            false
        }
    };
    'visible: for (path, seen, origin) in tree.visible_traced() {
        // Byte order puts every ancestor before its descendants, and each entry's ancestors go in
        // before it: below the deepest ancestor already in, all are new. Looking from the deepest
        // up costs one lookup more than the entries it adds.
        let dirs: Vec<&[u8]> = ancestors(path).collect();
        let known = dirs
            .iter()
            .rposition(|dir| at.contains_key(dir))
            .map_or(0, |i| i + 1);
        for dir in &dirs[known..] {
            if !push(&mut entries, entry(dir, Seen::Dir, None), None) {
                break 'visible;
            }
            at.insert(dir, entries.len() - 1);
        }
        if !push(&mut entries, entry(path, seen, None), origin) {
            break;
        }
        at.insert(path, entries.len() - 1);
    }
    // The top layer writing a path is the one whose version is visible.
    for (index, (_, summary)) in layers.iter().enumerate().rev() {
        for change in &summary.changes {
            if matches!(change.what, What::Whiteout | What::Opaque) {
                continue;
            }
            if let Some(&i) = at.get(&change.path[..]) {
                entries[i].0.layer.get_or_insert(index);
            }
        }
    }
    for (path, bytes, written_in, change, hidden_in, how) in tree.hidden_files() {
        let hidden = TreeEntry {
            path: display(path),
            kind: EntryKind::File,
            size: bytes,
            layer: Some(written_in),
            hidden: Some(HiddenBy {
                layer: hidden_in,
                how,
            }),
        };
        if !push(&mut entries, hidden, Some((written_in, change))) {
            break;
        }
    }
    entries.sort_by(|(a, _), (b, _)| {
        a.path
            .split('/')
            .cmp(b.path.split('/'))
            .then(a.hidden.is_some().cmp(&b.hidden.is_some()))
            .then(a.layer.cmp(&b.layer))
    });
    let (entries, origins) = entries.into_iter().unzip();
    (FileTree { entries, truncated }, origins)
}

fn entry(path: &[u8], seen: Seen, layer: Option<usize>) -> TreeEntry {
    let (kind, size) = match seen {
        Seen::Dir => (EntryKind::Dir, 0),
        Seen::File(bytes) => (EntryKind::File, bytes),
        Seen::Other => (EntryKind::Other, 0),
    };
    TreeEntry {
        path: display(path),
        kind,
        size,
        layer,
        hidden: None,
    }
}
