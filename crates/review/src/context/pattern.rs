//! One `.dockerignore` pattern, matched the way moby's `patternmatcher` does: the pattern is
//! turned into the same regular expression (`*` and `?` stop at `/`, `**` is `(.*/)?`, a final
//! `**` is "anything"), or into the plain prefix, suffix or equality test moby uses when the
//! pattern allows it (so `**/foo` matches `barfoo`, as in Docker). Matching is a set-of-states
//! simulation: O(path x pattern), nothing a stranger writes can make it backtrack.
//!
//! Known difference: inside `[...]`, `\x` is the literal `x` here, while Go's regexp gives
//! `\d`, `\s`, `\w` (and `[:alpha:]`) their class meaning.

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Char(char),
    /// `[^/]*`
    Star,
    /// `[^/]`
    Any,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
    /// Epsilon to here + the offset: the bypass of `(.*/)?`.
    Skip(usize),
    /// `.*` (regexp: no newline) or the prefix test's "anything" (newline too).
    Loop {
        newline: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Matcher {
    /// moby's `suffixMatch`: a leading `**` and nothing else special.
    Suffix(String),
    Tokens(Vec<Token>),
}

/// A compiled pattern, without its `!`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pattern {
    /// The cleaned pattern text (moby's `Pattern.String()`).
    pub(crate) text: String,
    pub(crate) exclusion: bool,
    matcher: Matcher,
}

impl Pattern {
    /// `text` is cleaned and has no `!`. Errors are the ones Go's `filepath.Match` reports for a
    /// malformed pattern, which make Docker refuse the build.
    pub(crate) fn compile(text: &str, exclusion: bool) -> Result<Pattern, String> {
        validate(text)?;
        let chars: Vec<char> = text.chars().collect();
        let mut tokens = Vec::new();
        // moby's matchType: exact, prefix, suffix or regexp.
        let mut regexp = false;
        let mut suffix = false;
        let mut i = 0;
        let mut first = true;
        while let Some(&ch) = chars.get(i) {
            i += 1;
            match ch {
                '*' if chars.get(i) == Some(&'*') => {
                    i += 1;
                    if chars.get(i) == Some(&'/') {
                        i += 1;
                    }
                    if i >= chars.len() {
                        // Prefix test when nothing special came before, else `.*`.
                        let newline = !regexp && !suffix;
                        if !newline {
                            regexp = true;
                        }
                        tokens.push(Token::Loop { newline });
                    } else {
                        tokens.push(Token::Skip(3));
                        tokens.push(Token::Loop { newline: false });
                        tokens.push(Token::Char('/'));
                        regexp = true;
                    }
                    if first {
                        suffix = true;
                        regexp = false;
                    }
                }
                '*' => {
                    tokens.push(Token::Star);
                    regexp = true;
                }
                '?' => {
                    tokens.push(Token::Any);
                    regexp = true;
                }
                '\\' => {
                    if let Some(&next) = chars.get(i) {
                        i += 1;
                        tokens.push(Token::Char(next));
                        regexp = true;
                    } else {
                        tokens.push(Token::Char('\\'));
                    }
                }
                '[' => {
                    let (token, next) = class(&chars, i)?;
                    tokens.push(token);
                    i = next;
                    regexp = true;
                }
                c => tokens.push(Token::Char(c)),
            }
            first = false;
        }
        let matcher = if suffix && !regexp {
            let rest = text.get(2..).unwrap_or("");
            Matcher::Suffix(rest.strip_prefix('/').unwrap_or(rest).to_string())
        } else {
            Matcher::Tokens(tokens)
        };
        Ok(Pattern {
            text: text.to_string(),
            exclusion,
            matcher,
        })
    }

    /// Whether the pattern matches `path` itself.
    #[cfg(test)]
    pub(crate) fn matches(&self, path: &str) -> bool {
        self.matches_path_or_parent(path, false)
    }

    /// Whether the pattern matches `path` or, with `parents`, one of its parent directories
    /// (moby checks `a`, `a/b`, ... for `a/b/c`). One pass over the path.
    pub(crate) fn matches_path_or_parent(&self, path: &str, parents: bool) -> bool {
        match &self.matcher {
            Matcher::Suffix(suffix) => {
                if path.ends_with(suffix.as_str()) {
                    return true;
                }
                parents
                    && path
                        .char_indices()
                        .filter(|&(_, c)| c == '/')
                        .any(|(at, _)| path.get(..at).is_some_and(|p| p.ends_with(suffix.as_str())))
            }
            Matcher::Tokens(tokens) => run(tokens, path, parents),
        }
    }
}

impl Pattern {
    /// Whether the pattern matches each of `a`, `a/b`, ..., `path` (one entry per component),
    /// in one pass over the path.
    pub(crate) fn prefixes(&self, path: &str) -> Vec<bool> {
        let mut out = Vec::new();
        match &self.matcher {
            Matcher::Suffix(suffix) => {
                let ends = path.match_indices('/').map(|(i, _)| i).chain([path.len()]);
                for end in ends {
                    out.push(
                        path.get(..end)
                            .is_some_and(|p| p.ends_with(suffix.as_str())),
                    );
                }
            }
            Matcher::Tokens(tokens) => {
                run_with(tokens, path, &mut |accepting| {
                    out.push(accepting);
                    true
                });
            }
        }
        let components = path.matches('/').count() + 1;
        out.resize(components, false);
        out
    }
}

fn run(tokens: &[Token], path: &str, parents: bool) -> bool {
    let mut found = false;
    let mut boundaries = path.matches('/').count();
    run_with(tokens, path, &mut |accepting| {
        if boundaries == 0 {
            // The whole path.
            found = accepting;
            return false;
        }
        boundaries -= 1;
        if parents && accepting {
            found = true;
            return false;
        }
        true
    });
    found
}

/// Runs the pattern over `path`, telling `at_boundary` whether it accepts at each `/` (the
/// parent before it) and at the end; it returns false to stop. Stops when no state is alive.
fn run_with(tokens: &[Token], path: &str, at_boundary: &mut dyn FnMut(bool) -> bool) {
    let n = tokens.len();
    let mut states = vec![false; n + 1];
    states[0] = true;
    close(tokens, &mut states);
    let mut next = vec![false; n + 1];
    for ch in path.chars() {
        if ch == '/' && !at_boundary(states[n]) {
            return;
        }
        next.iter_mut().for_each(|s| *s = false);
        let mut alive = false;
        for (i, token) in tokens.iter().enumerate() {
            if !states[i] {
                continue;
            }
            let to = match token {
                Token::Char(c) => (*c == ch).then_some(i + 1),
                Token::Star => (ch != '/').then_some(i),
                Token::Any => (ch != '/').then_some(i + 1),
                Token::Class { negated, ranges } => {
                    let inside = ranges.iter().any(|&(lo, hi)| lo <= ch && ch <= hi);
                    (inside != *negated).then_some(i + 1)
                }
                Token::Skip(_) => None,
                Token::Loop { newline } => (*newline || ch != '\n').then_some(i),
            };
            if let Some(to) = to {
                next[to] = true;
                alive = true;
            }
        }
        if !alive {
            return;
        }
        close(tokens, &mut next);
        std::mem::swap(&mut states, &mut next);
    }
    at_boundary(states[n]);
}

/// Epsilon moves only go forward, so one pass in order closes the set.
fn close(tokens: &[Token], states: &mut [bool]) {
    for i in 0..tokens.len() {
        if !states[i] {
            continue;
        }
        match tokens[i] {
            Token::Star | Token::Loop { .. } => states[i + 1] = true,
            Token::Skip(k) => {
                states[i + 1] = true;
                if let Some(s) = states.get_mut(i + k) {
                    *s = true;
                }
            }
            _ => {}
        }
    }
}

/// A `[...]` starting after the `[` at `at - 1`: returns the token and the index after `]`.
fn class(chars: &[char], mut at: usize) -> Result<(Token, usize), String> {
    let negated = chars.get(at) == Some(&'^');
    if negated {
        at += 1;
    }
    let mut ranges = Vec::new();
    loop {
        match chars.get(at) {
            Some(']') if !ranges.is_empty() => {
                return Ok((Token::Class { negated, ranges }, at + 1))
            }
            _ => {}
        }
        let (lo, after) = class_char(chars, at)?;
        at = after;
        let mut hi = lo;
        if chars.get(at) == Some(&'-') {
            let (h, after) = class_char(chars, at + 1)?;
            hi = h;
            at = after;
        }
        if lo > hi {
            return Err(bad());
        }
        ranges.push((lo, hi));
    }
}

fn class_char(chars: &[char], at: usize) -> Result<(char, usize), String> {
    match chars.get(at) {
        None | Some('-' | ']') => Err(bad()),
        Some('\\') => chars.get(at + 1).map(|&c| (c, at + 2)).ok_or_else(bad),
        Some(&c) => Ok((c, at + 1)),
    }
}

/// Go's `filepath.Match` syntax check: a trailing `\` or a malformed `[...]` is an error.
fn validate(text: &str) -> Result<(), String> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while let Some(&ch) = chars.get(i) {
        i += 1;
        match ch {
            '\\' => {
                if i >= chars.len() {
                    return Err(bad());
                }
                i += 1;
            }
            '[' => i = class(&chars, i)?.1,
            _ => {}
        }
    }
    Ok(())
}

fn bad() -> String {
    "syntax error in pattern".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, path: &str) -> bool {
        Pattern::compile(pattern, false)
            .map(|p| p.matches(path))
            .unwrap_or_else(|e| panic!("{pattern}: {e}"))
    }

    /// moby `patternmatcher` TestMatch (the Unix rows): pattern, path, match.
    #[test]
    fn moby_match_table() {
        let table: &[(&str, &str, bool)] = &[
            ("**", "file", true),
            ("**", "file/", true),
            ("**/", "file", true),
            ("**/", "file/", true),
            ("**", "/", true),
            ("**/", "/", true),
            ("**", "dir/file", true),
            ("**/", "dir/file", true),
            ("**", "dir/file/", true),
            ("**/", "dir/file/", true),
            ("**/**", "dir/file", true),
            ("**/**", "dir/file/", true),
            ("dir/**", "dir/file", true),
            ("dir/**", "dir/file/", true),
            ("dir/**", "dir/dir2/file", true),
            ("dir/**", "dir/dir2/file/", true),
            ("**/dir", "dir", true),
            ("**/dir", "dir/file", false),
            ("**/dir2/*", "dir/dir2/file", true),
            ("**/dir2/*", "dir/dir2/file/", false),
            ("**/dir2/**", "dir/dir2/dir3/file", true),
            ("**/dir2/**", "dir/dir2/dir3/file/", true),
            ("**file", "file", true),
            ("**file", "dir/file", true),
            ("**/file", "dir/file", true),
            ("**file", "dir/dir/file", true),
            ("**/file", "dir/dir/file", true),
            ("**/file*", "dir/dir/file", true),
            ("**/file*", "dir/dir/file.txt", true),
            ("**/file*txt", "dir/dir/file.txt", true),
            ("**/file*.txt", "dir/dir/file.txt", true),
            ("**/file*.txt*", "dir/dir/file.txt", true),
            ("**/**/*.txt", "dir/dir/file.txt", true),
            ("**/**/*.txt2", "dir/dir/file.txt", false),
            ("**/*.txt", "file.txt", true),
            ("**/**/*.txt", "file.txt", true),
            ("a**/*.txt", "a/file.txt", true),
            ("a**/*.txt", "a/dir/file.txt", true),
            ("a**/*.txt", "a/dir/dir/file.txt", true),
            ("a/*.txt", "a/dir/file.txt", false),
            ("a/*.txt", "a/file.txt", true),
            ("a/*.txt**", "a/file.txt", true),
            ("a[b-d]e", "ae", false),
            ("a[b-d]e", "ace", true),
            ("a[b-d]e", "aae", false),
            ("a[^b-d]e", "aze", true),
            (".*", ".foo", true),
            (".*", "foo", false),
            ("abc.def", "abcdef", false),
            ("abc.def", "abc.def", true),
            ("abc.def", "abcZdef", false),
            ("abc?def", "abcZdef", true),
            ("abc?def", "abcdef", false),
            ("a\\\\", "a\\", true),
            ("**/foo/bar", "foo/bar", true),
            ("**/foo/bar", "dir/foo/bar", true),
            ("**/foo/bar", "dir/dir2/foo/bar", true),
            ("abc/**", "abc", false),
            ("abc/**", "abc/def", true),
            ("abc/**", "abc/def/ghi", true),
            ("**/.foo", ".foo", true),
            ("**/.foo", "bar.foo", true),
            ("a(b)c/def", "a(b)c/def", true),
            ("a(b)c/def", "a(b)c/xyz", false),
            ("a.|)$(}+{bc", "a.|)$(}+{bc", true),
            (
                "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
                "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
                true,
            ),
            (
                "dist/*.whl",
                "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
                true,
            ),
        ];
        for &(pattern, path, want) in table {
            assert_eq!(matches(pattern, path), want, "{pattern:?} on {path:?}");
        }
    }

    #[test]
    fn malformed_patterns_are_errors_not_panics() {
        for bad in ["[", "a[", "[]", "[a-", "[z-a]", "a\\", "[-a]", "[^]"] {
            assert!(Pattern::compile(bad, false).is_err(), "{bad:?}");
        }
        assert!(Pattern::compile("[\\]]", false).is_ok());
    }

    #[test]
    fn a_long_hostile_path_is_matched_in_linear_time() {
        let path = "a".repeat(200_000);
        assert!(!matches("*a*a*a*a*a*b", &path));
        assert!(!matches("**/**/**/**/b", &path));
    }
}
