//! Java (`Maven`): JAR, WAR and EAR archives. Each `META-INF/maven/<group>/<artifact>/
//! pom.properties` inside is one package (a shaded JAR holds several); JARs nested inside
//! (`BOOT-INF/lib/*.jar`, `WEB-INF/lib/*.jar`, an EAR's modules) are opened too, to depth 3.
//! An archive with no `pom.properties` falls back to its manifest's `Implementation-Title` and
//! `Implementation-Version`, when both are there. A package found in a nested archive names it
//! as Java's JAR URLs do: `/app/app.jar!/BOOT-INF/lib/dep.jar`.
//!
//! Archives are strangers' zips: decompression is bounded per entry and across everything one
//! archive on disk opens (its nested archives included), and declared sizes are not trusted.

use std::io::{Cursor, Read};

use crate::lang::{escape, package};
use crate::{Catalog, FileSet, Want};

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// Archives nested deeper than this are not opened (the outer archive is depth 0).
const MAX_DEPTH: usize = 3;
/// Everything one archive on disk may decompress, nested archives included.
const BUDGET: u64 = 256 << 20;
/// A `pom.properties` or `MANIFEST.MF` larger than this is not one.
const MAX_SMALL: u64 = 1 << 20;
/// Problems said about one archive on disk: a hostile one could otherwise say one per entry.
const MAX_PROBLEMS: usize = 16;

pub(crate) fn want(path: &str) -> Want {
    if is_archive(path) {
        Want::Binary
    } else {
        Want::No
    }
}

fn is_archive(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".jar", ".war", ".ear"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

pub(crate) fn read(files: &FileSet, catalog: &mut Catalog) {
    for (path, file) in files
        .iter()
        .filter(|(path, file)| is_archive(path) && file.bytes.starts_with(ZIP_MAGIC))
    {
        let mut walk = Walk {
            budget: BUDGET,
            problems: 0,
            layer: file.layer,
            catalog: &mut *catalog,
        };
        walk.archive(&file.bytes, path, 0);
    }
}

struct Walk<'a> {
    budget: u64,
    problems: usize,
    layer: usize,
    catalog: &'a mut Catalog,
}

impl Walk<'_> {
    /// Reads one archive; `path` names it for packages and problems (`/app/app.jar` or, nested,
    /// `/app/app.jar!/BOOT-INF/lib/dep.jar`).
    fn archive(&mut self, bytes: &[u8], path: &str, depth: usize) {
        let mut zip = match zip::ZipArchive::new(Cursor::new(bytes)) {
            Ok(zip) => zip,
            Err(e) => {
                self.problem(path, &format!("not a readable zip archive: {e}"));
                return;
            }
        };
        let mut found = false;
        let mut manifest = None;
        for index in 0..zip.len() {
            let name = match zip.name_for_index(index) {
                Some(Ok(name)) => name.into_owned(),
                // A name that does not decode cannot be one the catalogers look for.
                Some(Err(_)) | None => continue,
            };
            let nested = is_archive(&name) && !name.ends_with('/');
            let kind = if is_pom_properties(&name) {
                Entry::Pom
            } else if name == "META-INF/MANIFEST.MF" {
                Entry::Manifest
            } else if nested && depth < MAX_DEPTH {
                Entry::Nested
            } else {
                continue;
            };
            if self.budget == 0 {
                let whole = BUDGET >> 20;
                self.problem(
                    path,
                    &format!("archives nested in it decompress to more than {whole} MiB; the rest is not read"),
                );
                // Said once: from here every archive up the stack stops too.
                self.problems = MAX_PROBLEMS;
                return;
            }
            let cap = match kind {
                Entry::Pom | Entry::Manifest => MAX_SMALL.min(self.budget),
                Entry::Nested => self.budget,
            };
            let content = match self.entry(&mut zip, index, cap) {
                Ok(content) => content,
                Err(why) => {
                    self.problem(path, &format!("{name}: {why}"));
                    continue;
                }
            };
            match kind {
                Entry::Pom => {
                    if let Some((group, artifact, version)) = pom_properties(&content) {
                        found = true;
                        let purl = format!(
                            "pkg:maven/{}/{}@{}",
                            escape(&group),
                            escape(&artifact),
                            escape(&version)
                        );
                        self.push(&format!("{group}:{artifact}"), &version, purl, path);
                    }
                }
                Entry::Manifest => manifest = Some(content),
                Entry::Nested => {
                    if content.starts_with(ZIP_MAGIC) {
                        self.archive(&content, &format!("{path}!/{name}"), depth + 1);
                    }
                }
            }
        }
        if found {
            return;
        }
        if let Some((name, version)) = manifest.as_deref().and_then(implementation) {
            let purl = format!("pkg:maven/{}@{}", escape(&name), escape(&version));
            self.push(&name, &version, purl, path);
        }
    }

    /// An entry's content, at most `cap` bytes decompressed whatever its header declares; what
    /// it used is taken from the budget.
    fn entry(
        &mut self,
        zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
        index: usize,
        cap: u64,
    ) -> Result<Vec<u8>, String> {
        let file = zip.by_index(index).map_err(|e| e.to_string())?;
        if file.size() > cap {
            return Err(format!(
                "declares {} bytes decompressed, over the {} bytes left to read; not read",
                file.size(),
                cap
            ));
        }
        let mut content = Vec::new();
        let read = file
            .take(cap.saturating_add(1))
            .read_to_end(&mut content)
            .map_err(|e| e.to_string());
        self.budget = self.budget.saturating_sub(content.len() as u64);
        read?;
        if content.len() as u64 > cap {
            return Err(format!(
                "decompresses to more than the {cap} bytes left to read; not read"
            ));
        }
        Ok(content)
    }

    fn push(&mut self, name: &str, version: &str, purl: String, path: &str) {
        self.catalog
            .packages
            .push(package("Maven", name, version, purl, path, self.layer));
    }

    fn problem(&mut self, path: &str, why: &str) {
        self.problems += 1;
        if self.problems < MAX_PROBLEMS {
            self.catalog.problems.push(format!("{path}: {why}"));
        } else if self.problems == MAX_PROBLEMS {
            self.catalog
                .problems
                .push(format!("{path}: {why} (and further problems not listed)"));
        }
    }
}

#[derive(Clone, Copy)]
enum Entry {
    Pom,
    Manifest,
    Nested,
}

/// `META-INF/maven/<group>/<artifact>/pom.properties`.
fn is_pom_properties(name: &str) -> bool {
    name.strip_prefix("META-INF/maven/")
        .and_then(|rest| rest.strip_suffix("/pom.properties"))
        .is_some_and(|middle| {
            let mut parts = middle.split('/');
            matches!(
                (parts.next(), parts.next(), parts.next()),
                (Some(g), Some(a), None) if !g.is_empty() && !a.is_empty()
            )
        })
}

/// `groupId`, `artifactId` and `version` from a Java properties file (`key=value` or
/// `key: value`, `#` and `!` comments); `None` unless all three are there.
fn pom_properties(bytes: &[u8]) -> Option<(String, String, String)> {
    let text = String::from_utf8_lossy(bytes);
    let (mut group, mut artifact, mut version) = (None, None, None);
    for line in text.lines().map(str::trim) {
        if line.starts_with('#') || line.starts_with('!') {
            continue;
        }
        let Some((key, value)) = line.split_once(['=', ':']) else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        if value.is_empty() {
            continue;
        }
        match key {
            "groupId" => group = Some(value.to_string()),
            "artifactId" => artifact = Some(value.to_string()),
            "version" => version = Some(value.to_string()),
            _ => {}
        }
    }
    Some((group?, artifact?, version?))
}

/// `Implementation-Title` and `Implementation-Version` from a manifest's main section (which
/// ends at the first blank line; a line starting with a space continues the one before).
fn implementation(bytes: &[u8]) -> Option<(String, String)> {
    let text = String::from_utf8_lossy(bytes);
    // A manifest line may break anywhere, even inside a header's name: join first, then split.
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            break;
        }
        match (line.strip_prefix(' '), lines.last_mut()) {
            (Some(more), Some(last)) => last.push_str(more),
            _ => lines.push(line.to_string()),
        }
    }
    let headers: Vec<(&str, &str)> = lines
        .iter()
        .filter_map(|line| line.split_once(':'))
        .map(|(key, value)| (key.trim(), value.trim()))
        .collect();
    let get = |key: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| (*v).to_string())
            .filter(|v| !v.is_empty())
    };
    Some((get("Implementation-Title")?, get("Implementation-Version")?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::File;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in entries {
            let options =
                SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
            assert!(out.start_file(*name, options).is_ok());
            assert!(out.write_all(bytes).is_ok());
        }
        out.finish().map(Cursor::into_inner).unwrap_or_default()
    }

    fn pom(group: &str, artifact: &str, version: &str) -> Vec<u8> {
        format!("#Generated by Maven\n#Tue Jan 01\ngroupId={group}\nartifactId = {artifact}\nversion:{version}\n").into_bytes()
    }

    fn scan(path: &str, bytes: Vec<u8>) -> Catalog {
        let files = FileSet::from([(path.to_string(), File { layer: 4, bytes })]);
        let mut catalog = Catalog::default();
        read(&files, &mut catalog);
        catalog
    }

    fn found(catalog: &Catalog) -> Vec<(&str, &str, &str, &str)> {
        catalog
            .packages
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.version.as_str(),
                    p.purl.as_str(),
                    p.path.as_str(),
                )
            })
            .collect()
    }

    #[test]
    fn wants_archives_by_extension() {
        assert_eq!(want("/app/app.jar"), Want::Binary);
        assert_eq!(want("/srv/ROOT.WAR"), Want::Binary);
        assert_eq!(want("/srv/app.ear"), Want::Binary);
        assert_eq!(want("/srv/app.jar.sha1"), Want::No);
    }

    #[test]
    fn reads_pom_properties_and_nested_jars() {
        let inner = zip_of(&[
            (
                "META-INF/maven/org.yaml/snakeyaml/pom.properties",
                &pom("org.yaml", "snakeyaml", "1.33"),
            ),
            ("org/yaml/Yaml.class", b"\xca\xfe\xba\xbe"),
        ]);
        let untitled = zip_of(&[(
            "META-INF/MANIFEST.MF",
            b"Manifest-Version: 1.0\r\nImplementation-Title: tiny\r\nImplementation-Ver\r\n sion: 2.0\r\n\r\nName: x\r\nImplementation-Version: 9\r\n",
        )]);
        let outer = zip_of(&[
            (
                "META-INF/MANIFEST.MF",
                b"Implementation-Title: app\nImplementation-Version: 1\n",
            ),
            (
                "META-INF/maven/com.example/app/pom.properties",
                &pom("com.example", "app", "1.0.0"),
            ),
            ("BOOT-INF/lib/snakeyaml-1.33.jar", &inner),
            ("BOOT-INF/lib/tiny.jar", &untitled),
            ("BOOT-INF/lib/not-a-zip.jar", b"hello"),
        ]);
        let catalog = scan("/app/app.jar", outer);
        assert_eq!(catalog.problems, Vec::<String>::new());
        assert_eq!(
            found(&catalog),
            [
                (
                    "com.example:app",
                    "1.0.0",
                    "pkg:maven/com.example/app@1.0.0",
                    "/app/app.jar"
                ),
                (
                    "org.yaml:snakeyaml",
                    "1.33",
                    "pkg:maven/org.yaml/snakeyaml@1.33",
                    "/app/app.jar!/BOOT-INF/lib/snakeyaml-1.33.jar"
                ),
                (
                    "tiny",
                    "2.0",
                    "pkg:maven/tiny@2.0",
                    "/app/app.jar!/BOOT-INF/lib/tiny.jar"
                ),
            ]
        );
        assert!(catalog
            .packages
            .iter()
            .all(|p| p.ecosystem == "Maven" && p.layer == 4));
    }

    #[test]
    fn nesting_stops_at_depth_three() {
        let mut jar = zip_of(&[(
            "META-INF/maven/g/deep/pom.properties",
            &pom("g", "deep", "1"),
        )]);
        for level in 0..5 {
            jar = zip_of(&[
                (
                    &format!("META-INF/maven/g/l{level}/pom.properties"),
                    &pom("g", &format!("l{level}"), "1"),
                ),
                ("lib/inner.jar", &jar),
            ]);
        }
        let catalog = scan("/a.jar", jar);
        let names: Vec<_> = catalog.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["g:l4", "g:l3", "g:l2", "g:l1"]);
    }

    fn walk(path: &str, bytes: &[u8], budget: u64) -> Catalog {
        let mut catalog = Catalog::default();
        Walk {
            budget,
            problems: 0,
            layer: 0,
            catalog: &mut catalog,
        }
        .archive(bytes, path, 0);
        catalog
    }

    #[test]
    fn bombs_are_stopped_by_the_budget_whatever_the_headers_say() {
        let zeros = vec![0u8; 300 << 10];
        // Declared sizes over what is left: refused before decompressing.
        let nested = zip_of(&[
            ("lib/a.jar", &zip_of(&[("META-INF/MANIFEST.MF", &zeros)])),
            ("lib/b.jar", &zeros),
            ("lib/c.jar", &zeros),
            ("lib/d.jar", &zeros),
        ]);
        let catalog = walk("/bomb.war", &nested, 1 << 20);
        assert!(catalog.packages.is_empty());
        assert!(
            catalog
                .problems
                .iter()
                .any(|p| p.starts_with("/bomb.war: lib/d.jar: declares 307200 bytes")),
            "{:?}",
            catalog.problems
        );
        // A header that lies low: decompression still stops at the cap.
        let mut lying = zip_of(&[("lib/x.jar", &zeros)]);
        let declared = 307_200u32.to_le_bytes();
        for at in 0..lying.len().saturating_sub(4) {
            if lying[at..at + 4] == declared {
                lying[at..at + 4].copy_from_slice(&10u32.to_le_bytes());
            }
        }
        let catalog = walk("/lying.jar", &lying, 100 << 10);
        assert_eq!(catalog.problems.len(), 1, "{:?}", catalog.problems);
        assert!(catalog.problems[0].starts_with("/lying.jar: lib/x.jar: "));
    }

    #[test]
    fn a_used_up_budget_and_many_bad_entries_say_little() {
        let zeros = vec![0u8; 64 << 10];
        let spent = zip_of(&[
            ("a.jar", &zeros),
            ("b.jar", &zeros),
            ("META-INF/maven/g/a/pom.properties", &pom("g", "a", "1")),
        ]);
        let catalog = walk("/spent.jar", &spent, 128 << 10);
        assert_eq!(
            catalog.problems,
            ["/spent.jar: archives nested in it decompress to more than 256 MiB; the rest is not read"]
        );
        let names: Vec<String> = (0..100).map(|i| format!("lib/{i}.jar")).collect();
        let many: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &zeros[..])).collect();
        let catalog = walk("/many.jar", &zip_of(&many), 1 << 10);
        assert_eq!(
            catalog.problems.len(),
            MAX_PROBLEMS,
            "{:?}",
            catalog.problems
        );
        assert!(catalog.problems[MAX_PROBLEMS - 1].ends_with("(and further problems not listed)"));
    }

    #[test]
    fn truncated_and_garbage_archives_are_problems_naming_the_file() {
        let mut truncated = zip_of(&[("META-INF/maven/g/a/pom.properties", &pom("g", "a", "1"))]);
        truncated.truncate(truncated.len() - 10);
        let catalog = scan("/cut.jar", truncated.clone());
        assert_eq!(catalog.problems.len(), 1, "{:?}", catalog.problems);
        assert!(catalog.problems[0].starts_with("/cut.jar: not a readable zip"));
        for len in 0..truncated.len() {
            let _ = walk("/t.jar", &truncated[..len], BUDGET);
        }
        let garbage = [&b"PK\x03\x04"[..], &[0xff; 100]].concat();
        assert_eq!(scan("/g.jar", garbage).problems.len(), 1);
    }

    #[test]
    fn every_single_byte_corruption_of_a_nested_jar_is_survived() {
        let inner = zip_of(&[("META-INF/maven/g/a/pom.properties", &pom("g", "a", "1"))]);
        let outer = zip_of(&[
            ("META-INF/maven/g/o/pom.properties", &pom("g", "o", "2")),
            ("lib/a.jar", &inner),
        ]);
        for at in 0..outer.len() {
            for value in [0x00, 0x7f, 0xff] {
                let mut bad = outer.clone();
                bad[at] = value;
                let catalog = walk("/m.jar", &bad, 1 << 20);
                assert!(catalog.packages.len() <= 2);
                assert!(catalog.problems.iter().all(|p| p.starts_with("/m.jar")));
            }
        }
    }

    #[test]
    fn properties_and_manifest_parsing() {
        assert_eq!(
            pom_properties(b"groupId=g\nartifactId=a\n"),
            None,
            "no version"
        );
        assert!(is_pom_properties("META-INF/maven/g/a/pom.properties"));
        assert!(!is_pom_properties("META-INF/maven/g/pom.properties"));
        assert!(!is_pom_properties("META-INF/maven/g/a/b/pom.properties"));
        assert_eq!(implementation(b"Implementation-Title: t\n"), None);
    }
}
