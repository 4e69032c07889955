//! Python (`PyPI`): installed distributions' metadata, `*.dist-info/METADATA` (wheels, pip) and
//! `*.egg-info/PKG-INFO` or a bare `*.egg-info` file (setuptools, distro Python packages).

use crate::lang::{escape, package};
use crate::{Catalog, FileSet, Want};

pub(crate) fn want(path: &str) -> Want {
    if is_metadata(path) {
        Want::Whole
    } else {
        Want::No
    }
}

fn is_metadata(path: &str) -> bool {
    // `.egg-info` may be a directory (then its `PKG-INFO` is the file) or a file: a directory is
    // never a kept file, so asking for both paths is safe.
    path.ends_with(".dist-info/METADATA")
        || path.ends_with(".egg-info/PKG-INFO")
        || path.ends_with(".egg-info")
}

pub(crate) fn read(files: &FileSet, catalog: &mut Catalog) {
    for (path, file) in files.iter().filter(|(path, _)| is_metadata(path)) {
        match parse(&file.bytes) {
            Ok((name, version)) => {
                let normalised = normalise(&name);
                let purl = format!("pkg:pypi/{}@{}", escape(&normalised), escape(&version));
                catalog.packages.push(package(
                    "PyPI",
                    &normalised,
                    &version,
                    purl,
                    path,
                    file.layer,
                ));
            }
            Err(why) => catalog.problems.push(format!("{path}: {why}")),
        }
    }
}

/// The `Name:` and `Version:` headers of a core-metadata file (RFC 822 style): the header block
/// ends at the first blank line, where the description begins.
fn parse(bytes: &[u8]) -> Result<(String, String), &'static str> {
    let mut name = None;
    let mut version = None;
    for line in bytes.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        // Continuation lines (leading whitespace) belong to a header we do not read.
        if line.first().is_some_and(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (key, value) = line.split_at(colon);
        let value = String::from_utf8_lossy(value.get(1..).unwrap_or_default())
            .trim()
            .to_string();
        if key.eq_ignore_ascii_case(b"Name") && name.is_none() {
            name = Some(value);
        } else if key.eq_ignore_ascii_case(b"Version") && version.is_none() {
            version = Some(value);
        }
        if name.is_some() && version.is_some() {
            break;
        }
    }
    match (name, version) {
        (Some(n), Some(v)) if !n.is_empty() && !v.is_empty() => Ok((n, v)),
        _ => Err("not Python package metadata: no Name: and Version: headers before the body"),
    }
}

/// PEP 503: lowercase, and every run of `-`, `_` and `.` becomes one `-` (how PyPI, pip and OSV
/// compare names). The advisory store keys PyPI names the same way.
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.extend(c.to_lowercase());
            in_run = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::File;

    fn files(entries: &[(&str, &[u8])]) -> FileSet {
        entries
            .iter()
            .enumerate()
            .map(|(layer, (path, bytes))| {
                (
                    (*path).to_string(),
                    File {
                        layer,
                        bytes: bytes.to_vec(),
                    },
                )
            })
            .collect()
    }

    const METADATA: &[u8] = b"Metadata-Version: 2.1\r\nName: Flask_SQL.Alchemy\r\nVersion: 3.0.2\r\nSummary: x\r\n  continued\r\n\r\nName: NotThis\r\nVersion: 9\r\n";

    #[test]
    fn wants_metadata_files_only() {
        let site = "/usr/lib/python3/site-packages";
        assert_eq!(
            want(&format!("{site}/requests-2.31.0.dist-info/METADATA")),
            Want::Whole
        );
        assert_eq!(
            want(&format!("{site}/six-1.16.0.egg-info/PKG-INFO")),
            Want::Whole
        );
        assert_eq!(want(&format!("{site}/six-1.16.0.egg-info")), Want::Whole);
        assert_eq!(
            want(&format!("{site}/requests-2.31.0.dist-info/RECORD")),
            Want::No
        );
        assert_eq!(want(&format!("{site}/requests/__init__.py")), Want::No);
    }

    #[test]
    fn reads_name_and_version_from_the_header_block() {
        let set = files(&[
            (
                "/venv/lib/flask_sql_alchemy-3.0.2.dist-info/METADATA",
                METADATA,
            ),
            (
                "/usr/lib/python3/dist-packages/six-1.16.0.egg-info",
                b"Metadata-Version: 1.2\nname: six\nversion: 1.16.0\n",
            ),
        ]);
        let mut catalog = Catalog::default();
        read(&set, &mut catalog);
        assert_eq!(catalog.problems, Vec::<String>::new());
        let got: Vec<_> = catalog
            .packages
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.version.as_str(),
                    p.purl.as_str(),
                    p.layer,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("six", "1.16.0", "pkg:pypi/six@1.16.0", 1),
                (
                    "flask-sql-alchemy",
                    "3.0.2",
                    "pkg:pypi/flask-sql-alchemy@3.0.2",
                    0
                ),
            ]
        );
        assert!(catalog.packages.iter().all(|p| p.ecosystem == "PyPI"));
    }

    #[test]
    fn normalises_per_pep_503() {
        assert_eq!(normalise("Foo.Bar__baz-_-Qux"), "foo-bar-baz-qux");
        assert_eq!(normalise("zope.interface"), "zope-interface");
    }

    #[test]
    fn hostile_metadata_is_a_problem_naming_the_file() {
        let long_line = vec![b'x'; 1 << 20];
        let mut no_version = b"Name: a\n\nVersion: 1\n".to_vec();
        no_version.extend_from_slice(&long_line);
        let set = files(&[
            ("/a.dist-info/METADATA", &no_version),
            ("/b.dist-info/METADATA", &long_line),
            ("/c.dist-info/METADATA", b"Name: \xff\xfe\nVersion: 1.0\n"),
            ("/d.dist-info/METADATA", b""),
        ]);
        let mut catalog = Catalog::default();
        read(&set, &mut catalog);
        assert_eq!(catalog.problems.len(), 3, "{:?}", catalog.problems);
        assert!(catalog.problems[0].starts_with("/a.dist-info/METADATA: "));
        assert!(catalog.problems[1].starts_with("/b.dist-info/METADATA: "));
        assert!(catalog.problems[2].starts_with("/d.dist-info/METADATA: "));
        // Invalid UTF-8 in a name is kept, replaced, rather than losing the package.
        assert_eq!(catalog.packages.len(), 1);
        assert_eq!(catalog.packages[0].version, "1.0");
    }
}
