//! Rust (`crates.io`): the dependency list `cargo auditable` embeds in a binary, a
//! zlib-compressed JSON document in the ELF section `.dep-v0`. Only crates whose source is
//! crates.io are reported: local and git crates have no advisories to match. Build dependencies
//! are reported too, as `cargo audit bin` does: their code ran at build time (build scripts,
//! proc macros) and shaped what the binary holds.

use std::io::Read;

use serde::Deserialize;

use crate::lang::{escape, package};
use crate::{elf, Catalog, FileSet, Want};

/// The decompressed JSON may not exceed this: a real dependency list is a few tens of KiB, and
/// a zlib bomb stops here.
const MAX_JSON: u64 = 8 << 20;

/// Rust binaries are executables: the shared rule in `elf::want`.
pub(crate) fn want(path: &str) -> Want {
    elf::want(path)
}

#[derive(Deserialize)]
struct VersionInfo {
    packages: Vec<Crate>,
}

#[derive(Deserialize)]
struct Crate {
    name: String,
    version: String,
    source: String,
}

pub(crate) fn read(files: &FileSet, catalog: &mut Catalog) {
    for (path, file) in files.iter().filter(|(_, f)| elf::is_elf(&f.bytes)) {
        let section = match elf::section(&file.bytes, ".dep-v0") {
            Ok(Some(section)) => section,
            Ok(None) => continue,
            // Said once per file, here: the Go cataloger reads the same files and, when the
            // section headers are broken, falls back to scanning for its magic silently.
            Err(why) => {
                catalog.problems.push(format!(
                    "{path}: {why}: a truncated or damaged executable, whose embedded package lists may be missed"
                ));
                continue;
            }
        };
        match parse(section) {
            Ok(crates) => {
                for c in crates.iter().filter(|c| c.source == "crates.io") {
                    let purl = format!("pkg:cargo/{}@{}", escape(&c.name), escape(&c.version));
                    catalog.packages.push(package(
                        "crates.io",
                        &c.name,
                        &c.version,
                        purl,
                        path,
                        file.layer,
                    ));
                }
            }
            Err(why) => catalog.problems.push(format!("{path}: {why}")),
        }
    }
}

fn parse(section: &[u8]) -> Result<Vec<Crate>, String> {
    let mut json = Vec::new();
    flate2::read::ZlibDecoder::new(section)
        .take(MAX_JSON + 1)
        .read_to_end(&mut json)
        .map_err(|e| format!("cargo-auditable data (.dep-v0) is not valid zlib: {e}"))?;
    if json.len() as u64 > MAX_JSON {
        return Err(format!(
            "cargo-auditable data (.dep-v0) decompresses to more than {} MiB; not read",
            MAX_JSON >> 20
        ));
    }
    serde_json::from_slice::<VersionInfo>(&json)
        .map(|info| info.packages)
        .map_err(|e| format!("cargo-auditable data (.dep-v0) is not the expected JSON: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::File;
    use std::io::Write;

    pub(crate) fn zlib(bytes: &[u8]) -> Vec<u8> {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        let _ = z.write_all(bytes);
        z.finish().unwrap_or_default()
    }

    const DEPS: &str = r#"{"packages":[
        {"name":"tool","version":"0.1.0","source":"local","kind":"runtime","root":true,"dependencies":[1,2,3]},
        {"name":"smallvec","version":"1.6.0","source":"crates.io","kind":"runtime"},
        {"name":"cc","version":"1.0.83","source":"crates.io","kind":"build"},
        {"name":"private","version":"0.2.0","source":"git"}
    ]}"#;

    fn one(section: &[u8]) -> FileSet {
        let bytes = elf::build(&[(".text", b"x"), (".dep-v0", section)]);
        FileSet::from([("/usr/local/bin/tool".to_string(), File { layer: 1, bytes })])
    }

    #[test]
    fn reads_crates_io_packages_from_dep_v0() {
        let mut catalog = Catalog::default();
        read(&one(&zlib(DEPS.as_bytes())), &mut catalog);
        assert_eq!(catalog.problems, Vec::<String>::new());
        let got: Vec<_> = catalog
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.purl.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("smallvec", "1.6.0", "pkg:cargo/smallvec@1.6.0"),
                ("cc", "1.0.83", "pkg:cargo/cc@1.0.83"),
            ]
        );
        assert!(catalog.packages.iter().all(|p| p.ecosystem == "crates.io"
            && p.path == "/usr/local/bin/tool"
            && p.layer == 1));
    }

    #[test]
    fn bombs_garbage_and_wrong_json_are_problems_naming_the_file() {
        let bomb = zlib(&vec![b' '; (MAX_JSON + 2) as usize]);
        let cases: [&[u8]; 4] = [
            &bomb,
            b"not zlib at all",
            &zlib(b"{\"packages\": 3}"),
            &zlib(b"\xff\xfe{"),
        ];
        for section in cases {
            let mut catalog = Catalog::default();
            read(&one(section), &mut catalog);
            assert!(catalog.packages.is_empty());
            assert_eq!(catalog.problems.len(), 1, "{:?}", catalog.problems);
            assert!(catalog.problems[0].starts_with("/usr/local/bin/tool: "));
        }
        // Truncated compressed data.
        let full = zlib(DEPS.as_bytes());
        for len in 0..full.len() {
            let _ = parse(&full[..len]);
        }
    }
}
