//! The Dockerfiles view: lint a file or a project directory, and the rule catalogue. Reading
//! files is blocking work, so it runs off the async runtime.

use std::path::{Path, PathBuf};

use drydock_lint::{files, rules, Config, Finding, Level, Selection};
use serde::Serialize;

use crate::commands::IpcError;
use drydock_engine::ErrorCode;

/// A rule as the app shows it: the same text `drydock rule CODE` prints.
#[derive(Debug, Clone, Serialize)]
pub struct RuleDoc {
    pub code: String,
    pub name: String,
    pub category: String,
    pub level: Level,
    pub hadolint: Option<String>,
    pub summary: String,
    pub doc: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LintedFile {
    /// Relative to the path the user gave (the file name when they gave a file).
    pub path: String,
    /// Source lines the findings point at, by line number, so the view can show them.
    pub lines: Vec<(u32, String)>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LintRun {
    /// The path as resolved (`~` expanded).
    pub root: String,
    pub files: Vec<LintedFile>,
    /// Config files that applied (`.hadolint.yaml`, `.drydock.yaml`).
    pub config_files: Vec<String>,
    /// Files that could not be read, with why.
    pub problems: Vec<String>,
}

pub fn rule_docs() -> Vec<RuleDoc> {
    rules::all()
        .map(|rule| RuleDoc {
            code: rule.code.to_string(),
            name: rule.name.to_string(),
            category: rules::category_of(rule).to_string(),
            level: rule.level,
            hadolint: rule.hadolint.map(str::to_string),
            summary: rule.summary(),
            doc: rule.doc(),
        })
        .collect()
}

fn invalid(message: String) -> IpcError {
    IpcError::new(ErrorCode::InvalidInput, message)
}

/// `~/x` means the home directory, as users type it.
fn expand_home(path: &str, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix('~'), home) {
        (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with('/') => {
            home.join(rest.trim_start_matches('/'))
        }
        _ => PathBuf::from(path),
    }
}

pub fn lint_path_for(path: &str, home: Option<&Path>) -> Result<LintRun, IpcError> {
    let trimmed = path.trim();
    if trimmed.is_empty() {
        return Err(invalid(
            "type the path of a Dockerfile or of a project directory".into(),
        ));
    }
    let root = expand_home(trimmed, home);
    // The view sends back the lines findings point at, and a file that is not a Dockerfile is
    // nothing but findings: only files named as Dockerfiles are read (a directory's walk already
    // keeps to those), so the view can never be made to return the lines of any other file.
    if root.is_file()
        && !root
            .file_name()
            .is_some_and(|n| files::is_dockerfile_name(&n.to_string_lossy()))
    {
        return Err(invalid(format!(
            "{} is not named like a Dockerfile, so Drydock does not read it\n  fix: name a Dockerfile (Dockerfile, Dockerfile.dev, api.Dockerfile, Containerfile) or the project directory that holds it; `drydock lint FILE` reads a file of any name",
            root.display()
        )));
    }
    let found = files::find(&root).map_err(|e| invalid(e.to_string()))?;
    let config_dir = if root.is_dir() {
        root.clone()
    } else {
        root.parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    let config = Config::discover(&config_dir).map_err(|e| invalid(e.to_string()))?;
    let mut run = LintRun {
        root: root.display().to_string(),
        files: Vec::new(),
        config_files: config
            .files
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        problems: Vec::new(),
    };
    for file in found {
        let shown = match file.strip_prefix(&root) {
            Ok(rel) if !rel.as_os_str().is_empty() => rel.display().to_string(),
            _ => file.file_name().map_or_else(
                || file.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
        };
        match files::lint_file(&file, &shown, &config, &Selection::All) {
            Ok((source, findings)) => {
                // Findings come sorted by line.
                let mut wanted: Vec<u32> = findings.iter().map(|f| f.line).collect();
                wanted.dedup();
                let lines = source
                    .strip_prefix('\u{feff}')
                    .unwrap_or(&source)
                    .lines()
                    .zip(1u32..)
                    .filter(|(_, n)| wanted.binary_search(n).is_ok())
                    .map(|(text, n)| (n, text.chars().take(400).collect()))
                    .collect();
                run.files.push(LintedFile {
                    path: shown,
                    lines,
                    findings,
                });
            }
            Err(e) => run.problems.push(e.to_string()),
        }
    }
    Ok(run)
}

#[tauri::command]
pub fn lint_rules() -> Vec<RuleDoc> {
    rule_docs()
}

#[tauri::command]
pub async fn lint_path(path: String) -> Result<LintRun, IpcError> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    tokio::task::spawn_blocking(move || lint_path_for(&path, home.as_deref()))
        .await
        .map_err(|e| IpcError::new(ErrorCode::Internal, format!("the lint task stopped: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn home_is_expanded_only_at_the_start() {
        let home = Path::new("/home/u");
        assert_eq!(expand_home("~/p", Some(home)), Path::new("/home/u/p"));
        assert_eq!(expand_home("~", Some(home)), Path::new("/home/u"));
        assert_eq!(expand_home("~other/p", Some(home)), Path::new("~other/p"));
        assert_eq!(expand_home("/a/~", Some(home)), Path::new("/a/~"));
    }

    #[test]
    fn a_project_lints_every_dockerfile_and_names_them_relative() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("api")).expect("mkdir");
        std::fs::write(dir.path().join("Dockerfile"), "FROM alpine:3.20\n").expect("write");
        std::fs::write(dir.path().join("api/Dockerfile"), "FROM python:latest\n").expect("write");
        let run = lint_path_for(&dir.path().display().to_string(), None).expect("lints");
        let names: Vec<&str> = run.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(names, ["Dockerfile", "api/Dockerfile"]);
        let api = &run.files[1];
        assert!(api.findings.iter().any(|f| f.rule == "latest-base-image"));
        assert_eq!(api.lines[0], (1, "FROM python:latest".to_string()));
    }

    #[test]
    fn a_file_not_named_like_a_dockerfile_is_never_sent_to_the_view() {
        let dir = tempfile::tempdir().expect("tempdir");
        let secret = dir.path().join("credentials");
        std::fs::write(&secret, "aws_secret_access_key = hunter2\nRUN-LIKE line\n").expect("write");
        let e = lint_path_for(&secret.display().to_string(), None).expect_err("refused");
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(!e.message.contains("hunter2"), "{}", e.message);
        assert!(
            e.message.contains("not named like a Dockerfile"),
            "{}",
            e.message
        );
        // Named as one, it is read (the user's own Dockerfile under review).
        let named = dir.path().join("Dockerfile.prod");
        std::fs::write(&named, "FROM alpine:3.20\n").expect("write");
        assert!(lint_path_for(&named.display().to_string(), None).is_ok());
    }

    #[test]
    fn errors_say_what_to_do() {
        let e = lint_path_for("  ", None).expect_err("empty");
        assert_eq!(e.code, ErrorCode::InvalidInput);
        let e = lint_path_for("/nonexistent/drydock", None).expect_err("missing");
        assert!(e.message.contains("/nonexistent/drydock"), "{}", e.message);
    }
}
