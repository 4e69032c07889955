//! Paths inside a layer, cleaned onto the image root as Docker applies a layer: `/etc/x`,
//! `./etc/x`, `etc//x/` and `etc/a/../x` are one path, and `/` is the root itself.
//!
//! A normalised path is relative to the image root, has no empty, `.` or `..` component and no
//! leading or trailing slash; the root itself is the empty path. Keeping paths as bytes keeps
//! names that are not UTF-8 distinct.

use crate::error::LayersError;

/// The longest path Drydock reads, in bytes: Linux's PATH_MAX. The engine creates each path
/// under its own data directory, so it cannot create a longer one, and every path costs its
/// bytes in memory until the merge. It also bounds the depth: at most 2048 directories, each
/// at least one byte and a slash.
pub(crate) const MAX_PATH: usize = 4096;

/// How much of a name messages show.
const SHOWN_CHARS: usize = 120;

/// Why a name cannot be a path in the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathProblem {
    /// A relative name whose `..` climbs above the root (Docker refuses it as a breakout).
    Parent,
    /// Longer than [`MAX_PATH`] once cleaned: its bytes and its depth in directories.
    TooLong { bytes: usize, depth: usize },
}

impl PathProblem {
    /// The error for a name met at `at` (e.g. `layer "x/layer.tar", entry "etc/passwd"`).
    pub(crate) fn at(self, at: String) -> LayersError {
        match self {
            PathProblem::Parent => LayersError::Corrupt {
                at,
                problem: "the path has a `..` component, which would leave the image root".into(),
            },
            PathProblem::TooLong { bytes, depth } => LayersError::Limit {
                what: format!("{at}: a path of {bytes} bytes, {depth} directories deep,"),
                limit: format!(
                    "{MAX_PATH} bytes for one path (Linux's PATH_MAX: no engine can create a longer one)"
                ),
            },
        }
    }
}

/// Cleans a layer entry's name as Docker does before applying it (Go's `filepath.Clean`, then
/// joined onto the root): a leading `/` names the root, `.` and empty components go, `..` takes
/// back the component before it. A rooted name cannot climb above the root (`/../x` is `x`); a
/// relative one that tries is refused, as the engine refuses it.
pub(crate) fn normalise(raw: &[u8]) -> Result<Vec<u8>, PathProblem> {
    let rooted = raw.first() == Some(&b'/');
    let mut out = Vec::with_capacity(raw.len().min(MAX_PATH + 1));
    for part in raw.split(|b| *b == b'/') {
        match part {
            b"" | b"." => {}
            b".." => match out.iter().rposition(|b| *b == b'/') {
                Some(slash) => out.truncate(slash),
                None if !out.is_empty() => out.clear(),
                None if rooted => {}
                None => return Err(PathProblem::Parent),
            },
            name => {
                if !out.is_empty() {
                    out.push(b'/');
                }
                out.extend_from_slice(name);
            }
        }
    }
    if out.len() > MAX_PATH {
        return Err(PathProblem::TooLong {
            bytes: out.len(),
            depth: out.iter().filter(|b| **b == b'/').count(),
        });
    }
    Ok(out)
}

/// `dir/name`, or `name` at the root.
pub(crate) fn join(dir: &[u8], name: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(dir.len() + 1 + name.len());
    out.extend_from_slice(dir);
    if !dir.is_empty() {
        out.push(b'/');
    }
    out.extend_from_slice(name);
    out
}

/// The directory part and the last component (`("", path)` at the top level).
pub(crate) fn split_last(path: &[u8]) -> (&[u8], &[u8]) {
    match path.iter().rposition(|b| *b == b'/') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => (&[], path),
    }
}

/// Bounds of the keys strictly below `dir` in byte order: every such key starts with `dir/`, and
/// `0` is the byte after `/`, so `[dir/, dir0)` holds exactly the subtree. `None` for the root,
/// whose subtree is everything.
pub(crate) fn subtree_bounds(dir: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    if dir.is_empty() {
        return None;
    }
    let mut start = dir.to_vec();
    start.push(b'/');
    let mut end = dir.to_vec();
    end.push(b'/' + 1);
    Some((start, end))
}

/// Every proper ancestor of `path`, nearest the root first (`a`, `a/b` for `a/b/c`).
pub(crate) fn ancestors(path: &[u8]) -> impl Iterator<Item = &[u8]> {
    path.iter()
        .enumerate()
        .filter(|(_, b)| **b == b'/')
        .map(move |(i, _)| &path[..i])
}

/// A path for people: rooted, and lossy where the name is not UTF-8.
pub(crate) fn display(path: &[u8]) -> String {
    format!("/{}", String::from_utf8_lossy(path))
}

/// A name as messages show it: lossy where it is not UTF-8, and cut short when it is long (a
/// hostile name can be a mebibyte).
pub(crate) fn shown(name: &[u8]) -> String {
    let text = String::from_utf8_lossy(name);
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.into_owned(),
    }
}

/// A symbolic link's target read from the host's disk (a root filesystem directory), as an image
/// holds it: Windows reads the separators back as `\`, image paths use `/`. Elsewhere a `\` is
/// part of a name and stays.
pub(crate) fn link_target_from_host(target: &[u8], windows: bool) -> String {
    let text = String::from_utf8_lossy(target);
    if windows {
        text.replace('\\', "/")
    } else {
        text.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_targets_read_on_windows_use_image_separators() {
        assert_eq!(
            link_target_from_host(br"..\lib\libc.so.6", true),
            "../lib/libc.so.6"
        );
        assert_eq!(
            link_target_from_host(br"..\lib\libc.so.6", false),
            r"..\lib\libc.so.6"
        );
        assert_eq!(
            link_target_from_host(b"/usr/bin/busybox", true),
            "/usr/bin/busybox"
        );
    }

    #[test]
    fn dot_slash_and_bare_forms_are_one_path() {
        assert_eq!(normalise(b"./etc/x").as_deref(), Ok(&b"etc/x"[..]));
        assert_eq!(normalise(b"etc//x/").as_deref(), Ok(&b"etc/x"[..]));
        assert_eq!(normalise(b"etc/./x").as_deref(), Ok(&b"etc/x"[..]));
        assert_eq!(normalise(b"./").as_deref(), Ok(&b""[..]));
    }

    #[test]
    fn names_are_cleaned_onto_the_root_as_docker_applies_them() {
        // kaniko and crane write `/` and absolute names; the engine joins each onto the root.
        for same in [
            &b"/etc/x"[..],
            b"./etc/x",
            b"etc/x",
            b"etc/a/../x",
            b"/../etc/x",
        ] {
            assert_eq!(normalise(same).as_deref(), Ok(&b"etc/x"[..]), "{same:?}");
        }
        for root in [&b"/"[..], b"./", b".", b"a/..", b"/.."] {
            assert_eq!(normalise(root).as_deref(), Ok(&b""[..]), "{root:?}");
        }
    }

    #[test]
    fn escaping_the_root_is_refused() {
        assert_eq!(normalise(b"a/../../x"), Err(PathProblem::Parent));
        assert_eq!(normalise(b"../etc/passwd"), Err(PathProblem::Parent));
        assert_eq!(normalise(b".."), Err(PathProblem::Parent));
    }

    #[test]
    fn a_path_over_path_max_is_refused_with_its_length_and_depth() {
        let longest = "a/".repeat(MAX_PATH / 2 - 1) + "bb";
        assert_eq!(normalise(longest.as_bytes()).map(|p| p.len()), Ok(MAX_PATH));
        let deeper = "a/".repeat(MAX_PATH / 2) + "b";
        assert_eq!(
            normalise(deeper.as_bytes()),
            Err(PathProblem::TooLong {
                bytes: MAX_PATH + 1,
                depth: MAX_PATH / 2
            })
        );
        // What counts is the cleaned path, as the engine would create it.
        let cleaned = "x/".repeat(MAX_PATH) + &"../".repeat(MAX_PATH) + "y";
        assert_eq!(normalise(cleaned.as_bytes()).as_deref(), Ok(&b"y"[..]));
    }

    #[test]
    fn long_names_are_cut_short_in_messages() {
        assert_eq!(shown(b"etc/x"), "etc/x");
        let long = shown("é".repeat(5000).as_bytes());
        assert_eq!(long, "é".repeat(SHOWN_CHARS) + "…");
    }

    #[test]
    fn a_subtree_is_one_key_range() {
        let (start, end) = subtree_bounds(b"a/b").expect("not root");
        let inside = |k: &[u8]| k >= &start[..] && k < &end[..];
        assert!(inside(b"a/b/c") && inside(b"a/b/\xff"));
        assert!(!inside(b"a/b") && !inside(b"a/b!") && !inside(b"a/bc") && !inside(b"a/b0"));
        assert_eq!(subtree_bounds(b""), None);
    }

    #[test]
    fn ancestors_and_parts() {
        assert_eq!(
            ancestors(b"a/b/c").collect::<Vec<_>>(),
            vec![&b"a"[..], &b"a/b"[..]]
        );
        assert_eq!(split_last(b"a/b/c"), (&b"a/b"[..], &b"c"[..]));
        assert_eq!(split_last(b"c"), (&b""[..], &b"c"[..]));
        assert_eq!(join(b"", b"x"), b"x");
        assert_eq!(display(b"etc/x"), "/etc/x");
    }
}
