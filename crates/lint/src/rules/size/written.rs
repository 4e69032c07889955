//! What earlier instructions wrote and no later `rm` removed, as a tree of path components, so
//! that matching an `rm` or `chmod` target costs its own length plus the writes it meets, not
//! one comparison with every path written before (100 KB of COPY then 100 KB of `rm` took
//! 28 s). Not a rule.
//!
//! A target component with `*` or `?` is compared with the children of the node it reaches
//! that start with its text before the first wildcard (all of them for `*` first): an `rm`
//! removes what it matches, so that work is done once; a written component with them sits
//! among its node's globbed children, which every target component is compared with. Matching is [`covers`]'s: component by component, a glob on
//! either side.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use super::paths::{glob, Written};

thread_local! {
    /// Components compared and nodes visited, for tests that count work.
    static WORK: Cell<u64> = const { Cell::new(0) };
}

fn work(units: usize) {
    WORK.with(|w| w.set(w.get().saturating_add(units as u64)));
}

/// The work counted on this thread so far.
#[cfg(test)]
pub(crate) fn work_done() -> u64 {
    WORK.with(Cell::get)
}

/// The written paths, in the order they were written.
#[derive(Debug)]
pub struct WrittenIndex {
    /// Every write with the node it ends at, by sequence number; `None` once removed.
    slots: Vec<Option<(Written, usize)>>,
    /// `nodes[0]` is the root.
    nodes: Vec<Node>,
}

#[derive(Debug, Default)]
struct Node {
    parent: usize,
    component: String,
    /// Children without `*` or `?`, by component (sorted, to find those with a prefix).
    plain: BTreeMap<String, usize>,
    /// Children with `*` or `?`.
    globbed: BTreeMap<String, usize>,
    /// Live files written here.
    files: BTreeSet<usize>,
    /// Live directories written here, by the path as written (`/x` and `$X` spellings differ).
    dirs: BTreeMap<String, BTreeSet<usize>>,
    /// Live writes here or below.
    below: BTreeSet<usize>,
}

fn components(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|c| !c.is_empty())
}

fn has_glob(component: &str) -> bool {
    component.contains(['*', '?'])
}

fn matches(a: &str, b: &str) -> bool {
    work(1);
    glob(a, b) || glob(b, a)
}

impl Default for WrittenIndex {
    fn default() -> WrittenIndex {
        WrittenIndex {
            slots: Vec::new(),
            nodes: vec![Node::default()],
        }
    }
}

impl WrittenIndex {
    pub fn insert(&mut self, written: Written) {
        let seq = self.slots.len();
        let mut at = 0;
        if let Some(root) = self.nodes.get_mut(at) {
            root.below.insert(seq);
        }
        for component in components(&written.path) {
            at = match self.child(at, component) {
                Some(child) => child,
                None => self.add_child(at, component),
            };
            if let Some(node) = self.nodes.get_mut(at) {
                node.below.insert(seq);
            }
        }
        if let Some(node) = self.nodes.get_mut(at) {
            if written.dir {
                node.dirs
                    .entry(written.path.clone())
                    .or_default()
                    .insert(seq);
            } else {
                node.files.insert(seq);
            }
        }
        self.slots.push(Some((written, at)));
    }

    /// Removes every write `removed` covers (what `rm removed` deletes).
    pub fn remove_covered(&mut self, removed: &str) {
        let ends = self.frontiers(removed).pop().unwrap_or_default();
        let gone: Vec<usize> = ends
            .iter()
            .filter_map(|&n| self.nodes.get(n))
            .flat_map(|n| n.below.iter().copied())
            .collect();
        for seq in gone {
            self.remove(seq);
        }
    }

    /// The latest write `removed` covers, or a directory that covers `removed`.
    pub fn last_removed_by(&self, removed: &str) -> Option<&Written> {
        let frontiers = self.frontiers(removed);
        let mut last = self.last_below(frontiers.last());
        for node in frontiers
            .iter()
            .flatten()
            .filter_map(|&n| self.nodes.get(n))
        {
            let dirs = node.dirs.values().filter_map(|s| s.last().copied());
            last = last.max(dirs.max());
        }
        self.written(last)
    }

    /// The latest write a `chmod` of `path` changes: one that covers it (a directory's own
    /// metadata is cheap, so not the directory itself unless `recursive`), or with
    /// `recursive` one it covers.
    pub fn last_changed_by(&self, path: &str, recursive: bool) -> Option<&Written> {
        let frontiers = self.frontiers(path);
        let mut last = if recursive {
            self.last_below(frontiers.last())
        } else {
            None
        };
        for node in frontiers
            .iter()
            .flatten()
            .filter_map(|&n| self.nodes.get(n))
        {
            last = last.max(node.files.last().copied());
            let dirs = node
                .dirs
                .iter()
                .filter(|(written, _)| recursive || written.as_str() != path)
                .filter_map(|(_, s)| s.last().copied());
            last = last.max(dirs.max());
        }
        self.written(last)
    }

    fn written(&self, seq: Option<usize>) -> Option<&Written> {
        let (written, _) = self.slots.get(seq?)?.as_ref()?;
        Some(written)
    }

    fn last_below(&self, nodes: Option<&Vec<usize>>) -> Option<usize> {
        nodes?
            .iter()
            .filter_map(|&n| self.nodes.get(n)?.below.last().copied())
            .max()
    }

    /// The nodes each prefix of `path` reaches, from the root (the empty prefix) on.
    fn frontiers(&self, path: &str) -> Vec<Vec<usize>> {
        let mut frontiers = vec![vec![0]];
        for component in components(path) {
            let Some(current) = frontiers.last() else {
                break;
            };
            let mut next = Vec::new();
            for &at in current {
                let Some(node) = self.nodes.get(at) else {
                    continue;
                };
                work(1);
                if has_glob(component) {
                    let prefix = component.split(['*', '?']).next().unwrap_or("");
                    let plain = node
                        .plain
                        .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
                        .take_while(|(c, _)| c.starts_with(prefix));
                    next.extend(
                        plain
                            .chain(&node.globbed)
                            .filter(|(c, _)| matches(component, c))
                            .map(|(_, &n)| n),
                    );
                } else {
                    next.extend(node.plain.get(component).copied());
                    next.extend(
                        node.globbed
                            .iter()
                            .filter(|(c, _)| matches(component, c))
                            .map(|(_, &n)| n),
                    );
                }
            }
            // Empty: nothing is written this deep along the path, so the path ends nowhere.
            let done = next.is_empty();
            frontiers.push(next);
            if done {
                break;
            }
        }
        frontiers
    }

    fn child(&self, at: usize, component: &str) -> Option<usize> {
        let node = self.nodes.get(at)?;
        if has_glob(component) {
            node.globbed.get(component).copied()
        } else {
            node.plain.get(component).copied()
        }
    }

    fn add_child(&mut self, at: usize, component: &str) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node {
            parent: at,
            component: component.to_string(),
            ..Node::default()
        });
        if let Some(node) = self.nodes.get_mut(at) {
            if has_glob(component) {
                node.globbed.insert(component.to_string(), id);
            } else {
                node.plain.insert(component.to_string(), id);
            }
        }
        id
    }

    fn remove(&mut self, seq: usize) {
        let Some((written, end)) = self.slots.get_mut(seq).and_then(Option::take) else {
            return;
        };
        if let Some(node) = self.nodes.get_mut(end) {
            node.files.remove(&seq);
            if let Some(dirs) = node.dirs.get_mut(&written.path) {
                dirs.remove(&seq);
                if dirs.is_empty() {
                    node.dirs.remove(&written.path);
                }
            }
        }
        let mut at = end;
        while let Some(node) = self.nodes.get_mut(at) {
            node.below.remove(&seq);
            let (parent, empty) = (node.parent, node.below.is_empty());
            if at == 0 {
                break;
            }
            if empty {
                // Nothing lives here any more: later targets need not pass through.
                let component = std::mem::take(&mut node.component);
                if let Some(up) = self.nodes.get_mut(parent) {
                    if has_glob(&component) {
                        up.globbed.remove(&component);
                    } else {
                        up.plain.remove(&component);
                    }
                }
            }
            at = parent;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::size::paths::covers;
    use crate::{lint, Config, Project, Selection};

    const PATHS: &[&str] = &[
        "/",
        "/d",
        "/d/f1",
        "/d/f2",
        "/d/f*",
        "/d/?2",
        "/d/f1/x",
        "/d/g/a*.tgz",
        "/d/g/a1.tgz",
        "/e/*",
        "$HOME/.cache/x",
        "/$HOME/.cache",
        "/tmp/a.zip",
        "/tmp/*.zip",
        "/tmp/b/c/d",
    ];

    /// Every write of `PATHS` (as file, then as directory), queried with every path: the same
    /// answers as comparing with each write, latest first.
    #[test]
    fn answers_as_a_scan_of_every_write() {
        let all: Vec<Written> = PATHS
            .iter()
            .chain(PATHS)
            .enumerate()
            .map(|(i, p)| Written {
                path: p.to_string(),
                dir: i >= PATHS.len() || i % 3 == 0,
                index: i,
            })
            .collect();
        for removed_first in PATHS.iter().map(Some).chain([None]) {
            let mut index = WrittenIndex::default();
            let mut scan: Vec<Written> = Vec::new();
            for w in &all {
                index.insert(w.clone());
                scan.push(w.clone());
            }
            if let Some(removed) = removed_first {
                index.remove_covered(removed);
                scan.retain(|w| !covers(removed, &w.path));
            }
            for target in PATHS {
                let by_scan = scan
                    .iter()
                    .rev()
                    .find(|w| covers(target, &w.path) || (w.dir && covers(&w.path, target)));
                let by_index = index.last_removed_by(target);
                assert_eq!(
                    by_index.map(|w| w.index),
                    by_scan.map(|w| w.index),
                    "rm {target} after rm {removed_first:?}"
                );
                for recursive in [false, true] {
                    let by_scan = scan.iter().rev().find(|w| {
                        let inside = covers(&w.path, target);
                        let same = w.path == *target;
                        (inside && (!same || !w.dir || recursive))
                            || (recursive && covers(target, &w.path))
                    });
                    let by_index = index.last_changed_by(target, recursive);
                    assert_eq!(
                        by_index.map(|w| w.index),
                        by_scan.map(|w| w.index),
                        "chmod {target} (recursive: {recursive}) after rm {removed_first:?}"
                    );
                }
            }
        }
    }

    /// `n` COPYs into `/d/fN`, then a RUN per path doing `then`.
    fn copies_then(n: usize, then: &str) -> String {
        let mut source = String::from("FROM debian:12\n");
        for i in 0..n {
            source.push_str(&format!("COPY a /d/f{i}\nCOPY a{i}* /d/g{i}/\n"));
        }
        for i in 0..n {
            source.push_str(&then.replace("{i}", &i.to_string()));
        }
        source
    }

    fn work_for(source: &str) -> u64 {
        let before = work_done();
        let _ = lint(
            "Dockerfile",
            source,
            &Config::default(),
            Project::default(),
            &Selection::Only(vec![
                "cleanup-in-later-layer".into(),
                "chmod-in-separate-layer".into(),
            ]),
        );
        work_done() - before
    }

    /// Matching each `rm` or `chmod` target with the writes before it costs work in
    /// proportion to the file: before the index, 4x the lines took 16x the comparisons.
    #[test]
    fn removing_and_chmodding_many_copied_paths_costs_linear_work() {
        for then in [
            "RUN rm /d/f{i}\n",
            "RUN chmod +x /d/f{i}\n",
            "RUN chmod -R 755 /d/f{i} /d/g{i}\n",
            "RUN rm -f /d/f{i}* /d/g{i}/a\n",
        ] {
            let small = work_for(&copies_then(500, then));
            let large = work_for(&copies_then(2000, then));
            assert!(
                large as f64 <= small as f64 * 4.5,
                "{then:?}: {small} units of work for 500 paths, {large} for 2000"
            );
        }
    }
}
