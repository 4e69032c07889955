//! What `drydock lint` reads: the files and directories given (the current directory when
//! none), or stdin for `-`. Every file is read before anything is linted, so an unreadable
//! path fails the run with nothing half printed.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use drydock_lint::files::{self, FileError, MAX_BYTES};
use drydock_lint::Project;

use super::shown;
use crate::output::inert;

/// One Dockerfile to lint.
pub struct Input {
    pub name: String,
    pub text: String,
    pub project: Project,
}

pub fn collect(paths: &[PathBuf], cwd: &Path) -> Result<Vec<Input>, String> {
    let explicit = !paths.is_empty();
    let default = [PathBuf::from(".")];
    let paths = if explicit { paths } else { &default[..] };
    let mut seen = HashSet::new();
    let mut inputs = Vec::new();
    let mut stdin_read = false;
    for path in paths {
        if path.as_os_str() == "-" {
            if stdin_read {
                return Err("`-` (stdin) is given twice\nfix: give it once".into());
            }
            stdin_read = true;
            inputs.push(Input {
                name: "-".into(),
                text: stdin()?,
                // Nothing is known about the directory a piped Dockerfile comes from.
                project: Project { dockerignore: None },
            });
            continue;
        }
        let found = match files::find(path) {
            Ok(found) => found,
            Err(FileError::NoneFound { .. }) if !explicit => {
                eprintln!(
                    "note: no Dockerfile in the current directory or below\n  fix: give the path of a Dockerfile or of a directory that holds one: `drydock lint PATH`"
                );
                Vec::new()
            }
            Err(e) => return Err(explained(e)),
        };
        for file in found {
            let file: PathBuf = file
                .components()
                .filter(|c| !matches!(c, Component::CurDir))
                .collect();
            if !seen.insert(file.clone()) {
                continue;
            }
            let text = files::read(&file).map_err(explained)?;
            inputs.push(Input {
                name: shown(&file, cwd),
                project: files::project_for(&file),
                text,
            });
        }
    }
    Ok(inputs)
}

fn explained(e: FileError) -> String {
    // A file name from a checked-out repository may hold control characters, line breaks or
    // bidi overrides: it is made inert where it enters the message, so it cannot pass for a
    // line of it either.
    let path = match &e {
        FileError::Read { path, .. }
        | FileError::TooBig { path, .. }
        | FileError::NoneFound { path } => path.display().to_string(),
    };
    let text = e.to_string().replacen(&path, &inert(&path), 1);
    match e {
        FileError::Read { .. } => {
            format!(
                "{text}\nfix: give the path of a readable Dockerfile or of a directory that holds one"
            )
        }
        _ => text,
    }
}

/// Reads stdin with the same size cap as files.
fn stdin() -> Result<String, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read stdin: {e}"))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(format!(
            "stdin holds more than the {MAX_BYTES} bytes a Dockerfile may have\nfix: pipe the Dockerfile itself"
        ));
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
