//! Layers applied in order to one map of the visible filesystem, to learn which stored bytes end
//! up hidden, by which layer, and how.
//!
//! The map is ordered by path bytes, so a directory's subtree is one key range: a whiteout or an
//! opaque directory removes it by range, touching only what it hides. Each layer is applied once,
//! so the work is proportional to the entries of all layers (times a logarithm), never to layers
//! times files as when every earlier layer is rebuilt per deletion. Each entry costs one pass over
//! its path, however deep: its ancestors are checked through hashes of its prefixes, not looked up
//! one by one (which costs the depth times the length).
//!
//! The map's paths are borrowed from the layer summaries: a layer the manifest lists again costs
//! no new path.
//!
//! File content is tracked apart from paths so hard links share it: content becomes hidden when
//! the last visible path to it goes.

use crate::error::LayersError;
use crate::layer::{entry_at, LayerSummary, What};
use crate::path::{display, subtree_bounds};
use crate::report::How;
use std::collections::hash_map::RandomState;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hasher};

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

struct Content<'a> {
    path: &'a [u8],
    bytes: u64,
    written_in: usize,
    /// Its change's place in the layer that wrote it.
    change: usize,
    /// Visible paths leading to this content.
    links: u32,
    hidden: Option<(usize, How)>,
}

#[derive(Default)]
pub(crate) struct Tree<'a> {
    nodes: BTreeMap<&'a [u8], Node>,
    contents: Vec<Content<'a>>,
    figures: Vec<Figures>,
    /// How many of the files, links and special files in `nodes` have each path hash: a path's
    /// ancestors are checked by hashing its prefixes in one pass over it, and looked up in `nodes`
    /// only where a hash says a file may be.
    leaves: HashMap<u64, u32>,
    /// Keyed at random, so that no archive can be made to collide.
    hashing: RandomState,
    /// Ancestors looked up in `nodes`, for tests of the work done.
    #[cfg(test)]
    pub(crate) ancestor_lookups: u64,
}

/// Applies `layers` (lowest first, named for messages) to one map of the final filesystem;
/// [`Tree::hidden`] then says what ended up hidden.
pub(crate) fn merged<'a>(layers: &[(&str, &'a LayerSummary)]) -> Result<Tree<'a>, LayersError> {
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

impl<'a> Tree<'a> {
    /// Adds each hidden content's bytes to the figures of the layer that wrote it and lists the
    /// hidden content, biggest first.
    pub(crate) fn hidden(&mut self) -> Vec<Hidden> {
        let mut hidden = Vec::new();
        for content in &self.contents {
            if let Some((hidden_in, how)) = content.hidden {
                self.figures[content.written_in].hidden += content.bytes;
                if content.bytes > 0 {
                    hidden.push(Hidden {
                        path: display(content.path),
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
        self.visible_traced().map(|(path, seen, _)| (path, seen))
    }

    /// [`Tree::visible`], with where a regular file's content comes from: (the layer that wrote
    /// it, its change's place in that layer).
    pub(crate) fn visible_traced(
        &self,
    ) -> impl Iterator<Item = (&[u8], Seen, Option<(usize, usize)>)> {
        self.nodes.iter().map(|(path, node)| match node {
            Node::Dir => (*path, Seen::Dir, None),
            Node::File(id) => {
                let c = &self.contents[*id];
                (*path, Seen::File(c.bytes), Some((c.written_in, c.change)))
            }
            Node::Other => (*path, Seen::Other, None),
        })
    }

    /// Every regular file's content no visible path leads to, with all its bytes (even none):
    /// (path, bytes, written in, its change there, hidden in, how).
    pub(crate) fn hidden_files(
        &self,
    ) -> impl Iterator<Item = (&[u8], u64, usize, usize, usize, How)> {
        self.contents.iter().filter_map(|c| {
            c.hidden
                .map(|(hidden_in, how)| (c.path, c.bytes, c.written_in, c.change, hidden_in, how))
        })
    }

    /// What each layer did, so far (the hidden bytes once [`Tree::hidden`] has run).
    pub(crate) fn figures(&self) -> &[Figures] {
        &self.figures
    }

    /// Every visible path to file content (a hard link leads to its target's), in byte order:
    /// (path, the layer that wrote the content, the content's change in that layer).
    pub(crate) fn visible_files(&self) -> impl Iterator<Item = (&'a [u8], usize, usize)> + '_ {
        self.nodes.iter().filter_map(|(path, node)| match node {
            Node::File(id) => {
                let content = &self.contents[*id];
                Some((*path, content.written_in, content.change))
            }
            _ => None,
        })
    }

    pub(crate) fn into_figures(self) -> Vec<Figures> {
        self.figures
    }
}

impl<'a> Tree<'a> {
    fn apply(
        &mut self,
        layer: usize,
        name: &str,
        summary: &'a LayerSummary,
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
        for (at, change) in summary.changes.iter().enumerate() {
            let path = &change.path[..];
            match &change.what {
                What::Whiteout | What::Opaque => {}
                What::Dir => self.put_dir(path, layer),
                What::File(bytes) => {
                    self.figures[layer].size += bytes;
                    self.contents.push(Content {
                        path,
                        bytes: *bytes,
                        written_in: layer,
                        change: at,
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

    /// Puts a file, link or special file at `path`, replacing whatever was there: a directory
    /// goes with its whole tree, listed or only implied by the paths under it.
    fn put(&mut self, path: &'a [u8], node: Node, layer: usize) {
        let hash = self.clear_file_ancestors(path, layer);
        *self.leaves.entry(hash).or_default() += 1;
        match self.nodes.insert(path, node) {
            None | Some(Node::Dir) => {
                self.remove_below(path, layer, How::Overwritten);
                self.figures[layer].added += 1;
            }
            Some(old) => {
                self.forget_leaf(hash);
                self.unlink(old, layer, How::Overwritten);
                self.figures[layer].modified += 1;
            }
        }
    }

    fn put_dir(&mut self, path: &'a [u8], layer: usize) {
        let hash = self.clear_file_ancestors(path, layer);
        match self.nodes.insert(path, Node::Dir) {
            None | Some(Node::Dir) => {}
            Some(old) => {
                self.forget_leaf(hash);
                self.unlink(old, layer, How::Overwritten);
                self.figures[layer].removed += 1;
            }
        }
    }

    /// Extracting `a/b` over a file `a` replaces the file with a directory. Returns the hash of
    /// `path` itself, computed in the same pass.
    fn clear_file_ancestors(&mut self, path: &'a [u8], layer: usize) -> u64 {
        let mut files = Vec::new();
        let hash = path_hash(&self.hashing, path, |end, hash| {
            if self.leaves.contains_key(&hash) {
                files.push(end);
            }
        });
        for end in files {
            let dir = &path[..end];
            #[cfg(test)]
            {
                self.ancestor_lookups += 1;
            }
            match self.nodes.get(dir).copied() {
                Some(Node::Dir) | None => {} // another path with the same hash
                Some(node) => {
                    self.nodes.insert(dir, Node::Dir);
                    self.forget_leaf(path_hash(&self.hashing, dir, |_, _| {}));
                    self.unlink(node, layer, How::Overwritten);
                    self.figures[layer].removed += 1;
                }
            }
        }
        hash
    }

    /// A whiteout: the path and everything under it.
    fn remove(&mut self, path: &[u8], layer: usize, how: How) {
        if let Some(node) = self.nodes.remove(path) {
            if node != Node::Dir {
                self.forget_leaf(path_hash(&self.hashing, path, |_, _| {}));
                self.figures[layer].removed += 1;
            }
            self.unlink(node, layer, how);
        }
        self.remove_below(path, layer, how);
    }

    /// Everything under `dir` (not `dir` itself).
    fn remove_below(&mut self, dir: &[u8], layer: usize, how: How) {
        let removed: Vec<(&[u8], Node)> = match subtree_bounds(dir) {
            None => {
                self.leaves.clear();
                std::mem::take(&mut self.nodes).into_iter().collect()
            }
            Some((start, end)) => {
                let keys: Vec<&'a [u8]> = self
                    .nodes
                    .range::<[u8], _>((
                        std::ops::Bound::Included(&start[..]),
                        std::ops::Bound::Excluded(&end[..]),
                    ))
                    .map(|(k, _)| *k)
                    .collect();
                keys.into_iter()
                    .filter_map(|k| Some((k, self.nodes.remove(k)?)))
                    .collect()
            }
        };
        let everything = dir.is_empty();
        for (path, node) in removed {
            if node != Node::Dir {
                if !everything {
                    self.forget_leaf(path_hash(&self.hashing, path, |_, _| {}));
                }
                self.figures[layer].removed += 1;
            }
            self.unlink(node, layer, how);
        }
    }

    /// A file, link or special file with this path hash left `nodes`.
    fn forget_leaf(&mut self, hash: u64) {
        if let std::collections::hash_map::Entry::Occupied(mut count) = self.leaves.entry(hash) {
            *count.get_mut() -= 1;
            if *count.get() == 0 {
                count.remove();
            }
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

/// The hash of `path`, calling `ancestor(end, hash)` on the way for each proper ancestor
/// `path[..end]`, nearest the root first. A prefix hashes as the same path would on its own
/// (the same writes, in the same pieces), so the whole pass is one over the path's bytes.
fn path_hash(hashing: &RandomState, path: &[u8], mut ancestor: impl FnMut(usize, u64)) -> u64 {
    let mut hasher = hashing.build_hasher();
    let mut fed = 0;
    for (at, byte) in path.iter().enumerate() {
        if *byte == b'/' {
            hasher.write(&path[fed..at]);
            fed = at;
            ancestor(at, hasher.clone().finish());
        }
    }
    hasher.write(&path[fed..]);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::Change;

    fn summary(changes: Vec<(String, What)>) -> LayerSummary {
        LayerSummary {
            changes: changes
                .into_iter()
                .map(|(path, what)| Change {
                    path: path.into_bytes().into_boxed_slice(),
                    what,
                })
                .collect(),
        }
    }

    #[test]
    fn an_entry_costs_one_pass_over_its_path_however_deep() {
        // 40 entries along one chain 2,000 directories deep: a lookup per ancestor was 80,000
        // lookups, each comparing paths thousands of bytes long.
        let deep = summary(
            (0..40)
                .map(|i| (format!("{}f", "a/".repeat(2000 - i)), What::File(1)))
                .collect(),
        );
        let tree = merged(&[("deep", &deep)]).expect("merged");
        assert_eq!(tree.ancestor_lookups, 0, "no ancestor is a file");
        assert_eq!(tree.nodes.len(), 40);

        // Where an ancestor is a file, it is looked up once, and replaced by a directory.
        let lower = summary(vec![("a/a".into(), What::File(5))]);
        let tree = merged(&[("lower", &lower), ("deep", &deep)]).expect("merged");
        assert_eq!(tree.ancestor_lookups, 1);
        assert_eq!(tree.nodes.get(&b"a/a"[..]), Some(&Node::Dir));
        assert_eq!(tree.figures[1].removed, 1);
    }
}
