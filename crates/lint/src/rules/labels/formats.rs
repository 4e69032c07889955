//! The forms a label value may be required to take. Each check reads the value once, char by
//! char or split at fixed separators: linear in its length, whatever the value holds.

use super::spdx;

/// An absolute URI as RFC 3986 writes it: `scheme:` then the rest, with every char allowed
/// where it stands and every `%` followed by two hex digits.
pub(crate) fn is_uri(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    let scheme_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return false;
    }
    let (rest, fragment) = split_off(rest, '#');
    let (hier, query) = split_off(rest, '?');
    let query_ok = |part: Option<&str>| part.is_none_or(|p| chars_ok(p, "/?:@"));
    if !query_ok(query) || !query_ok(fragment) {
        return false;
    }
    match hier.strip_prefix("//") {
        Some(after) => {
            let (authority, path) = match after.find('/') {
                Some(at) => after.split_at(at),
                None => (after, ""),
            };
            authority_ok(authority) && chars_ok(path, "/:@")
        }
        None => chars_ok(hier, "/:@"),
    }
}

/// `text` before and after the first `sep`.
fn split_off(text: &str, sep: char) -> (&str, Option<&str>) {
    match text.split_once(sep) {
        Some((before, after)) => (before, Some(after)),
        None => (text, None),
    }
}

/// Every char is unreserved, a sub-delim, one of `extra`, or a valid `%XX`.
fn chars_ok(text: &str, extra: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = |at: usize| bytes.get(at).is_some_and(u8::is_ascii_hexdigit);
            if !(hex(i + 1) && hex(i + 2)) {
                return false;
            }
            i += 3;
            continue;
        }
        let c = char::from(b);
        let allowed = b.is_ascii_alphanumeric()
            || matches!(c, '-' | '.' | '_' | '~')
            || "!$&'()*+,;=".contains(c)
            || extra.contains(c);
        if !allowed {
            return false;
        }
        i += 1;
    }
    true
}

/// `[userinfo@]host[:port]`, the host a name, an IPv4 address or a bracketed IP literal.
fn authority_ok(authority: &str) -> bool {
    let (userinfo, hostport) = match authority.split_once('@') {
        Some((user, rest)) => (Some(user), rest),
        None => (None, authority),
    };
    if userinfo.is_some_and(|u| !chars_ok(u, ":")) {
        return false;
    }
    let (host_ok, port) = match hostport.strip_prefix('[') {
        Some(literal) => {
            let Some((inside, after)) = literal.split_once(']') else {
                return false;
            };
            let port = match after {
                "" => None,
                _ => match after.strip_prefix(':') {
                    Some(port) => Some(port),
                    None => return false,
                },
            };
            (ip_literal_ok(inside), port)
        }
        None => {
            let (host, port) = split_off(hostport, ':');
            (chars_ok(host, ""), port)
        }
    };
    host_ok && port.is_none_or(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// An IPv6 address (hex groups and colons, an IPv4 tail allowed) or `vX.anything`.
fn ip_literal_ok(inside: &str) -> bool {
    if let Some(future) = inside.strip_prefix(['v', 'V']) {
        let Some((version, rest)) = future.split_once('.') else {
            return false;
        };
        return !version.is_empty()
            && version.bytes().all(|b| b.is_ascii_hexdigit())
            && !rest.is_empty()
            && !rest.contains('%')
            && chars_ok(rest, ":");
    }
    let groups: Vec<&str> = inside.split(':').collect();
    let gaps = inside.matches("::").count();
    if gaps > 1 || groups.len() < 3 || groups.len() > 9 {
        return false;
    }
    let last = groups.len() - 1;
    let mut count = 0;
    for (i, group) in groups.iter().enumerate() {
        if group.is_empty() {
            continue;
        }
        if i == last && group.contains('.') {
            if !is_ipv4(group) {
                return false;
            }
            count += 2;
        } else if group.len() <= 4 && group.bytes().all(|b| b.is_ascii_hexdigit()) {
            count += 1;
        } else {
            return false;
        }
    }
    if gaps == 1 {
        count < 8
    } else {
        count == 8
    }
}

fn is_ipv4(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

/// An RFC 3339 `date-time`: `2024-05-01T12:30:00Z`, `2024-05-01T12:30:00.5+02:00`. The `T`
/// and `Z` may be lowercase; the date must exist; a leap second (`:60`) is allowed.
pub(crate) fn is_rfc3339(value: &str) -> bool {
    let Some((date, time)) = value.split_once(['T', 't']) else {
        return false;
    };
    let number = |text: &str, len: usize| -> Option<u32> {
        (text.len() == len && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.parse().ok())
            .flatten()
    };
    let mut fields = date.split('-');
    let (Some(year), Some(month), Some(day), None) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return false;
    };
    let (Some(year), Some(month), Some(day)) = (number(year, 4), number(month, 2), number(day, 2))
    else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if day == 0 || day > days {
        return false;
    }
    let (clock, offset) = match time.find(['Z', 'z', '+', '-']) {
        Some(at) => time.split_at(at),
        None => return false,
    };
    let (hms, fraction) = split_off(clock, '.');
    if fraction.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    let hh_mm = |text: &str, sep: char| -> Option<(u32, u32)> {
        let (h, m) = text.split_once(sep)?;
        Some((number(h, 2)?, number(m, 2)?))
    };
    let Some((hms_hm, second)) = hms.rsplit_once(':') else {
        return false;
    };
    let (Some((hour, minute)), Some(second)) = (hh_mm(hms_hm, ':'), number(second, 2)) else {
        return false;
    };
    if hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    match offset {
        "Z" | "z" => true,
        _ => offset
            .get(1..)
            .and_then(|o| hh_mm(o, ':'))
            .is_some_and(|(h, m)| h <= 23 && m <= 59),
    }
}

/// Where `value` stands against the SPDX License List.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Spdx<'a> {
    Listed,
    /// On the list only as deprecated.
    Deprecated,
    /// Not on the list as written, but this id is, in another case.
    Case(&'a str),
    Unknown,
}

/// One license identifier of the SPDX License List, exactly as the list writes it.
pub(crate) fn spdx(value: &str) -> Spdx<'static> {
    if spdx::LICENSES.binary_search(&value).is_ok() {
        return Spdx::Listed;
    }
    if spdx::DEPRECATED.binary_search(&value).is_ok() {
        return Spdx::Deprecated;
    }
    // Ids are short: a value longer than any is no id in any case.
    if value.len() <= 64 {
        if let Some(id) = spdx::LICENSES
            .iter()
            .find(|id| id.eq_ignore_ascii_case(value))
        {
            return Spdx::Case(id);
        }
    }
    Spdx::Unknown
}

/// A git commit hash as hadolint accepts it: 40 lowercase hex digits, or the 7 of a short one.
pub(crate) fn is_git_hash(value: &str) -> bool {
    matches!(value.len(), 7 | 40)
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A semantic version (semver.org 2.0.0): `MAJOR.MINOR.PATCH`, then an optional `-pre.release`
/// and `+build.meta`; numbers and numeric pre-release ids have no leading zero.
pub(crate) fn is_semver(value: &str) -> bool {
    let (rest, build) = split_off(value, '+');
    let (core, pre) = split_off(rest, '-');
    let numeric = |id: &str| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit());
    let no_leading_zero = |id: &str| id == "0" || !id.starts_with('0');
    let ident =
        |id: &str| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let mut parts = core.split('.');
    let core_ok = (0..3).all(|_| {
        parts
            .next()
            .is_some_and(|p| numeric(p) && no_leading_zero(p))
    }) && parts.next().is_none();
    // The pre-release may itself hold `-`: `1.0.0-alpha-1`.
    let pre_ok = pre.is_none_or(|pre| {
        pre.split('.')
            .all(|id| ident(id) && (!numeric(id) || no_leading_zero(id)))
    });
    let build_ok = build.is_none_or(|build| build.split('.').all(ident));
    core_ok && pre_ok && build_ok
}

/// An email address as RFC 5322 writes one without comments or a display name: a dot-atom or
/// quoted local part, `@`, then a domain of letter-digit-hyphen labels or a `[literal]`.
pub(crate) fn is_email(value: &str) -> bool {
    let Some(at) = value.rfind('@') else {
        return false;
    };
    let (local, domain) = (&value[..at], &value[at + 1..]);
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    let dot_atom = |text: &str| {
        !text.is_empty()
            && text
                .split('.')
                .all(|a| !a.is_empty() && a.chars().all(atext))
    };
    let local_ok = match local.strip_prefix('"').and_then(|l| l.strip_suffix('"')) {
        Some(quoted) => quoted_ok(quoted),
        None => dot_atom(local),
    };
    let domain_ok = match domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        Some(literal) => literal
            .chars()
            .all(|c| c == ' ' || (c.is_ascii_graphic() && !matches!(c, '[' | ']' | '\\'))),
        None => {
            let name = domain.strip_suffix('.').unwrap_or(domain);
            !name.is_empty()
                && name.split('.').all(|label| {
                    !label.is_empty()
                        && label.len() <= 63
                        && !label.starts_with('-')
                        && !label.ends_with('-')
                        && label
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                })
        }
    };
    local_ok && domain_ok && value.len() <= 254
}

/// The inside of a quoted local part: printable ASCII and spaces, `"` and `\` only escaped.
fn quoted_ok(text: &str) -> bool {
    let mut escaped = false;
    for c in text.chars() {
        if escaped {
            if !(c == ' ' || c == '\t' || c.is_ascii_graphic()) {
                return false;
            }
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '"' || !(c == ' ' || c.is_ascii_graphic()) {
            return false;
        }
    }
    !escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        for good in [
            "https://example.com/a?b=c#d",
            "foo:bar",
            "http://[::1]:80/",
            "https://a.com/%41",
            "mailto:a@b",
            "git+ssh://git@github.com/a/b.git",
            "http://user@host/",
            "HTTP://A.COM",
            "http://192.168.0.1:8080/x",
            "http://[v1.fe80::a+en1]/",
            "http://[::ffff:1.2.3.4]/",
        ] {
            assert!(is_uri(good), "{good}");
        }
        for bad in [
            "example.com",
            "http://exa mple.com",
            "http://[::1",
            "http://host:8x/",
            "https://例え.jp/",
            "https://a.com/%zz",
            "https://a.com/%4",
            "1http://a",
            "http://a.com/a|b",
            "http://a.com/{x}",
            "",
            ":x",
            "http://[1:2:3:4:5:6:7:8:9]/",
            "http://[::1::2]/",
        ] {
            assert!(!is_uri(bad), "{bad}");
        }
    }

    #[test]
    fn rfc3339_times() {
        for good in [
            "2024-01-02T03:04:05Z",
            "2024-01-02T03:04:05+01:00",
            "2024-01-02T03:04:05.123Z",
            "2024-01-02t03:04:05z",
            "2024-01-02T23:59:60Z",
            "2024-02-29T00:00:00-00:00",
        ] {
            assert!(is_rfc3339(good), "{good}");
        }
        for bad in [
            "2024-01-02 03:04:05Z",
            "2024-01-02",
            "2024-13-02T03:04:05Z",
            "2024-02-30T03:04:05Z",
            "2023-02-29T03:04:05Z",
            "2024-01-02T24:00:00Z",
            "2024-01-02T03:04Z",
            "24-01-02T03:04:05Z",
            "2024-1-2T03:04:05Z",
            "2024-01-02T03:04:05.Z",
            "2024-01-02T03:04:05+01",
            "2024-01-02T03:04:05+0100",
            "2024-01-02T03:04:05+25:00",
            " 2024-01-02T03:04:05Z",
            "2024-01-02T03:04:05",
            "T",
            "",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }

    #[test]
    fn spdx_ids() {
        assert_eq!(spdx("MIT"), Spdx::Listed);
        assert_eq!(spdx("Apache-2.0"), Spdx::Listed);
        assert_eq!(spdx("0BSD"), Spdx::Listed);
        assert_eq!(spdx("GPL-2.0"), Spdx::Deprecated);
        assert_eq!(spdx("mit"), Spdx::Case("MIT"));
        assert_eq!(spdx("MIT OR Apache-2.0"), Spdx::Unknown);
        assert_eq!(spdx("MIT "), Spdx::Unknown);
        assert_eq!(spdx("LicenseRef-x"), Spdx::Unknown);
        assert!(spdx::LICENSES.windows(2).all(|w| w[0] < w[1]), "sorted");
        assert!(spdx::DEPRECATED.windows(2).all(|w| w[0] < w[1]), "sorted");
    }

    #[test]
    fn git_hashes() {
        assert!(is_git_hash("0123456789abcdef0123456789abcdef01234567"));
        assert!(is_git_hash("abcdef0"));
        assert!(!is_git_hash("ABCDEF0"));
        assert!(!is_git_hash("abcdef01"));
        assert!(!is_git_hash("ghijklm"));
    }

    #[test]
    fn semvers() {
        for good in [
            "1.2.3",
            "0.0.0",
            "1.2.3-rc.1+build.5",
            "1.2.3-alpha-1",
            "1.2.3+001",
            "10.20.30-0.x.7",
        ] {
            assert!(is_semver(good), "{good}");
        }
        for bad in [
            "v1.2.3",
            "1.2",
            "01.2.3",
            "1.2.3-01",
            "1.2.3+",
            "1.2.3-",
            "1.2.3-a..b",
            "1.2.3.4",
            "1.2.3-é",
            "",
        ] {
            assert!(!is_semver(bad), "{bad}");
        }
    }

    #[test]
    fn emails() {
        for good in [
            "a@b",
            "a@b.c",
            "\"a b\"@c",
            "a@[1.2.3.4]",
            "a+tag@example.com",
            "a@b.c.",
            "a@[IPv6:::1]",
            "!#$%&'*+/=?^_`{|}~-@x",
        ] {
            assert!(is_email(good), "{good}");
        }
        for bad in [
            "A B <a@b.c>",
            "a..b@c",
            "a@b..c",
            ".a@b",
            "a.@b",
            "a@-b.c",
            "a@b-.c",
            "a@b_c.d",
            "@b",
            "a@",
            "é@b.c",
            "a@é.c",
            "a b@c",
            "a(comment)@b.c",
            "\"a\\\"@b",
            "",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn hostile_values_cost_their_length() {
        let long = "%".repeat(100_000) + &":".repeat(100_000) + &"[".repeat(10_000);
        for check in [is_uri, is_rfc3339, is_git_hash, is_semver, is_email] {
            let _ = check(&long);
        }
        let _ = spdx(&long);
    }
}
