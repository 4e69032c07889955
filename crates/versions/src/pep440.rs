//! Python package versions, parsed and ordered exactly as `packaging.version.Version` does
//! (PEP 440): `[v][N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`, with the spellings packaging
//! normalises (`alpha`, `c`, `pre`, `preview`, `rev`, `r`, `-N`, separators `.`, `-`, `_`, any
//! case, surrounding whitespace).
//!
//! packaging's pattern uses possessive quantifiers only, so a single greedy pass without
//! backtracking accepts exactly what it accepts; that pass is what this module is.
//!
//! One deliberate difference: numbers of any length are compared by value, where CPython
//! refuses to convert more than 4300 digits to an int and so raises instead of answering.

use std::cmp::Ordering;

use crate::num::cmp_digits;

/// A parsed version: the parts of packaging's comparison key, borrowing the digits.
#[derive(Debug)]
pub(crate) struct Version<'a> {
    epoch: &'a str,
    /// The release with trailing zeros removed (`1.0.0` is `1`).
    release: Vec<&'a str>,
    /// dev-only = -1, a = 0, b = 1, rc = 2, none = 3.
    pre_rank: i8,
    pre_n: &'a str,
    post: Option<&'a str>,
    dev: Option<&'a str>,
    local: Option<Vec<Local>>,
}

/// One part of a local version label: any text sorts before any number.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Local {
    Text(String),
    Number(String),
}

impl Ord for Version<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_digits(self.epoch, other.epoch)
            .then_with(|| cmp_numbers(&self.release, &other.release))
            .then_with(|| self.pre_rank.cmp(&other.pre_rank))
            .then_with(|| cmp_digits(self.pre_n, other.pre_n))
            .then_with(|| cmp_opt(self.post, other.post, Ordering::Less))
            .then_with(|| cmp_opt(self.dev, other.dev, Ordering::Greater))
            .then_with(|| match (&self.local, &other.local) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (Some(a), Some(b)) => cmp_local(a, b),
            })
    }
}

impl PartialOrd for Version<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version<'_> {}

fn cmp_numbers(a: &[&str], b: &[&str]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let by = cmp_digits(x, y);
        if by != Ordering::Equal {
            return by;
        }
    }
    a.len().cmp(&b.len())
}

/// Compares optional numbers; `missing` is how an absent one compares with a present one.
fn cmp_opt(a: Option<&str>, b: Option<&str>, missing: Ordering) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => missing,
        (Some(_), None) => missing.reverse(),
        (Some(x), Some(y)) => cmp_digits(x, y),
    }
}

fn cmp_local(a: &[Local], b: &[Local]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let by = match (x, y) {
            (Local::Number(x), Local::Number(y)) => cmp_digits(x, y),
            _ => x.cmp(y),
        };
        if by != Ordering::Equal {
            return by;
        }
    }
    a.len().cmp(&b.len())
}

/// Python's `\s`: Unicode whitespace, which for `str.isspace` includes the separators 0x1C-0x1F.
fn py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        self.s.get(self.pos..).unwrap_or_default()
    }

    fn peek(&self) -> Option<u8> {
        self.rest().bytes().next()
    }

    fn eat(&mut self, c: u8) -> bool {
        let found = self.peek() == Some(c);
        if found {
            self.pos += 1;
        }
        found
    }

    fn separator(&mut self) {
        if matches!(self.peek(), Some(b'.' | b'_' | b'-')) {
            self.pos += 1;
        }
    }

    fn digits(&mut self) -> Option<&'a str> {
        let n = self.rest().bytes().take_while(u8::is_ascii_digit).count();
        let run = self.rest().get(..n)?;
        self.pos += n;
        (n > 0).then_some(run)
    }

    /// The first of `words` the input continues with, in order, ignoring ASCII case.
    fn word(&mut self, words: &[&'static str]) -> Option<&'static str> {
        let rest = self.rest().as_bytes();
        let found = words.iter().copied().find(|w| {
            rest.get(..w.len())
                .is_some_and(|r| r.eq_ignore_ascii_case(w.as_bytes()))
        })?;
        self.pos += found.len();
        Some(found)
    }

    /// `[._-]?+ WORD [._-]?+ N?+`: the letter part of a pre, post or dev segment.
    fn lettered(&mut self, words: &[&'static str]) -> Option<(&'static str, Option<&'a str>)> {
        let start = self.pos;
        self.separator();
        let Some(word) = self.word(words) else {
            self.pos = start;
            return None;
        };
        self.separator();
        Some((word, self.digits()))
    }

    fn local_run(&mut self) -> Option<&'a str> {
        let n = self
            .rest()
            .bytes()
            .take_while(u8::is_ascii_alphanumeric)
            .count();
        let run = self.rest().get(..n)?;
        self.pos += n;
        (n > 0).then_some(run)
    }
}

/// Parses as `packaging.version.Version` does; an error where it raises `InvalidVersion`.
pub(crate) fn parse(s: &str) -> Result<Version<'_>, &'static str> {
    let s = s.trim_matches(py_space);
    let mut c = Cursor { s, pos: 0 };
    if matches!(c.peek(), Some(b'v' | b'V')) {
        c.pos += 1;
    }
    let first = c
        .digits()
        .ok_or("it does not start with a release number")?;
    let (epoch, first) = if c.eat(b'!') {
        (
            first,
            c.digits().ok_or("no release number follows the epoch")?,
        )
    } else {
        ("0", first)
    };
    let mut release = vec![first];
    while c.peek() == Some(b'.') && c.rest().as_bytes().get(1).is_some_and(u8::is_ascii_digit) {
        c.pos += 1;
        release.extend(c.digits());
    }
    while release.len() > 1 && release.last().is_some_and(|n| n.bytes().all(|d| d == b'0')) {
        release.pop();
    }
    if release.len() == 1
        && release
            .first()
            .is_some_and(|n| n.bytes().all(|d| d == b'0'))
    {
        release.clear();
    }

    let pre = c.lettered(&["alpha", "a", "beta", "b", "preview", "pre", "c", "rc"]);
    let post = {
        let start = c.pos;
        if c.eat(b'-') {
            match c.digits() {
                Some(n) => Some(n),
                None => {
                    c.pos = start;
                    c.lettered(&["post", "rev", "r"])
                        .map(|(_, n)| n.unwrap_or("0"))
                }
            }
        } else {
            c.lettered(&["post", "rev", "r"])
                .map(|(_, n)| n.unwrap_or("0"))
        }
    };
    let dev = c.lettered(&["dev"]).map(|(_, n)| n.unwrap_or("0"));
    let local = {
        let start = c.pos;
        if c.eat(b'+') {
            match c.local_run() {
                Some(run) => {
                    let mut parts = vec![run];
                    while matches!(c.peek(), Some(b'.' | b'_' | b'-'))
                        && c.rest()
                            .as_bytes()
                            .get(1)
                            .is_some_and(u8::is_ascii_alphanumeric)
                    {
                        c.pos += 1;
                        parts.extend(c.local_run());
                    }
                    Some(parts)
                }
                None => {
                    c.pos = start;
                    None
                }
            }
        } else {
            None
        }
    };
    if !c.rest().is_empty() {
        return Err("it is not N[!N](.N)*[{a|b|rc}N][.postN][.devN][+local] (PEP 440)");
    }

    let (pre_rank, pre_n) = match pre {
        Some((word, n)) => {
            let rank = match word {
                "alpha" | "a" => 0,
                "beta" | "b" => 1,
                _ => 2,
            };
            (rank, n.unwrap_or("0"))
        }
        None if post.is_none() && dev.is_some() => (-1, "0"),
        None => (3, "0"),
    };
    let local = local.map(|parts| {
        parts
            .into_iter()
            .map(|p| {
                if p.bytes().all(|d| d.is_ascii_digit()) {
                    Local::Number(p.to_owned())
                } else {
                    Local::Text(p.to_ascii_lowercase())
                }
            })
            .collect()
    });
    Ok(Version {
        epoch,
        release,
        pre_rank,
        pre_n,
        post,
        dev,
        local,
    })
}

/// Orders two parsed versions as packaging's `_cmpkey` does.
pub(crate) fn cmp(a: &Version<'_>, b: &Version<'_>) -> Ordering {
    a.cmp(b)
}
