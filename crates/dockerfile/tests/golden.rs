//! BuildKit's own parser golden files: every `testfiles/<case>/Dockerfile` must dump exactly to
//! its `result`, every `testfiles-negative/<case>/Dockerfile` must produce an error.

use std::fs;
use std::path::{Path, PathBuf};

const CORPUS: &str = "/work/shared/corpus/buildkit-parser";

/// Cases we knowingly do not match, with the reason. Empty: all cases match.
const SKIP: &[(&str, &str)] = &[];

fn cases(dir: &str) -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = fs::read_dir(Path::new(CORPUS).join(dir))
        .expect("corpus directory is readable")
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    cases.sort();
    cases
}

fn read(path: &Path) -> String {
    let bytes = fs::read(path).expect("corpus file is readable");
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn positive_cases_dump_like_buildkit() {
    if !Path::new(CORPUS).exists() {
        eprintln!("corpus not present, skipping");
        return;
    }
    let mut failures = Vec::new();
    let mut matched = 0;
    for case in cases("testfiles") {
        let name = case
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if SKIP.iter().any(|(skip, _)| *skip == name) {
            continue;
        }
        let parsed = drydock_dockerfile::parse(&read(&case.join("Dockerfile")));
        let expected = read(&case.join("result"));
        let actual = drydock_dockerfile::dump(&parsed);
        if actual == expected {
            matched += 1;
        } else {
            failures.push(format!(
                "== {name}\n-- expected\n{expected}-- actual\n{actual}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(matched >= 30, "only {matched} cases ran");
}

#[test]
fn negative_cases_fail() {
    if !Path::new(CORPUS).exists() {
        return;
    }
    for case in cases("testfiles-negative") {
        let parsed = drydock_dockerfile::parse(&read(&case.join("Dockerfile")));
        assert!(
            !parsed.errors.is_empty(),
            "{} parsed without errors",
            case.display()
        );
    }
}
