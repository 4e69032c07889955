//! `.dockerignore` as Docker reads it (moby `ignorefile.ReadAll`) and applies it while it
//! tars the context (moby `patternmatcher`, `archive.TarWithOptions`): the last matching
//! pattern wins, `!` re-includes, a pattern matching a directory takes everything under it,
//! and an excluded directory is not even entered unless an exception starts with its path.

use super::pattern::Pattern;

/// The lines Go's `bufio.Scanner` refuses (Docker then fails the build).
const MAX_LINE: usize = 64 * 1024;

/// A parsed `.dockerignore`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ignore {
    patterns: Vec<Pattern>,
    /// What would make Docker refuse the build: bad patterns, an over-long line. Those
    /// patterns are left out.
    pub errors: Vec<String>,
}

/// What the tar walk knows about a directory once it has decided on it: which patterns matched
/// it (so its children need not ask again, moby's `MatchInfo`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Verdict {
    pub excluded: bool,
    /// An excluded directory whose content is not even walked.
    pub skip_dir: bool,
    matched: Vec<bool>,
}

impl Ignore {
    pub fn parse(text: &str) -> Ignore {
        let mut ignore = Ignore::default();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (number, line) in text.split('\n').enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.len() > MAX_LINE {
                ignore
                    .errors
                    .push(format!("line {}: longer than {MAX_LINE} bytes", number + 1));
                break;
            }
            if line.starts_with('#') {
                continue;
            }
            let line = line.trim_matches(go_space);
            if line.is_empty() {
                continue;
            }
            let (exclusion, rest) = match line.strip_prefix('!') {
                Some(rest) => (true, rest.trim_matches(go_space)),
                None => (false, line),
            };
            if rest.is_empty() {
                ignore.errors.push(format!(
                    "line {}: illegal exclusion pattern: \"!\"",
                    number + 1
                ));
                continue;
            }
            let mut cleaned = clean(rest);
            if cleaned.len() > 1 && cleaned.starts_with('/') {
                cleaned.remove(0);
            }
            match Pattern::compile(&cleaned, exclusion) {
                Ok(pattern) => ignore.patterns.push(pattern),
                Err(e) => ignore
                    .errors
                    .push(format!("line {}: {e}: {line}", number + 1)),
            }
        }
        ignore
    }

    /// The patterns as Docker keeps them (cleaned, `!` kept), one per line.
    pub fn patterns(&self) -> Vec<String> {
        self.patterns
            .iter()
            .map(|p| format!("{}{}", if p.exclusion { "!" } else { "" }, p.text))
            .collect()
    }

    /// The verdict on `path` (relative, `/`-separated, cleaned) given its parent directory's
    /// verdict (`None` at the top of the context). moby's `MatchesUsingParentResults`.
    pub fn judge(&self, path: &str, is_dir: bool, parent: Option<&Verdict>) -> Verdict {
        let mut matched = false;
        let mut info = vec![false; self.patterns.len()];
        for (i, pattern) in self.patterns.iter().enumerate() {
            let mut hit = parent
                .and_then(|p| p.matched.get(i).copied())
                .unwrap_or(false);
            if !hit {
                if pattern.exclusion != matched {
                    continue;
                }
                // Without the parent's results, moby checks the parents here.
                hit = pattern.matches_path_or_parent(path, parent.is_none());
            }
            info[i] = hit;
            if hit {
                matched = !pattern.exclusion;
            }
        }
        let skip_dir = matched && is_dir && !self.exception_under(path);
        Verdict {
            excluded: matched,
            skip_dir,
            matched: info,
        }
    }

    /// Whether `path` is left out of the context: it is excluded, or a directory above it is
    /// excluded and not walked. Cost: the depth times the patterns; a walk should carry
    /// [`Ignore::judge`]'s verdicts down instead.
    pub fn excluded(&self, path: &str, is_dir: bool) -> bool {
        let path = clean(path);
        let path = path.trim_start_matches('/');
        if path.is_empty() || path == "." {
            return false;
        }
        let mut parent: Option<Verdict> = None;
        for (i, c) in path.char_indices() {
            if c != '/' {
                continue;
            }
            let dir = path.get(..i).unwrap_or("");
            let verdict = self.judge(dir, true, parent.as_ref());
            if verdict.skip_dir {
                return true;
            }
            parent = Some(verdict);
        }
        self.judge(path, is_dir, parent.as_ref()).excluded
    }

    /// moby: an excluded directory is still walked when an exception's text starts with it.
    fn exception_under(&self, dir: &str) -> bool {
        self.patterns.iter().any(|p| {
            p.exclusion
                && p.text.len() + 1 > dir.len()
                && p.text.starts_with(dir)
                && matches!(p.text.as_bytes().get(dir.len()), Some(b'/') | None)
        })
    }
}

/// Go's `strings.TrimSpace`: Unicode white space.
fn go_space(c: char) -> bool {
    c.is_whitespace()
}

/// Go's `filepath.Clean` on Unix.
pub(crate) fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_like_go() {
        for (from, to) in [
            ("", "."),
            ("a/b/../c", "a/c"),
            ("/../a", "/a"),
            ("../../a", "../../a"),
            ("a//b/./", "a/b"),
            ("/", "/"),
            ("./", "."),
        ] {
            assert_eq!(clean(from), to, "{from}");
        }
    }

    /// moby `ignorefile` TestReadAll.
    #[test]
    fn reads_like_moby() {
        let ignore = Ignore::parse(
            "test1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n! /inverted/abs/path\n!\n! \n",
        );
        assert_eq!(
            ignore.patterns(),
            [
                "test1",
                "test2",
                "a/file/here",
                "lastfile",
                "!inverted/abs/path"
            ]
        );
        assert_eq!(ignore.errors.len(), 2, "{:?}", ignore.errors);
        // A comment only at the very start of the line; the BOM is dropped.
        let ignore = Ignore::parse("\u{feff}a\r\n  # not a comment\n\t b/./c/ \n");
        assert_eq!(ignore.patterns(), ["a", "# not a comment", "b/c"]);
    }

    /// moby `patternmatcher` TestWildcardMatches, TestPatternMatches, TestExclusionPatternMatchesPatternBeforeAFile,
    /// TestMatchesWithMalformedPatterns and the `MatchesOrParentMatches` table.
    #[test]
    fn moby_matcher_table() {
        let table: &[(&[&str], &str, bool)] = &[
            (&["*"], "fileutils.go", true),
            (&["*.go"], "fileutils.go", true),
            (&["*.go"], "a/b/fileutils.go", false),
            (&["**/*.go"], "a/b/fileutils.go", true),
            (&["!fileutils.go"], "fileutils.go", false),
            (&["*", "!fileutils.go"], "fileutils.go", false),
            (&["*.go", "!fileutils.go"], "fileutils.go", false),
            (&["*", "!*.go", "fileutils.go"], "fileutils.go", true),
            (&["docs", "!docs/README.md"], "docs/README.md", false),
            (&["docs/", "!docs/README.md"], "docs/README.md", false),
            (&["docs/*", "!docs/README.md"], "docs/README.md", false),
            (&["**", "!docs/README.md"], "docs/README.md", false),
            (&["docs/**", "!docs/README.md"], "docs/README.md", false),
            (&["/docs/", "!docs/README.md"], "docs/README.md", false),
            (&["docs"], "docs/README.md", true),
            (&["docs/"], "docs/README.md", true),
            (&["/docs"], "docs/README.md", true),
            (&["docs/**"], "docs/README.md", true),
            (&["**/*.log"], "a/b/c.log", true),
            (&["**/*.log", "!keep.log"], "keep.log", false),
            (&["**/*.log", "!keep.log"], "sub/keep.log", true),
            (&["dir", "!dir/b"], "dir/b/c", false),
            (&["dir", "!dir/b"], "dir/a", true),
            (&["a/b/c"], "a/b/c/d", true),
            (&["a/b"], "a/b/c/d", true),
            (&["*/b"], "a/b/c/d", true),
            (&["**/b/*"], "x/a/b/c/d", true),
        ];
        for &(patterns, path, want) in table {
            let ignore = Ignore::parse(&patterns.join("\n"));
            assert!(ignore.errors.is_empty(), "{patterns:?}");
            assert_eq!(ignore.excluded(path, false), want, "{patterns:?} on {path}");
        }
    }

    #[test]
    fn an_excluded_directory_is_not_walked_unless_an_exception_names_its_path() {
        // `!**/*.md` cannot bring files back from `docs`: Docker never enters it.
        let ignore = Ignore::parse("docs\n!**/*.md\n");
        assert!(ignore.excluded("docs/a.md", false));
        assert!(!ignore.excluded("a.md", false));
        let ignore = Ignore::parse("docs\n!docs/keep/*.md\n");
        assert!(!ignore.excluded("docs/keep/a.md", false));
        assert!(ignore.excluded("docs/other/a.md", false));
        // The walk keeps the parent's answers: moby's MatchesUsingParentResults.
        let ignore = Ignore::parse("a\n!a/b\na\n");
        assert!(!ignore.excluded("a/b", false));
    }

    #[test]
    fn bad_patterns_are_reported_not_panicked_on() {
        let ignore = Ignore::parse("[\nok\na\\\n!\n");
        assert_eq!(ignore.patterns(), ["ok"]);
        assert_eq!(ignore.errors.len(), 3);
        let long = "x".repeat(MAX_LINE + 1);
        assert_eq!(Ignore::parse(&long).errors.len(), 1);
    }
}
