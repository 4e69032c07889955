//! Debian packages: dpkg's database `/var/lib/dpkg/status`, and distroless's
//! `/var/lib/dpkg/status.d/<package>` (one stanza file per package, next to `<package>.md5sums`).

use crate::os::{distro_qualifier, ecosystem, purl};
use crate::{Catalog, FileSet, Package};

const STATUS: &str = "/var/lib/dpkg/status";
const STATUS_D: &str = "/var/lib/dpkg/status.d/";

pub(crate) fn want(path: &str) -> bool {
    path == STATUS
        || path.strip_prefix(STATUS_D).is_some_and(|name| {
            !name.is_empty() && !name.contains('/') && !name.ends_with(".md5sums")
        })
}

pub(crate) fn read(files: &FileSet, catalog: &mut Catalog) {
    let status_d = files
        .range(STATUS_D.to_string()..)
        .take_while(|(path, _)| path.starts_with(STATUS_D))
        .filter(|(path, _)| want(path));
    let status = files.get_key_value(STATUS);
    for (path, file) in status.into_iter().chain(status_d) {
        let text = String::from_utf8_lossy(&file.bytes);
        if matches!(text, std::borrow::Cow::Owned(_)) {
            catalog.problems.push(format!(
                "{path}: not valid UTF-8; the bytes that are not were read as U+FFFD"
            ));
        }
        // status.d files are written by image builders, not by dpkg, and carry no Status:
        // what is there is installed.
        let needs_status = path == STATUS;
        let found = parse(&text, needs_status);
        for problem in found.problems {
            catalog.problems.push(format!("{path}: {problem}"));
        }
        for stanza in found.installed {
            catalog
                .packages
                .push(package(stanza, catalog.os.as_ref(), path, file.layer));
        }
    }
}

/// The fields of one stanza this cataloger uses.
#[derive(Debug, Default, PartialEq, Eq)]
struct Stanza {
    name: String,
    version: String,
    arch: String,
    source: String,
    status: Option<String>,
    /// The line the stanza starts on (1-based), for problems.
    line: usize,
}

#[derive(Debug, Default)]
struct Parsed {
    installed: Vec<Stanza>,
    problems: Vec<String>,
}

/// Problems of one kind past this many in a file are counted, not listed.
const PROBLEMS_PER_FILE: usize = 5;

fn parse(text: &str, needs_status: bool) -> Parsed {
    let mut parsed = Parsed::default();
    let mut unreadable = 0usize;
    let mut current: Option<Stanza> = None;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if line.trim().is_empty() {
            if let Some(stanza) = current.take() {
                finish(stanza, needs_status, &mut parsed);
            }
            continue;
        }
        // Continuation lines belong to multi-line fields (Description, Conffiles): none
        // of the fields read here.
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let stanza = current.get_or_insert_with(|| Stanza {
            line: number,
            ..Stanza::default()
        });
        let Some((key, value)) = line.split_once(':') else {
            unreadable += 1;
            if unreadable <= PROBLEMS_PER_FILE {
                parsed
                    .problems
                    .push(format!("line {number}: not a `Field: value` line"));
            }
            continue;
        };
        let value = value.trim();
        let slot = match key.to_ascii_lowercase().as_str() {
            "package" => &mut stanza.name,
            "version" => &mut stanza.version,
            "architecture" => &mut stanza.arch,
            "source" => &mut stanza.source,
            "status" => {
                stanza.status = Some(value.to_string());
                continue;
            }
            _ => continue,
        };
        *slot = value.to_string();
    }
    if let Some(stanza) = current.take() {
        finish(stanza, needs_status, &mut parsed);
    }
    if unreadable > PROBLEMS_PER_FILE {
        parsed.problems.push(format!(
            "{} more lines that are not `Field: value` lines",
            unreadable - PROBLEMS_PER_FILE
        ));
    }
    parsed
}

fn finish(stanza: Stanza, needs_status: bool, parsed: &mut Parsed) {
    // `Status: <want> <flag> <state>`: the package's files are there when the state is
    // `installed`, whatever is wanted of it (`hold ok installed` counts too).
    let installed = match &stanza.status {
        Some(status) => {
            let words: Vec<&str> = status.split_whitespace().collect();
            words.len() == 3 && words.get(2) == Some(&"installed")
        }
        None => !needs_status,
    };
    if !installed {
        return;
    }
    if stanza.name.is_empty() || stanza.version.is_empty() {
        let what = if stanza.name.is_empty() {
            "Package"
        } else {
            "Version"
        };
        parsed.problems.push(format!(
            "the stanza at line {} has no {what}: field; skipped",
            stanza.line
        ));
        return;
    }
    parsed.installed.push(stanza);
}

fn package(stanza: Stanza, os: Option<&crate::Os>, path: &str, layer: usize) -> Package {
    // `Source: openssl (3.0.11-1)`: a binNMU, built from that source at that version.
    let (source_name, source_version) = match stanza.source.split_once('(') {
        Some((name, rest)) => {
            let version = rest.split(')').next().unwrap_or(rest).trim();
            (name.trim().to_string(), Some(version.to_string()))
        }
        None => (stanza.source.trim().to_string(), None),
    };
    let source_name = match source_name.as_str() {
        "" => stanza.name.clone(),
        _ => source_name,
    };
    let source_version = source_version.filter(|v| !v.is_empty() && *v != stanza.version);
    let namespace = os.map_or("debian", |os| os.id.as_str());
    let distro = distro_qualifier(os).unwrap_or_default();
    let purl = purl(
        "deb",
        namespace,
        &stanza.name,
        &stanza.version,
        &[("arch", &stanza.arch), ("distro", &distro)],
    );
    Package {
        ecosystem: ecosystem(os, "Debian"),
        name: stanza.name,
        version: stanza.version,
        source_name: Some(source_name),
        source_version,
        purl,
        path: path.to_string(),
        layer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{File, Os};

    const STATUS_TEXT: &str = "\
Package: libssl3
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 6180
Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
Architecture: amd64
Multi-Arch: same
Source: openssl (3.0.11-1)
Version: 3.0.11-1+b1
Depends: libc6 (>= 2.34)
Description: Secure Sockets Layer toolkit - shared libraries
 This package is part of the OpenSSL project's implementation of the SSL
 and TLS cryptographic protocols for secure communication over the
 .
 Internet.
Homepage: https://www.openssl.org/

Package: tzdata
Status: deinstall ok config-files
Priority: required
Architecture: all
Version: 2024a-0+deb12u1
Conffiles:
 /etc/timezone 0123456789abcdef0123456789abcdef obsolete

Package: libstdc++6
Status: hold ok installed
Architecture: amd64
Source: gcc-12
Version: 12.2.0-14
Description: GNU Standard C++ Library v3

Package: base-files
Status: install ok installed
Essential: yes
Architecture: amd64
Version: 12.4+deb12u5
Description: Debian base system miscellaneous files

Package: ghost
Status: install ok not-installed
Architecture: amd64
";

    fn set(entries: &[(&str, &[u8], usize)]) -> FileSet {
        entries
            .iter()
            .map(|(path, bytes, layer)| {
                let file = File {
                    layer: *layer,
                    bytes: bytes.to_vec(),
                };
                (path.to_string(), file)
            })
            .collect()
    }

    fn debian_12() -> Catalog {
        Catalog {
            os: Some(Os {
                id: "debian".into(),
                version: "12".into(),
                name: "Debian GNU/Linux 12 (bookworm)".into(),
            }),
            ..Catalog::default()
        }
    }

    #[test]
    fn wants_status_and_status_d_entries_only() {
        assert!(want("/var/lib/dpkg/status"));
        assert!(want("/var/lib/dpkg/status.d/libc6"));
        assert!(!want("/var/lib/dpkg/status.d/libc6.md5sums"));
        assert!(!want("/var/lib/dpkg/status.d/"));
        assert!(!want("/var/lib/dpkg/status.d/a/b"));
        assert!(!want("/var/lib/dpkg/status-old"));
        assert!(!want("/var/lib/dpkg/available"));
    }

    #[test]
    fn installed_packages_of_a_status_file() {
        let mut catalog = debian_12();
        read(&set(&[(STATUS, STATUS_TEXT.as_bytes(), 2)]), &mut catalog);
        assert_eq!(catalog.problems, Vec::<String>::new());
        let names: Vec<&str> = catalog.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["libssl3", "libstdc++6", "base-files"]);

        let ssl = &catalog.packages[0];
        assert_eq!(ssl.version, "3.0.11-1+b1");
        assert_eq!(ssl.source_name.as_deref(), Some("openssl"));
        assert_eq!(ssl.source_version.as_deref(), Some("3.0.11-1"));
        assert_eq!(ssl.ecosystem, "Debian:12");
        assert_eq!(
            ssl.purl,
            "pkg:deb/debian/libssl3@3.0.11-1%2Bb1?arch=amd64&distro=debian-12"
        );
        assert_eq!((ssl.path.as_str(), ssl.layer), (STATUS, 2));

        let stdcxx = &catalog.packages[1];
        assert_eq!(stdcxx.source_name.as_deref(), Some("gcc-12"));
        assert_eq!(stdcxx.source_version, None);

        let base = &catalog.packages[2];
        assert_eq!(base.source_name.as_deref(), Some("base-files"));
        assert_eq!(base.source_version, None);
    }

    #[test]
    fn distroless_status_d_without_status_fields() {
        let libc = b"Package: libc6\nVersion: 2.36-9+deb12u4\nArchitecture: amd64\n\
                     Source: glibc\nDescription: GNU C Library\n shared libraries\n";
        let md5 = b"0123 /lib/x86_64-linux-gnu/libc.so.6\n";
        let tz = b"Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n";
        let files = set(&[
            ("/var/lib/dpkg/status.d/libc6", libc, 0),
            ("/var/lib/dpkg/status.d/libc6.md5sums", md5, 0),
            ("/var/lib/dpkg/status.d/tzdata", tz, 1),
            ("/var/lib/dpkg/status.dz", tz, 1),
        ]);
        let mut catalog = debian_12();
        read(&files, &mut catalog);
        assert_eq!(catalog.problems, Vec::<String>::new());
        let got: Vec<(&str, &str, usize)> = catalog
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.path.as_str(), p.layer))
            .collect();
        assert_eq!(
            got,
            [
                ("libc6", "/var/lib/dpkg/status.d/libc6", 0),
                ("tzdata", "/var/lib/dpkg/status.d/tzdata", 1)
            ]
        );
        assert_eq!(catalog.packages[0].source_name.as_deref(), Some("glibc"));
    }

    #[test]
    fn without_an_os_the_ecosystem_is_debian_and_the_purl_has_no_distro() {
        let mut catalog = Catalog::default();
        let files = set(&[(
            STATUS,
            b"Package: a\nStatus: install ok installed\nVersion: 1\n",
            0,
        )]);
        read(&files, &mut catalog);
        assert_eq!(catalog.packages[0].ecosystem, "Debian");
        assert_eq!(catalog.packages[0].purl, "pkg:deb/debian/a@1");
    }

    #[test]
    fn hostile_status_files_give_problems_naming_the_file() {
        let mut bytes =
            b"Package: \xff\xfebad\nStatus: install ok installed\nVersion: 1\n\n".to_vec();
        bytes.extend(std::iter::repeat_n(b'x', 1 << 20));
        bytes.extend(b"\n\nPackage: noversion\nStatus: install ok installed\n\n");
        for _ in 0..10 {
            bytes.extend(b"garbage line\n");
        }
        let mut catalog = debian_12();
        read(&set(&[(STATUS, &bytes, 0)]), &mut catalog);
        assert_eq!(catalog.packages.len(), 1);
        assert_eq!(catalog.packages[0].name, "\u{fffd}\u{fffd}bad");
        assert!(catalog.problems.iter().all(|p| p.starts_with(STATUS)));
        let joined = catalog.problems.join("\n");
        assert!(joined.contains("not valid UTF-8"), "{joined}");
        assert!(
            joined.contains("line 5: not a `Field: value` line"),
            "{joined}"
        );
        assert!(joined.contains("has no Version"), "{joined}");
        assert!(joined.contains("6 more lines"), "{joined}");
    }

    #[test]
    fn an_empty_or_truncated_status_file_is_no_packages() {
        for text in ["", "\n\n", "Package: a\nStatus: install ok inst", "Package"] {
            let mut catalog = debian_12();
            read(&set(&[(STATUS, text.as_bytes(), 0)]), &mut catalog);
            assert!(catalog.packages.is_empty(), "{text:?}");
        }
    }

    /// This machine's own dpkg database is a real one: every installed package, as dpkg-query
    /// counts them. Skipped where there is no dpkg.
    #[test]
    fn reads_this_machines_dpkg_status_like_dpkg_query() {
        let Ok(bytes) = std::fs::read(STATUS) else {
            return;
        };
        let Ok(out) = std::process::Command::new("dpkg-query")
            .args(["-f", "${db:Status-Status}\n", "-W"])
            .output()
        else {
            return;
        };
        let expected = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| *l == "installed")
            .count();
        let mut catalog = debian_12();
        read(&set(&[(STATUS, &bytes, 0)]), &mut catalog);
        assert_eq!(catalog.problems, Vec::<String>::new());
        assert_eq!(catalog.packages.len(), expected);
        assert!(expected > 0);
    }
}
