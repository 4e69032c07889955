//! What `drydock lint` reads: the files and directories given (the current directory when
//! none), or stdin for `-`. Every file is read before anything is linted, so an unreadable
//! path fails the run with nothing half printed.

use std::collections::HashSet;
use std::io::Read;
use std::path::PathBuf;

use drydock_lint::files::{FileError, MAX_BYTES};
use drydock_lint::run::{Input, Run};
use drydock_lint::Project;

use crate::error::CliError;
use crate::output::inert;

pub fn collect(run: &Run, paths: &[PathBuf]) -> Result<Vec<Input>, CliError> {
    let explicit = !paths.is_empty();
    let default = [PathBuf::from(".")];
    let paths = if explicit { paths } else { &default[..] };
    let mut seen = HashSet::new();
    let mut inputs = Vec::new();
    let mut stdin_read = false;
    for path in paths {
        if path.as_os_str() == "-" {
            if stdin_read {
                return Err(CliError::new("`-` (stdin) is given twice").fix("give it once"));
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
        let collected = match run.collect(path, &mut seen) {
            Ok(collected) => collected,
            Err(FileError::NoneFound { .. }) if !explicit => {
                eprintln!(
                    "note: no Dockerfile in the current directory or below\n  fix: give the path of a Dockerfile or of a directory that holds one: `drydock lint PATH`"
                );
                continue;
            }
            Err(e) => return Err(explained(e)),
        };
        if let Some(e) = collected.unreadable.into_iter().next() {
            return Err(explained(e));
        }
        inputs.extend(collected.inputs);
    }
    Ok(inputs)
}

fn explained(e: FileError) -> CliError {
    // A file name from a checked-out repository may hold control characters, line breaks or
    // bidi overrides: it is made inert where it enters the message, so it cannot pass for a
    // line of it either.
    match e {
        FileError::Read { path, source } => CliError::new(format!(
            "cannot read {}",
            inert(&path.display().to_string())
        ))
        .caused_by(source)
        .fix("give the path of a readable Dockerfile or of a directory that holds one"),
        FileError::TooBig { ref path, .. } | FileError::NoneFound { ref path } => {
            let path = path.display().to_string();
            CliError::new(e.to_string().replacen(&path, &inert(&path), 1))
        }
    }
}

/// Reads stdin with the same size cap as files.
fn stdin() -> Result<String, CliError> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::new("cannot read stdin").caused_by(e))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(CliError::new(format!(
            "stdin holds more than the {MAX_BYTES} bytes a Dockerfile may have"
        ))
        .fix("pipe the Dockerfile itself"));
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
