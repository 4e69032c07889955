//! The Dockerfiles view: lint a file or a project directory, and the rule catalogue. Reading
//! files is blocking work, so it runs off the async runtime.

use std::path::{Path, PathBuf};

use drydock_lint::files::FileError;
use drydock_lint::run::{self, Options};
use drydock_lint::{rules, Level, LintRun};
use serde::Serialize;

use crate::commands::IpcError;
use drydock_engine::ErrorCode;

/// A rule as the app shows it: the same text `drydock rule CODE` prints.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RuleDoc {
    pub code: String,
    pub name: String,
    pub category: String,
    pub level: Level,
    pub hadolint: Option<String>,
    /// False for a rule that runs only when asked for (a config's `override` level or
    /// `--rule`), as hadolint's `ignore`-level rules do.
    pub on_by_default: bool,
    pub summary: String,
    pub doc: String,
}

pub fn rule_docs() -> Vec<RuleDoc> {
    rules::all()
        .map(|rule| RuleDoc {
            code: rule.code.to_string(),
            name: rule.name.to_string(),
            category: rules::category_of(rule).to_string(),
            level: rule.level,
            hadolint: rule.hadolint.map(str::to_string),
            on_by_default: rule.on_by_default(),
            summary: rule.summary(),
            doc: rule.doc(),
        })
        .collect()
}

fn invalid(message: String) -> IpcError {
    IpcError::new(ErrorCode::InvalidInput, message)
}

/// `~/x` means the home directory, as users type it.
pub(crate) fn expand_home(path: &str, home: Option<&Path>) -> PathBuf {
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
    // The view shows the lines findings point at: only files named as Dockerfiles are read.
    let options = Options {
        dockerfile_names_only: true,
        ..Options::default()
    };
    run::lint_path(&expand_home(trimmed, home), &options).map_err(|e| match e {
        // The OS's reason says what is wrong, not what to do about it.
        run::LintPathError::Files(read @ FileError::Read { .. }) => invalid(format!(
            "{read}\n  fix: check the path: give a Dockerfile or the project directory that holds one"
        )),
        e => invalid(e.to_string()),
    })
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
        assert!(e.message.contains("\n  fix: "), "{}", e.message);
    }
}
