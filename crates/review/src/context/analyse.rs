//! The walk over a build context: one pass, no symlink followed, no file read but the small
//! ones that may be secrets, memory in the depth of the tree plus what the report keeps.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::flags;
use super::ignore::{clean, Ignore, Verdict};
use super::sources::Sources;

/// The most entries walked; beyond it the figures are a lower bound and `truncated` says so.
pub const MAX_ENTRIES: u64 = 2_000_000;
/// The most read of a Dockerfile or an ignore file (the linter's bound too).
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;
/// How many of the biggest directories and unused paths the report keeps.
const TOP: usize = 10;

/// What `docker build` would send for one Dockerfile, and what of it is wasted or dangerous.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ContextReport {
    /// Bytes of the regular files sent.
    pub bytes: u64,
    /// Entries sent that are not directories (files, symlinks, ...).
    pub files: u64,
    /// The ignore file in effect, relative to the context (`Dockerfile.dev.dockerignore`,
    /// `.dockerignore`), if any.
    pub ignore_file: Option<String>,
    /// What in the ignore file makes Docker refuse to build.
    pub ignore_errors: Vec<String>,
    /// Directories (one and two levels deep) by bytes sent, biggest first.
    pub biggest_dirs: Vec<(String, u64)>,
    /// Bytes sent that no COPY or ADD of the Dockerfile reads.
    pub unused_bytes: u64,
    /// The biggest of those paths (top-level entries of the context), biggest first.
    pub biggest_unused: Vec<(String, u64)>,
    pub should_not_send: Vec<Flagged>,
    pub secrets: Vec<Flagged>,
    /// Lines to add to the ignore file, and the bytes they would keep out of the context.
    pub proposed_dockerignore: Vec<String>,
    pub proposed_saves_bytes: u64,
    /// The walk stopped at [`MAX_ENTRIES`]: the figures are a lower bound.
    pub truncated: bool,
    /// Paths that could not be read (Docker itself fails the build on those).
    pub unreadable: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "ContextFlagged"))]
pub struct Flagged {
    pub path: String,
    pub bytes: u64,
    pub why: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    #[error("cannot read the build context {path}: {source}")]
    Context {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read the Dockerfile {path}: {source}")]
    Dockerfile {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Which builder sends the context: they read different ignore files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Builder {
    /// The default since Docker 23.
    #[default]
    BuildKit,
    /// `DOCKER_BUILDKIT=0`: the docker CLI reads only `.dockerignore` at the context root
    /// (checked on a real engine: it ignores `<Dockerfile>.dockerignore`).
    Classic,
}

/// The ignore file `docker build` uses for a Dockerfile and its text. BuildKit looks for
/// `<Dockerfile>.dockerignore` beside the Dockerfile first; both builders then take
/// `.dockerignore` at the context root.
pub fn ignore_file_for(
    context: &Path,
    dockerfile: &Path,
    builder: Builder,
) -> Option<(PathBuf, std::io::Result<String>)> {
    let specific = dockerfile
        .file_name()
        .filter(|_| builder == Builder::BuildKit)
        .map(|name| {
            let mut name = name.to_os_string();
            name.push(".dockerignore");
            dockerfile.with_file_name(name)
        });
    let path = specific
        .into_iter()
        .chain([context.join(".dockerignore")])
        .find(|path| path.is_file())?;
    // Docker reads the bytes as they are; a stray invalid byte must not hide the file.
    let text = read_capped(&path).map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
    Some((path, text))
}

/// The ignore rules as the docker CLI applies them: the Dockerfile and the ignore file are sent
/// even when a pattern excludes them (`TrimBuildFilesFromExcludes`).
pub fn ignore_for_build(text: &str, dockerfile_rel: Option<&str>) -> Ignore {
    let mut text = text.to_string();
    let first = Ignore::parse(&text);
    let mut extra = Vec::new();
    if first.excluded(".dockerignore", false) {
        extra.push("!.dockerignore".to_string());
    }
    if let Some(rel) = dockerfile_rel.filter(|rel| first.excluded(rel, false)) {
        extra.push(format!("!{rel}"));
    }
    if extra.is_empty() {
        return first;
    }
    for line in extra {
        text.push('\n');
        text.push_str(&line);
    }
    Ignore::parse(&text)
}

/// Analyses the context `context` as BuildKit sends it for `dockerfile` (a relative path is
/// taken from the context).
pub fn analyse(context: &Path, dockerfile: &Path) -> Result<ContextReport, ContextError> {
    analyse_with(context, dockerfile, Builder::BuildKit, MAX_ENTRIES)
}

/// [`analyse`] for a given builder, walking at most `max_entries` entries.
pub fn analyse_with(
    context: &Path,
    dockerfile: &Path,
    builder: Builder,
    max_entries: u64,
) -> Result<ContextReport, ContextError> {
    let dockerfile = if dockerfile.is_absolute() {
        dockerfile.to_path_buf()
    } else {
        context.join(dockerfile)
    };
    let source = read_capped(&dockerfile).map_err(|source| ContextError::Dockerfile {
        path: dockerfile.clone(),
        source,
    })?;
    let sources = Sources::of(&drydock_dockerfile::parse(&String::from_utf8_lossy(
        &source,
    )));
    let dockerfile_rel = dockerfile
        .strip_prefix(context)
        .ok()
        .map(|p| clean(&p.to_string_lossy()));
    let mut report = ContextReport::default();
    let ignore = match ignore_file_for(context, &dockerfile, builder) {
        Some((path, text)) => {
            report.ignore_file = Some(match path.strip_prefix(context) {
                Ok(rel) => rel.to_string_lossy().into_owned(),
                Err(_) => path.to_string_lossy().into_owned(),
            });
            match text {
                Ok(text) => ignore_for_build(&text, dockerfile_rel.as_deref()),
                Err(e) => {
                    report.ignore_errors.push(format!("cannot read it: {e}"));
                    Ignore::default()
                }
            }
        }
        None => Ignore::default(),
    };
    report.ignore_errors.extend(ignore.errors.iter().cloned());
    std::fs::read_dir(context).map_err(|source| ContextError::Context {
        path: context.to_path_buf(),
        source,
    })?;
    let mut walk = Walk {
        ignore: &ignore,
        sources: &sources,
        report,
        dirs: HashMap::new(),
        unused: HashMap::new(),
        entries: 0,
        max_entries,
    };
    walk.dir(context, "", None, None);
    Ok(walk.finish())
}

struct Walk<'a> {
    ignore: &'a Ignore,
    sources: &'a Sources,
    report: ContextReport,
    /// Bytes per directory one and two levels deep.
    dirs: HashMap<String, u64>,
    /// Unused bytes per top-level entry.
    unused: HashMap<String, u64>,
    entries: u64,
    max_entries: u64,
}

/// Where a file's bytes are also counted: its flagged ancestor, if any.
type FlagAt = Option<usize>;

impl Walk<'_> {
    /// Walks `abs` (context-relative `rel`, "" for the root). Recursion depth is the tree's
    /// depth, which the kernel bounds (PATH_MAX).
    fn dir(&mut self, abs: &Path, rel: &str, parent: Option<&Verdict>, flag: FlagAt) {
        let mut entries: Vec<(String, PathBuf)> = match std::fs::read_dir(abs) {
            // One directory of millions of entries is read no further than the cap.
            Ok(read) => read
                .take(usize::try_from(self.max_entries - self.entries + 1).unwrap_or(usize::MAX))
                .filter_map(Result::ok)
                .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
                .collect(),
            Err(_) => {
                self.report.unreadable.push(rel.to_string());
                return;
            }
        };
        entries.sort();
        for (name, path) in entries {
            if self.entries >= self.max_entries {
                self.report.truncated = true;
                return;
            }
            self.entries += 1;
            let child = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                self.report.unreadable.push(child);
                continue;
            };
            let is_dir = meta.is_dir();
            let verdict = self.ignore.judge(&child, is_dir, parent);
            if is_dir {
                if verdict.skip_dir {
                    continue;
                }
                let mut flag = flag;
                // A directory a COPY names is wanted, however it looks.
                if flag.is_none() && !self.sources.names(&child) {
                    if let Some(why) = flags::unneeded_dir(&name, abs) {
                        self.report.should_not_send.push(Flagged {
                            path: child.clone(),
                            bytes: 0,
                            why: why.to_string(),
                        });
                        flag = Some(self.report.should_not_send.len() - 1);
                    }
                }
                self.dir(&path, &child, Some(&verdict), flag);
                continue;
            }
            if verdict.excluded {
                continue;
            }
            let bytes = if meta.is_file() { meta.len() } else { 0 };
            self.report.files += 1;
            self.report.bytes += bytes;
            if let Some(i) = flag {
                if let Some(f) = self.report.should_not_send.get_mut(i) {
                    f.bytes += bytes;
                }
            }
            for (i, _) in child.match_indices('/').take(2) {
                *self.dirs.entry(child[..i].to_string()).or_default() += bytes;
            }
            if !self.sources.uses(&child) {
                self.report.unused_bytes += bytes;
                let top = child.split('/').next().unwrap_or(&child).to_string();
                *self.unused.entry(top).or_default() += bytes;
            }
            if meta.is_file() && flag.is_none() {
                if let Some(why) = flags::secret(&child, &path, bytes) {
                    self.report.secrets.push(Flagged {
                        path: child,
                        bytes,
                        why: why.to_string(),
                    });
                }
            }
        }
    }

    fn finish(mut self) -> ContextReport {
        let mut report = std::mem::take(&mut self.report);
        report.biggest_dirs = top(self.dirs);
        report.biggest_unused = top(self.unused);
        for flagged in report.should_not_send.iter().chain(&report.secrets) {
            // Ignoring what a COPY names would break the build: that secret needs a build
            // secret mount instead, which the walkthrough says.
            if self.sources.names(&flagged.path) {
                continue;
            }
            report.proposed_dockerignore.push(escape(&flagged.path));
            report.proposed_saves_bytes += flagged.bytes;
        }
        report
    }
}

/// A Dockerfile or ignore file, refused over [`MAX_FILE_BYTES`] rather than read whole.
fn read_capped(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(std::io::Error::other(format!(
            "larger than {MAX_FILE_BYTES} bytes"
        )));
    }
    Ok(bytes)
}

fn top(map: HashMap<String, u64>) -> Vec<(String, u64)> {
    let mut all: Vec<(String, u64)> = map.into_iter().collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    all.truncate(TOP);
    all
}

/// A path as a pattern matching only itself: pattern characters escaped.
pub(crate) fn escape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
