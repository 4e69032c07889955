//! What a build leaves behind that the image does not need: archives beside the tree unpacked
//! from them, core dumps, `.git` directories, and an application's tests. One tip per kind,
//! visible bytes only (what a later layer hides is the hidden-bytes tip's).

use super::wanted::is_library_dir;
use super::{base_name, parent, Draft, Finding, Groups, View};
use crate::{FileKind, TipKind};

/// Archive name endings, longest first (`.tar.gz` before `.gz` would matter).
const ARCHIVES: &[&str] = &[
    ".tar.gz", ".tar.xz", ".tar.bz2", ".tar.zst", ".tgz", ".txz", ".tbz2", ".tar", ".zip",
];

/// A file named like a core dump smaller than this is taken for something else.
const CORE_MIN_BYTES: u64 = 64 << 10;

/// Where an application's own files usually live; tests under them are the application's.
const APP_ROOTS: &[&str] = &[
    "/app/",
    "/src/",
    "/srv/",
    "/code/",
    "/workspace/",
    "/usr/src/app/",
    "/opt/app/",
];

#[derive(Clone, Copy)]
enum Leftover {
    Archive,
    Core,
    Git,
    Tests,
}

impl Leftover {
    fn title(self) -> &'static str {
        match self {
            Leftover::Archive => "Archives beside the trees unpacked from them",
            Leftover::Core => "Core dumps in the image",
            Leftover::Git => ".git directories in the image",
            Leftover::Tests => "Test files in the application's directory",
        }
    }

    fn why(self) -> &'static str {
        match self {
            Leftover::Archive => {
                "An archive downloaded and unpacked in the image ships twice: once packed, once \
                 as its tree."
            }
            Leftover::Core => {
                "A core dump is the memory of a process that crashed during the build: the image \
                 has no use for it, and it may hold that process's data."
            }
            Leftover::Git => {
                "A repository's history comes in with a broad COPY; nothing reads it at run time, \
                 and it may hold what was meant to stay private."
            }
            Leftover::Tests => {
                "Tests and their fixtures serve the pipeline that builds the image; the running \
                 service never loads them."
            }
        }
    }

    fn fix(self) -> &'static str {
        match self {
            Leftover::Archive => {
                "Download, unpack and delete in one RUN (`RUN curl -fsSL URL | tar -xz -C /opt`), \
                 or unpack in a build stage and `COPY --from` only the tree."
            }
            Leftover::Core => {
                "Delete it in the RUN that crashed (`rm -f core core.*`), and add `core*` to \
                 .dockerignore if it came in with COPY."
            }
            Leftover::Git => "Add `.git` to .dockerignore, and COPY only what the build needs.",
            Leftover::Tests => {
                "Add the test directories to .dockerignore, or COPY only the sources the service \
                 runs (`COPY src/ ./src/`)."
            }
        }
    }
}

/// What kind of leftover `path` is, and the path the tip shows for it (the `.git` or test
/// directory, or the file itself).
fn classify<'p>(view: &View, path: &'p str, size: u64) -> Option<(Leftover, &'p str)> {
    if let Some(at) = path.find("/.git/") {
        return Some((Leftover::Git, &path[..at + "/.git".len()]));
    }
    let name = base_name(path);
    if let Some(stem) = ARCHIVES
        .iter()
        .find_map(|ext| strip_suffix_ignore_case(name, ext))
    {
        if !stem.is_empty() && !is_library_dir(path) {
            let dir = parent(path);
            let tree = if dir == "/" {
                format!("/{stem}")
            } else {
                format!("{dir}/{stem}")
            };
            let is_dir = view
                .visible
                .get(tree.as_str())
                .and_then(|i| view.facts.files.get(*i))
                .is_some_and(|f| f.kind == FileKind::Dir);
            if is_dir {
                return Some((Leftover::Archive, path));
            }
        }
    }
    if is_core_name(name) && size >= CORE_MIN_BYTES && !is_system_dir(path) && !is_library_dir(path)
    {
        return Some((Leftover::Core, path));
    }
    if !is_library_dir(path) {
        if let Some(at) = path.find("/__tests__/") {
            return Some((Leftover::Tests, &path[..at + "/__tests__".len()]));
        }
        for root in APP_ROOTS {
            let Some(rest) = path.strip_prefix(root) else {
                continue;
            };
            let Some((first, _)) = rest.split_once('/') else {
                continue;
            };
            if matches!(first, "test" | "tests" | "spec" | "__tests__") {
                return Some((Leftover::Tests, &path[..root.len() + first.len()]));
            }
        }
    }
    None
}

fn strip_suffix_ignore_case<'n>(name: &'n str, suffix: &str) -> Option<&'n str> {
    let at = name.len().checked_sub(suffix.len())?;
    let tail = name.get(at..)?;
    tail.eq_ignore_ascii_case(suffix).then(|| &name[..at])
}

/// `core`, or `core.` followed by digits (a process id).
fn is_core_name(name: &str) -> bool {
    name == "core"
        || name
            .strip_prefix("core.")
            .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
}

/// The system's own directories, where a file named `core` is a program's part, not a dump.
fn is_system_dir(path: &str) -> bool {
    [
        "/usr/", "/lib", "/bin/", "/sbin/", "/etc/", "/proc/", "/sys/", "/opt/",
    ]
    .iter()
    .any(|dir| path.starts_with(dir))
}

pub(super) fn detect(view: &View) -> Vec<Finding> {
    let kinds = [
        Leftover::Archive,
        Leftover::Core,
        Leftover::Git,
        Leftover::Tests,
    ];
    let mut found: Vec<(Vec<usize>, Groups)> = kinds
        .iter()
        .map(|_| (Vec::new(), Groups::default()))
        .collect();
    for (index, file) in view.visible_files() {
        let Some((kind, shown)) = classify(view, &file.path, file.size) else {
            continue;
        };
        if let Some((files, groups)) = found.get_mut(kind as usize) {
            files.push(index);
            groups.add(shown, file.layer.unwrap_or(0), file.size);
        }
    }
    let mut findings = Vec::new();
    for (kind, (files, groups)) in kinds.iter().zip(found) {
        if files.is_empty() {
            continue;
        }
        let draft = Draft {
            kind: TipKind::BuildLeftovers,
            title: kind.title().to_string(),
            exact: true,
            estimate: None,
            why: kind.why(),
            fix: kind.fix().to_string(),
        };
        findings.push(draft.finish(view, files, groups.into_paths()));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_names() {
        assert!(is_core_name("core"));
        assert!(is_core_name("core.1234"));
        assert!(!is_core_name("core."));
        assert!(!is_core_name("core.py"));
        assert!(!is_core_name("score"));
    }

    #[test]
    fn archive_suffixes() {
        assert_eq!(strip_suffix_ignore_case("x.TAR.GZ", ".tar.gz"), Some("x"));
        assert_eq!(strip_suffix_ignore_case("é", ".tar.gz"), None);
        assert_eq!(strip_suffix_ignore_case("aé.zip", ".zip"), Some("aé"));
    }
}
