//! Alpine package versions, ordered as apk-tools orders them (`apk version -t`):
//! `digits{.digits}[letter]{_suffix[digits]}[~hash][-rN]`, where `_alpha`, `_beta`, `_pre` and
//! `_rc` sort before the release and `_cvs`, `_svn`, `_git`, `_hg` and `_p` after it.
//!
//! Two deliberate differences: apk-tools compares even an invalid version token by token, where
//! this refuses it (no package can carry one, so a guess would only hide bad data); and numbers
//! past 2^64, which apk-tools lets wrap around, compare here by their true value.

use std::cmp::Ordering;

use crate::num::cmp_digit_bytes;

/// The kinds of token, in the order apk ranks them when one version runs out of a kind first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    InitialDigit,
    Digit,
    Letter,
    Suffix,
    SuffixNo,
    CommitHash,
    RevisionNo,
    End,
    Invalid,
}

/// Suffix ranks; the ones below `NONE` are pre-releases.
const SUFFIXES: [(&[u8], u8); 9] = [
    (b"alpha", 1),
    (b"beta", 2),
    (b"pre", 3),
    (b"rc", 4),
    (b"cvs", 6),
    (b"svn", 7),
    (b"git", 8),
    (b"hg", 9),
    (b"p", 10),
];
const NONE: u8 = 5;

#[derive(Clone, Copy, Debug)]
struct Token<'a> {
    kind: Kind,
    suffix: u8,
    value: &'a [u8],
}

/// Reads a version token by token, allowing each kind only after the kinds apk allows it after.
struct Tokens<'a> {
    rest: &'a [u8],
    token: Token<'a>,
}

impl<'a> Tokens<'a> {
    fn new(s: &'a str) -> Self {
        let mut tokens = Tokens {
            rest: s.as_bytes(),
            token: Token {
                kind: Kind::InitialDigit,
                suffix: 0,
                value: &[],
            },
        };
        tokens.digits(Kind::InitialDigit);
        tokens
    }

    fn take_while(&mut self, keep: impl Fn(u8) -> bool) -> &'a [u8] {
        let n = self.rest.iter().take_while(|&&c| keep(c)).count();
        let (taken, rest) = self.rest.split_at(n.min(self.rest.len()));
        self.rest = rest;
        taken
    }

    fn skip(&mut self, n: usize) {
        self.rest = self.rest.get(n..).unwrap_or_default();
    }

    fn digits(&mut self, kind: Kind) {
        let value = self.take_while(|c| c.is_ascii_digit());
        self.token.value = value;
        self.token.kind = if value.is_empty() {
            Kind::Invalid
        } else {
            kind
        };
    }

    fn advance(&mut self) {
        let prev = self.token.kind;
        let Some(&c) = self.rest.first() else {
            self.token.kind = Kind::End;
            return;
        };
        let valid = match c {
            b'a'..=b'z' if prev <= Kind::Digit => {
                self.token.value = self.rest.get(..1).unwrap_or_default();
                self.token.kind = Kind::Letter;
                self.skip(1);
                true
            }
            b'.' | b'0'..=b'9' if c != b'.' || prev <= Kind::Digit => {
                if c == b'.' {
                    self.skip(1);
                }
                match prev {
                    Kind::InitialDigit | Kind::Digit => {
                        self.digits(Kind::Digit);
                        true
                    }
                    Kind::Suffix => {
                        self.digits(Kind::SuffixNo);
                        true
                    }
                    _ => false,
                }
            }
            b'_' if prev <= Kind::SuffixNo => {
                self.skip(1);
                let name = self.take_while(|c| c.is_ascii_lowercase());
                self.token.value = name;
                match SUFFIXES.iter().find(|(s, _)| *s == name) {
                    Some(&(_, rank)) => {
                        self.token.suffix = rank;
                        self.token.kind = Kind::Suffix;
                        true
                    }
                    None => false,
                }
            }
            b'~' if prev < Kind::CommitHash => {
                self.skip(1);
                let hash = self.take_while(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c));
                self.token.value = hash;
                self.token.kind = Kind::CommitHash;
                !hash.is_empty()
            }
            b'-' if prev < Kind::RevisionNo && self.rest.starts_with(b"-r") => {
                self.skip(2);
                self.digits(Kind::RevisionNo);
                true
            }
            _ => false,
        };
        if !valid {
            self.token.kind = Kind::Invalid;
        }
    }
}

/// A version apk would accept (`apk_version_validate`).
#[derive(Debug)]
pub(crate) struct Version<'a>(&'a str);

/// Accepts what apk-tools' validation accepts. apk compares even invalid strings token by token,
/// but no package can carry one, so an invalid version here is an error, not a guess.
pub(crate) fn parse(s: &str) -> Result<Version<'_>, &'static str> {
    let mut tokens = Tokens::new(s);
    while tokens.token.kind < Kind::End {
        tokens.advance();
    }
    if tokens.token.kind == Kind::End {
        Ok(Version(s))
    } else if s.is_empty() || !s.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        Err("it does not start with a digit")
    } else {
        Err("it is not digits{.digits}[letter]{_suffix[N]}[~hash][-rN]")
    }
}

fn token_cmp(a: &Token<'_>, b: &Token<'_>) -> Ordering {
    match a.kind {
        // A leading zero makes apk compare the digits as text, like Gentoo.
        Kind::Digit if a.value.first() == Some(&b'0') || b.value.first() == Some(&b'0') => {
            a.value.cmp(b.value)
        }
        Kind::Digit | Kind::InitialDigit | Kind::SuffixNo | Kind::RevisionNo => {
            cmp_digit_bytes(a.value, b.value)
        }
        Kind::Letter => a.value.cmp(b.value),
        Kind::Suffix => a.suffix.cmp(&b.suffix),
        _ => a.value.cmp(b.value),
    }
}

/// apk's `apk_version_compare` on two valid versions.
pub(crate) fn cmp(a: &Version<'_>, b: &Version<'_>) -> Ordering {
    let (mut ta, mut tb) = (Tokens::new(a.0), Tokens::new(b.0));
    while ta.token.kind == tb.token.kind && ta.token.kind < Kind::End {
        let by = token_cmp(&ta.token, &tb.token);
        if by != Ordering::Equal {
            return by;
        }
        ta.advance();
        tb.advance();
    }
    let (a, b) = (ta.token, tb.token);
    if a.kind == b.kind {
        return Ordering::Equal;
    }
    // The longer version is newer, unless what it has more of is a pre-release suffix.
    if a.kind == Kind::Suffix && a.suffix < NONE {
        return Ordering::Less;
    }
    if b.kind == Kind::Suffix && b.suffix < NONE {
        return Ordering::Greater;
    }
    b.kind.cmp(&a.kind)
}
