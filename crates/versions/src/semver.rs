//! Semantic versions 2.0, as npm's `semver` (strict) parses and orders them, which is also the
//! order crates.io uses; and Go's module versions (`golang.org/x/mod/semver`), the same order
//! with a leading `v`, `vN` and `vN.N` shorthands, and pseudo-versions ordered as pre-releases.
//! Build metadata (`+incompatible` too) never affects the order.
//!
//! Deliberately wider than npm: numbers are compared by value however long (npm refuses numbers
//! above 2^53-1 and strings over 256 characters, and compares huge numeric pre-release
//! identifiers as floats), so a version npm would reject still gets its exact semver order.

use std::cmp::Ordering;

use crate::num::cmp_digits;

/// A parsed version, borrowing from its text.
#[derive(Debug)]
pub(crate) struct Version<'a> {
    major: &'a str,
    minor: &'a str,
    patch: &'a str,
    pre: Vec<&'a str>,
}

/// Which grammar to accept.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// npm's strict grammar: surrounding whitespace and a leading `v` allowed.
    Npm,
    /// Go's: a leading `v` (added here when missing, as OSV's Go records omit it), shorthands.
    Go,
}

fn number(s: &str) -> Result<&str, &'static str> {
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
        return Err("major, minor and patch must be numbers");
    }
    if s.len() > 1 && s.starts_with('0') {
        return Err("a number has a leading zero");
    }
    Ok(s)
}

fn identifiers(s: &str, numeric_zero_check: bool) -> Result<Vec<&str>, &'static str> {
    s.split('.')
        .map(|id| {
            if id.is_empty() || !id.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-') {
                return Err("an identifier is empty or has a character other than [0-9A-Za-z-]");
            }
            if numeric_zero_check
                && id.len() > 1
                && id.starts_with('0')
                && id.bytes().all(|c| c.is_ascii_digit())
            {
                return Err("a numeric pre-release identifier has a leading zero");
            }
            Ok(id)
        })
        .collect()
}

/// Parses `[v]MAJOR.MINOR.PATCH[-PRE][+BUILD]` in the given flavor.
pub(crate) fn parse(s: &str, flavor: Flavor) -> Result<Version<'_>, &'static str> {
    let s = match flavor {
        Flavor::Npm => s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}'),
        Flavor::Go => s,
    };
    let s = s.strip_prefix('v').unwrap_or(s);
    let (s, build) = match s.split_once('+') {
        Some((s, build)) => (s, Some(build)),
        None => (s, None),
    };
    let (core, pre) = match s.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (s, None),
    };
    let mut parts = core.split('.');
    let major = number(parts.next().unwrap_or_default())?;
    let (minor, patch) = match (parts.next(), parts.next(), parts.next()) {
        (Some(minor), Some(patch), None) => (number(minor)?, number(patch)?),
        (None, None, None) | (Some(_), None, None) if flavor == Flavor::Go => {
            if pre.is_some() || build.is_some() {
                return Err("a shorthand version (vN or vN.N) cannot have a pre-release or build");
            }
            (parts_minor(core)?, "0")
        }
        _ => return Err("it is not MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]"),
    };
    let pre = match pre {
        Some(pre) => identifiers(pre, true)?,
        None => Vec::new(),
    };
    if let Some(build) = build {
        identifiers(build, false)?;
    }
    Ok(Version {
        major,
        minor,
        patch,
        pre,
    })
}

/// The minor number of a Go shorthand, `0` for `vN`.
fn parts_minor(core: &str) -> Result<&str, &'static str> {
    match core.split_once('.') {
        Some((_, minor)) => number(minor),
        None => Ok("0"),
    }
}

/// Precedence per semver 2.0 §11: numbers, then a pre-release below its release, identifiers
/// pairwise (numbers below text, numbers by value, text by ASCII), the longer list above.
pub(crate) fn cmp(a: &Version<'_>, b: &Version<'_>) -> Ordering {
    cmp_digits(a.major, b.major)
        .then_with(|| cmp_digits(a.minor, b.minor))
        .then_with(|| cmp_digits(a.patch, b.patch))
        .then_with(|| match (a.pre.is_empty(), b.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => cmp_pre(&a.pre, &b.pre),
        })
}

fn cmp_pre(a: &[&str], b: &[&str]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let xn = x.bytes().all(|c| c.is_ascii_digit());
        let yn = y.bytes().all(|c| c.is_ascii_digit());
        let by = match (xn, yn) {
            (true, true) => cmp_digits(x, y),
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => x.cmp(y),
        };
        if by != Ordering::Equal {
            return by;
        }
    }
    a.len().cmp(&b.len())
}
