//! 328 real Dockerfiles: all parse without errors except the two tagged `invalid-by-design`,
//! which must be rejected.

use std::fs;
use std::path::Path;

const CORPUS: &str = "/work/shared/corpus/dockerfiles";

/// (directory, tags) from SOURCES.txt.
fn sources() -> Vec<(String, String)> {
    let text =
        fs::read_to_string(Path::new(CORPUS).join("SOURCES.txt")).expect("SOURCES.txt is readable");
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            let dir = fields.first().copied().unwrap_or_default().to_string();
            let tags = fields.last().copied().unwrap_or_default().to_string();
            (dir, tags)
        })
        .collect()
}

#[test]
fn real_dockerfiles_parse_cleanly() {
    if !Path::new(CORPUS).exists() {
        eprintln!("corpus not present, skipping");
        return;
    }
    let mut clean = 0;
    let mut with_heredocs = 0;
    let mut problems = Vec::new();
    let sources = sources();
    for (dir, tags) in &sources {
        let path = Path::new(CORPUS).join(dir).join("Dockerfile");
        let bytes = fs::read(&path).expect("corpus Dockerfile is readable");
        let parsed = drydock_dockerfile::parse(&String::from_utf8_lossy(&bytes));
        let has_heredoc = parsed.instructions.iter().any(|i| !i.heredocs.is_empty());
        // The tagger missed heredoc markers on continuation lines (`RUN --mount=... \` then
        // `  --mount=... <<EOT`), so the tag implies a heredoc but not the other way round.
        if tags.split(',').any(|t| t == "heredoc") && !has_heredoc {
            problems.push(format!("{dir}: tagged heredoc but none found"));
        }
        if has_heredoc {
            with_heredocs += 1;
        }
        let invalid = tags.split(',').any(|t| t == "invalid-by-design");
        match (invalid, parsed.errors.is_empty()) {
            (false, true) => clean += 1,
            (true, false) => {}
            (false, false) => {
                let errors: Vec<String> = parsed.errors.iter().map(ToString::to_string).collect();
                problems.push(format!("{dir}: {}", errors.join("; ")));
            }
            (true, true) => problems.push(format!("{dir}: invalid by design but parsed cleanly")),
        }
        assert!(
            !parsed.instructions.is_empty() || invalid,
            "{dir}: no instructions"
        );
    }
    assert!(
        problems.is_empty(),
        "{} files misparsed:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert_eq!(sources.len(), 328);
    assert_eq!(clean, 326);
    // 54 tagged, plus 7 whose only markers sit on continuation lines.
    assert_eq!(with_heredocs, 61);
}
