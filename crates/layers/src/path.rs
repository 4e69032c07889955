//! Paths inside a layer, normalised so that `./etc/x`, `etc/x` and `etc//x/` are one path.
//!
//! A normalised path is relative to the image root, has no empty, `.` or `..` component and no
//! leading or trailing slash; the root itself is the empty path. Keeping paths as bytes keeps
//! names that are not UTF-8 distinct.

/// Why a name cannot be a path in the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathProblem {
    Absolute,
    Parent,
}

impl PathProblem {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            PathProblem::Absolute => {
                "the path is absolute; layer paths are relative to the image root"
            }
            PathProblem::Parent => {
                "the path has a `..` component, which would leave the image root"
            }
        }
    }
}

pub(crate) fn normalise(raw: &[u8]) -> Result<Vec<u8>, PathProblem> {
    if raw.first() == Some(&b'/') {
        return Err(PathProblem::Absolute);
    }
    let mut out = Vec::with_capacity(raw.len());
    for part in raw.split(|b| *b == b'/') {
        match part {
            b"" | b"." => {}
            b".." => return Err(PathProblem::Parent),
            name => {
                if !out.is_empty() {
                    out.push(b'/');
                }
                out.extend_from_slice(name);
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_slash_and_bare_forms_are_one_path() {
        assert_eq!(normalise(b"./etc/x").as_deref(), Ok(&b"etc/x"[..]));
        assert_eq!(normalise(b"etc//x/").as_deref(), Ok(&b"etc/x"[..]));
        assert_eq!(normalise(b"etc/./x").as_deref(), Ok(&b"etc/x"[..]));
        assert_eq!(normalise(b"./").as_deref(), Ok(&b""[..]));
    }

    #[test]
    fn escaping_the_root_is_refused() {
        assert_eq!(normalise(b"/etc/x"), Err(PathProblem::Absolute));
        assert_eq!(normalise(b"a/../../x"), Err(PathProblem::Parent));
        assert_eq!(normalise(b".."), Err(PathProblem::Parent));
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
