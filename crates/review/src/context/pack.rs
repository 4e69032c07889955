//! The build context as a tar stream, as the docker CLI sends it to the engine: what the ignore
//! file lets through ([`Ignore`], the same walk as [`analyse`](super::analyse)), the Dockerfile and
//! `.dockerignore` always, directories, regular files and symlinks as themselves (a symlink is
//! never followed, so nothing outside the context is read), modes kept, owners zeroed like the
//! CLI's. Sockets, fifos and devices are left out: a build cannot COPY them usefully.
//!
//! Streamed: each file goes from disk to `out` in pieces, so a 1 GB context costs a few buffers of
//! memory, plus one directory's names at a time. The Dockerfile's bytes can be replaced by a given
//! text under its own name, so a fixed Dockerfile is built without touching the user's file.

use std::cell::Cell;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::analyse::{ignore_file_for, ignore_for_build, Builder};
use super::ignore::{clean, Ignore, Verdict};

/// Where the Dockerfile goes in the tar when it lies outside the context (the CLI does the same
/// with a name of its own).
pub const OUTSIDE_DOCKERFILE: &str = ".drydock.Dockerfile";

#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("cannot read {path} to send it in the build context: {source}\n  fix: make it readable, or add it to .dockerignore if the build does not need it (docker build fails on it too)")]
    Unreadable { path: PathBuf, source: io::Error },
    #[error("{path} changed while it was sent in the build context\n  fix: build again once nothing writes to the project")]
    Changed { path: PathBuf },
    #[error("cannot send the build context: {0}")]
    Send(io::Error),
}

/// What was sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Packed {
    /// Entries that are not directories (files, symlinks): the count [`analyse`] gives.
    ///
    /// [`analyse`]: super::analyse
    pub files: u64,
    /// Bytes of regular files (the substituted Dockerfile's text counted as sent).
    pub bytes: u64,
}

/// The Dockerfile's name inside the tar: its path relative to the context, or
/// [`OUTSIDE_DOCKERFILE`] when it lies outside.
pub fn tar_name(context: &Path, dockerfile: &Path) -> String {
    let absolute = if dockerfile.is_absolute() {
        dockerfile.to_path_buf()
    } else {
        context.join(dockerfile)
    };
    match absolute.strip_prefix(context) {
        Ok(rel) if !rel.as_os_str().is_empty() => clean(&rel.to_string_lossy())
            .trim_start_matches('/')
            .to_string(),
        _ => OUTSIDE_DOCKERFILE.to_string(),
    }
}

/// Writes the tar of `context` for `dockerfile` (a relative path is taken from the context) as
/// `builder` would send it to `out`; `text`, when given, is sent as the Dockerfile instead of the
/// file's own bytes.
pub fn pack(
    context: &Path,
    dockerfile: &Path,
    builder: Builder,
    text: Option<&str>,
    out: impl Write,
) -> Result<Packed, PackError> {
    let dockerfile = if dockerfile.is_absolute() {
        dockerfile.to_path_buf()
    } else {
        context.join(dockerfile)
    };
    let name = tar_name(context, &dockerfile);
    let ignore = match ignore_file_for(context, &dockerfile, builder) {
        Some((_, Ok(ignore_text))) => {
            let rel = (name != OUTSIDE_DOCKERFILE).then_some(name.as_str());
            ignore_for_build(&ignore_text, rel)
        }
        // Docker fails the build on an ignore file it cannot read; so do we, by name.
        Some((path, Err(source))) => return Err(PackError::Unreadable { path, source }),
        None => Ignore::default(),
    };
    let replacement = match text {
        Some(text) => Some(text.as_bytes().to_vec()),
        None if name == OUTSIDE_DOCKERFILE => Some(std::fs::read(&dockerfile).map_err(
            |source| PackError::Unreadable {
                path: dockerfile.clone(),
                source,
            },
        )?),
        None => None,
    };
    // tar's Builder writes the end-of-archive blocks when dropped, even after an error: a
    // context cut short would then look whole to the engine. A stopped writer refuses them.
    let stopped = Rc::new(Cell::new(false));
    let mut tar = tar::Builder::new(Stoppable {
        out,
        stopped: Rc::clone(&stopped),
    });
    tar.follow_symlinks(false);
    let mut packer = Packer {
        tar: &mut tar,
        ignore: &ignore,
        dockerfile: &name,
        replacement: replacement.as_deref(),
        replaced: false,
        packed: Packed::default(),
    };
    let walked = packer.dir(context, "", None).and_then(|()| {
        match (replacement.as_deref(), packer.replaced) {
            (Some(bytes), false) => packer.bytes(&name, bytes, 0o644, 0),
            _ => Ok(()),
        }
    });
    if let Err(e) = walked {
        stopped.set(true);
        return Err(e);
    }
    let packed = std::mem::take(&mut packer.packed);
    tar.into_inner()
        .map_err(PackError::Send)?
        .out
        .flush()
        .map_err(PackError::Send)?;
    Ok(packed)
}

struct Stoppable<W> {
    out: W,
    stopped: Rc<Cell<bool>>,
}

impl<W: Write> Write for Stoppable<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.stopped.get() {
            return Err(io::Error::other("the context walk failed"));
        }
        self.out.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

struct Packer<'a, W: Write> {
    tar: &'a mut tar::Builder<W>,
    ignore: &'a Ignore,
    dockerfile: &'a str,
    replacement: Option<&'a [u8]>,
    replaced: bool,
    packed: Packed,
}

impl<W: Write> Packer<'_, W> {
    /// Sends the directory `abs` (context-relative `rel`, "" for the root). Recursion depth is
    /// the tree's depth, which the kernel bounds.
    fn dir(&mut self, abs: &Path, rel: &str, parent: Option<&Verdict>) -> Result<(), PackError> {
        let unreadable = |source| PackError::Unreadable {
            path: abs.to_path_buf(),
            source,
        };
        let mut names = Vec::new();
        for entry in std::fs::read_dir(abs).map_err(unreadable)? {
            names.push(entry.map_err(unreadable)?.file_name());
        }
        // The CLI's walk is lexical too: the same context gives the same tar.
        names.sort();
        for name in names {
            let path = abs.join(&name);
            let name = name.to_string_lossy();
            let child = if rel.is_empty() {
                name.into_owned()
            } else {
                format!("{rel}/{name}")
            };
            let meta =
                std::fs::symlink_metadata(&path).map_err(|source| PackError::Unreadable {
                    path: path.clone(),
                    source,
                })?;
            let verdict = self.ignore.judge(&child, meta.is_dir(), parent);
            if meta.is_dir() {
                if verdict.skip_dir {
                    continue;
                }
                // An excluded directory walked for an exception under it is not sent itself.
                if !verdict.excluded {
                    self.header(&child, tar::EntryType::Directory, &meta, 0, None)?;
                }
                self.dir(&path, &child, Some(&verdict))?;
                continue;
            }
            if verdict.excluded {
                continue;
            }
            if child == self.dockerfile {
                if let Some(bytes) = self.replacement {
                    self.replaced = true;
                    self.bytes(&child, bytes, mode(&meta), mtime(&meta))?;
                    continue;
                }
            }
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&path).map_err(|source| PackError::Unreadable {
                    path: path.clone(),
                    source,
                })?;
                self.header(&child, tar::EntryType::Symlink, &meta, 0, Some(&target))?;
                self.packed.files += 1;
            } else if meta.is_file() {
                self.file(&path, &child, &meta)?;
            }
        }
        Ok(())
    }

    fn header(
        &mut self,
        name: &str,
        kind: tar::EntryType,
        meta: &std::fs::Metadata,
        size: u64,
        link: Option<&Path>,
    ) -> Result<(), PackError> {
        let mut header = new_header(kind, mode(meta), mtime(meta), size);
        match link {
            Some(target) => self.tar.append_link(&mut header, name, target),
            None => self.tar.append_data(&mut header, name, io::empty()),
        }
        .map_err(PackError::Send)
    }

    fn file(&mut self, path: &Path, name: &str, meta: &std::fs::Metadata) -> Result<(), PackError> {
        let file = std::fs::File::open(path).map_err(|source| PackError::Unreadable {
            path: path.to_path_buf(),
            source,
        })?;
        let size = meta.len();
        let mut header = new_header(tar::EntryType::Regular, mode(meta), mtime(meta), size);
        let mut reader = Exact {
            inner: file.take(size),
            left: size,
            failed: None,
        };
        let sent = self.tar.append_data(&mut header, name, &mut reader);
        match (reader.failed, sent) {
            (Some(Failure::Shrunk), _) => Err(PackError::Changed {
                path: path.to_path_buf(),
            }),
            (Some(Failure::Read(source)), _) => Err(PackError::Unreadable {
                path: path.to_path_buf(),
                source,
            }),
            (None, Err(e)) => Err(PackError::Send(e)),
            (None, Ok(())) => {
                self.packed.files += 1;
                self.packed.bytes += size;
                Ok(())
            }
        }
    }

    fn bytes(&mut self, name: &str, bytes: &[u8], mode: u32, mtime: u64) -> Result<(), PackError> {
        let mut header = new_header(tar::EntryType::Regular, mode, mtime, bytes.len() as u64);
        self.tar
            .append_data(&mut header, name, bytes)
            .map_err(PackError::Send)?;
        self.packed.files += 1;
        self.packed.bytes += bytes.len() as u64;
        Ok(())
    }
}

fn new_header(kind: tar::EntryType, mode: u32, mtime: u64, size: u64) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(kind);
    header.set_mode(mode);
    header.set_mtime(mtime);
    header.set_size(size);
    // The CLI sends the context owned by root, whoever owns the files.
    header.set_uid(0);
    header.set_gid(0);
    header
}

#[cfg(unix)]
fn mode(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn mode(meta: &std::fs::Metadata) -> u32 {
    // Windows has no mode bits: the CLI sends 0755 for everything there.
    let _ = meta;
    0o755
}

fn mtime(meta: &std::fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs())
}

enum Failure {
    Shrunk,
    Read(io::Error),
}

/// Reads exactly the size the header promised: a file that shrinks while it is sent would
/// otherwise leave a tar whose every later entry is garbage. The failure is kept so the error
/// names the file rather than the tar.
struct Exact<R> {
    inner: R,
    left: u64,
    failed: Option<Failure>,
}

impl<R: Read> Read for Exact<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Ok(0);
        }
        match self.inner.read(buf) {
            Ok(0) => {
                self.failed = Some(Failure::Shrunk);
                Err(io::Error::new(io::ErrorKind::UnexpectedEof, "file shrank"))
            }
            Ok(n) => {
                self.left -= n as u64;
                Ok(n)
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            Err(e) => {
                let kind = e.kind();
                self.failed = Some(Failure::Read(e));
                Err(io::Error::new(kind, "read failed"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::analyse;

    fn write(root: &Path, files: &[(&str, &[u8])]) {
        for (path, bytes) in files {
            let file = root.join(path);
            std::fs::create_dir_all(file.parent().expect("parent")).expect("dir");
            std::fs::write(file, bytes).expect("file");
        }
    }

    /// (name, kind, size, link target) of every entry, in tar order.
    fn entries(tar: &[u8]) -> Vec<(String, tar::EntryType, u64, Option<String>)> {
        let mut archive = tar::Archive::new(tar);
        archive
            .entries()
            .expect("entries")
            .map(|e| {
                let e = e.expect("entry");
                let link = e
                    .link_name()
                    .expect("link")
                    .map(|l| l.to_string_lossy().into_owned());
                (
                    e.path().expect("path").to_string_lossy().into_owned(),
                    e.header().entry_type(),
                    e.header().size().expect("size"),
                    link,
                )
            })
            .collect()
    }

    fn every_file(root: &Path, rel: &str, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(root.join(rel)).expect("read dir") {
            let entry = entry.expect("entry");
            let name = entry.file_name().to_string_lossy().into_owned();
            let child = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            if entry.file_type().expect("type").is_dir() {
                every_file(root, &child, out);
            } else {
                out.push(child);
            }
        }
    }

    fn project() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        let long = format!("deep/{}/file.txt", "d".repeat(120));
        write(
            dir.path(),
            &[
                ("Dockerfile", b"FROM base\nCOPY . /app\n"),
                (
                    ".dockerignore",
                    b"*.log\n!keep.log\nnode_modules\ndocs\n!docs/final.md\nDockerfile\n.dockerignore\n",
                ),
                ("a.log", b"log"),
                ("keep.log", b"kept"),
                ("node_modules/x/index.js", &[b'n'; 5000]),
                ("docs/draft.md", b"draft"),
                ("docs/final.md", b"final"),
                ("src/main.rs", &[b'm'; 70_000]),
                (&long, b"long"),
            ],
        );
        #[cfg(unix)]
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join("src/outside")).expect("symlink");
        dir
    }

    #[test]
    fn the_tar_holds_exactly_what_the_ignore_file_lets_through() {
        let dir = project();
        let mut tar = Vec::new();
        let packed = pack(
            dir.path(),
            Path::new("Dockerfile"),
            Builder::BuildKit,
            None,
            &mut tar,
        )
        .expect("packs");
        let entries = entries(&tar);
        let mut sent: Vec<String> = entries
            .iter()
            .filter(|e| e.1 != tar::EntryType::Directory)
            .map(|e| e.0.clone())
            .collect();
        sent.sort();
        let ignore = ignore_for_build(
            &std::fs::read_to_string(dir.path().join(".dockerignore")).expect("ignore"),
            Some("Dockerfile"),
        );
        let mut expected = Vec::new();
        every_file(dir.path(), "", &mut expected);
        expected.retain(|path| !ignore.excluded(path, false));
        expected.sort();
        assert_eq!(sent, expected);
        // Docker keeps these two whatever the patterns say.
        assert!(sent.contains(&"Dockerfile".to_string()));
        assert!(sent.contains(&".dockerignore".to_string()));
        assert!(!sent.iter().any(|p| p.starts_with("node_modules")));
        assert!(sent.contains(&"docs/final.md".to_string()));
        let report = analyse(dir.path(), Path::new("Dockerfile")).expect("analyses");
        assert_eq!((packed.files, packed.bytes), (report.files, report.bytes));
        // Directories an exception walks into are not sent themselves.
        assert!(!entries.iter().any(|e| e.0.trim_end_matches('/') == "docs"));
        let main = entries.iter().find(|e| e.0 == "src/main.rs").expect("main");
        assert_eq!(main.2, 70_000);
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_sent_as_symlinks_never_followed() {
        let dir = project();
        let mut tar = Vec::new();
        pack(
            dir.path(),
            Path::new("Dockerfile"),
            Builder::BuildKit,
            None,
            &mut tar,
        )
        .expect("packs");
        let link = entries(&tar)
            .into_iter()
            .find(|e| e.0 == "src/outside")
            .expect("the symlink");
        assert_eq!(link.1, tar::EntryType::Symlink);
        assert_eq!(link.2, 0);
        assert_eq!(link.3.as_deref(), Some("/etc/passwd"));
    }

    #[test]
    fn a_given_text_replaces_the_dockerfile_in_the_tar_only() {
        let dir = project();
        let mut tar = Vec::new();
        pack(
            dir.path(),
            &dir.path().join("Dockerfile"),
            Builder::BuildKit,
            Some("FROM fixed\n"),
            &mut tar,
        )
        .expect("packs");
        let mut archive = tar::Archive::new(tar.as_slice());
        let mut found = 0;
        for entry in archive.entries().expect("entries") {
            let mut entry = entry.expect("entry");
            if entry.path().expect("path").to_string_lossy() == "Dockerfile" {
                let mut text = String::new();
                entry.read_to_string(&mut text).expect("text");
                assert_eq!(text, "FROM fixed\n");
                found += 1;
            }
        }
        assert_eq!(found, 1);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("Dockerfile")).expect("on disk"),
            "FROM base\nCOPY . /app\n"
        );
    }

    #[test]
    fn a_dockerfile_outside_the_context_is_sent_under_its_own_name() {
        let dir = project();
        let outside = tempfile::tempdir().expect("temp dir");
        let file = outside.path().join("Dockerfile.ci");
        std::fs::write(&file, "FROM outside\n").expect("write");
        assert_eq!(tar_name(dir.path(), &file), OUTSIDE_DOCKERFILE);
        assert_eq!(
            tar_name(dir.path(), Path::new("sub/./Dockerfile")),
            "sub/Dockerfile"
        );
        let mut tar = Vec::new();
        pack(dir.path(), &file, Builder::BuildKit, None, &mut tar).expect("packs");
        assert!(entries(&tar)
            .iter()
            .any(|e| e.0 == OUTSIDE_DOCKERFILE && e.2 == "FROM outside\n".len() as u64));
    }

    #[cfg(unix)]
    #[test]
    fn an_unreadable_file_is_an_error_naming_it() {
        use std::os::unix::fs::PermissionsExt;
        let dir = project();
        let secret = dir.path().join("src/secret.txt");
        std::fs::write(&secret, "x").expect("write");
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).expect("chmod");
        if std::fs::File::open(&secret).is_ok() {
            // Running as root: nothing is unreadable.
            return;
        }
        let err = pack(
            dir.path(),
            Path::new("Dockerfile"),
            Builder::BuildKit,
            None,
            io::sink(),
        )
        .expect_err("fails");
        assert!(err.to_string().contains("src/secret.txt"), "{err}");
    }

    #[test]
    fn a_file_that_shrinks_while_sent_is_named_not_sent_short() {
        let mut reader = Exact {
            inner: &b"abc"[..],
            left: 10,
            failed: None,
        };
        let mut out = Vec::new();
        assert!(io::copy(&mut reader, &mut out).is_err());
        assert!(matches!(reader.failed, Some(Failure::Shrunk)));
    }
}
