//! Layers applied in order to one map of the visible filesystem, to learn which stored bytes end
//! up hidden, by which layer, and how.
//!
//! The map is ordered by path bytes, so a directory's subtree is one key range: a whiteout or an
//! opaque directory removes it by range, touching only what it hides. Each layer is applied once,
//! so the work is proportional to the entries of all layers (times a logarithm), never to layers
//! times files as when every earlier layer is rebuilt per deletion.
//!
//! File content is tracked apart from paths so hard links share it: content becomes hidden when
//! the last visible path to it goes.

use crate::error::LayersError;
use crate::layer::{entry_at, LayerSummary, What};
use crate::path::{ancestors, display, split_last, subtree_bounds};
use crate::report::How;
use std::collections::BTreeMap;

/// What one layer did, as counted while applying it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Figures {
    /// Bytes of regular-file content the layer stores.
    pub size: u64,
    pub added: u64,
    pub modified: u64,
    pub removed: u64,
    /// Bytes this layer wrote that it or a later layer hides.
    pub hidden: u64,
}

/// Content that ended up hidden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hidden {
    pub path: String,
    pub bytes: u64,
    pub written_in: usize,
    pub hidden_in: usize,
    pub how: How,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Node {
    Dir,
    /// A path to file content (an index into the contents).
    File(usize),
    /// A symbolic link, device or fifo: no content.
    Other,
}

struct Content {
    path: Box<[u8]>,
    bytes: u64,
    written_in: usize,
    /// Visible paths leading to this content.
    links: u32,
    hidden: Option<(usize, How)>,
}

#[derive(Default)]
pub(crate) struct Tree {
    nodes: BTreeMap<Box<[u8]>, Node>,
    contents: Vec<Content>,
    figures: Vec<Figures>,
    /// A directory whose ancestors are known to hold no file: consecutive entries of a tar share
    /// their parent, so most entries skip the ancestor check.
    checked_dir: Vec<u8>,
}

/// Applies `layers` (lowest first, named for messages) to one map of the final filesystem;
/// [`Tree::hidden`] then says what ended up hidden.
pub(crate) fn merged(layers: &[(&str, &LayerSummary)]) -> Result<Tree, LayersError> {
    let mut tree = Tree {
        figures: vec![Figures::default(); layers.len()],
        ..Tree::default()
    };
    for (index, (name, summary)) in layers.iter().enumerate() {
        tree.apply(index, name, summary)?;
    }
    Ok(tree)
}

/// What a visible path is, for the file tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seen {
    Dir,
    /// A regular file (or a hard link to one) and its content's bytes.
    File(u64),
    Other,
}

impl Tree {
    /// Adds each hidden content's bytes to the figures of the layer that wrote it and lists the
    /// hidden content, biggest first.
    pub(crate) fn hidden(&mut self) -> Vec<Hidden> {
        let mut hidden = Vec::new();
        for content in &self.contents {
            if let Some((hidden_in, how)) = content.hidden {
                self.figures[content.written_in].hidden += content.bytes;
                if content.bytes > 0 {
                    hidden.push(Hidden {
                        path: display(&content.path),
                        bytes: content.bytes,
                        written_in: content.written_in,
                        hidden_in,
                        how,
                    });
                }
            }
        }
        hidden.sort_by(|a, b| {
            b.bytes
                .cmp(&a.bytes)
                .then(a.written_in.cmp(&b.written_in))
                .then_with(|| a.path.cmp(&b.path))
        });
        hidden
    }

    /// Every path of the final filesystem, in byte order.
    pub(crate) fn visible(&self) -> impl Iterator<Item = (&[u8], Seen)> {
        self.nodes.iter().map(|(path, node)| {
            let seen = match node {
                Node::Dir => Seen::Dir,
                Node::File(id) => Seen::File(self.contents[*id].bytes),
                Node::Other => Seen::Other,
            };
            (&path[..], seen)
        })
    }

    /// Every regular file's content no visible path leads to, with all its bytes (even none):
    /// (path, bytes, written in, hidden in, how).
    pub(crate) fn hidden_files(&self) -> impl Iterator<Item = (&[u8], u64, usize, usize, How)> {
        self.contents.iter().filter_map(|c| {
            c.hidden
                .map(|(hidden_in, how)| (&c.path[..], c.bytes, c.written_in, hidden_in, how))
        })
    }

    pub(crate) fn into_figures(self) -> Vec<Figures> {
        self.figures
    }
}

impl Tree {
    fn apply(
        &mut self,
        layer: usize,
        name: &str,
        summary: &LayerSummary,
    ) -> Result<(), LayersError> {
        // Whiteouts and opaque markers act on the layers below only: what this layer adds at the
        // same paths stays, whatever the order of its tar.
        for change in &summary.changes {
            match change.what {
                What::Whiteout => self.remove(&change.path, layer, How::Removed),
                What::Opaque => self.remove_below(&change.path, layer, How::Opaque),
                _ => {}
            }
        }
        self.checked_dir.clear();
        for change in &summary.changes {
            let path = &change.path;
            match &change.what {
                What::Whiteout | What::Opaque => {}
                What::Dir => self.put_dir(path, layer),
                What::File(bytes) => {
                    self.figures[layer].size += bytes;
                    self.contents.push(Content {
                        path: path.clone(),
                        bytes: *bytes,
                        written_in: layer,
                        links: 1,
                        hidden: None,
                    });
                    self.put(path, Node::File(self.contents.len() - 1), layer);
                }
                What::HardLink(target) => {
                    let node = match self.nodes.get(&target[..]) {
                        Some(Node::File(id)) => {
                            self.contents[*id].links += 1;
                            Node::File(*id)
                        }
                        Some(_) => Node::Other,
                        None => {
                            return Err(LayersError::Corrupt {
                                at: entry_at(name, path),
                                problem: format!(
                                "a hard link to {}, which neither this layer nor any below holds",
                                display(target)
                            ),
                            })
                        }
                    };
                    self.put(path, node, layer);
                }
                What::Other => self.put(path, Node::Other, layer),
            }
        }
        Ok(())
    }

    /// Puts a file, link or special file at `path`, replacing whatever was there.
    fn put(&mut self, path: &[u8], node: Node, layer: usize) {
        self.clear_file_ancestors(path, layer);
        match self.nodes.insert(path.into(), node) {
            None => self.figures[layer].added += 1,
            Some(Node::Dir) => {
                self.remove_below(path, layer, How::Overwritten);
                self.figures[layer].added += 1;
            }
            Some(old) => {
                self.unlink(old, layer, How::Overwritten);
                self.figures[layer].modified += 1;
            }
        }
        if self.checked_dir.starts_with(path)
            && matches!(self.checked_dir.get(path.len()), None | Some(b'/'))
        {
            self.checked_dir.clear();
        }
    }

    fn put_dir(&mut self, path: &[u8], layer: usize) {
        self.clear_file_ancestors(path, layer);
        match self.nodes.get(path) {
            Some(Node::Dir) => {}
            None => {
                self.nodes.insert(path.into(), Node::Dir);
            }
            Some(old) => {
                let old = *old;
                self.nodes.insert(path.into(), Node::Dir);
                self.unlink(old, layer, How::Overwritten);
                self.figures[layer].removed += 1;
            }
        }
    }

    /// Extracting `a/b` over a file `a` replaces the file with a directory.
    fn clear_file_ancestors(&mut self, path: &[u8], layer: usize) {
        let parent = split_last(path).0;
        if parent == self.checked_dir.as_slice() {
            return;
        }
        for dir in ancestors(path) {
            if let Some(node) = self.nodes.get(dir).copied() {
                if node != Node::Dir {
                    self.nodes.insert(dir.into(), Node::Dir);
                    self.unlink(node, layer, How::Overwritten);
                    self.figures[layer].removed += 1;
                }
            }
        }
        self.checked_dir.clear();
        self.checked_dir.extend_from_slice(parent);
    }

    /// A whiteout: the path and everything under it.
    fn remove(&mut self, path: &[u8], layer: usize, how: How) {
        if let Some(node) = self.nodes.remove(path) {
            if node != Node::Dir {
                self.figures[layer].removed += 1;
            }
            self.unlink(node, layer, how);
        }
        self.remove_below(path, layer, how);
    }

    /// Everything under `dir` (not `dir` itself).
    fn remove_below(&mut self, dir: &[u8], layer: usize, how: How) {
        let removed: Vec<Node> = match subtree_bounds(dir) {
            None => std::mem::take(&mut self.nodes).into_values().collect(),
            Some((start, end)) => {
                let keys: Vec<Box<[u8]>> = self
                    .nodes
                    .range::<[u8], _>((
                        std::ops::Bound::Included(&start[..]),
                        std::ops::Bound::Excluded(&end[..]),
                    ))
                    .map(|(k, _)| k.clone())
                    .collect();
                keys.iter().filter_map(|k| self.nodes.remove(k)).collect()
            }
        };
        for node in removed {
            if node != Node::Dir {
                self.figures[layer].removed += 1;
            }
            self.unlink(node, layer, how);
        }
    }

    /// One visible path to `node` is gone; its content is hidden once no path leads to it.
    fn unlink(&mut self, node: Node, layer: usize, how: How) {
        if let Node::File(id) = node {
            let content = &mut self.contents[id];
            content.links = content.links.saturating_sub(1);
            if content.links == 0 && content.hidden.is_none() {
                content.hidden = Some((layer, how));
            }
        }
    }
}
