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
        // Without the parent's results, moby checks the parents too.
        self.decide(path, is_dir, parent, |_, pattern| {
            pattern.matches_path_or_parent(path, parent.is_none())
        })
    }

    fn decide(
        &self,
        path: &str,
        is_dir: bool,
        parent: Option<&Verdict>,
        mut hits: impl FnMut(usize, &Pattern) -> bool,
    ) -> Verdict {
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
                hit = hits(i, pattern);
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
    /// excluded and not walked. Each pattern reads the path once (the answers for every parent
    /// directory come out of the same pass), so a long path costs its length, not its square.
    pub fn excluded(&self, path: &str, is_dir: bool) -> bool {
        let path = clean(path);
        let path = path.trim_start_matches('/');
        if path.is_empty() || path == "." {
            return false;
        }
        // For each pattern, whether it matches each of `a`, `a/b`, ..., `path`.
        let table: Vec<Vec<bool>> = self.patterns.iter().map(|p| p.prefixes(path)).collect();
        let ends: Vec<usize> = path
            .match_indices('/')
            .map(|(i, _)| i)
            .chain([path.len()])
            .collect();
        let mut parent: Option<Verdict> = None;
        for (level, &end) in ends.iter().enumerate() {
            let last = level + 1 == ends.len();
            let prefix = path.get(..end).unwrap_or(path);
            let verdict = self.decide(prefix, is_dir || !last, parent.as_ref(), |i, _| {
                table
                    .get(i)
                    .and_then(|row| row.get(level))
                    .copied()
                    .unwrap_or(false)
            });
            if last {
                return verdict.excluded;
            }
            if verdict.skip_dir {
                return true;
            }
            parent = Some(verdict);
        }
        false
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
    fn a_deep_hostile_path_costs_its_length() {
        // 100,000 components: one pass per pattern, not one per parent directory.
        let path = "a/".repeat(100_000) + "b";
        let ignore = Ignore::parse("**/c\na/**/x*\n!a/a\n*/a/?b\n[a-b]/**/*.z\n");
        assert!(!ignore.excluded(&path, false));
        let ignore = Ignore::parse("a/a\n!a/a/a\n");
        assert!(!ignore.excluded(&path, false));
        assert!(Ignore::parse("*/a/?\n").excluded(&path, false));
    }

    #[test]
    fn the_walk_and_the_single_path_answer_agree() {
        let ignore = Ignore::parse("docs\n!docs/keep\n**/*.log\n!**/important.log\nx/*/y\n");
        let paths = [
            ("docs", true),
            ("docs/keep", true),
            ("docs/keep/a.log", false),
            ("docs/keep/important.log", false),
            ("docs/other", true),
            ("x", true),
            ("x/1", true),
            ("x/1/y", true),
            ("x/1/y/z", false),
        ];
        // (path, verdict, whether the walk never reaches below it)
        let mut seen: Vec<(&str, Verdict, bool)> = Vec::new();
        for (path, is_dir) in paths {
            let parent = path
                .rsplit_once('/')
                .and_then(|(pp, _)| seen.iter().find(|(p, _, _)| *p == pp));
            let gone = parent.is_some_and(|(_, _, gone)| *gone);
            let verdict = ignore.judge(path, is_dir, parent.map(|(_, v, _)| v));
            let walk_says = gone || verdict.excluded;
            assert_eq!(walk_says, ignore.excluded(path, is_dir), "{path}");
            let below_gone = gone || verdict.skip_dir;
            seen.push((path, verdict, below_gone));
        }
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
