//! One layer tar, summarised as it streams by into a compact record of what it changes: paths
//! with their kind and size, whiteouts and opaque markers. File contents are skipped, never kept.

use crate::error::LayersError;
use crate::path::{join, normalise, shown, split_last};
use crate::tar::{self, Kind, TarReader};
use crate::Limits;
use std::io::Read;

/// A whiteout `.wh.NAME` removes NAME (and its subtree) from the layers below.
const WHITEOUT: &[u8] = b".wh.";
/// `.wh..wh..opq` in a directory hides everything the layers below put in it.
const OPAQUE: &[u8] = b".wh..wh..opq";
/// Other `.wh..wh.` names are AUFS bookkeeping (`.wh..wh.plnk`, `.wh..wh.aufs`), not content.
const AUFS_META: &[u8] = b".wh..wh.";

/// What one layer does to the filesystem, in its tar's order.
#[derive(Debug, Default)]
pub(crate) struct LayerSummary {
    pub changes: Vec<Change>,
}

#[derive(Debug)]
pub(crate) struct Change {
    /// Normalised (see [`crate::path`]).
    pub path: Box<[u8]>,
    pub what: What,
}

#[derive(Debug)]
pub(crate) enum What {
    /// A regular file and the bytes of content it stores.
    File(u64),
    /// A hard link to the (normalised) target path: no bytes of its own.
    HardLink(Box<[u8]>),
    Dir,
    /// A symbolic link, device or fifo.
    Other,
    /// Removes the path and everything under it from the layers below.
    Whiteout,
    /// Hides everything the layers below put under this directory.
    Opaque,
}

/// How a blob starts, which says what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sniffed {
    Tar,
    Gzip,
    Zstd,
    Json,
    /// A compression Drydock does not read (named), or anything else.
    Unsupported(&'static str),
    Other,
}

/// Tells a blob's kind from its first bytes (up to one tar block).
pub(crate) fn sniff(head: &[u8]) -> Sniffed {
    match head {
        [0x1f, 0x8b, ..] => Sniffed::Gzip,
        [0x28, 0xb5, 0x2f, 0xfd, ..] => Sniffed::Zstd,
        [b'B', b'Z', b'h', ..] => Sniffed::Unsupported("bzip2"),
        [0xfd, b'7', b'z', b'X', b'Z', 0, ..] => Sniffed::Unsupported("xz"),
        _ if looks_like_tar(head) => Sniffed::Tar,
        _ => match head.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') | Some(b'[') => Sniffed::Json,
            _ => Sniffed::Other,
        },
    }
}

/// A first block with the ustar magic, or all zeros (an empty archive).
fn looks_like_tar(head: &[u8]) -> bool {
    head.len() >= 512 && (&head[257..262] == b"ustar" || head[..512].iter().all(|b| *b == 0))
}

/// The layer's tar, decompressed according to how the blob starts.
pub(crate) fn decompressed<'a>(
    kind: Sniffed,
    blob: impl Read + 'a,
) -> std::io::Result<Box<dyn Read + 'a>> {
    Ok(match kind {
        Sniffed::Gzip => Box::new(flate2::read::MultiGzDecoder::new(blob)),
        Sniffed::Zstd => Box::new(zstd::stream::read::Decoder::new(blob)?),
        _ => Box::new(blob),
    })
}

/// Reads one layer tar. `name` is the layer's place in the archive, for messages; `entries_left`
/// is the image's remaining entry budget.
pub(crate) fn summarise(
    tar: impl Read,
    name: &str,
    limits: &Limits,
    entries_left: &mut u64,
) -> Result<LayerSummary, LayersError> {
    let mut summary = LayerSummary::default();
    walk(tar, name, limits, entries_left, |change, _, _| {
        summary.changes.push(change);
        Ok(())
    })?;
    Ok(summary)
}

/// Reads one layer tar, calling `each` with every change it makes, the entry's header and its
/// data (unread data is skipped). Arguments as for [`summarise`].
pub(crate) fn walk(
    tar: impl Read,
    name: &str,
    limits: &Limits,
    entries_left: &mut u64,
    mut each: impl FnMut(Change, &tar::Header, &mut dyn Read) -> Result<(), LayersError>,
) -> Result<(), LayersError> {
    let mut reader = TarReader::new(tar, limits.max_entry_bytes);
    let mut last: Option<Vec<u8>> = None;
    loop {
        let header = match reader.next() {
            Ok(Some(header)) => header,
            Ok(None) => return Ok(()),
            Err(problem) => return Err(problem.at(after(name, last.as_deref()))),
        };
        if *entries_left == 0 {
            return Err(LayersError::Limit {
                what: format!("the number of entries in the image (at layer {name:?})"),
                limit: format!("{} entries", limits.max_entries),
            });
        }
        *entries_left -= 1;
        if let Some(change) = change_of(&header, name)? {
            each(change, &header, &mut reader.data())?;
        }
        last = Some(header.path);
    }
}

fn change_of(header: &tar::Header, layer: &str) -> Result<Option<Change>, LayersError> {
    let bad = |problem: String| LayersError::Corrupt {
        at: entry_at(layer, &header.path),
        problem,
    };
    let path = normalise(&header.path).map_err(|p| p.at(entry_at(layer, &header.path)))?;
    if path.is_empty() {
        return Ok(None); // the root directory itself (kaniko and crane list it as `/`)
    }
    let (dir, last) = split_last(&path);
    if path
        .split(|b| *b == b'/')
        .any(|part| part.starts_with(AUFS_META))
    {
        if last == OPAQUE && !dir.split(|b| *b == b'/').any(|p| p.starts_with(AUFS_META)) {
            return Ok(Some(change(dir.to_vec(), What::Opaque)));
        }
        return Ok(None);
    }
    if let Some(hidden) = last.strip_prefix(WHITEOUT) {
        if hidden.is_empty() || hidden == b"." || hidden == b".." {
            return Err(bad("a whiteout that names no file".into()));
        }
        return Ok(Some(change(join(dir, hidden), What::Whiteout)));
    }
    let what = match header.kind {
        Kind::File => What::File(header.size),
        Kind::Dir => What::Dir,
        Kind::Symlink | Kind::Other => What::Other,
        Kind::HardLink => {
            let target = normalise(&header.link).map_err(|p| {
                p.at(format!(
                    "{}, hard link to {:?}",
                    entry_at(layer, &header.path),
                    shown(&header.link)
                ))
            })?;
            if target.is_empty() {
                return Err(bad("a hard link to the image root".into()));
            }
            What::HardLink(target.into_boxed_slice())
        }
    };
    Ok(Some(change(path, what)))
}

fn change(path: Vec<u8>, what: What) -> Change {
    Change {
        path: path.into_boxed_slice(),
        what,
    }
}

/// `layer "x/layer.tar", entry "etc/passwd"`.
pub(crate) fn entry_at(layer: &str, entry: &[u8]) -> String {
    format!("layer {layer:?}, entry {:?}", shown(entry))
}

/// Where a header problem sits: after the last entry read, or at the layer's start.
fn after(layer: &str, last: Option<&[u8]>) -> String {
    match last {
        Some(entry) => format!("layer {layer:?}, after entry {:?}", shown(entry)),
        None => format!("layer {layer:?}, first entry"),
    }
}
