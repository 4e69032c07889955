//! `drydock diff`: why build 42 is bigger than build 41. Each image is read once through the
//! layer reader (its export streamed, every regular file digested), and the two final
//! filesystems are compared path by path: what only B has (added), what only A has (removed),
//! what both have with other content (changed). Content is compared by digest, never by layer:
//! a file a later layer rewrote with the same bytes is unchanged.
//!
//! The comparison ([`diff_trees`]) is pure: plain lists in, the report out.

use crate::error::HistoryError;
use crate::{ChangedPath, ImageDiff, PathBytes};
use drydock_engine::{Engine, ExportProgress};
use drydock_layers::{CollectLimits, EntryKind, Inspection, Keep};
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::HashMap;
use std::sync::Mutex;

/// How far the read of one of the two images has come.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DiffProgress {
    /// The name asked for (A's or B's).
    pub image: String,
    /// Bytes of its export read so far.
    pub read: u64,
    /// About the export's size (the image's size as its history gives it).
    pub total: u64,
}

/// One image's final filesystem as the diff needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageFiles {
    /// The name asked for.
    pub name: String,
    /// `sha256:...`
    pub id: String,
    /// Diff ids, lowest layer first.
    pub layers: Vec<String>,
    /// Bytes of regular-file content visible in the final filesystem (a hard link counts once).
    pub visible_bytes: u64,
    /// Every visible path, in any order, each once.
    pub entries: Vec<FileEntry>,
}

/// One visible path of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Rooted (`/app/conf`).
    pub path: String,
    pub kind: EntryKind,
    /// Bytes of content; 0 for directories and links.
    pub size: u64,
    /// Digest of a regular file's content (XXH3-128); `None` when not read.
    pub digest: Option<[u8; 16]>,
}

impl ImageFiles {
    /// The visible entries of an inspection read with every file digested (`hash_min` 0).
    /// A tree the reader cut short is an error: its missing files would show as removed.
    pub fn from_inspection(name: &str, inspection: Inspection) -> Result<Self, HistoryError> {
        let Inspection {
            analysis, digests, ..
        } = inspection;
        if analysis.tree.truncated {
            return Err(HistoryError::TooManyFiles {
                image: name.to_owned(),
                entries: analysis.tree.entries.len(),
            });
        }
        let report = analysis.report;
        let entries = analysis
            .tree
            .entries
            .into_iter()
            .zip(digests.into_iter().chain(std::iter::repeat(None)))
            .filter(|(entry, _)| entry.hidden.is_none())
            .map(|(entry, digest)| FileEntry {
                path: entry.path,
                kind: entry.kind,
                size: entry.size,
                digest,
            })
            .collect();
        Ok(ImageFiles {
            name: name.to_owned(),
            id: String::new(),
            layers: report.layers.into_iter().map(|row| row.digest).collect(),
            visible_bytes: report.stored_bytes.saturating_sub(report.hidden_bytes),
            entries,
        })
    }
}

/// Reads images `a` and `b` (names, tags or ids) once each, both exports streaming at once,
/// and compares their final filesystems. `progress` hears from both reads, each naming its image.
pub async fn diff_images(
    engine: &Engine,
    a: &str,
    b: &str,
    progress: impl FnMut(DiffProgress) + Send,
) -> Result<ImageDiff, HistoryError> {
    // Both reads report from the one task that polls them; the lock is never contended, it only
    // lets the two share the caller's closure and keeps the future `Send`.
    let progress = Mutex::new(progress);
    let report = |image: &str, p: ExportProgress| {
        if let Ok(mut progress) = progress.lock() {
            progress(DiffProgress {
                image: image.to_owned(),
                read: p.read,
                total: p.total,
            });
        }
    };
    let (files_a, files_b) = futures_util::future::try_join(
        read_files(engine, a, |p| report(a, p)),
        read_files(engine, b, |p| report(b, p)),
    )
    .await?;
    Ok(diff_trees(&files_a, &files_b))
}

/// One image's files from one streamed export.
async fn read_files(
    engine: &Engine,
    name: &str,
    progress: impl FnMut(ExportProgress),
) -> Result<ImageFiles, HistoryError> {
    let inspection = engine
        .inspect_image(name, |_| Keep::No, &CollectLimits::default(), 0, progress)
        .await?;
    let id = inspection.config.id.clone();
    let mut files = ImageFiles::from_inspection(name, inspection)?;
    files.id = id;
    Ok(files)
}

/// What differs between `a` and `b`: layers shared from the bottom, files added, removed and
/// changed (biggest first, ties by path), and B's visible bytes minus A's. Directories count
/// only where the other image has something else at the path (then the path changed kind).
pub fn diff_trees(a: &ImageFiles, b: &ImageFiles) -> ImageDiff {
    let shared_layers = a
        .layers
        .iter()
        .zip(&b.layers)
        .take_while(|(x, y)| x == y)
        .count();
    let in_a: HashMap<&str, &FileEntry> = a.entries.iter().map(|e| (e.path.as_str(), e)).collect();
    let mut added = Vec::new();
    let mut changed = Vec::new();
    let mut seen_in_b: HashMap<&str, ()> = HashMap::with_capacity(b.entries.len());
    for after in &b.entries {
        seen_in_b.insert(after.path.as_str(), ());
        match in_a.get(after.path.as_str()) {
            None if after.kind != EntryKind::Dir => added.push(PathBytes {
                path: after.path.clone(),
                bytes: after.size,
            }),
            None => {}
            Some(before) if differs(before, after) => changed.push(ChangedPath {
                path: after.path.clone(),
                bytes_before: before.size,
                bytes_after: after.size,
            }),
            Some(_) => {}
        }
    }
    let mut removed: Vec<PathBytes> = a
        .entries
        .iter()
        .filter(|e| e.kind != EntryKind::Dir && !seen_in_b.contains_key(e.path.as_str()))
        .map(|e| PathBytes {
            path: e.path.clone(),
            bytes: e.size,
        })
        .collect();
    let biggest_first = |x: &PathBytes, y: &PathBytes| {
        (Reverse(x.bytes), &x.path).cmp(&(Reverse(y.bytes), &y.path))
    };
    added.sort_by(biggest_first);
    removed.sort_by(biggest_first);
    changed.sort_by(|x, y| {
        (Reverse(x.bytes_before.abs_diff(x.bytes_after)), &x.path)
            .cmp(&(Reverse(y.bytes_before.abs_diff(y.bytes_after)), &y.path))
    });
    ImageDiff {
        a: a.name.clone(),
        b: b.name.clone(),
        a_id: a.id.clone(),
        b_id: b.id.clone(),
        shared_layers,
        size_delta: signed(b.visible_bytes).saturating_sub(signed(a.visible_bytes)),
        added,
        removed,
        changed,
    }
}

/// Same path, other content: another kind, another size, or another digest. Links and special
/// files carry no content the reader keeps, so one stays unchanged while its kind does.
fn differs(before: &FileEntry, after: &FileEntry) -> bool {
    if before.kind != after.kind {
        return true;
    }
    before.kind == EntryKind::File && (before.size != after.size || before.digest != after.digest)
}

fn signed(bytes: u64) -> i64 {
    i64::try_from(bytes).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, size: u64, digest: u8) -> FileEntry {
        FileEntry {
            path: path.into(),
            kind: EntryKind::File,
            size,
            digest: Some([digest; 16]),
        }
    }

    fn dir(path: &str) -> FileEntry {
        FileEntry {
            path: path.into(),
            kind: EntryKind::Dir,
            size: 0,
            digest: None,
        }
    }

    fn image(name: &str, layers: &[&str], entries: Vec<FileEntry>) -> ImageFiles {
        let visible_bytes = entries.iter().map(|e| e.size).sum();
        ImageFiles {
            name: name.into(),
            id: format!("sha256:{name}"),
            layers: layers.iter().map(|l| (*l).to_owned()).collect(),
            visible_bytes,
            entries,
        }
    }

    /// The app runs the diff from a command on its runtime's threads.
    #[allow(dead_code)]
    fn the_read_is_send(engine: &Engine) {
        fn send<T: Send>(_: &T) {}
        send(&diff_images(engine, "a", "b", |_| {}));
    }

    #[test]
    fn added_removed_and_changed_files_with_their_bytes() {
        let a = image(
            "app:41",
            &["l0", "l1", "l2"],
            vec![
                dir("/app"),
                file("/app/conf", 10, 1),
                file("/app/gone", 3_000, 2),
                file("/app/keep", 5_000, 3),
            ],
        );
        let b = image(
            "app:42",
            &["l0", "l1", "l3", "l4"],
            vec![
                dir("/app"),
                dir("/app/new"),
                file("/app/conf", 20, 4),
                file("/app/big", 80_000, 5),
                file("/app/keep", 5_000, 3),
            ],
        );
        let diff = diff_trees(&a, &b);
        assert_eq!(diff.shared_layers, 2);
        assert_eq!(diff.size_delta, 80_000 + 20 - 10 - 3_000);
        assert_eq!(
            diff.added,
            vec![PathBytes {
                path: "/app/big".into(),
                bytes: 80_000
            }]
        );
        assert_eq!(
            diff.removed,
            vec![PathBytes {
                path: "/app/gone".into(),
                bytes: 3_000
            }]
        );
        assert_eq!(
            diff.changed,
            vec![ChangedPath {
                path: "/app/conf".into(),
                bytes_before: 10,
                bytes_after: 20
            }]
        );
        assert_eq!(
            (diff.a_id.as_str(), diff.b_id.as_str()),
            ("sha256:app:41", "sha256:app:42")
        );
    }

    #[test]
    fn same_content_in_another_layer_is_unchanged() {
        // The entries carry no layer: only content is compared.
        let a = image("a", &["l0"], vec![file("/x", 7, 9)]);
        let b = image("b", &["l0", "rewrite"], vec![file("/x", 7, 9)]);
        let diff = diff_trees(&a, &b);
        assert!(diff.added.is_empty() && diff.removed.is_empty() && diff.changed.is_empty());
        assert_eq!((diff.shared_layers, diff.size_delta), (1, 0));
    }

    #[test]
    fn same_size_other_content_is_changed() {
        let a = image("a", &[], vec![file("/x", 7, 1)]);
        let b = image("b", &[], vec![file("/x", 7, 2)]);
        assert_eq!(diff_trees(&a, &b).changed.len(), 1);
    }

    #[test]
    fn a_path_that_changes_kind_is_changed() {
        let a = image("a", &[], vec![dir("/x")]);
        let b = image("b", &[], vec![file("/x", 4, 1)]);
        let diff = diff_trees(&a, &b);
        assert_eq!(
            diff.changed,
            vec![ChangedPath {
                path: "/x".into(),
                bytes_before: 0,
                bytes_after: 4
            }]
        );
        assert!(diff.added.is_empty());
    }

    #[test]
    fn biggest_first_then_by_path() {
        let a = image(
            "a",
            &[],
            vec![file("/c", 1, 1), file("/d", 100, 1), file("/e", 50, 1)],
        );
        let b = image(
            "b",
            &[],
            vec![
                file("/b", 5, 1),
                file("/a", 5, 1),
                file("/z", 9, 1),
                file("/c", 2, 2),
                file("/d", 10, 2),
                file("/e", 51, 2),
            ],
        );
        let diff = diff_trees(&a, &b);
        let added: Vec<&str> = diff.added.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(added, ["/z", "/a", "/b"]);
        let changed: Vec<&str> = diff.changed.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(changed, ["/d", "/c", "/e"]);
    }

    #[test]
    fn shrinking_gives_a_negative_delta_and_no_shared_layers_when_the_bases_differ() {
        let a = image("a", &["x"], vec![file("/big", 1_000, 1)]);
        let b = image("b", &["y"], vec![]);
        let diff = diff_trees(&a, &b);
        assert_eq!(diff.size_delta, -1_000);
        assert_eq!(diff.shared_layers, 0);
        assert_eq!(diff.removed.len(), 1);
    }
}
