//! Applying the walkthrough's fixes to the user's files, and taking them back. A file is
//! written only if it still holds what the review read (else the diff the user saw is not what
//! would be written); the original is kept beside it as `<name>.drydock-bak`; the new text goes
//! to a temporary file in the same directory renamed over the original, so an interrupted write
//! never leaves half a file.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::project::Reviewed;
use crate::walkthrough::{fixed_dockerfile, ignore_file_name, proposed_ignore_text, CONTEXT_STEP};

/// The suffix of a backup beside the file it keeps.
pub const BACKUP_SUFFIX: &str = ".drydock-bak";

/// One file written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Written {
    pub path: String,
    /// The backup of what it held; `None` when the file is new.
    pub backup: Option<String>,
    /// What was written, so an undo can tell whether it was changed since.
    #[serde(skip)]
    pub text: String,
}

/// What applying some steps did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Applied {
    pub written: Vec<Written>,
    /// The diffs of every file written, together.
    pub diff: String,
    /// Steps whose fix clashed with an earlier one's and was left for the next review.
    pub left_out: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error("{path} changed since it was reviewed, so the fixes shown no longer fit it: nothing was written\n  fix: review again, then apply")]
    Changed { path: String },
    #[error(
        "cannot {what} {path}: {source}\n  fix: check the file and its directory are writable"
    )]
    Io {
        what: &'static str,
        path: String,
        source: std::io::Error,
    },
    #[error("none of the chosen steps has a fix to apply")]
    Nothing,
}

impl ApplyError {
    pub fn code(&self) -> drydock_engine::ErrorCode {
        match self {
            ApplyError::Changed { .. } | ApplyError::Nothing => {
                drydock_engine::ErrorCode::InvalidInput
            }
            ApplyError::Io { .. } => drydock_engine::ErrorCode::Internal,
        }
    }
}

/// What applying the chosen steps would write, shown before anything is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Preview {
    /// The diffs of every file that would change, together.
    pub diff: String,
    pub files: Vec<PreviewFile>,
    /// Chosen steps whose fix clashes with an earlier one's: they wait for the next review.
    pub left_out: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PreviewFile {
    pub path: String,
    /// Where its current text will be kept; `None` when the file is new.
    pub backup: Option<String>,
}

/// One file to change: where, what the review read there (`None`: no file), the new text and
/// the name diffs show.
struct Change {
    path: PathBuf,
    read: Option<String>,
    new: String,
    shown: String,
}

/// The files the steps `ids` change, and the steps left out.
fn plan(reviewed: &Reviewed, ids: &[String]) -> Result<(Vec<Change>, Vec<String>), ApplyError> {
    let (context_dir, dockerfile) = &reviewed.paths;
    let (fixed, left_out) = fixed_dockerfile(&reviewed.review, &reviewed.source, ids);
    let mut changes = Vec::new();
    if fixed != reviewed.source {
        changes.push(Change {
            path: dockerfile.clone(),
            read: Some(reviewed.source.clone()),
            new: fixed,
            shown: reviewed.review.dockerfile.clone(),
        });
    }
    let context = reviewed.review.context.as_ref();
    if let Some(context) = context.filter(|_| ids.iter().any(|i| i == CONTEXT_STEP)) {
        if !context.proposed_dockerignore.is_empty() {
            let name = ignore_file_name(context);
            changes.push(Change {
                path: context_dir.join(&name),
                read: reviewed.ignore_text.clone(),
                new: proposed_ignore_text(context, reviewed.ignore_text.as_deref()),
                shown: name,
            });
        }
    }
    if changes.is_empty() {
        return Err(ApplyError::Nothing);
    }
    Ok((changes, left_out))
}

fn diff_of(change: &Change) -> String {
    drydock_lint::fix::diff(
        change.read.as_deref().unwrap_or_default(),
        &change.new,
        &change.shown,
    )
}

/// What [`apply_steps`] would write for the steps `ids`, writing nothing.
pub fn preview(reviewed: &Reviewed, ids: &[String]) -> Result<Preview, ApplyError> {
    let (changes, left_out) = plan(reviewed, ids)?;
    Ok(Preview {
        diff: changes.iter().map(diff_of).collect(),
        files: changes
            .iter()
            .map(|c| PreviewFile {
                path: c.path.display().to_string(),
                backup: c.read.is_some().then(|| {
                    let mut backup = c.path.as_os_str().to_owned();
                    backup.push(BACKUP_SUFFIX);
                    PathBuf::from(backup).display().to_string()
                }),
            })
            .collect(),
        left_out,
    })
}

/// Writes the fixes of the steps `ids` of `reviewed` to the Dockerfile and the ignore file.
pub fn apply_steps(reviewed: &Reviewed, ids: &[String]) -> Result<Applied, ApplyError> {
    let (changes, left_out) = plan(reviewed, ids)?;
    // Every file is checked before any is written: all or nothing, as far as the disk allows.
    for change in &changes {
        unchanged(&change.path, change.read.as_deref())?;
    }
    let mut written = Vec::new();
    let mut diff = String::new();
    for change in changes {
        diff.push_str(&diff_of(&change));
        let backup = match write_in_place(&change.path, change.read.as_deref(), &change.new) {
            Ok(b) => b,
            Err(e) => {
                // Take back what was written before the failure.
                let _ = undo(&written);
                return Err(e);
            }
        };
        written.push(Written {
            path: change.path.display().to_string(),
            backup: backup.map(|b| b.display().to_string()),
            text: change.new,
        });
    }
    Ok(Applied {
        written,
        diff,
        left_out,
    })
}

/// Puts back what [`apply_steps`] replaced: each file from its backup (a file that was new is
/// removed), provided it still holds what was written.
pub fn undo(written: &[Written]) -> Result<(), ApplyError> {
    for w in written {
        unchanged(Path::new(&w.path), Some(&w.text))?;
    }
    for w in written.iter().rev() {
        let path = Path::new(&w.path);
        let io = |what, source| ApplyError::Io {
            what,
            path: w.path.clone(),
            source,
        };
        match &w.backup {
            Some(backup) => {
                let original = std::fs::read(backup).map_err(|e| io("read the backup of", e))?;
                replace(path, &original).map_err(|e| io("restore", e))?;
                let _ = std::fs::remove_file(backup);
            }
            None => std::fs::remove_file(path).map_err(|e| io("remove", e))?,
        }
    }
    Ok(())
}

/// Fails unless `path` holds `read` (`None`: does not exist).
fn unchanged(path: &Path, read: Option<&str>) -> Result<(), ApplyError> {
    let now = match std::fs::read(path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(ApplyError::Io {
                what: "read",
                path: path.display().to_string(),
                source,
            })
        }
    };
    if now.as_deref() != read.map(str::as_bytes) {
        return Err(ApplyError::Changed {
            path: path.display().to_string(),
        });
    }
    Ok(())
}

/// Replaces `path`'s content, which must still be `read` (`None`: the file does not exist
/// yet), with `fixed`, keeping the original as `<name>.drydock-bak`. Returns the backup's path
/// (`None` for a new file). A symlink is followed: the file it points at changes, the link
/// stays. Text that was not UTF-8 was read with U+FFFD in place of its bytes, so it never
/// matches `read` and is never rewritten.
pub fn write_in_place(
    path: &Path,
    read: Option<&str>,
    fixed: &str,
) -> Result<Option<PathBuf>, ApplyError> {
    let shown = path.display().to_string();
    let io = |what, source| ApplyError::Io {
        what,
        path: shown.clone(),
        source,
    };
    unchanged(path, read)?;
    if read.is_none() {
        std::fs::write(path, fixed).map_err(|e| io("write", e))?;
        return Ok(None);
    }
    let target = std::fs::canonicalize(path).map_err(|e| io("resolve", e))?;
    let backup = sibling(&target, BACKUP_SUFFIX, false);
    std::fs::write(&backup, read.unwrap_or_default()).map_err(|e| io("write the backup of", e))?;
    replace(&target, fixed.as_bytes()).map_err(|e| io("write", e))?;
    Ok(Some(backup))
}

/// Writes `bytes` to a temporary sibling with `target`'s permissions, then renames it over.
fn replace(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let target = std::fs::canonicalize(target)?;
    let temporary = sibling(&target, ".drydock-tmp", true);
    let written = std::fs::write(&temporary, bytes).and_then(|()| {
        let permissions = std::fs::metadata(&target)?.permissions();
        std::fs::set_permissions(&temporary, permissions)?;
        std::fs::rename(&temporary, &target)
    });
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// `<dir>/<name><suffix>`, or with `hidden` `<dir>/.<name><suffix>.<pid>`.
fn sibling(path: &Path, suffix: &str, hidden: bool) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = if hidden {
        format!(".{name}{suffix}.{}", std::process::id())
    } else {
        format!("{name}{suffix}")
    };
    path.with_file_name(name)
}

#[cfg(test)]
mod tests;
