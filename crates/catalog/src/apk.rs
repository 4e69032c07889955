//! Alpine (and Wolfi) packages: apk's database `/lib/apk/db/installed`, blank-line separated
//! records of `X:value` lines (`P` name, `V` version, `A` arch, `o` origin: the source package).

use crate::os::{distro_qualifier, ecosystem, purl};
use crate::{Catalog, FileSet, Package};

const INSTALLED: &str = "/lib/apk/db/installed";

pub(crate) fn want(path: &str) -> bool {
    path == INSTALLED
}

/// Problems of one kind past this many in a file are counted, not listed.
const PROBLEMS_PER_FILE: usize = 5;

#[derive(Default)]
struct Record<'a> {
    name: &'a str,
    version: &'a str,
    arch: &'a str,
    origin: &'a str,
    line: usize,
}

pub(crate) fn read(files: &FileSet, catalog: &mut Catalog) {
    let Some(file) = files.get(INSTALLED) else {
        return;
    };
    let text = String::from_utf8_lossy(&file.bytes);
    if matches!(text, std::borrow::Cow::Owned(_)) {
        catalog.problems.push(format!(
            "{INSTALLED}: not valid UTF-8; the bytes that are not were read as U+FFFD"
        ));
    }
    let mut incomplete = Vec::new();
    let mut unreadable = 0usize;
    let mut current: Option<Record> = None;
    let mut records = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            records.extend(current.take());
            continue;
        }
        let record = current.get_or_insert_with(|| Record {
            line: index + 1,
            ..Record::default()
        });
        match line.split_once(':') {
            Some(("P", v)) => record.name = v.trim(),
            Some(("V", v)) => record.version = v.trim(),
            Some(("A", v)) => record.arch = v.trim(),
            Some(("o", v)) => record.origin = v.trim(),
            Some((key, _)) if key.len() == 1 => {}
            _ => {
                unreadable += 1;
                if unreadable <= PROBLEMS_PER_FILE {
                    catalog.problems.push(format!(
                        "{INSTALLED}: line {}: not an `X:value` line",
                        index + 1
                    ));
                }
            }
        }
    }
    records.extend(current);
    if unreadable > PROBLEMS_PER_FILE {
        catalog.problems.push(format!(
            "{INSTALLED}: {} more lines that are not `X:value` lines",
            unreadable - PROBLEMS_PER_FILE
        ));
    }

    let os = catalog.os.as_ref();
    let ecosystem = ecosystem(os, "Alpine");
    let namespace = os.map_or("alpine", |os| os.id.as_str()).to_string();
    let distro = distro_qualifier(os).unwrap_or_default();
    for record in records {
        if record.name.is_empty() || record.version.is_empty() {
            incomplete.push(record.line);
            continue;
        }
        let origin = match record.origin {
            "" => record.name,
            origin => origin,
        };
        catalog.packages.push(Package {
            name: record.name.to_string(),
            version: record.version.to_string(),
            ecosystem: ecosystem.clone(),
            source_name: Some(origin.to_string()),
            source_version: None,
            purl: purl(
                "apk",
                &namespace,
                record.name,
                record.version,
                &[("arch", record.arch), ("distro", &distro)],
            ),
            path: INSTALLED.to_string(),
            layer: file.layer,
        });
    }
    if let Some(first) = incomplete.first() {
        catalog.problems.push(format!(
            "{INSTALLED}: {} records without a P: name or V: version (the first at line {first}); skipped",
            incomplete.len()
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{File, Os};

    const INSTALLED_TEXT: &str = "\
C:Q1sRHALbTGOf3pwWo2UpQ3V4Rwb4I=
P:musl
V:1.2.3-r4
A:x86_64
S:383152
I:622592
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Timo Teräs <timo.teras@iki.fi>
t:1668104286
c:f93af038c3de7146121c2ea8124ba5ce29b4b058
p:so:libc.musl-x86_64.so.1=1
F:lib
R:ld-musl-x86_64.so.1
a:0:0:755
Z:Q1rOr5W2rbg1FDGX8mcQ+XhLOBi5g=

C:Q1dCSy+mHTGyFEYm4eT+V4lmoKR4Q=
P:libcrypto3
V:3.0.8-r0
A:x86_64
o:openssl
D:so:libc.musl-x86_64.so.1

P:alpine-baselayout-data
V:3.4.0-r0
A:x86_64
";

    fn alpine(version: &str) -> Catalog {
        Catalog {
            os: Some(Os {
                id: "alpine".into(),
                version: version.into(),
                name: "Alpine Linux".into(),
            }),
            ..Catalog::default()
        }
    }

    fn files(bytes: &[u8]) -> FileSet {
        let file = File {
            layer: 1,
            bytes: bytes.to_vec(),
        };
        [(INSTALLED.to_string(), file)].into_iter().collect()
    }

    #[test]
    fn wants_the_installed_db_only() {
        assert!(want("/lib/apk/db/installed"));
        assert!(!want("/lib/apk/db/lock"));
        assert!(!want("/lib/apk/db/installed.bak"));
    }

    #[test]
    fn packages_of_an_installed_db() {
        let mut catalog = alpine("3.17.2");
        read(&files(INSTALLED_TEXT.as_bytes()), &mut catalog);
        assert_eq!(catalog.problems, Vec::<String>::new());
        let got: Vec<(&str, &str, Option<&str>)> = catalog
            .packages
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.version.as_str(),
                    p.source_name.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("musl", "1.2.3-r4", Some("musl")),
                ("libcrypto3", "3.0.8-r0", Some("openssl")),
                (
                    "alpine-baselayout-data",
                    "3.4.0-r0",
                    Some("alpine-baselayout-data")
                ),
            ]
        );
        let crypto = &catalog.packages[1];
        assert_eq!(crypto.ecosystem, "Alpine:v3.17");
        assert_eq!(
            crypto.purl,
            "pkg:apk/alpine/libcrypto3@3.0.8-r0?arch=x86_64&distro=alpine-3.17.2"
        );
        assert_eq!((crypto.path.as_str(), crypto.layer), (INSTALLED, 1));
    }

    #[test]
    fn hostile_installed_dbs_give_problems_naming_the_file() {
        let mut bytes = b"P:ok\nV:1-r0\n\nP:\xffname\n".to_vec();
        bytes.extend(std::iter::repeat_n(b'z', 1 << 20));
        bytes.extend(b"\n\nV:2-r0\nA:x86_64\n\nP:truncated\nV:");
        let mut catalog = alpine("3.19.0");
        read(&files(&bytes), &mut catalog);
        let names: Vec<&str> = catalog.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["ok"]);
        assert!(catalog.problems.iter().all(|p| p.starts_with(INSTALLED)));
        let joined = catalog.problems.join("\n");
        assert!(joined.contains("not valid UTF-8"), "{joined}");
        assert!(joined.contains("line 5: not an `X:value` line"), "{joined}");
        assert!(joined.contains("3 records without"), "{joined}");
    }
}
