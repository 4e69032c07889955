//! The files of an image's final filesystem that a caller (the scanner's catalogers) asks for,
//! each with the layer that wrote it, from the same one pass over the export as the analysis.
//!
//! Each layer keeps what the caller wants as it streams by, beside the summary the analysis
//! makes of it; once the manifest gives the layers' order they are merged exactly as the analysis
//! merges them (whiteouts, opaque directories, files replaced by directories, hard links sharing
//! content), and only content that stays visible is returned. Memory is the kept bytes, bounded
//! by [`CollectLimits::max_kept_bytes`] (hard-link copies included), plus a path per entry.

use crate::archive::{self, Item};
use crate::error::{LayersError, ReadProblem};
use crate::layer::{entry_at, walk, LayerSummary, What};
use crate::merge::{self, Seen};
use crate::path::{display, join, link_target_from_host, shown, MAX_PATH};
use crate::report::created_by;
use crate::tar::Kind;
use crate::{layout, planned_layers, Limits};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use xxhash_rust::xxh3::Xxh3;

const ELF: &[u8] = b"\x7fELF";
const ZIP: &[u8] = b"PK\x03\x04";
const MAGIC_LEN: u64 = 4;

/// What the caller wants of a regular file, asked with its rooted path (`/var/lib/dpkg/status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    No,
    /// All of it, up to [`CollectLimits::max_whole_bytes`].
    Whole,
    /// All of it if it starts as an ELF executable or a zip archive (a JAR) does, up to
    /// [`CollectLimits::max_magic_bytes`]; else nothing, and no note.
    IfMagic,
}

/// What collecting holds in memory at most.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectLimits {
    /// Reading the archive, as for the analysis (entries, JSON documents, header sizes).
    pub read: Limits,
    /// One file kept [`Keep::Whole`]; a larger one is skipped with a note.
    pub max_whole_bytes: u64,
    /// One file kept [`Keep::IfMagic`]; a larger one is skipped with a note.
    pub max_magic_bytes: u64,
    /// All content kept: what no later layer hides, and what it does (known only at the merge),
    /// and the copies a hard link needs. Beyond it nothing more is kept; each file of the final
    /// filesystem that was not is noted.
    pub max_kept_bytes: u64,
}

impl Default for CollectLimits {
    fn default() -> Self {
        CollectLimits {
            read: Limits::default(),
            max_whole_bytes: 16 << 20,
            max_magic_bytes: 256 << 20,
            max_kept_bytes: 1 << 30,
        }
    }
}

/// The wanted files of the final filesystem.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Collected {
    /// Rooted path → (index of the layer that wrote the content, the content). A hard link's
    /// content is its target's, with the layer that wrote the target.
    pub files: BTreeMap<String, (usize, Vec<u8>)>,
    /// Symbolic links of the final filesystem, never followed: rooted path → target as written
    /// (absolute, or relative to the link's directory).
    pub links: BTreeMap<String, String>,
    /// Lowest first.
    pub layers: Vec<LayerMeta>,
    /// Files of the final filesystem the caller wanted but did not get, each `path: why`.
    pub skipped: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LayerMeta {
    /// The uncompressed layer's digest (its diff id) where the image says it; empty for a
    /// directory.
    pub digest: String,
    /// The build step that wrote the layer, from the image config's history; empty when it
    /// does not say.
    pub created_by: String,
}

/// Reads the image export `export` once and returns the files of its final filesystem that
/// `keep` wants. The archive must hold one image (`docker save` of one image does).
pub fn collect_files(
    export: impl Read,
    keep: &dyn Fn(&str) -> Keep,
    limits: &CollectLimits,
) -> Result<Collected, LayersError> {
    collect_image(export, None, keep, limits)
}

/// [`collect_files`] of the image `select` names (by name or id) in an archive of several.
pub fn collect_image(
    export: impl Read,
    select: Option<&str>,
    keep: &dyn Fn(&str) -> Keep,
    limits: &CollectLimits,
) -> Result<Collected, LayersError> {
    gather(export, select, None, keep, limits, None, |_| ()).map(|(out, ())| out)
}

/// What [`gather`] hands its `extra` consumer while the merged tree is at hand.
pub(crate) struct Merged<'m, 'a> {
    pub plan: &'m layout::Plan,
    pub tree: &'m mut merge::Tree<'a>,
    pub summaries: &'m [(&'a str, &'a LayerSummary)],
    /// Each listed layer's content digests, by change (sorted by change).
    pub digests: &'m [&'a [(usize, [u8; 16])]],
}

/// Reads the export once: the wanted files (as [`collect_image`]), and whatever `extra` makes
/// of the merged layers. `hash_min`: digest the content of every regular file at least this big.
/// `history`: the build steps for the layers' `created_by`, as [`crate::Options::history`].
pub(crate) fn gather<T>(
    export: impl Read,
    select: Option<&str>,
    history: Option<&[crate::Step]>,
    keep: &dyn Fn(&str) -> Keep,
    limits: &CollectLimits,
    hash_min: Option<u64>,
    extra: impl FnOnce(Merged) -> T,
) -> Result<(Collected, T), LayersError> {
    let mut keeper = Keeper {
        keep,
        limits,
        kept: 0,
        hash_min,
        buffer: Vec::new(),
    };
    let mut contents = archive::read_layers(export, &limits.read, |tar, name, entries_left| {
        read_layer(tar, name, &limits.read, entries_left, &mut keeper)
    })?;
    let plan = layout::plan(&contents, select)?;
    let mut out = Collected {
        layers: plan
            .layers
            .iter()
            .zip(
                created_by(&plan, history)
                    .into_iter()
                    .chain(std::iter::repeat(String::new())),
            )
            .map(|(layer, step)| LayerMeta {
                digest: layer.digest.clone(),
                created_by: step,
            })
            .collect(),
        ..Collected::default()
    };
    // A layer listed twice is one entry of the archive: its content is kept once, and given to
    // (moved into) the last visible path that uses it; earlier ones get copies.
    let keys: Vec<String> = plan
        .layers
        .iter()
        .map(|l| contents.key(&l.path).unwrap_or(&l.path).to_owned())
        .collect();
    let mut first: HashMap<&str, usize> = HashMap::new();
    let same: Vec<usize> = keys
        .iter()
        .enumerate()
        .map(|(i, key)| *first.entry(key.as_str()).or_insert(i))
        .collect();

    let mut found: Vec<Found> = Vec::new();
    let mut uses: HashMap<(usize, usize), usize> = HashMap::new();
    let made;
    {
        let layers = planned_layers(&contents, &plan, &limits.read, |f: &LayerFiles| {
            f.summary.changes.len()
        })?;
        let summaries: Vec<(&str, &LayerSummary)> =
            layers.iter().map(|(name, f)| (*name, &f.summary)).collect();
        let digests: Vec<&[(usize, [u8; 16])]> =
            layers.iter().map(|(_, f)| &f.digests[..]).collect();
        let mut tree = merge::merged(&summaries)?;
        made = extra(Merged {
            plan: &plan,
            tree: &mut tree,
            summaries: &summaries,
            digests: &digests,
        });
        for (path, layer, change) in tree.visible_files() {
            let rooted = display(path);
            let want = keep(&rooted);
            if want == Keep::No {
                continue;
            }
            let files = layers[layer].1;
            match files.fates.get(&change) {
                Some(Fate::Kept(data)) if want == Keep::Whole || has_magic(data) => {
                    found.push(Found {
                        path: rooted,
                        layer,
                        change,
                    });
                    *uses.entry((same[layer], change)).or_default() += 1;
                }
                Some(Fate::Kept(_)) | Some(Fate::NoMagic) => {}
                Some(Fate::Skipped(why)) => out.skipped.push(format!("{rooted}: {why}")),
                None => {
                    let target = &files.summary.changes[change].path[..];
                    if target != path {
                        out.skipped.push(format!(
                            "{rooted}: a hard link to {}, whose content was not kept (not wanted at that path)",
                            display(target)
                        ));
                    }
                }
            }
        }
        let symlinks: HashSet<&[u8]> = tree
            .visible()
            .filter(|(_, seen)| *seen == Seen::Other)
            .map(|(path, _)| path)
            .collect();
        for (_, files) in &layers {
            let mut targets = files.links.iter().peekable();
            for (at, change) in files.summary.changes.iter().enumerate() {
                let target = match targets.peek() {
                    Some((link, _)) if *link == at => targets.next().map(|(_, t)| t),
                    _ => None,
                };
                if matches!(change.what, What::Whiteout | What::Opaque)
                    || !symlinks.contains(&change.path[..])
                {
                    continue;
                }
                // The last write at a visible path is what is there: a link, or something else.
                let rooted = display(&change.path);
                match target {
                    Some(target) => out.links.insert(rooted, target.clone()),
                    None => out.links.remove(&rooted),
                };
            }
        }
    }

    for f in found {
        let Some(Item::Layer(files)) = contents.get_mut(&keys[same[f.layer]]) else {
            continue;
        };
        let Some(Fate::Kept(data)) = files.fates.get_mut(&f.change) else {
            continue;
        };
        let left = uses.entry((same[f.layer], f.change)).or_default();
        *left = left.saturating_sub(1);
        let content = if *left == 0 {
            std::mem::take(data)
        } else if let Some(why) = keeper.no_room(data.len() as u64) {
            out.skipped.push(format!("{}: {why}", f.path));
            continue;
        } else {
            keeper.kept += data.len() as u64;
            data.clone()
        };
        out.files.insert(f.path, (f.layer, content));
    }
    Ok((out, made))
}

/// Walks the directory `dir` as the root of a filesystem, as [`collect_files`] reads an image:
/// one layer (index 0), symbolic links recorded and never followed, devices, fifos and sockets
/// skipped. What cannot be read (a directory or file without permission) is noted in `skipped`.
pub fn collect_rootfs(
    dir: &Path,
    keep: &dyn Fn(&str) -> Keep,
    limits: &CollectLimits,
) -> Result<Collected, LayersError> {
    let unreadable = |source| LayersError::Read {
        at: format!("the directory {}", dir.display()),
        source,
    };
    if !std::fs::metadata(dir).map_err(unreadable)?.is_dir() {
        return Err(LayersError::NotAnImage(format!(
            "{} is not a directory",
            dir.display()
        )));
    }
    let mut keeper = Keeper {
        keep,
        limits,
        kept: 0,
        hash_min: None,
        buffer: Vec::new(),
    };
    let mut out = Collected {
        layers: vec![LayerMeta::default()],
        ..Collected::default()
    };
    let mut entries_left = limits.read.max_entries;
    let mut dirs: Vec<(PathBuf, Vec<u8>)> = vec![(dir.to_path_buf(), Vec::new())];
    while let Some((fs_dir, rel)) = dirs.pop() {
        let listing = match std::fs::read_dir(&fs_dir) {
            Ok(listing) => listing,
            Err(e) => {
                out.skipped
                    .push(format!("{}: cannot list the directory: {e}", display(&rel)));
                continue;
            }
        };
        // Counted as listed: a directory of millions of entries is refused before it is held.
        let mut children = Vec::new();
        for child in listing {
            if entries_left == 0 {
                return Err(LayersError::Limit {
                    what: format!("the number of entries under {}", dir.display()),
                    limit: format!("{} entries", limits.read.max_entries),
                });
            }
            entries_left -= 1;
            let child = child.and_then(|c| Ok((c.file_name(), c.file_type()?)));
            match child {
                Ok(child) => children.push(child),
                Err(e) => out
                    .skipped
                    .push(format!("{}: cannot list the directory: {e}", display(&rel))),
            }
        }
        // Sorted, so which files the total limit leaves out does not depend on the disk's order.
        children.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, kind) in children {
            let path = join(&rel, name.as_encoded_bytes());
            if path.len() > MAX_PATH {
                return Err(LayersError::Limit {
                    what: format!("the path {:?} ({} bytes)", shown(&path), path.len()),
                    limit: format!("{MAX_PATH} bytes for one path (Linux's PATH_MAX)"),
                });
            }
            let fs_path = fs_dir.join(&name);
            let rooted = display(&path);
            if kind.is_dir() {
                dirs.push((fs_path, path));
            } else if kind.is_symlink() {
                match std::fs::read_link(&fs_path) {
                    Ok(target) => {
                        let target = target.as_os_str().as_encoded_bytes();
                        out.links
                            .insert(rooted, link_target_from_host(target, cfg!(windows)));
                    }
                    Err(e) => out
                        .skipped
                        .push(format!("{rooted}: cannot read the link: {e}")),
                }
            } else if kind.is_file() {
                let want = keep(&rooted);
                if want == Keep::No {
                    continue;
                }
                let read = std::fs::File::open(&fs_path).and_then(|mut file| {
                    let size = file.metadata()?.len();
                    keeper.read(want, size, &mut file)
                });
                match read {
                    Ok(Fate::Kept(data)) => {
                        out.files.insert(rooted, (0, data));
                    }
                    Ok(Fate::Skipped(why)) => out.skipped.push(format!("{rooted}: {why}")),
                    Ok(Fate::NoMagic) => {}
                    Err(e) => out.skipped.push(format!("{rooted}: cannot read it: {e}")),
                }
            }
        }
    }
    Ok(out)
}

/// A visible path whose content was kept.
struct Found {
    path: String,
    layer: usize,
    change: usize,
}

/// One layer as the collector reads it: the analysis' summary, and what became of the files the
/// caller wanted, by their change's place in the summary.
pub(crate) struct LayerFiles {
    summary: LayerSummary,
    fates: HashMap<usize, Fate>,
    /// Symbolic links' targets as written, by change, in the summary's order.
    links: Vec<(usize, String)>,
    /// Content digests of the files big enough, by change, in the summary's order.
    digests: Vec<(usize, [u8; 16])>,
}

enum Fate {
    Kept(Vec<u8>),
    /// Wanted but not kept, and why.
    Skipped(String),
    /// Wanted only as an executable or archive, and it is neither.
    NoMagic,
}

struct Keeper<'k> {
    keep: &'k dyn Fn(&str) -> Keep,
    limits: &'k CollectLimits,
    /// Bytes kept so far.
    kept: u64,
    /// Digest the content of regular files at least this big.
    hash_min: Option<u64>,
    /// For reading content that is digested but not kept.
    buffer: Vec<u8>,
}

impl Keeper<'_> {
    /// Reads a wanted file of `size` bytes from `data`, within the limits.
    fn read(&mut self, want: Keep, size: u64, data: &mut dyn Read) -> std::io::Result<Fate> {
        let cap = match want {
            Keep::No => return Ok(Fate::NoMagic),
            Keep::Whole => self.limits.max_whole_bytes,
            Keep::IfMagic => self.limits.max_magic_bytes,
        };
        let mut content = Vec::new();
        if want == Keep::IfMagic {
            Read::take(&mut *data, MAGIC_LEN).read_to_end(&mut content)?;
            if !has_magic(&content) {
                return Ok(Fate::NoMagic);
            }
        }
        if size > cap {
            return Ok(Fate::Skipped(format!(
                "{size} bytes, over Drydock's limit of {cap} bytes for one file"
            )));
        }
        if let Some(why) = self.no_room(size) {
            return Ok(Fate::Skipped(why));
        }
        content.reserve(usize::try_from(size).unwrap_or(0));
        let rest = size.saturating_sub(content.len() as u64);
        Read::take(&mut *data, rest).read_to_end(&mut content)?;
        self.kept += content.len() as u64;
        Ok(Fate::Kept(content))
    }

    /// Why `size` more bytes cannot be kept, if they cannot.
    fn no_room(&self, size: u64) -> Option<String> {
        (self.kept.saturating_add(size) > self.limits.max_kept_bytes).then(|| {
            format!(
                "not kept: the files kept before it reach Drydock's limit of {} bytes in all",
                self.limits.max_kept_bytes
            )
        })
    }
}

/// Reads for digests in pieces this big.
const HASH_BUFFER: usize = 64 << 10;

/// A file's content as it is read, digested on the way when `hasher` is set.
struct Hashing<'d> {
    data: &'d mut dyn Read,
    hasher: Option<Xxh3>,
}

impl Read for Hashing<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.data.read(buf)?;
        if let Some(hasher) = &mut self.hasher {
            hasher.update(&buf[..n]);
        }
        Ok(n)
    }
}

fn has_magic(data: &[u8]) -> bool {
    data.starts_with(ELF) || data.starts_with(ZIP)
}

/// Reads one layer tar, keeping the files `keeper` wants. Arguments as for
/// [`crate::layer::summarise`].
fn read_layer(
    tar: impl Read,
    name: &str,
    limits: &Limits,
    entries_left: &mut u64,
    keeper: &mut Keeper,
) -> Result<LayerFiles, LayersError> {
    let mut files = LayerFiles {
        summary: LayerSummary::default(),
        fates: HashMap::new(),
        links: Vec::new(),
        digests: Vec::new(),
    };
    walk(tar, name, limits, entries_left, |change, header, data| {
        let at = files.summary.changes.len();
        match change.what {
            What::File(size) => {
                let want = (keeper.keep)(&display(&change.path));
                let mut hashing = Hashing {
                    data,
                    hasher: keeper
                        .hash_min
                        .is_some_and(|min| size >= min)
                        .then(Xxh3::new),
                };
                let failed =
                    |e: std::io::Error| ReadProblem::from(e).at(entry_at(name, &header.path));
                if want != Keep::No {
                    let fate = keeper.read(want, size, &mut hashing).map_err(failed)?;
                    files.fates.insert(at, fate);
                }
                if hashing.hasher.is_some() {
                    // The rest of the content, read only to be digested.
                    keeper.buffer.resize(HASH_BUFFER, 0);
                    loop {
                        match hashing.read(&mut keeper.buffer) {
                            Ok(0) => break,
                            Ok(_) => {}
                            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                            Err(e) => return Err(failed(e)),
                        }
                    }
                    if let Some(hasher) = hashing.hasher {
                        files.digests.push((at, hasher.digest128().to_be_bytes()));
                    }
                }
            }
            What::Other if header.kind == Kind::Symlink => {
                if header.link.len() > MAX_PATH {
                    return Err(LayersError::Limit {
                        what: format!(
                            "{}: a link target of {} bytes",
                            entry_at(name, &header.path),
                            header.link.len()
                        ),
                        limit: format!("{MAX_PATH} bytes for one path (Linux's PATH_MAX)"),
                    });
                }
                let target = String::from_utf8_lossy(&header.link).into_owned();
                files.links.push((at, target));
            }
            _ => {}
        }
        files.summary.changes.push(change);
        Ok(())
    })?;
    Ok(files)
}
