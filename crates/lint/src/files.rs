//! Dockerfiles on disk: which files are Dockerfiles, finding them under a directory, reading
//! them with a size cap, and the project facts beside each one. The CLI and the app share this.

use std::path::{Path, PathBuf};

use crate::Project;

/// Bigger than any real Dockerfile by far; a larger file is refused rather than read.
pub const MAX_BYTES: u64 = 8 * 1024 * 1024;

/// Directories never searched: dependencies, build output and VCS data.
const SKIPPED_DIRS: [&str; 5] = ["node_modules", "target", "vendor", "dist", "__pycache__"];

/// A search stops after this many entries, so pointing it at `/` cannot run forever.
const MAX_ENTRIES: usize = 200_000;

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is {size} bytes, more than the {MAX_BYTES} a Dockerfile may have\n  fix: point Drydock at the Dockerfile itself")]
    TooBig { path: PathBuf, size: u64 },
    #[error("no Dockerfile under {path} (looked for Dockerfile, *.Dockerfile, Dockerfile.*, Containerfile)\n  fix: give the path of a Dockerfile or of the directory that holds one")]
    NoneFound { path: PathBuf },
}

/// `Dockerfile`, `Dockerfile.dev`, `api.Dockerfile`, `Containerfile` (any case).
pub fn is_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".dockerignore") {
        return false;
    }
    ["dockerfile", "containerfile"].iter().any(|base| {
        lower == *base
            || lower.starts_with(&format!("{base}."))
            || lower.ends_with(&format!(".{base}"))
    })
}

/// The Dockerfiles `path` names: itself if it is a file, else those under it (sorted, hidden
/// and dependency directories skipped, symlinked directories not followed).
pub fn find(path: &Path) -> Result<Vec<PathBuf>, FileError> {
    let meta = std::fs::metadata(path).map_err(|source| FileError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut found = Vec::new();
    let mut pending = vec![path.to_path_buf()];
    let mut seen = 0usize;
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|source| FileError::Read {
            path: dir.clone(),
            source,
        })?;
        for entry in entries.flatten() {
            seen += 1;
            if seen > MAX_ENTRIES {
                break;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if !name.starts_with('.') && !SKIPPED_DIRS.contains(&name.as_str()) {
                    pending.push(entry.path());
                }
            } else if is_dockerfile_name(&name) && (kind.is_file() || entry.path().is_file()) {
                found.push(entry.path());
            }
        }
    }
    if found.is_empty() {
        return Err(FileError::NoneFound {
            path: path.to_path_buf(),
        });
    }
    found.sort();
    Ok(found)
}

/// Reads a Dockerfile (bytes that are not UTF-8 become U+FFFD, as a build would choke on them
/// anyway), refusing files over [`MAX_BYTES`].
pub fn read(path: &Path) -> Result<String, FileError> {
    use std::io::Read;
    let err = |source| FileError::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(err)?;
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(err)?;
    if bytes.len() as u64 > MAX_BYTES {
        let size = std::fs::metadata(path).map_or(bytes.len() as u64, |m| m.len());
        return Err(FileError::TooBig {
            path: path.to_path_buf(),
            size,
        });
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Facts about the directory a Dockerfile sits in: BuildKit reads `<name>.dockerignore`
/// first, then `.dockerignore`.
pub fn project_for(path: &Path) -> Project {
    let dir = path.parent().unwrap_or(Path::new("."));
    let own = path
        .file_name()
        .map(|n| dir.join(format!("{}.dockerignore", n.to_string_lossy())));
    let dockerignore = dir.join(".dockerignore").is_file() || own.is_some_and(|p| p.is_file());
    Project {
        dockerignore: Some(dockerignore),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_are_dockerfiles() {
        for yes in [
            "Dockerfile",
            "dockerfile",
            "Dockerfile.dev",
            "api.Dockerfile",
            "Containerfile",
        ] {
            assert!(is_dockerfile_name(yes), "{yes}");
        }
        for no in [
            "Dockerfile.dockerignore",
            "README.md",
            "dockerfiles",
            "mydockerfile",
        ] {
            assert!(!is_dockerfile_name(no), "{no}");
        }
    }
}
