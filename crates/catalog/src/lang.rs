//! What the language-package catalogers (Python, npm, Go, Rust, Java) share: building a
//! `Package` and the percent-encoding of purl components.

use crate::Package;

/// A language package: no source package (that is a distro notion).
pub(crate) fn package(
    ecosystem: &str,
    name: &str,
    version: &str,
    purl: String,
    path: &str,
    layer: usize,
) -> Package {
    Package {
        name: name.to_string(),
        version: version.to_string(),
        ecosystem: ecosystem.to_string(),
        source_name: None,
        source_version: None,
        purl,
        path: path.to_string(),
        layer,
    }
}

/// Percent-encodes one purl component (a namespace segment, a name or a version): everything
/// but ASCII letters, digits and `.-_~` is encoded, as the purl spec asks, so a stranger's
/// name cannot inject a `/`, `@`, `?` or `#` into the purl's structure.
pub(crate) fn escape(component: &str) -> String {
    let mut out = String::with_capacity(component.len());
    for byte in component.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Encodes a `/`-separated path (a Go module path, a Maven group turned into segments) segment by
/// segment, keeping the separators.
pub(crate) fn escape_path(path: &str) -> String {
    path.split('/').map(escape).collect::<Vec<_>>().join("/")
}

/// The last component of a rooted path.
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_keeps_unreserved_and_encodes_the_rest() {
        assert_eq!(escape("left-pad_1.0~x"), "left-pad_1.0~x");
        assert_eq!(escape("@types"), "%40types");
        assert_eq!(escape("a/b?c#d é"), "a%2Fb%3Fc%23d%20%C3%A9");
        assert_eq!(escape_path("github.com/x/y"), "github.com/x/y");
        assert_eq!(escape_path("github.com/x/y@z"), "github.com/x/y%40z");
    }
}
