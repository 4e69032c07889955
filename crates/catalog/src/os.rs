//! The distribution: `/etc/os-release` (or `/usr/lib/os-release`), with `/etc/debian_version`
//! and `/etc/alpine-release` filling in what it leaves out, and the advisory ecosystem its
//! packages are matched in.

use crate::lang::escape;
use crate::{Catalog, FileSet, Os};

const OS_RELEASE: [&str; 2] = ["/etc/os-release", "/usr/lib/os-release"];
const DEBIAN_VERSION: &str = "/etc/debian_version";
const ALPINE_RELEASE: &str = "/etc/alpine-release";

pub(crate) fn want(path: &str) -> bool {
    OS_RELEASE.contains(&path) || path == DEBIAN_VERSION || path == ALPINE_RELEASE
}

/// Sets `catalog.os` from the release files, when any says which distribution this is.
pub(crate) fn read(files: &FileSet, catalog: &mut Catalog) {
    let release = OS_RELEASE.iter().find_map(|path| {
        let file = files.get(*path)?;
        let fields = parse_os_release(&String::from_utf8_lossy(&file.bytes));
        let id = field(&fields, "ID")?.to_ascii_lowercase();
        Some((id, fields))
    });
    let debian_version = first_line(files, DEBIAN_VERSION);
    let alpine_release = first_line(files, ALPINE_RELEASE);

    let (id, fields) = match release {
        Some(found) => found,
        None if alpine_release.is_some() => ("alpine".to_string(), Vec::new()),
        None if debian_version.is_some() => ("debian".to_string(), Vec::new()),
        None => return,
    };
    let mut version = field(&fields, "VERSION_ID").unwrap_or_default().to_string();
    if version.is_empty() {
        version = match id.as_str() {
            "alpine" => alpine_release.clone().unwrap_or_default(),
            // `12.4` names the release (12); testing and sid say `trixie/sid` and have no
            // VERSION_ID: their codename is the closest thing to a release.
            "debian" => match debian_version.as_deref() {
                Some(v) if v.starts_with(|c: char| c.is_ascii_digit()) => {
                    v.split('.').next().unwrap_or(v).to_string()
                }
                _ => field(&fields, "VERSION_CODENAME")
                    .unwrap_or_default()
                    .to_string(),
            },
            _ => String::new(),
        };
    }
    let name = field(&fields, "PRETTY_NAME")
        .or_else(|| field(&fields, "NAME"))
        .map(str::to_string)
        .unwrap_or_else(|| match version.as_str() {
            "" => id.clone(),
            v => format!("{id} {v}"),
        });
    catalog.os = Some(Os { id, version, name });
}

fn first_line(files: &FileSet, path: &str) -> Option<String> {
    let text = String::from_utf8_lossy(&files.get(path)?.bytes).into_owned();
    let line = text.lines().next()?.trim();
    (!line.is_empty()).then(|| line.to_string())
}

fn field<'a>(fields: &'a [(String, String)], key: &str) -> Option<&'a str> {
    fields
        .iter()
        .rev()
        .find(|(k, v)| k == key && !v.is_empty())
        .map(|(_, v)| v.as_str())
}

/// `KEY=value` lines with shell-style quoting (os-release(5)): double quotes with `\`
/// escapes, single quotes literal, bare words with `\` escapes; `#` comments. A line that is
/// not an assignment is ignored, as systemd does.
pub(crate) fn parse_os_release(text: &str) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        let Some((key, raw)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            continue;
        }
        fields.push((key.to_string(), unquote(raw)));
    }
    fields
}

fn unquote(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (Some('\''), c) => out.push(c),
            // In double quotes only `\"`, `\\`, `\$` and `\`` are escapes (os-release(5)).
            (Some(_), '\\') => match chars.next() {
                Some(next @ ('"' | '\\' | '$' | '`')) => out.push(next),
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            },
            (None, '\\') => {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            // An unquoted `#` after a space starts a comment; inside a word it is a character.
            (None, '#') if out.is_empty() || out.ends_with(' ') => break,
            (None, c) if c.is_whitespace() => {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            (_, c) => out.push(c),
        }
    }
    if quote.is_none() {
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
    }
    out
}

/// The advisory ecosystem of the distribution's own packages, as OSV spells them (`Debian:12`,
/// `Ubuntu:22.04:LTS`, `Alpine:v3.17`, `Rocky Linux:9`, ...); `fallback` (`Debian`, `Alpine`,
/// `Red Hat`) when the image says nothing about its distribution.
pub(crate) fn ecosystem(os: Option<&Os>, fallback: &str) -> String {
    let Some(os) = os else {
        return fallback.to_string();
    };
    let version = os.version.as_str();
    let major = version.split('.').next().unwrap_or(version);
    let major_minor = {
        let mut parts = version.splitn(3, '.');
        match (parts.next(), parts.next()) {
            (Some(a), Some(b)) => format!("{a}.{b}"),
            _ => version.to_string(),
        }
    };
    let with = |name: &str, release: &str| match release {
        "" => name.to_string(),
        r => format!("{name}:{r}"),
    };
    match os.id.as_str() {
        // Testing and sid have a codename only; advisories name releases by number.
        "debian" => with("Debian", debian_release(major)),
        // OSV marks the long-term releases (April of even years): `Ubuntu:22.04:LTS`.
        "ubuntu" => {
            let lts = major_minor.ends_with(".04")
                && major
                    .parse::<u32>()
                    .is_ok_and(|year| year.is_multiple_of(2) && year >= 6);
            match (major_minor.as_str(), lts) {
                ("", _) => "Ubuntu".to_string(),
                (r, true) => format!("Ubuntu:{r}:LTS"),
                (r, false) => format!("Ubuntu:{r}"),
            }
        }
        "alpine" if major_minor.is_empty() => "Alpine".to_string(),
        "alpine" => format!("Alpine:v{major_minor}"),
        "wolfi" => "Wolfi".to_string(),
        "chainguard" => "Chainguard".to_string(),
        "rhel" => with("Red Hat", major),
        "rocky" => with("Rocky Linux", major),
        "almalinux" => with("AlmaLinux", major),
        "centos" => with("CentOS", major),
        "ol" => with("Oracle Linux", major),
        "fedora" => with("Fedora", major),
        "amzn" => with("Amazon Linux", major),
        "mariner" => with("Mariner", major_minor.as_str()),
        "azurelinux" => with("Azure Linux", major_minor.as_str()),
        "opensuse-leap" => with("openSUSE:Leap", version),
        _ => fallback.to_string(),
    }
}

/// The release number of a Debian codename (`trixie` → `13`, `sid` → `unstable`), as OSV and
/// the security tracker's import number Debian's releases; a number or an unknown name stays as
/// it is. The advisory store numbers the tracker's releases with this same table.
pub fn debian_release(codename: &str) -> &str {
    match codename {
        "wheezy" => "7",
        "jessie" => "8",
        "stretch" => "9",
        "buster" => "10",
        "bullseye" => "11",
        "bookworm" => "12",
        "trixie" => "13",
        "forky" => "14",
        "duke" => "15",
        "sid" => "unstable",
        other => other,
    }
}

/// `<id>-<version>` for a purl's `distro` qualifier, when the OS is known.
pub(crate) fn distro_qualifier(os: Option<&Os>) -> Option<String> {
    let os = os?;
    Some(match os.version.as_str() {
        "" => os.id.clone(),
        v => format!("{}-{v}", os.id),
    })
}

/// A purl: `pkg:<kind>/<namespace>/<name>@<version>?<qualifiers>`, each part percent-encoded
/// (everything but ASCII letters, digits and `.-_~`), qualifiers with an empty value left out.
pub(crate) fn purl(
    kind: &str,
    namespace: &str,
    name: &str,
    version: &str,
    qualifiers: &[(&str, &str)],
) -> String {
    let mut purl = format!(
        "pkg:{kind}/{}/{}@{}",
        escape(namespace),
        escape(name),
        escape(version)
    );
    let mut sep = '?';
    for (key, value) in qualifiers.iter().filter(|(_, v)| !v.is_empty()) {
        purl.push(sep);
        purl.push_str(key);
        purl.push('=');
        purl.push_str(&escape(value));
        sep = '&';
    }
    purl
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::File;

    fn files(entries: &[(&str, &str)]) -> FileSet {
        entries
            .iter()
            .map(|(path, text)| {
                let file = File {
                    layer: 0,
                    bytes: text.as_bytes().to_vec(),
                };
                (path.to_string(), file)
            })
            .collect()
    }

    fn os_of(entries: &[(&str, &str)]) -> Option<Os> {
        let mut catalog = Catalog::default();
        read(&files(entries), &mut catalog);
        catalog.os
    }

    const DEBIAN_12: &str = r#"PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
"#;

    #[test]
    fn debian_12_from_os_release() {
        let os = os_of(&[
            ("/etc/os-release", DEBIAN_12),
            ("/etc/debian_version", "12.4\n"),
        ]);
        let os = os.expect("an os");
        assert_eq!(os.id, "debian");
        assert_eq!(os.version, "12");
        assert_eq!(os.name, "Debian GNU/Linux 12 (bookworm)");
        assert_eq!(ecosystem(Some(&os), "Debian"), "Debian:12");
        assert_eq!(distro_qualifier(Some(&os)).as_deref(), Some("debian-12"));
    }

    #[test]
    fn debian_sid_has_no_version_id_and_uses_the_codename() {
        let sid = "PRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\nNAME=\"Debian GNU/Linux\"\n\
                   VERSION_CODENAME=trixie\nID=debian\n";
        let os = os_of(&[
            ("/etc/os-release", sid),
            ("/etc/debian_version", "trixie/sid\n"),
        ])
        .expect("an os");
        assert_eq!(os.version, "trixie");
        assert_eq!(ecosystem(Some(&os), "Debian"), "Debian:13");
        let os = Os {
            version: "nextname".into(),
            ..os
        };
        assert_eq!(ecosystem(Some(&os), "Debian"), "Debian:nextname");
    }

    #[test]
    fn usr_lib_os_release_when_etc_has_none() {
        let os = os_of(&[("/usr/lib/os-release", DEBIAN_12)]).expect("an os");
        assert_eq!(os.version, "12");
    }

    #[test]
    fn only_debian_version() {
        let os = os_of(&[("/etc/debian_version", "11.8\n")]).expect("an os");
        assert_eq!((os.id.as_str(), os.version.as_str()), ("debian", "11"));
        assert_eq!(ecosystem(Some(&os), "Debian"), "Debian:11");
    }

    #[test]
    fn alpine_from_os_release_and_from_alpine_release_alone() {
        let text = "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.17.2\n\
                    PRETTY_NAME=\"Alpine Linux v3.17\"\n";
        let os = os_of(&[("/etc/os-release", text)]).expect("an os");
        assert_eq!(ecosystem(Some(&os), "Alpine"), "Alpine:v3.17");
        let os = os_of(&[("/etc/alpine-release", "3.19.1\n")]).expect("an os");
        assert_eq!((os.id.as_str(), os.version.as_str()), ("alpine", "3.19.1"));
        assert_eq!(ecosystem(Some(&os), "Alpine"), "Alpine:v3.19");
    }

    #[test]
    fn ecosystems_follow_osv_names() {
        let cases = [
            ("ubuntu", "22.04", "Ubuntu:22.04:LTS"),
            ("ubuntu", "23.10", "Ubuntu:23.10"),
            ("rhel", "9.3", "Red Hat:9"),
            ("rocky", "9.3", "Rocky Linux:9"),
            ("almalinux", "9.3", "AlmaLinux:9"),
            ("fedora", "39", "Fedora:39"),
            ("amzn", "2023", "Amazon Linux:2023"),
            ("wolfi", "20230201", "Wolfi"),
            ("plan9", "4", "Debian"),
        ];
        for (id, version, want) in cases {
            let os = Os {
                id: id.into(),
                version: version.into(),
                name: String::new(),
            };
            assert_eq!(ecosystem(Some(&os), "Debian"), want, "{id} {version}");
        }
        assert_eq!(ecosystem(None, "Red Hat"), "Red Hat");
    }

    #[test]
    fn shell_quoting() {
        let text = "# comment\nA=plain\nB=\"double \\\"quoted\\\" \\$x\"\nC='single \\n'\n\
                    D=\"\"\nnot a line\nE=word # trailing\n=x\nF=a\\ b\n";
        let fields = parse_os_release(text);
        let get = |k: &str| {
            fields
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("A"), Some("plain"));
        assert_eq!(get("B"), Some("double \"quoted\" $x"));
        assert_eq!(get("C"), Some("single \\n"));
        assert_eq!(get("D"), Some(""));
        assert_eq!(get("E"), Some("word"));
        assert_eq!(get("F"), Some("a b"));
        assert_eq!(fields.len(), 6);
    }

    #[test]
    fn hostile_release_files_do_not_panic() {
        let long = format!("ID={}\n", "x".repeat(1 << 20));
        let os = os_of(&[("/etc/os-release", &long)]).expect("an os");
        assert_eq!(os.id.len(), 1 << 20);
        let mut set = files(&[]);
        set.insert(
            "/etc/os-release".into(),
            File {
                layer: 0,
                bytes: b"ID=\xff\xfe\nVERSION_ID=\"unterminated\n".to_vec(),
            },
        );
        let mut catalog = Catalog::default();
        read(&set, &mut catalog);
        let os = catalog.os.expect("an os");
        assert_eq!(os.version, "unterminated");
        assert_eq!(os_of(&[("/etc/os-release", "garbage\n\n")]), None);
    }

    #[test]
    fn purls_encode_their_parts() {
        let purl = purl(
            "deb",
            "debian",
            "libstdc++6",
            "1:12.2.0-14",
            &[("arch", "amd64"), ("epoch", ""), ("distro", "debian-12")],
        );
        assert_eq!(
            purl,
            "pkg:deb/debian/libstdc%2B%2B6@1%3A12.2.0-14?arch=amd64&distro=debian-12"
        );
    }
}
