//! Every autofix on the shared corpus of real Dockerfiles (skipped when it is not on this
//! machine): fixing never breaks a file the parser read (no new parse errors, round after
//! round), and fixing settles: after a few rounds the fixed text offers no edit at all, so
//! applying the fixes again changes nothing.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use drydock_lint::fix::apply;
use drydock_lint::{lint, Config, Finding, Project, Selection};

const CORPUS: &str = "/work/shared/corpus/dockerfiles";

/// Rounds before fixing must have settled: each round applies the fixes that do not overlap,
/// and a chain of overlapping ones settles one link per round.
const ROUNDS: usize = 12;

fn findings(text: &str) -> Vec<Finding> {
    lint(
        "Dockerfile",
        text,
        &Config::default(),
        Project {
            dockerignore: Some(true),
        },
        &Selection::All,
    )
}

fn errors(text: &str) -> usize {
    drydock_dockerfile::parse(text).errors.len()
}

#[test]
fn fixing_real_dockerfiles_keeps_them_parsing_and_settles() {
    let Ok(dirs) = fs::read_dir(CORPUS) else {
        eprintln!("corpus not present, skipping");
        return;
    };
    let mut paths: Vec<_> = dirs
        .filter_map(Result::ok)
        .map(|d| d.path().join("Dockerfile"))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    assert!(paths.len() > 300, "only {} corpus files", paths.len());
    // Rule name to how many files it fixed: printed, so a rule that stops fixing shows.
    let mut fixed_by: BTreeMap<String, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    for path in &paths {
        let name = path
            .parent()
            .and_then(Path::file_name)
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let source = String::from_utf8_lossy(&fs::read(path).expect("readable")).into_owned();
        let before = errors(&source);
        let mut text = source.clone();
        let mut settled = false;
        for round in 0..ROUNDS {
            let found = findings(&text);
            let edits: Vec<_> = found.iter().flat_map(|f| f.edits.clone()).collect();
            if edits.is_empty() {
                settled = true;
                break;
            }
            if round == 0 {
                let mut rules: Vec<&str> = found
                    .iter()
                    .filter(|f| !f.edits.is_empty())
                    .map(|f| f.rule.as_str())
                    .collect();
                rules.dedup();
                rules.sort_unstable();
                rules.dedup();
                for rule in rules {
                    *fixed_by.entry(rule.to_string()).or_default() += 1;
                }
            }
            let applied = apply(&text, &edits);
            assert_ne!(applied.text, text, "{name}: edits that change nothing");
            text = applied.text;
            let after = errors(&text);
            if after > before {
                problems.push(format!(
                    "{name}: round {}: {before} parse errors became {after}:\n{text}",
                    round + 1
                ));
                break;
            }
        }
        if !settled && problems.is_empty() {
            problems.push(format!("{name}: still fixing after {ROUNDS} rounds"));
        }
    }
    eprintln!("files fixed by rule: {fixed_by:#?}");
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    // The rules this test is about fix something in real files.
    for rule in ["apt-lists-kept", "consecutive-run-instructions"] {
        assert!(fixed_by.contains_key(rule), "{rule} fixed no corpus file");
    }
}
