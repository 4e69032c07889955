//! RPM versions, `[epoch:]version[-release]`, ordered as rpm's `rpmvercmp` and `rpmverCmp`
//! order them: alphanumeric segments, digits above letters, `~` before everything (even the end)
//! and `^` after the end but before anything else.

use std::cmp::Ordering;

use crate::num::cmp_digit_bytes;

/// A parsed EVR, borrowing from its text.
#[derive(Debug)]
pub(crate) struct Version<'a> {
    epoch: Option<&'a [u8]>,
    version: &'a [u8],
    release: Option<&'a [u8]>,
}

/// Splits like rpm's `parseEVR`: the epoch is the leading digits when a colon follows them, the
/// release what follows the last hyphen.
pub(crate) fn parse(s: &str) -> Result<Version<'_>, &'static str> {
    if s.is_empty() {
        return Err("the version is empty");
    }
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let (epoch, rest) = match s.get(digits..).and_then(|r| r.strip_prefix(':')) {
        Some(rest) => {
            let epoch = s.get(..digits).unwrap_or_default();
            (Some(if epoch.is_empty() { "0" } else { epoch }), rest)
        }
        None => (None, s),
    };
    let (version, release) = match rest.rsplit_once('-') {
        Some((version, release)) => (version, Some(release)),
        None => (rest, None),
    };
    Ok(Version {
        epoch: epoch.map(str::as_bytes),
        version: version.as_bytes(),
        release: release.map(str::as_bytes),
    })
}

/// Epoch (a missing one is 0), then version, then release, where having one beats having none
/// (as rpm's `rpmverCmp`, which `rpm.ver` comparisons use).
pub(crate) fn cmp(a: &Version<'_>, b: &Version<'_>) -> Ordering {
    let zero: &[u8] = b"0";
    rpmvercmp(a.epoch.unwrap_or(zero), b.epoch.unwrap_or(zero))
        .then_with(|| rpmvercmp(a.version, b.version))
        .then_with(|| match (a.release, b.release) {
            (Some(x), Some(y)) => rpmvercmp(x, y),
            (Some(_), None) => Ordering::Greater,
            (None, Some(_)) => Ordering::Less,
            (None, None) => Ordering::Equal,
        })
}

fn at(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}

/// rpm's `rpmvercmp` on two version (or release) strings.
pub(crate) fn rpmvercmp(a: &[u8], b: &[u8]) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (mut i, mut j) = (0, 0);
    let separator = |c: u8| c != 0 && !c.is_ascii_alphanumeric() && c != b'~' && c != b'^';
    while at(a, i) != 0 || at(b, j) != 0 {
        while separator(at(a, i)) {
            i += 1;
        }
        while separator(at(b, j)) {
            j += 1;
        }
        let (ca, cb) = (at(a, i), at(b, j));
        if ca == b'~' || cb == b'~' {
            if ca != b'~' {
                return Ordering::Greater;
            }
            if cb != b'~' {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        if ca == b'^' || cb == b'^' {
            if ca == 0 {
                return Ordering::Less;
            }
            if cb == 0 {
                return Ordering::Greater;
            }
            if ca != b'^' {
                return Ordering::Greater;
            }
            if cb != b'^' {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        if ca == 0 || cb == 0 {
            break;
        }
        let numeric = ca.is_ascii_digit();
        let in_segment = |c: u8| {
            if numeric {
                c.is_ascii_digit()
            } else {
                c.is_ascii_alphabetic()
            }
        };
        let (start_a, start_b) = (i, j);
        while in_segment(at(a, i)) {
            i += 1;
        }
        while in_segment(at(b, j)) {
            j += 1;
        }
        let seg_a = a.get(start_a..i).unwrap_or_default();
        let seg_b = b.get(start_b..j).unwrap_or_default();
        if seg_b.is_empty() {
            // Segments of different kinds: a number is newer than letters.
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let by = if numeric {
            cmp_digit_bytes(seg_a, seg_b)
        } else {
            seg_a.cmp(seg_b)
        };
        if by != Ordering::Equal {
            return by;
        }
    }
    match (at(a, i) == 0, at(b, j) == 0) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, _) => Ordering::Greater,
    }
}
