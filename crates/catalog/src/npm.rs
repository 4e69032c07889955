//! npm (`npm`): each installed package's `package.json`, directly under a `node_modules`
//! directory at any depth (`node_modules/a/package.json`, `node_modules/@scope/b/package.json`,
//! `node_modules/a/node_modules/c/package.json`). A `package.json` deeper inside a package (its
//! test fixtures, examples, sub-folders) is not an installed package and is not read.

use crate::lang::{escape, package};
use crate::{Catalog, FileSet, Want};

/// A `package.json` larger than this is not a real manifest of an installed package.
const MAX_MANIFEST: usize = 1 << 20;

pub(crate) fn want(path: &str) -> Want {
    if is_manifest(path) {
        Want::Whole
    } else {
        Want::No
    }
}

fn is_manifest(path: &str) -> bool {
    let Some(rest) = path.rsplit_once("/node_modules/").map(|(_, rest)| rest) else {
        return false;
    };
    let Some(dir) = rest.strip_suffix("/package.json") else {
        return false;
    };
    let mut parts = dir.split('/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(name), None, _) => !name.is_empty() && !name.starts_with('@'),
        (Some(scope), Some(name), None) => {
            scope.len() > 1 && scope.starts_with('@') && !name.is_empty()
        }
        _ => false,
    }
}

pub(crate) fn read(files: &FileSet, catalog: &mut Catalog) {
    for (path, file) in files.iter().filter(|(path, _)| is_manifest(path)) {
        if file.bytes.len() > MAX_MANIFEST {
            catalog.problems.push(format!(
                "{path}: package.json of {} bytes is larger than the 1 MiB limit; not read",
                file.bytes.len()
            ));
            continue;
        }
        let manifest: serde_json::Value = match serde_json::from_slice(&file.bytes) {
            Ok(value) => value,
            Err(e) => {
                catalog
                    .problems
                    .push(format!("{path}: package.json is not valid JSON: {e}"));
                continue;
            }
        };
        let field = |key: &str| {
            manifest
                .get(key)
                .and_then(serde_json::Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        // Without both there is nothing to match; such manifests (workspaces, stubs) are common
        // and not a problem.
        let (Some(name), Some(version)) = (field("name"), field("version")) else {
            continue;
        };
        catalog.packages.push(package(
            "npm",
            name,
            version,
            purl(name, version),
            path,
            file.layer,
        ));
    }
}

/// `pkg:npm/name@1.0.0`, `pkg:npm/%40scope/name@1.0.0`: the scope is the purl namespace and its
/// `@` is percent-encoded.
fn purl(name: &str, version: &str) -> String {
    let name = match name.split_once('/') {
        Some((scope, rest)) if scope.starts_with('@') => {
            format!("{}/{}", escape(scope), escape(rest))
        }
        _ => escape(name),
    };
    format!("pkg:npm/{name}@{}", escape(version))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::File;

    fn set(entries: &[(&str, &[u8])]) -> FileSet {
        entries
            .iter()
            .map(|(path, bytes)| {
                (
                    (*path).to_string(),
                    File {
                        layer: 2,
                        bytes: bytes.to_vec(),
                    },
                )
            })
            .collect()
    }

    #[test]
    fn wants_installed_manifests_at_any_depth() {
        for path in [
            "/app/node_modules/lodash/package.json",
            "/app/node_modules/@babel/core/package.json",
            "/app/node_modules/a/node_modules/@x/b/package.json",
            "/usr/local/lib/node_modules/npm/package.json",
        ] {
            assert_eq!(want(path), Want::Whole, "{path}");
        }
        for path in [
            "/app/package.json",
            "/app/node_modules/lodash/test/package.json",
            "/app/node_modules/@babel/package.json",
            "/app/node_modules/lodash/index.js",
            "/app/node_modules/package.json",
        ] {
            assert_eq!(want(path), Want::No, "{path}");
        }
    }

    #[test]
    fn reads_name_and_version_with_scoped_purls() {
        let files = set(&[
            (
                "/app/node_modules/@types/node/package.json",
                br#"{"name": "@types/node", "version": "20.1.0", "dependencies": {}}"#,
            ),
            (
                "/app/node_modules/lodash/package.json",
                br#"{"version": "4.17.20", "name": "lodash", "license": ["MIT"]}"#,
            ),
            // No version: a workspace stub, skipped without a problem.
            (
                "/app/node_modules/stub/package.json",
                br#"{"name": "stub"}"#,
            ),
            // A version that is not a string: skipped too.
            (
                "/app/node_modules/odd/package.json",
                br#"{"name": "odd", "version": 3}"#,
            ),
        ]);
        let mut catalog = Catalog::default();
        read(&files, &mut catalog);
        assert_eq!(catalog.problems, Vec::<String>::new());
        let got: Vec<_> = catalog
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.purl.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("@types/node", "20.1.0", "pkg:npm/%40types/node@20.1.0"),
                ("lodash", "4.17.20", "pkg:npm/lodash@4.17.20"),
            ]
        );
        assert!(catalog
            .packages
            .iter()
            .all(|p| p.ecosystem == "npm" && p.layer == 2));
    }

    #[test]
    fn hostile_manifests_are_problems_naming_the_file() {
        let mut huge = br#"{"name": "big", "version": "1.0.0", "x": ""#.to_vec();
        huge.extend(std::iter::repeat_n(b'a', MAX_MANIFEST));
        huge.extend_from_slice(br#""}"#);
        let deep = "[".repeat(100_000);
        let files = set(&[
            ("/n/node_modules/big/package.json", &huge),
            ("/n/node_modules/deep/package.json", deep.as_bytes()),
            ("/n/node_modules/bad/package.json", b"{\"name\": \"\xff\""),
            (
                "/n/node_modules/cut/package.json",
                br#"{"name": "cut", "vers"#,
            ),
        ]);
        let mut catalog = Catalog::default();
        read(&files, &mut catalog);
        assert!(catalog.packages.is_empty());
        let mut named: Vec<_> = catalog
            .problems
            .iter()
            .map(|p| p.split(':').next().unwrap_or_default())
            .collect();
        named.sort_unstable();
        assert_eq!(
            named,
            [
                "/n/node_modules/bad/package.json",
                "/n/node_modules/big/package.json",
                "/n/node_modules/cut/package.json",
                "/n/node_modules/deep/package.json",
            ]
        );
    }
}
