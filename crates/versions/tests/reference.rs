//! `compare` against the reference implementations' own answers, recorded by
//! `reference/generate.py` (dpkg, rpm, Python packaging, npm semver, Go's x/mod/semver, Maven's
//! ComparableVersion) and, for apk, written by hand from apk-tools' rules (`reference/apk.tsv`).
//! Each line: `A<TAB>B<TAB>-1|0|1|err`.

use std::cmp::Ordering;
use std::path::Path;

use drydock_versions::{compare, Scheme};

/// Checks every line of `file`; `min` guards against a fixture that lost its lines.
fn check(file: &str, scheme: Scheme, min: usize) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reference")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = 0;
    let mut wrong = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [a, b, want] = fields[..] else {
            panic!("{file}:{}: not A<TAB>B<TAB>RESULT: {line:?}", n + 1)
        };
        lines += 1;
        let got = match compare(scheme, a, b) {
            Ok(Ordering::Less) => "-1",
            Ok(Ordering::Equal) => "0",
            Ok(Ordering::Greater) => "1",
            Err(_) => "err",
        };
        if got != want {
            wrong.push(format!(
                "{file}:{}: {a:?} vs {b:?}: reference {want}, ours {got}",
                n + 1
            ));
        }
        // The order must also be antisymmetric, whatever the reference said.
        if let (Ok(x), Ok(y)) = (compare(scheme, a, b), compare(scheme, b, a)) {
            assert_eq!(
                x,
                y.reverse(),
                "{file}:{}: {a:?} vs {b:?} not antisymmetric",
                n + 1
            );
        }
    }
    assert!(lines >= min, "{file} has only {lines} cases");
    assert!(
        wrong.is_empty(),
        "{} of {lines} disagree:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn dpkg_agrees_with_dpkg_compare_versions() {
    check("dpkg.tsv", Scheme::Dpkg, 500);
}

#[test]
fn rpm_agrees_with_rpm() {
    check("rpm.tsv", Scheme::Rpm, 500);
}

#[test]
fn pep440_agrees_with_packaging() {
    check("pep440.tsv", Scheme::Pep440, 500);
}

#[test]
fn semver_agrees_with_npm_semver() {
    check("semver.tsv", Scheme::Semver, 500);
}

#[test]
fn go_agrees_with_x_mod_semver() {
    check("go.tsv", Scheme::Go, 500);
}

#[test]
fn maven_agrees_with_comparable_version() {
    check("maven.tsv", Scheme::Maven, 500);
}

#[test]
fn apk_agrees_with_apk_tools_rules() {
    check("apk.tsv", Scheme::Apk, 80);
}
