//! The export's outer tar, walked once. Each layer is read as it streams by (`docker save`
//! writes manifest.json after the layers, so their order is known only at the end) by whichever
//! consumer the caller passes: the analysis summarises it, the file collector keeps some files;
//! the small JSON documents (manifests, configs, indexes) are kept; everything else is skipped.

use crate::error::{LayersError, ReadProblem};
use crate::layer::{decompressed, sniff, summarise, LayerSummary, Sniffed};
use crate::path::{shown, split_last, MAX_PATH};
use crate::tar::{read_full, Kind, TarReader};
use crate::Limits;
use std::collections::HashMap;
use std::io::{Cursor, Read};

/// How many links may lead to one entry (docker save links repeated layers to their first copy).
const MAX_LINK_HOPS: usize = 32;

/// What an entry of the archive turned out to be; `L` is what the consumer made of a layer.
pub(crate) enum Item<L = LayerSummary> {
    Layer(L),
    Json(Vec<u8>),
    /// A JSON document larger than the limit (its size): an error only if the image needs it.
    TooLarge(u64),
    /// A compression Drydock does not read.
    Unsupported(&'static str),
    Other,
}

/// The archive's entries by normalised name, and the links between them.
pub(crate) struct Contents<L = LayerSummary> {
    items: HashMap<String, Item<L>>,
    links: HashMap<String, String>,
    json_limit: u64,
    /// JSON documents handed out, for tests that each is read once.
    #[cfg(test)]
    json_reads: std::cell::Cell<usize>,
}

impl<L> Contents<L> {
    /// The entry at `path`, following links.
    pub(crate) fn get(&self, path: &str) -> Option<&Item<L>> {
        self.items.get(self.key(path)?)
    }

    /// The key of the entry at `path`, following links.
    pub(crate) fn key<'s>(&'s self, path: &'s str) -> Option<&'s str> {
        let mut path = path;
        for _ in 0..MAX_LINK_HOPS {
            if self.items.contains_key(path) {
                return Some(path);
            }
            path = self.links.get(path)?;
        }
        None
    }

    /// The entry at `key` (as [`Contents::key`] gives it), to take what the consumer made.
    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut Item<L>> {
        self.items.get_mut(key)
    }

    /// A JSON document the image needs; `by` names what refers to it, for messages.
    pub(crate) fn json(&self, path: &str, by: &str) -> Result<&[u8], LayersError> {
        #[cfg(test)]
        self.json_reads.set(self.json_reads.get() + 1);
        match self.get(path) {
            Some(Item::Json(bytes)) => Ok(bytes),
            Some(Item::TooLarge(size)) => Err(LayersError::Limit {
                what: format!("{path:?} ({size} bytes)"),
                limit: format!("{} bytes for one JSON document", self.json_limit),
            }),
            Some(_) => Err(LayersError::Corrupt {
                at: format!("archive entry {path:?}"),
                problem: "expected a JSON document".into(),
            }),
            None => Err(LayersError::Missing {
                what: format!("{path:?}"),
                by: by.to_owned(),
            }),
        }
    }

    pub(crate) fn has(&self, path: &str) -> bool {
        self.get(path).is_some()
    }

    #[cfg(test)]
    pub(crate) fn json_reads(&self) -> usize {
        self.json_reads.get()
    }
}

/// Reads the whole archive, summarising each layer for the analysis.
pub(crate) fn read(export: impl Read, limits: &Limits) -> Result<Contents, LayersError> {
    read_layers(export, limits, |tar, name, entries_left| {
        summarise(tar, name, limits, entries_left)
    })
}

/// Reads the whole archive, handing each layer's (decompressed) tar to `layer` with the layer's
/// archive entry, for messages, and the image's remaining entry budget.
pub(crate) fn read_layers<L>(
    export: impl Read,
    limits: &Limits,
    mut layer: impl FnMut(&mut dyn Read, &str, &mut u64) -> Result<L, LayersError>,
) -> Result<Contents<L>, LayersError> {
    let mut outer = TarReader::new(export, limits.max_entry_bytes);
    let mut contents = Contents {
        items: HashMap::new(),
        links: HashMap::new(),
        json_limit: limits.max_json_bytes,
        #[cfg(test)]
        json_reads: std::cell::Cell::new(0),
    };
    let mut entries_left = limits.max_entries;
    let mut json_bytes: u64 = 0;
    let mut last: Option<String> = None;
    loop {
        let header = match outer.next() {
            Ok(Some(header)) => header,
            Ok(None) => break,
            Err(problem) => return Err(problem.at(outer_place(last.as_deref()))),
        };
        let key = outer_key(&header.path);
        let too_long = |name: &str| LayersError::Limit {
            what: format!(
                "archive entry {:?} ({} bytes)",
                shown(name.as_bytes()),
                name.len()
            ),
            limit: format!("{MAX_PATH} bytes for one path (Linux's PATH_MAX)"),
        };
        if key.len() > MAX_PATH {
            return Err(too_long(&key));
        }
        match header.kind {
            Kind::Dir | Kind::Other => {}
            Kind::Symlink | Kind::HardLink => {
                // A symbolic link points from its directory, a hard link from the archive's root.
                let from = if header.kind == Kind::Symlink {
                    split_last(key.as_bytes()).0
                } else {
                    b""
                };
                let target = resolve(from, &header.link);
                if target.len() > MAX_PATH {
                    return Err(too_long(&target));
                }
                contents.links.insert(key.clone(), target);
            }
            Kind::File => {
                let at = || format!("archive entry {key:?}");
                let mut data = outer.data();
                let mut head = vec![0; 512];
                let got =
                    read_full(&mut data, &mut head).map_err(|e| ReadProblem::from(e).at(at()))?;
                head.truncate(got);
                let kind = sniff(&head);
                let item = match kind {
                    Sniffed::Tar | Sniffed::Gzip | Sniffed::Zstd => {
                        let blob = Cursor::new(head).chain(data);
                        let mut tar =
                            decompressed(kind, blob).map_err(|e| ReadProblem::from(e).at(at()))?;
                        Item::Layer(layer(&mut tar, &key, &mut entries_left)?)
                    }
                    Sniffed::Json if needed_json(&key) => {
                        if header.size > limits.max_json_bytes {
                            Item::TooLarge(header.size)
                        } else {
                            json_bytes += header.size;
                            if json_bytes > limits.max_total_json_bytes {
                                return Err(LayersError::Limit {
                                    what: "the JSON documents of the archive".into(),
                                    limit: format!("{} bytes", limits.max_total_json_bytes),
                                });
                            }
                            let mut bytes = head;
                            data.read_to_end(&mut bytes)
                                .map_err(|e| ReadProblem::from(e).at(at()))?;
                            Item::Json(bytes)
                        }
                    }
                    Sniffed::Unsupported(name) => Item::Unsupported(name),
                    _ => Item::Other,
                };
                contents.items.insert(key.clone(), item);
            }
        }
        last = Some(key);
    }
    Ok(contents)
}

/// Documents an image may refer to: blobs, and top-level documents: the manifest or index and
/// configs, which `docker save` names `<hex>.json` and kaniko and crane `sha256:<hex>`. The
/// legacy per-layer `<id>/json` files are not needed.
fn needed_json(key: &str) -> bool {
    key.starts_with("blobs/") || !key.contains('/')
}

/// An archive name as a lookup key: `./index.json`, `/index.json` and `index.json` are one
/// entry, as for the engine, which joins each name onto the directory it unpacks into.
pub(crate) fn outer_key(raw: &[u8]) -> String {
    String::from_utf8_lossy(&resolve(b"", raw).into_bytes()).into_owned()
}

/// `target` seen from directory `dir`, with `.` and `..` resolved (never above the root).
fn resolve(dir: &[u8], target: &[u8]) -> String {
    let mut parts: Vec<&[u8]> = Vec::new();
    let start: &[u8] = if target.first() == Some(&b'/') {
        b""
    } else {
        dir
    };
    for part in start
        .split(|b| *b == b'/')
        .chain(target.split(|b| *b == b'/'))
    {
        match part {
            b"" | b"." => {}
            b".." => {
                parts.pop();
            }
            name => parts.push(name),
        }
    }
    String::from_utf8_lossy(&parts.join(&b'/')).into_owned()
}

fn outer_place(last: Option<&str>) -> String {
    match last {
        Some(entry) => format!("the entry after archive entry {entry:?}"),
        None => "the archive's first entry".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_relative_to_their_directory() {
        assert_eq!(resolve(b"b", b"../a/layer.tar"), "a/layer.tar");
        assert_eq!(resolve(b"", b"./blobs/sha256/x"), "blobs/sha256/x");
        assert_eq!(resolve(b"x", b"/../../y"), "y");
        assert_eq!(outer_key(b"./index.json"), "index.json");
        assert_eq!(outer_key(b"/sha256:ab12"), "sha256:ab12");
    }
}
