//! Debian package versions, ordered as `dpkg --compare-versions` orders them:
//! `[epoch:]upstream[-revision]`, where `~` sorts before everything (even the end), letters
//! before other characters, and digit runs compare numerically.
//!
//! `dpkg --compare-versions` takes an empty string for "no version", below every version; here
//! an empty string is not a version and is an error.

use std::cmp::Ordering;

use crate::num::cmp_digits;

/// A parsed dpkg version, borrowing from its text.
#[derive(Debug)]
pub(crate) struct Version<'a> {
    epoch: u32,
    upstream: &'a [u8],
    revision: &'a [u8],
}

/// Parses like dpkg's `parseversion`: its errors are errors here; what it only warns about
/// (odd characters, no leading digit) is accepted, as `dpkg --compare-versions` accepts it.
pub(crate) fn parse(s: &str) -> Result<Version<'_>, &'static str> {
    let s = s.trim_matches(|c: char| c.is_ascii_whitespace());
    if s.is_empty() {
        return Err("the version is empty");
    }
    if s.bytes().any(|c| c.is_ascii_whitespace()) {
        return Err("it has embedded spaces");
    }
    let (epoch, rest) = match s.split_once(':') {
        Some((epoch, rest)) => {
            if epoch.is_empty() {
                return Err("the epoch is empty");
            }
            // dpkg reads the epoch with strtol, so a sign is allowed; a negative one is not.
            let (negative, epoch) = match epoch.as_bytes().first() {
                Some(b'-') => (true, epoch.get(1..).unwrap_or_default()),
                Some(b'+') => (false, epoch.get(1..).unwrap_or_default()),
                _ => (false, epoch),
            };
            if epoch.is_empty() || !epoch.bytes().all(|c| c.is_ascii_digit()) {
                return Err("the epoch is not a number");
            }
            // dpkg keeps the epoch in an int and refuses anything larger.
            if cmp_digits(epoch, &i32::MAX.to_string()) == Ordering::Greater {
                return Err("the epoch is too big");
            }
            let epoch: u32 = epoch.parse().map_err(|_| "the epoch is too big")?;
            if negative && epoch != 0 {
                return Err("the epoch is negative");
            }
            if rest.is_empty() {
                return Err("nothing follows the colon");
            }
            (epoch, rest)
        }
        None => (0, s),
    };
    let (upstream, revision) = match rest.rsplit_once('-') {
        Some((upstream, revision)) => {
            if revision.is_empty() {
                return Err("the revision is empty");
            }
            (upstream, revision)
        }
        None => (rest, ""),
    };
    if upstream.is_empty() {
        return Err("the upstream version is empty");
    }
    Ok(Version {
        epoch,
        upstream: upstream.as_bytes(),
        revision: revision.as_bytes(),
    })
}

/// Orders two parsed versions: epoch, then upstream, then revision.
pub(crate) fn cmp(a: &Version<'_>, b: &Version<'_>) -> Ordering {
    a.epoch
        .cmp(&b.epoch)
        .then_with(|| verrevcmp(a.upstream, b.upstream))
        .then_with(|| verrevcmp(a.revision, b.revision))
}

/// dpkg's weight of one character outside a digit run; `None` is the end of the string.
fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(b'~') => -1,
        // dpkg reads `char`, signed on the platforms it ships for: bytes past 127 weigh less
        // than ASCII punctuation but still more than letters.
        Some(c) => i32::from(c as i8) + 256,
    }
}

fn is_digit(s: &[u8], i: usize) -> bool {
    s.get(i).is_some_and(u8::is_ascii_digit)
}

/// dpkg's `verrevcmp`: alternate non-digit runs (by [`order`]) and digit runs (by value).
fn verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        while (i < a.len() && !is_digit(a, i)) || (j < b.len() && !is_digit(b, j)) {
            let (ac, bc) = (order(a.get(i).copied()), order(b.get(j).copied()));
            if ac != bc {
                return ac.cmp(&bc);
            }
            i += 1;
            j += 1;
        }
        let start_a = i;
        while is_digit(a, i) {
            i += 1;
        }
        let start_b = j;
        while is_digit(b, j) {
            j += 1;
        }
        let da = a.get(start_a..i).unwrap_or_default();
        let db = b.get(start_b..j).unwrap_or_default();
        let by_value = crate::num::cmp_digit_bytes(da, db);
        if by_value != Ordering::Equal {
            return by_value;
        }
    }
    Ordering::Equal
}
