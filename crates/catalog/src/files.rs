//! The image's files as the catalogers see them: the final filesystem (whiteouts applied), but
//! only the files a cataloger asked for, each with the layer that last wrote it.

use std::collections::BTreeMap;

/// What a cataloger needs of a path, decided from the path alone before its content is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// Not needed.
    No,
    /// The whole content (small metadata files: `status`, `METADATA`, `package.json`, ...), up
    /// to the reader's per-file limit.
    Whole,
    /// A file that may be an executable or an archive (Go and Rust binaries, JARs): kept only if
    /// its first bytes say so (ELF magic, zip magic), up to the reader's limit for such files.
    Binary,
}

/// One kept file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// The layer that last wrote it (0 = the lowest).
    pub layer: usize,
    pub bytes: Vec<u8>,
}

/// The kept files by rooted path (`/var/lib/dpkg/status`).
pub type FileSet = BTreeMap<String, File>;
