//! Go (`Go`): the build info the Go linker embeds in every executable since Go 1.18, in the
//! `.go.buildinfo` section: the toolchain version (reported as the package `stdlib`, the name
//! OSV's Go database gives the standard library), the main module and every dependency module,
//! replacements applied. The section is found by the ELF section headers or, when they are gone,
//! by scanning for its magic at 16-byte alignment, where the linker puts it.

use crate::lang::{escape, escape_path, package};
use crate::{elf, Catalog, FileSet, Want};

const MAGIC: &[u8] = b"\xff Go buildinf:";
/// Magic (14), pointer size (1), flags (1), then 16 bytes that only the pointer format uses.
const HEADER: usize = 32;
/// Set when the version and module strings follow the header inline (Go 1.18 and later).
const FLAG_INLINE: u8 = 0x2;

/// Go binaries are executables: the shared rule in `elf::want`.
pub(crate) fn want(path: &str) -> Want {
    elf::want(path)
}

pub(crate) fn read(files: &FileSet, catalog: &mut Catalog) {
    for (path, file) in files.iter().filter(|(_, f)| elf::is_elf(&f.bytes)) {
        let found = match elf::section(&file.bytes, ".go.buildinfo") {
            Ok(Some(section)) => Some(section),
            // No section headers, or broken ones: the magic is still where the linker put it.
            Ok(None) | Err(_) => scan(&file.bytes),
        };
        let Some(info) = found else { continue };
        match parse(info) {
            Ok(build) => {
                for module in build.modules() {
                    let purl = format!(
                        "pkg:golang/{}@{}",
                        escape_path(&module.0),
                        escape(&module.1)
                    );
                    catalog
                        .packages
                        .push(package("Go", &module.0, &module.1, purl, path, file.layer));
                }
            }
            Err(why) => catalog.problems.push(format!("{path}: {why}")),
        }
    }
}

fn scan(bytes: &[u8]) -> Option<&[u8]> {
    (0..bytes.len())
        .step_by(16)
        .filter_map(|at| bytes.get(at..))
        .find(|rest| rest.starts_with(MAGIC))
}

#[derive(Debug, Default, PartialEq, Eq)]
struct BuildInfo {
    /// `go1.21.5`, as the toolchain wrote it.
    go: String,
    /// The main module and its version, as written (`(devel)` when built from a checkout).
    main: Option<(String, String)>,
    /// The dependency modules, replacements applied.
    deps: Vec<(String, String)>,
}

impl BuildInfo {
    /// The packages to report: `stdlib` (when the toolchain version is a release), the main
    /// module (unless its version is `(devel)`) and the dependencies.
    fn modules(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Some(version) = stdlib_version(&self.go) {
            out.push(("stdlib".to_string(), version));
        }
        if let Some((path, version)) = &self.main {
            if version != "(devel)" && !version.is_empty() {
                out.push((path.clone(), version.clone()));
            }
        }
        out.extend(self.deps.iter().cloned());
        out
    }
}

fn parse(section: &[u8]) -> Result<BuildInfo, String> {
    if !section.starts_with(MAGIC) {
        return Err("Go build info section does not start with its magic".to_string());
    }
    let flags = *section.get(15).ok_or("Go build info header is truncated")?;
    if flags & FLAG_INLINE == 0 {
        return Err("Go build info before Go 1.18 is not read".to_string());
    }
    let rest = section
        .get(HEADER..)
        .ok_or("Go build info header is truncated")?;
    let (go, rest) = string(rest).ok_or("Go build info: the Go version is truncated")?;
    let (modinfo, _) = string(rest).ok_or("Go build info: the module info is truncated")?;
    // The module info is framed by 16-byte sentinels; an empty one is a binary built without
    // module support, which has only the standard library.
    let modinfo = match modinfo.len().checked_sub(17).and_then(|i| modinfo.get(i)) {
        Some(b'\n') if modinfo.len() >= 33 => {
            modinfo.get(16..modinfo.len() - 16).unwrap_or_default()
        }
        _ => &[][..],
    };
    let mut info = BuildInfo {
        go: String::from_utf8_lossy(go).into_owned(),
        ..BuildInfo::default()
    };
    // Which module a `=>` line replaces: the main module or the last dependency.
    let mut last_is_dep = false;
    for line in String::from_utf8_lossy(modinfo).lines() {
        let mut fields = line.split('\t');
        let (Some(kind), Some(path), version) = (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let module = (path.to_string(), version.unwrap_or_default().to_string());
        match kind {
            "mod" => {
                info.main = Some(module);
                last_is_dep = false;
            }
            "dep" => {
                info.deps.push(module);
                last_is_dep = true;
            }
            "=>" => {
                let replaced = if last_is_dep {
                    info.deps.last_mut()
                } else {
                    info.main.as_mut()
                };
                if let Some(replaced) = replaced {
                    *replaced = module;
                }
            }
            _ => {}
        }
    }
    // A replacement by a local directory has no version: that code is not the published
    // module, so there is nothing to match it against.
    info.deps
        .retain(|(path, version)| !path.is_empty() && !version.is_empty());
    Ok(info)
}

/// A `uvarint`-length-prefixed string, and what follows it.
fn string(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut len: u64 = 0;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        len |= u64::from(b & 0x7f).checked_shl(7 * i as u32)?;
        if b & 0x80 == 0 {
            let start = i + 1;
            let end = start.checked_add(usize::try_from(len).ok()?)?;
            return Some((bytes.get(start..end)?, bytes.get(end..)?));
        }
    }
    None
}

/// The toolchain version as OSV's Go database versions the standard library, with the `v` of Go
/// module versions: `go1.21.5` → `v1.21.5`, `go1.20` → `v1.20.0`, `go1.22rc1` →
/// `v1.22.0-rc.1`. `None` for a development toolchain (`devel go1.23-abc`), which matches
/// no release.
fn stdlib_version(go: &str) -> Option<String> {
    let tag = go.split_whitespace().next()?.strip_prefix("go")?;
    let pre_at = tag
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(tag.len());
    let (core, pre) = tag.split_at(pre_at);
    let mut parts: Vec<&str> = core.split('.').collect();
    if parts.is_empty()
        || parts.len() > 3
        || !parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    while parts.len() < 3 {
        parts.push("0");
    }
    let mut version = format!("v{}", parts.join("."));
    if !pre.is_empty() {
        let digits = pre.find(|c: char| c.is_ascii_digit())?;
        let (word, number) = pre.split_at(digits);
        if !matches!(word, "rc" | "beta" | "alpha") || !number.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        version.push_str(&format!("-{word}.{number}"));
    }
    Some(version)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::File;

    fn varint(mut n: usize, out: &mut Vec<u8>) {
        while n >= 0x80 {
            out.push((n as u8) | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
    }

    /// A `.go.buildinfo` section as the Go 1.18+ linker writes it.
    pub(crate) fn section(go: &str, modinfo: &str) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.push(8);
        out.push(FLAG_INLINE);
        out.resize(HEADER, 0);
        varint(go.len(), &mut out);
        out.extend_from_slice(go.as_bytes());
        let framed = format!("0123456789abcdef{modinfo}\nfedcba9876543210");
        varint(framed.len(), &mut out);
        out.extend_from_slice(framed.as_bytes());
        out
    }

    const MODINFO: &str = "path\texample.com/cmd/tool\n\
        mod\texample.com/cmd\tv1.2.3\th1:abc=\n\
        dep\tgolang.org/x/net\tv0.17.0\th1:x=\n\
        =>\tgolang.org/x/net\tv0.23.0\th1:y=\n\
        dep\tgithub.com/a/b\tv1.0.0\th1:z=\n\
        dep\tgithub.com/local/c\tv0.1.0\n\
        =>\t../c\t\n\
        build\t-compiler=gc\n\
        build\tGOOS=linux";

    fn one(path: &str, bytes: Vec<u8>) -> FileSet {
        FileSet::from([(path.to_string(), File { layer: 3, bytes })])
    }

    fn found(catalog: &Catalog) -> Vec<(&str, &str, &str)> {
        catalog
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.purl.as_str()))
            .collect()
    }

    #[test]
    fn reads_stdlib_main_module_and_replaced_deps_from_an_elf_section() {
        let elf = elf::build(&[
            (".text", b"code"),
            (
                ".go.buildinfo",
                &section("go1.21.5 X:boringcrypto", MODINFO),
            ),
        ]);
        let mut catalog = Catalog::default();
        read(&one("/usr/local/bin/tool", elf), &mut catalog);
        assert_eq!(catalog.problems, Vec::<String>::new());
        assert_eq!(
            found(&catalog),
            [
                ("stdlib", "v1.21.5", "pkg:golang/stdlib@v1.21.5"),
                (
                    "example.com/cmd",
                    "v1.2.3",
                    "pkg:golang/example.com/cmd@v1.2.3"
                ),
                (
                    "golang.org/x/net",
                    "v0.23.0",
                    "pkg:golang/golang.org/x/net@v0.23.0"
                ),
                (
                    "github.com/a/b",
                    "v1.0.0",
                    "pkg:golang/github.com/a/b@v1.0.0"
                ),
            ]
        );
        let p = &catalog.packages[0];
        assert_eq!(
            (p.ecosystem.as_str(), p.path.as_str(), p.layer),
            ("Go", "/usr/local/bin/tool", 3)
        );
    }

    #[test]
    fn finds_the_magic_without_section_headers_and_skips_devel_main() {
        let mut bytes = elf::MAGIC.to_vec();
        bytes.extend_from_slice(&[2, 1, 1]);
        bytes.resize(72, 0);
        bytes.extend_from_slice(MAGIC); // not 16-byte aligned: not build info
        bytes.resize(4096, 0);
        bytes.extend_from_slice(&section(
            "go1.20",
            "path\tx\nmod\texample.com/x\t(devel)\t\ndep\tgithub.com/a/b\tv1.0.0\th1:z=",
        ));
        let mut catalog = Catalog::default();
        read(&one("/app/x", bytes), &mut catalog);
        assert_eq!(catalog.problems, Vec::<String>::new());
        assert_eq!(
            found(&catalog),
            [
                ("stdlib", "v1.20.0", "pkg:golang/stdlib@v1.20.0"),
                (
                    "github.com/a/b",
                    "v1.0.0",
                    "pkg:golang/github.com/a/b@v1.0.0"
                ),
            ]
        );
    }

    #[test]
    fn stdlib_versions_follow_the_go_vulnerability_database() {
        let cases = [
            ("go1.21.5", Some("v1.21.5")),
            ("go1.20", Some("v1.20.0")),
            ("go1.22rc1", Some("v1.22.0-rc.1")),
            ("go1.21beta2", Some("v1.21.0-beta.2")),
            ("go1.18.10 X:loopvar", Some("v1.18.10")),
            ("devel go1.23-abc123 Mon", None),
            ("go1.2x.3", None),
            ("go1.21.5.1.2", None),
            ("go1.22rc", None),
            ("", None),
        ];
        for (go, want) in cases {
            assert_eq!(stdlib_version(go).as_deref(), want, "{go}");
        }
    }

    #[test]
    fn long_lines_and_invalid_utf8_in_module_info_do_not_lose_the_rest() {
        let long = "x".repeat(1 << 20);
        let modinfo = format!(
            "path\t{long}\nmod\texample.com/m\tv1.0.0\t\ndep\tbad\u{fffd}\tv0.1.0\t\nbuild\t{long}\ndep\tgithub.com/a/b\tv1.0.0\th1:z="
        );
        let mut bytes = section("go1.21.5", &modinfo);
        // Replace the U+FFFD with a lone invalid byte, keeping the lengths consistent: the
        // three UTF-8 bytes become 0xff 0xfe 0xfd.
        if let Some(at) = bytes.windows(3).position(|w| w == "\u{fffd}".as_bytes()) {
            bytes[at..at + 3].copy_from_slice(&[0xff, 0xfe, 0xfd]);
        }
        let info = parse(&bytes).map_err(|e| e.to_string());
        let names: Vec<_> = info
            .as_ref()
            .map(|i| i.modules().into_iter().map(|m| m.0).collect())
            .unwrap_or_default();
        assert_eq!(names.len(), 4, "{names:?}");
        assert_eq!(names[0], "stdlib");
        assert_eq!(names[1], "example.com/m");
        assert!(names[2].starts_with("bad"));
        assert_eq!(names[3], "github.com/a/b");
    }

    #[test]
    fn old_and_broken_build_info_are_problems_naming_the_file() {
        let mut old = MAGIC.to_vec();
        old.extend_from_slice(&[8, 0]);
        old.resize(HEADER, 0);
        let full = section("go1.21.5", MODINFO);
        let mut huge_len = full[..HEADER].to_vec();
        huge_len.extend_from_slice(&[0xff; 9]);
        huge_len.push(0x01);
        let files: FileSet = [
            ("/old", old),
            ("/cut", full[..full.len() - 5].to_vec()),
            ("/huge", huge_len),
            ("/short", MAGIC.to_vec()),
        ]
        .into_iter()
        .map(|(path, section)| {
            let bytes = elf::build(&[(".go.buildinfo", &section)]);
            (path.to_string(), File { layer: 0, bytes })
        })
        .collect();
        let mut catalog = Catalog::default();
        read(&files, &mut catalog);
        assert!(catalog.packages.is_empty());
        assert_eq!(catalog.problems.len(), 4, "{:?}", catalog.problems);
        assert!(catalog
            .problems
            .contains(&"/old: Go build info before Go 1.18 is not read".to_string()));
        for path in ["/cut:", "/huge:", "/short:"] {
            assert!(
                catalog.problems.iter().any(|p| p.starts_with(path)),
                "{path} {:?}",
                catalog.problems
            );
        }
        // Every truncation of a real section: no panic.
        for len in 0..full.len() {
            let _ = parse(&full[..len]);
        }
    }
}
