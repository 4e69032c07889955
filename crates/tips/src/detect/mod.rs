//! The detectors: pure functions from the facts of one image (and the other local images, for the
//! base) to tips. One module per tip kind; this one holds what they share: an index of the
//! visible files built once, how a tip's paths, layer and step are chosen, and the union that
//! counts each byte once across tips.
//!
//! Everything here reads text from strangers (paths, package databases, `package.json`, the
//! config's env and history): no input panics, time is linear in the facts (every lookup goes
//! through a map built in one pass), and each tip lists at most [`MAX_PATHS`] paths.

mod base_image;
mod build_tools;
mod duplicates;
mod hidden;
mod leftovers;
mod package_cache;
mod pkgdb;
mod redact;
mod root;
mod secret_config;
mod secret_file;
mod wanted;

#[cfg(test)]
mod tests;

use crate::{ImageFacts, LocalImage, Tip, TipKind, TipPath};
use std::collections::{HashMap, HashSet};

pub use secret_file::scrub_secrets;
pub use wanted::wanted;

/// A tip lists at most this many paths; `more_paths` counts the rest.
pub const MAX_PATHS: usize = 20;

/// Every tip for the image, biggest saving first (ties: kind, then title).
///
/// `me` is the image as the engine lists it; `locals` are the other local images (it may hold
/// `me` too), for the base-image tip.
pub fn detect(facts: &ImageFacts, me: &LocalImage, locals: &[LocalImage]) -> Vec<Tip> {
    let view = View::new(facts);
    let mut tips: Vec<Tip> = found(&view).into_iter().map(|f| f.tip).collect();
    tips.extend(base_image::detect(&view, me, locals));
    sort(&mut tips);
    tips
}

/// The bytes all `tips` would save together, each byte counted once.
///
/// Tips overlap (a hidden apt list is both a package cache and hidden bytes; a duplicated
/// `.deb` is both a cache and a duplicate), so each tip is traced back to the file entries of
/// `facts` it counts, and the entries are summed once: the union by path and layer. That
/// holds for exact tips and for the estimates that rest on files of the image (a JDK's
/// development parts, a compiler's directories): those count their files like the others.
///
/// A smaller base (a base-image tip with bytes) is an estimate of another kind: switching
/// replaces the base's layers whole, so what the other tips count in those layers is not
/// added to it; the larger of the two counts instead. Sizes a package database declares for
/// packages whose files the image does not list are added as they are. A tip these facts do
/// not give (made from other facts, or edited) adds its own `bytes`. Risks (root, secrets)
/// save nothing.
pub fn could_save(facts: &ImageFacts, tips: &[Tip]) -> u64 {
    let view = View::new(facts);
    let findings = found(&view);
    let mut known: HashMap<(TipKind, &str), &Finding> = HashMap::new();
    for finding in &findings {
        known.insert((finding.tip.kind, finding.tip.title.as_str()), finding);
    }
    let mut base_layers = 0usize;
    let mut base_saving = 0u64;
    let mut counted: HashSet<usize> = HashSet::new();
    let mut unmatched = 0u64;
    let mut extra = 0u64;
    for tip in tips {
        if tip.kind == TipKind::BaseImage {
            if tip.bytes > base_saving {
                base_saving = tip.bytes;
                base_layers = tip.layer.map_or(0, |top| top.saturating_add(1));
            }
            continue;
        }
        match known.get(&(tip.kind, tip.title.as_str())) {
            Some(finding) => {
                counted.extend(finding.files.iter().copied());
                extra = extra.saturating_add(finding.extra);
            }
            None => unmatched = unmatched.saturating_add(tip.bytes),
        }
    }
    let mut in_base = 0u64;
    let mut above = 0u64;
    for index in counted {
        let Some(file) = facts.files.get(index) else {
            continue;
        };
        match file.layer {
            Some(layer) if base_saving > 0 && layer < base_layers => {
                in_base = in_base.saturating_add(file.size)
            }
            _ => above = above.saturating_add(file.size),
        }
    }
    above
        .saturating_add(in_base.max(base_saving))
        .saturating_add(unmatched)
        .saturating_add(extra)
}

/// Biggest saving first; ties by kind, then title.
fn sort(tips: &mut [Tip]) {
    tips.sort_by(|a, b| {
        b.bytes
            .cmp(&a.bytes)
            .then(a.kind.cmp(&b.kind))
            .then_with(|| a.title.cmp(&b.title))
    });
}

/// A tip and the file entries (indices into `ImageFacts::files`) whose bytes it counts.
struct Finding {
    tip: Tip,
    files: Vec<usize>,
    /// Bytes the tip counts that no file entry shows (the size a package declares when its
    /// file list is not in the image).
    extra: u64,
}

/// Every tip the image's own facts give (all but the base image's).
fn found(view: &View) -> Vec<Finding> {
    let mut all = Vec::new();
    let tools = build_tools::detect(view);
    all.extend(package_cache::detect(view, tools.has_go_toolchain));
    all.extend(tools.findings);
    all.extend(hidden::detect(view));
    all.extend(duplicates::detect(view));
    all.extend(leftovers::detect(view));
    all.extend(root::detect(view));
    all.extend(secret_file::detect(view));
    all.extend(secret_config::detect(view));
    all
}

/// The facts with the lookups the detectors share, built once.
struct View<'f> {
    facts: &'f ImageFacts,
    /// Visible regular files and directories by path.
    visible: HashMap<&'f str, usize>,
}

impl<'f> View<'f> {
    fn new(facts: &'f ImageFacts) -> Self {
        let mut visible = HashMap::new();
        for (index, file) in facts.files.iter().enumerate() {
            if file.hidden_in.is_none() && file.kind != crate::FileKind::Other {
                visible.entry(file.path.as_str()).or_insert(index);
            }
        }
        View { facts, visible }
    }

    /// Visible regular files, with their index.
    fn visible_files(&self) -> impl Iterator<Item = (usize, &'f crate::FileFact)> + 'f {
        self.facts.files.iter().enumerate().filter(|(_, f)| {
            f.hidden_in.is_none() && f.kind == crate::FileKind::File && f.layer.is_some()
        })
    }

    /// The visible regular file at `path`, trying the `/usr` twin of `/lib`, `/bin` and `/sbin`
    /// paths (package lists name the pre-usrmerge paths).
    fn file_at(&self, path: &str) -> Option<usize> {
        let is_file = |index: &usize| {
            self.facts
                .files
                .get(*index)
                .is_some_and(|f| f.kind == crate::FileKind::File)
        };
        if let Some(index) = self.visible.get(path).filter(|i| is_file(i)) {
            return Some(*index);
        }
        for old in ["/lib/", "/lib64/", "/lib32/", "/libx32/", "/bin/", "/sbin/"] {
            if path.starts_with(old) {
                // Only where the old directory is a link into /usr (a real directory there
                // means the file is simply gone).
                if self.visible.contains_key(&old[..old.len() - 1]) {
                    return None;
                }
                let merged = format!("/usr{path}");
                return self.visible.get(merged.as_str()).copied().filter(is_file);
            }
        }
        None
    }

    /// The build step that wrote `layer`, with secret-looking values masked; `None` when the
    /// history does not say.
    fn step(&self, layer: usize) -> Option<String> {
        let created_by = &self.facts.layers.get(layer)?.created_by;
        if created_by.trim().is_empty() {
            return None;
        }
        Some(redact::step(created_by))
    }
}

/// What a finding needs besides its files: the parts of a tip only the detector knows.
struct Draft {
    kind: TipKind,
    title: String,
    exact: bool,
    estimate: Option<String>,
    why: &'static str,
    fix: String,
}

impl Draft {
    /// The finding whose bytes are the sum of `files`, listed as `paths` (already grouped the way
    /// the tip shows them), with the layer that wrote most of those bytes.
    fn finish(self, view: &View, files: Vec<usize>, paths: Vec<TipPath>) -> Finding {
        let bytes = sum(view.facts, &files);
        self.finish_with(view, files, paths, bytes)
    }

    /// As [`finish`](Self::finish), with the bytes given (an estimate, or a count that is not
    /// the plain sum of the files).
    fn finish_with(
        self,
        view: &View,
        files: Vec<usize>,
        paths: Vec<TipPath>,
        bytes: u64,
    ) -> Finding {
        let layer = main_layer(view.facts, &files);
        let (paths, more_paths) = biggest(paths);
        Finding {
            tip: Tip {
                kind: self.kind,
                title: self.title,
                bytes,
                exact: self.exact,
                estimate: self.estimate,
                paths,
                more_paths,
                layer,
                step: layer.and_then(|layer| view.step(layer)),
                why: self.why.to_string(),
                fix: self.fix,
            },
            files,
            extra: 0,
        }
    }
}

/// Bytes of the file entries at `files`.
fn sum(facts: &ImageFacts, files: &[usize]) -> u64 {
    files
        .iter()
        .filter_map(|i| facts.files.get(*i))
        .fold(0u64, |total, f| total.saturating_add(f.size))
}

/// The layer that wrote most of the bytes of `files` (ties: the lowest).
fn main_layer(facts: &ImageFacts, files: &[usize]) -> Option<usize> {
    let mut per_layer: HashMap<usize, u64> = HashMap::new();
    for file in files.iter().filter_map(|i| facts.files.get(*i)) {
        if let Some(layer) = file.layer {
            let bytes = per_layer.entry(layer).or_default();
            *bytes = bytes.saturating_add(file.size);
        }
    }
    per_layer
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(layer, _)| layer)
}

/// The biggest [`MAX_PATHS`] of `paths` (ties by path, then layer), and how many are left out.
fn biggest(mut paths: Vec<TipPath>) -> (Vec<TipPath>, u64) {
    paths.sort_by(|a, b| {
        b.bytes
            .cmp(&a.bytes)
            .then_with(|| a.path.cmp(&b.path))
            .then(a.layer.cmp(&b.layer))
    });
    let more = paths.len().saturating_sub(MAX_PATHS) as u64;
    paths.truncate(MAX_PATHS);
    (paths, more)
}

/// Sums files into one [`TipPath`] per (group path, layer), in one pass.
#[derive(Default)]
struct Groups {
    index: HashMap<(String, usize), usize>,
    paths: Vec<TipPath>,
    /// The group added to last: files of one group mostly come in a row.
    last: Option<usize>,
}

impl Groups {
    fn add(&mut self, path: &str, layer: usize, bytes: u64) {
        if let Some(entry) = self.last.and_then(|at| self.paths.get_mut(at)) {
            if entry.layer == layer && entry.path == path {
                entry.bytes = entry.bytes.saturating_add(bytes);
                return;
            }
        }
        let key = (path.to_string(), layer);
        match self.index.get(&key) {
            Some(at) => {
                self.last = Some(*at);
                if let Some(entry) = self.paths.get_mut(*at) {
                    entry.bytes = entry.bytes.saturating_add(bytes);
                }
            }
            None => {
                self.last = Some(self.paths.len());
                self.index.insert(key, self.paths.len());
                self.paths.push(TipPath {
                    path: path.to_string(),
                    bytes,
                    layer,
                });
            }
        }
    }

    fn into_paths(self) -> Vec<TipPath> {
        self.paths
    }
}

/// The directory part of a rooted path (`/a/b` for `/a/b/c`; `/` for `/a`).
fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(at) => &path[..at],
    }
}

/// The last component of a path.
fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// `n` with its unit, for titles (`1.2 MB`); decimal units, as `docker images` prints them.
fn human(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// A name list for a title: the first few, then "+N more".
fn some_names(names: &[String], shown: usize) -> String {
    let mut text = names
        .iter()
        .take(shown)
        .map(|name| short(name))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > shown {
        text.push_str(&format!(" +{} more", names.len() - shown));
    }
    text
}

/// Names from the image (package, variable) longer than this are cut in titles.
const MAX_NAME_CHARS: usize = 80;

/// `name` cut to [`MAX_NAME_CHARS`] characters, with `…` where it was cut.
fn short(name: &str) -> String {
    match name.char_indices().nth(MAX_NAME_CHARS) {
        Some((end, _)) => format!("{}…", &name[..end]),
        None => name.to_string(),
    }
}
